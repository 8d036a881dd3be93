//! A link worker refers a person with their consent; the receiving
//! organisation sees only what was shared and moves the referral on; a
//! third organisation is told it is not there; final states stay final;
//! escalation and stalls show on the queues; a desk referral becomes a
//! request for help.

use super::{
    Backend, PHONE, Role, StatusCode, audit_count, id_from, refer_by_page, referral_to, step, world,
};

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

on_both_backends!(
    a_referral_goes_to_the_receiver_and_the_message_comes_back,
    a_decline_needs_a_reason_and_an_ended_referral_stays_ended,
    late_and_stalled_referrals_are_marked_on_the_queues,
    a_desk_referral_becomes_a_request_on_the_receiving_desk,
);
