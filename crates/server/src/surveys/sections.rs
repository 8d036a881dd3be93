//! Sections of the latest version: adding, renaming, moving and removing
//! them, adding the engine's ready-made sections (the co-production
//! survey, willingness to do more, what would help), and adding a validated
//! measure from the wording its publisher gives the operator.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::surveys::{
    Section,
    coproduction::coproduction_section,
    instruments::{Instrument, PublishedWording, WordingError},
    perception_gap::needs_survey,
    question::Wording,
    willingness::willingness_section,
};
use serde::Deserialize;

use super::{
    builder::{edit_refused, runnable, save_and_return},
    questions::refuse_or_save,
    store::{Draft, EditError},
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    error::{AppError, Result},
    web::{FieldErrors, NoFields, Shell, StrictForm, page, page_with_status},
};

/// Longest section title and introduction.
const MAX_TITLE_CHARS: usize = 200;
const MAX_INTRODUCTION_CHARS: usize = 2_000;

/// The section form, as typed.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub(super) struct SectionForm {
    title: String,
    easy_title: String,
    introduction: String,
    easy_introduction: String,
}

impl SectionForm {
    fn of(section: &Section) -> Self {
        let easy = |w: &Wording| w.easy_read.clone().unwrap_or_default();
        Self {
            title: section.title.standard.clone(),
            easy_title: easy(&section.title),
            introduction: section
                .introduction
                .as_ref()
                .map(|w| w.standard.clone())
                .unwrap_or_default(),
            easy_introduction: section.introduction.as_ref().map(easy).unwrap_or_default(),
        }
    }

    /// The checked title and introduction.
    fn check(&self, shell: &Shell, errors: &mut FieldErrors) -> Option<(Wording, Option<Wording>)> {
        let words = |standard: &str, easy: &str| {
            let (standard, easy) = (standard.trim(), easy.trim());
            if easy.is_empty() {
                Wording::plain(standard)
            } else {
                Wording::with_easy_read(standard, easy)
            }
        };
        if self.title.trim().is_empty() {
            errors.add("title", shell.t("survey.error.section_title"));
        } else if self.title.chars().count() > MAX_TITLE_CHARS
            || self.easy_title.chars().count() > MAX_TITLE_CHARS
        {
            errors.add("title", shell.t("error.text.too_long"));
        }
        if self.introduction.chars().count() > MAX_INTRODUCTION_CHARS
            || self.easy_introduction.chars().count() > MAX_INTRODUCTION_CHARS
        {
            errors.add("introduction", shell.t("survey.error.introduction_long"));
        }
        if self.introduction.trim().is_empty() && !self.easy_introduction.trim().is_empty() {
            errors.add("introduction", shell.t("survey.error.introduction_missing"));
        }
        if !errors.is_empty() {
            return None;
        }
        let introduction = (!self.introduction.trim().is_empty())
            .then(|| words(&self.introduction, &self.easy_introduction));
        Some((words(&self.title, &self.easy_title), introduction))
    }
}

#[derive(Template)]
#[template(path = "surveys/section.html")]
struct SectionPage {
    shell: Shell,
    survey_id: i64,
    action: String,
    form: SectionForm,
    errors: FieldErrors,
}

pub(super) async fn add(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<SectionForm>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    let mut errors = FieldErrors::default();
    let Some((title, introduction)) = form.check(&shell, &mut errors) else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SectionPage {
                shell,
                survey_id: id,
                action: format!("/surveys/{id}/sections"),
                form,
                errors,
            },
        );
    };
    let mut draft = survey.version.draft.clone();
    let mut section = Section::new(title, Vec::new());
    section.introduction = introduction;
    draft.sections.push(section);
    save_and_return(&state, shell, &survey, &draft).await
}

/// The index of the section numbered `number` (from 1).
fn section_at(draft: &Draft, number: usize) -> Result<usize> {
    number
        .checked_sub(1)
        .filter(|at| *at < draft.sections.len())
        .ok_or(AppError::NotFound)
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path((id, number)): Path<(i64, usize)>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    let at = section_at(&survey.version.draft, number)?;
    if survey.version.is_frozen() {
        return edit_refused(shell, &survey, EditError::Frozen);
    }
    page(&SectionPage {
        shell,
        survey_id: id,
        action: format!("/surveys/{id}/sections/{number}/edit"),
        form: SectionForm::of(&survey.version.draft.sections[at]),
        errors: FieldErrors::default(),
    })
}

pub(super) async fn update(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path((id, number)): Path<(i64, usize)>,
    StrictForm(form): StrictForm<SectionForm>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    let at = section_at(&survey.version.draft, number)?;
    let mut errors = FieldErrors::default();
    let Some((title, introduction)) = form.check(&shell, &mut errors) else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SectionPage {
                shell,
                survey_id: id,
                action: format!("/surveys/{id}/sections/{number}/edit"),
                form,
                errors,
            },
        );
    };
    let mut draft = survey.version.draft.clone();
    draft.sections[at].title = title;
    draft.sections[at].introduction = introduction;
    save_and_return(&state, shell, &survey, &draft).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct MoveForm {
    direction: String,
}

