//! What coprod itself measured for an initiative, shown beside what its
//! organisation claims, so evidence is linked rather than retyped: the
//! change measured for people referred to the service on the asset map the
//! initiative is linked to (with n and a 95% interval, small groups
//! withheld), and the hours volunteers gave through the time bank to
//! people the organisation holds in the last twelve months, which the
//! business case can take as its volunteer input in one step.

use axum::{
    Extension,
    extract::{Path, State},
    response::Response,
};
use coprod_engine::schedule::Date;

use super::{
    scope,
    store::{cases, initiatives::Initiative},
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    coordination::model::today,
    error::{AppError, Result},
    referrals::evidence::{self as measured, ChangeRow},
    web::{ClientIp, Shell, StrictForm},
};

/// How far back the time bank's hours are counted.
const HOURS_WINDOW_DAYS: i64 = 365;

/// The evidence an initiative's pages show.
pub struct Evidence {
    /// The linked service's name, when there is one.
    pub service: Option<String>,
    /// A row per measure for the linked service.
    pub changes: Vec<ChangeRow>,
    /// Hours given through the time bank in the window, in a sentence.
    pub hours: String,
}

fn window_start() -> Date {
    today().add_days(-HOURS_WINDOW_DAYS)
}

async fn minutes_given(state: &AppState, organisation_id: i64) -> Result<i64> {
    let mut conn = state.db.pool().acquire().await?;
    Ok(cases::minutes_given_to_people_held_by(
        &mut conn,
        organisation_id,
        &window_start().to_string(),
    )
    .await?)
}

/// Gathers the evidence for an initiative the reader may already see.
pub async fn gather(state: &AppState, shell: &Shell, initiative: &Initiative) -> Result<Evidence> {
    let changes = match &initiative.asset_service_id {
        Some(service) => {
            let mut conn = state.db.pool().acquire().await?;
            measured::for_service(&mut conn, shell, service).await?
        }
        None => Vec::new(),
    };
    #[expect(
        clippy::cast_precision_loss,
        reason = "minutes in a year of volunteering are far below 2^52"
    )]
    let hours = minutes_given(state, initiative.organisation_id).await? as f64 / 60.0;
    let since = crate::coordination::views::date_text(shell, window_start());
    Ok(Evidence {
        service: initiative.asset_service_name.clone(),
        changes,
        hours: shell.tn("star.evidence.hours", &[&format!("{hours:.1}"), &since]),
    })
}

/// `POST /star/initiatives/{id}/business-case/volunteer-hours`: the case's
/// volunteer hours become the time bank's figure, as measured now.
pub async fn use_time_bank_hours(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<std::collections::BTreeMap<String, String>>,
) -> Result<Response> {
    let initiative = super::store::initiatives::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    scope::organisation(&state.db, &user, initiative.organisation_id).await?;
    let since = window_start().to_string();
    let mut tx = state.db.begin_write().await?;
    let minutes =
        cases::minutes_given_to_people_held_by(&mut tx, initiative.organisation_id, &since).await?;
    #[expect(
        clippy::cast_precision_loss,
        reason = "minutes in a year of volunteering are far below 2^52"
    )]
    let hours = (minutes as f64 / 60.0 * 10.0).round() / 10.0;
    if !cases::set_volunteer_hours(&mut tx, id, hours, Some(user.account_id)).await? {
        // No case yet: there is nothing to put the hours in.
        return Ok(redirect(&format!(
            "/star/initiatives/{id}/business-case?done=no_case"
        )));
    }
    audit::record_in(
        &mut tx,
        Event::new(Action::StarBusinessCaseSaved, Some(user.account_id), &ip)
            .subject("star_initiative", id)
            .detail(format!(
                "volunteer hours from the time bank: {hours:.1} since {since}"
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!(
        "/star/initiatives/{id}/business-case?done=hours#inputs"
    )))
}
