//! What changed for people: the mean change between the start and the
//! review on each measure that has one number (SWEMWBS, UCLA-3, Talking
//! Points), with its n and 95% interval, for everyone within the reader's
//! reach, by service and by who referred. A person counts once overall;
//! beside a service or a source, each referral counts with its own start
//! and review. Groups of fewer than five are withheld, as in the funnel.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::{Extension, extract::State, response::Response};
use coprod_engine::{
    referrals::outcomes::{self, Measure, Measured},
    surveys::{breakdown::MIN_CELL_RESPONDENTS, statistics::MeanEstimate},
};

use super::destination;
use crate::{
    accounts::CurrentUser,
    app::AppState,
    error::Result,
    people::reach::Caseloads,
    referrals::{
        actor,
        evidence::{ChangeRow, row},
        model::Referral,
        store::{self, Which},
    },
    web::{Shell, page},
};

/// One measure's figures.
pub struct MeasureChanges {
    pub title: String,
    pub reading: String,
    pub overall: ChangeRow,
    pub tables: Vec<(String, Vec<ChangeRow>)>,
}

#[derive(Template)]
#[template(path = "referrals/changes.html")]
struct ChangesPage {
    shell: Shell,
    measures: Vec<MeasureChanges>,
    withheld: String,
}

pub async fn changes(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
) -> Result<Response> {
    let reach = actor(&user, "").reach;
    let mut conn = state.db.pool().acquire().await?;
    let count = store::count(&mut conn, &reach, Caseloads::All, Which::Both).await?;
    let referrals: HashMap<i64, Referral> = store::list(
        &mut conn,
        &reach,
        Caseloads::All,
        Which::Both,
        count.max(1),
        0,
    )
    .await?
    .into_iter()
    .map(|r| (r.id, r))
    .collect();
    // (referral, measure) pairs; every outcome here was taken in a referral.
    let by_referral: Vec<(i64, Measured)> = store::outcomes_within(&mut conn, &reach)
        .await?
        .iter()
        .filter_map(|o| {
            let scored =
                Measured::score(o.person_id, o.measure, o.stage, o.recorded_at, &o.items).ok()?;
            Some((o.referral_id?, scored))
        })
        .collect();
    drop(conn);
    let person_measures: Vec<Measured> = by_referral.iter().map(|(_, m)| m.clone()).collect();
    let measures = Measure::WITH_HEADLINE
        .into_iter()
        .map(|measure| {
            let people = outcomes::changes(&person_measures, measure);
            let overall = MeanEstimate::of(people.values().copied());
            let per_referral =
                outcomes::changes_by(by_referral.iter().map(|(r, m)| (*r, m)), measure);
            let service = |id: &i64| {
                referrals
                    .get(id)
                    .map_or_else(String::new, |r| destination(&shell, r))
            };
            let source = |id: &i64| {
                referrals.get(id).map_or_else(String::new, |r| {
                    shell.t(&format!("referrals.kind.{}", r.referrer_kind.key()))
                })
            };
            let table = |title: &str, groups: BTreeMap<String, MeanEstimate>| {
                (
                    shell.t(title),
                    groups
                        .into_iter()
                        .map(|(group, estimate)| row(&shell, group, &estimate))
                        .collect(),
                )
            };
            MeasureChanges {
                title: shell.t(&format!("referrals.instrument.{}", measure.key())),
                reading: shell.t(&format!("referrals.changes.reading.{}", measure.key())),
                overall: row(&shell, shell.t("referrals.changes.everyone"), &overall),
                tables: vec![
                    table(
                        "referrals.changes.by_service",
                        outcomes::estimates_by(&per_referral, service),
                    ),
                    table(
                        "referrals.changes.by_source",
                        outcomes::estimates_by(&per_referral, source),
                    ),
                ],
            }
        })
        .collect();
    page(&ChangesPage {
        withheld: shell.t1(
            "referrals.changes.withheld",
            &MIN_CELL_RESPONDENTS.to_string(),
        ),
        measures,
        shell,
    })
}
