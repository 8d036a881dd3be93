//! What anyone sees: the form to give feedback (signed in or not), the page
//! a reference opens, a signed-in person's own items, and the published
//! items with their responses and a way to report abuse.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::{
    feedback::{Channel, Kind, Status},
    people::EmailAddress,
    plain,
};
use serde::Deserialize;

use super::{
    Flash, HistoryLine, clean_text, clock_words, history, kind_word, outcome_word, page_error,
    status_words, subjects,
};
use crate::{
    access::{Reach, redirect},
    accounts::CurrentUser,
    app::AppState,
    coordination::model::today,
    error::Result,
    feedback::{
        model::{About, Feedback, NewFeedback},
        notify, store,
        workflow::{self, Actor},
    },
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};

/// The form giving feedback; staff entering it for someone add the channel,
/// the day it came in and whether it goes straight to investigation.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct GiveForm {
    pub kind: String,
    pub about: String,
    pub body: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub channel: String,
    pub received_on: String,
    pub investigation: String,
}

#[derive(Template)]
#[template(path = "feedback/give.html")]
pub struct GivePage {
    pub shell: Shell,
    /// Entered by staff for someone.
    pub on_behalf: bool,
    pub form: GiveForm,
    pub errors: FieldErrors,
    pub kinds: Vec<(String, String)>,
    pub subjects: Vec<(String, String)>,
    pub channels: Vec<(String, String)>,
}

