//! The background job queue on both backends: a job is claimed, run and
//! done once; a failing one is retried after a growing wait and then
//! fails for good, visible to administrators, who may retry it; a job's
//! database work commits with its completion or not at all; recurring
//! sweeps are enqueued once per period however many instances ask; a
//! claim whose lease ran out passes to another worker and the first does
//! nothing; and the referrals sweep escalates and reminds exactly once,
//! by mail to a local SMTP server. Two real `coprod serve` processes on
//! one `PostgreSQL` database are tested in the command's own tests
//! (`crates/cli/tests/cli/jobs.rs`).

use axum::http::StatusCode;
use coprod_server::{
    audit::{self, Action, Event},
    coordination::model::Channel,
    coprod_engine::people::{LineOfText, Role, Sector},
    db::{self, Backend, Db},
    jobs::{
        Context, Handler, Job, JobError, JobFuture, NewJob, Registry, Run, store,
        worker::{self, LEASE_SECONDS, Turn},
    },
    organisations::store as organisations,
    settings::MailTransport,
};
use sqlx::AnyConnection;

use crate::support::{
    TestApp,
    coordination::person_held_by,
    referrals::{referral_to, service_managed_by},
    smtp,
};

/// What the test handlers leave behind: an audit row with this detail.
const MARK: &str = "test job effect";

async fn marks(app: &TestApp) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE detail = $1")
        .bind(MARK)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    n
}

async fn leave_a_mark(conn: &mut AnyConnection) -> Result<(), JobError> {
    audit::record_in(conn, Event::new(Action::JobRetried, None, "").detail(MARK)).await?;
    Ok(())
}

fn marking<'a>(_: &'a Context, conn: &'a mut AnyConnection, _: &'a Job) -> JobFuture<'a> {
    Box::pin(leave_a_mark(conn))
}

/// Writes its mark, then fails: the mark must not survive.
fn crashing<'a>(_: &'a Context, conn: &'a mut AnyConnection, _: &'a Job) -> JobFuture<'a> {
    Box::pin(async move {
        leave_a_mark(conn).await?;
        Err(JobError("the handler fell over".to_owned()))
    })
}

fn panicking<'a>(_: &'a Context, _: &'a mut AnyConnection, job: &'a Job) -> JobFuture<'a> {
    Box::pin(async move {
        assert!(job.id < 0, "a handler that panics");
        Ok(())
    })
}

fn registry() -> Registry {
    let handler = |kind, run| Handler {
        kind,
        run,
        max_attempts: 3,
        recurring: false,
    };
    Registry::standard()
        .with(handler("test.mark", Run::InTransaction(marking)))
        .with(handler("test.crash", Run::InTransaction(crashing)))
        .with(handler("test.panic", Run::InTransaction(panicking)))
}

async fn enqueue(db: &Db, kind: &'static str, run_at: i64, attempts: i64) -> i64 {
    store::enqueue(
        db,
        &NewJob::new(kind, &serde_json::json!({}), run_at).attempts(attempts),
    )
    .await
    .unwrap()
    .unwrap()
}

/// Runs due jobs as `worker` until none is due at `now`.
async fn drain(app: &TestApp, registry: &Registry, worker: &str, now: i64) -> Vec<Turn> {
    let mut turns = Vec::new();
    loop {
        let turn = worker::run_next(&app.state, registry, worker, now)
            .await
            .unwrap();
        if turn == Turn::Idle {
            return turns;
        }
        turns.push(turn);
        assert!(turns.len() < 1000, "the queue does not run dry");
    }
}

