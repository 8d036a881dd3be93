//! Initiatives, with the Co's they use, who co-produces them, the outcomes
//! they aim at and what in coprod evidences them.

use crate::db::StoreResult;
use std::collections::HashMap;

use coprod_engine::{explorer::Stage, self_assessment::Co};
use sqlx::{AnyConnection, Connection, Row, any::AnyRow};

use super::{SaveError, unknown};
use crate::{
    db::{self, Db},
    star::model::{AimedOutcome, Partner, TalkingPoint},
};

/// An initiative as stored, with the names of what it links to.
#[derive(Debug, Clone)]
pub struct Initiative {
    pub id: i64,
    pub organisation_id: i64,
    pub name: String,
    pub description: String,
    pub service: String,
    pub locality_id: Option<i64>,
    pub locality_name: Option<String>,
    pub stage: Stage,
    pub cos: Vec<Co>,
    pub partners: Vec<Partner>,
    pub outcomes: Vec<AimedOutcome>,
    pub asset_service_id: Option<String>,
    pub asset_service_name: Option<String>,
    pub budgeting_process_id: Option<i64>,
    pub budgeting_process_title: Option<String>,
    pub survey_id: Option<i64>,
    pub survey_title: Option<String>,
    pub review_survey_id: Option<i64>,
}

/// What a form or the API gives to create or change an initiative.
#[derive(Debug, Clone, Default)]
pub struct InitiativeInput {
    pub name: String,
    pub description: String,
    pub service: String,
    pub locality_id: Option<i64>,
    pub stage: Option<Stage>,
    pub cos: Vec<Co>,
    pub partners: Vec<Partner>,
    pub outcomes: Vec<AimedOutcome>,
    pub asset_service_id: Option<String>,
    pub budgeting_process_id: Option<i64>,
    pub survey_id: Option<i64>,
}

const SELECT: &str = "SELECT i.id, i.organisation_id, i.name, i.description, i.service, \
     i.locality_id, l.name AS locality_name, i.stage, \
     i.asset_service_id, s.name AS asset_service_name, \
     i.budgeting_process_id, p.title AS budgeting_process_title, \
     i.survey_id, v.title AS survey_title, i.review_survey_id \
     FROM star_initiatives i \
     LEFT JOIN localities l ON l.id = i.locality_id \
     LEFT JOIN services s ON s.id = i.asset_service_id \
     LEFT JOIN pb_processes p ON p.id = i.budgeting_process_id \
     LEFT JOIN surveys v ON v.id = i.survey_id";

fn from_row(row: &AnyRow) -> StoreResult<Initiative> {
    let stage: String = row.try_get("stage")?;
    Ok(Initiative {
        id: row.try_get("id")?,
        organisation_id: row.try_get("organisation_id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        service: row.try_get("service")?,
        locality_id: row.try_get("locality_id")?,
        locality_name: row.try_get("locality_name")?,
        stage: Stage::parse(&stage).map_err(|_| unknown("star_initiatives.stage", &stage))?,
        cos: Vec::new(),
        partners: Vec::new(),
        outcomes: Vec::new(),
        asset_service_id: row.try_get("asset_service_id")?,
        asset_service_name: row.try_get("asset_service_name")?,
        budgeting_process_id: row.try_get("budgeting_process_id")?,
        budgeting_process_title: row.try_get("budgeting_process_title")?,
        survey_id: row.try_get("survey_id")?,
        survey_title: row.try_get("survey_title")?,
        review_survey_id: row.try_get("review_survey_id")?,
    })
}

/// Fills in the Co's, partners and outcomes of `initiatives` in three
/// queries, whatever their number.
async fn attach_lists(
    db: &Db,
    initiatives: &mut [Initiative],
    filter: &str,
    key: i64,
) -> StoreResult<()> {
    let at: HashMap<i64, usize> = initiatives
        .iter()
        .enumerate()
        .map(|(i, initiative)| (initiative.id, i))
        .collect();
    let cos = sqlx::query(&format!(
        "SELECT c.initiative_id, c.co FROM star_initiative_cos c \
         JOIN star_initiatives i ON i.id = c.initiative_id WHERE {filter} = $1"
    ))
    .bind(key)
    .fetch_all(db.pool())
    .await?;
    for row in cos {
        let id: i64 = row.try_get("initiative_id")?;
        let co: String = row.try_get("co")?;
        let co = Co::parse(&co).map_err(|_| unknown("star_initiative_cos.co", &co))?;
        if let Some(&i) = at.get(&id) {
            initiatives[i].cos.push(co);
        }
    }
    let partners = sqlx::query(&format!(
        "SELECT c.initiative_id, c.partner FROM star_initiative_partners c \
         JOIN star_initiatives i ON i.id = c.initiative_id WHERE {filter} = $1"
    ))
    .bind(key)
    .fetch_all(db.pool())
    .await?;
    for row in partners {
        let id: i64 = row.try_get("initiative_id")?;
        let partner: String = row.try_get("partner")?;
        let partner = Partner::parse(&partner)
            .ok_or_else(|| unknown("star_initiative_partners.partner", &partner))?;
        if let Some(&i) = at.get(&id) {
            initiatives[i].partners.push(partner);
        }
    }
    let outcomes = sqlx::query(&format!(
        "SELECT c.initiative_id, c.talking_point, c.own_words FROM star_initiative_outcomes c \
         JOIN star_initiatives i ON i.id = c.initiative_id WHERE {filter} = $1 ORDER BY c.id"
    ))
    .bind(key)
    .fetch_all(db.pool())
    .await?;
    for row in outcomes {
        let id: i64 = row.try_get("initiative_id")?;
        let point: Option<String> = row.try_get("talking_point")?;
        let words: Option<String> = row.try_get("own_words")?;
        let outcome = match (point, words) {
            (Some(point), _) => AimedOutcome::TalkingPoint(
                TalkingPoint::parse(&point)
                    .ok_or_else(|| unknown("star_initiative_outcomes.talking_point", &point))?,
            ),
            (None, Some(words)) => AimedOutcome::OwnWords(words),
            (None, None) => continue,
        };
        if let Some(&i) = at.get(&id) {
            initiatives[i].outcomes.push(outcome);
        }
    }
    for initiative in initiatives.iter_mut() {
        initiative.cos.sort();
        initiative.partners.sort();
    }
    Ok(())
}

/// An organisation's initiatives, by service then name.
pub async fn list(db: &Db, organisation_id: i64) -> StoreResult<Vec<Initiative>> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE i.organisation_id = $1 ORDER BY i.service, i.name, i.id"
    ))
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?;
    let mut initiatives = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    attach_lists(db, &mut initiatives, "i.organisation_id", organisation_id).await?;
    Ok(initiatives)
}

