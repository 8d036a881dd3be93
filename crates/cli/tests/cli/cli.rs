//! The `coprod` binary as an operator uses it: migrate, users, backup and
//! restore, the demo, bad input, and a graceful stop with a request in flight.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    path::Path,
    process::{Child, Command, Output, Stdio},
    time::Duration,
};

use coprod_server::db::{Backend, Db, testing::TestDb};

pub fn coprod(database_url: &str, data_dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_coprod"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--database-url")
        .arg(database_url)
        .env("COPROD_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

async fn roles_of(url: &str, email: &str) -> Vec<String> {
    let db = Db::connect(url).await.unwrap();
    let roles: Vec<(String,)> = sqlx::query_as(
        "SELECT m.role FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE a.email = $1 ORDER BY m.role",
    )
    .bind(email)
    .fetch_all(db.pool())
    .await
    .unwrap();
    db.close().await;
    roles.into_iter().map(|(r,)| r).collect()
}

#[expect(clippy::too_many_lines, reason = "one operator session, told in order")]
async fn operator_round_trip(backend: Backend) {
    let test_db = TestDb::new(backend).await.unwrap();
    let url = test_db.url.clone();
    let dir = test_db.data_dir();

    let migrated = coprod(&url, &dir, &["migrate"], "");
    assert!(migrated.status.success(), "{}", text(&migrated));
    assert!(text(&migrated).contains("up to date"));

    let created = coprod(
        &url,
        &dir,
        &[
            "user",
            "create",
            "--email",
            "Shona@Example.org",
            "--name",
            "Shona Example",
            "--role",
            "coordinator",
        ],
        "a long enough password\n",
    );
    assert!(created.status.success(), "{}", text(&created));
    let granted = coprod(
        &url,
        &dir,
        &[
            "user",
            "set-role",
            "--email",
            "shona@example.org",
            "--role",
            "admin",
        ],
        "",
    );
    assert!(granted.status.success(), "{}", text(&granted));
    assert_eq!(
        roles_of(&url, "shona@example.org").await,
        ["admin", "coordinator"]
    );

    // Bad input: clear messages, non-zero exits, nothing stored.
    let weak = coprod(
        &url,
        &dir,
        &["user", "create", "--email", "x@example.org", "--name", "X"],
        "short\n",
    );
    assert!(!weak.status.success());
    assert!(
        text(&weak).contains("password was refused"),
        "{}",
        text(&weak)
    );
    let twice = coprod(
        &url,
        &dir,
        &[
            "user",
            "create",
            "--email",
            "shona@example.org",
            "--name",
            "Again",
        ],
        "a long enough password\n",
    );
    assert!(
        text(&twice).contains("already has an account"),
        "{}",
        text(&twice)
    );
    let no_role = coprod(
        &url,
        &dir,
        &[
            "user",
            "set-role",
            "--email",
            "shona@example.org",
            "--role",
            "king",
        ],
        "",
    );
    assert!(!no_role.status.success());
    assert!(text(&no_role).contains("--role must be one of"));
    assert!(roles_of(&url, "x@example.org").await.is_empty());

    let snapshot = dir.join("snapshot.bak");
    let backed_up = coprod(&url, &dir, &["backup", snapshot.to_str().unwrap()], "");
    assert!(backed_up.status.success(), "{}", text(&backed_up));

    let removed = coprod(
        &url,
        &dir,
        &[
            "user",
            "set-role",
            "--email",
            "shona@example.org",
            "--role",
            "admin",
            "--remove",
        ],
        "",
    );
    assert!(removed.status.success(), "{}", text(&removed));
    assert_eq!(roles_of(&url, "shona@example.org").await, ["coordinator"]);

    test_db.db.close().await;
    let restored = coprod(&url, &dir, &["restore", snapshot.to_str().unwrap()], "");
    assert!(restored.status.success(), "{}", text(&restored));
    assert_eq!(
        roles_of(&url, "shona@example.org").await,
        ["admin", "coordinator"]
    );

    let junk = dir.join("junk.bak");
    std::fs::write(&junk, "nothing useful").unwrap();
    let refused = coprod(&url, &dir, &["restore", junk.to_str().unwrap()], "");
    assert!(!refused.status.success());
    assert!(text(&refused).contains("junk.bak"), "{}", text(&refused));
    assert_eq!(
        roles_of(&url, "shona@example.org").await,
        ["admin", "coordinator"]
    );
}

#[tokio::test]
async fn operator_round_trip_on_sqlite() {
    operator_round_trip(Backend::Sqlite).await;
}

#[tokio::test]
async fn operator_round_trip_on_postgres() {
    operator_round_trip(Backend::Postgres).await;
}

#[test]
fn demo_seeds_once_and_prints_every_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("coprod.sqlite3").display());
    let first = coprod(&url, dir.path(), &["demo", "--seed-only"], "");
    assert!(first.status.success(), "{}", text(&first));
    let shown = text(&first);
    assert!(shown.contains("30 organisations"));
    assert!(shown.contains("128 postcodes"), "{shown}");
    for email in [
        "admin@demo.example",
        "manager@demo.example",
        "coordinator@demo.example",
        "linkworker@demo.example",
        "volunteer@demo.example",
        "citizen@demo.example",
    ] {
        assert!(shown.contains(email), "{email} in {shown}");
    }
    let second = coprod(&url, dir.path(), &["demo", "--seed-only"], "");
    assert!(text(&second).contains("already present"));
}

