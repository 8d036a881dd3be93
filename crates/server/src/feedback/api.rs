//! Feedback in coprod's API, for an organisation's systems: the items about
//! the token's organisation (its services, processes and surveys), a page
//! at a time, with each complaint's stage, clock and outcome. No item
//! carries the person's name or contact details; the read is audited
//! under the token all the same.

use axum::{
    Extension, Json,
    extract::{Query, State},
};
use coprod_engine::schedule::Date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{model::Feedback, store};
use crate::{
    api::ApiClient,
    app::AppState,
    audit::{self, Action, Event},
    coordination::model::today,
    error::Result,
    referrals::api::{requested_page, rfc3339},
};

/// The most items one page holds.
pub const MAX_PER_PAGE: i64 = 200;
/// Items a page holds unless asked otherwise.
pub const DEFAULT_PER_PAGE: i64 = 50;

/// One item of feedback.
#[derive(Serialize, ToSchema)]
pub struct FeedbackItem {
    pub id: i64,
    /// The reference the person was given.
    pub reference: String,
    /// `feedback`, `compliment` or `complaint`.
    pub kind: String,
    /// `organisation`, `service`, `process` or `survey`.
    pub about_kind: String,
    /// The service's, process's or survey's id; null for the organisation.
    pub about_id: Option<String>,
    pub about_name: String,
    /// `online`, `phone`, `letter`, `in_person` or `email`.
    pub channel: String,
    /// YYYY-MM-DD.
    pub received_on: String,
    /// When it was stored, RFC 3339 in UTC.
    pub created_at: String,
    /// Complaints only: `frontline`, `frontline_closed`, `investigation`,
    /// `acknowledged` or `decided`.
    pub status: Option<String>,
    /// The clock running now: `frontline`, `acknowledge` or `decision`.
    pub clock: Option<String>,
    /// When that clock runs out, YYYY-MM-DD.
    pub due_on: Option<String>,
    /// Whether it ran out before today.
    pub overdue: bool,
    pub frontline_due: Option<String>,
    pub frontline_responded_on: Option<String>,
    pub investigation_due: Option<String>,
    pub decided_on: Option<String>,
    /// `upheld`, `partly_upheld`, `not_upheld` or `resolved`: stage 2's if
    /// decided, else stage 1's.
    pub outcome: Option<String>,
    pub learning: String,
    pub changes: String,
    /// Published with a public response.
    pub published: bool,
}

/// A page of feedback.
#[derive(Serialize, ToSchema)]
pub struct FeedbackList {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<FeedbackItem>,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct FeedbackPageQuery {
    /// From 1; 1 when left out.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1_000_000)]
    pub page: Option<String>,
    /// 1 to 200; 50 when left out.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub per_page: Option<String>,
}

fn item_out(f: &Feedback, today: Date) -> FeedbackItem {
    let case = f.case.as_ref();
    let text = |d: Option<Date>| d.map(|d| d.to_string());
    let clock = case.and_then(coprod_engine::feedback::Case::clock);
    FeedbackItem {
        id: f.id,
        reference: f.reference.clone(),
        kind: f.kind.key().to_owned(),
        about_kind: f.about.key().to_owned(),
        about_id: f.about_id.clone(),
        about_name: f.about_name.clone(),
        channel: f.channel.key().to_owned(),
        received_on: f.received_on.to_string(),
        created_at: rfc3339(f.created_at),
        status: f.status().map(|s| s.key().to_owned()),
        clock: clock.map(|c| c.key().to_owned()),
        due_on: text(clock.map(coprod_engine::feedback::Clock::due)),
        overdue: clock.is_some_and(|c| c.due() < today),
        frontline_due: text(case.and_then(|c| c.frontline.as_ref()).map(|s| s.due)),
        frontline_responded_on: text(
            case.and_then(|c| c.frontline.as_ref())
                .and_then(|s| s.responded),
        ),
        investigation_due: text(case.and_then(|c| c.investigation.as_ref()).map(|s| s.due)),
        decided_on: text(
            case.and_then(|c| c.investigation.as_ref())
                .and_then(|s| s.decided),
        ),
        outcome: case
            .and_then(coprod_engine::feedback::Case::outcome)
            .map(|o| o.key().to_owned()),
        learning: f.learning.clone(),
        changes: f.changes.clone(),
        published: f.published_at.is_some(),
    }
}

/// Feedback, compliments and complaints about the token's organisation,
/// newest first.
#[utoipa::path(get, path = "/api/v1/feedback", tag = "feedback",
    params(FeedbackPageQuery),
    responses((status = 200, body = FeedbackList), (status = 400, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    Query(query): Query<FeedbackPageQuery>,
) -> Result<Json<FeedbackList>> {
    let (page, per_page) = requested_page(
        query.page.as_deref(),
        query.per_page.as_deref(),
        DEFAULT_PER_PAGE,
        MAX_PER_PAGE,
    )?;
    let reach = client.reach();
    let mut tx = state.db.begin_write().await?;
    let total = store::count(&mut tx, &reach).await?;
    let found = store::list(&mut tx, &reach, per_page, (page - 1) * per_page).await?;
    let today = today();
    let items: Vec<FeedbackItem> = found.iter().map(|f| item_out(f, today)).collect();
    audit::record_in(
        &mut tx,
        Event::new(Action::FeedbackRead, None, "")
            .token(Some(client.token_id))
            .detail(format!(
                "API token {}: feedback page {page} ({} shown)",
                client.token_name,
                items.len()
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(FeedbackList {
        total,
        page,
        per_page,
        items,
    }))
}
