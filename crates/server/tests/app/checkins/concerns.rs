//! A concern is acknowledged and acted on with every step audited (and a
//! refused step writes nothing); a helper raises one after a round visit.

use super::{
    Backend, Role, StatusCode, TestApp, count, db, log, open_call, plan_weekly, sweep, today, world,
};

#[expect(
    clippy::too_many_lines,
    reason = "one concern's whole life, step by step, with its audit rows"
)]
async fn a_concern_is_acknowledged_and_acted_on_with_every_step_audited(backend: Backend) {
    let mut w = world(backend).await;
    let db = &w.app.state.db;
    plan_weekly(
        &mut w.coordinator,
        w.person,
        &today().to_string(),
        w.volunteer_id,
        "3",
        "1",
    )
    .await;
    sweep(db, today(), db::now()).await.unwrap();
    let call = open_call(db, w.person).await;
    // A concern needs its urgency and what was noticed.
    let missing = log(
        &mut w.volunteer,
        call,
        &[("outcome", "concern"), ("channel", "phone"), ("note", "")],
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("Choose how urgent it is"));
    assert!(missing.body.contains("Say what you noticed"));
    assert_eq!(count(db, "SELECT COUNT(*) FROM checkin_concerns").await, 0);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'checkin_call_logged'"
        )
        .await,
        0,
        "a refused step writes no audit row"
    );
    let reply = log(
        &mut w.volunteer,
        call,
        &[
            ("outcome", "concern"),
            ("channel", "phone"),
            ("note", "Spoke for ten minutes."),
            ("urgency", "urgent"),
            (
                "noticed",
                "Sounded confused and could not remember the day.",
            ),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), "/checkins?done=logged_concern");
    let again = log(
        &mut w.volunteer,
        call,
        &[("outcome", "spoke"), ("channel", "phone"), ("note", "")],
    )
    .await;
    assert_eq!(again.location(), "/checkins?problem=already_logged");
    for (action, n) in [("checkin_call_logged", 1), ("concern_raised", 1)] {
        assert_eq!(
            count(
                db,
                &format!(
                    "SELECT COUNT(*) FROM audit_events WHERE action = '{action}' \
                     AND subject_id = {}",
                    w.person
                )
            )
            .await,
            n,
            "{action}"
        );
    }
    let concern = count(db, "SELECT MAX(id) FROM checkin_concerns").await;
    let alerts = w.coordinator.get("/concerns").await;
    assert!(alerts.body.contains("Sounded confused"), "{}", alerts.body);
    assert!(alerts.body.contains("Urgent"));
    assert!(alerts.body.contains("Concerns (1 open)"));
    let reply = w
        .coordinator
        .post(&format!("/concerns/{concern}/acknowledge"), &[])
        .await;
    assert_eq!(
        reply.location(),
        format!("/concerns/{concern}?done=acknowledged")
    );
    let twice = w
        .coordinator
        .post(&format!("/concerns/{concern}/acknowledge"), &[])
        .await;
    assert_eq!(
        twice.location(),
        format!("/concerns/{concern}?problem=not_next")
    );
    let empty = w
        .coordinator
        .post(
            &format!("/concerns/{concern}/act"),
            &[("to", "acted_on"), ("action_taken", "")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reply = w
        .coordinator
        .post(
            &format!("/concerns/{concern}/act"),
            &[
                ("to", "acted_on"),
                (
                    "action_taken",
                    "Asked the district nurse to visit this afternoon.",
                ),
            ],
        )
        .await;
    assert_eq!(
        reply.location(),
        format!("/concerns/{concern}?done=acted_on")
    );
    let page = w.coordinator.get(&format!("/concerns/{concern}")).await;
    assert!(page.body.contains("Acted on"));
    assert!(page.body.contains("district nurse"));
    assert!(page.body.contains("Fiona Reid"));
    assert_eq!(
        count(
            db,
            &format!(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'concern_moved' AND subject_id = {}",
                w.person
            )
        )
        .await,
        2
    );
    let (status, closed_by): (String, Option<i64>) =
        sqlx::query_as("SELECT status, closed_by FROM checkin_concerns WHERE id = $1")
            .bind(concern)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(status, "acted_on");
    assert!(closed_by.is_some());
    let alerts = w.coordinator.get("/concerns").await;
    assert!(!alerts.body.contains("Concerns (1 open)"));
}

async fn a_helper_raises_a_concern_after_a_round_visit(backend: Backend) {
    let app = TestApp::new(backend).await;
    coprod_server::demo::seed(&app.state.db).await.unwrap();
    let db = &app.state.db;
    // A day of the demo's round whose helper signs in as the demo volunteer.
    let volunteer = count(
        db,
        "SELECT id FROM accounts WHERE email = 'volunteer@demo.example'",
    )
    .await;
    let day = count(
        db,
        &format!(
            "SELECT MIN(c.id) FROM occurrences c JOIN offers o ON o.id = c.offer_id \
             JOIN coordination_people h ON h.id = o.person_id WHERE h.account_id = {volunteer}"
        ),
    )
    .await;
    let mut helper = app.client();
    helper
        .sign_in("volunteer@demo.example", coprod_server::demo::PASSWORD)
        .await;
    let form = helper.get(&format!("/checkins/visits/{day}/concern")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let before = count(
        db,
        "SELECT COUNT(*) FROM checkin_concerns WHERE source = 'visit'",
    )
    .await;
    let reply = helper
        .post(
            &format!("/checkins/visits/{day}/concern"),
            &[("urgency", "soon"), ("noticed", "Mentioned feeling dizzy.")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM checkin_concerns WHERE source = 'visit'"
        )
        .await,
        before + 1
    );
    // Someone else's visit is not theirs to report on.
    let mut citizen = app.as_role(Role::Citizen).await;
    assert_eq!(
        citizen
            .get(&format!("/checkins/visits/{day}/concern"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The demo's week: calls of every kind, and one concern still open.
    for kind in ["regular", "birthday", "discharge", "broadcast"] {
        assert!(
            count(
                db,
                &format!("SELECT COUNT(*) FROM checkin_schedules WHERE kind = '{kind}'")
            )
            .await
                > 0,
            "{kind}"
        );
    }
    for outcome in ["spoke", "no_answer", "left_message", "concern"] {
        assert!(
            count(
                db,
                &format!("SELECT COUNT(*) FROM checkin_calls WHERE outcome = '{outcome}'")
            )
            .await
                > 0,
            "{outcome}"
        );
    }
    assert!(
        count(
            db,
            "SELECT COUNT(*) FROM checkin_concerns WHERE status = 'open' AND source = 'call'"
        )
        .await
            >= 1
    );
    assert!(
        count(
            db,
            "SELECT COUNT(*) FROM checkin_concerns WHERE status = 'acted_on'"
        )
        .await
            >= 1
    );
}

on_both_backends!(
    a_concern_is_acknowledged_and_acted_on_with_every_step_audited,
    a_helper_raises_a_concern_after_a_round_visit,
);
