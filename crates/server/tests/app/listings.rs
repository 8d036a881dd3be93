//! Keeping the asset map right: coordinators add and edit their
//! organisations' listings, claim unclaimed ones, confirm old ones, and deal
//! with problems the public reports.

use crate::support::{Client, PASSWORD, TestApp};
use axum::http::StatusCode;
use coprod_server::{
    accounts::store as accounts,
    asset_map::interchange,
    coprod_engine::people::{LineOfText, Role, Sector},
    db::Backend,
    demo,
    organisations::store as organisations,
    places::{import as postcode_import, store as postcodes},
};
use serde_json::{Value, json};

struct World {
    app: TestApp,
    food_run: i64,
    carers: i64,
}

async fn world(backend: Backend) -> World {
    let app = TestApp::new(backend).await;
    let directory = postcode_import::parse(demo::postcode_directory().as_bytes()).unwrap();
    postcodes::import(&app.state.db, &directory.records)
        .await
        .unwrap();
    let food_run = organisations::create(
        &app.state.db,
        &LineOfText::parse("Harbourside Food Run").unwrap(),
        Sector::Third,
        None,
    )
    .await
    .unwrap();
    let carers = organisations::create(
        &app.state.db,
        &LineOfText::parse("Coastline Carers Centre").unwrap(),
        Sector::Third,
        None,
    )
    .await
    .unwrap();
    sqlx::query("INSERT INTO taxonomy_terms (id, name, document) VALUES ('food', 'Food and meals', '{\"id\":\"food\",\"name\":\"Food and meals\",\"description\":\"Food\"}')")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    World {
        app,
        food_run,
        carers,
    }
}

impl World {
    async fn coordinator(&self, email: &str, organisation: i64) -> Client {
        let id = self.app.person(email, Role::Citizen).await;
        accounts::grant(
            &self.app.state.db,
            id,
            Some(organisation),
            Role::Coordinator,
        )
        .await
        .unwrap();
        let mut client = self.app.client();
        assert_eq!(
            client.sign_in(email, PASSWORD).await.status,
            StatusCode::SEE_OTHER
        );
        client
    }
}

fn listing(organisation: i64) -> Vec<(&'static str, String)> {
    vec![
        ("name", "Seaview Lunch Club".into()),
        (
            "description",
            "Hot soup and good company every Tuesday.".into(),
        ),
        ("organisation_id", organisation.to_string()),
        ("term_id", "food".into()),
        ("location_name", "Seaview Hall".into()),
        ("address", "1 Shore Road".into()),
        ("town", "Ardnaveen".into()),
        ("postcode", "av1 1ab".into()),
        ("day_tu", "on".into()),
        ("opens", "12:00".into()),
        ("closes", "14:00".into()),
        ("minimum_age", "60".into()),
        ("free", "yes".into()),
        (
            "accessibility",
            "Step-free entrance and a hearing loop".into(),
        ),
        ("phone", "01632 960123".into()),
        ("email", "lunch@harbourside.example".into()),
        ("website", "https://harbourside.example/lunch".into()),
    ]
}

async fn post(client: &mut Client, path: &str, fields: &[(&str, String)]) -> crate::support::Reply {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    client.post(path, &pairs).await
}

async fn only_service(app: &TestApp) -> Value {
    let page = app.client().get("/api/hsds/services").await;
    let page: Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(page["total_items"], 1, "{page}");
    let id = page["contents"][0]["id"].as_str().unwrap().to_owned();
    serde_json::from_str(
        &app.client()
            .get(&format!("/api/hsds/services/{id}"))
            .await
            .body,
    )
    .unwrap()
}

