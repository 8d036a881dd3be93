//! Helpers for the participatory budgeting tests: a partnership with the
//! demo postcode directory, processes set up through the organisers' form,
//! and the steps of a vote.

use axum::http::StatusCode;
use coprod_server::{
    coprod_engine::people::Role,
    demo,
    places::{import as postcode_import, store as postcodes},
};

use super::{Client, PASSWORD, Reply, TestApp};

/// The council area of every demo postcode.
pub const DEMO_COUNCIL: &str = "S12099001";

/// Loads the demo postcode directory (council area S12099001, named
/// Ardnaveen, with its wards, health board and data zones named too).
pub async fn with_postcodes(app: &TestApp) {
    let directory = postcode_import::parse(demo::postcode_directory().as_bytes()).unwrap();
    postcodes::import_with_names(&app.state.db, &directory.records, &directory.names)
        .await
        .unwrap();
}

/// The date `days` from today (UTC), as the form takes it.
pub fn day(days: i64) -> String {
    let date = time::OffsetDateTime::now_utc().date() + time::Duration::days(days);
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// A process form in its proposals phase (opened today), with `changes`
/// applied on top.
pub fn process_form(changes: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = vec![
        ("title", "Shore Path Fund".into()),
        (
            "description",
            "Small projects along the shore path, chosen by the people who use it.".into(),
        ),
        ("area_code", String::new()),
        ("budget", "10000".into()),
        ("minimum_age", String::new()),
        ("ballot_type", "approval".into()),
        ("max_choices", String::new()),
        ("max_total_cost", String::new()),
        ("points_total", String::new()),
        ("ranks", String::new()),
        ("counting_rule", "greedy".into()),
        ("score_threshold", String::new()),
        ("proposals_open", day(0)),
        ("review_starts", day(10)),
        ("voting_opens", day(20)),
        ("voting_last_day", day(30)),
        ("delivery_starts", day(60)),
    ];
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => (*value).clone_into(&mut field.1),
            None => fields.push((name, (*value).to_owned())),
        }
    }
    fields
}

pub async fn post(client: &mut Client, path: &str, fields: &[(&str, String)]) -> Reply {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    client.post(path, &pairs).await
}

/// The number after `prefix` in a redirect's location.
pub fn id_after(location: &str, prefix: &str) -> i64 {
    location
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{location} does not start with {prefix}"))
        .split(['/', '?'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Sets up a process through the form and returns its id.
pub async fn create_process(organiser: &mut Client, changes: &[(&'static str, &str)]) -> i64 {
    let reply = post(organiser, "/budgeting/new", &process_form(changes)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    id_after(reply.location(), "/budgeting/")
}

/// A signed-in citizen.
pub async fn citizen(app: &TestApp, email: &str) -> Client {
    app.person(email, Role::Citizen).await;
    let mut client = app.client();
    let reply = client.sign_in(email, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    client
}

/// Starts the next phase now.
pub async fn next_phase(organiser: &mut Client, process: i64) {
    let reply = organiser
        .post(&format!("/budgeting/{process}/next-phase"), &[])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
}

/// A proposal sent in online; returns its id.
pub async fn propose(client: &mut Client, process: i64, title: &str, cost: &str) -> i64 {
    let reply = client
        .post(
            &format!("/budgeting/{process}/propose"),
            &[
                ("title", title),
                ("description", "It would help people who walk here."),
                ("location", "The shore path"),
                ("estimated_cost", cost),
                // Asked only where the process is for one area or age.
                ("postcode", "AV1 1AB"),
                ("date_of_birth", "01/01/1990"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    id_after(
        reply.location(),
        &format!("/budgeting/{process}/proposals/"),
    )
}

/// Accepts a proposal onto the ballot.
pub async fn accept(organiser: &mut Client, process: i64, proposal: i64) {
    let reply = organiser
        .post(
            &format!("/budgeting/{process}/proposals/{proposal}/review"),
            &[("decision", "accept"), ("reason", "It can be done.")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
}

/// Confirms a citizen lives in the area (and is old enough).
pub async fn confirm_eligible(client: &mut Client, process: i64) {
    let reply = client
        .post(
            &format!("/budgeting/{process}/vote/eligibility"),
            &[("postcode", "AV1 1AB"), ("date_of_birth", "27/03/1980")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
}

/// The codes on a "new voting codes" page.
pub fn codes_in(html: &str) -> Vec<String> {
    html.split("<code>")
        .skip(1)
        .map(|piece| piece.split("</code>").next().unwrap().to_owned())
        .collect()
}

/// Issues `count` codes and returns them.
pub async fn issue_codes(organiser: &mut Client, process: i64, count: usize) -> Vec<String> {
    let reply = organiser
        .post(
            &format!("/budgeting/{process}/codes"),
            &[("count", &count.to_string())],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let codes = codes_in(&reply.body);
    assert_eq!(codes.len(), count);
    codes
}

/// A process in its voting phase with three accepted projects (costs
/// £6,000, £3,000 and £2,000); returns the process and the projects' ids.
pub async fn voting_process(
    app: &TestApp,
    organiser: &mut Client,
    changes: &[(&'static str, &str)],
) -> (i64, [i64; 3]) {
    let process = create_process(organiser, changes).await;
    let mut proposer = citizen(app, &format!("proposer{process}@example.org")).await;
    let benches = propose(&mut proposer, process, "Benches on the shore path", "6000").await;
    let lights = propose(&mut proposer, process, "Lights by the slipway", "3000").await;
    let bins = propose(&mut proposer, process, "Bins at the car park", "2000").await;
    next_phase(organiser, process).await;
    for proposal in [benches, lights, bins] {
        accept(organiser, process, proposal).await;
    }
    next_phase(organiser, process).await;
    (process, [benches, lights, bins])
}
