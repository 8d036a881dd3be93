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

mod api;
#[expect(clippy::too_many_lines, reason = "one journey, told in order")]
mod journey;
mod outcomes;
mod privacy;
mod self_referral;
