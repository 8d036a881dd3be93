//! Times the aggregation of a large survey's responses from the database,
//! for `scripts/bench-surveys`: a 30-question survey (what would help most,
//! the three co-production batteries, willingness and 25 agreement
//! questions) is seeded with N made-up responses, then read back through
//! `surveys::store::responses` and aggregated with the engine: every
//! question's distribution, the co-production index per domain, the
//! perception gap, and the index and respondent counts by SIMD quintile.
//! Finally the responses are written as the same CSV the results page
//! offers, for pandas to aggregate in turn.
//!
//! Usage: `survey_aggregation DATABASE_URL RESPONSES CSV_PATH` (the database
//! must be empty: the script creates it). Prints one JSON object of timings
//! in seconds on standard output.

#![allow(
    clippy::unwrap_used,
    reason = "a benchmark that cannot proceed should stop loudly"
)]

use std::{collections::BTreeSet, io::Write, time::Instant};

use coprod_server::{
    coprod_engine::surveys::{
        Answer, AnswerSet, Audience, Code, Section,
        breakdown::{Grouping, breakdown},
        coproduction::{Domain, coproduction_section, domain_indices, domain_indices_by},
        perception_gap::{NEEDS_QUESTION, needs_survey, perception_gap},
        question::{Prompt, Question, QuestionKind, Scale, Wording},
        results::distributions,
        tables::responses_table,
        willingness::willingness_section,
    },
    db::{Db, now},
    surveys::{
        codec,
        store::{self, AccessMode, Draft, Status, SurveySettings},
    },
};

fn code(raw: &str) -> Code {
    Code::parse(raw).unwrap()
}

/// A fixed sequence of numbers from 0 to 99.
struct Sequence(u64);

impl Sequence {
    fn percent(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % 100
    }
}

fn sections() -> Vec<Section> {
    let agreement: Vec<Question> = (1..=25)
        .map(|n| {
            Question::new(
                code(&format!("agree_{n}")),
                Prompt::same_for_all(Wording::plain(&format!("Statement {n}"))),
                QuestionKind::Likert {
                    scale: Scale::agreement(),
                },
            )
        })
        .collect();
    vec![
        needs_survey().sections()[0].clone(),
        coproduction_section(),
        willingness_section(),
        Section::new(Wording::plain("Your views"), agreement),
    ]
}

fn answers(sequence: &mut Sequence, citizen: bool) -> AnswerSet {
    let mut answers = AnswerSet::new();
    let needs = [
        "making_friends",
        "talking_things_through",
        "information_services",
        "information_support",
        "getting_out",
        "help_at_home",
    ];
    // Citizens favour the first options, staff the last: a gap to find.
    let citizens_choose = [70, 60, 50, 40, 30, 20];
    let staff_choose = [20, 28, 36, 44, 52, 60];
    let chosen: BTreeSet<Code> = needs
        .iter()
        .zip(if citizen {
            citizens_choose
        } else {
            staff_choose
        })
        .filter(|(_, share)| sequence.percent() < *share)
        .map(|(c, _)| code(c))
        .collect();
    if !chosen.is_empty() {
        answers.insert(code(NEEDS_QUESTION), Answer::Choices(chosen));
    }
    let levels = ["never", "sometimes", "often"];
    for domain in Domain::ALL {
        let items = (1..=4)
            .map(|n| {
                let level = levels[usize::try_from(sequence.percent() % 3).unwrap()];
                (code(&n.to_string()), code(level))
            })
            .collect();
        answers.insert(domain.question_id(), Answer::Items(items));
    }
    let willing = ["no", "few_hours_month", "few_hours_week"];
    answers.insert(
        code("willing_to_do_more"),
        Answer::Choice(code(
            willing[usize::try_from(sequence.percent() % 3).unwrap()],
        )),
    );
    let points = [
        "strongly_disagree",
        "disagree",
        "neither",
        "agree",
        "strongly_agree",
    ];
    for n in 1..=25 {
        if sequence.percent() < 95 {
            let point = points[usize::try_from(sequence.percent() % 5).unwrap()];
            answers.insert(code(&format!("agree_{n}")), Answer::Choice(code(point)));
        }
    }
    answers
}

/// Rows per INSERT and per transaction.
const ROWS_PER_INSERT: usize = 200;
const ROWS_PER_TRANSACTION: usize = 20_000;

