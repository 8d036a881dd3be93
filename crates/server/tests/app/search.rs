//! The citizen's search of the asset map and its service pages: words,
//! kinds of help, distance, opening times, age, accessibility and cost,
//! each alone and together, with clear messages for input that cannot be
//! used.

use std::path::PathBuf;

use crate::support::TestApp;
use axum::http::StatusCode;
use coprod_server::{
    asset_map::{
        interchange,
        search::{self, Filters, NextOpening},
    },
    coprod_engine::{
        place::Postcode,
        schedule::{Date, LocalTime, Weekday},
    },
    db::Backend,
    demo,
    places::{import as postcode_import, store as postcodes},
};
use serde_json::{Value, json};

/// A test app with the demo postcode directory loaded.
async fn app_with_postcodes(backend: Backend) -> TestApp {
    let app = TestApp::new(backend).await;
    let directory = postcode_import::parse(demo::postcode_directory().as_bytes()).unwrap();
    postcodes::import(&app.state.db, &directory.records)
        .await
        .unwrap();
    app
}

fn id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// A bare service: active, run by one organisation, nowhere in particular.
fn service(n: u32, name: &str, description: &str) -> Value {
    json!({
        "id": id(n), "name": name, "status": "active", "description": description,
        "organization": {"id": "0b4f5c07-5f7c-4c4e-8a55-3b7f4b7b1a01", "name": "Ardnaveen Test Trust", "description": "Tests."},
        "last_modified": "2026-10-01T09:00:00Z"
    })
}

fn kind(mut service: Value, term: &str, name: &str) -> Value {
    service["attributes"] = json!([{"id": format!("{}-a", service["id"].as_str().unwrap()), "taxonomy_term": {
        "id": term, "name": name, "description": name,
        "taxonomy_detail": {"id": "9e3d1c1a-7c55-4e3e-9f1e-2a1c7e0b5d10", "name": "coprod community support", "description": "Kinds of help"}}}]);
    service
}

/// Places a service at a demo postcode, with accessibility notes.
async fn at(app: &TestApp, mut service: Value, postcode: &str, access: &[&str]) -> Value {
    let place = postcodes::lookup(&app.state.db, &Postcode::parse(postcode).unwrap())
        .await
        .unwrap()
        .unwrap();
    let sid = service["id"].as_str().unwrap().to_owned();
    let notes: Vec<Value> = access
        .iter()
        .enumerate()
        .map(|(i, note)| json!({"id": format!("{sid}-ac{i}"), "description": note}))
        .collect();
    service["service_at_locations"] = json!([{"id": format!("{sid}-sal"), "location": {
        "id": format!("{sid}-loc"), "location_type": "physical", "name": "The Test Hall",
        "latitude": place.latitude, "longitude": place.longitude,
        "addresses": [{"id": format!("{sid}-ad"), "address_1": "1 Test Street", "city": "Ardnaveen",
            "state_province": "Ardnaveen", "postal_code": postcode, "country": "GB", "address_type": "physical"}],
        "accessibility": notes}}]);
    service
}

fn weekly(mut service: Value, byday: &str, opens: &str, closes: &str) -> Value {
    let sid = service["id"].as_str().unwrap().to_owned();
    let schedules = service["schedules"].as_array().cloned().unwrap_or_default();
    let mut schedules = schedules;
    schedules.push(
        json!({"id": format!("{sid}-sc{}", schedules.len()), "freq": "WEEKLY",
        "byday": byday, "opens_at": opens, "closes_at": closes}),
    );
    service["schedules"] = json!(schedules);
    service
}

fn cost(mut service: Value, amount: f64) -> Value {
    let sid = service["id"].as_str().unwrap().to_owned();
    service["cost_options"] = json!([{"id": format!("{sid}-c"), "amount": amount, "currency": "GBP", "amount_description": "per meal"}]);
    service
}

async fn import(app: &TestApp, services: Vec<Value>) {
    interchange::import(&app.state.db, &Value::Array(services))
        .await
        .unwrap();
}

/// Where each name first appears in the page, in the order given; panics
/// if one is missing.
fn positions(body: &str, names: &[&str]) -> Vec<usize> {
    names
        .iter()
        .map(|name| {
            body.find(&format!(">{name}</a>"))
                .unwrap_or_else(|| panic!("{name} is not in the results:\n{body}"))
        })
        .collect()
}

