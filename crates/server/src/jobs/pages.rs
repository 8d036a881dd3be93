//! The administrators' page of background jobs: what waits, what runs,
//! and what failed for good with its last error, each failed one with a
//! button to try it again.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    response::Response,
};

use super::store::{self, Job, Standing};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    db,
    error::{AppError, Result},
    web::{ClientIp, NoFields, Shell, StrictForm, page, utc_time},
};

/// Jobs each section shows at most.
const SHOWN: i64 = 100;

/// One job as a line of the page.
struct Line {
    id: i64,
    kind: String,
    attempts: String,
    when: String,
    instance: String,
    error: String,
}

impl Line {
    fn of(job: &Job, when: i64) -> Self {
        Self {
            id: job.id,
            kind: job.kind.clone(),
            attempts: format!("{} / {}", job.attempts, job.max_attempts),
            when: utc_time(when),
            instance: job.locked_by.clone().unwrap_or_default(),
            error: job.last_error.clone().unwrap_or_default(),
        }
    }
}

/// One section: its lines and how many there are in all.
struct Section {
    lines: Vec<Line>,
    total: i64,
}

#[derive(Template)]
#[template(path = "jobs/index.html")]
struct JobsPage {
    shell: Shell,
    waiting: Section,
    running: Section,
    failed: Section,
}

async fn section(
    state: &AppState,
    standing: Standing,
    now: i64,
    when: impl Fn(&Job) -> i64,
) -> Result<Section> {
    let (jobs, total) = store::list(&state.db, standing, now, SHOWN).await?;
    Ok(Section {
        lines: jobs.iter().map(|j| Line::of(j, when(j))).collect(),
        total,
    })
}

pub async fn list(State(state): State<AppState>, shell: Shell) -> Result<Response> {
    let now = db::now();
    page(&JobsPage {
        shell,
        waiting: section(&state, Standing::Waiting, now, |j| j.run_at).await?,
        running: section(&state, Standing::Running, now, |j| {
            j.locked_until.unwrap_or(j.run_at)
        })
        .await?,
        failed: section(&state, Standing::Failed, now, |j| {
            j.failed_at.unwrap_or(j.run_at)
        })
        .await?,
    })
}

/// Gives a failed job a fresh set of attempts, due now; audited in the
/// same transaction.
pub async fn retry(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    if !store::retry_in(&mut tx, id, db::now()).await? {
        return Err(AppError::NotFound);
    }
    audit::record_in(
        &mut tx,
        Event::new(Action::JobRetried, Some(user.account_id), &ip).subject("job", id),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect("/admin/jobs"))
}
