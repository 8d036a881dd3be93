use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::people::Role;
use serde::Deserialize;

use crate::{
    access::redirect,
    accounts::{
        CurrentUser, session,
        store::{self, Account, Membership},
    },
    app::AppState,
    audit::{self, Action, Event},
    error::{AppError, Result},
    organisations::store::{self as organisations, Organisation},
    web::{ClientIp, FieldErrors, NoFields, Paging, Shell, StrictForm, page, page_with_status},
};

const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    page: i64,
}

#[derive(Template)]
#[template(path = "admin/people.html")]
struct ListPage {
    shell: Shell,
    people: Vec<Account>,
    q: String,
    total: i64,
    paging: Paging,
}

impl ListPage {
    fn link(&self, page: i64) -> String {
        format!(
            "/admin/people?q={}&page={page}",
            percent_encoding::utf8_percent_encode(&self.q, percent_encoding::NON_ALPHANUMERIC)
        )
    }
}

/// The accounts, a page at a time. Which people an administrator was
/// shown is audited in the transaction that read them.
pub async fn list(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Query(query): Query<ListQuery>,
) -> Result<Response> {
    let paging = Paging::requested(query.page, PAGE_SIZE);
    let q: String = query.q.trim().chars().take(100).collect();
    let mut tx = state.db.begin_write().await?;
    let (people, total) = store::list_on(&mut tx, &q, paging.limit(), paging.offset()).await?;
    if !people.is_empty() {
        let shown: Vec<String> = people.iter().map(|p| p.id.to_string()).collect();
        audit::record_in(
            &mut tx,
            Event::new(Action::PeopleListed, Some(user.account_id), &ip)
                .detail(format!("accounts {}", shown.join(", "))),
        )
        .await?;
    }
    tx.commit().await?;
    page(&ListPage {
        shell,
        people,
        q,
        total,
        paging: paging.of(total),
    })
}

#[derive(Template)]
#[template(path = "admin/person.html")]
struct PersonPage {
    shell: Shell,
    person: Account,
    memberships: Vec<Membership>,
    organisations: Vec<Organisation>,
    roles: Vec<Role>,
    form: GrantForm,
    errors: FieldErrors,
}

async fn person_page(
    state: &AppState,
    shell: Shell,
    reader: &CurrentUser,
    ip: &str,
    id: i64,
    form: GrantForm,
    errors: FieldErrors,
) -> Result<PersonPage> {
    let person = store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::person_read(
        &mut *state.db.pool().acquire().await?,
        reader,
        audit::ReadOf::Account(id),
        ip,
        "admin person record",
    )
    .await?;
    Ok(PersonPage {
        shell,
        memberships: store::memberships(&state.db, id).await?,
        organisations: organisations::list(&state.db).await?,
        roles: Role::ALL.to_vec(),
        person,
        form,
        errors,
    })
}

pub async fn show(
    State(state): State<AppState>,
    shell: Shell,
    axum::Extension(user): axum::Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    page(
        &person_page(
            &state,
            shell,
            &user,
            &ip,
            id,
            GrantForm::default(),
            FieldErrors::default(),
        )
        .await?,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GrantForm {
    role: String,
    organisation_id: String,
}

pub async fn grant(
    State(state): State<AppState>,
    shell: Shell,
    axum::Extension(user): axum::Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<GrantForm>,
) -> Result<Response> {
    let person = store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::default();
    let role = Role::parse(&form.role)
        .map_err(|e| errors.add("role", shell.t(e.key)))
        .ok();
    let organisation = if form.organisation_id.is_empty() {
        Some(None)
    } else {
        match form.organisation_id.parse::<i64>() {
            Ok(org) if organisations::find(&state.db, org).await?.is_some() => Some(Some(org)),
            _ => {
                errors.add("organisation_id", shell.t("error.organisation.unknown"));
                None
            }
        }
    };
    let (Some(role), Some(organisation)) = (role, organisation) else {
        let page = person_page(&state, shell, &user, &ip, id, form, errors).await?;
        return page_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let mut tx = state.db.begin_write().await?;
    if store::grant_in(&mut tx, person.id, organisation, role).await? {
        audit::record_in(
            &mut tx,
            Event::new(Action::RoleGranted, Some(user.account_id), &ip)
                .subject("account", person.id)
                .detail(format!(
                    "{role} in organisation {}",
                    organisation.map_or_else(|| "partnership".to_owned(), |o| o.to_string())
                )),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(redirect(&format!("/admin/people/{id}")))
}

pub async fn revoke(
    State(state): State<AppState>,
    axum::Extension(user): axum::Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path((id, membership_id)): Path<(i64, i64)>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    // An administrator cannot remove their own last admin role and lock
    // everyone out of administration.
    if id == user.account_id {
        let held = store::memberships(&state.db, id).await?;
        let admin_roles = held.iter().filter(|m| m.role == Role::Admin).count();
        if held
            .iter()
            .any(|m| m.id == membership_id && m.role == Role::Admin)
            && admin_roles == 1
        {
            return Err(AppError::BadRequest {
                key: "error.role.last_admin",
                field: None,
            });
        }
    }
    let mut tx = state.db.begin_write().await?;
    let removed = store::revoke(&mut tx, id, membership_id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record_in(
        &mut tx,
        Event::new(Action::RoleRevoked, Some(user.account_id), &ip)
            .subject("account", id)
            .detail(format!(
                "{} in {}",
                removed.role,
                removed
                    .organisation_name
                    .as_deref()
                    .unwrap_or("partnership")
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!("/admin/people/{id}")))
}

/// Stops a person signing in (someone who has left, or an account being
/// misused) and ends their sessions at once. Their records stay.
pub async fn disable(
    State(state): State<AppState>,
    axum::Extension(user): axum::Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if id == user.account_id {
        return Err(AppError::BadRequest {
            key: "error.account.disable_self",
            field: None,
        });
    }
    let mut tx = state.db.begin_write().await?;
    if store::set_disabled(&mut tx, id, true).await? {
        session::end_all(&mut tx, id, None).await?;
        audit::record_in(
            &mut tx,
            Event::new(Action::AccountDisabled, Some(user.account_id), &ip).subject("account", id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(redirect(&format!("/admin/people/{id}")))
}

/// Lets a disabled person sign in again.
pub async fn enable(
    State(state): State<AppState>,
    axum::Extension(user): axum::Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    if store::set_disabled(&mut tx, id, false).await? {
        audit::record_in(
            &mut tx,
            Event::new(Action::AccountEnabled, Some(user.account_id), &ip).subject("account", id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(redirect(&format!("/admin/people/{id}")))
}
