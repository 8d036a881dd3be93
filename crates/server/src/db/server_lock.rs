//! `SQLite` only. A restore replaces the database file; a server that still
//! had the old file open would carry on writing to it, and everything it
//! wrote afterwards would be silently lost. So every serving process holds
//! a shared lock on `<database file>.lock`, and a restore takes the same
//! file's exclusive lock, refusing while any server holds it and keeping it
//! until the restore is done (a server starting meanwhile refuses in turn).
//! The lock is the operating system's advisory file lock: it goes with the
//! process, so a server that crashed leaves nothing to clean up.
//!
//! `PostgreSQL` needs none of this: its restore replaces rows inside one
//! transaction that running servers see whole.

use std::{
    fs::{File, OpenOptions, TryLockError},
    path::{Path, PathBuf},
};

use super::{Backend, sqlite_path};

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "a coprod server is using this database ({path} is locked); stop every `coprod serve` and \
         `coprod demo` using it, then try again"
    )]
    InUse { path: String },
    #[error(
        "the database is being restored ({path} is locked); start the server once the restore has finished"
    )]
    BeingRestored { path: String },
    #[error("could not open the lock file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
}

/// A held lock; dropping it releases it.
#[derive(Debug)]
pub struct ServerLock {
    _file: File,
    path: PathBuf,
}

impl ServerLock {
    /// The shared lock a serving process holds for as long as it serves.
    /// `None` when the database is not a `SQLite` file.
    pub fn serving(url: &str) -> Result<Option<Self>, LockError> {
        Self::take(url, false)
    }

    /// The exclusive lock a restore holds. `None` when the database is not
    /// a `SQLite` file.
    pub fn restoring(url: &str) -> Result<Option<Self>, LockError> {
        Self::take(url, true)
    }

    /// The lock file that goes with a `SQLite` URL, if it names a file.
    pub fn path_for(url: &str) -> Option<PathBuf> {
        if !matches!(url.parse(), Ok(Backend::Sqlite)) || url.contains("mode=memory") {
            return None;
        }
        let database = sqlite_path(url);
        if database.is_empty() || database == ":memory:" {
            return None;
        }
        Some(PathBuf::from(format!("{database}.lock")))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn take(url: &str, exclusive: bool) -> Result<Option<Self>, LockError> {
        let Some(path) = Self::path_for(url) else {
            return Ok(None);
        };
        let shown = path.display().to_string();
        let file_error = |source| LockError::File {
            path: shown.clone(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(file_error)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(file_error)?;
        let taken = if exclusive {
            file.try_lock()
        } else {
            file.try_lock_shared()
        };
        match taken {
            Ok(()) => Ok(Some(Self { _file: file, path })),
            Err(TryLockError::WouldBlock) if exclusive => Err(LockError::InUse { path: shown }),
            Err(TryLockError::WouldBlock) => Err(LockError::BeingRestored { path: shown }),
            Err(TryLockError::Error(source)) => Err(file_error(source)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_share_the_lock_and_a_restore_waits_for_them_all() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/coprod.sqlite3?mode=rwc", dir.path().display());
        let first = ServerLock::serving(&url).unwrap().unwrap();
        assert_eq!(first.path(), dir.path().join("coprod.sqlite3.lock"));
        let second = ServerLock::serving(&url).unwrap().unwrap();
        let refused = ServerLock::restoring(&url).unwrap_err();
        assert!(matches!(refused, LockError::InUse { .. }));
        assert!(refused.to_string().contains("coprod.sqlite3.lock"));
        drop(first);
        assert!(
            ServerLock::restoring(&url).is_err(),
            "one server still holds it"
        );
        drop(second);
        let restoring = ServerLock::restoring(&url).unwrap().unwrap();
        assert!(matches!(
            ServerLock::serving(&url),
            Err(LockError::BeingRestored { .. })
        ));
        drop(restoring);
        assert!(ServerLock::serving(&url).unwrap().is_some());
    }

    #[test]
    fn only_sqlite_files_have_a_lock() {
        assert_eq!(ServerLock::path_for("postgres://localhost/coprod"), None);
        assert_eq!(ServerLock::path_for("sqlite::memory:"), None);
        assert_eq!(
            ServerLock::path_for("sqlite:///srv/coprod/coprod.sqlite3?mode=rwc"),
            Some(PathBuf::from("/srv/coprod/coprod.sqlite3.lock"))
        );
    }
}