async fn seed(db: &Db, responses: usize) -> (i64, i64) {
    sqlx::query(
        "INSERT INTO organisations (name, sector, created_at) VALUES ('Benchmark', 'public', 0)",
    )
    .execute(db.pool())
    .await
    .unwrap();
    let (organisation,): (i64,) = sqlx::query_as("SELECT id FROM organisations")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let (account,): (i64,) = sqlx::query_as(
        "INSERT INTO accounts (email, display_name, password_hash, created_at) \
         VALUES ('bench@example.org', 'Benchmark', '-', 0) RETURNING id",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    let audiences = BTreeSet::from([Audience::Citizens, Audience::Staff]);
    let settings = SurveySettings {
        organisation_id: organisation,
        title: "A million answers".into(),
        introduction: String::new(),
        identified: false,
        access: AccessMode::Public,
    };
    let id = store::create(db, &settings, audiences.clone(), account)
        .await
        .unwrap();
    let survey = store::find(db, id).await.unwrap().unwrap();
    let draft = Draft {
        audiences,
        sections: sections(),
    };
    store::save_draft(db, &survey.version, &draft)
        .await
        .unwrap();
    store::set_status(&mut db.pool().acquire().await.unwrap(), id, Status::Open)
        .await
        .unwrap();
    let survey = store::find(db, id).await.unwrap().unwrap();
    let checked = survey.version.draft.checked().unwrap();
    let mut sequence = Sequence(7);
    let stamp = now();
    let mut written = 0;
    while written < responses {
        let mut tx = db.pool().begin().await.unwrap();
        let end = (written + ROWS_PER_TRANSACTION).min(responses);
        while written < end {
            let batch = (end - written).min(ROWS_PER_INSERT);
            let placeholders: Vec<String> = (0..batch)
                .map(|i| {
                    let p = i * 6;
                    format!(
                        "($1, ${}, 'online', ${}, ${}, ${}, ${}, ${})",
                        p + 2,
                        p + 3,
                        p + 4,
                        p + 5,
                        p + 6,
                        p + 7
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO survey_responses (version_id, audience, channel, answers, data_zone, simd_quintile, age_band, submitted_at) VALUES {}",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(survey.version.id);
            for n in written..written + batch {
                let citizen = n % 5 != 0;
                let answers = answers(&mut sequence, citizen);
                // One citizen in twenty gives no postcode; the rest live in
                // a hundred data zones spread over the five quintiles.
                let zone = (n / 5) % 100;
                let known = citizen && (n / 25) % 20 != 0;
                query = query
                    .bind(if citizen { "citizens" } else { "staff" })
                    .bind(codec::encode(&checked, &answers))
                    .bind(known.then(|| format!("S01{:06}", 90_000 + zone)))
                    .bind(known.then(|| i64::try_from(1 + zone % 5).unwrap()))
                    .bind(None::<String>)
                    .bind(stamp);
            }
            query.execute(&mut *tx).await.unwrap();
            written += batch;
        }
        tx.commit().await.unwrap();
    }
    sqlx::query("UPDATE survey_versions SET response_count = $1 WHERE id = $2")
        .bind(i64::try_from(responses).unwrap())
        .bind(survey.version.id)
        .execute(db.pool())
        .await
        .unwrap();
    (id, survey.version.id)
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let url = args.next().expect("a database URL");
    let responses: usize = args.next().expect("a number of responses").parse().unwrap();
    let csv_path = args.next().expect("where to write the CSV");
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();

    let started = Instant::now();
    let (survey_id, version_id) = seed(&db, responses).await;
    if url.starts_with("postgres") {
        sqlx::query("VACUUM ANALYZE survey_responses")
            .execute(db.pool())
            .await
            .unwrap();
    }
    let seeding = started.elapsed().as_secs_f64();

    let survey = store::find(&db, survey_id).await.unwrap().unwrap();
    let checked = survey.version.draft.checked().unwrap();
    let started = Instant::now();
    let all = store::responses(&db, version_id, &checked).await.unwrap();
    let reading = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let counted = distributions(&checked, &all);
    let citizens: Vec<_> = all
        .iter()
        .filter(|r| r.audience == Audience::Citizens)
        .collect();
    let index = domain_indices(&checked, citizens.iter().copied());
    let gap = perception_gap(&checked, &code(NEEDS_QUESTION), &all).unwrap();
    let by_quintile = domain_indices_by(&checked, citizens.iter().copied(), Grouping::SimdQuintile);
    let people = breakdown(
        citizens.iter().map(|r| (&r.facts, ())),
        Grouping::SimdQuintile,
        <[()]>::len,
    );
    let aggregating = started.elapsed().as_secs_f64();
    assert_eq!(counted.len(), 30);
    assert_eq!(
        usize::try_from(index[&Domain::Health].n).unwrap(),
        citizens.len()
    );
    assert!(matches!(
        gap,
        coprod_server::coprod_engine::surveys::perception_gap::PerceptionGap::Shown { .. }
    ));
    assert_eq!(by_quintile[&Domain::Health].len(), 6);
    assert_eq!(people.len(), 6);

    // The CSV the results page offers, written a slice at a time.
    let started = Instant::now();
    let file = std::fs::File::create(&csv_path).unwrap();
    let mut writer = csv::Writer::from_writer(std::io::BufWriter::new(file));
    for (at, slice) in all.chunks(10_000).enumerate() {
        let table = responses_table(&checked, slice);
        if at == 0 {
            writer.write_record(&table.header).unwrap();
        }
        for row in &table.rows {
            writer.write_record(row).unwrap();
        }
    }
    writer.flush().unwrap();
    let exporting = started.elapsed().as_secs_f64();

    let health = index[&Domain::Health];
    let out = serde_json::json!({
        "responses": all.len(),
        "seeding": seeding,
        "reading": reading,
        "aggregating": aggregating,
        "total": reading + aggregating,
        "exporting": exporting,
        "health_index": health.mean,
    });
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{out}").unwrap();
    db.close().await;
}
