//! Drafting "you said, we did" entries for a plan, pointing each to its
//! evidence, and signing them off. Only signed-off entries are public;
//! changing what one says takes it back to a draft.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use sqlx::AnyConnection;

use super::{
    Flash, kept_plan, plan_changed,
    public::{EntryView, with_evidence},
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::Action,
    db,
    error::{AppError, Result},
    planning::{
        MANAGING_ROLES,
        forms::{BY_REFERENCE, EntryForm, EvidenceForm},
        model::{Entry, Linkable, Plan},
        pages::manage::by_kind,
        store::{entries, links},
    },
    web::{ClientIp, FieldErrors, NoFields, Shell, StrictForm, page_with_status},
};

#[derive(Template)]
#[template(path = "planning/entries.html")]
struct ListPage {
    shell: Shell,
    done: String,
    plan: Plan,
    entries: Vec<EntryView>,
    form: EntryForm,
    errors: FieldErrors,
}

async fn render_list(
    conn: &mut AnyConnection,
    shell: Shell,
    plan: Plan,
    done: String,
    form: EntryForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response> {
    let found = entries::of_plan(conn, plan.id, false).await?;
    let entries = with_evidence(conn, found, &[]).await?;
    page_with_status(
        status,
        &ListPage {
            shell,
            done,
            plan,
            entries,
            form,
            errors,
        },
    )
}

/// `GET /planning/plans/{id}/entries`
pub async fn list(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let plan = kept_plan(&mut conn, &user, id).await?;
    let done = flash.message(&shell);
    let form = EntryForm {
        happened_on: coprod_engine::schedule::Date::of_unix_seconds(db::now()).to_string(),
        ..EntryForm::default()
    };
    render_list(
        &mut conn,
        shell,
        plan,
        done,
        form,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /planning/plans/{id}/entries`: a new draft.
pub async fn create(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<EntryForm>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let plan = kept_plan(&mut tx, &user, id).await?;
    let mut errors = FieldErrors::default();
    let text = form.check(&shell, &mut errors);
    if !errors.is_empty() {
        let response = render_list(
            &mut tx,
            shell,
            plan,
            String::new(),
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await?;
        tx.rollback().await?;
        return Ok(response);
    }
    let entry = entries::create(&mut tx, plan.id, &text, user.account_id, db::now()).await?;
    plan_changed(
        &mut tx,
        &user,
        &ip,
        Action::YouSaidSaved,
        plan.id,
        format!("entry {entry} drafted"),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!(
        "/planning/entries/{entry}?done=entry_created"
    )))
}

/// The entry `id` and its plan, if `user` keeps the plan.
async fn kept_entry(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    id: i64,
) -> Result<(Entry, Plan)> {
    let entry = entries::find(conn, id).await?.ok_or(AppError::NotFound)?;
    let plan = kept_plan(conn, user, entry.plan_id).await?;
    Ok((entry, plan))
}

#[derive(Template)]
#[template(path = "planning/entry.html")]
struct EntryPage {
    shell: Shell,
    done: String,
    plan: Plan,
    view: EntryView,
    form: EntryForm,
    evidence_form: EvidenceForm,
    errors: FieldErrors,
    records: Vec<(String, Vec<Linkable>)>,
    by_reference: Vec<(String, String)>,
}

/// What may be pointed to as evidence: the records `user` may link,
/// and the budgeting projects decided in processes they reach.
async fn evidence_records(conn: &mut AnyConnection, user: &CurrentUser) -> Result<Vec<Linkable>> {
    let reach = user.reach(MANAGING_ROLES);
    let mut records = links::linkable(conn, &reach).await?;
    records.extend(links::projects(conn, &reach).await?);
    Ok(records)
}

#[expect(
    clippy::too_many_arguments,
    reason = "the page's parts, read in the caller's transaction"
)]
async fn render_entry(
    conn: &mut AnyConnection,
    shell: Shell,
    user: &CurrentUser,
    entry: Entry,
    plan: Plan,
    done: String,
    form: Option<EntryForm>,
    evidence_form: EvidenceForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response> {
    let form = form.unwrap_or_else(|| EntryForm {
        said: entry.said.clone(),
        did: entry.did.clone(),
        happened_on: entry.day(),
    });
    let records = by_kind(&shell, evidence_records(conn, user).await?);
    let by_reference = BY_REFERENCE
        .iter()
        .map(|k| {
            (
                k.as_str().to_owned(),
                shell.t(&format!("planning.kind.{}", k.as_str())),
            )
        })
        .collect();
    let view = with_evidence(conn, vec![entry], &[])
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    page_with_status(
        status,
        &EntryPage {
            shell,
            done,
            plan,
            view,
            form,
            evidence_form,
            errors,
            records,
            by_reference,
        },
    )
}

/// `GET /planning/entries/{id}`
pub async fn show(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let (entry, plan) = kept_entry(&mut conn, &user, id).await?;
    let done = flash.message(&shell);
    render_entry(
        &mut conn,
        shell,
        &user,
        entry,
        plan,
        done,
        None,
        EvidenceForm::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /planning/entries/{id}`: what it says; back to a draft.
pub async fn update(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<EntryForm>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let (entry, plan) = kept_entry(&mut tx, &user, id).await?;
    let mut errors = FieldErrors::default();
    let text = form.check(&shell, &mut errors);
    if !errors.is_empty() {
        let response = render_entry(
            &mut tx,
            shell,
            &user,
            entry,
            plan,
            String::new(),
            Some(form),
            EvidenceForm::default(),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await?;
        tx.rollback().await?;
        return Ok(response);
    }
    let was_signed_off = entries::update(&mut tx, entry.id, &text, db::now()).await?;
    plan_changed(
        &mut tx,
        &user,
        &ip,
        Action::YouSaidSaved,
        plan.id,
        format!(
            "entry {} changed{}",
            entry.id,
            if was_signed_off {
                "; back to a draft until signed off again"
            } else {
                ""
            }
        ),
    )
    .await?;
    tx.commit().await?;
    let done = if was_signed_off {
        "entry_reopened"
    } else {
        "entry_saved"
    };
    Ok(redirect(&format!(
        "/planning/entries/{}?done={done}",
        entry.id
    )))
}

/// `POST /planning/entries/{id}/evidence`
pub async fn add_evidence(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<EvidenceForm>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let (entry, plan) = kept_entry(&mut tx, &user, id).await?;
    let records = evidence_records(&mut tx, &user).await?;
    let offered: Vec<String> = records.iter().map(Linkable::value).collect();
    let mut errors = FieldErrors::default();
    let Some(evidence) = form.check(&shell, &offered, &mut errors) else {
        let response = render_entry(
            &mut tx,
            shell,
            &user,
            entry,
            plan,
            String::new(),
            None,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await?;
        tx.rollback().await?;
        return Ok(response);
    };
    let label = if evidence.label.is_empty() {
        records
            .iter()
            .find(|r| r.kind == evidence.kind.as_str() && r.target == evidence.target)
            .map(|r| r.name.clone())
            .unwrap_or_default()
    } else {
        evidence.label
    };
    entries::add_evidence(
        &mut tx,
        entry.id,
        evidence.kind,
        &evidence.target,
        &label,
        user.account_id,
        db::now(),
    )
    .await?;
    plan_changed(
        &mut tx,
        &user,
        &ip,
        Action::YouSaidSaved,
        plan.id,
        format!(
            "entry {}: evidence {} {} added",
            entry.id,
            evidence.kind.as_str(),
            evidence.target
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!(
        "/planning/entries/{}?done=evidence_added#evidence",
        entry.id
    )))
}

/// `POST /planning/entries/{id}/evidence/{evidence}/remove`. Evidence
/// already gone is not an error.
pub async fn remove_evidence(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path((id, evidence)): Path<(i64, i64)>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let (entry, plan) = kept_entry(&mut tx, &user, id).await?;
    if entries::remove_evidence(&mut tx, entry.id, evidence).await? {
        plan_changed(
            &mut tx,
            &user,
            &ip,
            Action::YouSaidSaved,
            plan.id,
            format!("entry {}: evidence {evidence} removed", entry.id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(redirect(&format!(
        "/planning/entries/{}?done=evidence_removed#evidence",
        entry.id
    )))
}

/// `POST /planning/entries/{id}/sign-off`: the entry becomes public.
pub async fn sign_off(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let (entry, plan) = kept_entry(&mut tx, &user, id).await?;
    let signed = entries::sign_off(&mut tx, entry.id, user.account_id, db::now()).await?;
    if signed {
        plan_changed(
            &mut tx,
            &user,
            &ip,
            Action::YouSaidSignedOff,
            plan.id,
            format!("entry {} signed off", entry.id),
        )
        .await?;
    }
    tx.commit().await?;
    let done = if signed {
        "signed_off"
    } else {
        "already_signed_off"
    };
    Ok(redirect(&format!(
        "/planning/entries/{}?done={done}",
        entry.id
    )))
}
