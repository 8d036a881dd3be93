//! Storage of co-delivery: people with and without email, offers and
//! requests as the engine reads them back, slots that can never be booked
//! twice (tested with concurrent attempts), and time bank books whose
//! movements always sum to zero.

use std::sync::Arc;

use crate::support::{
    TestApp,
    coordination::{next, offer, person, request, shopping_offer, weekly_shopping, window},
};
use coprod_server::{
    access::Reach,
    coordination::{
        days,
        matcher::Pool,
        model::{Channel, MatchStatus, OccurrenceStatus, today},
        store::{self, ledger::member},
        workflow::{self, Actor, WorkflowError},
    },
    coprod_engine::{
        matching::WeeklyWindow,
        schedule::{Date, Weekday},
        timebank::AccountId,
    },
    db::Backend,
};
use sqlx::Acquire;
use tokio::sync::Barrier;

async fn a_person_without_email_is_a_time_bank_member(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let morag = person(db, "Morag Example", None, Channel::Phone).await;
    let mut conn = db.pool().acquire().await.unwrap();
    let stored = store::people::find(&mut conn, morag)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.email, None);
    assert_eq!(stored.channel, Channel::Phone);
    assert_eq!(stored.account_id, None);
    let ledger = store::ledger::load(&mut conn).await.unwrap();
    assert_eq!(
        ledger.balance(&AccountId::Member(member(morag))).unwrap(),
        0
    );
}

async fn offers_and_requests_read_back_as_the_engine_needs(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let jean = person(
        db,
        "Jean Helper",
        Some("jean@people.example"),
        Channel::Online,
    )
    .await;
    let ann = person(db, "Ann Asker", None, Channel::Phone).await;
    let offer_id = offer(db, jean, &shopping_offer()).await;
    let request_id = request(db, ann, &weekly_shopping()).await;
    let mut conn = db.pool().acquire().await.unwrap();
    store::people::record_pvg(&mut conn, jean, Date::parse("2030-01-31").unwrap(), None)
        .await
        .unwrap();
    let pool = Pool::load(&mut conn, None).await.unwrap();
    assert_eq!(pool.offers.len(), 1);
    let engine_offer = &pool.offers[0];
    assert_eq!(engine_offer.id.as_str(), offer_id.to_string());
    assert_eq!(engine_offer.person.as_str(), jean.to_string());
    assert_eq!(engine_offer.availability.slots.len(), 1);
    assert_eq!(engine_offer.availability.slots[0].day, Weekday::Tuesday);
    assert_eq!(
        engine_offer.pvg.unwrap().valid_until,
        Date::parse("2030-01-31").unwrap()
    );
    assert_eq!(engine_offer.languages[0].as_str(), "gd");
    let record = store::requests::find(&mut conn, request_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.address, "3 Shore Road, Ardnaveen");
    let ranking = pool.rank(&pool.request(&record), today());
    assert_eq!(ranking.candidates.len(), 1, "{ranking:?}");
    assert_eq!(ranking.candidates[0].person.as_str(), jean.to_string());
    assert!(
        ranking.candidates[0]
            .plain_english()
            .contains("free Tuesdays 10:00–12:00")
    );
}

/// Two coordinators book one volunteer's Tuesday slot for the same day at
/// the same moment, straight into the table: the database lets exactly one
/// booking stand.
async fn the_database_refuses_a_second_booking_of_a_slot(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = app.state.db.clone();
    let jean = person(&db, "Jean Helper", None, Channel::Online).await;
    let ann = person(&db, "Ann Asker", None, Channel::Phone).await;
    let bill = person(&db, "Bill Asker", None, Channel::Phone).await;
    let offer_id = offer(&db, jean, &shopping_offer()).await;
    let tuesday = next(Weekday::Tuesday);
    let mut matches = Vec::new();
    for who in [ann, bill] {
        let mut one_off = weekly_shopping();
        one_off.recurring = false;
        one_off.first_date = tuesday;
        let request_id = request(&db, who, &one_off).await;
        let mut conn = db.pool().acquire().await.unwrap();
        let id = store::matches::insert(
            &mut conn,
            &store::matches::NewMatch {
                request_id,
                offer_id,
                slot_no: 1,
                weekday: Weekday::Tuesday,
                time: window("10:00", "11:00"),
                recurring: false,
                first_date: tuesday,
                last_date: Some(tuesday),
                is_cover: false,
                score: 0,
                reasons: vec![],
                proposed_by: None,
            },
        )
        .await
        .unwrap();
        matches.push(store::matches::find(&mut conn, id).await.unwrap().unwrap());
    }
    let barrier = Arc::new(Barrier::new(2));
    let attempts = matches.into_iter().map(|held| {
        let db = db.clone();
        let barrier = barrier.clone();
        tokio::spawn(async move {
            let mut conn = db.pool().acquire().await.unwrap();
            let mut tx = conn.begin().await.unwrap();
            barrier.wait().await;
            let booked = store::rounds::book(&mut tx, &held, tuesday).await;
            // Hold the booking a moment, so the other attempt runs into it.
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            match booked {
                Ok(_) => tx.commit().await.map_err(|e| e.to_string()),
                Err(error) => Err(error.to_string()),
            }
        })
    });
    let mut outcomes = Vec::new();
    for attempt in attempts.collect::<Vec<_>>() {
        outcomes.push(attempt.await.unwrap());
    }
    assert_eq!(
        outcomes.iter().filter(|o| o.is_ok()).count(),
        1,
        "{outcomes:?}"
    );
    let (booked,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM occurrences WHERE offer_id = $1 AND slot_no = 1 AND on_date = $2",
    )
    .bind(offer_id)
    .bind(tuesday.to_string())
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(booked, 1);
}

