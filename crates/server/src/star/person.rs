//! The dementia-friendly star: with a person living with dementia (and
//! their carer), a worker rates and notes three levels — relationships at
//! home and in the family, connection to local community networks, and
//! how services work with them — and records what the person gives to
//! others, because a person with dementia can be a pillar for others too.
//!
//! It is kept only with consent, and only the person, their carer and
//! their workers can see it; every time a worker opens it, the audit log
//! records it.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::people::{EmailAddress, LineOfText};
use serde::Deserialize;
use sqlx::AnyConnection;

use super::{
    scope,
    store::people::{self, NewPersonStar, PersonRating, PersonStar},
};
use crate::{
    access::redirect,
    accounts::{CurrentUser, store as accounts},
    app::AppState,
    audit::{self, Action, Event},
    coordination::forms::parse_date,
    error::{AppError, Result},
    organisations::store::Organisation,
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};

/// The longest note at one level.
pub const MAX_NOTE_CHARS: usize = 2_000;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct NewForm {
    /// The person's record it is kept on, when started from the record.
    person: String,
    person_name: String,
    person_email: String,
    carer_name: String,
    carer_email: String,
    consent: String,
    consent_purpose: String,
}

#[derive(Template)]
#[template(path = "star/people.html")]
struct ListPage {
    shell: Shell,
    organisation: Organisation,
    people: Vec<PersonStar>,
    form: NewForm,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FromRecord {
    person: String,
}

/// The person's record a star is to be kept on: one `user` may read, held
/// by the organisation the star is for. The read is audited.
async fn record_for(
    state: &AppState,
    user: &CurrentUser,
    ip: &str,
    org: i64,
    raw: &str,
) -> Result<Option<crate::people::model::Record>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let id: i64 = raw.parse().map_err(|_| AppError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    let held = crate::people::held_record(&mut tx, user, id).await?;
    if held.record.person.organisation_id != Some(org) {
        return Err(AppError::NotFound);
    }
    crate::people::record_read(
        &mut tx,
        user,
        ip,
        &held,
        "to keep a personal star on the record",
    )
    .await?;
    tx.commit().await?;
    Ok(Some(held.record))
}

pub async fn list(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(org): Path<i64>,
    Query(from): Query<FromRecord>,
) -> Result<Response> {
    let organisation = scope::organisation(&state.db, &user, org).await?;
    let form = match record_for(&state, &user, &ip, org, &from.person).await? {
        Some(record) => NewForm {
            person: record.id().to_string(),
            person_name: record.person.display_name.clone(),
            ..NewForm::default()
        },
        None => NewForm::default(),
    };
    page(&ListPage {
        people: people::for_worker(&state.db, org, user.account_id).await?,
        form,
        errors: FieldErrors::default(),
        organisation,
        shell,
    })
}

/// An optional email naming an account, so that person can see the star.
async fn account_for(
    state: &AppState,
    shell: &Shell,
    field: &'static str,
    raw: &str,
    errors: &mut FieldErrors,
) -> Result<Option<i64>> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let email = match EmailAddress::parse(raw) {
        Ok(email) => email,
        Err(problem) => {
            errors.add(field, shell.t(problem.key));
            return Ok(None);
        }
    };
    if let Some(account) = accounts::find_by_email(&state.db, email.as_str()).await? {
        Ok(Some(account.id))
    } else {
        errors.add(field, shell.t("star.error.no_account"));
        Ok(None)
    }
}

pub async fn create(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(org): Path<i64>,
    StrictForm(form): StrictForm<NewForm>,
) -> Result<Response> {
    let organisation = scope::organisation(&state.db, &user, org).await?;
    let record = record_for(&state, &user, &ip, org, &form.person).await?;
    let mut errors = FieldErrors::default();
    let person = LineOfText::parse(&form.person_name)
        .map_err(|e| errors.add("person_name", shell.t(e.key)))
        .ok();
    let carer = form.carer_name.trim();
    if carer.chars().count() > coprod_engine::people::MAX_LINE_CHARS {
        errors.add("carer_name", shell.t("error.text.too_long"));
    }
    let person_account = account_for(
        &state,
        &shell,
        "person_email",
        &form.person_email,
        &mut errors,
    )
    .await?;
    let carer_account = account_for(
        &state,
        &shell,
        "carer_email",
        &form.carer_email,
        &mut errors,
    )
    .await?;
    if form.consent != "yes" {
        errors.add("consent", shell.t("star.error.consent"));
    }
    let purpose = LineOfText::parse(&form.consent_purpose)
        .map_err(|e| errors.add("consent_purpose", shell.t(e.key)))
        .ok();
    if let (Some(person), Some(purpose), true) = (person, purpose, errors.is_empty()) {
        let id = people::create(
            &mut *state.db.pool().acquire().await?,
            &NewPersonStar {
                organisation_id: org,
                person_name: person.as_str(),
                person_account_id: person_account,
                carer_name: carer,
                carer_account_id: carer_account,
                consent_purpose: purpose.as_str(),
                worker: user.account_id,
                person_id: record.as_ref().map(crate::people::model::Record::id),
            },
        )
        .await?;
        return Ok(redirect(&format!("/star/people/{id}")));
    }
    page_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ListPage {
            people: people::for_worker(&state.db, org, user.account_id).await?,
            form,
            errors,
            organisation,
            shell,
        },
    )
}

#[derive(Template)]
#[template(path = "star/my_star.html")]
struct MinePage {
    shell: Shell,
    people: Vec<PersonStar>,
}

