//! Referrals on both backends: a link worker refers a person with their
//! consent; the receiving organisation sees only what was shared and moves
//! the referral on; a third organisation is told it is not there; final
//! states stay final; outcomes are checked item by item; escalation and
//! stalls show on the queues; a desk referral becomes a request for help;
//! the API's shapes; the privacy export, erasure and consent withdrawal.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use coprod_server::{
    api::tokens,
    coordination::{model::Channel, workflow::Actor},
    coprod_engine::people::{LineOfText, Role, Sector},
    coprod_engine::{
        referrals::outcomes::{Measure, Stage},
        surveys::instruments::Instrument,
    },
    db::{Backend, Db},
    organisations::store as organisations,
    privacy::{
        erase::{self, Eraser},
        export::{self, Requester},
        subject::Found,
    },
    referrals::workflow::{self, Measuring},
};
use serde_json::Value;

use crate::support::{
    Client, TestApp,
    coordination::person_held_by,
    referrals::{referral_to, service_managed_by},
};

const PHONE: &str = "01632 960001";

struct World {
    app: TestApp,
    referrer_org: i64,
    receiver_org: i64,
    third_org: i64,
    person: i64,
}

async fn organisation(db: &Db, name: &str) -> i64 {
    organisations::create(db, &LineOfText::parse(name).unwrap(), Sector::Third, None)
        .await
        .unwrap()
}

async fn world(backend: Backend) -> World {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let referrer_org = organisation(db, "Harbour Links").await;
    let receiver_org = organisation(db, "Glen Walkers").await;
    let third_org = organisation(db, "Braes Lunch Club").await;
    service_managed_by(db, "svc-walk", "Glen Walking Group", receiver_org).await;
    let person = person_held_by(
        db,
        "Morag Fraser",
        Some("morag@example.org"),
        Channel::Phone,
        Some(referrer_org),
    )
    .await;
    World {
        app,
        referrer_org,
        receiver_org,
        third_org,
        person,
    }
}

