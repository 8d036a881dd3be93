//! Map it: the list of organisations, an organisation's toolkit page with
//! the Explorer grid, and initiatives — added, shown and changed.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::{
    business_case::{
        appraise,
        ranking::{ImpactMeasure, rank_by_impact},
    },
    explorer::{self, CellState, Placement, Stage},
    self_assessment::{Co, Dimension},
};
use serde::Deserialize;

use super::{
    initiative_form::{InitiativeForm, LinkChoices},
    model::{AimedOutcome, Partner, TalkingPoint},
    numbers, radar, report, scope,
    store::{
        SaveError, cases,
        initiatives::{self, Initiative},
    },
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    error::{AppError, Result},
    organisations::store::{self as organisations, Organisation},
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};

#[derive(Template)]
#[template(path = "star/index.html")]
struct IndexPage {
    shell: Shell,
    organisations: Vec<Organisation>,
}

pub async fn index(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
) -> Result<Response> {
    page(&IndexPage {
        shell,
        organisations: scope::organisations_for(&state.db, &user).await?,
    })
}

/// One cell of the grid as drawn.
pub struct CellView {
    pub class: &'static str,
    pub text: String,
}

pub struct RowView {
    pub service: String,
    pub cells: Vec<CellView>,
    pub gaps: usize,
}