fn assert_in_order(body: &str, names: &[&str]) {
    let at = positions(body, names);
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "expected {names:?} in that order"
    );
}

fn assert_absent(body: &str, names: &[&str]) {
    for name in names {
        assert!(
            !body.contains(&format!(">{name}</a>")),
            "{name} should not be in the results"
        );
    }
}

fn local(day: &str, hours: u16, minutes: u16) -> LocalTime {
    let date = Date::parse(day).unwrap();
    LocalTime {
        date,
        weekday: date.weekday(),
        minute_of_day: hours * 60 + minutes,
        utc_offset_minutes: 0,
    }
}

async fn names_found(app: &TestApp, filters: &Filters, at: LocalTime) -> Vec<String> {
    search::search(&app.state.db, filters, at, 50, 0)
        .await
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.name)
        .collect()
}

async fn words_are_stemmed_and_the_best_match_comes_first(backend: Backend) {
    let app = TestApp::new(backend).await;
    import(
        &app,
        vec![
            service(
                1,
                "Seaview Lunch Club",
                "Lunch, then a short walk along the shore.",
            ),
            service(2, "Glens Walking Group", "Gentle walks and a blether."),
            service(3, "Digital Drop-in", "Help with phones and tablets."),
        ],
    )
    .await;
    let mut client = app.client();
    let reply = client.get("/services?q=walks").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("2 services found"), "{}", reply.body);
    assert_in_order(&reply.body, &["Glens Walking Group", "Seaview Lunch Club"]);
    assert_absent(&reply.body, &["Digital Drop-in"]);
    let reply = client.get("/services").await;
    assert!(reply.body.contains("3 services found"));
    assert_in_order(
        &reply.body,
        &[
            "Digital Drop-in",
            "Glens Walking Group",
            "Seaview Lunch Club",
        ],
    );
    let reply = client.get("/services?q=zebra+crossing").await;
    assert!(reply.body.contains("No services found"));
    assert!(reply.body.contains("Try widening your search"));
}

async fn a_kind_of_help_narrows_the_results(backend: Backend) {
    let app = TestApp::new(backend).await;
    import(
        &app,
        vec![
            kind(
                service(1, "Seaview Lunch Club", "Soup."),
                "food",
                "Food and meals",
            ),
            kind(
                service(2, "Community Fridge", "Free food."),
                "food",
                "Food and meals",
            ),
            kind(
                service(3, "Gentle Walks", "Walks."),
                "exercise",
                "Exercise and walking",
            ),
        ],
    )
    .await;
    let mut client = app.client();
    let reply = client.get("/services").await;
    assert!(
        reply
            .body
            .contains("<option value=\"exercise\">Exercise and walking</option>")
    );
    let reply = client.get("/services?category=food").await;
    assert!(reply.body.contains("2 services found"));
    assert!(reply.body.contains("<option value=\"food\" selected>"));
    assert_absent(&reply.body, &["Gentle Walks"]);
    let reply = client.get("/services?category=knitting").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("Choose a kind of help from the list"));
    assert!(reply.body.contains("href=\"#category\""));
}

