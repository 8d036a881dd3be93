//! API tokens: created by administrators for one organisation, shown once,
//! stored only as a hash, revocable.

use super::store::{self, summaries};
pub use super::store::{TokenSummary, active_named, authenticate, issue, revoke_named};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    error::{AppError, Result},
    organisations::store::{self as organisations, Organisation},
    web::{ClientIp, FieldErrors, NoFields, Shell, StrictForm, page, page_with_status},
};
use askama::Template;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::people::LineOfText;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "admin/tokens.html")]
struct TokensPage {
    shell: Shell,
    tokens: Vec<TokenSummary>,
    organisations: Vec<Organisation>,
    form: TokenForm,
    errors: FieldErrors,
    new_token: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    name: String,
    organisation_id: String,
}

pub async fn list(State(state): State<AppState>, shell: Shell) -> Result<Response> {
    page(&TokensPage {
        shell,
        tokens: summaries(&state.db).await?,
        organisations: organisations::list(&state.db).await?,
        form: TokenForm::default(),
        errors: FieldErrors::default(),
        new_token: String::new(),
    })
}

pub async fn create(
    State(state): State<AppState>,
    shell: Shell,
    axum::Extension(user): axum::Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    StrictForm(form): StrictForm<TokenForm>,
) -> Result<Response> {
    let mut errors = FieldErrors::default();
    let name = LineOfText::parse(&form.name)
        .map_err(|e| errors.add("name", shell.t(e.key)))
        .ok();
    let organisation = match form.organisation_id.parse::<i64>() {
        Ok(id) if organisations::find(&state.db, id).await?.is_some() => Some(id),
        _ => {
            errors.add("organisation_id", shell.t("error.organisation.unknown"));
            None
        }
    };
    let (Some(name), Some(organisation_id)) = (name, organisation) else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &TokensPage {
                shell,
                tokens: summaries(&state.db).await?,
                organisations: organisations::list(&state.db).await?,
                form,
                errors,
                new_token: String::new(),
            },
        );
    };
    let mut tx = state.db.begin_write().await?;
    let (id, token) =
        store::issue_in(&mut tx, &name, organisation_id, Some(user.account_id)).await?;
    audit::record_in(
        &mut tx,
        Event::new(Action::ApiTokenCreated, Some(user.account_id), &ip)
            .subject("api_token", id)
            .detail(name.as_str()),
    )
    .await?;
    tx.commit().await?;
    page(&TokensPage {
        shell,
        tokens: summaries(&state.db).await?,
        organisations: organisations::list(&state.db).await?,
        form: TokenForm::default(),
        errors: FieldErrors::default(),
        new_token: token,
    })
}

pub async fn revoke(
    State(state): State<AppState>,
    axum::Extension(user): axum::Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    if !store::revoke(&mut tx, id).await? {
        return Err(AppError::NotFound);
    }
    audit::record_in(
        &mut tx,
        Event::new(Action::ApiTokenRevoked, Some(user.account_id), &ip).subject("api_token", id),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect("/admin/tokens"))
}
