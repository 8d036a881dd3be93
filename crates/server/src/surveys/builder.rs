//! The staff side of a survey as a whole: the list, creating a survey, its
//! overview (the builder's home), its settings, opening and closing it,
//! and starting a new version once responses have frozen the current one.

use std::collections::BTreeSet;

use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::{
    people::LineOfText,
    surveys::{Audience, QuestionKind, question::Reading},
};
use serde::Deserialize;

use super::{
    may_enter_paper, may_run,
    store::{self, AccessMode, Draft, EditError, Status, SurveyRecord, SurveySettings},
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    error::{AppError, Result},
    web::{ClientIp, FieldErrors, NoFields, Shell, StrictForm, page, page_with_status},
};

/// Longest introduction accepted.
const MAX_INTRODUCTION_CHARS: usize = 2_000;

/// The survey, if it exists and the person may run it.
pub(super) async fn runnable(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<SurveyRecord> {
    let survey = store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if may_run(user, survey.organisation_id) {
        Ok(survey)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The organisations a person may run surveys for: every one for an
/// administrator or a partnership-wide manager, otherwise those they manage.
pub(super) async fn runnable_organisations(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<(i64, String)>> {
    let all: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM organisations ORDER BY name")
            .fetch_all(state.db.pool())
            .await?;
    Ok(all
        .into_iter()
        .filter(|(id, _)| may_run(user, *id))
        .collect())
}

/// A page explaining why something could not be done, with a way back.
#[derive(Template)]
#[template(path = "surveys/notice.html")]
pub(super) struct NoticePage {
    pub shell: Shell,
    pub heading: String,
    pub message: String,
    pub back_href: String,
    pub back_label: String,
}

/// The answer to an edit of a frozen (or concurrently changed) version.
pub(super) fn edit_refused(
    shell: Shell,
    survey: &SurveyRecord,
    error: EditError,
) -> Result<Response> {
    let key = match error {
        EditError::Frozen => "survey.frozen.explain",
        EditError::Changed => "survey.frozen.changed",
        EditError::Database(e) => return Err(e.into()),
    };
    let notice = NoticePage {
        heading: shell.t("survey.frozen.title"),
        message: shell.t(key),
        back_href: format!("/surveys/{}", survey.id),
        back_label: shell.t("survey.back_to_survey"),
        shell,
    };
    page_with_status(StatusCode::CONFLICT, &notice)
}

/// Saves a changed draft and goes back to the overview, or explains why
/// it could not be saved.
pub(super) async fn save_and_return(
    state: &AppState,
    shell: Shell,
    survey: &SurveyRecord,
    draft: &Draft,
) -> Result<Response> {
    match store::save_draft(&state.db, &survey.version, draft).await {
        Ok(()) => Ok(redirect(&format!("/surveys/{}", survey.id))),
        Err(error) => edit_refused(shell, survey, error),
    }
}

/// One row of the list page.
struct ListRow {
    summary: store::SurveySummary,
    may_run: bool,
}

#[derive(Template)]
#[template(path = "surveys/list.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<ListRow>,
    may_create: bool,
}

pub(super) async fn list(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
) -> Result<Response> {
    let rows = store::list(&state.db)
        .await?
        .into_iter()
        .filter(|s| may_enter_paper(&user, s.organisation_id))
        .map(|summary| ListRow {
            may_run: may_run(&user, summary.organisation_id),
            summary,
        })
        .collect();
    let may_create = !runnable_organisations(&state, &user).await?.is_empty();
    page(&ListPage {
        shell,
        rows,
        may_create,
    })
}

/// The settings form, as typed.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub(super) struct SettingsForm {
    title: String,
    organisation_id: String,
    introduction: String,
    identified: String,
    access: String,
    audience_citizens: String,
    audience_staff: String,
}

impl SettingsForm {
    fn of(survey: &SurveyRecord) -> Self {
        let has = |a| {
            if survey.version.draft.audiences.contains(&a) {
                "yes".to_owned()
            } else {
                String::new()
            }
        };
        Self {
            title: survey.title.clone(),
            organisation_id: survey.organisation_id.to_string(),
            introduction: survey.introduction.clone(),
            identified: if survey.identified { "yes" } else { "no" }.to_owned(),
            access: survey.access.as_str().to_owned(),
            audience_citizens: has(Audience::Citizens),
            audience_staff: has(Audience::Staff),
        }
    }

    fn check(
        &self,
        shell: &Shell,
        organisations: &[(i64, String)],
        errors: &mut FieldErrors,
    ) -> Option<(SurveySettings, BTreeSet<Audience>)> {
        let title = LineOfText::parse(&self.title)
            .map_err(|e| errors.add("title", shell.t(e.key)))
            .ok();
        let organisation_id = self
            .organisation_id
            .parse::<i64>()
            .ok()
            .filter(|id| organisations.iter().any(|(o, _)| o == id));
        if organisation_id.is_none() {
            errors.add("organisation_id", shell.t("error.organisation.unknown"));
        }
        let introduction = self.introduction.trim().to_owned();
        if introduction.chars().count() > MAX_INTRODUCTION_CHARS {
            errors.add("introduction", shell.t("survey.error.introduction_long"));
        }
        let identified = match self.identified.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => {
                errors.add("identified", shell.t("survey.error.identified"));
                None
            }
        };
        let access = AccessMode::parse(&self.access);
        if access.is_none() {
            errors.add("access", shell.t("survey.error.access"));
        }
        let mut audiences = BTreeSet::new();
        if !self.audience_citizens.is_empty() {
            audiences.insert(Audience::Citizens);
        }
        if !self.audience_staff.is_empty() {
            audiences.insert(Audience::Staff);
        }
        if audiences.is_empty() {
            errors.add("audience_citizens", shell.t("survey.error.audiences"));
        }
        Some((
            SurveySettings {
                organisation_id: organisation_id?,
                title: title?.as_str().to_owned(),
                introduction,
                identified: identified?,
                access: access?,
            },
            audiences,
        ))
        .filter(|_| errors.is_empty())
    }
}

/// The settings page, in a module of its own so its template's helpers
/// stay beside it.
mod settings_page {
    use super::{FieldErrors, SettingsForm, Shell};
    use crate::surveys::ui::{Opt, opts};

    #[derive(askama::Template)]
    #[template(path = "surveys/settings.html")]
    pub(super) struct SettingsPage {
        pub(super) shell: Shell,
        pub(super) action: String,
        pub(super) heading_key: &'static str,
        pub(super) form: SettingsForm,
        pub(super) organisations: Vec<(i64, String)>,
        pub(super) errors: FieldErrors,
        pub(super) back_href: String,
    }

    impl SettingsPage {
        fn access_modes(&self) -> Vec<Opt> {
            opts(
                super::AccessMode::ALL.iter().map(|mode| {
                    let key = mode.as_str();
                    (
                        key,
                        self.shell.t(&format!("survey.access.{key}")),
                        self.shell.t(&format!("survey.access.{key}_hint")),
                    )
                }),
                &self.form.access,
            )
        }

        fn identity(&self) -> Vec<Opt> {
            opts(
                [
                    (
                        "no",
                        self.shell.t("survey.anonymous"),
                        self.shell.t("survey.anonymous_hint"),
                    ),
                    (
                        "yes",
                        self.shell.t("survey.identified"),
                        self.shell.t("survey.identified_hint"),
                    ),
                ],
                &self.form.identified,
            )
        }
    }
}
use settings_page::SettingsPage;

pub(super) async fn new_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
) -> Result<Response> {
    let organisations = runnable_organisations(&state, &user).await?;
    let form = SettingsForm {
        organisation_id: organisations
            .first()
            .map(|(id, _)| id.to_string())
            .unwrap_or_default(),
        identified: "no".into(),
        access: "public".into(),
        audience_citizens: "yes".into(),
        ..SettingsForm::default()
    };
    page(&SettingsPage {
        shell,
        action: "/surveys/new".into(),
        heading_key: "survey.new_title",
        form,
        organisations,
        errors: FieldErrors::default(),
        back_href: "/surveys".into(),
    })
}

