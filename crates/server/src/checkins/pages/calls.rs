//! Today's calls, for a caller (a volunteer sees only the calls assigned
//! to them, with the person's name and phone number and nothing more) and
//! for coordinators (every call of the people their organisations hold,
//! with who is assigned); and the form that logs one call.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::checkins::{Kind, concern::Urgency, retry::Outcome};
use serde::Deserialize;

use super::{Flash, clean_text, page_error, urgency_choices};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    checkins::{
        actor,
        model::{Call, CallChannel},
        notify,
        workflow::{self, CheckinError, Logging},
    },
    coordination::model::today,
    db,
    error::Result,
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status, when},
};

/// One call as a line of the list.
pub struct Line {
    pub id: i64,
    pub person: String,
    pub phone: String,
    pub why: String,
    pub due: String,
    pub overdue: bool,
    pub attempt: String,
    pub caller: String,
    pub outcome: String,
}

fn why(shell: &Shell, call: &Call) -> String {
    match call.kind {
        Kind::Broadcast => shell.t1("checkins.why.broadcast", &call.message),
        kind => shell.t(&format!("checkins.why.{}", kind.key())),
    }
}

fn line(shell: &Shell, call: &Call, today: coprod_engine::schedule::Date) -> Line {
    Line {
        id: call.id,
        person: call.person_name.clone(),
        phone: call.phone.clone(),
        why: why(shell, call),
        due: coprod_engine::plain::date(call.due_on),
        overdue: call.due_on < today,
        attempt: if call.attempt > 1 {
            shell.tn(
                "checkins.attempt_of",
                &[
                    &call.attempt.to_string(),
                    &call.retry.attempts().to_string(),
                ],
            )
        } else {
            String::new()
        },
        caller: if call.caller_name.is_empty() {
            shell.t("checkins.nobody_assigned")
        } else {
            call.caller_name.clone()
        },
        outcome: call
            .outcome
            .map(|o| shell.t(&format!("checkins.outcome.{}", o.key())))
            .unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "checkins/today.html")]
struct TodayPage {
    shell: Shell,
    done: String,
    problem: String,
    today: String,
    /// Staff see who is assigned, and may plan broadcasts.
    staff: bool,
    open: Vec<Line>,
    logged: Vec<Line>,
}

pub async fn today_page(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    let day = today();
    // The job queue sweeps every period; sweeping here too (it changes
    // nothing when already done) makes the list exact when it is read.
    workflow::sweep(&state.db, day, db::now()).await?;
    let (open, logged) = workflow::todays_calls(&state.db, &actor, day, day.unix_midnight())
        .await
        .map_err(page_error)?;
    let (done, problem) = flash.messages(&shell);
    page(&TodayPage {
        done,
        problem,
        today: coprod_engine::plain::date(day),
        staff: !actor.reach.is_nothing(),
        open: open.iter().map(|c| line(&shell, c, day)).collect(),
        logged: logged.iter().map(|c| line(&shell, c, day)).collect(),
        shell,
    })
}

/// The log-call form as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct LogForm {
    pub outcome: String,
    pub channel: String,
    pub note: String,
    pub urgency: String,
    pub noticed: String,
}

#[derive(Template)]
#[template(path = "checkins/call.html")]
struct CallPage {
    shell: Shell,
    call: Line,
    logged: bool,
    logged_at: String,
    note: String,
    channel: String,
    form: LogForm,
    errors: FieldErrors,
    outcomes: Vec<(String, String)>,
    channels: Vec<(String, String)>,
    urgencies: Vec<(String, String, String)>,
}

fn call_page(shell: Shell, call: &Call, form: LogForm, errors: FieldErrors) -> CallPage {
    let day = today();
    CallPage {
        call: line(&shell, call, day),
        logged: call.outcome.is_some(),
        logged_at: call.logged_at.map(when).unwrap_or_default(),
        note: call.note.clone(),
        channel: call
            .channel
            .map(|c| shell.t(&format!("checkins.channel.{}", c.key())))
            .unwrap_or_default(),
        outcomes: Outcome::ALL
            .iter()
            .map(|o| {
                (
                    o.key().to_owned(),
                    shell.t(&format!("checkins.outcome.{}", o.key())),
                )
            })
            .collect(),
        channels: CallChannel::ALL
            .iter()
            .map(|c| {
                (
                    c.key().to_owned(),
                    shell.t(&format!("checkins.channel.{}", c.key())),
                )
            })
            .collect(),
        urgencies: urgency_choices(&shell),
        form,
        errors,
        shell,
    }
}

pub async fn form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    let call = workflow::read_call(&state.db, &actor, id)
        .await
        .map_err(page_error)?;
    let form = LogForm {
        channel: CallChannel::Phone.key().to_owned(),
        ..LogForm::default()
    };
    page(&call_page(shell, &call, form, FieldErrors::default()))
}

/// The form checked: what to log, or every field's problem.
fn check(shell: &Shell, form: &LogForm, errors: &mut FieldErrors) -> Option<Logging> {
    let outcome = Outcome::parse(&form.outcome).ok();
    if outcome.is_none() {
        errors.add("outcome", shell.t("checkins.error.outcome"));
    }
    let channel = CallChannel::parse(&form.channel);
    if channel.is_none() {
        errors.add("channel", shell.t("checkins.error.channel"));
    }
    let note = clean_text(&form.note)
        .map_err(|key| errors.add("note", shell.t(key)))
        .unwrap_or_default();
    let mut concern = None;
    if outcome == Some(Outcome::Concern) {
        let urgency = Urgency::parse(&form.urgency).ok();
        if urgency.is_none() {
            errors.add("urgency", shell.t("checkins.error.urgency"));
        }
        let noticed = match clean_text(&form.noticed) {
            Ok(text) if text.is_empty() => {
                errors.add("noticed", shell.t("checkins.error.noticed"));
                None
            }
            Ok(text) => Some(text),
            Err(key) => {
                errors.add("noticed", shell.t(key));
                None
            }
        };
        concern = urgency.zip(noticed);
    }
    if !errors.is_empty() {
        return None;
    }
    Some(Logging {
        outcome: outcome?,
        channel: channel?,
        note,
        concern,
    })
}

pub async fn log(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<LogForm>,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    let mut errors = FieldErrors::default();
    let Some(logging) = check(&shell, &form, &mut errors) else {
        // Whether the call is theirs decides before the form does.
        let call = workflow::read_call(&state.db, &actor, id)
            .await
            .map_err(page_error)?;
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &call_page(shell, &call, form, errors),
        );
    };
    let calendar = state.settings.referrals.calendar();
    match workflow::log_call(&state.db, &actor, id, &logging, today(), &calendar).await {
        Ok(result) => {
            if let Some((concern, urgency)) = result.concern {
                notify::urgent(&state, &shell, concern, result.holder, urgency).await;
                return Ok(redirect("/checkins?done=logged_concern"));
            }
            Ok(redirect("/checkins?done=logged"))
        }
        Err(CheckinError::AlreadyLogged) => Ok(redirect("/checkins?problem=already_logged")),
        Err(error) => Err(page_error(error)),
    }
}
