use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;

use super::{
    erase::{self, Eraser, Plan},
    subject::{self, Found, Subject},
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    error::{AppError, Result},
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
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
    let mut conn = state.db.pool().acquire().await?;
    let found = subject::resolve(&mut conn, subject)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
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

async fn confirm(state: AppState, shell: Shell, subject: Subject) -> Result<Response> {
    page(&erase_page(&state, shell, &subject, FieldErrors::default()).await?)
}

pub async fn confirm_account(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
) -> Result<Response> {
    confirm(state, shell, Subject::Account(id)).await
}

pub async fn confirm_person(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
) -> Result<Response> {
    confirm(state, shell, Subject::Person(id)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EraseForm {
    confirm: String,
}

async fn run(
    state: AppState,
    shell: Shell,
    user: CurrentUser,
    ip: String,
    subject: Subject,
    form: EraseForm,
) -> Result<Response> {
    if form.confirm != "yes" {
        let mut errors = FieldErrors::default();
        errors.add("confirm", shell.t("privacy.erase.confirm_error"));
        let page = erase_page(&state, shell, &subject, errors).await?;
        return page_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let mut conn = state.db.pool().acquire().await?;
    let found = subject::resolve(&mut conn, &subject)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    if found.account_id == Some(user.account_id) {
        return Err(AppError::BadRequest {
            key: "privacy.erase.not_yourself",
            field: None,
        });
    }
    erase::erase(
        &state.db,
        &found,
        Eraser {
            account_id: Some(user.account_id),
            ip: &ip,
        },
    )
    .await?;
    Ok(redirect(&paths(&subject).1))
}

pub async fn erase_account(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<EraseForm>,
) -> Result<Response> {
    run(state, shell, user, ip, Subject::Account(id), form).await
}

pub async fn erase_person(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<EraseForm>,
) -> Result<Response> {
    run(state, shell, user, ip, Subject::Person(id), form).await
}
