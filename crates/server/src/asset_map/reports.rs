//! Anyone can report a problem with a listing ("it has closed", "wrong
//! phone number"). Reports queue for the organisation that keeps the
//! listing — or for administrators when nobody does — and are resolved with
//! a note.

use super::{
    listings::{KEEPERS, may_keep},
    store::keeping::{self, NewReport},
};
use crate::{
    access::{Access, Route, redirect},
    accounts::CurrentUser,
    app::AppState,
    error::{AppError, Result},
    web::{FieldErrors, Shell, StrictForm, page, page_with_status, when},
};
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
    keeping::listing_name(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
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
    let open = keeping::open_report_count(&state.db, &id).await?;
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
    let report = NewReport {
        service_id: &id,
        kind: &form.kind,
        details: form.details.trim(),
        reporter_email: email.as_ref().map(EmailAddress::as_str),
        reporter_account_id: user.map(|u| u.account_id),
    };
    keeping::add_report(&state.db, &report).await?;
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
    let mut reports = Vec::new();
    for row in keeping::open_reports(&state.db).await? {
        let mine = may_keep(user, row.managed_by);
        if mine {
            reports.push(OpenReport {
                id: row.id,
                service_id: row.service_id,
                service_name: row.name,
                kind: row.kind,
                details: row.details,
                reporter_email: row.reporter_email.unwrap_or_default(),
                reported: when(row.reported_at),
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
    let managed_by = keeping::open_report_keeper(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
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
    keeping::resolve_report(&state.db, id, user.account_id, note).await?;
    Ok(redirect("/listings/reports?resolved=1"))
}
