//! The results pages of a survey version — on screen and printable — and
//! its CSV files: every response, and every result. One version at a
//! time, because another version may ask different questions.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::header,
    response::{IntoResponse, Response},
};
use coprod_engine::surveys::{
    Response as Answered, Survey,
    coproduction::domain_indices,
    results::distributions,
    tables::{Table, responses_table, results_table},
};
use serde::Deserialize;
use sqlx::AnyConnection;

use super::{
    analysis::{ResultsView, results},
    builder::runnable,
    store::{self, SurveyRecord},
};
use crate::{
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    error::{AppError, Result},
    web::{ClientIp, Shell, page},
};

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct VersionQuery {
    version: Option<i64>,
}

/// A version's questions and responses.
struct Loaded {
    survey: SurveyRecord,
    number: i64,
    versions: Vec<(i64, i64)>,
    checked: Survey,
    responses: Vec<Answered>,
}

/// The version asked for, or the latest with responses.
async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    query: &VersionQuery,
    conn: &mut AnyConnection,
) -> Result<Loaded> {
    let survey = runnable(state, user, id).await?;
    let versions = store::versions(&state.db, id).await?;
    let number = query.version.unwrap_or_else(|| {
        versions
            .iter()
            .rev()
            .find(|(_, responses)| *responses > 0)
            .map_or(survey.version.number, |(n, _)| *n)
    });
    let version = store::version(&state.db, id, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let checked = version
        .draft
        .checked()
        .map_err(|_| AppError::NotFoundKey("survey.results.none"))?;
    let responses = store::responses_in(conn, version.id, &checked).await?;
    Ok(Loaded {
        survey,
        number,
        versions,
        checked,
        responses,
    })
}

#[derive(Template)]
#[template(path = "surveys/results.html")]
struct ResultsPage {
    shell: Shell,
    survey: SurveyRecord,
    version: i64,
    versions: Vec<(i64, i64)>,
    results: ResultsView,
    printable: bool,
}

async fn show(
    state: &AppState,
    shell: Shell,
    user: &CurrentUser,
    id: i64,
    query: &VersionQuery,
    printable: bool,
) -> Result<Response> {
    let loaded = load(
        state,
        user,
        id,
        query,
        &mut *state.db.pool().acquire().await?,
    )
    .await?;
    let zones: Vec<String> = loaded
        .responses
        .iter()
        .filter_map(|r| Some(r.facts.area.as_ref()?.as_str().to_owned()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let names = crate::places::store::area_names(&state.db, &zones).await?;
    page(&ResultsPage {
        results: results(&shell, &loaded.checked, &loaded.responses, &names),
        shell,
        survey: loaded.survey,
        version: loaded.number,
        versions: loaded.versions,
        printable,
    })
}

pub(super) async fn results_page(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    Query(query): Query<VersionQuery>,
) -> Result<Response> {
    show(&state, shell, &user, id, &query, false).await
}

pub(super) async fn print_page(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    Query(query): Query<VersionQuery>,
) -> Result<Response> {
    show(&state, shell, &user, id, &query, true).await
}

/// A table as CSV, offered as a download.
fn csv_download(table: &Table, name: &str) -> Result<Response> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(&table.header)
        .map_err(|e| AppError::Internal(e.into()))?;
    for row in &table.rows {
        writer
            .write_record(row)
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Every response of a version, one row each: the engine's table, which
/// `coprod survey score` reads. Staff reading answers is recorded.
pub(super) async fn responses_csv(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    Query(query): Query<VersionQuery>,
) -> Result<Response> {
    // The answers are read in the transaction that records the reading.
    let mut tx = state.db.begin_write().await?;
    let loaded = load(&state, &user, id, &query, &mut tx).await?;
    audit::record_in(
        &mut tx,
        Event::new(Action::SurveyResponsesExported, Some(user.account_id), &ip)
            .subject("survey", id)
            .detail(format!("version {}", loaded.number)),
    )
    .await?;
    tx.commit().await?;
    let table = responses_table(&loaded.checked, &loaded.responses);
    csv_download(
        &table,
        &format!("survey-{id}-version-{}-responses.csv", loaded.number),
    )
}

/// Every question's distribution (the engine's results table), followed by
/// the co-production index per domain and audience, in the same columns:
/// `index_<audience>`, the domain, then `mean`, `lower` and `upper` rows
/// with the number of respondents in `count`.
pub(super) async fn results_csv(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    Query(query): Query<VersionQuery>,
) -> Result<Response> {
    let loaded = load(
        &state,
        &user,
        id,
        &query,
        &mut *state.db.pool().acquire().await?,
    )
    .await?;
    let mut table = results_table(&distributions(&loaded.checked, &loaded.responses));
    for audience in loaded.checked.audiences() {
        let mine = loaded.responses.iter().filter(|r| r.audience == *audience);
        let question = format!("index_{}", store::audience_key(*audience));
        for (domain, estimate) in domain_indices(&loaded.checked, mine) {
            if estimate.n == 0 {
                continue;
            }
            let interval = estimate.interval;
            for (name, value) in [
                ("mean", estimate.mean),
                ("lower", interval.map(|i| i.lower)),
                ("upper", interval.map(|i| i.upper)),
            ] {
                table.rows.push(vec![
                    question.clone(),
                    domain.key().to_owned(),
                    name.to_owned(),
                    estimate.n.to_string(),
                    String::new(),
                    value.map(|v| format!("{v:.2}")).unwrap_or_default(),
                ]);
            }
        }
    }
    csv_download(
        &table,
        &format!("survey-{id}-version-{}-results.csv", loaded.number),
    )
}
