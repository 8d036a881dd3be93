//! Consistent snapshots and their restoration.
//!
//! SQLite: `VACUUM INTO` writes a transactionally consistent copy of the live
//! database (an online backup: readers and writers carry on meanwhile).
//! PostgreSQL: a logical dump of every table, read inside one
//! `REPEATABLE READ` transaction, as JSON that this binary reads back.
//! Neither writes ballots in the order they were cast: `VACUUM INTO` copies
//! them in the order of their random ids, the dump in an order of their
//! content ([`dump_query`]).
//! Restoring either is all-or-nothing: a file that fails its checks leaves
//! the current database exactly as it was. A `SQLite` restore refuses while
//! a server holds the database ([`super::server_lock`]).

use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{Acquire, Executor, Row, any::AnyRow};

use super::{Backend, BindReal, Db, DbError};

/// Marks a coprod `PostgreSQL` dump, so restore can refuse anything else.
const DUMP_FORMAT: &str = "coprod-postgres-dump";
const DUMP_VERSION: u32 = 1;

/// What went wrong taking or restoring a snapshot.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    #[error("could not write or read {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a coprod snapshot for this database: {reason}")]
    NotASnapshot { path: String, reason: String },
    #[error(
        "the snapshot was made by a newer coprod (schema version {found}); this one knows up to {known}"
    )]
    TooNew { found: i64, known: i64 },
    #[error(transparent)]
    Locked(#[from] super::server_lock::LockError),
}

fn file_error(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::File {
        path: path.display().to_string(),
        source,
    }
}

/// How many rows each table held when a snapshot was taken or restored.
pub type TableCounts = BTreeMap<String, i64>;

/// Writes a consistent snapshot of `db` to `target`, which must not exist.
pub async fn backup(db: &Db, target: &Path) -> Result<TableCounts, BackupError> {
    if target.exists() {
        return Err(BackupError::File {
            path: target.display().to_string(),
            source: std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "the file already exists",
            ),
        });
    }
    match db.backend() {
        Backend::Sqlite => {
            let quoted = target.display().to_string().replace('\'', "''");
            sqlx::query(&format!("VACUUM INTO '{quoted}'"))
                .execute(db.pool())
                .await?;
            let copy = Db::connect(&format!("sqlite://{}?mode=ro", target.display())).await?;
            let counts = table_counts(&copy).await;
            copy.close().await;
            counts
        }
        Backend::Postgres => {
            let dump = postgres_dump(db).await?;
            let counts = dump
                .tables
                .iter()
                .map(|t| {
                    (
                        t.name.clone(),
                        i64::try_from(t.rows.len()).unwrap_or(i64::MAX),
                    )
                })
                .collect();
            let json = serde_json::to_vec(&dump).map_err(|e| BackupError::NotASnapshot {
                path: target.display().to_string(),
                reason: e.to_string(),
            })?;
            let partial = target.with_extension("partial");
            tokio::fs::write(&partial, json)
                .await
                .map_err(file_error(&partial))?;
            tokio::fs::rename(&partial, target)
                .await
                .map_err(file_error(target))?;
            Ok(counts)
        }
    }
}

/// Replaces the contents of the database at `url` with the snapshot in
/// `source`. The server must be stopped while this runs.
pub async fn restore(url: &str, source: &Path) -> Result<TableCounts, BackupError> {
    let backend: Backend = url.parse()?;
    match backend {
        Backend::Sqlite => restore_sqlite(url, source).await,
        Backend::Postgres => {
            let text = tokio::fs::read(source).await.map_err(file_error(source))?;
            let dump: Dump =
                serde_json::from_slice(&text).map_err(|e| BackupError::NotASnapshot {
                    path: source.display().to_string(),
                    reason: format!("not a coprod PostgreSQL dump ({e})"),
                })?;
            if dump.format != DUMP_FORMAT || dump.version != DUMP_VERSION {
                return Err(BackupError::NotASnapshot {
                    path: source.display().to_string(),
                    reason: format!("unknown format {} version {}", dump.format, dump.version),
                });
            }
            let db = Db::connect(url).await?;
            db.migrate().await?;
            check_schema_version(&db, dump.schema_version)?;
            load_postgres_dump(&db, &dump).await?;
            let counts = table_counts(&db).await;
            db.close().await;
            counts
        }
    }
}

