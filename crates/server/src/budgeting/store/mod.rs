//! Storage of processes, their categories, proposals and the delivery
//! trail. Ballots and codes are in `ballot_box`; counted results in
//! `counts`.

/// Storing ballots and voting codes without linking them to people.
pub mod ballot_box;
/// Storing a count and reading it back.
pub mod counts;

use crate::db::{StoreError, StoreResult};
use sqlx::{AnyConnection, Row, any::AnyRow};

use super::ties::TieBreak;
use crate::{
    crypto,
    db::{self, Db},
};
use coprod_engine::budgeting::process::{
    BallotRules, Phase, PhaseDates, format_date, format_money,
};

/// A process as stored.
#[derive(Debug, Clone)]
pub struct Process {
    pub id: i64,
    pub settings: ProcessSettings,
    /// Whether the vote has been sealed: ballot keys and the salt erased.
    pub sealed: bool,
}

/// Everything staff choose about a process.
#[derive(Debug, Clone)]
pub struct ProcessSettings {
    pub title: String,
    pub description: String,
    pub area_code: Option<String>,
    pub budget_pence: i64,
    pub currency: String,
    pub minimum_age: Option<i64>,
    pub ballot: BallotRules,
    pub counting_rule: String,
    pub score_threshold: Option<i64>,
    /// How ties are broken (see `ties`).
    pub tie_break: TieBreak,
    /// The seed of a `lot`, drawn when the rule is first chosen and
    /// published with the results; `None` otherwise.
    pub tie_seed: Option<String>,
    pub show_running_totals: bool,
    pub dates: PhaseDates,
}

impl Process {
    pub fn phase(&self) -> Phase {
        self.settings.dates.phase_at(db::now())
    }

    /// The budget as people read it.
    pub fn budget(&self) -> String {
        self.money(self.settings.budget_pence)
    }

    /// An amount in this process's currency.
    pub fn money(&self, pence: i64) -> String {
        format_money(pence, &self.settings.currency)
    }

    /// When `phase` starts, as a date, or "" for the phase before proposals.
    pub fn starts(&self, phase: &Phase) -> String {
        self.settings
            .dates
            .start_of(*phase)
            .map(format_date)
            .unwrap_or_default()
    }

    /// Whether proposals may still be sent in (citizens) or entered (staff,
    /// who may also enter them during the review).
    pub fn takes_proposals(&self, staff: bool) -> bool {
        match self.phase() {
            Phase::Proposals => true,
            Phase::Review => staff,
            _ => false,
        }
    }

    /// Whether the ballot's list of projects is still open to change: the
    /// review decides it, and it is fixed once voting opens.
    pub fn in_review(&self) -> bool {
        self.phase() < Phase::Voting
    }

    /// Running totals may be shown: after the vote, or during it when the
    /// process says so.
    pub fn totals_visible(&self) -> bool {
        match self.phase() {
            Phase::Voting => self.settings.show_running_totals,
            phase => phase > Phase::Voting,
        }
    }
}

const PROCESS_COLUMNS: &str = "id, title, description, area_code, budget_pence, currency, minimum_age, \
     ballot_type, max_choices, max_total_cost_pence, points_total, counting_rule, score_threshold, \
     show_running_totals, proposals_open_at, review_starts_at, voting_opens_at, voting_closes_at, \
     delivery_starts_at, sealed_at, tie_break, tie_seed";

fn process_from(row: &AnyRow) -> StoreResult<Process> {
    let kind: String = row.try_get("ballot_type")?;
    let ballot = BallotRules::from_columns(
        &kind,
        row.try_get("max_choices")?,
        row.try_get("max_total_cost_pence")?,
        row.try_get("points_total")?,
    )
    .ok_or_else(|| {
        StoreError::invalid(
            "pb_processes",
            format!("a {kind} ballot is missing its limits"),
        )
    })?;
    Ok(Process {
        id: row.try_get("id")?,
        settings: ProcessSettings {
            title: row.try_get("title")?,
            description: row.try_get("description")?,
            area_code: row.try_get("area_code")?,
            budget_pence: row.try_get("budget_pence")?,
            currency: row.try_get("currency")?,
            minimum_age: row.try_get("minimum_age")?,
            ballot,
            counting_rule: row.try_get("counting_rule")?,
            score_threshold: row.try_get("score_threshold")?,
            tie_break: {
                let key: String = row.try_get("tie_break")?;
                TieBreak::parse(&key).ok_or_else(|| {
                    StoreError::invalid("pb_processes.tie_break", format!("unknown rule {key:?}"))
                })?
            },
            tie_seed: row.try_get("tie_seed")?,
            show_running_totals: row.try_get::<i64, _>("show_running_totals")? != 0,
            dates: PhaseDates {
                proposals_open_at: row.try_get("proposals_open_at")?,
                review_starts_at: row.try_get("review_starts_at")?,
                voting_opens_at: row.try_get("voting_opens_at")?,
                voting_closes_at: row.try_get("voting_closes_at")?,
                delivery_starts_at: row.try_get("delivery_starts_at")?,
            },
        },
        sealed: row.try_get::<Option<i64>, _>("sealed_at")?.is_some(),
    })
}

