//! `/surveys/open`: the surveys and consultations anyone may answer now,
//! each with the link for people who use services and their community.

use askama::Template;
use axum::{extract::State, response::Response};
use coprod_engine::surveys::Audience;

use super::store;
use crate::{
    app::AppState,
    error::Result,
    web::{Shell, page},
};

/// One survey a citizen may answer.
pub struct OpenSurvey {
    pub title: String,
    pub organisation: String,
    pub introduction: String,
    pub href: String,
    /// Whether answering needs an account.
    pub signed_in: bool,
}

#[derive(Template)]
#[template(path = "surveys/open.html")]
struct OpenPage {
    shell: Shell,
    surveys: Vec<OpenSurvey>,
}

/// Lists the open surveys that ask citizens and need no invitation.
pub async fn list(State(state): State<AppState>, shell: Shell) -> Result<Response> {
    let surveys = store::open_to_all(&state.db)
        .await?
        .into_iter()
        .filter(|survey| {
            survey
                .version
                .draft
                .checked()
                .is_ok_and(|checked| checked.audiences().contains(&Audience::Citizens))
        })
        .map(|survey| OpenSurvey {
            href: format!(
                "/s/{}/{}",
                survey.public_key,
                store::audience_key(Audience::Citizens)
            ),
            signed_in: survey.access == store::AccessMode::SignedIn,
            title: survey.title,
            organisation: survey.organisation_name,
            introduction: survey.introduction,
        })
        .collect();
    page(&OpenPage { shell, surveys })
}