async fn a_postcode_orders_by_distance_and_leaves_out_far_places(backend: Backend) {
    let app = app_with_postcodes(backend).await;
    let services = vec![
        at(
            &app,
            service(1, "Glens Lunch Club", "Soup."),
            "AV4 4EB",
            &[],
        )
        .await,
        at(
            &app,
            service(2, "Harbour Lunch Club", "Soup."),
            "AV1 2AD",
            &[],
        )
        .await,
        at(
            &app,
            service(3, "Seaview Lunch Club", "Soup."),
            "AV1 1AB",
            &[],
        )
        .await,
        service(4, "Lunch by Phone", "Soup on the phone."),
    ];
    import(&app, services).await;
    let mut client = app.client();
    let reply = client.get("/services?postcode=av11ab&radius=3").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("2 services found"), "{}", reply.body);
    assert_in_order(&reply.body, &["Seaview Lunch Club", "Harbour Lunch Club"]);
    assert_absent(&reply.body, &["Glens Lunch Club", "Lunch by Phone"]);
    assert!(reply.body.contains("Less than 0.1 km away"));
    assert!(
        reply.body.contains("1.0 km away"),
        "AV1 2AD is about a kilometre away"
    );
    assert!(reply.body.contains("value=\"AV1 1AB\"") || reply.body.contains("value=\"av11ab\""));
    let reply = client.get("/services?postcode=AV1+1AB&radius=25").await;
    assert!(reply.body.contains("3 services found"));
    assert_in_order(
        &reply.body,
        &[
            "Seaview Lunch Club",
            "Harbour Lunch Club",
            "Glens Lunch Club",
        ],
    );
    // Nearest still comes first when words are given too.
    let reply = client
        .get("/services?q=lunch&postcode=AV4+4EB&radius=25")
        .await;
    assert_in_order(
        &reply.body,
        &[
            "Glens Lunch Club",
            "Harbour Lunch Club",
            "Seaview Lunch Club",
        ],
    );
    let reply = client.get("/services?postcode=AV1+1AB&radius=7").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("Choose a distance from the list"));
}

async fn open_now_counts_the_small_hours_after_a_late_session(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut expired = weekly(
        service(4, "Old Tuesday Club", "Ended."),
        "TU",
        "12:00",
        "14:00",
    );
    expired["schedules"][0]["valid_to"] = json!("2026-01-01");
    import(
        &app,
        vec![
            weekly(
                service(1, "Late Night Listening Line", "Talk."),
                "FR",
                "22:00",
                "02:00",
            ),
            weekly(
                service(2, "Tuesday Lunch", "Soup."),
                "TU,TH",
                "12:00",
                "14:00",
            ),
            weekly(
                service(3, "Saturday Club", "Games."),
                "SA",
                "10:00",
                "12:00",
            ),
            expired,
        ],
    )
    .await;
    let open_now = Filters {
        open_now: true,
        ..Filters::default()
    };
    // 2026-11-27 is a Friday.
    for (day, h, m, expected) in [
        ("2026-11-27", 21, 59, &[][..]),
        ("2026-11-27", 23, 0, &["Late Night Listening Line"][..]),
        ("2026-11-28", 1, 30, &["Late Night Listening Line"][..]),
        ("2026-11-28", 2, 0, &[][..]),
        ("2026-11-28", 11, 0, &["Saturday Club"][..]),
        ("2026-11-24", 13, 0, &["Tuesday Lunch"][..]),
        ("2026-11-24", 14, 0, &[][..]),
    ] {
        assert_eq!(
            names_found(&app, &open_now, local(day, h, m)).await,
            expected,
            "open at {day} {h:02}:{m:02}"
        );
    }
    // The next opening of each, seen from Tuesday morning.
    let found = search::search(
        &app.state.db,
        &Filters::default(),
        local("2026-11-24", 9, 0),
        50,
        0,
    )
    .await
    .unwrap();
    let next = |name: &str| {
        found
            .hits
            .iter()
            .find(|h| h.name == name)
            .unwrap()
            .next_opening
    };
    assert_eq!(
        next("Tuesday Lunch"),
        NextOpening::Opens {
            days_ahead: 0,
            weekday: Weekday::Tuesday,
            minute: 720
        }
    );
    assert_eq!(
        next("Late Night Listening Line"),
        NextOpening::Opens {
            days_ahead: 3,
            weekday: Weekday::Friday,
            minute: 1320
        }
    );
    assert_eq!(next("Old Tuesday Club"), NextOpening::Unknown);
}

async fn open_on_a_day_finds_the_sessions_that_start_then(backend: Backend) {
    let app = TestApp::new(backend).await;
    import(
        &app,
        vec![
            weekly(
                service(1, "Late Night Listening Line", "Talk."),
                "FR",
                "22:00",
                "02:00",
            ),
            weekly(
                service(2, "Tuesday Lunch", "Soup."),
                "TU,TH",
                "12:00",
                "14:00",
            ),
            weekly(
                service(3, "Saturday Club", "Games."),
                "SA",
                "10:00",
                "12:00",
            ),
            service(4, "Any Time Line", "No times given."),
        ],
    )
    .await;
    let mut client = app.client();
    let reply = client.get("/services?day=saturday").await;
    assert!(reply.body.contains("1 service found"), "{}", reply.body);
    assert_in_order(&reply.body, &["Saturday Club"]);
    let reply = client.get("/services?day=thursday").await;
    assert_in_order(&reply.body, &["Tuesday Lunch"]);
    assert!(reply.body.contains("1 service found"));
    let reply = client.get("/services?day=friday").await;
    assert_in_order(&reply.body, &["Late Night Listening Line"]);
    let reply = client.get("/services?day=someday").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("Choose a day from the list"));
}

