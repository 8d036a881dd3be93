//! Sealed ballots stay secret: after the seal no system column, physical
//! order, id or insertion order ties a ballot (or one of its choices) to
//! the time it was cast, to the voting code it spent or to the audit rows
//! written around it; backups hold ballots in an order of their content;
//! and on `SQLite` the erased salt and voter keys are in no file.

use std::collections::BTreeSet;

use coprod_server::{
    budgeting::ballot_box,
    coprod_engine::{budgeting::ballot::Choice, people::Role},
    db::{Backend, backup},
};

use crate::support::{
    Client, TestApp,
    budgeting::{issue_codes, next_phase, voting_process, with_postcodes},
};

/// Ballots cast in each test: a random order equal to the cast order has a
/// chance of 1 in 40! (about 10⁻⁴⁸).
const BALLOTS: i64 = 40;

/// A voting process with `BALLOTS` ballots, cast alternately online (each
/// by its own account) and with a voting code. Ballot `n` (1-based, in cast
/// order) gives `n` points to the first project, so its content says when
/// it was cast. Returns the app, the organiser, the process and the first
/// project's id.
async fn cast_in_order(backend: Backend) -> (TestApp, Client, i64, i64) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let mut organiser = app.as_role(Role::Manager).await;
    let (process, [benches, lights, _]) = voting_process(
        &app,
        &mut organiser,
        &[("ballot_type", "cumulative"), ("points_total", "100")],
    )
    .await;
    let codes = issue_codes(&mut organiser, process, 20).await;
    let mut codes = codes.iter();
    for n in 1..=BALLOTS {
        let choices = [
            Choice {
                proposal_id: benches,
                points: Some(n),
                position: None,
            },
            Choice {
                proposal_id: lights,
                points: Some(100 - n),
                position: None,
            },
        ];
        if n % 2 == 1 {
            let cast = ballot_box::cast_online(&app.state.db, process, 5000 + n, &choices)
                .await
                .unwrap();
            assert_eq!(cast, ballot_box::Cast::New);
        } else {
            let letters = ballot_box::normalise_code(codes.next().unwrap()).unwrap();
            ballot_box::cast_with_code(&app.state.db, process, &letters, "in_person", &choices)
                .await
                .unwrap()
                .unwrap();
        }
    }
    (app, organiser, process, benches)
}

/// The cast number of each ballot (its points for `benches`), in the order
/// `sql` lists ballot ids.
async fn cast_numbers(app: &TestApp, benches: i64, sql: &str) -> Vec<i64> {
    let ids: Vec<(String,)> = sqlx::query_as(sql)
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
    let mut numbers = Vec::new();
    for (id,) in ids {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT points FROM pb_ballot_choices WHERE ballot_id = $1 AND proposal_id = $2",
        )
        .bind(&id)
        .bind(benches)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
        numbers.push(n);
    }
    numbers
}

async fn ballot_ids(app: &TestApp) -> BTreeSet<String> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM pb_ballots")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
    rows.into_iter().map(|(id,)| id).collect()
}

/// Every ballot's choices as (proposal, points), sorted: the vote itself.
async fn contents(app: &TestApp) -> Vec<(i64, Option<i64>)> {
    sqlx::query_as("SELECT proposal_id, points FROM pb_ballot_choices ORDER BY proposal_id, points")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap()
}

fn in_cast_order(numbers: &[i64]) -> bool {
    numbers.windows(2).all(|pair| pair[0] < pair[1])
}

async fn sealing_rewrites_ballots_in_a_random_order(backend: Backend) {
    let (app, mut organiser, process, benches) = cast_in_order(backend).await;
    let cast_ids = ballot_ids(&app).await;
    let cast_contents = contents(&app).await;
    next_phase(&mut organiser, process).await;

    // The same vote, under ids none of which existed while voting.
    assert_eq!(
        contents(&app).await,
        cast_contents,
        "the vote itself is kept"
    );
    let sealed_ids = ballot_ids(&app).await;
    assert_eq!(sealed_ids.len(), cast_ids.len());
    assert!(
        sealed_ids.is_disjoint(&cast_ids),
        "every ballot gets a fresh id at the seal"
    );

    // Neither the physical order of ballots nor that of their choices is
    // the order they were cast in (nor the order of the sign-ins in the
    // audit log, which is the same thing).
    let (ballot_order, choice_order) = match backend {
        Backend::Postgres => (
            "SELECT id FROM pb_ballots ORDER BY ctid".to_owned(),
            format!(
                "SELECT ballot_id FROM pb_ballot_choices WHERE proposal_id = {benches} ORDER BY ctid"
            ),
        ),
        // Both tables are WITHOUT ROWID: a plain scan is their stored order.
        Backend::Sqlite => (
            "SELECT id FROM pb_ballots".to_owned(),
            format!("SELECT ballot_id FROM pb_ballot_choices WHERE proposal_id = {benches}"),
        ),
    };
    let by_ballots = cast_numbers(&app, benches, &ballot_order).await;
    assert_eq!(by_ballots.len(), 40);
    assert!(!in_cast_order(&by_ballots), "{by_ballots:?}");
    let by_choices = cast_numbers(&app, benches, &choice_order).await;
    assert_eq!(by_choices.len(), 40);
    assert!(!in_cast_order(&by_choices), "{by_choices:?}");

    match backend {
        Backend::Postgres => {
            // One transaction wrote every ballot and choice: the seal's, which
            // spent no code.
            let written: Vec<(String,)> = sqlx::query_as(
                "SELECT DISTINCT xmin::text FROM pb_ballots \
                 UNION SELECT DISTINCT xmin::text FROM pb_ballot_choices",
            )
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
            assert_eq!(written.len(), 1, "{written:?}");
            let codes: Vec<(String,)> =
                sqlx::query_as("SELECT DISTINCT xmin::text FROM pb_voting_codes")
                    .fetch_all(app.state.db.pool())
                    .await
                    .unwrap();
            assert!(!codes.contains(&written[0]), "{codes:?}");
        }
        Backend::Sqlite => {
            let rowid = sqlx::query("SELECT rowid FROM pb_ballots")
                .fetch_all(app.state.db.pool())
                .await;
            assert!(rowid.is_err(), "ballots have no rowid to order them by");
        }
    }
}

