use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};

use super::{Flash, team_changed, team_for};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::Action,
    db,
    error::{AppError, Result},
    organisations::store as organisations,
    teams::{
        MANAGING_ROLES, Standing,
        forms::{MemberForm, TeamForm},
        model::{Member, Team},
        standing, store,
    },
    web::{ClientIp, FieldErrors, NoFields, Shell, StrictForm, page, page_with_status},
};

/// A team as a line of the list, with where the reader goes in.
pub struct Line {
    pub team: Team,
    pub href: String,
    pub part: String,
}

#[derive(Template)]
#[template(path = "teams/list.html")]
struct ListPage {
    shell: Shell,
    teams: Vec<Line>,
    may_set_up: bool,
}

/// The teams the reader is on or manages.
pub async fn list(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let mut teams = Vec::new();
    for team in store::all(&mut conn).await? {
        let standing = standing(&mut conn, &user, &team).await?;
        let (href, part) = if standing.member {
            (format!("/teams/{}", team.id), "teams.part.member")
        } else if standing.manages {
            (format!("/teams/{}/members", team.id), "teams.part.manages")
        } else {
            continue;
        };
        teams.push(Line {
            href,
            part: shell.t(part),
            team,
        });
    }
    page(&ListPage {
        may_set_up: MANAGING_ROLES.iter().any(|r| user.has_role(*r)),
        shell,
        teams,
    })
}

#[derive(Template)]
#[template(path = "teams/new.html")]
struct NewPage {
    shell: Shell,
    form: TeamForm,
    errors: FieldErrors,
    organisations: Vec<(String, String)>,
}

/// The organisations `user` may set teams up in: (id, name).
async fn managed(state: &AppState, user: &CurrentUser) -> Result<Vec<(i64, String)>> {
    Ok(organisations::list(&state.db)
        .await?
        .into_iter()
        .filter(|o| user.may(MANAGING_ROLES, Some(o.id)))
        .map(|o| (o.id, o.name))
        .collect())
}

fn options(organisations: &[(i64, String)]) -> Vec<(String, String)> {
    organisations
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect()
}

pub async fn new_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
) -> Result<Response> {
    let organisations = managed(&state, &user).await?;
    let form = TeamForm {
        organisation_id: organisations
            .first()
            .map(|(id, _)| id.to_string())
            .unwrap_or_default(),
        ..TeamForm::default()
    };
    page(&NewPage {
        shell,
        form,
        errors: FieldErrors::default(),
        organisations: options(&organisations),
    })
}

pub async fn create(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    StrictForm(form): StrictForm<TeamForm>,
) -> Result<Response> {
    let organisations = managed(&state, &user).await?;
    let allowed: Vec<i64> = organisations.iter().map(|(id, _)| *id).collect();
    let mut errors = FieldErrors::default();
    let again = |shell, form, errors| {
        page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &NewPage {
                shell,
                form,
                errors,
                organisations: options(&organisations),
            },
        )
    };
    let Some(team) = form.check(&shell, &allowed, &mut errors) else {
        return again(shell, form, errors);
    };
    let mut tx = state.db.begin_write().await?;
    let id = match store::create(
        &mut tx,
        team.organisation_id,
        &team.name,
        &team.purpose,
        user.account_id,
        db::now(),
    )
    .await
    {
        Ok(id) => id,
        Err(e) if e.is_unique_violation() => {
            tx.rollback().await?;
            errors.add("name", shell.t("teams.error.name_taken"));
            return again(shell, form, errors);
        }
        Err(e) => return Err(e.into()),
    };
    team_changed(
        &mut tx,
        &user,
        &ip,
        Action::TeamSetUp,
        id,
        format!("team set up in organisation {}", team.organisation_id),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!("/teams/{id}/members?done=created")))
}

#[derive(Template)]
#[template(path = "teams/members.html")]
struct MembersPage {
    shell: Shell,
    done: String,
    team: Team,
    standing: Standing,
    members: Vec<Member>,
    /// Staff of the organisation not yet on the team: (id, "name (email)").
    staff: Vec<(String, String)>,
    form: MemberForm,
    errors: FieldErrors,
}

#[expect(
    clippy::too_many_arguments,
    reason = "the page's parts, read in the caller's transaction"
)]
async fn render_members(
    conn: &mut sqlx::AnyConnection,
    shell: Shell,
    team: Team,
    standing: Standing,
    done: String,
    form: MemberForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response> {
    let members = store::members(conn, team.id).await?;
    let staff = store::staff_of(conn, team.organisation_id)
        .await?
        .into_iter()
        .filter(|(id, _, _)| !members.iter().any(|m| m.account_id == *id))
        .map(|(id, name, email)| (id.to_string(), format!("{name} ({email})")))
        .collect();
    page_with_status(
        status,
        &MembersPage {
            shell,
            done,
            team,
            standing,
            members,
            staff,
            form,
            errors,
        },
    )
}

pub async fn members(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let (team, standing) = team_for(&mut conn, &user, id, Standing::sees_members).await?;
    let done = flash.message(&shell);
    render_members(
        &mut conn,
        shell,
        team,
        standing,
        done,
        MemberForm::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

fn manages(standing: Standing) -> bool {
    standing.manages
}

pub async fn add_member(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<MemberForm>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let (team, standing) = team_for(&mut tx, &user, id, manages).await?;
    let members = store::members(&mut tx, team.id).await?;
    let staff: Vec<i64> = store::staff_of(&mut tx, team.organisation_id)
        .await?
        .into_iter()
        .map(|(id, _, _)| id)
        .filter(|id| !members.iter().any(|m| m.account_id == *id))
        .collect();
    let mut errors = FieldErrors::default();
    let Some(account) = form.check(&shell, &staff, &mut errors) else {
        let response = render_members(
            &mut tx,
            shell,
            team,
            standing,
            String::new(),
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await?;
        tx.rollback().await?;
        return Ok(response);
    };
    store::add_member(&mut tx, team.id, account, user.account_id, db::now()).await?;
    team_changed(
        &mut tx,
        &user,
        &ip,
        Action::TeamMembersChanged,
        team.id,
        format!("account {account} added"),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!(
        "/teams/{}/members?done=member_added",
        team.id
    )))
}

pub async fn remove_member(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path((id, account)): Path<(i64, i64)>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let (team, standing) = team_for(&mut tx, &user, id, manages).await?;
    let members = store::members(&mut tx, team.id).await?;
    let member = members
        .iter()
        .find(|m| m.account_id == account)
        .ok_or(AppError::NotFound)?;
    if member.leads > 0 {
        let mut errors = FieldErrors::default();
        errors.add(
            "members",
            shell.tn(
                "teams.error.still_leads",
                &[&member.name, &member.leads.to_string()],
            ),
        );
        let response = render_members(
            &mut tx,
            shell,
            team,
            standing,
            String::new(),
            MemberForm::default(),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await?;
        tx.rollback().await?;
        return Ok(response);
    }
    store::remove_member(&mut tx, team.id, account).await?;
    team_changed(
        &mut tx,
        &user,
        &ip,
        Action::TeamMembersChanged,
        team.id,
        format!("account {account} removed"),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!(
        "/teams/{}/members?done=member_removed",
        team.id
    )))
}
