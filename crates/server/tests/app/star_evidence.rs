//! The Star's initiatives show what coprod measured for them, linked and
//! not retyped: what changed for people referred to the linked service,
//! and the hours volunteers gave through the time bank to people the
//! organisation holds, which the business case takes in one step.

use axum::http::StatusCode;
use coprod_server::{
    coordination::{
        days,
        model::{Channel, OccurrenceStatus, today},
        store, workflow,
        workflow::Actor,
    },
    coprod_engine::{
        matching::WeeklyWindow,
        people::{LineOfText, Role, Sector},
        referrals::outcomes::{Measure, Stage},
        surveys::instruments::Instrument,
    },
    db::Backend,
    organisations::store as organisations,
    referrals::workflow::{self as referrals, Measuring},
};

use crate::support::{
    TestApp,
    coordination::{
        offer, person, person_held_by, request, shopping_offer, weekly_shopping, window,
    },
    referrals::{referral_to, service_managed_by},
};

async fn initiatives_show_measured_change_and_time_bank_hours(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let org = organisations::create(
        db,
        &LineOfText::parse("Glen Walkers").unwrap(),
        Sector::Third,
        None,
    )
    .await
    .unwrap();
    service_managed_by(db, "svc-walk", "Glen Walking Group", org).await;
    let mut manager = app.as_role_in(Role::Manager, org).await;
    let reply = manager
        .post(
            &format!("/star/{org}/initiatives"),
            &[
                ("name", "Walkers lead the walks"),
                ("service", "Walking group"),
                ("stage", "running"),
                ("co_co_delivery", "on"),
                ("asset_service_id", "svc-walk"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let initiative: i64 = reply
        .location()
        .trim_start_matches("/star/initiatives/")
        .split(['?', '#'])
        .next()
        .unwrap()
        .parse()
        .unwrap();

    // Five people referred to the walks, less lonely by 1 to 5 points.
    let actor = Actor::operator();
    for n in 0..5_usize {
        let someone =
            person_held_by(db, &format!("Walker {n}"), None, Channel::Phone, Some(org)).await;
        let id = referral_to(db, someone, "svc-walk", org, "name").await;
        let start = Measuring {
            measure: Measure::Instrument(Instrument::Ucla3),
            stage: Stage::Start,
            items: vec![3, 3, 3],
            channel: coprod_server::coprod_engine::referrals::Channel::InPerson,
        };
        referrals::record_outcome(db, &actor, id, &start)
            .await
            .unwrap();
        let review = [
            vec![3, 3, 2],
            vec![3, 2, 2],
            vec![2, 2, 2],
            vec![2, 2, 1],
            vec![2, 1, 1],
        ];
        referrals::record_outcome(
            db,
            &actor,
            id,
            &Measuring {
                stage: Stage::Review,
                items: review[n].clone(),
                ..start.clone()
            },
        )
        .await
        .unwrap();
    }

    // A volunteer helps a person the organisation holds, and the day is logged.
    let helper = person(db, "Jean Helper", None, Channel::Online).await;
    let asker = person_held_by(db, "Ann Asker", None, Channel::Phone, Some(org)).await;
    let mut slot = shopping_offer();
    slot.slots = vec![(today().weekday(), window("10:00", "12:00"))];
    let offer_id = offer(db, helper, &slot).await;
    let mut once = weekly_shopping();
    once.recurring = false;
    once.first_date = today();
    once.windows = vec![WeeklyWindow {
        day: today().weekday(),
        time: window("09:00", "13:00"),
    }];
    let request_id = request(db, asker, &once).await;
    days::gift(db, &actor, helper, 30, today(), "welcome")
        .await
        .unwrap();
    let held = workflow::propose(db, &actor, request_id, offer_id, 1, today())
        .await
        .unwrap();
    workflow::answer(db, &actor, held.id, true, "")
        .await
        .unwrap();
    let mut conn = db.pool().acquire().await.unwrap();
    let day = store::rounds::for_match(&mut conn, held.id).await.unwrap()[0].clone();
    let (logged, _) = days::log(
        db,
        &actor,
        day.id,
        OccurrenceStatus::Done,
        false,
        "",
        today(),
    )
    .await
    .unwrap();
    let (credited,): (i64,) = sqlx::query_as(
        "SELECT minutes FROM timebank_movements WHERE transfer_id = $1 AND side = 1",
    )
    .bind(logged.transfer_id.unwrap())
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    drop(conn);
    #[expect(clippy::cast_precision_loss, reason = "a few minutes")]
    let hours = format!("{:.1}", credited as f64 / 60.0);

    let page = manager
        .get(&format!("/star/initiatives/{initiative}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("What changed for people referred to Glen Walking Group")
    );
    assert!(
        page.body
            .contains("<td>5</td><td>−3.0</td><td>−5.0 to −1.0</td>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("Volunteers gave {hours} hours")),
        "{}",
        page.body
    );

    // No case yet: the hours have nowhere to go, and nothing is stored.
    let path = format!("/star/initiatives/{initiative}/business-case/volunteer-hours");
    let reply = manager.post(&path, &[]).await;
    assert!(reply.location().ends_with("done=no_case"));
    assert_eq!(app.count("star_business_cases").await, 0);
    let case_path = format!("/star/initiatives/{initiative}/business-case");
    let saved = manager
        .post(
            &case_path,
            &[
                ("rows", "1"),
                ("money", "500"),
                ("staff_hours", "10"),
                ("staff_hourly_cost", "20"),
                ("volunteer_hours", "0"),
                ("volunteer_hourly_value", "12.60"),
                ("discount_rate", "3.5"),
                ("o0_description", "Walkers less lonely"),
                ("o0_quantity", "5"),
                ("o0_proxy", "100"),
                ("o0_source", "Worked example"),
                ("o0_year", "2024"),
                ("o0_deadweight", "20"),
                ("o0_displacement", "0"),
                ("o0_attribution", "50"),
                ("o0_drop_off", "10"),
                ("o0_duration", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let reply = manager.post(&path, &[]).await;
    assert!(
        reply.location().ends_with("done=hours#inputs"),
        "{}",
        reply.location()
    );
    let (stored,): (f64,) =
        sqlx::query_as("SELECT volunteer_hours FROM star_business_cases WHERE initiative_id = $1")
            .bind(initiative)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(format!("{stored:.1}"), hours);
    let (audited,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE subject_kind = 'star_initiative' AND subject_id = $1 \
         AND detail LIKE 'volunteer hours from the time bank%'",
    )
    .bind(initiative)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // Another organisation's manager cannot take them.
    let other = organisations::create(
        db,
        &LineOfText::parse("Braes Lunch Club").unwrap(),
        Sector::Third,
        None,
    )
    .await
    .unwrap();
    let mut stranger = app.as_role_in(Role::Manager, other).await;
    assert_eq!(
        stranger.post(&path, &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

on_both_backends!(initiatives_show_measured_change_and_time_bank_hours);