impl GivePage {
    pub async fn new(
        state: &AppState,
        shell: Shell,
        on_behalf: bool,
        form: GiveForm,
        errors: FieldErrors,
    ) -> Result<Self> {
        let subjects = std::iter::once((String::new(), shell.t("feedback.give.about_empty")))
            .chain(
                subjects(&state.db, &shell)
                    .await?
                    .into_iter()
                    .map(|(value, label, _)| (value, label)),
            )
            .collect();
        Ok(Self {
            kinds: Kind::ALL
                .iter()
                .map(|k| (k.key().to_owned(), kind_word(&shell, *k)))
                .collect(),
            channels: Channel::ON_BEHALF
                .iter()
                .map(|c| {
                    (
                        c.key().to_owned(),
                        shell.t(&format!("feedback.channel.{}", c.key())),
                    )
                })
                .collect(),
            subjects,
            on_behalf,
            form,
            errors,
            shell,
        })
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GiveQuery {
    pub about: String,
    pub kind: String,
}

pub async fn give_form(
    State(state): State<AppState>,
    shell: Shell,
    Query(query): Query<GiveQuery>,
) -> Result<Response> {
    let form = GiveForm {
        about: query.about,
        kind: query.kind,
        ..GiveForm::default()
    };
    page(&GivePage::new(&state, shell, false, form, FieldErrors::default()).await?)
}

/// Checks a filled form: the item to store, or the errors by field.
pub async fn check(
    state: &AppState,
    shell: &Shell,
    form: &GiveForm,
    on_behalf: bool,
) -> Result<std::result::Result<NewFeedback, FieldErrors>> {
    let mut errors = FieldErrors::default();
    let kind = Kind::parse(&form.kind).ok();
    if kind.is_none() {
        errors.add("kind", shell.t("feedback.error.kind"));
    }
    let subject = subjects(&state.db, shell)
        .await?
        .into_iter()
        .find(|(value, _, _)| *value == form.about);
    if subject.is_none() {
        errors.add("about", shell.t("feedback.error.about"));
    }
    let mut text = |field: &'static str, raw: &str, required: Option<&str>| match clean_text(raw) {
        Ok(t) if t.is_empty() && required.is_some() => {
            errors.add(field, shell.t(required.unwrap_or_default()));
            String::new()
        }
        Ok(t) => t,
        Err(key) => {
            errors.add(field, shell.t(key));
            String::new()
        }
    };
    let body = text("body", &form.body, Some("feedback.error.body"));
    let name = text("name", &form.name, None);
    let phone = text("phone", &form.phone, None);
    let email = if form.email.trim().is_empty() {
        String::new()
    } else {
        match EmailAddress::parse(&form.email) {
            Ok(e) if crate::mail::Mailer::deliverable(e.as_str()) => e.as_str().to_owned(),
            _ => {
                errors.add("email", shell.t("feedback.error.email"));
                String::new()
            }
        }
    };
    let channel = if on_behalf {
        let channel = Channel::parse(&form.channel)
            .ok()
            .filter(|c| *c != Channel::Online);
        if channel.is_none() {
            errors.add("channel", shell.t("feedback.error.channel"));
        }
        channel
    } else {
        Some(Channel::Online)
    };
    let today = today();
    let received_on = if on_behalf && !form.received_on.trim().is_empty() {
        match coprod_engine::schedule::Date::parse(form.received_on.trim()) {
            Ok(d) if d <= today && d >= today.add_days(-366) => Some(d),
            _ => {
                errors.add("received_on", shell.t("feedback.error.received_on"));
                None
            }
        }
    } else {
        Some(today)
    };
    if on_behalf && name.is_empty() {
        errors.add("name", shell.t("feedback.error.name"));
    }
    let (Some(kind), Some((value, label, organisation_id)), Some(channel), Some(received_on)) =
        (kind, subject, channel, received_on)
    else {
        return Ok(Err(errors));
    };
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let (about_key, about_id) = value.split_once(':').unwrap_or((&value, ""));
    let about = About::parse(about_key).unwrap_or(About::Organisation);
    let about_name = label
        .split_once(": ")
        .map_or(label.as_str(), |(_, name)| name)
        .to_owned();
    Ok(Ok(NewFeedback {
        kind,
        organisation_id,
        about,
        about_id: (about != About::Organisation).then(|| about_id.to_owned()),
        about_name,
        channel,
        account_id: None,
        name,
        email,
        phone,
        body,
        entered_by: None,
        received_on,
        investigation: on_behalf && kind == Kind::Complaint && form.investigation == "yes",
    }))
}

pub async fn give(
    State(state): State<AppState>,
    shell: Shell,
    user: Option<Extension<CurrentUser>>,
    ClientIp(ip): ClientIp,
    StrictForm(form): StrictForm<GiveForm>,
) -> Result<Response> {
    let mut new = match check(&state, &shell, &form, false).await? {
        Ok(new) => new,
        Err(errors) => {
            return page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &GivePage::new(&state, shell, false, form, errors).await?,
            );
        }
    };
    let account_id = user.as_ref().map(|u| u.account_id);
    new.account_id = account_id;
    if let Some(user) = &user
        && new.email.is_empty()
    {
        new.email.clone_from(&user.email);
    }
    let actor = Actor {
        account_id,
        token_id: None,
        reach: Reach::nothing(),
        ip,
    };
    let calendar = state.settings.referrals.calendar();
    let (_, reference) = workflow::receive(&state.db, &actor, &new, &calendar)
        .await
        .map_err(page_error)?;
    if let Ok((item, _)) = workflow::track(&state.db, &reference).await {
        notify::person(&state, &shell, &item, "received").await;
    }
    Ok(redirect(&format!(
        "/feedback/track/{reference}?done=received"
    )))
}

#[derive(Template)]
#[template(path = "feedback/track.html")]
struct TrackPage {
    shell: Shell,
    done: String,
    reference: String,
    kind: String,
    about: String,
    organisation: String,
    received: String,
    status: String,
    status_tag: &'static str,
    clock: String,
    frontline_response: String,
    frontline_outcome: String,
    may_escalate: bool,
    decided: bool,
    outcome: String,
    decision: String,
    learning: String,
    changes: String,
    steps: Vec<HistoryLine>,
}

