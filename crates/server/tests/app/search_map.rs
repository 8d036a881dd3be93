//! The map of the search results: the places the page hands to the map
//! script, the circle of a postcode search, the tile server the
//! Content-Security-Policy lets images come from, and the embedded files
//! the map is drawn with.

use crate::support::TestApp;
use axum::http::{StatusCode, header};
use coprod_server::{
    asset_map::interchange,
    coprod_engine::place::Postcode,
    db::Backend,
    demo,
    places::{import as postcode_import, store as postcodes},
    settings::TileUrl,
};
use serde_json::{Value, json};

fn id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// An active service run by one organisation, at the given places: each a
/// name and a postcode from the demo directory, or no coordinates at all.
async fn service(app: &TestApp, n: u32, name: &str, places: &[(&str, Option<&str>)]) -> Value {
    let sid = id(n);
    let mut at_locations = Vec::new();
    for (i, (place, postcode)) in places.iter().enumerate() {
        let mut location = json!({
            "id": format!("{sid}-loc{i}"), "location_type": "physical", "name": place,
        });
        if let Some(postcode) = postcode {
            let found = postcodes::lookup(&app.state.db, &Postcode::parse(postcode).unwrap())
                .await
                .unwrap()
                .unwrap();
            location["latitude"] = json!(found.latitude);
            location["longitude"] = json!(found.longitude);
        }
        at_locations.push(json!({"id": format!("{sid}-sal{i}"), "location": location}));
    }
    json!({
        "id": sid, "name": name, "status": "active", "description": "Soup and company.",
        "organization": {"id": "0b4f5c07-5f7c-4c4e-8a55-3b7f4b7b1a01", "name": "Ardnaveen Test Trust", "description": "Tests."},
        "last_modified": "2026-10-01T09:00:00Z",
        "service_at_locations": at_locations,
    })
}

async fn app(backend: Backend, tile_url: Option<&str>) -> TestApp {
    let app = TestApp::with_settings(backend, |settings| {
        settings.map.tile_url = tile_url.map(|url| TileUrl::parse(url).unwrap());
        "© Test Tiles <b>& Co</b>".clone_into(&mut settings.map.tile_attribution);
    })
    .await;
    let directory = postcode_import::parse(demo::postcode_directory().as_bytes()).unwrap();
    postcodes::import(&app.state.db, &directory.records)
        .await
        .unwrap();
    app
}

/// Undoes the template's escaping of an attribute value.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(';').unwrap() + at;
        let entity = &rest[at + 1..end];
        let decoded = match entity {
            "amp" => '&',
            "quot" => '"',
            "lt" => '<',
            "gt" => '>',
            "apos" => '\'',
            numeric => char::from_u32(numeric.strip_prefix('#').unwrap().parse().unwrap()).unwrap(),
        };
        out.push(decoded);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The JSON the page hands to the map script, if it offers a map.
fn map_data(body: &str) -> Option<Value> {
    let start = body.find("data-search-map=\"")? + "data-search-map=\"".len();
    let end = body[start..].find('"').unwrap() + start;
    Some(serde_json::from_str(&unescape(&body[start..end])).unwrap())
}

fn policy(reply: &crate::support::Reply) -> String {
    reply.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned()
}

fn directive<'a>(policy: &'a str, name: &str) -> &'a str {
    policy
        .split(';')
        .map(str::trim)
        .find(|d| d.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no {name} in {policy}"))
}

