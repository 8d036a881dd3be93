//! Anyone can report a problem with a listing ("it has closed", "wrong
//! phone number"). Reports queue for the organisation that keeps the
//! listing — or for administrators when nobody does — and are resolved with
//! a note.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::{Method, StatusCode},
    response::Response,
    routing::{get, post},
};
use coprod_engine::people::EmailAddress;
use serde::Deserialize;
use sqlx::Row;

use super::listings::{KEEPERS, may_keep};
use crate::{
    access::{Access, Route, redirect},
    accounts::CurrentUser,
    app::AppState,
    db,
    error::{AppError, Result},
    web::{FieldErrors, Shell, StrictForm, page, page_with_status, utc_time},
};

/// The kinds of problem people can report, as stored.
pub const KINDS: [&str; 5] = [
    "closed",
    "wrong_contact",
    "wrong_details",
    "not_in_area",
    "other",
];
/// Longest description of a problem accepted.
const MAX_DETAILS_CHARS: usize = 2_000;
/// Open reports one listing can hold; past this, more are refused so the
/// queue cannot be flooded.
const MAX_OPEN_PER_LISTING: i64 = 25;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            "/services/{id}/report",
            Access::Public,
            get(report_form),
        ),
        Route::new(
            Method::POST,
            "/services/{id}/report",
            Access::Public,
            post(report),
        ),
        Route::new(Method::GET, "/listings/reports", KEEPERS, get(queue)),
        Route::new(
            Method::POST,
            "/listings/reports/{id}/resolve",
            KEEPERS,
            post(resolve),
        ),
    ]
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReportForm {
    kind: String,
    details: String,
    email: String,
}

#[derive(Template)]
#[template(path = "asset_map/report.html")]
struct ReportPage {
    shell: Shell,
    service_id: String,
    service_name: String,
    form: ReportForm,
    errors: FieldErrors,
    sent: bool,
}

impl ReportPage {
    fn kinds(&self) -> Vec<(&'static str, String)> {
        KINDS
            .iter()
            .map(|k| (*k, self.shell.t(&format!("report.kind.{k}"))))
            .collect()
    }
}

async fn service_name(state: &AppState, id: &str) -> Result<String> {
    let row = sqlx::query("SELECT name FROM services WHERE id = $1")
        .bind(id)
        .fetch_optional(state.db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(row.try_get("name")?)
}

async fn report_form(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<String>,
) -> Result<Response> {
    let service_name = service_name(&state, &id).await?;
    page(&ReportPage {
        shell,
        service_id: id,
        service_name,
        form: ReportForm::default(),
        errors: FieldErrors::default(),
        sent: false,
    })
}

async fn report(
    State(state): State<AppState>,
    shell: Shell,
    user: Option<Extension<CurrentUser>>,
    Path(id): Path<String>,
    StrictForm(form): StrictForm<ReportForm>,
) -> Result<Response> {
    let service_name = service_name(&state, &id).await?;
    let mut errors = FieldErrors::default();
    if !KINDS.contains(&form.kind.as_str()) {
        errors.add("kind", shell.t("report.error.kind"));
    }
    if form.details.chars().count() > MAX_DETAILS_CHARS {
        errors.add("details", shell.t("listing.error.description_long"));
    }
    if form.kind == "other" && form.details.trim().is_empty() {
        errors.add("details", shell.t("report.error.details"));
    }
    let email = if form.email.trim().is_empty() {
        None
    } else {
        EmailAddress::parse(&form.email)
            .map_err(|e| errors.add("email", shell.t(e.key)))
            .ok()
    };
    let (open,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM listing_reports WHERE service_id = $1 AND status = 'open'",
    )
    .bind(&id)
    .fetch_one(state.db.pool())
    .await?;
    if open >= MAX_OPEN_PER_LISTING {
        errors.add("kind", shell.t("report.error.full"));
    }
    if !errors.is_empty() {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ReportPage {
                shell,
                service_id: id,
                service_name,
                form,
                errors,
                sent: false,
            },
        );
    }
    sqlx::query(
        "INSERT INTO listing_reports (service_id, kind, details, reporter_email, reporter_account_id, reported_at, status) \
         VALUES ($1, $2, $3, $4, $5, $6, 'open')",
    )
    .bind(&id)
    .bind(&form.kind)
    .bind(form.details.trim())
    .bind(email.map(String::from))
    .bind(user.map(|u| u.account_id))
    .bind(db::now())
    .execute(state.db.pool())
    .await?;
    page(&ReportPage {
        shell,
        service_id: id,
        service_name,
        form: ReportForm::default(),
        errors: FieldErrors::default(),
        sent: true,
    })
}

