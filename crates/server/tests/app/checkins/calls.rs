//! Schedules make their calls once, an unanswered call is retried and then
//! escalated, a volunteer sees only the calls assigned to them, and plans
//! of every kind (and a broadcast) make the calls they promise.

use super::{
    Backend, Channel, Role, StatusCode, SweepReport, count, db, log, member, open_call,
    person_held_by, plan_weekly, sweep, today, world,
};

async fn schedules_make_their_calls_once(backend: Backend) {
    let mut w = world(backend).await;
    let db = &w.app.state.db;
    let start = today().add_days(-14).to_string();
    plan_weekly(
        &mut w.coordinator,
        w.person,
        &start,
        w.volunteer_id,
        "3",
        "1",
    )
    .await;
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'checkins_planned'"
        )
        .await,
        1
    );
    let first = sweep(db, today(), db::now()).await.unwrap();
    assert_eq!(
        first,
        SweepReport {
            calls_made: 3,
            retries_made: 0,
            escalated: 0
        }
    );
    let again = sweep(db, today(), db::now()).await.unwrap();
    assert_eq!(again, SweepReport::default());
    // The pages sweep too, and still make nothing twice.
    let page = w.volunteer.get("/checkins").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM checkin_calls").await,
        3,
        "one call a week, each made once"
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(DISTINCT due_on) FROM checkin_calls WHERE attempt = 1"
        )
        .await,
        3
    );
    // Next week the sweep makes the next call only.
    let later = sweep(db, today().add_days(7), db::now()).await.unwrap();
    assert_eq!(later.calls_made, 1);
    // A stopped schedule makes no more.
    let schedule = count(db, "SELECT MAX(id) FROM checkin_schedules").await;
    let reply = w
        .coordinator
        .post(
            &format!("/people/{}/checkins/{schedule}/stop", w.person),
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let stopped = sweep(db, today().add_days(21), db::now()).await.unwrap();
    assert_eq!(stopped.calls_made, 0);
}

