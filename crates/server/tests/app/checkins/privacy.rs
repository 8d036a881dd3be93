//! The privacy export holds the calls and erasure blanks them.

use super::{
    Backend, Eraser, Found, Requester, count, db, erase, export, log, open_call, plan_weekly,
    sweep, today, world,
};

async fn the_export_holds_calls_and_erasure_blanks_them(backend: Backend) {
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
            ("note", "Talked about her grandson."),
            ("urgency", "routine"),
            ("noticed", "The boiler is broken."),
        ],
    )
    .await;
    let found = Found {
        account_id: None,
        person_id: Some(w.person),
        name: "Isobel Mackay".into(),
    };
    let document = export::export(
        db,
        &found,
        Requester {
            account_id: None,
            ip: "",
            channel: "test",
        },
    )
    .await
    .unwrap();
    assert_eq!(document["checkin_schedules"].as_array().unwrap().len(), 1);
    assert_eq!(
        document["checkin_calls"][0]["note"],
        "Talked about her grandson."
    );
    assert_eq!(
        document["wellbeing_concerns"][0]["noticed"],
        "The boiler is broken."
    );
    erase::erase(
        db,
        &found,
        Eraser {
            account_id: None,
            ip: "",
        },
    )
    .await
    .unwrap();
    let (note,): (String,) = sqlx::query_as("SELECT note FROM checkin_calls WHERE id = $1")
        .bind(call)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(note, "");
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM checkin_concerns WHERE noticed <> ''"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM checkin_schedules WHERE stopped_at IS NULL"
        )
        .await,
        0
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM checkin_calls").await,
        1,
        "kept, blank"
    );
}

on_both_backends!(the_export_holds_calls_and_erasure_blanks_them,);
