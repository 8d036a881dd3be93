//! Staff pages: the queue (overdue first, then every open complaint by its
//! clock, then the rest), entering an item for someone who phoned, wrote
//! or came in, and one item with the step the procedure allows next.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::{
    feedback::{Case, Clock, Outcome, StepError},
    plain,
    schedule::Date,
};
use serde::Deserialize;

use super::{
    Flash, HistoryLine, clean_text, clock_words, history, kind_word, outcome_choices, outcome_word,
    page_error,
    public::{GiveForm, GivePage, Line, check, line},
    status_words,
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    coordination::model::today,
    error::Result,
    feedback::{
        actor,
        model::Feedback,
        notify, store,
        workflow::{self, FeedbackError, StepInput},
    },
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};

/// The most items the queue shows.
const QUEUE_LIMIT: i64 = 500;

#[derive(Template)]
#[template(path = "feedback/queue.html")]
struct QueuePage {
    shell: Shell,
    overdue: Vec<Line>,
    open: Vec<Line>,
    rest: Vec<Line>,
}

pub async fn queue(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    let mut conn = state.db.pool().acquire().await?;
    let mut items = store::list(&mut conn, &actor.reach, QUEUE_LIMIT, 0).await?;
    drop(conn);
    let today = today();
    items.sort_by_key(|i| i.case.as_ref().and_then(Case::clock).map(Clock::due));
    let (open, rest): (Vec<&Feedback>, Vec<&Feedback>) = items
        .iter()
        .partition(|i| i.case.as_ref().and_then(Case::clock).is_some());
    let (overdue, open): (Vec<&Feedback>, Vec<&Feedback>) = open
        .into_iter()
        .partition(|i| i.case.as_ref().and_then(|c| c.overdue(today)).is_some());
    let mut rest = rest;
    rest.sort_by_key(|i| std::cmp::Reverse(i.created_at));
    page(&QueuePage {
        overdue: overdue.iter().map(|i| line(&shell, i)).collect(),
        open: open.iter().map(|i| line(&shell, i)).collect(),
        rest: rest.iter().map(|i| line(&shell, i)).collect(),
        shell,
    })
}

pub async fn on_behalf_form(State(state): State<AppState>, shell: Shell) -> Result<Response> {
    let form = GiveForm {
        kind: "complaint".to_owned(),
        channel: "phone".to_owned(),
        received_on: today().to_string(),
        ..GiveForm::default()
    };
    page(&GivePage::new(&state, shell, true, form, FieldErrors::default()).await?)
}

pub async fn on_behalf(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    StrictForm(form): StrictForm<GiveForm>,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    let checked = check(&state, &shell, &form, true).await?;
    let mut new = match checked {
        Ok(new) if actor.reach.covers(Some(new.organisation_id)) => new,
        Ok(_) => {
            let mut errors = FieldErrors::default();
            errors.add("about", shell.t("feedback.error.not_yours"));
            return page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &GivePage::new(&state, shell, true, form, errors).await?,
            );
        }
        Err(errors) => {
            return page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &GivePage::new(&state, shell, true, form, errors).await?,
            );
        }
    };
    new.entered_by = Some(user.account_id);
    let calendar = state.settings.referrals.calendar();
    let (id, _) = workflow::receive(&state.db, &actor, &new, &calendar)
        .await
        .map_err(page_error)?;
    if let Ok((item, _, _)) = workflow::read(&state.db, &actor, id).await {
        notify::person(&state, &shell, &item, "received").await;
    }
    Ok(redirect(&format!("/feedback/{id}?done=received")))
}

/// Every step's fields; each form sends its own.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct StepForm {
    pub step: String,
    pub outcome: String,
    pub text: String,
    pub learning: String,
    pub changes: String,
    pub new_due: String,
}

/// The publishing form.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct PublishForm {
    pub action: String,
    pub summary: String,
    pub response: String,
    pub checked: String,
}

#[derive(Template)]
#[template(path = "feedback/item.html")]
struct ItemPage {
    shell: Shell,
    done: String,
    problem: String,
    id: i64,
    reference: String,
    kind: String,
    is_complaint: bool,
    about: String,
    organisation: String,
    channel: String,
    received: String,
    name: String,
    email: String,
    phone: String,
    body: String,
    status: String,
    status_tag: &'static str,
    clock: String,
    overdue: bool,
    frontline_due: String,
    frontline_extension_reason: String,
    frontline_outcome: String,
    frontline_response: String,
    acknowledge_by: String,
    investigation_due: String,
    outcome: String,
    decision: String,
    learning: String,
    changes: String,
    allowed: &'static [&'static str],
    outcomes: Vec<(String, String)>,
    /// The step whose form was refused, with its fields.
    failed: String,
    form: StepForm,
    errors: FieldErrors,
    published: bool,
    publish: PublishForm,
    reports: Vec<String>,
    steps: Vec<HistoryLine>,
}

