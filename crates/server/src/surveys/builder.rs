//! The staff side of a survey as a whole: the list, opening and closing a
//! survey, starting a new version once responses have frozen the current
//! one, and what the other staff pages share (finding a survey the person
//! may run, saving a changed draft, explaining a refusal).

use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};

use super::{
    may_enter_paper, may_run,
    store::{self, Draft, EditError, Status, SurveyRecord},
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    error::{AppError, Result},
    web::{ClientIp, NoFields, Shell, StrictForm, page, page_with_status},
};

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
    let all = crate::organisations::store::names(&state.db).await?;
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
    let mut tx = state.db.begin_write().await?;
    store::set_status(&mut tx, id, Status::Open).await?;
    audit::record_in(
        &mut tx,
        Event::new(Action::SurveyOpened, Some(user.account_id), &ip).subject("survey", id),
    )
    .await?;
    tx.commit().await?;
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
    let mut tx = state.db.begin_write().await?;
    store::set_status(&mut tx, id, Status::Closed).await?;
    audit::record_in(
        &mut tx,
        Event::new(Action::SurveyClosed, Some(user.account_id), &ip).subject("survey", id),
    )
    .await?;
    tx.commit().await?;
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
    let mut tx = state.db.begin_write().await?;
    let number = store::new_version(&mut tx, id).await?;
    audit::record_in(
        &mut tx,
        Event::new(Action::SurveyVersionStarted, Some(user.account_id), &ip)
            .subject("survey", id)
            .detail(format!("version {number}")),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!("/surveys/{id}")))
}
