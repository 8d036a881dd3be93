use std::collections::BTreeMap;

use coprod_engine::schedule::Date;
use sqlx::{AnyConnection, Row};

use crate::{
    coordination::store::{flag, optional_date, word},
    db,
    people::model::{ActionBy, ConversationNote, Goal, GoalStatus, NewAction, PlanAction},
    star::model::TalkingPoint,
};

/// What the person said on each Talking Points outcome, in the outcomes'
/// order.
pub async fn notes(
    conn: &mut AnyConnection,
    person_id: i64,
) -> Result<Vec<ConversationNote>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT outcome, note FROM person_conversation_notes WHERE person_id = $1")
            .bind(person_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut notes = rows
        .iter()
        .map(|row| {
            Ok(ConversationNote {
                outcome: word(row, "outcome", TalkingPoint::parse)?,
                note: row.try_get("note")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    notes.sort_by_key(|n| n.outcome);
    Ok(notes)
}

/// Records (or replaces) what the person said on one outcome.
pub async fn save_note(
    conn: &mut AnyConnection,
    person_id: i64,
    outcome: TalkingPoint,
    note: &str,
    by: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO person_conversation_notes (person_id, outcome, note, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (person_id, outcome) DO UPDATE SET note = excluded.note, \
         recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
    )
    .bind(person_id)
    .bind(outcome.key())
    .bind(note)
    .bind(by)
    .bind(db::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The person's goals, oldest first, each with its actions.
pub async fn goals(conn: &mut AnyConnection, person_id: i64) -> Result<Vec<Goal>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, goal, outcome, status FROM plan_goals WHERE person_id = $1 ORDER BY id",
    )
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut goals = rows
        .iter()
        .map(|row| {
            let outcome: Option<String> = row.try_get("outcome")?;
            Ok(Goal {
                id: row.try_get("id")?,
                goal: row.try_get("goal")?,
                outcome: outcome.as_deref().and_then(TalkingPoint::parse),
                status: word(row, "status", GoalStatus::parse)?,
                actions: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let rows = sqlx::query(
        "SELECT a.id, a.goal_id, a.action, a.by_whom, a.who_name, a.tie_id, t.name AS tie_name, \
         a.service_id, s.name AS service_name, a.due_on, a.done \
         FROM plan_actions a JOIN plan_goals g ON g.id = a.goal_id \
         LEFT JOIN circle_ties t ON t.id = a.tie_id \
         LEFT JOIN services s ON s.id = a.service_id \
         WHERE g.person_id = $1 ORDER BY a.id",
    )
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut actions: BTreeMap<i64, Vec<PlanAction>> = BTreeMap::new();
    for row in &rows {
        let tie_id: Option<i64> = row.try_get("tie_id")?;
        let tie_name: Option<String> = row.try_get("tie_name")?;
        let service_id: Option<String> = row.try_get("service_id")?;
        let service_name: Option<String> = row.try_get("service_name")?;
        let action = PlanAction {
            id: row.try_get("id")?,
            goal_id: row.try_get("goal_id")?,
            action: row.try_get("action")?,
            by: word(row, "by_whom", ActionBy::parse)?,
            who_name: row.try_get("who_name")?,
            tie: tie_id.map(|id| (id, tie_name.unwrap_or_default())),
            service: service_id.map(|id| (id, service_name.unwrap_or_default())),
            due_on: optional_date(row, "due_on")?,
            done: flag(row, "done")?,
        };
        actions.entry(action.goal_id).or_default().push(action);
    }
    for goal in &mut goals {
        goal.actions = actions.remove(&goal.id).unwrap_or_default();
    }
    Ok(goals)
}

/// Adds a goal to the plan.
pub async fn add_goal(
    conn: &mut AnyConnection,
    person_id: i64,
    goal: &str,
    outcome: Option<TalkingPoint>,
    by: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO plan_goals (person_id, goal, outcome, status, created_by, created_at) \
         VALUES ($1, $2, $3, 'open', $4, $5) RETURNING id",
    )
    .bind(person_id)
    .bind(goal)
    .bind(outcome.map(TalkingPoint::key))
    .bind(by)
    .bind(db::now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Whether goal `goal_id` is in `person_id`'s plan.
pub async fn goal_of(
    conn: &mut AnyConnection,
    person_id: i64,
    goal_id: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM plan_goals WHERE id = $1 AND person_id = $2")
            .bind(goal_id)
            .bind(person_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(found.is_some())
}

/// Moves a goal of `person_id`'s plan on; false when there is no such goal.
pub async fn set_goal_status(
    conn: &mut AnyConnection,
    person_id: i64,
    goal_id: i64,
    status: GoalStatus,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query("UPDATE plan_goals SET status = $1 WHERE id = $2 AND person_id = $3")
        .bind(status.key())
        .bind(goal_id)
        .bind(person_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(changed == 1)
}

/// Adds an action to a goal (the caller has checked the goal, tie and
/// service belong).
pub async fn add_action(
    conn: &mut AnyConnection,
    new: &NewAction,
    by: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO plan_actions (goal_id, action, by_whom, who_name, tie_id, service_id, due_on, \
         done, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9) RETURNING id",
    )
    .bind(new.goal_id)
    .bind(&new.action)
    .bind(new.by.key())
    .bind(&new.who_name)
    .bind(new.tie_id)
    .bind(new.service_id.as_deref())
    .bind(new.due_on.map(|d: Date| d.to_string()))
    .bind(by)
    .bind(db::now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Marks an action of `person_id`'s plan done (or not); false when there
/// is no such action.
pub async fn set_action_done(
    conn: &mut AnyConnection,
    person_id: i64,
    action_id: i64,
    done: bool,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE plan_actions SET done = $1 WHERE id = $2 \
         AND goal_id IN (SELECT id FROM plan_goals WHERE person_id = $3)",
    )
    .bind(i64::from(done))
    .bind(action_id)
    .bind(person_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(changed == 1)
}
