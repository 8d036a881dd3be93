//! Teams and their shared caseload on both backends: a manager sets a team
//! up and chooses its members (staff of the organisation only); members
//! take people on with a lead and hand them over, every handover kept and
//! audited; while a person is on a caseload only the team's members (and
//! partnership administrators) read their record, a colleague of the same
//! organisation outside the team is told it is not there, and another
//! organisation never reaches the team at all; the view of today gathers
//! visits, referrals waiting, reviews due and each member's caseload.

use axum::http::StatusCode;
use coprod_server::{
    accounts::{password, store as accounts},
    coordination::{
        model::{Channel, today},
        store as coordination,
        workflow::{self, Actor},
    },
    coprod_engine::{
        matching::WeeklyWindow,
        people::{EmailAddress, LineOfText, NewPassword, Role, Sector},
    },
    db::{Backend, Db},
    organisations::store as organisations,
    privacy::{
        erase::{self, Eraser},
        export::{self, Requester},
        subject::Found,
    },
};

use crate::support::{
    Client, PASSWORD, TestApp,
    coordination::{offer, person_held_by, request, shopping_offer, weekly_shopping, window},
    referrals::{referral_to, service_managed_by},
};

async fn organisation(db: &Db, name: &str) -> i64 {
    organisations::create(db, &LineOfText::parse(name).unwrap(), Sector::Public, None)
        .await
        .unwrap()
}

