//! Storage of surveys, their versions, invitations and responses.
//!
//! A version's questions are kept as JSON in the engine's own model, and
//! are only ever changed by a conditional `UPDATE` that succeeds while the
//! version has no responses; a response is only stored by a conditional
//! `UPDATE` of the same row that succeeds while the questions it was
//! checked against are still the current ones. The two serialise on that
//! row on both backends, so a version with responses can never change
//! under them.

use crate::db::{StoreError, StoreResult};
use std::collections::BTreeSet;

use coprod_engine::surveys::{Audience, Channel, Section, Survey, definition::DefinitionProblems};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Connection, Row, any::AnyRow};

/// One-time invitation links.
mod invitations;
/// Responses: storing them all or nothing, and reading them back.
mod responses;

pub use invitations::{
    Invitation, create_invitation, delete_invitation, invitation, invitation_counts,
};
pub use responses::{
    NewResponse, RespondError, Respondent, StoredFacts, has_taken_part, insert_response,
    insert_response_in, responses, responses_in, simd_quintile,
};

use crate::{
    crypto,
    db::{self, Db},
};

/// Where a survey is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Being built; nobody can answer yet.
    Draft,
    /// Taking responses.
    Open,
    /// No longer taking responses; results stay.
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }

    fn parse(raw: &str) -> StoreResult<Self> {
        match raw {
            "draft" => Ok(Status::Draft),
            "open" => Ok(Status::Open),
            "closed" => Ok(Status::Closed),
            other => Err(StoreError::invalid(
                "surveys.status",
                format!("unknown survey status {other}"),
            )),
        }
    }
}

/// Who may answer a survey online.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessMode {
    /// Anyone with the link.
    Public,
    /// Anyone signed in, once each.
    SignedIn,
    /// Only people holding a one-time link.
    Invitation,
}

impl AccessMode {
    pub const ALL: [AccessMode; 3] = [
        AccessMode::Public,
        AccessMode::SignedIn,
        AccessMode::Invitation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccessMode::Public => "public",
            AccessMode::SignedIn => "signed_in",
            AccessMode::Invitation => "invitation",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == raw)
    }
}

/// The machine name of an audience, as stored and in links.
pub fn audience_key(audience: Audience) -> &'static str {
    match audience {
        Audience::Citizens => "citizens",
        Audience::Staff => "staff",
    }
}

/// The audience with this machine name.
pub fn parse_audience(raw: &str) -> Option<Audience> {
    [Audience::Citizens, Audience::Staff]
        .into_iter()
        .find(|a| audience_key(*a) == raw)
}

/// The machine name of a channel, as stored.
pub fn channel_key(channel: Channel) -> &'static str {
    match channel {
        Channel::Online => "online",
        Channel::EasyRead => "easy_read",
        Channel::Paper => "paper",
    }
}

fn parse_channel(raw: &str) -> StoreResult<Channel> {
    match raw {
        "online" => Ok(Channel::Online),
        "easy_read" => Ok(Channel::EasyRead),
        "paper" => Ok(Channel::Paper),
        other => Err(StoreError::invalid(
            "survey_responses.channel",
            format!("unknown channel {other}"),
        )),
    }
}

/// A version's questions as they are being built: the engine's model,
/// not yet checked, because a survey half-way through being built (a
/// section with no questions yet) is not a survey anyone can answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub audiences: BTreeSet<Audience>,
    pub sections: Vec<Section>,
}

impl Draft {
    /// The checked survey, or every problem standing in the way.
    pub fn checked(&self) -> Result<Survey, DefinitionProblems> {
        Survey::new(self.audiences.clone(), self.sections.clone())
    }

    /// The design problems, none when the survey is ready to publish.
    pub fn problems(&self) -> Vec<coprod_engine::surveys::definition::DefinitionProblem> {
        self.checked().err().map(|p| p.0).unwrap_or_default()
    }
}

/// One version of a survey's questions.
#[derive(Debug, Clone)]
pub struct VersionRecord {
    pub id: i64,
    pub number: i64,
    pub draft: Draft,
    /// Moves on every edit.
    pub revision: i64,
    pub response_count: i64,
}

impl VersionRecord {
    /// A version with responses cannot change; edits make a new version.
    pub fn is_frozen(&self) -> bool {
        self.response_count > 0
    }
}

/// A survey with its latest version.
#[derive(Debug, Clone)]
pub struct SurveyRecord {
    pub id: i64,
    pub public_key: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub title: String,
    pub introduction: String,
    pub identified: bool,
    pub access: AccessMode,
    pub status: Status,
    pub version: VersionRecord,
}

/// What a survey is before it is stored.
#[derive(Debug, Clone)]
pub struct SurveySettings {
    pub organisation_id: i64,
    pub title: String,
    pub introduction: String,
    pub identified: bool,
    pub access: AccessMode,
}

