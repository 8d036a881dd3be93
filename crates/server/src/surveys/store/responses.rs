//! Responses: stored in one transaction with everything that goes with
//! them, and read back with the questions of their version.

use crate::db::{StoreError, StoreResult};
use coprod_engine::{
    place::GssCode,
    surveys::{
        Audience, Channel, Response, Survey,
        answers::AnswerSet,
        breakdown::{AgeBand, RespondentFacts, SimdQuintile},
    },
};
use sqlx::{AnyConnection, Connection, Row, any::AnyRow};

use super::{SurveyRecord, audience_key, channel_key, parse_audience, parse_channel};
use crate::{
    db::{self, Db},
    surveys::codec,
};

/// The facts kept about a respondent, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredFacts {
    pub data_zone: Option<GssCode>,
    pub simd_quintile: Option<SimdQuintile>,
    pub age_band: Option<AgeBand>,
}

impl StoredFacts {
    /// What the engine breaks results down by: the data zone is the area.
    pub fn for_analysis(&self) -> RespondentFacts {
        RespondentFacts {
            area: self.data_zone.clone(),
            simd_quintile: self.simd_quintile,
            age_band: self.age_band,
        }
    }
}

/// Who answered, for an identified survey, and what to mark as used.
#[derive(Debug, Clone, Default)]
pub struct Respondent {
    /// The account that answered (kept only for identified surveys).
    pub account_id: Option<i64>,
    /// The invitation answered through; it is used up either way, and kept
    /// on the response only for identified surveys.
    pub invitation_id: Option<i64>,
    /// For a signed-in survey: the account, marked as having taken part.
    pub participant: Option<i64>,
    /// The member of staff who typed in a paper response.
    pub entered_by: Option<i64>,
}

/// A checked response, ready to store.
#[derive(Debug, Clone)]
pub struct NewResponse<'a> {
    pub survey: &'a SurveyRecord,
    pub checked: &'a Survey,
    pub audience: Audience,
    pub channel: Channel,
    pub answers: &'a AnswerSet,
    pub facts: &'a StoredFacts,
    pub respondent: Respondent,
}