/// A signed-in member of staff: their account id and client.
pub async fn staff(
    app: &TestApp,
    email: &str,
    role: Role,
    organisation: Option<i64>,
) -> (i64, Client) {
    let hash = password::hash(NewPassword::parse(PASSWORD).unwrap())
        .await
        .unwrap();
    let id = accounts::create(
        &app.state.db,
        &EmailAddress::parse(email).unwrap(),
        &LineOfText::parse(&format!("Staff {}", email.split('@').next().unwrap())).unwrap(),
        &hash,
    )
    .await
    .unwrap();
    accounts::grant(&app.state.db, id, organisation, role)
        .await
        .unwrap();
    let mut client = app.client();
    let reply = client.sign_in(email, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    (id, client)
}

pub async fn count(db: &Db, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(db.pool()).await.unwrap();
    n
}

/// The id in a location such as `/teams/7/members?done=created`.
fn id_in(location: &str, prefix: &str) -> i64 {
    location
        .strip_prefix(prefix)
        .and_then(|rest| rest.split(['/', '?']).next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no id in {location}"))
}

/// One organisation's team with two members, and the people around it.
pub struct World {
    pub app: TestApp,
    pub org: i64,
    pub other_org: i64,
    pub team: i64,
    pub manager: Client,
    pub first: (i64, Client),
    pub second: (i64, Client),
    /// A coordinator of the same organisation, not on the team.
    pub outsider: Client,
}

pub async fn world(backend: Backend) -> World {
    let app = TestApp::new(backend).await;
    let db = app.state.db.clone();
    let org = organisation(&db, "Coast Community Health").await;
    let other_org = organisation(&db, "Glens Community Health").await;
    let (_, mut manager) = staff(&app, "manager@coast.example", Role::Manager, Some(org)).await;
    let first = staff(&app, "mhairi@coast.example", Role::LinkWorker, Some(org)).await;
    let second = staff(&app, "kenneth@coast.example", Role::LinkWorker, Some(org)).await;
    let (_, outsider) = staff(&app, "catriona@coast.example", Role::Coordinator, Some(org)).await;
    let reply = manager
        .post(
            "/teams/new",
            &[
                ("name", "Coast neighbourhood nursing team"),
                ("purpose", "Nursing at home in the coast villages"),
                ("organisation_id", &org.to_string()),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let team = id_in(reply.location(), "/teams/");
    for (id, _) in [&first, &second] {
        let reply = manager
            .post(
                &format!("/teams/{team}/members"),
                &[("account_id", &id.to_string())],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    }
    World {
        app,
        org,
        other_org,
        team,
        manager,
        first,
        second,
        outsider,
    }
}

impl World {
    pub fn db(&self) -> &Db {
        &self.app.state.db
    }

    /// A person whose record the organisation holds.
    pub async fn person(&self, name: &str) -> i64 {
        person_held_by(self.db(), name, None, Channel::InPerson, Some(self.org)).await
    }

    /// The first member takes `person` onto the caseload, leading.
    pub async fn take_on(&mut self, person: i64, note: &str) {
        let lead = self.first.0.to_string();
        let reply = self
            .first
            .1
            .post(
                &format!("/teams/{}/caseload", self.team),
                &[
                    ("person_id", &person.to_string()),
                    ("lead_id", &lead),
                    ("note", note),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        assert_eq!(
            reply.location(),
            format!("/teams/{}/caseload/{person}?done=taken_on", self.team)
        );
    }
}

#[expect(clippy::too_many_lines, reason = "one journey, told in order")]
async fn a_manager_sets_up_a_team_and_chooses_its_members(backend: Backend) {
    let mut w = world(backend).await;
    let team = w.team;
    let db = w.db().clone();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM teams").await, 1);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM team_members").await, 2);

    // Bad input is named field by field and stores nothing.
    let reply = w
        .manager
        .post(
            "/teams/new",
            &[
                ("name", ""),
                ("purpose", "x"),
                ("organisation_id", &w.other_org.to_string()),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Choose one of your organisations"));
    assert!(reply.body.contains("href=\"#name\""));
    let reply = w
        .manager
        .post(
            "/teams/new",
            &[
                ("name", "Coast neighbourhood nursing team"),
                ("organisation_id", &w.org.to_string()),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("already has a team of that name"));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM teams").await, 1);

    // Only staff of the team's organisation can join it.
    let (stranger, _) = staff(
        &w.app,
        "glens@glens.example",
        Role::LinkWorker,
        Some(w.other_org),
    )
    .await;
    let (citizen, _) = staff(&w.app, "someone@coast.example", Role::Citizen, Some(w.org)).await;
    for account in [stranger, citizen, w.first.0] {
        let reply = w
            .manager
            .post(
                &format!("/teams/{team}/members"),
                &[("account_id", &account.to_string())],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{account}");
        assert!(
            reply
                .body
                .contains("Choose a member of staff of the organisation")
        );
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM team_members").await, 2);

    // Members see who is on the team but do not choose; colleagues outside
    // it see nothing.
    let page = w.first.1.get(&format!("/teams/{team}/members")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Staff kenneth"));
    assert!(!page.body.contains("Add to the team"));
    let reply = w
        .first
        .1
        .post(
            &format!("/teams/{team}/members"),
            &[("account_id", &citizen.to_string())],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        w.outsider
            .get(&format!("/teams/{team}/members"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let list = w.outsider.get("/teams").await;
    assert!(!list.body.contains("Coast neighbourhood nursing team"));
    let list = w.first.1.get("/teams").await;
    assert!(list.body.contains(&format!("/teams/{team}\"")));

    // A manager takes a member off the team.
    let reply = w
        .manager
        .post(&format!("/teams/{team}/members/{}/remove", w.second.0), &[])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM team_members").await, 1);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'team_set_up' AND subject_kind = 'team'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'team_members_changed'"
        )
        .await,
        3
    );
}

#[expect(clippy::too_many_lines, reason = "one journey, told in order")]
async fn the_caseload_takes_people_with_a_lead_and_keeps_every_handover(backend: Backend) {
    let mut w = world(backend).await;
    let team = w.team;
    let db = w.db().clone();
    let donald = w.person("Donald Morrison").await;
    let elsewhere = person_held_by(
        &db,
        "Flora Maclean",
        None,
        Channel::InPerson,
        Some(w.other_org),
    )
    .await;

    // Only the organisation's records, and only members as leads.
    let page = w.first.1.get(&format!("/teams/{team}/caseload")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Donald Morrison"));
    assert!(!page.body.contains("Flora Maclean"));
    let reply = w
        .first
        .1
        .post(
            &format!("/teams/{team}/caseload"),
            &[
                ("person_id", &elsewhere.to_string()),
                ("lead_id", &w.outsider_id().await.to_string()),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .body
            .contains("Choose a person whose record the organisation holds")
    );
    assert!(reply.body.contains("Choose a member of the team to lead"));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM team_caseload").await, 0);

    w.take_on(donald, "Dressing changed on Monday").await;
    let entry = w
        .first
        .1
        .get(&format!("/teams/{team}/caseload/{donald}?done=taken_on"))
        .await;
    assert_eq!(entry.status, StatusCode::OK);
    assert!(entry.body.contains("Staff mhairi"));
    assert!(entry.body.contains("Dressing changed on Monday"));

    // A handover needs a colleague and a note.
    let path = format!("/teams/{team}/caseload/{donald}/handover");
    let reply = w
        .first
        .1
        .post(&path, &[("to_id", &w.second.0.to_string()), ("note", " ")])
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .body
            .contains("Write what your colleague needs to know")
    );
    let reply = w
        .first
        .1
        .post(
            &path,
            &[("to_id", &w.first.0.to_string()), ("note", "To myself")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Choose a colleague on the team"));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM team_handovers").await, 1);

    let reply = w
        .first
        .1
        .post(
            &path,
            &[
                ("to_id", &w.second.0.to_string()),
                ("note", "Healing well; doppler next month"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let entry = w
        .second
        .1
        .get(&format!("/teams/{team}/caseload/{donald}"))
        .await;
    assert_eq!(entry.status, StatusCode::OK);
    let history = &entry.body[entry.body.find("Handovers").unwrap()..];
    assert!(history.contains("Healing well; doppler next month"));
    assert!(history.contains("Taken on"));
    let newest = history.find("Healing well").unwrap();
    let first = history.find("Dressing changed").unwrap();
    assert!(newest < first, "the newest handover comes first");
    let (from, to, note): (Option<i64>, Option<i64>, String) = sqlx::query_as(
        "SELECT from_account_id, to_account_id, note FROM team_handovers ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(
        (from, to, note.as_str()),
        (
            Some(w.first.0),
            Some(w.second.0),
            "Healing well; doppler next month"
        )
    );
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'caseload_handed_over' \
                 AND subject_kind = 'coordination_person' AND subject_id = {donald}"
            )
        )
        .await,
        1
    );

    // Subject access shows the caseload and the handover notes.
    let found = Found {
        account_id: None,
        person_id: Some(donald),
        name: "Donald Morrison".into(),
    };
    let document = export::export(
        &db,
        &found,
        Requester {
            account_id: None,
            ip: "",
            channel: "test",
        },
    )
    .await
    .unwrap();
    assert_eq!(
        document["team_caseloads"][0]["handover_note"],
        "Healing well; doppler next month"
    );
    assert_eq!(document["team_handovers"].as_array().unwrap().len(), 2);

    // Someone who leads cannot leave the team until they hand over.
    let reply = w
        .manager
        .post(&format!("/teams/{team}/members/{}/remove", w.second.0), &[])
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("hand them over before taking them off"));

    // Taken off the caseload, the history stays.
    let reply = w
        .second
        .1
        .post(&format!("/teams/{team}/caseload/{donald}/remove"), &[])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM team_caseload").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM team_handovers").await, 2);
    assert_eq!(
        w.second
            .1
            .get(&format!("/teams/{team}/caseload/{donald}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'caseload_changed'"
        )
        .await,
        2
    );

    // Erasure takes the notes with the rest of the record of support.
    w.take_on(donald, "Back on the caseload").await;
    erase::erase(
        &db,
        &found,
        Eraser {
            account_id: None,
            ip: "",
        },
    )
    .await
    .unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM team_caseload").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM team_handovers").await, 0);
}

impl World {
    /// The outsider's account id.
    async fn outsider_id(&self) -> i64 {
        count(
            self.db(),
            "SELECT id FROM accounts WHERE email = 'catriona@coast.example'",
        )
        .await
    }
}

#[expect(clippy::too_many_lines, reason = "one journey, told in order")]
async fn a_record_on_a_caseload_is_read_only_by_its_team(backend: Backend) {
    let mut w = world(backend).await;
    let db = w.db().clone();
    let janet = w.person("Janet Paterson").await;
    let isa = w.person("Isabel Martin").await;
    // Before: the organisation's rule, as ever.
    assert_eq!(
        w.outsider.get(&format!("/people/{janet}")).await.status,
        StatusCode::OK
    );
    w.take_on(janet, "Pressure area check each visit").await;

    // A colleague of the same organisation outside the team: not there.
    for part in ["", "/edit", "/plan", "/circle", "/checkins"] {
        let reply = w.outsider.get(&format!("/people/{janet}{part}")).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{part}");
    }
    let reply = w
        .outsider
        .post(&format!("/people/{janet}/plan"), &[("step", "review")])
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let list = w.outsider.get("/people").await;
    assert!(!list.body.contains("Janet Paterson"));
    assert!(list.body.contains("Isabel Martin"));
    // The person on no caseload keeps the organisation's rule.
    assert_eq!(
        w.outsider.get(&format!("/people/{isa}")).await.status,
        StatusCode::OK
    );
    // The desk's view of the same person follows the same rule
    // (`caseloads` covers the other lists and pages that name people).
    assert_eq!(
        w.outsider
            .get(&format!("/coordination/people/{janet}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Another organisation: not there either.
    let (_, mut stranger) = staff(
        &w.app,
        "glens@glens.example",
        Role::LinkWorker,
        Some(w.other_org),
    )
    .await;
    assert_eq!(
        stranger.get(&format!("/people/{janet}")).await.status,
        StatusCode::NOT_FOUND
    );

    // A member reads it, and the read is audited as the team's.
    let reads = |who: i64| {
        format!(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'person_read' \
             AND subject_kind = 'coordination_person' AND subject_id = {janet} \
             AND actor_account_id = {who} AND detail LIKE '%member of the team%'"
        )
    };
    let before = count(&db, &reads(w.second.0)).await;
    let record = w.second.1.get(&format!("/people/{janet}")).await;
    assert_eq!(record.status, StatusCode::OK);
    assert!(record.body.contains("Coast neighbourhood nursing team"));
    assert_eq!(count(&db, &reads(w.second.0)).await, before + 1);
    for part in ["/plan", "/circle"] {
        assert_eq!(
            w.second
                .1
                .get(&format!("/people/{janet}{part}"))
                .await
                .status,
            StatusCode::OK
        );
    }
    assert!(
        w.second
            .1
            .get("/people")
            .await
            .body
            .contains("Janet Paterson")
    );

    // A partnership administrator reads it for their duties, audited as such.
    let (admin, mut administrator) = staff(&w.app, "admin@coast.example", Role::Admin, None).await;
    assert_eq!(
        administrator.get(&format!("/people/{janet}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'person_read' \
                 AND subject_id = {janet} AND actor_account_id = {admin} \
                 AND detail LIKE '%partnership administrator%'"
            )
        )
        .await,
        1
    );

    // Off the caseload, the organisation's rule is back.
    let reply = w
        .first
        .1
        .post(&format!("/teams/{}/caseload/{janet}/remove", w.team), &[])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        w.outsider.get(&format!("/people/{janet}")).await.status,
        StatusCode::OK
    );
}

async fn another_organisation_never_reaches_the_team(backend: Backend) {
    let mut w = world(backend).await;
    let team = w.team;
    let janet = w.person("Janet Paterson").await;
    w.take_on(janet, "").await;
    let (_, mut other_manager) = staff(
        &w.app,
        "manager@glens.example",
        Role::Manager,
        Some(w.other_org),
    )
    .await;
    let (_, mut other_worker) = staff(
        &w.app,
        "worker@glens.example",
        Role::LinkWorker,
        Some(w.other_org),
    )
    .await;
    for client in [&mut other_manager, &mut other_worker, &mut w.outsider] {
        for path in [
            format!("/teams/{team}"),
            format!("/teams/{team}/caseload"),
            format!("/teams/{team}/caseload/{janet}"),
        ] {
            assert_eq!(
                client.get(&path).await.status,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        let reply = client
            .post(&format!("/teams/{team}/caseload/{janet}/remove"), &[])
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        assert!(!client.get("/teams").await.body.contains("nursing team"));
    }
    assert_eq!(
        other_manager
            .get(&format!("/teams/{team}/members"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The organisation's own manager sees the members but not the caseload.
    assert_eq!(
        w.manager
            .get(&format!("/teams/{team}/members"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        w.manager.get(&format!("/teams/{team}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(count(w.db(), "SELECT COUNT(*) FROM team_caseload").await, 1);
}

#[expect(clippy::too_many_lines, reason = "one journey, told in order")]
async fn the_view_of_today_gathers_visits_referrals_reviews_and_each_caseload(backend: Backend) {
    let mut w = world(backend).await;
    let team = w.team;
    let db = w.db().clone();
    let donald = w.person("Donald Morrison").await;
    let jan = w.person("Janet Paterson").await;
    let sandy = w.person("Alexander Johnston").await;
    let nell = w.person("Helen Cameron").await;
    for (person, note) in [
        (donald, "Dressing on Mondays"),
        (jan, ""),
        (sandy, ""),
        (nell, ""),
    ] {
        w.take_on(person, note).await;
    }
    // Jan is handed to the second member.
    let reply = w
        .first
        .1
        .post(
            &format!("/teams/{team}/caseload/{jan}/handover"),
            &[("to_id", &w.second.0.to_string()), ("note", "Glens round")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);

    // Reviews: Donald overdue, Jan in three days, Sandy in a month.
    let mut conn = db.pool().acquire().await.unwrap();
    for (person, days) in [(donald, -2), (jan, 3), (sandy, 30)] {
        coprod_server::people::store::record::set_review(
            &mut conn,
            person,
            Some(today().add_days(days)),
        )
        .await
        .unwrap();
    }
    // A visit today: Nell's shopping with a volunteer.
    let helper = person_held_by(&db, "Rab Anderson", None, Channel::Online, Some(w.org)).await;
    let mut new_offer = shopping_offer();
    new_offer.slots = vec![(today().weekday(), window("10:00", "12:00"))];
    let offer_id = offer(&db, helper, &new_offer).await;
    let mut weekly = weekly_shopping();
    weekly.windows = vec![WeeklyWindow {
        day: today().weekday(),
        time: window("09:00", "13:00"),
    }];
    let request_id = request(&db, nell, &weekly).await;
    let held = workflow::propose(&db, &Actor::operator(), request_id, offer_id, 1, today())
        .await
        .unwrap();
    workflow::answer(&db, &Actor::operator(), held.id, true, "")
        .await
        .unwrap();
    let days = coordination::rounds::for_match(&mut conn, held.id)
        .await
        .unwrap();
    assert_eq!(days[0].on_date, today(), "the first day of help is today");
    // Referrals: one waiting for the organisation, name not shared.
    service_managed_by(&db, "coast-walks", "Coast walks", w.org).await;
    let elsewhere = person_held_by(
        &db,
        "Flora Maclean",
        None,
        Channel::InPerson,
        Some(w.other_org),
    )
    .await;
    let waiting = referral_to(&db, elsewhere, "coast-walks", w.org, "reason").await;
    drop(conn);

    let page = w.first.1.get(&format!("/teams/{team}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    let section = |id: &str| {
        let at = body
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("no section {id}"));
        let rest = &body[at..];
        rest[..rest[5..].find("<h2").map_or(rest.len(), |n| n + 5)].to_owned()
    };
    let visits = section("visits");
    assert!(visits.contains("Helen Cameron"), "{visits}");
    assert!(visits.contains("10:00"));
    let referrals = section("referrals");
    assert!(
        referrals.contains(&format!("/referrals/{waiting}")),
        "{referrals}"
    );
    assert!(
        !referrals.contains("Flora Maclean"),
        "the name was not shared"
    );
    let reviews = section("reviews");
    assert!(reviews.contains("Donald Morrison") && reviews.contains("Janet Paterson"));
    assert!(!reviews.contains("Alexander Johnston"));
    assert!(reviews.find("Donald").unwrap() < reviews.find("Janet").unwrap());
    let mine = section(&format!("member-{}", w.first.0));
    assert!(mine.contains("Donald Morrison") && mine.contains("Dressing on Mondays"));
    assert!(!mine.contains("Janet Paterson"));
    let theirs = section(&format!("member-{}", w.second.0));
    assert!(theirs.contains("Janet Paterson"));
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'person_read' \
                 AND subject_kind = 'team' AND subject_id = {team}"
            )
        )
        .await,
        1
    );
    // A manager of the organisation who is not on the team does not see it.
    assert_eq!(
        w.manager.get(&format!("/teams/{team}")).await.status,
        StatusCode::NOT_FOUND
    );
}

/// `coprod demo` seeds two teams with about forty people, leads and
/// handovers, and its link worker reads their team's records.
async fn the_demo_has_two_teams_with_caseloads(backend: Backend) {
    let app = TestApp::new(backend).await;
    let seeded = coprod_server::demo::seed(&app.state.db).await.unwrap();
    assert_eq!(seeded.teams, 2);
    assert!((36..=44).contains(&seeded.caseload), "{}", seeded.caseload);
    let db = &app.state.db;
    assert!(
        count(
            db,
            "SELECT COUNT(*) FROM team_handovers WHERE from_account_id IS NOT NULL"
        )
        .await
            >= 4
    );
    assert!(
        count(
            db,
            "SELECT COUNT(*) FROM circle_ties t JOIN team_caseload c ON c.person_id = t.person_id"
        )
        .await
            >= 20
    );
    let mut worker = app.client();
    worker
        .sign_in("linkworker@demo.example", coprod_server::demo::PASSWORD)
        .await;
    let teams = worker.get("/teams").await;
    assert!(teams.body.contains("Ardnaveen link-worker service"));
    assert!(!teams.body.contains("Coast neighbourhood nursing team"));
    let team = count(
        db,
        "SELECT id FROM teams WHERE name = 'Ardnaveen link-worker service'",
    )
    .await;
    assert!(teams.body.contains(&format!("href=\"/teams/{team}\"")));
    let today = worker.get(&format!("/teams/{team}")).await;
    assert_eq!(today.status, StatusCode::OK);
    assert!(today.body.contains("Morag Campbell"));
    let mut nurse = app.client();
    nurse
        .sign_in("nurse@demo.example", coprod_server::demo::PASSWORD)
        .await;
    let (morag,): (i64,) =
        sqlx::query_as("SELECT id FROM coordination_people WHERE display_name = 'Morag Campbell'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(
        nurse.get(&format!("/people/{morag}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        worker.get(&format!("/people/{morag}")).await.status,
        StatusCode::OK
    );
}

on_both_backends!(
    a_manager_sets_up_a_team_and_chooses_its_members,
    the_caseload_takes_people_with_a_lead_and_keeps_every_handover,
    a_record_on_a_caseload_is_read_only_by_its_team,
    another_organisation_never_reaches_the_team,
    the_view_of_today_gathers_visits_referrals_reviews_and_each_caseload,
    the_demo_has_two_teams_with_caseloads,
);
