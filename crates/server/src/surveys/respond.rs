//! Answering a survey: through its public link (one per audience), as a
//! signed-in person, or through a one-time invitation; in the standard or
//! the easy-read version. Before starting, people are told whether their
//! answers are anonymous.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::surveys::{Audience, Channel, Survey};

use super::{
    answer_form::Mode,
    builder::NoticePage,
    flow::{self, Context, Outcome, PageState},
    store::{self, AccessMode, Invitation, RespondError, Respondent, Status, SurveyRecord},
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    error::{AppError, Result},
    web::{Shell, StrictForm, page, page_with_status},
};

/// The way in: a survey's link for one audience, or an invitation.
enum Door {
    Link { key: String, audience: String },
    Invitation { token: String },
}

impl Door {
    /// The address of the survey's start page through this door.
    fn base(&self) -> String {
        match self {
            Door::Link { key, audience } => format!("/s/{key}/{audience}"),
            Door::Invitation { token } => format!("/invitations/{token}"),
        }
    }
}

/// Someone admitted to answer a survey.
struct Admitted {
    survey: SurveyRecord,
    checked: Survey,
    audience: Audience,
    invitation: Option<Invitation>,
    base: String,
}

/// What a step of the survey is: a reading of it, or the thanks page.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Answer(Mode),
    Thanks,
}

fn step(raw: &str) -> Result<Step> {
    match raw {
        "online" => Ok(Step::Answer(Mode::Standard)),
        "easy-read" => Ok(Step::Answer(Mode::EasyRead)),
        "thanks" => Ok(Step::Thanks),
        _ => Err(AppError::NotFound),
    }
}

fn notice(shell: Shell, status: StatusCode, heading: &str, message: &str) -> Result<Response> {
    let page = NoticePage {
        heading: shell.t(heading),
        message: shell.t(message),
        back_href: "/".into(),
        back_label: shell.t("survey.answer.home"),
        shell,
    };
    page_with_status(status, &page)
}

/// Lets someone in, or answers why not. `finished` is true for the thanks
/// page, which an invitation just used may still show.
async fn admit(
    state: &AppState,
    shell: &Shell,
    user: Option<&CurrentUser>,
    door: &Door,
    finished: bool,
) -> Result<std::result::Result<Admitted, Response>> {
    let (survey, audience, invitation) = match door {
        Door::Link { key, audience } => {
            let survey = store::find_by_key(&state.db, key)
                .await?
                .ok_or(AppError::NotFound)?;
            let audience = store::parse_audience(audience).ok_or(AppError::NotFound)?;
            (survey, audience, None)
        }
        Door::Invitation { token } => {
            let invitation = store::invitation(&state.db, token)
                .await?
                .ok_or(AppError::NotFound)?;
            let survey = store::find(&state.db, invitation.survey_id)
                .await?
                .ok_or(AppError::NotFound)?;
            (survey, invitation.audience, Some(invitation))
        }
    };
    if survey.status == Status::Draft || !survey.version.draft.audiences.contains(&audience) {
        return Err(AppError::NotFound);
    }
    let refuse =
        |status, heading, message| notice(shell.clone(), status, heading, message).map(Err);
    if finished {
        // Nothing more to check: the thanks page says nothing about anyone.
    } else if survey.status == Status::Closed {
        return refuse(
            StatusCode::GONE,
            "survey.answer.closed_title",
            "survey.answer.closed",
        );
    } else if survey.access == AccessMode::Invitation && invitation.is_none() {
        return refuse(
            StatusCode::FORBIDDEN,
            "survey.answer.invited_only_title",
            "survey.answer.invited_only",
        );
    } else if invitation.as_ref().is_some_and(|i| i.used) {
        return refuse(
            StatusCode::GONE,
            "survey.answer.used_title",
            "survey.answer.used",
        );
    } else if survey.access == AccessMode::SignedIn && invitation.is_none() {
        let Some(user) = user else {
            let back = percent_encoding::utf8_percent_encode(
                &shell.path,
                percent_encoding::NON_ALPHANUMERIC,
            );
            return Ok(Err(redirect(&format!("/sign-in?return_to={back}"))));
        };
        if store::has_taken_part(&state.db, survey.id, user.account_id).await? {
            return refuse(
                StatusCode::CONFLICT,
                "survey.answer.already_title",
                "survey.answer.already",
            );
        }
    }
    let Ok(checked) = survey.version.draft.checked() else {
        return Err(AppError::NotFound);
    };
    Ok(Ok(Admitted {
        checked,
        audience,
        invitation,
        base: door.base(),
        survey,
    }))
}

