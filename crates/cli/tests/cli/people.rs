//! `coprod people export` and `coprod people erase` on both backends: an
//! export to standard output and to a file, for an account and for a person
//! without an email address; an erasure refused without `--yes` (saying
//! what it would erase), then done.

use coprod_server::db::{Backend, Db, testing::TestDb};
use serde_json::Value;

use crate::cli::{coprod, text};

async fn count(url: &str, sql: &str) -> i64 {
    let db = Db::connect(url).await.unwrap();
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(db.pool()).await.unwrap();
    db.close().await;
    n
}

#[expect(
    clippy::too_many_lines,
    reason = "one operator answering two requests, told in order"
)]
async fn export_and_erase(backend: Backend) {
    let test_db = TestDb::new(backend).await.unwrap();
    let url = test_db.url.clone();
    let dir = test_db.data_dir();
    let created = coprod(
        &url,
        &dir,
        &[
            "user",
            "create",
            "--email",
            "eilidh@example.org",
            "--name",
            "Eilidh Rights",
            "--role",
            "volunteer",
        ],
        "a long enough password\n",
    );
    assert!(created.status.success(), "{}", text(&created));
    let (person,): (i64,) = sqlx::query_as(
        "INSERT INTO coordination_people (display_name, phone, channel, created_at) \
         VALUES ('Donald Nomail', '01632 960777', 'phone', 0) RETURNING id",
    )
    .fetch_one(test_db.db.pool())
    .await
    .unwrap();

    let exported = coprod(
        &url,
        &dir,
        &["people", "export", "--email", "Eilidh@Example.org"],
        "",
    );
    assert!(exported.status.success(), "{}", text(&exported));
    let document: Value = serde_json::from_slice(&exported.stdout).unwrap();
    assert_eq!(document["account"]["display_name"], "Eilidh Rights");
    assert_eq!(document["roles"][0]["role"], "volunteer");

    let file = dir.join("donald.json");
    let person_arg = person.to_string();
    let to_file = coprod(
        &url,
        &dir,
        &[
            "people",
            "export",
            "--person",
            &person_arg,
            "--out",
            file.to_str().unwrap(),
        ],
        "",
    );
    assert!(to_file.status.success(), "{}", text(&to_file));
    assert!(to_file.stdout.is_empty());
    let document: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(document["coordination_person"]["phone"], "01632 960777");
    assert_eq!(
        count(
            &url,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'person_exported'"
        )
        .await,
        2
    );

    let neither = coprod(&url, &dir, &["people", "export"], "");
    assert!(!neither.status.success());
    let unknown = coprod(
        &url,
        &dir,
        &["people", "export", "--email", "nobody@example.org"],
        "",
    );
    assert!(!unknown.status.success());
    assert!(text(&unknown).contains("there is no"), "{}", text(&unknown));

    let refused = coprod(
        &url,
        &dir,
        &["people", "erase", "--email", "eilidh@example.org"],
        "",
    );
    assert!(!refused.status.success());
    let said = text(&refused);
    assert!(
        said.contains("Eilidh Rights") && said.contains("eilidh@example.org"),
        "{said}"
    );
    assert!(said.contains("--yes"), "{said}");
    assert_eq!(
        count(
            &url,
            "SELECT COUNT(*) FROM accounts WHERE email = 'eilidh@example.org'"
        )
        .await,
        1
    );

    let erased = coprod(
        &url,
        &dir,
        &["people", "erase", "--email", "eilidh@example.org", "--yes"],
        "",
    );
    assert!(erased.status.success(), "{}", text(&erased));
    assert!(text(&erased).contains("erased-person-"));
    assert_eq!(
        count(&url, "SELECT COUNT(*) FROM accounts WHERE email LIKE 'erased-person-%@erased.invalid' AND display_name LIKE 'erased-person-%'").await,
        1
    );
    let erased = coprod(
        &url,
        &dir,
        &["people", "erase", "--person", &person_arg, "--yes"],
        "",
    );
    assert!(erased.status.success(), "{}", text(&erased));
    assert_eq!(
        count(&url, "SELECT COUNT(*) FROM coordination_people WHERE phone = '' AND display_name LIKE 'erased-person-%'").await,
        1
    );
    assert_eq!(
        count(&url, "SELECT COUNT(*) FROM audit_events WHERE action = 'person_erased' AND actor_account_id IS NULL").await,
        2
    );
}

#[tokio::test]
async fn export_and_erase_on_sqlite() {
    export_and_erase(Backend::Sqlite).await;
}

#[tokio::test]
async fn export_and_erase_on_postgres() {
    export_and_erase(Backend::Postgres).await;
}
