//! Referrals in coprod's API, for an organisation's systems: the referrals
//! the token's organisation made or received, with every step and the
//! wellbeing measures taken, and a summary of where they stand, uptake and
//! the change in wellbeing. The list names no person, but it is about
//! people, so every read is in the audit log under the token.

use std::collections::BTreeMap;

use axum::{
    Extension, Json,
    extract::{Query, State},
};
use coprod_engine::{
    referrals::{
        Status,
        funnel::{Funnel, Reached},
        outcomes::{self, Measure, Measured},
    },
    surveys::instruments::{Instrument, InstrumentScore},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    model::{Outcome, Referral},
    store::{self, Which},
};
use crate::{
    api::ApiClient,
    app::AppState,
    audit::{self, Action, Event},
    error::{AppError, Result},
    people::reach::Caseloads,
};

/// The most referrals one page holds.
pub const MAX_PER_PAGE: i64 = 200;
/// Referrals a page holds unless asked otherwise.
pub const DEFAULT_PER_PAGE: i64 = 50;

/// A time as RFC 3339, in UTC.
pub(crate) fn rfc3339(seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// One step of a referral.
#[derive(Serialize, ToSchema)]
pub struct ReferralStep {
    /// `referred`, `accepted`, `contacted`, `first_attended`, `completed`,
    /// `declined`, `did_not_attend` or `withdrawn`.
    pub status: String,
    /// When, RFC 3339 in UTC.
    pub at: String,
    /// `online`, `phone`, `email`, `paper` or `in_person`.
    pub channel: String,
}

/// The four ONS4 ratings, each 0–10, never combined.
#[derive(Serialize, ToSchema)]
pub struct Ons4Ratings {
    pub life_satisfaction: u8,
    pub worthwhile: u8,
    pub happy: u8,
    pub anxious: u8,
}

/// A measure's score: SWEMWBS's metric score (through the published
/// conversion table) or UCLA-3's total as a number, ONS4's four ratings as
/// an object.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum OutcomeScore {
    Number(f64),
    Ons4(Ons4Ratings),
}

/// A wellbeing measure taken during the referral.
#[derive(Serialize, ToSchema)]
pub struct ReferralOutcome {
    /// `swemwbs`, `ons4` or `ucla3`.
    pub instrument: String,
    /// `start` or `review`.
    pub stage: String,
    /// When, RFC 3339 in UTC.
    pub recorded_at: String,
    /// The answer to each item, in item order.
    pub items: Vec<i64>,
    pub score: OutcomeScore,
}

/// A referral made or received by the token's organisation.
#[derive(Serialize, ToSchema)]
pub struct ReferralItem {
    pub id: i64,
    /// The asset map service referred to; null for a volunteer desk.
    pub service_id: Option<String>,
    /// When, RFC 3339 in UTC.
    pub referred_at: String,
    /// Where it stands now.
    pub status: String,
    /// Every step, first to last.
    pub events: Vec<ReferralStep>,
    pub outcomes: Vec<ReferralOutcome>,
}

/// A page of referrals.
#[derive(Serialize, ToSchema)]
pub struct ReferralList {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<ReferralItem>,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct ReferralPageQuery {
    /// From 1 to 1,000,000; 1 when left out.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1_000_000)]
    pub page: Option<String>,
    /// 1 to 200; 50 when left out.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub per_page: Option<String>,
}

/// The page and the page size an API list was asked for: each a whole
/// number from 1 (the page at most `LAST_POSSIBLE_PAGE`, the size at most
/// `max_per_page`), with 1 and `default_per_page` when left out.
pub(crate) fn requested_page(
    page: Option<&str>,
    per_page: Option<&str>,
    default_per_page: i64,
    max_per_page: i64,
) -> Result<(i64, i64)> {
    Ok((
        whole(page, "page", 1, crate::web::paging::LAST_POSSIBLE_PAGE)?,
        whole(per_page, "per_page", default_per_page, max_per_page)?,
    ))
}

/// A whole number query parameter within 1..=max, or a 400 naming the field.
fn whole(raw: Option<&str>, field: &'static str, default: i64, max: i64) -> Result<i64> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(default);
    };
    raw.parse::<i64>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or(AppError::bad_request(
            if field == "page" {
                "error.query.page"
            } else {
                "error.query.per_page"
            },
            field,
        ))
}

/// The score as the API gives it. The API's outcomes are the three
/// validated instruments; Talking Points ratings stay on the pages and in
/// the subject access export.
fn score(outcome: &Outcome) -> Option<OutcomeScore> {
    let Measure::Instrument(instrument) = outcome.measure else {
        return None;
    };
    Some(match instrument.score(&outcome.items).ok()? {
        InstrumentScore::Swemwbs(s) => OutcomeScore::Number(s.metric()),
        InstrumentScore::Ucla3 { score } => OutcomeScore::Number(f64::from(score)),
        InstrumentScore::Ons4(s) => OutcomeScore::Ons4(Ons4Ratings {
            life_satisfaction: s.life_satisfaction,
            worthwhile: s.worthwhile,
            happy: s.happy,
            anxious: s.anxious,
        }),
    })
}

