//! Two `coprod serve` processes on one `PostgreSQL` database share the
//! background job queue: 200 overdue referrals are escalated and reminded
//! about exactly once each (one mail, one audit row of each kind), both
//! instances do part of the work, and both stop cleanly on SIGTERM.

use std::{
    collections::BTreeSet,
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use coprod_server::{
    accounts::{password, store as accounts},
    coordination::{
        model::Channel as HelpChannel,
        store::{self as coordination, people::NewPerson},
        workflow::Actor,
    },
    coprod_engine::{
        people::{EmailAddress, LineOfText, NewPassword, Role, Sector},
        referrals::{Channel, ReferrerKind, Sharing},
        schedule::Date,
    },
    db::{Backend, Db, testing::TestDb},
    organisations::store as organisations,
    referrals::{
        model::Target,
        store::NewReferral,
        workflow::{self, Making},
    },
};
use sqlx::Acquire;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader as AsyncBufReader},
    net::TcpListener,
};

const REFERRALS: usize = 200;

/// A local SMTP server that keeps every message and takes a little time
/// over each, as a real one would, so the work lasts long enough for both
/// instances to share it.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let kept = Arc::new(Mutex::new(Vec::new()));
    let into = kept.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let into = into.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = AsyncBufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(text) = data.as_mut() {
                        if line == "." {
                            tokio::time::sleep(Duration::from_millis(15)).await;
                            into.lock().unwrap().push(data.take().unwrap_or_default());
                            let _ = write.write_all(b"250 queued\r\n").await;
                        } else {
                            text.push_str(line.strip_prefix('.').unwrap_or(&line));
                            text.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split_whitespace().next().unwrap_or("").to_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 sink\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    let _ = write.write_all(reply).await;
                }
            });
        }
    });
    (port, kept)
}

/// An organisation with a service and a coordinator (who hears of its
/// stalled referrals), and `REFERRALS` referrals to it, all overdue.
async fn seed(db: &Db) -> BTreeSet<i64> {
    let receiver = organisations::create(
        db,
        &LineOfText::parse("Glen Walkers").unwrap(),
        Sector::Third,
        None,
    )
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO services (id, name, description, status, managed_by, free, categories, modified_at, document) \
         VALUES ('svc-walk', 'Glen Walking Group', 'Walks', 'active', $1, 1, '', 0, '{}')",
    )
    .bind(receiver)
    .execute(db.pool())
    .await
    .unwrap();
    let hash = password::hash(NewPassword::parse("a tidy long password").unwrap())
        .await
        .unwrap();
    let coordinator = accounts::create(
        db,
        &EmailAddress::parse("eilidh@glenwalkers.example").unwrap(),
        &LineOfText::parse("Eilidh Grant").unwrap(),
        &hash,
    )
    .await
    .unwrap();
    accounts::grant(db, coordinator, Some(receiver), Role::Coordinator)
        .await
        .unwrap();
    let person = {
        let mut conn = db.pool().acquire().await.unwrap();
        let mut tx = conn.begin().await.unwrap();
        let id = coordination::people::create(
            &mut tx,
            &NewPerson {
                account_id: None,
                organisation_id: None,
                display_name: "Morag Fraser".into(),
                phone: "01632 960001".into(),
                email: None,
                gender: None,
                pays_own_time: true,
                channel: HelpChannel::Phone,
            },
            None,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    };
    let mut ids = BTreeSet::new();
    for _ in 0..REFERRALS {
        let id = workflow::refer(
            db,
            &Actor::operator(),
            &Making {
                referral: NewReferral {
                    person_id: person,
                    referring_organisation_id: None,
                    referred_by: None,
                    referrer_kind: ReferrerKind::LinkWorker,
                    referrer_role: "Link worker".into(),
                    target: Target::Service,
                    service_id: Some("svc-walk".into()),
                    service_name: "Glen Walking Group".into(),
                    receiving_organisation_id: receiver,
                    help_category: None,
                    postcode: String::new(),
                    reason: "Would like to get out walking again".into(),
                    sharing: Sharing::from_stored("name").unwrap(),
                    simd_quintile: None,
                    age_band: None,
                    respond_by: Date::parse("2026-01-05").unwrap(),
                },
                consent_channel: HelpChannel::InPerson,
                channel: Channel::Online,
                receiver_name: "Glen Walkers".into(),
            },
        )
        .await
        .unwrap();
        ids.insert(id);
    }
    ids
}