impl ItemPage {
    fn is_allowed(&self, step: &str) -> bool {
        self.allowed.contains(&step)
    }

    /// The form's value when it was the one refused, else empty.
    fn value<'a>(&'a self, step: &str, field: &'a str) -> &'a str {
        if self.failed == step { field } else { "" }
    }
}

#[expect(clippy::too_many_arguments, reason = "the page's parts")]
fn item_page(
    shell: Shell,
    flash: &Flash,
    item: &Feedback,
    steps: &[crate::feedback::model::StepRow],
    reports: Vec<String>,
    failed: &str,
    form: StepForm,
    errors: FieldErrors,
) -> ItemPage {
    let (done, problem) = flash.messages(&shell);
    let (status, status_tag) = status_words(&shell, item);
    let (clock, overdue) = clock_words(&shell, item.case.as_ref(), today());
    let frontline = item.case.as_ref().and_then(|c| c.frontline.as_ref());
    let investigation = item.case.as_ref().and_then(|c| c.investigation.as_ref());
    let date = |d: Option<Date>| d.map_or_else(String::new, plain::date);
    ItemPage {
        done,
        problem,
        id: item.id,
        reference: item.reference.clone(),
        kind: kind_word(&shell, item.kind),
        is_complaint: item.case.is_some(),
        about: item.about_name.clone(),
        organisation: item.organisation_name.clone(),
        channel: shell.t(&format!("feedback.channel.{}", item.channel.key())),
        received: plain::date(item.received_on),
        name: item.name.clone(),
        email: item.email.clone(),
        phone: item.phone.clone(),
        body: item.body.clone(),
        status,
        status_tag,
        clock,
        overdue,
        frontline_due: date(frontline.map(|f| f.due)),
        frontline_extension_reason: item.frontline_extension_reason.clone(),
        frontline_outcome: outcome_word(&shell, frontline.and_then(|f| f.outcome)),
        frontline_response: item.frontline_response.clone(),
        acknowledge_by: date(investigation.map(|i| i.acknowledge_by)),
        investigation_due: date(investigation.map(|i| i.due)),
        outcome: outcome_word(&shell, investigation.and_then(|i| i.outcome)),
        decision: item.decision.clone(),
        learning: item.learning.clone(),
        changes: item.changes.clone(),
        allowed: item.case.as_ref().map_or(&[], |c| c.allowed_steps()),
        outcomes: outcome_choices(&shell),
        failed: failed.to_owned(),
        form,
        errors,
        published: item.published_at.is_some(),
        publish: PublishForm {
            summary: item.public_summary.clone(),
            response: item.public_response.clone(),
            ..PublishForm::default()
        },
        reports,
        steps: history(&shell, steps, true),
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
    let (item, steps, reports) = workflow::read(&state.db, &actor, id)
        .await
        .map_err(page_error)?;
    page(&item_page(
        shell,
        &flash,
        &item,
        &steps,
        reports,
        "",
        StepForm::default(),
        FieldErrors::default(),
    ))
}

/// The step a form asks for, or the errors by field.
fn step_input(shell: &Shell, form: &StepForm) -> std::result::Result<StepInput, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut text =
        |field: &'static str, raw: &str, required: Option<&'static str>| match clean_text(raw) {
            Ok(t) if t.is_empty() => {
                if let Some(key) = required {
                    errors.add(field, shell.t(key));
                }
                t
            }
            Ok(t) => t,
            Err(key) => {
                errors.add(field, shell.t(key));
                String::new()
            }
        };
    let input = match form.step.as_str() {
        "respond" => {
            let response = text("text", &form.text, Some("feedback.error.response"));
            Outcome::parse(&form.outcome)
                .map(|outcome| StepInput::Respond { outcome, response })
                .ok()
        }
        "extend_frontline" => Some(StepInput::ExtendFrontline {
            reason: text("text", &form.text, Some("feedback.error.reason")),
        }),
        "escalate" => Some(StepInput::Escalate {
            note: text("text", &form.text, None),
        }),
        "acknowledge" => Some(StepInput::Acknowledge),
        "extend_investigation" => {
            let reason = text("text", &form.text, Some("feedback.error.reason"));
            Date::parse(form.new_due.trim())
                .ok()
                .map(|new_due| StepInput::ExtendInvestigation { reason, new_due })
        }
        "decide" => {
            let decision = text("text", &form.text, Some("feedback.error.decision"));
            let learning = text("learning", &form.learning, Some("feedback.error.learning"));
            let changes = text("changes", &form.changes, None);
            Outcome::parse(&form.outcome)
                .map(|outcome| StepInput::Decide {
                    outcome,
                    decision,
                    learning,
                    changes,
                })
                .ok()
        }
        _ => None,
    };
    match input {
        Some(input) if errors.is_empty() => Ok(input),
        _ => {
            if matches!(form.step.as_str(), "respond" | "decide")
                && Outcome::parse(&form.outcome).is_err()
            {
                errors.add("outcome", shell.t("feedback.error.outcome"));
            }
            if form.step == "extend_investigation" && Date::parse(form.new_due.trim()).is_err() {
                errors.add("new_due", shell.t("feedback.error.new_due"));
            }
            if errors.is_empty() {
                errors.add("step", shell.t("feedback.error.step"));
            }
            Err(errors)
        }
    }
}