/// Stores a new process and returns its id. It gets its own random ballot
/// salt (see `ballot_box`).
pub async fn create_process(
    db: &Db,
    settings: &ProcessSettings,
    created_by: Option<i64>,
) -> StoreResult<i64> {
    let mut conn = db.pool().acquire().await?;
    insert_process(&mut conn, settings, created_by, false).await
}

/// Stores a new process on `conn` (a transaction's, say). A `sealed`
/// process (one whose ballots arrive whole, from a file) gets no salt: no
/// ballot of it is ever linked to anyone.
pub async fn insert_process(
    conn: &mut sqlx::AnyConnection,
    settings: &ProcessSettings,
    created_by: Option<i64>,
    sealed: bool,
) -> StoreResult<i64> {
    let (max_choices, max_total_cost, points_total) = settings.ballot.columns();
    let d = settings.dates;
    let now = db::now();
    let row = sqlx::query(
        "INSERT INTO pb_processes (title, description, area_code, budget_pence, currency, minimum_age, \
         ballot_type, max_choices, max_total_cost_pence, points_total, counting_rule, score_threshold, \
         show_running_totals, proposals_open_at, review_starts_at, voting_opens_at, voting_closes_at, \
         delivery_starts_at, ballot_salt, sealed_at, created_by, created_at, tie_break, tie_seed) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24) \
         RETURNING id",
    )
    .bind(&settings.title)
    .bind(&settings.description)
    .bind(settings.area_code.clone())
    .bind(settings.budget_pence)
    .bind(&settings.currency)
    .bind(settings.minimum_age)
    .bind(settings.ballot.kind())
    .bind(max_choices)
    .bind(max_total_cost)
    .bind(points_total)
    .bind(&settings.counting_rule)
    .bind(settings.score_threshold)
    .bind(i64::from(settings.show_running_totals))
    .bind(d.proposals_open_at)
    .bind(d.review_starts_at)
    .bind(d.voting_opens_at)
    .bind(d.voting_closes_at)
    .bind(d.delivery_starts_at)
    .bind((!sealed).then(crypto::random_token))
    .bind(sealed.then_some(now))
    .bind(created_by)
    .bind(now)
    .bind(settings.tie_break.key())
    .bind(seed_for(settings))
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get("id")?;
    // Run by the organisation its organiser organises for, when that is
    // exactly one; otherwise by the partnership itself.
    sqlx::query(
        "UPDATE pb_processes SET organisation_id = ( \
             SELECT MIN(m.organisation_id) FROM memberships m \
              WHERE m.account_id = $1 AND m.role IN ('coordinator', 'manager') \
             HAVING COUNT(DISTINCT m.organisation_id) = 1 AND COUNT(*) = COUNT(m.organisation_id)) \
         WHERE id = $2",
    )
    .bind(created_by)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// The organisation running a process (`None`: the partnership itself).
pub async fn run_by(db: &Db, id: i64) -> StoreResult<Option<Option<i64>>> {
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT organisation_id FROM pb_processes WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.map(|(organisation,)| organisation))
}

/// The seed a process's lot is drawn from: the one it has, or a new one
/// when its rule is `lot` (a process that keeps its rule keeps its seed).
fn seed_for(settings: &ProcessSettings) -> Option<String> {
    (settings.tie_break == TieBreak::Lot).then(|| {
        settings
            .tie_seed
            .clone()
            .unwrap_or_else(crypto::random_token)
    })
}

