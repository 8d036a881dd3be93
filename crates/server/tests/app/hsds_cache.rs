//! HSDS answers kept in memory: the same answer until the directory
//! changes, a new one at once after a write through the app, revalidation
//! with `ETag`, and nothing kept that should not be.

use crate::support::{Client, Reply, TestApp};
use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use coprod_server::{
    api::tokens,
    asset_map::interchange,
    coprod_engine::people::{LineOfText, Sector},
    db::{Backend, Db},
    organisations::store as organisations,
};
use serde_json::{Value, json};

fn service(id: &str, name: &str) -> Value {
    json!({ "id": id, "name": name, "status": "active", "description": "Tea and a blether." })
}

async fn generation(db: &Db) -> i64 {
    let (generation,): (i64,) =
        sqlx::query_as("SELECT generation FROM directory_version WHERE id = 1")
            .fetch_one(db.pool())
            .await
            .unwrap();
    generation
}

fn names(reply: &Reply) -> Vec<String> {
    let page: Value = serde_json::from_str(&reply.body).unwrap();
    page["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect()
}

fn etag(reply: &Reply) -> String {
    reply.headers[header::ETAG].to_str().unwrap().to_owned()
}

async fn get_with(client: &mut Client, path: &str, if_none_match: &str) -> Reply {
    let request = Request::builder()
        .uri(path)
        .header(header::IF_NONE_MATCH, if_none_match)
        .body(Body::empty())
        .unwrap();
    client.send(request).await
}

async fn an_answer_is_kept_until_the_directory_changes(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    interchange::import(db, &json!([service("a1", "Friendship Club")]))
        .await
        .unwrap();
    let mut client = app.client();

    let first = client.get("/api/hsds/services").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(names(&first), ["Friendship Club"]);
    assert_eq!(first.headers[header::CACHE_CONTROL], "public, no-cache");
    assert_eq!(first.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert_eq!(app.state.hsds_cache.len(), 1);

    let again = client.get("/api/hsds/services").await;
    assert_eq!(again.body, first.body);
    assert_eq!(etag(&again), etag(&first));
    assert_eq!(again.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert_eq!(
        again.headers[header::CONTENT_TYPE],
        first.headers[header::CONTENT_TYPE]
    );

    let revalidated = get_with(&mut client, "/api/hsds/services", &etag(&first)).await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    assert!(revalidated.body.is_empty());
    assert_eq!(revalidated.headers[header::ETAG], etag(&first).as_str());

    // Another process (the import command, another instance) writes: the
    // triggers move the generation, and once this server reads it the old
    // answer is no longer given.
    let before = generation(db).await;
    interchange::import(db, &json!([service("b2", "Walking Group")]))
        .await
        .unwrap();
    assert!(
        generation(db).await > before,
        "an import moves the generation"
    );
    app.state.hsds_cache.refresh(db).await;
    let fresh = client.get("/api/hsds/services").await;
    assert_eq!(names(&fresh), ["Friendship Club", "Walking Group"]);
    assert_ne!(etag(&fresh), etag(&first));
    let outdated = get_with(&mut client, "/api/hsds/services", &etag(&first)).await;
    assert_eq!(
        outdated.status,
        StatusCode::OK,
        "an old tag gets the new body"
    );
}

async fn a_change_through_the_app_is_seen_at_once(backend: Backend) {
    let app = TestApp::new(backend).await;
    let organisation = organisations::create(
        &app.state.db,
        &LineOfText::parse("Tea Room Trust").unwrap(),
        Sector::Third,
        None,
    )
    .await
    .unwrap();
    let (_, token) = tokens::issue(
        &app.state.db,
        &LineOfText::parse("Tea Room Trust").unwrap(),
        organisation,
        None,
    )
    .await
    .unwrap();
    let mut client = app.client();
    let id = "0d9d8f5e-1c2b-4a3f-8e7d-6c5b4a3f2e1d";
    let put = |name: &str| {
        Request::builder()
            .method(Method::PUT)
            .uri(format!("/api/v1/services/{id}"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(service(id, name).to_string()))
            .unwrap()
    };
    let create = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/services")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(service(id, "Tea Room").to_string()))
        .unwrap();
    assert_eq!(client.send(create).await.status, StatusCode::CREATED);
    let path = format!("/api/hsds/services/{id}");
    let before: Value = serde_json::from_str(&client.get(&path).await.body).unwrap();
    assert_eq!(before["name"], "Tea Room");
    assert_eq!(names(&client.get("/api/hsds/services").await), ["Tea Room"]);

    assert_eq!(
        client.send(put("Tea Room and Library")).await.status,
        StatusCode::OK
    );
    let after: Value = serde_json::from_str(&client.get(&path).await.body).unwrap();
    assert_eq!(after["name"], "Tea Room and Library");
    assert_eq!(
        names(&client.get("/api/hsds/services").await),
        ["Tea Room and Library"]
    );
}

async fn only_whole_good_answers_are_kept(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut client = app.client();
    let refused = client.get("/api/hsds/services?per_page=0").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let missing = client.get("/api/hsds/services/nothing-here").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(app.state.hsds_cache.is_empty(), "errors are not kept");

    // Pages outside the API are never kept, whatever they are.
    let home = client.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(home.headers[header::CACHE_CONTROL], "no-store");
    assert!(app.state.hsds_cache.is_empty());

    // Every table the API shows moves the generation, including postcodes,
    // which decide where a proximity search is centred.
    let db = &app.state.db;
    let before = generation(db).await;
    sqlx::query(
        "INSERT INTO postcodes (postcode, latitude, longitude, imported_at) \
         VALUES ('AV1 1AA', 56.0, -3.0, 0)",
    )
    .execute(db.pool())
    .await
    .unwrap();
    assert!(generation(db).await > before);
}

async fn no_memory_means_every_answer_is_computed(backend: Backend) {
    let app = TestApp::with_settings(backend, |s| s.hsds_cache_megabytes = 0).await;
    let db = &app.state.db;
    let mut client = app.client();
    interchange::import(db, &json!([service("a1", "Friendship Club")]))
        .await
        .unwrap();
    assert_eq!(
        names(&client.get("/api/hsds/services").await),
        ["Friendship Club"]
    );
    // No refresh: with nothing kept there is nothing to go stale.
    interchange::import(db, &json!([service("b2", "Walking Group")]))
        .await
        .unwrap();
    let fresh = client.get("/api/hsds/services").await;
    assert_eq!(names(&fresh), ["Friendship Club", "Walking Group"]);
    assert!(app.state.hsds_cache.is_empty());
    assert_eq!(fresh.headers[header::CACHE_CONTROL], "no-store");
}

on_both_backends!(
    no_memory_means_every_answer_is_computed,
    an_answer_is_kept_until_the_directory_changes,
    a_change_through_the_app_is_seen_at_once,
    only_whole_good_answers_are_kept,
);
