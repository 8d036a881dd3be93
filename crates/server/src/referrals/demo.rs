//! The demo partnership's social prescribing: people held by the link
//! workers' organisation, referred to listed services of several
//! organisations (among them the demo coordinator's), in every state of
//! the life-cycle, with start and review measures for about half of those
//! who attended. Every name is made up.

use coprod_engine::{
    referrals::{
        Channel, ReferrerKind, Sharing, Status,
        outcomes::{Measure, Stage},
    },
    schedule::Date,
    surveys::instruments::Instrument,
};

use super::{
    model::Target,
    store::{self, NewReferral},
    workflow::{self, Making, Measuring, Moving},
};
use crate::{
    coordination::{
        model::Channel as HelpChannel,
        store::people::{self, NewPerson},
        workflow::Actor,
    },
    db::{self, Db},
};

/// Made-up people with ordinary Scottish names.
const PEOPLE: &[(&str, &str)] = &[
    ("Morag Fraser", "75_84"),
    ("Alasdair MacLeod", "65_74"),
    ("Catriona Stewart", "55_64"),
    ("Duncan Robertson", "85_plus"),
    ("Isla Campbell", "35_44"),
    ("Callum Murray", "45_54"),
    ("Rhona MacDonald", "75_84"),
    ("Euan Ross", "25_34"),
    ("Fiona Grant", "65_74"),
    ("Lachlan Paterson", "55_64"),
    ("Kirsty Henderson", "45_54"),
    ("Hamish Kerr", "75_84"),
    ("Shona Mackenzie", "65_74"),
    ("Gordon Thomson", "75_84"),
    ("Ailsa Johnstone", "45_54"),
    ("Malcolm Reid", "85_plus"),
    ("Eilidh Morrison", "25_34"),
    ("Niall Scott", "55_64"),
    ("Mairi Sinclair", "75_84"),
    ("Graeme Watson", "65_74"),
    ("Lorna Hamilton", "55_64"),
    ("Craig Buchanan", "35_44"),
    ("Elspeth Gray", "85_plus"),
    ("Ruaridh Munro", "45_54"),
];

/// What each referral went through, cycled over the referrals.
const PATHS: &[&[Status]] = &[
    &[],
    &[Status::Accepted],
    &[Status::Accepted, Status::Contacted],
    &[Status::Accepted, Status::Contacted, Status::FirstAttended],
    &[
        Status::Accepted,
        Status::Contacted,
        Status::FirstAttended,
        Status::Completed,
    ],
    &[Status::Declined],
    &[Status::Accepted, Status::Contacted, Status::DidNotAttend],
    &[Status::Withdrawn],
    &[Status::Accepted, Status::FirstAttended, Status::Completed],
];

const REASONS: &[&str] = &[
    "Feels lonely since moving into the town; would like company",
    "Wants to get walking again after a fall",
    "Caring for her husband and needs time for herself",
    "Money worries are keeping him awake",
    "Would like to learn to cook for one",
    "Misses singing; used to be in a choir",
];

/// The answers given to each measure by the `n`th referral's person, at
/// the start (`lift` 0) or at a review (`lift` 1): most feel a little
/// better and less lonely by the review, and meet more of their outcomes;
/// some do not.
fn measures(n: usize, lift: i64) -> Vec<(Measure, Vec<i64>)> {
    let start = i64::try_from(n % 4).unwrap_or(0);
    // One in five is no better at the review, so the figures are not all good news.
    let lift = if n % 5 == 2 { 0 } else { lift };
    let swemwbs = (0..7)
        .map(|i| (1 + (start + i + lift * 2) % 4 + lift).clamp(1, 5))
        .collect();
    let ucla3 = vec![3 - lift, 3 - lift, 2];
    let talking_points = (0..15_i64)
        .map(|i| match (i + start) % 5 {
            0 => 0,
            k => (1 + (k + lift) % 3 + lift).min(3),
        })
        .collect();
    vec![
        (Measure::Instrument(Instrument::Swemwbs), swemwbs),
        (Measure::Instrument(Instrument::Ucla3), ucla3),
        (Measure::TalkingPoints, talking_points),
    ]
}

