//! Walks every declared route for every role (and for nobody) and checks
//! that exactly the people its access rule admits get in.

use crate::support::{Client, TestApp};
use axum::http::{Method, StatusCode};
use coprod_server::{access::Access, app::all_routes, coprod_engine::people::Role, db::Backend};

fn concrete(path: &str, organisation_id: i64, person_id: i64) -> String {
    path.replace(
        "/organisations/{id}",
        &format!("/organisations/{organisation_id}"),
    )
    .replace(
        "/people/{id}/roles/{membership_id}",
        &format!("/people/{person_id}/roles/999999"),
    )
    .replace("/people/{id}", &format!("/people/{person_id}"))
    .replace("/tokens/{id}", "/tokens/999999")
    .replace("{token}", "no-such-token")
    .replace("{*path}", "css/design-system.min.css")
}

async fn every_route_admits_exactly_its_roles(backend: Backend) {
    let app = TestApp::new(backend).await;
    let organisation_id = app.state.db.pool().clone();
    let (organisation_id,): (i64,) = sqlx::query_as(
        "INSERT INTO organisations (name, sector, created_at) VALUES ('Walk Org', 'third', 0) RETURNING id",
    )
    .fetch_one(&organisation_id)
    .await
    .unwrap();
    let person_id = app.person("subject@example.org", Role::Citizen).await;

    let mut visitors: Vec<(Option<Role>, Client)> = vec![(None, app.client())];
    for role in Role::ALL {
        visitors.push((Some(role), app.as_role(role).await));
    }
    // Signing out would end the walk for that visitor: it goes last.
    let mut routes = all_routes();
    routes.sort_by_key(|r| r.path == "/sign-out");
    assert!(routes.len() >= 30, "the walk covers every route");
    let mut checked = 0;
    for route in &routes {
        let path = concrete(route.path, organisation_id, person_id);
        for (role, client) in &mut visitors {
            let role = *role;
            let reply = match route.method.clone() {
                Method::GET => client.get(&path).await,
                Method::POST => client.post(&path, &[]).await,
                other => {
                    let request = axum::http::Request::builder()
                        .method(other)
                        .uri(&path)
                        .body(axum::body::Body::empty())
                        .unwrap();
                    client.send(request).await
                }
            };
            let status = reply.status;
            let admitted = match route.access {
                Access::Public => true,
                Access::SignedOut => role.is_none(),
                Access::SignedIn => role.is_some(),
                Access::AnyRole(roles) => role.is_some_and(|r| roles.contains(&r)),
                Access::ApiToken => false,
            };
            let refused = match (route.access, role) {
                (Access::ApiToken, _) => status == StatusCode::UNAUTHORIZED,
                (Access::SignedOut, Some(_)) => {
                    status == StatusCode::SEE_OTHER && reply.location() == "/account"
                }
                (_, None) => {
                    status == StatusCode::SEE_OTHER
                        && reply.location().starts_with("/sign-in?return_to=")
                }
                (_, Some(_)) => status == StatusCode::FORBIDDEN,
            };
            if admitted {
                assert!(
                    !refused
                        && status != StatusCode::FORBIDDEN
                        && status != StatusCode::UNAUTHORIZED,
                    "{} {} should admit {role:?} but answered {status}",
                    route.method,
                    route.path
                );
            } else {
                assert!(
                    refused,
                    "{} {} should refuse {role:?} but answered {status}",
                    route.method, route.path
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, routes.len() * 7);
}

async fn staff_reads_of_a_person_are_audited(backend: Backend) {
    let app = TestApp::new(backend).await;
    let person = app.person("eilidh@example.org", Role::Citizen).await;
    let mut admin = app.as_role(Role::Admin).await;
    assert_eq!(
        admin.get(&format!("/admin/people/{person}")).await.status,
        StatusCode::OK
    );
    let (reads,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'person_read' AND subject_id = $1",
    )
    .bind(person)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(reads, 1);
    // The list of people is a read of people too.
    let listed = admin.get("/admin/people?q=eilidh").await;
    assert!(listed.body.contains("eilidh@example.org"));
    let (details,): (String,) = sqlx::query_as(
        "SELECT detail FROM audit_events WHERE action = 'people_listed' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(details, format!("accounts {person}"));
    let log = admin.get("/admin/audit").await;
    assert!(log.body.contains("person_read"));
    assert!(log.body.contains("signed_in"));
}

async fn roles_are_granted_and_removed_and_logged(backend: Backend) {
    let app = TestApp::new(backend).await;
    let person = app.person("angus@example.org", Role::Citizen).await;
    let mut admin = app.as_role(Role::Admin).await;
    let granted = admin
        .post(
            &format!("/admin/people/{person}/roles"),
            &[("role", "coordinator"), ("organisation_id", "")],
        )
        .await;
    assert_eq!(granted.status, StatusCode::SEE_OTHER);
    let mut angus = app.client();
    angus
        .sign_in("angus@example.org", crate::support::PASSWORD)
        .await;
    assert_eq!(angus.get("/admin").await.status, StatusCode::FORBIDDEN);
    let bad = admin
        .post(
            &format!("/admin/people/{person}/roles"),
            &[("role", "emperor"), ("organisation_id", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Choose a role from the list"));
    let (membership,): (i64,) =
        sqlx::query_as("SELECT id FROM memberships WHERE account_id = $1 AND role = 'coordinator'")
            .bind(person)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    let removed = admin
        .post(
            &format!("/admin/people/{person}/roles/{membership}/remove"),
            &[],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let (changes,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE action IN ('role_granted', 'role_revoked')",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(changes, 2);
}

async fn the_audit_log_cannot_be_changed(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.as_role(Role::Citizen).await;
    assert!(app.count("audit_events").await > 0);
    assert!(
        sqlx::query("UPDATE audit_events SET action = 'nothing'")
            .execute(app.state.db.pool())
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM audit_events")
            .execute(app.state.db.pool())
            .await
            .is_err()
    );
    assert!(app.count("audit_events").await > 0);
}

async fn a_disabled_person_is_signed_out_and_cannot_sign_in(backend: Backend) {
    let app = TestApp::new(backend).await;
    let person = app.person("fraser@example.org", Role::Volunteer).await;
    let mut fraser = app.client();
    fraser
        .sign_in("fraser@example.org", crate::support::PASSWORD)
        .await;
    assert_eq!(fraser.get("/account").await.status, StatusCode::OK);
    let mut admin = app.as_role(Role::Admin).await;

    let disabled = admin
        .post(&format!("/admin/people/{person}/disable"), &[])
        .await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER);
    assert_eq!(
        fraser.get("/account").await.status,
        StatusCode::SEE_OTHER,
        "signed out at once"
    );
    let refused = app
        .client()
        .sign_in("fraser@example.org", crate::support::PASSWORD)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        admin
            .get(&format!("/admin/people/{person}"))
            .await
            .body
            .contains("cannot sign in")
    );

    let enabled = admin
        .post(&format!("/admin/people/{person}/enable"), &[])
        .await;
    assert_eq!(enabled.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.client()
            .sign_in("fraser@example.org", crate::support::PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // Nobody can lock themselves out.
    let (admin_id,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE email = 'admin@test.example'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    let own = admin
        .post(&format!("/admin/people/{admin_id}/disable"), &[])
        .await;
    assert_eq!(own.status, StatusCode::BAD_REQUEST);
    assert!(own.body.contains("cannot disable your own account"));
    let (changes,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE action IN ('account_disabled', 'account_enabled')",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(changes, 2);
}

async fn organisations_are_added_and_edited_with_clear_errors(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut admin = app.as_role(Role::Admin).await;
    let created = admin
        .post(
            "/admin/organisations",
            &[
                ("name", "Kilbrannan Lunch Club"),
                ("sector", "third"),
                ("locality_id", ""),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let page = admin.get(created.location()).await;
    assert!(page.body.contains("Kilbrannan Lunch Club"));

    let invalid = admin
        .post(
            "/admin/organisations",
            &[("name", ""), ("sector", "royal"), ("locality_id", "99999")],
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["#name", "#sector", "#locality_id"] {
        assert!(
            invalid.body.contains(&format!("href=\"{field}\"")),
            "summary links to {field}"
        );
    }
    let duplicate = admin
        .post(
            "/admin/organisations",
            &[
                ("name", "Kilbrannan Lunch Club"),
                ("sector", "public"),
                ("locality_id", ""),
            ],
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(duplicate.body.contains("already exists"));
    assert_eq!(app.count("organisations").await, 1);

    let renamed = admin
        .post(
            created.location(),
            &[
                ("name", "Kilbrannan Friday Lunch Club"),
                ("sector", "third"),
                ("locality_id", ""),
            ],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    assert!(
        admin
            .get("/admin/organisations")
            .await
            .body
            .contains("Kilbrannan Friday Lunch Club")
    );
}

async fn api_tokens_are_shown_once_and_revocable(backend: Backend) {
    let app = TestApp::new(backend).await;
    sqlx::query(
        "INSERT INTO organisations (name, sector, created_at) VALUES ('Token Org', 'public', 0)",
    )
    .execute(app.state.db.pool())
    .await
    .unwrap();
    let (organisation,): (i64,) = sqlx::query_as("SELECT id FROM organisations")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let mut admin = app.as_role(Role::Admin).await;
    let created = admin
        .post(
            "/admin/tokens",
            &[
                ("name", "Directory sync"),
                ("organisation_id", &organisation.to_string()),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK);
    let start = created
        .body
        .find("coprod_")
        .expect("the new token is shown");
    let token: String = created.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let mut machine = app.client();
    assert_eq!(
        machine.api_get("/api/v1/token", Some(&token)).await.status,
        StatusCode::OK
    );
    assert!(
        !admin.get("/admin/tokens").await.body.contains(&token),
        "never shown again"
    );

    let (id,): (i64,) = sqlx::query_as("SELECT id FROM api_tokens")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(
        admin
            .post(&format!("/admin/tokens/{id}/revoke"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        machine.api_get("/api/v1/token", Some(&token)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let bad = admin
        .post(
            "/admin/tokens",
            &[("name", ""), ("organisation_id", "nope")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("api_tokens").await, 1);
}

on_both_backends!(
    a_disabled_person_is_signed_out_and_cannot_sign_in,
    organisations_are_added_and_edited_with_clear_errors,
    api_tokens_are_shown_once_and_revocable,
    every_route_admits_exactly_its_roles,
    staff_reads_of_a_person_are_audited,
    roles_are_granted_and_removed_and_logged,
    the_audit_log_cannot_be_changed,
);
