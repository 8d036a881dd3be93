use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::{plain, schedule::Date};
use sqlx::AnyConnection;

use super::{Flash, person_event, team_for};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::Action,
    db,
    error::{AppError, Result},
    people::{reach::Reader, store as people},
    teams::{
        Standing,
        forms::{CaseloadForm, HandoverForm},
        model::{Entry, Handover, Team},
        store::{self, NewHandover},
    },
    web::{ClientIp, FieldErrors, NoFields, Shell, StrictForm, page_with_status},
};

/// The most records the form offers to take on.
const MOST_CANDIDATES: i64 = 1_000;

/// A person on the caseload, as a line.
pub struct Line {
    pub person_id: i64,
    pub name: String,
    pub lead: String,
    pub note: String,
    pub review: String,
}

fn line(shell: &Shell, e: Entry) -> Line {
    Line {
        person_id: e.person_id,
        lead: e
            .lead
            .map_or_else(|| shell.t("teams.caseload.no_lead"), |(_, name)| name),
        note: e.handover_note,
        review: e.review_on.map(plain::date).unwrap_or_default(),
        name: e.name,
    }
}

#[derive(Template)]
#[template(path = "teams/caseload.html")]
struct CaseloadPage {
    shell: Shell,
    done: String,
    team: Team,
    lines: Vec<Line>,
    /// Records the team may take on: (id, name).
    people: Vec<(String, String)>,
    members: Vec<(String, String)>,
    form: CaseloadForm,
    errors: FieldErrors,
}

fn works(standing: Standing) -> bool {
    standing.works_on_caseload()
}

/// Records of the team's organisation that `user` may read and the team
/// does not hold yet: (id, name).
async fn candidates(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    team: &Team,
    caseload: &[Entry],
) -> Result<Vec<(i64, String)>> {
    Ok(
        people::record::list(conn, &Reader::of(user), "", MOST_CANDIDATES)
            .await?
            .into_iter()
            .filter(|p| p.organisation_id == Some(team.organisation_id))
            .filter(|p| !caseload.iter().any(|e| e.person_id == p.id))
            .map(|p| (p.id, p.name))
            .collect(),
    )
}