/// The note a step carries, where one is needed.
fn note(status: Status) -> &'static str {
    match status {
        Status::Declined => "The group is full until the spring",
        Status::Withdrawn => "Moved to live with family in Inverness",
        Status::DidNotAttend => "Not well enough to come this month",
        Status::Completed => "Comes every week now and has joined the committee",
        _ => "",
    }
}

/// Seeds the referrals; returns how many were made. The organisation at
/// `referrer` holds the people.
#[expect(
    clippy::too_many_lines,
    reason = "the demo's story, referral by referral, in one place"
)]
pub async fn seed(db: &Db, referrer: i64) -> anyhow::Result<usize> {
    let mut conn = db.pool().acquire().await?;
    let services: Vec<_> = store::receivable_services(&mut conn)
        .await?
        .into_iter()
        .filter(|s| s.organisation_id != referrer)
        .collect();
    drop(conn);
    if services.is_empty() {
        return Ok(0);
    }
    let actor = Actor::operator();
    let calendar = crate::settings::ReferralSettings::default().calendar();
    let mut people_ids = Vec::new();
    for (name, _) in PEOPLE {
        let mut tx = db.begin_write().await?;
        let id = people::create(
            &mut tx,
            &NewPerson {
                account_id: None,
                organisation_id: Some(referrer),
                display_name: (*name).to_owned(),
                phone: "01632 960100".into(),
                email: None,
                gender: None,
                pays_own_time: false,
                channel: HelpChannel::InPerson,
            },
            None,
        )
        .await?;
        tx.commit().await?;
        people_ids.push(id);
    }
    let now = db::now();
    let total = 80;
    for n in 0..total {
        let person = n % PEOPLE.len();
        let service = &services[(n * 7) % services.len().min(8)];
        let path = PATHS[n % PATHS.len()];
        let made = Date::of_unix_seconds(now).add_days(-(i64::try_from(total - n)?));
        let id = workflow::refer(
            db,
            &actor,
            &Making {
                referral: NewReferral {
                    person_id: people_ids[person],
                    referring_organisation_id: None,
                    referred_by: None,
                    referrer_kind: [
                        ReferrerKind::LinkWorker,
                        ReferrerKind::GpPractice,
                        ReferrerKind::LinkWorker,
                        ReferrerKind::Nurse,
                        ReferrerKind::SelfReferral,
                    ][n % 5],
                    referrer_role: String::new(),
                    target: Target::Service,
                    service_id: Some(service.id.clone()),
                    service_name: service.name.clone(),
                    receiving_organisation_id: service.organisation_id,
                    help_category: None,
                    postcode: String::new(),
                    reason: REASONS[n % REASONS.len()].into(),
                    sharing: Sharing::from_stored(if n % 3 == 0 {
                        "name,phone,reason"
                    } else {
                        "name,reason,age_band"
                    })?,
                    simd_quintile: Some(u8::try_from(1 + (n * 3) % 5)?),
                    age_band: Some(PEOPLE[person].1.into()),
                    respond_by: calendar.add_working_days(made, 5),
                },
                consent_channel: HelpChannel::InPerson,
                channel: Channel::Email,
                receiver_name: service.organisation.clone(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo referral: {e}"))?;
        for &to in path {
            workflow::step(
                db,
                &actor,
                id,
                &Moving {
                    to,
                    channel: Channel::Phone,
                    note: note(to).into(),
                },
                &calendar,
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo referral step: {e}"))?;
        }
        // Measured at the start when they first came, and again at a
        // review for most of those who stayed.
        if path.contains(&Status::FirstAttended) {
            let reviewed = path.contains(&Status::Completed) || n % 3 != 0;
            for (stage, lift) in [(Stage::Start, 0_i64), (Stage::Review, 1)] {
                if stage == Stage::Review && !reviewed {
                    continue;
                }
                for (measure, items) in measures(n, lift) {
                    workflow::record_outcome(
                        db,
                        &actor,
                        id,
                        &Measuring {
                            measure,
                            stage,
                            items,
                            channel: Channel::InPerson,
                        },
                    )
                    .await
                    .map_err(|e| anyhow::anyhow!("demo outcome: {e}"))?;
                }
            }
        }
        // Spread the referral and its steps over the weeks since it was made.
        let start = made.unix_midnight() + 10 * 3600;
        store::demo::backdate(db, id, start).await?;
    }
    Ok(total)
}
