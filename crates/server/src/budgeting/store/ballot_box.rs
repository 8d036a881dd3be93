//! The ballot box: storing ballots so that nobody can tell who voted for
//! what, while each resident still votes once and can change their mind
//! until the vote closes.
//!
//! # How secrecy is kept
//!
//! - A ballot row holds its choices, its channel and a random id — no
//!   account, no time, no sequence number. (`SQLite` stores it without a
//!   rowid, so even the physical order is the order of the random ids.)
//! - An online ballot carries a *voter key*: SHA-256 of the process's random
//!   ballot salt and the voter's account id. It lets the voter's own request
//!   find their ballot to show it back to them or replace it, and makes the
//!   database refuse a second ballot from the same account
//!   (`UNIQUE (process_id, voter_key)`). Nothing else looks ballots up by key.
//! - The salt is never shown. When the vote is *sealed* (at the first count,
//!   when staff close voting, or by housekeeping once the closing time has
//!   passed) the salt and every voter key are erased, and so is the list of
//!   who confirmed they could vote. From then on even someone holding a copy
//!   of the database cannot link a ballot to a person.
//! - The seal also rewrites every ballot and its choices under fresh ids,
//!   in a random order, in its one transaction (and the count does it again
//!   for paper ballots entered after the seal). Until then a row's place in
//!   the table, and on `PostgreSQL` its `xmin` (shared with the voting code
//!   its transaction spent), would tell when it was cast, and so which
//!   sign-in in the audit log or which code went with it; afterwards every
//!   ballot was written by the same transaction, in an order that means
//!   nothing. On `SQLite` the seal then checkpoints and truncates the
//!   write-ahead log, and `secure_delete` has zeroed the freed space, so the
//!   erased salt and keys are in no file ([`Db::scrub_freed_pages`]).
//! - While voting is open, someone with the database *and* the salt could
//!   recompute a key; that is the price of letting people change their
//!   ballot, and it is limited to the voting period and the database itself.
//!   No page or API ever shows a ballot to anyone but its own voter, and
//!   staff see totals only (and only when the process allows).
//! - Voting codes are stored as hashes, name nobody, and no ballot records
//!   which code it used: spending a code and storing the ballot happen in one
//!   transaction and leave no link between them.
//! - Audit events for paper ballots say that a ballot was entered, never
//!   what it chose.

use std::collections::BTreeMap;

use rand::{Rng, seq::SliceRandom};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

use crate::{
    crypto,
    db::{self, Db, StoreResult},
};
use coprod_engine::budgeting::ballot::{Choice, rank_points};

/// How a ballot was cast.
pub const BALLOT_CHANNELS: [&str; 4] = ["online", "in_person", "paper", "imported"];

/// The key that finds an account's online ballot while the salt exists.
fn voter_key(salt: &str, account_id: i64) -> String {
    hex::encode(Sha256::digest(format!("{salt}:{account_id}").as_bytes()))
}

/// The salt, or `None` once the vote is sealed.
async fn salt(tx: &mut AnyConnection, process_id: i64) -> StoreResult<Option<String>> {
    let row = sqlx::query("SELECT ballot_salt FROM pb_processes WHERE id = $1")
        .bind(process_id)
        .fetch_optional(&mut *tx)
        .await?;
    match row {
        Some(row) => Ok(row.try_get("ballot_salt")?),
        None => Ok(None),
    }
}

/// Whether the person has confirmed they may vote in this process.
pub async fn is_eligible(db: &Db, process_id: i64, account_id: i64) -> StoreResult<bool> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM pb_eligible_voters WHERE process_id = $1 AND account_id = $2",
    )
    .bind(process_id)
    .bind(account_id)
    .fetch_one(db.pool())
    .await?;
    Ok(n > 0)
}