pub(super) async fn move_section(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path((id, number)): Path<(i64, usize)>,
    StrictForm(form): StrictForm<MoveForm>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    let at = section_at(&survey.version.draft, number)?;
    let mut draft = survey.version.draft.clone();
    let to = match form.direction.as_str() {
        "up" => at.checked_sub(1),
        "down" => Some(at + 1).filter(|to| *to < draft.sections.len()),
        _ => return Err(AppError::bad_request("survey.error.direction", "direction")),
    };
    let Some(to) = to else {
        return Ok(redirect(&format!("/surveys/{id}")));
    };
    draft.sections.swap(at, to);
    // Moving a section can put a question before the one its condition
    // looks at; the engine says so and the move is refused.
    refuse_or_save(&state, shell, &survey, &draft).await
}

pub(super) async fn remove(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path((id, number)): Path<(i64, usize)>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    let at = section_at(&survey.version.draft, number)?;
    // Only an empty section goes in one click; its questions are removed
    // one by one first, so nobody loses a section's work by a slip.
    if !survey.version.draft.sections[at].questions.is_empty() {
        return Err(AppError::bad_request(
            "survey.error.section_not_empty",
            "section",
        ));
    }
    let mut draft = survey.version.draft.clone();
    draft.sections.remove(at);
    save_and_return(&state, shell, &survey, &draft).await
}

/// The ready-made sections the engine provides.
pub(super) const READY_MADE: [&str; 3] = ["coproduction", "willingness", "needs"];

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ReadyMadeForm {
    template: String,
}

pub(super) async fn add_ready_made(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<ReadyMadeForm>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    let section = match form.template.as_str() {
        "coproduction" => coproduction_section(),
        "willingness" => willingness_section(),
        "needs" => needs_survey().sections()[0].clone(),
        _ => return Err(AppError::bad_request("survey.error.template", "template")),
    };
    let mut draft = survey.version.draft.clone();
    draft.sections.push(section);
    // Adding the same ready-made section twice would ask the same
    // questions twice; the engine finds the duplicate ids.
    refuse_or_save(&state, shell, &survey, &draft).await
}

/// The validated measure form, as typed.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub(super) struct MeasureForm {
    instrument: String,
    title: String,
    instructions: String,
    items: String,
    labels: String,
}

#[derive(Template)]
#[template(path = "surveys/measure.html")]
struct MeasurePage {
    shell: Shell,
    survey_id: i64,
    form: MeasureForm,
    errors: FieldErrors,
}

impl MeasurePage {
    fn instruments(&self) -> Vec<(&'static str, String, String)> {
        Instrument::ALL
            .iter()
            .map(|i| {
                let key = i.key();
                (
                    key,
                    self.shell.t(&format!("survey.measure.{key}")),
                    self.shell.t(&format!("survey.measure.{key}_hint")),
                )
            })
            .collect()
    }
}

pub(super) async fn measure_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    if survey.version.is_frozen() {
        return edit_refused(shell, &survey, EditError::Frozen);
    }
    page(&MeasurePage {
        shell,
        survey_id: id,
        form: MeasureForm::default(),
        errors: FieldErrors::default(),
    })
}

pub(super) async fn add_measure(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<MeasureForm>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    let mut errors = FieldErrors::default();
    let lines = |text: &str| -> Vec<String> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let wording = PublishedWording {
        title: form.title.trim().to_owned(),
        instructions: form.instructions.trim().to_owned(),
        items: lines(&form.items),
        answer_labels: lines(&form.labels),
    };
    let mut draft = survey.version.draft.clone();
    match Instrument::from_key(&form.instrument) {
        None => errors.add("instrument", shell.t("survey.error.instrument")),
        Some(instrument) => match instrument.section(&wording) {
            Ok(section) => {
                let already = section.questions.iter().any(|q| {
                    draft
                        .sections
                        .iter()
                        .flat_map(|s| &s.questions)
                        .any(|o| o.id == q.id)
                });
                if already {
                    errors.add("instrument", shell.t("survey.error.instrument_twice"));
                } else {
                    draft.sections.push(section);
                }
            }
            Err(WordingError::ItemCount { expected, .. }) => {
                errors.add(
                    "items",
                    shell.t1("survey.error.item_count", &expected.to_string()),
                );
            }
            Err(WordingError::LabelCount { expected, .. }) => {
                errors.add(
                    "labels",
                    shell.t1("survey.error.label_count", &expected.to_string()),
                );
            }
            Err(WordingError::Blank) => {
                errors.add("title", shell.t("survey.error.measure_blank"));
            }
        },
    }
    if !errors.is_empty() {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &MeasurePage {
                shell,
                survey_id: id,
                form,
                errors,
            },
        );
    }
    save_and_return(&state, shell, &survey, &draft).await
}
