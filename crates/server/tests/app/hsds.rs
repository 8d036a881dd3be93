//! The HSDS read API and interchange: schema-valid responses, faithful
//! round trips, filters, proximity, and imports that are all or nothing.

use std::path::PathBuf;

use crate::support::TestApp;
use axum::http::{StatusCode, header};
use coprod_server::{
    asset_map::interchange::{self, ImportError},
    db::Backend,
    places::{import as postcode_import, store as postcodes},
};
use serde_json::{Value, json};

fn hsds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/hsds")
}

fn example(name: &str) -> Value {
    let text = std::fs::read_to_string(hsds_dir().join("examples").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Finds the schemas a schema refers to (`"$ref": "taxonomy.json"`) in the
/// specification's folder; nothing is fetched from the network.
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

/// A validator for one of the specification's schemas.
fn validator(relative: &str) -> jsonschema::Validator {
    let schema_dir = hsds_dir().join("schema");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_dir.join(relative)).unwrap()).unwrap();
    jsonschema::options()
        .with_retriever(SchemaFolder(schema_dir))
        .build(&schema)
        .unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, value: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not validate:\n{}",
        errors.join("\n")
    );
}

fn assert_page(page: &Value, items: &jsonschema::Validator, what: &str) {
    for key in ["total_items", "total_pages", "page_number", "size"] {
        assert!(page[key].is_i64(), "{what}: {key} is an integer");
    }
    for key in ["first_page", "last_page", "empty"] {
        assert!(page[key].is_boolean(), "{what}: {key} is true/false");
    }
    for item in page["contents"].as_array().unwrap() {
        assert_valid(items, item, what);
    }
}

/// Equal documents, or a short list of where they differ.
fn assert_same(left: &Value, right: &Value, what: &str) {
    fn differences(a: &Value, b: &Value, path: &str, out: &mut Vec<String>) {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for key in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                    differences(
                        x.get(key).unwrap_or(&Value::Null),
                        y.get(key).unwrap_or(&Value::Null),
                        &format!("{path}.{key}"),
                        out,
                    );
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (i, (p, q)) in x.iter().zip(y).enumerate() {
                    differences(p, q, &format!("{path}[{i}]"), out);
                }
            }
            _ if a != b => out.push(format!(
                "{path}: {} vs {}",
                a.to_string().chars().take(80).collect::<String>(),
                b.to_string().chars().take(80).collect::<String>()
            )),
            _ => {}
        }
    }
    let mut out = Vec::new();
    differences(left, right, "", &mut out);
    assert!(out.is_empty(), "{what}:\n{}", out.join("\n"));
}

async fn json_get(client: &mut crate::support::Client, path: &str) -> (StatusCode, Value) {
    let reply = client.get(path).await;
    assert_eq!(
        reply
            .headers
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .map(|v| v.to_str().unwrap()),
        Some("*"),
        "{path} is open to any origin"
    );
    (
        reply.status,
        serde_json::from_str(&reply.body).unwrap_or(Value::Null),
    )
}

