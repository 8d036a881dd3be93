//! Signing up, in and out, passwords and their reset, and bad input.

use crate::support::{PASSWORD, TestApp};
use axum::http::StatusCode;
use coprod_server::{coprod_engine::people::Role, db::Backend, settings::MailTransport};

async fn sign_up_then_out_then_in(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut client = app.client();
    let reply = client
        .post(
            "/sign-up",
            &[
                ("display_name", "Morag Example"),
                ("email", "Morag@Example.org"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), "/account");
    let session = client.cookie("coprod_session").expect("session cookie");
    assert_eq!(session.len(), 43);
    let account = client.get("/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("morag@example.org"));
    assert!(account.body.contains("Citizen"));

    // The stored session is a hash, never the cookie's token.
    let (stored,): (String,) = sqlx::query_as("SELECT token_hash FROM sessions")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_ne!(stored, session);

    let out = client.post("/sign-out", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("sessions").await, 0);
    assert_eq!(client.get("/account").await.status, StatusCode::SEE_OTHER);

    let back = client.sign_in("morag@example.org", PASSWORD).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(client.get("/account").await.status, StatusCode::OK);
}

async fn sign_up_errors_are_explained_and_store_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut client = app.client();
    let reply = client
        .post(
            "/sign-up",
            &[
                ("display_name", ""),
                ("email", "not-an-email"),
                ("password", "short"),
                ("password_confirm", ""),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("ds_error-summary"));
    assert!(reply.body.contains("href=\"#display_name\""));
    assert!(reply.body.contains("href=\"#email\""));
    assert!(reply.body.contains("href=\"#password\""));
    assert!(reply.body.contains("at least 10 characters"));
    assert!(
        reply.body.contains("value=\"not-an-email\""),
        "what was typed is kept"
    );
    assert_eq!(app.count("accounts").await, 0);

    let mismatch = client
        .post(
            "/sign-up",
            &[
                ("display_name", "A"),
                ("email", "a@example.org"),
                ("password", PASSWORD),
                ("password_confirm", "other words entirely"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mismatch.body.contains("do not match"));
    assert!(
        !mismatch.body.contains(PASSWORD),
        "passwords are never echoed"
    );

    let too_long = "x".repeat(201);
    let reply = client
        .post(
            "/sign-up",
            &[
                ("display_name", &too_long),
                ("email", "b@example.org"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("200 characters or fewer"));
    assert_eq!(app.count("accounts").await, 0);
}

async fn an_email_has_one_account(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.person("taken@example.org", Role::Citizen).await;
    let mut client = app.client();
    let reply = client
        .post(
            "/sign-up",
            &[
                ("display_name", "Other"),
                ("email", "TAKEN@example.org"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("already has an account"));
    assert_eq!(app.count("accounts").await, 1);
}

async fn wrong_passwords_fail_then_pause_the_account(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.person("iona@example.org", Role::Citizen).await;
    let mut client = app.client();
    for _ in 0..5 {
        let reply = client.sign_in("iona@example.org", "not the password").await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            reply
                .body
                .contains("email address or password is not right")
        );
    }
    // Even the right password waits until the window passes.
    let paused = client.sign_in("iona@example.org", PASSWORD).await;
    assert_eq!(paused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(paused.body.contains("too many attempts"));
    assert!(client.cookie("coprod_session").is_none());
    let (failed,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE action = 'sign_in_failed'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(failed, 5);
    // An unknown email is refused the same way, without saying which was wrong.
    let unknown = app.client().sign_in("nobody@example.org", PASSWORD).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown
            .body
            .contains("email address or password is not right")
    );
}

async fn throttling_by_address_covers_many_accounts(backend: Backend) {
    let app = TestApp::with_settings(backend, |s| s.throttle_ip_failures = 3).await;
    app.person("target@example.org", Role::Citizen).await;
    let mut client = app.client();
    for n in 0..3 {
        client
            .sign_in(&format!("guess{n}@example.org"), "whatever words")
            .await;
    }
    assert_eq!(
        client.sign_in("target@example.org", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

async fn forms_without_the_csrf_token_change_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut client = app.client();
    client.get("/").await;
    let body = format!(
        "display_name=X&email=x%40example.org&password={0}&password_confirm={0}",
        crate::support::encode(PASSWORD)
    );
    let missing = client.post_raw("/sign-up", body.clone().into_bytes()).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("form has expired"));
    let wrong = client
        .post_raw("/sign-up", format!("csrf_token=forged&{body}").into_bytes())
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("accounts").await, 0);

    let mut signed_in = app.as_role(Role::Admin).await;
    let before = app.count("organisations").await;
    let forged = signed_in
        .post_raw("/admin/organisations", b"name=Forged&sector=third".to_vec())
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("organisations").await, before);
}

async fn invalid_utf8_and_oversized_bodies_are_refused(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut client = app.client();
    client.get("/").await;
    let token = client.cookie("coprod_csrf").unwrap();
    let body = format!(
        "csrf_token={token}&display_name=%FF%FE&email=x%40example.org&password=aaaaaaaaaaaa&password_confirm=aaaaaaaaaaaa"
    );
    let reply = client.post_raw("/sign-up", body.into_bytes()).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("characters that could not be read"));
    let mut raw = format!("csrf_token={token}&display_name=").into_bytes();
    raw.extend_from_slice(&[0xC3, 0x28]);
    assert_eq!(
        client.post_raw("/sign-up", raw).await.status,
        StatusCode::BAD_REQUEST
    );
    let long = format!("csrf_token={token}&display_name={}", "a".repeat(10_001));
    let reply = client.post_raw("/sign-up", long.into_bytes()).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("too long"));
    let huge = format!(
        "csrf_token={token}&display_name={}",
        "a".repeat(2 * 1024 * 1024)
    );
    assert_eq!(
        client.post_raw("/sign-up", huge.into_bytes()).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(app.count("accounts").await, 0);
}

async fn change_password_needs_the_current_one(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut client = app.as_role(Role::Volunteer).await;
    let mut other_device = app.client();
    other_device
        .sign_in("volunteer@test.example", PASSWORD)
        .await;
    let wrong = client
        .post(
            "/account/password",
            &[
                ("current_password", "not it at all"),
                ("password", "new heather path"),
                ("password_confirm", "new heather path"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("current password is not right"));
    let ok = client
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", "new heather path"),
                ("password_confirm", "new heather path"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(
        client.get("/account").await.status,
        StatusCode::OK,
        "this device stays signed in"
    );
    assert_eq!(
        other_device.get("/account").await.status,
        StatusCode::SEE_OTHER,
        "others are signed out"
    );
    assert_eq!(
        app.client()
            .sign_in("volunteer@test.example", PASSWORD)
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.client()
            .sign_in("volunteer@test.example", "new heather path")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

fn link_in(mail: &str) -> String {
    let unfolded = mail.replace("=\n", "").replace("=3D", "=");
    let start = unfolded
        .find("/password-reset/")
        .expect("a reset link in the mail");
    unfolded[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

#[expect(
    clippy::too_many_lines,
    reason = "one reset journey, told from request to dead link"
)]
async fn password_reset_by_emailed_link(backend: Backend) {
    let mut sink = crate::support::smtp::start().await;
    let port = sink.port;
    let app = TestApp::with_settings(backend, move |s| {
        s.mail.transport = MailTransport::Smtp;
        s.mail.smtp_host = "127.0.0.1".into();
        s.mail.smtp_port = port;
    })
    .await;
    app.person("ruaridh@example.org", Role::Citizen).await;
    let mut client = app.client();

    // The same answer whether or not an account exists.
    let unknown = client
        .post("/password-reset", &[("email", "nobody@example.org")])
        .await;
    let known = client
        .post("/password-reset", &[("email", "ruaridh@example.org")])
        .await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert_eq!(known.status, StatusCode::OK);
    assert!(known.body.contains("Check your email"));

    let mail = tokio::time::timeout(std::time::Duration::from_secs(10), sink.messages.recv())
        .await
        .expect("a mail within 10 s")
        .unwrap();
    assert!(mail.contains("ruaridh@example.org"));
    assert!(
        sink.messages.try_recv().is_err(),
        "no mail for an unknown address"
    );
    let path = link_in(&mail);

    assert_eq!(client.get(&path).await.status, StatusCode::OK);
    let weak = client
        .post(
            &path,
            &[("password", "short"), ("password_confirm", "short")],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = client
        .post(
            &path,
            &[
                ("password", "a brand new phrase"),
                ("password_confirm", "a brand new phrase"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        app.client()
            .sign_in("ruaridh@example.org", "a brand new phrase")
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // A used link is dead.
    let reused = client
        .post(
            &path,
            &[
                ("password", "another new phrase"),
                ("password_confirm", "another new phrase"),
            ],
        )
        .await;
    assert_eq!(reused.status, StatusCode::GONE);
    assert!(reused.body.contains("expired or has already been used"));
    assert_eq!(
        app.client()
            .sign_in("ruaridh@example.org", "another new phrase")
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // So is an expired one.
    client
        .post("/password-reset", &[("email", "ruaridh@example.org")])
        .await;
    let second = tokio::time::timeout(std::time::Duration::from_secs(10), sink.messages.recv())
        .await
        .unwrap()
        .unwrap();
    sqlx::query("UPDATE password_resets SET expires_at = 0")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let expired_path = link_in(&second);
    assert_eq!(client.get(&expired_path).await.status, StatusCode::GONE);
    let expired = client
        .post(
            &expired_path,
            &[
                ("password", "too late a phrase"),
                ("password_confirm", "too late a phrase"),
            ],
        )
        .await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert_eq!(
        client.get("/password-reset/made-up-token").await.status,
        StatusCode::GONE
    );
}

async fn return_to_never_leaves_the_site(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.person("kirsty@example.org", Role::Citizen).await;
    let mut client = app.client();
    let reply = client
        .post(
            "/sign-in",
            &[
                ("email", "kirsty@example.org"),
                ("password", PASSWORD),
                ("return_to", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(reply.location(), "/account");
    let mut client = app.client();
    let reply = client
        .post(
            "/sign-in",
            &[
                ("email", "kirsty@example.org"),
                ("password", PASSWORD),
                ("return_to", "/account/password"),
            ],
        )
        .await;
    assert_eq!(reply.location(), "/account/password");
}

/// The home page's four ways in go somewhere for the reader, and every page
/// a citizen may use is in their menu; a link worker's menu starts with
/// their work.
async fn ways_in_lead_somewhere(backend: Backend) {
    let app = TestApp::new(backend).await;
    let visitor = app.client().get("/").await;
    for href in ["/budgeting", "/surveys/open", "/services", "/charters"] {
        assert!(
            visitor.body.contains(&format!("<li><a href=\"{href}\">")),
            "{href}: {}",
            visitor.body
        );
    }
    let mut citizen = app.as_role(Role::Citizen).await;
    let home = citizen.get("/").await;
    assert!(
        home.body.contains("<li><a href=\"/help\">"),
        "{}",
        home.body
    );
    for href in [
        "/help",
        "/my-star",
        "/charters",
        "/surveys/open",
        "/budgeting",
        "/my-referrals",
    ] {
        assert!(
            home.body.contains(&format!("href=\"{href}\"")),
            "{href} missing from the menu"
        );
        let page = citizen.get(href).await;
        assert_eq!(page.status, StatusCode::OK, "{href}: {}", page.body);
    }
    let open = citizen.get("/surveys/open").await;
    assert!(open.body.contains("Have your say"), "{}", open.body);
    let mut link_worker = app.as_role(Role::LinkWorker).await;
    let home = link_worker.get("/").await;
    let referrals = home.body.find("href=\"/referrals\"").unwrap();
    let services = home.body.find("href=\"/services\"").unwrap();
    assert!(referrals < services, "their work comes first in the menu");
}

on_both_backends!(
    ways_in_lead_somewhere,
    sign_up_then_out_then_in,
    sign_up_errors_are_explained_and_store_nothing,
    an_email_has_one_account,
    wrong_passwords_fail_then_pause_the_account,
    throttling_by_address_covers_many_accounts,
    forms_without_the_csrf_token_change_nothing,
    invalid_utf8_and_oversized_bodies_are_refused,
    change_password_needs_the_current_one,
    password_reset_by_emailed_link,
    return_to_never_leaves_the_site,
);