/// Why a response was not stored.
#[derive(Debug, thiserror::Error)]
pub enum RespondError {
    /// The questions changed since the answers were checked.
    #[error("the survey changed while it was being answered")]
    Changed,
    #[error("the invitation has already been used")]
    InvitationUsed,
    #[error("this person has already answered")]
    AlreadyAnswered,
    #[error(transparent)]
    Database(#[from] StoreError),
}

impl From<sqlx::Error> for RespondError {
    fn from(error: sqlx::Error) -> Self {
        RespondError::Database(error.into())
    }
}

/// Stores a response in one transaction: the version's count, the
/// invitation used up, the participant marked, and the answers; all or
/// nothing.
pub async fn insert_response(db: &Db, response: &NewResponse<'_>) -> Result<i64, RespondError> {
    insert_response_in(&mut *db.pool().acquire().await?, response).await
}

/// [`insert_response`] on `conn`: inside the caller's transaction (beside
/// its audit row) the response's writes are a savepoint of it.
pub async fn insert_response_in(
    conn: &mut AnyConnection,
    response: &NewResponse<'_>,
) -> Result<i64, RespondError> {
    let survey = response.survey;
    let now = db::now();
    let mut tx = conn.begin().await?;
    let counted = sqlx::query(
        "UPDATE survey_versions SET response_count = response_count + 1 \
         WHERE id = $1 AND revision = $2",
    )
    .bind(survey.version.id)
    .bind(survey.version.revision)
    .execute(&mut *tx)
    .await?;
    if counted.rows_affected() != 1 {
        return Err(RespondError::Changed);
    }
    if let Some(invitation) = response.respondent.invitation_id {
        let used = sqlx::query(
            "UPDATE survey_invitations SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(invitation)
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() != 1 {
            return Err(RespondError::InvitationUsed);
        }
    }
    if let Some(account) = response.respondent.participant {
        let marked = sqlx::query(
            "INSERT INTO survey_participants (survey_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(survey.id)
        .bind(account)
        .execute(&mut *tx)
        .await?;
        if marked.rows_affected() != 1 {
            return Err(RespondError::AlreadyAnswered);
        }
    }
    let keep_identity = survey.identified;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO survey_responses (version_id, audience, channel, answers, data_zone, simd_quintile, \
         age_band, respondent_account_id, invitation_id, entered_by, submitted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(survey.version.id)
    .bind(audience_key(response.audience))
    .bind(channel_key(response.channel))
    .bind(codec::encode(response.checked, response.answers))
    .bind(response.facts.data_zone.as_ref().map(|z| z.as_str().to_owned()))
    .bind(response.facts.simd_quintile.map(|q| i64::from(q.get())))
    .bind(response.facts.age_band.map(|b| b.key().to_owned()))
    .bind(response.respondent.account_id.filter(|_| keep_identity))
    .bind(response.respondent.invitation_id.filter(|_| keep_identity))
    .bind(response.respondent.entered_by)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Whether this account has already answered a signed-in survey.
pub async fn has_taken_part(db: &Db, survey_id: i64, account_id: i64) -> StoreResult<bool> {
    let row =
        sqlx::query("SELECT 1 FROM survey_participants WHERE survey_id = $1 AND account_id = $2")
            .bind(survey_id)
            .bind(account_id)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.is_some())
}

/// Every response to a version, oldest first, read with its questions.
///
/// Read a page at a time, so a version with a million responses never
/// holds all its stored rows and all their answers in memory at once.
pub async fn responses(db: &Db, version_id: i64, survey: &Survey) -> StoreResult<Vec<Response>> {
    responses_in(&mut *db.pool().acquire().await?, version_id, survey).await
}

/// [`responses`] on `conn`, so a read of the answers and its audit row
/// can share a transaction.
pub async fn responses_in(
    conn: &mut AnyConnection,
    version_id: i64,
    survey: &Survey,
) -> StoreResult<Vec<Response>> {
    const PAGE: i64 = 20_000;
    let mut responses = Vec::new();
    let mut after = 0_i64;
    loop {
        let rows = sqlx::query(
            "SELECT id, audience, channel, answers, data_zone, simd_quintile, age_band \
             FROM survey_responses WHERE version_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(version_id)
        .bind(after)
        .bind(PAGE)
        .fetch_all(&mut *conn)
        .await?;
        for row in &rows {
            responses.push(response_from(row, survey)?);
        }
        match rows.last() {
            Some(last) if i64::try_from(rows.len()).is_ok_and(|n| n == PAGE) => {
                after = last.try_get("id")?;
            }
            _ => return Ok(responses),
        }
    }
}

fn response_from(row: &AnyRow, survey: &Survey) -> StoreResult<Response> {
    let audience: String = row.try_get("audience")?;
    let channel: String = row.try_get("channel")?;
    let answers: String = row.try_get("answers")?;
    let data_zone: Option<String> = row.try_get("data_zone")?;
    let quintile: Option<i64> = row.try_get("simd_quintile")?;
    let age_band: Option<String> = row.try_get("age_band")?;
    let facts = StoredFacts {
        data_zone: data_zone.and_then(|z| GssCode::parse(&z).ok()),
        simd_quintile: quintile
            .and_then(|q| u8::try_from(q).ok())
            .and_then(|q| SimdQuintile::parse(q).ok()),
        age_band: age_band.and_then(|b| AgeBand::parse(&b).ok()),
    };
    Ok(Response {
        audience: parse_audience(&audience).ok_or_else(|| {
            StoreError::invalid(
                "survey_responses.audience",
                format!("unknown audience {audience}"),
            )
        })?,
        channel: parse_channel(&channel)?,
        facts: facts.for_analysis(),
        answers: codec::decode(survey, &answers)
            .map_err(|e| StoreError::invalid("survey_responses.answers", e))?,
    })
}

/// The SIMD quintile of a data zone, if the operator has imported SIMD.
pub async fn simd_quintile(db: &Db, data_zone: &GssCode) -> StoreResult<Option<SimdQuintile>> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT quintile FROM simd_data_zones WHERE data_zone = $1")
            .bind(data_zone.as_str())
            .fetch_optional(db.pool())
            .await?;
    Ok(row
        .and_then(|(q,)| u8::try_from(q).ok())
        .and_then(|q| SimdQuintile::parse(q).ok()))
}