/// The same race through the workflow, as two app instances on one
/// database would run it: one proposal stands, the other is told the slot
/// is taken, and nothing of it is left behind.
async fn two_coordinators_proposing_at_once_book_the_slot_once(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = app.state.db.clone();
    let jean = person(&db, "Jean Helper", None, Channel::Online).await;
    let offer_id = offer(&db, jean, &shopping_offer()).await;
    let mut requests = Vec::new();
    for name in ["Ann Asker", "Bill Asker"] {
        let who = person(&db, name, None, Channel::Phone).await;
        requests.push(request(&db, who, &weekly_shopping()).await);
    }
    let barrier = Arc::new(Barrier::new(2));
    let attempts: Vec<_> = requests
        .iter()
        .map(|&request_id| {
            let db = db.clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                workflow::propose(&db, &Actor::operator(), request_id, offer_id, 1, today()).await
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for attempt in attempts {
        outcomes.push(attempt.await.unwrap());
    }
    let won: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
    assert_eq!(won.len(), 1, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .any(|o| matches!(o, Err(WorkflowError::SlotTaken))),
        "{outcomes:?}"
    );
    let (matches,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM matches")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(matches, 1, "the refused proposal left nothing behind");
    // Every booked day is the winner's, one a week.
    let days: Vec<(i64, String)> =
        sqlx::query_as("SELECT match_id, on_date FROM occurrences ORDER BY on_date")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert!(days.len() >= 12, "{days:?}");
    assert!(days.iter().all(|(m, _)| *m == won[0].id));
    assert!(days.windows(2).all(|pair| {
        let a = Date::parse(&pair[0].1).unwrap();
        let b = Date::parse(&pair[1].1).unwrap();
        b.days_since_epoch() - a.days_since_epoch() == 7
    }));
    assert!(
        days.iter()
            .all(|(_, d)| Date::parse(d).unwrap().weekday() == Weekday::Tuesday)
    );
}

/// A request holds one live proposal or match at a time, in the database.
async fn a_request_has_one_live_match(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = app.state.db.clone();
    let jean = person(&db, "Jean Helper", None, Channel::Online).await;
    let kate = person(&db, "Kate Helper", None, Channel::Online).await;
    let ann = person(&db, "Ann Asker", None, Channel::Phone).await;
    let first = offer(&db, jean, &shopping_offer()).await;
    let second = offer(&db, kate, &shopping_offer()).await;
    let request_id = request(&db, ann, &weekly_shopping()).await;
    let held = workflow::propose(&db, &Actor::operator(), request_id, first, 1, today())
        .await
        .unwrap();
    assert_eq!(held.status, MatchStatus::Proposed);
    let again = workflow::propose(&db, &Actor::operator(), request_id, second, 1, today()).await;
    assert!(
        matches!(again, Err(WorkflowError::AlreadyMatched)),
        "{again:?}"
    );
    // Once declined, the request can be proposed to someone else, and
    // Jean's days are free again.
    let not_signed_in = Actor {
        account_id: Some(-1),
        token_id: None,
        reach: Reach::nothing(),
        caseloads: coprod_server::people::reach::Caseloads::TeamsOf(-1),
        ip: String::new(),
    };
    assert!(matches!(
        workflow::answer(&db, &not_signed_in, held.id, false, "away").await,
        Err(WorkflowError::Forbidden)
    ));
    assert!(matches!(
        workflow::answer(&db, &Actor::operator(), held.id, false, "  ").await,
        Err(WorkflowError::ReasonMissing)
    ));
    workflow::answer(&db, &Actor::operator(), held.id, false, "away in March")
        .await
        .unwrap();
    let (planned,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM occurrences WHERE match_id = $1 AND status <> 'cancelled'",
    )
    .bind(held.id)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(planned, 0);
    workflow::propose(&db, &Actor::operator(), request_id, second, 1, today())
        .await
        .unwrap();
}

/// Gifts, exchanges and corrections: the stored movements always sum to
/// zero, each transfer on its own and all together, and the ledger
/// rebuilt from them agrees with every balance.
async fn the_books_balance_after_every_change(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = app.state.db.clone();
    let jean = person(&db, "Jean Helper", None, Channel::Online).await;
    let ann = person(&db, "Ann Asker", None, Channel::Phone).await;
    let offer_id = offer(&db, jean, &shopping_offer()).await;
    let mut one_off = weekly_shopping();
    one_off.recurring = false;
    one_off.first_date = today();
    one_off.windows = vec![WeeklyWindow {
        day: today().weekday(),
        time: window("09:00", "13:00"),
    }];
    let mut tuesday_offer = shopping_offer();
    tuesday_offer.slots = vec![(today().weekday(), window("10:00", "12:00"))];
    let today_offer = offer(&db, jean, &tuesday_offer).await;
    let _ = offer_id;
    let request_id = request(&db, ann, &one_off).await;
    days::gift(&db, &Actor::operator(), jean, 30, today(), "welcome")
        .await
        .unwrap();
    let held = workflow::propose(&db, &Actor::operator(), request_id, today_offer, 1, today())
        .await
        .unwrap();
    workflow::answer(&db, &Actor::operator(), held.id, true, "")
        .await
        .unwrap();
    let mut conn = db.pool().acquire().await.unwrap();
    let day = store::rounds::for_match(&mut conn, held.id).await.unwrap()[0].clone();
    let (logged, payment) = days::log(
        &db,
        &Actor::operator(),
        day.id,
        OccurrenceStatus::Done,
        false,
        "",
        today(),
    )
    .await
    .unwrap();
    assert_eq!(payment, days::Payment::ByMember);
    assert!(logged.transfer_id.is_some());
    let ledger = store::ledger::load(&mut conn).await.unwrap();
    assert_eq!(
        ledger.balance(&AccountId::Member(member(jean))).unwrap(),
        90
    );
    assert_eq!(
        ledger.balance(&AccountId::Member(member(ann))).unwrap(),
        -60
    );
    assert_eq!(ledger.balance(&AccountId::Organisation).unwrap(), -30);
    // A coordinator corrects it: it did not happen after all.
    let (_, payment) = days::log(
        &db,
        &Actor::operator(),
        day.id,
        OccurrenceStatus::Missed,
        false,
        "nobody home",
        today(),
    )
    .await
    .unwrap();
    assert_eq!(payment, days::Payment::Reversed);
    let ledger = store::ledger::load(&mut conn).await.unwrap();
    assert_eq!(ledger.balance(&AccountId::Member(member(ann))).unwrap(), 0);
    assert_eq!(ledger.transfers().len(), 3);
    let unbalanced: Vec<(i64,)> = sqlx::query_as(
        "SELECT transfer_id FROM timebank_movements GROUP BY transfer_id HAVING SUM(minutes) <> 0",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert!(unbalanced.is_empty());
    let (total,): (i64,) =
        sqlx::query_as("SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) FROM timebank_movements")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(total, 0);
    // The books are append-only.
    assert!(
        sqlx::query("DELETE FROM timebank_movements")
            .execute(db.pool())
            .await
            .is_err()
    );
    assert!(
        sqlx::query("UPDATE timebank_transfers SET on_date = '2000-01-01'")
            .execute(db.pool())
            .await
            .is_err()
    );
}

/// Many gifts recorded at once from separate connections still number
/// their transfers 1, 2, 3… with none lost.
async fn transfers_made_at_once_are_numbered_in_turn(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = app.state.db.clone();
    let jean = person(&db, "Jean Helper", None, Channel::Online).await;
    let barrier = Arc::new(Barrier::new(6));
    let gifts: Vec<_> = (0..6)
        .map(|_| {
            let db = db.clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                days::gift(&db, &Actor::operator(), jean, 15, today(), "thanks").await
            })
        })
        .collect();
    for gift in gifts {
        gift.await.unwrap().unwrap();
    }
    let mut conn = db.pool().acquire().await.unwrap();
    let ledger = store::ledger::load(&mut conn).await.unwrap();
    assert_eq!(ledger.transfers().len(), 6);
    assert_eq!(
        ledger.balance(&AccountId::Member(member(jean))).unwrap(),
        90
    );
}

on_both_backends!(
    a_person_without_email_is_a_time_bank_member,
    offers_and_requests_read_back_as_the_engine_needs,
    the_database_refuses_a_second_booking_of_a_slot,
    two_coordinators_proposing_at_once_book_the_slot_once,
    a_request_has_one_live_match,
    the_books_balance_after_every_change,
    transfers_made_at_once_are_numbered_in_turn,
);
