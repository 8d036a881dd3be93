//! Escalations and reminders, done by the background job queue rather
//! than by whoever happens to open a page. The recurring `referrals.sweep`
//! job looks at every open referral against the engine's stall rules:
//!
//! - one not answered by its due date is marked escalated, once;
//! - each stall (no answer, no contact, no attendance) is recorded once
//!   per referral in `referral_reminders`, and a `referrals.reminder_mail`
//!   job is enqueued, in the same transaction, for each person to tell:
//!   the receiving organisation's coordinators and managers, and the
//!   member of staff who made the referral.
//!
//! Each mail job sends one message and then, in the transaction that
//! marks it done, writes its audit row. The system is the actor: audit
//! rows name no account. Messages carry the service and the stall and a
//! link, never the person's name or details.

use std::collections::HashSet;

use coprod_engine::{
    plain,
    referrals::{
        Status,
        stall::{Progress, Stall, stall},
    },
    schedule::Date,
};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::store::reminders as store;
use crate::{
    audit::{self, Action, Event},
    jobs::{self, Context, Handler, Job, JobError, JobFuture, NewJob, Run},
    settings::Settings,
};

/// The recurring sweep: escalations and reminders.
pub const SWEEP: Handler = Handler {
    kind: "referrals.sweep",
    run: Run::InTransaction(sweep_job),
    max_attempts: 3,
    recurring: true,
};

/// One reminder to one person.
pub const MAIL: Handler = Handler {
    kind: "referrals.reminder_mail",
    run: Run::Outside {
        act: send_mail,
        record: Some(record_mail),
    },
    max_attempts: 8,
    recurring: false,
};

/// What a reminder mail job carries: whom to tell, and the words to fill
/// in (the service and the stall), nothing about the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub reminder_id: i64,
    pub referral_id: i64,
    pub account_id: i64,
    /// `no_answer`, `no_contact` or `no_attendance`.
    pub stall: String,
    /// The service's name, or empty for a volunteer desk.
    pub service: String,
    /// The due date (no answer) or the working days waited.
    pub detail: String,
}

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub escalated: u64,
    /// Stalls noticed for the first time.
    pub reminders: u64,
    /// Mail jobs enqueued.
    pub mails: u64,
}

/// How a stall is stored, and what its mail says besides the service.
fn stall_words(stalled: Stall) -> (&'static str, String) {
    match stalled {
        Stall::NoAnswer { due } => ("no_answer", plain::date(due)),
        Stall::NoContact { working_days } => ("no_contact", working_days.to_string()),
        Stall::NoAttendance { working_days } => ("no_attendance", working_days.to_string()),
    }
}

/// Escalates every referral not answered by its date and records each new
/// stall with a mail job for each person to tell, all inside `conn`'s
/// transaction, with an audit row for each escalation.
pub async fn sweep(
    conn: &mut AnyConnection,
    settings: &Settings,
    today: Date,
    now: i64,
) -> Result<Swept, JobError> {
    let rules = settings.referrals.stall_rules();
    let calendar = settings.referrals.calendar();
    let open = store::open(conn).await?;
    let noticed: HashSet<(i64, String)> = store::noticed(conn).await?;
    let mut swept = Swept::default();
    for referral in &open {
        let progress = Progress {
            status: referral.status,
            respond_by: referral.respond_by,
            since: Date::of_unix_seconds(referral.since),
        };
        let Some(stalled) = stall(&progress, today, rules, &calendar) else {
            continue;
        };
        let (key, detail) = stall_words(stalled);
        if referral.status == Status::Referred
            && !referral.escalated
            && store::escalate(conn, referral.id, now).await?
        {
            swept.escalated += 1;
            audit::record_in(
                conn,
                Event::new(Action::ReferralEscalated, None, "")
                    .subject("referral", referral.id)
                    .detail(format!(
                        "not answered by {detail}; escalated by the referrals sweep"
                    )),
            )
            .await?;
        }
        if noticed.contains(&(referral.id, key.to_owned())) {
            continue;
        }
        let Some(reminder_id) = store::notice(conn, referral.id, key, now).await? else {
            continue;
        };
        swept.reminders += 1;
        let service = if referral.target == "desk" {
            String::new()
        } else {
            referral.service_name.clone()
        };
        for account_id in store::recipients(
            conn,
            referral.receiving_organisation_id,
            referral.referred_by,
        )
        .await?
        {
            let reminder = Reminder {
                reminder_id,
                referral_id: referral.id,
                account_id,
                stall: key.to_owned(),
                service: service.clone(),
                detail: detail.clone(),
            };
            let job = NewJob::new(MAIL.kind, &reminder, now)
                .once(format!("{}:{reminder_id}:{account_id}", MAIL.kind))
                .attempts(MAIL.max_attempts);
            if jobs::enqueue_in(conn, &job).await?.is_some() {
                swept.mails += 1;
            }
        }
    }
    Ok(swept)
}

fn sweep_job<'a>(
    context: &'a Context,
    conn: &'a mut AnyConnection,
    _job: &'a Job,
) -> JobFuture<'a> {
    Box::pin(async move {
        let swept = sweep(conn, &context.state.settings, context.today(), context.now).await?;
        if swept != Swept::default() {
            tracing::info!(
                escalated = swept.escalated,
                reminders = swept.reminders,
                mails = swept.mails,
                "the referrals sweep found stalled referrals"
            );
        }
        Ok(())
    })
}

/// The subject and body of a reminder.
fn compose(context: &Context, reminder: &Reminder) -> (String, String) {
    let catalogue = context.state.catalogues.get("en");
    let service = if reminder.service.is_empty() {
        catalogue.text("referrals.desk")
    } else {
        reminder.service.clone()
    };
    let link = format!(
        "{}/referrals/{}",
        context.state.settings.public_url.trim_end_matches('/'),
        reminder.referral_id
    );
    let key = format!("referrals.reminder.{}", reminder.stall);
    let subject = catalogue.text_with(&format!("{key}_subject"), &service);
    let body = crate::web::i18n::fill(
        &catalogue.text(&format!("{key}_body")),
        &[&service, &reminder.detail, &link],
    );
    (subject, body)
}

fn send_mail<'a>(context: &'a Context, job: &'a Job) -> JobFuture<'a> {
    Box::pin(async move {
        let reminder: Reminder = job.payload()?;
        let mut conn = context
            .state
            .db
            .pool()
            .acquire()
            .await
            .map_err(JobError::from)?;
        let Some(to) = store::email_of(&mut conn, reminder.account_id).await? else {
            return Ok(());
        };
        drop(conn);
        let (subject, body) = compose(context, &reminder);
        context
            .state
            .mailer
            .send(&to, &subject, &body)
            .await
            .map_err(|e| JobError(format!("{e:#}")))
    })
}

fn record_mail<'a>(
    _context: &'a Context,
    conn: &'a mut AnyConnection,
    job: &'a Job,
) -> JobFuture<'a> {
    Box::pin(async move {
        let reminder: Reminder = job.payload()?;
        if store::email_of(conn, reminder.account_id).await?.is_none() {
            return Ok(());
        }
        audit::record_in(
            conn,
            Event::new(Action::ReferralReminderSent, None, "")
                .subject("referral", reminder.referral_id)
                .detail(format!(
                    "{} reminder mailed to account {} by job {}",
                    reminder.stall, reminder.account_id, job.id
                )),
        )
        .await?;
        Ok(())
    })
}
