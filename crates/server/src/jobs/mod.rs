//! Background work: a queue of jobs in the database that any number of
//! serving instances share. Work that must happen once whatever the
//! number of instances (escalating an overdue referral, sending its
//! reminder) is enqueued as a job, inside the transaction of whatever
//! asked for it ([`enqueue_in`]); every instance runs a worker
//! ([`worker`]) that claims due jobs one at a time and runs the handler
//! registered for the job's kind in [`Registry::standard`].
//!
//! - **Claims.** On PostgreSQL a claim is `SELECT … FOR UPDATE SKIP
//!   LOCKED`, so concurrent workers pass over each other's jobs; on
//!   `SQLite` claims take turns on the database's write lock and each
//!   process runs one worker. A claim holds for a lease; a worker that
//!   dies lets its job be claimed again when the lease runs out.
//! - **Exactly once.** A handler's database work runs in the transaction
//!   that marks its job done ([`Run::InTransaction`]), after re-taking the
//!   job's row: its effects and its completion commit together or not at
//!   all. Work outside the database (mail) runs before that transaction
//!   ([`Run::Outside`]); it happens once unless the process dies between
//!   sending and committing, when it is sent again.
//! - **Failure.** The handler's transaction is rolled back, and a new one
//!   records the error and schedules the job again after a back-off that
//!   doubles with each attempt (30 s, 1 min, 2 min … capped at an hour);
//!   after `max_attempts` it has failed for good, and administrators see
//!   it at `/admin/jobs` with a button to try again.
//! - **Recurring sweeps.** Each instance's scheduler enqueues every
//!   recurring kind once per period under the key `kind@period-start`;
//!   the unique key means N instances enqueue one job.

/// The administrators' page of jobs.
mod pages;
/// The SQL of the queue.
pub mod store;
/// Claiming and running jobs, the scheduler of recurring sweeps.
pub mod worker;

use std::{future::Future, pin::Pin};

use axum::{
    http::Method,
    routing::{get, post},
};
use coprod_engine::schedule::Date;
use sqlx::AnyConnection;

pub use store::{Job, NewJob, enqueue_in};

use crate::{
    access::{self, Route},
    app::AppState,
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/admin/jobs", access::ADMIN, get(pages::list)),
        Route::new(
            Method::POST,
            "/admin/jobs/{id}/retry",
            access::ADMIN,
            post(pages::retry),
        ),
    ]
}

/// Why a job did not finish; kept as its `last_error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct JobError(pub String);

impl JobError {
    /// A failure described by anything that can be shown.
    pub fn from_display(error: impl std::fmt::Display) -> Self {
        Self(error.to_string())
    }
}

impl From<sqlx::Error> for JobError {
    fn from(error: sqlx::Error) -> Self {
        Self::from_display(error)
    }
}

impl From<crate::db::StoreError> for JobError {
    fn from(error: crate::db::StoreError) -> Self {
        Self::from_display(error)
    }
}

/// What a handler runs with: the application's state and the moment the
/// worker took the job.
#[derive(Clone, Debug)]
pub struct Context {
    pub state: AppState,
    /// Unix seconds when the job was claimed.
    pub now: i64,
}

impl Context {
    /// The day in the UK the job runs on, as `coordination::model::today`
    /// counts it.
    pub fn today(&self) -> Date {
        coprod_engine::schedule::uk_local(self.now).date
    }
}

/// The future a handler returns.
pub type JobFuture<'a> = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>>;

/// Work inside the transaction that marks the job done.
pub type InTransaction = for<'a> fn(&'a Context, &'a mut AnyConnection, &'a Job) -> JobFuture<'a>;

/// Work outside any transaction of the queue's.
pub type Act = for<'a> fn(&'a Context, &'a Job) -> JobFuture<'a>;

/// How a kind of job does its work.
#[derive(Clone, Copy)]
pub enum Run {
    /// Database work only, in the transaction that marks the job done: it
    /// happens exactly once.
    InTransaction(InTransaction),
    /// Work outside the database first (sending mail, or a sweep that
    /// keeps its own transactions and may safely run twice), then `record`
    /// (its audit row, say) in the transaction that marks the job done.
    Outside {
        act: Act,
        record: Option<InTransaction>,
    },
}

/// The handler of one kind of job.
#[derive(Clone, Copy)]
pub struct Handler {
    /// The stored `kind`, `capability.what` (`referrals.sweep`).
    pub kind: &'static str,
    pub run: Run,
    /// Attempts before the job fails for good.
    pub max_attempts: i64,
    /// Enqueued by every instance's scheduler once per sweep period
    /// (`jobs.sweep_minutes`), with an empty payload.
    pub recurring: bool,
}

/// Every handler, by kind. [`Registry::standard`] is the application's
/// table; tests add their own kinds with [`Registry::with`].
#[derive(Clone)]
pub struct Registry {
    handlers: Vec<Handler>,
}

impl Registry {
    /// The application's handlers. A new kind of background work is one
    /// line here: a capability exposes a `Handler` constant and it is
    /// listed. A recurring sweep is a handler with `recurring: true`.
    pub fn standard() -> Self {
        Self {
            handlers: vec![
                crate::referrals::reminders::SWEEP,
                crate::referrals::reminders::MAIL,
                crate::checkins::sweep_job::SWEEP,
            ],
        }
    }

    /// The same table with one more handler (replacing one of its kind).
    #[must_use]
    pub fn with(mut self, handler: Handler) -> Self {
        self.handlers.retain(|h| h.kind != handler.kind);
        self.handlers.push(handler);
        self
    }

    /// The handler of `kind`, if there is one.
    pub fn handler(&self, kind: &str) -> Option<&Handler> {
        self.handlers.iter().find(|h| h.kind == kind)
    }

    /// The recurring sweeps.
    pub fn recurring(&self) -> impl Iterator<Item = &Handler> {
        self.handlers.iter().filter(|h| h.recurring)
    }

    /// Every kind, for the administrators' page.
    pub fn kinds(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.handlers.iter().map(|h| h.kind)
    }
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.kinds()).finish()
    }
}
