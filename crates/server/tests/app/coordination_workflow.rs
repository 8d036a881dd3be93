//! The life of a match beyond the happy path: a helper away leaves a gap,
//! a stand-in is proposed and declines, weekly help ends, one-off help that
//! did not happen puts the request back on the desk, and a member at their
//! debt limit still gets help (the organisation pays).

use crate::support::{
    TestApp,
    coordination::{offer, person, request, shopping_offer, weekly_shopping, window},
};
use coprod_server::{
    access::Reach,
    coordination::{
        days::{self, Payment},
        model::{Channel, MatchStatus, OccurrenceStatus, today},
        store::{self, ledger::member},
        views,
        workflow::{self, Actor, WorkflowError},
    },
    coprod_engine::{
        matching::WeeklyWindow,
        schedule::{DateRange, Weekday},
        timebank::AccountId,
    },
    db::Backend,
    web::Shell,
};

/// An offer free every day 10:00–12:00.
fn every_day() -> coprod_server::coordination::store::offers::NewOffer {
    let mut new = shopping_offer();
    new.slots = Weekday::ALL
        .into_iter()
        .map(|day| (day, window("10:00", "12:00")))
        .collect();
    new
}

/// The slot of an every-day offer that falls on `day`: its slots are
/// numbered from 1 for Monday.
fn slot_on(day: Weekday) -> u32 {
    u32::from(day.index()) + 1
}

/// The gaps in the next two weeks.
async fn gaps(conn: &mut sqlx::AnyConnection, shell: &Shell) -> Vec<views::RoundLine> {
    views::gaps(
        conn,
        shell,
        &Reach::Partnership,
        today(),
        today().add_days(13),
    )
    .await
    .unwrap()
}

#[expect(clippy::too_many_lines, reason = "one gap, from opening to closing")]
async fn a_helper_away_leaves_a_gap_that_cover_fills(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = app.state.db.clone();
    let shell = Shell::new(&app.state, None, None, "/");
    let jean = person(&db, "Jean Helper", None, Channel::Online).await;
    let kate = person(&db, "Kate Helper", None, Channel::Online).await;
    let ann = person(&db, "Ann Asker", None, Channel::Phone).await;
    let jean_offer = offer(&db, jean, &every_day()).await;
    let kate_offer = offer(&db, kate, &every_day()).await;
    let tomorrow = today().next_day();
    let mut weekly = weekly_shopping();
    weekly.windows = vec![WeeklyWindow {
        day: tomorrow.weekday(),
        time: window("09:00", "13:00"),
    }];
    let request_id = request(&db, ann, &weekly).await;
    let held = workflow::propose(
        &db,
        &Actor::operator(),
        request_id,
        jean_offer,
        slot_on(tomorrow.weekday()),
        today(),
    )
    .await
    .unwrap();
    assert_eq!(held.first_date, tomorrow);
    workflow::answer(&db, &Actor::operator(), held.id, true, "")
        .await
        .unwrap();
    let mut conn = db.pool().acquire().await.unwrap();
    let day = store::rounds::for_match(&mut conn, held.id).await.unwrap()[0].clone();
    assert_eq!(day.on_date, tomorrow);

    // Tomorrow has not come: it cannot be logged as done yet.
    assert!(matches!(
        days::log(
            &db,
            &Actor::operator(),
            day.id,
            OccurrenceStatus::Done,
            false,
            "",
            today()
        )
        .await,
        Err(WorkflowError::NotYet)
    ));

    assert!(gaps(&mut conn, &shell).await.is_empty());
    store::offers::add_away(
        &mut conn,
        jean_offer,
        DateRange::new(tomorrow, tomorrow).unwrap(),
    )
    .await
    .unwrap();
    let found = gaps(&mut conn, &shell).await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].day.id, day.id);
    assert!(found[0].away);

    // Kate is proposed to stand in; the gap is filled while she decides.
    let cover = workflow::propose_cover(
        &db,
        &Actor::operator(),
        day.id,
        kate_offer,
        slot_on(tomorrow.weekday()),
        today(),
    )
    .await
    .unwrap();
    assert!(cover.is_cover);
    assert!(!cover.recurring);
    assert_eq!(cover.first_date, tomorrow);
    let called_off = store::rounds::find(&mut conn, day.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(called_off.status, OccurrenceStatus::Cancelled);
    assert!(called_off.needs_cover);
    assert_eq!(called_off.cover_match_id, Some(cover.id));
    assert!(gaps(&mut conn, &shell).await.is_empty());
    // Jean's weekly help itself is still agreed, and holds its later weeks.
    let jean_match = store::matches::find(&mut conn, held.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(jean_match.status, MatchStatus::Accepted);

    // Kate cannot after all: the gap is open again.
    workflow::answer(&db, &Actor::operator(), cover.id, false, "at the dentist")
        .await
        .unwrap();
    let found = gaps(&mut conn, &shell).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].day.needs_cover);

    // Weekly help ends: the days still planned are called off, the request closes.
    workflow::end(
        &db,
        &Actor::operator(),
        held.id,
        "moving to her daughter's",
        today(),
    )
    .await
    .unwrap();
    let ended = store::matches::find(&mut conn, held.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ended.status, MatchStatus::Ended);
    let planned = store::rounds::for_match(&mut conn, held.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.status == OccurrenceStatus::Planned)
        .count();
    assert_eq!(planned, 0);
    let closed = store::requests::find(&mut conn, request_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(closed.status, "closed");
    assert!(matches!(
        workflow::end(&db, &Actor::operator(), held.id, "", today()).await,
        Err(WorkflowError::Stale)
    ));
}

