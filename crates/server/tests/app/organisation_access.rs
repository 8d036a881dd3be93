//! Records about people belong to an organisation. Every co-delivery and
//! time bank API route is tried with a token of the organisation holding a
//! record and a token of another one; a route of either API without a row
//! in the table fails the test. Coordinators of one organisation meet the
//! same wall on the pages, those whose role covers the partnership do not,
//! and what a token does is in the audit log under the token's name.

use std::collections::BTreeMap;

use axum::http::{Method, StatusCode};
use coprod_server::{
    api::tokens,
    app::all_routes,
    coordination::{
        model::{Channel, today},
        workflow::{self, Actor},
    },
    coprod_engine::people::{LineOfText, Role, Sector},
    db::{Backend, Db},
    organisations::store as organisations,
    people::{
        self,
        model::{Layer, NewTie},
    },
};
use serde_json::Value;

use crate::support::{
    TestApp,
    coordination::{offer, person_held_by, request, shopping_offer, weekly_shopping, window},
    referrals::{referral_to, service_managed_by},
};

/// One organisation's side of the test: its token and a record of each kind.
struct Holder {
    token_id: i64,
    token: String,
    person: i64,
    request: i64,
    offer: i64,
    day: i64,
    matched: i64,
    /// A referral of the organisation's person to its own service.
    referral: i64,
}

async fn holder(db: &Db, name: &str) -> (i64, Holder) {
    let organisation =
        organisations::create(db, &LineOfText::parse(name).unwrap(), Sector::Third, None)
            .await
            .unwrap();
    let (token_id, token) =
        tokens::issue(db, &LineOfText::parse("rota").unwrap(), organisation, None)
            .await
            .unwrap();
    let held = Some(organisation);
    let helper = person_held_by(db, &format!("Helper of {name}"), None, Channel::Phone, held).await;
    let service = format!("svc-{organisation}");
    service_managed_by(db, &service, &format!("Walks of {name}"), organisation).await;
    let asker = person_held_by(db, &format!("Asker of {name}"), None, Channel::Phone, held).await;
    let weekday = today().weekday();
    let mut new_offer = shopping_offer();
    // Slot 1 for the day of help agreed below, slot 2 for proposals.
    new_offer.slots = vec![
        (weekday, window("10:00", "12:00")),
        (weekday, window("14:00", "16:00")),
    ];
    let offer = offer(db, helper, &new_offer).await;
    let mut new_request = weekly_shopping();
    new_request.windows[0].day = weekday;
    new_request.windows[0].time = window("09:00", "17:00");
    let request = request(db, asker, &new_request).await;
    // A second request, agreed, gives a day of help today.
    let agreed = request_with_day(db, asker, offer).await;
    let mut conn = db.pool().acquire().await.unwrap();
    let (day, matched): (i64, i64) = sqlx::query_as(
        "SELECT c.id, m.id FROM occurrences c JOIN matches m ON m.id = c.match_id WHERE m.request_id = $1",
    )
    .bind(agreed)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    drop(conn);
    let referral = referral_to(db, asker, &service, organisation, "name").await;
    (
        organisation,
        Holder {
            token_id,
            token,
            person: asker,
            request,
            offer,
            day,
            matched,
            referral,
        },
    )
}

async fn request_with_day(db: &Db, asker: i64, offer: i64) -> i64 {
    let mut new_request = weekly_shopping();
    new_request.recurring = false;
    new_request.last_date = Some(today());
    new_request.windows[0].day = today().weekday();
    let id = request(db, asker, &new_request).await;
    let held = workflow::propose(db, &Actor::operator(), id, offer, 1, today())
        .await
        .unwrap();
    workflow::answer(db, &Actor::operator(), held.id, true, "")
        .await
        .unwrap();
    id
}

/// What a route answers a token about a record: of its own organisation,
/// and of another.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// A record's route: the holder's token gets this status, any other 404.
    Record(StatusCode),
    /// A list: the holder's token sees its record, any other does not.
    Listed,
    /// Totals with no person in them: every token gets 200.
    Totals,
}

/// How to reach a holder's record through a route: its path and body.
type Reaching = fn(&Holder) -> (String, String);

