//! Answering surveys: through the public link page by page and in easy
//! read, as a signed-in person once, through a one-time invitation, and on
//! paper typed in by staff; with the engine's checks beside each question,
//! the optional facts turned into a data zone and SIMD quintile, and
//! nothing stored until the last page.

#![allow(clippy::too_many_lines, reason = "a journey reads best as one story")]

use crate::support::{Client, PASSWORD, TestApp};
use axum::http::StatusCode;
use coprod_server::{
    accounts::store as accounts,
    coprod_engine::{
        people::{LineOfText, Role, Sector},
        surveys::{Answer, Audience, Channel, Code},
    },
    db::Backend,
    demo,
    organisations::store as organisations,
    places::{import as postcode_import, simd, store as postcodes},
    surveys::store,
};

struct World {
    app: TestApp,
    organisation: i64,
    manager: Client,
}

async fn world(backend: Backend) -> World {
    let app = TestApp::new(backend).await;
    let directory = postcode_import::parse(demo::postcode_directory().as_bytes()).unwrap();
    postcodes::import(&app.state.db, &directory.records)
        .await
        .unwrap();
    // AV1 1AB is in data zone S01099001.
    let deprivation =
        simd::parse("data_zone,rank,decile\nS01099001,250,1\nS01099002,6000,9\n".as_bytes())
            .unwrap();
    simd::import(&app.state.db, &deprivation).await.unwrap();
    let organisation = organisations::create(
        &app.state.db,
        &LineOfText::parse("Ardnaveen Sight Loss Group").unwrap(),
        Sector::Third,
        None,
    )
    .await
    .unwrap();
    let id = app.person("morven@example.org", Role::Citizen).await;
    accounts::grant(&app.state.db, id, Some(organisation), Role::Manager)
        .await
        .unwrap();
    let mut manager = app.client();
    manager.sign_in("morven@example.org", PASSWORD).await;
    World {
        app,
        organisation,
        manager,
    }
}

