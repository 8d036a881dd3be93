//! The Co-Production Star toolkit end to end on both backends: an
//! initiative is mapped, its business case built and checked against
//! arithmetic done by hand, a self-assessment round is rated by two people
//! who disagree, a charter is drafted, approved and published, and the
//! star report gives the same figures to other tools. Bad forms store
//! nothing; other organisations' staff see nothing.
use crate::support::{Client, TestApp};
use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use coprod_server::{
    api::tokens,
    coprod_engine::people::{LineOfText, Role, Sector},
    db::Backend,
    organisations::store as organisations,
    star::report,
};
use serde_json::Value;

fn id_after(location: &str, prefix: &str) -> i64 {
    assert!(
        location.starts_with(prefix),
        "{location} does not start with {prefix}"
    );
    location[prefix.len()..]
        .split(['?', '/', '#'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn organisation(app: &TestApp, name: &str) -> i64 {
    organisations::create(
        &app.state.db,
        &LineOfText::parse(name).unwrap(),
        Sector::Third,
        None,
    )
    .await
    .unwrap()
}

/// Every statement rated `level`, except the first Co-design statement,
/// rated `co_design`.
fn ratings(rater: &str, role: &str, level: &str, co_design: &str) -> Vec<(String, String)> {
    let mut fields = vec![
        ("rater".to_owned(), rater.to_owned()),
        ("role".to_owned(), role.to_owned()),
    ];
    for i in 0..18 {
        let value = if i == 2 { co_design } else { level };
        fields.push((format!("s{i}_level"), value.to_owned()));
    }
    fields.push(("s2_evidence".to_owned(), format!("{rater} says so")));
    fields
}

async fn post_owned(
    client: &mut Client,
    path: &str,
    fields: &[(String, String)],
) -> crate::support::Reply {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.post(path, &borrowed).await
}

#[expect(
    clippy::too_many_lines,
    reason = "one organisation's whole journey, told in order"
)]
async fn an_initiative_is_mapped_costed_rated_and_chartered(backend: Backend) {
    let app = TestApp::new(backend).await;
    let org = organisation(&app, "Seaside Lunch Club").await;
    let mut manager = app.as_role(Role::Manager).await;

    // A form with no name and no Co is refused, naming both, storing nothing.
    let reply = manager
        .post(
            &format!("/star/{org}/initiatives"),
            &[
                ("name", ""),
                ("service", "Lunch club"),
                ("stage", "running"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("href=\"#name\""), "{}", reply.body);
    assert!(
        reply.body.contains("Choose at least one of the Four Co"),
        "{}",
        reply.body
    );
    assert_eq!(app.count("star_initiatives").await, 0);

    let reply = manager
        .post(
            &format!("/star/{org}/initiatives"),
            &[
                ("name", "Members plan the menu"),
                ("service", "Lunch club"),
                ("stage", "running"),
                ("co_co_design", "on"),
                ("co_co_delivery", "on"),
                ("partner_users", "on"),
                ("tp_seeing_people", "on"),
                ("own_outcomes", "Members eat a hot meal each week"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let initiative = id_after(reply.location(), "/star/initiatives/");
    // A second service with a plan only, so the grid has a planned cell.
    manager
        .post(
            &format!("/star/{org}/initiatives"),
            &[
                ("name", "Transport rota"),
                ("service", "Transport"),
                ("stage", "proposed"),
                ("co_co_delivery", "on"),
            ],
        )
        .await;

    let page = manager.get(&format!("/star/{org}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // Two services × four Co's: lunch club happening in two, transport
    // planned in one (not a gap); five gaps, and co-commissioning and co-assessment
    // happen nowhere.
    assert!(page.body.contains("5 gaps"), "{}", page.body);
    assert!(page.body.contains("Happening (1)"));
    assert!(page.body.contains("Proposed (1)"));
    assert!(!page.body.contains("Planned"));
    assert!(
        page.body
            .contains("No service does this yet: Co-commissioning, Co-assessment.")
    );
    let filtered = manager
        .get(&format!("/star/{org}?outcome=feeling_safe"))
        .await;
    assert!(filtered.body.contains("8 gaps"), "{}", filtered.body);

    // The business case: a percentage over 100 is refused and nothing stored.
    let case_path = format!("/star/initiatives/{initiative}/business-case");
    let mut case = vec![
        ("rows", "1"),
        ("money", "500"),
        ("staff_hours", "10"),
        ("staff_hourly_cost", "20"),
        ("volunteer_hours", "0"),
        ("volunteer_hourly_value", "12.60"),
        ("discount_rate", "3.5"),
        ("o0_description", "Members less lonely"),
        ("o0_quantity", "10"),
        ("o0_proxy", "100"),
        ("o0_source", "Worked example"),
        ("o0_year", "2024"),
        ("o0_deadweight", "120"),
        ("o0_displacement", "0"),
        ("o0_attribution", "50"),
        ("o0_drop_off", "10"),
        ("o0_duration", "2"),
    ];
    let reply = manager.post(&case_path, &case).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("href=\"#o0_deadweight\""),
        "{}",
        reply.body
    );
    assert_eq!(app.count("star_business_cases").await, 0);
    case[12] = ("o0_deadweight", "20");
    let reply = manager.post(&case_path, &case).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    // By hand: inputs 500 + 10 × 20 = 700. Year 1: 10 × 100 × (1 − 0.2)
    // × (1 − 0) × (1 − 0.5) = 400; year 2: 400 × (1 − 0.1) = 360.
    // PV = 400 ∕ 1.035 + 360 ∕ 1.035² = 386.47 + 336.06 = 722.54.
    // SROI = 722.54 ∕ 700 = 1.03; net value 22.54.
    let page = manager.get(&case_path).await;
    // Rates and money come back as the decimals typed, never as the
    // binary fractions in between (3.5 ∕ 100 × 100 is 3.5000000000000004).
    for typed in [
        "name=\"discount_rate\" value=\"3.5\"",
        "value=\"12.60\"",
        "value=\"20\"",
    ] {
        assert!(
            page.body.contains(typed),
            "{typed} missing from {}",
            page.body
        );
    }
    assert!(!page.body.contains("0000000"), "{}", page.body);
    for shown in [
        "£700.00", "£400.00", "£360.00", "£722.54", "£22.54", "1.03", "£386.47", "£336.06",
    ] {
        assert!(
            page.body.contains(shown),
            "{shown} missing from {}",
            page.body
        );
    }

    // A round rated by a manager and a service user who disagree on
    // co-design.
    let reply = manager
        .post(
            &format!("/star/{org}/rounds"),
            &[("name", "Autumn 2026"), ("held_on", "14/10/2026")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let round = id_after(reply.location(), "/star/rounds/");
    let rate = format!("/star/rounds/{round}/rate");
    let reply = post_owned(&mut manager, &rate, &ratings("Morven", "manager", "3", "5")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let reply = post_owned(
        &mut manager,
        &rate,
        &ratings("Iona", "service_user", "3", "2"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    // The same name twice is refused, and nothing of it is stored.
    let before = app.count("star_ratings").await;
    let reply = post_owned(&mut manager, &rate, &ratings("Iona", "staff", "1", "1")).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("star_ratings").await, before);
    assert_eq!(before, 36);
    // A missing rating is named.
    let mut short = ratings("Fraser", "staff", "4", "4");
    short.retain(|(k, _)| k != "s7_level");
    let reply = post_owned(&mut manager, &rate, &short).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("href=\"#s7_level\""), "{}", reply.body);

    let page = manager.get(&format!("/star/rounds/{round}")).await;
    assert!(
        page.body.contains("People see 1 statement differently."),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("Ratings by people who use the service are lower than ratings by managers, by 3.0 points"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<svg class=\"coprod-radar\""));

    // Co-design's two statements: (5 + 2 + 3 + 3) ∕ 4 = 3.25.
    let built = report::build(&app.state.db, Some(org))
        .await
        .unwrap()
        .unwrap();
    let json: Value = serde_json::to_value(&built).unwrap();
    let mine = &json["organisations"][0];
    assert_eq!(mine["star"]["co_design"], 3.25);
    assert_eq!(mine["star"]["map_it"], 3.0);
    let lunch = mine["initiatives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "Members plan the menu")
        .unwrap();
    assert_eq!(
        lunch["cos"],
        serde_json::json!(["co_design", "co_delivery"])
    );
    let case = &lunch["business_case"];
    assert_eq!(case["inputs"], 700.0);
    assert!((case["present_value"].as_f64().unwrap() - 722.537_282_083_596).abs() < 1e-9);
    assert_eq!(case["discount_rate"], 0.035);
    assert_eq!(case["outcomes"][0]["deadweight"], 0.2);
    assert_eq!(case["outcomes"][0]["duration_years"], 2);

    // A charter: drafted, invisible to the public, approved, published.
    let reply = manager
        .post(
            &format!("/star/{org}/charters"),
            &[
                ("service", "Lunch club"),
                ("users_role", "Plan the menus"),
                ("users_incentives", "Food you like"),
                ("carers_responsibilities", "Let us know about diets"),
            ],
        )
        .await;
    // Responsibilities without a role are refused.
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("href=\"#carers_role\""),
        "{}",
        reply.body
    );
    let reply = manager
        .post(
            &format!("/star/{org}/charters"),
            &[
                ("service", "Lunch club"),
                ("users_role", "Plan the menus"),
                ("users_incentives", "Food you like"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let charter = id_after(reply.location(), "/star/charters/");
    let mut public = app.client();
    assert_eq!(
        public.get(&format!("/charters/{charter}")).await.status,
        StatusCode::NOT_FOUND
    );
    let reply = manager
        .post(&format!("/star/charters/{charter}/approve"), &[])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let page = public.get(&format!("/charters/{charter}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Plan the menus"));
    // Changing it starts version 2 as a draft; the public still see version 1.
    let reply = manager
        .post(
            &format!("/star/{org}/charters"),
            &[("service", "Lunch club"), ("users_role", "Run the kitchen")],
        )
        .await;
    let draft = id_after(reply.location(), "/star/charters/");
    assert_ne!(draft, charter);
    let page = public.get(&format!("/charters/{draft}")).await;
    assert!(page.body.contains("Plan the menus") && !page.body.contains("Run the kitchen"));

    // The impact report puts it together.
    let page = manager.get(&format!("/star/{org}/report")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Members plan the menu") && page.body.contains("£722.54"));
}

async fn other_organisations_staff_see_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let org = organisation(&app, "Glens Walking Group").await;
    let elsewhere = organisation(&app, "Somewhere Else").await;
    let coordinator = app.person("coord@test.example", Role::Coordinator).await;
    // Make the coordinator belong to `elsewhere` only.
    sqlx::query("UPDATE memberships SET organisation_id = $1 WHERE account_id = $2")
        .bind(elsewhere)
        .bind(coordinator)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let mut client = app.client();
    client
        .sign_in("coord@test.example", crate::support::PASSWORD)
        .await;
    assert_eq!(
        client.get(&format!("/star/{org}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        client.get(&format!("/star/{elsewhere}")).await.status,
        StatusCode::OK
    );
    let index = client.get("/star").await;
    assert!(index.body.contains("Somewhere Else") && !index.body.contains("Glens Walking Group"));
    // A citizen is not staff at all.
    let mut citizen = app.as_role(Role::Citizen).await;
    assert_eq!(citizen.get("/star").await.status, StatusCode::FORBIDDEN);
}

async fn a_token_reads_its_star_and_adds_initiatives(backend: Backend) {
    let app = TestApp::new(backend).await;
    let org = organisation(&app, "Harbour Befrienders").await;
    let (_, token) = tokens::issue(
        &app.state.db,
        &LineOfText::parse("System").unwrap(),
        org,
        None,
    )
    .await
    .unwrap();
    let mut client = app.client();
    let send = |body: &str| {
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/star/initiatives")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_owned()))
            .unwrap()
    };
    let reply = client
        .send(send(
            r#"{"name": "", "service": "Befriending", "stage": "soon", "cos": ["co_whatever"]}"#,
        ))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    for path in ["/name", "/stage", "/cos/0"] {
        assert!(reply.body.contains(path), "{path} in {}", reply.body);
    }
    assert_eq!(app.count("star_initiatives").await, 0);
    let reply = client
        .send(send(
            r#"{"name": "Phone friends", "service": "Befriending", "stage": "running", "cos": ["co_delivery"], "talking_points": ["seeing_people"]}"#,
        ))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let reply = client.send(send(r#"{"name": "Phone friends", "service": "Befriending", "stage": "running", "cos": ["co_delivery"]}"#)).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    let reply = client.api_get("/api/v1/star/report", Some(&token)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let json: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(json["organisations"].as_array().unwrap().len(), 1);
    assert_eq!(
        json["organisations"][0]["initiatives"][0]["name"],
        "Phone friends"
    );
    assert_eq!(json["organisations"][0]["star"]["co_design"], Value::Null);
    assert_eq!(
        client.api_get("/api/v1/star/report", None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn a_personal_star_is_seen_only_by_the_person_their_carer_and_workers(backend: Backend) {
    let app = TestApp::new(backend).await;
    let org = organisation(&app, "Seaview Dementia Cafe").await;
    let mut worker = app.as_role(Role::LinkWorker).await;
    app.person("agnes@test.example", Role::Citizen).await;
    let reply = worker
        .post(
            &format!("/star/{org}/people"),
            &[
                ("person_name", "Agnes"),
                ("person_email", "agnes@test.example"),
                ("consent_purpose", "To plan support together"),
            ],
        )
        .await;
    // No consent ticked: refused, nothing kept.
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("star_person_stars").await, 0);
    let reply = worker
        .post(
            &format!("/star/{org}/people"),
            &[
                ("person_name", "Agnes"),
                ("person_email", "agnes@test.example"),
                ("consent_purpose", "To plan support together"),
                ("consent", "yes"),
            ],
        )
        .await;
    let star = id_after(reply.location(), "/star/people/");
    let reply = worker
        .post(
            &format!("/star/people/{star}"),
            &[
                ("rated_on", "01/12/2026"),
                ("home_level", "4"),
                ("community_level", "2"),
                ("services_level", "3"),
                ("contributes", "Bakes for the cafe"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let mut agnes = app.client();
    agnes
        .sign_in("agnes@test.example", crate::support::PASSWORD)
        .await;
    let page = agnes.get(&format!("/star/people/{star}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Bakes for the cafe"));
    // The history's dates read as the rest of the site's do.
    assert!(
        page.body.contains("<th scope=\"row\">1 December 2026</th>"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("2026-12-01"));
    let mut stranger = app.as_role(Role::Coordinator).await;
    assert_eq!(
        stranger.get(&format!("/star/people/{star}")).await.status,
        StatusCode::NOT_FOUND
    );
    let reads: (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE action = 'star_person_read'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(reads.0, 1);
}

/// A star started from a person's record is kept on it: the colleagues who
/// may read the record see it too (each look audited), nobody else does,
/// and the record lists it.
async fn a_personal_star_kept_on_a_record_is_seen_by_colleagues(backend: Backend) {
    let app = TestApp::new(backend).await;
    let org = organisation(&app, "Seaview Dementia Cafe").await;
    let other = organisation(&app, "Hillside Day Centre").await;
    let person = crate::support::coordination::person_held_by(
        &app.state.db,
        "Agnes Wilson",
        None,
        coprod_server::coordination::model::Channel::Phone,
        Some(org),
    )
    .await;
    let mut worker = app.as_role_in(Role::LinkWorker, org).await;
    let mut colleague = app.as_role_in(Role::Coordinator, org).await;
    let mut stranger = app.as_role_in(Role::Coordinator, other).await;
    let record = worker.get(&format!("/people/{person}")).await;
    let start = format!("/star/{org}/people?person={person}");
    assert!(
        record.body.contains(&start.replace('&', "&amp;")),
        "{}",
        record.body
    );
    let form = worker.get(&start).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("value=\"Agnes Wilson\""),
        "{}",
        form.body
    );
    // Another organisation cannot keep a star on her record.
    assert_eq!(
        stranger
            .get(&format!("/star/{other}/people?person={person}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let person_field = person.to_string();
    let reply = worker
        .post(
            &format!("/star/{org}/people"),
            &[
                ("person", &person_field),
                ("person_name", "Agnes Wilson"),
                ("consent_purpose", "To plan support together"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let star = id_after(reply.location(), "/star/people/");
    let seen = colleague.get(&format!("/star/people/{star}")).await;
    assert_eq!(seen.status, StatusCode::OK);
    let (reads,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'star_person_read' AND subject_id = $1",
    )
    .bind(star)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(reads, 1);
    assert_eq!(
        stranger.get(&format!("/star/people/{star}")).await.status,
        StatusCode::NOT_FOUND
    );
    let listed = colleague.get(&format!("/people/{person}")).await;
    assert!(listed.body.contains(&format!("/star/people/{star}")));
    let mut list = colleague.get(&format!("/star/{org}/people")).await;
    assert!(list.body.contains("Agnes Wilson"));
    list = stranger.get(&format!("/star/{other}/people")).await;
    assert!(!list.body.contains("Agnes Wilson"));
}

on_both_backends!(
    a_personal_star_kept_on_a_record_is_seen_by_colleagues,
    an_initiative_is_mapped_costed_rated_and_chartered,
    other_organisations_staff_see_nothing,
    a_token_reads_its_star_and_adds_initiatives,
    a_personal_star_is_seen_only_by_the_person_their_carer_and_workers,
);
