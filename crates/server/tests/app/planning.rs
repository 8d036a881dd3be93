//! Community planning on both backends: a manager sets up a plan kept by
//! their organisation, adds outcomes, indicators and figures (a figure for
//! a period already there replaces it), links what serves an outcome, and
//! publishes it; the public page shows every figure as a table and a chart
//! with the trend and progress, and the easy-read page says the same in
//! short lines. Another organisation's manager is told the plan is not
//! there; a partnership-wide manager reaches it. "You said, we did"
//! entries are public only once signed off, and changing one takes it
//! back to a draft. Every change leaves its audit row. The demo's plans,
//! entries and the read-only API are checked too.

use axum::http::StatusCode;
use coprod_server::{
    api::tokens,
    coprod_engine::people::{LineOfText, Role, Sector},
    db::{Backend, Db},
    demo,
    organisations::store as organisations,
};

use crate::support::{Client, TestApp, referrals::service_managed_by};

async fn organisation(db: &Db, name: &str) -> i64 {
    organisations::create(db, &LineOfText::parse(name).unwrap(), Sector::Public, None)
        .await
        .unwrap()
}

async fn count(db: &Db, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(db.pool()).await.unwrap();
    n
}

/// The id in a location such as `/planning/plans/7?done=created`.
fn id_in(location: &str, prefix: &str) -> i64 {
    location
        .strip_prefix(prefix)
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no id in {location}"))
}

/// The value of the first `<option>` whose text contains `text`.
fn option_for(body: &str, text: &str) -> String {
    let at = body
        .find(&format!(">{text}"))
        .unwrap_or_else(|| panic!("no option {text}"));
    let open = body[..at].rfind("value=\"").unwrap() + 7;
    body[open..].split('"').next().unwrap().to_owned()
}