async fn referral_out(conn: &mut sqlx::AnyConnection, r: &Referral) -> Result<ReferralItem> {
    let events = store::events(conn, r.id)
        .await?
        .into_iter()
        .map(|e| ReferralStep {
            status: e.step.status.key().to_owned(),
            at: rfc3339(e.step.at),
            channel: e.step.channel.key().to_owned(),
        })
        .collect();
    let outcomes = store::outcomes_of(conn, r.id)
        .await?
        .iter()
        .filter_map(|o| {
            Some(ReferralOutcome {
                instrument: o.measure.key().to_owned(),
                stage: o.stage.key().to_owned(),
                recorded_at: rfc3339(o.recorded_at),
                items: o.items.clone(),
                score: score(o)?,
            })
        })
        .collect();
    Ok(ReferralItem {
        id: r.id,
        service_id: r.service_id.clone(),
        referred_at: rfc3339(r.referred_at),
        status: r.status.key().to_owned(),
        events,
        outcomes,
    })
}

/// The referrals the token's organisation made (from a person's record it
/// holds) or received, open ones first.
#[utoipa::path(get, path = "/api/v1/referrals", tag = "referrals",
    params(ReferralPageQuery),
    responses((status = 200, body = ReferralList), (status = 400, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    Query(query): Query<ReferralPageQuery>,
) -> Result<Json<ReferralList>> {
    let (page, per_page) = requested_page(
        query.page.as_deref(),
        query.per_page.as_deref(),
        DEFAULT_PER_PAGE,
        MAX_PER_PAGE,
    )?;
    let reach = client.reach();
    let mut tx = state.db.begin_write().await?;
    let total = store::count(&mut tx, &reach, Caseloads::All, Which::Both).await?;
    let referrals = store::list(
        &mut tx,
        &reach,
        Caseloads::All,
        Which::Both,
        per_page,
        (page - 1) * per_page,
    )
    .await?;
    let mut items = Vec::with_capacity(referrals.len());
    for r in &referrals {
        items.push(referral_out(&mut tx, r).await?);
    }
    audit::record_in(
        &mut tx,
        Event::new(Action::PersonRead, None, "")
            .token(Some(client.token_id))
            .detail(format!(
                "API token {}: referrals page {page} ({} shown)",
                client.token_name,
                items.len()
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(ReferralList {
        total,
        page,
        per_page,
        items,
    }))
}

/// Referrals made and attended.
#[derive(Serialize, ToSchema)]
pub struct ReferralUptake {
    pub referred: u64,
    pub attended: u64,
    /// Attended as a share of referred, 0 to 1 (0 when none were referred).
    pub rate: f64,
}

/// The change on one instrument.
#[derive(Serialize, ToSchema)]
pub struct InstrumentChange {
    /// People with both a start and a review score.
    pub n: u64,
    /// Their mean change, review less start (SWEMWBS: metric score);
    /// null when `n` is 0.
    pub mean_change: Option<f64>,
}

/// Change in wellbeing across the people with a start and a review score.
#[derive(Serialize, ToSchema)]
pub struct ReferralOutcomeChange {
    pub swemwbs: InstrumentChange,
    pub ucla3: InstrumentChange,
}

/// Where the token's organisation's referrals stand.
#[derive(Serialize, ToSchema)]
pub struct ReferralSummary {
    /// How many referrals are in each status (every status listed).
    pub by_status: BTreeMap<String, u64>,
    pub uptake: ReferralUptake,
    pub outcome_change: ReferralOutcomeChange,
}

/// Totals over the referrals the token's organisation made or received.
#[utoipa::path(get, path = "/api/v1/referrals/summary", tag = "referrals",
    responses((status = 200, body = ReferralSummary)),
    security(("bearer" = [])))]
pub async fn summary(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
) -> Result<Json<ReferralSummary>> {
    let reach = client.reach();
    let mut conn = state.db.pool().acquire().await?;
    let count = store::count(&mut conn, &reach, Caseloads::All, Which::Both).await?;
    let referrals = store::list(
        &mut conn,
        &reach,
        Caseloads::All,
        Which::Both,
        count.max(1),
        0,
    )
    .await?;
    let mut by_status: BTreeMap<String, u64> = Status::ALL
        .iter()
        .map(|s| (s.key().to_owned(), 0))
        .collect();
    for r in &referrals {
        *by_status.entry(r.status.key().to_owned()).or_default() += 1;
    }
    let mut history: BTreeMap<i64, Vec<Status>> = BTreeMap::new();
    for (id, status) in store::statuses_within(&mut conn, &reach).await? {
        history.entry(id).or_default().push(status);
    }
    let funnel = Funnel::of(
        referrals
            .iter()
            .map(|r| Reached::of(history.get(&r.id).cloned().unwrap_or_default())),
    );
    let measured: Vec<Measured> = store::outcomes_within(&mut conn, &reach)
        .await?
        .iter()
        .filter_map(|o| {
            Measured::score(o.person_id, o.measure, o.stage, o.recorded_at, &o.items).ok()
        })
        .collect();
    let change = |instrument| {
        let c = outcomes::mean_change(&measured, Measure::Instrument(instrument));
        InstrumentChange {
            n: c.n,
            mean_change: c.mean_change,
        }
    };
    Ok(Json(ReferralSummary {
        by_status,
        uptake: ReferralUptake {
            referred: funnel.referred,
            attended: funnel.attended,
            rate: funnel.uptake(),
        },
        outcome_change: ReferralOutcomeChange {
            swemwbs: change(Instrument::Swemwbs),
            ucla3: change(Instrument::Ucla3),
        },
    }))
}
