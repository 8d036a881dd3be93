//! The `coprod` command: one binary for serving, the demo, migrations,
//! user administration, backups and restores.

/// `coprod bench matching`: a synthetic city and the matcher's speed.
mod bench;
/// `coprod feedback due-date`: complaint due dates, with no database.
mod feedback;
mod simd;
/// Results on standard output, ending quietly when the reader has gone.
mod standard_output;
mod star;
mod survey;
mod token;

use std::{
    io::BufRead,
    path::{Path, PathBuf},
    time::Instant,
};

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use coprod_server::coprod_engine::people::{EmailAddress, LineOfText, NewPassword, Role};
use coprod_server::{
    AppState, Settings,
    accounts::{password, store as accounts},
    db::{Db, backup, server_lock::ServerLock},
    demo, places,
};

mod pb;
mod people;

#[derive(Parser)]
#[command(
    name = "coprod",
    version,
    about = "Co-production of public services: map, match, decide, design and judge together."
)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Command,
}

/// Where the service listens and keeps its data; each also settable in the
/// environment or the settings file.
#[derive(Args)]
struct Common {
    /// A TOML settings file.
    #[arg(long, global = true, env = "COPROD_CONFIG")]
    config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, global = true, value_name = "HOST:PORT", env = "COPROD_LISTEN")]
    listen: Option<String>,
    /// Directory for the `SQLite` database, backups and the mail outbox [default: ./data]
    #[arg(long, global = true, value_name = "DIR", env = "COPROD_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// sqlite:// or postgres:// URL [default: `SQLite` in the data directory]
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "COPROD_DATABASE_URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server.
    Serve,
    /// Fill the database with a fictional partnership, then run the server.
    Demo {
        /// Seed the demo data and exit without serving.
        #[arg(long)]
        seed_only: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Manage people's accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Load reference data into the database.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Write data out in a standard format.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Work with survey data without a database.
    Survey {
        #[command(subcommand)]
        action: survey::SurveyAction,
    },
    /// Complaints: the model complaints procedure's due dates.
    Feedback {
        #[command(subcommand)]
        action: feedback::FeedbackCommand,
    },
    /// Write a consistent snapshot of the database.
    Backup {
        /// Where to write it [default: `DATA_DIR/backups/coprod`-<time>.(sqlite3|json)]
        file: Option<PathBuf>,
    },
    /// Replace the database's contents with a snapshot. Stop the server first
    /// (on `SQLite`, a restore refuses while a server is using the database).
    Restore {
        /// A file written by `coprod backup`.
        file: PathBuf,
    },
    /// Participatory budgeting elections in the pabulib format.
    Pb {
        #[command(subcommand)]
        action: pb::PbCommand,
    },
    /// People's rights over their data: a copy of everything held, erasure.
    People {
        #[command(subcommand)]
        action: people::PeopleCommand,
    },
    /// The Co-Production Star toolkit's reports.
    Star {
        #[command(subcommand)]
        action: star::StarCommand,
    },
    /// Bearer tokens for organisations' systems.
    Token {
        #[command(subcommand)]
        action: token::TokenCommand,
    },
    /// Measure how fast something runs, on generated data; prints JSON.
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
}