/// Replaces a process's settings.
pub async fn update_process(db: &Db, id: i64, settings: &ProcessSettings) -> StoreResult<()> {
    let (max_choices, max_total_cost, points_total) = settings.ballot.columns();
    let d = settings.dates;
    sqlx::query(
        "UPDATE pb_processes SET title = $1, description = $2, area_code = $3, budget_pence = $4, \
         minimum_age = $5, ballot_type = $6, max_choices = $7, max_total_cost_pence = $8, points_total = $9, \
         counting_rule = $10, score_threshold = $11, show_running_totals = $12, proposals_open_at = $13, \
         review_starts_at = $14, voting_opens_at = $15, voting_closes_at = $16, delivery_starts_at = $17, \
         tie_break = $18, tie_seed = CASE WHEN $18 = 'lot' THEN COALESCE(tie_seed, $19) END \
         WHERE id = $20",
    )
    .bind(&settings.title)
    .bind(&settings.description)
    .bind(settings.area_code.clone())
    .bind(settings.budget_pence)
    .bind(settings.minimum_age)
    .bind(settings.ballot.kind())
    .bind(max_choices)
    .bind(max_total_cost)
    .bind(points_total)
    .bind(&settings.counting_rule)
    .bind(settings.score_threshold)
    .bind(i64::from(settings.show_running_totals))
    .bind(d.proposals_open_at)
    .bind(d.review_starts_at)
    .bind(d.voting_opens_at)
    .bind(d.voting_closes_at)
    .bind(d.delivery_starts_at)
    .bind(settings.tie_break.key())
    .bind(seed_for(settings))
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Moves a process's phase dates.
pub async fn set_dates(conn: &mut AnyConnection, id: i64, d: PhaseDates) -> StoreResult<()> {
    sqlx::query(
        "UPDATE pb_processes SET proposals_open_at = $1, review_starts_at = $2, voting_opens_at = $3, \
         voting_closes_at = $4, delivery_starts_at = $5 WHERE id = $6",
    )
    .bind(d.proposals_open_at)
    .bind(d.review_starts_at)
    .bind(d.voting_opens_at)
    .bind(d.voting_closes_at)
    .bind(d.delivery_starts_at)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn find_process(db: &Db, id: i64) -> StoreResult<Option<Process>> {
    sqlx::query(&format!(
        "SELECT {PROCESS_COLUMNS} FROM pb_processes WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .as_ref()
    .map(process_from)
    .transpose()
}

/// Every process, the newest first.
pub async fn list_processes(db: &Db) -> StoreResult<Vec<Process>> {
    sqlx::query(&format!(
        "SELECT {PROCESS_COLUMNS} FROM pb_processes ORDER BY proposals_open_at DESC, id DESC"
    ))
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(process_from)
    .collect()
}

/// A theme of a process, with its own budget or sharing the rest.
#[derive(Debug, Clone)]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub budget_pence: Option<i64>,
}

/// Adds a category; `None` when the process already has one of that name.
pub async fn add_category(
    db: &Db,
    process_id: i64,
    name: &str,
    budget_pence: Option<i64>,
) -> StoreResult<Option<i64>> {
    let inserted = sqlx::query(
        "INSERT INTO pb_categories (process_id, name, budget_pence) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(process_id)
    .bind(name)
    .bind(budget_pence)
    .fetch_one(db.pool())
    .await;
    match inserted.map_err(StoreError::from) {
        Ok(row) => Ok(Some(row.try_get("id")?)),
        Err(error) if error.is_unique_violation() => Ok(None),
        Err(error) => Err(error),
    }
}

pub async fn categories(db: &Db, process_id: i64) -> StoreResult<Vec<Category>> {
    sqlx::query(
        "SELECT id, name, budget_pence FROM pb_categories WHERE process_id = $1 ORDER BY name, id",
    )
    .bind(process_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|row| {
        Ok(Category {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            budget_pence: row.try_get("budget_pence")?,
        })
    })
    .collect()
}

/// The channels staff record when typing a proposal in.
pub const STAFF_CHANNELS: [&str; 3] = ["paper", "event", "phone"];

/// A proposal as stored.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub id: i64,
    pub process_id: i64,
    pub title: String,
    pub description: String,
    pub location: String,
    pub category_id: Option<i64>,
    pub category: String,
    pub estimated_cost_pence: i64,
    pub revised_cost_pence: Option<i64>,
    pub channel: String,
    pub status: String,
    pub review_reason: String,
    pub merged_into: Option<i64>,
    pub submitted_at: i64,
    pub external_id: Option<String>,
    /// The outcome an imported file published for it (`selected`): 2 or
    /// more means funded outside the counting rule.
    pub published_selected: Option<i64>,
}

impl Proposal {
    /// The cost the ballot and the count use: the reviewed one if any.
    pub fn cost_pence(&self) -> i64 {
        self.revised_cost_pence.unwrap_or(self.estimated_cost_pence)
    }

    pub fn is_accepted(&self) -> bool {
        self.status == "accepted"
    }
}

/// A proposal to store.
#[derive(Debug, Clone)]
pub struct NewProposal {
    pub process_id: i64,
    pub title: String,
    pub description: String,
    pub location: String,
    pub category_id: Option<i64>,
    pub estimated_cost_pence: i64,
    pub channel: &'static str,
    pub proposer: Option<i64>,
    pub entered_by: Option<i64>,
}

pub async fn create_proposal(db: &Db, new: &NewProposal) -> StoreResult<i64> {
    let mut conn = db.pool().acquire().await?;
    insert_proposal(&mut conn, new, "submitted", None).await
}

/// Stores a proposal on `conn` with the given status; `external_id` is
/// the `project_id` it had in an imported file.
pub async fn insert_proposal(
    conn: &mut sqlx::AnyConnection,
    new: &NewProposal,
    status: &'static str,
    external_id: Option<&str>,
) -> StoreResult<i64> {
    sqlx::query(
        "INSERT INTO pb_proposals (process_id, title, description, location, category_id, estimated_cost_pence, \
         channel, proposer_account_id, entered_by, submitted_at, status, external_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(new.process_id)
    .bind(&new.title)
    .bind(&new.description)
    .bind(&new.location)
    .bind(new.category_id)
    .bind(new.estimated_cost_pence)
    .bind(new.channel)
    .bind(new.proposer)
    .bind(new.entered_by)
    .bind(db::now())
    .bind(status)
    .bind(external_id)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id").map_err(Into::into)
}

/// Keeps the outcome an imported file published for a proposal.
pub async fn set_published_selected(
    conn: &mut sqlx::AnyConnection,
    proposal_id: i64,
    selected: i64,
) -> StoreResult<()> {
    sqlx::query("UPDATE pb_proposals SET published_selected = $1 WHERE id = $2")
        .bind(selected)
        .bind(proposal_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

const PROPOSAL_COLUMNS: &str = "p.id, p.process_id, p.title, p.description, p.location, p.category_id, \
     c.name AS category, p.estimated_cost_pence, p.revised_cost_pence, p.channel, p.status, p.review_reason, \
     p.merged_into, p.submitted_at, p.external_id, p.published_selected";

fn proposal_from(row: &AnyRow) -> StoreResult<Proposal> {
    Ok(Proposal {
        id: row.try_get("id")?,
        process_id: row.try_get("process_id")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        location: row.try_get("location")?,
        category_id: row.try_get("category_id")?,
        category: row
            .try_get::<Option<String>, _>("category")?
            .unwrap_or_default(),
        estimated_cost_pence: row.try_get("estimated_cost_pence")?,
        revised_cost_pence: row.try_get("revised_cost_pence")?,
        channel: row.try_get("channel")?,
        status: row.try_get("status")?,
        review_reason: row.try_get("review_reason")?,
        merged_into: row.try_get("merged_into")?,
        submitted_at: row.try_get("submitted_at")?,
        external_id: row.try_get("external_id")?,
        published_selected: row.try_get("published_selected")?,
    })
}

/// Every proposal of a process, in the order they came in.
pub async fn proposals(db: &Db, process_id: i64) -> StoreResult<Vec<Proposal>> {
    sqlx::query(&format!(
        "SELECT {PROPOSAL_COLUMNS} FROM pb_proposals p LEFT JOIN pb_categories c ON c.id = p.category_id \
         WHERE p.process_id = $1 ORDER BY p.id"
    ))
    .bind(process_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(proposal_from)
    .collect()
}

/// The proposals on the ballot: accepted ones, by title.
pub async fn ballot_proposals(db: &Db, process_id: i64) -> StoreResult<Vec<Proposal>> {
    let mut accepted: Vec<Proposal> = proposals(db, process_id)
        .await?
        .into_iter()
        .filter(Proposal::is_accepted)
        .collect();
    accepted.sort_by_cached_key(|p| p.title.to_lowercase());
    Ok(accepted)
}

pub async fn find_proposal(db: &Db, process_id: i64, id: i64) -> StoreResult<Option<Proposal>> {
    sqlx::query(&format!(
        "SELECT {PROPOSAL_COLUMNS} FROM pb_proposals p LEFT JOIN pb_categories c ON c.id = p.category_id \
         WHERE p.process_id = $1 AND p.id = $2"
    ))
    .bind(process_id)
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .as_ref()
    .map(proposal_from)
    .transpose()
}

/// What the feasibility review decided about a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// On the ballot, at the revised cost when there is one.
    Accept { revised_cost_pence: Option<i64> },
    /// Not feasible.
    Reject,
    /// The same idea as another proposal, which goes forward instead.
    MergeInto(i64),
}

/// Records a review decision and its public reason.
pub async fn review(
    conn: &mut AnyConnection,
    proposal_id: i64,
    decision: Decision,
    reason: &str,
    reviewer: i64,
) -> StoreResult<()> {
    let (status, revised, merged_into) = match decision {
        Decision::Accept { revised_cost_pence } => ("accepted", revised_cost_pence, None),
        Decision::Reject => ("rejected", None, None),
        Decision::MergeInto(other) => ("merged", None, Some(other)),
    };
    sqlx::query(
        "UPDATE pb_proposals SET status = $1, revised_cost_pence = $2, merged_into = $3, review_reason = $4, \
         reviewed_by = $5, reviewed_at = $6 WHERE id = $7",
    )
    .bind(status)
    .bind(revised)
    .bind(merged_into)
    .bind(reason)
    .bind(reviewer)
    .bind(db::now())
    .bind(proposal_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Where a funded project's delivery stands, as stored.
pub const DELIVERY_STATUSES: [&str; 3] = ["planned", "in_progress", "delivered"];

/// One entry in a funded project's delivery trail.
#[derive(Debug, Clone)]
pub struct DeliveryUpdate {
    pub proposal_id: i64,
    pub status: String,
    pub happened_on: i64,
    pub note: String,
    pub spent_pence: Option<i64>,
}

impl DeliveryUpdate {
    pub fn date(&self) -> String {
        format_date(self.happened_on)
    }
}

pub async fn add_delivery_update(
    conn: &mut AnyConnection,
    update: &DeliveryUpdate,
    posted_by: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO pb_delivery_updates (proposal_id, status, happened_on, note, spent_pence, posted_by, posted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(update.proposal_id)
    .bind(&update.status)
    .bind(update.happened_on)
    .bind(&update.note)
    .bind(update.spent_pence)
    .bind(posted_by)
    .bind(db::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The delivery trail of every funded project of a process, oldest first.
pub async fn delivery_updates(db: &Db, process_id: i64) -> StoreResult<Vec<DeliveryUpdate>> {
    sqlx::query(
        "SELECT u.proposal_id, u.status, u.happened_on, u.note, u.spent_pence FROM pb_delivery_updates u \
         JOIN pb_proposals p ON p.id = u.proposal_id WHERE p.process_id = $1 \
         ORDER BY u.happened_on, u.id",
    )
    .bind(process_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|row| {
        Ok(DeliveryUpdate {
            proposal_id: row.try_get("proposal_id")?,
            status: row.try_get("status")?,
            happened_on: row.try_get("happened_on")?,
            note: row.try_get("note")?,
            spent_pence: row.try_get("spent_pence")?,
        })
    })
    .collect()
}

/// Whether any postcode in the directory lies in the area with this GSS code
/// (as its council area, ward, health board or data zone).
pub async fn area_is_known(db: &Db, code: &str) -> StoreResult<bool> {
    let (found,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM (SELECT 1 FROM postcodes WHERE council_area = $1 OR electoral_ward = $1 \
         OR health_board = $1 OR data_zone = $1 LIMIT 1) AS found",
    )
    .bind(code)
    .fetch_one(db.pool())
    .await?;
    Ok(found > 0)
}
