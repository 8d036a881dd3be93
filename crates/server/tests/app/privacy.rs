//! People's rights on both backends: the consent register (staff record a
//! consent given by phone; the person sees and withdraws it; withdrawing a
//! personal star's consent hides the star and stops its ratings), subject
//! access exports of an account and of a person without an email address,
//! erasure, and retention.

use crate::support::{TestApp, coordination};
use axum::http::StatusCode;
use coprod_server::{
    coordination::model::Channel,
    coprod_engine::people::{LineOfText, Role, Sector},
    db::Backend,
    organisations::store as organisations,
};
use serde_json::Value;

fn id_after(location: &str, prefix: &str) -> i64 {
    assert!(
        location.starts_with(prefix),
        "{location} is not under {prefix}"
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

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    n
}

/// The ids of a person's consents, in the order given.
async fn consent_ids(app: &TestApp, account: i64) -> Vec<i64> {
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM consents WHERE account_id = $1 ORDER BY id")
            .bind(account)
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    rows.into_iter().map(|(id,)| id).collect()
}

async fn withdrawing_a_personal_star_consent_hides_it_and_stops_ratings(backend: Backend) {
    let app = TestApp::new(backend).await;
    let org = organisation(&app, "Seaview Dementia Cafe").await;
    let mut worker = app.as_role(Role::LinkWorker).await;
    let agnes_id = app.person("agnes@test.example", Role::Citizen).await;
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
    // The star's consent is in the register.
    let consents = consent_ids(&app, agnes_id).await;
    assert_eq!(consents.len(), 1);
    let rate = [
        ("rated_on", "01/12/2026"),
        ("home_level", "4"),
        ("community_level", "2"),
        ("services_level", "3"),
    ];
    let rated = worker.post(&format!("/star/people/{star}"), &rate).await;
    assert_eq!(rated.status, StatusCode::SEE_OTHER, "{}", rated.body);

    let mut agnes = app.client();
    agnes
        .sign_in("agnes@test.example", crate::support::PASSWORD)
        .await;
    let page = agnes.get("/account/privacy").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("To plan support together"),
        "{}",
        page.body
    );
    assert!(agnes.get("/my-star").await.body.contains("Agnes"));
    // Someone else cannot withdraw Agnes's consent.
    let mut other = app.as_role(Role::Citizen).await;
    let refused = other
        .post(&format!("/privacy/consents/{}/withdraw", consents[0]), &[])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    let withdrawn = agnes
        .post(&format!("/privacy/consents/{}/withdraw", consents[0]), &[])
        .await;
    assert_eq!(
        withdrawn.status,
        StatusCode::SEE_OTHER,
        "{}",
        withdrawn.body
    );
    assert_eq!(withdrawn.location(), "/account/privacy");
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM consents WHERE withdrawn_at IS NOT NULL AND withdrawn_channel = 'online'"
        )
        .await,
        1
    );
    // Withdrawal stops processing: nobody sees the star, nobody rates it.
    assert_eq!(
        worker.get(&format!("/star/people/{star}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        agnes.get(&format!("/star/people/{star}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!agnes.get("/my-star").await.body.contains("Agnes"));
    assert!(
        !worker
            .get(&format!("/star/{org}/people"))
            .await
            .body
            .contains("Agnes")
    );
    let again = worker.post(&format!("/star/people/{star}"), &rate).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("star_person_ratings").await, 1);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'consent_withdrawn'"
        )
        .await,
        1
    );
}