async fn an_unanswered_call_is_retried_then_escalated(backend: Backend) {
    let mut w = world(backend).await;
    let db = &w.app.state.db;
    // Two tries in all, the second later the same day.
    plan_weekly(
        &mut w.coordinator,
        w.person,
        &today().to_string(),
        w.volunteer_id,
        "2",
        "0",
    )
    .await;
    let page = w.volunteer.get("/checkins").await;
    assert!(page.body.contains("Isobel Mackay"), "{}", page.body);
    let first = open_call(db, w.person).await;
    let reply = log(
        &mut w.volunteer,
        first,
        &[("outcome", "no_answer"), ("channel", "phone"), ("note", "")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let retried = sweep(db, today(), db::now()).await.unwrap();
    assert_eq!(retried.retries_made, 1);
    assert_eq!(sweep(db, today(), db::now()).await.unwrap().retries_made, 0);
    let second = open_call(db, w.person).await;
    assert_ne!(first, second);
    assert_eq!(
        count(
            db,
            &format!("SELECT attempt FROM checkin_calls WHERE id = {second}")
        )
        .await,
        2
    );
    let page = w.volunteer.get("/checkins").await;
    assert!(page.body.contains("Attempt 2 of 2"), "{}", page.body);
    let reply = log(
        &mut w.volunteer,
        second,
        &[
            ("outcome", "left_message"),
            ("channel", "phone"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let escalated = sweep(db, today(), db::now()).await.unwrap();
    assert_eq!(escalated.escalated, 1);
    assert_eq!(escalated.retries_made, 0);
    assert_eq!(sweep(db, today(), db::now()).await.unwrap().escalated, 0);
    assert_eq!(
        count(db, "SELECT MAX(attempt) FROM checkin_calls").await,
        2,
        "never more attempts than the rule allows"
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM checkin_concerns WHERE source = 'unreached' AND status = 'open'"
        )
        .await,
        1
    );
    let alerts = w.coordinator.get("/concerns").await;
    assert!(
        alerts.body.contains("Could not be reached"),
        "{}",
        alerts.body
    );
    assert!(alerts.body.contains("Concerns (1 open)"), "{}", alerts.body);
}

async fn a_volunteer_sees_only_their_own_calls(backend: Backend) {
    let mut w = world(backend).await;
    let db = &w.app.state.db;
    let neighbour = person_held_by(db, "Hamish Ross", None, Channel::Phone, Some(w.org)).await;
    let (other_volunteer, _) = member(
        &w.app,
        "kirsty@harbour.example",
        "Kirsty Munro",
        Role::Volunteer,
        w.org,
    )
    .await;
    let day = today().to_string();
    plan_weekly(&mut w.coordinator, w.person, &day, w.volunteer_id, "3", "1").await;
    plan_weekly(
        &mut w.coordinator,
        neighbour,
        &day,
        other_volunteer,
        "3",
        "1",
    )
    .await;
    let reads_of = |person: i64| {
        format!(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'person_read' \
             AND subject_kind = 'coordination_person' AND subject_id = {person}"
        )
    };
    let before = count(db, &reads_of(w.person)).await;
    let neighbour_before = count(db, &reads_of(neighbour)).await;
    let page = w.volunteer.get("/checkins").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Isobel Mackay"));
    assert!(page.body.contains("01632 960001"));
    assert!(!page.body.contains("Hamish Ross"), "{}", page.body);
    // The read of the one person shown is audited, and only that one.
    assert_eq!(count(db, &reads_of(w.person)).await, before + 1);
    assert_eq!(count(db, &reads_of(neighbour)).await, neighbour_before);
    // The other volunteer's call is not there for them.
    let theirs = open_call(db, neighbour).await;
    assert_eq!(
        w.volunteer
            .get(&format!("/checkins/calls/{theirs}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let reply = log(
        &mut w.volunteer,
        theirs,
        &[("outcome", "spoke"), ("channel", "phone"), ("note", "")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // A volunteer cannot plan calls or see the alerts.
    assert_eq!(
        w.volunteer
            .get(&format!("/people/{}/checkins", w.person))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.volunteer.get("/concerns").await.status,
        StatusCode::FORBIDDEN
    );
    // The coordinator sees both, with who is assigned.
    let all = w.coordinator.get("/checkins").await;
    assert!(all.body.contains("Isobel Mackay") && all.body.contains("Hamish Ross"));
    assert!(all.body.contains("Kirsty Munro") && all.body.contains("Euan Campbell"));
}

async fn plans_of_every_kind_and_a_broadcast(backend: Backend) {
    let mut w = world(backend).await;
    let db = &w.app.state.db;
    let person = format!("/people/{}/checkins", w.person);
    // No date of birth on the record: no birthday plan, and a clear word.
    let refused = w
        .coordinator
        .post(
            &person,
            &[
                ("kind", "birthday"),
                ("start", &today().to_string()),
                ("attempts", "3"),
                ("spacing", "1"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("no date of birth"));
    let bad = w
        .coordinator
        .post(
            &person,
            &[
                ("kind", "discharge"),
                ("start", "not a date"),
                ("weeks", "40"),
                ("attempts", "9"),
                ("spacing", "1"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Enter a date"));
    assert!(bad.body.contains("Choose from 1 to 5 tries"));
    let discharged = today().add_days(-3).to_string();
    let reply = w
        .coordinator
        .post(
            &person,
            &[
                ("kind", "discharge"),
                ("start", &discharged),
                ("weeks", "2"),
                ("attempts", "3"),
                ("spacing", "1"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let made = sweep(db, today(), db::now()).await.unwrap();
    assert_eq!(
        made.calls_made, 3,
        "every day since the day after discharge"
    );
    let page = w.coordinator.get("/checkins/broadcast").await;
    assert!(page.body.contains("Isobel Mackay"));
    let reply = w
        .coordinator
        .post(
            "/checkins/broadcast",
            &[
                ("on", &today().to_string()),
                ("message", "Yellow warning for snow tomorrow."),
                ("caller", &w.volunteer_id.to_string()),
                (&format!("person_{}", w.person), "yes"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let calls = w.volunteer.get("/checkins").await;
    assert!(
        calls.body.contains("Yellow warning for snow tomorrow."),
        "{}",
        calls.body
    );
    let shown = w.coordinator.get(&person).await;
    assert!(
        shown.body.contains("For 2 weeks after leaving hospital"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Yellow warning for snow"));
}

on_both_backends!(
    schedules_make_their_calls_once,
    an_unanswered_call_is_retried_then_escalated,
    a_volunteer_sees_only_their_own_calls,
    plans_of_every_kind_and_a_broadcast,
);