async fn the_specification_example_round_trips_and_validates(backend: Backend) {
    let app = TestApp::new(backend).await;
    let service = example("service_full.json");
    assert_eq!(
        interchange::import(&app.state.db, &json!([service.clone()]))
            .await
            .unwrap(),
        1
    );
    let mut client = app.client();
    let id = service["id"].as_str().unwrap();

    let (status, stored) = json_get(&mut client, &format!("/api/hsds/services/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_same(&stored, &service, "what was imported is what is served");
    assert_valid(
        &validator("compiled/service.json"),
        &stored,
        "/services/{id}",
    );

    let (_, page) = json_get(&mut client, "/api/hsds/services").await;
    assert_eq!(page["total_items"], 1);
    assert_page(&page, &validator("compiled/service_list.json"), "/services");
    let (_, page) = json_get(&mut client, "/api/hsds/organizations").await;
    assert_eq!(page["total_items"], 1);
    assert_page(
        &page,
        &validator("compiled/organization_list.json"),
        "/organizations",
    );
    let organization_id = page["contents"][0]["id"].as_str().unwrap().to_owned();
    let (status, organization) = json_get(
        &mut client,
        &format!("/api/hsds/organizations/{organization_id}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_valid(
        &validator("organization.json"),
        &organization,
        "/organizations/{id}",
    );
    let (_, page) = json_get(&mut client, "/api/hsds/service_at_locations").await;
    assert_eq!(page["total_items"], 1);
    assert_page(
        &page,
        &validator("compiled/service_at_location_list.json"),
        "/service_at_locations",
    );
    let (_, page) = json_get(&mut client, "/api/hsds/taxonomy_terms").await;
    assert!(page["total_items"].as_i64().unwrap() >= 1);
    assert_page(&page, &validator("taxonomy_term.json"), "/taxonomy_terms");
    let (_, page) = json_get(&mut client, "/api/hsds/taxonomies").await;
    assert_page(&page, &validator("taxonomy.json"), "/taxonomies");
    let (_, root) = json_get(&mut client, "/api/hsds/").await;
    assert_eq!(root["version"], "3.0");

    // Export, import into an empty database, export again: the same.
    let first = interchange::export(&app.state.db).await.unwrap();
    let fresh = TestApp::new(backend).await;
    interchange::import(&fresh.state.db, &first).await.unwrap();
    let second = interchange::export(&fresh.state.db).await.unwrap();
    assert_same(&first, &second, "export, import, export");
    assert_same(
        &first,
        &json!([service]),
        "the export is the imported document",
    );
}

async fn a_malformed_import_reports_everything_and_stores_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let good = example("service_full.json");
    let mut duplicate = good.clone();
    duplicate["name"] = json!("Same id again");
    let file = json!([
        good,
        {"id": "b", "status": "active"},
        {"id": "c", "name": "Club", "status": "active", "minimum_age": "ten",
         "service_at_locations": [{"id": "x", "location": {"id": "l", "longitude": "west"}}]},
        duplicate,
    ]);
    let Err(ImportError::Invalid(problems)) = interchange::import(&app.state.db, &file).await
    else {
        panic!("the file should be refused");
    };
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    for expected in [
        "[1].name: is required",
        "[2].minimum_age: must be a number",
        "[2].service_at_locations[0].location.longitude: must be a number",
        "[3].id: ",
    ] {
        assert!(
            shown.iter().any(|s| s.starts_with(expected)),
            "missing {expected:?} in {shown:#?}"
        );
    }
    assert_eq!(app.count("services").await, 0);
    assert_eq!(app.count("directory_organizations").await, 0);
    assert!(matches!(
        interchange::import(&app.state.db, &json!({"hello": 1})).await,
        Err(ImportError::NoServices)
    ));
}

fn club(
    id: &str,
    name: &str,
    description: &str,
    term: (&str, &str),
    postcode: &str,
    lat: f64,
    lon: f64,
) -> Value {
    json!({
        "id": id, "name": name, "status": "active", "description": description,
        "organization": {"id": "0b4f5c07-5f7c-4c4e-8a55-3b7f4b7b1a01", "name": "Harbourside Food Run", "description": "Meals and company."},
        "attributes": [{"id": format!("{id}-a"), "taxonomy_term": {"id": term.0, "name": term.1, "description": term.1,
            "taxonomy_detail": {"id": "9e3d1c1a-7c55-4e3e-9f1e-2a1c7e0b5d10", "name": "coprod community support", "description": "Kinds of help"}}}],
        "service_at_locations": [{"id": format!("{id}-sal"), "location": {
            "id": format!("{id}-loc"), "location_type": "physical", "name": format!("{name} venue"),
            "latitude": lat, "longitude": lon,
            "addresses": [{"id": format!("{id}-ad"), "address_1": "1 Shore Road", "city": "Ardnaveen",
                "state_province": "Argyll", "postal_code": postcode, "country": "GB", "address_type": "physical"}]}}],
        "last_modified": "2026-10-01T09:00:00Z"
    })
}

#[expect(
    clippy::too_many_lines,
    reason = "one directory, every filter asked of it"
)]
async fn filters_search_and_distance_order(backend: Backend) {
    let app = TestApp::new(backend).await;
    let directory =
        postcode_import::parse(coprod_server::demo::postcode_directory().as_bytes()).unwrap();
    postcodes::import(&app.state.db, &directory.records)
        .await
        .unwrap();
    let near = postcodes::lookup(&app.state.db, &"AV1 1AB".parse_postcode())
        .await
        .unwrap()
        .unwrap();
    let mut lunch = club(
        "11111111-1111-4111-8111-111111111111",
        "Seaview Lunch Club",
        "Hot lunches for older people",
        ("food", "Food"),
        "AV1 1AB",
        near.latitude,
        near.longitude,
    );
    lunch["minimum_age"] = json!(60);
    let walking = club(
        "22222222-2222-4222-8222-222222222222",
        "Glens Walking Group",
        "Gentle walks and a blether",
        ("exercise", "Exercise"),
        "AV4 4EB",
        56.52,
        -5.28,
    );
    let mut cooking = club(
        "33333333-3333-4333-8333-333333333333",
        "Community Kitchen",
        "Cooking lunch together, then eating it",
        ("food", "Food"),
        "AV1 2AD",
        near.latitude + 0.01,
        near.longitude,
    );
    cooking["last_modified"] = json!("2026-11-20T09:00:00Z");
    interchange::import(&app.state.db, &json!([lunch, walking, cooking]))
        .await
        .unwrap();
    let mut client = app.client();
    let names = |page: &Value| -> Vec<String> {
        page["contents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                s.get("service").unwrap_or(s)["name"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };

    let (_, page) = json_get(&mut client, "/api/hsds/services?search=lunches").await;
    assert_eq!(
        names(&page),
        ["Seaview Lunch Club", "Community Kitchen"],
        "stemmed, the name's match ranks first"
    );
    let (_, page) = json_get(&mut client, "/api/hsds/services?taxonomy_term_id=food").await;
    assert_eq!(page["total_items"], 2);
    let (_, page) = json_get(&mut client, "/api/hsds/services?maximum_age=30").await;
    assert_eq!(
        names(&page),
        ["Community Kitchen", "Glens Walking Group"],
        "the over-60s club is not for a 30-year-old"
    );
    let (_, page) = json_get(&mut client, "/api/hsds/services?modified_after=2026-11-01").await;
    assert_eq!(names(&page), ["Community Kitchen"]);
    let (_, page) = json_get(&mut client, "/api/hsds/services?per_page=1&page=2").await;
    assert_eq!(
        (
            page["size"].as_i64(),
            page["total_pages"].as_i64(),
            page["first_page"].as_bool()
        ),
        (Some(1), Some(3), Some(false))
    );

    let (status, page) = json_get(
        &mut client,
        "/api/hsds/service_at_locations?postcode=av11ab&proximity=3000",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        names(&page),
        ["Seaview Lunch Club", "Community Kitchen"],
        "nearest first, the glens are too far"
    );
    let (status, body) = json_get(
        &mut client,
        "/api/hsds/service_at_locations?postcode=AV9%209ZZ",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("We do not know that postcode")
    );
    let (status, body) = json_get(
        &mut client,
        "/api/hsds/service_at_locations?postcode=nonsense",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "postcode");
    let (status, body) = json_get(&mut client, "/api/hsds/services?per_page=5000").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "per_page");
    for page in ["0", "9223372036854775807", "1000001"] {
        let (status, body) =
            json_get(&mut client, &format!("/api/hsds/services?page={page}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "page={page}");
        assert_eq!(body["errors"][0]["field"], "page");
    }
    let (status, _) = json_get(&mut client, "/api/hsds/services/no-such-id").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

trait ParsePostcode {
    fn parse_postcode(&self) -> coprod_server::coprod_engine::place::Postcode;
}

impl ParsePostcode for str {
    fn parse_postcode(&self) -> coprod_server::coprod_engine::place::Postcode {
        coprod_server::coprod_engine::place::Postcode::parse(self).unwrap()
    }
}

/// A directory of `count` services made up for the test: shared
/// organisations and taxonomy terms, one or two locations each, weekly
/// sessions (some past midnight), ages, costs, languages and phones. Every
/// value comes from the service's number, so the set is the same each run.
fn generated_directory(count: usize) -> Value {
    const KINDS: [&str; 6] = [
        "Lunch Club",
        "Walking Group",
        "Carers' Cafe",
        "Money Advice",
        "Men's Shed",
        "Night Shelter",
    ];
    const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
    let term = |n: usize| {
        json!({
            "id": format!("00000000-0000-4000-8000-{n:012}"),
            "code": format!("kind-{n}"),
            "name": KINDS[n % KINDS.len()],
            "description": format!("Services of kind {n}"),
            "taxonomy": "coprod-test",
            "language": "en",
        })
    };
    let services: Vec<Value> = (0..count)
        .map(|n| {
            let kind = KINDS[n % KINDS.len()];
            let organisation = n % 37;
            let locations: Vec<Value> = (0..=(n % 2))
                .map(|l| {
                    let step = f64::from(u32::try_from((n * 7 + l * 13) % 997).unwrap());
                    json!({
                        "id": format!("sal-{n}-{l}"),
                        "location": {
                            "id": format!("loc-{}", (n + l) % 613),
                            "location_type": "physical",
                            "name": format!("Hall {}", (n + l) % 613),
                            "latitude": 55.8 + step / 10_000.0,
                            "longitude": -4.3 + step / 5_000.0,
                            "addresses": [{
                                "id": format!("addr-{}", (n + l) % 613),
                                "address_1": format!("{} High Street", 1 + (n + l) % 613),
                                "city": "Avonbridge",
                                "state_province": "Scotland",
                                "postal_code": "AV1 0AA",
                                "country": "GB",
                                "address_type": "physical",
                            }],
                        },
                    })
                })
                .collect();
            let overnight = kind == "Night Shelter";
            let mut service = json!({
                "id": format!("svc-{n:05}"),
                "name": format!("{kind} {n}"),
                "description": format!("{kind} number {n}: everyone welcome."),
                "status": if n % 23 == 0 { "inactive" } else { "active" },
                "organization": {
                    "id": format!("org-{organisation}"),
                    "name": format!("Avonbridge Trust {organisation}"),
                    "description": "A community trust.",
                },
                "service_at_locations": locations,
                "schedules": [{
                    "id": format!("sch-{n}"),
                    "freq": "WEEKLY",
                    "byday": DAYS[n % 7],
                    "opens_at": if overnight { "22:00" } else { "10:00" },
                    "closes_at": if overnight { "06:00" } else { "12:30" },
                }],
                "attributes": [{
                    "id": format!("attr-{n}"),
                    "link_type": "service",
                    "link_id": format!("svc-{n:05}"),
                    "link_entity": "service",
                    "taxonomy_term": term(n % KINDS.len()),
                }],
                "languages": [{ "id": format!("lang-{n}"), "name": "English", "code": "en" }],
                "phones": [{ "id": format!("ph-{n}"), "number": format!("01234 {:06}", n) }],
            });
            if n % 3 == 0 {
                service["minimum_age"] = json!(16 + n % 50);
                service["maximum_age"] = json!(70 + n % 30);
            }
            if n % 4 == 1 {
                service["cost_options"] = json!([{
                    "id": format!("cost-{n}"),
                    "amount": f64::from(u32::try_from(n % 9).unwrap()) + 0.5,
                    "currency": "GBP",
                    "option": "Per session",
                }]);
            }
            service
        })
        .collect();
    Value::Array(services)
}

async fn a_large_generated_directory_round_trips(backend: Backend) {
    let app = TestApp::new(backend).await;
    let directory = generated_directory(1_500);
    let imported = interchange::import(&app.state.db, &directory)
        .await
        .unwrap();
    assert_eq!(imported, 1_500);
    assert_eq!(app.count("services").await, 1_500);
    assert_eq!(app.count("directory_organizations").await, 37);
    assert_eq!(app.count("taxonomy_terms").await, 6);

    let first = interchange::export(&app.state.db).await.unwrap();
    assert_same(&first, &directory, "the export is what was imported");
    let fresh = TestApp::new(backend).await;
    interchange::import(&fresh.state.db, &first).await.unwrap();
    let second = interchange::export(&fresh.state.db).await.unwrap();
    assert_same(&first, &second, "export, import, export");

    // The API pages through all of it, and every page validates.
    let list = validator("compiled/service_list.json");
    let mut client = fresh.client();
    let mut seen = 0;
    for page in 1..=8 {
        let (status, body) = json_get(
            &mut client,
            &format!("/api/hsds/services?per_page=200&page={page}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["total_items"], 1_500);
        assert_page(&body, &list, "a page of the generated directory");
        seen += body["contents"].as_array().unwrap().len();
    }
    assert_eq!(seen, 1_500);
}

on_both_backends!(
    a_large_generated_directory_round_trips,
    the_specification_example_round_trips_and_validates,
    a_malformed_import_reports_everything_and_stores_nothing,
    filters_search_and_distance_order,
);

async fn the_tabular_example_imports_like_the_json_one(backend: Backend) {
    let app = TestApp::new(backend).await;
    let documents =
        coprod_server::asset_map::datapackage::read(&hsds_dir().join("examples/csv")).unwrap();
    assert_eq!(documents.len(), 1);
    interchange::import(&app.state.db, &Value::Array(documents))
        .await
        .unwrap();
    let exported = interchange::export(&app.state.db).await.unwrap();
    let service = &exported[0];
    let json_form = example("service_full.json");
    for pointer in [
        "/name",
        "/minimum_age",
        "/organization/name",
        "/service_at_locations/0/location/addresses/0/postal_code",
        "/service_at_locations/0/location/accessibility/0/description",
        "/cost_options/0/amount",
    ] {
        assert_eq!(
            service.pointer(pointer),
            json_form.pointer(pointer),
            "{pointer}"
        );
    }
    assert_valid(
        &validator("compiled/service.json"),
        service,
        "the assembled document",
    );
    // The example's one attribute links to another id, so it joins nothing.
    assert!(service.get("attributes").is_none());
    let fresh = TestApp::new(backend).await;
    interchange::import(&fresh.state.db, &exported)
        .await
        .unwrap();
    assert_same(
        &interchange::export(&fresh.state.db).await.unwrap(),
        &exported,
        "CSV import, export, import, export",
    );
}

mod tabular {
    use super::*;
    on_both_backends!(the_tabular_example_imports_like_the_json_one);
}