#[test]
fn postcode_directories_import_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("coprod.sqlite3").display());
    let good = dir.path().join("directory.csv");
    std::fs::write(&good, "Postcode,Latitude,Longitude,DateOfDeletion\nAV1 1AB,56.4,-5.5,\nAV1 1AD,56.4,-5.5,2020-01-01\n").unwrap();
    let imported = coprod(
        &url,
        dir.path(),
        &["import", "postcodes", good.to_str().unwrap()],
        "",
    );
    assert!(imported.status.success(), "{}", text(&imported));
    assert!(
        text(&imported).contains("Imported 1 postcodes"),
        "{}",
        text(&imported)
    );
    assert!(
        text(&imported).contains("1 terminated"),
        "{}",
        text(&imported)
    );

    let bad = dir.path().join("broken.csv");
    std::fs::write(
        &bad,
        "Postcode,Latitude,Longitude\nAV1 2AB,56.4,-5.5\nAV1 3AB,somewhere,-5.5\nZZZZ,56.4,-5.5\n",
    )
    .unwrap();
    let refused = coprod(
        &url,
        dir.path(),
        &["import", "postcodes", bad.to_str().unwrap()],
        "",
    );
    assert!(!refused.status.success());
    let shown = text(&refused);
    assert!(shown.contains("line 3, column Latitude"), "{shown}");
    assert!(shown.contains("line 4, column Postcode"), "{shown}");
    assert!(shown.contains("nothing was imported"), "{shown}");
    let again = coprod(
        &url,
        dir.path(),
        &["import", "postcodes", good.to_str().unwrap()],
        "",
    );
    assert!(
        text(&again).contains("now holds 1"),
        "AV1 2AB from the broken file was not stored: {}",
        text(&again)
    );
}

#[test]
fn hsds_export_then_import_gives_the_same_document() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/hsds/examples/service_full.json");
    let first = tempfile::tempdir().unwrap();
    let first_url = format!("sqlite://{}", first.path().join("coprod.sqlite3").display());
    let imported = coprod(
        &first_url,
        first.path(),
        &["import", "hsds", example.to_str().unwrap()],
        "",
    );
    assert!(imported.status.success(), "{}", text(&imported));
    assert!(text(&imported).contains("Imported 1 services"));
    let exported = first.path().join("export.json");
    let out = coprod(
        &first_url,
        first.path(),
        &["export", "hsds", exported.to_str().unwrap()],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));

    let second = tempfile::tempdir().unwrap();
    let second_url = format!(
        "sqlite://{}",
        second.path().join("coprod.sqlite3").display()
    );
    let again = coprod(
        &second_url,
        second.path(),
        &["import", "hsds", exported.to_str().unwrap()],
        "",
    );
    assert!(again.status.success(), "{}", text(&again));
    let reexported = coprod(&second_url, second.path(), &["export", "hsds", "-"], "");
    let first_doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&exported).unwrap()).unwrap();
    let second_doc: serde_json::Value = serde_json::from_slice(&reexported.stdout).unwrap();
    assert_eq!(first_doc, second_doc);

    let package = example.parent().unwrap().join("csv");
    let third = tempfile::tempdir().unwrap();
    let third_url = format!("sqlite://{}", third.path().join("coprod.sqlite3").display());
    let tabular = coprod(
        &third_url,
        third.path(),
        &["import", "hsds", package.to_str().unwrap()],
        "",
    );
    assert!(tabular.status.success(), "{}", text(&tabular));
    assert!(text(&tabular).contains("Imported 1 services"));
    let empty_folder = coprod(
        &third_url,
        third.path(),
        &["import", "hsds", third.path().to_str().unwrap()],
        "",
    );
    assert!(
        text(&empty_folder).contains("no services.csv"),
        "{}",
        text(&empty_folder)
    );

    let broken = first.path().join("broken.json");
    std::fs::write(
        &broken,
        r#"[{"id": "x", "status": "active"}, {"id": "y", "name": "Y", "status": "gone"}]"#,
    )
    .unwrap();
    let refused = coprod(
        &second_url,
        second.path(),
        &["import", "hsds", broken.to_str().unwrap()],
        "",
    );
    assert!(!refused.status.success());
    let shown = text(&refused);
    assert!(shown.contains("[0].name: is required"), "{shown}");
    assert!(shown.contains("[1].status: must be one of"), "{shown}");
}

