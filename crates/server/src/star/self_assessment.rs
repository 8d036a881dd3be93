//! People it, and Grow it when repeated: rounds of the organisational
//! self-assessment. Each person rates every statement 1–5, with evidence
//! and an action if they have them; a staff member can type in ratings
//! given on paper or at a workshop. The round's page combines them, shows
//! where people disagree, and draws the star over earlier rounds.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::{
    people::LineOfText,
    self_assessment::{
        Combined, DISAGREEMENT_RANGE, Dimension, Maturity, Rating, Role, Statement,
        default_statements,
    },
};
use serde::Deserialize;

use super::{
    explorer::dimension_label,
    radar, report, scope,
    store::{
        SaveError,
        rounds::{self, Round},
    },
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    coordination::forms::parse_date,
    error::{AppError, Result},
    organisations::store::Organisation,
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};

/// The longest evidence or action note.
pub const MAX_NOTE_CHARS: usize = 2_000;

/// Field names of a statement: `s3_level`, `s3_evidence`, `s3_action`.
fn statement_fields(statement: usize) -> [String; 3] {
    ["level", "evidence", "action"].map(|part| format!("s{statement}_{part}"))
}

#[derive(Template)]
#[template(path = "star/rounds.html")]
struct RoundsPage {
    shell: Shell,
    organisation: Organisation,
    rounds: Vec<Round>,
    name: String,
    held_on: String,
    errors: FieldErrors,
    star: Option<radar::Radar>,
    table: Vec<(String, Vec<String>)>,
    round_names: Vec<String>,
}

/// Every rated round's score per point: (point, score per round).
pub(super) fn history_table(
    shell: &Shell,
    rounds: &[(Round, Combined)],
) -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let rated: Vec<&(Round, Combined)> = rounds.iter().filter(|(r, _)| r.raters > 0).collect();
    let names = rated.iter().map(|(r, _)| r.name.clone()).collect();
    let table = Dimension::ALL
        .iter()
        .map(|d| {
            (
                dimension_label(shell, *d),
                rated
                    .iter()
                    .map(|(_, c)| {
                        c.star()
                            .get(d)
                            .copied()
                            .flatten()
                            .map_or_else(|| shell.t("star.not_rated"), |v| format!("{v:.1}"))
                    })
                    .collect(),
            )
        })
        .collect();
    (names, table)
}

pub(super) fn history_chart(shell: &Shell, rounds: &[(Round, Combined)]) -> Option<radar::Radar> {
    let rated: Vec<&(Round, Combined)> = rounds.iter().filter(|(r, _)| r.raters > 0).collect();
    if rated.is_empty() {
        return None;
    }
    let labels: Vec<String> = Dimension::ALL
        .iter()
        .map(|d| dimension_label(shell, *d))
        .collect();
    let series: Vec<radar::RadarSeries> = rated
        .iter()
        .map(|(round, combined)| radar::RadarSeries {
            name: round.name.clone(),
            values: Dimension::ALL
                .iter()
                .map(|d| combined.star().get(d).copied().flatten())
                .collect(),
        })
        .collect();
    Some(radar::layout(&labels, &series))
}

async fn rounds_page(
    state: &AppState,
    shell: Shell,
    organisation: Organisation,
    name: String,
    held_on: String,
    errors: FieldErrors,
) -> Result<RoundsPage> {
    let combined = report::rounds_combined(&state.db, organisation.id).await?;
    let (round_names, table) = history_table(&shell, &combined);
    Ok(RoundsPage {
        star: history_chart(&shell, &combined),
        rounds: combined.into_iter().map(|(r, _)| r).collect(),
        table,
        round_names,
        shell,
        organisation,
        name,
        held_on,
        errors,
    })
}

