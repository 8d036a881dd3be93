//! The co-delivery journey through the pages: a volunteer offers help, a
//! coordinator records a person without email who phoned, asks for help on
//! their behalf, picks from the ranked candidates and proposes; the
//! volunteer accepts and only then sees the address; the day is logged and
//! the hour shows in both statements. Also: field errors store nothing,
//! and nobody else can see a match.

use crate::support::{Client, TestApp};
use axum::http::StatusCode;
use coprod_server::{
    coordination::model::today,
    coprod_engine::people::Role,
    db::Backend,
    demo,
    places::{import as postcode_import, store as postcodes},
};

const DAYS: [&str; 7] = ["mo", "tu", "we", "th", "fr", "sa", "su"];

async fn world(backend: Backend) -> TestApp {
    let app = TestApp::new(backend).await;
    let directory = postcode_import::parse(demo::postcode_directory().as_bytes()).unwrap();
    postcodes::import(&app.state.db, &directory.records)
        .await
        .unwrap();
    for (id, name) in [("shopping", "Shopping"), ("gardening", "Gardening")] {
        sqlx::query("INSERT INTO taxonomy_terms (id, name, document) VALUES ($1, $2, '{}')")
            .bind(id)
            .bind(name)
            .execute(app.state.db.pool())
            .await
            .unwrap();
    }
    app
}

/// The code of today's weekday in the forms ("tu").
fn today_code() -> &'static str {
    DAYS[usize::from(today().weekday().index())]
}

/// A volunteer free every day 09:00–17:00 for shopping.
async fn offer_every_day(volunteer: &mut Client) {
    let mut fields = vec![
        ("kind", "time"),
        ("description", "Weekly shopping and a chat"),
        ("term_shopping", "on"),
        ("starts", "09:00"),
        ("ends", "17:00"),
        ("postcode", "AV1 1AB"),
        ("max_distance_km", "10"),
        ("capacity_unit", "people"),
        ("capacity_limit", "3"),
        ("commitment", "either"),
        ("wheelchair", "not_applicable"),
        ("phone", "01632 960555"),
        ("languages", "Gaelic"),
    ];
    let days: Vec<String> = DAYS.iter().map(|d| format!("day_{d}")).collect();
    for day in &days {
        fields.push((day.as_str(), "on"));
    }
    let reply = volunteer.post("/help/offers/new", &fields).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), "/help?done=offer");
}

