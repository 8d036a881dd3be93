use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::plain;
use sqlx::AnyConnection;

use super::{Flash, changed, held, read};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::Action,
    error::{AppError, Result},
    people::{
        forms::{PlanForm, PlanStep},
        model::{ActionBy, ConversationNote, Goal, GoalStatus, NewAction, Record, Tie},
        store::{self, record::Basis},
    },
    star::model::TalkingPoint,
    web::{ClientIp, FieldErrors, Shell, StrictForm, page_with_status},
};

#[derive(Template)]
#[template(path = "people/plan.html")]
struct PlanPage {
    shell: Shell,
    done: String,
    id: i64,
    name: String,
    locked: bool,
    review: String,
    notes: Vec<ConversationNote>,
    goals: Vec<Goal>,
    ties: Vec<Tie>,
    services: Vec<(String, String)>,
    form: PlanForm,
    errors: FieldErrors,
}

impl PlanPage {
    /// The outcomes in their three groups: (group label, [(key, label)]).
    fn outcome_groups(&self) -> Vec<(String, Vec<(String, String)>)> {
        let mut groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for point in TalkingPoint::ALL {
            let group = self.shell.t(point.group_key());
            let item = (point.key().to_owned(), self.shell.t(&point.label_key()));
            match groups.last_mut() {
                Some((label, items)) if *label == group => items.push(item),
                _ => groups.push((group, vec![item])),
            }
        }
        groups
    }

    fn outcomes(&self) -> Vec<(String, String)> {
        TalkingPoint::ALL
            .iter()
            .map(|p| (p.key().to_owned(), self.shell.t(&p.label_key())))
            .collect()
    }

    fn outcome(&self, point: TalkingPoint) -> String {
        self.shell.t(&point.label_key())
    }

    fn goal_outcome(&self, goal: &Goal) -> String {
        goal.outcome
            .map(|p| self.shell.t(&p.label_key()))
            .unwrap_or_default()
    }

    fn by_whom(&self) -> Vec<(String, String)> {
        ActionBy::ALL
            .iter()
            .map(|b| (b.key().to_owned(), self.shell.t(&b.label_key())))
            .collect()
    }

    fn by(&self, by: ActionBy) -> String {
        self.shell.t(&by.label_key())
    }

    fn statuses(&self) -> Vec<(String, String)> {
        GoalStatus::ALL
            .iter()
            .map(|s| (s.key().to_owned(), self.shell.t(&s.label_key())))
            .collect()
    }

    fn status(&self, goal: &Goal) -> String {
        self.shell.t(&goal.status.label_key())
    }

    fn goal_choices(&self) -> Vec<(String, String)> {
        self.goals
            .iter()
            .map(|g| (g.id.to_string(), g.goal.clone()))
            .collect()
    }

    fn tie_choices(&self) -> Vec<(String, String)> {
        self.ties
            .iter()
            .map(|t| {
                (
                    t.id.to_string(),
                    format!("{} ({})", t.name, self.shell.t(&t.layer.label_key())),
                )
            })
            .collect()
    }

