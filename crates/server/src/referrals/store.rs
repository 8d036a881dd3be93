//! The SQL of referrals. Every function takes a connection, so one query
//! serves a plain read and a step inside a transaction.

use coprod_engine::{
    referrals::{
        Channel, ReferrerKind, Sharing, Status, Step,
        outcomes::{Measure, Stage},
    },
    schedule::Date,
};
use sqlx::{AnyConnection, Row, any::AnyRow};

use super::model::{
    Event, Outcome, Referral, Target, actor_columns, actor_from, side_from, side_key,
};
use crate::{access::Reach, people::reach::Caseloads};

/// The demo data's dating of referrals back in time.
pub mod demo;
/// The SQL of the referrals sweep: escalations and reminders.
pub mod reminders;

/// A stored value the code cannot read back: a bug or a hand-edited row.
fn corrupt(column: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unreadable {column}: {value:?}").into())
}

fn word<T>(
    row: &AnyRow,
    column: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, sqlx::Error> {
    let text: String = row.try_get(column)?;
    parse(&text).ok_or_else(|| corrupt(column, &text))
}

const COLUMNS: &str = "r.id, r.person_id, r.referring_organisation_id, r.referred_by, r.referrer_kind, \
     r.referrer_role, r.target, r.service_id, r.service_name, r.receiving_organisation_id, r.help_category, \
     r.postcode, r.reason, r.shared_fields, r.consent_id, r.simd_quintile, r.age_band, r.status, \
     r.referred_at, r.respond_by, r.escalated_at, r.help_request_id";

fn referral(row: &AnyRow) -> Result<Referral, sqlx::Error> {
    let quintile: Option<i64> = row.try_get("simd_quintile")?;
    Ok(Referral {
        id: row.try_get("id")?,
        person_id: row.try_get("person_id")?,
        referring_organisation_id: row.try_get("referring_organisation_id")?,
        referred_by: row.try_get("referred_by")?,
        referrer_kind: word(row, "referrer_kind", |t| ReferrerKind::parse(t).ok())?,
        referrer_role: row.try_get("referrer_role")?,
        target: word(row, "target", Target::parse)?,
        service_id: row.try_get("service_id")?,
        service_name: row.try_get("service_name")?,
        receiving_organisation_id: row.try_get("receiving_organisation_id")?,
        help_category: row.try_get("help_category")?,
        postcode: row.try_get("postcode")?,
        reason: row.try_get("reason")?,
        sharing: word(row, "shared_fields", |t| Sharing::from_stored(t).ok())?,
        consent_id: row.try_get("consent_id")?,
        simd_quintile: quintile.and_then(|q| u8::try_from(q).ok()),
        age_band: row.try_get("age_band")?,
        status: word(row, "status", |t| Status::parse(t).ok())?,
        referred_at: row.try_get("referred_at")?,
        respond_by: word(row, "respond_by", |t| Date::parse(t).ok())?,
        escalated_at: row.try_get("escalated_at")?,
        help_request_id: row.try_get("help_request_id")?,
    })
}

/// A referral about to be stored.
#[derive(Debug, Clone)]
pub struct NewReferral {
    pub person_id: i64,
    pub referring_organisation_id: Option<i64>,
    pub referred_by: Option<i64>,
    pub referrer_kind: ReferrerKind,
    pub referrer_role: String,
    pub target: Target,
    pub service_id: Option<String>,
    pub service_name: String,
    pub receiving_organisation_id: i64,
    pub help_category: Option<String>,
    pub postcode: String,
    pub reason: String,
    pub sharing: Sharing,
    pub simd_quintile: Option<u8>,
    pub age_band: Option<String>,
    pub respond_by: Date,
}

/// Stores a referral in the state `referred`. Its first step is stored
/// by [`add_event`] in the same transaction.
pub async fn create(
    conn: &mut AnyConnection,
    new: &NewReferral,
    consent_id: i64,
    at: i64,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO referrals (person_id, referring_organisation_id, referred_by, referrer_kind, \
         referrer_role, target, service_id, service_name, receiving_organisation_id, help_category, postcode, \
         reason, shared_fields, consent_id, simd_quintile, age_band, status, referred_at, respond_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'referred', $17, $18) \
         RETURNING id",
    )
    .bind(new.person_id)
    .bind(new.referring_organisation_id)
    .bind(new.referred_by)
    .bind(new.referrer_kind.key())
    .bind(&new.referrer_role)
    .bind(new.target.key())
    .bind(new.service_id.as_deref())
    .bind(&new.service_name)
    .bind(new.receiving_organisation_id)
    .bind(new.help_category.as_deref())
    .bind(&new.postcode)
    .bind(&new.reason)
    .bind(new.sharing.to_stored())
    .bind(consent_id)
    .bind(new.simd_quintile.map(i64::from))
    .bind(new.age_band.as_deref())
    .bind(at)
    .bind(new.respond_by.to_string())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<Referral>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM referrals r WHERE r.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| referral(&row))
    .transpose()
}

