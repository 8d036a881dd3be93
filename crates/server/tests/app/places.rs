//! The postcode directory: import, look-up and the API, on both backends.

use std::fmt::Write as _;

use crate::support::TestApp;
use axum::http::StatusCode;
use coprod_server::{
    api::tokens,
    coprod_engine::{
        people::{LineOfText, Sector},
        place::Postcode,
    },
    db::Backend,
    demo,
    organisations::store as organisations,
    places::{import, store},
};

async fn import_then_look_up_and_reimport(backend: Backend) {
    let app = TestApp::new(backend).await;
    let first = import::parse(
        "Postcode,Latitude,Longitude,DataZone2011Code\nAV1 1AB,56.4,-5.5,S01099001\nAV1 1AD,56.41,-5.51,\n".as_bytes(),
    )
    .unwrap();
    assert_eq!(
        store::import(&app.state.db, &first.records).await.unwrap(),
        2
    );
    let found = store::lookup(&app.state.db, &Postcode::parse("av11ab").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.data_zone.as_deref(), Some("S01099001"));
    assert!((found.latitude - 56.4).abs() < 1e-9);

    // A newer directory moves a postcode and adds its data zone.
    let second =
        import::parse("postcode,lat,long,lsoa11\nAV1 1AD,56.42,-5.52,S01099002\n".as_bytes())
            .unwrap();
    store::import(&app.state.db, &second.records).await.unwrap();
    assert_eq!(store::count(&app.state.db).await.unwrap(), 2);
    let moved = store::lookup(&app.state.db, &Postcode::parse("AV1 1AD").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.data_zone.as_deref(), Some("S01099002"));
    assert!((moved.latitude - 56.42).abs() < 1e-9);
    assert!(
        store::lookup(&app.state.db, &Postcode::parse("AV9 9ZZ").unwrap())
            .await
            .unwrap()
            .is_none()
    );
}

async fn a_large_directory_imports_in_one_transaction(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut csv = String::from("postcode,latitude,longitude\n");
    for n in 0..2_600_u32 {
        let letters = ["AB", "AD", "BA", "BE", "DA", "DE", "EA", "EB", "ED", "FA"];
        let _ = writeln!(
            csv,
            "AV{} {}{},56.{:04},-5.{:04}",
            n / 100 + 1,
            (n / 10) % 10,
            letters[(n % 10) as usize],
            n,
            n
        );
    }
    let parsed = import::parse(csv.as_bytes()).unwrap();
    assert_eq!(parsed.records.len(), 2_600);
    assert_eq!(
        store::import(&app.state.db, &parsed.records).await.unwrap(),
        2_600
    );
    assert_eq!(store::count(&app.state.db).await.unwrap(), 2_600);
}

async fn the_demo_area_has_its_own_directory(backend: Backend) {
    let app = TestApp::new(backend).await;
    let seeded = demo::seed(&app.state.db).await.unwrap();
    assert_eq!(seeded.postcodes, 128);
    let coast = store::lookup(&app.state.db, &Postcode::parse("AV1 1AB").unwrap())
        .await
        .unwrap()
        .unwrap();
    let glens = store::lookup(&app.state.db, &Postcode::parse("AV4 4EB").unwrap())
        .await
        .unwrap()
        .unwrap();
    let km = coast.coordinates().distance_metres(glens.coordinates()) / 1000.0;
    assert!(
        (5.0..40.0).contains(&km),
        "the two localities are a short drive apart: {km} km"
    );
}

async fn the_api_explains_bad_and_unknown_postcodes(backend: Backend) {
    let app = TestApp::new(backend).await;
    let directory = import::parse(demo::postcode_directory().as_bytes()).unwrap();
    store::import(&app.state.db, &directory.records)
        .await
        .unwrap();
    let organisation = organisations::create(
        &app.state.db,
        &LineOfText::parse("Org").unwrap(),
        Sector::Third,
        None,
    )
    .await
    .unwrap();
    let (_, token) = tokens::issue(
        &app.state.db,
        &LineOfText::parse("t").unwrap(),
        organisation,
        None,
    )
    .await
    .unwrap();
    let mut client = app.client();

    let found = client
        .api_get("/api/v1/postcodes/av2%203ba", Some(&token))
        .await;
    assert_eq!(found.status, StatusCode::OK);
    let body: serde_json::Value = serde_json::from_str(&found.body).unwrap();
    assert_eq!(body["postcode"], "AV2 3BA");
    assert!(body["data_zone"].as_str().unwrap().starts_with("S01"));

    let malformed = client
        .api_get("/api/v1/postcodes/not-a-postcode", Some(&token))
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    let body: serde_json::Value = serde_json::from_str(&malformed.body).unwrap();
    assert_eq!(body["errors"][0]["field"], "postcode");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("full postcode")
    );

    let unknown = client
        .api_get("/api/v1/postcodes/AV9%209ZZ", Some(&token))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("We do not know that postcode"));
    assert_eq!(
        client
            .api_get("/api/v1/postcodes/AV2%203BA", None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

on_both_backends!(
    import_then_look_up_and_reimport,
    a_large_directory_imports_in_one_transaction,
    the_demo_area_has_its_own_directory,
    the_api_explains_bad_and_unknown_postcodes,
);