pub(super) async fn create(
    State(state): State<AppState>,
    shell: Shell,
    ClientIp(ip): ClientIp,
    Extension(user): Extension<CurrentUser>,
    StrictForm(form): StrictForm<SettingsForm>,
) -> Result<Response> {
    let organisations = runnable_organisations(&state, &user).await?;
    let mut errors = FieldErrors::default();
    let Some((settings, audiences)) = form.check(&shell, &organisations, &mut errors) else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SettingsPage {
                shell,
                action: "/surveys/new".into(),
                heading_key: "survey.new_title",
                form,
                organisations,
                errors,
                back_href: "/surveys".into(),
            },
        );
    };
    let id = store::create(&state.db, &settings, audiences, user.account_id).await?;
    audit::record(
        &state.db,
        Event::new(Action::SurveyCreated, Some(user.account_id), &ip)
            .subject("survey", id)
            .detail(settings.title),
    )
    .await?;
    Ok(redirect(&format!("/surveys/{id}")))
}

pub(super) async fn settings_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    page(&SettingsPage {
        shell,
        action: format!("/surveys/{id}/settings"),
        heading_key: "survey.settings_title",
        form: SettingsForm::of(&survey),
        organisations: runnable_organisations(&state, &user).await?,
        errors: FieldErrors::default(),
        back_href: format!("/surveys/{id}"),
    })
}