async fn an_age_must_fall_within_the_range(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut older = service(1, "Over Sixties Club", "Tea.");
    older["minimum_age"] = json!(60);
    let mut young = service(2, "Youth Cafe", "Games.");
    young["minimum_age"] = json!(12);
    young["maximum_age"] = json!(18);
    // Young first: sqlx's Any driver sends a missing number to PostgreSQL
    // as float4, and a statement keeps the parameter types of its first use,
    // so a later float8 maximum would be refused (see store::save_service).
    import(
        &app,
        vec![young, older, service(3, "Everyone Welcome", "All.")],
    )
    .await;
    let mut client = app.client();
    let reply = client.get("/services?age=15").await;
    assert!(reply.body.contains("2 services found"));
    assert_absent(&reply.body, &["Over Sixties Club"]);
    let reply = client.get("/services?age=70").await;
    assert_in_order(&reply.body, &["Everyone Welcome", "Over Sixties Club"]);
    assert_absent(&reply.body, &["Youth Cafe"]);
    let reply = client.get("/services?age=18").await;
    assert_in_order(&reply.body, &["Everyone Welcome", "Youth Cafe"]);
    let reply = client.get("/services?age=old").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("Enter an age in whole years"));
    assert!(reply.body.contains("aria-invalid=\"true\""));
}

async fn accessibility_features_are_found_in_the_notes(backend: Backend) {
    let app = app_with_postcodes(backend).await;
    let services = vec![
        at(
            &app,
            service(1, "Looped Hall Club", "Talks."),
            "AV1 1AB",
            &["Induction loop in the main hall"],
        )
        .await,
        at(
            &app,
            service(2, "Level Hall Club", "Talks."),
            "AV1 1AB",
            &["Step-free entrance", "Accessible toilet"],
        )
        .await,
        at(
            &app,
            service(3, "Everything Hall Club", "Talks."),
            "AV1 1AB",
            &["Wheelchair accessible; HEARING LOOP fitted"],
        )
        .await,
        at(
            &app,
            service(4, "Upstairs Club", "Talks."),
            "AV1 1AB",
            &["Up two flights of stairs"],
        )
        .await,
    ];
    import(&app, services).await;
    let mut client = app.client();
    let reply = client.get("/services?access=hearing_loop").await;
    assert!(reply.body.contains("2 services found"), "{}", reply.body);
    assert_in_order(&reply.body, &["Everything Hall Club", "Looped Hall Club"]);
    let reply = client
        .get("/services?access=hearing_loop&access=step_free")
        .await;
    assert!(reply.body.contains("1 service found"));
    assert_in_order(&reply.body, &["Everything Hall Club"]);
    assert!(
        reply
            .body
            .contains("id=\"access-step_free\" name=\"access\" value=\"step_free\" checked")
    );
    let reply = client.get("/services?access=accessible_toilet").await;
    assert!(reply.body.contains("1 service found"));
    assert_in_order(&reply.body, &["Level Hall Club"]);
}

async fn free_only_leaves_out_charges_and_unstated_costs(backend: Backend) {
    let app = TestApp::new(backend).await;
    import(
        &app,
        vec![
            cost(service(1, "Free Fridge", "Food."), 0.0),
            cost(service(2, "Paid Lunch", "Food."), 3.5),
            service(3, "Unsure Supper", "Food."),
        ],
    )
    .await;
    let mut client = app.client();
    let reply = client.get("/services").await;
    assert!(reply.body.contains("ds_tag--green\">Free</strong>"));
    assert!(
        reply
            .body
            .contains("ds_tag--grey\">There is a charge</strong>")
    );
    let reply = client.get("/services?free=yes").await;
    assert!(reply.body.contains("1 service found"));
    assert_in_order(&reply.body, &["Free Fridge"]);
}

