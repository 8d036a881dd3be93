//! The demo partnership's co-delivery: volunteers with offers and PVG
//! checks, people who phoned or wrote in, a weekly round with weeks already
//! done and paid for in the time bank, a volunteer away (a gap to cover),
//! a proposal waiting for an answer and open requests, so that `coprod
//! demo` opens on a coordinator's ordinary day. Dates are set from today,
//! so the round always has something in it. Every person is invented.

use anyhow::Context as _;
use coprod_engine::{
    matching::{
        CapacityUnit, Commitment, Language, OfferKind, TimeWindow, Urgency, WeeklyWindow,
        WheelchairAccess,
    },
    place::Postcode,
    schedule::{Date, DateRange, Weekday},
};
use sqlx::Acquire;

use super::{
    days,
    matcher::Pool,
    model::{Channel, OccurrenceStatus, today},
    store::{self, matches::NewMatch, offers::NewOffer, people::NewPerson, requests::NewRequest},
    workflow::{Actor, BOOKING_HORIZON_DAYS},
};
use crate::{
    accounts::store as accounts, asset_map::demo_data::uuid_for, db::Db, places::store as places,
};

/// A demo taxonomy term's id.
fn term(code: &str) -> String {
    uuid_for(&format!("term:{code}"))
}

fn window(start: &str, end: &str) -> anyhow::Result<TimeWindow> {
    Ok(TimeWindow::parse(start, end)?)
}

/// An offer of time from `postcode`, with one slot a day on `days` in each
/// of `windows`.
fn offer(
    description: &str,
    categories: &[&str],
    postcode: &str,
    days: &[Weekday],
    windows: &[TimeWindow],
    limit: u32,
    languages: &[&str],
) -> anyhow::Result<(NewOffer, String)> {
    let mut slots = Vec::new();
    for time in windows {
        for day in days {
            slots.push((*day, *time));
        }
    }
    Ok((
        NewOffer {
            kind: OfferKind::Time,
            description: description.into(),
            postcode: postcode.into(),
            location: coprod_engine::place::Coordinates {
                latitude: 0.0,
                longitude: 0.0,
            },
            max_distance_metres: 8_000,
            capacity_unit: CapacityUnit::People,
            capacity_limit: limit,
            commitment: Commitment::Either,
            same_gender_only: false,
            languages: languages
                .iter()
                .map(|l| Language::parse(l))
                .collect::<Result<_, _>>()?,
            wheelchair: WheelchairAccess::NotApplicable,
            stands: None,
            categories: categories.iter().map(|c| term(c)).collect(),
            slots,
            channel: Channel::Online,
        },
        postcode.into(),
    ))
}

/// A request from `postcode`.
#[expect(
    clippy::too_many_arguments,
    reason = "a demo request is most readable with its facts in a row"
)]
fn request(
    category: &str,
    description: &str,
    recurring: bool,
    first_date: Date,
    time: TimeWindow,
    postcode: &str,
    address: &str,
    vulnerable_adult: bool,
) -> NewRequest {
    NewRequest {
        category: term(category),
        description: description.into(),
        recurring,
        first_date,
        last_date: None,
        duration_minutes: 60,
        postcode: postcode.into(),
        location: coprod_engine::place::Coordinates {
            latitude: 0.0,
            longitude: 0.0,
        },
        address: address.into(),
        max_distance_metres: None,
        urgency: Urgency::Routine,
        languages: Vec::new(),
        same_gender_helper: false,
        wheelchair_access: false,
        vulnerable_adult,
        windows: vec![WeeklyWindow {
            day: first_date.weekday(),
            time,
        }],
        channel: Channel::Phone,
    }
}

struct Seeder<'a> {
    db: &'a Db,
    coordinator: Option<i64>,
    organisation: Option<i64>,
}