/// The errors named for the step's own form (`decide_learning`), since
/// every step's form is on the one page.
fn for_step(step: &str, errors: &FieldErrors) -> FieldErrors {
    let mut named = FieldErrors::default();
    for error in errors.all() {
        named.add(format!("{step}_{}", error.field), error.message.clone());
    }
    named
}

/// Where a refusal of the engine belongs on the form.
fn refusal_field(error: StepError) -> &'static str {
    match error {
        StepError::ReasonRequired => "text",
        StepError::LearningRequired => "learning",
        StepError::NewDateNotLater | StepError::NewDateNotWorkingDay => "new_due",
        _ => "step",
    }
}

pub async fn step(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<StepForm>,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    let calendar = state.settings.referrals.calendar();
    let refused = |shell: Shell, errors: FieldErrors, form: StepForm| async {
        let (item, steps, reports) = workflow::read(&state.db, &actor, id)
            .await
            .map_err(page_error)?;
        let failed = form.step.clone();
        page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &item_page(
                shell,
                &Flash::default(),
                &item,
                &steps,
                reports,
                &failed,
                form,
                errors,
            ),
        )
    };
    let input = match step_input(&shell, &form) {
        Ok(input) => input,
        Err(errors) => return refused(shell, for_step(&form.step, &errors), form).await,
    };
    match workflow::take_step(&state.db, &actor, id, &input, &calendar, today()).await {
        Ok(item) => {
            notify::person(&state, &shell, &item, &form.step).await;
            Ok(redirect(&format!("/feedback/{id}?done={}", form.step)))
        }
        Err(FeedbackError::Refused(error)) => {
            let mut errors = FieldErrors::default();
            errors.add(refusal_field(error), shell.t(error.key()));
            refused(shell, for_step(&form.step, &errors), form).await
        }
        Err(FeedbackError::MovedOn) => Ok(redirect(&format!("/feedback/{id}?problem=moved_on"))),
        Err(error) => Err(page_error(error)),
    }
}

pub async fn publish(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<PublishForm>,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    if form.action == "withdraw" {
        workflow::publish(&state.db, &actor, id, None, today())
            .await
            .map_err(page_error)?;
        return Ok(redirect(&format!("/feedback/{id}?done=withdrawn")));
    }
    let mut errors = FieldErrors::default();
    let summary = match clean_text(&form.summary) {
        Ok(t) if !t.is_empty() => t,
        Ok(_) => {
            errors.add("summary", shell.t("feedback.error.summary"));
            String::new()
        }
        Err(key) => {
            errors.add("summary", shell.t(key));
            String::new()
        }
    };
    let response = match clean_text(&form.response) {
        Ok(t) if !t.is_empty() => t,
        Ok(_) => {
            errors.add("response", shell.t("feedback.error.public_response"));
            String::new()
        }
        Err(key) => {
            errors.add("response", shell.t(key));
            String::new()
        }
    };
    if form.checked != "yes" {
        errors.add("checked", shell.t("feedback.error.checked"));
    }
    if !errors.is_empty() {
        let (item, steps, reports) = workflow::read(&state.db, &actor, id)
            .await
            .map_err(page_error)?;
        let mut built = item_page(
            shell,
            &Flash::default(),
            &item,
            &steps,
            reports,
            "publish",
            StepForm::default(),
            errors,
        );
        built.publish = form;
        return page_with_status(StatusCode::UNPROCESSABLE_ENTITY, &built);
    }
    workflow::publish(&state.db, &actor, id, Some((&summary, &response)), today())
        .await
        .map_err(page_error)?;
    Ok(redirect(&format!("/feedback/{id}?done=published")))
}
