//! The time bank desk: hours given and received by area, and gifts of
//! hours from the organisation.

use askama::Template;
use axum::{
    Extension,
    extract::{Query, State},
    response::Response,
};
use coprod_engine::plain;
use serde::Deserialize;

use super::{Flash, problem_redirect, with_flash};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    coordination::{
        COORDINATING_ROLES, days,
        forms::parse_date,
        hours::{self, AreaLine},
        model::today,
        store,
        workflow::Actor,
    },
    error::{AppError, Result},
    people::reach::Caseloads,
    web::{ClientIp, FieldErrors, Shell, StrictForm, page},
};

#[derive(Template)]
#[template(path = "coordination/timebank.html")]
struct TimebankPage {
    shell: Shell,
    done: String,
    problem: String,
    period: String,
    areas: Vec<AreaLine>,
    members: Vec<(String, String)>,
    today: String,
    errors: FieldErrors,
    none: String,
}

pub async fn timebank(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let period = hours::last_year(today());
    let areas = hours::by_area(&mut conn, &shell, period)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut members = vec![(
        String::new(),
        shell.t("coordination.timebank.choose_member"),
    )];
    members.extend(
        store::people::list(
            &mut conn,
            &user.reach(COORDINATING_ROLES),
            Caseloads::of(&user),
            "",
            1_000,
        )
        .await?
        .into_iter()
        .map(|p| (p.id.to_string(), p.display_name)),
    );
    let (done, problem) = flash.messages(&shell);
    page(&TimebankPage {
        period: format!(
            "{} – {}",
            plain::date(period.first),
            plain::date(period.last)
        ),
        shell,
        done,
        problem,
        areas,
        members,
        today: today().to_string(),
        errors: FieldErrors::default(),
        none: String::new(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GiftForm {
    person: String,
    hours: String,
    date: String,
    note: String,
}

pub async fn gift(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    StrictForm(form): StrictForm<GiftForm>,
) -> Result<Response> {
    let path = "/coordination/timebank";
    let person: Option<i64> = form.person.parse().ok();
    let minutes = form
        .hours
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|h| *h > 0.0 && *h <= 100.0)
        .map(|h| {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "checked to lie between 0 and 100 hours"
            )]
            let minutes = (h * 60.0).round() as u32;
            minutes
        });
    let date = parse_date(&form.date).filter(|d| *d <= today());
    let (Some(person), Some(minutes), Some(date)) = (person, minutes, date) else {
        return Ok(redirect(&with_flash(path, "problem", "input")));
    };
    let note: String = form.note.chars().take(200).collect();
    match days::gift(
        &state.db,
        &Actor::person(&user).at(&ip),
        person,
        minutes,
        date,
        &note,
    )
    .await
    {
        Ok(()) => Ok(redirect(&with_flash(path, "done", "gift"))),
        Err(error) => problem_redirect(path, error),
    }
}
