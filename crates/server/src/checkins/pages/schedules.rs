//! A person's check-in calls, reached from their record: the schedules
//! (with a form to add one and a button to stop one), the calls made and
//! the concerns raised; and the broadcast form, one call to each person on
//! a list with the same message (a weather warning, a local event).

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::{
    checkins::{
        Every, Kind, Plan,
        retry::{MAX_ATTEMPTS, MAX_SPACING, RetryRule},
    },
    plain,
    schedule::{Date, Weekday},
};
use serde::Deserialize;

use super::{Flash, clean_text, page_error};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action},
    checkins::{
        actor,
        model::{Call, Concern, NewSchedule, Schedule, status_tag, urgency_tag},
        store,
        workflow::{self, CheckinError, PersonCalls},
    },
    coordination::{model::today, workflow::Actor},
    error::{AppError, Result},
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status, when},
};

/// A plan in plain words.
pub fn describe(shell: &Shell, plan: &Plan, message: &str) -> String {
    match plan {
        Plan::Regular { every, start, end } => {
            let from = shell.tn(
                &format!("checkins.plan.{}", every.key()),
                &[&plain::date(*start)],
            );
            match end {
                Some(end) => shell.tn("checkins.plan.until", &[&from, &plain::date(*end)]),
                None => from,
            }
        }
        Plan::Birthday { born, .. } => shell.t1(
            "checkins.plan.birthday",
            &plain::date(*born)
                .rsplit_once(' ')
                .map_or(String::new(), |(day_month, _)| day_month.to_owned()),
        ),
        Plan::Discharge {
            discharged,
            weeks,
            days,
        } => {
            let on = if days.is_empty() {
                shell.t("checkins.plan.every_day")
            } else {
                days.iter()
                    .map(|d| plain::weekday(*d))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            shell.tn(
                "checkins.plan.discharge",
                &[&weeks.to_string(), &plain::date(*discharged), &on],
            )
        }
        Plan::Broadcast { on } => {
            shell.tn("checkins.plan.broadcast", &[&plain::date(*on), message])
        }
    }
}

/// A schedule as a line.
pub struct ScheduleLine {
    pub id: i64,
    pub plan: String,
    pub caller: String,
    pub retry: String,
    pub live: bool,
}

/// A call as a line of the person's history.
pub struct CallLine {
    pub id: i64,
    pub due: String,
    pub attempt: String,
    pub caller: String,
    pub outcome: String,
    pub note: String,
}

/// A concern as a line.
pub struct ConcernLine {
    pub id: i64,
    pub raised: String,
    pub urgency: String,
    pub urgency_tag: &'static str,
    pub status: String,
    pub status_tag: &'static str,
}

fn schedule_line(shell: &Shell, s: &Schedule) -> ScheduleLine {
    ScheduleLine {
        id: s.id,
        plan: describe(shell, &s.plan, &s.message),
        caller: if s.caller_name.is_empty() {
            shell.t("checkins.nobody_assigned")
        } else {
            s.caller_name.clone()
        },
        retry: shell.tn(
            "checkins.retry_rule",
            &[
                &s.retry.attempts().to_string(),
                &s.retry.spacing().to_string(),
            ],
        ),
        live: s.is_live(today()),
    }
}

fn call_line(shell: &Shell, c: &Call) -> CallLine {
    CallLine {
        id: c.id,
        due: plain::date(c.due_on),
        attempt: c.attempt.to_string(),
        caller: c.caller_name.clone(),
        outcome: c.outcome.map_or_else(
            || shell.t("checkins.not_logged"),
            |o| shell.t(&format!("checkins.outcome.{}", o.key())),
        ),
        note: c.note.clone(),
    }
}

pub fn concern_line(shell: &Shell, c: &Concern) -> ConcernLine {
    ConcernLine {
        id: c.id,
        raised: when(c.raised_at),
        urgency: shell.t(&format!("checkins.urgency.{}", c.urgency.key())),
        urgency_tag: urgency_tag(c.urgency),
        status: shell.t(&format!("checkins.status.{}", c.status.key())),
        status_tag: status_tag(c.status),
    }
}

/// The schedule form as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ScheduleForm {
    pub kind: String,
    pub cadence: String,
    pub start: String,
    pub end: String,
    pub weeks: String,
    pub day_mo: String,
    pub day_tu: String,
    pub day_we: String,
    pub day_th: String,
    pub day_fr: String,
    pub day_sa: String,
    pub day_su: String,
    pub caller: String,
    pub attempts: String,
    pub spacing: String,
}

