//! The impact report of an organisation: initiatives by Co, their
//! business cases ranked, what their reviews say, the Explorer's gaps and
//! the star over time — one printable page, with a print stylesheet
//! instead of a PDF.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    response::Response,
};
use coprod_engine::{
    business_case::ranking::{ImpactMeasure, rank_by_impact},
    business_case::{Appraisal, appraise},
    explorer::{self, Placement},
    self_assessment::Co,
};

use super::{
    numbers::{pounds, two_decimals},
    radar, report, scope,
    self_assessment::{history_chart, history_table},
    store::{cases, initiatives},
    surveys_link::{self, ReviewSummary},
};
use crate::{
    accounts::CurrentUser,
    app::AppState,
    error::Result,
    organisations::store::Organisation,
    web::{Shell, page},
};

pub struct CaseLine {
    pub rank: String,
    pub name: String,
    pub inputs: String,
    pub present_value: String,
    pub net_value: String,
    pub ratio: String,
    pub payback: String,
}

#[derive(Template)]
#[template(path = "star/report.html")]
struct ReportPage {
    shell: Shell,
    organisation: Organisation,
    by_co: Vec<(String, Vec<String>)>,
    cases: Vec<CaseLine>,
    reviews: Vec<(String, ReviewSummary)>,
    gaps: Vec<(String, String)>,
    star: Option<radar::Radar>,
    round_names: Vec<String>,
    history: Vec<(String, Vec<String>)>,
    willing: (u64, String),
}

pub async fn report(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(org): Path<i64>,
) -> Result<Response> {
    let organisation = scope::organisation(&state.db, &user, org).await?;
    let all = initiatives::list(&state.db, org).await?;
    let by_co = Co::ALL
        .iter()
        .map(|co| {
            (
                shell.t(&format!("star.co.{}", co.key())),
                all.iter()
                    .filter(|i| i.cos.contains(co))
                    .map(|i| {
                        format!(
                            "{} ({})",
                            i.name,
                            shell.t(&format!("star.stage.{}", i.stage.key()))
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    let stored = cases::for_organisation(&state.db, org).await?;
    let appraised: Vec<(i64, Appraisal)> = stored
        .iter()
        .filter_map(|(id, case)| appraise(case).ok().map(|a| (*id, a)))
        .collect();
    let pairs: Vec<(i64, &Appraisal)> = appraised.iter().map(|(id, a)| (*id, a)).collect();
    let cases = rank_by_impact(&pairs, ImpactMeasure::SroiRatio)
        .into_iter()
        .filter_map(|ranked| {
            let initiative = all.iter().find(|i| i.id == ranked.initiative)?;
            let (_, appraisal) = appraised.iter().find(|(id, _)| *id == ranked.initiative)?;
            Some(CaseLine {
                rank: ranked
                    .rank
                    .map_or_else(|| "–".to_owned(), |r| r.to_string()),
                name: initiative.name.clone(),
                inputs: pounds(appraisal.inputs.total),
                present_value: pounds(appraisal.present_value),
                net_value: pounds(appraisal.net_value),
                ratio: appraisal
                    .sroi_ratio
                    .map_or_else(|| "–".to_owned(), two_decimals),
                payback: appraisal.payback_years.map_or_else(
                    || shell.t("star.case.no_payback"),
                    |y| shell.t1("star.case.years", &format!("{y:.1}")),
                ),
            })
        })
        .collect();
    let mut reviews = Vec::new();
    for initiative in &all {
        if let Some(survey) = initiative.review_survey_id
            && let Some(summary) = surveys_link::review_summary(&state, &shell, survey).await?
        {
            reviews.push((initiative.name.clone(), summary));
        }
    }
    let placements: Vec<Placement<'_>> = all
        .iter()
        .map(|i| Placement {
            service: &i.service,
            cos: &i.cos,
            stage: i.stage,
        })
        .collect();
    let grid = explorer::grid(all.iter().map(|i| i.service.as_str()), &placements);
    let gaps = grid
        .gaps()
        .into_iter()
        .map(|(service, co)| {
            (
                service.to_owned(),
                shell.t(&format!("star.co.{}", co.key())),
            )
        })
        .collect();
    let rounds = report::rounds_combined(&state.db, org).await?;
    let star = history_chart(&shell, &rounds);
    let (round_names, history) = history_table(&shell, &rounds);
    let (respondents, hours) = surveys_link::willingness_hours(&state.db, org).await?;
    page(&ReportPage {
        round_names,
        willing: (respondents, format!("{hours:.0}")),
        by_co,
        cases,
        reviews,
        gaps,
        star,
        history,
        organisation,
        shell,
    })
}
