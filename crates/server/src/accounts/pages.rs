//! Sign-up, sign-in, sign-out, the account page and changing a password.

use askama::Template;
use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{AppendHeaders, IntoResponse, Response},
};
use coprod_engine::people::{EmailAddress, LineOfText, Role};
use serde::Deserialize;

use super::{
    CurrentUser, password, session, store,
    throttle::{self, Attempt},
};
use crate::{
    access::redirect,
    app::AppState,
    audit::{self, Action, Event},
    error::Result,
    mail::Mailer,
    web::{ClientIp, FieldErrors, NoFields, Shell, StrictForm, page, page_with_status},
};

#[derive(Template)]
#[template(path = "accounts/sign_up.html")]
struct SignUpPage {
    shell: Shell,
    form: SignUpForm,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignUpForm {
    display_name: String,
    email: String,
    password: String,
    password_confirm: String,
}

pub async fn sign_up_form(shell: Shell) -> Result<Response> {
    page(&SignUpPage {
        shell,
        form: SignUpForm::default(),
        errors: FieldErrors::default(),
    })
}

/// The form again with its errors; what was typed stays, passwords never.
fn sign_up_again(shell: Shell, form: SignUpForm, errors: FieldErrors) -> Result<Response> {
    sign_up_again_with(StatusCode::UNPROCESSABLE_ENTITY, shell, form, errors)
}

fn sign_up_again_with(
    status: StatusCode,
    shell: Shell,
    mut form: SignUpForm,
    errors: FieldErrors,
) -> Result<Response> {
    form.password.clear();
    form.password_confirm.clear();
    page_with_status(
        status,
        &SignUpPage {
            shell,
            form,
            errors,
        },
    )
}

pub async fn sign_up(
    State(state): State<AppState>,
    shell: Shell,
    ClientIp(ip): ClientIp,
    StrictForm(form): StrictForm<SignUpForm>,
) -> Result<Response> {
    let mut errors = FieldErrors::default();
    let name = LineOfText::parse(&form.display_name)
        .map_err(|e| errors.add("display_name", shell.t(e.key)))
        .ok();
    let email = EmailAddress::parse(&form.email)
        .map_err(|e| errors.add("email", shell.t(e.key)))
        .ok()
        .filter(|email| {
            let deliverable = Mailer::deliverable(email.as_str());
            if !deliverable {
                errors.add("email", shell.t("error.email.undeliverable"));
            }
            deliverable
        });
    let new_password =
        password::chosen(&shell, &form.password, &form.password_confirm, &mut errors);
    let (Some(name), Some(email), Some(new_password), true) =
        (name, email, new_password, errors.is_empty())
    else {
        return sign_up_again(shell, form, errors);
    };
    // Counted before the password is hashed: the hash is what costs.
    if throttle::is_paused(&state, Attempt::SignUp, email.as_str(), &ip).await? {
        tracing::info!("a sign-up was refused: too many recently");
        let minutes = Attempt::SignUp.window_minutes(&state.settings).to_string();
        errors.add("email", shell.t1("error.sign_up.limited", &minutes));
        return sign_up_again_with(StatusCode::TOO_MANY_REQUESTS, shell, form, errors);
    }
    throttle::record(&state, Attempt::SignUp, email.as_str(), &ip, true).await?;
    let hash = password::hash(new_password).await?;
    let mut tx = state.db.begin_write().await?;
    let account_id = match store::create_in(&mut tx, &email, &name, &hash).await {
        Ok(id) => id,
        Err(store::CreateAccountError::EmailTaken) => {
            errors.add("email", shell.t("error.email.taken"));
            return sign_up_again(shell, form, errors);
        }
        Err(store::CreateAccountError::Database(e)) => return Err(e.into()),
    };
    // Everyone who signs up is a citizen of the partnership; staff roles are
    // given by an administrator.
    store::grant_in(&mut tx, account_id, None, Role::Citizen).await?;
    audit::record_in(
        &mut tx,
        Event::new(Action::SignedUp, Some(account_id), &ip).subject("account", account_id),
    )
    .await?;
    let token = session::start(&state, &mut tx, account_id).await?;
    tx.commit().await?;
    Ok((
        AppendHeaders(session::cookies(&state, &token)),
        redirect("/account"),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "accounts/sign_in.html")]
struct SignInPage {
    shell: Shell,
    email: String,
    return_to: String,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReturnTo {
    return_to: String,
}

pub async fn sign_in_form(shell: Shell, Query(query): Query<ReturnTo>) -> Result<Response> {
    page(&SignInPage {
        shell,
        email: String::new(),
        return_to: safe_return_to(&query.return_to).to_owned(),
        errors: FieldErrors::default(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignInForm {
    email: String,
    password: String,
    return_to: String,
}

/// Only paths on this site, so a crafted link cannot send people elsewhere:
/// one leading `/` (`//host` is another site), no backslash (browsers read
/// `/\\host` as `//host`) and no control character anywhere (browsers drop a
/// TAB or a newline, so `/\t/host` becomes `//host`; in a header they are not
/// allowed at all). Anything else is "", the default destination.
fn safe_return_to(candidate: &str) -> &str {
    let one_slash = candidate.starts_with('/') && !candidate.starts_with("//");
    if one_slash && !candidate.chars().any(|c| c == '\\' || c.is_control()) {
        candidate
    } else {
        ""
    }
}

pub async fn sign_in(
    State(state): State<AppState>,
    shell: Shell,
    ClientIp(ip): ClientIp,
    StrictForm(form): StrictForm<SignInForm>,
) -> Result<Response> {
    let return_to = safe_return_to(&form.return_to).to_owned();
    let email_key = form.email.trim().to_lowercase();
    let show_error = |shell: Shell, field: &'static str, key: &str, status: StatusCode| {
        let mut errors = FieldErrors::default();
        errors.add(field, shell.t(key));
        page_with_status(
            status,
            &SignInPage {
                email: form.email.trim().to_owned(),
                return_to: return_to.clone(),
                errors,
                shell,
            },
        )
    };
    if email_key.is_empty() {
        return show_error(
            shell,
            "email",
            "error.email.missing",
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    if form.password.is_empty() {
        return show_error(
            shell,
            "password",
            "error.password.missing",
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    if throttle::is_paused(&state, Attempt::SignIn, &email_key, &ip).await? {
        audit::record(
            &state.db,
            // The typed address is not kept: it may be anyone's, mistyped.
            Event::new(Action::SignInPaused, None, &ip),
        )
        .await?;
        return show_error(
            shell,
            "email",
            "error.sign_in.paused",
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let found = store::find_for_sign_in(&state.db, &email_key).await?;
    let (account, hash) = match found {
        Some((account, hash)) if !account.disabled => (Some(account), Some(hash)),
        _ => (None, None),
    };
    let matched = password::verify(form.password.clone(), hash).await;
    throttle::record(&state, Attempt::SignIn, &email_key, &ip, matched).await?;
    let named = account.as_ref().map(|a| a.id);
    let Some(account) = account.filter(|_| matched) else {
        // The typed address is not kept (only the account it named, if
        // any); throttling keeps it in `login_attempts` for its window.
        let event = Event::new(Action::SignInFailed, None, &ip);
        let event = match named {
            Some(id) => event.subject("account", id),
            None => event,
        };
        audit::record(&state.db, event).await?;
        return show_error(
            shell,
            "email",
            "error.sign_in.wrong",
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let mut tx = state.db.begin_write().await?;
    audit::record_in(
        &mut tx,
        Event::new(Action::SignedIn, Some(account.id), &ip).subject("account", account.id),
    )
    .await?;
    let token = session::start(&state, &mut tx, account.id).await?;
    tx.commit().await?;
    let destination = if return_to.is_empty() {
        "/account"
    } else {
        &return_to
    };
    Ok((
        AppendHeaders(session::cookies(&state, &token)),
        redirect(destination),
    )
        .into_response())
}

pub async fn sign_out(
    State(state): State<AppState>,
    user: axum::Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    session::end(&mut tx, &headers).await?;
    audit::record_in(
        &mut tx,
        Event::new(Action::SignedOut, Some(user.account_id), &ip),
    )
    .await?;
    tx.commit().await?;
    Ok((
        AppendHeaders(session::removal_cookies(&state)),
        redirect("/"),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_return_to;

    #[test]
    fn return_to_is_a_plain_path_on_this_site() {
        for kept in ["/", "/help?week=2", "/surveys/3/answer#q1", "/a%09b"] {
            assert_eq!(safe_return_to(kept), kept);
        }
        for refused in [
            "",
            "//evil.example",
            "/\\evil.example",
            "/a\\b",
            "/\t/evil.example",
            "/\n/x",
            "/x\r\n",
            "/\u{7f}",
            "/\u{85}",
            "https://evil.example",
            "evil",
        ] {
            assert_eq!(safe_return_to(refused), "", "{refused:?}");
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    shell: Shell,
    user: CurrentUser,
    notice: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    done: String,
}

pub async fn account(
    shell: Shell,
    axum::Extension(user): axum::Extension<CurrentUser>,
    Query(notice): Query<Notice>,
) -> Result<Response> {
    let notice = match notice.done.as_str() {
        "password" => shell.t("account.password_changed"),
        _ => String::new(),
    };
    page(&AccountPage {
        shell,
        user,
        notice,
    })
}

#[derive(Template)]
#[template(path = "accounts/change_password.html")]
struct ChangePasswordPage {
    shell: Shell,
    errors: FieldErrors,
}

pub async fn change_password_form(shell: Shell) -> Result<Response> {
    page(&ChangePasswordPage {
        shell,
        errors: FieldErrors::default(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChangePasswordForm {
    current_password: String,
    password: String,
    password_confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    shell: Shell,
    axum::Extension(user): axum::Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    StrictForm(form): StrictForm<ChangePasswordForm>,
) -> Result<Response> {
    let mut errors = FieldErrors::default();
    let stored = store::find_for_sign_in(&state.db, &user.email)
        .await?
        .map(|(_, hash)| hash);
    if !password::verify(form.current_password.clone(), stored).await {
        errors.add("current_password", shell.t("error.password.current_wrong"));
    }
    let new_password =
        password::chosen(&shell, &form.password, &form.password_confirm, &mut errors);
    let (Some(new_password), true) = (new_password, errors.is_empty()) else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ChangePasswordPage { shell, errors },
        );
    };
    let hash = password::hash(new_password).await?;
    let mut tx = state.db.begin_write().await?;
    store::set_password(&mut tx, user.account_id, &hash).await?;
    // Anyone else signed in as this person (a lost phone) is signed out.
    session::end_all(&mut tx, user.account_id, Some(&headers)).await?;
    audit::record_in(
        &mut tx,
        Event::new(Action::PasswordChanged, Some(user.account_id), &ip)
            .subject("account", user.account_id),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect("/account?done=password"))
}
