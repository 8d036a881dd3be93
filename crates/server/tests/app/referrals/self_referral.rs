//! A person refers themselves and follows their referral.

use super::{Backend, Role, StatusCode, step, world};

async fn a_person_refers_themselves_and_follows_it(backend: Backend) {
    let w = world(backend).await;
    let mut citizen = w.app.as_role(Role::Citizen).await;
    let mut provider = w.app.as_role_in(Role::Coordinator, w.receiver_org).await;
    let service = citizen.get("/services/svc-walk").await;
    assert!(
        service.body.contains("/my-referrals/new?service=svc-walk"),
        "{}",
        service.body
    );
    let form = citizen.get("/my-referrals/new?service=svc-walk").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Glen Walking Group"));

    // Every problem named by its field; nothing stored.
    let bad = citizen
        .post(
            "/my-referrals/new",
            &[
                ("service", "svc-walk"),
                ("reason", "  "),
                ("share_phone", "yes"),
                ("phone", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["#reason", "#phone", "#consent"] {
        assert!(bad.body.contains(field), "{field}");
    }
    assert_eq!(w.app.count("referrals").await, 0);
    assert_eq!(w.app.count("consents").await, 0);

    let made = citizen
        .post(
            "/my-referrals/new",
            &[
                ("service", "svc-walk"),
                ("reason", "I would like to get out walking with others"),
                ("phone", "01632 960777"),
                ("share_name", "yes"),
                ("share_phone", "yes"),
                ("share_reason", "yes"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let id: i64 = made
        .location()
        .trim_start_matches("/my-referrals/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(w.app.count("consents").await, 1);

    // The service sees it, with what was shared and who referred.
    let incoming = provider.get("/referrals/incoming").await;
    assert!(incoming.body.contains(&format!("/referrals/{id}")));
    let seen = provider.get(&format!("/referrals/{id}")).await;
    assert!(seen.body.contains("01632 960777"), "{}", seen.body);
    assert!(seen.body.contains("The person themselves"));
    step(&mut provider, id, "accepted", "").await;

    // The message comes back to the person; nobody else sees it.
    let mine = citizen.get("/my-referrals").await;
    assert!(mine.body.contains("Glen Walking Group"));
    assert!(mine.body.contains("Accepted"));
    let mut other = w.app.as_role(Role::Volunteer).await;
    assert_eq!(
        other.get(&format!("/my-referrals/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let path = format!("/my-referrals/{id}/withdraw");
    assert_eq!(
        other.post(&path, &[("note", "not mine")]).await.status,
        StatusCode::NOT_FOUND
    );

    // Withdrawing needs a reason, which the service then reads.
    let no_reason = citizen.post(&path, &[("note", "")]).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("#note"));
    let withdrawn = citizen
        .post(&path, &[("note", "I have found a group nearer home")])
        .await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    let seen = provider.get(&format!("/referrals/{id}")).await;
    assert!(seen.body.contains("I have found a group nearer home"));
    let ended = citizen.get(&format!("/my-referrals/{id}")).await;
    assert!(ended.body.contains("Withdrawn"));
    assert!(!ended.body.contains("/withdraw\""));
}

on_both_backends!(a_person_refers_themselves_and_follows_it,);
