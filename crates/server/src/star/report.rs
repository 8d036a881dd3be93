//! The star report: for each organisation, its latest combined star and
//! its initiatives with their business cases. One shape serves the CLI
//! (`coprod star report`), the API and the impact report page, so the
//! numbers a commissioner reads are the numbers other tools receive.

use std::collections::BTreeMap;

use coprod_engine::{
    business_case::{Appraisal, BusinessCase, appraise},
    self_assessment::{Combined, Dimension, combine, default_statements},
};
use serde::Serialize;
use utoipa::ToSchema;

use super::store::{
    cases, initiatives,
    rounds::{self, Round},
};
use crate::{db::Db, organisations::store as organisations};

/// Every organisation asked for.
#[derive(Debug, Serialize, ToSchema)]
pub struct StarReport {
    pub organisations: Vec<OrganisationReport>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationReport {
    pub id: i64,
    pub name: String,
    pub star: StarScores,
    pub initiatives: Vec<InitiativeReport>,
}

/// The latest round's combined mean per Co and Step, 1–5; `null` where
/// nobody has rated.
#[derive(Debug, Default, Clone, Serialize, ToSchema)]
pub struct StarScores {
    pub co_commissioning: Option<f64>,
    pub co_design: Option<f64>,
    pub co_delivery: Option<f64>,
    pub co_assessment: Option<f64>,
    pub map_it: Option<f64>,
    pub focus_it: Option<f64>,
    pub people_it: Option<f64>,
    pub market_it: Option<f64>,
    pub grow_it: Option<f64>,
}

impl StarScores {
    pub fn from_star(star: &BTreeMap<Dimension, Option<f64>>) -> Self {
        let at = |key: &str| {
            star.iter()
                .find(|(d, _)| d.key() == key)
                .and_then(|(_, v)| *v)
        };
        Self {
            co_commissioning: at("co_commissioning"),
            co_design: at("co_design"),
            co_delivery: at("co_delivery"),
            co_assessment: at("co_assessment"),
            map_it: at("map_it"),
            focus_it: at("focus_it"),
            people_it: at("people_it"),
            market_it: at("market_it"),
            grow_it: at("grow_it"),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InitiativeReport {
    pub id: i64,
    pub name: String,
    /// `co_commissioning`, `co_design`, `co_delivery`, `co_assessment`.
    pub cos: Vec<String>,
    pub business_case: Option<CaseReport>,
}

/// A business case's results, in pounds.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseReport {
    /// Total value of the inputs.
    pub inputs: f64,
    pub present_value: f64,
    pub net_value: f64,
    /// `null` when the inputs are zero.
    pub sroi_ratio: Option<f64>,
    /// `null` when the discounted value never reaches the inputs.
    pub payback_years: Option<f64>,
    pub discount_rate: f64,
    pub outcomes: Vec<OutcomeReport>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeReport {
    pub quantity: f64,
    /// The financial proxy: pounds per unit of the outcome.
    pub proxy: f64,
    pub deadweight: f64,
    pub displacement: f64,
    pub attribution: f64,
    pub drop_off: f64,
    pub duration_years: u32,
}

impl CaseReport {
    pub fn new(case: &BusinessCase, appraisal: &Appraisal) -> Self {
        Self {
            inputs: appraisal.inputs.total,
            present_value: appraisal.present_value,
            net_value: appraisal.net_value,
            sroi_ratio: appraisal.sroi_ratio,
            payback_years: appraisal.payback_years,
            discount_rate: case.discount_rate,
            outcomes: case
                .outcomes
                .iter()
                .map(|o| OutcomeReport {
                    quantity: o.quantity,
                    proxy: o.proxy.value,
                    deadweight: o.deadweight,
                    displacement: o.displacement,
                    attribution: o.attribution,
                    drop_off: o.drop_off,
                    duration_years: o.duration_years,
                })
                .collect(),
        }
    }
}

/// A round's ratings combined. Ratings in storage were checked when they
/// were entered, so a problem here means the statements changed; the
/// ratings that no longer fit are left out rather than hiding the round.
pub async fn combined(db: &Db, round: &Round) -> Result<Combined, sqlx::Error> {
    let statements = default_statements();
    let mut ratings = rounds::ratings(db, round.id).await?;
    ratings.retain(|r| statements.iter().any(|s| s.id == r.statement));
    Ok(combine(&statements, &ratings).unwrap_or_else(|_| {
        combine(&statements, &[]).unwrap_or(Combined {
            statements: Vec::new(),
            dimensions: Vec::new(),
        })
    }))
}

/// Every round of an organisation with its combined ratings, oldest first.
pub async fn rounds_combined(
    db: &Db,
    organisation_id: i64,
) -> Result<Vec<(Round, Combined)>, sqlx::Error> {
    let mut all = Vec::new();
    for round in rounds::list(db, organisation_id).await? {
        let combined = combined(db, &round).await?;
        all.push((round, combined));
    }
    Ok(all)
}

/// The latest round anyone rated in, combined.
pub async fn latest_star(db: &Db, organisation_id: i64) -> Result<StarScores, sqlx::Error> {
    let rated = rounds::list(db, organisation_id)
        .await?
        .into_iter()
        .rev()
        .find(|r| r.raters > 0);
    match rated {
        Some(round) => Ok(StarScores::from_star(&combined(db, &round).await?.star())),
        None => Ok(StarScores::default()),
    }
}

pub async fn organisation(
    db: &Db,
    id: i64,
    name: String,
) -> Result<OrganisationReport, sqlx::Error> {
    let mut cases = cases::for_organisation(db, id).await?;
    let initiatives = initiatives::list(db, id)
        .await?
        .into_iter()
        .map(|initiative| InitiativeReport {
            business_case: cases.remove(&initiative.id).and_then(|case| {
                appraise(&case)
                    .ok()
                    .map(|appraisal| CaseReport::new(&case, &appraisal))
            }),
            id: initiative.id,
            name: initiative.name,
            cos: initiative.cos.iter().map(|c| c.key().to_owned()).collect(),
        })
        .collect();
    Ok(OrganisationReport {
        id,
        name,
        star: latest_star(db, id).await?,
        initiatives,
    })
}

/// The report for one organisation (`Some(id)`; `None` in the list if it
/// does not exist) or for all of them.
pub async fn build(db: &Db, only: Option<i64>) -> Result<Option<StarReport>, sqlx::Error> {
    let mut chosen = organisations::list(db).await?;
    if let Some(id) = only {
        chosen.retain(|o| o.id == id);
        if chosen.is_empty() {
            return Ok(None);
        }
    }
    let mut reports = Vec::new();
    for organisation in chosen {
        reports.push(self::organisation(db, organisation.id, organisation.name).await?);
    }
    Ok(Some(StarReport {
        organisations: reports,
    }))
}