/// `coprod serve` on a free port with its mail going to the sink; returns
/// once it is ready.
fn serve(data_dir: &Path, url: &str, smtp_port: u16) -> Child {
    let mut server = Command::new(env!("CARGO_BIN_EXE_coprod"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .arg("--database-url")
        .arg(url)
        .env("COPROD_LOG", "warn")
        .env("COPROD_MAIL_TRANSPORT", "smtp")
        .env("COPROD_SMTP_HOST", "127.0.0.1")
        .env("COPROD_SMTP_PORT", smtp_port.to_string())
        .env("COPROD_JOBS_POLL_INTERVAL_MS", "100")
        .env("COPROD_JOBS_CONCURRENCY", "2")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    assert!(first_line.contains("http://"), "{first_line:?}");
    server
}

fn terminate(server: &mut Child) {
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = server.wait().unwrap();
    assert!(status.success(), "exited with {status}");
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db.pool()).await.unwrap()
}

/// The referral a reminder mail is about, from its link.
fn referral_in(mail: &str) -> i64 {
    let unfolded = mail.replace("=\n", "").replace("=3D", "=");
    let at = unfolded.find("/referrals/").expect("a link in the mail") + "/referrals/".len();
    unfolded[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_the_queue_and_run_each_job_once() {
    let test_db = TestDb::new(Backend::Postgres).await.unwrap();
    let db = test_db.db.clone();
    let referrals = seed(&db).await;
    let (smtp_port, mail) = smtp_sink().await;

    let started = Instant::now();
    let mut first = serve(&test_db.data_dir(), &test_db.url, smtp_port);
    let mut second = serve(&test_db.data_dir(), &test_db.url, smtp_port);
    let expected = i64::try_from(REFERRALS).unwrap();
    while count(
        &db,
        "SELECT COUNT(*) FROM audit_events WHERE action = 'referral_reminder_sent'",
    )
    .await
        < expected
    {
        assert!(
            started.elapsed() < Duration::from_secs(25),
            "every reminder within 25 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A moment more, for anything sent twice to show.
    tokio::time::sleep(Duration::from_millis(500)).await;
    terminate(&mut first);
    terminate(&mut second);

    let mail = mail.lock().unwrap().clone();
    assert_eq!(mail.len(), REFERRALS, "one mail per referral");
    let mailed: BTreeSet<i64> = mail.iter().map(|m| referral_in(m)).collect();
    assert_eq!(mailed, referrals, "every referral mailed about, once");
    assert!(
        mail.iter()
            .all(|m| m.contains("eilidh@glenwalkers.example"))
    );

    for (action, rows) in [
        ("referral_escalated", REFERRALS),
        ("referral_reminder_sent", REFERRALS),
    ] {
        let subjects: Vec<i64> = sqlx::query_scalar(
            "SELECT subject_id FROM audit_events WHERE action = $1 AND actor_account_id IS NULL",
        )
        .bind(action)
        .fetch_all(db.pool())
        .await
        .unwrap();
        assert_eq!(subjects.len(), rows, "{action}");
        assert_eq!(
            subjects.into_iter().collect::<BTreeSet<_>>(),
            referrals,
            "one {action} row per referral"
        );
    }
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM jobs WHERE kind = 'referrals.sweep'"
        )
        .await,
        1,
        "two schedulers, one sweep"
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM jobs WHERE done_at IS NULL OR attempts <> 1"
        )
        .await,
        0,
        "every job done at its first attempt"
    );
    let instances: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT locked_by FROM jobs WHERE kind = 'referrals.reminder_mail'",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert_eq!(
        instances.len(),
        2,
        "both instances sent reminders: {instances:?}"
    );
    db.close().await;
}
