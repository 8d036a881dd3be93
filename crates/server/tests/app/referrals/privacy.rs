//! The privacy export, erasure and consent withdrawal cover referrals.

use super::{Backend, Channel, Eraser, Found, Requester, Role, erase, export, referral_to, world};

async fn export_erasure_and_withdrawn_consent_cover_referrals(backend: Backend) {
    let w = world(backend).await;
    let db = &w.app.state.db;
    let id = referral_to(db, w.person, "svc-walk", w.receiver_org, "name,reason").await;
    let other = referral_to(db, w.person, "svc-walk", w.receiver_org, "name").await;
    let mut provider = w.app.as_role_in(Role::Coordinator, w.receiver_org).await;
    provider
        .post(
            &format!("/referrals/{id}/outcomes/new"),
            &[
                ("instrument", "ucla3"),
                ("stage", "start"),
                ("channel", "phone"),
                ("item_1", "3"),
                ("item_2", "3"),
                ("item_3", "2"),
            ],
        )
        .await;

    // Withdrawing the consent to share withdraws that referral only.
    let (consent,): (i64,) = sqlx::query_as("SELECT consent_id FROM referrals WHERE id = $1")
        .bind(other)
        .fetch_one(db.pool())
        .await
        .unwrap();
    let mut conn = db.pool().acquire().await.unwrap();
    let held = coprod_server::privacy::consent::find(&mut conn, consent)
        .await
        .unwrap()
        .unwrap();
    coprod_server::privacy::consent::withdraw(&mut conn, &held, None, Channel::Phone, 1)
        .await
        .unwrap();
    drop(conn);
    let statuses: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, status FROM referrals ORDER BY id")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(
        statuses,
        vec![(id, "referred".into()), (other, "withdrawn".into())]
    );

    let found = Found {
        account_id: None,
        person_id: Some(w.person),
        name: "Morag Fraser".into(),
    };
    let requester = Requester {
        account_id: None,
        ip: "",
        channel: "test",
    };
    let document = export::export(db, &found, requester).await.unwrap();
    assert_eq!(document["referrals"].as_array().unwrap().len(), 2);
    assert_eq!(document["referral_events"].as_array().unwrap().len(), 3);
    assert_eq!(document["outcome_measures"][0]["items"], "[3,3,2]");
    assert!(
        document["referrals"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("walking")
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
    for table in ["referrals", "referral_events", "outcome_measures"] {
        assert_eq!(w.app.count(table).await, 0, "{table}");
    }
    let (erased,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE action = 'person_erased'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(erased, 1);
}

on_both_backends!(export_erasure_and_withdrawn_consent_cover_referrals,);