#[expect(
    clippy::too_many_arguments,
    reason = "the page's parts, read in the caller's transaction"
)]
async fn render(
    conn: &mut AnyConnection,
    shell: Shell,
    user: &CurrentUser,
    ip: &str,
    team: Team,
    done: String,
    form: CaseloadForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response> {
    let caseload = store::caseload(conn, team.id).await?;
    let people = candidates(conn, user, &team, &caseload)
        .await?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    let members = store::members(conn, team.id)
        .await?
        .into_iter()
        .map(|m| (m.account_id.to_string(), m.name))
        .collect();
    crate::audit::record_in(
        conn,
        crate::audit::Event::new(Action::PersonRead, Some(user.account_id), ip)
            .subject("team", team.id)
            .detail(format!("team caseload ({} people shown)", caseload.len())),
    )
    .await?;
    let lines = caseload.into_iter().map(|e| line(&shell, e)).collect();
    page_with_status(
        status,
        &CaseloadPage {
            shell,
            done,
            team,
            lines,
            people,
            members,
            form,
            errors,
        },
    )
}

pub async fn list(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let (team, _) = team_for(&mut tx, &user, id, works).await?;
    let done = flash.message(&shell);
    let response = render(
        &mut tx,
        shell,
        &user,
        &ip,
        team,
        done,
        CaseloadForm::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await?;
    tx.commit().await?;
    Ok(response)
}

pub async fn add(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<CaseloadForm>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let (team, _) = team_for(&mut tx, &user, id, works).await?;
    let caseload = store::caseload(&mut tx, team.id).await?;
    let people: Vec<i64> = candidates(&mut tx, &user, &team, &caseload)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let members: Vec<i64> = store::members(&mut tx, team.id)
        .await?
        .into_iter()
        .map(|m| m.account_id)
        .collect();
    let mut errors = FieldErrors::default();
    let Some(taking) = form.check(&shell, &people, &members, &mut errors) else {
        let response = render(
            &mut tx,
            shell,
            &user,
            &ip,
            team,
            String::new(),
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await?;
        tx.commit().await?;
        return Ok(response);
    };
    store::add_to_caseload(
        &mut tx,
        &NewHandover {
            team_id: team.id,
            person_id: taking.person_id,
            from: None,
            to: taking.lead_id,
            note: &taking.note,
            by: user.account_id,
            at: db::now(),
        },
    )
    .await?;
    person_event(
        &mut tx,
        &user,
        &ip,
        Action::CaseloadChanged,
        taking.person_id,
        format!(
            "taken onto the caseload of team {} ({}), lead account {}",
            team.id, team.name, taking.lead_id
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!(
        "/teams/{}/caseload/{}?done=taken_on",
        team.id, taking.person_id
    )))
}

/// One handover as the history shows it.
pub struct HandoverLine {
    pub when: String,
    pub from: String,
    pub to: String,
    pub by: String,
    pub note: String,
}

fn handover_line(shell: &Shell, h: Handover) -> HandoverLine {
    let someone = || shell.t("teams.entry.nobody");
    HandoverLine {
        when: plain::date(Date::of_unix_seconds(h.at)),
        from: h.from.unwrap_or_else(|| shell.t("teams.entry.taken_on")),
        to: h.to.unwrap_or_else(someone),
        by: h.by.unwrap_or_else(someone),
        note: h.note,
    }
}

#[derive(Template)]
#[template(path = "teams/entry.html")]
struct EntryPage {
    shell: Shell,
    done: String,
    team: Team,
    person_id: i64,
    name: String,
    lead: String,
    note: String,
    review: String,
    history: Vec<HandoverLine>,
    colleagues: Vec<(String, String)>,
    form: HandoverForm,
    errors: FieldErrors,
}

#[expect(
    clippy::too_many_arguments,
    reason = "the page's parts, read in the caller's transaction"
)]
async fn render_entry(
    conn: &mut AnyConnection,
    shell: Shell,
    user: &CurrentUser,
    ip: &str,
    team: Team,
    standing: Standing,
    entry: Entry,
    done: String,
    form: HandoverForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response> {
    let history = store::handovers(conn, team.id, entry.person_id)
        .await?
        .into_iter()
        .map(|h| handover_line(&shell, h))
        .collect();
    let lead_id = entry.lead.as_ref().map(|(id, _)| *id);
    let colleagues = store::members(conn, team.id)
        .await?
        .into_iter()
        .filter(|m| Some(m.account_id) != lead_id)
        .map(|m| (m.account_id.to_string(), m.name))
        .collect();
    person_event(
        conn,
        user,
        ip,
        Action::PersonRead,
        entry.person_id,
        format!(
            "place on the caseload of team {} ({}), {}",
            team.id,
            team.name,
            if standing.member {
                "as a member of the team"
            } else {
                "as partnership administrator, outside the team"
            }
        ),
    )
    .await?;
    page_with_status(
        status,
        &EntryPage {
            done,
            person_id: entry.person_id,
            lead: entry
                .lead
                .map_or_else(|| shell.t("teams.caseload.no_lead"), |(_, name)| name),
            note: entry.handover_note,
            review: entry.review_on.map(plain::date).unwrap_or_default(),
            name: entry.name,
            team,
            history,
            colleagues,
            form,
            errors,
            shell,
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path((id, person_id)): Path<(i64, i64)>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let (team, standing) = team_for(&mut tx, &user, id, works).await?;
    let entry = store::entry_of(&mut tx, team.id, person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let done = flash.message(&shell);
    let response = render_entry(
        &mut tx,
        shell,
        &user,
        &ip,
        team,
        standing,
        entry,
        done,
        HandoverForm::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await?;
    tx.commit().await?;
    Ok(response)
}

pub async fn hand_over(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path((id, person_id)): Path<(i64, i64)>,
    StrictForm(form): StrictForm<HandoverForm>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let (team, standing) = team_for(&mut tx, &user, id, works).await?;
    let entry = store::entry_of(&mut tx, team.id, person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let from = entry.lead.as_ref().map(|(id, _)| *id);
    let colleagues: Vec<i64> = store::members(&mut tx, team.id)
        .await?
        .into_iter()
        .map(|m| m.account_id)
        .filter(|id| Some(*id) != from)
        .collect();
    let mut errors = FieldErrors::default();
    let checked = form.check(&shell, &colleagues, &mut errors);
    let stored = match &checked {
        Some((to, note)) => {
            store::hand_over(
                &mut tx,
                &NewHandover {
                    team_id: team.id,
                    person_id,
                    from,
                    to: *to,
                    note,
                    by: user.account_id,
                    at: db::now(),
                },
            )
            .await?
        }
        None => false,
    };
    let Some((to, _)) = checked.filter(|_| stored) else {
        if errors.is_empty() {
            errors.add("to_id", shell.t("teams.error.stale"));
        }
        let response = render_entry(
            &mut tx,
            shell,
            &user,
            &ip,
            team,
            standing,
            entry,
            String::new(),
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await?;
        tx.commit().await?;
        return Ok(response);
    };
    person_event(
        &mut tx,
        &user,
        &ip,
        Action::CaseloadHandedOver,
        person_id,
        format!(
            "team {} ({}): lead handed from account {} to account {to}",
            team.id,
            team.name,
            from.map_or_else(|| "none".to_owned(), |id| id.to_string())
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!(
        "/teams/{}/caseload/{person_id}?done=handed_over",
        team.id
    )))
}

pub async fn remove(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path((id, person_id)): Path<(i64, i64)>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let (team, _) = team_for(&mut tx, &user, id, works).await?;
    if !store::remove_from_caseload(&mut tx, team.id, person_id).await? {
        return Err(AppError::NotFound);
    }
    person_event(
        &mut tx,
        &user,
        &ip,
        Action::CaseloadChanged,
        person_id,
        format!("taken off the caseload of team {} ({})", team.id, team.name),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!(
        "/teams/{}/caseload?done=taken_off",
        team.id
    )))
}