pub async fn rounds(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(org): Path<i64>,
) -> Result<Response> {
    let organisation = scope::organisation(&state.db, &user, org).await?;
    page(
        &rounds_page(
            &state,
            shell,
            organisation,
            String::new(),
            String::new(),
            FieldErrors::default(),
        )
        .await?,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RoundForm {
    name: String,
    held_on: String,
}

pub async fn create_round(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(org): Path<i64>,
    StrictForm(form): StrictForm<RoundForm>,
) -> Result<Response> {
    let organisation = scope::organisation(&state.db, &user, org).await?;
    let mut errors = FieldErrors::default();
    let name = LineOfText::parse(&form.name)
        .map_err(|e| errors.add("name", shell.t(e.key)))
        .ok();
    let held_on = parse_date(&form.held_on);
    if held_on.is_none() {
        errors.add("held_on", shell.t("star.error.date"));
    }
    if let (Some(name), Some(held_on)) = (name, held_on) {
        match rounds::create(
            &state.db,
            org,
            name.as_str(),
            &held_on.to_string(),
            Some(user.account_id),
        )
        .await
        {
            Ok(id) => return Ok(redirect(&format!("/star/rounds/{id}"))),
            Err(SaveError::NameTaken) => errors.add("name", shell.t("star.error.round_taken")),
            Err(SaveError::Database(e)) => return Err(e.into()),
        }
    }
    page_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &rounds_page(&state, shell, organisation, form.name, form.held_on, errors).await?,
    )
}

/// One statement's combined result as shown.
pub struct StatementView {
    pub dimension: String,
    pub text: String,
    pub ratings: u64,
    pub mean: String,
    pub range: String,
    pub by_role: String,
    pub flag: String,
    pub evidence: Vec<String>,
    pub actions: Vec<String>,
}

#[derive(Template)]
#[template(path = "star/round.html")]
struct RoundPage {
    shell: Shell,
    organisation: Organisation,
    round: Round,
    held_on: String,
    star: Option<radar::Radar>,
    table: Vec<(String, String, String, u64)>,
    statements: Vec<StatementView>,
    disagreements: usize,
    done: String,
}

fn role_label(shell: &Shell, role: Role) -> String {
    shell.t(&format!("star.role.{}", role.key()))
}

fn statement_views(
    shell: &Shell,
    statements: &[Statement],
    combined: &Combined,
) -> Vec<StatementView> {
    combined
        .statements
        .iter()
        .filter_map(|result| {
            let statement = statements.iter().find(|s| s.id == result.statement)?;
            let flag = if result.roles_disagree {
                let gap = result.widest_role_gap?;
                shell.tn(
                    "star.round.roles_disagree",
                    &[
                        &shell.t(&format!("star.roles.{}", gap.lower.key())),
                        &shell.t(&format!("star.roles.{}", gap.higher.key())),
                        &format!("{:.1}", gap.gap),
                    ],
                )
            } else if result.disagreement {
                shell.t1(
                    "star.round.spread",
                    &result.range.unwrap_or(DISAGREEMENT_RANGE).to_string(),
                )
            } else {
                String::new()
            };
            Some(StatementView {
                dimension: dimension_label(shell, statement.dimension),
                text: statement.text.clone(),
                ratings: result.summary.ratings,
                mean: result
                    .summary
                    .mean
                    .map_or_else(|| shell.t("star.not_rated"), |m| format!("{m:.1}")),
                range: result
                    .range
                    .map_or_else(|| "–".to_owned(), |r| r.to_string()),
                by_role: result
                    .role_means
                    .iter()
                    .map(|(role, mean)| format!("{} {mean:.1}", role_label(shell, *role)))
                    .collect::<Vec<_>>()
                    .join(" · "),
                flag,
                evidence: result
                    .evidence
                    .iter()
                    .map(|n| format!("{}: {}", role_label(shell, n.role), n.text))
                    .collect(),
                actions: result
                    .actions
                    .iter()
                    .map(|n| format!("{}: {}", role_label(shell, n.role), n.text))
                    .collect(),
            })
        })
        .collect()
}

async fn round_for(state: &AppState, user: &CurrentUser, id: i64) -> Result<(Round, Organisation)> {
    let round = rounds::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let organisation = scope::organisation(&state.db, user, round.organisation_id).await?;
    Ok((round, organisation))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    done: String,
}

pub async fn round(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    Query(done): Query<Done>,
) -> Result<Response> {
    let (round, organisation) = round_for(&state, &user, id).await?;
    let statements = default_statements();
    let all = report::rounds_combined(&state.db, organisation.id).await?;
    // This round over the ones before it.
    let upto: Vec<(Round, Combined)> = all
        .iter()
        .take_while(|(r, _)| r.id != round.id)
        .cloned()
        .chain(all.iter().find(|(r, _)| r.id == round.id).cloned())
        .collect();
    let combined = upto
        .last()
        .map(|(_, c)| c.clone())
        .ok_or(AppError::NotFound)?;
    let table = combined
        .dimensions
        .iter()
        .map(|d| {
            (
                dimension_label(&shell, d.dimension),
                d.summary
                    .mean
                    .map_or_else(|| shell.t("star.not_rated"), |m| format!("{m:.1}")),
                d.summary
                    .median
                    .map_or_else(|| "–".to_owned(), |m| format!("{m:.1}")),
                d.summary.ratings,
            )
        })
        .collect();
    let statements = statement_views(&shell, &statements, &combined);
    page(&RoundPage {
        disagreements: statements.iter().filter(|s| !s.flag.is_empty()).count(),
        star: history_chart(&shell, &upto),
        held_on: crate::coordination::forms::parse_date(&round.held_on)
            .map_or_else(|| round.held_on.clone(), coprod_engine::plain::date),
        table,
        statements,
        done: done.done,
        round,
        organisation,
        shell,
    })
}

/// The rating form as typed.
#[derive(Debug, Clone, Default)]
pub struct RateForm {
    fields: BTreeMap<String, String>,
}

impl RateForm {
    pub fn value(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    #[expect(
        clippy::trivially_copy_pass_by_ref,
        clippy::unused_self,
        reason = "askama passes template arguments by reference and calls through the form"
    )]
    pub fn field(&self, statement: &usize, part: usize) -> String {
        statement_fields(*statement)
            .into_iter()
            .nth(part)
            .unwrap_or_default()
    }

    pub fn is(&self, name: &str, value: &str) -> bool {
        self.value(name) == value
    }

    fn parse(
        &self,
        shell: &Shell,
        statements: &[Statement],
        errors: &mut FieldErrors,
    ) -> Option<Vec<Rating>> {
        let rater = LineOfText::parse(self.value("rater"))
            .map_err(|e| errors.add("rater", shell.t(e.key)))
            .ok();
        let role = Role::parse(self.value("role"))
            .map_err(|_| errors.add("role_staff", shell.t("star.error.role")))
            .ok();
        let note = |field: &str, errors: &mut FieldErrors| -> Option<String> {
            let text = self.value(field).trim();
            if text.chars().count() > MAX_NOTE_CHARS {
                errors.add(field.to_owned(), shell.t("star.error.note_too_long"));
            }
            (!text.is_empty()).then(|| text.to_owned())
        };
        let mut ratings = Vec::new();
        for (i, statement) in statements.iter().enumerate() {
            let [level, evidence, action] = statement_fields(i);
            let maturity = self
                .value(&level)
                .parse::<u8>()
                .ok()
                .and_then(|v| Maturity::parse(v).ok());
            let evidence = note(&evidence, errors);
            let action = note(&action, errors);
            let Some(maturity) = maturity else {
                errors.add(level, shell.t("star.error.level"));
                continue;
            };
            if let (Some(rater), Some(role)) = (&rater, role) {
                ratings.push(Rating {
                    rater: rater.as_str().to_owned(),
                    role,
                    statement: statement.id.clone(),
                    maturity,
                    evidence,
                    action,
                });
            }
        }
        errors.is_empty().then_some(ratings)
    }
}