pub async fn track(
    State(state): State<AppState>,
    shell: Shell,
    Path(reference): Path<String>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let (item, steps) = workflow::track(&state.db, &reference)
        .await
        .map_err(page_error)?;
    let (done, _) = flash.messages(&shell);
    let (status, status_tag) = status_words(&shell, &item);
    let (clock, _) = clock_words(&shell, item.case.as_ref(), today());
    let case = item.case.as_ref();
    page(&TrackPage {
        done,
        reference: item.reference.clone(),
        kind: kind_word(&shell, item.kind),
        about: item.about_name.clone(),
        organisation: item.organisation_name.clone(),
        received: plain::date(item.received_on),
        status,
        status_tag,
        clock,
        frontline_response: item.frontline_response.clone(),
        frontline_outcome: outcome_word(
            &shell,
            case.and_then(|c| c.frontline.as_ref())
                .and_then(|f| f.outcome),
        ),
        may_escalate: item.status() == Some(Status::FrontlineClosed),
        decided: item.status() == Some(Status::Decided),
        outcome: outcome_word(
            &shell,
            case.and_then(|c| c.investigation.as_ref())
                .and_then(|i| i.outcome),
        ),
        decision: item.decision.clone(),
        learning: item.learning.clone(),
        changes: item.changes.clone(),
        steps: history(&shell, &steps, false),
        shell,
    })
}

/// An item as a line of a list.
pub struct Line {
    pub id: i64,
    pub reference: String,
    pub kind: String,
    pub about: String,
    pub received: String,
    pub status: String,
    pub status_tag: &'static str,
    pub clock: String,
    pub overdue: bool,
}

pub fn line(shell: &Shell, item: &Feedback) -> Line {
    let (status, status_tag) = status_words(shell, item);
    let (clock, overdue) = clock_words(shell, item.case.as_ref(), today());
    Line {
        id: item.id,
        reference: item.reference.clone(),
        kind: kind_word(shell, item.kind),
        about: item.about_name.clone(),
        received: plain::date(item.received_on),
        status,
        status_tag,
        clock,
        overdue,
    }
}

#[derive(Template)]
#[template(path = "feedback/mine.html")]
struct MinePage {
    shell: Shell,
    items: Vec<Line>,
}

pub async fn mine(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let items = store::of_account(&mut conn, user.account_id).await?;
    drop(conn);
    page(&MinePage {
        items: items.iter().map(|i| line(&shell, i)).collect(),
        shell,
    })
}

/// A published item.
pub struct PublishedLine {
    pub id: i64,
    pub kind: String,
    pub about: String,
    pub organisation: String,
    pub summary: String,
    pub response: String,
    pub published: String,
}

#[derive(Template)]
#[template(path = "feedback/published.html")]
struct PublishedPage {
    shell: Shell,
    done: String,
    items: Vec<PublishedLine>,
}

pub async fn published(
    State(state): State<AppState>,
    shell: Shell,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let items = store::published(&mut conn, 200).await?;
    drop(conn);
    let (done, _) = flash.messages(&shell);
    page(&PublishedPage {
        done,
        items: items
            .iter()
            .map(|i| PublishedLine {
                id: i.id,
                kind: kind_word(&shell, i.kind),
                about: i.about_name.clone(),
                organisation: i.organisation_name.clone(),
                summary: i.public_summary.clone(),
                response: i.public_response.clone(),
                published: crate::web::utc_time(i.published_at.unwrap_or_default()),
            })
            .collect(),
        shell,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportForm {
    pub reason: String,
}

pub async fn report(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<ReportForm>,
) -> Result<Response> {
    let reason = clean_text(&form.reason).unwrap_or_default();
    let reason = if reason.is_empty() {
        shell.t("feedback.published.no_reason")
    } else {
        reason
    };
    workflow::report_abuse(&state.db, id, &reason)
        .await
        .map_err(page_error)?;
    Ok(redirect("/feedback/published?done=reported"))
}