/// One row of the list of surveys.
#[derive(Debug, Clone)]
pub struct SurveySummary {
    pub id: i64,
    pub title: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub status: Status,
    pub versions: i64,
    pub responses: i64,
}

/// Creates a survey in draft, with an empty first version.
pub async fn create(
    db: &Db,
    settings: &SurveySettings,
    audiences: BTreeSet<Audience>,
    created_by: i64,
) -> StoreResult<i64> {
    let draft = Draft {
        audiences,
        sections: Vec::new(),
    };
    insert(
        &mut *db.pool().acquire().await?,
        settings,
        &draft,
        created_by,
    )
    .await
}

/// Stores a new survey whose first version holds `draft`, on `conn` (in
/// the caller's transaction, say, beside its audit row).
pub async fn insert(
    conn: &mut AnyConnection,
    settings: &SurveySettings,
    draft: &Draft,
    created_by: i64,
) -> StoreResult<i64> {
    let now = db::now();
    let mut tx = conn.begin().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO surveys (public_key, organisation_id, title, introduction, identified, access, status, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, $8) RETURNING id",
    )
    .bind(crypto::random_token()[..16].to_owned())
    .bind(settings.organisation_id)
    .bind(&settings.title)
    .bind(&settings.introduction)
    .bind(i64::from(settings.identified))
    .bind(settings.access.as_str())
    .bind(created_by)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO survey_versions (survey_id, number, definition, created_at) VALUES ($1, 1, $2, $3)",
    )
    .bind(id)
    .bind(to_json(draft)?)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn to_json(draft: &Draft) -> StoreResult<String> {
    serde_json::to_string(draft).map_err(|e| sqlx::Error::Encode(Box::new(e)).into())
}

const SURVEY_SELECT: &str = "SELECT s.id, s.public_key, s.organisation_id, o.name AS organisation_name, \
     s.title, s.introduction, s.identified, s.access, s.status, \
     v.id AS version_id, v.number, v.definition, v.revision, v.response_count \
     FROM surveys s JOIN organisations o ON o.id = s.organisation_id \
     JOIN survey_versions v ON v.survey_id = s.id \
     AND v.number = (SELECT MAX(number) FROM survey_versions WHERE survey_id = s.id)";

fn survey_from(row: &AnyRow) -> StoreResult<SurveyRecord> {
    let access: String = row.try_get("access")?;
    let status: String = row.try_get("status")?;
    let identified: i64 = row.try_get("identified")?;
    Ok(SurveyRecord {
        id: row.try_get("id")?,
        public_key: row.try_get("public_key")?,
        organisation_id: row.try_get("organisation_id")?,
        organisation_name: row.try_get("organisation_name")?,
        title: row.try_get("title")?,
        introduction: row.try_get("introduction")?,
        identified: identified != 0,
        access: AccessMode::parse(&access).ok_or_else(|| {
            StoreError::invalid("surveys.access", format!("unknown access {access}"))
        })?,
        status: Status::parse(&status)?,
        version: version_from(row, "version_id")?,
    })
}

fn version_from(row: &AnyRow, id_column: &str) -> StoreResult<VersionRecord> {
    let definition: String = row.try_get("definition")?;
    Ok(VersionRecord {
        id: row.try_get(id_column)?,
        number: row.try_get("number")?,
        draft: serde_json::from_str(&definition)
            .map_err(|e| StoreError::invalid("survey_versions.definition", e))?,
        revision: row.try_get("revision")?,
        response_count: row.try_get("response_count")?,
    })
}