#[derive(Subcommand)]
enum BenchWhat {
    /// Rank and assign offers of help to requests in a synthetic city.
    Matching {
        /// Offers in the city.
        #[arg(long, default_value_t = 200_000)]
        offers: usize,
        /// Requests in the city.
        #[arg(long, default_value_t = 100_000)]
        requests: usize,
        /// Requests ranked through the index for the percentiles.
        #[arg(long, default_value_t = 2_000)]
        ranked: usize,
        /// Requests ranked by scanning every offer.
        #[arg(long, default_value_t = 50)]
        scanned: usize,
        /// The side of the square sub-problem solved exactly.
        #[arg(long, default_value_t = 2_000)]
        exact: usize,
        /// Requests assigned in the batch [default: every request].
        #[arg(long)]
        batch_requests: Option<usize>,
        /// The side of the squares the batch solves one at a time, in km.
        #[arg(long, default_value_t = 3.0)]
        region_km: f64,
        /// Seed for the generated city.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// A postcode directory CSV (NRS Scottish Postcode Directory or ONS
    /// Postcode Directory layout). Replaces the entries for the postcodes it
    /// holds; all or nothing.
    Postcodes {
        /// The CSV file.
        file: PathBuf,
    },
    /// Open Referral HSDS 3.0 services: a JSON list of full service
    /// documents, an HSDS page with `contents`, one service, or a folder
    /// holding a tabular data package (services.csv and the other tables).
    /// All or nothing.
    Hsds {
        /// The JSON file.
        file: PathBuf,
    },
    /// The Scottish Index of Multiple Deprivation by data zone: a CSV with
    /// the data zone code, the SIMD rank, and the decile or quintile (the
    /// published SIMD ranks file works as it is). All or nothing.
    Simd {
        /// The CSV file.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum ExportWhat {
    /// Every service as a JSON list of full HSDS 3.0 service documents.
    Hsds {
        /// Where to write it; `-` for standard output.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create an account. The password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// citizen, volunteer, coordinator, `link_worker`, manager or admin
        #[arg(long, default_value = "citizen")]
        role: String,
        /// Organisation id the role is held in [default: the whole partnership]
        #[arg(long)]
        organisation: Option<i64>,
    },
    /// Give (or with --remove, take away) a role.
    SetRole {
        #[arg(long)]
        email: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        organisation: Option<i64>,
        #[arg(long)]
        remove: bool,
    },
}

fn settings(common: &Common, demo_defaults: bool) -> anyhow::Result<Settings> {
    let mut settings = Settings::load(common.config.as_deref(), std::env::vars())?;
    if let Some(listen) = &common.listen {
        settings.listen = listen.parse().with_context(|| {
            format!("--listen expects HOST:PORT such as 127.0.0.1:8080, got {listen:?}")
        })?;
        if std::env::var("COPROD_PUBLIC_URL").is_err() {
            settings.public_url = format!("http://{}", settings.listen);
        }
    }
    if let Some(dir) = &common.data_dir {
        settings.data_dir.clone_from(dir);
    }
    if let Some(url) = &common.database_url {
        settings.database_url = Some(url.clone().into());
    }
    if demo_defaults && settings.partnership_name == Settings::default().partnership_name {
        demo::PARTNERSHIP_NAME.clone_into(&mut settings.partnership_name);
    }
    Ok(settings)
}

fn init_logging() {
    use tracing_subscriber::{EnvFilter, fmt};
    let filter = EnvFilter::try_from_env("COPROD_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("COPROD_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.compact().init();
    }
}

fn main() -> anyhow::Result<()> {
    init_logging();
    let cli = Cli::parse();
    // Counting and scoring a file touch no database and no network. They
    // run without the async runtime, whose start and shutdown would cost
    // more than counting a district's election does.
    match cli.command {
        Command::Pb {
            action: pb::PbCommand::Count { file, rule, json },
        } => pb::count_file(&file, &rule, json),
        Command::Survey { action } => survey::run(action),
        Command::Feedback { action } => feedback::run(&action),
        command => tokio::runtime::Runtime::new()?.block_on(run(Cli { command, ..cli })),
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "one arm per subcommand, each handing over to its module"
)]
async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve => {
            let started = Instant::now();
            let settings = settings(&cli.common, false)?;
            let _lock = hold_while_serving(&settings)?;
            let state = AppState::prepare(settings).await?;
            coprod_server::serve(state, |address| {
                tracing::info!(startup_ms = started.elapsed().as_millis(), "ready");
                println!("coprod is running at http://{address}/");
            })
            .await
        }
        Command::Demo { seed_only } => {
            let settings = settings(&cli.common, true)?;
            let _lock = if seed_only {
                None
            } else {
                hold_while_serving(&settings)?
            };
            let state = AppState::prepare(settings).await?;
            let seeded = demo::seed(&state.db).await?;
            if seeded.already_present {
                println!(
                    "Demo data was already present in {}.",
                    state.settings.data_dir.display()
                );
            } else {
                println!(
                    "Seeded {} with {} organisations, {} people, {} postcodes, {} services, \
                     {} budgets, {} survey responses, {} requests for help and {} co-production \
                     initiatives ({} with a business case), {} referrals, {} teams sharing a \
                     caseload of {} people, {} items of feedback ({} complaints at every stage), \
                     and {} community plans with {} indicator figures and \
                     {} \"you said, we did\" entries ({} signed off).",
                    demo::PARTNERSHIP_NAME,
                    seeded.organisations,
                    seeded.accounts,
                    seeded.postcodes,
                    seeded.services,
                    seeded.budgets,
                    seeded.survey_responses,
                    seeded.help_requests,
                    seeded.star_initiatives,
                    seeded.business_cases,
                    seeded.referrals,
                    seeded.teams,
                    seeded.caseload,
                    seeded.feedback,
                    seeded.complaints,
                    seeded.planning.plans,
                    seeded.planning.figures,
                    seeded.planning.entries,
                    seeded.planning.signed_off
                );
            }
            println!(
                "\nSign in with any of these (password: {}):",
                demo::PASSWORD
            );
            for (email, _, role) in demo::ACCOUNTS {
                println!("  {role:<12} {email}");
            }
            if seed_only {
                state.db.close().await;
                return Ok(());
            }
            coprod_server::serve(state, |address| {
                println!("\nOpen http://{address}/ in your browser. Press Ctrl-C to stop.");
            })
            .await
        }
        Command::Migrate => {
            let settings = settings(&cli.common, false)?;
            let db = Db::connect(&settings.database_url()).await?;
            db.migrate().await?;
            println!(
                "The database is up to date ({} migrations).",
                db.migrator_versions().len()
            );
            db.close().await;
            Ok(())
        }
        Command::User { action } => user(&cli.common, action).await,
        Command::Import {
            what: ImportWhat::Postcodes { file },
        } => import_postcodes(&cli.common, &file).await,
        Command::Import {
            what: ImportWhat::Hsds { file },
        } => import_hsds(&cli.common, &file).await,
        Command::Import {
            what: ImportWhat::Simd { file },
        } => simd::import(&cli.common, &file).await,
        Command::Survey { action } => survey::run(action),
        Command::Feedback { action } => feedback::run(&action),
        Command::Export {
            what: ExportWhat::Hsds { file },
        } => export_hsds(&cli.common, &file).await,
        Command::Backup { file } => backup_to(&cli.common, file).await,
        Command::Pb { action } => pb::run(action, || open_database(&cli.common)).await,
        Command::Star { action } => star::run(action, || open_database(&cli.common)).await,
        Command::Token { action } => token::run(action, || open_database(&cli.common)).await,
        Command::People { action } => people::run(action, || open_database(&cli.common)).await,
        Command::Bench { what } => {
            run_bench(&what);
            Ok(())
        }
        Command::Restore { file } => {
            let settings = settings(&cli.common, false)?;
            std::fs::create_dir_all(&settings.data_dir)
                .with_context(|| format!("could not create {}", settings.data_dir.display()))?;
            let counts = backup::restore(&settings.database_url(), &file).await?;
            println!(
                "Restored {} ({} rows in {} tables).",
                file.display(),
                counts.values().sum::<i64>(),
                counts.len()
            );
            Ok(())
        }
    }
}