#[derive(Template)]
#[template(path = "star/rate.html")]
struct RatePage {
    shell: Shell,
    organisation: Organisation,
    round: Round,
    statements: Vec<(usize, String, String)>,
    levels: Vec<(String, String)>,
    roles: Vec<(String, String)>,
    form: RateForm,
    errors: FieldErrors,
}

fn rate_page(
    shell: Shell,
    organisation: Organisation,
    round: Round,
    form: RateForm,
    errors: FieldErrors,
) -> RatePage {
    let statements = default_statements()
        .into_iter()
        .enumerate()
        .map(|(i, s)| (i, dimension_label(&shell, s.dimension), s.text))
        .collect();
    RatePage {
        levels: (1..=5_u8)
            .filter_map(|v| Maturity::parse(v).ok())
            .map(|m| {
                (
                    m.get().to_string(),
                    shell.t(&format!("star.level.{}", m.get())),
                )
            })
            .collect(),
        roles: Role::ALL
            .iter()
            .map(|r| (r.key().to_owned(), role_label(&shell, *r)))
            .collect(),
        statements,
        shell,
        organisation,
        round,
        form,
        errors,
    }
}

pub async fn rate_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
) -> Result<Response> {
    let (round, organisation) = round_for(&state, &user, id).await?;
    page(&rate_page(
        shell,
        organisation,
        round,
        RateForm::default(),
        FieldErrors::default(),
    ))
}

pub async fn rate(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(fields): StrictForm<BTreeMap<String, String>>,
) -> Result<Response> {
    let (round, organisation) = round_for(&state, &user, id).await?;
    let form = RateForm { fields };
    let mut errors = FieldErrors::default();
    if let Some(ratings) = form.parse(&shell, &default_statements(), &mut errors) {
        let mut tx = state.db.begin_write().await?;
        match rounds::record(&mut tx, id, &ratings, Some(user.account_id)).await {
            Ok(()) => {
                audit::record_in(
                    &mut tx,
                    Event::new(Action::StarRatingsEntered, Some(user.account_id), &ip)
                        .subject("star_round", id)
                        .detail(form.value("rater")),
                )
                .await?;
                tx.commit().await?;
                return Ok(redirect(&format!("/star/rounds/{id}?done=rated")));
            }
            Err(SaveError::NameTaken) => errors.add("rater", shell.t("star.error.rater_taken")),
            Err(SaveError::Database(e)) => return Err(e.into()),
        }
    }
    page_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &rate_page(shell, organisation, round, form, errors),
    )
}