async fn backups_hold_ballots_in_content_order(backend: Backend) {
    let (app, mut organiser, process, benches) = cast_in_order(backend).await;
    next_phase(&mut organiser, process).await;
    let snapshot = app.test_db.data_dir().join("snapshot");
    backup::backup(&app.state.db, &snapshot).await.unwrap();
    match backend {
        Backend::Postgres => {
            let dump: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&snapshot).unwrap()).unwrap();
            let table = |name: &str| {
                dump["tables"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|t| t["name"] == name)
                    .unwrap()
                    .clone()
            };
            let column = |table: &serde_json::Value, name: &str| {
                table["columns"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .position(|c| c["name"] == name)
                    .unwrap()
            };
            let choices = table("pb_ballot_choices");
            let (ballot, proposal, points) = (
                column(&choices, "ballot_id"),
                column(&choices, "proposal_id"),
                column(&choices, "points"),
            );
            let rows = choices["rows"].as_array().unwrap();
            // Choices come ballot by ballot, ballots in the order of what
            // they say: their channel (the even-numbered ones came in
            // person), then their choices (here the first project's points).
            let numbers: Vec<i64> = rows
                .iter()
                .filter(|row| row[proposal] == benches)
                .map(|row| row[points].as_i64().unwrap())
                .collect();
            let in_person = (2..=BALLOTS).step_by(2);
            let online = (1..=BALLOTS).step_by(2);
            assert_eq!(numbers, in_person.chain(online).collect::<Vec<_>>());
            let mut seen = Vec::new();
            for row in rows {
                let id = row[ballot].as_str().unwrap();
                if seen.last().is_none_or(|last| last != id) {
                    assert!(
                        !seen.iter().any(|s| s == id),
                        "one ballot's choices together"
                    );
                    seen.push(id.to_owned());
                }
            }
            let ballots = table("pb_ballots");
            let id = column(&ballots, "id");
            let ballot_order: Vec<&str> = ballots["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|row| row[id].as_str().unwrap())
                .collect();
            assert_eq!(ballot_order, seen, "ballots in the same content order");
        }
        Backend::Sqlite => {
            // `VACUUM INTO` writes each table in the order of its key: the
            // ballot ids drawn afresh at the seal, which say nothing.
            let copy =
                coprod_server::db::Db::connect(&format!("sqlite://{}?mode=ro", snapshot.display()))
                    .await
                    .unwrap();
            let rows: Vec<(String,)> =
                sqlx::query_as("SELECT ballot_id FROM pb_ballot_choices WHERE proposal_id = $1")
                    .bind(benches)
                    .fetch_all(copy.pool())
                    .await
                    .unwrap();
            copy.close().await;
            let mut numbers = Vec::new();
            for (id,) in rows {
                let (n,): (i64,) = sqlx::query_as(
                    "SELECT points FROM pb_ballot_choices WHERE ballot_id = $1 AND proposal_id = $2",
                )
                .bind(&id)
                .bind(benches)
                .fetch_one(app.state.db.pool())
                .await
                .unwrap();
                numbers.push(n);
            }
            assert_eq!(numbers.len(), 40);
            assert!(!in_cast_order(&numbers), "{numbers:?}");
        }
    }
}

on_both_backends!(
    sealing_rewrites_ballots_in_a_random_order,
    backups_hold_ballots_in_content_order,
);

/// Whether `needle` occurs anywhere in `haystack`.
fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// On `SQLite` the erased salt and voter keys must not survive in freed
/// space of the database file nor in its write-ahead log. (`PostgreSQL`
/// keeps its files out of reach of the application; see ARCHITECTURE.md.)
#[tokio::test]
async fn sqlite_files_keep_no_trace_of_the_salt_or_voter_keys() {
    let (app, mut organiser, process, _) = cast_in_order(Backend::Sqlite).await;
    let (salt,): (String,) = sqlx::query_as("SELECT ballot_salt FROM pb_processes WHERE id = $1")
        .bind(process)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let keys: Vec<(String,)> =
        sqlx::query_as("SELECT voter_key FROM pb_ballots WHERE voter_key IS NOT NULL")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(keys.len(), 20);
    let file = app.test_db.data_dir().join("coprod.sqlite3");
    let wal = app.test_db.data_dir().join("coprod.sqlite3-wal");
    let everything = || {
        let mut bytes = std::fs::read(&file).unwrap();
        bytes.extend(std::fs::read(&wal).unwrap_or_default());
        bytes
    };
    assert!(holds(&everything(), &salt), "the test can see the salt");

    next_phase(&mut organiser, process).await;
    let bytes = everything();
    assert!(!holds(&bytes, &salt), "the salt is in no file");
    for (key,) in &keys {
        assert!(!holds(&bytes, key), "no voter key is in any file");
    }
}
