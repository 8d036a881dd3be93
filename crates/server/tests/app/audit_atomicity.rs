//! A change and its audit row commit together: when the audit row cannot
//! be written, the change is not made either. Each test signs in first,
//! then makes the database refuse every new audit row, and tries one
//! change per capability.

use crate::support::{
    TestApp,
    budgeting::{post, process_form},
};
use axum::http::StatusCode;
use coprod_server::{coprod_engine::people::Role, db::Backend};

/// From now on, every insert into `audit_events` fails.
async fn refuse_audit_rows(app: &TestApp) {
    let statements: &[&str] = match app.state.db.backend() {
        Backend::Sqlite => &["CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events \
             BEGIN SELECT RAISE(ABORT, 'audit refused'); END"],
        Backend::Postgres => &[
            "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS \
             'BEGIN RAISE EXCEPTION ''audit refused''; END'",
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events \
             FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
        ],
    };
    for statement in statements {
        sqlx::query(statement)
            .execute(app.state.db.pool())
            .await
            .unwrap();
    }
}

async fn an_organisation_is_not_created_without_its_audit_row(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut admin = app.as_role(Role::Admin).await;
    let before = app.count("organisations").await;
    refuse_audit_rows(&app).await;
    let refused = admin
        .post(
            "/admin/organisations",
            &[
                ("name", "Kilbrannan Lunch Club"),
                ("sector", "third"),
                ("locality_id", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(app.count("organisations").await, before);
}

async fn a_token_is_not_issued_without_its_audit_row(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut admin = app.as_role(Role::Admin).await;
    let organisation = admin
        .post(
            "/admin/organisations",
            &[
                ("name", "Harbour Trust"),
                ("sector", "third"),
                ("locality_id", ""),
            ],
        )
        .await;
    assert_eq!(organisation.status, StatusCode::SEE_OTHER);
    let organisation = organisation
        .location()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    refuse_audit_rows(&app).await;
    let refused = admin
        .post(
            "/admin/tokens",
            &[
                ("name", "Directory sync"),
                ("organisation_id", &organisation),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(app.count("api_tokens").await, 0);
}

async fn signing_out_keeps_the_session_without_its_audit_row(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut citizen = app.as_role(Role::Citizen).await;
    let sessions = app.count("sessions").await;
    refuse_audit_rows(&app).await;
    let refused = citizen.post("/sign-out", &[]).await;
    assert_eq!(refused.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(app.count("sessions").await, sessions);
}

async fn a_budget_process_is_not_created_without_its_audit_row(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut organiser = app.as_role(Role::Manager).await;
    refuse_audit_rows(&app).await;
    let refused = post(&mut organiser, "/budgeting/new", &process_form(&[])).await;
    assert_eq!(refused.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(app.count("pb_processes").await, 0);
}

async fn a_survey_is_not_created_without_its_audit_row(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut admin = app.as_role(Role::Admin).await;
    let organisation = admin
        .post(
            "/admin/organisations",
            &[
                ("name", "Sight Loss Group"),
                ("sector", "third"),
                ("locality_id", ""),
            ],
        )
        .await;
    let organisation = organisation
        .location()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    refuse_audit_rows(&app).await;
    let refused = admin
        .post(
            "/surveys/new",
            &[
                ("title", "What would help you most?"),
                ("organisation_id", &organisation),
                ("introduction", "We want to hear from you."),
                ("audience_citizens", "yes"),
                ("access", "public"),
                ("identified", "no"),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        refused.body
    );
    assert_eq!(app.count("surveys").await, 0);
    assert_eq!(app.count("survey_versions").await, 0);
}

on_both_backends!(
    an_organisation_is_not_created_without_its_audit_row,
    a_token_is_not_issued_without_its_audit_row,
    signing_out_keeps_the_session_without_its_audit_row,
    a_budget_process_is_not_created_without_its_audit_row,
    a_survey_is_not_created_without_its_audit_row,
);