async fn restore_sqlite(url: &str, source: &Path) -> Result<TableCounts, BackupError> {
    // Held until the restore returns: no server may be using the file it
    // replaces, nor start on it halfway through.
    let _lock = super::server_lock::ServerLock::restoring(url)?;
    let not_snapshot = |reason: String| BackupError::NotASnapshot {
        path: source.display().to_string(),
        reason,
    };
    let mut header = [0_u8; 16];
    {
        use tokio::io::AsyncReadExt;
        let mut file = tokio::fs::File::open(source)
            .await
            .map_err(file_error(source))?;
        file.read_exact(&mut header)
            .await
            .map_err(|_| not_snapshot("the file is too short to be a SQLite database".into()))?;
    }
    if &header != b"SQLite format 3\0" {
        return Err(not_snapshot("it is not a SQLite database".into()));
    }
    let target = Path::new(super::sqlite_path(url)).to_owned();
    let staged = target.with_extension("restoring");
    let _ = tokio::fs::remove_file(&staged).await;
    tokio::fs::copy(source, &staged)
        .await
        .map_err(file_error(&staged))?;

    // Check the staged copy before it replaces anything.
    let checked = async {
        let staged_db = Db::connect(&format!("sqlite://{}", staged.display())).await?;
        let integrity: (String,) = sqlx::query_as("PRAGMA integrity_check")
            .fetch_one(staged_db.pool())
            .await?;
        if integrity.0 != "ok" {
            return Err(not_snapshot(format!(
                "integrity check failed: {}",
                integrity.0
            )));
        }
        let version: Option<(i64,)> = sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations")
            .fetch_optional(staged_db.pool())
            .await
            .map_err(|_| not_snapshot("it holds no coprod schema".into()))?;
        check_schema_version(&staged_db, version.map_or(0, |v| v.0))?;
        staged_db.migrate().await?;
        // Leave a single self-contained file behind.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(staged_db.pool())
            .await?;
        staged_db.close().await;
        Ok::<_, BackupError>(())
    }
    .await;
    if let Err(error) = checked {
        let _ = tokio::fs::remove_file(&staged).await;
        for suffix in ["-wal", "-shm"] {
            let _ = tokio::fs::remove_file(format!("{}{suffix}", staged.display())).await;
        }
        return Err(error);
    }
    if let Some(parent) = target.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(file_error(parent))?;
    }
    for suffix in ["-wal", "-shm"] {
        let _ = tokio::fs::remove_file(format!("{}{suffix}", target.display())).await;
        let _ = tokio::fs::remove_file(format!("{}{suffix}", staged.display())).await;
    }
    tokio::fs::rename(&staged, &target)
        .await
        .map_err(file_error(&target))?;
    let db = Db::connect(url).await?;
    let counts = table_counts(&db).await;
    db.close().await;
    counts
}

fn check_schema_version(db: &Db, found: i64) -> Result<(), BackupError> {
    let known = db.migrator_versions().into_iter().max().unwrap_or_default();
    if found > known {
        return Err(BackupError::TooNew { found, known });
    }
    Ok(())
}