#[derive(Template)]
#[template(path = "surveys/start.html")]
struct StartPage {
    shell: Shell,
    survey: SurveyRecord,
    audience_name: String,
    both_audiences: bool,
    questions: usize,
    base: String,
}

async fn start(
    state: &AppState,
    shell: Shell,
    user: Option<&CurrentUser>,
    door: Door,
) -> Result<Response> {
    let admitted = match admit(state, &shell, user, &door, false).await? {
        Ok(admitted) => admitted,
        Err(refusal) => return Ok(refusal),
    };
    let key = store::audience_key(admitted.audience);
    page(&StartPage {
        audience_name: shell.t(&format!("survey.audience.{key}")),
        both_audiences: admitted.survey.version.draft.audiences.len() > 1,
        questions: admitted.checked.questions().count(),
        base: admitted.base,
        survey: admitted.survey,
        shell,
    })
}

pub(super) async fn start_link(
    State(state): State<AppState>,
    shell: Shell,
    user: Option<Extension<CurrentUser>>,
    Path((key, audience)): Path<(String, String)>,
) -> Result<Response> {
    start(&state, shell, user.as_deref(), Door::Link { key, audience }).await
}

pub(super) async fn start_invitation(
    State(state): State<AppState>,
    shell: Shell,
    user: Option<Extension<CurrentUser>>,
    Path(token): Path<String>,
) -> Result<Response> {
    start(&state, shell, user.as_deref(), Door::Invitation { token }).await
}

fn context<'a>(
    state: &'a AppState,
    shell: Shell,
    admitted: &'a Admitted,
    mode: Mode,
) -> Context<'a> {
    let reading = if mode == Mode::EasyRead {
        "easy-read"
    } else {
        "online"
    };
    Context {
        state,
        shell,
        survey: &admitted.survey,
        checked: &admitted.checked,
        audience: admitted.audience,
        mode,
        action: format!("{}/{reading}", admitted.base),
    }
}

#[derive(Template)]
#[template(path = "surveys/thanks.html")]
struct ThanksPage {
    shell: Shell,
    title: String,
}

async fn show(
    state: &AppState,
    shell: Shell,
    user: Option<&CurrentUser>,
    door: Door,
    raw_step: &str,
) -> Result<Response> {
    let step = step(raw_step)?;
    let admitted = match admit(state, &shell, user, &door, step == Step::Thanks).await? {
        Ok(admitted) => admitted,
        Err(refusal) => return Ok(refusal),
    };
    match step {
        Step::Thanks => page(&ThanksPage {
            title: admitted.survey.title.clone(),
            shell,
        }),
        Step::Answer(mode) => flow::render(
            &context(state, shell, &admitted, mode),
            PageState::default(),
            StatusCode::OK,
        ),
    }
}

pub(super) async fn page_link(
    State(state): State<AppState>,
    shell: Shell,
    user: Option<Extension<CurrentUser>>,
    Path((key, audience, step)): Path<(String, String, String)>,
) -> Result<Response> {
    show(
        &state,
        shell,
        user.as_deref(),
        Door::Link { key, audience },
        &step,
    )
    .await
}