/// Remembers that the person's area and age were checked.
pub async fn confirm_eligible(db: &Db, process_id: i64, account_id: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO pb_eligible_voters (process_id, account_id) VALUES ($1, $2) \
         ON CONFLICT (process_id, account_id) DO NOTHING",
    )
    .bind(process_id)
    .bind(account_id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A random ballot id: 128 bits, so ids say nothing about order.
fn ballot_id() -> String {
    let bytes: [u8; 16] = rand::rngs::OsRng.r#gen();
    hex::encode(bytes)
}

async fn insert_choices(
    tx: &mut AnyConnection,
    ballot_id: &str,
    choices: &[Choice],
) -> StoreResult<()> {
    for choice in choices {
        sqlx::query(
            "INSERT INTO pb_ballot_choices (ballot_id, proposal_id, points, position) VALUES ($1, $2, $3, $4)",
        )
        .bind(ballot_id)
        .bind(choice.proposal_id)
        .bind(choice.points)
        .bind(choice.position)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// The voter's own online ballot, to show back to them; `None` if they have
/// not voted (or the vote is sealed).
pub async fn own_ballot(
    db: &Db,
    process_id: i64,
    account_id: i64,
) -> StoreResult<Option<Vec<Choice>>> {
    let mut tx = db.pool().begin().await?;
    let Some(salt) = salt(&mut tx, process_id).await? else {
        return Ok(None);
    };
    let rows = sqlx::query(
        "SELECT b.id, c.proposal_id, c.points, c.position FROM pb_ballots b \
         JOIN pb_ballot_choices c ON c.ballot_id = b.id \
         WHERE b.process_id = $1 AND b.voter_key = $2 ORDER BY c.position, c.proposal_id",
    )
    .bind(process_id)
    .bind(voter_key(&salt, account_id))
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    if rows.is_empty() {
        return Ok(None);
    }
    rows.iter()
        .map(|row| {
            Ok(Choice {
                proposal_id: row.try_get("proposal_id")?,
                points: row.try_get("points")?,
                position: row.try_get("position")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map(Some)
        .map_err(Into::into)
}

/// What happened to an online ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cast {
    /// The person's first ballot.
    New,
    /// Their earlier ballot was replaced.
    Changed,
    /// The vote is sealed: nothing was stored.
    Sealed,
}

/// Stores a signed-in voter's ballot, replacing their earlier one.
pub async fn cast_online(
    db: &Db,
    process_id: i64,
    account_id: i64,
    choices: &[Choice],
) -> StoreResult<Cast> {
    // Two first ballots from one person at once: the database lets one in
    // (the unique voter key); the other then finds it and replaces it.
    match try_cast_online(db, process_id, account_id, choices).await {
        Err(error) if error.is_unique_violation() => {
            try_cast_online(db, process_id, account_id, choices).await
        }
        other => other,
    }
}

async fn try_cast_online(
    db: &Db,
    process_id: i64,
    account_id: i64,
    choices: &[Choice],
) -> StoreResult<Cast> {
    let mut tx = db.begin_write().await?;
    // The seal takes this lock too: a ballot is stored wholly before the
    // seal (and rewritten by it) or finds the salt gone.
    lock_process(&mut tx, process_id).await?;
    let Some(salt) = salt(&mut tx, process_id).await? else {
        return Ok(Cast::Sealed);
    };
    let key = voter_key(&salt, account_id);
    let existing =
        sqlx::query("SELECT id FROM pb_ballots WHERE process_id = $1 AND voter_key = $2")
            .bind(process_id)
            .bind(&key)
            .fetch_optional(&mut *tx)
            .await?;
    let (id, cast) = if let Some(row) = existing {
        let id: String = row.try_get("id")?;
        sqlx::query("DELETE FROM pb_ballot_choices WHERE ballot_id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        (id, Cast::Changed)
    } else {
        let id = ballot_id();
        sqlx::query(
            "INSERT INTO pb_ballots (id, process_id, channel, voter_key) VALUES ($1, $2, 'online', $3)",
        )
        .bind(&id)
        .bind(process_id)
        .bind(&key)
        .execute(&mut *tx)
        .await?;
        (id, Cast::New)
    };
    insert_choices(&mut tx, &id, choices).await?;
    tx.commit().await?;
    Ok(cast)
}

/// The letters of voting codes: no 0/O or 1/I/L to confuse on paper.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Characters in a code: 12 from 31 letters is about 59 bits, far beyond
/// guessing.
const CODE_CHARS: usize = 12;
/// The most codes issued at once.
pub const MAX_CODES_AT_ONCE: i64 = 500;

/// A code as printed: `ABCD-EFGH-JKMN`.
fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let raw: String = (0..CODE_CHARS)
        .map(|_| char::from(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())]))
        .collect();
    format!("{}-{}-{}", &raw[0..4], &raw[4..8], &raw[8..12])
}

/// A code as typed, reduced to its letters: case, spaces and dashes do
/// not matter. `None` when it cannot be a code at all.
pub fn normalise_code(typed: &str) -> Option<String> {
    let letters: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (letters.len() == CODE_CHARS && letters.bytes().all(|b| CODE_ALPHABET.contains(&b)))
        .then_some(letters)
}

fn code_hash(process_id: i64, letters: &str) -> String {
    crypto::token_hash(&format!("{process_id}:{letters}"))
}

/// Issues `count` new codes in the caller's transaction and returns them;
/// only their hashes are kept.
pub async fn issue_codes(
    conn: &mut AnyConnection,
    process_id: i64,
    count: i64,
    issued_by: i64,
) -> StoreResult<Vec<String>> {
    let mut codes = Vec::new();
    let now = db::now();
    for _ in 0..count {
        let code = new_code();
        let letters = normalise_code(&code).unwrap_or_default();
        sqlx::query(
            "INSERT INTO pb_voting_codes (process_id, code_hash, issued_by, issued_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(process_id)
        .bind(code_hash(process_id, &letters))
        .bind(issued_by)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        codes.push(code);
    }
    Ok(codes)
}

/// Codes issued and used so far.
pub async fn code_counts(db: &Db, process_id: i64) -> StoreResult<(i64, i64)> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS issued, COUNT(used_at) AS used FROM pb_voting_codes WHERE process_id = $1",
    )
    .bind(process_id)
    .fetch_one(db.pool())
    .await?;
    Ok((row.try_get("issued")?, row.try_get("used")?))
}

/// Why a code could not be spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefused {
    /// No such code for this process.
    Unknown,
    /// Someone has already voted with it.
    Used,
    /// The vote has been counted: no more ballots go in.
    Counted,
}

/// Takes the process's row lock for the rest of the transaction. Entering a
/// ballot with a code and counting the vote both take it first, so a count
/// sees every ballot entered before it and none can slip in beside it.
pub async fn lock_process(tx: &mut AnyConnection, process_id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE pb_processes SET sealed_at = sealed_at WHERE id = $1")
        .bind(process_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Whether the vote has been counted, as the transaction sees it.
pub async fn counted_in(tx: &mut AnyConnection, process_id: i64) -> StoreResult<bool> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM pb_counts WHERE process_id = $1")
        .bind(process_id)
        .fetch_one(&mut *tx)
        .await?;
    Ok(n > 0)
}

/// Spends a code and stores its ballot, in one transaction: either both
/// happen or neither. The code is spent by a single conditional UPDATE, so
/// of two attempts at once the database lets exactly one through.
pub async fn cast_with_code(
    db: &Db,
    process_id: i64,
    letters: &str,
    channel: &'static str,
    choices: &[Choice],
) -> StoreResult<Result<(), CodeRefused>> {
    let mut tx = db.begin_write().await?;
    let cast = cast_with_code_in(&mut tx, process_id, letters, channel, choices).await?;
    if cast.is_ok() {
        tx.commit().await?;
    }
    Ok(cast)
}

/// [`cast_with_code`] in the caller's write transaction, which the caller
/// commits only when the code was accepted (the ballot's audit row can go
/// in beside it); on a refusal nothing has been written.
pub async fn cast_with_code_in(
    conn: &mut AnyConnection,
    process_id: i64,
    letters: &str,
    channel: &'static str,
    choices: &[Choice],
) -> StoreResult<Result<(), CodeRefused>> {
    let hash = code_hash(process_id, letters);
    lock_process(conn, process_id).await?;
    if counted_in(conn, process_id).await? {
        return Ok(Err(CodeRefused::Counted));
    }
    let spent = sqlx::query(
        "UPDATE pb_voting_codes SET used_at = $1 WHERE process_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(db::now())
    .bind(process_id)
    .bind(&hash)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if spent != 1 {
        let (known,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM pb_voting_codes WHERE process_id = $1 AND code_hash = $2",
        )
        .bind(process_id)
        .bind(&hash)
        .fetch_one(&mut *conn)
        .await?;
        return Ok(Err(if known > 0 {
            CodeRefused::Used
        } else {
            CodeRefused::Unknown
        }));
    }
    let id = ballot_id();
    sqlx::query("INSERT INTO pb_ballots (id, process_id, channel) VALUES ($1, $2, $3)")
        .bind(&id)
        .bind(process_id)
        .bind(channel)
        .execute(&mut *conn)
        .await?;
    insert_choices(conn, &id, choices).await?;
    Ok(Ok(()))
}

/// Erases the salt, every voter key and the list of who confirmed they
/// could vote, and rewrites the ballots in a random order
/// ([`rewrite_in_random_order`]), so no ballot can ever again be linked to
/// a person, a time, a voting code or an audit row. Run once voting has
/// closed; running it again changes nothing but the order of the rows.
pub async fn seal(db: &Db, process_id: i64) -> StoreResult<()> {
    let mut tx = db.begin_write().await?;
    seal_in(&mut tx, process_id).await?;
    tx.commit().await?;
    Ok(db.scrub_freed_pages().await?)
}

/// [`seal`] in the caller's write transaction. After committing it the
/// caller runs [`Db::scrub_freed_pages`], so the erased salt and keys
/// leave the files too.
pub async fn seal_in(conn: &mut AnyConnection, process_id: i64) -> StoreResult<()> {
    lock_process(conn, process_id).await?;
    rewrite_in_random_order(conn, process_id).await?;
    sqlx::query("DELETE FROM pb_eligible_voters WHERE process_id = $1")
        .bind(process_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE pb_processes SET ballot_salt = NULL, sealed_at = COALESCE(sealed_at, $1) WHERE id = $2",
    )
    .bind(db::now())
    .bind(process_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Deletes every ballot of the process with its choices and stores them
/// again, in the transaction of the caller (who holds the process's lock),
/// under fresh random ids, in a random order and without voter keys. What
/// was cast is kept exactly; when and in which transaction it was cast is
/// not: on `PostgreSQL` every row now carries this transaction's `xmin`
/// and sits in the table in the shuffled order, on `SQLite` the rows are
/// stored by their new ids.
pub async fn rewrite_in_random_order(tx: &mut AnyConnection, process_id: i64) -> StoreResult<()> {
    let mut ballots = read_ballots(tx, process_id).await?;
    ballots.shuffle(&mut rand::rngs::OsRng);
    sqlx::query(
        "DELETE FROM pb_ballot_choices WHERE ballot_id IN (SELECT id FROM pb_ballots WHERE process_id = $1)",
    )
    .bind(process_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM pb_ballots WHERE process_id = $1")
        .bind(process_id)
        .execute(&mut *tx)
        .await?;
    let rows: Vec<(&str, &[Choice])> = ballots
        .iter()
        .map(|b| (b.channel.as_str(), b.choices.as_slice()))
        .collect();
    insert_rows(tx, process_id, &rows).await
}

/// Seals every process whose voting closed before `now`; returns how many.
/// It also clears any voter key left on a sealed vote's ballots from before
/// the seal took the process's lock, when a ballot being stored at the very
/// moment of the seal could keep one (harmless without the salt, but there
/// is no reason to keep it).
pub async fn seal_closed(db: &Db, now: i64) -> StoreResult<usize> {
    sqlx::query(
        "UPDATE pb_ballots SET voter_key = NULL WHERE voter_key IS NOT NULL \
         AND process_id IN (SELECT id FROM pb_processes WHERE sealed_at IS NOT NULL)",
    )
    .execute(db.pool())
    .await?;
    let closed: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM pb_processes WHERE sealed_at IS NULL AND voting_closes_at <= $1",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    for (id,) in &closed {
        seal(db, *id).await?;
    }
    Ok(closed.len())
}

/// Ballots per channel, in the order of [`BALLOT_CHANNELS`]; channels with
/// none are left out.
pub async fn turnout(db: &Db, process_id: i64) -> StoreResult<Vec<(String, i64)>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT channel, COUNT(*) FROM pb_ballots WHERE process_id = $1 GROUP BY channel",
    )
    .bind(process_id)
    .fetch_all(db.pool())
    .await?;
    Ok(BALLOT_CHANNELS
        .iter()
        .filter_map(|channel| rows.iter().find(|(c, _)| c == channel).cloned())
        .collect())
}

/// A project's running total: ballots naming it, and its score (the same
/// for approval; points for cumulative; rank points for ranked).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub votes: i64,
    pub score: i64,
}

/// Every project's tally, by proposal id. `ranks` is the ranked ballot's
/// number of ranks (ignored for other ballots).
pub async fn tallies(
    db: &Db,
    process_id: i64,
    ranks: Option<i64>,
) -> StoreResult<BTreeMap<i64, Tally>> {
    let rows = sqlx::query(
        "SELECT c.proposal_id, COUNT(*) AS votes, CAST(COALESCE(SUM(c.points), 0) AS BIGINT) AS points, \
         CAST(COALESCE(SUM(c.position), 0) AS BIGINT) AS positions \
         FROM pb_ballot_choices c JOIN pb_ballots b ON b.id = c.ballot_id \
         WHERE b.process_id = $1 GROUP BY c.proposal_id",
    )
    .bind(process_id)
    .fetch_all(db.pool())
    .await?;
    let mut tallies = BTreeMap::new();
    for row in &rows {
        let votes: i64 = row.try_get("votes")?;
        let points: i64 = row.try_get("points")?;
        let positions: i64 = row.try_get("positions")?;
        // Each ranked choice is worth rank_points(ranks, position); summed
        // over the choices that is votes × (ranks + 1) − Σ positions.
        let score = match ranks {
            Some(ranks) => votes * (rank_points(ranks, 1) + 1) - positions,
            None if points > 0 => points,
            None => votes,
        };
        tallies.insert(row.try_get("proposal_id")?, Tally { votes, score });
    }
    Ok(tallies)
}

/// One ballot for counting: its channel and choices, in no particular order
/// of ballots.
#[derive(Debug, Clone)]
pub struct CountedBallot {
    pub channel: String,
    pub choices: Vec<Choice>,
}

/// Every ballot of a process, for the count and for export.
pub async fn all_ballots(db: &Db, process_id: i64) -> StoreResult<Vec<CountedBallot>> {
    let mut tx = db.pool().begin().await?;
    let ballots = read_ballots(&mut tx, process_id).await?;
    tx.commit().await?;
    Ok(ballots)
}

async fn read_ballots(tx: &mut AnyConnection, process_id: i64) -> StoreResult<Vec<CountedBallot>> {
    let rows = sqlx::query(
        "SELECT b.id, b.channel, c.proposal_id, c.points, c.position FROM pb_ballots b \
         LEFT JOIN pb_ballot_choices c ON c.ballot_id = b.id WHERE b.process_id = $1 \
         ORDER BY b.id, c.position, c.proposal_id",
    )
    .bind(process_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut ballots: Vec<(String, CountedBallot)> = Vec::new();
    for row in &rows {
        let id: String = row.try_get("id")?;
        if ballots.last().is_none_or(|(last, _)| *last != id) {
            ballots.push((
                id.clone(),
                CountedBallot {
                    channel: row.try_get("channel")?,
                    choices: Vec::new(),
                },
            ));
        }
        if let Some(proposal_id) = row.try_get::<Option<i64>, _>("proposal_id")?
            && let Some((_, ballot)) = ballots.last_mut()
        {
            ballot.choices.push(Choice {
                proposal_id,
                points: row.try_get("points")?,
                position: row.try_get("position")?,
            });
        }
    }
    Ok(ballots.into_iter().map(|(_, ballot)| ballot).collect())
}

/// Ballots per INSERT when storing many at once: well inside both
/// backends' limits on bound values.
const BATCH: usize = 250;

/// Stores ballots that reach the platform whole — from a pabulib file
/// (`imported`) or the demo's invented vote — with no voter keys, in one
/// transaction of the caller's, a batch of rows per statement (a city's
/// vote has tens of thousands of ballots).
pub async fn insert_ballots(
    tx: &mut AnyConnection,
    process_id: i64,
    channel: &'static str,
    ballots: &[Vec<Choice>],
) -> StoreResult<()> {
    let rows: Vec<(&str, &[Choice])> = ballots.iter().map(|b| (channel, b.as_slice())).collect();
    insert_rows(tx, process_id, &rows).await
}

/// Stores `(channel, choices)` ballots without voter keys, under new random
/// ids, in the order given.
async fn insert_rows(
    tx: &mut AnyConnection,
    process_id: i64,
    ballots: &[(&str, &[Choice])],
) -> StoreResult<()> {
    for batch in ballots.chunks(BATCH) {
        let ids: Vec<String> = batch.iter().map(|_| ballot_id()).collect();
        let rows: Vec<String> = (0..batch.len())
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect();
        let sql = format!(
            "INSERT INTO pb_ballots (id, process_id, channel) VALUES {}",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (id, (channel, _)) in ids.iter().zip(batch) {
            query = query
                .bind(id.clone())
                .bind(process_id)
                .bind((*channel).to_owned());
        }
        query.execute(&mut *tx).await?;
        let choices: Vec<(&String, &Choice)> = ids
            .iter()
            .zip(batch)
            .flat_map(|(id, (_, choices))| choices.iter().map(move |c| (id, c)))
            .collect();
        for rows in choices.chunks(BATCH) {
            let values: Vec<String> = (0..rows.len())
                .map(|i| {
                    let p = 4 * i;
                    format!("(${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4)
                })
                .collect();
            let sql = format!(
                "INSERT INTO pb_ballot_choices (ballot_id, proposal_id, points, position) VALUES {}",
                values.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for (id, choice) in rows {
                query = query
                    .bind((*id).clone())
                    .bind(choice.proposal_id)
                    .bind(choice.points)
                    .bind(choice.position);
            }
            query.execute(&mut *tx).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_however_they_are_typed() {
        let code = new_code();
        assert_eq!(code.len(), 14);
        let letters = normalise_code(&code).unwrap();
        assert_eq!(
            normalise_code(&code.to_lowercase().replace('-', " ")),
            Some(letters)
        );
        assert_eq!(normalise_code("ABCD-EFGH-JKM"), None, "too short");
        assert_eq!(normalise_code("ABCD-EFGH-JKM0"), None, "0 is never used");
        assert_ne!(new_code(), new_code());
    }

    #[test]
    fn voter_keys_depend_on_the_salt() {
        assert_eq!(voter_key("salt", 7), voter_key("salt", 7));
        assert_ne!(voter_key("salt", 7), voter_key("salt", 8));
        assert_ne!(voter_key("salt", 7), voter_key("other", 7));
    }
}
