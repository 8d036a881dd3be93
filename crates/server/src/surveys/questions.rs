//! Adding, changing, moving and removing one question of the latest
//! version. Every change is checked by the engine: a change that would
//! break the survey's design (a condition pointing at an option that no
//! longer exists, two questions filling one CSV column) is refused with
//! the problem beside the field at fault. Problems of a survey still being
//! built (a section with nothing in it yet) wait until it is opened.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::surveys::{
    Question,
    definition::{DefinitionProblem, Fault},
};
use serde::Deserialize;

use super::{
    builder::{NoticePage, edit_refused, runnable, save_and_return},
    overview::problem_text,
    question_form::{KINDS, QuestionForm, condition_choices},
    store::{self, Draft, EditError, SurveyRecord},
    ui::{Opt, opts},
};
use crate::{
    accounts::CurrentUser,
    app::AppState,
    error::{AppError, Result},
    web::{FieldErrors, Shell, StrictForm, page, page_with_status},
};

/// The design problems a change brings that were not there before. Whole
/// survey problems (no questions yet, an empty section) are part of
/// building and only stop the survey opening.
pub(super) fn introduced(before: &Draft, after: &Draft) -> Vec<DefinitionProblem> {
    let old = before.problems();
    after
        .problems()
        .into_iter()
        .filter(|p| p.question.is_some() && !old.contains(p))
        .collect()
}

/// The form field a design fault belongs beside.
fn field_for(fault: &Fault) -> &'static str {
    match fault {
        Fault::DuplicateQuestion | Fault::ColumnClash { .. } => "id",
        Fault::NoOptions | Fault::DuplicateOption { .. } => "options",
        Fault::MaxChoicesOutOfRange => "max_choices",
        Fault::ScaleTooShort | Fault::ScaleNotRising => "scale_points",
        Fault::NumberBoundsInvalid => "min",
        Fault::TextLimitZero => "max_chars",
        Fault::NoItems | Fault::DuplicateItem { .. } => "items",
        Fault::ConditionOnUnknownQuestion { .. }
        | Fault::ConditionOnLaterQuestion { .. }
        | Fault::ConditionOnUnchoosable { .. }
        | Fault::ConditionOptionNotOffered { .. } => "show_if",
        Fault::NoAudiences
        | Fault::NoQuestions
        | Fault::EmptySection { .. }
        | Fault::BlankWording => "text",
    }
}

/// The field of this question's form whose change broke another question:
/// its short name (which that question's condition or column named) or
/// the answers it offers (which that question's condition picked).
fn field_breaking_another(fault: &Fault, form: &QuestionForm) -> &'static str {
    match fault {
        Fault::ConditionOptionNotOffered { .. } if form.has_scale() => "scale",
        Fault::ConditionOptionNotOffered { .. } => "options",
        _ => "id",
    }
}

#[derive(Template)]
#[template(path = "surveys/question.html")]
struct QuestionPage {
    shell: Shell,
    survey_id: i64,
    action: String,
    heading: String,
    form: QuestionForm,
    errors: FieldErrors,
    conditions: Vec<(String, String)>,
    audiences: Vec<(&'static str, String)>,
}

impl QuestionPage {
    fn kind_key(&self) -> String {
        format!("survey.kind.{}", self.form.kind)
    }

    fn scales(&self) -> Vec<Opt> {
        opts(
            ["frequency", "agreement", "custom"].into_iter().map(|key| {
                (
                    key,
                    self.shell.t(&format!("survey.scale.{key}")),
                    self.shell.t(&format!("survey.scale.{key}_hint")),
                )
            }),
            &self.form.scale,
        )
    }