pub struct InitiativeRow {
    pub id: i64,
    pub name: String,
    pub service: String,
    pub cos: String,
    pub stage: String,
    pub rank: String,
    pub sroi: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GridFilter {
    locality: String,
    outcome: String,
}

#[derive(Template)]
#[template(path = "star/organisation.html")]
struct OrganisationPage {
    shell: Shell,
    organisation: Organisation,
    co_labels: Vec<String>,
    rows: Vec<RowView>,
    gap_count: usize,
    missing: Vec<String>,
    coverage: String,
    filter_note: String,
    localities: Vec<(String, String)>,
    outcomes: Vec<(String, String)>,
    locality: String,
    outcome: String,
    initiatives: Vec<InitiativeRow>,
    star: Option<radar::Radar>,
    star_table: Vec<(String, String)>,
    rounds: usize,
}

fn co_label(shell: &Shell, co: Co) -> String {
    shell.t(&format!("star.co.{}", co.key()))
}

pub fn dimension_label(shell: &Shell, dimension: Dimension) -> String {
    shell.t(&format!("star.dimension.{}", dimension.key()))
}

fn aims_at(initiative: &Initiative, outcome: &str) -> bool {
    outcome.is_empty()
        || initiative.outcomes.iter().any(|o| match o {
            AimedOutcome::TalkingPoint(p) => p.key() == outcome,
            AimedOutcome::OwnWords(_) => false,
        })
}

#[expect(
    clippy::too_many_lines,
    reason = "the grid, the ranking and the star of one page, in order"
)]
pub async fn organisation(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(org): Path<i64>,
    Query(filter): Query<GridFilter>,
) -> Result<Response> {
    let organisation = scope::organisation(&state.db, &user, org).await?;
    let all = initiatives::list(&state.db, org).await?;
    let listings = initiatives::listings(&state.db, org).await?;
    let localities: Vec<(i64, String)> = organisations::localities(&state.db)
        .await?
        .into_iter()
        .map(|l| (l.id, l.name))
        .collect();
    let locality = filter
        .locality
        .parse::<i64>()
        .ok()
        .filter(|id| localities.iter().any(|(l, _)| l == id));
    let outcome = TalkingPoint::parse(&filter.outcome).map_or("", TalkingPoint::key);
    let chosen: Vec<&Initiative> = all
        .iter()
        .filter(|i| locality.is_none_or(|l| i.locality_id == Some(l)))
        .filter(|i| aims_at(i, outcome))
        .collect();
    let placements: Vec<Placement<'_>> = chosen
        .iter()
        .map(|i| Placement {
            service: &i.service,
            cos: &i.cos,
            stage: i.stage,
        })
        .collect();
    // Every service the organisation names, so one with nothing yet shows
    // as all gaps; listings on the asset map count as services too.
    let mut services: Vec<&str> = all.iter().map(|i| i.service.as_str()).collect();
    services.extend(listings.iter().map(|(_, name)| name.as_str()));
    let grid = explorer::grid(services, &placements);
    let rows = grid
        .rows
        .iter()
        .map(|row| RowView {
            service: row.service.clone(),
            gaps: row.gaps().len(),
            cells: row
                .cells
                .iter()
                .map(|cell| match cell.state() {
                    CellState::Happening => CellView {
                        class: "coprod-grid__cell coprod-grid__cell--happening",
                        text: shell.t1("star.grid.happening", &cell.running.to_string()),
                    },
                    CellState::Planned => CellView {
                        class: "coprod-grid__cell coprod-grid__cell--planned",
                        text: shell.t1("star.grid.planned", &cell.proposed.to_string()),
                    },
                    CellState::Gap => CellView {
                        class: "coprod-grid__cell coprod-grid__cell--gap",
                        text: shell.t("star.grid.gap"),
                    },
                })
                .collect(),
        })
        .collect();
    let mut filter_note = Vec::new();
    if let Some((_, name)) = localities.iter().find(|(id, _)| Some(*id) == locality) {
        filter_note.push(shell.t1("star.grid.in_locality", name));
    }
    if let Some(point) = TalkingPoint::parse(outcome) {
        filter_note.push(shell.t1("star.grid.aiming_at", &shell.t(&point.label_key())));
    }

    let cases = cases::for_organisation(&state.db, org).await?;
    let appraisals: Vec<(i64, coprod_engine::business_case::Appraisal)> = cases
        .iter()
        .filter_map(|(id, case)| appraise(case).ok().map(|a| (*id, a)))
        .collect();
    let pairs: Vec<(i64, &coprod_engine::business_case::Appraisal)> =
        appraisals.iter().map(|(id, a)| (*id, a)).collect();
    let ranked = rank_by_impact(&pairs, ImpactMeasure::SroiRatio);
    let initiative_rows = all
        .iter()
        .map(|i| {
            let place = ranked.iter().find(|r| r.initiative == i.id);
            InitiativeRow {
                id: i.id,
                name: i.name.clone(),
                service: i.service.clone(),
                cos: i
                    .cos
                    .iter()
                    .map(|co| co_label(&shell, *co))
                    .collect::<Vec<_>>()
                    .join(", "),
                stage: shell.t(&format!("star.stage.{}", i.stage.key())),
                rank: place
                    .and_then(|r| r.rank)
                    .map_or_else(|| "–".to_owned(), |r| r.to_string()),
                sroi: place.and_then(|r| r.value).map_or_else(
                    || "–".to_owned(),
                    |v| shell.t1("star.sroi_per_pound", &numbers::two_decimals(v)),
                ),
            }
        })
        .collect();

    let rounds = report::rounds_combined(&state.db, org).await?;
    let (star, star_table) = star_of(&shell, &rounds);
    page(&OrganisationPage {
        co_labels: Co::ALL.iter().map(|co| co_label(&shell, *co)).collect(),
        rows,
        gap_count: grid.gaps().len(),
        missing: grid
            .missing_cos()
            .into_iter()
            .map(|co| co_label(&shell, co))
            .collect(),
        coverage: grid
            .coverage()
            .map_or_else(|| "–".to_owned(), numbers::percent),
        filter_note: filter_note.join(" "),
        outcomes: TalkingPoint::ALL
            .iter()
            .map(|p| (p.key().to_owned(), shell.t(&p.label_key())))
            .collect(),
        localities: localities
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect(),
        locality: locality.map(|l| l.to_string()).unwrap_or_default(),
        outcome: outcome.to_owned(),
        initiatives: initiative_rows,
        star,
        star_table,
        rounds: rounds.len(),
        organisation,
        shell,
    })
}

