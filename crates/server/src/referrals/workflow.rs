//! Making a referral, reading it, moving it on and recording outcomes: one
//! transaction a step, with its audit row inside it. The actor's reach
//! decides which side of a referral they stand on; a referral on neither
//! side is not there for them.

use coprod_engine::{
    matching::{TimeWindow, Urgency, WeeklyWindow},
    place::Coordinates,
    referrals::{
        self as rules, Actor as StepActor, Channel, Side, Status, Step, StepError,
        calendar::WorkingCalendar,
        outcomes::{Measure, Stage},
    },
    schedule::Date,
};
use sqlx::AnyConnection;

use super::{
    model::{Event, Outcome, Referral, Target, history},
    store::{self, NewOutcome, NewReferral},
};
use crate::{
    audit::{self, Action},
    coordination::{
        model::{Channel as HelpChannel, Person},
        store::{people::NewPerson, requests::NewRequest},
        workflow::Actor,
    },
    db::{self, Db},
    privacy::consent::{self, LawfulBasis, NewConsent, RecordKind},
};

/// Why a referral step was not taken. Nothing changed.
#[derive(Debug, thiserror::Error)]
pub enum ReferralError {
    /// Not there, or none of the actor's business.
    #[error("not found")]
    NotFound,
    /// The state machine refused the step.
    #[error(transparent)]
    Step(#[from] StepError),
    /// Someone else moved the referral first.
    #[error("someone else changed this first")]
    Stale,
    /// A desk referral's postcode is no longer in the directory.
    #[error("the postcode is not known")]
    PostcodeUnknown,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A store's error (the audit log's, say), through the driver's error
/// this type still carries.
impl From<crate::db::StoreError> for ReferralError {
    fn from(error: crate::db::StoreError) -> Self {
        ReferralError::Database(error.into())
    }
}

impl ReferralError {
    /// A stable code for redirects and the API.
    pub fn code(&self) -> &'static str {
        match self {
            ReferralError::NotFound => "not_found",
            ReferralError::Step(e) => e.code(),
            ReferralError::Stale => "stale",
            ReferralError::PostcodeUnknown => "postcode_unknown",
            ReferralError::Database(_) => "internal",
        }
    }
}

type Result<T, E = ReferralError> = std::result::Result<T, E>;

/// The engine's name for the actor.
pub fn step_actor(actor: &Actor) -> StepActor {
    match (actor.account_id, actor.token_id) {
        (_, Some(token)) => StepActor::Token(token),
        (Some(account), None) => StepActor::Account(account),
        (None, None) => StepActor::Operator,
    }
}

/// A referral to make, checked.
#[derive(Debug, Clone)]
pub struct Making {
    pub referral: NewReferral,
    /// How the person's consent was given.
    pub consent_channel: HelpChannel,
    /// How the referral was made.
    pub channel: Channel,
    /// The receiving organisation's name, for the consent's purpose.
    pub receiver_name: String,
}

/// The co-delivery record of a person, if the actor reaches the
/// organisation holding it.
pub async fn reachable_person(
    conn: &mut AnyConnection,
    actor: &Actor,
    person_id: i64,
) -> Result<Person> {
    crate::coordination::store::people::find(conn, person_id)
        .await?
        .filter(|p| actor.reach.covers(p.organisation_id))
        .ok_or(ReferralError::NotFound)
}

