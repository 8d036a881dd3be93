//! Claiming and running jobs, and the scheduler that enqueues recurring
//! sweeps. Every serving instance runs `jobs.concurrency` workers (one on
//! `SQLite`) and one scheduler, started by [`spawn`] and stopped by
//! [`Workers::finish`]: a stopped worker claims nothing more and finishes
//! the job it is running.

use std::{sync::Arc, time::Duration};

use tokio::{sync::watch, task::JoinHandle};

use super::{Context, Handler, JobError, Registry, Run, store};
use crate::{
    app::AppState,
    db::{self, Backend, Db, StoreResult},
    settings::Settings,
};

/// How long a claim holds. A worker that dies lets its job be claimed
/// again after this.
pub const LEASE_SECONDS: i64 = 5 * 60;
/// How long a handler may run before it counts as failed; shorter than
/// the lease, so no other worker claims a job that is still running.
const HANDLER_TIMEOUT: Duration = Duration::from_secs(4 * 60);
/// The wait before the first retry; it doubles with each attempt.
const FIRST_RETRY_SECONDS: i64 = 30;
/// The longest wait between attempts.
const LONGEST_RETRY_SECONDS: i64 = 60 * 60;
/// Finished jobs are kept this long, then removed.
const KEEP_DONE_SECONDS: i64 = 7 * 24 * 60 * 60;

/// The wait after a job's `attempts`-th attempt failed: 30 s, 1 min,
/// 2 min, 4 min … never more than an hour.
pub fn backoff(attempts: i64) -> i64 {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    FIRST_RETRY_SECONDS
        .saturating_mul(1_i64 << doublings)
        .min(LONGEST_RETRY_SECONDS)
}

/// A name for this process's workers, shown to administrators and kept on
/// the jobs they ran: the host, the process and a few random letters.
pub fn instance_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "coprod".to_owned());
    format!(
        "{host}-{}-{}",
        std::process::id(),
        &crate::crypto::random_token()[..6]
    )
}

/// What one turn of a worker came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Turn {
    /// Nothing was due.
    Idle,
    /// The job ran and is done.
    Done(store::Job),
    /// The attempt failed; the job will be tried again (as it now stands).
    Retrying(store::Job),
    /// The last attempt failed; the job has failed for good.
    Failed(store::Job),
    /// The claim was lost before the work began (the lease ran out and
    /// another worker took the job); nothing was done.
    Lost(store::Job),
}

/// Claims the next due job as `worker` and runs it: its handler's database
/// work and its completion commit together; a failure is recorded, and the
/// job retried later or failed for good.
pub async fn run_next(
    state: &AppState,
    registry: &Registry,
    worker: &str,
    now: i64,
) -> StoreResult<Turn> {
    let Some(job) = store::claim(&state.db, worker, now, now + LEASE_SECONDS).await? else {
        return Ok(Turn::Idle);
    };
    let context = Context {
        state: state.clone(),
        now,
    };
    let handler = registry.handler(&job.kind).copied();
    // Its own task, so a handler that panics fails its job rather than
    // the worker; the transaction it held is dropped and rolled back.
    let task = tokio::spawn(execute(context, handler, job.clone(), worker.to_owned()));
    let abort = task.abort_handle();
    let outcome = match tokio::time::timeout(HANDLER_TIMEOUT, task).await {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(joined)) if joined.is_panic() => Err(JobError("the handler panicked".to_owned())),
        Ok(Err(_)) => Err(JobError("the handler was cancelled".to_owned())),
        Err(_) => {
            abort.abort();
            Err(JobError(format!(
                "the handler ran for more than {} seconds",
                HANDLER_TIMEOUT.as_secs()
            )))
        }
    };
    match outcome {
        Ok(true) => Ok(Turn::Done(job)),
        Ok(false) => Ok(Turn::Lost(job)),
        Err(error) => {
            let retry_at = db::now().max(now) + backoff(job.attempts);
            let stood =
                store::record_failure(&state.db, job.id, worker, &error.0, db::now(), retry_at)
                    .await?;
            let Some(stood) = stood else {
                return Ok(Turn::Lost(job));
            };
            tracing::warn!(
                job.id = stood.id,
                job.kind = %stood.kind,
                job.attempts = stood.attempts,
                error = %error,
                "a background job failed"
            );
            Ok(if stood.failed_at.is_some() {
                Turn::Failed(stood)
            } else {
                Turn::Retrying(stood)
            })
        }
    }
}

/// Runs one claimed job. `Ok(false)`: the claim no longer held, nothing
/// was done.
async fn execute(
    context: Context,
    handler: Option<Handler>,
    job: store::Job,
    worker: String,
) -> Result<bool, JobError> {
    let Some(handler) = handler else {
        return Err(JobError(format!(
            "no handler is registered for the kind {:?}",
            job.kind
        )));
    };
    let (act, record) = match handler.run {
        Run::InTransaction(work) => (None, Some(work)),
        Run::Outside { act, record } => (Some(act), record),
    };
    if let Some(act) = act {
        act(&context, &job).await?;
    }
    let db = context.state.db.clone();
    let mut tx = db.begin_write().await.map_err(JobError::from)?;
    if !store::hold(&mut tx, job.id, &worker).await? {
        return Ok(false);
    }
    if let Some(work) = record {
        work(&context, &mut tx, &job).await?;
    }
    store::mark_done(&mut tx, job.id, db::now()).await?;
    tx.commit().await.map_err(JobError::from)?;
    Ok(true)
}