/// The referral with this consent, if the consent was given for one.
pub async fn for_consent(
    conn: &mut AnyConnection,
    consent_id: i64,
) -> Result<Option<Referral>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM referrals r WHERE r.consent_id = $1"
    ))
    .bind(consent_id)
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| referral(&row))
    .transpose()
}

/// Which side of the referrals a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Received by an organisation within reach.
    Incoming,
    /// Made from a record held within reach.
    Sent,
    /// Either.
    Both,
}

fn condition(reach: &Reach, open: Caseloads, which: Which) -> String {
    let incoming = reach.sql_condition("r.receiving_organisation_id");
    // On the referrer's side a person on a team's caseload stays with the
    // team (`people::reach`), except for whoever made the referral.
    let sent = match open {
        Caseloads::All => reach.sql_condition("r.referring_organisation_id"),
        Caseloads::TeamsOf(account) => format!(
            "({}) AND (r.referred_by = {account} OR {})",
            reach.sql_condition("r.referring_organisation_id"),
            open.sql_condition("r.person_id")
        ),
    };
    match which {
        Which::Incoming => incoming,
        Which::Sent => sent,
        Which::Both => format!("({incoming}) OR ({sent})"),
    }
}

/// Referrals within `reach` on the `which` side (on the referrer's side,
/// about people `open` to the reader or made by them): open ones first, by
/// due date, then the rest newest first.
pub async fn list(
    conn: &mut AnyConnection,
    reach: &Reach,
    open: Caseloads,
    which: Which,
    limit: i64,
    offset: i64,
) -> Result<Vec<Referral>, sqlx::Error> {
    let held = condition(reach, open, which);
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM referrals r WHERE {held} \
         ORDER BY CASE WHEN r.status IN ('completed', 'declined', 'did_not_attend', 'withdrawn') THEN 1 ELSE 0 END, \
         CASE WHEN r.status IN ('completed', 'declined', 'did_not_attend', 'withdrawn') THEN -r.referred_at ELSE 0 END, \
         r.respond_by, r.id LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(referral).collect()
}

/// How many referrals `list` would show in all.
pub async fn count(
    conn: &mut AnyConnection,
    reach: &Reach,
    open: Caseloads,
    which: Which,
) -> Result<i64, sqlx::Error> {
    let held = condition(reach, open, which);
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM referrals r WHERE {held}"))
        .fetch_one(&mut *conn)
        .await?;
    Ok(n)
}

/// A person's referrals.
pub async fn for_person(
    conn: &mut AnyConnection,
    person_id: i64,
) -> Result<Vec<Referral>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM referrals r WHERE r.person_id = $1 ORDER BY r.referred_at DESC, r.id DESC"
    ))
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(referral).collect()
}

