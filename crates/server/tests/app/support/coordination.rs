//! Builders for co-delivery tests: people, a shopping offer and a weekly
//! shopping request, stored straight through the store.

use coprod_server::{
    coordination::{
        model::{Channel, today},
        store::{self, offers::NewOffer, people::NewPerson, requests::NewRequest},
    },
    coprod_engine::{
        matching::{
            CapacityUnit, Commitment, Language, OfferKind, TimeWindow, Urgency, WeeklyWindow,
            WheelchairAccess,
        },
        place::Coordinates,
        schedule::{Date, Weekday},
    },
    db::Db,
};
use sqlx::Acquire;

pub fn town() -> Coordinates {
    Coordinates::new(56.41, -5.47).unwrap()
}

pub fn window(start: &str, end: &str) -> TimeWindow {
    TimeWindow::parse(start, end).unwrap()
}

/// The next date (from tomorrow) that falls on `day`.
pub fn next(day: Weekday) -> Date {
    let mut date = today().next_day();
    while date.weekday() != day {
        date = date.next_day();
    }
    date
}

pub async fn person(db: &Db, name: &str, email: Option<&str>, channel: Channel) -> i64 {
    person_held_by(db, name, email, channel, None).await
}

/// A person whose record `organisation` holds (`None`: the partnership).
pub async fn person_held_by(
    db: &Db,
    name: &str,
    email: Option<&str>,
    channel: Channel,
    organisation: Option<i64>,
) -> i64 {
    let mut conn = db.pool().acquire().await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    let id = store::people::create(
        &mut tx,
        &NewPerson {
            account_id: None,
            organisation_id: organisation,
            display_name: name.into(),
            phone: "01632 960001".into(),
            email: email.map(str::to_owned),
            gender: None,
            pays_own_time: true,
            channel,
        },
        None,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// A shopping offer with one slot on Tuesdays 10:00–12:00.
pub fn shopping_offer() -> NewOffer {
    NewOffer {
        kind: OfferKind::Time,
        description: "Weekly shopping".into(),
        postcode: "AV1 1AB".into(),
        location: town(),
        max_distance_metres: 5_000,
        capacity_unit: CapacityUnit::People,
        capacity_limit: 3,
        commitment: Commitment::Either,
        same_gender_only: false,
        languages: vec![Language::parse("gd").unwrap()],
        wheelchair: WheelchairAccess::NotApplicable,
        stands: None,
        categories: vec!["shopping".into()],
        slots: vec![(Weekday::Tuesday, window("10:00", "12:00"))],
        channel: Channel::Online,
    }
}

pub fn weekly_shopping() -> NewRequest {
    NewRequest {
        category: "shopping".into(),
        description: "Shopping from the list on the fridge".into(),
        recurring: true,
        first_date: today(),
        last_date: None,
        duration_minutes: 60,
        postcode: "AV1 1AD".into(),
        location: town(),
        address: "3 Shore Road, Ardnaveen".into(),
        max_distance_metres: None,
        urgency: Urgency::Routine,
        languages: vec![],
        same_gender_helper: false,
        wheelchair_access: false,
        vulnerable_adult: false,
        windows: vec![WeeklyWindow {
            day: Weekday::Tuesday,
            time: window("09:00", "13:00"),
        }],
        channel: Channel::Phone,
    }
}

pub async fn offer(db: &Db, person: i64, new: &NewOffer) -> i64 {
    let mut conn = db.pool().acquire().await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    let id = store::offers::create(&mut tx, person, new, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

pub async fn request(db: &Db, person: i64, new: &NewRequest) -> i64 {
    let mut conn = db.pool().acquire().await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    let id = store::requests::create(&mut tx, person, new, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}