async fn a_coordinator_adds_and_edits_a_listing(backend: Backend) {
    let w = world(backend).await;
    let mut catriona = w.coordinator("catriona@example.org", w.food_run).await;
    let created = post(&mut catriona, "/listings/new", &listing(w.food_run)).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);

    let service = only_service(&w.app).await;
    assert_eq!(service["name"], "Seaview Lunch Club");
    assert_eq!(service["organization"]["name"], "Harbourside Food Run");
    assert_eq!(service["schedules"][0]["byday"], "TU");
    assert_eq!(service["minimum_age"], 60);
    assert_eq!(service["cost_options"][0]["amount"], 0);
    assert_eq!(
        service["service_at_locations"][0]["location"]["addresses"][0]["postal_code"],
        "AV1 1AB"
    );
    let id = service["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a UUID");
    let list = catriona.get("/listings").await;
    assert!(list.body.contains("Seaview Lunch Club"));
    assert!(
        !list.body.contains("Check it is still right"),
        "just checked"
    );

    let edit = catriona.get(&format!("/listings/{id}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(edit.body.contains("value=\"Seaview Hall\""));
    let mut changed = listing(w.food_run);
    changed[0].1 = "Seaview Friday Lunch Club".into();
    changed[8] = ("day_fr", "on".into());
    let saved = post(&mut catriona, &format!("/listings/{id}/edit"), &changed).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let service = only_service(&w.app).await;
    assert_eq!(service["id"], id.as_str(), "the same listing");
    assert_eq!(service["name"], "Seaview Friday Lunch Club");
    assert_eq!(service["schedules"][0]["byday"], "FR");

    // Another organisation's coordinator may not touch it.
    let mut other = w.coordinator("fraser@example.org", w.carers).await;
    assert_eq!(
        other.get(&format!("/listings/{id}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(&mut other, &format!("/listings/{id}/edit"), &changed)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

async fn a_wrong_listing_form_explains_every_field_and_stores_nothing(backend: Backend) {
    let w = world(backend).await;
    let mut catriona = w.coordinator("catriona@example.org", w.food_run).await;
    let mut bad = listing(w.food_run);
    bad[0].1 = String::new();
    bad[2].1 = w.carers.to_string();
    bad[7].1 = "AV9 9ZZ".into();
    bad[9].1 = "noon".into();
    bad[11].1 = "200".into();
    bad[16].1 = "harbourside.example".into();
    let refused = post(&mut catriona, "/listings/new", &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        "name",
        "organisation_id",
        "postcode",
        "opens",
        "minimum_age",
        "website",
    ] {
        assert!(
            refused.body.contains(&format!("href=\"#{field}\"")),
            "the summary links to {field}"
        );
    }
    assert!(refused.body.contains("We do not know that postcode"));
    assert!(
        refused.body.contains(">Hot soup and good company"),
        "what was typed stays"
    );
    assert_eq!(w.app.count("services").await, 0);
}

async fn imported_details_survive_an_edit(backend: Backend) {
    let w = world(backend).await;
    let mut example: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/hsds/examples/service_full.json"
        ))
        .unwrap(),
    )
    .unwrap();
    example["id"] = json!("11111111-2222-4333-8444-555555555555");
    interchange::import(&w.app.state.db, &json!([example.clone()]))
        .await
        .unwrap();
    sqlx::query("UPDATE services SET managed_by = $1")
        .bind(w.food_run)
        .execute(w.app.state.db.pool())
        .await
        .unwrap();
    let mut catriona = w.coordinator("catriona@example.org", w.food_run).await;
    let saved = post(
        &mut catriona,
        "/listings/11111111-2222-4333-8444-555555555555/edit",
        &listing(w.food_run),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let service = only_service(&w.app).await;
    assert_eq!(service["name"], "Seaview Lunch Club");
    for kept in [
        "funding",
        "required_documents",
        "service_areas",
        "accreditations",
        "application_process",
    ] {
        assert_eq!(service[kept], example[kept], "{kept} is kept");
    }
}

async fn old_listings_are_flagged_until_confirmed(backend: Backend) {
    let w = world(backend).await;
    let mut catriona = w.coordinator("catriona@example.org", w.food_run).await;
    post(&mut catriona, "/listings/new", &listing(w.food_run)).await;
    sqlx::query("UPDATE services SET checked_at = $1")
        .bind(coprod_server::db::now() - 400 * 24 * 3600)
        .execute(w.app.state.db.pool())
        .await
        .unwrap();
    let list = catriona.get("/listings").await;
    assert!(list.body.contains("Check it is still right"));
    assert!(
        list.body
            .contains("1 listings have not been checked for a year")
    );
    let id = only_service(&w.app).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        catriona
            .post(&format!("/listings/{id}/confirm"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(
        !catriona
            .get("/listings")
            .await
            .body
            .contains("Check it is still right")
    );
}

async fn reports_reach_the_keepers_and_are_resolved_with_a_note(backend: Backend) {
    let w = world(backend).await;
    let mut catriona = w.coordinator("catriona@example.org", w.food_run).await;
    post(&mut catriona, "/listings/new", &listing(w.food_run)).await;
    let id = only_service(&w.app).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut visitor = w.app.client();
    assert_eq!(
        visitor.get(&format!("/services/{id}/report")).await.status,
        StatusCode::OK
    );
    let wrong = visitor
        .post(
            &format!("/services/{id}/report"),
            &[("kind", "lost"), ("email", "nope")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Choose what is wrong"));
    let sent = visitor
        .post(
            &format!("/services/{id}/report"),
            &[
                ("kind", "wrong_contact"),
                ("details", "The phone rings out"),
                ("email", "iona@example.org"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK);
    assert!(sent.body.contains("Thank you"));

    let queue = catriona.get("/listings/reports").await;
    assert!(queue.body.contains("The phone rings out"));
    let mut other = w.coordinator("fraser@example.org", w.carers).await;
    assert!(
        !other
            .get("/listings/reports")
            .await
            .body
            .contains("The phone rings out"),
        "only the keepers see it"
    );

    let (report,): (i64,) = sqlx::query_as("SELECT id FROM listing_reports")
        .fetch_one(w.app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(
        other
            .post(
                &format!("/listings/reports/{report}/resolve"),
                &[("note", "not ours")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let empty = catriona
        .post(
            &format!("/listings/reports/{report}/resolve"),
            &[("note", " ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Say what you did"));
    let resolved = catriona
        .post(
            &format!("/listings/reports/{report}/resolve"),
            &[("note", "New number added")],
        )
        .await;
    assert_eq!(resolved.status, StatusCode::SEE_OTHER);
    assert!(
        !catriona
            .get("/listings/reports")
            .await
            .body
            .contains("The phone rings out")
    );
    assert_eq!(
        visitor.get("/services/no-such-id/report").await.status,
        StatusCode::NOT_FOUND
    );
}

#[expect(clippy::too_many_lines, reason = "one claim, from request to decision")]
async fn unclaimed_listings_are_claimed_with_an_administrators_approval(backend: Backend) {
    let w = world(backend).await;
    let mut example: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/hsds/examples/service_full.json"
        ))
        .unwrap(),
    )
    .unwrap();
    example["id"] = json!("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
    interchange::import(&w.app.state.db, &json!([example]))
        .await
        .unwrap();
    let path = "/services/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee/claim";

    // Reports on an unclaimed listing go to the administrators.
    w.app
        .client()
        .post(
            "/services/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee/report",
            &[("kind", "closed")],
        )
        .await;
    let mut admin = w.app.as_role(Role::Admin).await;
    assert!(
        admin
            .get("/listings/reports")
            .await
            .body
            .contains("Community Counselling")
    );

    let mut catriona = w.coordinator("catriona@example.org", w.food_run).await;
    let mut fraser = w.coordinator("fraser@example.org", w.carers).await;
    assert_eq!(catriona.get(path).await.status, StatusCode::OK);
    assert_eq!(
        catriona
            .post(
                path,
                &[
                    ("organisation_id", &w.food_run.to_string()),
                    ("note", "We run it on Tuesdays")
                ]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let again = catriona
        .post(path, &[("organisation_id", &w.food_run.to_string())])
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("already asked"));
    let not_theirs = fraser
        .post(path, &[("organisation_id", &w.food_run.to_string())])
        .await;
    assert_eq!(
        not_theirs.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one may claim only for one's own organisation"
    );
    assert_eq!(
        fraser
            .post(path, &[("organisation_id", &w.carers.to_string())])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        catriona.get("/admin/claims").await.status,
        StatusCode::FORBIDDEN
    );

    let pending = admin.get("/admin/claims").await;
    assert!(pending.body.contains("We run it on Tuesdays"));
    let (first,): (i64,) =
        sqlx::query_as("SELECT id FROM listing_claims WHERE organisation_id = $1")
            .bind(w.food_run)
            .fetch_one(w.app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(
        admin
            .post(
                &format!("/admin/claims/{first}/decide"),
                &[("decision", "approve")]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let (managed_by,): (Option<i64>,) = sqlx::query_as("SELECT managed_by FROM services")
        .fetch_one(w.app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(managed_by, Some(w.food_run));
    let statuses: Vec<(String,)> = sqlx::query_as("SELECT status FROM listing_claims ORDER BY id")
        .fetch_all(w.app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(
        statuses,
        [("approved".to_owned(),), ("refused".to_owned(),)]
    );
    assert!(
        catriona
            .get("/listings")
            .await
            .body
            .contains("Community Counselling")
    );
    let late = fraser
        .post(path, &[("organisation_id", &w.carers.to_string())])
        .await;
    assert!(
        late.body.contains("already keeps"),
        "a kept listing cannot be claimed"
    );
}

on_both_backends!(
    a_coordinator_adds_and_edits_a_listing,
    a_wrong_listing_form_explains_every_field_and_stores_nothing,
    imported_details_survive_an_edit,
    old_listings_are_flagged_until_confirmed,
    reports_reach_the_keepers_and_are_resolved_with_a_note,
    unclaimed_listings_are_claimed_with_an_administrators_approval,
);