/// Appends a step.
pub async fn add_event(
    conn: &mut AnyConnection,
    referral_id: i64,
    step: &Step,
    side: coprod_engine::referrals::Side,
) -> Result<i64, sqlx::Error> {
    let (kind, actor_id) = actor_columns(step.actor);
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO referral_events (referral_id, status, occurred_at, actor_kind, actor_id, side, channel, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(referral_id)
    .bind(step.status.key())
    .bind(step.at)
    .bind(kind)
    .bind(actor_id)
    .bind(side_key(side))
    .bind(step.channel.key())
    .bind(&step.note)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Moves the referral from `from` to `to`; false if someone else moved it
/// first (nothing changed then).
pub async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    from: Status,
    to: Status,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE referrals SET status = $1 WHERE id = $2 AND status = $3")
        .bind(to.key())
        .bind(id)
        .bind(from.key())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(done == 1)
}

/// Notes the request for help a desk referral became.
pub async fn set_help_request(
    conn: &mut AnyConnection,
    id: i64,
    request_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE referrals SET help_request_id = $1 WHERE id = $2")
        .bind(request_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

fn event(row: &AnyRow) -> Result<Event, sqlx::Error> {
    let kind: String = row.try_get("actor_kind")?;
    let actor_id: Option<i64> = row.try_get("actor_id")?;
    Ok(Event {
        id: row.try_get("id")?,
        step: Step {
            status: word(row, "status", |t| Status::parse(t).ok())?,
            at: row.try_get("occurred_at")?,
            actor: actor_from(&kind, actor_id).ok_or_else(|| corrupt("actor_kind", &kind))?,
            channel: word(row, "channel", |t| Channel::parse(t).ok())?,
            note: row.try_get("note")?,
        },
        side: word(row, "side", side_from)?,
    })
}

/// A referral's steps, first to last.
pub async fn events(conn: &mut AnyConnection, referral_id: i64) -> Result<Vec<Event>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, status, occurred_at, actor_kind, actor_id, side, channel, note FROM referral_events \
         WHERE referral_id = $1 ORDER BY occurred_at, id",
    )
    .bind(referral_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(event).collect()
}

/// The statuses every referral within `reach` has been in, by referral.
pub async fn statuses_within(
    conn: &mut AnyConnection,
    reach: &Reach,
) -> Result<Vec<(i64, Status)>, sqlx::Error> {
    let held = condition(reach, Caseloads::All, Which::Both);
    let rows = sqlx::query(&format!(
        "SELECT e.referral_id, e.status FROM referral_events e JOIN referrals r ON r.id = e.referral_id \
         WHERE {held} ORDER BY e.referral_id, e.occurred_at, e.id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("referral_id")?,
                word(row, "status", |t| Status::parse(t).ok())?,
            ))
        })
        .collect()
}

/// A wellbeing measure about to be stored, its answers already scored.
#[derive(Debug, Clone)]
pub struct NewOutcome {
    pub person_id: i64,
    pub referral_id: Option<i64>,
    pub measure: Measure,
    pub stage: Stage,
    pub items: Vec<i64>,
    pub channel: Channel,
    pub entered_by: Option<i64>,
}

