//! Concerns: the coordinators' alert list (open ones first, the most
//! urgent first), one concern with the forms to acknowledge it and to
//! record what was done, and the form a helper uses to raise a concern
//! after a round visit.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::{
    checkins::concern::{Status, Urgency},
    plain,
};
use serde::Deserialize;

use super::{Flash, clean_text, page_error, schedules::concern_line, urgency_choices};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    checkins::{
        actor,
        model::{Concern, Source, status_tag, urgency_tag},
        notify,
        workflow::{self, CheckinError},
    },
    coordination::model::today,
    db,
    error::Result,
    web::{ClientIp, FieldErrors, NoFields, Shell, StrictForm, page, page_with_status, when},
};

/// A concern as a line of the alert list.
pub struct AlertLine {
    pub id: i64,
    pub person: String,
    pub noticed: String,
    pub raised: String,
    pub urgency: String,
    pub urgency_tag: &'static str,
    pub status: String,
    pub status_tag: &'static str,
    pub open: bool,
}

/// What was noticed, in words: the sweep's alerts say why they exist.
fn noticed(shell: &Shell, c: &Concern) -> String {
    if c.source == Source::Unreached {
        shell.t("checkins.concern.unreached")
    } else {
        c.noticed.clone()
    }
}

#[derive(Template)]
#[template(path = "checkins/concerns.html")]
struct ListPage {
    shell: Shell,
    done: String,
    open_count: usize,
    current: Vec<AlertLine>,
    finished: Vec<AlertLine>,
}

pub async fn list(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    // The job queue sweeps every period; sweeping here too (it changes
    // nothing when already done) makes the alerts exact when they are read.
    workflow::sweep(&state.db, today(), db::now()).await?;
    let concerns = workflow::concerns(&state.db, &actor)
        .await
        .map_err(page_error)?;
    let lines: Vec<(bool, AlertLine)> = concerns
        .iter()
        .map(|c| {
            let line = concern_line(&shell, c);
            (
                c.status.is_final(),
                AlertLine {
                    id: c.id,
                    person: c.person_name.clone(),
                    noticed: noticed(&shell, c),
                    raised: line.raised,
                    urgency: line.urgency,
                    urgency_tag: line.urgency_tag,
                    status: line.status,
                    status_tag: line.status_tag,
                    open: c.status == Status::Open,
                },
            )
        })
        .collect();
    let (done, _) = flash.messages(&shell);
    let (finished, current): (Vec<_>, Vec<_>) = lines.into_iter().partition(|(f, _)| *f);
    page(&ListPage {
        done,
        open_count: current.iter().filter(|(_, l)| l.open).count(),
        current: current.into_iter().map(|(_, l)| l).collect(),
        finished: finished.into_iter().map(|(_, l)| l).collect(),
        shell,
    })
}

/// The form recording what was done.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ActForm {
    pub to: String,
    pub action_taken: String,
}

#[derive(Template)]
#[template(path = "checkins/concern.html")]
struct ConcernPage {
    shell: Shell,
    done: String,
    problem: String,
    id: i64,
    person_id: i64,
    person: String,
    source: String,
    noticed: String,
    raised: String,
    urgency: String,
    urgency_tag: &'static str,
    status: String,
    status_tag: &'static str,
    may_acknowledge: bool,
    may_act: bool,
    acknowledged: String,
    closed: String,
    action_taken: String,
    form: ActForm,
    errors: FieldErrors,
}

fn concern_page(
    shell: Shell,
    flash: &Flash,
    c: &Concern,
    form: ActForm,
    errors: FieldErrors,
) -> ConcernPage {
    let (done, problem) = flash.messages(&shell);
    let who_when = |name: &str, at: Option<i64>| match at {
        Some(at) if name.is_empty() => when(at),
        Some(at) => shell.tn("checkins.concern.by_at", &[name, &when(at)]),
        None => String::new(),
    };
    ConcernPage {
        done,
        problem,
        id: c.id,
        person_id: c.person_id,
        person: c.person_name.clone(),
        source: shell.t(&format!("checkins.source.{}", c.source.key())),
        noticed: noticed(&shell, c),
        raised: shell.tn(
            "checkins.concern.by_at",
            &[
                &if c.raised_by.is_none() {
                    shell.t("checkins.concern.by_system")
                } else {
                    c.raised_by_name.clone()
                },
                &when(c.raised_at),
            ],
        ),
        urgency: shell.t(&format!("checkins.urgency.{}", c.urgency.key())),
        urgency_tag: urgency_tag(c.urgency),
        status: shell.t(&format!("checkins.status.{}", c.status.key())),
        status_tag: status_tag(c.status),
        may_acknowledge: c.status.may_move(Status::Acknowledged),
        may_act: c.status.may_move(Status::ActedOn),
        acknowledged: who_when(&c.acknowledged_by_name, c.acknowledged_at),
        closed: who_when(&c.closed_by_name, c.closed_at),
        action_taken: c.action_taken.clone(),
        form,
        errors,
        shell,
    }
}

