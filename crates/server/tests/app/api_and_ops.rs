//! The JSON API shell, the `OpenAPI` document, metrics and headers.

use utoipa::OpenApi as _;

use crate::support::TestApp;
use axum::http::{StatusCode, header};
use coprod_server::{
    api::tokens, coprod_engine::people::LineOfText, db::Backend,
    organisations::store as organisations,
};

async fn tokens_authenticate_and_are_scoped(backend: Backend) {
    let app = TestApp::new(backend).await;
    let own = organisations::create(
        &app.state.db,
        &LineOfText::parse("Own Org").unwrap(),
        coprod_server::coprod_engine::people::Sector::Third,
        None,
    )
    .await
    .unwrap();
    let other = organisations::create(
        &app.state.db,
        &LineOfText::parse("Other Org").unwrap(),
        coprod_server::coprod_engine::people::Sector::Public,
        None,
    )
    .await
    .unwrap();
    let (_, token) = tokens::issue(
        &app.state.db,
        &LineOfText::parse("sync").unwrap(),
        own,
        None,
    )
    .await
    .unwrap();
    let mut client = app.client();

    let anonymous = client.api_get("/api/v1/organisations", None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let envelope: serde_json::Value = serde_json::from_str(&anonymous.body).unwrap();
    assert_eq!(envelope["errors"][0]["code"], "unauthenticated");
    assert!(envelope["errors"][0]["message"].as_str().unwrap().len() > 5);
    assert_eq!(
        client
            .api_get("/api/v1/organisations", Some("coprod_wrong"))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    let list = client.api_get("/api/v1/organisations", Some(&token)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.headers.get(header::SET_COOKIE).is_none(),
        "the API sets no cookies"
    );
    let list: serde_json::Value = serde_json::from_str(&list.body).unwrap();
    assert_eq!(list["total"], 2);
    assert_eq!(
        client
            .api_get(
                &format!("/api/v1/organisations/{own}/members"),
                Some(&token)
            )
            .await
            .status,
        StatusCode::OK
    );
    let refused = client
        .api_get(
            &format!("/api/v1/organisations/{other}/members"),
            Some(&token),
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(
        refused.body.contains("\"code\":\"not_found\""),
        "{}",
        refused.body
    );
    let missing = client
        .api_get("/api/v1/organisations/999999", Some(&token))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("\"code\":\"not_found\""));
    let unknown_route = client.api_get("/api/v1/nothing-here", Some(&token)).await;
    assert!(unknown_route.body.contains("\"errors\""));

    // Stored only as a hash; revoked tokens stop working.
    let (stored,): (String,) = sqlx::query_as("SELECT token_hash FROM api_tokens")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_ne!(stored, token);
    sqlx::query("UPDATE api_tokens SET revoked_at = 1")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(
        client.api_get("/api/v1/token", Some(&token)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn metrics_count_requests_by_route_and_status(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut client = app.client();
    client.get("/").await;
    client.get("/no/such/page").await;
    let metrics = client.get("/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        metrics
            .body
            .contains("coprod_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"} 1"),
        "{}",
        metrics.body
    );
    assert!(metrics.body.contains("status=\"404\""));
    assert!(
        metrics
            .body
            .contains("coprod_http_request_duration_seconds_bucket")
    );
}

async fn pages_carry_security_headers_and_errors_are_pages(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut client = app.client();
    let home = client.get("/").await;
    let csp = home
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        csp.contains("script-src 'self'")
            && csp.contains("frame-ancestors 'none'")
            && !csp.contains("unsafe-inline")
    );
    assert_eq!(
        home.headers.get(header::REFERRER_POLICY).unwrap(),
        "same-origin"
    );
    assert_eq!(
        home.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
        "nosniff"
    );
    let cookie = home
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let missing = client.get("/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("We could not find that page"));
    assert!(missing.body.contains("ds_site-header"));
}

#[tokio::test]
async fn the_openapi_document_is_stable() {
    let app = TestApp::new(Backend::Sqlite).await;
    let reply = app.client().get("/api/openapi.json").await;
    let document: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    insta::assert_json_snapshot!("openapi", document);
}

/// Every API route the server answers is an operation of the document,
/// with the same method, and the document describes nothing the server
/// does not answer.
#[tokio::test]
async fn every_api_route_is_in_the_openapi_document() {
    let document = serde_json::to_value(coprod_server::api::openapi::ApiDoc::openapi()).unwrap();
    let paths = document["paths"].as_object().unwrap();
    let routes: std::collections::BTreeSet<(String, String)> = coprod_server::app::all_routes()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/"))
        .map(|r| (r.method.as_str().to_lowercase(), r.path.to_owned()))
        .collect();
    let mut missing = Vec::new();
    for (method, path) in &routes {
        if paths.get(path).and_then(|item| item.get(method)).is_none() {
            missing.push(format!("{method} {path}"));
        }
    }
    assert!(missing.is_empty(), "not in /api/openapi.json: {missing:?}");
    let described: std::collections::BTreeSet<(String, String)> = paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|k| ["get", "put", "post", "delete", "patch"].contains(&k.as_str()))
                .map(|method| (method.clone(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let extra: Vec<_> = described.difference(&routes).collect();
    assert!(extra.is_empty(), "described but not served: {extra:?}");
    assert!(routes.iter().any(|(_, p)| p.starts_with("/api/hsds/")));
}

#[tokio::test]
async fn https_deployments_mark_cookies_secure() {
    let app = TestApp::with_settings(Backend::Sqlite, |s| {
        s.public_url = "https://coprod.example".into();
    })
    .await;
    let home = app.client().get("/").await;
    assert!(
        home.headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Secure")
    );
}

on_both_backends!(
    tokens_authenticate_and_are_scoped,
    metrics_count_requests_by_route_and_status,
    pages_carry_security_headers_and_errors_are_pages,
);