/// Enqueues each recurring sweep for the period `now` falls in, once
/// however many instances ask: the key is its kind and the period's
/// start. Answers how many this call added.
pub async fn enqueue_recurring(
    db: &Db,
    registry: &Registry,
    settings: &Settings,
    now: i64,
) -> StoreResult<usize> {
    let period = settings.jobs.sweep_period_seconds();
    let start = now - now.rem_euclid(period);
    let mut added = 0;
    for handler in registry.recurring() {
        let new = store::NewJob::new(handler.kind, &serde_json::json!({}), start)
            .once(format!("{}@{start}", handler.kind))
            .attempts(handler.max_attempts);
        if store::enqueue(db, &new).await?.is_some() {
            added += 1;
        }
    }
    Ok(added)
}

/// The running workers and scheduler of one instance.
#[derive(Debug)]
pub struct Workers {
    tasks: Vec<JoinHandle<()>>,
    stop: watch::Sender<bool>,
}

impl Workers {
    /// Stops claiming and waits for each worker to finish the job in hand.
    pub async fn finish(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// Starts this instance's workers and scheduler, unless `jobs.enabled` is
/// off. They stop claiming as soon as `stop` turns true.
pub fn spawn(state: &AppState, registry: Registry, stop: watch::Receiver<bool>) -> Workers {
    let (own_stop, _) = watch::channel(false);
    let mut tasks = Vec::new();
    let settings = &state.settings.jobs;
    if settings.enabled {
        let registry = Arc::new(registry);
        let name = instance_name();
        let workers = match state.db.backend() {
            Backend::Sqlite => 1,
            Backend::Postgres => settings.concurrency.max(1),
        };
        tracing::info!(instance = %name, workers, "background jobs are running");
        for _ in 0..workers {
            tasks.push(tokio::spawn(work(
                state.clone(),
                registry.clone(),
                name.clone(),
                stop.clone(),
                own_stop.subscribe(),
            )));
        }
        tasks.push(tokio::spawn(schedule(
            state.clone(),
            registry,
            stop,
            own_stop.subscribe(),
        )));
    }
    Workers {
        tasks,
        stop: own_stop,
    }
}

/// Waits for the poll interval, or less if either stop signal comes.
/// True: stop.
async fn pause(
    poll: Duration,
    stop: &mut watch::Receiver<bool>,
    own: &mut watch::Receiver<bool>,
) -> bool {
    tokio::select! {
        () = tokio::time::sleep(poll) => {}
        _ = stop.changed() => {}
        _ = own.changed() => {}
    }
    stopping(stop, own)
}

fn stopping(stop: &watch::Receiver<bool>, own: &watch::Receiver<bool>) -> bool {
    *stop.borrow() || *own.borrow()
}

async fn work(
    state: AppState,
    registry: Arc<Registry>,
    name: String,
    mut stop: watch::Receiver<bool>,
    mut own: watch::Receiver<bool>,
) {
    let poll = state.settings.jobs.poll_interval();
    while !stopping(&stop, &own) {
        match run_next(&state, &registry, &name, db::now()).await {
            Ok(Turn::Idle) => {
                if pause(poll, &mut stop, &mut own).await {
                    break;
                }
            }
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(error = %error, "could not claim or settle a background job");
                if pause(poll, &mut stop, &mut own).await {
                    break;
                }
            }
        }
    }
}

async fn schedule(
    state: AppState,
    registry: Arc<Registry>,
    mut stop: watch::Receiver<bool>,
    mut own: watch::Receiver<bool>,
) {
    let poll = state.settings.jobs.poll_interval();
    let mut last_period = None;
    let mut pruned_at = None;
    loop {
        let now = db::now();
        let period = now - now.rem_euclid(state.settings.jobs.sweep_period_seconds());
        if last_period != Some(period) {
            match enqueue_recurring(&state.db, &registry, &state.settings, now).await {
                Ok(_) => last_period = Some(period),
                Err(error) => tracing::warn!(error = %error, "could not enqueue the sweeps"),
            }
        }
        if pruned_at.is_none_or(|at| now - at >= 60 * 60) {
            match store::remove_done_before(&state.db, now - KEEP_DONE_SECONDS).await {
                Ok(_) => pruned_at = Some(now),
                Err(error) => tracing::warn!(error = %error, "could not remove finished jobs"),
            }
        }
        if pause(poll, &mut stop, &mut own).await {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_and_stops_at_an_hour() {
        assert_eq!(backoff(1), 30);
        assert_eq!(backoff(2), 60);
        assert_eq!(backoff(3), 120);
        assert_eq!(backoff(7), 1920);
        assert_eq!(backoff(8), 3600);
        assert_eq!(backoff(1000), 3600);
        assert_eq!(backoff(0), 30);
    }
}
