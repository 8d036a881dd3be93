//! Outcome measures are checked item by item; Talking Points are rated and
//! the mean change comes with its interval; the funnel withholds small
//! groups.

use super::{
    Actor, Backend, Channel, Instrument, Measure, Measuring, Role, Stage, StatusCode,
    person_held_by, referral_to, workflow, world,
};

fn as_refs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

async fn outcomes_are_checked_item_by_item(backend: Backend) {
    let w = world(backend).await;
    let id = referral_to(
        &w.app.state.db,
        w.person,
        "svc-walk",
        w.receiver_org,
        "name",
    )
    .await;
    let mut provider = w.app.as_role_in(Role::Coordinator, w.receiver_org).await;
    let path = format!("/referrals/{id}/outcomes/new");
    let reply = provider
        .post(
            &path,
            &[
                ("instrument", "ucla3"),
                ("stage", "start"),
                ("channel", "phone"),
                ("item_1", "1"),
                ("item_2", "4"),
                ("item_3", "two"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("#item_2"));
    assert!(reply.body.contains("#item_3"));
    assert!(!reply.body.contains("#item_1\""));
    let reply = provider
        .post(
            &path,
            &[
                ("instrument", "ucla3"),
                ("stage", "later"),
                ("channel", "phone"),
                ("item_1", "1"),
                ("item_2", "2"),
                ("item_3", "3"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("#stage"));
    assert_eq!(w.app.count("outcome_measures").await, 0);
    let reply = provider
        .post(
            &path,
            &[
                ("instrument", "ons4"),
                ("stage", "start"),
                ("channel", "phone"),
                ("item_1", "7"),
                ("item_2", "8"),
                ("item_3", "6"),
                ("item_4", "3"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(w.app.count("outcome_measures").await, 1);
    // A third organisation cannot record one.
    let mut stranger = w.app.as_role_in(Role::Coordinator, w.third_org).await;
    assert_eq!(stranger.get(&path).await.status, StatusCode::NOT_FOUND);
}

async fn the_funnel_withholds_small_groups(backend: Backend) {
    let w = world(backend).await;
    let db = &w.app.state.db;
    for _ in 0..6 {
        referral_to(db, w.person, "svc-walk", w.receiver_org, "name").await;
    }
    let mut provider = w.app.as_role_in(Role::Manager, w.receiver_org).await;
    let page = provider.get("/referrals/funnel").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Service svc-walk"));
    assert!(page.body.contains("<td>6</td>"));
    // All six are in quintile 2 and aged 75–84: one group each, shown.
    assert!(page.body.contains("Quintile 2"));
    let mut stranger = w.app.as_role_in(Role::Manager, w.third_org).await;
    let none = stranger.get("/referrals/funnel").await;
    assert!(!none.body.contains("Service svc-walk"));
}

async fn talking_points_are_rated_and_changes_come_with_their_interval(backend: Backend) {
    let w = world(backend).await;
    let db = &w.app.state.db;
    let mut provider = w.app.as_role_in(Role::Coordinator, w.receiver_org).await;
    let first = referral_to(db, w.person, "svc-walk", w.receiver_org, "name").await;
    let path = format!("/referrals/{first}/outcomes/new");
    let form = provider
        .get(&format!("{path}?instrument=talking_points"))
        .await;
    assert!(form.body.contains("Feeling safe"), "{}", form.body);
    assert!(form.body.contains("Partly met"));
    // Fourteen ratings: the fifteenth, "Fewer symptoms", is named.
    let mut fields: Vec<(String, String)> = vec![
        ("instrument".into(), "talking_points".into()),
        ("stage".into(), "start".into()),
        ("channel".into(), "in_person".into()),
    ];
    fields.extend((1..=14).map(|n| (format!("item_{n}"), if n <= 6 { "1" } else { "3" }.into())));
    let reply = provider.post(&path, &as_refs(&fields)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("#item_15"));
    assert!(reply.body.contains("Fewer symptoms"));
    assert_eq!(w.app.count("outcome_measures").await, 0);
    fields.push(("item_15".into(), "0".into()));
    let reply = provider.post(&path, &as_refs(&fields)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    // Quality of life not met (6), process met (5), change met (3), one
    // does not apply: 8 of 14 met.
    let shown = provider.get(&format!("/referrals/{first}")).await;
    assert!(
        shown.body.contains("57% met (8 met, 0 partly, 6 not met)"),
        "{}",
        shown.body
    );

    // Five people measured on UCLA-3 at the start (9) and at a review
    // (8, 7, 6, 5, 4): changes −1…−5, mean −3, s = √2.5, t(4) = 2.776.
    let start = Measuring {
        measure: Measure::Instrument(Instrument::Ucla3),
        stage: Stage::Start,
        items: vec![3, 3, 3],
        channel: coprod_server::coprod_engine::referrals::Channel::InPerson,
    };
    let actor = Actor::operator();
    for n in 0..5_i64 {
        let person = person_held_by(
            db,
            &format!("Person {n}"),
            None,
            Channel::Phone,
            Some(w.referrer_org),
        )
        .await;
        let id = referral_to(db, person, "svc-walk", w.receiver_org, "name").await;
        workflow::record_outcome(db, &actor, id, &start)
            .await
            .unwrap();
        let items = match n {
            0 => vec![3, 3, 2],
            1 => vec![3, 2, 2],
            2 => vec![2, 2, 2],
            3 => vec![2, 2, 1],
            _ => vec![2, 1, 1],
        };
        workflow::record_outcome(
            db,
            &actor,
            id,
            &Measuring {
                stage: Stage::Review,
                items,
                ..start.clone()
            },
        )
        .await
        .unwrap();
    }
    let page = provider.get("/referrals/changes").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<td>5</td><td>−3.0</td><td>−5.0 to −1.0</td>"),
        "{}",
        page.body
    );
    // Talking Points: one person measured once, so nothing to show.
    assert!(page.body.contains("Withheld: too few to show"));
    let mut stranger = w.app.as_role_in(Role::Manager, w.third_org).await;
    let none = stranger.get("/referrals/changes").await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(!none.body.contains("−3.0"));
}

on_both_backends!(
    outcomes_are_checked_item_by_item,
    the_funnel_withholds_small_groups,
    talking_points_are_rated_and_changes_come_with_their_interval,
);
