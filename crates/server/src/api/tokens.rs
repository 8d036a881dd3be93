//! API tokens: created by administrators for one organisation, shown once,
//! stored only as a hash, revocable.

use askama::Template;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::people::LineOfText;
use serde::Deserialize;
use sqlx::Row;

use super::ApiClient;
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    crypto,
    db::{self, Db},
    error::{AppError, Result},
    organisations::store::{self as organisations, Organisation},
    web::{ClientIp, FieldErrors, NoFields, Shell, StrictForm, page, page_with_status, utc_time},
};

/// The client a presented token belongs to, if it is live.
pub async fn authenticate(db: &Db, token: &str) -> Result<Option<ApiClient>, sqlx::Error> {
    let hash = crypto::token_hash(token);
    let row = sqlx::query("SELECT id, name, organisation_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(&hash)
        .fetch_optional(db.pool())
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let token_id: i64 = row.try_get("id")?;
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(db::now())
        .bind(token_id)
        .execute(db.pool())
        .await?;
    Ok(Some(ApiClient {
        token_id,
        token_name: row.try_get("name")?,
        organisation_id: row.try_get("organisation_id")?,
    }))
}

/// Creates a token and returns it in full — the only time it exists outside
/// its holder's hands.
/// Whether a token in use has this name.
pub async fn active_named(db: &Db, name: &str) -> Result<bool, sqlx::Error> {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM api_tokens WHERE name = $1 AND revoked_at IS NULL")
            .bind(name)
            .fetch_one(db.pool())
            .await?;
    Ok(count > 0)
}

/// Revokes every token in use with this name; returns their ids.
pub async fn revoke_named(db: &Db, name: &str) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE api_tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL RETURNING id",
    )
    .bind(db::now())
    .bind(name)
    .fetch_all(db.pool())
    .await
}

pub async fn issue(
    db: &Db,
    name: &LineOfText,
    organisation_id: i64,
    created_by: Option<i64>,
) -> Result<(i64, String), sqlx::Error> {
    let token = format!("coprod_{}", crypto::random_token());
    let row = sqlx::query(
        "INSERT INTO api_tokens (name, token_hash, organisation_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(name.as_str())
    .bind(crypto::token_hash(&token))
    .bind(organisation_id)
    .bind(created_by)
    .bind(db::now())
    .fetch_one(db.pool())
    .await?;
    Ok((row.try_get("id")?, token))
}

/// A token as listed (never the token itself).
#[derive(Debug, Clone)]
pub struct TokenSummary {
    pub id: i64,
    pub name: String,
    pub organisation: String,
    pub revoked: bool,
    pub last_used: String,
}

async fn summaries(db: &Db) -> Result<Vec<TokenSummary>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT t.id, t.name, o.name AS organisation, t.revoked_at, t.last_used_at FROM api_tokens t \
         JOIN organisations o ON o.id = t.organisation_id ORDER BY t.id DESC",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let last_used: Option<i64> = row.try_get("last_used_at")?;
            Ok(TokenSummary {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                organisation: row.try_get("organisation")?,
                revoked: row.try_get::<Option<i64>, _>("revoked_at")?.is_some(),
                last_used: last_used.map(utc_time).unwrap_or_default(),
            })
        })
        .collect()
}

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
    let (id, token) = issue(&state.db, &name, organisation_id, Some(user.account_id)).await?;
    audit::record(
        &state.db,
        Event::new(Action::ApiTokenCreated, Some(user.account_id), &ip)
            .subject("api_token", id)
            .detail(name.as_str()),
    )
    .await?;
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
    let result =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(db::now())
            .bind(id)
            .execute(state.db.pool())
            .await?;
    if result.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &state.db,
        Event::new(Action::ApiTokenRevoked, Some(user.account_id), &ip).subject("api_token", id),
    )
    .await?;
    Ok(redirect("/admin/tokens"))
}