/// The latest round drawn over the one before it, with the latest round's
/// figures as a table: (point, score).
pub fn star_of(
    shell: &Shell,
    rounds: &[(
        super::store::rounds::Round,
        coprod_engine::self_assessment::Combined,
    )],
) -> (Option<radar::Radar>, Vec<(String, String)>) {
    let rated: Vec<_> = rounds.iter().filter(|(r, _)| r.raters > 0).collect();
    let Some((_, latest)) = rated.last() else {
        return (None, Vec::new());
    };
    // The latest round over the one before it.
    let last_two: Vec<_> = rated[rated.len().saturating_sub(2)..]
        .iter()
        .map(|&pair| pair.clone())
        .collect();
    let chart = super::self_assessment::history_chart(shell, &last_two);
    let table = Dimension::ALL
        .iter()
        .map(|d| {
            (
                dimension_label(shell, *d),
                latest
                    .star()
                    .get(d)
                    .copied()
                    .flatten()
                    .map_or_else(|| shell.t("star.not_rated"), |v| format!("{v:.1}")),
            )
        })
        .collect();
    (chart, table)
}

async fn choices(state: &AppState, org: i64) -> Result<LinkChoices> {
    Ok(LinkChoices {
        listings: initiatives::listings(&state.db, org).await?,
        processes: initiatives::processes(&state.db).await?,
        surveys: initiatives::surveys(&state.db, org).await?,
        localities: organisations::localities(&state.db)
            .await?
            .into_iter()
            .map(|l| (l.id, l.name))
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "star/initiative_form.html")]
struct FormPage {
    shell: Shell,
    organisation: Organisation,
    /// `None` while adding.
    initiative_id: Option<i64>,
    form: InitiativeForm,
    errors: FieldErrors,
    choices: LinkChoices,
    cos: Vec<(String, String)>,
    partners: Vec<(String, String)>,
    talking_points: Vec<(String, Vec<(String, String)>)>,
    stages: Vec<(String, String)>,
}

impl FormPage {
    fn build(
        shell: Shell,
        organisation: Organisation,
        initiative_id: Option<i64>,
        form: InitiativeForm,
        errors: FieldErrors,
        choices: LinkChoices,
    ) -> Self {
        let mut groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for point in TalkingPoint::ALL {
            let group = shell.t(point.group_key());
            let entry = (format!("tp_{}", point.key()), shell.t(&point.label_key()));
            match groups.last_mut() {
                Some((name, items)) if *name == group => items.push(entry),
                _ => groups.push((group, vec![entry])),
            }
        }
        Self {
            cos: Co::ALL
                .iter()
                .map(|co| (format!("co_{}", co.key()), co_label(&shell, *co)))
                .collect(),
            partners: Partner::ALL
                .iter()
                .map(|p| (format!("partner_{}", p.key()), shell.t(&p.label_key())))
                .collect(),
            talking_points: groups,
            stages: Stage::ALL
                .iter()
                .map(|s| {
                    (
                        s.key().to_owned(),
                        shell.t(&format!("star.stage.{}", s.key())),
                    )
                })
                .collect(),
            shell,
            organisation,
            initiative_id,
            form,
            errors,
            choices,
        }
    }
}

pub async fn new_initiative(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(org): Path<i64>,
) -> Result<Response> {
    let organisation = scope::organisation(&state.db, &user, org).await?;
    let mut fields = BTreeMap::new();
    fields.insert("stage".to_owned(), Stage::Running.key().to_owned());
    page(&FormPage::build(
        shell,
        organisation,
        None,
        InitiativeForm::new(fields),
        FieldErrors::default(),
        choices(&state, org).await?,
    ))
}

pub async fn create_initiative(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(org): Path<i64>,
    StrictForm(fields): StrictForm<BTreeMap<String, String>>,
) -> Result<Response> {
    let organisation = scope::organisation(&state.db, &user, org).await?;
    let choices = choices(&state, org).await?;
    let form = InitiativeForm::new(fields);
    let mut errors = FieldErrors::default();
    if let Some(input) = form.parse(&shell, &choices, &mut errors) {
        let mut tx = state.db.begin_write().await?;
        match initiatives::create(&mut tx, org, &input).await {
            Ok(id) => {
                audit::record_in(
                    &mut tx,
                    Event::new(Action::StarInitiativeSaved, Some(user.account_id), &ip)
                        .subject("star_initiative", id)
                        .detail(&input.name),
                )
                .await?;
                tx.commit().await?;
                return Ok(redirect(&format!("/star/initiatives/{id}?done=saved")));
            }
            Err(SaveError::NameTaken) => errors.add("name", shell.t("star.error.name_taken")),
            Err(SaveError::Database(e)) => return Err(e.into()),
        }
    }
    page_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage::build(shell, organisation, None, form, errors, choices),
    )
}