/// Row counts of every application table, for reports and tests.
pub async fn table_counts(db: &Db) -> Result<TableCounts, BackupError> {
    let mut counts = TableCounts::new();
    for table in application_tables(db).await? {
        let (count,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(db.pool())
            .await?;
        counts.insert(table, count);
    }
    Ok(counts)
}

/// The tables the migrations created, parents before children.
async fn application_tables(db: &Db) -> Result<Vec<String>, BackupError> {
    let (names_sql, edges_sql) = match db.backend() {
        Backend::Sqlite => (
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
            "SELECT m.name, p.\"table\" FROM sqlite_master m \
             JOIN pragma_foreign_key_list(m.name) p WHERE m.type = 'table'",
        ),
        Backend::Postgres => (
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' \
             AND tablename <> '_sqlx_migrations'",
            "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c \
             JOIN pg_namespace n ON n.oid = c.connamespace \
             WHERE c.contype = 'f' AND n.nspname = 'public'",
        ),
    };
    let names: Vec<(String,)> = sqlx::query_as(names_sql).fetch_all(db.pool()).await?;
    let edges: Vec<(String, String)> = sqlx::query_as(edges_sql).fetch_all(db.pool()).await?;
    let mut remaining: BTreeSet<String> = names.into_iter().map(|(n,)| n).collect();
    let mut ordered = Vec::with_capacity(remaining.len());
    while !remaining.is_empty() {
        let ready: Vec<String> = remaining
            .iter()
            .filter(|table| {
                edges.iter().all(|(child, parent)| {
                    child != *table || parent == *table || !remaining.contains(parent)
                })
            })
            .cloned()
            .collect();
        // A reference cycle would stall the sort; take the rest as they come.
        let batch = if ready.is_empty() {
            remaining.iter().cloned().collect()
        } else {
            ready
        };
        for table in batch {
            remaining.remove(&table);
            ordered.push(table);
        }
    }
    Ok(ordered)
}

#[derive(Serialize, Deserialize)]
struct Dump {
    format: String,
    version: u32,
    schema_version: i64,
    tables: Vec<DumpTable>,
}

#[derive(Serialize, Deserialize)]
struct DumpTable {
    name: String,
    columns: Vec<DumpColumn>,
    rows: Vec<Vec<Value>>,
}

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
enum ColumnKind {
    Integer,
    Real,
    Text,
    Boolean,
}

#[derive(Serialize, Deserialize)]
struct DumpColumn {
    name: String,
    kind: ColumnKind,
}

async fn postgres_dump(db: &Db) -> Result<Dump, BackupError> {
    let tables = application_tables(db).await?;
    let mut conn = db.pool().acquire().await?;
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await?;
    let result = async {
        let (schema_version,): (i64,) =
            sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
                .fetch_one(&mut *conn)
                .await?;
        let mut dumped = Vec::with_capacity(tables.len());
        for table in tables {
            let columns: Vec<(String, String)> = sqlx::query_as(
                "SELECT column_name::text, data_type::text FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER' \
                 ORDER BY ordinal_position",
            )
            .bind(&table)
            .fetch_all(&mut *conn)
            .await?;
            let columns: Vec<DumpColumn> = columns
                .into_iter()
                .map(|(name, data_type)| DumpColumn {
                    kind: match data_type.as_str() {
                        "bigint" | "integer" | "smallint" => ColumnKind::Integer,
                        "double precision" | "real" | "numeric" => ColumnKind::Real,
                        "boolean" => ColumnKind::Boolean,
                        _ => ColumnKind::Text,
                    },
                    name,
                })
                .collect();
            // Generated columns (search vectors) are rebuilt on restore.
            let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
            let rows: Vec<AnyRow> = sqlx::query(&dump_query(&table, &names))
                .fetch_all(&mut *conn)
                .await?;
            let rows = rows
                .iter()
                .map(|row| {
                    columns
                        .iter()
                        .enumerate()
                        .map(|(i, column)| cell_to_json(row, i, column.kind))
                        .collect::<Result<Vec<_>, sqlx::Error>>()
                })
                .collect::<Result<Vec<_>, _>>()?;
            dumped.push(DumpTable {
                name: table,
                columns,
                rows,
            });
        }
        Ok::<_, sqlx::Error>(Dump {
            format: DUMP_FORMAT.to_owned(),
            version: DUMP_VERSION,
            schema_version,
            tables: dumped,
        })
    }
    .await;
    conn.execute("COMMIT").await?;
    Ok(result?)
}

/// A ballot's content as one sortable text: each choice's proposal, points
/// and position, zero-padded so that text order is number order.
const BALLOT_CONTENT: &str = "(SELECT string_agg(\
     lpad(x.proposal_id::text, 20, '0') || ':' || lpad(COALESCE(x.points, 0)::text, 20, '0') \
     || ':' || lpad(COALESCE(x.position, 0)::text, 20, '0'), ',' ORDER BY x.proposal_id) \
     FROM pb_ballot_choices x WHERE x.ballot_id = b.id)";

/// The query that dumps `table`'s `columns`. Rows go in id order where
/// there is an id, except ballots and their choices: their physical order
/// would tell the order they were cast in, so they go in an order of what
/// they say (process, channel, choices), a ballot's choices together, and
/// the restored tables are written in that order too.
fn dump_query(table: &str, columns: &[&str]) -> String {
    let listed = |alias: &str| {
        columns
            .iter()
            .map(|c| format!("{alias}.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match table {
        "pb_ballots" => format!(
            "SELECT {} FROM pb_ballots b ORDER BY b.process_id, b.channel, {BALLOT_CONTENT}, b.id",
            listed("b")
        ),
        "pb_ballot_choices" => format!(
            "SELECT {} FROM pb_ballot_choices c JOIN pb_ballots b ON b.id = c.ballot_id \
             ORDER BY b.process_id, b.channel, {BALLOT_CONTENT}, b.id, c.proposal_id",
            listed("c")
        ),
        _ if columns.contains(&"id") => {
            format!("SELECT {} FROM {table} ORDER BY id", columns.join(", "))
        }
        _ => format!("SELECT {} FROM {table}", columns.join(", ")),
    }
}

fn cell_to_json(row: &AnyRow, index: usize, kind: ColumnKind) -> Result<Value, sqlx::Error> {
    Ok(match kind {
        ColumnKind::Integer => row
            .try_get::<Option<i64>, _>(index)?
            .map_or(Value::Null, Value::from),
        ColumnKind::Real => row
            .try_get::<Option<f64>, _>(index)?
            .map_or(Value::Null, Value::from),
        ColumnKind::Boolean => row
            .try_get::<Option<bool>, _>(index)?
            .map_or(Value::Null, Value::from),
        ColumnKind::Text => row
            .try_get::<Option<String>, _>(index)?
            .map_or(Value::Null, Value::from),
    })
}

async fn load_postgres_dump(db: &Db, dump: &Dump) -> Result<(), BackupError> {
    let known: BTreeSet<String> = application_tables(db).await?.into_iter().collect();
    for table in &dump.tables {
        if !known.contains(&table.name) {
            return Err(BackupError::NotASnapshot {
                path: String::new(),
                reason: format!(
                    "it holds a table this database does not have: {}",
                    table.name
                ),
            });
        }
    }
    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    let all: Vec<&str> = known.iter().map(String::as_str).collect();
    tx.execute(format!("TRUNCATE {} RESTART IDENTITY CASCADE", all.join(", ")).as_str())
        .await?;
    for table in &dump.tables {
        if table.rows.is_empty() {
            continue;
        }
        let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            table.name,
            names.join(", "),
            placeholders.join(", ")
        );
        for row in &table.rows {
            let mut query = sqlx::query(&sql);
            for (value, column) in row.iter().zip(&table.columns) {
                query = match (column.kind, value) {
                    (ColumnKind::Integer, v) => query.bind(v.as_i64()),
                    (ColumnKind::Real, v) => query.bind_real(v.as_f64()),
                    (ColumnKind::Boolean, v) => query.bind(v.as_bool()),
                    (ColumnKind::Text, v) => query.bind(v.as_str().map(str::to_owned)),
                };
            }
            query.execute(&mut *tx).await?;
        }
        if table
            .columns
            .iter()
            .any(|c| c.name == "id" && c.kind == ColumnKind::Integer)
        {
            tx.execute(
                format!(
                    "SELECT setval(pg_get_serial_sequence('{0}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {0}",
                    table.name
                )
                .as_str(),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

impl Db {
    /// Versions of the migrations embedded in this binary for this backend.
    pub fn migrator_versions(&self) -> Vec<i64> {
        self.migrator().iter().map(|m| m.version).collect()
    }
}
