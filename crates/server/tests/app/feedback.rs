//! Feedback, compliments and complaints on both backends: a complaint
//! taken by phone goes through both stages of the model complaints
//! procedure with every step audited; the engine's refusals are shown
//! against the field; another organisation is told nothing is there (pages
//! and API); an anonymous person follows their item by its reference; a
//! signed-in person sees their own; published items can be reported.

use axum::http::StatusCode;
use coprod_server::{
    api::tokens,
    coordination::model::today,
    coprod_engine::{
        feedback::{Stage, due_date},
        people::{LineOfText, Role, Sector},
        working_days::WorkingCalendar,
    },
    db::{Backend, Db},
    organisations::store as organisations,
    privacy::{
        erase::{self, Eraser},
        export::{self, Requester},
        subject::Found,
    },
};
use serde_json::Value;

use crate::support::{Client, TestApp};

async fn organisation(db: &Db, name: &str) -> i64 {
    organisations::create(db, &LineOfText::parse(name).unwrap(), Sector::Public, None)
        .await
        .unwrap()
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db.pool()).await.unwrap()
}

/// Enters a complaint by phone about `org`, answering its id.
async fn by_phone(staff: &mut Client, org: i64, extra: &[(&str, &str)]) -> i64 {
    let about = format!("organisation:{org}");
    let today = today().to_string();
    let mut fields = vec![
        ("kind", "complaint"),
        ("about", about.as_str()),
        ("body", "The lunch club bus did not come and nobody rang."),
        ("channel", "phone"),
        ("received_on", today.as_str()),
        ("name", "Isla Campbell"),
        ("phone", "01555 010 203"),
    ];
    fields.extend_from_slice(extra);
    let reply = staff.post("/feedback/on-behalf", &fields).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let location = reply.location().to_owned();
    location
        .trim_start_matches("/feedback/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn step(staff: &mut Client, id: i64, fields: &[(&str, &str)]) -> crate::support::Reply {
    staff.post(&format!("/feedback/{id}/steps"), fields).await
}

#[expect(
    clippy::too_many_lines,
    reason = "one complaint through both stages, step by step"
)]
async fn a_complaint_by_phone_goes_through_both_stages(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let org = organisation(db, "Glen Council").await;
    let mut staff = app.as_role_in(Role::Manager, org).await;
    let id = by_phone(&mut staff, org, &[]).await;

    let calendar = WorkingCalendar::scotland();
    let due = due_date(&calendar, today(), Stage::Frontline, false).unwrap();
    let page = staff.get(&format!("/feedback/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Isla Campbell"), "{}", page.body);
    assert!(page.body.contains("Frontline response due by"));
    let stored: String = sqlx::query_scalar("SELECT frontline_due FROM feedback WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(stored, due.to_string());

    // A response needs an outcome and words, named on the form.
    let refused = step(&mut staff, id, &[("step", "respond"), ("text", "")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("respond_text-error"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("respond_outcome-error"));

    let done = step(
        &mut staff,
        id,
        &[
            ("step", "respond"),
            ("outcome", "not_upheld"),
            ("text", "The bus broke down; we should have rung."),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    // The person is not satisfied: stage 2.
    let done = step(
        &mut staff,
        id,
        &[("step", "escalate"), ("text", "She wants to know why.")],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let done = step(&mut staff, id, &[("step", "acknowledge")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);

    // A new decision date must be later, a working day, with a reason.
    let earlier = today().to_string();
    let refused = step(
        &mut staff,
        id,
        &[
            ("step", "extend_investigation"),
            ("text", "Waiting for the driver's log"),
            ("new_due", earlier.as_str()),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("extend_investigation_new_due-error"));
    let later = calendar
        .add_working_days(calendar.add_working_days(today(), 20), 5)
        .to_string();
    let done = step(
        &mut staff,
        id,
        &[
            ("step", "extend_investigation"),
            ("text", "Waiting for the driver's log"),
            ("new_due", later.as_str()),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

    // The decision needs what was learned.
    let refused = step(
        &mut staff,
        id,
        &[
            ("step", "decide"),
            ("outcome", "upheld"),
            ("text", "We let her down."),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("decide_learning-error"));
    let done = step(
        &mut staff,
        id,
        &[
            ("step", "decide"),
            ("outcome", "upheld"),
            ("text", "We let her down."),
            (
                "learning",
                "Nobody owned telling people about cancelled runs.",
            ),
            (
                "changes",
                "The driver now rings the office, who ring everyone booked.",
            ),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    // Nothing more can be done.
    let again = step(&mut staff, id, &[("step", "acknowledge")]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'complaint_step_taken'"
        )
        .await,
        5
    );
    assert_eq!(
        count(
            db,
            &format!("SELECT COUNT(*) FROM feedback_steps WHERE feedback_id = {id}")
        )
        .await,
        6
    );
    let (status, outcome): (String, String) =
        sqlx::query_as("SELECT status, outcome FROM feedback WHERE id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!((status.as_str(), outcome.as_str()), ("decided", "upheld"));

    // The person follows it by reference, without an account, and is told
    // about the ombudsman; their phone number is not there.
    let reference: String = sqlx::query_scalar("SELECT reference FROM feedback WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    let mut anyone = app.client();
    let track = anyone.get(&format!("/feedback/track/{reference}")).await;
    assert_eq!(track.status, StatusCode::OK);
    assert!(track.body.contains("Nobody owned telling people"));
    assert!(track.body.contains("Scottish Public Services Ombudsman"));
    assert!(!track.body.contains("01555 010 203"));
    assert!(!track.body.contains("Isla Campbell"));
}

async fn the_frontline_is_extended_once_only(backend: Backend) {
    let app = TestApp::new(backend).await;
    let org = organisation(&app.state.db, "Glen Council").await;
    let mut staff = app.as_role_in(Role::Coordinator, org).await;
    let id = by_phone(&mut staff, org, &[]).await;
    let no_reason = step(&mut staff, id, &[("step", "extend_frontline")]).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = step(
        &mut staff,
        id,
        &[("step", "extend_frontline"), ("text", "Manager on leave")],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let twice = step(
        &mut staff,
        id,
        &[("step", "extend_frontline"), ("text", "Still on leave")],
    )
    .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("already been extended"));
    let calendar = WorkingCalendar::scotland();
    let due: String = sqlx::query_scalar("SELECT frontline_due FROM feedback WHERE id = $1")
        .bind(id)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(
        due,
        due_date(&calendar, today(), Stage::Frontline, true)
            .unwrap()
            .to_string()
    );
    // Straight to stage 2, a complaint is acknowledged within 3 working days.
    let direct = by_phone(&mut staff, org, &[("investigation", "yes")]).await;
    let page = staff.get(&format!("/feedback/{direct}")).await;
    assert!(
        page.body.contains("Acknowledgement due by"),
        "{}",
        page.body
    );
}

async fn another_organisation_is_told_nothing_is_there(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let org = organisation(db, "Glen Council").await;
    let other = organisation(db, "Coast Trust").await;
    let mut staff = app.as_role_in(Role::Manager, org).await;
    let id = by_phone(&mut staff, org, &[]).await;
    let mut stranger = app.as_role_in(Role::Manager, other).await;
    for path in [format!("/feedback/{id}")] {
        assert_eq!(stranger.get(&path).await.status, StatusCode::NOT_FOUND);
    }
    for path in [
        format!("/feedback/{id}/steps"),
        format!("/feedback/{id}/publish"),
    ] {
        assert_eq!(
            stranger
                .post(&path, &[("step", "acknowledge"), ("action", "withdraw")])
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
    let queue = stranger.get("/feedback").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(!queue.body.contains(&format!("/feedback/{id}\"")));
    // Nor may they enter a complaint about the first organisation.
    let about = format!("organisation:{org}");
    let refused = stranger
        .post(
            "/feedback/on-behalf",
            &[
                ("kind", "complaint"),
                ("about", about.as_str()),
                ("body", "x"),
                ("channel", "letter"),
                ("name", "A Person"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The API: a token sees its own organisation's items only.
    let token = |org| async move {
        tokens::issue(db, &LineOfText::parse("case system").unwrap(), org, None)
            .await
            .unwrap()
            .1
    };
    let (mine, theirs) = (token(org).await, token(other).await);
    let mut client = app.client();
    let reply = client
        .api_get("/api/v1/feedback?page=1&per_page=10", Some(&mine))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let body: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(body["total"], 1);
    assert_eq!(body["items"][0]["status"], "frontline");
    assert_eq!(body["items"][0]["clock"], "frontline");
    assert_eq!(body["items"][0]["channel"], "phone");
    assert!(!reply.body.contains("Isla Campbell"));
    let reply = client.api_get("/api/v1/feedback", Some(&theirs)).await;
    let body: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(body["total"], 0);
    let bad = client
        .api_get("/api/v1/feedback?per_page=0", Some(&mine))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("per_page"));
}

async fn anyone_gives_feedback_and_follows_it(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let org = organisation(db, "Glen Council").await;
    let mut anyone = app.client();
    let form = anyone.get("/feedback/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&format!("organisation:{org}")));
    let refused = anyone
        .post(
            "/feedback/new",
            &[
                ("kind", "grumble"),
                ("about", "nowhere:1"),
                ("email", "not an address"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["kind-error", "about-error", "body-error", "email-error"] {
        assert!(refused.body.contains(field), "{field}");
    }
    assert_eq!(app.count("feedback").await, 0);
    let about = format!("organisation:{org}");
    let given = anyone
        .post(
            "/feedback/new",
            &[
                ("kind", "compliment"),
                ("about", about.as_str()),
                ("body", "The staff at the front desk were kind."),
            ],
        )
        .await;
    assert_eq!(given.status, StatusCode::SEE_OTHER);
    assert!(given.location().starts_with("/feedback/track/FB-"));
    let track = anyone.get(given.location()).await;
    assert_eq!(track.status, StatusCode::OK);
    assert!(track.body.contains("Compliment"));
    assert_eq!(
        anyone.get("/feedback/track/FB-NOPE-NOPE-NO").await.status,
        StatusCode::NOT_FOUND
    );

    // Signed in, a person's own items are listed.
    let mut citizen = app.as_role(Role::Citizen).await;
    let given = citizen
        .post(
            "/feedback/new",
            &[
                ("kind", "complaint"),
                ("about", about.as_str()),
                ("body", "Nobody answered the phone all week."),
            ],
        )
        .await;
    assert_eq!(given.status, StatusCode::SEE_OTHER);
    let mine = citizen.get("/my-feedback").await;
    assert!(mine.body.contains("Frontline response"), "{}", mine.body);
    assert_eq!(mine.body.matches("/feedback/track/FB-").count(), 1);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'feedback_received'"
        )
        .await,
        2
    );
}

async fn published_items_can_be_reported(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let org = organisation(db, "Glen Council").await;
    let mut staff = app.as_role_in(Role::Manager, org).await;
    let id = by_phone(&mut staff, org, &[]).await;
    let unchecked = staff
        .post(
            &format!("/feedback/{id}/publish"),
            &[
                ("action", "publish"),
                ("summary", "A bus did not come."),
                ("response", "We now ring everyone."),
            ],
        )
        .await;
    assert_eq!(unchecked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unchecked.body.contains("checked-error"));
    let mut anyone = app.client();
    assert_eq!(
        anyone
            .post(
                &format!("/feedback/published/{id}/report"),
                &[("reason", "x")]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let done = staff
        .post(
            &format!("/feedback/{id}/publish"),
            &[
                ("action", "publish"),
                ("summary", "A bus did not come."),
                ("response", "We now ring everyone."),
                ("checked", "yes"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let public = anyone.get("/feedback/published").await;
    assert!(public.body.contains("We now ring everyone."));
    assert!(!public.body.contains("Isla Campbell"));
    let reported = anyone
        .post(
            &format!("/feedback/published/{id}/report"),
            &[("reason", "It names my neighbour")],
        )
        .await;
    assert_eq!(reported.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("feedback_abuse_reports").await, 1);
    let page = staff.get(&format!("/feedback/{id}")).await;
    assert!(page.body.contains("It names my neighbour"));
    let withdrawn = staff
        .post(
            &format!("/feedback/{id}/publish"),
            &[("action", "withdraw")],
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    let public = anyone.get("/feedback/published").await;
    assert!(!public.body.contains("We now ring everyone."));
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'feedback_published'"
        )
        .await,
        2
    );
}

/// What a person gave as feedback is in their subject access export, under
/// their account or their email address, and erasure leaves the items
/// counted and answered but naming nobody.
async fn the_export_holds_feedback_and_erasure_names_nobody(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let org = organisation(db, "Glen Council").await;
    let about = format!("organisation:{org}");
    let mut citizen = app.as_role(Role::Citizen).await;
    let given = citizen
        .post(
            "/feedback/new",
            &[
                ("kind", "complaint"),
                ("about", about.as_str()),
                (
                    "body",
                    "Write to me at citizen@test.example: nobody rang back.",
                ),
            ],
        )
        .await;
    assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", given.body);
    // The same person, earlier, without signing in.
    let mut anyone = app.client();
    let given = anyone
        .post(
            "/feedback/new",
            &[
                ("kind", "feedback"),
                ("about", about.as_str()),
                ("body", "The new bus times suit me."),
                ("name", "Ailsa Munro"),
                ("email", "citizen@test.example"),
                ("phone", "01555 010 999"),
            ],
        )
        .await;
    assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", given.body);
    // Someone else's item stays out of it.
    by_phone(&mut app.as_role_in(Role::Coordinator, org).await, org, &[]).await;

    let (account,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE email = 'citizen@test.example'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    let found = Found {
        account_id: Some(account),
        person_id: None,
        name: "citizen".into(),
    };
    let document = export::export(
        db,
        &found,
        Requester {
            account_id: None,
            ip: "",
            channel: "test",
        },
    )
    .await
    .unwrap();
    let items = document["feedback"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items.iter().any(|i| i["phone"] == "01555 010 999"));
    assert!(!document["feedback_steps"].as_array().unwrap().is_empty());

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
    assert_eq!(app.count("feedback").await, 3, "every item still counted");
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM feedback WHERE account_id IS NOT NULL OR email <> '' \
             OR phone = '01555 010 999' OR name = 'Ailsa Munro' OR body LIKE '%citizen@test.example%'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM feedback WHERE name = 'Isla Campbell'"
        )
        .await,
        1,
        "someone else's item keeps its name"
    );
}

on_both_backends!(
    the_export_holds_feedback_and_erasure_names_nobody,
    a_complaint_by_phone_goes_through_both_stages,
    the_frontline_is_extended_once_only,
    another_organisation_is_told_nothing_is_there,
    anyone_gives_feedback_and_follows_it,
    published_items_can_be_reported,
);
