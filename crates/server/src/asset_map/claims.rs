//! Claiming a listing nobody keeps: a coordinator asks for their
//! organisation to keep it, and an administrator approves or refuses.

use super::{
    listings::{KEEPERS, keeper_organisations},
    store::keeping::{self, Decided},
};
use crate::{
    access::{self, Route, redirect},
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    error::{AppError, Result},
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status, when},
};
use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::{Method, StatusCode},
    response::Response,
    routing::{get, post},
};
use serde::Deserialize;

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
    let (name, managed_by) = keeping::listing_keeper(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((name, managed_by.is_some()))
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
        let inserted = keeping::add_claim(
            &state.db,
            &id,
            organisation,
            user.account_id,
            form.note.trim(),
        )
        .await;
        match inserted {
            Ok(()) => return Ok(redirect(&format!("/services/{id}?claimed=1"))),
            Err(error) if error.is_unique_violation() => {
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
    let claims = keeping::pending_claims(&state.db)
        .await?
        .into_iter()
        .map(|row| PendingClaim {
            id: row.id,
            service_id: row.service_id,
            service_name: row.service_name,
            organisation: row.organisation,
            requested_by: row.requested_by,
            requested: when(row.requested_at),
            note: row.note,
        })
        .collect();
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
    let mut tx = state.db.begin_write().await?;
    let (service_id, organisation_id) =
        match keeping::decide_claim(&mut tx, id, approve, user.account_id, form.note.trim()).await?
        {
            Decided::NoSuchClaim => return Err(AppError::NotFound),
            Decided::AlreadyKept => {
                return Err(AppError::bad_request("claim.error.kept", "decision"));
            }
            Decided::Done {
                service_id,
                organisation_id,
            } => (service_id, organisation_id),
        };
    let action = if approve {
        Action::ListingClaimApproved
    } else {
        Action::ListingClaimRefused
    };
    audit::record_in(
        &mut tx,
        Event::new(action, Some(user.account_id), &ip)
            .subject("organisation", organisation_id)
            .detail(format!("listing {service_id}")),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect("/admin/claims"))
}
