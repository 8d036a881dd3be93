use askama::Template;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;

use super::{
    erase::{self, Eraser, Plan},
    pages::{Named, Staff, find},
    subject::{Found, Subject},
};
use crate::{
    access::redirect,
    app::AppState,
    error::{AppError, Result},
    web::{FieldErrors, Shell, StrictForm, page, page_with_status},
};

#[derive(Template)]
#[template(path = "privacy/erase.html")]
struct ErasePage {
    shell: Shell,
    found: Found,
    plan: Plan,
    counts: Vec<(String, i64)>,
    action: String,
    back: String,
    errors: FieldErrors,
}

fn paths(subject: &Subject) -> (String, String) {
    match subject {
        Subject::Person(id) => (
            format!("/admin/coordination-people/{id}/erase"),
            format!("/coordination/people/{id}"),
        ),
        Subject::Account(id) => (
            format!("/admin/people/{id}/erase"),
            format!("/admin/people/{id}"),
        ),
        Subject::Email(_) => ("/admin/people".to_owned(), "/admin/people".to_owned()),
    }
}

async fn erase_page(
    state: &AppState,
    shell: Shell,
    subject: &Subject,
    errors: FieldErrors,
) -> Result<ErasePage> {
    let found = find(state, subject).await?;
    let plan = erase::plan(&state.db, &found).await?;
    let (action, back) = paths(subject);
    Ok(ErasePage {
        counts: plan
            .counts
            .iter()
            .map(|(kind, n)| (shell.t(&format!("privacy.section.{kind}")), *n))
            .collect(),
        shell,
        found,
        plan,
        action,
        back,
        errors,
    })
}

/// What erasing a person would remove, and the button that does it.
pub async fn confirm<N: Named>(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
) -> Result<Response> {
    page(&erase_page(&state, shell, &N::subject(id), FieldErrors::default()).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EraseForm {
    confirm: String,
}

/// Erases a person once the administrator has confirmed it (never
/// themselves).
pub async fn erase<N: Named>(
    staff: Staff,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<EraseForm>,
) -> Result<Response> {
    let subject = N::subject(id);
    if form.confirm != "yes" {
        let mut errors = FieldErrors::default();
        errors.add("confirm", staff.shell.t("privacy.erase.confirm_error"));
        let page = erase_page(&staff.state, staff.shell, &subject, errors).await?;
        return page_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let found = find(&staff.state, &subject).await?;
    if found.account_id == Some(staff.user.account_id) {
        return Err(AppError::BadRequest {
            key: "privacy.erase.not_yourself",
            field: None,
        });
    }
    erase::erase(
        &staff.state.db,
        &found,
        Eraser {
            account_id: Some(staff.user.account_id),
            ip: &staff.ip,
        },
    )
    .await?;
    Ok(redirect(&paths(&subject).1))
}
