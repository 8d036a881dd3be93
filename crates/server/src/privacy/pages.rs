use askama::Template;
use axum::{
    Extension, Json,
    extract::{FromRequestParts, Path, State},
    http::{StatusCode, header, request::Parts},
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

/// The person `subject` names, or 404.
pub(super) async fn find(state: &AppState, subject: &Subject) -> Result<Found> {
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

/// Everything a staff page about a person takes from the request.
pub struct Staff {
    pub(super) state: AppState,
    pub(super) shell: Shell,
    pub(super) user: CurrentUser,
    pub(super) ip: String,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let Extension(user) = Extension::<CurrentUser>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let Ok(shell) = Shell::from_request_parts(parts, state).await;
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(parts, state).await;
        Ok(Staff {
            state: state.clone(),
            shell,
            user,
            ip,
        })
    }
}

/// How a staff route names the person in its `{id}`: administrators'
/// routes by account, coordinators' by co-delivery record.
pub trait Named {
    /// How downloads are named: `account-7.json`.
    const KIND: &'static str;
    fn subject(id: i64) -> Subject;
}

/// `/admin/people/{id}/…`: an account.
pub enum ByAccount {}

impl Named for ByAccount {
    const KIND: &'static str = "account";
    fn subject(id: i64) -> Subject {
        Subject::Account(id)
    }
}

/// `/coordination/people/{id}/…` and `/admin/coordination-people/{id}/…`:
/// a co-delivery record.
pub enum ByPerson {}

impl Named for ByPerson {
    const KIND: &'static str = "person";
    fn subject(id: i64) -> Subject {
        Subject::Person(id)
    }
}

impl Staff {
    /// The person a route names, refused (404) when it is a co-delivery
    /// record that the user does not coordinate for.
    async fn open<N: Named>(&self, id: i64) -> Result<Subject> {
        let subject = N::subject(id);
        if let Subject::Person(id) = subject {
            let mut conn = self.state.db.pool().acquire().await?;
            crate::coordination::held_person(&mut conn, &self.user, id).await?;
        }
        Ok(subject)
    }

    /// The privacy page of `subject`, its reading recorded in the audit log.
    async fn page(
        self,
        subject: &Subject,
        form: ConsentForm,
        errors: FieldErrors,
    ) -> Result<StaffPage> {
        let Staff {
            state,
            shell,
            user,
            ip,
        } = self;
        let found = find(&state, subject).await?;
        let mut tx = state.db.begin_write().await?;
        let consents = consent::for_person(&mut tx, found.account_id, found.person_id).await?;
        audit::record_in(
            &mut tx,
            found
                .audit_subject(Event::new(Action::PersonRead, Some(user.account_id), &ip))
                .detail("privacy page"),
        )
        .await?;
        tx.commit().await?;
        let erase_link = match subject {
            Subject::Person(id) => format!("/admin/coordination-people/{id}/erase"),
            _ => format!("{}/erase", base(subject)),
        };
        let kinds = RecordKind::ALL
            .into_iter()
            .filter(|k| *k != RecordKind::PersonalStar)
            .map(RecordKind::as_str);
        Ok(StaffPage {
            kinds: options(&shell, "privacy.kind", kinds),
            bases: options(
                &shell,
                "privacy.basis",
                LawfulBasis::ALL.map(LawfulBasis::as_str),
            ),
            channels: options(
                &shell,
                "privacy.channel",
                Channel::ON_BEHALF.map(Channel::as_str),
            ),
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

    /// Everything held about `subject`, the export recorded in the audit log.
    async fn export(&self, subject: &Subject) -> Result<(Found, Value)> {
        let found = find(&self.state, subject).await?;
        let document = export::export(
            &self.state.db,
            &found,
            Requester {
                account_id: Some(self.user.account_id),
                ip: &self.ip,
                channel: "staff page",
            },
        )
        .await?;
        Ok((found, document))
    }
}

/// The choices of a select: each value with its label, the catalogue's
/// `{prefix}.{value}`.
fn options(
    shell: &Shell,
    prefix: &str,
    values: impl IntoIterator<Item = &'static str>,
) -> Vec<(String, String)> {
    values
        .into_iter()
        .map(|value| (value.to_owned(), shell.t(&format!("{prefix}.{value}"))))
        .collect()
}

/// The privacy page of a person: their consents, and a form to record one.
pub async fn show<N: Named>(staff: Staff, Path(id): Path<i64>) -> Result<Response> {
    let subject = staff.open::<N>(id).await?;
    let shown = staff
        .page(&subject, ConsentForm::default(), FieldErrors::default())
        .await?;
    page(&shown)
}

/// Staff record a consent a person gave by phone, on paper or in person.
pub async fn record<N: Named>(
    staff: Staff,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<ConsentForm>,
) -> Result<Response> {
    let subject = staff.open::<N>(id).await?;
    let found = find(&staff.state, &subject).await?;
    let shell = &staff.shell;
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
        let page = staff.page(&subject, form, errors).await?;
        return page_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let account = staff.user.account_id;
    let mut tx = staff.state.db.begin_write().await?;
    consent::give(
        &mut tx,
        &NewConsent {
            account_id: found.account_id,
            coordination_person_id: found.person_id,
            record_kind: kind,
            record_id: None,
            purpose: purpose.as_str(),
            lawful_basis: basis,
            given_by: Some(account),
            channel,
        },
        db::now(),
    )
    .await?;
    audit::record_in(
        &mut tx,
        found
            .audit_subject(Event::new(Action::ConsentGiven, Some(account), &staff.ip))
            .detail(format!("{} by {}", kind.as_str(), channel.as_str())),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!("{}/privacy", base(&subject))))
}

/// Everything held about a person, as a JSON download.
pub async fn export_json<N: Named>(staff: Staff, Path(id): Path<i64>) -> Result<Response> {
    let subject = staff.open::<N>(id).await?;
    let (_, document) = staff.export(&subject).await?;
    Ok(json_download(&document, &format!("{}-{id}.json", N::KIND)))
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

/// Everything held about a person, as a page.
pub async fn export_page<N: Named>(staff: Staff, Path(id): Path<i64>) -> Result<Response> {
    let subject = staff.open::<N>(id).await?;
    let (found, document) = staff.export(&subject).await?;
    let shell = staff.shell;
    page(&ExportPage {
        sections: sections(&shell, &document),
        produced_at: as_text(&document["produced_at"]),
        shell,
        found,
    })
}