fn id_after(location: &str, prefix: &str) -> i64 {
    assert!(
        location.starts_with(prefix),
        "{location} does not start with {prefix}"
    );
    location
        .strip_prefix(prefix)
        .unwrap()
        .split(['?', '/'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

fn outbox(app: &TestApp) -> Vec<String> {
    let dir = app.test_db.data_dir().join("outbox");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect()
}

#[expect(clippy::too_many_lines, reason = "one journey, told in order")]
async fn a_phone_request_is_matched_agreed_logged_and_paid(backend: Backend) {
    let app = world(backend).await;
    let mut coordinator = app.as_role(Role::Coordinator).await;
    let mut volunteer = app.as_role(Role::Volunteer).await;
    offer_every_day(&mut volunteer).await;

    // Morag phoned; she has no email.
    let reply = coordinator
        .post(
            "/coordination/people/new",
            &[
                ("channel", "phone"),
                ("display_name", "Morag Example"),
                ("phone", "01632 960123"),
                ("email", ""),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let morag = id_after(reply.location(), "/coordination/people/");

    let date = today().to_string();
    let day = format!("day_{}", today_code());
    let request_fields = [
        ("channel", "phone"),
        ("category", "shopping"),
        ("description", "Shopping from the list by the door"),
        ("how_often", "weekly"),
        ("date", date.as_str()),
        (day.as_str(), "on"),
        ("starts", "09:00"),
        ("ends", "12:00"),
        ("duration", "60"),
        ("postcode", "AV1 1AD"),
        ("address", "3 Shore Road, Ardnaveen"),
        ("urgency", "soon"),
        ("vulnerable_adult", "yes"),
    ];
    // The volunteer has no PVG check yet, so nobody suits, and the page says why.
    let reply = coordinator
        .post(
            &format!("/coordination/people/{morag}/requests/new"),
            &request_fields,
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let request = id_after(reply.location(), "/coordination/requests/");
    let page = coordinator.get(reply.location()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Nobody suits"), "{}", page.body);
    assert!(page.body.contains("no PVG check recorded"), "{}", page.body);

    // The coordinator records the volunteer's check; now she is a candidate.
    let people = coordinator.get("/coordination/people?q=volunteer").await;
    let volunteer_person: i64 = people
        .body
        .split("href=\"/coordination/people/")
        .find_map(|piece| piece.split('"').next()?.parse().ok())
        .unwrap();
    let reply = coordinator
        .post(
            &format!("/coordination/people/{volunteer_person}/pvg"),
            &[("valid_until", "31/12/2030")],
        )
        .await;
    assert_eq!(
        reply.location(),
        format!("/coordination/people/{volunteer_person}?done=pvg")
    );
    let page = coordinator
        .get(&format!("/coordination/requests/{request}"))
        .await;
    assert!(
        page.body.contains("PVG valid to 31 December 2030"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Person volunteer"));
    let hidden_value = |name: &str| {
        page.body
            .split(&format!("name=\"{name}\" value=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no {name} field in {}", page.body))
            .to_owned()
    };
    // The slot is the one the page offers: which number it has depends on
    // the weekday the test runs on.
    let offer = hidden_value("offer");
    let slot = hidden_value("slot");

    // Proposed: the volunteer is emailed, without the address.
    let reply = coordinator
        .post(
            &format!("/coordination/requests/{request}/propose"),
            &[("offer", offer.as_str()), ("slot", slot.as_str())],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let matched = id_after(reply.location(), "/help/matches/");
    let mail = outbox(&app);
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert!(mail[0].contains("volunteer@test.example"));
    assert!(mail[0].contains(&format!("/help/matches/{matched}")));
    assert!(!mail[0].contains("Shore Road"));

    // Before agreeing, the volunteer sees the area but not the address or phone.
    let page = volunteer.get(&format!("/help/matches/{matched}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("AV1 1"));
    assert!(!page.body.contains("Shore Road"));
    assert!(!page.body.contains("01632 960123"));
    assert!(!page.body.contains("Morag"));
    let listing = volunteer.get("/help").await;
    assert!(listing.body.contains(&format!("/help/matches/{matched}")));

    // Someone else cannot see it at all.
    let mut stranger = app.as_role(Role::Citizen).await;
    assert_eq!(
        stranger
            .get(&format!("/help/matches/{matched}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let reply = stranger
        .post(&format!("/help/matches/{matched}/accept"), &[])
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    let reply = volunteer
        .post(&format!("/help/matches/{matched}/accept"), &[])
        .await;
    assert_eq!(
        reply.location(),
        format!("/help/matches/{matched}?done=accepted")
    );
    let page = volunteer.get(&format!("/help/matches/{matched}")).await;
    assert!(
        page.body.contains("3 Shore Road, Ardnaveen"),
        "{}",
        page.body
    );
    assert!(page.body.contains("01632 960123"));
    assert!(page.body.contains("Morag Example"));

    // Today's day is in the volunteer's round; logging it done pays an hour.
    let round = volunteer.get("/help/round").await;
    assert!(round.body.contains("Morag Example"), "{}", round.body);
    let day: i64 = round
        .body
        .split("action=\"/help/days/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let reply = volunteer
        .post(
            &format!("/help/days/{day}"),
            &[("status", "done"), ("back", "/help/round")],
        )
        .await;
    assert_eq!(reply.location(), "/help/round?done=logged");
    let hours = volunteer.get("/help/hours").await;
    assert!(hours.body.contains("Balance: 1 h"), "{}", hours.body);
    assert!(hours.body.contains("Morag Example"));
    let theirs = coordinator
        .get(&format!("/coordination/people/{morag}/hours"))
        .await;
    assert!(theirs.body.contains("Balance: -1 h"), "{}", theirs.body);

    // The coordinator's desk shows the round; the reads were audited.
    let desk = coordinator.get("/coordination").await;
    assert!(desk.body.contains("Morag Example"), "{}", desk.body);
    let (reads,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'person_read' AND subject_kind = 'coordination_person' AND subject_id = $1",
    )
    .bind(morag)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert!(reads >= 2, "{reads}");
}

async fn a_form_with_problems_stores_nothing(backend: Backend) {
    let app = world(backend).await;
    let mut coordinator = app.as_role(Role::Coordinator).await;
    let reply = coordinator
        .post(
            "/coordination/people/new",
            &[
                ("channel", "carrier pigeon"),
                ("display_name", ""),
                ("phone", "call me maybe"),
                ("email", "not-an-email"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["channel", "display_name", "phone", "email"] {
        assert!(
            reply.body.contains(&format!("href=\"#{field}\"")),
            "{field}: {}",
            reply.body
        );
    }
    assert_eq!(app.count("coordination_people").await, 0);

    let mut volunteer = app.as_role(Role::Volunteer).await;
    let reply = volunteer
        .post(
            "/help/requests/new",
            &[
                ("category", "knitting"),
                ("how_often", "once"),
                ("date", "2001-01-01"),
                ("starts", "12:00"),
                ("ends", "11:00"),
                ("duration", "5"),
                ("postcode", "ZZ9 9ZZ"),
                ("urgency", "whenever"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        "category",
        "description",
        "date",
        "starts",
        "duration",
        "postcode",
        "address",
        "urgency",
    ] {
        assert!(
            reply.body.contains(&format!("href=\"#{field}\"")),
            "{field}: {}",
            reply.body
        );
    }
    assert_eq!(app.count("help_requests").await, 0);
    assert_eq!(app.count("coordination_people").await, 0);
    let reply = volunteer
        .post(
            "/help/offers/new",
            &[("kind", "time"), ("postcode", "AV1 1AB")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("href=\"#categories\""));
    assert!(reply.body.contains("href=\"#day_mo\""));
    assert_eq!(app.count("offers").await, 0);
}

async fn only_coordinators_reach_the_desk(backend: Backend) {
    let app = world(backend).await;
    let mut citizen = app.as_role(Role::Citizen).await;
    assert_eq!(
        citizen.get("/coordination").await.status,
        StatusCode::FORBIDDEN
    );
    let page = citizen.get("/help").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Ask for help"));
    assert!(!page.body.contains("href=\"/coordination\""));
    let mut coordinator = app.as_role(Role::Coordinator).await;
    let page = coordinator.get("/coordination").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("href=\"/coordination\""));
}

/// `coprod demo` opens on a coordinator's ordinary day.
async fn the_demo_shows_a_coordinators_day(backend: Backend) {
    let app = TestApp::new(backend).await;
    demo::seed(&app.state.db).await.unwrap();
    let mut coordinator = app.client();
    coordinator
        .sign_in("coordinator@demo.example", demo::PASSWORD)
        .await;
    let desk = coordinator.get("/coordination").await;
    assert_eq!(desk.status, StatusCode::OK, "{}", desk.body);
    for expected in [
        "Agnes Ferguson",
        "Dolina Matheson",
        "Jessie Cameron",
        "waiting for Tormod MacIver",
        "Kirsty Paterson",
        "Find cover",
    ] {
        assert!(desk.body.contains(expected), "{expected}: {}", desk.body);
    }
    // Dolina is a vulnerable adult: Angus has no PVG check, and the page says so.
    let link = desk
        .body
        .split("href=\"/coordination/requests/")
        .find(|piece| piece.contains("Dolina Matheson"))
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let page = coordinator
        .get(&format!("/coordination/requests/{link}"))
        .await;
    assert!(page.body.contains("Valerie Murray"), "{}", page.body);
    assert!(
        page.body
            .contains("no PVG check recorded, and the person is a vulnerable adult"),
        "{}",
        page.body
    );
    // Reasons name categories, never their ids, and say nothing of a
    // match "last" made on a day still to come.
    assert_names_not_codes(&page.body);
    assert_no_future_last_match(&page.body);
    // The time bank names the data zones, the code beside the name.
    let bank = coordinator.get("/coordination/timebank").await;
    assert_eq!(bank.status, StatusCode::OK, "{}", bank.body);
    assert!(
        demo::DATA_ZONE_NAMES.iter().any(|name| bank
            .body
            .contains(&format!("<td>{name} <span class=\"ds_hint-text\">S01"))),
        "{}",
        bank.body
    );
    // A person who only receives help is outside the time bank: no debt,
    // no limit on what they may owe; the organisation gives the hours.
    let (agnes,): (i64,) =
        sqlx::query_as("SELECT id FROM coordination_people WHERE display_name = 'Agnes Ferguson'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    let record = coordinator
        .get(&format!("/coordination/people/{agnes}"))
        .await;
    assert_eq!(record.status, StatusCode::OK, "{}", record.body);
    assert!(!record.body.contains("May owe up to"), "{}", record.body);
    assert!(
        record
            .body
            .contains("The organisation pays for help this person receives.")
    );
    assert!(record.body.contains("Help they receive"));
    // Hours were paid for the weeks already done.
    let mut volunteer = app.client();
    volunteer
        .sign_in("volunteer@demo.example", demo::PASSWORD)
        .await;
    let hours = volunteer.get("/help/hours").await;
    assert!(hours.body.contains("Balance: 5 h"), "{}", hours.body);
    let round = volunteer.get("/help/round").await;
    assert!(round.body.contains("Agnes Ferguson"), "{}", round.body);
}

/// No "does not offer" followed by an id (hex and dashes) in place of a
/// category's name.
fn assert_names_not_codes(body: &str) {
    for (_, rest) in body
        .match_indices("does not offer ")
        .map(|(i, _)| body.split_at(i + 15))
    {
        let word: String = rest
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '<')
            .collect();
        let hexish = word.len() >= 8 && word.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        assert!(!hexish, "a category shown by its id: {word}");
    }
}

/// Every "last matched on" date is today or before.
fn assert_no_future_last_match(body: &str) {
    let today = today();
    for date in (0..60).map(|n| today.add_days(n + 1)) {
        let words = coprod_server::coprod_engine::plain::date(date);
        assert!(
            !body.contains(&format!("last matched on {words}")),
            "a match on {words}, still to come, called the last"
        );
    }
}

on_both_backends!(
    the_demo_shows_a_coordinators_day,
    a_phone_request_is_matched_agreed_logged_and_paid,
    a_form_with_problems_stores_nothing,
    only_coordinators_reach_the_desk,
);