pub(super) async fn update_settings(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<SettingsForm>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    let organisations = runnable_organisations(&state, &user).await?;
    let mut errors = FieldErrors::default();
    let checked = form.check(&shell, &organisations, &mut errors);
    let any_responses = store::versions(&state.db, id)
        .await?
        .iter()
        .any(|(_, responses)| *responses > 0);
    if let Some((settings, audiences)) = &checked {
        // Telling people their answers are anonymous and then keeping
        // who they are (or the reverse) would break a promise made to
        // everyone who has already answered.
        if any_responses && settings.identified != survey.identified {
            errors.add("identified", shell.t("survey.error.identified_fixed"));
        }
        if survey.version.is_frozen() && *audiences != survey.version.draft.audiences {
            errors.add(
                "audience_citizens",
                shell.t("survey.error.audiences_frozen"),
            );
        }
    }
    let Some((settings, audiences)) = checked.filter(|_| errors.is_empty()) else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SettingsPage {
                shell,
                action: format!("/surveys/{id}/settings"),
                heading_key: "survey.settings_title",
                form,
                organisations,
                errors,
                back_href: format!("/surveys/{id}"),
            },
        );
    };
    if audiences != survey.version.draft.audiences {
        let mut draft = survey.version.draft.clone();
        draft.audiences = audiences;
        if let Err(error) = store::save_draft(&state.db, &survey.version, &draft).await {
            return edit_refused(shell, &survey, error);
        }
    }
    store::update_settings(&state.db, id, &settings).await?;
    Ok(redirect(&format!("/surveys/{id}")))
}

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
    shell
        .t("survey.builder.only_if")
        .replacen("{}", &prompt, 1)
        .replacen("{}", &option, 1)
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
        Some(question) => shell
            .t("survey.builder.problem_at")
            .replacen("{}", question.as_str(), 1)
            .replacen("{}", &message, 1),
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

pub(super) async fn open(
    State(state): State<AppState>,
    shell: Shell,
    ClientIp(ip): ClientIp,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    if survey.version.draft.checked().is_err() {
        let notice = NoticePage {
            heading: shell.t("survey.open_refused.title"),
            message: shell.t("survey.open_refused.explain"),
            back_href: format!("/surveys/{id}"),
            back_label: shell.t("survey.back_to_survey"),
            shell,
        };
        return page_with_status(StatusCode::CONFLICT, &notice);
    }
    store::set_status(&state.db, id, Status::Open).await?;
    audit::record(
        &state.db,
        Event::new(Action::SurveyOpened, Some(user.account_id), &ip).subject("survey", id),
    )
    .await?;
    Ok(redirect(&format!("/surveys/{id}")))
}

pub(super) async fn close(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    runnable(&state, &user, id).await?;
    store::set_status(&state.db, id, Status::Closed).await?;
    audit::record(
        &state.db,
        Event::new(Action::SurveyClosed, Some(user.account_id), &ip).subject("survey", id),
    )
    .await?;
    Ok(redirect(&format!("/surveys/{id}")))
}

pub(super) async fn new_version(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    runnable(&state, &user, id).await?;
    let number = store::new_version(&state.db, id).await?;
    audit::record(
        &state.db,
        Event::new(Action::SurveyVersionStarted, Some(user.account_id), &ip)
            .subject("survey", id)
            .detail(format!("version {number}")),
    )
    .await?;
    Ok(redirect(&format!("/surveys/{id}")))
}
