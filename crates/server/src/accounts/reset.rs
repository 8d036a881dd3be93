//! Resetting a forgotten password with a one-time link sent by email. The
//! request page answers the same whether or not the address has an account,
//! so it cannot be used to find out who is registered.

use askama::Template;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::people::EmailAddress;
use serde::Deserialize;

use super::{
    password, session, store,
    throttle::{self, Attempt},
};
use crate::{
    access::redirect,
    app::AppState,
    audit::{self, Action, Event},
    crypto, db,
    error::Result,
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};

#[derive(Template)]
#[template(path = "accounts/reset_request.html")]
struct RequestPage {
    shell: Shell,
    email: String,
    sent: bool,
    errors: FieldErrors,
}

pub async fn request_form(shell: Shell) -> Result<Response> {
    page(&RequestPage {
        shell,
        email: String::new(),
        sent: false,
        errors: FieldErrors::default(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RequestForm {
    email: String,
}

/// The request form again, with one message beside the email field.
fn request_again(
    shell: Shell,
    status: StatusCode,
    email: String,
    message: String,
) -> Result<Response> {
    let mut errors = FieldErrors::default();
    errors.add("email", message);
    page_with_status(
        status,
        &RequestPage {
            shell,
            email,
            sent: false,
            errors,
        },
    )
}

pub async fn request(
    State(state): State<AppState>,
    shell: Shell,
    ClientIp(ip): ClientIp,
    StrictForm(form): StrictForm<RequestForm>,
) -> Result<Response> {
    let email = match EmailAddress::parse(&form.email) {
        Ok(email) => email,
        Err(e) => {
            let message = shell.t(e.key);
            return request_again(shell, StatusCode::UNPROCESSABLE_ENTITY, form.email, message);
        }
    };
    // Every request counts, whether or not the address has an account, so
    // being refused says nothing about who is registered.
    if throttle::is_paused(&state, Attempt::PasswordReset, email.as_str(), &ip).await? {
        tracing::info!("a password reset request was refused: too many recently");
        let minutes = Attempt::PasswordReset
            .window_minutes(&state.settings)
            .to_string();
        let message = shell.t1("error.reset.limited", &minutes);
        return request_again(shell, StatusCode::TOO_MANY_REQUESTS, form.email, message);
    }
    throttle::record(&state, Attempt::PasswordReset, email.as_str(), &ip, true).await?;
    if let Some(account) = store::find_by_email(&state.db, email.as_str()).await?
        && !account.disabled
    {
        let token = crypto::random_token();
        let now = db::now();
        let expires_at = now + state.settings.reset_link_minutes * 60;
        store::insert_reset_link(
            &state.db,
            &crypto::token_hash(&token),
            account.id,
            now,
            expires_at,
        )
        .await?;
        let link = format!(
            "{}/password-reset/{token}",
            state.settings.public_url.trim_end_matches('/')
        );
        let minutes = state.settings.reset_link_minutes.to_string();
        let body = format!(
            "{}\n\n{}\n\n{link}\n\n{}\n",
            shell.t1("mail.reset.greeting", &account.display_name),
            shell.t1("mail.reset.intro", &state.settings.partnership_name),
            shell.t1("mail.reset.expiry", &minutes),
        );
        // A mail failure is logged and the page still says "sent": telling
        // the visitor would reveal that the address has an account.
        if let Err(error) = state
            .mailer
            .send(
                account.email.as_str(),
                &shell.t("mail.reset.subject"),
                &body,
            )
            .await
        {
            // Only the outermost context: the SMTP server's own reply, deeper
            // in the chain, can quote the recipient's address.
            tracing::error!(
                error = %error,
                account.id = account.id,
                "could not send a password reset email"
            );
        }
    }
    page(&RequestPage {
        shell,
        email: email.to_string(),
        sent: true,
        errors: FieldErrors::default(),
    })
}

#[derive(Template)]
#[template(path = "accounts/reset_choose.html")]
struct ChoosePage {
    shell: Shell,
    token: String,
    valid: bool,
    errors: FieldErrors,
}

/// The page for a link that has expired, been used, or never existed.
fn dead_link(shell: Shell, token: String) -> Result<Response> {
    page_with_status(
        StatusCode::GONE,
        &ChoosePage {
            shell,
            token,
            valid: false,
            errors: FieldErrors::default(),
        },
    )
}

/// The account a live, unused link belongs to.
async fn live_link(state: &AppState, token: &str) -> Result<Option<i64>> {
    Ok(store::live_reset_link(&state.db, &crypto::token_hash(token), db::now()).await?)
}

pub async fn choose_form(
    State(state): State<AppState>,
    shell: Shell,
    Path(token): Path<String>,
) -> Result<Response> {
    let valid = live_link(&state, &token).await?.is_some();
    let status = if valid {
        StatusCode::OK
    } else {
        StatusCode::GONE
    };
    page_with_status(
        status,
        &ChoosePage {
            shell,
            token,
            valid,
            errors: FieldErrors::default(),
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChooseForm {
    password: String,
    password_confirm: String,
}

pub async fn choose(
    State(state): State<AppState>,
    shell: Shell,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    StrictForm(form): StrictForm<ChooseForm>,
) -> Result<Response> {
    let Some(account_id) = live_link(&state, &token).await? else {
        return dead_link(shell, token);
    };
    let mut errors = FieldErrors::default();
    let new_password =
        password::chosen(&shell, &form.password, &form.password_confirm, &mut errors);
    let (Some(new_password), true) = (new_password, errors.is_empty()) else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ChoosePage {
                shell,
                token,
                valid: true,
                errors,
            },
        );
    };
    let hash = password::hash(new_password).await?;
    // Claim the link first: of two simultaneous uses, only one succeeds.
    let mut tx = state.db.begin_write().await?;
    if !store::use_reset_link(&mut tx, &crypto::token_hash(&token), db::now()).await? {
        return dead_link(shell, token);
    }
    store::set_password(&mut tx, account_id, &hash).await?;
    session::end_all(&mut tx, account_id, None).await?;
    audit::record_in(
        &mut tx,
        Event::new(Action::PasswordReset, Some(account_id), &ip).subject("account", account_id),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect("/sign-in?reset=done"))
}