/// The services at each pin, by name and place.
fn services_at(pin: &Value) -> Vec<(String, Option<String>)> {
    pin["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_owned(),
                s["place"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

/// Services in and around Seaview, three of them in one spot, and two
/// with no place on a map.
async fn seaview_services(app: &TestApp) {
    let services = vec![
        service(
            app,
            1,
            "Harbour Lunch Club",
            &[("Harbour Hall", Some("AV1 2AD"))],
        )
        .await,
        service(
            app,
            2,
            "Seaview Lunch Club",
            &[
                ("Seaview Hall", Some("AV1 1AB")),
                ("", Some("AV4 4EB")),
                ("Somewhere unmapped", None),
            ],
        )
        .await,
        service(app, 3, "Lunch by Phone", &[]).await,
        service(app, 4, "Unmapped <Lunch>", &[("The Annexe", None)]).await,
        service(
            app,
            5,
            "Seaview Knit and Natter",
            &[("Seaview Hall", Some("AV1 1AB"))],
        )
        .await,
        service(
            app,
            6,
            "Seaview Walks",
            &[("Seaview Hall car park", Some("AV1 1AB"))],
        )
        .await,
    ];
    interchange::import(&app.state.db, &Value::Array(services))
        .await
        .unwrap();
}

async fn every_place_of_each_result_with_coordinates_is_on_a_pin_in_result_order(backend: Backend) {
    let app = app(backend, None).await;
    seaview_services(&app).await;
    let mut client = app.client();
    // With no words or place, results come by name: Harbour, Lunch by
    // Phone, Seaview Knit, Seaview Lunch, Seaview Walks, Unmapped.
    let reply = client.get("/services").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("6 services found"), "{}", reply.body);
    let data = map_data(&reply.body).expect("a map is offered");
    // By its content-hashed name.
    let script = format!(
        "<script src=\"{}\" defer></script>",
        coprod_server::web::assets::url("coprod/search-map.js")
    );
    assert!(script.contains("/assets/coprod/search-map."));
    assert!(reply.body.contains(&script), "{}", reply.body);
    assert!(
        reply
            .body
            .contains("No background map has been set up here"),
        "without tiles the page says why the map is plain"
    );
    let pins = data["pins"].as_array().unwrap();
    let owned = |name: &str, place: Option<&str>| (name.to_owned(), place.map(str::to_owned));
    assert_eq!(pins.len(), 3, "{pins:?}");
    assert_eq!(
        services_at(&pins[0]),
        [owned("Harbour Lunch Club", Some("Harbour Hall"))]
    );
    assert_eq!(pins[0]["label"], "Harbour Lunch Club at Harbour Hall");
    assert_eq!(
        pins[0]["services"][0]["href"],
        format!("/services/{}", id(1))
    );
    // Everything at AV1 1AB shares one pin, in the order of the list.
    assert_eq!(
        services_at(&pins[1]),
        [
            owned("Seaview Knit and Natter", Some("Seaview Hall")),
            owned("Seaview Lunch Club", Some("Seaview Hall")),
            owned("Seaview Walks", Some("Seaview Hall car park")),
        ]
    );
    assert_eq!(pins[1]["label"], "3 services here");
    let seaview = postcodes::lookup(&app.state.db, &Postcode::parse("AV1 1AB").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!((pins[1]["latitude"].as_f64().unwrap() - seaview.latitude).abs() < 1e-9);
    assert!((pins[1]["longitude"].as_f64().unwrap() - seaview.longitude).abs() < 1e-9);
    assert_eq!(services_at(&pins[2]), [owned("Seaview Lunch Club", None)]);
    assert_eq!(pins[2]["label"], "Seaview Lunch Club");
    assert_eq!(data["tiles"], Value::Null);
    assert_eq!(data["near"], Value::Null);
    assert_eq!(data["words"]["zoom_in"], "Zoom in");
    assert_eq!(data["words"]["pins_near"], "{} services near here");
}

async fn a_pin_shared_by_one_place_names_it_and_nothing_to_map_means_no_map(backend: Backend) {
    let app = app(backend, None).await;
    let services = vec![
        service(
            &app,
            1,
            "Seaview Knit and Natter",
            &[("Seaview Hall", Some("AV1 1AB"))],
        )
        .await,
        service(
            &app,
            2,
            "Seaview Lunch Club",
            &[("Seaview Hall", Some("AV1 1AB"))],
        )
        .await,
        service(&app, 3, "Lunch by Phone", &[]).await,
        service(&app, 4, "Unmapped <Lunch>", &[("The Annexe", None)]).await,
    ];
    interchange::import(&app.state.db, &Value::Array(services))
        .await
        .unwrap();
    let mut client = app.client();
    let reply = client.get("/services").await;
    let data = map_data(&reply.body).unwrap();
    let pins = data["pins"].as_array().unwrap();
    assert_eq!(pins.len(), 1, "{pins:?}");
    assert_eq!(pins[0]["label"], "2 services at Seaview Hall");

    // Only the unmapped services: nothing to put on a map, so no map.
    let reply = client.get("/services?q=phone").await;
    assert!(reply.body.contains("1 service found"), "{}", reply.body);
    assert!(map_data(&reply.body).is_none());
    assert!(!reply.body.contains("search-map.js"));
    let reply = client.get("/services?q=zebra").await;
    assert!(reply.body.contains("No services found"));
    assert!(map_data(&reply.body).is_none());
}

async fn a_service_with_hundreds_of_places_does_not_flood_the_map(backend: Backend) {
    let app = app(backend, None).await;
    let mut chain = service(&app, 1, "Everywhere Advice", &[]).await;
    let sid = id(1);
    chain["service_at_locations"] = (0..250)
        .map(|i| {
            json!({"id": format!("{sid}-sal{i}"), "location": {
                "id": format!("{sid}-loc{i}"), "location_type": "physical",
                "name": format!("Branch {i}"),
                "latitude": 55.0 + f64::from(i) * 0.01, "longitude": -4.0,
            }})
        })
        .collect();
    let nearby = service(
        &app,
        2,
        "Harbour Lunch Club",
        &[("Harbour Hall", Some("AV1 2AD"))],
    )
    .await;
    interchange::import(&app.state.db, &json!([chain, nearby]))
        .await
        .unwrap();
    let reply = app.client().get("/services").await;
    let data = map_data(&reply.body).unwrap();
    let pins = data["pins"].as_array().unwrap();
    assert_eq!(pins.len(), 200, "the first 200 spots, in result order");
    assert_eq!(pins[0]["label"], "Everywhere Advice at Branch 0");
    assert!(
        !pins
            .iter()
            .any(|p| p["label"] == "Harbour Lunch Club at Harbour Hall"),
        "a later result past the limit has no pin; the list still has it"
    );
    assert!(reply.body.contains(">Harbour Lunch Club</a>"));
}

async fn a_postcode_search_gives_the_map_its_centre_and_radius(backend: Backend) {
    let app = app(backend, None).await;
    let services = vec![
        service(
            &app,
            1,
            "Harbour Lunch Club",
            &[("Harbour Hall", Some("AV1 2AD"))],
        )
        .await,
        service(
            &app,
            2,
            "Glens Lunch Club",
            &[("Glens Hall", Some("AV4 4EB"))],
        )
        .await,
    ];
    interchange::import(&app.state.db, &Value::Array(services))
        .await
        .unwrap();
    let mut client = app.client();
    let reply = client.get("/services?postcode=AV1+1AB&radius=3").await;
    assert_eq!(reply.status, StatusCode::OK);
    let data = map_data(&reply.body).expect("a map is offered");
    let centre = postcodes::lookup(&app.state.db, &Postcode::parse("AV1 1AB").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!((data["near"]["latitude"].as_f64().unwrap() - centre.latitude).abs() < 1e-9);
    assert!((data["near"]["longitude"].as_f64().unwrap() - centre.longitude).abs() < 1e-9);
    assert!((data["near"]["radius_metres"].as_f64().unwrap() - 3_000.0).abs() < 1e-9);
    let pins = data["pins"].as_array().unwrap();
    assert_eq!(pins.len(), 1, "the glens are out of range: {pins:?}");
    assert_eq!(
        services_at(&pins[0]),
        [(
            "Harbour Lunch Club".to_owned(),
            Some("Harbour Hall".to_owned())
        )]
    );
    assert!(
        reply
            .body
            .contains("The circle shows the distance you searched within")
    );

    // A postcode the directory does not know shows the error, not a map.
    let reply = client.get("/services?postcode=AV9+9ZZ").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(map_data(&reply.body).is_none());
}

async fn a_tile_server_reaches_the_map_and_the_policy_but_nothing_else(backend: Backend) {
    let tiles = "https://{s}.tiles.example.org/styles/{z}/{x}/{y}.png?key=public";
    let with_tiles = app(backend, Some(tiles)).await;
    let services = vec![
        service(
            &with_tiles,
            1,
            "Harbour Lunch Club",
            &[("Harbour Hall", Some("AV1 2AD"))],
        )
        .await,
    ];
    interchange::import(&with_tiles.state.db, &Value::Array(services))
        .await
        .unwrap();
    let reply = with_tiles.client().get("/services").await;
    let data = map_data(&reply.body).expect("a map is offered");
    assert_eq!(data["tiles"]["url"], tiles);
    assert_eq!(
        data["tiles"]["attribution"], "© Test Tiles <b>& Co</b>",
        "handed over as typed; the script shows it as text"
    );
    assert!(!reply.body.contains("No background map"));
    let tiled_policy = policy(&reply);
    assert_eq!(
        directive(&tiled_policy, "img-src"),
        "img-src 'self' data: https://*.tiles.example.org"
    );

    let without_tiles = app(backend, None).await;
    let plain = policy(&without_tiles.client().get("/services").await);
    assert_eq!(directive(&plain, "img-src"), "img-src 'self' data:");
    // The tile server is the only difference, and every page has it.
    assert_eq!(
        tiled_policy.replace(" https://*.tiles.example.org", ""),
        plain,
        "{tiled_policy}"
    );
    for directive_name in ["script-src", "style-src", "connect-src", "default-src"] {
        assert_eq!(
            directive(&tiled_policy, directive_name),
            format!("{directive_name} 'self'")
        );
    }
    let elsewhere = with_tiles.client().get("/healthz").await;
    assert_eq!(policy(&elsewhere), tiled_policy);

    let local = app(backend, Some("http://127.0.0.1:8099/{z}/{x}/{y}.png")).await;
    let local_policy = policy(&local.client().get("/").await);
    assert_eq!(
        directive(&local_policy, "img-src"),
        "img-src 'self' data: http://127.0.0.1:8099"
    );
}

async fn the_map_library_and_script_are_served_from_the_binary(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut client = app.client();
    for (path, content_type) in [
        ("/assets/leaflet/leaflet.js", "javascript"),
        ("/assets/leaflet/leaflet.css", "text/css"),
        ("/assets/leaflet/images/marker-icon.png", "image/png"),
        ("/assets/leaflet/images/marker-icon-2x.png", "image/png"),
        ("/assets/leaflet/images/marker-shadow.png", "image/png"),
        ("/assets/coprod/search-map.js", "javascript"),
        ("/assets/coprod/search-map.css", "text/css"),
    ] {
        let reply = client.get(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let served_as = reply.headers[header::CONTENT_TYPE].to_str().unwrap();
        assert!(served_as.contains(content_type), "{path} is {served_as}");
        assert_eq!(
            reply.headers[header::CACHE_CONTROL],
            "public, max-age=86400",
            "{path}"
        );
    }
    for missing in [
        "/assets/leaflet/leaflet.js.map",
        "/assets/leaflet/leaflet-src.js",
        "/assets/coprod/missing.js",
    ] {
        assert_eq!(
            client.get(missing).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}

on_both_backends!(
    every_place_of_each_result_with_coordinates_is_on_a_pin_in_result_order,
    a_pin_shared_by_one_place_names_it_and_nothing_to_map_means_no_map,
    a_service_with_hundreds_of_places_does_not_flood_the_map,
    a_postcode_search_gives_the_map_its_centre_and_radius,
    a_tile_server_reaches_the_map_and_the_policy_but_nothing_else,
    the_map_library_and_script_are_served_from_the_binary,
);