impl ScheduleForm {
    fn days(&self) -> [(&'static str, &String); 7] {
        [
            ("mo", &self.day_mo),
            ("tu", &self.day_tu),
            ("we", &self.day_we),
            ("th", &self.day_th),
            ("fr", &self.day_fr),
            ("sa", &self.day_sa),
            ("su", &self.day_su),
        ]
    }

    /// Whether a day's box is ticked.
    pub fn ticked(&self, code: &str) -> bool {
        self.days()
            .iter()
            .any(|(c, value)| *c == code && !value.is_empty())
    }
}

#[derive(Template)]
#[template(path = "checkins/person.html")]
struct PersonPage {
    shell: Shell,
    done: String,
    problem: String,
    id: i64,
    name: String,
    has_birthday: bool,
    schedules: Vec<ScheduleLine>,
    calls: Vec<CallLine>,
    concerns: Vec<ConcernLine>,
    form: ScheduleForm,
    errors: FieldErrors,
    callers: Vec<(String, String)>,
}

impl PersonPage {
    fn kinds(&self) -> Vec<(String, String)> {
        [Kind::Regular, Kind::Birthday, Kind::Discharge]
            .iter()
            .map(|k| {
                (
                    k.key().to_owned(),
                    self.shell.t(&format!("checkins.kind.{}", k.key())),
                )
            })
            .collect()
    }

    fn cadences(&self) -> Vec<(String, String)> {
        Every::ALL
            .iter()
            .map(|e| {
                (
                    e.key().to_owned(),
                    self.shell.t(&format!("checkins.cadence.{}", e.key())),
                )
            })
            .collect()
    }

    #[expect(clippy::unused_self, reason = "called from the template as a method")]
    fn weekdays(&self) -> Vec<(String, String)> {
        Weekday::ALL
            .iter()
            .map(|d| (d.as_rrule().to_lowercase(), plain::weekday(*d).to_owned()))
            .collect()
    }

    #[expect(clippy::unused_self, reason = "called from the template as a method")]
    fn attempt_choices(&self) -> Vec<(String, String)> {
        (1..=MAX_ATTEMPTS)
            .map(|n| (n.to_string(), n.to_string()))
            .collect()
    }

    fn spacing_choices(&self) -> Vec<(String, String)> {
        (0..=MAX_SPACING)
            .map(|n| {
                (
                    n.to_string(),
                    if n == 0 {
                        self.shell.t("checkins.form.same_day")
                    } else {
                        n.to_string()
                    },
                )
            })
            .collect()
    }
}

fn caller_choices(shell: &Shell, callers: &[(i64, String)]) -> Vec<(String, String)> {
    std::iter::once((String::new(), shell.t("checkins.form.caller_none")))
        .chain(
            callers
                .iter()
                .map(|(id, name)| (id.to_string(), name.clone())),
        )
        .collect()
}

fn person_page(
    shell: Shell,
    flash: &Flash,
    seen: &PersonCalls,
    form: ScheduleForm,
    errors: FieldErrors,
) -> PersonPage {
    let (done, problem) = flash.messages(&shell);
    PersonPage {
        done,
        problem,
        id: seen.person.id,
        name: seen.person.display_name.clone(),
        has_birthday: seen.date_of_birth.is_some(),
        schedules: seen
            .schedules
            .iter()
            .map(|s| schedule_line(&shell, s))
            .collect(),
        calls: seen.calls.iter().map(|c| call_line(&shell, c)).collect(),
        concerns: seen
            .concerns
            .iter()
            .map(|c| concern_line(&shell, c))
            .collect(),
        callers: caller_choices(&shell, &seen.callers),
        form,
        errors,
        shell,
    }
}

/// A person's calls are part of their record, so their pages follow the
/// record's own rule (`people::reach`): while the person is on a team's
/// caseload, only the team and administrators get past it.
async fn record_rule(state: &AppState, user: &CurrentUser, id: i64) -> Result<()> {
    let mut conn = state.db.pool().acquire().await?;
    crate::people::held_record(&mut conn, user, id).await?;
    Ok(())
}

pub async fn show(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    record_rule(&state, &user, id).await?;
    let actor = actor(&user, &ip);
    let seen = workflow::person_calls(&state.db, &actor, id)
        .await
        .map_err(page_error)?;
    let form = ScheduleForm {
        kind: Kind::Regular.key().to_owned(),
        cadence: Every::Week.key().to_owned(),
        start: today().to_string(),
        weeks: "4".to_owned(),
        attempts: RetryRule::default().attempts().to_string(),
        spacing: RetryRule::default().spacing().to_string(),
        ..ScheduleForm::default()
    };
    page(&person_page(
        shell,
        &flash,
        &seen,
        form,
        FieldErrors::default(),
    ))
}

fn parse_date(raw: &str) -> Option<Date> {
    Date::parse(raw).ok()
}

/// The caller chosen, checked against those who may call; `Err` when the
/// choice is not one of them.
fn chosen_caller(raw: &str, callers: &[(i64, String)]) -> Result<Option<i64>, ()> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| callers.iter().any(|(c, _)| c == id))
        .map(Some)
        .ok_or(())
}

