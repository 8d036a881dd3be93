//! Paper responses, typed in by staff: the whole survey on one page, the
//! same checks as online, and the response recorded with the paper channel
//! and the member of staff who entered it.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::surveys::{Audience, Channel};
use serde::Deserialize;

use super::{
    answer_form::Mode,
    flow::{self, Context, Outcome, PageState},
    may_enter_paper,
    store::{self, RespondError, Respondent, Status, SurveyRecord},
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    error::{AppError, Result},
    web::{ClientIp, Shell, StrictForm, page},
};

/// The survey, if it takes paper responses and the person may enter them.
async fn enterable(state: &AppState, user: &CurrentUser, id: i64) -> Result<SurveyRecord> {
    let survey = store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_enter_paper(user, survey.organisation_id) {
        return Err(AppError::Forbidden);
    }
    if survey.status == Status::Draft {
        return Err(AppError::NotFoundKey("survey.paper.not_open"));
    }
    Ok(survey)
}

#[derive(Template)]
#[template(path = "surveys/paper_choose.html")]
struct ChoosePage {
    shell: Shell,
    survey: SurveyRecord,
    audiences: Vec<(&'static str, String)>,
}

/// Which version of the form: one link per audience.
pub(super) async fn choose(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
) -> Result<Response> {
    let survey = enterable(&state, &user, id).await?;
    let audiences: Vec<(&'static str, String)> = survey
        .version
        .draft
        .audiences
        .iter()
        .map(|a| {
            let key = store::audience_key(*a);
            (key, shell.t(&format!("survey.audience.{key}")))
        })
        .collect();
    if let [(only, _)] = audiences.as_slice() {
        return Ok(redirect(&format!("/surveys/{id}/paper/{only}")));
    }
    page(&ChoosePage {
        shell,
        survey,
        audiences,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SavedQuery {
    saved: Option<String>,
}

fn audience(survey: &SurveyRecord, raw: &str) -> Result<Audience> {
    store::parse_audience(raw)
        .filter(|a| survey.version.draft.audiences.contains(a))
        .ok_or(AppError::NotFound)
}

pub(super) async fn form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path((id, audience_key)): Path<(i64, String)>,
    Query(query): Query<SavedQuery>,
) -> Result<Response> {
    let survey = enterable(&state, &user, id).await?;
    let audience = audience(&survey, &audience_key)?;
    let checked = survey
        .version
        .draft
        .checked()
        .map_err(|_| AppError::NotFound)?;
    let ctx = Context {
        state: &state,
        shell: shell.clone(),
        survey: &survey,
        checked: &checked,
        audience,
        mode: Mode::Paper,
        action: format!("/surveys/{id}/paper/{audience_key}"),
    };
    let notice = if query.saved.is_some() {
        shell.t("survey.paper.saved")
    } else {
        String::new()
    };
    flow::render(
        &ctx,
        PageState {
            notice,
            ..PageState::default()
        },
        StatusCode::OK,
    )
}

pub(super) async fn save(
    State(state): State<AppState>,
    shell: Shell,
    ClientIp(ip): ClientIp,
    Extension(user): Extension<CurrentUser>,
    Path((id, audience_key)): Path<(i64, String)>,
    StrictForm(fields): StrictForm<BTreeMap<String, String>>,
) -> Result<Response> {
    let survey = enterable(&state, &user, id).await?;
    let audience = audience(&survey, &audience_key)?;
    let checked = survey
        .version
        .draft
        .checked()
        .map_err(|_| AppError::NotFound)?;
    let ctx = Context {
        state: &state,
        shell: shell.clone(),
        survey: &survey,
        checked: &checked,
        audience,
        mode: Mode::Paper,
        action: format!("/surveys/{id}/paper/{audience_key}"),
    };
    let (answers, facts) = match flow::advance(&ctx, fields.clone()).await? {
        Outcome::Show(response) => return Ok(response),
        Outcome::Complete { answers, facts } => (answers, facts),
    };
    let mut tx = state.db.begin_write().await?;
    let stored = store::insert_response_in(
        &mut tx,
        &store::NewResponse {
            survey: &survey,
            checked: &checked,
            audience,
            channel: Channel::Paper,
            answers: &answers,
            facts: &facts,
            respondent: Respondent {
                entered_by: Some(user.account_id),
                ..Respondent::default()
            },
        },
    )
    .await;
    match stored {
        Ok(response_id) => {
            audit::record_in(
                &mut tx,
                Event::new(Action::SurveyPaperEntered, Some(user.account_id), &ip)
                    .subject("survey", id)
                    .detail(format!("response {response_id}")),
            )
            .await?;
            tx.commit().await?;
            Ok(redirect(&format!(
                "/surveys/{id}/paper/{audience_key}?saved=1"
            )))
        }
        Err(RespondError::Changed) => {
            let again = PageState {
                notice: shell.t("survey.answer.changed"),
                fields,
                ..PageState::default()
            };
            flow::render(&ctx, again, StatusCode::CONFLICT)
        }
        Err(RespondError::InvitationUsed | RespondError::AlreadyAnswered) => {
            Err(AppError::Internal(anyhow::anyhow!(
                "a paper response has no invitation or participant"
            )))
        }
        Err(RespondError::Database(e)) => Err(e.into()),
    }
}