/// Every co-delivery and time bank API route, how to reach a record
/// through it, and what to expect.
fn table() -> BTreeMap<(&'static str, &'static str), (Expect, Reaching)> {
    let mut rows: BTreeMap<_, (Expect, Reaching)> = BTreeMap::new();
    rows.insert(
        ("GET", "/api/v1/coordination/requests"),
        (Expect::Listed, |h| {
            (
                "/api/v1/coordination/requests".into(),
                h.request.to_string(),
            )
        }),
    );
    rows.insert(
        ("GET", "/api/v1/coordination/requests/{id}/candidates"),
        (Expect::Record(StatusCode::OK), |h| {
            (
                format!("/api/v1/coordination/requests/{}/candidates", h.request),
                String::new(),
            )
        }),
    );
    rows.insert(
        ("POST", "/api/v1/coordination/requests/{id}/proposals"),
        (Expect::Record(StatusCode::CREATED), |h| {
            (
                format!("/api/v1/coordination/requests/{}/proposals", h.request),
                format!("{{\"offer_id\": {}, \"slot\": 2}}", h.offer),
            )
        }),
    );
    rows.insert(
        ("GET", "/api/v1/coordination/round"),
        (Expect::Listed, |h| {
            ("/api/v1/coordination/round".into(), h.day.to_string())
        }),
    );
    rows.insert(
        ("GET", "/api/v1/coordination/gaps"),
        (Expect::Listed, |h| {
            ("/api/v1/coordination/gaps".into(), h.day.to_string())
        }),
    );
    rows.insert(
        ("POST", "/api/v1/coordination/days/{id}"),
        (Expect::Record(StatusCode::OK), |h| {
            (
                format!("/api/v1/coordination/days/{}", h.day),
                "{\"status\": \"done\"}".into(),
            )
        }),
    );
    rows.insert(
        ("GET", "/api/v1/timebank/members/{id}/statement"),
        (Expect::Record(StatusCode::OK), |h| {
            (
                format!("/api/v1/timebank/members/{}/statement", h.person),
                String::new(),
            )
        }),
    );
    rows.insert(
        ("GET", "/api/v1/referrals"),
        (Expect::Listed, |h| {
            ("/api/v1/referrals".into(), h.referral.to_string())
        }),
    );
    rows.insert(
        ("GET", "/api/v1/referrals/summary"),
        (Expect::Totals, |_| {
            ("/api/v1/referrals/summary".into(), String::new())
        }),
    );
    rows.insert(
        ("GET", "/api/v1/timebank/areas"),
        (Expect::Totals, |_| {
            ("/api/v1/timebank/areas".into(), String::new())
        }),
    );
    rows
}

fn listed(list: &Value, id: &str) -> bool {
    list["items"].as_array().is_some_and(|items| {
        items
            .iter()
            .any(|item| item["id"].as_i64().is_some_and(|n| n.to_string() == id))
    })
}

async fn tokens_reach_only_their_own_organisations_records(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let (_, a) = holder(db, "Harbourside Food Run").await;
    let (_, b) = holder(db, "Glen Lunch Club").await;
    let table = table();

    let api_routes: Vec<_> = all_routes()
        .into_iter()
        .filter(|r| {
            r.path.starts_with("/api/v1/coordination")
                || r.path.starts_with("/api/v1/timebank")
                || r.path.starts_with("/api/v1/referrals")
        })
        .map(|r| (r.method.to_string(), r.path))
        .collect();
    for (method, path) in &api_routes {
        assert!(
            table.contains_key(&(method.as_str(), *path)),
            "{method} {path} has no row in the organisation access table"
        );
    }
    assert_eq!(api_routes.len(), table.len());

    let mut client = app.client();
    let mut tried = 0;
    for ((method, _), (expect, reach)) in &table {
        let method: Method = method.parse().unwrap();
        // The other organisation's token first, so a refused write has
        // changed nothing when the holder's own token tries.
        for (token, record, own) in [(&b.token, &a, false), (&a.token, &a, true)] {
            let (path, body) = reach(record);
            let (status, value) = match expect {
                Expect::Listed | Expect::Totals => {
                    client.api_call(method.clone(), &path, token, "").await
                }
                Expect::Record(_) => client.api_call(method.clone(), &path, token, &body).await,
            };
            tried += 1;
            match expect {
                Expect::Record(wanted) => {
                    let wanted = if own { *wanted } else { StatusCode::NOT_FOUND };
                    assert_eq!(status, wanted, "{method} {path} own={own}: {value}");
                }
                Expect::Listed => {
                    assert_eq!(status, StatusCode::OK, "{method} {path}: {value}");
                    if !own {
                        assert!(
                            !listed(&value, &body),
                            "{method} {path} shows another organisation's record: {value}"
                        );
                    } else if !path.ends_with("/gaps") {
                        // Today's day has no gap, so only the wall is checked there.
                        assert!(
                            listed(&value, &body),
                            "{method} {path} hides the organisation's own record: {value}"
                        );
                    }
                }
                Expect::Totals => assert_eq!(status, StatusCode::OK, "{method} {path}"),
            }
        }
    }
    assert_eq!(tried, 2 * table.len());

    // What the token did is in the audit log under its name: the proposal
    // and the day it logged.
    let mut conn = db.pool().acquire().await.unwrap();
    let actions: Vec<(String,)> =
        sqlx::query_as("SELECT action FROM audit_events WHERE actor_token_id = $1 ORDER BY id")
            .bind(a.token_id)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    let actions: Vec<&str> = actions.iter().map(|(a,)| a.as_str()).collect();
    for wanted in ["match_proposed", "day_logged", "person_read"] {
        assert!(
            actions.contains(&wanted),
            "{wanted} missing from {actions:?}"
        );
    }
    let (others,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE actor_token_id = $1 AND action <> 'person_read'",
    )
    .bind(b.token_id)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!(others, 0, "the refused token changed nothing");
}

