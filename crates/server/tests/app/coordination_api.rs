//! Co-delivery through `/api/v1`: an organisation's system lists open
//! requests, reads the candidates with their reasons, proposes, is told
//! when a slot has just gone, runs the day's round and logs it, and reads
//! statements and hours by area.

use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use coprod_server::{
    api::tokens,
    coordination::{
        model::{Channel, today},
        store::{self, offers::NewOffer, people::NewPerson, requests::NewRequest},
        workflow::{self, Actor},
    },
    coprod_engine::{
        matching::{
            CapacityUnit, Commitment, OfferKind, TimeWindow, Urgency, WeeklyWindow,
            WheelchairAccess,
        },
        people::{LineOfText, Sector},
        place::Coordinates,
    },
    db::{Backend, Db},
    organisations::store as organisations,
};
use serde_json::json;
use sqlx::Acquire;

struct Setup {
    token: String,
    offer: i64,
    requests: [i64; 2],
    helper: i64,
    asker: i64,
}

#[expect(
    clippy::too_many_lines,
    reason = "the people, offer and requests, in full"
)]
async fn setup(db: &Db) -> Setup {
    let organisation = organisations::create(
        db,
        &LineOfText::parse("Harbourside Food Run").unwrap(),
        Sector::Third,
        None,
    )
    .await
    .unwrap();
    let (_, token) = tokens::issue(
        db,
        &LineOfText::parse("rota system").unwrap(),
        organisation,
        None,
    )
    .await
    .unwrap();
    let mut conn = db.pool().acquire().await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    let mut people = Vec::new();
    for name in ["Jean Helper", "Ann Asker", "Bill Asker"] {
        people.push(
            store::people::create(
                &mut tx,
                &NewPerson {
                    account_id: None,
                    organisation_id: Some(organisation),
                    display_name: name.into(),
                    phone: String::new(),
                    email: None,
                    gender: None,
                    pays_own_time: true,
                    channel: Channel::Phone,
                },
                None,
            )
            .await
            .unwrap(),
        );
    }
    let day = today().weekday();
    let town = Coordinates::new(56.41, -5.47).unwrap();
    let window = TimeWindow::parse("10:00", "12:00").unwrap();
    let offer = store::offers::create(
        &mut tx,
        people[0],
        &NewOffer {
            kind: OfferKind::Time,
            description: "Shopping".into(),
            postcode: "AV1 1AB".into(),
            location: town,
            max_distance_metres: 5_000,
            capacity_unit: CapacityUnit::People,
            capacity_limit: 3,
            commitment: Commitment::Either,
            same_gender_only: false,
            languages: vec![],
            wheelchair: WheelchairAccess::NotApplicable,
            stands: None,
            categories: vec!["shopping".into()],
            slots: vec![(day, window)],
            channel: Channel::Phone,
        },
        None,
    )
    .await
    .unwrap();
    let mut requests = [0; 2];
    for (i, asker) in people[1..].iter().enumerate() {
        requests[i] = store::requests::create(
            &mut tx,
            *asker,
            &NewRequest {
                category: "shopping".into(),
                description: "Weekly shopping".into(),
                recurring: true,
                first_date: today(),
                last_date: None,
                duration_minutes: 45,
                postcode: "AV1 1AD".into(),
                location: town,
                address: "3 Shore Road".into(),
                max_distance_metres: None,
                urgency: Urgency::Routine,
                languages: vec![],
                same_gender_helper: false,
                wheelchair_access: false,
                vulnerable_adult: false,
                windows: vec![WeeklyWindow { day, time: window }],
                channel: Channel::Phone,
            },
            None,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    Setup {
        token,
        offer,
        requests,
        helper: people[0],
        asker: people[1],
    }
}

#[expect(clippy::too_many_lines, reason = "one round, told in order")]
async fn a_system_runs_the_round_through_the_api(backend: Backend) {
    let app = TestApp::new(backend).await;
    let s = setup(&app.state.db).await;
    let mut client = app.client();
    let token = s.token.as_str();

    let (status, list) = client
        .api_call(Method::GET, "/api/v1/coordination/requests", token, "")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert!(
        !list.to_string().contains("Shore Road"),
        "no address before a match"
    );

    let path = format!("/api/v1/coordination/requests/{}/candidates", s.requests[0]);
    let (status, ranking) = client.api_call(Method::GET, &path, token, "").await;
    assert_eq!(status, StatusCode::OK, "{ranking}");
    assert_eq!(ranking["candidates"][0]["offer_id"], s.offer);
    assert_eq!(ranking["candidates"][0]["name"], "Jean Helper");
    assert!(
        ranking["candidates"][0]["summary"]
            .as_str()
            .unwrap()
            .contains("free")
    );
    assert_eq!(ranking["candidates"][0]["detail"]["slots"][0]["slot"], 1);

    let proposal = json!({"offer_id": s.offer, "slot": 1}).to_string();
    let path = format!("/api/v1/coordination/requests/{}/proposals", s.requests[0]);
    let (status, held) = client.api_call(Method::POST, &path, token, &proposal).await;
    assert_eq!(status, StatusCode::CREATED, "{held}");
    assert_eq!(held["status"], "proposed");
    // Jean's slot is taken now: the other request is told so. A whole
    // number written `1.0` is an integer to JSON Schema, so it is read as 1;
    // a fraction is refused.
    let path = format!("/api/v1/coordination/requests/{}/proposals", s.requests[1]);
    let as_float = format!(r#"{{"offer_id": {}.0, "slot": 1.0}}"#, s.offer);
    let (status, refused) = client.api_call(Method::POST, &path, token, &as_float).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["errors"][0]["code"], "slot_taken");
    let fraction = json!({"offer_id": s.offer, "slot": 1.5}).to_string();
    let (status, refused) = client.api_call(Method::POST, &path, token, &fraction).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (status, refused) = client
        .api_call(Method::POST, &path, token, "{\"offer_id\": \"x\"}")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");

    // The volunteer agrees (on a page, in real life); today is in the round.
    let match_id = held["id"].as_i64().unwrap();
    workflow::answer(&app.state.db, &Actor::operator(), match_id, true, "")
        .await
        .unwrap();
    let (status, round) = client
        .api_call(Method::GET, "/api/v1/coordination/round", token, "")
        .await;
    assert_eq!(status, StatusCode::OK);
    let day = &round["items"][0];
    assert_eq!(day["match_id"], match_id);
    assert_eq!(day["address"], "3 Shore Road");
    assert_eq!(day["status"], "planned");

    let path = format!("/api/v1/coordination/days/{}", day["id"]);
    let (status, logged) = client
        .api_call(Method::POST, &path, token, r#"{"status": "done"}"#)
        .await;
    assert_eq!(status, StatusCode::OK, "{logged}");
    assert_eq!(logged["payment"], "by_member");
    assert_eq!(logged["day"]["status"], "done");
    let (status, refused) = client
        .api_call(Method::POST, &path, token, r#"{"status": "planned"}"#)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");

    let path = format!("/api/v1/timebank/members/{}/statement", s.helper);
    let (status, statement) = client.api_call(Method::GET, &path, token, "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(statement["closing_balance"], 45);
    let path = format!("/api/v1/timebank/members/{}/statement", s.asker);
    let (_, statement) = client.api_call(Method::GET, &path, token, "").await;
    assert_eq!(statement["closing_balance"], -45);
    let (status, areas) = client
        .api_call(Method::GET, "/api/v1/timebank/areas", token, "")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(areas[0]["given_minutes"], 45);
    // One end alone always makes a period; two the wrong way round do not.
    let (status, areas) = client
        .api_call(
            Method::GET,
            "/api/v1/timebank/areas?to=2000-01-01",
            token,
            "",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{areas}");
    assert_eq!(areas, json!([]));
    let (status, refused) = client
        .api_call(
            Method::GET,
            "/api/v1/timebank/areas?from=2000-01-02&to=2000-01-01",
            token,
            "",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["errors"][0]["field"], "to");

    let (status, _) = client
        .api_call(Method::GET, "/api/v1/coordination/gaps", token, "")
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = client
        .api_call(Method::GET, "/api/v1/coordination/requests", "wrong", "")
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

on_both_backends!(a_system_runs_the_round_through_the_api);