/// The lock a serving process holds on a `SQLite` database from before it
/// migrates until it stops, so `coprod restore` refuses meanwhile.
fn hold_while_serving(settings: &Settings) -> anyhow::Result<Option<ServerLock>> {
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("could not create {}", settings.data_dir.display()))?;
    Ok(ServerLock::serving(&settings.database_url())?)
}

/// The database named by the settings, migrated.
async fn open_database(common: &Common) -> anyhow::Result<Db> {
    let settings = settings(common, false)?;
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("could not create {}", settings.data_dir.display()))?;
    let db = Db::connect(&settings.database_url()).await?;
    db.migrate().await?;
    Ok(db)
}

async fn user(common: &Common, action: UserAction) -> anyhow::Result<()> {
    let settings = settings(common, false)?;
    let db = Db::connect(&settings.database_url()).await?;
    db.migrate().await?;
    match action {
        UserAction::Create {
            email,
            name,
            role,
            organisation,
        } => {
            let email =
                EmailAddress::parse(&email).map_err(|e| anyhow::anyhow!("--email: {}", e.key))?;
            let name =
                LineOfText::parse(&name).map_err(|e| anyhow::anyhow!("--name: {}", e.key))?;
            let role = Role::parse(&role).map_err(|_| anyhow::anyhow!("--role must be one of citizen, volunteer, coordinator, link_worker, manager, admin"))?;
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("could not read the password from standard input")?;
            let password = NewPassword::parse(line.trim_end_matches(['\r', '\n']))
                .map_err(|e| anyhow::anyhow!("the password was refused: {}", e.key))?;
            let hash = password::hash(password).await?;
            let id = match accounts::create(&db, &email, &name, &hash).await {
                Ok(id) => id,
                Err(accounts::CreateAccountError::EmailTaken) => {
                    bail!("{email} already has an account")
                }
                Err(accounts::CreateAccountError::Database(e)) => return Err(e.into()),
            };
            accounts::grant(&db, id, organisation, role).await?;
            println!("Created account {id} for {email} as {role}.");
        }
        UserAction::SetRole {
            email,
            role,
            organisation,
            remove,
        } => {
            let role = Role::parse(&role).map_err(|_| anyhow::anyhow!("--role must be one of citizen, volunteer, coordinator, link_worker, manager, admin"))?;
            let account = accounts::find_by_email(&db, &email.trim().to_lowercase())
                .await?
                .with_context(|| format!("no account has the email {email}"))?;
            if remove {
                let held = accounts::memberships(&db, account.id).await?;
                let membership = held
                    .iter()
                    .find(|m| m.role == role && m.organisation_id == organisation)
                    .with_context(|| format!("{email} does not hold {role} there"))?;
                let mut tx = db.begin_write().await?;
                accounts::revoke(&mut tx, account.id, membership.id).await?;
                tx.commit().await?;
                println!("Removed {role} from {email}.");
            } else if accounts::grant(&db, account.id, organisation, role).await? {
                println!("Gave {email} the role {role}.");
            } else {
                println!("{email} already held the role {role}.");
            }
        }
    }
    db.close().await;
    Ok(())
}

