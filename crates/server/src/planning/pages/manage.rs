//! The managers' pages: the plans they keep and setting one up; a plan's
//! details, outcomes, priorities, indicators and figures; and what serves
//! each outcome. Every change and its audit row commit together.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use sqlx::AnyConnection;

use super::{Flash, kept_plan, plan_changed};
use crate::{
    access::{Reach, redirect},
    accounts::CurrentUser,
    app::AppState,
    audit::Action,
    db,
    error::Result,
    organisations::store as organisations,
    planning::{
        MANAGING_ROLES,
        forms::{FigureForm, IndicatorForm, LinkForm, OutcomeForm, PlanForm, PriorityForm},
        keeps,
        model::{Linkable, Plan},
        store::{self, links},
        view::{self, PlanView},
    },
    web::{ClientIp, FieldErrors, NoFields, Shell, StrictForm, page_with_status},
};

#[derive(Template)]
#[template(path = "planning/manage_list.html")]
struct ListPage {
    shell: Shell,
    plans: Vec<Plan>,
    form: PlanForm,
    errors: FieldErrors,
    localities: Vec<(String, String)>,
    keepers: Vec<(String, String)>,
    partnership: bool,
}

/// The organisations `user` may keep plans for, and whether they may
/// leave one to the partnership.
async fn keepers(state: &AppState, user: &CurrentUser) -> Result<(Vec<(i64, String)>, bool)> {
    let reach = user.reach(MANAGING_ROLES);
    let organisations = organisations::names(&state.db)
        .await?
        .into_iter()
        .filter(|(id, _)| reach.covers(Some(*id)))
        .collect();
    Ok((organisations, reach == Reach::Partnership))
}

