//! Claiming a listing nobody keeps: a coordinator asks for their
//! organisation to keep it, and an administrator approves or refuses.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::{Method, StatusCode},
    response::Response,
    routing::{get, post},
};
use serde::Deserialize;
use sqlx::Row;

use super::listings::{KEEPERS, keeper_organisations};
use crate::{
    access::{self, Route, redirect},
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    db,
    error::{AppError, Result},
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status, utc_time},
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            "/services/{id}/claim",
            KEEPERS,
            get(claim_form),
        ),
        Route::new(Method::POST, "/services/{id}/claim", KEEPERS, post(claim)),
        Route::new(Method::GET, "/admin/claims", access::ADMIN, get(pending)),
        Route::new(
            Method::POST,
            "/admin/claims/{id}/decide",
            access::ADMIN,
            post(decide),
        ),
    ]
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ClaimForm {
    organisation_id: String,
    note: String,
}

#[derive(Template)]
#[template(path = "asset_map/claim.html")]
struct ClaimPage {
    shell: Shell,
    service_id: String,
    service_name: String,
    organisations: Vec<(i64, String)>,
    form: ClaimForm,
    errors: FieldErrors,
    /// Someone keeps it already, so it cannot be claimed.
    kept: bool,
}

/// A listing's name and whether someone keeps it.
async fn listing(state: &AppState, id: &str) -> Result<(String, bool)> {
    let row = sqlx::query("SELECT name, managed_by FROM services WHERE id = $1")
        .bind(id)
        .fetch_optional(state.db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        row.try_get("name")?,
        row.try_get::<Option<i64>, _>("managed_by")?.is_some(),
    ))
}

async fn claim_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response> {
    let (service_name, kept) = listing(&state, &id).await?;
    let organisations = keeper_organisations(&state.db, &user).await?;
    page(&ClaimPage {
        shell,
        service_id: id,
        service_name,
        form: ClaimForm {
            organisation_id: organisations
                .first()
                .map(|(id, _)| id.to_string())
                .unwrap_or_default(),
            note: String::new(),
        },
        organisations,
        errors: FieldErrors::default(),
        kept,
    })
}

async fn claim(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
    StrictForm(form): StrictForm<ClaimForm>,
) -> Result<Response> {
    let (service_name, kept) = listing(&state, &id).await?;
    let organisations = keeper_organisations(&state.db, &user).await?;
    let mut errors = FieldErrors::default();
    let organisation = form
        .organisation_id
        .parse::<i64>()
        .ok()
        .filter(|o| organisations.iter().any(|(id, _)| id == o));
    if organisation.is_none() {
        errors.add("organisation_id", shell.t("error.organisation.unknown"));
    }
    if form.note.chars().count() > 2_000 {
        errors.add("note", shell.t("listing.error.description_long"));
    }
    if kept {
        errors.add("organisation_id", shell.t("claim.error.kept"));
    }
    if let (Some(organisation), true) = (organisation, errors.is_empty()) {
        let inserted = sqlx::query(
            "INSERT INTO listing_claims (service_id, organisation_id, requested_by, note, status, requested_at) \
             VALUES ($1, $2, $3, $4, 'pending', $5)",
        )
        .bind(&id)
        .bind(organisation)
        .bind(user.account_id)
        .bind(form.note.trim())
        .bind(db::now())
        .execute(state.db.pool())
        .await;
        match inserted {
            Ok(_) => return Ok(redirect(&format!("/services/{id}?claimed=1"))),
            Err(error) if db::is_unique_violation(&error) => {
                errors.add("organisation_id", shell.t("claim.error.pending"));
            }
            Err(error) => return Err(error.into()),
        }
    }
    page_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ClaimPage {
            shell,
            service_id: id,
            service_name,
            organisations,
            form,
            errors,
            kept,
        },
    )
}

/// A claim waiting for a decision.
#[derive(Debug, Clone)]
pub struct PendingClaim {
    pub id: i64,
    pub service_id: String,
    pub service_name: String,
    pub organisation: String,
    pub requested_by: String,
    pub requested: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "asset_map/claims.html")]
struct PendingPage {
    shell: Shell,
    claims: Vec<PendingClaim>,
}

async fn pending(State(state): State<AppState>, shell: Shell) -> Result<Response> {
    let rows = sqlx::query(
        "SELECT c.id, c.service_id, s.name AS service_name, o.name AS organisation, \
         COALESCE(a.display_name, '') AS requested_by, c.requested_at, c.note \
         FROM listing_claims c JOIN services s ON s.id = c.service_id \
         JOIN organisations o ON o.id = c.organisation_id LEFT JOIN accounts a ON a.id = c.requested_by \
         WHERE c.status = 'pending' ORDER BY c.requested_at, c.id",
    )
    .fetch_all(state.db.pool())
    .await?;
    let claims = rows
        .iter()
        .map(|row| {
            Ok(PendingClaim {
                id: row.try_get("id")?,
                service_id: row.try_get("service_id")?,
                service_name: row.try_get("service_name")?,
                organisation: row.try_get("organisation")?,
                requested_by: row.try_get("requested_by")?,
                requested: utc_time(row.try_get("requested_at")?),
                note: row.try_get("note")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    page(&PendingPage { shell, claims })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    decision: String,
    note: String,
}

async fn decide(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<DecisionForm>,
) -> Result<Response> {
    let approve = match form.decision.as_str() {
        "approve" => true,
        "refuse" => false,
        _ => return Err(AppError::bad_request("claim.error.decision", "decision")),
    };
    let now = db::now();
    let mut tx = state.db.pool().begin().await?;
    let row = sqlx::query("SELECT service_id, organisation_id FROM listing_claims WHERE id = $1 AND status = 'pending'")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let service_id: String = row.try_get("service_id")?;
    let organisation_id: i64 = row.try_get("organisation_id")?;
    if approve {
        // Only while nobody keeps it: of two approved claims, the first wins.
        let taken =
            sqlx::query("UPDATE services SET managed_by = $1 WHERE id = $2 AND managed_by IS NULL")
                .bind(organisation_id)
                .bind(&service_id)
                .execute(&mut *tx)
                .await?;
        if taken.rows_affected() == 0 {
            return Err(AppError::bad_request("claim.error.kept", "decision"));
        }
        // Other organisations' claims on the same listing are now moot.
        sqlx::query(
            "UPDATE listing_claims SET status = 'refused', decided_by = $1, decided_at = $2, decision_note = $3 \
             WHERE service_id = $4 AND status = 'pending' AND id <> $5",
        )
        .bind(user.account_id)
        .bind(now)
        .bind("another organisation's claim was approved")
        .bind(&service_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE listing_claims SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 WHERE id = $5",
    )
    .bind(if approve { "approved" } else { "refused" })
    .bind(user.account_id)
    .bind(now)
    .bind(form.note.trim())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let action = if approve {
        Action::ListingClaimApproved
    } else {
        Action::ListingClaimRefused
    };
    audit::record(
        &state.db,
        Event::new(action, Some(user.account_id), &ip)
            .subject("organisation", organisation_id)
            .detail(format!("listing {service_id}")),
    )
    .await?;
    Ok(redirect("/admin/claims"))
}
