//! Another organisation is told nothing is there.

use super::{
    Backend, Role, StatusCode, count, db, log, member, open_call, plan_weekly, sweep, today, world,
};

async fn another_organisation_is_told_nothing_is_there(backend: Backend) {
    let mut w = world(backend).await;
    let db = &w.app.state.db;
    plan_weekly(
        &mut w.coordinator,
        w.person,
        &today().to_string(),
        w.volunteer_id,
        "3",
        "1",
    )
    .await;
    sweep(db, today(), db::now()).await.unwrap();
    let call = open_call(db, w.person).await;
    log(
        &mut w.volunteer,
        call,
        &[
            ("outcome", "concern"),
            ("channel", "phone"),
            ("note", ""),
            ("urgency", "soon"),
            ("noticed", "Has had a fall in the garden."),
        ],
    )
    .await;
    let concern = count(db, "SELECT MAX(id) FROM checkin_concerns").await;
    let schedule = count(db, "SELECT MAX(id) FROM checkin_schedules").await;
    let (_, mut stranger) = member(
        &w.app,
        "ailsa@braes.example",
        "Ailsa Grant",
        Role::Coordinator,
        w.other_org,
    )
    .await;
    for path in [
        format!("/people/{}/checkins", w.person),
        format!("/checkins/calls/{call}"),
        format!("/concerns/{concern}"),
    ] {
        assert_eq!(
            stranger.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    for path in [
        format!("/concerns/{concern}/acknowledge"),
        format!("/people/{}/checkins/{schedule}/stop", w.person),
    ] {
        assert_eq!(
            stranger.post(&path, &[]).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let list = stranger.get("/concerns").await;
    assert!(!list.body.contains("Isobel Mackay"));
    let calls = stranger.get("/checkins").await;
    assert!(!calls.body.contains("Isobel Mackay"));
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM checkin_concerns WHERE status = 'open'"
        )
        .await,
        1,
        "nothing moved"
    );
}

on_both_backends!(another_organisation_is_told_nothing_is_there,);
