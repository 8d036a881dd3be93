//! `coprod token create` prints a working bearer token and nothing else;
//! `coprod token revoke` stops it working. Bad input names what is wrong.

use std::{
    path::Path,
    process::{Command, Output},
};

use coprod_server::{
    api::tokens,
    db::{Backend, testing::TestDb},
};

fn coprod(database_url: &str, data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coprod"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--database-url")
        .arg(database_url)
        .env("COPROD_LOG", "warn")
        .output()
        .unwrap()
}

async fn a_token_is_created_used_and_revoked(backend: Backend) {
    let test_db = TestDb::new(backend).await.unwrap();
    let (url, dir, db) = (test_db.url.clone(), test_db.data_dir(), test_db.db.clone());
    let (organisation,): (i64,) = sqlx::query_as(
        "INSERT INTO organisations (name, sector, created_at) VALUES ('Glen Lunch Club', 'third', 0) RETURNING id",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    let org = organisation.to_string();

    let created = coprod(
        &url,
        &dir,
        &["token", "create", "--organisation", &org, "--name", "rota"],
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let stdout = String::from_utf8(created.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "only the token on standard output: {stdout:?}"
    );
    let token = lines[0];
    let client = tokens::authenticate(&db, token).await.unwrap().unwrap();
    assert_eq!(client.organisation_id, organisation);
    assert_eq!(client.token_name, "rota");

    let again = coprod(
        &url,
        &dir,
        &["token", "create", "--organisation", &org, "--name", "rota"],
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already in use"));
    let nowhere = coprod(
        &url,
        &dir,
        &["token", "create", "--organisation", "999999", "--name", "x"],
    );
    assert!(!nowhere.status.success());
    assert!(String::from_utf8_lossy(&nowhere.stderr).contains("no organisation with id 999999"));
    assert!(nowhere.stdout.is_empty());

    let revoked = coprod(&url, &dir, &["token", "revoke", "rota"]);
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    assert!(tokens::authenticate(&db, token).await.unwrap().is_none());
    let unknown = coprod(&url, &dir, &["token", "revoke", "rota"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no token in use named \"rota\""));
}

#[tokio::test]
async fn a_token_is_created_used_and_revoked_on_sqlite() {
    a_token_is_created_used_and_revoked(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_token_is_created_used_and_revoked_on_postgres() {
    a_token_is_created_used_and_revoked(Backend::Postgres).await;
}