/// An open report, for the queue.
#[derive(Debug, Clone)]
pub struct OpenReport {
    pub id: i64,
    pub service_id: String,
    pub service_name: String,
    pub kind: String,
    pub details: String,
    pub reporter_email: String,
    pub reported: String,
}

#[derive(Template)]
#[template(path = "asset_map/report_queue.html")]
struct QueuePage {
    shell: Shell,
    reports: Vec<OpenReport>,
    errors: FieldErrors,
    /// The report whose resolution was refused, to show its error beside it.
    failed: i64,
}

/// The open reports a person should deal with: for listings their
/// organisations keep, and — for those whose role covers the partnership —
/// unclaimed ones too.
async fn open_reports(state: &AppState, user: &CurrentUser) -> Result<Vec<OpenReport>> {
    let rows = sqlx::query(
        "SELECT r.id, r.service_id, s.name, s.managed_by, r.kind, r.details, r.reporter_email, r.reported_at \
         FROM listing_reports r JOIN services s ON s.id = r.service_id \
         WHERE r.status = 'open' ORDER BY r.reported_at, r.id",
    )
    .fetch_all(state.db.pool())
    .await?;
    let mut reports = Vec::new();
    for row in &rows {
        let managed_by: Option<i64> = row.try_get("managed_by")?;
        let mine = may_keep(&user, managed_by);
        if mine {
            reports.push(OpenReport {
                id: row.try_get("id")?,
                service_id: row.try_get("service_id")?,
                service_name: row.try_get("name")?,
                kind: row.try_get("kind")?,
                details: row.try_get("details")?,
                reporter_email: row
                    .try_get::<Option<String>, _>("reporter_email")?
                    .unwrap_or_default(),
                reported: utc_time(row.try_get("reported_at")?),
            });
        }
    }
    Ok(reports)
}

async fn queue(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
) -> Result<Response> {
    let reports = open_reports(&state, &user).await?;
    page(&QueuePage {
        shell,
        reports,
        errors: FieldErrors::default(),
        failed: 0,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResolveForm {
    note: String,
}

async fn resolve(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<ResolveForm>,
) -> Result<Response> {
    let row = sqlx::query(
        "SELECT s.managed_by FROM listing_reports r JOIN services s ON s.id = r.service_id \
         WHERE r.id = $1 AND r.status = 'open'",
    )
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let managed_by: Option<i64> = row.try_get("managed_by")?;
    if !may_keep(&user, managed_by) {
        return Err(AppError::Forbidden);
    }
    let note = form.note.trim();
    if note.is_empty() || note.chars().count() > MAX_DETAILS_CHARS {
        let mut errors = FieldErrors::default();
        errors.add("note", shell.t("report.error.note"));
        let reports = open_reports(&state, &user).await?;
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &QueuePage {
                shell,
                reports,
                errors,
                failed: id,
            },
        );
    }
    sqlx::query(
        "UPDATE listing_reports SET status = 'resolved', resolved_by = $1, resolved_at = $2, resolution_note = $3 \
         WHERE id = $4 AND status = 'open'",
    )
    .bind(user.account_id)
    .bind(db::now())
    .bind(note)
    .bind(id)
    .execute(state.db.pool())
    .await?;
    Ok(redirect("/listings/reports?resolved=1"))
}