pub async fn add_outcome(
    conn: &mut AnyConnection,
    new: &NewOutcome,
    at: i64,
) -> Result<i64, sqlx::Error> {
    let items =
        serde_json::to_string(&new.items).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO outcome_measures (person_id, referral_id, instrument, stage, recorded_at, items, channel, entered_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(new.person_id)
    .bind(new.referral_id)
    .bind(new.measure.key())
    .bind(new.stage.key())
    .bind(at)
    .bind(items)
    .bind(new.channel.key())
    .bind(new.entered_by)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

fn outcome(row: &AnyRow) -> Result<Outcome, sqlx::Error> {
    let items: String = row.try_get("items")?;
    Ok(Outcome {
        id: row.try_get("id")?,
        person_id: row.try_get("person_id")?,
        referral_id: row.try_get("referral_id")?,
        measure: word(row, "instrument", Measure::from_key)?,
        stage: word(row, "stage", |t| Stage::parse(t).ok())?,
        recorded_at: row.try_get("recorded_at")?,
        items: serde_json::from_str(&items).map_err(|_| corrupt("items", &items))?,
        channel: word(row, "channel", |t| Channel::parse(t).ok())?,
        entered_by: row.try_get("entered_by")?,
    })
}

const OUTCOME_COLUMNS: &str = "o.id, o.person_id, o.referral_id, o.instrument, o.stage, o.recorded_at, o.items, o.channel, o.entered_by";

/// The measures taken during a referral, oldest first.
pub async fn outcomes_of(
    conn: &mut AnyConnection,
    referral_id: i64,
) -> Result<Vec<Outcome>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {OUTCOME_COLUMNS} FROM outcome_measures o WHERE o.referral_id = $1 ORDER BY o.recorded_at, o.id"
    ))
    .bind(referral_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(outcome).collect()
}

/// The measures taken during referrals within `reach` (either side).
pub async fn outcomes_within(
    conn: &mut AnyConnection,
    reach: &Reach,
) -> Result<Vec<Outcome>, sqlx::Error> {
    let held = condition(reach, Caseloads::All, Which::Both);
    let rows = sqlx::query(&format!(
        "SELECT {OUTCOME_COLUMNS} FROM outcome_measures o JOIN referrals r ON r.id = o.referral_id \
         WHERE {held} ORDER BY o.recorded_at, o.id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(outcome).collect()
}

/// The measures taken during referrals to one service on the asset map,
/// whoever made or received them: read only to be counted together.
pub async fn outcomes_for_service(
    conn: &mut AnyConnection,
    service_id: &str,
) -> Result<Vec<Outcome>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {OUTCOME_COLUMNS} FROM outcome_measures o JOIN referrals r ON r.id = o.referral_id \
         WHERE r.service_id = $1 ORDER BY o.recorded_at, o.id"
    ))
    .bind(service_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(outcome).collect()
}

/// Organisation names by id.
pub async fn organisation_names(
    conn: &mut AnyConnection,
) -> Result<std::collections::HashMap<i64, String>, sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM organisations")
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// A service that can receive referrals: listed, active, and kept by a
/// partnership organisation.
#[derive(Debug, Clone)]
pub struct Receivable {
    pub id: String,
    pub name: String,
    pub organisation_id: i64,
    pub organisation: String,
}

/// Services that can receive referrals, by name.
pub async fn receivable_services(conn: &mut AnyConnection) -> Result<Vec<Receivable>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.id, s.name, s.managed_by, o.name AS organisation FROM services s \
         JOIN organisations o ON o.id = s.managed_by \
         WHERE s.status = 'active' ORDER BY s.name, s.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Receivable {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                organisation_id: row.try_get("managed_by")?,
                organisation: row.try_get("organisation")?,
            })
        })
        .collect()
}

/// One service that can receive referrals.
pub async fn receivable_service(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<Receivable>, sqlx::Error> {
    Ok(receivable_services(conn)
        .await?
        .into_iter()
        .find(|s| s.id == id))
}

/// The display name of an account, for a step's "who".
pub async fn account_name(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT display_name FROM accounts WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
}

/// The name of an API token, for a step's "who".
pub async fn token_name(conn: &mut AnyConnection, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM api_tokens WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
}

/// Where a postcode is, if the directory knows it.
pub async fn postcode_place(
    conn: &mut AnyConnection,
    postcode: &str,
) -> Result<Option<(f64, f64)>, sqlx::Error> {
    sqlx::query_as("SELECT latitude, longitude FROM postcodes WHERE postcode = $1")
        .bind(postcode)
        .fetch_optional(&mut *conn)
        .await
}