async fn filters_combine(backend: Backend) {
    let app = app_with_postcodes(backend).await;
    let mut older = cost(
        at(
            &app,
            kind(
                service(1, "Seaview Lunch Club", "Hot lunch."),
                "food",
                "Food",
            ),
            "AV1 1AB",
            &["Hearing loop"],
        )
        .await,
        0.0,
    );
    older["minimum_age"] = json!(60);
    let services = vec![
        older,
        cost(
            at(
                &app,
                kind(service(2, "Harbour Lunch", "Hot lunch."), "food", "Food"),
                "AV1 2AD",
                &["Hearing loop"],
            )
            .await,
            4.0,
        ),
        cost(
            at(
                &app,
                kind(service(3, "Glens Lunch", "Hot lunch."), "food", "Food"),
                "AV4 4EB",
                &["Hearing loop"],
            )
            .await,
            0.0,
        ),
        cost(
            at(
                &app,
                kind(
                    service(4, "Seaview Walks", "Walk before lunch."),
                    "exercise",
                    "Exercise",
                ),
                "AV1 1AB",
                &["Hearing loop"],
            )
            .await,
            0.0,
        ),
    ];
    import(&app, services).await;
    let mut client = app.client();
    let reply = client
        .get("/services?q=lunch&category=food&postcode=AV1+1AB&radius=5&free=yes&age=65&access=hearing_loop")
        .await;
    assert!(reply.body.contains("1 service found"), "{}", reply.body);
    assert_in_order(&reply.body, &["Seaview Lunch Club"]);
    let reply = client
        .get("/services?q=lunch&category=food&postcode=AV1+1AB&radius=5&free=yes&age=30")
        .await;
    assert!(reply.body.contains("No services found"));
}

async fn results_come_twenty_to_a_page_and_links_keep_the_filters(backend: Backend) {
    let app = TestApp::new(backend).await;
    let services = (1..=45)
        .map(|n| cost(service(n, &format!("Club {n:02}"), "A club."), 0.0))
        .collect();
    import(&app, services).await;
    let mut client = app.client();
    let reply = client.get("/services?q=club&free=yes").await;
    assert!(reply.body.contains("45 services found"));
    assert_eq!(reply.body.matches("class=\"ds_search-result\"").count(), 20);
    assert!(
        reply
            .body
            .contains("href=\"/services?q=club&#38;free=yes&#38;page=2\""),
        "{}",
        reply.body
    );
    let reply = client.get("/services?q=club&free=yes&page=3").await;
    assert_eq!(reply.body.matches("class=\"ds_search-result\"").count(), 5);
    assert!(reply.body.contains("start=\"41\""));
    assert_in_order(&reply.body, &["Club 41", "Club 45"]);
    assert!(reply.body.contains("aria-current=\"page\""));
    let reply = client.get("/services?q=club&free=yes&page=9").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("There are no more results"));
}

async fn unknown_and_malformed_postcodes_are_explained(backend: Backend) {
    let app = app_with_postcodes(backend).await;
    import(&app, vec![service(1, "Seaview Lunch Club", "Soup.")]).await;
    let mut client = app.client();
    let reply = client.get("/services?postcode=AV9+9ZZ").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("We do not know that postcode"));
    assert!(reply.body.contains("<a href=\"#postcode\">"));
    assert!(reply.body.contains("Error: Find help near you"));
    assert_absent(&reply.body, &["Seaview Lunch Club"]);
    let reply = client.get("/services?postcode=nonsense").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("Enter a full postcode, like AV1 2BD"));
    assert!(reply.body.contains("value=\"nonsense\""));
}