async fn coordinators_see_only_the_records_their_organisation_holds(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let (org_a, a) = holder(db, "Harbourside Food Run").await;
    let (org_b, _) = holder(db, "Glen Lunch Club").await;
    let mut of_a = app.as_role_in(Role::Coordinator, org_a).await;
    let mut of_b = app.as_role_in(Role::Coordinator, org_b).await;
    let mut everywhere = app.as_role(Role::Coordinator).await;

    for page in [
        format!("/coordination/people/{}", a.person),
        format!("/coordination/people/{}/hours", a.person),
        format!("/coordination/people/{}/offers/new", a.person),
        format!("/coordination/requests/{}", a.request),
    ] {
        assert_eq!(of_a.get(&page).await.status, StatusCode::OK, "{page}");
        assert_eq!(everywhere.get(&page).await.status, StatusCode::OK, "{page}");
        assert_eq!(
            of_b.get(&page).await.status,
            StatusCode::NOT_FOUND,
            "{page}"
        );
    }
    let name = "Asker of Harbourside Food Run";
    for list in [
        "/coordination/people",
        "/coordination",
        "/coordination/round",
    ] {
        assert!(of_a.get(list).await.body.contains(name), "{list}");
        assert!(!of_b.get(list).await.body.contains(name), "{list}");
    }
    // A write on another organisation's record is refused and changes nothing.
    let reply = of_b
        .post(
            &format!("/coordination/requests/{}/withdraw", a.request),
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let (status,): (String,) = sqlx::query_as("SELECT status FROM help_requests WHERE id = $1")
        .bind(a.request)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(status, "open");
}

/// A desk route's path with the record of `holder` it names, if it names one.
fn desk_path(path: &str, holder: &Holder) -> Option<String> {
    let kinds = [
        ("/coordination/people/{id}", holder.person),
        ("/coordination/requests/{id}", holder.request),
        ("/coordination/days/{id}", holder.day),
        ("/coordination/matches/{id}", holder.matched),
    ];
    kinds.iter().find_map(|(prefix, id)| {
        path.starts_with(prefix)
            .then(|| path.replacen("{id}", &id.to_string(), 1))
    })
}

/// Every desk route that names a record, from the route table: a
/// coordinator of another organisation is refused (and learns nothing), the
/// holder's coordinators and partnership-wide ones get in.
async fn every_desk_route_with_a_record_keeps_to_its_organisation(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let (org_a, a) = holder(db, "Harbourside Food Run").await;
    let (org_b, _) = holder(db, "Glen Lunch Club").await;
    let mut visitors = [
        (
            "another organisation's coordinator",
            false,
            app.as_role_in(Role::Coordinator, org_b).await,
        ),
        (
            "the holder's coordinator",
            true,
            app.as_role_in(Role::Coordinator, org_a).await,
        ),
        (
            "a partnership-wide coordinator",
            true,
            app.as_role(Role::Coordinator).await,
        ),
    ];
    let routes: Vec<_> = all_routes()
        .into_iter()
        .filter_map(|r| desk_path(r.path, &a).map(|path| (r.method, path)))
        .collect();
    assert!(
        routes.len() >= 12,
        "{} desk routes name a record",
        routes.len()
    );
    let mut tried = 0;
    // The refused visitor goes first, so nothing has changed when the
    // others come.
    for (who, admitted, client) in &mut visitors {
        for (method, path) in &routes {
            let reply = if *method == Method::GET {
                client.get(path).await
            } else {
                client.post(path, &[]).await
            };
            let refused = matches!(reply.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN);
            assert_eq!(
                !refused, *admitted,
                "{method} {path} for {who}: {}",
                reply.status
            );
            if !*admitted {
                assert!(
                    !reply.body.contains("Asker of Harbourside"),
                    "{method} {path} names the person to {who}"
                );
            }
            tried += 1;
        }
    }
    assert_eq!(tried, 3 * routes.len());
}

/// A tie in the circle of `person`, for the route that removes one.
async fn a_tie(db: &Db, person: i64) -> i64 {
    let mut conn = db.pool().acquire().await.unwrap();
    people::store::circle::add(
        &mut conn,
        person,
        &NewTie {
            layer: Layer::Informal,
            name: "A neighbour".into(),
            role: String::new(),
            what_they_do: String::new(),
            how_often: String::new(),
            contact: String::new(),
            in_plan: false,
            service_id: None,
        },
        None,
    )
    .await
    .unwrap()
}

/// Every route of people's records that names a record, from the route
/// table: coordinators and link workers of another organisation are told
/// it is not there (and learn nothing); the holder's, and those whose role
/// covers the partnership, get in. The list keeps to the organisation too.
async fn every_record_route_keeps_to_its_organisation(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let (org_a, a) = holder(db, "Harbourside Food Run").await;
    let (org_b, _) = holder(db, "Glen Lunch Club").await;
    let mut visitors = [
        (
            "another organisation's link worker",
            false,
            app.as_role_in(Role::LinkWorker, org_b).await,
        ),
        (
            "another organisation's coordinator",
            false,
            app.as_role_in(Role::Coordinator, org_b).await,
        ),
        (
            "the holder's link worker",
            true,
            app.as_role_in(Role::LinkWorker, org_a).await,
        ),
        (
            "the holder's coordinator",
            true,
            app.as_role_in(Role::Coordinator, org_a).await,
        ),
        (
            "a partnership-wide link worker",
            true,
            app.as_role(Role::LinkWorker).await,
        ),
        (
            "a partnership-wide coordinator",
            true,
            app.as_role(Role::Coordinator).await,
        ),
    ];
    let routes: Vec<_> = all_routes()
        .into_iter()
        // The record's own pages; its check-in calls (`/people/{id}/checkins`)
        // are tried by the access matrix and `checkins`.
        .filter(|r| {
            r.path.starts_with("/people/{id}") && !r.path.starts_with("/people/{id}/checkins")
        })
        .map(|r| (r.method, r.path))
        .collect();
    assert_eq!(routes.len(), 8, "{routes:?}");
    let mut tried = 0;
    // Those refused go first, so nothing has changed when the others come.
    for (who, admitted, client) in &mut visitors {
        for (method, pattern) in &routes {
            let tie = a_tie(db, a.person).await;
            let path = pattern.replacen("{id}", &a.person.to_string(), 1).replacen(
                "{tie_id}",
                &tie.to_string(),
                1,
            );
            let reply = if *method == Method::GET {
                client.get(&path).await
            } else {
                client.post(&path, &[]).await
            };
            let refused = matches!(reply.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN);
            assert_eq!(
                !refused, *admitted,
                "{method} {path} for {who}: {}",
                reply.status
            );
            if *admitted && *method == Method::GET {
                assert_eq!(reply.status, StatusCode::OK, "{method} {path} for {who}");
            }
            if !*admitted {
                assert!(
                    !reply.body.contains("Asker of Harbourside"),
                    "{method} {path} names the person to {who}"
                );
            }
            tried += 1;
        }
        let list = client.get("/people").await;
        assert_eq!(list.status, StatusCode::OK);
        assert_eq!(
            list.body.contains("Asker of Harbourside"),
            *admitted,
            "the list for {who}"
        );
    }
    assert_eq!(tried, visitors.len() * routes.len());
    // Nothing the refused visitors tried changed the record.
    let (goals,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE action LIKE 'person_%_changed' AND actor_account_id IN (SELECT account_id FROM memberships WHERE organisation_id = $1)")
        .bind(org_b)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(goals, 0);
}

on_both_backends!(
    every_record_route_keeps_to_its_organisation,
    tokens_reach_only_their_own_organisations_records,
    coordinators_see_only_the_records_their_organisation_holds,
    every_desk_route_with_a_record_keeps_to_its_organisation,
);