pub async fn find(db: &Db, id: i64) -> StoreResult<Option<Initiative>> {
    let row = sqlx::query(&format!("{SELECT} WHERE i.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let mut initiatives = vec![from_row(&row)?];
    attach_lists(db, &mut initiatives, "i.id", id).await?;
    Ok(initiatives.pop())
}

async fn write_lists(
    tx: &mut sqlx::AnyConnection,
    id: i64,
    input: &InitiativeInput,
) -> StoreResult<()> {
    for table in [
        "star_initiative_cos",
        "star_initiative_partners",
        "star_initiative_outcomes",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE initiative_id = $1"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    for co in &input.cos {
        sqlx::query("INSERT INTO star_initiative_cos (initiative_id, co) VALUES ($1, $2)")
            .bind(id)
            .bind(co.key())
            .execute(&mut *tx)
            .await?;
    }
    for partner in &input.partners {
        sqlx::query(
            "INSERT INTO star_initiative_partners (initiative_id, partner) VALUES ($1, $2)",
        )
        .bind(id)
        .bind(partner.key())
        .execute(&mut *tx)
        .await?;
    }
    for outcome in &input.outcomes {
        let (point, words) = match outcome {
            AimedOutcome::TalkingPoint(point) => (Some(point.key()), None),
            AimedOutcome::OwnWords(words) => (None, Some(words.as_str())),
        };
        sqlx::query(
            "INSERT INTO star_initiative_outcomes (initiative_id, talking_point, own_words) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(point)
        .bind(words)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

fn stage_key(input: &InitiativeInput) -> &'static str {
    input.stage.unwrap_or(Stage::Proposed).key()
}

pub async fn create(
    conn: &mut AnyConnection,
    organisation_id: i64,
    input: &InitiativeInput,
) -> Result<i64, SaveError> {
    let now = db::now();
    let mut tx = conn.begin().await?;
    let row = sqlx::query(
        "INSERT INTO star_initiatives (organisation_id, name, description, service, locality_id, stage, \
         asset_service_id, budgeting_process_id, survey_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(organisation_id)
    .bind(&input.name)
    .bind(&input.description)
    .bind(&input.service)
    .bind(input.locality_id)
    .bind(stage_key(input))
    .bind(input.asset_service_id.as_deref())
    .bind(input.budgeting_process_id)
    .bind(input.survey_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(SaveError::classify)?;
    let id: i64 = row.try_get("id")?;
    write_lists(&mut tx, id, input).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    input: &InitiativeInput,
) -> Result<(), SaveError> {
    let mut tx = conn.begin().await?;
    sqlx::query(
        "UPDATE star_initiatives SET name = $1, description = $2, service = $3, locality_id = $4, \
         stage = $5, asset_service_id = $6, budgeting_process_id = $7, survey_id = $8, updated_at = $9 \
         WHERE id = $10",
    )
    .bind(&input.name)
    .bind(&input.description)
    .bind(&input.service)
    .bind(input.locality_id)
    .bind(stage_key(input))
    .bind(input.asset_service_id.as_deref())
    .bind(input.budgeting_process_id)
    .bind(input.survey_id)
    .bind(db::now())
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(SaveError::classify)?;
    write_lists(&mut tx, id, input).await?;
    tx.commit().await?;
    Ok(())
}

/// Attaches the survey that reviews an initiative.
pub async fn set_review_survey(
    conn: &mut AnyConnection,
    id: i64,
    survey_id: i64,
) -> StoreResult<()> {
    sqlx::query("UPDATE star_initiatives SET review_survey_id = $1, updated_at = $2 WHERE id = $3")
        .bind(survey_id)
        .bind(db::now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The services the organisation keeps listings for, to link as evidence:
/// (id, name).
pub async fn listings(db: &Db, organisation_id: i64) -> StoreResult<Vec<(String, String)>> {
    sqlx::query_as("SELECT id, name FROM services WHERE managed_by = $1 ORDER BY name, id")
        .bind(organisation_id)
        .fetch_all(db.pool())
        .await
        .map_err(Into::into)
}

/// Budgeting processes, to link as evidence: (id, title).
pub async fn processes(db: &Db) -> StoreResult<Vec<(i64, String)>> {
    sqlx::query_as("SELECT id, title FROM pb_processes ORDER BY title, id")
        .fetch_all(db.pool())
        .await
        .map_err(Into::into)
}

/// The organisation's surveys, to link as evidence: (id, title).
pub async fn surveys(db: &Db, organisation_id: i64) -> StoreResult<Vec<(i64, String)>> {
    sqlx::query_as("SELECT id, title FROM surveys WHERE organisation_id = $1 ORDER BY title, id")
        .bind(organisation_id)
        .fetch_all(db.pool())
        .await
        .map_err(Into::into)
}
