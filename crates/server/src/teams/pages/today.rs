use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    response::Response,
};
use coprod_engine::plain;

use super::team_for;
use crate::{
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    coordination::model::today,
    error::Result,
    people::reach::Caseloads,
    teams::{
        Standing,
        model::Team,
        store,
        today::{Day, Section, sections},
    },
    web::{ClientIp, Shell, page},
};

#[derive(Template)]
#[template(path = "teams/today.html")]
struct TodayPage {
    shell: Shell,
    team: Team,
    date: String,
    people: usize,
    member: bool,
    sections: Vec<Section>,
}

/// The team's view of today, for its members (and administrators): every
/// section of `teams::today`, read in one transaction with its audit row.
pub async fn show(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let (team, standing) = team_for(&mut tx, &user, id, Standing::works_on_caseload).await?;
    let caseload = store::caseload(&mut tx, team.id).await?;
    let members = store::members(&mut tx, team.id).await?;
    let date = today();
    let sections = sections(
        &mut tx,
        &Day {
            shell: &shell,
            team: &team,
            caseload: &caseload,
            members: &members,
            today: date,
            referral_settings: &state.settings.referrals,
            reader: Caseloads::of(&user),
        },
    )
    .await?;
    audit::record_in(
        &mut tx,
        Event::new(Action::PersonRead, Some(user.account_id), &ip)
            .subject("team", team.id)
            .detail(format!(
                "team's view of today ({} people on the caseload)",
                caseload.len()
            )),
    )
    .await?;
    tx.commit().await?;
    page(&TodayPage {
        date: plain::date(date),
        people: caseload.len(),
        member: standing.member,
        shell,
        team,
        sections,
    })
}