fn retry_rule(
    shell: &Shell,
    attempts: &str,
    spacing: &str,
    errors: &mut FieldErrors,
) -> Option<RetryRule> {
    let attempts = attempts.trim().parse::<u8>().ok();
    let spacing = spacing.trim().parse::<u8>().ok();
    match (attempts, spacing) {
        (Some(a), Some(s)) => match RetryRule::new(a, s) {
            Ok(rule) => Some(rule),
            Err(e) => {
                let field = if e.key.ends_with("attempts") {
                    "attempts"
                } else {
                    "spacing"
                };
                errors.add(field, shell.t(e.key));
                None
            }
        },
        (None, _) => {
            errors.add("attempts", shell.t("error.checkins.attempts"));
            None
        }
        (_, None) => {
            errors.add("spacing", shell.t("error.checkins.spacing"));
            None
        }
    }
}

/// The schedule the form describes, or every field's problem.
fn check(
    shell: &Shell,
    form: &ScheduleForm,
    seen: &PersonCalls,
    errors: &mut FieldErrors,
) -> Option<NewSchedule> {
    let kind = Kind::parse(&form.kind)
        .ok()
        .filter(|k| *k != Kind::Broadcast);
    if kind.is_none() {
        errors.add("kind", shell.t("error.checkins.kind"));
    }
    let start = parse_date(&form.start);
    if start.is_none() {
        errors.add("start", shell.t("checkins.error.date"));
    }
    let end = if form.end.trim().is_empty() || kind == Some(Kind::Discharge) {
        None
    } else {
        let end = parse_date(&form.end);
        if end.is_none() {
            errors.add("end", shell.t("checkins.error.date"));
        }
        end
    };
    let plan = match (kind, start) {
        (Some(Kind::Regular), Some(start)) => match Every::parse(&form.cadence) {
            Ok(every) => Some(Plan::Regular { every, start, end }),
            Err(e) => {
                errors.add("cadence", shell.t(e.key));
                None
            }
        },
        (Some(Kind::Birthday), Some(start)) => {
            if let Some(born) = seen.date_of_birth {
                Some(Plan::Birthday { born, start, end })
            } else {
                errors.add("kind", shell.t("checkins.error.no_birthday"));
                None
            }
        }
        (Some(Kind::Discharge), Some(discharged)) => {
            let weeks = form.weeks.trim().parse::<u8>().ok();
            let days: Vec<Weekday> = Weekday::ALL
                .into_iter()
                .filter(|d| form.ticked(&d.as_rrule().to_lowercase()))
                .collect();
            if let Some(weeks) = weeks {
                Some(Plan::Discharge {
                    discharged,
                    weeks,
                    days,
                })
            } else {
                errors.add("weeks", shell.t("error.checkins.weeks"));
                None
            }
        }
        _ => None,
    };
    let plan = plan.and_then(|plan| match plan.checked() {
        Ok(plan) => Some(plan),
        Err(e) => {
            let field = match e.key {
                "error.checkins.weeks" => "weeks",
                "error.checkins.end_before_start" => "end",
                _ => "start",
            };
            errors.add(field, shell.t(e.key));
            None
        }
    });
    let caller = chosen_caller(&form.caller, &seen.callers)
        .map_err(|()| errors.add("caller", shell.t("checkins.error.caller")))
        .ok()
        .flatten();
    let retry = retry_rule(shell, &form.attempts, &form.spacing, errors);
    if !errors.is_empty() {
        return None;
    }
    Some(NewSchedule {
        person_id: seen.person.id,
        plan: plan?,
        message: String::new(),
        caller_account_id: caller,
        retry: retry?,
        created_by: None,
    })
}

pub async fn add(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<ScheduleForm>,
) -> Result<Response> {
    record_rule(&state, &user, id).await?;
    let actor = actor(&user, &ip);
    let seen = workflow::person_calls(&state.db, &actor, id)
        .await
        .map_err(page_error)?;
    let mut errors = FieldErrors::default();
    let Some(mut new) = check(&shell, &form, &seen, &mut errors) else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &person_page(shell, &Flash::default(), &seen, form, errors),
        );
    };
    new.created_by = Some(user.account_id);
    workflow::plan(&state.db, &actor, &[new])
        .await
        .map_err(page_error)?;
    Ok(redirect(&format!("/people/{id}/checkins?done=planned")))
}

