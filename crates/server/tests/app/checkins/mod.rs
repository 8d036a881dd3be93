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

mod calls;
mod concerns;
mod privacy;
mod strangers;
