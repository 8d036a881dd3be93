//! The low findings of a security probe, each reproduced: HSTS over HTTPS,
//! where `return_to` may lead, the anti-forgery token's tie to the session,
//! rate limits on password resets and sign-ups, over-size forms, and
//! addresses the mailer would refuse.

use axum::http::StatusCode;
use axum::http::header;
use coprod_server::{coprod_engine::people::Role, db::Backend};

use crate::support::{PASSWORD, Reply, TestApp, encode};

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
async fn return_to_only_leads_to_a_plain_path_here(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.person("ailsa@example.org", Role::Citizen).await;
    let attempts = [
        ("/\t/evil.example", "/account"),
        ("/\n/evil.example", "/account"),
        ("/ok\r\nSet-Cookie: x=y", "/account"),
        ("/\u{7f}x", "/account"),
        ("//evil.example", "/account"),
        ("/\\evil.example", "/account"),
        ("/a\\b", "/account"),
        ("https://evil.example/", "/account"),
        ("evil.example", "/account"),
        ("", "/account"),
        ("/help?week=2", "/help?week=2"),
    ];
    for (return_to, expected) in attempts {
        let mut client = app.client();
        let reply = client
            .post(
                "/sign-in",
                &[
                    ("email", "ailsa@example.org"),
                    ("password", PASSWORD),
                    ("return_to", return_to),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{return_to:?}");
        assert_eq!(reply.location(), expected, "{return_to:?}");
    }
    // The form itself never carries an unsafe destination forward.
    let mut client = app.client();
    let form = client
        .get(&format!(
            "/sign-in?return_to={}",
            encode("/\t/evil.example")
        ))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(!form.body.contains("evil.example"), "{}", form.body);
}

on_both_backends!(return_to_only_leads_to_a_plain_path_here);
