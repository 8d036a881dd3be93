use askama::Template;
use axum::{
    Extension, Json,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use coprod_engine::people::LineOfText;
use serde::Deserialize;
use serde_json::Value;

use super::{
    consent::{self, Consent, LawfulBasis, NewConsent, RecordKind, Withdrawn},
    export::{self, Requester},
    store::consents as consent_store,
    subject::{self, Found, Subject},
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    coordination::{COORDINATING_ROLES, model::Channel},
    db,
    error::{AppError, Result},
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};

async fn find(state: &AppState, subject: &Subject) -> Result<Found> {
    let mut conn = state.db.pool().acquire().await?;
    subject::resolve(&mut conn, subject)
        .await?
        .ok_or(AppError::NotFound)
}

/// Where staff see a person's privacy page.
fn base(subject: &Subject) -> String {
    match subject {
        Subject::Person(id) => format!("/coordination/people/{id}"),
        Subject::Account(id) => format!("/admin/people/{id}"),
        Subject::Email(_) => "/admin/people".to_owned(),
    }
}

#[derive(Template)]
#[template(path = "privacy/mine.html")]
struct MinePage {
    shell: Shell,
    consents: Vec<Consent>,
}

/// A person's own consents, each of which they can withdraw.
pub async fn mine(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
) -> Result<Response> {
    let found = find(&state, &Subject::Account(user.account_id)).await?;
    let mut conn = state.db.pool().acquire().await?;
    let consents = consent::for_person(&mut conn, found.account_id, found.person_id).await?;
    page(&MinePage { shell, consents })
}

fn json_download(document: &Value, name: &str) -> Response {
    (
        [(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        )],
        Json(document),
    )
        .into_response()
}

/// A person's own subject access export.
pub async fn my_export(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
) -> Result<Response> {
    let found = find(&state, &Subject::Account(user.account_id)).await?;
    let document = export::export(
        &state.db,
        &found,
        Requester {
            account_id: Some(user.account_id),
            ip: &ip,
            channel: "own account page",
        },
    )
    .await?;
    Ok(json_download(&document, "my-data.json"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WithdrawForm {
    channel: String,
}

/// Whether `user` coordinates for the organisation holding the co-delivery
/// person a consent was given by.
async fn coordinates_for(
    conn: &mut sqlx::AnyConnection,
    user: &CurrentUser,
    person: Option<i64>,
) -> Result<bool> {
    let Some(person) = person else {
        return Ok(false);
    };
    let holder = crate::coordination::store::people::find(conn, person).await?;
    Ok(holder.is_some_and(|p| user.may(COORDINATING_ROLES, p.organisation_id)))
}

/// Withdraws a consent: the person's own (online), or, recorded by staff,
/// one given to them by phone, on paper or in person.
pub async fn withdraw(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<WithdrawForm>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let held = consent::find(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let me = subject::resolve(&mut tx, &Subject::Account(user.account_id)).await?;
    let own_star = held.record_kind == RecordKind::PersonalStar.as_str()
        && consent_store::star_person_account(&mut tx, held.record_id).await?
            == Some(user.account_id);
    let own = own_star
        || held.account_id == Some(user.account_id)
        || (held.coordination_person_id.is_some()
            && held.coordination_person_id == me.as_ref().and_then(|m| m.person_id));
    let (channel, back) = if own {
        (Channel::Online, "/account/privacy".to_owned())
    } else if user.is_admin()
        || coordinates_for(&mut tx, &user, held.coordination_person_id).await?
    {
        let channel = Channel::parse(&form.channel)
            .filter(|c| Channel::ON_BEHALF.contains(c))
            .ok_or(AppError::BadRequest {
                key: "privacy.error.channel",
                field: Some("channel"),
            })?;
        let back = match (held.account_id, held.coordination_person_id) {
            (Some(account), _) if user.is_admin() => base(&Subject::Account(account)),
            (_, Some(person)) => base(&Subject::Person(person)),
            _ => "/admin/people".to_owned(),
        };
        (channel, format!("{back}/privacy"))
    } else {
        return Err(AppError::NotFound);
    };
    if consent::withdraw(&mut tx, &held, Some(user.account_id), channel, db::now()).await?
        == Withdrawn::Now
    {
        let mut event = Event::new(Action::ConsentWithdrawn, Some(user.account_id), &ip)
            .detail(format!("{} by {}", held.record_kind, channel.as_str()));
        if let Some(account) = held.account_id {
            event = event.subject("account", account);
        } else if let Some(person) = held.coordination_person_id {
            event = event.subject("coordination_person", person);
        }
        audit::record_in(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok(redirect(&back))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ConsentForm {
    record_kind: String,
    purpose: String,
    lawful_basis: String,
    channel: String,
}

#[derive(Template)]
#[template(path = "privacy/person.html")]
struct StaffPage {
    shell: Shell,
    found: Found,
    base: String,
    consents: Vec<Consent>,
    kinds: Vec<(String, String)>,
    bases: Vec<(String, String)>,
    channels: Vec<(String, String)>,
    form: ConsentForm,
    errors: FieldErrors,
    /// Erasure is for administrators.
    may_erase: bool,
    erase_link: String,
}

async fn staff_page(
    state: &AppState,
    shell: Shell,
    user: &CurrentUser,
    ip: &str,
    subject: &Subject,
    form: ConsentForm,
    errors: FieldErrors,
) -> Result<StaffPage> {
    let found = find(state, subject).await?;
    let mut tx = state.db.begin_write().await?;
    let consents = consent::for_person(&mut tx, found.account_id, found.person_id).await?;
    audit::record_in(
        &mut tx,
        found
            .audit_subject(Event::new(Action::PersonRead, Some(user.account_id), ip))
            .detail("privacy page"),
    )
    .await?;
    tx.commit().await?;
    let erase_link = match subject {
        Subject::Person(id) => format!("/admin/coordination-people/{id}/erase"),
        _ => format!("{}/erase", base(subject)),
    };
    Ok(StaffPage {
        kinds: RecordKind::ALL
            .into_iter()
            .filter(|k| *k != RecordKind::PersonalStar)
            .map(|k| {
                (
                    k.as_str().to_owned(),
                    shell.t(&format!("privacy.kind.{}", k.as_str())),
                )
            })
            .collect(),
        bases: LawfulBasis::ALL
            .into_iter()
            .map(|b| {
                (
                    b.as_str().to_owned(),
                    shell.t(&format!("privacy.basis.{}", b.as_str())),
                )
            })
            .collect(),
        channels: Channel::ON_BEHALF
            .into_iter()
            .map(|c| {
                (
                    c.as_str().to_owned(),
                    shell.t(&format!("privacy.channel.{}", c.as_str())),
                )
            })
            .collect(),
        may_erase: user.is_admin(),
        erase_link,
        base: base(subject),
        shell,
        found,
        consents,
        form,
        errors,
    })
}

async fn show(
    state: AppState,
    shell: Shell,
    user: CurrentUser,
    ip: String,
    subject: Subject,
) -> Result<Response> {
    page(
        &staff_page(
            &state,
            shell,
            &user,
            &ip,
            &subject,
            ConsentForm::default(),
            FieldErrors::default(),
        )
        .await?,
    )
}

pub async fn account_page(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    show(state, shell, user, ip, Subject::Account(id)).await
}

pub async fn person_page(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    held(&state, &user, id).await?;
    show(state, shell, user, ip, Subject::Person(id)).await
}

/// Staff record a consent a person gave by phone, on paper or in person.
async fn record(
    state: AppState,
    shell: Shell,
    user: CurrentUser,
    ip: String,
    subject: Subject,
    form: ConsentForm,
) -> Result<Response> {
    let found = find(&state, &subject).await?;
    let mut errors = FieldErrors::default();
    let kind = RecordKind::parse(&form.record_kind).filter(|k| *k != RecordKind::PersonalStar);
    if kind.is_none() {
        errors.add("record_kind", shell.t("privacy.error.kind"));
    }
    let basis = LawfulBasis::parse(&form.lawful_basis);
    if basis.is_none() {
        errors.add("lawful_basis", shell.t("privacy.error.basis"));
    }
    let channel = Channel::parse(&form.channel).filter(|c| Channel::ON_BEHALF.contains(c));
    if channel.is_none() {
        errors.add("channel", shell.t("privacy.error.channel"));
    }
    let purpose = LineOfText::parse(&form.purpose)
        .map_err(|e| errors.add("purpose", shell.t(e.key)))
        .ok();
    let (Some(kind), Some(basis), Some(channel), Some(purpose)) = (kind, basis, channel, purpose)
    else {
        let page = staff_page(&state, shell, &user, &ip, &subject, form, errors).await?;
        return page_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let mut tx = state.db.begin_write().await?;
    consent::give(
        &mut tx,
        &NewConsent {
            account_id: found.account_id,
            coordination_person_id: found.person_id,
            record_kind: kind,
            record_id: None,
            purpose: purpose.as_str(),
            lawful_basis: basis,
            given_by: Some(user.account_id),
            channel,
        },
        db::now(),
    )
    .await?;
    audit::record_in(
        &mut tx,
        found
            .audit_subject(Event::new(Action::ConsentGiven, Some(user.account_id), &ip))
            .detail(format!("{} by {}", kind.as_str(), channel.as_str())),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!("{}/privacy", base(&subject))))
}

pub async fn account_consent(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<ConsentForm>,
) -> Result<Response> {
    record(state, shell, user, ip, Subject::Account(id), form).await
}

pub async fn person_consent(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<ConsentForm>,
) -> Result<Response> {
    held(&state, &user, id).await?;
    record(state, shell, user, ip, Subject::Person(id), form).await
}

async fn staff_export(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    subject: &Subject,
) -> Result<(Found, Value)> {
    let found = find(state, subject).await?;
    let document = export::export(
        &state.db,
        &found,
        Requester {
            account_id: Some(user.account_id),
            ip,
            channel: "staff page",
        },
    )
    .await?;
    Ok((found, document))
}

pub async fn account_export_json(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    let (_, document) = staff_export(&state, &user, &ip, &Subject::Account(id)).await?;
    Ok(json_download(&document, &format!("account-{id}.json")))
}

pub async fn person_export_json(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    held(&state, &user, id).await?;
    let (_, document) = staff_export(&state, &user, &ip, &Subject::Person(id)).await?;
    Ok(json_download(&document, &format!("person-{id}.json")))
}

/// One kind of record in the readable export: each record as label–value
/// pairs.
pub struct Section {
    pub title: String,
    pub records: Vec<Vec<(String, String)>>,
}

fn as_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn record_of(value: &Value) -> Vec<(String, String)> {
    match value {
        Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| (k.replace('_', " "), as_text(v)))
            .collect(),
        other => vec![(String::new(), as_text(other))],
    }
}

/// The export document as sections a person can read.
fn sections(shell: &Shell, document: &Value) -> Vec<Section> {
    let Value::Object(kinds) = document else {
        return Vec::new();
    };
    kinds
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "format" | "produced_at" | "subject"))
        .map(|(key, value)| Section {
            title: shell.t(&format!("privacy.section.{key}")),
            records: match value {
                Value::Null => Vec::new(),
                Value::Array(items) => items.iter().map(record_of).collect(),
                other => vec![record_of(other)],
            },
        })
        .collect()
}

#[derive(Template)]
#[template(path = "privacy/export.html")]
struct ExportPage {
    shell: Shell,
    found: Found,
    produced_at: String,
    sections: Vec<Section>,
}

async fn export_page(
    state: AppState,
    shell: Shell,
    user: CurrentUser,
    ip: String,
    subject: Subject,
) -> Result<Response> {
    let (found, document) = staff_export(&state, &user, &ip, &subject).await?;
    page(&ExportPage {
        sections: sections(&shell, &document),
        produced_at: as_text(&document["produced_at"]),
        shell,
        found,
    })
}

pub async fn account_export_page(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    export_page(state, shell, user, ip, Subject::Account(id)).await
}

pub async fn person_export_page(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    held(&state, &user, id).await?;
    export_page(state, shell, user, ip, Subject::Person(id)).await
}

/// Refuses a co-delivery person's record unless `user` coordinates for the
/// organisation holding it.
async fn held(state: &AppState, user: &CurrentUser, id: i64) -> Result<()> {
    let mut conn = state.db.pool().acquire().await?;
    crate::coordination::held_person(&mut conn, user, id).await?;
    Ok(())
}
