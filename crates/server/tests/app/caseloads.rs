//! The caseload rule (`people::reach::Caseloads`) beyond the record's own
//! pages, on both backends: while a person is on a team's caseload, a
//! colleague of the same organisation outside the team finds them in none
//! of the lists that name people (the co-delivery desk's people and time
//! bank, the check-in calls, the concerns, the referrals sent) and their
//! pages answer 404; the team's members and administrators see them all;
//! the work that was shared stays with whoever it was shared with: the
//! referral someone made, the call a volunteer was given to make.

use axum::http::StatusCode;
use coprod_server::{
    checkins::workflow::sweep, coordination::model::today, coprod_engine::people::Role, db,
};

use crate::{
    support::referrals::{referral_by, service_managed_by},
    teams::{World, count, staff, world},
};

const NAME: &str = "Janet Paterson";

/// A person on the team's caseload, with a check-in call made by a
/// volunteer that raised a concern, and a referral made by the first
/// member: (person, call, concern, referral, volunteer's client).
async fn janet_and_her_work(w: &mut World) -> (i64, i64, i64, i64, crate::support::Client) {
    let db = w.db().clone();
    let janet = w.person(NAME).await;
    w.take_on(janet, "Pressure area check each visit").await;
    let (volunteer_id, mut volunteer) = staff(
        &w.app,
        "ruaridh@coast.example",
        Role::Volunteer,
        Some(w.org),
    )
    .await;
    let reply = w
        .first
        .1
        .post(
            &format!("/people/{janet}/checkins"),
            &[
                ("kind", "regular"),
                ("cadence", "weekly"),
                ("start", &today().to_string()),
                ("end", ""),
                ("weeks", ""),
                ("caller", &volunteer_id.to_string()),
                ("attempts", "3"),
                ("spacing", "1"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    sweep(&db, today(), db::now()).await.unwrap();
    let call = count(
        &db,
        &format!("SELECT MAX(id) FROM checkin_calls WHERE person_id = {janet}"),
    )
    .await;
    let reply = volunteer
        .post(
            &format!("/checkins/calls/{call}"),
            &[
                ("outcome", "concern"),
                ("channel", "phone"),
                ("note", ""),
                ("urgency", "soon"),
                ("noticed", "Said the stairs are getting harder"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let concern = count(
        &db,
        &format!("SELECT MAX(id) FROM checkin_concerns WHERE person_id = {janet}"),
    )
    .await;
    service_managed_by(&db, "walks", "Coast health walks", w.other_org).await;
    let referral = referral_by(
        &db,
        Some((w.org, w.first.0)),
        janet,
        "walks",
        w.other_org,
        "name,reason",
    )
    .await;
    (janet, call, concern, referral, volunteer)
}

/// The lists that name people, for staff of the organisation.
const LISTS: [&str; 5] = [
    "/coordination/people",
    "/coordination/timebank",
    "/checkins",
    "/concerns",
    "/referrals/sent",
];

async fn a_person_on_a_caseload_is_in_no_colleagues_list(backend: Backend) {
    let mut w = world(backend).await;
    let (janet, call, concern, referral, mut volunteer) = janet_and_her_work(&mut w).await;
    let pages = [
        format!("/coordination/people/{janet}"),
        format!("/checkins/calls/{call}"),
        format!("/concerns/{concern}"),
        format!("/referrals/{referral}"),
        format!("/referrals/{referral}/outcomes/new"),
    ];

    // A coordinator of the organisation outside the team.
    for list in LISTS {
        let reply = w.outsider.get(list).await;
        assert_eq!(reply.status, StatusCode::OK, "{list}");
        assert!(!reply.body.contains(NAME), "{list} names the person");
    }
    for page in &pages {
        assert_eq!(
            w.outsider.get(page).await.status,
            StatusCode::NOT_FOUND,
            "{page}"
        );
    }
    let reply = w
        .outsider
        .post(&format!("/concerns/{concern}/acknowledge"), &[])
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        count(
            w.db(),
            &format!(
                "SELECT COUNT(*) FROM checkin_concerns WHERE id = {concern} AND status = 'open'"
            )
        )
        .await,
        1,
        "the refused step changed nothing"
    );

    // The team's other member sees the same person everywhere.
    for list in ["/checkins", "/concerns", "/referrals/sent"] {
        let reply = w.second.1.get(list).await;
        assert!(reply.body.contains(NAME), "{list} for a member");
    }
    for page in &pages[1..] {
        assert_eq!(w.second.1.get(page).await.status, StatusCode::OK, "{page}");
    }

    // The volunteer keeps the call they were given to make.
    assert_eq!(
        volunteer
            .get(&format!("/checkins/calls/{call}"))
            .await
            .status,
        StatusCode::OK
    );
    assert!(volunteer.get("/checkins").await.body.contains(NAME));

    // A partnership administrator sees them all, for their duties.
    let (_, mut administrator) = staff(&w.app, "admin@coast.example", Role::Admin, None).await;
    for list in LISTS {
        let reply = administrator.get(list).await;
        assert!(reply.body.contains(NAME), "{list} for an administrator");
    }
    for page in &pages {
        assert_eq!(
            administrator.get(page).await.status,
            StatusCode::OK,
            "{page}"
        );
    }

    // Off the caseload, the organisation's rule is back.
    let reply = w
        .first
        .1
        .post(&format!("/teams/{}/caseload/{janet}/remove", w.team), &[])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    for list in LISTS {
        assert!(w.outsider.get(list).await.body.contains(NAME), "{list}");
    }
}

async fn whoever_made_a_referral_keeps_following_it(backend: Backend) {
    let mut w = world(backend).await;
    let (janet, _, _, _, _) = janet_and_her_work(&mut w).await;
    // The outsider had referred Janet before the team took her on.
    let (outsider_id,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE email = 'catriona@coast.example'")
            .fetch_one(w.db().pool())
            .await
            .unwrap();
    service_managed_by(w.db(), "lunch", "Harbour lunch club", w.other_org).await;
    let theirs = referral_by(
        w.db(),
        Some((w.org, outsider_id)),
        janet,
        "lunch",
        w.other_org,
        "name",
    )
    .await;
    let sent = w.outsider.get("/referrals/sent").await;
    assert!(sent.body.contains(&format!("/referrals/{theirs}")));
    assert!(sent.body.contains(NAME));
    assert_eq!(
        w.outsider.get(&format!("/referrals/{theirs}")).await.status,
        StatusCode::OK
    );
    // The receiving organisation sees what was shared, as ever.
    let (_, mut receiver) = staff(
        &w.app,
        "intake@glens.example",
        Role::Coordinator,
        Some(w.other_org),
    )
    .await;
    let incoming = receiver.get("/referrals/incoming").await;
    assert!(incoming.body.contains(NAME));
    assert_eq!(
        receiver.get(&format!("/referrals/{theirs}")).await.status,
        StatusCode::OK
    );
}

use coprod_server::db::Backend;

on_both_backends!(
    a_person_on_a_caseload_is_in_no_colleagues_list,
    whoever_made_a_referral_keeps_following_it,
);