async fn a_job_is_claimed_run_and_done_once(backend: Backend) {
    let app = TestApp::new(backend).await;
    let registry = registry();
    let now = db::now();
    let id = enqueue(&app.state.db, "test.mark", now, 3).await;
    let later = enqueue(&app.state.db, "test.mark", now + 600, 3).await;

    let turn = worker::run_next(&app.state, &registry, "worker-a", now)
        .await
        .unwrap();
    assert!(matches!(&turn, Turn::Done(job) if job.id == id), "{turn:?}");
    assert_eq!(
        worker::run_next(&app.state, &registry, "worker-b", now)
            .await
            .unwrap(),
        Turn::Idle,
        "the other job is not due yet"
    );
    assert_eq!(marks(&app).await, 1);
    let done = store::find(&app.state.db, id).await.unwrap().unwrap();
    assert!(done.done_at.is_some());
    assert_eq!(done.attempts, 1);
    assert_eq!(done.locked_by.as_deref(), Some("worker-a"));
    assert_eq!(done.locked_until, None);

    let turns = drain(&app, &registry, "worker-b", now + 601).await;
    assert_eq!(turns.len(), 1);
    assert!(matches!(&turns[0], Turn::Done(job) if job.id == later));
    assert_eq!(marks(&app).await, 2, "each job ran once");
}

