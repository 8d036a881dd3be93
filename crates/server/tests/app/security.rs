//! The low findings of a security probe, each reproduced: HSTS over HTTPS,
//! where `return_to` may lead, the anti-forgery token's tie to the session,
//! rate limits on password resets and sign-ups, over-size forms, and
//! addresses the mailer would refuse.

use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use coprod_server::{
    api::tokens,
    coprod_engine::people::{LineOfText, Role, Sector},
    db::Backend,
    organisations::store as organisations,
};

use crate::support::{Client, PASSWORD, Reply, TestApp, encode};

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

/// The `csrf_token` hidden field of a page.
fn hidden_token(body: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker).expect("a form with a token") + marker.len();
    let end = body[start..].find('"').unwrap() + start;
    body[start..end].to_owned()
}

/// Posts with this token both as the cookie and in the form, as a forger
/// who could plant a cookie would.
async fn post_with_token(client: &mut Client, path: &str, token: &str) -> Reply {
    client.cookies.retain(|(n, _)| n != "coprod_csrf");
    client
        .cookies
        .push(("coprod_csrf".into(), token.to_owned()));
    client
        .post_raw(path, format!("csrf_token={token}").into_bytes())
        .await
}

async fn csrf_token_is_bound_to_the_session_and_rotated(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.person("bea@example.org", Role::Citizen).await;
    app.person("cal@example.org", Role::Citizen).await;

    let mut bea = app.client();
    bea.get("/sign-in").await;
    let before = bea.cookie("coprod_csrf").unwrap();
    let signed_in = bea.sign_in("bea@example.org", PASSWORD).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    let after = bea.cookie("coprod_csrf").unwrap();
    assert_ne!(before, after, "signing in rotates the token");

    // Forms work without JavaScript: the page's hidden field is the token.
    let page = bea.get("/account/password").await;
    assert_eq!(hidden_token(&page.body), after);

    // A token from before sign-in is refused on a signed-in form.
    let stale = post_with_token(&mut bea, "/sign-out", &before).await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN);

    // A token of another person's session is refused too.
    let mut cal = app.client();
    cal.sign_in("cal@example.org", PASSWORD).await;
    let cals = cal.cookie("coprod_csrf").unwrap();
    assert_ne!(cals, after);
    let foreign = post_with_token(&mut bea, "/sign-out", &cals).await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    assert_eq!(bea.get("/account").await.status, StatusCode::OK);

    // Bea's own token works, and signing out rotates it again.
    let out = post_with_token(&mut bea, "/sign-out", &after).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let signed_out = bea.cookie("coprod_csrf").unwrap();
    assert_ne!(signed_out, after, "signing out rotates the token");
    assert_ne!(signed_out, before);
    // And the signed-out forms still work with the new one.
    let again = bea.sign_in("bea@example.org", PASSWORD).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_oversize_form_is_413_as_a_page_and_as_json() {
    let app = TestApp::with_settings(Backend::Sqlite, |s| s.max_body_bytes = 2_000).await;
    let mut client = app.client();
    let big = "x".repeat(5_000);
    let reply = client
        .post("/sign-in", &[("email", &big), ("password", "p")])
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        reply
            .headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.to_str().unwrap().starts_with("text/html")),
    );
    assert!(reply.body.contains("too large"), "{}", reply.body);

    let organisation = organisations::create(
        &app.state.db,
        &LineOfText::parse("Org").unwrap(),
        Sector::Third,
        None,
    )
    .await
    .unwrap();
    let (_, token) = tokens::issue(
        &app.state.db,
        &LineOfText::parse("t").unwrap(),
        organisation,
        None,
    )
    .await
    .unwrap();
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/services")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(format!("{{\"name\":\"{big}\"}}")))
        .unwrap();
    let reply = client.send(request).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    let json: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(json["errors"][0]["code"], "payload_too_large");
}