/// Sets a plan up as `client` (keeping it for `keeper`), with one outcome
/// and one indicator, and returns (plan, outcome, indicator).
async fn plan_with_indicator(client: &mut Client, keeper: i64) -> (i64, i64, i64) {
    let keeper = keeper.to_string();
    let reply = client
        .post(
            "/planning",
            &[
                ("title", "Harbour plan"),
                ("locality_id", ""),
                ("organisation_id", &keeper),
                ("starts_in", "2023"),
                ("ends_in", "2028"),
                ("summary", "What we will do together."),
                ("easy_read", "This is our plan.\nIt lasts five years."),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let plan = id_in(reply.location(), "/planning/plans/");
    let reply = client
        .post(
            &format!("/planning/plans/{plan}/outcomes"),
            &[
                ("outcome_title", "Fewer people are lonely"),
                ("outcome_easy_read", "Fewer people feel lonely."),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let outcome = id_in(reply.location().split('#').nth(1).unwrap(), "outcome-");
    let reply = client
        .post(
            &format!("/planning/plans/{plan}/indicators"),
            &[
                ("indicator_outcome", &outcome.to_string()),
                ("indicator_name", "People who often feel lonely"),
                ("indicator_unit", "%"),
                ("indicator_direction", "down"),
                ("indicator_target", "10"),
                ("indicator_easy_read", "People who often feel lonely"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let indicator = id_in(reply.location().split('#').nth(1).unwrap(), "indicator-");
    (plan, outcome, indicator)
}

async fn figure(
    client: &mut Client,
    plan: i64,
    indicator: i64,
    period: &str,
    value: &str,
) -> String {
    let reply = client
        .post(
            &format!("/planning/plans/{plan}/figures"),
            &[
                ("figure_indicator", &indicator.to_string()),
                ("figure_period", period),
                ("figure_value", value),
                ("figure_source", "Community survey"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    reply.location().to_owned()
}

async fn a_manager_keeps_a_plan_and_the_public_sees_its_progress(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let council = organisation(db, "Harbour Council").await;
    let mut manager = app.as_role_in(Role::Manager, council).await;
    let (plan, outcome, indicator) = plan_with_indicator(&mut manager, council).await;

    figure(&mut manager, plan, indicator, "2022", "20").await;
    figure(&mut manager, plan, indicator, "2023", "19").await;
    figure(&mut manager, plan, indicator, "2024", "18").await;
    // A corrected figure replaces the one there was for its period.
    let corrected = figure(&mut manager, plan, indicator, "2024", "15").await;
    assert!(corrected.contains("done=figure_corrected"), "{corrected}");
    assert_eq!(count(db, "SELECT COUNT(*) FROM plan_figures").await, 3);

    manager
        .post(
            &format!("/planning/plans/{plan}/priorities"),
            &[
                ("priority_outcome", &outcome.to_string()),
                ("priority_title", "Befriending after hospital"),
            ],
        )
        .await;

    // Not published: the public is told there is no such plan.
    let mut visitor = app.client();
    assert_eq!(
        visitor.get(&format!("/plans/{plan}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!visitor.get("/plans").await.body.contains("Harbour plan"));
    // Those who keep it see it as it will be.
    let preview = manager.get(&format!("/plans/{plan}")).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("not published yet"));

    let reply = manager
        .post(
            &format!("/planning/plans/{plan}"),
            &[
                ("title", "Harbour plan"),
                ("starts_in", "2023"),
                ("ends_in", "2028"),
                ("summary", "What we will do together."),
                ("easy_read", "This is our plan.\nIt lasts five years."),
                ("published", "yes"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);

    let page = visitor.get(&format!("/plans/{plan}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "Harbour plan",
        "Fewer people are lonely",
        "Befriending after hospital",
        "People who often feel lonely",
        "<table",
        "<th scope=\"row\">2024</th><td>15</td>",
        "<svg class=\"coprod-plan-chart\"",
        "2022: 20 %; 2023: 19 %; 2024: 15 %",
        "getting better",
        "Target: 10 %",
        // From 20 towards 10, now at 15: half way.
        "50% of the way",
    ] {
        assert!(page.body.contains(expected), "{expected} missing");
    }
    assert!(!page.body.contains("<script"), "no script needed");
    assert!(visitor.get("/plans").await.body.contains("Harbour plan"));

    let easy = visitor.get(&format!("/plans/{plan}/easy-read")).await;
    assert_eq!(easy.status, StatusCode::OK);
    for expected in [
        "coprod-easy-read",
        "<li>This is our plan.</li>",
        "<li>It lasts five years.</li>",
        "<li>Fewer people feel lonely.</li>",
        "In 2024 it was 15 %.",
        "This is getting better.",
        "We want it to be 10 %.",
    ] {
        assert!(easy.body.contains(expected), "{expected} missing");
    }

    // Every change is in the audit log against the plan.
    let audited = count(
        db,
        &format!(
            "SELECT COUNT(*) FROM audit_events WHERE subject_kind = 'plan' AND subject_id = {plan}"
        ),
    )
    .await;
    // Set up, outcome, indicator, four figures, a priority, published.
    assert_eq!(audited, 9);
}

async fn only_those_who_keep_a_plan_work_on_it(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let council = organisation(db, "Harbour Council").await;
    let other = organisation(db, "Glen Trust").await;
    let mut keeper = app.as_role_in(Role::Manager, council).await;
    let (plan, _, indicator) = plan_with_indicator(&mut keeper, council).await;

    let mut stranger = app.as_role_in(Role::Manager, other).await;
    assert_eq!(
        stranger
            .get(&format!("/planning/plans/{plan}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let reply = stranger
        .post(
            &format!("/planning/plans/{plan}/figures"),
            &[
                ("figure_indicator", &indicator.to_string()),
                ("figure_period", "2024"),
                ("figure_value", "1"),
                ("figure_source", "x"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(
        !stranger
            .get("/planning")
            .await
            .body
            .contains("Harbour plan")
    );
    // A manager may not leave a plan to the partnership, nor give it to
    // an organisation they do not manage.
    let reply = stranger
        .post(
            "/planning",
            &[
                ("title", "Not mine"),
                ("organisation_id", &council.to_string()),
                ("starts_in", "2024"),
                ("ends_in", "2025"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reply = stranger
        .post(
            "/planning",
            &[
                ("title", "Not mine"),
                ("starts_in", "2024"),
                ("ends_in", "2025"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .body
            .contains("Choose the organisation that keeps the plan")
    );

    let mut everywhere = app.as_role(Role::Manager).await;
    assert_eq!(
        everywhere
            .get(&format!("/planning/plans/{plan}"))
            .await
            .status,
        StatusCode::OK
    );
    let mut coordinator = app.as_role_in(Role::Coordinator, council).await;
    assert_eq!(
        coordinator
            .get(&format!("/planning/plans/{plan}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(count(db, "SELECT COUNT(*) FROM plan_figures").await, 0);
}

async fn bad_input_names_the_field_and_stores_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let council = organisation(db, "Harbour Council").await;
    let mut manager = app.as_role_in(Role::Manager, council).await;
    let (plan, _, indicator) = plan_with_indicator(&mut manager, council).await;
    let reply = manager
        .post(
            &format!("/planning/plans/{plan}/figures"),
            &[
                ("figure_indicator", &indicator.to_string()),
                ("figure_period", "2024/26"),
                ("figure_value", "lots"),
                ("figure_source", ""),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    for expected in [
        "id=\"figure_period-error\"",
        "a financial year, like 2024/25",
        "id=\"figure_value-error\"",
        "Enter a number",
        "id=\"figure_source-error\"",
    ] {
        assert!(reply.body.contains(expected), "{expected} missing");
    }
    assert_eq!(count(db, "SELECT COUNT(*) FROM plan_figures").await, 0);

    let reply = manager
        .post(
            "/planning",
            &[
                ("title", "Backwards"),
                ("organisation_id", &council.to_string()),
                ("starts_in", "2028"),
                ("ends_in", "2023"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .body
            .contains("The last year cannot be before the first year")
    );
    assert_eq!(count(db, "SELECT COUNT(*) FROM plans").await, 1);

    let reply = manager
        .post(
            &format!("/planning/plans/{plan}/entries"),
            &[
                ("said", ""),
                ("did", "Something"),
                ("happened_on", "2026-02-30"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("id=\"said-error\""));
    assert!(reply.body.contains("id=\"happened_on-error\""));
    assert_eq!(count(db, "SELECT COUNT(*) FROM you_said_entries").await, 0);
}

async fn services_serve_outcomes_and_say_so(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let council = organisation(db, "Harbour Council").await;
    service_managed_by(db, "svc-walks", "Harbour walking group", council).await;
    let mut manager = app.as_role_in(Role::Manager, council).await;
    let (plan, outcome, _) = plan_with_indicator(&mut manager, council).await;
    let page = manager.get(&format!("/planning/plans/{plan}")).await;
    let record = option_for(&page.body, "Harbour walking group");
    assert_eq!(record, "service:svc-walks");
    let path = format!("/planning/plans/{plan}/links");
    let fields = [
        ("link_outcome", outcome.to_string()),
        ("link_record", record.clone()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let reply = manager.post(&path, &fields).await;
    assert!(reply.location().contains("done=linked"), "{}", reply.body);
    let reply = manager.post(&path, &fields).await;
    assert!(reply.location().contains("done=already_linked"));
    // Something nobody offered is refused against the field.
    let reply = manager
        .post(
            &format!("/planning/plans/{plan}/links"),
            &[
                ("link_outcome", &outcome.to_string()),
                ("link_record", "survey:999"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("id=\"link_record-error\""));

    let page = manager.get(&format!("/plans/{plan}")).await;
    assert!(
        page.body
            .contains("<a href=\"/services/svc-walks\">Harbour walking group</a>")
    );
    let link_id = count(db, "SELECT MIN(id) FROM plan_outcome_links").await;
    let reply = manager
        .post(
            &format!("/planning/plans/{plan}/links/{link_id}/remove"),
            &[],
        )
        .await;
    assert!(reply.location().contains("done=unlinked"));
    // Removing it again changes nothing and is no error.
    let reply = manager
        .post(
            &format!("/planning/plans/{plan}/links/{link_id}/remove"),
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM plan_outcome_links").await,
        0
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'plan_link_changed'"
        )
        .await,
        2
    );
}

async fn you_said_we_did_is_public_once_signed_off(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let council = organisation(db, "Harbour Council").await;
    let mut manager = app.as_role_in(Role::Manager, council).await;
    let (plan, _, _) = plan_with_indicator(&mut manager, council).await;
    manager
        .post(
            &format!("/planning/plans/{plan}"),
            &[
                ("title", "Harbour plan"),
                ("starts_in", "2023"),
                ("ends_in", "2028"),
                ("published", "yes"),
            ],
        )
        .await;
    let reply = manager
        .post(
            &format!("/planning/plans/{plan}/entries"),
            &[
                ("said", "You said the bus did not reach the lunch club."),
                ("did", "A minibus now runs on Tuesdays."),
                ("happened_on", "2026-03-27"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let entry = id_in(reply.location(), "/planning/entries/");
    // A complaint's learning is kept by kind and reference until the
    // feedback pages can name it.
    let reply = manager
        .post(
            &format!("/planning/entries/{entry}/evidence"),
            &[
                ("evidence_kind", "complaint"),
                ("evidence_reference", "42"),
                (
                    "evidence_label",
                    "What we learned from a complaint about transport",
                ),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM you_said_evidence WHERE kind = 'complaint' AND target = '42'"
        )
        .await,
        1
    );
    // Evidence with neither a record nor a kind is refused.
    let reply = manager
        .post(&format!("/planning/entries/{entry}/evidence"), &[])
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);

    let mut visitor = app.client();
    assert!(
        !visitor
            .get("/you-said-we-did")
            .await
            .body
            .contains("minibus")
    );
    assert!(
        !visitor
            .get(&format!("/plans/{plan}"))
            .await
            .body
            .contains("minibus")
    );

    let reply = manager
        .post(&format!("/planning/entries/{entry}/sign-off"), &[])
        .await;
    assert!(reply.location().contains("done=signed_off"));
    let reply = manager
        .post(&format!("/planning/entries/{entry}/sign-off"), &[])
        .await;
    assert!(reply.location().contains("done=already_signed_off"));
    let public = visitor.get("/you-said-we-did").await;
    for expected in [
        "You said the bus did not reach the lunch club.",
        "A minibus now runs on Tuesdays.",
        "Changed on 27 March 2026",
        "signed off by Person manager of",
        "What we learned from a complaint about transport",
    ] {
        assert!(public.body.contains(expected), "{expected} missing");
    }
    assert!(
        visitor
            .get(&format!("/plans/{plan}"))
            .await
            .body
            .contains("minibus")
    );
    assert!(
        visitor
            .get(&format!("/plans/{plan}/easy-read"))
            .await
            .body
            .contains("A minibus now runs on Tuesdays.")
    );

    // Changing it takes it back to a draft, off the public pages.
    let reply = manager
        .post(
            &format!("/planning/entries/{entry}"),
            &[
                ("said", "You said the bus did not reach the lunch club."),
                ("did", "A minibus now runs on Tuesdays and Thursdays."),
                ("happened_on", "2026-03-27"),
            ],
        )
        .await;
    assert!(reply.location().contains("done=entry_reopened"));
    assert!(
        !visitor
            .get("/you-said-we-did")
            .await
            .body
            .contains("minibus")
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'you_said_signed_off'"
        )
        .await,
        1
    );
}

async fn the_demo_has_plans_entries_and_an_api(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let seeded = demo::seed(db).await.unwrap();
    assert_eq!(seeded.planning.plans, 2);
    assert!(seeded.planning.figures >= 10);
    assert!(seeded.planning.links >= 6);
    assert_eq!(seeded.planning.entries, 6);
    assert_eq!(seeded.planning.signed_off, 5);

    let mut visitor = app.client();
    let public = visitor.get("/you-said-we-did").await;
    assert!(public.body.contains("We ran a participatory budget"));
    assert!(
        !public.body.contains("every second meeting in the evening"),
        "a draft stays private"
    );
    assert!(public.body.contains("/you-said-we-did/localities/"));
    let coast: i64 = count(db, "SELECT MIN(locality_id) FROM plans").await;
    let local = visitor
        .get(&format!("/you-said-we-did/localities/{coast}"))
        .await;
    assert_eq!(local.status, StatusCode::OK);
    assert!(local.body.contains("minibus to the lunch club"));
    let plans = visitor.get("/plans").await;
    assert!(
        plans
            .body
            .contains("Ardnaveen Local Outcomes Improvement Plan")
    );
    assert!(plans.body.contains("Ardnaveen Coast locality plan"));
    // A service that serves an outcome says so on its own page.
    let (service,): (String,) =
        sqlx::query_as("SELECT MIN(target) FROM plan_outcome_links WHERE kind = 'service'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    let page = visitor.get(&format!("/services/{service}")).await;
    assert!(page.body.contains("Part of the local plans"), "{service}");
    let nav = visitor.get("/").await;
    assert!(nav.body.contains("href=\"/plans\""));
    assert!(nav.body.contains("href=\"/you-said-we-did\""));

    // The demo manager works for the partnership's organisation, which
    // keeps the LOIP, and not for the council, which keeps the coast's.
    let mut manager = app.client();
    manager
        .sign_in("manager@demo.example", demo::PASSWORD)
        .await;
    let loip: i64 = count(db, "SELECT MIN(id) FROM plans WHERE locality_id IS NULL").await;
    let coast_plan: i64 = count(
        db,
        "SELECT MIN(id) FROM plans WHERE locality_id IS NOT NULL",
    )
    .await;
    assert_eq!(
        manager.get(&format!("/planning/plans/{loip}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        manager
            .get(&format!("/planning/plans/{coast_plan}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let council: i64 = count(db, "SELECT MIN(id) FROM organisations").await;
    let (_, token) = tokens::issue(db, &LineOfText::parse("plans").unwrap(), council, None)
        .await
        .unwrap();
    let (status, list) = visitor
        .api_call(axum::http::Method::GET, "/api/v1/plans", &token, "")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert_eq!(list["items"][0]["kind"], "loip");
    let (status, plan) = visitor
        .api_call(
            axum::http::Method::GET,
            &format!("/api/v1/plans/{loip}"),
            &token,
            "",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let first = &plan["outcomes"][0]["indicators"][0];
    assert_eq!(first["direction"], "down");
    assert_eq!(first["trend"], "improving");
    assert_eq!(first["figures"].as_array().unwrap().len(), 4);
    assert_eq!(first["figures"][0]["period"], "2021/22");
    assert!(
        !plan["outcomes"][0]["served_by"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let (status, _) = visitor
        .api_call(axum::http::Method::GET, "/api/v1/plans/999999", &token, "")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

on_both_backends!(
    a_manager_keeps_a_plan_and_the_public_sees_its_progress,
    only_those_who_keep_a_plan_work_on_it,
    bad_input_names_the_field_and_stores_nothing,
    services_serve_outcomes_and_say_so,
    you_said_we_did_is_public_once_signed_off,
    the_demo_has_plans_entries_and_an_api,
);