async fn initiative_for(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<(Initiative, Organisation)> {
    let initiative = initiatives::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let organisation = scope::organisation(&state.db, user, initiative.organisation_id).await?;
    Ok((initiative, organisation))
}

pub async fn edit_initiative(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
) -> Result<Response> {
    let (initiative, organisation) = initiative_for(&state, &user, id).await?;
    let choices = choices(&state, organisation.id).await?;
    page(&FormPage::build(
        shell,
        organisation,
        Some(id),
        InitiativeForm::from_initiative(&initiative),
        FieldErrors::default(),
        choices,
    ))
}

pub async fn update_initiative(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(fields): StrictForm<BTreeMap<String, String>>,
) -> Result<Response> {
    let (_, organisation) = initiative_for(&state, &user, id).await?;
    let choices = choices(&state, organisation.id).await?;
    let form = InitiativeForm::new(fields);
    let mut errors = FieldErrors::default();
    if let Some(input) = form.parse(&shell, &choices, &mut errors) {
        let mut tx = state.db.begin_write().await?;
        match initiatives::update(&mut tx, id, &input).await {
            Ok(()) => {
                audit::record_in(
                    &mut tx,
                    Event::new(Action::StarInitiativeSaved, Some(user.account_id), &ip)
                        .subject("star_initiative", id)
                        .detail(&input.name),
                )
                .await?;
                tx.commit().await?;
                return Ok(redirect(&format!("/star/initiatives/{id}?done=saved")));
            }
            Err(SaveError::NameTaken) => errors.add("name", shell.t("star.error.name_taken")),
            Err(SaveError::Database(e)) => return Err(e.into()),
        }
    }
    page_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage::build(shell, organisation, Some(id), form, errors, choices),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    done: String,
}

#[derive(Template)]
#[template(path = "star/initiative.html")]
struct ShowPage {
    shell: Shell,
    organisation: Organisation,
    initiative: Initiative,
    cos: Vec<String>,
    partners: Vec<String>,
    outcomes: Vec<String>,
    stage: String,
    done: String,
    case_summary: Option<(String, String, String, String)>,
    review: Option<super::surveys_link::ReviewSummary>,
    evidence: super::evidence::Evidence,
}

pub async fn show_initiative(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    Query(done): Query<Done>,
) -> Result<Response> {
    let (initiative, organisation) = initiative_for(&state, &user, id).await?;
    let case_summary = cases::find(&state.db, id).await?.and_then(|case| {
        let appraisal = appraise(&case).ok()?;
        Some((
            numbers::pounds(appraisal.inputs.total),
            numbers::pounds(appraisal.present_value),
            appraisal
                .sroi_ratio
                .map_or_else(|| "–".to_owned(), numbers::two_decimals),
            appraisal.payback_years.map_or_else(
                || shell.t("star.case.no_payback"),
                |y| shell.t1("star.case.years", &format!("{y:.1}")),
            ),
        ))
    });
    let review = match initiative.review_survey_id {
        Some(survey) => super::surveys_link::review_summary(&state, &shell, survey).await?,
        None => None,
    };
    page(&ShowPage {
        evidence: super::evidence::gather(&state, &shell, &initiative).await?,
        cos: initiative
            .cos
            .iter()
            .map(|c| co_label(&shell, *c))
            .collect(),
        partners: initiative
            .partners
            .iter()
            .map(|p| shell.t(&p.label_key()))
            .collect(),
        outcomes: initiative
            .outcomes
            .iter()
            .map(|o| match o {
                AimedOutcome::TalkingPoint(p) => shell.t(&p.label_key()),
                AimedOutcome::OwnWords(words) => words.clone(),
            })
            .collect(),
        stage: shell.t(&format!("star.stage.{}", initiative.stage.key())),
        done: done.done,
        case_summary,
        review,
        initiative,
        organisation,
        shell,
    })
}