#[test]
fn bad_flags_and_settings_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("coprod.sqlite3").display());
    let listen = coprod(&url, dir.path(), &["serve", "--listen", "nowhere"], "");
    assert!(!listen.status.success());
    assert!(
        text(&listen).contains("--listen expects HOST:PORT"),
        "{}",
        text(&listen)
    );
    let database = coprod("mysql://localhost/x", dir.path(), &["migrate"], "");
    assert!(!database.status.success());
    assert!(
        text(&database).contains("must start with sqlite: or postgres://"),
        "{}",
        text(&database)
    );
    let config = dir.path().join("coprod.toml");
    std::fs::write(&config, "listen = 8080\n").unwrap();
    let file = coprod(
        &url,
        dir.path(),
        &["migrate", "--config", config.to_str().unwrap()],
        "",
    );
    assert!(!file.status.success());
    assert!(text(&file).contains("coprod.toml"), "{}", text(&file));
}

/// `coprod serve` on a free port, once it is ready, and the address it
/// listens at. `database_url` none means `SQLite` in `data_dir`.
fn start_server(data_dir: &Path, database_url: Option<&str>) -> (Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_coprod"));
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .env("COPROD_LOG", "warn")
        .env_remove("COPROD_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    let mut server = command.spawn().unwrap();
    let mut first_line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let address = first_line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {first_line:?}"))
        .to_owned();
    (server, address)
}

/// Sends SIGTERM, as a service manager stops the server.
fn terminate(server: &Child) {
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
}

/// A restore replaces the `SQLite` file; a server still running on the old
/// one would lose everything written afterwards. So it refuses, naming the
/// lock, until the server has stopped.
#[tokio::test]
async fn restore_refuses_while_a_server_holds_the_sqlite_database() {
    let test_db = TestDb::new(Backend::Sqlite).await.unwrap();
    let url = test_db.url.clone();
    let dir = test_db.data_dir();
    let migrated = coprod(&url, &dir, &["migrate"], "");
    assert!(migrated.status.success(), "{}", text(&migrated));
    let snapshot = dir.join("snapshot.bak");
    let backed_up = coprod(&url, &dir, &["backup", snapshot.to_str().unwrap()], "");
    assert!(backed_up.status.success(), "{}", text(&backed_up));
    test_db.db.close().await;

    let (mut server, address) = start_server(&dir, Some(&url));
    let refused = coprod(&url, &dir, &["restore", snapshot.to_str().unwrap()], "");
    assert!(!refused.status.success());
    let lock = format!("{}.lock", coprod_server::db::sqlite_path(&url));
    assert!(
        text(&refused).contains("a coprod server is using this database")
            && text(&refused).contains(&lock),
        "{}",
        text(&refused)
    );
    assert!(!text(&refused).contains("Restored"));
    assert!(
        TcpStream::connect(&address).is_ok(),
        "the server carries on"
    );

    terminate(&server);
    assert!(server.wait().unwrap().success());
    let restored = coprod(&url, &dir, &["restore", snapshot.to_str().unwrap()], "");
    assert!(restored.status.success(), "{}", text(&restored));
    assert!(text(&restored).contains("Restored"), "{}", text(&restored));
}

/// SIGTERM stops new work but lets a request already being received finish.
#[test]
fn sigterm_finishes_the_request_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, address) = start_server(dir.path(), None);

    let body = "email=a%40example.org&password=wrong";
    let mut stream = TcpStream::connect(&address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "POST /sign-in HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(&body.as_bytes()[..5]).unwrap();
    std::thread::sleep(Duration::from_millis(300));

    terminate(&server);
    std::thread::sleep(Duration::from_millis(300));
    stream.write_all(&body.as_bytes()[5..]).unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    // No CSRF token was sent, so the answer is a refusal — but an answer.
    assert!(reply.starts_with("HTTP/1.1 403"), "{reply}");

    let status = server.wait().unwrap();
    assert!(status.success(), "exited with {status}");
    assert!(TcpStream::connect(&address).is_err(), "no longer listening");
}