async fn a_failing_job_waits_longer_each_time_then_fails_for_good(backend: Backend) {
    let app = TestApp::new(backend).await;
    let registry = registry();
    let now = db::now();
    let id = enqueue(&app.state.db, "test.crash", now, 3).await;

    let Turn::Retrying(first) = worker::run_next(&app.state, &registry, "w", now)
        .await
        .unwrap()
    else {
        panic!("the first failure is retried");
    };
    assert_eq!(first.attempts, 1);
    assert_eq!(first.last_error.as_deref(), Some("the handler fell over"));
    assert!((now + 30..=now + 35).contains(&first.run_at), "{first:?}");
    assert_eq!(marks(&app).await, 0, "the failed attempt left nothing");
    assert_eq!(
        worker::run_next(&app.state, &registry, "w", now + 10)
            .await
            .unwrap(),
        Turn::Idle,
        "not before its wait is over"
    );

    let at = first.run_at;
    let Turn::Retrying(second) = worker::run_next(&app.state, &registry, "w", at)
        .await
        .unwrap()
    else {
        panic!("the second failure is retried");
    };
    assert_eq!(second.attempts, 2);
    assert_eq!(second.run_at, at + 60, "the wait doubled");

    let Turn::Failed(last) = worker::run_next(&app.state, &registry, "w", second.run_at)
        .await
        .unwrap()
    else {
        panic!("the third failure is the last");
    };
    assert_eq!(last.attempts, 3);
    assert!(last.failed_at.is_some());
    assert_eq!(
        worker::run_next(&app.state, &registry, "w", now + 100_000)
            .await
            .unwrap(),
        Turn::Idle,
        "a failed job is not claimed again"
    );
    assert_eq!(marks(&app).await, 0);

    // Administrators see it with its error, and may try it again.
    let mut admin = app.as_role(Role::Admin).await;
    let page = admin.get("/admin/jobs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("test.crash"));
    assert!(page.body.contains("the handler fell over"));
    assert!(page.body.contains(&format!("/admin/jobs/{id}/retry")));
    let mut coordinator = app.as_role(Role::Coordinator).await;
    assert_eq!(
        coordinator.get("/admin/jobs").await.status,
        StatusCode::FORBIDDEN
    );
    let retried = admin.post(&format!("/admin/jobs/{id}/retry"), &[]).await;
    assert_eq!(retried.status, StatusCode::SEE_OTHER, "{}", retried.body);
    assert_eq!(
        admin
            .post(&format!("/admin/jobs/{id}/retry"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND,
        "only a failed job can be retried"
    );
    let again = store::find(&app.state.db, id).await.unwrap().unwrap();
    assert_eq!((again.attempts, again.failed_at), (0, None));
    assert_eq!(
        app.count("audit_events WHERE action = 'job_retried' AND detail = ''")
            .await,
        1
    );
    assert!(matches!(
        worker::run_next(&app.state, &registry, "w", db::now())
            .await
            .unwrap(),
        Turn::Retrying(job) if job.id == id && job.attempts == 1
    ));
}

async fn unknown_kinds_and_panics_fail_clearly(backend: Backend) {
    let app = TestApp::new(backend).await;
    let registry = registry();
    let now = db::now();
    let unknown = enqueue(&app.state.db, "nobody.knows", now, 1).await;
    let panics = enqueue(&app.state.db, "test.panic", now, 1).await;
    let turns = drain(&app, &registry, "w", now).await;
    assert_eq!(turns.len(), 2);
    let unknown = store::find(&app.state.db, unknown).await.unwrap().unwrap();
    assert!(unknown.failed_at.is_some());
    assert_eq!(
        unknown.last_error.as_deref(),
        Some("no handler is registered for the kind \"nobody.knows\"")
    );
    let panics = store::find(&app.state.db, panics).await.unwrap().unwrap();
    assert_eq!(panics.last_error.as_deref(), Some("the handler panicked"));
}

async fn recurring_sweeps_are_enqueued_once_per_period(backend: Backend) {
    let app = TestApp::new(backend).await;
    let registry = Registry::standard();
    let settings = &app.state.settings;
    let period = settings.jobs.sweep_period_seconds();
    let start = db::now() - db::now().rem_euclid(period);
    // Three instances ask in the same period: one sweep of each kind.
    let kinds = registry.recurring().count();
    assert!(kinds >= 2, "referrals and check-ins both sweep");
    let mut added = 0;
    for moment in [start, start + 1, start + period - 1] {
        added += worker::enqueue_recurring(&app.state.db, &registry, settings, moment)
            .await
            .unwrap();
    }
    assert_eq!(added, kinds);
    assert_eq!(app.count("jobs WHERE kind = 'referrals.sweep'").await, 1);
    assert_eq!(app.count("jobs WHERE kind = 'checkins.sweep'").await, 1);
    let key: String =
        sqlx::query_scalar("SELECT dedupe_key FROM jobs WHERE kind = 'referrals.sweep'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(key, format!("referrals.sweep@{start}"));
    // The next period has its own.
    let next = worker::enqueue_recurring(&app.state.db, &registry, settings, start + period)
        .await
        .unwrap();
    assert_eq!(next, kinds);
    assert_eq!(app.count("jobs WHERE kind = 'referrals.sweep'").await, 2);
}

async fn a_lapsed_claim_passes_to_another_worker_and_runs_once(backend: Backend) {
    let app = TestApp::new(backend).await;
    let registry = registry();
    let now = db::now();
    let id = enqueue(&app.state.db, "test.mark", now, 3).await;
    let other = enqueue(&app.state.db, "test.mark", now, 3).await;

    // Worker A claims the first; B, meanwhile, is given the other.
    let claimed = store::claim(&app.state.db, "a", now, now + LEASE_SECONDS)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, id);
    let meanwhile = store::claim(&app.state.db, "b", now, now + LEASE_SECONDS)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(meanwhile.id, other);
    assert!(
        store::claim(&app.state.db, "c", now, now + LEASE_SECONDS)
            .await
            .unwrap()
            .is_none(),
        "nothing else is free"
    );

    // A stalls past its lease: C takes the job and runs it.
    let turn = worker::run_next(&app.state, &registry, "c", now + LEASE_SECONDS + 1)
        .await
        .unwrap();
    assert!(matches!(&turn, Turn::Done(job) if job.id == id), "{turn:?}");
    // A wakes and tries to do the work: it no longer holds the claim.
    let mut tx = app.state.db.begin_write().await.unwrap();
    assert!(!store::hold(&mut tx, id, "a").await.unwrap());
    tx.rollback().await.unwrap();
    assert_eq!(marks(&app).await, 1);
    let done = store::find(&app.state.db, id).await.unwrap().unwrap();
    assert_eq!(done.attempts, 2, "both claims counted");
    assert_eq!(done.locked_by.as_deref(), Some("c"));
}

/// Two organisations, a service of the second, a person of the first, a
/// coordinator of the receiver and a link worker of the referrer.
struct World {
    app: TestApp,
    receiver: i64,
    person: i64,
    link_worker: i64,
    sink: smtp::SmtpSink,
}

async fn account_id(db: &Db, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM accounts WHERE email = $1")
        .bind(email)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

async fn world(backend: Backend) -> World {
    let sink = smtp::start().await;
    let port = sink.port;
    let app = TestApp::with_settings(backend, move |s| {
        s.mail.transport = MailTransport::Smtp;
        s.mail.smtp_host = "127.0.0.1".into();
        s.mail.smtp_port = port;
        s.public_url = "https://coprod.example".into();
    })
    .await;
    let db = &app.state.db;
    let name = |n: &str| LineOfText::parse(n).unwrap();
    let referrer = organisations::create(db, &name("Harbour Links"), Sector::Third, None)
        .await
        .unwrap();
    let receiver = organisations::create(db, &name("Glen Walkers"), Sector::Third, None)
        .await
        .unwrap();
    service_managed_by(db, "svc-walk", "Glen Walking Group", receiver).await;
    let person = person_held_by(db, "Morag Fraser", None, Channel::Phone, Some(referrer)).await;
    app.as_role_in(Role::Coordinator, receiver).await;
    app.as_role_in(Role::LinkWorker, referrer).await;
    let link_worker = account_id(db, &format!("link_worker.{referrer}@test.example")).await;
    World {
        app,
        receiver,
        person,
        link_worker,
        sink,
    }
}

/// A referral made by the world's link worker, due on `respond_by`.
async fn referral(w: &World, respond_by: &str) -> i64 {
    let db = &w.app.state.db;
    let id = referral_to(db, w.person, "svc-walk", w.receiver, "name").await;
    sqlx::query("UPDATE referrals SET respond_by = $1, referred_by = $2 WHERE id = $3")
        .bind(respond_by)
        .bind(w.link_worker)
        .bind(id)
        .execute(db.pool())
        .await
        .unwrap();
    id
}

/// The messages the sink has received so far.
async fn mail(sink: &mut smtp::SmtpSink, expected: usize) -> Vec<String> {
    let mut got = Vec::new();
    while got.len() < expected {
        let message =
            tokio::time::timeout(std::time::Duration::from_secs(10), sink.messages.recv())
                .await
                .expect("the mail arrives within 10 s")
                .unwrap();
        // Undo quoted-printable line folding.
        got.push(message.replace("=\n", "").replace("=3D", "="));
    }
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(sink.messages.try_recv().is_err(), "no more than {expected}");
    got
}

async fn the_sweep(w: &World, at: i64) {
    let registry = Registry::standard();
    worker::enqueue_recurring(&w.app.state.db, &registry, &w.app.state.settings, at)
        .await
        .unwrap();
    for turn in drain(&w.app, &registry, "w", at).await {
        assert!(matches!(turn, Turn::Done(_)), "{turn:?}");
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "one referral's escalation and another's stall, told in order"
)]
async fn overdue_referrals_are_escalated_and_reminded_exactly_once(backend: Backend) {
    let mut w = world(backend).await;
    let late = referral(&w, "2026-01-05").await;
    let on_time = referral(&w, "2099-12-31").await;
    let now = db::now();

    // The queue no longer escalates as a page is read.
    let mut coordinator = w.app.client();
    coordinator
        .sign_in(
            &format!("coordinator.{}@test.example", w.receiver),
            crate::support::PASSWORD,
        )
        .await;
    assert!(
        coordinator
            .get("/referrals/incoming")
            .await
            .body
            .contains("Escalated"),
        "the page still shows what is overdue"
    );
    assert_eq!(
        w.app
            .count("referrals WHERE escalated_at IS NOT NULL")
            .await,
        0
    );

    the_sweep(&w, now).await;
    let escalated: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM referrals WHERE escalated_at IS NOT NULL")
            .fetch_all(w.app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(escalated, [late]);
    let messages = mail(&mut w.sink, 2).await;
    for message in &messages {
        assert!(
            message.contains("Subject: A referral to Service svc-walk has not been answered"),
            "{message}"
        );
        assert!(message.contains(&format!("https://coprod.example/referrals/{late}")));
        assert!(message.contains("5 January 2026"));
        assert!(!message.contains("Morag"), "no name in the mail");
    }
    let to: Vec<bool> = [
        format!("coordinator.{}@test.example", w.receiver),
        "link_worker.".to_owned(),
    ]
    .iter()
    .map(|a| messages.iter().any(|m| m.contains(a.as_str())))
    .collect();
    assert_eq!(to, [true, true], "the receiver and the referrer hear");
    assert_eq!(
        w.app
            .count("audit_events WHERE action = 'referral_escalated' AND actor_account_id IS NULL")
            .await,
        1
    );
    assert_eq!(
        w.app
            .count("audit_events WHERE action = 'referral_reminder_sent'")
            .await,
        2
    );

    // Swept again, in the next period: nothing more.
    let period = w.app.state.settings.jobs.sweep_period_seconds();
    the_sweep(&w, now + period).await;
    mail(&mut w.sink, 0).await;
    assert_eq!(
        w.app
            .count("audit_events WHERE action = 'referral_escalated'")
            .await,
        1
    );
    assert_eq!(w.app.count("referral_reminders").await, 1);

    // The other is accepted and then nobody makes contact: one reminder
    // of that, once.
    let mut tx = w.app.state.db.begin_write().await.unwrap();
    sqlx::query("UPDATE referrals SET status = 'accepted' WHERE id = $1")
        .bind(on_time)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO referral_events (referral_id, status, occurred_at, actor_kind, side, channel) \
         VALUES ($1, 'accepted', 1767225600, 'operator', 'receiver', 'phone')",
    )
    .bind(on_time)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query("UPDATE referral_events SET occurred_at = 1767225600 WHERE referral_id = $1")
        .bind(on_time)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    the_sweep(&w, now + 2 * period).await;
    let messages = mail(&mut w.sink, 2).await;
    assert!(
        messages.iter().all(|m| m.contains("is waiting for contact")
            && m.contains(&format!("/referrals/{on_time}")))
    );
    the_sweep(&w, now + 3 * period).await;
    mail(&mut w.sink, 0).await;
    assert_eq!(
        w.app
            .count("audit_events WHERE action = 'referral_reminder_sent'")
            .await,
        4
    );
}

/// A mail server that refuses: the reminder is retried later, and its
/// audit row is written only once a message went.
async fn a_reminder_the_mail_server_refused_is_tried_again(backend: Backend) {
    let app = TestApp::with_settings(backend, |s| {
        s.mail.transport = MailTransport::Smtp;
        s.mail.smtp_host = "127.0.0.1".into();
        // Nothing listens on port 9 here.
        s.mail.smtp_port = 9;
    })
    .await;
    let db = &app.state.db;
    let receiver = organisations::create(
        db,
        &LineOfText::parse("Glen Walkers").unwrap(),
        Sector::Third,
        None,
    )
    .await
    .unwrap();
    service_managed_by(db, "svc-walk", "Glen Walking Group", receiver).await;
    let person = person_held_by(db, "Iain Ross", None, Channel::Phone, None).await;
    app.as_role_in(Role::Manager, receiver).await;
    let id = referral_to(db, person, "svc-walk", receiver, "name").await;
    sqlx::query("UPDATE referrals SET respond_by = '2026-01-05' WHERE id = $1")
        .bind(id)
        .execute(db.pool())
        .await
        .unwrap();
    let registry = Registry::standard();
    let now = db::now();
    worker::enqueue_recurring(db, &registry, &app.state.settings, now)
        .await
        .unwrap();
    // The check-in sweep runs too; it has nothing to do here.
    let turns: Vec<Turn> = drain(&app, &registry, "w", now)
        .await
        .into_iter()
        .filter(|t| !matches!(t, Turn::Done(job) if job.kind == "checkins.sweep"))
        .collect();
    assert!(matches!(&turns[0], Turn::Done(job) if job.kind == "referrals.sweep"));
    assert!(
        matches!(&turns[1], Turn::Retrying(job) if job.kind == "referrals.reminder_mail"
            && job.last_error.as_deref().is_some_and(|e| !e.is_empty())),
        "{turns:?}"
    );
    assert_eq!(
        app.count("audit_events WHERE action = 'referral_reminder_sent'")
            .await,
        0
    );
    assert_eq!(
        app.count("audit_events WHERE action = 'referral_escalated'")
            .await,
        1
    );
}

on_both_backends!(
    a_job_is_claimed_run_and_done_once,
    a_failing_job_waits_longer_each_time_then_fails_for_good,
    unknown_kinds_and_panics_fail_clearly,
    recurring_sweeps_are_enqueued_once_per_period,
    a_lapsed_claim_passes_to_another_worker_and_runs_once,
    overdue_referrals_are_escalated_and_reminded_exactly_once,
    a_reminder_the_mail_server_refused_is_tried_again,
);
