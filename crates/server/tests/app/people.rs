//! The person's record on both backends: a link worker starts a record with
//! the person's consent (in the register, audited), reads and changes it,
//! keeps the conversation and the agreed plan, and draws the circle of
//! support; bad input stores nothing; a withdrawn consent stops the plan
//! and the circle changing; subject access and erasure cover it all.

use axum::http::StatusCode;
use coprod_server::{
    coordination::{model::Channel, store::people::NewPerson},
    coprod_engine::{
        people::{LineOfText, Role, Sector},
        schedule::Date,
    },
    db::{Backend, Db},
    organisations::store as organisations,
    people::{
        model::{ActionBy, ContactBy, Details, GoalStatus, Layer, NewAction, NewTie},
        store,
    },
    privacy::{
        consent,
        erase::{self, Eraser},
        export::{self, Requester},
        subject::Found,
    },
    star::model::TalkingPoint,
};

use crate::support::{Client, TestApp};

async fn organisation(db: &Db, name: &str) -> i64 {
    organisations::create(db, &LineOfText::parse(name).unwrap(), Sector::Third, None)
        .await
        .unwrap()
}

async fn scalar(db: &Db, sql: &str, id: i64) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    n
}

fn id_from(location: &str) -> i64 {
    location
        .trim_start_matches("/people/")
        .split(['?', '/'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

const WHAT_MATTERS: &str = "I want to get back to the bowling club on a Thursday.";

/// A link worker of `org` starts Morag's record with her consent.
async fn start_record(client: &mut Client, org: i64) -> i64 {
    let org = org.to_string();
    let reply = client
        .post(
            "/people/new",
            &[
                ("display_name", "Morag MacLeod"),
                ("preferred_name", "Mo"),
                ("date_of_birth", "14/03/1948"),
                ("phone", "01632 960123"),
                ("email", ""),
                ("address", "4 Harbour Row\nArdnaveen"),
                ("postcode", "av1 2bd"),
                ("contact_by", "phone"),
                ("languages", "English, Gaelic"),
                ("communication_needs", "Large print, please"),
                ("speaks_for_them", "Her son Iain, power of attorney"),
                ("what_matters", WHAT_MATTERS),
                ("channel", "in_person"),
                ("organisation_id", &org),
                ("lawful_basis", "consent"),
                ("purpose", "Supporting Mo with her plan"),
                ("consent_given", "yes"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert!(reply.location().ends_with("?done=created"));
    id_from(reply.location())
}

#[expect(
    clippy::too_many_lines,
    reason = "one journey through the record, read top to bottom"
)]
async fn a_link_worker_starts_a_record_with_consent_and_every_step_is_audited(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let org = organisation(db, "Glens Befriending Network").await;
    let mut worker = app.as_role_in(Role::LinkWorker, org).await;
    let form = worker.get("/people/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Glens Befriending Network"));
    let id = start_record(&mut worker, org).await;

    let (kind, basis, purpose, channel): (String, String, String, String) = sqlx::query_as(
        "SELECT record_kind, lawful_basis, purpose, given_channel FROM consents WHERE coordination_person_id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(
        (
            kind.as_str(),
            basis.as_str(),
            purpose.as_str(),
            channel.as_str()
        ),
        (
            "support",
            "consent",
            "Supporting Mo with her plan",
            "in_person"
        )
    );
    assert_eq!(
        scalar(
            db,
            "SELECT organisation_id FROM coordination_people WHERE id = $1",
            id
        )
        .await,
        org
    );
    // Every co-delivery person has a time bank account; so does this one.
    assert_eq!(
        scalar(
            db,
            "SELECT COUNT(*) FROM timebank_members WHERE person_id = $1",
            id
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            db,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'person_record_created' AND subject_id = $1",
            id
        )
        .await,
        1
    );

    let record = worker.get(&format!("/people/{id}")).await;
    assert_eq!(record.status, StatusCode::OK);
    for fact in [
        "Morag MacLeod",
        "Mo",
        "14 March 1948",
        "AV1 2BD",
        "A phone call",
        "Her son Iain, power of attorney",
        WHAT_MATTERS,
        "Glens Befriending Network",
    ] {
        assert!(record.body.contains(fact), "{fact} missing");
    }
    // A link worker is no coordinator: no links to the desk.
    assert!(
        !record
            .body
            .contains(&format!("/coordination/people/{id}\""))
    );
    let reads = "SELECT COUNT(*) FROM audit_events WHERE action = 'person_read' \
                 AND subject_kind = 'coordination_person' AND subject_id = $1";
    assert_eq!(scalar(db, reads, id).await, 1);
    assert_eq!(
        worker.get(&format!("/people/{id}/plan")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        worker.get(&format!("/people/{id}/circle")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        worker.get(&format!("/people/{id}/edit")).await.status,
        StatusCode::OK
    );
    assert_eq!(scalar(db, reads, id).await, 4);

    let changed = worker
        .post(
            &format!("/people/{id}/edit"),
            &[
                ("display_name", "Morag MacLeod"),
                ("preferred_name", "Morag"),
                ("phone", "01632 960124"),
                (
                    "what_matters",
                    "Seeing my grandchildren.\n\nThe bowling club.",
                ),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    let record = worker.get(&format!("/people/{id}")).await;
    assert!(
        record
            .body
            .contains("<p>Seeing my grandchildren.</p><p>The bowling club.</p>")
    );
    assert!(record.body.contains("01632 960124"));
    assert_eq!(
        scalar(
            db,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'person_record_updated' AND subject_id = $1",
            id
        )
        .await,
        1
    );
    // The list finds her by either name.
    assert!(
        worker
            .get("/people?q=morag")
            .await
            .body
            .contains(&format!("/people/{id}"))
    );
    assert!(
        !worker
            .get("/people?q=nobody")
            .await
            .body
            .contains(&format!("/people/{id}"))
    );
    // The desk's page of the person leads to the record.
    let mut coordinator = app.as_role_in(Role::Coordinator, org).await;
    let desk = coordinator.get(&format!("/coordination/people/{id}")).await;
    assert!(desk.body.contains(&format!("href=\"/people/{id}\"")));
    // Link workers find the records in the menu.
    assert!(worker.get("/").await.body.contains("href=\"/people\""));
}

#[expect(
    clippy::too_many_lines,
    reason = "one journey through the record, read top to bottom"
)]
async fn bad_input_is_named_and_stores_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let org = organisation(db, "Glens Befriending Network").await;
    let other = organisation(db, "Harbourside Food Run").await;
    let mut worker = app.as_role_in(Role::LinkWorker, org).await;
    let before = app.count("coordination_people").await;
    let other = other.to_string();
    let reply = worker
        .post(
            "/people/new",
            &[
                ("display_name", ""),
                ("date_of_birth", "31/02/1950"),
                ("email", "not an email"),
                ("postcode", "nowhere"),
                ("contact_by", "pigeon"),
                ("channel", "in_person"),
                ("organisation_id", &other),
                ("lawful_basis", "consent"),
                ("purpose", "Support"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        "display_name",
        "date_of_birth",
        "email",
        "postcode",
        "contact_by",
        "organisation_id",
        "consent_given",
    ] {
        assert!(
            reply.body.contains(&format!("href=\"#{field}\"")),
            "{field} not named"
        );
    }
    assert_eq!(app.count("coordination_people").await, before);
    assert_eq!(app.count("consents").await, 0);

    let id = start_record(&mut worker, org).await;
    let tomorrow = "01/01/2999";
    let reply = worker
        .post(
            &format!("/people/{id}/edit"),
            &[
                ("display_name", "Changed Name"),
                ("date_of_birth", tomorrow),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("cannot be in the future"));
    assert_eq!(
        scalar(db, "SELECT COUNT(*) FROM coordination_people WHERE display_name = 'Changed Name' AND id = $1", id).await,
        0
    );
    let reply = worker
        .post(
            &format!("/people/{id}/circle"),
            &[
                ("name", ""),
                ("layer", "moon"),
                ("service_id", "no-such-service"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "layer"] {
        assert!(
            reply.body.contains(&format!("href=\"#{field}\"")),
            "{field} not named"
        );
    }
    let reply = worker
        .post(
            &format!("/people/{id}/circle"),
            &[
                ("name", "Iain"),
                ("layer", "household"),
                ("service_id", "no-such-service"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("href=\"#service_id\""));
    assert_eq!(app.count("circle_ties").await, 0);
    let reply = worker
        .post(
            &format!("/people/{id}/plan"),
            &[
                ("step", "action"),
                ("goal_id", "999999"),
                ("action", "Phone"),
                ("by_whom", "team"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("href=\"#goal_id\""));
    let reply = worker
        .post(
            &format!("/people/{id}/plan"),
            &[("step", "goal"), ("goal", "")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("href=\"#goal\""));
    assert_eq!(app.count("plan_goals").await, 0);
    assert_eq!(app.count("plan_actions").await, 0);
}

#[expect(
    clippy::too_many_lines,
    reason = "one journey through the record, read top to bottom"
)]
async fn the_plan_and_the_circle_on_their_pages(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let org = organisation(db, "Glens Befriending Network").await;
    let mut worker = app.as_role_in(Role::LinkWorker, org).await;
    let id = start_record(&mut worker, org).await;
    let circle = format!("/people/{id}/circle");
    let plan = format!("/people/{id}/plan");

    let added = worker
        .post(
            &circle,
            &[
                ("name", "Iain MacLeod"),
                ("layer", "household"),
                ("role", "Son"),
                ("what_they_do", "Shopping and lifts"),
                ("how_often", "Every Saturday"),
                ("contact", "07700 900111"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    worker
        .post(
            &circle,
            &[
                ("name", "Dr Fraser"),
                ("layer", "formal"),
                ("role", "GP"),
                ("in_plan", "yes"),
            ],
        )
        .await;
    let page = worker.get(&circle).await;
    assert!(page.body.contains("role=\"img\""));
    assert!(page.body.contains("<title id=\"rings-title\">"));
    for words in [
        "Household and family",
        "Friends, neighbours and groups",
        "Volunteers",
        "The team",
        "Formal services",
        "Iain MacLeod",
        "07700 900111",
        "Every Saturday",
        "1: Iain MacLeod, Household and family.",
        "2: Dr Fraser, Formal services, in the plan.",
    ] {
        assert!(page.body.contains(words), "{words} missing from the circle");
    }

    worker
        .post(
            &plan,
            &[
                ("step", "conversation"),
                ("outcome", "seeing_people"),
                ("note", "I miss my pals."),
            ],
        )
        .await;
    worker
        .post(
            &plan,
            &[
                ("step", "conversation"),
                ("outcome", "seeing_people"),
                ("note", "I miss the club."),
            ],
        )
        .await;
    let goal = worker
        .post(
            &plan,
            &[
                ("step", "goal"),
                ("goal", "Back to the bowling club"),
                ("goal_outcome", "seeing_people"),
            ],
        )
        .await;
    assert_eq!(goal.status, StatusCode::SEE_OTHER);
    let (goal_id,): (i64,) = sqlx::query_as("SELECT id FROM plan_goals WHERE person_id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    let (tie_id,): (i64,) =
        sqlx::query_as("SELECT id FROM circle_ties WHERE person_id = $1 AND name = 'Iain MacLeod'")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .unwrap();
    let action = worker
        .post(
            &plan,
            &[
                ("step", "action"),
                ("goal_id", &goal_id.to_string()),
                ("action", "Drive Mo to the club"),
                ("by_whom", "family"),
                ("tie_id", &tie_id.to_string()),
                ("due_on", "2027-01-14"),
            ],
        )
        .await;
    assert_eq!(action.status, StatusCode::SEE_OTHER, "{}", action.body);
    let review = worker
        .post(&plan, &[("step", "review"), ("review_on", "01/03/2027")])
        .await;
    assert_eq!(review.status, StatusCode::SEE_OTHER);
    let page = worker.get(&plan).await;
    for words in [
        "I miss the club.",
        "Back to the bowling club",
        "Drive Mo to the club",
        "Family",
        "14 January 2027",
        "1 March 2027",
    ] {
        assert!(page.body.contains(words), "{words} missing from the plan");
    }
    assert!(!page.body.contains("I miss my pals."));
    // The tie the action names is now part of the plan.
    assert_eq!(
        scalar(db, "SELECT in_plan FROM circle_ties WHERE id = $1", tie_id).await,
        1
    );
    let (action_id,): (i64,) = sqlx::query_as("SELECT id FROM plan_actions WHERE goal_id = $1")
        .bind(goal_id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    worker
        .post(
            &plan,
            &[
                ("step", "action_done"),
                ("action_id", &action_id.to_string()),
                ("done", "yes"),
            ],
        )
        .await;
    worker
        .post(
            &plan,
            &[
                ("step", "goal_status"),
                ("goal_id", &goal_id.to_string()),
                ("status", "achieved"),
            ],
        )
        .await;
    assert_eq!(
        scalar(db, "SELECT done FROM plan_actions WHERE id = $1", action_id).await,
        1
    );
    let record = worker.get(&format!("/people/{id}")).await;
    assert!(record.body.contains("Back to the bowling club – Achieved"));
    assert!(record.body.contains("1 March 2027"));
    assert_eq!(
        scalar(
            db,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'person_plan_changed' AND subject_id = $1",
            id
        )
        .await,
        7
    );

    let removed = worker.post(&format!("{circle}/{tie_id}/remove"), &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("circle_ties").await, 1);
    // The action keeps its words without the tie.
    assert!(
        worker
            .get(&plan)
            .await
            .body
            .contains("Drive Mo to the club")
    );
    assert_eq!(
        worker
            .post(&format!("{circle}/{tie_id}/remove"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        scalar(
            db,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'person_circle_changed' AND subject_id = $1",
            id
        )
        .await,
        3
    );

    // Withdrawn consent: nothing more is added.
    let mut conn = db.pool().acquire().await.unwrap();
    let held = consent::for_person(&mut conn, None, Some(id))
        .await
        .unwrap();
    consent::withdraw(&mut conn, &held[0], None, Channel::Phone, 1)
        .await
        .unwrap();
    drop(conn);
    let refused = worker
        .post(&plan, &[("step", "goal"), ("goal", "Another")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let refused = worker
        .post(&circle, &[("name", "Another"), ("layer", "informal")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("plan_goals").await, 1);
    assert_eq!(app.count("circle_ties").await, 1);
}

#[expect(
    clippy::too_many_lines,
    reason = "one journey through the record, read top to bottom"
)]
async fn the_store_keeps_what_it_is_given(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let org = organisation(db, "Glens Befriending Network").await;
    let mut tx = db.begin_write().await.unwrap();
    let details = Details {
        preferred_name: "Ally".into(),
        date_of_birth: Some(Date::parse("1951-07-02").unwrap()),
        address: "2 Kirk Brae".into(),
        postcode: "AV1 2BD".into(),
        contact_by: Some(ContactBy::Letter),
        languages: "Scots".into(),
        communication_needs: "Hearing loop".into(),
        speaks_for_them: "Nobody".into(),
        what_matters: "My garden".into(),
    };
    let id = store::record::create(
        &mut tx,
        &NewPerson {
            account_id: None,
            organisation_id: Some(org),
            display_name: "Alistair Reid".into(),
            phone: String::new(),
            email: None,
            gender: None,
            pays_own_time: true,
            channel: Channel::Phone,
        },
        &details,
        None,
    )
    .await
    .unwrap();
    let tie = NewTie {
        layer: Layer::Informal,
        name: "Kirk Brae gardening club".into(),
        role: "Club".into(),
        what_they_do: "Tuesday mornings together".into(),
        how_often: "Weekly".into(),
        contact: "01632 960555".into(),
        in_plan: false,
        service_id: None,
    };
    let tie_id = store::circle::add(&mut tx, id, &tie, None).await.unwrap();
    let goal_id = store::plan::add_goal(
        &mut tx,
        id,
        "Keep the garden",
        Some(TalkingPoint::ThingsToDo),
        None,
    )
    .await
    .unwrap();
    let action = NewAction {
        goal_id,
        action: "Raised beds".into(),
        by: ActionBy::CommunityGroup,
        who_name: String::new(),
        tie_id: Some(tie_id),
        service_id: None,
        due_on: None,
    };
    store::plan::add_action(&mut tx, &action, None)
        .await
        .unwrap();
    store::plan::save_note(
        &mut tx,
        id,
        TalkingPoint::ThingsToDo,
        "The garden keeps me going",
        None,
    )
    .await
    .unwrap();
    store::record::set_review(&mut tx, id, Some(Date::parse("2027-02-01").unwrap()))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut conn = db.pool().acquire().await.unwrap();
    let record = store::record::find(&mut conn, id).await.unwrap().unwrap();
    assert_eq!(record.person.display_name, "Alistair Reid");
    assert_eq!(record.called(), "Ally");
    assert_eq!(record.date_of_birth, details.date_of_birth);
    assert_eq!(record.contact_by, Some(ContactBy::Letter));
    assert_eq!(record.what_matters, "My garden");
    assert_eq!(
        record.plan_review_on,
        Some(Date::parse("2027-02-01").unwrap())
    );
    let ties = store::circle::list(&mut conn, id).await.unwrap();
    assert_eq!(ties.len(), 1);
    assert_eq!(ties[0].name, tie.name);
    assert_eq!(ties[0].contact, tie.contact);
    let goals = store::plan::goals(&mut conn, id).await.unwrap();
    assert_eq!(goals.len(), 1);
    assert_eq!(goals[0].status, GoalStatus::Open);
    assert_eq!(goals[0].outcome, Some(TalkingPoint::ThingsToDo));
    assert_eq!(goals[0].actions[0].tie, Some((tie_id, tie.name.clone())));
    assert_eq!(goals[0].actions[0].by, ActionBy::CommunityGroup);
    let notes = store::plan::notes(&mut conn, id).await.unwrap();
    assert_eq!(notes[0].note, "The garden keeps me going");
    drop(conn);

    // Subject access holds it all; erasure removes it.
    let found = Found {
        account_id: None,
        person_id: Some(id),
        name: "Alistair Reid".into(),
    };
    let requester = Requester {
        account_id: None,
        ip: "",
        channel: "test",
    };
    let document = export::export(db, &found, requester).await.unwrap();
    assert_eq!(document["coordination_person"]["what_matters"], "My garden");
    assert_eq!(document["coordination_person"]["preferred_name"], "Ally");
    assert_eq!(document["circle_of_support"][0]["contact"], "01632 960555");
    assert_eq!(document["plan_goals"][0]["goal"], "Keep the garden");
    assert_eq!(document["plan_actions"][0]["action"], "Raised beds");
    assert_eq!(
        document["conversation_notes"][0]["note"],
        "The garden keeps me going"
    );
    erase::erase(
        db,
        &found,
        Eraser {
            account_id: None,
            ip: "",
        },
    )
    .await
    .unwrap();
    for table in [
        "circle_ties",
        "plan_goals",
        "plan_actions",
        "person_conversation_notes",
    ] {
        assert_eq!(app.count(table).await, 0, "{table} after erasure");
    }
    let mut conn = db.pool().acquire().await.unwrap();
    let record = store::record::find(&mut conn, id).await.unwrap().unwrap();
    assert!(record.person.display_name.starts_with("erased-person-"));
    assert_eq!(record.preferred_name, "");
    assert_eq!(record.address, "");
    assert_eq!(record.date_of_birth, None);
    assert_eq!(record.what_matters, "");
}

/// `coprod demo` gives its link worker a few records with plans and
/// circles, and the desk's coordinator (of another organisation) none.
async fn the_demo_link_worker_has_people_with_plans_and_circles(backend: Backend) {
    let app = TestApp::new(backend).await;
    coprod_server::demo::seed(&app.state.db).await.unwrap();
    let mut worker = app.client();
    worker
        .sign_in("linkworker@demo.example", coprod_server::demo::PASSWORD)
        .await;
    let list = worker.get("/people").await;
    for name in [
        "Morag Campbell",
        "Hamish Grant",
        "Isla Fraser",
        "Duncan Stewart",
    ] {
        assert!(list.body.contains(name), "{name} missing from the list");
    }
    let (id,): (i64,) =
        sqlx::query_as("SELECT id FROM coordination_people WHERE display_name = 'Morag Campbell'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    let circle = worker.get(&format!("/people/{id}/circle")).await;
    assert_eq!(circle.status, StatusCode::OK);
    assert!(circle.body.contains("Iain Campbell"));
    let plan = worker.get(&format!("/people/{id}/plan")).await;
    assert!(plan.body.contains("Back at the bowling club by the summer"));
    let mut coordinator = app.client();
    coordinator
        .sign_in("coordinator@demo.example", coprod_server::demo::PASSWORD)
        .await;
    assert!(
        !coordinator
            .get("/people")
            .await
            .body
            .contains("Morag Campbell")
    );
    assert_eq!(
        coordinator.get(&format!("/people/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

on_both_backends!(
    the_demo_link_worker_has_people_with_plans_and_circles,
    a_link_worker_starts_a_record_with_consent_and_every_step_is_audited,
    bad_input_is_named_and_stores_nothing,
    the_plan_and_the_circle_on_their_pages,
    the_store_keeps_what_it_is_given,
);