/// How many row problems to print before summarising the rest.
const SHOW_PROBLEMS: usize = 50;

async fn import_postcodes(common: &Common, file: &Path) -> anyhow::Result<()> {
    let reader =
        std::fs::File::open(file).with_context(|| format!("could not open {}", file.display()))?;
    let parsed = match places::import::parse(std::io::BufReader::new(reader)) {
        Ok(parsed) => parsed,
        Err(places::import::ImportError::Rows(problems)) => {
            for problem in problems.iter().take(SHOW_PROBLEMS) {
                eprintln!("{}: {problem}", file.display());
            }
            if problems.len() > SHOW_PROBLEMS {
                eprintln!("… and {} more", problems.len() - SHOW_PROBLEMS);
            }
            bail!(
                "{} has {} problem(s); nothing was imported",
                file.display(),
                problems.len()
            );
        }
        Err(other) => bail!("{}: {other}", file.display()),
    };
    let settings = settings(common, false)?;
    let db = Db::connect(&settings.database_url()).await?;
    db.migrate().await?;
    let stored = places::store::import_with_names(&db, &parsed.records, &parsed.names).await?;
    let total = places::store::count(&db).await?;
    db.close().await;
    println!(
        "Imported {stored} postcodes from {} ({} terminated postcodes skipped; {} area names); the directory now holds {total}.",
        file.display(),
        parsed.terminated,
        parsed.names.len()
    );
    Ok(())
}

