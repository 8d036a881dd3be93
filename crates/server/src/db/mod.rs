//! The storage kernel: one connection pool over SQLite or PostgreSQL.
//!
//! Capabilities write portable SQL (`$1` placeholders, `RETURNING`,
//! `ON CONFLICT`, integers for times and flags) against [`Db`]. Everything
//! that differs between the two backends — how to connect, which migrations,
//! how a snapshot is taken — lives in this module and nowhere else.

/// Consistent snapshots and their restoration.
pub mod backup;
/// Word search, where the backends differ.
pub mod full_text;
/// Queries whose filters depend on the request.
pub mod params;
/// A lock file beside a `SQLite` database: servers share it, a restore holds it alone.
pub mod server_lock;
/// The rule that SQL lives only in stores and here, as a test.
#[cfg(test)]
mod sql_placement;
/// What a store can fail with, sorted once from the driver's error.
pub mod store_error;
/// Fresh, throw-away databases of either backend for tests.
#[cfg(feature = "testing")]
pub mod testing;

use std::{str::FromStr, time::Duration};

pub use store_error::{ConstraintKind, StoreError, StoreResult};

use sqlx::{
    AnyPool, Executor,
    any::{AnyPoolOptions, install_default_drivers},
    migrate::Migrator,
};

/// Migrations for each backend, embedded in the binary.
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/postgres");

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// What a query that claims one row of a queue (`SELECT … LIMIT 1`)
    /// adds so that concurrent claimers pass over rows another transaction
    /// holds: `FOR UPDATE SKIP LOCKED` on `PostgreSQL`. Nothing on `SQLite`,
    /// where a claim runs in a transaction that holds the write lock
    /// ([`Db::begin_write`]), so claims take turns.
    pub fn skip_locked(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }
}

impl FromStr for Backend {
    type Err = DbError;
    fn from_str(url: &str) -> Result<Self, Self::Err> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(DbError::UnsupportedUrl)
        }
    }
}

/// A problem reaching or preparing the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database URL must start with sqlite: or postgres://")]
    UnsupportedUrl,
    #[error("could not create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("could not connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("could not apply migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Query(#[from] sqlx::Error),
}

/// The application's database handle; cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

impl Db {
    /// Connects, creating the `SQLite` file (and its directory) on first run.
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        install_default_drivers_once();
        let backend: Backend = url.parse()?;
        let url = match backend {
            Backend::Sqlite => {
                let path = sqlite_path(url);
                if let Some(parent) = std::path::Path::new(path).parent()
                    && !parent.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(parent).map_err(|source| DbError::DataDir {
                        path: parent.display().to_string(),
                        source,
                    })?;
                }
                if url.contains('?') {
                    url.to_owned()
                } else {
                    format!("{url}?mode=rwc")
                }
            }
            Backend::Postgres => url.to_owned(),
        };
        // A read-only file cannot switch its journal mode.
        let read_only = url.contains("mode=ro");
        let options = AnyPoolOptions::new()
            .max_connections(match backend {
                // One writer at a time is SQLite's nature; a few readers beside it.
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite && read_only {
                        conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")
                            .await?;
                    } else if backend == Backend::Sqlite {
                        // secure_delete zeroes whatever a write frees, so
                        // erased data (a ballot salt, voter keys) does not
                        // linger in free space of the file. The cost is the
                        // writing of those zeroes: freed pages and cells are
                        // written once more, which for this workload (few,
                        // small deletions) is negligible.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                             PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; \
                             PRAGMA secure_delete = ON;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            });
        let pool = options.connect(&url).await.map_err(DbError::Connect)?;
        Ok(Self { pool, backend })
    }

    /// Brings the schema up to date. Safe to run any number of times, from
    /// several instances at once (the migrator takes a lock).
    pub async fn migrate(&self) -> Result<(), DbError> {
        self.migrator().run(&self.pool).await?;
        Ok(())
    }

    /// True when every embedded migration has been applied.
    pub async fn migrations_applied(&self) -> Result<bool, DbError> {
        let applied: Vec<(i64,)> =
            sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.pool)
                .await?;
        Ok(self
            .migrator()
            .iter()
            .all(|m| applied.iter().any(|(v,)| *v == m.version)))
    }

    fn migrator(&self) -> &'static Migrator {
        match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begins a transaction that reads and then writes. `SQLite` takes the
    /// write lock at once (`BEGIN IMMEDIATE`), so the transaction waits its
    /// turn (up to the busy timeout) instead of failing when another writer
    /// got in between its read and its write; `PostgreSQL` locks rows as it
    /// writes and needs nothing more.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Makes data that was just erased unrecoverable from the database's
    /// files, as far as the backend lets the application do so. Call it
    /// after committing an erasure.
    ///
    /// `SQLite`: every connection runs with `secure_delete`, so the freed
    /// space in the pages the erasure wrote is already zeroed; but earlier
    /// versions of those pages remain in the write-ahead log until it is
    /// overwritten. A `TRUNCATE` checkpoint copies the log into the file
    /// and empties it. If a reader holds an old snapshot past the busy
    /// timeout the log cannot be emptied now; that is logged and the next
    /// call (or the next checkpoint) finishes the job.
    ///
    /// `PostgreSQL`: nothing to do from here. Old row versions stay in the
    /// table's pages until vacuum reclaims them, and in the server's own
    /// write-ahead log; neither is readable over SQL by the application.
    pub async fn scrub_freed_pages(&self) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Sqlite {
            let (busy, log, copied): (i64, i64, i64) =
                sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                    .fetch_one(&self.pool)
                    .await?;
            if busy != 0 {
                tracing::warn!(
                    wal.frames = log,
                    wal.copied = copied,
                    "the write-ahead log could not be emptied: a reader held it"
                );
            }
        }
        Ok(())
    }

    /// A trivial round trip, for readiness checks.
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// sqlx's `Any` driver needs its drivers registered once per process.
pub(crate) fn install_default_drivers_once() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(install_default_drivers);
}

/// The file path inside a `sqlite:` URL.
pub fn sqlite_path(url: &str) -> &str {
    let rest = url.trim_start_matches("sqlite:");
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    rest.split('?').next().unwrap_or(rest)
}

/// Whether an error is a unique-constraint violation, on either backend, so
/// callers can turn it into "that email is already registered".
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

/// Seconds since the Unix epoch, the one representation of time in storage.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Binding a real number that may be missing. `sqlx` 0.8's `Any` driver sends
/// a missing `f64` to `PostgreSQL` typed as `float4`, and a prepared statement
/// keeps the types of its first use, so a later present value would then be
/// refused; a missing `f32` arrives as `float8`. Use `bind_real` for every
/// optional real so both backends see one type.
pub trait BindReal {
    #[must_use]
    fn bind_real(self, value: Option<f64>) -> Self;
}

impl<'q> BindReal for sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    fn bind_real(self, value: Option<f64>) -> Self {
        match value {
            Some(number) => self.bind(number),
            None => self.bind(None::<f32>),
        }
    }
}