async fn one_off_help_not_done_goes_back_on_the_desk(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = app.state.db.clone();
    let jean = person(&db, "Jean Helper", None, Channel::Online).await;
    let ann = person(&db, "Ann Asker", None, Channel::Phone).await;
    let jean_offer = offer(&db, jean, &every_day()).await;
    let mut once = weekly_shopping();
    once.recurring = false;
    once.first_date = today();
    once.windows = vec![WeeklyWindow {
        day: today().weekday(),
        time: window("09:00", "13:00"),
    }];
    let request_id = request(&db, ann, &once).await;
    let held = workflow::propose(
        &db,
        &Actor::operator(),
        request_id,
        jean_offer,
        slot_on(today().weekday()),
        today(),
    )
    .await
    .unwrap();
    let mut conn = db.pool().acquire().await.unwrap();
    assert!(
        store::requests::unmatched(&mut conn)
            .await
            .unwrap()
            .is_empty()
    );
    // Not agreed yet: nothing can be logged.
    let day = store::rounds::for_match(&mut conn, held.id).await.unwrap()[0].clone();
    assert!(matches!(
        days::log(
            &db,
            &Actor::operator(),
            day.id,
            OccurrenceStatus::Done,
            false,
            "",
            today()
        )
        .await,
        Err(WorkflowError::Stale)
    ));
    workflow::answer(&db, &Actor::operator(), held.id, true, "")
        .await
        .unwrap();
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
    assert_eq!(payment, Payment::None);
    let finished = store::matches::find(&mut conn, held.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(finished.status, MatchStatus::NotDone);
    let waiting = store::requests::unmatched(&mut conn).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].id, request_id);
    // The missed day still holds Jean's slot that day in the database, so
    // it is not booked twice for the same day.
    let again = workflow::propose(
        &db,
        &Actor::operator(),
        request_id,
        jean_offer,
        slot_on(today().weekday()),
        today(),
    )
    .await;
    assert!(matches!(again, Err(WorkflowError::SlotTaken)), "{again:?}");
}

async fn a_member_at_their_debt_limit_is_still_helped(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = app.state.db.clone();
    let jean = person(&db, "Jean Helper", None, Channel::Online).await;
    let ann = person(&db, "Ann Asker", None, Channel::Phone).await;
    let jean_offer = offer(&db, jean, &every_day()).await;
    let mut conn = db.pool().acquire().await.unwrap();
    store::ledger::set_limits(&mut conn, ann, Some(0), None)
        .await
        .unwrap();
    let mut once = weekly_shopping();
    once.recurring = false;
    once.first_date = today();
    once.windows = vec![WeeklyWindow {
        day: today().weekday(),
        time: window("09:00", "13:00"),
    }];
    let request_id = request(&db, ann, &once).await;
    let held = workflow::propose(
        &db,
        &Actor::operator(),
        request_id,
        jean_offer,
        slot_on(today().weekday()),
        today(),
    )
    .await
    .unwrap();
    workflow::answer(&db, &Actor::operator(), held.id, true, "")
        .await
        .unwrap();
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
    assert_eq!(payment, Payment::ByOrganisation);
    assert!(logged.transfer_id.is_some());
    let ledger = store::ledger::load(&mut conn).await.unwrap();
    assert_eq!(ledger.balance(&AccountId::Member(member(ann))).unwrap(), 0);
    assert_eq!(
        ledger.balance(&AccountId::Member(member(jean))).unwrap(),
        60
    );
    assert_eq!(ledger.balance(&AccountId::Organisation).unwrap(), -60);
    let request = store::requests::find(&mut conn, request_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(request.status, "closed");
}

on_both_backends!(
    a_helper_away_leaves_a_gap_that_cover_fills,
    one_off_help_not_done_goes_back_on_the_desk,
    a_member_at_their_debt_limit_is_still_helped,
);