pub(super) async fn page_invitation(
    State(state): State<AppState>,
    shell: Shell,
    user: Option<Extension<CurrentUser>>,
    Path((token, step)): Path<(String, String)>,
) -> Result<Response> {
    show(
        &state,
        shell,
        user.as_deref(),
        Door::Invitation { token },
        &step,
    )
    .await
}

async fn send(
    state: &AppState,
    shell: Shell,
    user: Option<&CurrentUser>,
    door: Door,
    raw_step: &str,
    fields: BTreeMap<String, String>,
) -> Result<Response> {
    let Step::Answer(mode) = step(raw_step)? else {
        return Err(AppError::NotFound);
    };
    let admitted = match admit(state, &shell, user, &door, false).await? {
        Ok(admitted) => admitted,
        Err(refusal) => return Ok(refusal),
    };
    let ctx = context(state, shell.clone(), &admitted, mode);
    let (answers, facts) = match flow::advance(&ctx, fields.clone()).await? {
        Outcome::Show(response) => return Ok(response),
        Outcome::Complete { answers, facts } => (answers, facts),
    };
    let survey = &admitted.survey;
    let signed_in_survey = survey.access == AccessMode::SignedIn && admitted.invitation.is_none();
    let respondent = Respondent {
        account_id: user.map(|u| u.account_id),
        invitation_id: admitted.invitation.as_ref().map(|i| i.id),
        participant: user.filter(|_| signed_in_survey).map(|u| u.account_id),
        entered_by: None,
    };
    let stored = store::insert_response(
        &state.db,
        &store::NewResponse {
            survey,
            checked: &admitted.checked,
            audience: admitted.audience,
            channel: if mode == Mode::EasyRead {
                Channel::EasyRead
            } else {
                Channel::Online
            },
            answers: &answers,
            facts: &facts,
            respondent,
        },
    )
    .await;
    match stored {
        Ok(_) => Ok(redirect(&format!("{}/thanks", admitted.base))),
        Err(RespondError::Changed) => {
            // The questions changed while the page was open: start again
            // on the new questions, keeping whatever answers still fit.
            let again = match admit(state, &shell, user, &door, false).await? {
                Ok(again) => again,
                Err(refusal) => return Ok(refusal),
            };
            let ctx = context(state, shell.clone(), &again, mode);
            let (mut answers, _) = super::answer_form::read(&again.checked, &fields);
            super::answer_form::drop_hidden(&again.checked, &mut answers);
            let state_again = PageState {
                notice: shell.t("survey.answer.changed"),
                answers,
                fields,
                ..PageState::default()
            };
            flow::render(&ctx, state_again, StatusCode::CONFLICT)
        }
        Err(RespondError::InvitationUsed) => notice(
            shell,
            StatusCode::GONE,
            "survey.answer.used_title",
            "survey.answer.used",
        ),
        Err(RespondError::AlreadyAnswered) => notice(
            shell,
            StatusCode::CONFLICT,
            "survey.answer.already_title",
            "survey.answer.already",
        ),
        Err(RespondError::Database(e)) => Err(e.into()),
    }
}

pub(super) async fn send_link(
    State(state): State<AppState>,
    shell: Shell,
    user: Option<Extension<CurrentUser>>,
    Path((key, audience, step)): Path<(String, String, String)>,
    StrictForm(fields): StrictForm<BTreeMap<String, String>>,
) -> Result<Response> {
    let door = Door::Link { key, audience };
    send(&state, shell, user.as_deref(), door, &step, fields).await
}

pub(super) async fn send_invitation(
    State(state): State<AppState>,
    shell: Shell,
    user: Option<Extension<CurrentUser>>,
    Path((token, step)): Path<(String, String)>,
    StrictForm(fields): StrictForm<BTreeMap<String, String>>,
) -> Result<Response> {
    let door = Door::Invitation { token };
    send(&state, shell, user.as_deref(), door, &step, fields).await
}
