//! Check-in calls on both backends: schedules make their calls once, an
//! unanswered call is retried and then escalated to a concern, a volunteer
//! sees only the calls assigned to them, another organisation is told
//! nothing is there, every step writes its audit row (and a refused step
//! none), a concern is acknowledged and acted on, a helper raises one
//! from a round visit, and the privacy export and erasure cover them.

use axum::http::StatusCode;
use coprod_server::{
    accounts::{password, store as accounts},
    checkins::workflow::{SweepReport, sweep},
    coordination::model::{Channel, today},
    coprod_engine::people::{EmailAddress, LineOfText, NewPassword, Role, Sector},
    db::{self, Backend, Db},
    organisations::store as organisations,
    privacy::{
        erase::{self, Eraser},
        export::{self, Requester},
        subject::Found,
    },
};

use crate::support::{Client, PASSWORD, TestApp, coordination::person_held_by};

struct World {
    app: TestApp,
    org: i64,
    other_org: i64,
    person: i64,
    coordinator: Client,
    volunteer: Client,
    volunteer_id: i64,
}

async fn organisation(db: &Db, name: &str) -> i64 {
    organisations::create(db, &LineOfText::parse(name).unwrap(), Sector::Third, None)
        .await
        .unwrap()
}

/// A signed-in account holding `role` for `org`, named `name`.
async fn member(app: &TestApp, email: &str, name: &str, role: Role, org: i64) -> (i64, Client) {
    let hash = password::hash(NewPassword::parse(PASSWORD).unwrap())
        .await
        .unwrap();
    let id = accounts::create(
        &app.state.db,
        &EmailAddress::parse(email).unwrap(),
        &LineOfText::parse(name).unwrap(),
        &hash,
    )
    .await
    .unwrap();
    accounts::grant(&app.state.db, id, Some(org), role)
        .await
        .unwrap();
    let mut client = app.client();
    let reply = client.sign_in(email, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    (id, client)
}

async fn world(backend: Backend) -> World {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let org = organisation(db, "Harbour Befriending").await;
    let other_org = organisation(db, "Braes Lunch Club").await;
    let person = person_held_by(db, "Isobel Mackay", None, Channel::Phone, Some(org)).await;
    let (_, coordinator) = member(
        &app,
        "fiona@harbour.example",
        "Fiona Reid",
        Role::Coordinator,
        org,
    )
    .await;
    let (volunteer_id, volunteer) = member(
        &app,
        "euan@harbour.example",
        "Euan Campbell",
        Role::Volunteer,
        org,
    )
    .await;
    World {
        app,
        org,
        other_org,
        person,
        coordinator,
        volunteer,
        volunteer_id,
    }
}

async fn count(db: &Db, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(db.pool()).await.unwrap();
    n
}

/// Plans weekly calls for `person` from `start`, by `caller`, with the
/// retry rule given.
async fn plan_weekly(
    client: &mut Client,
    person: i64,
    start: &str,
    caller: i64,
    attempts: &str,
    spacing: &str,
) {
    let reply = client
        .post(
            &format!("/people/{person}/checkins"),
            &[
                ("kind", "regular"),
                ("cadence", "weekly"),
                ("start", start),
                ("end", ""),
                ("weeks", ""),
                ("caller", &caller.to_string()),
                ("attempts", attempts),
                ("spacing", spacing),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert!(reply.location().ends_with("?done=planned"));
}

/// The id of the unlogged call of `person` with the highest attempt.
async fn open_call(db: &Db, person: i64) -> i64 {
    count(
        db,
        &format!(
            "SELECT MAX(id) FROM checkin_calls WHERE person_id = {person} AND outcome IS NULL"
        ),
    )
    .await
}

async fn log(client: &mut Client, call: i64, fields: &[(&str, &str)]) -> crate::support::Reply {
    client
        .post(&format!("/checkins/calls/{call}"), fields)
        .await
}

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

async fn another_organisation_is_told_nothing_is_there(backend: Backend) {
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
    log(
        &mut w.volunteer,
        call,
        &[
            ("outcome", "concern"),
            ("channel", "phone"),
            ("note", ""),
            ("urgency", "soon"),
            ("noticed", "Has had a fall in the garden."),
        ],
    )
    .await;
    let concern = count(db, "SELECT MAX(id) FROM checkin_concerns").await;
    let schedule = count(db, "SELECT MAX(id) FROM checkin_schedules").await;
    let (_, mut stranger) = member(
        &w.app,
        "ailsa@braes.example",
        "Ailsa Grant",
        Role::Coordinator,
        w.other_org,
    )
    .await;
    for path in [
        format!("/people/{}/checkins", w.person),
        format!("/checkins/calls/{call}"),
        format!("/concerns/{concern}"),
    ] {
        assert_eq!(
            stranger.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    for path in [
        format!("/concerns/{concern}/acknowledge"),
        format!("/people/{}/checkins/{schedule}/stop", w.person),
    ] {
        assert_eq!(
            stranger.post(&path, &[]).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let list = stranger.get("/concerns").await;
    assert!(!list.body.contains("Isobel Mackay"));
    let calls = stranger.get("/checkins").await;
    assert!(!calls.body.contains("Isobel Mackay"));
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM checkin_concerns WHERE status = 'open'"
        )
        .await,
        1,
        "nothing moved"
    );
}

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

async fn the_export_holds_calls_and_erasure_blanks_them(backend: Backend) {
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
    log(
        &mut w.volunteer,
        call,
        &[
            ("outcome", "concern"),
            ("channel", "phone"),
            ("note", "Talked about her grandson."),
            ("urgency", "routine"),
            ("noticed", "The boiler is broken."),
        ],
    )
    .await;
    let found = Found {
        account_id: None,
        person_id: Some(w.person),
        name: "Isobel Mackay".into(),
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
    assert_eq!(document["checkin_schedules"].as_array().unwrap().len(), 1);
    assert_eq!(
        document["checkin_calls"][0]["note"],
        "Talked about her grandson."
    );
    assert_eq!(
        document["wellbeing_concerns"][0]["noticed"],
        "The boiler is broken."
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
    let (note,): (String,) = sqlx::query_as("SELECT note FROM checkin_calls WHERE id = $1")
        .bind(call)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(note, "");
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM checkin_concerns WHERE noticed <> ''"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM checkin_schedules WHERE stopped_at IS NULL"
        )
        .await,
        0
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM checkin_calls").await,
        1,
        "kept, blank"
    );
}

on_both_backends!(
    schedules_make_their_calls_once,
    an_unanswered_call_is_retried_then_escalated,
    a_volunteer_sees_only_their_own_calls,
    another_organisation_is_told_nothing_is_there,
    a_concern_is_acknowledged_and_acted_on_with_every_step_audited,
    plans_of_every_kind_and_a_broadcast,
    a_helper_raises_a_concern_after_a_round_visit,
    the_export_holds_calls_and_erasure_blanks_them,
);