async fn connect(common: &Common) -> anyhow::Result<Db> {
    let settings = settings(common, false)?;
    let db = Db::connect(&settings.database_url()).await?;
    db.migrate().await?;
    Ok(db)
}

async fn import_hsds(common: &Common, file: &Path) -> anyhow::Result<()> {
    use coprod_server::asset_map::interchange::{self, ImportError};
    // A folder is an HSDS tabular data package; a file is JSON.
    let value = if file.is_dir() {
        serde_json::Value::Array(coprod_server::asset_map::datapackage::read(file)?)
    } else {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("could not read {}", file.display()))?;
        serde_json::from_str(&text)
            .with_context(|| format!("{} is not valid JSON", file.display()))?
    };
    let db = connect(common).await?;
    let result = interchange::import(&db, &value).await;
    db.close().await;
    match result {
        Ok(count) => {
            println!("Imported {count} services from {}.", file.display());
            Ok(())
        }
        Err(ImportError::Invalid(problems)) => {
            for problem in problems.iter().take(SHOW_PROBLEMS) {
                eprintln!("{}: {problem}", file.display());
            }
            if problems.len() > SHOW_PROBLEMS {
                eprintln!("… and {} more", problems.len() - SHOW_PROBLEMS);
            }
            bail!(
                "{} has {} problem(s); nothing was imported",
                file.display(),
                problems.len()
            )
        }
        Err(other) => bail!("{}: {other}", file.display()),
    }
}

async fn export_hsds(common: &Common, file: &Path) -> anyhow::Result<()> {
    let db = connect(common).await?;
    let exported = coprod_server::asset_map::interchange::export(&db).await;
    db.close().await;
    let exported = exported?;
    let count = exported.as_array().map_or(0, Vec::len);
    let text = serde_json::to_string_pretty(&exported)?;
    if file.as_os_str() == "-" {
        println!("{text}");
    } else {
        let partial = file.with_extension("partial");
        std::fs::write(&partial, text)
            .with_context(|| format!("could not write {}", partial.display()))?;
        std::fs::rename(&partial, file)
            .with_context(|| format!("could not write {}", file.display()))?;
        eprintln!("Exported {count} services to {}.", file.display());
    }
    Ok(())
}

async fn backup_to(common: &Common, file: Option<PathBuf>) -> anyhow::Result<()> {
    let settings = settings(common, false)?;
    let db = Db::connect(&settings.database_url()).await?;
    let extension = match db.backend() {
        coprod_server::db::Backend::Sqlite => "sqlite3",
        coprod_server::db::Backend::Postgres => "json",
    };
    let target = if let Some(file) = file {
        file
    } else {
        let dir = settings.data_dir.join("backups");
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("could not create {}", dir.display()))?;
        dir.join(format!("coprod-{}.{extension}", coprod_server::db::now()))
    };
    let counts = backup::backup(&db, &target).await?;
    db.close().await;
    println!(
        "Wrote {} ({} rows in {} tables).",
        target.display(),
        counts.values().sum::<i64>(),
        counts.len()
    );
    Ok(())
}

/// Runs a benchmark and prints its JSON.
fn run_bench(what: &BenchWhat) {
    match what {
        BenchWhat::Matching {
            offers,
            requests,
            ranked,
            scanned,
            exact,
            batch_requests,
            region_km,
            seed,
        } => {
            let result = bench::run(&bench::Sizes {
                offers: *offers,
                requests: *requests,
                ranked: *ranked,
                scanned: *scanned,
                exact: *exact,
                batch_requests: batch_requests.unwrap_or(*requests),
                region_km: *region_km,
                seed: *seed,
            });
            println!("{result}");
        }
    }
}
