//! The low findings of a security probe, each reproduced: HSTS over HTTPS,
//! where `return_to` may lead, the anti-forgery token's tie to the session,
//! rate limits on password resets and sign-ups, over-size forms, and
//! addresses the mailer would refuse.

use axum::http::header;
use coprod_server::db::Backend;

use crate::support::{Reply, TestApp};

const YEAR_SECONDS: u64 = 365 * 24 * 60 * 60;

/// The max-age of a `Strict-Transport-Security` header, if it has
/// `includeSubDomains`.
fn hsts_max_age(reply: &Reply) -> Option<u64> {
    let value = reply
        .headers
        .get(header::STRICT_TRANSPORT_SECURITY)?
        .to_str()
        .ok()?;
    let directives: Vec<&str> = value.split(';').map(str::trim).collect();
    if !directives
        .iter()
        .any(|d| d.eq_ignore_ascii_case("includeSubDomains"))
    {
        return None;
    }
    directives
        .iter()
        .find_map(|d| d.strip_prefix("max-age="))
        .and_then(|n| n.parse().ok())
}

#[tokio::test]
async fn hsts_on_every_response_over_https_only() {
    let app = TestApp::with_settings(Backend::Sqlite, |s| {
        s.public_url = "https://coprod.example.org".into();
    })
    .await;
    let mut client = app.client();
    for path in [
        "/",
        "/sign-in",
        "/no-such-page",
        "/assets/coprod/search-map.js",
        "/api/v1/token",
        "/healthz",
    ] {
        let reply = client.get(path).await;
        let max_age = hsts_max_age(&reply);
        assert!(
            max_age.is_some_and(|age| age >= YEAR_SECONDS),
            "{path} ({}) carries {:?}",
            reply.status,
            reply.headers.get(header::STRICT_TRANSPORT_SECURITY)
        );
    }
    let posted = client.post("/sign-in", &[("email", "x@example.org")]).await;
    assert!(hsts_max_age(&posted).is_some(), "{}", posted.status);

    let plain = TestApp::new(Backend::Sqlite).await;
    let mut client = plain.client();
    for path in ["/", "/no-such-page", "/healthz"] {
        let reply = client.get(path).await;
        assert!(
            reply
                .headers
                .get(header::STRICT_TRANSPORT_SECURITY)
                .is_none(),
            "{path} over plain HTTP must not promise HTTPS"
        );
    }
}