async fn a_service_page_shows_everything_people_need(backend: Backend) {
    let app = app_with_postcodes(backend).await;
    let mut lunch = at(
        &app,
        kind(
            service(
                1,
                "Seaview Lunch Club",
                "Soup and company.\n\nBring a friend.",
            ),
            "food",
            "Food and meals",
        ),
        "AV1 1AB",
        &["Step-free entrance", "Hearing loop"],
    )
    .await;
    lunch = weekly(cost(lunch, 3.5), "TU,TH", "12:00", "14:00");
    lunch = weekly(lunch, "FR", "22:00", "02:00");
    lunch["minimum_age"] = json!(60);
    lunch["eligibility_description"] = json!("Older people on the coast");
    lunch["languages"] = json!([{"id": "l1", "name": "Gaelic", "code": "gd"}]);
    lunch["phones"] = json!([{"id": "p1", "number": "01632 960123"}]);
    lunch["email"] = json!("lunch@seaview.example");
    lunch["url"] = json!("javascript:alert(1)");
    lunch["assured_date"] = json!("2026-10-15");
    import(&app, vec![lunch]).await;
    let mut client = app.client();
    let reply = client.get(&format!("/services/{}", id(1))).await;
    assert_eq!(reply.status, StatusCode::OK);
    for expected in [
        "<h1 class=\"ds_page-header__title\">Seaview Lunch Club</h1>",
        "Ardnaveen Test Trust",
        "<p>Soup and company.</p>",
        "<p>Bring a friend.</p>",
        "For people aged 60 and over",
        "Older people on the coast",
        "£3.50 per meal",
        "Tuesdays and Thursdays, 12:00 to 14:00",
        "Fridays, 22:00 to 02:00 the next morning",
        "1 Test Street",
        "AV1 1AB",
        "Step-free entrance",
        "Hearing loop",
        "Gaelic",
        "href=\"tel:01632960123\"",
        "href=\"mailto:lunch@seaview.example\"",
        "15 October 2026",
        "Food and meals",
        &format!("href=\"/services/{}/report\"", id(1)),
    ] {
        assert!(
            reply.body.contains(expected),
            "missing {expected:?}:\n{}",
            reply.body
        );
    }
    assert!(
        !reply.body.contains("javascript:"),
        "only web addresses become links"
    );
    let reply = client.get("/services/no-such-service").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.body.contains("We could not find that service"));
}

/// Finds the schemas a schema refers to in the specification's folder.
struct SchemaFolder(PathBuf);

impl jsonschema::Retrieve for SchemaFolder {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.as_str().rsplit('/').next().unwrap_or_default();
        let text = std::fs::read_to_string(self.0.join(name))?;
        Ok(serde_json::from_str(&text)?)
    }
}

async fn the_demo_asset_map_is_searchable_and_valid_hsds(backend: Backend) {
    let app = TestApp::new(backend).await;
    let seeded = demo::seed(&app.state.db).await.unwrap();
    assert_eq!(seeded.services, 60);
    let mut client = app.client();
    let reply = client.get("/services").await;
    assert!(reply.body.contains("60 services found"), "{}", reply.body);
    assert!(reply.body.contains("Find help near you"));
    let reply = client
        .get("/services?q=walks&postcode=AV4+3BE&radius=5")
        .await;
    assert_in_order(&reply.body, &["Gentle Walks"]);
    let kept: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM services WHERE managed_by IS NOT NULL")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert!(kept > 0 && kept < 60, "some listings are left to claim");

    let schema_dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/hsds/schema");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(schema_dir.join("compiled/service.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_retriever(SchemaFolder(schema_dir))
        .build(&schema)
        .unwrap();
    for document in interchange::export(&app.state.db)
        .await
        .unwrap()
        .as_array()
        .unwrap()
    {
        let errors: Vec<String> = validator
            .iter_errors(document)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", document["name"]);
    }
}

on_both_backends!(
    words_are_stemmed_and_the_best_match_comes_first,
    a_kind_of_help_narrows_the_results,
    a_postcode_orders_by_distance_and_leaves_out_far_places,
    open_now_counts_the_small_hours_after_a_late_session,
    open_on_a_day_finds_the_sessions_that_start_then,
    an_age_must_fall_within_the_range,
    accessibility_features_are_found_in_the_notes,
    free_only_leaves_out_charges_and_unstated_costs,
    filters_combine,
    results_come_twenty_to_a_page_and_links_keep_the_filters,
    unknown_and_malformed_postcodes_are_explained,
    a_service_page_shows_everything_people_need,
    the_demo_asset_map_is_searchable_and_valid_hsds,
);
