//! Building a survey: managers create one, add sections, questions of each
//! kind, ready-made sections and validated measures, and open it; a change
//! that would break the design is refused beside the field at fault; and
//! once a version has responses it is frozen and changes make a new one.

#![allow(clippy::too_many_lines, reason = "a journey reads best as one story")]

use crate::support::{Client, PASSWORD, TestApp};
use axum::http::StatusCode;
use coprod_server::{
    accounts::store as accounts,
    coprod_engine::{
        people::{LineOfText, Role, Sector},
        surveys::{Answer, AnswerSet, Audience, Channel, Code, QuestionKind, question::Reading},
    },
    db::Backend,
    organisations::store as organisations,
    surveys::store::{self, NewResponse, Respondent, StoredFacts},
};

struct World {
    app: TestApp,
    organisation: i64,
    manager: Client,
}

async fn world(backend: Backend) -> World {
    let app = TestApp::new(backend).await;
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

/// Creates a survey for both audiences and returns its id.
async fn create_survey(world: &mut World) -> i64 {
    let organisation = world.organisation.to_string();
    let created = world
        .manager
        .post(
            "/surveys/new",
            &[
                ("title", "What would help you most?"),
                ("organisation_id", &organisation),
                (
                    "introduction",
                    "We want to hear from people with sight loss and from our staff.",
                ),
                ("audience_citizens", "yes"),
                ("audience_staff", "yes"),
                ("access", "public"),
                ("identified", "no"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    created
        .location()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn draft(world: &World, id: i64) -> store::Draft {
    store::find(&world.app.state.db, id)
        .await
        .unwrap()
        .unwrap()
        .version
        .draft
}

fn code(raw: &str) -> Code {
    Code::parse(raw).unwrap()
}

async fn a_manager_builds_and_opens_a_two_audience_survey(backend: Backend) {
    let mut world = world(backend).await;
    let id = create_survey(&mut world).await;
    let page = world.manager.get(&format!("/surveys/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("There are no questions yet"),
        "{}",
        page.body
    );

    // Opening an empty survey is refused.
    let refused = world
        .manager
        .post(&format!("/surveys/{id}/open"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);

    let added = world
        .manager
        .post(
            &format!("/surveys/{id}/sections"),
            &[("title", "What would help"), ("easy_title", "Help")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);

    // The type is chosen first, then the question written.
    let chooser = world
        .manager
        .get(&format!("/surveys/{id}/sections/1/questions/new"))
        .await;
    assert!(chooser.body.contains("name=\"kind\""));
    let form = world
        .manager
        .get(&format!(
            "/surveys/{id}/sections/1/questions/new?kind=single_choice"
        ))
        .await;
    assert!(
        form.body.contains("Wording for staff"),
        "both audiences get their own wording"
    );

    let question = world
        .manager
        .post(
            &format!("/surveys/{id}/sections/1/questions/new"),
            &[
                ("kind", "single_choice"),
                ("id", "most_needed"),
                ("text", "What do you need most?"),
                ("easy_text", "What help do you want?"),
                ("text_staff", "What do you think they need most?"),
                ("options", "Making friends | Friends\nInformation about services\nTalking about personal things"),
                ("required", "yes"),
            ],
        )
        .await;
    assert_eq!(question.status, StatusCode::SEE_OTHER, "{}", question.body);
    let follow_up = world
        .manager
        .post(
            &format!("/surveys/{id}/sections/1/questions/new"),
            &[
                ("kind", "free_text"),
                ("text", "What kind of group would you like?"),
                ("show_if", "most_needed=making_friends"),
                ("max_chars", "500"),
            ],
        )
        .await;
    assert_eq!(
        follow_up.status,
        StatusCode::SEE_OTHER,
        "{}",
        follow_up.body
    );
    let ready = world
        .manager
        .post(
            &format!("/surveys/{id}/ready-made"),
            &[("template", "coproduction")],
        )
        .await;
    assert_eq!(ready.status, StatusCode::SEE_OTHER, "{}", ready.body);

    let draft = draft(&world, id).await;
    assert_eq!(
        draft.audiences,
        [Audience::Citizens, Audience::Staff].into()
    );
    let first = &draft.sections[0].questions[0];
    assert_eq!(first.id, code("most_needed"));
    assert!(first.required);
    assert_eq!(
        first.prompt.text(Audience::Staff, Reading::Standard),
        "What do you think they need most?"
    );
    assert_eq!(
        first.prompt.text(Audience::Citizens, Reading::EasyRead),
        "What help do you want?"
    );
    let QuestionKind::SingleChoice { options } = &first.kind else {
        panic!("a single choice, got {:?}", first.kind);
    };
    let codes: Vec<&str> = options.iter().map(|o| o.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "making_friends",
            "information_about_services",
            "talking_about_personal_things"
        ]
    );
    assert_eq!(options[0].label.text(Reading::EasyRead), "Friends");
    let second = &draft.sections[0].questions[1];
    assert_eq!(second.id, code("q1"), "an empty short name becomes q1");
    assert_eq!(
        second.show_if.as_ref().unwrap().equals,
        code("making_friends")
    );
    assert_eq!(draft.sections[1].questions.len(), 3, "the three domains");

    let opened = world
        .manager
        .post(&format!("/surveys/{id}/open"), &[])
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    let page = world.manager.get(&format!("/surveys/{id}")).await;
    assert!(page.body.contains("/s/"), "share links are shown");
    assert!(page.body.contains("/citizens"));
    assert!(page.body.contains("/staff"));
}

async fn changes_that_break_the_design_are_refused_at_the_field(backend: Backend) {
    let mut world = world(backend).await;
    let id = create_survey(&mut world).await;
    world
        .manager
        .post(
            &format!("/surveys/{id}/sections"),
            &[("title", "About you")],
        )
        .await;
    let add = |kind: &'static str, fields: Vec<(&'static str, &'static str)>| {
        let mut all = vec![("kind", kind)];
        all.extend(fields);
        all
    };
    let path = format!("/surveys/{id}/sections/1/questions/new");
    world
        .manager
        .post(
            &path,
            &add(
                "single_choice",
                vec![
                    ("id", "carer"),
                    ("text", "Are you a carer?"),
                    ("options", "Yes\nNo"),
                ],
            ),
        )
        .await;
    world
        .manager
        .post(
            &path,
            &add(
                "number",
                vec![
                    ("id", "hours"),
                    ("text", "Hours of caring a week?"),
                    ("show_if", "carer=yes"),
                    ("min", "0"),
                ],
            ),
        )
        .await;

    // Taking away the option the next question depends on is refused, and
    // says so beside the options.
    let refused = world
        .manager
        .post(
            &format!("/surveys/{id}/questions/carer/edit"),
            &[("text", "Are you a carer?"), ("options", "Sometimes\nNo")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Question hours"), "{}", refused.body);
    assert!(
        refused.body.contains("href=\"#options\""),
        "{}",
        refused.body
    );

    // So is a clash of short names, and a number range upside down.
    let clash = world
        .manager
        .post(
            &path,
            &add("free_text", vec![("id", "carer"), ("text", "Again?")]),
        )
        .await;
    assert_eq!(clash.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(clash.body.contains("href=\"#id\""));
    let bounds = world
        .manager
        .post(
            &path,
            &add(
                "number",
                vec![("text", "Age?"), ("min", "90"), ("max", "18")],
            ),
        )
        .await;
    assert_eq!(bounds.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bounds.body.contains("href=\"#min\""));

    // Removing the question another depends on is refused too.
    let removal = world
        .manager
        .post(&format!("/surveys/{id}/questions/carer/remove"), &[])
        .await;
    assert_eq!(removal.status, StatusCode::CONFLICT);
    assert_eq!(draft(&world, id).await.sections[0].questions.len(), 2);

    // A validated measure needs all its items.
    let short = world
        .manager
        .post(
            &format!("/surveys/{id}/measures/new"),
            &[
                ("instrument", "ucla3"),
                ("title", "Feeling connected"),
                ("instructions", "How often do you feel this way?"),
                ("items", "One\nTwo"),
                ("labels", "Hardly ever\nSome of the time\nOften"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        short.body.contains("This measure has 3 items"),
        "{}",
        short.body
    );
    let measure = world
        .manager
        .post(
            &format!("/surveys/{id}/measures/new"),
            &[
                ("instrument", "ucla3"),
                ("title", "Feeling connected"),
                ("instructions", "How often do you feel this way?"),
                ("items", "One\nTwo\nThree"),
                ("labels", "Hardly ever\nSome of the time\nOften"),
            ],
        )
        .await;
    assert_eq!(measure.status, StatusCode::SEE_OTHER, "{}", measure.body);
    let draft = draft(&world, id).await;
    assert_eq!(draft.sections[1].questions[0].id, code("ucla3"));
}

async fn a_frozen_survey_refuses_edits_and_changes_make_a_new_version(backend: Backend) {
    let mut world = world(backend).await;
    let id = create_survey(&mut world).await;
    world
        .manager
        .post(
            &format!("/surveys/{id}/ready-made"),
            &[("template", "willingness")],
        )
        .await;
    world
        .manager
        .post(&format!("/surveys/{id}/open"), &[])
        .await;

    // One response freezes version 1.
    let survey = store::find(&world.app.state.db, id).await.unwrap().unwrap();
    let checked = survey.version.draft.checked().unwrap();
    let answers = AnswerSet::from([(
        code("willing_to_do_more"),
        Answer::Choice(code("few_hours_month")),
    )]);
    store::insert_response(
        &world.app.state.db,
        &NewResponse {
            survey: &survey,
            checked: &checked,
            audience: Audience::Citizens,
            channel: Channel::Online,
            answers: &answers,
            facts: &StoredFacts::default(),
            respondent: Respondent::default(),
        },
    )
    .await
    .unwrap();

    // The store refuses to change it, whatever asks.
    let mut changed = survey.version.draft.clone();
    changed.sections.clear();
    let refused = store::save_draft(&world.app.state.db, &survey.version, &changed).await;
    assert!(
        matches!(refused, Err(store::EditError::Frozen)),
        "{refused:?}"
    );

    // And so do the pages, for every kind of change.
    for (path, fields) in [
        (
            format!("/surveys/{id}/questions/willing_to_do_more/edit"),
            vec![("text", "Changed?")],
        ),
        (
            format!("/surveys/{id}/questions/willing_to_do_more/remove"),
            vec![],
        ),
        (format!("/surveys/{id}/sections"), vec![("title", "More")]),
        (
            format!("/surveys/{id}/ready-made"),
            vec![("template", "needs")],
        ),
    ] {
        let reply = world.manager.post(&path, &fields).await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{path}: {}", reply.body);
        assert!(reply.body.contains("cannot change"), "{path}");
    }
    let page = world.manager.get(&format!("/surveys/{id}")).await;
    assert!(page.body.contains("Start version 2"));
    assert!(!page.body.contains("/questions/willing_to_do_more/edit"));
    assert_eq!(draft(&world, id).await, survey.version.draft);

    // A new version starts as a copy and can change; version 1 keeps its
    // questions and its response.
    let started = world
        .manager
        .post(&format!("/surveys/{id}/versions"), &[])
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let edited = world
        .manager
        .post(
            &format!("/surveys/{id}/questions/willing_to_do_more/edit"),
            &[
                ("text", "Would you help more?"),
                (
                    "options",
                    "No\nYes, a few hours a month\nYes, a few hours a week",
                ),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let latest = store::find(&world.app.state.db, id).await.unwrap().unwrap();
    assert_eq!(latest.version.number, 2);
    assert_eq!(latest.version.response_count, 0);
    let first = store::version(&world.app.state.db, id, 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.draft, survey.version.draft);
    assert_eq!(first.response_count, 1);
    assert_eq!(
        latest.version.draft.sections[0].questions[0]
            .prompt
            .everyone
            .standard,
        "Would you help more?"
    );
}

async fn only_managers_of_the_organisation_run_its_surveys(backend: Backend) {
    let mut world = world(backend).await;
    let id = create_survey(&mut world).await;
    let other = organisations::create(
        &world.app.state.db,
        &LineOfText::parse("Glens Walking Group").unwrap(),
        Sector::Third,
        None,
    )
    .await
    .unwrap();
    let outsider_id = world.app.person("hamish@example.org", Role::Citizen).await;
    accounts::grant(&world.app.state.db, outsider_id, Some(other), Role::Manager)
        .await
        .unwrap();
    let mut outsider = world.app.client();
    outsider.sign_in("hamish@example.org", PASSWORD).await;
    assert_eq!(
        outsider.get(&format!("/surveys/{id}")).await.status,
        StatusCode::FORBIDDEN
    );
    let list = outsider.get("/surveys").await;
    assert!(!list.body.contains("What would help you most?"));
    let mut admin = world.app.as_role(Role::Admin).await;
    assert_eq!(
        admin.get(&format!("/surveys/{id}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        admin.get("/surveys/999999").await.status,
        StatusCode::NOT_FOUND
    );
}

on_both_backends!(
    a_manager_builds_and_opens_a_two_audience_survey,
    changes_that_break_the_design_are_refused_at_the_field,
    a_frozen_survey_refuses_edits_and_changes_make_a_new_version,
    only_managers_of_the_organisation_run_its_surveys,
);
