//! The check-in sweep as recurring background work: every instance's
//! scheduler enqueues it once per sweep period, so calls fall due, retries
//! are made and exhausted calls become concerns even when nobody opens the
//! call list. The sweep keeps its own transaction and running it twice
//! changes nothing, so it runs outside the queue's transaction.

use crate::jobs::{Context, Handler, Job, JobFuture, Run};

/// The recurring sweep of check-in calls.
pub const SWEEP: Handler = Handler {
    kind: "checkins.sweep",
    run: Run::Outside {
        act: sweep_job,
        record: None,
    },
    max_attempts: 3,
    recurring: true,
};

fn sweep_job<'a>(context: &'a Context, _job: &'a Job) -> JobFuture<'a> {
    Box::pin(async move {
        super::workflow::sweep(&context.state.db, context.today(), context.now).await?;
        Ok(())
    })
}