async fn staff_record_a_consent_given_by_phone_and_the_person_withdraws_it(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut admin = app.as_role(Role::Admin).await;
    let citizen = app.person("morag@test.example", Role::Citizen).await;
    let page = admin.get(&format!("/admin/people/{citizen}/privacy")).await;
    assert_eq!(page.status, StatusCode::OK);
    // A form with every field wrong stores nothing and says what is wrong.
    let bad = admin
        .post(
            &format!("/admin/people/{citizen}/consents"),
            &[
                ("record_kind", "personal_star"),
                ("purpose", ""),
                ("lawful_basis", "whim"),
                ("channel", "online"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Choose the lawful basis"));
    assert!(bad.body.contains("by phone, on paper or in person"));
    assert_eq!(app.count("consents").await, 0);
    let given = admin
        .post(
            &format!("/admin/people/{citizen}/consents"),
            &[
                ("record_kind", "coordination"),
                ("purpose", "Matching with volunteers"),
                ("lawful_basis", "consent"),
                ("channel", "phone"),
            ],
        )
        .await;
    assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", given.body);
    let ids = consent_ids(&app, citizen).await;
    assert_eq!(ids.len(), 1);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM consents WHERE given_channel = 'phone' AND lawful_basis = 'consent'").await,
        1
    );
    let mut morag = app.client();
    morag
        .sign_in("morag@test.example", crate::support::PASSWORD)
        .await;
    let mine = morag.get("/account/privacy").await;
    assert!(mine.body.contains("Matching with volunteers"));
    assert!(mine.body.contains("By phone"));
    morag
        .post(&format!("/privacy/consents/{}/withdraw", ids[0]), &[])
        .await;
    assert!(
        morag
            .get("/account/privacy")
            .await
            .body
            .contains("Withdrawn")
    );
    // Withdrawing twice changes nothing.
    morag
        .post(&format!("/privacy/consents/{}/withdraw", ids[0]), &[])
        .await;
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'consent_withdrawn'"
        )
        .await,
        1
    );
    // A citizen may not see the staff pages.
    assert_eq!(
        morag
            .get(&format!("/admin/people/{citizen}/privacy"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

async fn a_coordination_consent_withdrawn_by_phone_withdraws_open_offers(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut coordinator = app.as_role(Role::Coordinator).await;
    let person = coordination::person(&app.state.db, "Ewan Paterson", None, Channel::Phone).await;
    coordination::offer(&app.state.db, person, &coordination::shopping_offer()).await;
    let given = coordinator
        .post(
            &format!("/coordination/people/{person}/consents"),
            &[
                ("record_kind", "coordination"),
                ("purpose", "Offering help"),
                ("lawful_basis", "consent"),
                ("channel", "paper"),
            ],
        )
        .await;
    assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", given.body);
    let (consent,): (i64,) =
        sqlx::query_as("SELECT id FROM consents WHERE coordination_person_id = $1")
            .bind(person)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    // Staff must say how the person told them.
    let unsaid = coordinator
        .post(&format!("/privacy/consents/{consent}/withdraw"), &[])
        .await;
    assert_eq!(unsaid.status, StatusCode::BAD_REQUEST);
    let withdrawn = coordinator
        .post(
            &format!("/privacy/consents/{consent}/withdraw"),
            &[("channel", "phone")],
        )
        .await;
    assert_eq!(
        withdrawn.status,
        StatusCode::SEE_OTHER,
        "{}",
        withdrawn.body
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM offers WHERE status = 'open'").await,
        0
    );
}

async fn withdrawing_a_survey_consent_detaches_the_persons_answers(backend: Backend) {
    let app = TestApp::new(backend).await;
    let account = app
        .person("morven.survey@test.example", Role::Citizen)
        .await;
    identified_survey_answer(&app, account).await;
    sqlx::query(
        "INSERT INTO consents (account_id, record_kind, purpose, lawful_basis, given_at, given_channel) \
         VALUES ($1, 'survey', 'Following up what I said about the lunch club', 'consent', 0, 'online')",
    )
    .bind(account)
    .execute(app.state.db.pool())
    .await
    .unwrap();
    let consent = scalar(&app, "SELECT MAX(id) FROM consents").await;
    let mut person = app.client();
    let signed_in = person
        .sign_in("morven.survey@test.example", crate::support::PASSWORD)
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    let reply = person
        .post(&format!("/privacy/consents/{consent}/withdraw"), &[])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(
        scalar(
            &app,
            &format!(
                "SELECT COUNT(*) FROM survey_responses WHERE respondent_account_id = {account}"
            )
        )
        .await,
        0
    );
    assert_eq!(
        app.count("survey_responses").await,
        1,
        "the answer still counts"
    );
    assert_eq!(
        scalar(
            &app,
            &format!(
                "SELECT COUNT(*) FROM consents WHERE id = {consent} AND withdrawn_at IS NOT NULL"
            )
        )
        .await,
        1
    );
}

async fn export_json(client: &mut crate::support::Client, path: &str) -> Value {
    let reply = client.get(path).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

async fn subject_access_exports_everything_keyed_by_kind_and_is_audited(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut admin = app.as_role(Role::Admin).await;
    let mut coordinator = app.as_role(Role::Coordinator).await;
    // A person without an email address, who phoned in.
    let person = coordination::person(&app.state.db, "Ishbel Munro", None, Channel::Phone).await;
    coordination::offer(&app.state.db, person, &coordination::shopping_offer()).await;
    coordination::request(&app.state.db, person, &coordination::weekly_shopping()).await;
    let document = export_json(
        &mut coordinator,
        &format!("/coordination/people/{person}/export.json"),
    )
    .await;
    assert_eq!(document["format"], "coprod.subject-access.v1");
    assert_eq!(
        document["coordination_person"]["display_name"],
        "Ishbel Munro"
    );
    assert_eq!(document["account"], Value::Null);
    assert_eq!(document["offers"].as_array().unwrap().len(), 1);
    assert_eq!(document["requests"].as_array().unwrap().len(), 1);
    for key in [
        "roles",
        "sessions",
        "matches",
        "time_bank_movements",
        "personal_stars",
        "survey_responses",
        "consents",
        "audit_events",
    ] {
        assert!(document.get(key).is_some(), "{key} is missing");
    }
    let readable = admin
        .get(&format!("/coordination/people/{person}/export"))
        .await;
    assert_eq!(readable.status, StatusCode::OK);
    assert!(readable.body.contains("Ishbel Munro"));
    assert!(readable.body.contains("Offers of help"));

    // An account with a role.
    let citizen = app.person("flora@test.example", Role::Volunteer).await;
    let document = export_json(&mut admin, &format!("/admin/people/{citizen}/export.json")).await;
    assert_eq!(document["account"]["email"], "flora@test.example");
    assert_eq!(document["roles"][0]["role"], "volunteer");
    assert_eq!(document["sessions"]["count"], 0);
    // The person's own copy.
    let mut flora = app.client();
    flora
        .sign_in("flora@test.example", crate::support::PASSWORD)
        .await;
    let own = export_json(&mut flora, "/account/privacy/export.json").await;
    assert_eq!(own["account"]["email"], "flora@test.example");
    assert_eq!(own["sessions"]["count"], 1);
    // Every export is in the audit log; a citizen cannot export others.
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'person_exported'"
        )
        .await,
        4
    );
    assert_eq!(
        flora
            .get(&format!("/coordination/people/{person}/export.json"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

/// Balances by member (NULL: the organisation), from the movements.
async fn balances(app: &TestApp) -> Vec<(Option<i64>, i64)> {
    sqlx::query_as(
        "SELECT person_id, CAST(SUM(minutes) AS BIGINT) FROM timebank_movements \
         GROUP BY person_id ORDER BY person_id",
    )
    .fetch_all(app.state.db.pool())
    .await
    .unwrap()
}

/// Where `needle` still appears: on `SQLite`, in the bytes of the database
/// file and its write-ahead log; on `PostgreSQL`, in any text column of any
/// row.
async fn traces_of(app: &TestApp, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    match app.state.db.backend() {
        Backend::Sqlite => {
            let file = app.test_db.dir.path().join("coprod.sqlite3");
            for path in [file.clone(), file.with_extension("sqlite3-wal")] {
                let bytes = std::fs::read(&path).unwrap_or_default();
                if bytes
                    .windows(needle.len())
                    .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
                {
                    found.push(path.display().to_string());
                }
            }
        }
        Backend::Postgres => {
            let columns: Vec<(String, String)> = sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = 'public' AND data_type IN ('text', 'character varying')",
            )
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
            assert!(columns.len() > 50, "every text column is searched");
            for (table, column) in columns {
                let (n,): (i64,) = sqlx::query_as(&format!(
                    "SELECT COUNT(*) FROM \"{table}\" WHERE \"{column}\" ILIKE '%' || $1 || '%'"
                ))
                .bind(needle)
                .fetch_one(app.state.db.pool())
                .await
                .unwrap();
                if n > 0 {
                    found.push(format!("{table}.{column}"));
                }
            }
        }
    }
    found
}

/// A person with an account, a co-delivery record, an offer, a request,
/// hours in the time bank and a failed sign-in; returns (account, person,
/// someone else in the time bank).
async fn catriona(app: &TestApp) -> (i64, i64, i64) {
    use coprod_server::{
        coordination::store::{self, ledger::member},
        coprod_engine::{schedule::Date, timebank::AccountId},
    };
    let mut client = app.client();
    let signed_up = client
        .post(
            "/sign-up",
            &[
                ("display_name", "Catriona Blackwood"),
                ("email", "catriona.erase@test.example"),
                ("password", crate::support::PASSWORD),
                ("password_confirm", crate::support::PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        signed_up.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_up.body
    );
    let failed = app
        .client()
        .sign_in("catriona.erase@test.example", "not the password at all")
        .await;
    assert_eq!(failed.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Before this version, a failed sign-in's audit row kept the typed email.
    sqlx::query(
        "INSERT INTO audit_events (occurred_at, action, ip, detail) \
         VALUES (1, 'sign_in_failed', '192.0.2.1', 'catriona.erase@test.example')",
    )
    .execute(app.state.db.pool())
    .await
    .unwrap();
    let (account,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE email = 'catriona.erase@test.example'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    let person = coordination::person(
        &app.state.db,
        "Catriona Blackwood",
        Some("catriona.erase@test.example"),
        Channel::Online,
    )
    .await;
    sqlx::query(
        "UPDATE coordination_people SET account_id = $1, phone = '07700 900123' WHERE id = $2",
    )
    .bind(account)
    .bind(person)
    .execute(app.state.db.pool())
    .await
    .unwrap();
    let mut offer = coordination::shopping_offer();
    offer.description = "Catriona Blackwood drives to the big shop".into();
    coordination::offer(&app.state.db, person, &offer).await;
    let mut request = coordination::weekly_shopping();
    request.address = "4 Larch Brae, Inverblackwood".into();
    coordination::request(&app.state.db, person, &request).await;
    identified_survey_answer(app, account).await;
    let other = coordination::person(&app.state.db, "Hamish Other", None, Channel::Phone).await;
    let day = Date::parse("2026-03-01").unwrap();
    for (payer, helper, minutes) in [
        (AccountId::Organisation, person, 120),
        (AccountId::Member(member(person)), other, 45),
    ] {
        let mut tx = app.state.db.begin_write().await.unwrap();
        store::ledger::post(&mut tx, None, |ledger| {
            ledger.record_exchange(&payer, &member(helper), minutes, day, None)
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    (account, person, other)
}

/// An identified survey the person answered, in words that name them.
async fn identified_survey_answer(app: &TestApp, account: i64) {
    let organisation = organisation(app, "Blackwood Survey Club").await;
    let pool = app.state.db.pool();
    let (survey,): (i64,) = sqlx::query_as(
        "INSERT INTO surveys (public_key, organisation_id, title, identified, access, status, created_at, updated_at) \
         VALUES ('erase-survey', $1, 'How was the lunch club?', 1, 'signed_in', 'open', 0, 0) RETURNING id",
    )
    .bind(organisation)
    .fetch_one(pool)
    .await
    .unwrap();
    let (version,): (i64,) = sqlx::query_as(
        "INSERT INTO survey_versions (survey_id, number, definition, created_at) VALUES ($1, 1, '{}', 0) RETURNING id",
    )
    .bind(survey)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO survey_responses (version_id, audience, channel, answers, respondent_account_id, submitted_at) \
         VALUES ($1, 'citizens', 'online', $2, $3, 0)",
    )
    .bind(version)
    .bind(r#"{"rating": "4", "comments": "Catriona Blackwood here: the soup was grand"}"#)
    .bind(account)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO survey_participants (survey_id, account_id) VALUES ($1, $2)")
        .bind(survey)
        .bind(account)
        .execute(pool)
        .await
        .unwrap();
}

async fn erasure_removes_identifying_data_everywhere_and_keeps_the_books(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut admin = app.as_role(Role::Admin).await;
    let (account, person, _) = catriona(&app).await;
    let books = balances(&app).await;
    assert_eq!(books.len(), 3);
    let movements = app.count("timebank_movements").await;
    let confirm = admin.get(&format!("/admin/people/{account}/erase")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("catriona.erase@test.example"));
    assert!(confirm.body.contains("Offers of help"));
    // Without the confirmation nothing changes.
    let unconfirmed = admin
        .post(&format!("/admin/people/{account}/erase"), &[])
        .await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.body.contains("Tick the box"));
    assert!(!traces_of(&app, "Catriona Blackwood").await.is_empty());

    let erased = admin
        .post(
            &format!("/admin/people/{account}/erase"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(erased.status, StatusCode::SEE_OTHER, "{}", erased.body);
    for needle in [
        "catriona.erase@test.example",
        "Catriona Blackwood",
        "07700 900123",
        "Larch Brae",
    ] {
        assert_eq!(
            traces_of(&app, needle).await,
            Vec::<String>::new(),
            "{needle} remains"
        );
    }
    // The books, everyone's balances and the records others rely on stay.
    assert_eq!(balances(&app).await, books);
    assert_eq!(app.count("timebank_movements").await, movements);
    assert_eq!(app.count("offers").await, 1);
    // The survey answer still counts, but is nobody's now.
    assert_eq!(app.count("survey_responses").await, 1);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM survey_responses WHERE respondent_account_id IS NULL AND answers LIKE '%the soup was grand%'").await,
        1
    );
    assert_eq!(app.count("survey_participants").await, 0);
    let (pseudonym,): (String,) =
        sqlx::query_as("SELECT display_name FROM coordination_people WHERE id = $1")
            .bind(person)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert!(pseudonym.starts_with("erased-person-"), "{pseudonym}");
    // The failed sign-in's audit row now names the pseudonym.
    assert_eq!(
        scalar(
            &app,
            &format!("SELECT COUNT(*) FROM audit_events WHERE detail LIKE '%{pseudonym}%'")
        )
        .await,
        2
    );
    // The person cannot sign in; the audit log still refuses other changes.
    let reply = app
        .client()
        .sign_in("catriona.erase@test.example", crate::support::PASSWORD)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        sqlx::query("UPDATE audit_events SET detail = 'rewritten'")
            .execute(app.state.db.pool())
            .await
            .is_err()
    );
    assert!(
        sqlx::query("UPDATE audit_events SET action = 'signed_in' WHERE action = 'person_erased'")
            .execute(app.state.db.pool())
            .await
            .is_err()
    );
    assert!(
        sqlx::query("UPDATE audit_events SET actor_token_id = 1")
            .execute(app.state.db.pool())
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM audit_events")
            .execute(app.state.db.pool())
            .await
            .is_err()
    );
    // Nobody erases themselves from the page.
    let (own,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE email = 'admin@test.example'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    let refused = admin
        .post(&format!("/admin/people/{own}/erase"), &[("confirm", "yes")])
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
}

async fn a_person_without_an_account_is_erased_from_their_record(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut admin = app.as_role(Role::Admin).await;
    let person =
        coordination::person(&app.state.db, "Seonaid Without-Email", None, Channel::Paper).await;
    let confirm = admin
        .get(&format!("/admin/coordination-people/{person}/erase"))
        .await;
    assert!(confirm.body.contains("Seonaid Without-Email"));
    let erased = admin
        .post(
            &format!("/admin/coordination-people/{person}/erase"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(erased.location(), format!("/coordination/people/{person}"));
    assert_eq!(
        traces_of(&app, "Seonaid Without-Email").await,
        Vec::<String>::new()
    );
    // A coordinator may read and export, but not erase.
    let mut coordinator = app.as_role(Role::Coordinator).await;
    assert_eq!(
        coordinator
            .get(&format!("/admin/coordination-people/{person}/erase"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[expect(
    clippy::too_many_lines,
    reason = "every kind of record set up, swept and checked in one pass"
)]
async fn retention_periods_are_applied_as_of_a_given_time(backend: Backend) {
    let app = TestApp::new(backend).await;
    let settings = app.state.settings.clone();
    let now = 2_000_000_000_i64;
    let day = 24 * 60 * 60;
    let db = app.state.db.pool();
    for at in [now - 3600, now - 60] {
        sqlx::query(
            "INSERT INTO login_attempts (email, ip, attempted_at, succeeded) VALUES ('typed@example.org', '192.0.2.9', $1, 0)",
        )
        .bind(at)
        .execute(db)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO audit_events (occurred_at, action, ip, detail) VALUES ($1, 'sign_in_failed', '192.0.2.9', 'typed@example.org')",
        )
        .bind(at)
        .execute(db)
        .await
        .unwrap();
    }
    sqlx::query(
        "INSERT INTO audit_events (occurred_at, action, ip, detail) VALUES ($1, 'person_read', '192.0.2.8', 'old read')",
    )
    .bind(now - 7 * 365 * day)
    .execute(db)
    .await
    .unwrap();
    let person = coordination::person(&app.state.db, "Old Request", None, Channel::Phone).await;
    let old = coordination::request(&app.state.db, person, &coordination::weekly_shopping()).await;
    let open = coordination::request(&app.state.db, person, &coordination::weekly_shopping()).await;
    sqlx::query("UPDATE help_requests SET status = 'withdrawn', created_at = $1 WHERE id = $2")
        .bind(now - 800 * day)
        .bind(old)
        .execute(db)
        .await
        .unwrap();
    let org = organisation(&app, "Retention Cafe").await;
    let (star,): (i64,) = sqlx::query_as(
        "INSERT INTO star_person_stars (organisation_id, person_name, consent_purpose, consent_recorded_at, created_at) \
         VALUES ($1, 'Withdrawn Star', 'Planning', 0, 0) RETURNING id",
    )
    .bind(org)
    .fetch_one(db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO consents (record_kind, record_id, purpose, lawful_basis, given_at, given_channel, withdrawn_at, withdrawn_channel) \
         VALUES ('personal_star', $1, 'Planning', 'consent', 0, 'in_person', $2, 'phone')",
    )
    .bind(star)
    .bind(now - 31 * day)
    .execute(db)
    .await
    .unwrap();

    let retained = coprod_server::privacy::retention::apply(&app.state.db, &settings, now)
        .await
        .unwrap();
    assert_eq!(retained.sign_in_attempts, 1);
    assert_eq!(retained.failed_sign_in_details, 1);
    assert_eq!(retained.help_records, 1);
    assert_eq!(retained.withdrawn_stars, 1);
    assert_eq!(retained.audit_events, 1, "only the seven-year-old read");
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE detail = 'typed@example.org'"
        )
        .await,
        1,
        "inside the throttling window the typed email stays"
    );
    assert_eq!(app.count("login_attempts").await, 1);
    assert_eq!(app.count("star_person_stars").await, 0);
    let (kept,): (String,) = sqlx::query_as("SELECT description FROM help_requests WHERE id = $1")
        .bind(open)
        .fetch_one(db)
        .await
        .unwrap();
    assert!(!kept.is_empty());
    // A second pass finds nothing more to do.
    let again = coprod_server::privacy::retention::apply(&app.state.db, &settings, now)
        .await
        .unwrap();
    assert_eq!(
        again,
        coprod_server::privacy::retention::Retained::default()
    );
    // New failed sign-ins never store the typed email in the audit log.
    app.person("real@test.example", Role::Citizen).await;
    app.client()
        .sign_in("real@test.example", "wrong password here")
        .await;
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE detail LIKE '%real@test.example%'"
        )
        .await,
        0
    );
}

async fn the_privacy_notice_states_the_retention_periods(backend: Backend) {
    let app = TestApp::with_settings(backend, |settings| {
        settings.retention.help_records_days = 321;
    })
    .await;
    let page = app.client().get("/privacy").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("321 days"), "{}", page.body);
    assert!(page.body.contains("15 minutes"));
    assert!(page.body.contains("/account/privacy"));
}

on_both_backends!(
    retention_periods_are_applied_as_of_a_given_time,
    the_privacy_notice_states_the_retention_periods,
    erasure_removes_identifying_data_everywhere_and_keeps_the_books,
    withdrawing_a_survey_consent_detaches_the_persons_answers,
    a_person_without_an_account_is_erased_from_their_record,
    withdrawing_a_personal_star_consent_hides_it_and_stops_ratings,
    staff_record_a_consent_given_by_phone_and_the_person_withdraws_it,
    a_coordination_consent_withdrawn_by_phone_withdraws_open_offers,
    subject_access_exports_everything_keyed_by_kind_and_is_audited,
);
