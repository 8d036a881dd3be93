//! Fresh databases for tests: a temporary SQLite file, or a new uniquely
//! named PostgreSQL database that is dropped again when the test ends. Never
//! a shared database serialised with locks.

use std::path::PathBuf;

use rand::Rng;
use sqlx::{AnyConnection, Connection, Executor};

use super::{Backend, Db, DbError};

/// Where the `PostgreSQL` server for tests is, as a URL to its maintenance
/// database. `scripts/test` starts the server if it is not running.
pub fn postgres_admin_url() -> String {
    std::env::var("COPROD_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A migrated database that is removed when dropped.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    /// Kept alive for `SQLite`: the directory holding the file.
    pub dir: tempfile::TempDir,
    postgres_name: Option<String>,
}

impl TestDb {
    /// A new, empty, migrated database on `backend`.
    pub async fn new(backend: Backend) -> Result<Self, DbError> {
        let dir = tempfile::tempdir().map_err(|source| DbError::DataDir {
            path: std::env::temp_dir().display().to_string(),
            source,
        })?;
        let (url, postgres_name) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}", dir.path().join("coprod.sqlite3").display()),
                None,
            ),
            Backend::Postgres => {
                let name = format!("coprod_test_{:016x}", rand::thread_rng().r#gen::<u64>());
                let admin = postgres_admin_url();
                super::install_default_drivers_once();
                let mut conn = AnyConnection::connect(&admin)
                    .await
                    .map_err(DbError::Connect)?;
                conn.execute(format!("CREATE DATABASE {name}").as_str())
                    .await?;
                conn.close().await?;
                (replace_database(&admin, &name), Some(name))
            }
        };
        let db = Db::connect(&url).await?;
        db.migrate().await?;
        Ok(Self {
            db,
            url,
            dir,
            postgres_name,
        })
    }

    /// The data directory to hand to settings for this test.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().to_owned()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else {
            return;
        };
        // Drop runs outside any async context we can rely on, so the clean-up
        // gets a small runtime of its own on a plain thread.
        let cleanup = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            // FORCE ends the test's own pooled connections too; closing the
            // pool here instead would wait on the test's (blocked) runtime.
            runtime.block_on(async move {
                if let Ok(mut conn) = AnyConnection::connect(&postgres_admin_url()).await {
                    let _ = conn
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await;
                    let _ = conn.close().await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

/// The same server URL pointing at another database.
pub fn replace_database(url: &str, database: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            parsed.set_path(database);
            parsed.to_string()
        }
        Err(_) => url.to_owned(),
    }
}