    fn condition_opts(&self) -> Vec<Opt> {
        self.conditions
            .iter()
            .map(|(value, label)| Opt {
                checked: *value == self.form.show_if,
                value: value.clone(),
                label: label.clone(),
                hint: String::new(),
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "surveys/question_kind.html")]
struct KindPage {
    shell: Shell,
    action: String,
    survey_id: i64,
}

impl KindPage {
    fn kinds(&self) -> Vec<(&'static str, String, String)> {
        KINDS
            .iter()
            .map(|k| {
                (
                    *k,
                    self.shell.t(&format!("survey.kind.{k}")),
                    self.shell.t(&format!("survey.kind_hint.{k}")),
                )
            })
            .collect()
    }
}

#[derive(Deserialize)]
pub(super) struct KindQuery {
    kind: Option<String>,
}

fn audience_names(shell: &Shell, draft: &Draft) -> Vec<(&'static str, String)> {
    if draft.audiences.len() < 2 {
        return Vec::new();
    }
    draft
        .audiences
        .iter()
        .map(|a| {
            let key = store::audience_key(*a);
            (key, shell.t(&format!("survey.audience.{key}")))
        })
        .collect()
}

/// The section at a 1-based number, or not found.
fn section_index(draft: &Draft, number: usize) -> Result<usize> {
    number
        .checked_sub(1)
        .filter(|at| *at < draft.sections.len())
        .ok_or(AppError::NotFound)
}

/// Where a question is: its section, its place there, and its place in
/// the whole survey.
fn locate(draft: &Draft, id: &str) -> Result<(usize, usize, usize)> {
    let mut overall = 0;
    for (s, section) in draft.sections.iter().enumerate() {
        for (q, question) in section.questions.iter().enumerate() {
            if question.id.as_str() == id {
                return Ok((s, q, overall));
            }
            overall += 1;
        }
    }
    Err(AppError::NotFound)
}

/// The number of questions before the end of section `at`.
fn questions_through(draft: &Draft, at: usize) -> usize {
    draft.sections[..=at]
        .iter()
        .map(|s| s.questions.len())
        .sum()
}

/// A frozen version refuses question changes before any form is shown.
fn frozen(shell: Shell, survey: &SurveyRecord) -> Option<Result<Response>> {
    survey
        .version
        .is_frozen()
        .then(|| edit_refused(shell, survey, EditError::Frozen))
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path((id, section)): Path<(i64, usize)>,
    Query(query): Query<KindQuery>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    let draft = &survey.version.draft;
    let at = section_index(draft, section)?;
    if let Some(refused) = frozen(shell.clone(), &survey) {
        return refused;
    }
    let action = format!("/surveys/{id}/sections/{section}/questions/new");
    let Some(kind) = query.kind.filter(|k| KINDS.contains(&k.as_str())) else {
        return page(&KindPage {
            shell,
            action,
            survey_id: id,
        });
    };
    page(&QuestionPage {
        heading: shell.t("survey.question.new_title"),
        audiences: audience_names(&shell, draft),
        conditions: condition_choices(draft, questions_through(draft, at)),
        shell,
        survey_id: id,
        action,
        form: QuestionForm::blank(&kind),
        errors: FieldErrors::default(),
    })
}

/// A submitted question form and where it came from.
struct Submitted<'a> {
    /// Where the form posts to, to show it again.
    action: String,
    form: QuestionForm,
    /// The question being changed, if it is not new.
    existing: Option<&'a Question>,
    /// How many questions come before it, for the conditions offered.
    conditions_before: usize,
}

/// Builds the question, puts it in place with `place`, and saves the
/// draft if nothing new is wrong; otherwise the form again.
async fn save_question(
    state: &AppState,
    shell: Shell,
    survey: &SurveyRecord,
    submitted: Submitted<'_>,
    place: impl FnOnce(&mut Draft, Question),
) -> Result<Response> {
    let Submitted {
        action,
        form,
        existing,
        conditions_before,
    } = submitted;
    let draft = &survey.version.draft;
    let mut errors = FieldErrors::default();
    let built = form.build(&shell, draft, existing, &mut errors);
    if let Some(question) = built {
        let own_id = question.id.clone();
        let mut changed = draft.clone();
        place(&mut changed, question);
        let problems = introduced(draft, &changed);
        if problems.is_empty() {
            return save_and_return(state, shell, survey, &changed).await;
        }
        for problem in &problems {
            if problem.question.as_ref() == Some(&own_id) {
                errors.add(field_for(&problem.fault), shell.t(problem.fault.key()));
            } else {
                errors.add(
                    field_breaking_another(&problem.fault, &form),
                    problem_text(&shell, problem),
                );
            }
        }
    }
    let heading = if existing.is_some() {
        shell.t("survey.question.edit_title")
    } else {
        shell.t("survey.question.new_title")
    };
    page_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &QuestionPage {
            heading,
            audiences: audience_names(&shell, draft),
            conditions: condition_choices(draft, conditions_before),
            shell,
            survey_id: survey.id,
            action,
            form,
            errors,
        },
    )
}

pub(super) async fn create(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path((id, section)): Path<(i64, usize)>,
    StrictForm(form): StrictForm<QuestionForm>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    let at = section_index(&survey.version.draft, section)?;
    if let Some(refused) = frozen(shell.clone(), &survey) {
        return refused;
    }
    let before = questions_through(&survey.version.draft, at);
    let action = format!("/surveys/{id}/sections/{section}/questions/new");
    let submitted = Submitted {
        action,
        form,
        existing: None,
        conditions_before: before,
    };
    save_question(&state, shell, &survey, submitted, |draft, q| {
        draft.sections[at].questions.push(q);
    })
    .await
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path((id, question)): Path<(i64, String)>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    let draft = &survey.version.draft;
    let (s, q, overall) = locate(draft, &question)?;
    if let Some(refused) = frozen(shell.clone(), &survey) {
        return refused;
    }
    page(&QuestionPage {
        heading: shell.t("survey.question.edit_title"),
        audiences: audience_names(&shell, draft),
        conditions: condition_choices(draft, overall),
        shell,
        survey_id: id,
        action: format!("/surveys/{id}/questions/{question}/edit"),
        form: QuestionForm::of(&draft.sections[s].questions[q]),
        errors: FieldErrors::default(),
    })
}

pub(super) async fn update(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path((id, question)): Path<(i64, String)>,
    StrictForm(mut form): StrictForm<QuestionForm>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    let (s, q, overall) = locate(&survey.version.draft, &question)?;
    if let Some(refused) = frozen(shell.clone(), &survey) {
        return refused;
    }
    let existing = survey.version.draft.sections[s].questions[q].clone();
    // The kind is fixed once a question exists; remove it and add another
    // to change it.
    form.kind = super::overview::kind_name(&existing.kind).to_owned();
    let action = format!("/surveys/{id}/questions/{question}/edit");
    let submitted = Submitted {
        action,
        form,
        existing: Some(&existing),
        conditions_before: overall,
    };
    save_question(&state, shell, &survey, submitted, |draft, changed| {
        draft.sections[s].questions[q] = changed;
    })
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct MoveForm {
    direction: String,
}

pub(super) async fn move_question(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path((id, question)): Path<(i64, String)>,
    StrictForm(form): StrictForm<MoveForm>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    let (s, q, _) = locate(&survey.version.draft, &question)?;
    let mut changed = survey.version.draft.clone();
    let questions = &mut changed.sections[s].questions;
    let to = match form.direction.as_str() {
        "up" => q.checked_sub(1),
        "down" => Some(q + 1).filter(|to| *to < questions.len()),
        _ => return Err(AppError::bad_request("survey.error.direction", "direction")),
    };
    let Some(to) = to else {
        return Ok(crate::access::redirect(&format!("/surveys/{id}")));
    };
    questions.swap(q, to);
    refuse_or_save(&state, shell, &survey, &changed).await
}

pub(super) async fn remove(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path((id, question)): Path<(i64, String)>,
    StrictForm(_): StrictForm<crate::web::NoFields>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    let (s, q, _) = locate(&survey.version.draft, &question)?;
    let mut changed = survey.version.draft.clone();
    changed.sections[s].questions.remove(q);
    refuse_or_save(&state, shell, &survey, &changed).await
}

/// Saves a change that has no form of its own (a move, a removal), or
/// explains what it would break.
pub(super) async fn refuse_or_save(
    state: &AppState,
    shell: Shell,
    survey: &SurveyRecord,
    changed: &Draft,
) -> Result<Response> {
    let problems = introduced(&survey.version.draft, changed);
    if problems.is_empty() {
        return save_and_return(state, shell, survey, changed).await;
    }
    let message = problems
        .iter()
        .map(|p| problem_text(&shell, p))
        .collect::<Vec<_>>()
        .join(" ");
    let notice = NoticePage {
        heading: shell.t("survey.builder.change_refused"),
        message,
        back_href: format!("/surveys/{}", survey.id),
        back_label: shell.t("survey.back_to_survey"),
        shell,
    };
    page_with_status(StatusCode::CONFLICT, &notice)
}