fn options(pairs: &[(i64, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect()
}

async fn render_list(
    state: &AppState,
    shell: Shell,
    user: &CurrentUser,
    form: PlanForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let plans = store::all(&mut conn)
        .await?
        .into_iter()
        .filter(|p| keeps(user, p))
        .collect();
    let localities: Vec<(i64, String)> = organisations::localities(&state.db)
        .await?
        .into_iter()
        .map(|l| (l.id, l.name))
        .collect();
    let (keepers, partnership) = keepers(state, user).await?;
    page_with_status(
        status,
        &ListPage {
            shell,
            plans,
            form,
            errors,
            localities: options(&localities),
            keepers: options(&keepers),
            partnership,
        },
    )
}

/// `GET /planning`: the plans the reader keeps, and a form for a new one.
pub async fn list(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
) -> Result<Response> {
    let (keepers, partnership) = keepers(&state, &user).await?;
    let form = PlanForm {
        organisation_id: if partnership {
            String::new()
        } else {
            keepers
                .first()
                .map(|(id, _)| id.to_string())
                .unwrap_or_default()
        },
        ..PlanForm::default()
    };
    render_list(
        &state,
        shell,
        &user,
        form,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /planning`: sets a plan up.
pub async fn create(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    StrictForm(form): StrictForm<PlanForm>,
) -> Result<Response> {
    let mut errors = FieldErrors::default();
    let details = form.details(&shell, &mut errors);
    let localities: Vec<i64> = organisations::localities(&state.db)
        .await?
        .iter()
        .map(|l| l.id)
        .collect();
    let (keepers, partnership) = keepers(&state, &user).await?;
    let keeper_ids: Vec<i64> = keepers.iter().map(|(id, _)| *id).collect();
    let (locality, keeper) =
        form.placing(&shell, &localities, &keeper_ids, partnership, &mut errors);
    if !errors.is_empty() {
        return render_list(
            &state,
            shell,
            &user,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let mut tx = state.db.begin_write().await?;
    let id = store::create(
        &mut tx,
        locality,
        keeper,
        &details,
        user.account_id,
        db::now(),
    )
    .await?;
    plan_changed(
        &mut tx,
        &user,
        &ip,
        Action::PlanSaved,
        id,
        format!("plan set up: {}", details.title),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!("/planning/plans/{id}?done=created")))
}

/// Every form of the plan page, as last filled in.
#[derive(Default)]
pub struct Forms {
    pub plan: PlanForm,
    pub outcome: OutcomeForm,
    pub priority: PriorityForm,
    pub indicator: IndicatorForm,
    pub figure: FigureForm,
    pub link: LinkForm,
}

#[derive(Template)]
#[template(path = "planning/manage.html")]
struct PlanPage {
    shell: Shell,
    done: String,
    view: PlanView,
    forms: Forms,
    errors: FieldErrors,
    outcomes: Vec<(String, String)>,
    indicators: Vec<(String, String)>,
    /// What may be linked, by kind: (kind's heading, records).
    linkable: Vec<(String, Vec<Linkable>)>,
    directions: Vec<(String, String)>,
}

fn plan_form(plan: &Plan) -> PlanForm {
    PlanForm {
        title: plan.title.clone(),
        summary: plan.summary.clone(),
        easy_read: plan.easy_read.clone(),
        starts_in: plan.starts_in.to_string(),
        ends_in: plan.ends_in.to_string(),
        published: if plan.is_published() {
            "yes".to_owned()
        } else {
            String::new()
        },
        ..PlanForm::default()
    }
}

/// Groups records by kind, each kind with its heading.
pub fn by_kind(shell: &Shell, records: Vec<Linkable>) -> Vec<(String, Vec<Linkable>)> {
    let mut groups: Vec<(String, Vec<Linkable>)> = Vec::new();
    for record in records {
        let heading = shell.t(&format!("planning.kind.{}", record.kind));
        match groups.last_mut() {
            Some((h, items)) if *h == heading => items.push(record),
            _ => groups.push((heading, vec![record])),
        }
    }
    groups
}

/// What `user` may link, as `kind:id` values.
async fn offered(conn: &mut AnyConnection, user: &CurrentUser) -> Result<Vec<Linkable>> {
    Ok(links::linkable(conn, &user.reach(MANAGING_ROLES)).await?)
}

#[expect(
    clippy::too_many_arguments,
    reason = "the page's parts, read in the caller's transaction"
)]
async fn render_plan(
    conn: &mut AnyConnection,
    shell: Shell,
    user: &CurrentUser,
    plan: Plan,
    done: String,
    mut forms: Forms,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response> {
    if forms.plan.title.is_empty() && errors.is_empty() {
        forms.plan = plan_form(&plan);
    }
    let linkable = by_kind(&shell, offered(conn, user).await?);
    let view = view::read(conn, plan, &shell).await?;
    let outcomes = view
        .outcomes
        .iter()
        .map(|o| (o.outcome.id.to_string(), o.outcome.title.clone()))
        .collect();
    let indicators = view
        .outcomes
        .iter()
        .flat_map(|o| &o.indicators)
        .map(|i| (i.indicator.id.to_string(), i.indicator.name.clone()))
        .collect();
    let directions = coprod_engine::planning::Direction::ALL
        .iter()
        .map(|d| {
            (
                d.as_str().to_owned(),
                shell.t(&format!("planning.direction.{}", d.as_str())),
            )
        })
        .collect();
    page_with_status(
        status,
        &PlanPage {
            shell,
            done,
            view,
            forms,
            errors,
            outcomes,
            indicators,
            linkable,
            directions,
        },
    )
}

/// `GET /planning/plans/{id}`
pub async fn show(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let plan = kept_plan(&mut conn, &user, id).await?;
    let done = flash.message(&shell);
    render_plan(
        &mut conn,
        shell,
        &user,
        plan,
        done,
        Forms::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Shows the plan page again with a form's problems, nothing stored.
async fn again(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    shell: Shell,
    user: &CurrentUser,
    plan: Plan,
    forms: Forms,
    errors: FieldErrors,
) -> Result<Response> {
    let response = render_plan(
        &mut tx,
        shell,
        user,
        plan,
        String::new(),
        forms,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await?;
    tx.rollback().await?;
    Ok(response)
}

fn to_plan(plan_id: i64, done: &str, anchor: &str) -> Response {
    redirect(&format!("/planning/plans/{plan_id}?done={done}#{anchor}"))
}

/// `POST /planning/plans/{id}`: the plan's details.
pub async fn update(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<PlanForm>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let plan = kept_plan(&mut tx, &user, id).await?;
    let mut errors = FieldErrors::default();
    let details = form.details(&shell, &mut errors);
    if !errors.is_empty() {
        let forms = Forms {
            plan: form,
            ..Forms::default()
        };
        return again(tx, shell, &user, plan, forms, errors).await;
    }
    store::update(&mut tx, plan.id, &details, db::now()).await?;
    plan_changed(
        &mut tx,
        &user,
        &ip,
        Action::PlanSaved,
        plan.id,
        format!(
            "details saved; {}",
            if details.published {
                "published"
            } else {
                "not published"
            }
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(to_plan(plan.id, "saved", "details"))
}

/// `POST /planning/plans/{id}/outcomes`
pub async fn add_outcome(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<OutcomeForm>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let plan = kept_plan(&mut tx, &user, id).await?;
    let mut errors = FieldErrors::default();
    let (title, description, easy_read) = form.check(&shell, &mut errors);
    if !errors.is_empty() {
        let forms = Forms {
            outcome: form,
            ..Forms::default()
        };
        return again(tx, shell, &user, plan, forms, errors).await;
    }
    let outcome = store::add_outcome(&mut tx, plan.id, &title, &description, &easy_read).await?;
    store::touch(&mut tx, plan.id, db::now()).await?;
    plan_changed(
        &mut tx,
        &user,
        &ip,
        Action::PlanPartAdded,
        plan.id,
        format!("outcome {outcome} added: {title}"),
    )
    .await?;
    tx.commit().await?;
    Ok(to_plan(
        plan.id,
        "outcome_added",
        &format!("outcome-{outcome}"),
    ))
}

/// The ids of a plan's outcomes, read in the caller's transaction.
async fn outcome_ids(conn: &mut AnyConnection, plan_id: i64) -> Result<Vec<i64>> {
    Ok(store::outcomes(conn, plan_id)
        .await?
        .iter()
        .map(|o| o.id)
        .collect())
}

/// `POST /planning/plans/{id}/priorities`
pub async fn add_priority(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<PriorityForm>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let plan = kept_plan(&mut tx, &user, id).await?;
    let outcomes = outcome_ids(&mut tx, plan.id).await?;
    let mut errors = FieldErrors::default();
    let (outcome, title) = form.check(&shell, &outcomes, &mut errors);
    let Some(outcome) = outcome.filter(|_| errors.is_empty()) else {
        let forms = Forms {
            priority: form,
            ..Forms::default()
        };
        return again(tx, shell, &user, plan, forms, errors).await;
    };
    store::add_priority(&mut tx, outcome, &title).await?;
    store::touch(&mut tx, plan.id, db::now()).await?;
    plan_changed(
        &mut tx,
        &user,
        &ip,
        Action::PlanPartAdded,
        plan.id,
        format!("priority added to outcome {outcome}: {title}"),
    )
    .await?;
    tx.commit().await?;
    Ok(to_plan(
        plan.id,
        "priority_added",
        &format!("outcome-{outcome}"),
    ))
}

/// `POST /planning/plans/{id}/indicators`
pub async fn add_indicator(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<IndicatorForm>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let plan = kept_plan(&mut tx, &user, id).await?;
    let outcomes = outcome_ids(&mut tx, plan.id).await?;
    let mut errors = FieldErrors::default();
    let (outcome, indicator) = form.check(&shell, &outcomes, &mut errors);
    let Some(outcome) = outcome.filter(|_| errors.is_empty()) else {
        let forms = Forms {
            indicator: form,
            ..Forms::default()
        };
        return again(tx, shell, &user, plan, forms, errors).await;
    };
    let added = store::add_indicator(&mut tx, outcome, &indicator).await?;
    store::touch(&mut tx, plan.id, db::now()).await?;
    plan_changed(
        &mut tx,
        &user,
        &ip,
        Action::PlanPartAdded,
        plan.id,
        format!(
            "indicator {added} added to outcome {outcome}: {}",
            indicator.name
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(to_plan(
        plan.id,
        "indicator_added",
        &format!("indicator-{added}"),
    ))
}

/// `POST /planning/plans/{id}/figures`: a figure for a period, replacing
/// the one there was.
pub async fn record_figure(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<FigureForm>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let plan = kept_plan(&mut tx, &user, id).await?;
    let indicators: Vec<i64> = store::indicators(&mut tx, plan.id)
        .await?
        .iter()
        .map(|i| i.id)
        .collect();
    let mut errors = FieldErrors::default();
    let Some(figure) = form.check(&shell, &indicators, &mut errors) else {
        let forms = Forms {
            figure: form,
            ..Forms::default()
        };
        return again(tx, shell, &user, plan, forms, errors).await;
    };
    let now = db::now();
    let replaced = store::record_figure(
        &mut tx,
        figure.indicator,
        figure.period,
        figure.value,
        &figure.source,
        user.account_id,
        now,
    )
    .await?;
    store::touch(&mut tx, plan.id, now).await?;
    plan_changed(
        &mut tx,
        &user,
        &ip,
        Action::PlanFigureRecorded,
        plan.id,
        format!(
            "indicator {} {}: {} ({}){}",
            figure.indicator,
            figure.period,
            figure.value,
            figure.source,
            if replaced {
                ", replacing the figure before"
            } else {
                ""
            }
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(to_plan(
        plan.id,
        if replaced {
            "figure_corrected"
        } else {
            "figure_recorded"
        },
        &format!("indicator-{}", figure.indicator),
    ))
}

/// `POST /planning/plans/{id}/links`: something serves an outcome.
pub async fn add_link(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<LinkForm>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let plan = kept_plan(&mut tx, &user, id).await?;
    let outcomes = outcome_ids(&mut tx, plan.id).await?;
    let offered: Vec<String> = offered(&mut tx, &user)
        .await?
        .iter()
        .map(Linkable::value)
        .collect();
    let mut errors = FieldErrors::default();
    let Some((outcome, kind, target)) = form.check(&shell, &outcomes, &offered, &mut errors) else {
        let forms = Forms {
            link: form,
            ..Forms::default()
        };
        return again(tx, shell, &user, plan, forms, errors).await;
    };
    match links::add(&mut tx, outcome, kind, &target, user.account_id, db::now()).await {
        Ok(_) => {}
        Err(e) if e.is_unique_violation() => {
            tx.rollback().await?;
            return Ok(to_plan(
                plan.id,
                "already_linked",
                &format!("outcome-{outcome}"),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    plan_changed(
        &mut tx,
        &user,
        &ip,
        Action::PlanLinkChanged,
        plan.id,
        format!("{} {target} linked to outcome {outcome}", kind.as_str()),
    )
    .await?;
    tx.commit().await?;
    Ok(to_plan(plan.id, "linked", &format!("outcome-{outcome}")))
}

/// `POST /planning/plans/{id}/links/{link}/remove`. A link already gone
/// is not an error: the outcome is as asked.
pub async fn remove_link(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path((id, link)): Path<(i64, i64)>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let plan = kept_plan(&mut tx, &user, id).await?;
    if let Some((kind, target)) = links::remove(&mut tx, plan.id, link).await? {
        plan_changed(
            &mut tx,
            &user,
            &ip,
            Action::PlanLinkChanged,
            plan.id,
            format!("{kind} {target} unlinked (link {link})"),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(to_plan(plan.id, "unlinked", "outcomes"))
}