async fn sign_up_refuses_addresses_the_mailer_would_refuse(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut client = app.client();
    let reply = client
        .post(
            "/sign-up",
            &[
                ("display_name", "Jo Doe"),
                ("email", "jo,doe@example.org"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("id=\"email-error\""), "{}", reply.body);
    assert_eq!(app.count("accounts").await, 0);
}

fn outbox_count(app: &TestApp) -> usize {
    std::fs::read_dir(app.state.settings.data_dir.join("outbox")).map_or(0, Iterator::count)
}

async fn ask_for_reset(app: &TestApp, ip: &str, email: &str) -> Reply {
    app.client()
        .at_address(ip)
        .post("/password-reset", &[("email", email)])
        .await
}

async fn password_resets_are_limited_per_address_and_per_client(backend: Backend) {
    let app = TestApp::with_settings(backend, |s| {
        s.reset_requests_per_address = 2;
        s.reset_requests_per_client = 3;
    })
    .await;
    for who in ["dai", "eve", "fin", "gus"] {
        app.person(&format!("{who}@example.org"), Role::Citizen)
            .await;
    }
    // One address, asked for from everywhere.
    for (n, ip) in ["192.0.2.1", "192.0.2.2"].into_iter().enumerate() {
        let reply = ask_for_reset(&app, ip, "dai@example.org").await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(outbox_count(&app), n + 1);
    }
    let limited = ask_for_reset(&app, "192.0.2.3", " DAI@example.org").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        limited.body.contains("id=\"email-error\"") && limited.body.contains("Wait 60 minutes"),
        "{}",
        limited.body
    );
    assert!(
        limited.body.contains("action=\"/password-reset\""),
        "the form again"
    );
    assert_eq!(outbox_count(&app), 2, "no mail over the limit");
    assert_eq!(
        app.count("password_resets").await,
        2,
        "no link over the limit"
    );

    // One client asking for many addresses; unknown addresses count too, so
    // the limit says nothing about who has an account.
    for who in ["eve", "fin", "nobody"] {
        let reply = ask_for_reset(&app, "198.51.100.7", &format!("{who}@example.org")).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let limited = ask_for_reset(&app, "198.51.100.7", "gus@example.org").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(outbox_count(&app), 4, "no mail over the limit");
    // Another client is not held back by that one.
    let elsewhere = ask_for_reset(&app, "198.51.100.8", "gus@example.org").await;
    assert_eq!(elsewhere.status, StatusCode::OK);
    assert_eq!(outbox_count(&app), 5);
}

async fn sign_up(app: &TestApp, ip: &str, email: &str) -> Reply {
    app.client()
        .at_address(ip)
        .post(
            "/sign-up",
            &[
                ("display_name", "Someone"),
                ("email", email),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await
}

async fn sign_ups_are_limited_per_address_and_per_client(backend: Backend) {
    let app = TestApp::with_settings(backend, |s| {
        s.sign_ups_per_address = 2;
        s.sign_ups_per_client = 2;
        s.request_window_minutes = 30;
    })
    .await;
    let made = sign_up(&app, "192.0.2.1", "hal@example.org").await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let taken = sign_up(&app, "192.0.2.2", "hal@example.org").await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    let limited = sign_up(&app, "192.0.2.3", "HAL@example.org").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        limited.body.contains("id=\"email-error\"") && limited.body.contains("Wait 30 minutes"),
        "{}",
        limited.body
    );
    assert!(
        limited.body.contains("value=\"HAL@example.org\""),
        "what was typed stays"
    );
    assert!(
        !limited.body.contains(PASSWORD),
        "passwords never come back"
    );

    for email in ["ian@example.org", "jo@example.org"] {
        let made = sign_up(&app, "203.0.113.9", email).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    }
    let limited = sign_up(&app, "203.0.113.9", "kim@example.org").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.count("accounts").await, 3, "no account over the limit");
    // A form with mistakes costs nothing and is not counted.
    let mistaken = app
        .client()
        .at_address("203.0.113.10")
        .post("/sign-up", &[("email", "lee@example.org")])
        .await;
    assert_eq!(mistaken.status, StatusCode::UNPROCESSABLE_ENTITY);
    let made = sign_up(&app, "203.0.113.10", "lee@example.org").await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let made = sign_up(&app, "203.0.113.10", "max@example.org").await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("accounts").await, 5);
}

/// The limits are separate: using up sign-ups leaves sign-in and resets alone.
async fn each_action_has_its_own_limit(backend: Backend) {
    let app = TestApp::with_settings(backend, |s| {
        s.sign_ups_per_client = 1;
        s.reset_requests_per_client = 1;
    })
    .await;
    app.person("ned@example.org", Role::Citizen).await;
    assert_eq!(
        sign_up(&app, "192.0.2.9", "oli@example.org").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        sign_up(&app, "192.0.2.9", "pat@example.org").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        ask_for_reset(&app, "192.0.2.9", "ned@example.org")
            .await
            .status,
        StatusCode::OK
    );
    let signed_in = app
        .client()
        .at_address("192.0.2.9")
        .sign_in("ned@example.org", PASSWORD)
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
}

/// Retention forgets a failed sign-in's typed email after the throttling
/// window, but a reset request or a sign-up only after the request window,
/// which their limits need.
async fn request_limits_outlast_the_sign_in_window(backend: Backend) {
    let app = TestApp::with_settings(backend, |s| {
        s.throttle_window_minutes = 15;
        s.request_window_minutes = 60;
    })
    .await;
    app.client()
        .sign_in("nobody@example.org", "wrong words here")
        .await;
    ask_for_reset(&app, "192.0.2.1", "nobody@example.org").await;
    sign_up(&app, "192.0.2.1", "new@example.org").await;
    assert_eq!(app.count("login_attempts").await, 3);
    let now = coprod_server::db::now();
    let forget = |at: i64| {
        coprod_server::privacy::retention::forget_typed_emails(
            &app.state.db,
            &app.state.settings,
            at,
        )
    };
    let (gone, _) = forget(now + 20 * 60).await.unwrap();
    assert_eq!(gone, 1, "the failed sign-in only");
    assert_eq!(app.count("login_attempts").await, 2);
    let (gone, _) = forget(now + 61 * 60).await.unwrap();
    assert_eq!(gone, 2, "the reset request and the sign-up");
    assert_eq!(app.count("login_attempts").await, 0);
}

on_both_backends!(
    return_to_only_leads_to_a_plain_path_here,
    csrf_token_is_bound_to_the_session_and_rotated,
    sign_up_refuses_addresses_the_mailer_would_refuse,
    password_resets_are_limited_per_address_and_per_client,
    sign_ups_are_limited_per_address_and_per_client,
    each_action_has_its_own_limit,
    request_limits_outlast_the_sign_in_window,
);