impl Seeder<'_> {
    /// A person, linked to the demo account with `email` if given.
    async fn person(
        &self,
        name: &str,
        account_email: Option<&str>,
        phone: &str,
        channel: Channel,
    ) -> anyhow::Result<i64> {
        let account = match account_email {
            Some(email) => Some(
                accounts::find_by_email(self.db, email)
                    .await?
                    .with_context(|| format!("no demo account {email}"))?,
            ),
            None => None,
        };
        let joined = account.is_some();
        let mut conn = self.db.pool().acquire().await?;
        let mut tx = conn.begin().await?;
        let id = store::people::create(
            &mut tx,
            &NewPerson {
                account_id: account.as_ref().map(|a| a.id),
                organisation_id: self.organisation,
                display_name: name.into(),
                phone: phone.into(),
                email: account.map(|a| a.email),
                gender: None,
                // People who only receive help, entered by a coordinator,
                // are outside the time bank: the organisation gives the
                // volunteers' hours. Those with an account chose to join.
                pays_own_time: joined,
                channel,
            },
            self.coordinator,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Where a demo postcode is, and the data zone it lies in.
    async fn place(
        &self,
        postcode: &str,
    ) -> anyhow::Result<(coprod_engine::place::Coordinates, Option<String>)> {
        let record = places::lookup(self.db, &Postcode::parse(postcode)?)
            .await?
            .with_context(|| format!("the demo directory has no {postcode}"))?;
        Ok((record.coordinates(), record.data_zone))
    }

    async fn offer(
        &self,
        person: i64,
        (mut new, postcode): (NewOffer, String),
    ) -> anyhow::Result<i64> {
        let (location, area) = self.place(&postcode).await?;
        new.location = location;
        let mut conn = self.db.pool().acquire().await?;
        let mut tx = conn.begin().await?;
        store::people::set_area_if_unknown(&mut tx, person, area.as_deref()).await?;
        let id = store::offers::create(&mut tx, person, &new, self.coordinator).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn request(&self, person: i64, mut new: NewRequest) -> anyhow::Result<i64> {
        let (location, area) = self.place(&new.postcode).await?;
        new.location = location;
        let mut conn = self.db.pool().acquire().await?;
        let mut tx = conn.begin().await?;
        store::people::set_area_if_unknown(&mut tx, person, area.as_deref()).await?;
        let id = store::requests::create(&mut tx, person, &new, self.coordinator).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A PVG check current for `days` more days.
    async fn pvg(&self, person: i64, days: i64) -> anyhow::Result<()> {
        let mut conn = self.db.pool().acquire().await?;
        store::people::record_pvg(&mut conn, person, today().add_days(days), self.coordinator)
            .await?;
        Ok(())
    }

    /// A weekly commitment agreed `weeks_ago` weeks back on the offer's
    /// slot that suits the request, with its past days done and paid.
    async fn agreed_weekly(&self, request: i64, offer: i64, weeks_ago: i64) -> anyhow::Result<i64> {
        let today = today();
        let mut conn = self.db.pool().acquire().await?;
        let record = store::requests::find(&mut conn, request)
            .await?
            .context("the demo request")?;
        let pool = Pool::load(&mut conn, Some(offer)).await?;
        let ranking = pool.rank(&pool.request(&record), today);
        let candidate = ranking
            .candidates
            .first()
            .with_context(|| format!("the demo offer {offer} should suit request {request}"))?;
        let fit = candidate.slots.first().context("a free slot")?;
        let mut first_date = today.add_days(-7 * weeks_ago);
        while first_date.weekday() != fit.day {
            first_date = first_date.next_day();
        }
        let id = store::matches::insert(
            &mut conn,
            &NewMatch {
                request_id: request,
                offer_id: offer,
                slot_no: fit.slot.0,
                weekday: fit.day,
                time: fit.time,
                recurring: true,
                first_date,
                last_date: None,
                is_cover: false,
                score: candidate.score.total(),
                reasons: candidate.reasons.clone(),
                proposed_by: self.coordinator,
            },
        )
        .await?;
        store::matches::answer(&mut conn, id, true, "").await?;
        let held = store::matches::find(&mut conn, id)
            .await?
            .context("the match")?;
        store::rounds::extend(&mut conn, &held, today.add_days(BOOKING_HORIZON_DAYS)).await?;
        for day in store::rounds::for_match(&mut conn, id).await? {
            if day.on_date < today {
                days::log(
                    self.db,
                    &Actor::operator(),
                    day.id,
                    OccurrenceStatus::Done,
                    false,
                    "",
                    today,
                )
                .await
                .map_err(|e| anyhow::anyhow!("logging a demo day: {e}"))?;
            }
        }
        Ok(id)
    }
}

/// What the demo's co-delivery holds.
#[derive(Debug, Default)]
pub struct Seeded {
    pub people: usize,
    pub offers: usize,
    pub requests: usize,
}

/// The people and offers the rest of the demo refers to.
struct Cast {
    valerie: i64,
    calum: i64,
    agnes: i64,
    hector: i64,
    jessie: i64,
    dolina: i64,
    valerie_offer: i64,
    tormod_offer: i64,
    kirsty_offer: i64,
}

/// Seeds co-delivery for the demo partnership, after its accounts,
/// postcodes and asset map.
pub async fn seed(db: &Db) -> anyhow::Result<Seeded> {
    let coordinator = accounts::find_by_email(db, "coordinator@demo.example")
        .await?
        .map(|a| a.id);
    // The demo's people are held by the organisation its coordinator works
    // for, so that coordinator sees them all and others see none.
    let organisation = match coordinator {
        Some(id) => accounts::memberships(db, id)
            .await?
            .iter()
            .find(|m| m.role == coprod_engine::people::Role::Coordinator)
            .and_then(|m| m.organisation_id),
        None => None,
    };
    let s = Seeder {
        db,
        coordinator,
        organisation,
    };
    let cast = people_and_offers(&s).await?;
    round(&s, &cast).await?;
    open_requests(&s, &cast).await?;
    Ok(Seeded {
        people: 9,
        offers: 4,
        requests: 6,
    })
}

/// Volunteers with their offers and checks, and people who got in touch.
#[expect(
    clippy::too_many_lines,
    reason = "the demo's cast, one person or offer after another"
)]
async fn people_and_offers(s: &Seeder<'_>) -> anyhow::Result<Cast> {
    let every_day = Weekday::ALL;
    let morning = window("10:00", "12:00")?;
    let afternoon = window("14:00", "16:00")?;

    let valerie = s
        .person(
            "Valerie Murray",
            Some("volunteer@demo.example"),
            "01632 960201",
            Channel::Online,
        )
        .await?;
    let tormod = s
        .person(
            "Tormod MacIver",
            Some("tormod.maciver@people.example"),
            "01632 960202",
            Channel::Online,
        )
        .await?;
    let kirsty = s
        .person(
            "Kirsty Paterson",
            Some("kirsty.paterson@people.example"),
            "01632 960203",
            Channel::Online,
        )
        .await?;
    let angus = s
        .person(
            "Angus Munro",
            Some("angus.munro@people.example"),
            "01632 960204",
            Channel::Online,
        )
        .await?;
    let calum = s
        .person(
            "Calum MacDonald",
            Some("citizen@demo.example"),
            "",
            Channel::Online,
        )
        .await?;
    let agnes = s
        .person("Agnes Ferguson", None, "01632 960301", Channel::Phone)
        .await?;
    let hector = s
        .person("Hector Gillies", None, "01632 960302", Channel::Paper)
        .await?;
    let jessie = s
        .person("Jessie Cameron", None, "", Channel::InPerson)
        .await?;
    let dolina = s
        .person("Dolina Matheson", None, "01632 960304", Channel::Phone)
        .await?;

    s.pvg(valerie, 1_000).await?;
    s.pvg(tormod, 700).await?;
    s.pvg(kirsty, 1_500).await?;

    let valerie_offer = s
        .offer(
            valerie,
            offer(
                "Weekly shopping, a chat over a cup of tea, or a lift in my car",
                &["food", "company", "transport"],
                "AV1 1AB",
                &every_day,
                &[morning, afternoon],
                6,
                &["English", "Gaelic"],
            )?,
        )
        .await?;
    let tormod_offer = s
        .offer(
            tormod,
            offer(
                "Food deliveries on the coast round, and lifts to appointments",
                &["food", "transport"],
                "AV1 2AD",
                &every_day,
                &[window("09:30", "12:30")?],
                4,
                &["English"],
            )?,
        )
        .await?;
    let kirsty_offer = s
        .offer(
            kirsty,
            offer(
                "Befriending visits; I speak Polish",
                &["company"],
                "AV2 1BA",
                &every_day,
                &[window("13:00", "16:00")?],
                3,
                &["English", "Polish"],
            )?,
        )
        .await?;
    s.offer(
        angus,
        offer(
            "Lifts in the glens with my car",
            &["transport"],
            "AV3 1AB",
            &every_day,
            &[window("08:00", "18:00")?],
            5,
            &["English"],
        )?,
    )
    .await?;
    Ok(Cast {
        valerie,
        calum,
        agnes,
        hector,
        jessie,
        dolina,
        valerie_offer,
        tormod_offer,
        kirsty_offer,
    })
}

/// The weekly round: Agnes's shopping on today's weekday with Valerie for
/// three weeks now, and Hector's visit in two days' time with Kirsty, who
/// is away that week (a gap to cover).
async fn round(s: &Seeder<'_>, cast: &Cast) -> anyhow::Result<()> {
    let today = today();
    let morning = window("10:00", "12:00")?;
    let agnes_shopping = s
        .request(
            cast.agnes,
            request(
                "food",
                "Shopping from her list; she likes a chat at the door",
                true,
                today.add_days(-21),
                morning,
                "AV1 1AD",
                "2 Harbour Row, Ardnaveen",
                true,
            ),
        )
        .await?;
    s.agreed_weekly(agnes_shopping, cast.valerie_offer, 3)
        .await?;
    let hector_visits = s
        .request(
            cast.hector,
            request(
                "company",
                "A weekly visit for a blether and a walk to the shop",
                true,
                today.add_days(-12),
                window("13:00", "16:00")?,
                "AV2 1DA",
                "Flat 4, 9 Kirk Street, Ardnaveen",
                false,
            ),
        )
        .await?;
    s.agreed_weekly(hector_visits, cast.kirsty_offer, 1).await?;
    {
        let mut conn = s.db.pool().acquire().await?;
        store::offers::add_away(
            &mut conn,
            cast.kirsty_offer,
            DateRange::new(today.add_days(1), today.add_days(9))?,
        )
        .await?;
    }
    Ok(())
}

/// Open requests: a lift for Dolina (a vulnerable adult: Angus, without a
/// PVG check, is left out and the page says why), Polish-speaking company
/// for Jessie, help online for Calum that nobody offers yet, and a lift
/// for Agnes proposed to Tormod and waiting for his answer.
async fn open_requests(s: &Seeder<'_>, cast: &Cast) -> anyhow::Result<()> {
    let today = today();
    let afternoon = window("14:00", "16:00")?;
    let mut lift = request(
        "transport",
        "A lift to the clinic and back",
        false,
        today.add_days(3),
        window("09:00", "12:00")?,
        "AV1 2AB",
        "Shore Cottage, Ardnaveen",
        true,
    );
    lift.urgency = Urgency::Soon;
    s.request(cast.dolina, lift).await?;
    let mut polish = request(
        "company",
        "Company in Polish, weekly",
        true,
        today.add_days(1),
        window("13:00", "16:00")?,
        "AV2 1BE",
        "11 Mill Lane, Ardnaveen",
        false,
    );
    polish.languages = vec![Language::parse("Polish")?];
    polish.channel = Channel::InPerson;
    s.request(cast.jessie, polish).await?;
    let mut digital = request(
        "digital",
        "Help setting up video calls with my grandchildren",
        false,
        today.add_days(5),
        afternoon,
        "AV1 3AB",
        "7 Pier Road, Ardnaveen",
        false,
    );
    digital.channel = Channel::Online;
    s.request(cast.calum, digital).await?;

    // A proposal waiting for Tormod's answer.
    let delivery = s
        .request(
            cast.agnes,
            request(
                "transport",
                "A lift to the optician",
                false,
                today.add_days(2),
                window("09:30", "12:30")?,
                "AV1 1AD",
                "2 Harbour Row, Ardnaveen",
                true,
            ),
        )
        .await?;
    super::workflow::propose(
        s.db,
        &Actor::operator(),
        delivery,
        cast.tormod_offer,
        1 + weekday_index(today.add_days(2)),
        today,
    )
    .await
    .map_err(|e| anyhow::anyhow!("the demo proposal: {e}"))?;

    super::days::gift(
        s.db,
        &Actor::operator(),
        cast.valerie,
        120,
        today.add_days(-30),
        "Welcome to the time bank",
    )
    .await
    .map_err(|e| anyhow::anyhow!("the demo gift: {e}"))?;
    Ok(())
}

/// Slots are numbered day by day from Monday within each window, so the
/// first window's slot for a day is its weekday's place in the week.
fn weekday_index(date: Date) -> u32 {
    u32::from(date.weekday().index())
}
