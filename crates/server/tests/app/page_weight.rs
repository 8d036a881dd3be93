//! Light pages for slow connections: a first visit of the home page and of
//! the directory's search page, with the demo's data, transfers under
//! 100 KB in all, the HTML and every file it refers to, compressed as a
//! browser asks; static files are named by their content and kept a year.

use std::collections::BTreeSet;

use axum::{
    body::Body,
    http::{HeaderMap, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::support::TestApp;
use coprod_server::db::Backend;

/// What a first visit may transfer in all.
const BUDGET_BYTES: usize = 100 * 1024;

/// What a browser sends.
const ACCEPT_ENCODING: &str = "br, gzip, deflate";

struct Fetched {
    status: StatusCode,
    headers: HeaderMap,
    /// The bytes on the wire: compressed when the server compressed them.
    wire: Vec<u8>,
}

async fn fetch(app: &TestApp, path: &str) -> Fetched {
    let request = Request::builder()
        .uri(path)
        .header(header::ACCEPT_ENCODING, ACCEPT_ENCODING)
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let wire = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Fetched {
        status,
        headers,
        wire,
    }
}

/// Every `/assets/` address in a page, without fragments, each once.
fn assets_in(html: &str) -> BTreeSet<String> {
    html.match_indices("\"/assets/")
        .map(|(at, _)| {
            let rest = &html[at + 1..];
            let end = rest.find(['"', '#']).unwrap();
            rest[..end].to_owned()
        })
        .collect()
}

/// The page as the server writes it, uncompressed, to read its references.
async fn plain_text(app: &TestApp, path: &str) -> String {
    let request = Request::builder().uri(path).body(Body::empty()).unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    assert!(!response.headers().contains_key(header::CONTENT_ENCODING));
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The page and what it refers to: (address, bytes on the wire).
async fn first_visit(app: &TestApp, path: &str) -> Vec<(String, usize)> {
    let page = fetch(app, path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}");
    assert_eq!(
        page.headers.get(header::CONTENT_ENCODING).unwrap(),
        "br",
        "{path} is compressed"
    );
    let html = plain_text(app, path).await;
    let mut weights = vec![(path.to_owned(), page.wire.len())];
    let assets = assets_in(&html);
    assert!(!assets.is_empty(), "{path} refers to no static file");
    for asset in assets {
        let file = fetch(app, &asset).await;
        assert_eq!(file.status, StatusCode::OK, "{asset}");
        assert_eq!(
            file.headers.get(header::CACHE_CONTROL).unwrap(),
            "public, max-age=31536000, immutable",
            "{asset} is named by its content"
        );
        let kind = file.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        if kind.starts_with("text/") || kind.contains("javascript") || kind.contains("svg") {
            assert!(
                file.headers.contains_key(header::CONTENT_ENCODING),
                "{asset} ({kind}) is compressed"
            );
        }
        weights.push((asset, file.wire.len()));
    }
    weights
}

#[tokio::test]
async fn a_first_visit_of_the_home_page_and_the_directory_is_light() {
    let app = TestApp::new(Backend::Sqlite).await;
    coprod_server::demo::seed(&app.state.db).await.unwrap();
    for path in ["/", "/services"] {
        let weights = first_visit(&app, path).await;
        let total: usize = weights.iter().map(|(_, bytes)| bytes).sum();
        println!("first visit of {path}: {total} bytes in all: {weights:?}");
        assert!(
            total < BUDGET_BYTES,
            "a first visit of {path} transfers {total} bytes: {weights:?}"
        );
    }
}

#[tokio::test]
async fn static_files_by_hashed_name_are_immutable_and_a_wrong_hash_is_not_found() {
    let app = TestApp::new(Backend::Sqlite).await;
    let stylesheet = assets_in(&plain_text(&app, "/").await)
        .into_iter()
        .find(|a| a.contains("/css/design-system"))
        .unwrap();
    assert_ne!(stylesheet, "/assets/css/design-system.min.css");
    let gzip = Request::builder()
        .uri(&stylesheet)
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .unwrap();
    let reply = app.router.clone().oneshot(gzip).await.unwrap();
    assert_eq!(reply.headers()[header::CONTENT_ENCODING], "gzip");
    // By its plain name (as relative references inside files ask) it is
    // served too, kept for a day only.
    let plain = fetch(&app, "/assets/css/design-system.min.css").await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(
        plain.headers[header::CACHE_CONTROL],
        "public, max-age=86400"
    );
    let wrong = fetch(&app, "/assets/css/design-system.min.000000000000.css").await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
}
