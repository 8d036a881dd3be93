//! Storage: migrations, readiness, backup and restore on both backends.

use crate::support::TestApp;
use axum::http::StatusCode;
use coprod_server::{
    db::{Backend, Db, backup, testing::TestDb},
    demo,
};

async fn migrations_are_idempotent_and_ready(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.state.db.migrate().await.unwrap();
    assert!(app.state.db.migrations_applied().await.unwrap());
    let mut client = app.client();
    let ready = client.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert!(ready.body.contains("\"migrations\":true"));
    assert_eq!(client.get("/healthz").await.status, StatusCode::OK);
}

async fn backup_and_restore_lose_nothing(backend: Backend) {
    let source = TestDb::new(backend).await.unwrap();
    demo::seed(&source.db).await.unwrap();
    let before = backup::table_counts(&source.db).await.unwrap();
    assert!(before["accounts"] >= 16 && before["organisations"] == 30);
    let snapshot = source.dir.path().join(match backend {
        Backend::Sqlite => "snapshot.sqlite3",
        Backend::Postgres => "snapshot.json",
    });
    let written = backup::backup(&source.db, &snapshot).await.unwrap();
    assert_eq!(written, before);
    // Refuses to overwrite an existing file.
    assert!(backup::backup(&source.db, &snapshot).await.is_err());

    let target = TestDb::new(backend).await.unwrap();
    sqlx::query("INSERT INTO localities (name) VALUES ('To be replaced')")
        .execute(target.db.pool())
        .await
        .unwrap();
    let url = target.url.clone();
    target.db.close().await;
    let restored = backup::restore(&url, &snapshot).await.unwrap();
    assert_eq!(restored, before);
    let reopened = Db::connect(&url).await.unwrap();
    let emails: Vec<(String, String)> =
        sqlx::query_as("SELECT email, password_hash FROM accounts ORDER BY id")
            .fetch_all(reopened.pool())
            .await
            .unwrap();
    let original: Vec<(String, String)> =
        sqlx::query_as("SELECT email, password_hash FROM accounts ORDER BY id")
            .fetch_all(source.db.pool())
            .await
            .unwrap();
    assert_eq!(emails, original);
    // New rows after a restore get fresh ids (sequences were moved on).
    sqlx::query("INSERT INTO localities (name) VALUES ('After restore')")
        .execute(reopened.pool())
        .await
        .unwrap();
}

async fn a_bad_snapshot_changes_nothing(backend: Backend) {
    let target = TestDb::new(backend).await.unwrap();
    demo::seed(&target.db).await.unwrap();
    let before = backup::table_counts(&target.db).await.unwrap();
    let junk = target.dir.path().join("junk.bin");
    std::fs::write(&junk, b"this is not a snapshot at all, not even close").unwrap();
    let error = backup::restore(&target.url, &junk).await.unwrap_err();
    assert!(error.to_string().contains("junk.bin"), "{error}");
    assert_eq!(backup::table_counts(&target.db).await.unwrap(), before);
}

async fn demo_seed_runs_once(backend: Backend) {
    let app = TestApp::new(backend).await;
    let first = demo::seed(&app.state.db).await.unwrap();
    assert!(!first.already_present);
    assert_eq!(first.organisations, 30);
    let second = demo::seed(&app.state.db).await.unwrap();
    assert!(second.already_present);
    let mut client = app.client();
    for (email, _, role) in demo::ACCOUNTS {
        let reply = client.sign_in(email, demo::PASSWORD).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{role} can sign in");
        let account = client.get("/account").await;
        let label = app.state.catalogues.get("en").text(&format!("role.{role}"));
        assert!(
            account.body.contains(&label),
            "{role}'s account page names the role"
        );
        client.post("/sign-out", &[]).await;
    }
}

async fn sessions_are_shared_between_instances(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.person(
        "shared@example.org",
        coprod_server::coprod_engine::people::Role::Citizen,
    )
    .await;
    // A second instance of the application on the same database.
    let other =
        coprod_server::AppState::with_db((*app.state.settings).clone(), app.state.db.clone())
            .unwrap();
    let mut on_first = app.client();
    on_first
        .sign_in("shared@example.org", crate::support::PASSWORD)
        .await;
    let mut on_second = crate::support::Client::new(coprod_server::router(other));
    on_second.cookies.clone_from(&on_first.cookies);
    let account = on_second.get("/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("shared@example.org"));
}

async fn housekeeping_removes_only_what_is_dead(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut client = app
        .as_role(coprod_server::coprod_engine::people::Role::Citizen)
        .await;
    app.client()
        .sign_in("citizen@test.example", "wrong words here")
        .await;
    // Every limited action leaves a row to sweep.
    app.client()
        .post("/password-reset", &[("email", "citizen@test.example")])
        .await;
    let signed_up = app
        .client()
        .post(
            "/sign-up",
            &[
                ("display_name", "New Person"),
                ("email", "new@test.example"),
                ("password", crate::support::PASSWORD),
                ("password_confirm", crate::support::PASSWORD),
            ],
        )
        .await;
    assert_eq!(signed_up.status, StatusCode::SEE_OTHER);
    let now = coprod_server::db::now();
    let nothing = coprod_server::ops::housekeeping::sweep(&app.state.db, now)
        .await
        .unwrap();
    assert_eq!(nothing, coprod_server::ops::housekeeping::Swept::default());
    assert_eq!(client.get("/account").await.status, StatusCode::OK);

    let two_days_on = now + 2 * 24 * 60 * 60;
    let swept = coprod_server::ops::housekeeping::sweep(&app.state.db, two_days_on)
        .await
        .unwrap();
    assert_eq!(swept.sessions, 2, "the citizen's and the new person's");
    assert_eq!(
        swept.login_attempts, 4,
        "the failure, the success, the reset request and the sign-up"
    );
    assert_eq!(swept.password_resets, 1);
    assert_eq!(app.count("login_attempts").await, 0);
    assert_eq!(app.count("sessions").await, 0);
    assert!(
        app.count("audit_events").await > 0,
        "the audit log is never swept"
    );
}

on_both_backends!(
    housekeeping_removes_only_what_is_dead,
    sessions_are_shared_between_instances,
    migrations_are_idempotent_and_ready,
    backup_and_restore_lose_nothing,
    a_bad_snapshot_changes_nothing,
    demo_seed_runs_once,
);

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout() {
    let app = TestApp::new(Backend::Sqlite).await;
    let pool = app.state.db.pool();
    let (journal,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(pool)
        .await
        .unwrap();
    let (foreign_keys,): (i64,) = sqlx::query_as("PRAGMA foreign_keys")
        .fetch_one(pool)
        .await
        .unwrap();
    let (busy,): (i64,) = sqlx::query_as("PRAGMA busy_timeout")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!((journal.as_str(), foreign_keys), ("wal", 1));
    assert!(busy >= 5000);
    let orphan = sqlx::query(
        "INSERT INTO memberships (account_id, role, granted_at) VALUES (424242, 'citizen', 0)",
    )
    .execute(pool)
    .await;
    assert!(orphan.is_err(), "foreign keys are enforced");
    assert!(app.test_db.dir.path().join("coprod.sqlite3").exists());
}
