//! The asset map in coprod's own API: an organisation's system puts its
//! listings and deals with reports; it can touch only what it keeps.

use crate::support::{Client, Reply, TestApp};
use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use coprod_server::{
    api::tokens,
    coprod_engine::people::{LineOfText, Sector},
    db::Backend,
    organisations::store as organisations,
};
use serde_json::{Value, json};

async fn send(client: &mut Client, method: Method, path: &str, token: &str, body: &str) -> Reply {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    client.send(request).await
}

fn lunch_club(id: &str, name: &str) -> Value {
    json!({ "id": id, "name": name, "status": "active", "description": "Soup and company." })
}

/// An app with two organisations, each with an API token.
struct Two {
    app: TestApp,
    mine: i64,
    my_token: String,
    their_token: String,
}

async fn two_organisations(backend: Backend) -> Two {
    let app = TestApp::new(backend).await;
    let mut tokens_for = Vec::new();
    let mut ids = Vec::new();
    for name in ["Mine", "Theirs"] {
        let id = organisations::create(
            &app.state.db,
            &LineOfText::parse(name).unwrap(),
            Sector::Third,
            None,
        )
        .await
        .unwrap();
        let (_, token) = tokens::issue(&app.state.db, &LineOfText::parse(name).unwrap(), id, None)
            .await
            .unwrap();
        ids.push(id);
        tokens_for.push(token);
    }
    let their_token = tokens_for.pop().unwrap();
    let my_token = tokens_for.pop().unwrap();
    Two {
        app,
        mine: ids[0],
        my_token,
        their_token,
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "one token's whole life with its listings"
)]
async fn tokens_put_their_own_listings_only(backend: Backend) {
    let Two {
        app,
        mine,
        my_token,
        their_token,
    } = two_organisations(backend).await;
    let mut client = app.client();
    let id = "5f0c6a1e-2b7d-4c3a-9e8f-1a2b3c4d5e6f";

    let created = send(
        &mut client,
        Method::POST,
        "/api/v1/services",
        &my_token,
        &lunch_club(id, "Lunch Club").to_string(),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let (managed_by,): (Option<i64>,) = sqlx::query_as("SELECT managed_by FROM services")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(managed_by, Some(mine));

    let renamed = send(
        &mut client,
        Method::PUT,
        &format!("/api/v1/services/{id}"),
        &my_token,
        &lunch_club(id, "Friday Lunch Club").to_string(),
    )
    .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    let served: Value = serde_json::from_str(
        &app.client()
            .get(&format!("/api/hsds/services/{id}"))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(served["name"], "Friday Lunch Club");

    let taken = send(
        &mut client,
        Method::PUT,
        &format!("/api/v1/services/{id}"),
        &their_token,
        &lunch_club(id, "Ours now").to_string(),
    )
    .await;
    assert_eq!(taken.status, StatusCode::FORBIDDEN);
    let sneaky = send(
        &mut client,
        Method::POST,
        "/api/v1/services",
        &their_token,
        &lunch_club(id, "Ours now").to_string(),
    )
    .await;
    assert_eq!(sneaky.status, StatusCode::FORBIDDEN);

    let invalid = send(
        &mut client,
        Method::POST,
        "/api/v1/services",
        &my_token,
        r#"{"id": "x", "status": "open", "minimum_age": "ten"}"#,
    )
    .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = serde_json::from_str(&invalid.body).unwrap();
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"name") && fields.contains(&"status") && fields.contains(&"minimum_age"),
        "{fields:?}"
    );
    let not_json = send(
        &mut client,
        Method::POST,
        "/api/v1/services",
        &my_token,
        "{name:",
    )
    .await;
    assert_eq!(not_json.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(not_json.body.contains("not JSON"));
    let mismatch = send(
        &mut client,
        Method::PUT,
        &format!("/api/v1/services/{id}"),
        &my_token,
        &lunch_club("other", "X").to_string(),
    )
    .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("services").await, 1, "nothing half-written");
    assert_eq!(
        send(
            &mut client,
            Method::PUT,
            "/api/v1/services/missing",
            &my_token,
            "{}"
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

async fn tokens_see_and_resolve_their_reports(backend: Backend) {
    let Two {
        app,
        my_token,
        their_token,
        ..
    } = two_organisations(backend).await;
    let mut client = app.client();
    let id = "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    send(
        &mut client,
        Method::POST,
        "/api/v1/services",
        &my_token,
        &lunch_club(id, "Lunch Club").to_string(),
    )
    .await;
    let reported = app
        .client()
        .post(
            &format!("/services/{id}/report"),
            &[("kind", "closed"), ("details", "Shut since May")],
        )
        .await;
    assert_eq!(reported.status, StatusCode::OK);

    let mine_reports = send(&mut client, Method::GET, "/api/v1/reports", &my_token, "").await;
    let list: Value = serde_json::from_str(&mine_reports.body).unwrap();
    assert_eq!(list["items"][0]["details"], "Shut since May");
    let report_id = list["items"][0]["id"].as_i64().unwrap();
    let theirs_reports: Value = serde_json::from_str(
        &send(
            &mut client,
            Method::GET,
            "/api/v1/reports",
            &their_token,
            "",
        )
        .await
        .body,
    )
    .unwrap();
    assert_eq!(theirs_reports["items"], json!([]));

    let path = format!("/api/v1/reports/{report_id}/resolve");
    assert_eq!(
        send(
            &mut client,
            Method::POST,
            &path,
            &their_token,
            r#"{"note": "not ours"}"#
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(
            &mut client,
            Method::POST,
            &path,
            &my_token,
            r#"{"note": " "}"#
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        send(
            &mut client,
            Method::POST,
            &path,
            &my_token,
            r#"{"note": "Marked as closed"}"#
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let after: Value = serde_json::from_str(
        &send(&mut client, Method::GET, "/api/v1/reports", &my_token, "")
            .await
            .body,
    )
    .unwrap();
    assert_eq!(after["items"], json!([]));
}

on_both_backends!(
    tokens_put_their_own_listings_only,
    tokens_see_and_resolve_their_reports
);
