//! A survey's own settings: its title, organisation and introduction, who
//! it is for, who may answer online, and whether answers are anonymous.
//! Creating a survey is filling these in for the first time.

use std::collections::BTreeSet;

use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::{people::LineOfText, surveys::Audience};
use serde::Deserialize;

use super::{
    builder::{edit_refused, runnable, runnable_organisations},
    store::{self, AccessMode, SurveyRecord, SurveySettings},
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    error::Result,
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};

/// Longest introduction accepted.
const MAX_INTRODUCTION_CHARS: usize = 2_000;

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
    let draft = store::Draft {
        audiences,
        sections: Vec::new(),
    };
    let mut tx = state.db.begin_write().await?;
    let id = store::insert(&mut tx, &settings, &draft, user.account_id).await?;
    audit::record_in(
        &mut tx,
        Event::new(Action::SurveyCreated, Some(user.account_id), &ip)
            .subject("survey", id)
            .detail(settings.title),
    )
    .await?;
    tx.commit().await?;
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