pub async fn mine(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
) -> Result<Response> {
    page(&MinePage {
        people: people::for_person_or_carer(&state.db, user.account_id).await?,
        shell,
    })
}

/// The star, if `user` is the person, their carer, one of their workers,
/// or someone who may read the person's record it is kept on; a worker's
/// look is audited in the caller's transaction.
async fn visible(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    ip: &str,
    id: i64,
) -> Result<PersonStar> {
    let star = people::find(conn, id).await?.ok_or(AppError::NotFound)?;
    let own = star.person_account_id == Some(user.account_id)
        || star.carer_account_id == Some(user.account_id);
    if own {
        return Ok(star);
    }
    let on_their_record = match star.person_id {
        Some(person) => match crate::people::held_record(conn, user, person).await {
            Ok(_) => true,
            Err(AppError::NotFound) => false,
            Err(other) => return Err(other),
        },
        None => false,
    };
    if on_their_record || people::is_worker(conn, id, user.account_id).await? {
        audit::record_in(
            conn,
            Event::new(Action::StarPersonRead, Some(user.account_id), ip)
                .subject("star_person", id),
        )
        .await?;
        return Ok(star);
    }
    Err(AppError::NotFound)
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RatingForm {
    rated_on: String,
    home_level: String,
    home_note: String,
    community_level: String,
    community_note: String,
    services_level: String,
    services_note: String,
    contributes: String,
}

impl RatingForm {
    pub fn is(&self, field: &str, value: &str) -> bool {
        let chosen = match field {
            "home_level" => &self.home_level,
            "community_level" => &self.community_level,
            _ => &self.services_level,
        };
        chosen == value
    }
}

/// One level of the person's star as the page shows it.
pub struct LevelView {
    pub key: &'static str,
    pub heading: String,
    pub hint: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "star/person.html")]
struct PersonPage {
    shell: Shell,
    star: PersonStar,
    ratings: Vec<PersonRating>,
    levels: Vec<LevelView>,
    scale: Vec<(String, String)>,
    form: RatingForm,
    errors: FieldErrors,
}

const LEVELS: [&str; 3] = ["home", "community", "services"];

fn person_page(
    shell: Shell,
    star: PersonStar,
    ratings: Vec<PersonRating>,
    form: RatingForm,
    errors: FieldErrors,
) -> PersonPage {
    PersonPage {
        levels: LEVELS
            .iter()
            .map(|key| LevelView {
                key,
                heading: shell.t(&format!("star.person.{key}")),
                hint: shell.t(&format!("star.person.{key}_hint")),
                note: match *key {
                    "home" => form.home_note.clone(),
                    "community" => form.community_note.clone(),
                    _ => form.services_note.clone(),
                },
            })
            .collect(),
        scale: (1..=5)
            .map(|v: u8| (v.to_string(), shell.t(&format!("star.person.level_{v}"))))
            .collect(),
        shell,
        star,
        ratings,
        form,
        errors,
    }
}

pub async fn show(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let star = visible(&mut tx, &user, &ip, id).await?;
    let ratings = dated(people::ratings(&mut tx, id).await?);
    tx.commit().await?;
    page(&person_page(
        shell,
        star,
        ratings,
        RatingForm::default(),
        FieldErrors::default(),
    ))
}

pub async fn rate(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<RatingForm>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let star = visible(&mut tx, &user, &ip, id).await?;
    let mut errors = FieldErrors::default();
    let date = parse_date(&form.rated_on);
    if date.is_none() {
        errors.add("rated_on", shell.t("star.error.date"));
    }
    let level = |field: &'static str, raw: &str, errors: &mut FieldErrors| -> i64 {
        match raw.parse::<i64>() {
            Ok(v) if (1..=5).contains(&v) => v,
            _ => {
                errors.add(field, shell.t("star.error.level"));
                0
            }
        }
    };
    let home = level("home_level", &form.home_level, &mut errors);
    let community = level("community_level", &form.community_level, &mut errors);
    let services = level("services_level", &form.services_level, &mut errors);
    for (field, text) in [
        ("home_note", &form.home_note),
        ("community_note", &form.community_note),
        ("services_note", &form.services_note),
        ("contributes", &form.contributes),
    ] {
        if text.chars().count() > MAX_NOTE_CHARS {
            errors.add(field, shell.t("star.error.note_too_long"));
        }
    }
    if let (Some(date), true) = (date, errors.is_empty()) {
        people::add_rating(
            &mut tx,
            id,
            &PersonRating {
                rated_on: date.to_string(),
                home_level: home,
                home_note: form.home_note.trim().to_owned(),
                community_level: community,
                community_note: form.community_note.trim().to_owned(),
                services_level: services,
                services_note: form.services_note.trim().to_owned(),
                contributes: form.contributes.trim().to_owned(),
            },
            user.account_id,
        )
        .await?;
        audit::record_in(
            &mut tx,
            Event::new(Action::StarPersonRated, Some(user.account_id), &ip)
                .subject("star_person", id),
        )
        .await?;
        tx.commit().await?;
        return Ok(redirect(&format!("/star/people/{id}#history")));
    }
    let ratings = dated(people::ratings(&mut tx, id).await?);
    tx.commit().await?;
    page_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &person_page(shell, star, ratings, form, errors),
    )
}

/// The ratings with their days in words, as the rest of the site shows
/// dates ("1 October 2026").
fn dated(mut ratings: Vec<PersonRating>) -> Vec<PersonRating> {
    for rating in &mut ratings {
        rating.rated_on = crate::web::day_text(&rating.rated_on);
    }
    ratings
}