/// A two-section survey for both audiences: a required choice with its
/// follow-up on the next page only for one answer, and the willingness
/// question. Returns its id and public key.
async fn open_survey(world: &mut World, access: &str, identified: &str) -> (i64, String) {
    let organisation = world.organisation.to_string();
    let created = world
        .manager
        .post(
            "/surveys/new",
            &[
                ("title", "What would help you most?"),
                ("organisation_id", &organisation),
                ("audience_citizens", "yes"),
                ("audience_staff", "yes"),
                ("access", access),
                ("identified", identified),
            ],
        )
        .await;
    let id: i64 = created
        .location()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let m = &mut world.manager;
    m.post(
        &format!("/surveys/{id}/sections"),
        &[("title", "Getting out")],
    )
    .await;
    m.post(
        &format!("/surveys/{id}/sections"),
        &[("title", "Transport")],
    )
    .await;
    let first = format!("/surveys/{id}/sections/1/questions/new");
    let reply = m
        .post(
            &first,
            &[
                ("kind", "single_choice"),
                ("id", "out_weekly"),
                ("text", "Do you get out of the house every week?"),
                ("easy_text", "Do you go out each week?"),
                (
                    "text_staff",
                    "Do the people you support get out every week?",
                ),
                ("options", "Yes\nNo"),
                ("required", "yes"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let reply = m
        .post(
            &format!("/surveys/{id}/sections/2/questions/new"),
            &[
                ("kind", "free_text"),
                ("id", "barrier"),
                ("text", "What stops you?"),
                ("show_if", "out_weekly=no"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    m.post(
        &format!("/surveys/{id}/ready-made"),
        &[("template", "willingness")],
    )
    .await;
    let opened = m.post(&format!("/surveys/{id}/open"), &[]).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    let survey = store::find(&world.app.state.db, id).await.unwrap().unwrap();
    (id, survey.public_key)
}

async fn responses(
    world: &World,
    id: i64,
) -> Vec<(
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    String,
)> {
    sqlx::query_as(
        "SELECT r.audience, r.channel, r.data_zone, r.simd_quintile, r.entered_by, r.respondent_account_id, r.answers \
         FROM survey_responses r JOIN survey_versions v ON v.id = r.version_id WHERE v.survey_id = $1 ORDER BY r.id",
    )
    .bind(id)
    .fetch_all(world.app.state.db.pool())
    .await
    .unwrap()
}

fn code(raw: &str) -> Code {
    Code::parse(raw).unwrap()
}

async fn a_citizen_answers_page_by_page_and_nothing_is_kept_until_the_end(backend: Backend) {
    let mut world = world(backend).await;
    let (id, key) = open_survey(&mut world, "public", "no").await;
    let mut citizen = world.app.client();
    let start = citizen.get(&format!("/s/{key}/citizens")).await;
    assert_eq!(start.status, StatusCode::OK);
    assert!(start.body.contains("Your answers are anonymous"));
    assert!(start.body.contains("easy-read"));

    let base = format!("/s/{key}/citizens/online");
    let first = citizen.get(&base).await;
    assert!(
        first
            .body
            .contains("Do you get out of the house every week?")
    );
    assert!(
        !first.body.contains("people you support"),
        "citizens get their own wording"
    );

    // The required question left out: refused beside it.
    let missing = citizen.post(&base, &[("page", "0"), ("go", "next")]).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing.body.contains("href=\"#q-out_weekly\""),
        "{}",
        missing.body
    );
    assert!(missing.body.contains("Answer this question"));

    // Answering "no" leads to the follow-up, carrying the answer along.
    let second = citizen
        .post(
            &base,
            &[("page", "0"), ("go", "next"), ("q-out_weekly", "no")],
        )
        .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    assert!(second.body.contains("What stops you?"));
    assert!(second.body.contains("name=\"q-out_weekly\" value=\"no\""));
    assert_eq!(world.app.count("survey_responses").await, 0);

    // Then the willingness page, then the facts; a wrong postcode is
    // refused there.
    let third = citizen
        .post(
            &base,
            &[
                ("page", "1"),
                ("go", "next"),
                ("q-out_weekly", "no"),
                ("q-barrier", "The bus stopped running"),
            ],
        )
        .await;
    assert!(
        third.body.contains("Would you be willing to give more"),
        "{}",
        third.body
    );
    let facts = citizen
        .post(
            &base,
            &[
                ("page", "2"),
                ("go", "next"),
                ("q-out_weekly", "no"),
                ("q-barrier", "The bus stopped running"),
                ("q-willing_to_do_more", "few_hours_week"),
            ],
        )
        .await;
    assert!(facts.body.contains("Your postcode"), "{}", facts.body);
    let all = |postcode: &'static str| {
        vec![
            ("page", "3"),
            ("go", "next"),
            ("q-out_weekly", "no"),
            ("q-barrier", "The bus stopped running"),
            ("q-willing_to_do_more", "few_hours_week"),
            ("fact-postcode", postcode),
            ("fact-age_band", "75_84"),
        ]
    };
    let unknown = citizen.post(&base, &all("AV9 9ZZ")).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("href=\"#fact-postcode\""));
    assert_eq!(world.app.count("survey_responses").await, 0);

    let sent = citizen.post(&base, &all("av1 1ab")).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location(), format!("/s/{key}/citizens/thanks"));
    assert!(
        citizen
            .get(sent.location())
            .await
            .body
            .contains("Thank you")
    );

    let stored = responses(&world, id).await;
    assert_eq!(stored.len(), 1);
    let (audience, channel, zone, quintile, entered_by, account, _) = &stored[0];
    assert_eq!(
        (audience.as_str(), channel.as_str()),
        ("citizens", "online")
    );
    assert_eq!(zone.as_deref(), Some("S01099001"));
    assert_eq!(*quintile, Some(1), "decile 1 is quintile 1");
    assert_eq!((*entered_by, *account), (None, None));
    let postcode_kept: Vec<(String,)> =
        sqlx::query_as("SELECT answers FROM survey_responses WHERE answers LIKE '%AV1%'")
            .fetch_all(world.app.state.db.pool())
            .await
            .unwrap();
    assert!(
        postcode_kept.is_empty(),
        "the postcode itself is never kept"
    );

    // The engine reads the answers back with the questions.
    let survey = store::find(&world.app.state.db, id).await.unwrap().unwrap();
    let checked = survey.version.draft.checked().unwrap();
    let read = store::responses(&world.app.state.db, survey.version.id, &checked)
        .await
        .unwrap();
    assert_eq!(
        read[0].answers[&code("barrier")],
        Answer::Text("The bus stopped running".into())
    );
    assert_eq!(read[0].channel, Channel::Online);
    assert_eq!(read[0].audience, Audience::Citizens);

    // Answering "yes" skips the follow-up; an answer to it sent anyway is
    // dropped, not stored.
    let skipped = citizen
        .post(
            &base,
            &[
                ("page", "0"),
                ("go", "next"),
                ("q-out_weekly", "yes"),
                ("q-barrier", "left over"),
            ],
        )
        .await;
    assert!(skipped.body.contains("Would you be willing"));
    assert!(!skipped.body.contains("left over"));
}

async fn easy_read_puts_one_question_on_each_page_in_plain_words(backend: Backend) {
    let mut world = world(backend).await;
    let (id, key) = open_survey(&mut world, "public", "no").await;
    let mut citizen = world.app.client();
    let base = format!("/s/{key}/citizens/easy-read");
    let first = citizen.get(&base).await;
    assert!(first.body.contains("coprod-easy-read"));
    assert!(first.body.contains("Do you go out each week?"));
    assert!(first.body.contains("Page 1 of 4"), "{}", first.body);
    assert!(!first.body.contains("Would you be willing"));
    let next = citizen
        .post(
            &base,
            &[("page", "0"), ("go", "next"), ("q-out_weekly", "yes")],
        )
        .await;
    assert!(
        next.body
            .contains("Would you like to help more in your area?"),
        "{}",
        next.body
    );
    // Back keeps the answer.
    let back = citizen
        .post(
            &base,
            &[("page", "2"), ("go", "back"), ("q-out_weekly", "yes")],
        )
        .await;
    assert!(back.body.contains("value=\"yes\" checked"), "{}", back.body);
    let facts = citizen
        .post(
            &base,
            &[
                ("page", "2"),
                ("go", "next"),
                ("q-out_weekly", "yes"),
                ("q-willing_to_do_more", "no"),
            ],
        )
        .await;
    assert!(facts.body.contains("Your postcode"));
    let sent = citizen
        .post(
            &base,
            &[
                ("page", "3"),
                ("go", "next"),
                ("q-out_weekly", "yes"),
                ("q-willing_to_do_more", "no"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let stored = responses(&world, id).await;
    assert_eq!(stored[0].1, "easy_read");
    assert_eq!(stored[0].2, None, "no postcode, no area");

    // Staff are asked in their words, and not where they live.
    let staff = world
        .app
        .client()
        .get(&format!("/s/{key}/staff/online"))
        .await;
    assert!(
        staff
            .body
            .contains("Do the people you support get out every week?")
    );
}

async fn staff_type_in_paper_responses_recorded_as_paper(backend: Backend) {
    let mut world = world(backend).await;
    let (id, _) = open_survey(&mut world, "invitation", "no").await;
    let coordinator_id = world
        .app
        .person("catriona@example.org", Role::Citizen)
        .await;
    accounts::grant(
        &world.app.state.db,
        coordinator_id,
        Some(world.organisation),
        Role::Coordinator,
    )
    .await
    .unwrap();
    let mut coordinator = world.app.client();
    coordinator.sign_in("catriona@example.org", PASSWORD).await;
    let choose = coordinator.get(&format!("/surveys/{id}/paper")).await;
    assert!(
        choose
            .body
            .contains(&format!("/surveys/{id}/paper/citizens"))
    );
    let path = format!("/surveys/{id}/paper/citizens");
    let form = coordinator.get(&path).await;
    assert!(
        form.body.contains("What stops you?"),
        "every question on one page"
    );
    assert!(form.body.contains("Your postcode"));

    let refused = coordinator
        .post(
            &path,
            &[
                ("q-willing_to_do_more", "maybe"),
                ("fact-postcode", "AV2 1AB"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#q-out_weekly\""));
    assert!(refused.body.contains("href=\"#q-willing_to_do_more\""));
    assert_eq!(world.app.count("survey_responses").await, 0);

    let saved = coordinator
        .post(
            &path,
            &[
                ("q-out_weekly", "no"),
                ("q-barrier", "No lifts since my daughter moved"),
                ("q-willing_to_do_more", "few_hours_month"),
                ("fact-postcode", "AV1 2AB"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(
        coordinator
            .get(saved.location())
            .await
            .body
            .contains("The response was saved")
    );
    let stored = responses(&world, id).await;
    assert_eq!(stored[0].1, "paper");
    assert_eq!(stored[0].4, Some(coordinator_id));
    let (entered,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE action = 'survey_paper_entered'")
            .fetch_one(world.app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(entered, 1);

    // A volunteer may not; a coordinator elsewhere may not either.
    let mut volunteer = world.app.as_role(Role::Volunteer).await;
    assert_eq!(volunteer.get(&path).await.status, StatusCode::FORBIDDEN);
}

async fn signed_in_surveys_take_one_answer_each(backend: Backend) {
    let mut world = world(backend).await;
    let (id, key) = open_survey(&mut world, "signed_in", "yes").await;
    let base = format!("/s/{key}/citizens/online");
    let anonymous = world.app.client().get(&base).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location().starts_with("/sign-in?return_to="));
    let account = world.app.person("iona@example.org", Role::Citizen).await;
    let mut iona = world.app.client();
    iona.sign_in("iona@example.org", PASSWORD).await;
    let start = iona.get(&format!("/s/{key}/citizens")).await;
    assert!(start.body.contains("This survey is not anonymous"));
    let answers = [("page", "3"), ("go", "next"), ("q-out_weekly", "yes")];
    let sent = iona.post(&base, &answers).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(
        responses(&world, id).await[0].5,
        Some(account),
        "identified: the account is kept"
    );
    let again = iona.get(&base).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("already answered"));
    let twice = iona.post(&base, &answers).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert_eq!(responses(&world, id).await.len(), 1);
}

async fn invitations_are_one_time_links_kept_only_as_hashes(backend: Backend) {
    let mut world = world(backend).await;
    let (id, key) = open_survey(&mut world, "invitation", "no").await;
    let sent = world
        .manager
        .post(
            &format!("/surveys/{id}/invitations"),
            &[
                ("audience", "staff"),
                ("emails", "nurse@example.org\nnot an address"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(sent.body.contains("not an address"));
    let sent = world
        .manager
        .post(
            &format!("/surveys/{id}/invitations"),
            &[
                ("audience", "staff"),
                ("emails", "nurse@example.org, carer@example.org"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert!(sent.body.contains("2 invitations sent"));

    let outbox = world.app.state.settings.data_dir.join("outbox");
    let mut links = Vec::new();
    for entry in std::fs::read_dir(&outbox).unwrap() {
        // Quoted-printable: soft line breaks and escaped equals signs.
        let mail = std::fs::read_to_string(entry.unwrap().path())
            .unwrap()
            .replace("=\r\n", "")
            .replace("=\n", "")
            .replace("=3D", "=");
        let at = mail.find("/invitations/").unwrap();
        let token: String = mail[at + "/invitations/".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        links.push(format!("/invitations/{token}"));
    }
    assert_eq!(links.len(), 2);
    let kept: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT token_hash, email FROM survey_invitations")
            .fetch_all(world.app.state.db.pool())
            .await
            .unwrap();
    for (hash, email) in &kept {
        assert_eq!(hash.len(), 64);
        assert!(links.iter().all(|l| !l.contains(hash.as_str())));
        assert_eq!(*email, None, "an anonymous survey keeps no addresses");
    }

    // The public link does not work for an invitation-only survey.
    let public = world
        .app
        .client()
        .get(&format!("/s/{key}/staff/online"))
        .await;
    assert_eq!(public.status, StatusCode::FORBIDDEN);

    let mut nurse = world.app.client();
    let start = nurse.get(&links[0]).await;
    assert!(start.body.contains("is for Staff"), "{}", start.body);
    let base = format!("{}/online", links[0]);
    let first = nurse.get(&base).await;
    assert!(
        first.body.contains("Do the people you support"),
        "an invitation is for its audience"
    );
    let answered = nurse
        .post(
            &base,
            &[("page", "2"), ("go", "next"), ("q-out_weekly", "yes")],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    assert_eq!(nurse.get(answered.location()).await.status, StatusCode::OK);
    let stored = responses(&world, id).await;
    assert_eq!(stored[0].0, "staff");
    let reused = nurse
        .post(
            &base,
            &[("page", "2"), ("go", "next"), ("q-out_weekly", "yes")],
        )
        .await;
    assert_eq!(reused.status, StatusCode::GONE);
    assert_eq!(responses(&world, id).await.len(), 1);
    let (used,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM survey_invitations WHERE used_at IS NOT NULL")
            .fetch_one(world.app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(used, 1);
}

async fn closed_and_draft_surveys_take_no_answers(backend: Backend) {
    let mut world = world(backend).await;
    let (id, key) = open_survey(&mut world, "public", "no").await;
    world
        .manager
        .post(&format!("/surveys/{id}/close"), &[])
        .await;
    let mut citizen = world.app.client();
    assert_eq!(
        citizen.get(&format!("/s/{key}/citizens")).await.status,
        StatusCode::GONE
    );
    let sent = citizen
        .post(
            &format!("/s/{key}/citizens/online"),
            &[("page", "3"), ("q-out_weekly", "yes")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::GONE);
    assert_eq!(
        citizen.get(&format!("/s/{key}/nobody")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        citizen.get("/s/no-such-key/citizens").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(world.app.count("survey_responses").await, 0);
}

on_both_backends!(
    a_citizen_answers_page_by_page_and_nothing_is_kept_until_the_end,
    easy_read_puts_one_question_on_each_page_in_plain_words,
    staff_type_in_paper_responses_recorded_as_paper,
    signed_in_surveys_take_one_answer_each,
    invitations_are_one_time_links_kept_only_as_hashes,
    closed_and_draft_surveys_take_no_answers,
);