/// The survey with this id, with its latest version.
pub async fn find(db: &Db, id: i64) -> StoreResult<Option<SurveyRecord>> {
    let row = sqlx::query(&format!("{SURVEY_SELECT} WHERE s.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(survey_from).transpose()
}

/// Surveys open to anyone, or to anyone signed in, with their latest
/// version: what a citizen may answer without an invitation.
pub async fn open_to_all(db: &Db) -> StoreResult<Vec<SurveyRecord>> {
    let rows = sqlx::query(&format!(
        "{SURVEY_SELECT} WHERE s.status = 'open' AND s.access IN ('public', 'signed_in') ORDER BY s.id DESC"
    ))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(survey_from).collect()
}

/// The survey a respondent's link names.
pub async fn find_by_key(db: &Db, key: &str) -> StoreResult<Option<SurveyRecord>> {
    let row = sqlx::query(&format!("{SURVEY_SELECT} WHERE s.public_key = $1"))
        .bind(key)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(survey_from).transpose()
}

/// Every survey, newest first.
pub async fn list(db: &Db) -> StoreResult<Vec<SurveySummary>> {
    let rows = sqlx::query(
        "SELECT s.id, s.title, s.organisation_id, o.name AS organisation_name, s.status, \
         (SELECT COUNT(*) FROM survey_versions v WHERE v.survey_id = s.id) AS versions, \
         (SELECT COALESCE(SUM(v.response_count), 0) FROM survey_versions v WHERE v.survey_id = s.id) AS responses \
         FROM surveys s JOIN organisations o ON o.id = s.organisation_id ORDER BY s.id DESC",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get("status")?;
            Ok(SurveySummary {
                id: row.try_get("id")?,
                title: row.try_get("title")?,
                organisation_id: row.try_get("organisation_id")?,
                organisation_name: row.try_get("organisation_name")?,
                status: Status::parse(&status)?,
                versions: row.try_get("versions")?,
                responses: sum_as_i64(row, "responses")?,
            })
        })
        .collect()
}

/// A `SUM` is an integer on `SQLite` and a numeric on `PostgreSQL`; read either.
fn sum_as_i64(row: &AnyRow, column: &str) -> StoreResult<i64> {
    row.try_get::<i64, _>(column).or_else(|_| {
        let text: String = row.try_get(column)?;
        text.parse()
            .map_err(|e: std::num::ParseIntError| StoreError::invalid(column, e))
    })
}

/// The numbers of a survey's versions with their response counts, oldest
/// first.
pub async fn versions(db: &Db, survey_id: i64) -> StoreResult<Vec<(i64, i64)>> {
    sqlx::query_as(
        "SELECT number, response_count FROM survey_versions WHERE survey_id = $1 ORDER BY number",
    )
    .bind(survey_id)
    .fetch_all(db.pool())
    .await
    .map_err(Into::into)
}

/// One version of a survey by its number.
pub async fn version(db: &Db, survey_id: i64, number: i64) -> StoreResult<Option<VersionRecord>> {
    let row = sqlx::query(
        "SELECT id, number, definition, revision, response_count FROM survey_versions \
         WHERE survey_id = $1 AND number = $2",
    )
    .bind(survey_id)
    .bind(number)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(|r| version_from(r, "id")).transpose()
}

/// Changes the survey's own settings (not its questions).
pub async fn update_settings(db: &Db, id: i64, settings: &SurveySettings) -> StoreResult<()> {
    sqlx::query(
        "UPDATE surveys SET organisation_id = $1, title = $2, introduction = $3, identified = $4, \
         access = $5, updated_at = $6 WHERE id = $7",
    )
    .bind(settings.organisation_id)
    .bind(&settings.title)
    .bind(&settings.introduction)
    .bind(i64::from(settings.identified))
    .bind(settings.access.as_str())
    .bind(db::now())
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Opens, closes or (never after responses) returns a survey to draft.
pub async fn set_status(conn: &mut AnyConnection, id: i64, status: Status) -> StoreResult<()> {
    sqlx::query("UPDATE surveys SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status.as_str())
        .bind(db::now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Why a version's questions were not changed.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The version has responses; make a new version instead.
    #[error("this version has responses and cannot change")]
    Frozen,
    /// Somebody else changed it since it was read.
    #[error("the version changed since it was read")]
    Changed,
    #[error(transparent)]
    Database(#[from] StoreError),
}

impl From<sqlx::Error> for EditError {
    fn from(error: sqlx::Error) -> Self {
        EditError::Database(error.into())
    }
}

/// Replaces a version's questions, if it still has no responses and has
/// not changed since `version` was read.
pub async fn save_draft(db: &Db, version: &VersionRecord, draft: &Draft) -> Result<(), EditError> {
    let updated = sqlx::query(
        "UPDATE survey_versions SET definition = $1, revision = revision + 1 \
         WHERE id = $2 AND revision = $3 AND response_count = 0",
    )
    .bind(to_json(draft)?)
    .bind(version.id)
    .bind(version.revision)
    .execute(db.pool())
    .await?;
    if updated.rows_affected() == 1 {
        return Ok(());
    }
    let (responses,): (i64,) =
        sqlx::query_as("SELECT response_count FROM survey_versions WHERE id = $1")
            .bind(version.id)
            .fetch_one(db.pool())
            .await?;
    Err(if responses > 0 {
        EditError::Frozen
    } else {
        EditError::Changed
    })
}

/// Starts a new version holding a copy of the latest one's questions.
/// Only a frozen latest version needs one; otherwise nothing changes and
/// the latest number is returned.
pub async fn new_version(conn: &mut AnyConnection, survey_id: i64) -> StoreResult<i64> {
    let mut tx = conn.begin().await?;
    let (number, definition, responses): (i64, String, i64) = sqlx::query_as(
        "SELECT number, definition, response_count FROM survey_versions WHERE survey_id = $1 \
         ORDER BY number DESC LIMIT 1",
    )
    .bind(survey_id)
    .fetch_one(&mut *tx)
    .await?;
    if responses == 0 {
        return Ok(number);
    }
    // The UNIQUE (survey_id, number) stops two people making the same
    // version at once; the second gets an error and tries again.
    sqlx::query(
        "INSERT INTO survey_versions (survey_id, number, definition, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(survey_id)
    .bind(number + 1)
    .bind(definition)
    .bind(db::now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(number + 1)
}