    fn due(on: Option<coprod_engine::schedule::Date>) -> String {
        on.map(plain::date).unwrap_or_default()
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "the page's parts, read in the caller's transaction"
)]
async fn render(
    conn: &mut AnyConnection,
    shell: Shell,
    record: Record,
    done: String,
    form: PlanForm,
    errors: FieldErrors,
    status: StatusCode,
    review_field: bool,
) -> Result<Response> {
    let id = record.id();
    let mut form = form;
    if !review_field {
        form.review_on = record
            .plan_review_on
            .map(|d| d.to_string())
            .unwrap_or_default();
    }
    page_with_status(
        status,
        &PlanPage {
            done,
            id,
            name: record.person.display_name.clone(),
            locked: store::record::basis(conn, id).await? == Basis::Withdrawn,
            review: record.plan_review_on.map(plain::date).unwrap_or_default(),
            notes: store::plan::notes(conn, id).await?,
            goals: store::plan::goals(conn, id).await?,
            ties: store::circle::list(conn, id).await?,
            services: store::record::services(conn).await?,
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
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let found = held(&mut tx, &user, id).await?;
    read(&mut tx, &user, &ip, &found, "agreed plan").await?;
    let done = flash.message(&shell);
    let response = render(
        &mut tx,
        shell,
        found.record,
        done,
        PlanForm::default(),
        FieldErrors::default(),
        StatusCode::OK,
        false,
    )
    .await?;
    tx.commit().await?;
    Ok(response)
}

/// Checks what a step names belongs to this person's plan, adding a
/// problem beside the field when not.
async fn check_belongs(
    conn: &mut AnyConnection,
    shell: &Shell,
    id: i64,
    step: &PlanStep,
    errors: &mut FieldErrors,
) -> Result<()> {
    if let PlanStep::Action {
        goal_id,
        tie_id,
        service_id,
        ..
    } = step
    {
        if !store::plan::goal_of(conn, id, *goal_id).await? {
            errors.add("goal_id", shell.t("record.error.goal"));
        }
        if let Some(tie) = tie_id
            && store::circle::name_of(conn, id, *tie).await?.is_none()
        {
            errors.add("tie_id", shell.t("record.error.tie"));
        }
        if let Some(service) = service_id
            && !store::record::service_exists(conn, service).await?
        {
            errors.add("service_id", shell.t("record.error.service"));
        }
    }
    Ok(())
}

/// Does one checked step; false when it named nothing of this plan.
async fn apply(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    id: i64,
    step: PlanStep,
) -> Result<(bool, &'static str, String)> {
    let by = Some(user.account_id);
    Ok(match step {
        PlanStep::Conversation { outcome, note } => {
            store::plan::save_note(conn, id, outcome, &note, by).await?;
            (
                true,
                "conversation",
                format!("conversation: {}", outcome.key()),
            )
        }
        PlanStep::Goal { goal, outcome } => {
            let goal = store::plan::add_goal(conn, id, &goal, outcome, by).await?;
            (true, "goal", format!("goal {goal} added"))
        }
        PlanStep::Action {
            goal_id,
            action,
            by: by_whom,
            who_name,
            tie_id,
            service_id,
            due_on,
        } => {
            let new = NewAction {
                goal_id,
                action,
                by: by_whom,
                who_name,
                tie_id,
                service_id,
                due_on,
            };
            let action = store::plan::add_action(conn, &new, by).await?;
            if let Some(tie) = tie_id {
                store::circle::mark_in_plan(conn, tie).await?;
            }
            (
                true,
                "action",
                format!("action {action} added to goal {goal_id}"),
            )
        }
        PlanStep::Review { on } => {
            store::record::set_review(conn, id, on).await?;
            (
                true,
                "review",
                format!(
                    "review on {}",
                    on.map(|d| d.to_string()).unwrap_or_default()
                ),
            )
        }
        PlanStep::ActionDone { action_id, done } => (
            store::plan::set_action_done(conn, id, action_id, done).await?,
            "action_done",
            format!("action {action_id} done: {done}"),
        ),
        PlanStep::GoalStatus { goal_id, status } => (
            store::plan::set_goal_status(conn, id, goal_id, status).await?,
            "goal_status",
            format!("goal {goal_id}: {}", status.key()),
        ),
    })
}

pub async fn change(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<PlanForm>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let found = held(&mut tx, &user, id).await?;
    let mut errors = FieldErrors::default();
    let step = form.check(&shell, &mut errors);
    if step.is_none() && errors.is_empty() {
        return Err(AppError::BadRequest {
            key: "error.form.fields",
            field: None,
        });
    }
    if let Some(step) = &step {
        check_belongs(&mut tx, &shell, id, step, &mut errors).await?;
    }
    if store::record::basis(&mut tx, id).await? == Basis::Withdrawn {
        errors.add("step", shell.t("record.error.withdrawn"));
    }
    let Some(step) = step.filter(|_| errors.is_empty()) else {
        read(&mut tx, &user, &ip, &found, "agreed plan").await?;
        let review_field = form.step == "review";
        let response = render(
            &mut tx,
            shell,
            found.record,
            String::new(),
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
            review_field,
        )
        .await?;
        tx.commit().await?;
        return Ok(response);
    };
    let (found, done, detail) = apply(&mut tx, &user, id, step).await?;
    if !found {
        return Err(AppError::NotFound);
    }
    changed(&mut tx, &user, &ip, Action::PersonPlanChanged, id, detail).await?;
    tx.commit().await?;
    Ok(redirect(&format!("/people/{id}/plan?done={done}")))
}