pub async fn show(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    let concern = workflow::read_concern(&state.db, &actor, id)
        .await
        .map_err(page_error)?;
    page(&concern_page(
        shell,
        &flash,
        &concern,
        ActForm {
            to: Status::ActedOn.key().to_owned(),
            ..ActForm::default()
        },
        FieldErrors::default(),
    ))
}

pub async fn acknowledge(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    match workflow::move_concern(&state.db, &actor, id, Status::Acknowledged, "").await {
        Ok(()) => Ok(redirect(&format!("/concerns/{id}?done=acknowledged"))),
        Err(CheckinError::NotNext) => Ok(redirect(&format!("/concerns/{id}?problem=not_next"))),
        Err(error) => Err(page_error(error)),
    }
}

pub async fn act(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<ActForm>,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    let mut errors = FieldErrors::default();
    let to = Status::parse(&form.to).ok().filter(|s| s.is_final());
    if to.is_none() {
        errors.add("to", shell.t("checkins.error.act_to"));
    }
    let action = match clean_text(&form.action_taken) {
        Ok(text) if text.is_empty() => {
            errors.add("action_taken", shell.t("checkins.error.action_taken"));
            String::new()
        }
        Ok(text) => text,
        Err(key) => {
            errors.add("action_taken", shell.t(key));
            String::new()
        }
    };
    let Some(to) = to.filter(|_| errors.is_empty()) else {
        let concern = workflow::read_concern(&state.db, &actor, id)
            .await
            .map_err(page_error)?;
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &concern_page(shell, &Flash::default(), &concern, form, errors),
        );
    };
    match workflow::move_concern(&state.db, &actor, id, to, &action).await {
        Ok(()) => Ok(redirect(&format!("/concerns/{id}?done={}", to.key()))),
        Err(CheckinError::NotNext) => Ok(redirect(&format!("/concerns/{id}?problem=not_next"))),
        Err(error) => Err(page_error(error)),
    }
}

/// The form raising a concern after a visit.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RaiseForm {
    pub urgency: String,
    pub noticed: String,
}

#[derive(Template)]
#[template(path = "checkins/visit.html")]
struct VisitPage {
    shell: Shell,
    done: String,
    id: i64,
    lead: String,
    form: RaiseForm,
    errors: FieldErrors,
    urgencies: Vec<(String, String, String)>,
}

pub async fn visit_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    let visit = workflow::visit(&state.db, &actor, id)
        .await
        .map_err(page_error)?;
    let (done, _) = flash.messages(&shell);
    page(&VisitPage {
        done,
        id,
        lead: shell.tn(
            "checkins.visit.lead",
            &[&visit.person_name, &plain::date(visit.on_date)],
        ),
        form: RaiseForm::default(),
        errors: FieldErrors::default(),
        urgencies: urgency_choices(&shell),
        shell,
    })
}

pub async fn visit_raise(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<RaiseForm>,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    let visit = workflow::visit(&state.db, &actor, id)
        .await
        .map_err(page_error)?;
    let mut errors = FieldErrors::default();
    let urgency = Urgency::parse(&form.urgency).ok();
    if urgency.is_none() {
        errors.add("urgency", shell.t("checkins.error.urgency"));
    }
    let noticed = match clean_text(&form.noticed) {
        Ok(text) if text.is_empty() => {
            errors.add("noticed", shell.t("checkins.error.noticed"));
            String::new()
        }
        Ok(text) => text,
        Err(key) => {
            errors.add("noticed", shell.t(key));
            String::new()
        }
    };
    let Some(urgency) = urgency.filter(|_| errors.is_empty()) else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &VisitPage {
                done: String::new(),
                id,
                lead: shell.tn(
                    "checkins.visit.lead",
                    &[&visit.person_name, &plain::date(visit.on_date)],
                ),
                form,
                errors,
                urgencies: urgency_choices(&shell),
                shell,
            },
        );
    };
    let (concern, holder) = workflow::raise_from_visit(&state.db, &actor, id, urgency, &noticed)
        .await
        .map_err(page_error)?;
    notify::urgent(&state, &shell, concern, holder, urgency).await;
    Ok(redirect(&format!(
        "/checkins/visits/{id}/concern?done=raised"
    )))
}