pub async fn stop(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path((id, schedule_id)): Path<(i64, i64)>,
    StrictForm(_): StrictForm<crate::web::NoFields>,
) -> Result<Response> {
    record_rule(&state, &user, id).await?;
    let actor = actor(&user, &ip);
    match workflow::stop(&state.db, &actor, id, schedule_id).await {
        Ok(()) => Ok(redirect(&format!("/people/{id}/checkins?done=stopped"))),
        Err(CheckinError::NotNext) => {
            Ok(redirect(&format!("/people/{id}/checkins?problem=not_next")))
        }
        Err(error) => Err(page_error(error)),
    }
}

/// The broadcast form as typed: the people are ticked boxes named
/// `person_<id>`.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct BroadcastForm {
    pub on: String,
    pub message: String,
    pub caller: String,
    #[serde(flatten)]
    pub ticked: BTreeMap<String, String>,
}

impl BroadcastForm {
    fn people(&self) -> Vec<i64> {
        self.ticked
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .filter_map(|(k, _)| k.strip_prefix("person_")?.parse().ok())
            .collect()
    }

    /// Whether a person's box is ticked.
    #[expect(
        clippy::trivially_copy_pass_by_ref,
        reason = "the template hands over its loop items by reference"
    )]
    pub fn has(&self, id: &i64) -> bool {
        self.people().contains(id)
    }
}

#[derive(Template)]
#[template(path = "checkins/broadcast.html")]
struct BroadcastPage {
    shell: Shell,
    people: Vec<(i64, String)>,
    callers: Vec<(String, String)>,
    form: BroadcastForm,
    errors: FieldErrors,
}

/// The people within reach, and who may call them, with the list read
/// audited.
async fn broadcast_choices(
    state: &AppState,
    user: &CurrentUser,
    actor: &Actor,
) -> Result<(Vec<(i64, String)>, Vec<(i64, String)>)> {
    let mut tx = state.db.begin_write().await?;
    let reader = crate::people::reach::Reader::of(user);
    let people: Vec<(i64, String)> = crate::people::store::record::list(&mut tx, &reader, "", 500)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let callers = store::callers(&mut tx, actor.reach.home()).await?;
    audit::record_in(
        &mut tx,
        actor
            .event(Action::PeopleListed)
            .detail(format!("check-in broadcast ({} shown)", people.len())),
    )
    .await?;
    tx.commit().await?;
    Ok((people, callers))
}

pub async fn broadcast_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    let (people, callers) = broadcast_choices(&state, &user, &actor).await?;
    page(&BroadcastPage {
        people,
        callers: caller_choices(&shell, &callers),
        form: BroadcastForm {
            on: today().to_string(),
            ..BroadcastForm::default()
        },
        errors: FieldErrors::default(),
        shell,
    })
}

pub async fn broadcast(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    StrictForm(form): StrictForm<BroadcastForm>,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    let (people, callers) = broadcast_choices(&state, &user, &actor).await?;
    let mut errors = FieldErrors::default();
    let chosen = form.people();
    if chosen.is_empty() {
        errors.add("people", shell.t("checkins.error.people"));
    }
    if chosen.iter().any(|id| !people.iter().any(|(p, _)| p == id)) {
        return Err(AppError::NotFound);
    }
    let on = parse_date(&form.on);
    if on.is_none() {
        errors.add("on", shell.t("checkins.error.date"));
    }
    let message = match clean_text(&form.message) {
        Ok(text) if text.is_empty() => {
            errors.add("message", shell.t("checkins.error.message"));
            String::new()
        }
        Ok(text) => text,
        Err(key) => {
            errors.add("message", shell.t(key));
            String::new()
        }
    };
    let caller = chosen_caller(&form.caller, &callers)
        .map_err(|()| errors.add("caller", shell.t("checkins.error.caller")))
        .ok()
        .flatten();
    let Some(on) = on.filter(|_| errors.is_empty()) else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &BroadcastPage {
                people,
                callers: caller_choices(&shell, &callers),
                form,
                errors,
                shell,
            },
        );
    };
    let schedules: Vec<NewSchedule> = chosen
        .iter()
        .map(|person| NewSchedule {
            person_id: *person,
            plan: Plan::Broadcast { on },
            message: message.clone(),
            caller_account_id: caller,
            retry: RetryRule::default(),
            created_by: Some(user.account_id),
        })
        .collect();
    match workflow::plan(&state.db, &actor, &schedules).await {
        Ok(_) => Ok(redirect("/checkins?done=broadcast")),
        // The caller does not call for everyone chosen.
        Err(CheckinError::NotFound) if caller.is_some() => {
            errors.add("caller", shell.t("checkins.error.caller_for_all"));
            page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &BroadcastPage {
                    people,
                    callers: caller_choices(&shell, &callers),
                    form,
                    errors,
                    shell,
                },
            )
        }
        Err(error) => Err(page_error(error)),
    }
}
