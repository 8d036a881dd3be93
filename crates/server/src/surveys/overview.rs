//! A survey's overview, the builder's home page: its settings at a glance,
//! publishing, its sections and questions with their changes, and what
//! still stands in the way of opening it.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    response::Response,
};
use coprod_engine::surveys::{QuestionKind, question::Reading};

use super::{
    builder::runnable,
    store::{self, AccessMode, Draft, Status, SurveyRecord},
};
use crate::{
    accounts::CurrentUser,
    app::AppState,
    error::Result,
    web::{Shell, page},
};

/// One question as the overview lists it.
pub(super) struct QuestionRow {
    pub id: String,
    pub text: String,
    pub kind_key: String,
    pub required: bool,
    /// "Only if …", empty when always shown.
    pub condition: String,
}

/// One section as the overview lists it.
pub(super) struct SectionView {
    pub number: usize,
    pub title: String,
    pub introduction: String,
    pub notice: String,
    pub questions: Vec<QuestionRow>,
}

/// The engine's name for a kind of question, as in the catalogue.
pub(super) fn kind_name(kind: &QuestionKind) -> &'static str {
    match kind {
        QuestionKind::SingleChoice { .. } => "single_choice",
        QuestionKind::MultipleChoice { .. } => "multiple_choice",
        QuestionKind::Frequency { .. } => "frequency",
        QuestionKind::Likert { .. } => "likert",
        QuestionKind::ZeroToTen { .. } => "zero_to_ten",
        QuestionKind::Number { .. } => "number",
        QuestionKind::FreeText { .. } => "free_text",
        QuestionKind::Battery { .. } => "battery",
    }
}

/// "Only if “Would you do more?” is “Yes”", in the general wording.
pub(super) fn condition_text(
    shell: &Shell,
    draft: &Draft,
    question: &coprod_engine::surveys::Question,
) -> String {
    let Some(condition) = &question.show_if else {
        return String::new();
    };
    let asked = draft
        .sections
        .iter()
        .flat_map(|s| &s.questions)
        .find(|q| q.id == condition.question);
    let (prompt, option) = match asked {
        Some(q) => (
            q.prompt.everyone.standard.clone(),
            option_label(&q.kind, &condition.equals)
                .unwrap_or_else(|| condition.equals.to_string()),
        ),
        None => (condition.question.to_string(), condition.equals.to_string()),
    };
    shell.tn("survey.builder.only_if", &[&prompt, &option])
}

/// The general wording of an option a choice or scale question offers.
pub(super) fn option_label(
    kind: &QuestionKind,
    code: &coprod_engine::surveys::Code,
) -> Option<String> {
    match kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options, .. } => {
            options
                .iter()
                .find(|o| &o.code == code)
                .map(|o| o.label.text(Reading::Standard).to_owned())
        }
        QuestionKind::Frequency { scale } | QuestionKind::Likert { scale } => scale
            .point(code)
            .map(|p| p.label.text(Reading::Standard).to_owned()),
        _ => None,
    }
}

fn section_views(shell: &Shell, draft: &Draft) -> Vec<SectionView> {
    draft
        .sections
        .iter()
        .enumerate()
        .map(|(at, section)| SectionView {
            number: at + 1,
            title: section.title.standard.clone(),
            introduction: section
                .introduction
                .as_ref()
                .map(|w| w.standard.clone())
                .unwrap_or_default(),
            notice: section.notice.clone().unwrap_or_default(),
            questions: section
                .questions
                .iter()
                .map(|q| QuestionRow {
                    id: q.id.to_string(),
                    text: q.prompt.everyone.standard.clone(),
                    kind_key: format!("survey.kind.{}", kind_name(&q.kind)),
                    required: q.required,
                    condition: condition_text(shell, draft, q),
                })
                .collect(),
        })
        .collect()
}

/// A design problem, in words.
pub(super) fn problem_text(
    shell: &Shell,
    problem: &coprod_engine::surveys::definition::DefinitionProblem,
) -> String {
    let message = shell.t(problem.fault.key());
    match &problem.question {
        Some(question) => shell.tn("survey.builder.problem_at", &[question.as_str(), &message]),
        None => message,
    }
}

#[derive(Template)]
#[template(path = "surveys/overview.html")]
struct OverviewPage {
    shell: Shell,
    survey: SurveyRecord,
    sections: Vec<SectionView>,
    problems: Vec<String>,
    audiences: Vec<(&'static str, String)>,
    share_links: Vec<(String, String)>,
    versions: Vec<(i64, i64)>,
}

impl OverviewPage {
    fn frozen(&self) -> bool {
        self.survey.version.is_frozen()
    }

    fn status_key(&self) -> String {
        format!("survey.status.{}", self.survey.status.as_str())
    }

    fn access_key(&self) -> String {
        format!("survey.access.{}", self.survey.access.as_str())
    }

    fn is_open(&self) -> bool {
        self.survey.status == Status::Open
    }

    fn uses_invitations(&self) -> bool {
        self.survey.access == AccessMode::Invitation
    }

    fn ready_made(&self) -> Vec<super::ui::Opt> {
        super::ui::opts(
            super::sections::READY_MADE.iter().map(|key| {
                (
                    *key,
                    self.shell.t(&format!("survey.ready_made.{key}")),
                    self.shell.t(&format!("survey.ready_made.{key}_hint")),
                )
            }),
            "",
        )
    }

    fn total_responses(&self) -> i64 {
        self.versions.iter().map(|(_, n)| n).sum()
    }
}

pub(super) async fn overview(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    let draft = &survey.version.draft;
    let problems = draft
        .problems()
        .iter()
        .map(|p| problem_text(&shell, p))
        .collect();
    let audiences = draft
        .audiences
        .iter()
        .map(|a| {
            let key = store::audience_key(*a);
            (key, shell.t(&format!("survey.audience.{key}")))
        })
        .collect::<Vec<_>>();
    let share_links = if survey.access == AccessMode::Invitation {
        Vec::new()
    } else {
        audiences
            .iter()
            .map(|(key, name)| {
                (
                    name.clone(),
                    format!(
                        "{}/s/{}/{key}",
                        state.settings.public_url.trim_end_matches('/'),
                        survey.public_key
                    ),
                )
            })
            .collect()
    };
    page(&OverviewPage {
        sections: section_views(&shell, draft),
        problems,
        audiences,
        share_links,
        versions: store::versions(&state.db, id).await?,
        shell,
        survey,
    })
}