/// Makes a referral: the consent, the referral and its first step, and
/// the audit row, all or nothing.
pub async fn refer(db: &Db, actor: &Actor, making: &Making) -> Result<i64> {
    let now = db::now();
    let mut tx = db.begin_write().await?;
    let person = reachable_person(&mut tx, actor, making.referral.person_id).await?;
    let mut new = making.referral.clone();
    new.referring_organisation_id = person.organisation_id;
    let fields: Vec<&str> = new.sharing.fields().iter().map(|f| f.key()).collect();
    let purpose = format!(
        "referral to {}: sharing {} with {}",
        if new.service_name.is_empty() {
            "the volunteer desk"
        } else {
            new.service_name.as_str()
        },
        fields.join(", "),
        making.receiver_name
    );
    let consent_id = consent::give(
        &mut tx,
        &NewConsent {
            account_id: person.account_id,
            coordination_person_id: Some(person.id),
            record_kind: RecordKind::Coordination,
            record_id: None,
            purpose: &purpose,
            lawful_basis: LawfulBasis::Consent,
            given_by: actor.account_id,
            channel: making.consent_channel,
        },
        now,
    )
    .await?;
    let id = store::create(&mut tx, &new, consent_id, now).await?;
    let first = rules::History::referred(now, step_actor(actor), making.channel);
    store::add_event(&mut tx, id, &first.steps()[0], Side::Referrer).await?;
    audit::record_in(
        &mut tx,
        actor
            .event(Action::ReferralMade)
            .subject("coordination_person", person.id)
            .detail(format!("referral {id}: {purpose}")),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A referral a signed-in person makes for themselves, to a service on the
/// asset map.
#[derive(Debug, Clone)]
pub struct SelfReferral {
    pub account_id: i64,
    pub display_name: String,
    pub email: String,
    /// The number they want to be called on, if they share one.
    pub phone: String,
    pub service: store::Receivable,
    pub reason: String,
    pub sharing: rules::Sharing,
    pub age_band: Option<String>,
    pub respond_by: Date,
}

/// Makes a self-referral: the person's own record (made on first use, held
/// by the partnership like everyone who comes online by themselves), their
/// consent, the referral and its first step, and the audit row, all or
/// nothing.
pub async fn refer_self(db: &Db, actor: &Actor, referral: &SelfReferral) -> Result<i64> {
    use crate::coordination::store::people;
    let now = db::now();
    let mut tx = db.begin_write().await?;
    let person_id = match people::for_account(&mut tx, referral.account_id).await? {
        Some(person) => person.id,
        None => {
            people::create(
                &mut tx,
                &NewPerson {
                    account_id: Some(referral.account_id),
                    organisation_id: None,
                    display_name: referral.display_name.clone(),
                    phone: referral.phone.clone(),
                    email: Some(referral.email.clone()),
                    gender: None,
                    pays_own_time: true,
                    channel: HelpChannel::Online,
                },
                None,
            )
            .await?
        }
    };
    let person = people::find(&mut tx, person_id)
        .await?
        .ok_or(ReferralError::NotFound)?;
    if !referral.phone.is_empty() && person.phone != referral.phone {
        people::update_details(
            &mut tx,
            person.id,
            &referral.phone,
            person.gender.as_deref(),
        )
        .await?;
    }
    let fields: Vec<&str> = referral.sharing.fields().iter().map(|f| f.key()).collect();
    let purpose = format!(
        "self-referral to {}: sharing {} with {}",
        referral.service.name,
        fields.join(", "),
        referral.service.organisation
    );
    let consent_id = consent::give(
        &mut tx,
        &NewConsent {
            account_id: Some(referral.account_id),
            coordination_person_id: Some(person.id),
            record_kind: RecordKind::Coordination,
            record_id: None,
            purpose: &purpose,
            lawful_basis: LawfulBasis::Consent,
            given_by: Some(referral.account_id),
            channel: HelpChannel::Online,
        },
        now,
    )
    .await?;
    let new = NewReferral {
        person_id: person.id,
        referring_organisation_id: person.organisation_id,
        referred_by: Some(referral.account_id),
        referrer_kind: rules::ReferrerKind::SelfReferral,
        referrer_role: String::new(),
        target: Target::Service,
        service_id: Some(referral.service.id.clone()),
        service_name: referral.service.name.clone(),
        receiving_organisation_id: referral.service.organisation_id,
        help_category: None,
        postcode: String::new(),
        reason: referral.reason.clone(),
        sharing: referral.sharing.clone(),
        simd_quintile: None,
        age_band: referral.age_band.clone(),
        respond_by: referral.respond_by,
    };
    let id = store::create(&mut tx, &new, consent_id, now).await?;
    let first = rules::History::referred(now, step_actor(actor), Channel::Online);
    store::add_event(&mut tx, id, &first.steps()[0], Side::Referrer).await?;
    audit::record_in(
        &mut tx,
        actor
            .event(Action::ReferralMade)
            .subject("coordination_person", person.id)
            .detail(format!("referral {id}: {purpose}")),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A person's own referral with its steps, if it is theirs.
pub async fn own(db: &Db, account_id: i64, id: i64) -> Result<(Referral, Vec<Event>)> {
    let mut conn = db.pool().acquire().await?;
    let referral = store::find(&mut conn, id)
        .await?
        .ok_or(ReferralError::NotFound)?;
    let person = crate::coordination::store::people::find(&mut conn, referral.person_id)
        .await?
        .ok_or(ReferralError::NotFound)?;
    if person.account_id != Some(account_id) {
        return Err(ReferralError::NotFound);
    }
    let events = store::events(&mut conn, id).await?;
    Ok((referral, events))
}

/// Withdraws a person's own referral at their request, with their reason.
pub async fn withdraw_own(
    db: &Db,
    actor: &Actor,
    account_id: i64,
    id: i64,
    reason: &str,
) -> Result<()> {
    let now = db::now();
    let mut tx = db.begin_write().await?;
    let referral = store::find(&mut tx, id)
        .await?
        .ok_or(ReferralError::NotFound)?;
    let person = crate::coordination::store::people::find(&mut tx, referral.person_id)
        .await?
        .ok_or(ReferralError::NotFound)?;
    if person.account_id != Some(account_id) {
        return Err(ReferralError::NotFound);
    }
    let events = store::events(&mut tx, id).await?;
    let mut history = history(&events)?;
    let from = history.status();
    let step = Step {
        status: Status::Withdrawn,
        at: now.max(events.last().map_or(now, |e| e.step.at)),
        actor: step_actor(actor),
        channel: Channel::Online,
        note: reason.trim().to_owned(),
    };
    history.take(step.clone(), Side::Referrer)?;
    if !store::set_status(&mut tx, id, from, Status::Withdrawn).await? {
        return Err(ReferralError::Stale);
    }
    store::add_event(&mut tx, id, &step, Side::Referrer).await?;
    audit::record_in(
        &mut tx,
        actor
            .event(Action::ReferralStepTaken)
            .subject("coordination_person", referral.person_id)
            .detail(format!(
                "referral {id}: {} → withdrawn by the person",
                from.key()
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The side of `referral` the actor stands on. On the referrer's side a
/// person on a team's caseload stays with the team (`people::reach`):
/// someone else of the organisation, unless they made the referral, is
/// told it is not there, or sees only the receiver's side when their
/// organisation received it too.
pub async fn side(conn: &mut AnyConnection, actor: &Actor, referral: &Referral) -> Result<Side> {
    let side = referral
        .side_of(&actor.reach)
        .ok_or(ReferralError::NotFound)?;
    if side == Side::Receiver
        || (actor.account_id.is_some() && actor.account_id == referral.referred_by)
        || actor.caseloads.open(conn, referral.person_id).await?
    {
        return Ok(side);
    }
    match side {
        Side::Either => Ok(Side::Receiver),
        _ => Err(ReferralError::NotFound),
    }
}

/// A referral as one side sees it, with its steps and outcomes.
#[derive(Debug, Clone)]
pub struct Seen {
    pub referral: Referral,
    pub side: Side,
    pub events: Vec<Event>,
    pub outcomes: Vec<Outcome>,
    pub person: Person,
}

/// Reads a referral for the actor, recording the read in the audit log in
/// the same transaction.
pub async fn read(db: &Db, actor: &Actor, id: i64, why: &str) -> Result<Seen> {
    let mut tx = db.begin_write().await?;
    let referral = store::find(&mut tx, id)
        .await?
        .ok_or(ReferralError::NotFound)?;
    let side = side(&mut tx, actor, &referral).await?;
    let person = crate::coordination::store::people::find(&mut tx, referral.person_id)
        .await?
        .ok_or(ReferralError::NotFound)?;
    let events = store::events(&mut tx, id).await?;
    let outcomes = store::outcomes_of(&mut tx, id).await?;
    audit::record_in(
        &mut tx,
        actor
            .event(Action::PersonRead)
            .subject("coordination_person", referral.person_id)
            .detail(format!("referral {id}: {why}")),
    )
    .await?;
    tx.commit().await?;
    Ok(Seen {
        referral,
        side,
        events,
        outcomes,
        person,
    })
}

/// A step to take.
#[derive(Debug, Clone)]
pub struct Moving {
    pub to: Status,
    pub channel: Channel,
    pub note: String,
}

/// Takes a step on a referral, checked by the engine against its whole
/// history. A desk referral accepted becomes a request for help on the
/// receiving organisation's desk.
pub async fn step(
    db: &Db,
    actor: &Actor,
    id: i64,
    moving: &Moving,
    calendar: &WorkingCalendar,
) -> Result<Status> {
    let now = db::now();
    let mut tx = db.begin_write().await?;
    let referral = store::find(&mut tx, id)
        .await?
        .ok_or(ReferralError::NotFound)?;
    let side = side(&mut tx, actor, &referral).await?;
    let events = store::events(&mut tx, id).await?;
    let mut history = history(&events)?;
    let from = history.status();
    let step = Step {
        status: moving.to,
        at: now.max(events.last().map_or(now, |e| e.step.at)),
        actor: step_actor(actor),
        channel: moving.channel,
        note: moving.note.trim().to_owned(),
    };
    history.take(step.clone(), side)?;
    if !store::set_status(&mut tx, id, from, moving.to).await? {
        return Err(ReferralError::Stale);
    }
    store::add_event(&mut tx, id, &step, side).await?;
    if referral.target == Target::Desk && moving.to == Status::Accepted {
        let request = desk_request(&mut tx, actor, &referral, calendar).await?;
        store::set_help_request(&mut tx, id, request).await?;
    }
    audit::record_in(
        &mut tx,
        actor
            .event(Action::ReferralStepTaken)
            .subject("coordination_person", referral.person_id)
            .detail(format!(
                "referral {id}: {} → {}",
                from.key(),
                moving.to.key()
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(moving.to)
}

/// The request for help an accepted desk referral becomes. The receiving
/// organisation holds its own record of the person, with only what the
/// person agreed to share, and the request is on its desk: one-off help on
/// the next working day, in office hours, for its coordinators to arrange
/// with the person.
async fn desk_request(
    conn: &mut AnyConnection,
    actor: &Actor,
    referral: &Referral,
    calendar: &WorkingCalendar,
) -> Result<i64> {
    use coprod_engine::referrals::SharedField;
    let person = crate::coordination::store::people::find(conn, referral.person_id)
        .await?
        .ok_or(ReferralError::NotFound)?;
    let shares = |field| referral.sharing.shares(field);
    let name = if shares(SharedField::Name) {
        person.display_name.clone()
    } else {
        format!("Referral {}", referral.id)
    };
    let held = NewPerson {
        account_id: None,
        organisation_id: Some(referral.receiving_organisation_id),
        display_name: name,
        phone: if shares(SharedField::Phone) {
            person.phone.clone()
        } else {
            String::new()
        },
        email: person.email.clone().filter(|_| shares(SharedField::Email)),
        gender: None,
        pays_own_time: false,
        channel: HelpChannel::Phone,
    };
    let held_id = crate::coordination::store::people::create(conn, &held, actor.account_id).await?;
    let place = super::store::postcode_place(conn, &referral.postcode).await?;
    let location = place
        .and_then(|(lat, lon)| Coordinates::new(lat, lon).ok())
        .ok_or(ReferralError::PostcodeUnknown)?;
    let first_date = calendar.add_working_days(Date::of_unix_seconds(db::now()), 1);
    let office_hours = TimeWindow::new(9 * 60, 17 * 60)
        .map_err(|_| ReferralError::Database(sqlx::Error::Protocol("office hours".into())))?;
    let description = if shares(SharedField::Reason) {
        referral.reason.clone()
    } else {
        format!("Referral {}", referral.id)
    };
    let new = NewRequest {
        category: referral.help_category.clone().unwrap_or_default(),
        description,
        recurring: false,
        first_date,
        last_date: None,
        duration_minutes: 60,
        postcode: referral.postcode.clone(),
        location,
        address: format!("To be agreed with the person (referral {})", referral.id),
        max_distance_metres: None,
        urgency: Urgency::Routine,
        languages: Vec::new(),
        same_gender_helper: false,
        wheelchair_access: false,
        vulnerable_adult: false,
        windows: vec![WeeklyWindow {
            day: first_date.weekday(),
            time: office_hours,
        }],
        channel: HelpChannel::Phone,
    };
    Ok(crate::coordination::store::requests::create(conn, held_id, &new, actor.account_id).await?)
}

/// A measure to record, its answers checked by the engine.
#[derive(Debug, Clone)]
pub struct Measuring {
    pub measure: Measure,
    pub stage: Stage,
    pub items: Vec<i64>,
    pub channel: Channel,
}

/// Records a wellbeing measure taken during a referral.
pub async fn record_outcome(
    db: &Db,
    actor: &Actor,
    referral_id: i64,
    measuring: &Measuring,
) -> Result<i64> {
    let now = db::now();
    let mut tx = db.begin_write().await?;
    let referral = store::find(&mut tx, referral_id)
        .await?
        .ok_or(ReferralError::NotFound)?;
    side(&mut tx, actor, &referral).await?;
    let id = store::add_outcome(
        &mut tx,
        &NewOutcome {
            person_id: referral.person_id,
            referral_id: Some(referral_id),
            measure: measuring.measure,
            stage: measuring.stage,
            items: measuring.items.clone(),
            channel: measuring.channel,
            entered_by: actor.account_id,
        },
        now,
    )
    .await?;
    audit::record_in(
        &mut tx,
        actor
            .event(Action::OutcomeRecorded)
            .subject("coordination_person", referral.person_id)
            .detail(format!(
                "referral {referral_id}: {} {}",
                measuring.measure.key(),
                measuring.stage.key()
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Withdraws a referral whose consent to share was withdrawn, inside the
/// caller's transaction; a referral whose story has ended stays as it is.
pub async fn withdraw_for_consent(
    conn: &mut AnyConnection,
    referral: &Referral,
    by: Option<i64>,
    channel: HelpChannel,
    now: i64,
) -> Result<(), sqlx::Error> {
    if referral.status.is_final() {
        return Ok(());
    }
    let step = Step {
        status: Status::Withdrawn,
        at: now,
        actor: by.map_or(StepActor::Operator, StepActor::Account),
        channel: channel_of(channel),
        note: "consent to share withdrawn".into(),
    };
    if store::set_status(conn, referral.id, referral.status, Status::Withdrawn).await? {
        store::add_event(conn, referral.id, &step, Side::Referrer).await?;
    }
    Ok(())
}

/// A co-delivery channel as a referral step's channel.
pub fn channel_of(channel: HelpChannel) -> Channel {
    match channel {
        HelpChannel::Online => Channel::Online,
        HelpChannel::Phone => Channel::Phone,
        HelpChannel::Paper => Channel::Paper,
        HelpChannel::InPerson => Channel::InPerson,
    }
}