fn id_from(location: &str) -> i64 {
    location
        .trim_start_matches("/referrals/")
        .split(['?', '/'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn refer_by_page(client: &mut Client, person: i64) -> i64 {
    let person = person.to_string();
    let reply = client
        .post(
            "/referrals/new",
            &[
                ("person", &person),
                ("to", "service:svc-walk"),
                (
                    "reason",
                    "Lonely since her husband died; loved hill walking",
                ),
                ("referrer_kind", "link_worker"),
                ("referrer_role", "Link worker, Harbour Surgery"),
                ("share_name", "yes"),
                ("share_reason", "yes"),
                ("consent", "yes"),
                ("consent_channel", "in_person"),
                ("channel", "email"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert!(reply.location().ends_with("?done=referred"));
    id_from(reply.location())
}

async fn step(client: &mut Client, id: i64, to: &str, note: &str) -> String {
    let reply = client
        .post(
            &format!("/referrals/{id}/steps"),
            &[("to", to), ("channel", "phone"), ("note", note)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    reply.location().to_owned()
}

async fn audit_count(db: &Db, action: &str, person: i64) -> i64 {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE action = $1 AND subject_kind = 'coordination_person' AND subject_id = $2",
    )
    .bind(action)
    .bind(person)
    .fetch_one(db.pool())
    .await
    .unwrap();
    n
}

#[expect(clippy::too_many_lines, reason = "one journey, told in order")]
async fn a_referral_goes_to_the_receiver_and_the_message_comes_back(backend: Backend) {
    let w = world(backend).await;
    let db = &w.app.state.db;
    let mut link = w.app.as_role_in(Role::LinkWorker, w.referrer_org).await;
    let mut provider = w.app.as_role_in(Role::Coordinator, w.receiver_org).await;
    let mut stranger = w.app.as_role_in(Role::Coordinator, w.third_org).await;

    let form = link
        .get(&format!("/referrals/new?person={}", w.person))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Morag Fraser"));
    assert!(form.body.contains("Glen Walking Group"));
    // The stranger's organisation does not hold her record.
    assert_eq!(
        stranger
            .get(&format!("/referrals/new?person={}", w.person))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Every problem is named by its field; nothing is stored.
    let person = w.person.to_string();
    let bad = link
        .post(
            "/referrals/new",
            &[
                ("person", &person),
                ("to", "service:nope"),
                ("referrer_kind", "link_worker"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["#to", "#reason", "#share_name", "#consent"] {
        assert!(bad.body.contains(field), "{field} missing from the errors");
    }
    assert_eq!(w.app.count("referrals").await, 0);
    assert_eq!(w.app.count("consents").await, 0);

    let id = refer_by_page(&mut link, w.person).await;
    assert_eq!(w.app.count("consents").await, 1);
    assert_eq!(audit_count(db, "referral_made", w.person).await, 1);

    // The receiver's queue shows it, with her name (shared) and the date due.
    let queue = provider.get("/referrals/incoming").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("Morag Fraser"));
    assert!(queue.body.contains("Harbour Links"));
    assert!(
        !stranger
            .get("/referrals/incoming")
            .await
            .body
            .contains("Morag")
    );
    assert!(
        link.get("/referrals/sent")
            .await
            .body
            .contains("Morag Fraser")
    );

    // The receiver sees the shared fields only; the referrer sees all.
    let theirs = provider.get(&format!("/referrals/{id}")).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(theirs.body.contains("loved hill walking"));
    assert!(!theirs.body.contains(PHONE), "the phone was not shared");
    assert!(!theirs.body.contains("morag@example.org"));
    let ours = link.get(&format!("/referrals/{id}")).await;
    assert!(ours.body.contains(PHONE));
    // A third organisation is told nothing.
    let none = stranger.get(&format!("/referrals/{id}")).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    assert!(!none.body.contains("Morag"));
    let refused = stranger
        .post(
            &format!("/referrals/{id}/steps"),
            &[("to", "accepted"), ("channel", "phone"), ("note", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    // Only the receiver accepts.
    assert!(
        step(&mut link, id, "accepted", "")
            .await
            .ends_with("problem=wrong_side")
    );
    for to in ["accepted", "contacted", "first_attended"] {
        assert!(
            step(&mut provider, id, to, "")
                .await
                .ends_with("done=moved")
        );
    }
    // Start and review measures, recorded by the receiver on the page.
    let outcome_form = provider
        .get(&format!("/referrals/{id}/outcomes/new?instrument=swemwbs"))
        .await;
    assert_eq!(outcome_form.status, StatusCode::OK);
    assert!(outcome_form.body.contains("item_7"));
    assert!(outcome_form.body.contains("SWEMWBS"));
    for (stage, answer) in [("start", "2"), ("review", "3")] {
        let mut fields = vec![
            ("instrument", "swemwbs"),
            ("stage", stage),
            ("channel", "in_person"),
        ];
        let items: Vec<String> = (1..=7).map(|n| format!("item_{n}")).collect();
        for item in &items {
            fields.push((item.as_str(), answer));
        }
        let reply = provider
            .post(&format!("/referrals/{id}/outcomes/new"), &fields)
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    }
    assert!(
        step(&mut provider, id, "completed", "Walks every Tuesday now")
            .await
            .ends_with("done=moved")
    );

    // The message back.
    let back = link.get(&format!("/referrals/{id}")).await;
    assert!(back.body.contains("message-back"));
    assert!(back.body.contains("Walks every Tuesday now"));
    assert!(back.body.contains("19.25"), "the review's metric score");

    // Every read and every change is in the audit log, about her.
    assert_eq!(audit_count(db, "referral_step_taken", w.person).await, 4);
    assert_eq!(audit_count(db, "outcome_recorded", w.person).await, 2);
    assert!(audit_count(db, "person_read", w.person).await >= 4);
    // Every step names who took it and when.
    let (steps, without): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), SUM(CASE WHEN actor_id IS NULL OR occurred_at <= 0 THEN 1 ELSE 0 END) \
         FROM referral_events WHERE referral_id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!((steps, without), (5, 0));
}

async fn a_decline_needs_a_reason_and_an_ended_referral_stays_ended(backend: Backend) {
    let w = world(backend).await;
    let db = &w.app.state.db;
    let id = referral_to(db, w.person, "svc-walk", w.receiver_org, "name").await;
    let mut provider = w.app.as_role_in(Role::Coordinator, w.receiver_org).await;
    assert!(
        step(&mut provider, id, "declined", "  ")
            .await
            .ends_with("problem=reason_missing")
    );
    assert!(
        step(&mut provider, id, "declined", "Group is full until spring")
            .await
            .ends_with("done=moved")
    );
    for to in ["accepted", "withdrawn", "completed", "referred"] {
        assert!(
            step(&mut provider, id, to, "a reason")
                .await
                .ends_with("problem=final"),
            "{to}"
        );
    }
    let (status,): (String,) = sqlx::query_as("SELECT status FROM referrals WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(status, "declined");
    assert_eq!(w.app.count("referral_events").await, 2);
    // Nonsense is refused without a change.
    let reply = provider
        .post(
            &format!("/referrals/{id}/steps"),
            &[("to", "escalated"), ("channel", "pigeon")],
        )
        .await;
    assert!(reply.location().ends_with("problem=input"));
}

async fn outcomes_are_checked_item_by_item(backend: Backend) {
    let w = world(backend).await;
    let id = referral_to(
        &w.app.state.db,
        w.person,
        "svc-walk",
        w.receiver_org,
        "name",
    )
    .await;
    let mut provider = w.app.as_role_in(Role::Coordinator, w.receiver_org).await;
    let path = format!("/referrals/{id}/outcomes/new");
    let reply = provider
        .post(
            &path,
            &[
                ("instrument", "ucla3"),
                ("stage", "start"),
                ("channel", "phone"),
                ("item_1", "1"),
                ("item_2", "4"),
                ("item_3", "two"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("#item_2"));
    assert!(reply.body.contains("#item_3"));
    assert!(!reply.body.contains("#item_1\""));
    let reply = provider
        .post(
            &path,
            &[
                ("instrument", "ucla3"),
                ("stage", "later"),
                ("channel", "phone"),
                ("item_1", "1"),
                ("item_2", "2"),
                ("item_3", "3"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("#stage"));
    assert_eq!(w.app.count("outcome_measures").await, 0);
    let reply = provider
        .post(
            &path,
            &[
                ("instrument", "ons4"),
                ("stage", "start"),
                ("channel", "phone"),
                ("item_1", "7"),
                ("item_2", "8"),
                ("item_3", "6"),
                ("item_4", "3"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(w.app.count("outcome_measures").await, 1);
    // A third organisation cannot record one.
    let mut stranger = w.app.as_role_in(Role::Coordinator, w.third_org).await;
    assert_eq!(stranger.get(&path).await.status, StatusCode::NOT_FOUND);
}

async fn late_and_stalled_referrals_are_marked_on_the_queues(backend: Backend) {
    let w = world(backend).await;
    let db = &w.app.state.db;
    let late = referral_to(db, w.person, "svc-walk", w.receiver_org, "name").await;
    let quiet = referral_to(db, w.person, "svc-walk", w.receiver_org, "name").await;
    sqlx::query("UPDATE referrals SET respond_by = '2026-01-05' WHERE id = $1")
        .bind(late)
        .execute(db.pool())
        .await
        .unwrap();
    // Accepted long ago, never contacted.
    let mut provider = w.app.as_role_in(Role::Coordinator, w.receiver_org).await;
    step(&mut provider, quiet, "accepted", "").await;
    sqlx::query("UPDATE referral_events SET occurred_at = 1767225600 WHERE referral_id = $1")
        .bind(quiet)
        .execute(db.pool())
        .await
        .unwrap();
    let queue = provider.get("/referrals/incoming").await;
    assert!(queue.body.contains("Escalated"));
    assert!(queue.body.contains("No contact since it was accepted"));
    // Escalating is the referrals sweep's work (a background job), not the page's.
    let mut tx = db.begin_write().await.unwrap();
    coprod_server::referrals::reminders::sweep(
        &mut tx,
        &w.app.state.settings,
        coprod_server::coordination::model::today(),
        coprod_server::db::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (escalated,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM referrals WHERE escalated_at IS NOT NULL")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(escalated, 1, "only the late one");
    let mut link = w.app.as_role_in(Role::Coordinator, w.referrer_org).await;
    assert!(link.get("/referrals/sent").await.body.contains("Escalated"));
}

async fn a_desk_referral_becomes_a_request_on_the_receiving_desk(backend: Backend) {
    let w = world(backend).await;
    let db = &w.app.state.db;
    sqlx::query(
        "INSERT INTO postcodes (postcode, latitude, longitude, imported_at) VALUES ('AV1 1AA', 56.0, -3.0, 0)",
    )
    .execute(db.pool())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO taxonomy_terms (id, name, document) VALUES ('shopping', 'Shopping', '{}')",
    )
    .execute(db.pool())
    .await
    .unwrap();
    let mut link = w.app.as_role_in(Role::LinkWorker, w.referrer_org).await;
    let person = w.person.to_string();
    let desk = format!("desk:{}", w.receiver_org);
    let mut fields = vec![
        ("person", person.as_str()),
        ("to", desk.as_str()),
        ("reason", "Needs a hand with the weekly shop"),
        ("referrer_kind", "nurse"),
        ("share_name", "yes"),
        ("share_phone", "yes"),
        ("consent", "yes"),
        ("consent_channel", "phone"),
        ("channel", "phone"),
    ];
    let missing = link.post("/referrals/new", &fields).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("#help_category"));
    assert!(missing.body.contains("#postcode"));
    fields.push(("help_category", "shopping"));
    fields.push(("postcode", "av1 1aa"));
    let made = link.post("/referrals/new", &fields).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let id = id_from(made.location());
    let mut desk = w.app.as_role_in(Role::Coordinator, w.receiver_org).await;
    step(&mut desk, id, "accepted", "").await;
    let (request, holder): (i64, Option<i64>) = sqlx::query_as(
        "SELECT h.id, p.organisation_id FROM referrals r JOIN help_requests h ON h.id = r.help_request_id \
         JOIN coordination_people p ON p.id = h.person_id WHERE r.id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(holder, Some(w.receiver_org));
    let page = desk.get(&format!("/coordination/requests/{request}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Needs a hand") || page.body.contains("Shopping"));
}

async fn export_erasure_and_withdrawn_consent_cover_referrals(backend: Backend) {
    let w = world(backend).await;
    let db = &w.app.state.db;
    let id = referral_to(db, w.person, "svc-walk", w.receiver_org, "name,reason").await;
    let other = referral_to(db, w.person, "svc-walk", w.receiver_org, "name").await;
    let mut provider = w.app.as_role_in(Role::Coordinator, w.receiver_org).await;
    provider
        .post(
            &format!("/referrals/{id}/outcomes/new"),
            &[
                ("instrument", "ucla3"),
                ("stage", "start"),
                ("channel", "phone"),
                ("item_1", "3"),
                ("item_2", "3"),
                ("item_3", "2"),
            ],
        )
        .await;

    // Withdrawing the consent to share withdraws that referral only.
    let (consent,): (i64,) = sqlx::query_as("SELECT consent_id FROM referrals WHERE id = $1")
        .bind(other)
        .fetch_one(db.pool())
        .await
        .unwrap();
    let mut conn = db.pool().acquire().await.unwrap();
    let held = coprod_server::privacy::consent::find(&mut conn, consent)
        .await
        .unwrap()
        .unwrap();
    coprod_server::privacy::consent::withdraw(&mut conn, &held, None, Channel::Phone, 1)
        .await
        .unwrap();
    drop(conn);
    let statuses: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, status FROM referrals ORDER BY id")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(
        statuses,
        vec![(id, "referred".into()), (other, "withdrawn".into())]
    );

    let found = Found {
        account_id: None,
        person_id: Some(w.person),
        name: "Morag Fraser".into(),
    };
    let requester = Requester {
        account_id: None,
        ip: "",
        channel: "test",
    };
    let document = export::export(db, &found, requester).await.unwrap();
    assert_eq!(document["referrals"].as_array().unwrap().len(), 2);
    assert_eq!(document["referral_events"].as_array().unwrap().len(), 3);
    assert_eq!(document["outcome_measures"][0]["items"], "[3,3,2]");
    assert!(
        document["referrals"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("walking")
    );

    erase::erase(
        db,
        &found,
        Eraser {
            account_id: None,
            ip: "",
        },
    )
    .await
    .unwrap();
    for table in ["referrals", "referral_events", "outcome_measures"] {
        assert_eq!(w.app.count(table).await, 0, "{table}");
    }
    let (erased,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE action = 'person_erased'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(erased, 1);
}

fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

fn set<'a>(names: &[&'a str]) -> BTreeSet<&'a str> {
    names.iter().copied().collect()
}

#[expect(clippy::too_many_lines, reason = "every key of both shapes, checked")]
async fn the_api_answers_in_exactly_its_shapes_for_its_own_organisation(backend: Backend) {
    let w = world(backend).await;
    let db = &w.app.state.db;
    let id = referral_to(db, w.person, "svc-walk", w.receiver_org, "name").await;
    let mut provider = w.app.as_role_in(Role::Coordinator, w.receiver_org).await;
    for to in ["accepted", "first_attended"] {
        step(&mut provider, id, to, "").await;
    }
    let record = |instrument: &'static str, stage: &'static str, items: Vec<&'static str>| {
        let mut fields = vec![
            ("instrument", instrument),
            ("stage", stage),
            ("channel", "phone"),
        ];
        for (n, value) in items.into_iter().enumerate() {
            fields.push((
                [
                    "item_1", "item_2", "item_3", "item_4", "item_5", "item_6", "item_7",
                ][n],
                value,
            ));
        }
        fields
    };
    for fields in [
        record("swemwbs", "start", vec!["2"; 7]),
        record("swemwbs", "review", vec!["3"; 7]),
        record("ucla3", "start", vec!["3", "3", "3"]),
        record("ucla3", "review", vec!["1", "2", "1"]),
        record("ons4", "start", vec!["5", "6", "7", "8"]),
    ] {
        let reply = provider
            .post(&format!("/referrals/{id}/outcomes/new"), &fields)
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
    }
    let token = |org: i64| async move {
        tokens::issue(db, &LineOfText::parse("case system").unwrap(), org, None)
            .await
            .unwrap()
            .1
    };
    let (referrer, receiver, third) = (
        token(w.referrer_org).await,
        token(w.receiver_org).await,
        token(w.third_org).await,
    );
    let mut client = w.app.client();
    for own in [&referrer, &receiver] {
        let (status, list) = client
            .api_call(Method::GET, "/api/v1/referrals?page=1&per_page=10", own, "")
            .await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert_eq!(keys(&list), set(&["total", "page", "per_page", "items"]));
        assert_eq!(
            (
                list["total"].as_i64(),
                list["page"].as_i64(),
                list["per_page"].as_i64()
            ),
            (Some(1), Some(1), Some(10))
        );
        let item = &list["items"][0];
        assert_eq!(
            keys(item),
            set(&[
                "id",
                "service_id",
                "referred_at",
                "status",
                "events",
                "outcomes"
            ])
        );
        assert_eq!(item["id"], id);
        assert_eq!(item["service_id"], "svc-walk");
        assert_eq!(item["status"], "first_attended");
        assert!(item["referred_at"].as_str().unwrap().ends_with('Z'));
        let events = item["events"].as_array().unwrap();
        assert_eq!(events.len(), 3);
        for event in events {
            assert_eq!(keys(event), set(&["status", "at", "channel"]));
        }
        assert_eq!(events[0]["status"], "referred");
        assert_eq!(events[2]["channel"], "phone");
        let outcomes = item["outcomes"].as_array().unwrap();
        assert_eq!(outcomes.len(), 5);
        for outcome in outcomes {
            assert_eq!(
                keys(outcome),
                set(&["instrument", "stage", "recorded_at", "items", "score"])
            );
        }
        assert_eq!(outcomes[0]["instrument"], "swemwbs");
        assert_eq!(
            outcomes[0]["items"],
            serde_json::json!([2, 2, 2, 2, 2, 2, 2])
        );
        assert_eq!(outcomes[0]["score"], 15.32);
        assert_eq!(outcomes[3]["score"], 4.0);
        assert_eq!(
            outcomes[4]["score"],
            serde_json::json!({"life_satisfaction": 5, "worthwhile": 6, "happy": 7, "anxious": 8})
        );

        let (status, summary) = client
            .api_call(Method::GET, "/api/v1/referrals/summary", own, "")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            keys(&summary),
            set(&["by_status", "uptake", "outcome_change"])
        );
        assert_eq!(summary["by_status"]["first_attended"], 1);
        assert_eq!(summary["by_status"]["referred"], 0);
        assert_eq!(
            summary["uptake"],
            serde_json::json!({"referred": 1, "attended": 1, "rate": 1.0})
        );
        assert_eq!(keys(&summary["outcome_change"]), set(&["swemwbs", "ucla3"]));
        assert_eq!(summary["outcome_change"]["swemwbs"]["n"], 1);
        let change = summary["outcome_change"]["swemwbs"]["mean_change"]
            .as_f64()
            .unwrap();
        assert!((change - 3.93).abs() < 1e-9, "{change}");
        assert_eq!(
            summary["outcome_change"]["ucla3"],
            serde_json::json!({"n": 1, "mean_change": -5.0})
        );
    }
    // A third organisation sees nothing of it.
    let (_, list) = client
        .api_call(Method::GET, "/api/v1/referrals", &third, "")
        .await;
    assert_eq!(list["total"], 0);
    assert_eq!(list["items"], serde_json::json!([]));
    let (_, summary) = client
        .api_call(Method::GET, "/api/v1/referrals/summary", &third, "")
        .await;
    assert_eq!(summary["uptake"]["referred"], 0);
    assert_eq!(
        summary["outcome_change"]["swemwbs"],
        serde_json::json!({"n": 0, "mean_change": null})
    );
    // Bad paging is refused naming the parameter.
    let (status, error) = client
        .api_call(Method::GET, "/api/v1/referrals?per_page=0", &referrer, "")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["errors"][0]["field"], "per_page");
    // Every list read is in the audit log under its token.
    let (reads,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'person_read' AND actor_token_id IS NOT NULL",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert!(reads >= 3);
    // The document describes both routes.
    let (_, document) = client
        .api_call(Method::GET, "/api/openapi.json", "", "")
        .await;
    assert!(document["paths"]["/api/v1/referrals"]["get"].is_object());
    assert!(document["paths"]["/api/v1/referrals/summary"]["get"].is_object());
}

async fn the_funnel_withholds_small_groups(backend: Backend) {
    let w = world(backend).await;
    let db = &w.app.state.db;
    for _ in 0..6 {
        referral_to(db, w.person, "svc-walk", w.receiver_org, "name").await;
    }
    let mut provider = w.app.as_role_in(Role::Manager, w.receiver_org).await;
    let page = provider.get("/referrals/funnel").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Service svc-walk"));
    assert!(page.body.contains("<td>6</td>"));
    // All six are in quintile 2 and aged 75–84: one group each, shown.
    assert!(page.body.contains("Quintile 2"));
    let mut stranger = w.app.as_role_in(Role::Manager, w.third_org).await;
    let none = stranger.get("/referrals/funnel").await;
    assert!(!none.body.contains("Service svc-walk"));
}

fn as_refs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

async fn talking_points_are_rated_and_changes_come_with_their_interval(backend: Backend) {
    let w = world(backend).await;
    let db = &w.app.state.db;
    let mut provider = w.app.as_role_in(Role::Coordinator, w.receiver_org).await;
    let first = referral_to(db, w.person, "svc-walk", w.receiver_org, "name").await;
    let path = format!("/referrals/{first}/outcomes/new");
    let form = provider
        .get(&format!("{path}?instrument=talking_points"))
        .await;
    assert!(form.body.contains("Feeling safe"), "{}", form.body);
    assert!(form.body.contains("Partly met"));
    // Fourteen ratings: the fifteenth, "Fewer symptoms", is named.
    let mut fields: Vec<(String, String)> = vec![
        ("instrument".into(), "talking_points".into()),
        ("stage".into(), "start".into()),
        ("channel".into(), "in_person".into()),
    ];
    fields.extend((1..=14).map(|n| (format!("item_{n}"), if n <= 6 { "1" } else { "3" }.into())));
    let reply = provider.post(&path, &as_refs(&fields)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("#item_15"));
    assert!(reply.body.contains("Fewer symptoms"));
    assert_eq!(w.app.count("outcome_measures").await, 0);
    fields.push(("item_15".into(), "0".into()));
    let reply = provider.post(&path, &as_refs(&fields)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    // Quality of life not met (6), process met (5), change met (3), one
    // does not apply: 8 of 14 met.
    let shown = provider.get(&format!("/referrals/{first}")).await;
    assert!(
        shown.body.contains("57% met (8 met, 0 partly, 6 not met)"),
        "{}",
        shown.body
    );

    // Five people measured on UCLA-3 at the start (9) and at a review
    // (8, 7, 6, 5, 4): changes −1…−5, mean −3, s = √2.5, t(4) = 2.776.
    let start = Measuring {
        measure: Measure::Instrument(Instrument::Ucla3),
        stage: Stage::Start,
        items: vec![3, 3, 3],
        channel: coprod_server::coprod_engine::referrals::Channel::InPerson,
    };
    let actor = Actor::operator();
    for n in 0..5_i64 {
        let person = person_held_by(
            db,
            &format!("Person {n}"),
            None,
            Channel::Phone,
            Some(w.referrer_org),
        )
        .await;
        let id = referral_to(db, person, "svc-walk", w.receiver_org, "name").await;
        workflow::record_outcome(db, &actor, id, &start)
            .await
            .unwrap();
        let items = match n {
            0 => vec![3, 3, 2],
            1 => vec![3, 2, 2],
            2 => vec![2, 2, 2],
            3 => vec![2, 2, 1],
            _ => vec![2, 1, 1],
        };
        workflow::record_outcome(
            db,
            &actor,
            id,
            &Measuring {
                stage: Stage::Review,
                items,
                ..start.clone()
            },
        )
        .await
        .unwrap();
    }
    let page = provider.get("/referrals/changes").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<td>5</td><td>−3.0</td><td>−5.0 to −1.0</td>"),
        "{}",
        page.body
    );
    // Talking Points: one person measured once, so nothing to show.
    assert!(page.body.contains("Withheld: too few to show"));
    let mut stranger = w.app.as_role_in(Role::Manager, w.third_org).await;
    let none = stranger.get("/referrals/changes").await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(!none.body.contains("−3.0"));
}

async fn a_person_refers_themselves_and_follows_it(backend: Backend) {
    let w = world(backend).await;
    let mut citizen = w.app.as_role(Role::Citizen).await;
    let mut provider = w.app.as_role_in(Role::Coordinator, w.receiver_org).await;
    let service = citizen.get("/services/svc-walk").await;
    assert!(
        service.body.contains("/my-referrals/new?service=svc-walk"),
        "{}",
        service.body
    );
    let form = citizen.get("/my-referrals/new?service=svc-walk").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Glen Walking Group"));

    // Every problem named by its field; nothing stored.
    let bad = citizen
        .post(
            "/my-referrals/new",
            &[
                ("service", "svc-walk"),
                ("reason", "  "),
                ("share_phone", "yes"),
                ("phone", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["#reason", "#phone", "#consent"] {
        assert!(bad.body.contains(field), "{field}");
    }
    assert_eq!(w.app.count("referrals").await, 0);
    assert_eq!(w.app.count("consents").await, 0);

    let made = citizen
        .post(
            "/my-referrals/new",
            &[
                ("service", "svc-walk"),
                ("reason", "I would like to get out walking with others"),
                ("phone", "01632 960777"),
                ("share_name", "yes"),
                ("share_phone", "yes"),
                ("share_reason", "yes"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let id: i64 = made
        .location()
        .trim_start_matches("/my-referrals/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(w.app.count("consents").await, 1);

    // The service sees it, with what was shared and who referred.
    let incoming = provider.get("/referrals/incoming").await;
    assert!(incoming.body.contains(&format!("/referrals/{id}")));
    let seen = provider.get(&format!("/referrals/{id}")).await;
    assert!(seen.body.contains("01632 960777"), "{}", seen.body);
    assert!(seen.body.contains("The person themselves"));
    step(&mut provider, id, "accepted", "").await;

    // The message comes back to the person; nobody else sees it.
    let mine = citizen.get("/my-referrals").await;
    assert!(mine.body.contains("Glen Walking Group"));
    assert!(mine.body.contains("Accepted"));
    let mut other = w.app.as_role(Role::Volunteer).await;
    assert_eq!(
        other.get(&format!("/my-referrals/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let path = format!("/my-referrals/{id}/withdraw");
    assert_eq!(
        other.post(&path, &[("note", "not mine")]).await.status,
        StatusCode::NOT_FOUND
    );

    // Withdrawing needs a reason, which the service then reads.
    let no_reason = citizen.post(&path, &[("note", "")]).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("#note"));
    let withdrawn = citizen
        .post(&path, &[("note", "I have found a group nearer home")])
        .await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    let seen = provider.get(&format!("/referrals/{id}")).await;
    assert!(seen.body.contains("I have found a group nearer home"));
    let ended = citizen.get(&format!("/my-referrals/{id}")).await;
    assert!(ended.body.contains("Withdrawn"));
    assert!(!ended.body.contains("/withdraw\""));
}

on_both_backends!(
    a_person_refers_themselves_and_follows_it,
    talking_points_are_rated_and_changes_come_with_their_interval,
    a_referral_goes_to_the_receiver_and_the_message_comes_back,
    a_decline_needs_a_reason_and_an_ended_referral_stays_ended,
    outcomes_are_checked_item_by_item,
    late_and_stalled_referrals_are_marked_on_the_queues,
    a_desk_referral_becomes_a_request_on_the_receiving_desk,
    export_erasure_and_withdrawn_consent_cover_referrals,
    the_api_answers_in_exactly_its_shapes_for_its_own_organisation,
    the_funnel_withholds_small_groups,
);
