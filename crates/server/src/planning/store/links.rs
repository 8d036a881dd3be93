//! What serves a plan's outcomes: Star initiatives, budgeting processes,
//! surveys and services, stored by kind and id and named through their
//! own tables when read; and the records a manager may link.

use coprod_engine::planning::LinkKind;
use sqlx::AnyConnection;

use crate::{
    access::Reach,
    db::StoreResult,
    planning::model::{Link, Linkable, Served},
};

/// Names a `kind`/`target` pair through the table it points into. A
/// record that has gone names nothing.
const NAMED: &str = "COALESCE(si.name, pb.title, sv.title, s.name)";
const JOINS: &str = "LEFT JOIN star_initiatives si ON l.kind = 'star_initiative' AND CAST(si.id AS TEXT) = l.target \
     LEFT JOIN pb_processes pb ON l.kind = 'budgeting_process' AND CAST(pb.id AS TEXT) = l.target \
     LEFT JOIN surveys sv ON l.kind = 'survey' AND CAST(sv.id AS TEXT) = l.target \
     LEFT JOIN services s ON l.kind = 'service' AND s.id = l.target";

/// Everything linked to a plan's outcomes.
pub async fn of_plan(conn: &mut AnyConnection, plan_id: i64) -> StoreResult<Vec<Link>> {
    Ok(sqlx::query_as(&format!(
        "SELECT l.id, l.outcome_id, l.kind, l.target, {NAMED} AS name \
         FROM plan_outcome_links l JOIN plan_outcomes o ON o.id = l.outcome_id {JOINS} \
         WHERE o.plan_id = $1 ORDER BY l.outcome_id, l.kind, name, l.id"
    ))
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Links `target` to an outcome. Linking it twice is a `Conflict`.
pub async fn add(
    conn: &mut AnyConnection,
    outcome_id: i64,
    kind: LinkKind,
    target: &str,
    by: i64,
    at: i64,
) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO plan_outcome_links (outcome_id, kind, target, linked_by, linked_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(outcome_id)
    .bind(kind.as_str())
    .bind(target)
    .bind(by)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Removes a link of one of `plan_id`'s outcomes; what it linked, if it
/// was there.
pub async fn remove(
    conn: &mut AnyConnection,
    plan_id: i64,
    link_id: i64,
) -> StoreResult<Option<(String, String)>> {
    let found: Option<(String, String)> = sqlx::query_as(
        "SELECT l.kind, l.target FROM plan_outcome_links l \
         JOIN plan_outcomes o ON o.id = l.outcome_id WHERE l.id = $1 AND o.plan_id = $2",
    )
    .bind(link_id)
    .bind(plan_id)
    .fetch_optional(&mut *conn)
    .await?;
    if found.is_some() {
        sqlx::query("DELETE FROM plan_outcome_links WHERE id = $1")
            .bind(link_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(found)
}

/// The records someone reaching `reach` may link: initiatives, processes
/// and surveys their organisations run, and every active service on the
/// asset map (public already). By kind, then name.
pub async fn linkable(conn: &mut AnyConnection, reach: &Reach) -> StoreResult<Vec<Linkable>> {
    let initiatives = reach.sql_condition("organisation_id");
    let processes = &initiatives;
    Ok(sqlx::query_as(&format!(
        "SELECT 'star_initiative' AS kind, CAST(id AS TEXT) AS target, name FROM star_initiatives WHERE {initiatives} \
         UNION ALL SELECT 'budgeting_process', CAST(id AS TEXT), title FROM pb_processes WHERE {processes} \
         UNION ALL SELECT 'survey', CAST(id AS TEXT), title FROM surveys WHERE {initiatives} \
         UNION ALL SELECT 'service', id, name FROM services WHERE status = 'active' \
         ORDER BY 1, 3, 2"
    ))
    .fetch_all(&mut *conn)
    .await?)
}

/// Budgeting projects decided by a vote, for evidence: every accepted
/// proposal of a process within reach, named with its process.
pub async fn projects(conn: &mut AnyConnection, reach: &Reach) -> StoreResult<Vec<Linkable>> {
    let processes = reach.sql_condition("pb.organisation_id");
    Ok(sqlx::query_as(&format!(
        "SELECT 'budgeting_project' AS kind, CAST(p.id AS TEXT) AS target, \
         pb.title || ': ' || p.title AS name FROM pb_proposals p \
         JOIN pb_processes pb ON pb.id = p.process_id \
         WHERE p.status = 'accepted' AND {processes} ORDER BY 3, 2"
    ))
    .fetch_all(&mut *conn)
    .await?)
}

/// The published plans' outcomes `kind`/`target` serves, for its own page.
pub async fn served_by(
    conn: &mut AnyConnection,
    kind: LinkKind,
    target: &str,
) -> StoreResult<Vec<Served>> {
    Ok(sqlx::query_as(
        "SELECT p.id AS plan_id, p.title AS plan_title, o.title AS outcome_title \
         FROM plan_outcome_links l JOIN plan_outcomes o ON o.id = l.outcome_id \
         JOIN plans p ON p.id = o.plan_id \
         WHERE l.kind = $1 AND l.target = $2 AND p.published = 1 ORDER BY p.title, o.position",
    )
    .bind(kind.as_str())
    .bind(target)
    .fetch_all(&mut *conn)
    .await?)
}
