//! Voting in a participatory budget on every channel: who may vote, one
//! ballot each (changeable until close), one-time codes in person and on
//! paper, and secrecy — nothing links a person to what they chose.

use crate::support::{
    TestApp,
    budgeting::{
        DEMO_COUNCIL, citizen, confirm_eligible, issue_codes, next_phase, voting_process,
        with_postcodes,
    },
};
use axum::http::StatusCode;
use coprod_server::{
    budgeting::ballot_box::{self, CodeRefused},
    coprod_engine::{budgeting::ballot::Choice, people::Role, place::Postcode},
    db::Backend,
    places::store::{self as postcodes, PostcodeRecord},
};

async fn ballots(app: &TestApp) -> Vec<(String, Option<String>)> {
    sqlx::query_as("SELECT channel, voter_key FROM pb_ballots ORDER BY channel")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap()
}

async fn chosen(app: &TestApp) -> Vec<i64> {
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT proposal_id FROM pb_ballot_choices ORDER BY proposal_id")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    rows.into_iter().map(|(id,)| id).collect()
}

async fn only_residents_old_enough_may_vote(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    // A postcode in another council area.
    postcodes::import(
        &app.state.db,
        &[PostcodeRecord {
            postcode: Postcode::parse("AV9 9ZZ").unwrap(),
            latitude: 56.0,
            longitude: -5.0,
            data_zone: None,
            council_area: Some("S12099002".into()),
            electoral_ward: None,
            health_board: None,
        }],
    )
    .await
    .unwrap();
    let mut organiser = app.as_role(Role::Manager).await;
    let (process, [benches, ..]) = voting_process(
        &app,
        &mut organiser,
        &[("area_code", DEMO_COUNCIL), ("minimum_age", "16")],
    )
    .await;
    let mut voter = citizen(&app, "isla@example.org").await;
    let first = voter.get(&format!("/budgeting/{process}/vote")).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("Your home postcode"));
    assert!(first.body.contains("Your date of birth"));
    assert!(
        !first.body.contains(&format!("name=\"p{benches}\"")),
        "no ballot before the check"
    );

    let path = format!("/budgeting/{process}/vote/eligibility");
    let elsewhere = voter
        .post(
            &path,
            &[("postcode", "AV9 9ZZ"), ("date_of_birth", "01/01/1990")],
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        elsewhere
            .body
            .contains("Your postcode is outside that area")
    );
    // The area by its name, never its code.
    assert!(
        elsewhere
            .body
            .contains("This vote is for people who live in Ardnaveen."),
        "{}",
        elsewhere.body
    );
    assert!(!elsewhere.body.contains(DEMO_COUNCIL));
    assert!(elsewhere.body.contains("href=\"#postcode\""));
    let unknown = voter
        .post(
            &path,
            &[("postcode", "ZZ1 1ZZ"), ("date_of_birth", "01/01/1990")],
        )
        .await;
    assert!(unknown.body.contains("We do not know that postcode"));
    let young = time::OffsetDateTime::now_utc().year() - 12;
    let too_young = voter
        .post(
            &path,
            &[
                ("postcode", "AV1 1AB"),
                ("date_of_birth", &format!("01/01/{young}")),
            ],
        )
        .await;
    assert_eq!(too_young.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_young.body.contains("You need to be 16 or over"));
    let nonsense = voter
        .post(&path, &[("postcode", "AV1 1AB"), ("date_of_birth", "soon")])
        .await;
    assert!(nonsense.body.contains("href=\"#date_of_birth\""));
    assert_eq!(app.count("pb_eligible_voters").await, 0);

    // Voting without passing the check leads back to it.
    let sneaky = voter
        .post(
            &format!("/budgeting/{process}/vote"),
            &[(&*format!("p{benches}"), "on")],
        )
        .await;
    assert_eq!(sneaky.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("pb_ballots").await, 0);

    confirm_eligible(&mut voter, process).await;
    let ballot = voter.get(&format!("/budgeting/{process}/vote")).await;
    assert!(ballot.body.contains(&format!("name=\"p{benches}\"")));
    assert!(ballot.body.contains("Benches on the shore path"));
}

async fn each_resident_votes_once_and_can_change_until_close(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let mut organiser = app.as_role(Role::Manager).await;
    let (process, [benches, lights, bins]) = voting_process(
        &app,
        &mut organiser,
        &[("max_choices", "2"), ("max_total_cost", "8000")],
    )
    .await;
    let vote = format!("/budgeting/{process}/vote");
    let mut isla = citizen(&app, "isla@example.org").await;
    confirm_eligible(&mut isla, process).await;

    // Malformed ballots say what is wrong and store nothing.
    let none = isla.post(&vote, &[]).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains("Choose at least one project"));
    assert!(none.body.contains(&format!("href=\"#p{benches}\"")));
    let p = |id: i64| format!("p{id}");
    let (pb, pl, pi) = (p(benches), p(lights), p(bins));
    let too_many = isla
        .post(&vote, &[(&*pb, "on"), (&*pl, "on"), (&*pi, "on")])
        .await;
    assert!(too_many.body.contains("Choose no more than 2 projects"));
    let too_dear = isla.post(&vote, &[(&*pb, "on"), (&*pl, "on")]).await;
    assert!(too_dear.body.contains("cost more than £8,000 together"));
    assert!(too_dear.body.contains("checked"), "the choices stay ticked");
    let forged = isla.post(&vote, &[("p999999", "on")]).await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("pb_ballots").await, 0);

    let cast = isla.post(&vote, &[(&*pb, "on")]).await;
    assert_eq!(cast.status, StatusCode::SEE_OTHER, "{}", cast.body);
    assert_eq!(cast.location(), format!("{vote}?cast=new"));
    let shown = isla.get(cast.location()).await;
    assert!(shown.body.contains("Your vote has been recorded"));
    assert!(shown.body.contains("Change my vote"));
    assert_eq!(chosen(&app).await, [benches]);

    let changed = isla.post(&vote, &[(&*pl, "on"), (&*pi, "on")]).await;
    assert_eq!(changed.location(), format!("{vote}?cast=changed"));
    assert_eq!(app.count("pb_ballots").await, 1, "still one ballot");
    assert_eq!(chosen(&app).await, [lights, bins]);
    let own = isla.get(&vote).await;
    assert!(
        own.body
            .contains(&format!("id=\"{pl}\" name=\"{pl}\" value=\"on\" checked"))
    );
    assert!(
        !own.body
            .contains(&format!("id=\"{pb}\" name=\"{pb}\" value=\"on\" checked"))
    );

    // Someone else gets their own, empty ballot.
    let mut ewan = citizen(&app, "ewan@example.org").await;
    confirm_eligible(&mut ewan, process).await;
    let theirs = ewan.get(&vote).await;
    assert!(
        !theirs.body.contains("checked"),
        "nobody sees another's ballot"
    );
    ewan.post(&vote, &[(&*pl, "on")]).await;
    assert_eq!(app.count("pb_ballots").await, 2);

    // Two first ballots from one person at once still make one ballot.
    let mut fiona = citizen(&app, "fiona@example.org").await;
    confirm_eligible(&mut fiona, process).await;
    let (mut one, mut other) = (fiona.clone(), fiona.clone());
    let (first_fields, second_fields) = ([(&*pb, "on")], [(&*pi, "on")]);
    let (a, b) = tokio::join!(
        one.post(&vote, &first_fields),
        other.post(&vote, &second_fields)
    );
    assert_eq!(
        (a.status, b.status),
        (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER)
    );
    assert_eq!(app.count("pb_ballots").await, 3);

    // Once voting closes, ballots can no longer change.
    next_phase(&mut organiser, process).await;
    let late = isla.post(&vote, &[(&*pb, "on")]).await;
    assert_eq!(late.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("pb_ballots").await, 3);
}

async fn a_code_votes_once_even_when_tried_at_the_same_time(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let mut organiser = app.as_role(Role::Coordinator).await;
    let (process, [benches, lights, _]) = voting_process(&app, &mut organiser, &[]).await;
    let codes = issue_codes(&mut organiser, process, 3).await;
    let (issued,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM pb_voting_codes")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(issued, 3);
    let stored: Vec<(String,)> = sqlx::query_as("SELECT code_hash FROM pb_voting_codes")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
    for code in &codes {
        assert!(
            !stored.iter().any(|(h,)| h.contains(&code.replace('-', ""))),
            "only hashes are stored"
        );
    }

    // In person, on the public page, no account needed.
    let path = format!("/budgeting/{process}/vote/code");
    let mut kiosk = app.client();
    let form = kiosk.get(&path).await;
    assert!(form.body.contains("Voting code"));
    let pb = format!("p{benches}");
    let typed = codes[0].to_lowercase().replace('-', " ");
    let cast = kiosk.post(&path, &[("code", &typed), (&*pb, "on")]).await;
    assert_eq!(cast.status, StatusCode::SEE_OTHER, "{}", cast.body);
    assert!(
        kiosk
            .get(cast.location())
            .await
            .body
            .contains("Your vote has been recorded")
    );
    let again = kiosk
        .post(&path, &[("code", &codes[0]), (&*pb, "on")])
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("already been used"));
    let wrong = kiosk
        .post(&path, &[("code", "ABCD-EFGH-JKMN"), (&*pb, "on")])
        .await;
    assert!(wrong.body.contains("That code is not right"));
    let malformed = kiosk.post(&path, &[("code", "12"), (&*pb, "on")]).await;
    assert!(malformed.body.contains("href=\"#code\""));
    assert_eq!(app.count("pb_ballots").await, 1);

    // Eight attempts with one code at once: the database lets one through.
    let letters = ballot_box::normalise_code(&codes[1]).unwrap();
    let choice = [Choice {
        proposal_id: lights,
        points: None,
        position: None,
    }];
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let db = app.state.db.clone();
        let letters = letters.clone();
        attempts.spawn(async move {
            ballot_box::cast_with_code(&db, process, &letters, "in_person", &choice).await
        });
    }
    let mut outcomes = Vec::new();
    while let Some(outcome) = attempts.join_next().await {
        outcomes.push(outcome.unwrap().unwrap());
    }
    assert_eq!(
        outcomes.iter().filter(|o| o.is_ok()).count(),
        1,
        "{outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .filter(|o| o.is_err())
            .all(|o| *o == Err(CodeRefused::Used))
    );
    assert_eq!(app.count("pb_ballots").await, 2);

    // The same through the pages, from two browsers at once.
    let mut first = app.client();
    let mut second = app.client();
    let pl = format!("p{lights}");
    let fields = [("code", codes[2].as_str()), (pl.as_str(), "on")];
    let (a, b) = tokio::join!(first.post(&path, &fields), second.post(&path, &fields));
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::SEE_OTHER, StatusCode::UNPROCESSABLE_ENTITY]
    );
    assert_eq!(app.count("pb_ballots").await, 3);
}

async fn staff_enter_each_paper_ballot_once(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let mut organiser = app.as_role(Role::Manager).await;
    let (process, [benches, lights, bins]) = voting_process(
        &app,
        &mut organiser,
        &[("ballot_type", "ranked"), ("ranks", "2")],
    )
    .await;
    let codes = issue_codes(&mut organiser, process, 2).await;
    let path = format!("/budgeting/{process}/paper-ballots");
    let form = organiser.get(&path).await;
    assert!(form.body.contains("Enter a paper ballot"));
    assert!(form.body.contains("name=\"rank2\""));

    let gap = organiser
        .post(
            &path,
            &[
                ("code", &codes[0]),
                ("rank1", ""),
                ("rank2", &bins.to_string()),
            ],
        )
        .await;
    assert_eq!(gap.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(gap.body.contains("href=\"#rank1\""));
    assert_eq!(app.count("pb_ballots").await, 0);
    let entered = organiser
        .post(
            &path,
            &[
                ("code", &codes[0]),
                ("rank1", &bins.to_string()),
                ("rank2", &benches.to_string()),
            ],
        )
        .await;
    assert_eq!(entered.status, StatusCode::SEE_OTHER, "{}", entered.body);
    assert!(
        organiser
            .get(entered.location())
            .await
            .body
            .contains("The ballot has been entered")
    );
    let twice = organiser
        .post(
            &path,
            &[("code", &codes[0]), ("rank1", &lights.to_string())],
        )
        .await;
    assert!(twice.body.contains("already been used"));
    assert_eq!(ballots(&app).await, [("paper".to_owned(), None)]);
    let positions: Vec<(i64, i64)> =
        sqlx::query_as("SELECT proposal_id, position FROM pb_ballot_choices ORDER BY position")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(positions, [(bins, 1), (benches, 2)]);
    let (audited, detail): (i64, String) = sqlx::query_as(
        "SELECT COUNT(*), MAX(detail) FROM audit_events WHERE action = 'budget_paper_ballot_entered'",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(
        (audited, detail.as_str()),
        (1, ""),
        "logged, without its choices"
    );

    // Paper ballots cast in time may still be typed in after the close.
    next_phase(&mut organiser, process).await;
    let after_close = organiser
        .post(
            &path,
            &[("code", &codes[1]), ("rank1", &lights.to_string())],
        )
        .await;
    assert_eq!(after_close.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("pb_ballots").await, 2);
    let mut citizen = citizen(&app, "someone@example.org").await;
    assert_eq!(citizen.get(&path).await.status, StatusCode::FORBIDDEN);
}

async fn nothing_links_a_person_to_their_ballot(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let mut admin = app.as_role(Role::Admin).await;
    let (process, [benches, ..]) = voting_process(&app, &mut admin, &[]).await;
    let mut isla = citizen(&app, "isla@example.org").await;
    let isla_id: i64 =
        sqlx::query_as::<_, (i64,)>("SELECT id FROM accounts WHERE email = 'isla@example.org'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap()
            .0;
    confirm_eligible(&mut isla, process).await;
    isla.post(
        &format!("/budgeting/{process}/vote"),
        &[(&*format!("p{benches}"), "on")],
    )
    .await;

    // A ballot row holds no account, no time, and a random id.
    let columns: Vec<String> = match backend {
        Backend::Sqlite => sqlx::query_as::<_, (String,)>("SELECT name FROM pragma_table_info('pb_ballots')")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap(),
        Backend::Postgres => sqlx::query_as::<_, (String,)>(
            "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'pb_ballots' ORDER BY ordinal_position",
        )
        .fetch_all(app.state.db.pool())
        .await
        .unwrap(),
    }
    .into_iter()
    .map(|(c,)| c)
    .collect();
    assert_eq!(columns, ["id", "process_id", "channel", "voter_key"]);
    let (ballot_id, key): (String, String) = sqlx::query_as("SELECT id, voter_key FROM pb_ballots")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(ballot_id.len(), 32);
    assert_eq!(key.len(), 64, "a salted hash, not an account id");

    // Staff see totals at most; the person's record and the audit log say
    // nothing of what they chose.
    let manage = admin.get(&format!("/budgeting/{process}/manage")).await;
    assert!(manage.body.contains("Online"), "turnout by channel");
    let person = admin.get(&format!("/admin/people/{isla_id}")).await;
    assert!(!person.body.contains("Benches on the shore path"));
    assert!(!person.body.contains("Shore Path Fund"));
    let log = admin.get("/admin/audit").await;
    assert!(!log.body.contains("Benches on the shore path"));
    assert!(!log.body.contains(&format!("p{benches}")));

    // Closing seals the vote: the salt, every voter key and the list of
    // who confirmed they could vote are gone for good.
    next_phase(&mut admin, process).await;
    let (salt, sealed): (Option<String>, Option<i64>) =
        sqlx::query_as("SELECT ballot_salt, sealed_at FROM pb_processes WHERE id = $1")
            .bind(process)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(salt, None);
    assert!(sealed.is_some());
    assert_eq!(ballots(&app).await, [("online".to_owned(), None)]);
    assert_eq!(app.count("pb_eligible_voters").await, 0);
    assert_eq!(
        ballot_box::own_ballot(&app.state.db, process, isla_id)
            .await
            .unwrap(),
        None,
        "not even the voter's own request can find it now"
    );
    assert_eq!(chosen(&app).await, [benches], "the vote itself is kept");
}

async fn housekeeping_seals_votes_once_they_close(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let mut organiser = app.as_role(Role::Manager).await;
    let (process, [benches, ..]) = voting_process(&app, &mut organiser, &[]).await;
    let mut isla = citizen(&app, "isla@example.org").await;
    confirm_eligible(&mut isla, process).await;
    isla.post(
        &format!("/budgeting/{process}/vote"),
        &[(&*format!("p{benches}"), "on")],
    )
    .await;
    let now = coprod_server::db::now();
    let before = coprod_server::ops::housekeeping::sweep(&app.state.db, now)
        .await
        .unwrap();
    assert_eq!(before.votes_sealed, 0, "still voting");
    assert!(ballots(&app).await[0].1.is_some());
    let after_close = now + 40 * 24 * 60 * 60;
    let swept = coprod_server::ops::housekeeping::sweep(&app.state.db, after_close)
        .await
        .unwrap();
    assert_eq!(swept.votes_sealed, 1);
    assert_eq!(ballots(&app).await, [("online".to_owned(), None)]);
    assert_eq!(app.count("pb_eligible_voters").await, 0);
    let again = coprod_server::ops::housekeeping::sweep(&app.state.db, after_close)
        .await
        .unwrap();
    assert_eq!(again.votes_sealed, 0, "sealed once");
}

async fn totals_show_before_the_close_only_if_the_process_says_so(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let mut organiser = app.as_role(Role::Manager).await;
    let (hidden, [benches, ..]) = voting_process(&app, &mut organiser, &[]).await;
    let mut isla = citizen(&app, "isla@example.org").await;
    confirm_eligible(&mut isla, hidden).await;
    isla.post(
        &format!("/budgeting/{hidden}/vote"),
        &[(&*format!("p{benches}"), "on")],
    )
    .await;
    let page = app.client().get(&format!("/budgeting/{hidden}")).await;
    assert!(page.body.contains("Benches on the shore path"));
    assert!(!page.body.contains("<th scope=\"col\">Votes</th>"));

    let (shown, [benches_too, ..]) = voting_process(
        &app,
        &mut organiser,
        &[("show_running_totals", "yes"), ("title", "Harbour Fund")],
    )
    .await;
    confirm_eligible(&mut isla, shown).await;
    isla.post(
        &format!("/budgeting/{shown}/vote"),
        &[(&*format!("p{benches_too}"), "on")],
    )
    .await;
    let page = app.client().get(&format!("/budgeting/{shown}")).await;
    assert!(page.body.contains("<th scope=\"col\">Votes</th>"));
    assert!(page.body.contains("<td>1</td>"));

    // After the close everyone sees the totals.
    next_phase(&mut organiser, hidden).await;
    let page = app.client().get(&format!("/budgeting/{hidden}")).await;
    assert!(page.body.contains("<th scope=\"col\">Votes</th>"));
}

async fn cumulative_ballots_share_out_their_points(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let mut organiser = app.as_role(Role::Manager).await;
    let (process, [benches, lights, bins]) = voting_process(
        &app,
        &mut organiser,
        &[("ballot_type", "cumulative"), ("points_total", "10")],
    )
    .await;
    let vote = format!("/budgeting/{process}/vote");
    let mut isla = citizen(&app, "isla@example.org").await;
    confirm_eligible(&mut isla, process).await;
    let (pb, pl, pi) = (
        format!("p{benches}"),
        format!("p{lights}"),
        format!("p{bins}"),
    );
    let over = isla
        .post(&vote, &[(&*pb, "6"), (&*pl, "5"), (&*pi, "")])
        .await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(over.body.contains("at most 10 points"));
    let negative = isla.post(&vote, &[(&*pb, "-2")]).await;
    assert!(negative.body.contains(&format!("id=\"{pb}-error\"")));
    assert_eq!(app.count("pb_ballots").await, 0);
    let cast = isla
        .post(&vote, &[(&*pb, "7"), (&*pl, "3"), (&*pi, "0")])
        .await;
    assert_eq!(cast.status, StatusCode::SEE_OTHER);
    let points: Vec<(i64, i64)> =
        sqlx::query_as("SELECT proposal_id, points FROM pb_ballot_choices ORDER BY proposal_id")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(points, [(benches, 7), (lights, 3)]);
}

/// Proposals follow the process's rules on area and age, as votes do.
async fn only_residents_old_enough_may_propose(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let mut organiser = app.as_role(Role::Manager).await;
    let process = crate::support::budgeting::create_process(
        &mut organiser,
        &[("area_code", "S13099002"), ("minimum_age", "11")],
    )
    .await;
    let mut citizen = citizen(&app, "morag@example.org").await;
    let path = format!("/budgeting/{process}/propose");
    let form = citizen.get(&path).await;
    assert!(form.body.contains("id=\"postcode\""), "{}", form.body);
    assert!(form.body.contains("id=\"date_of_birth\""));
    let proposal = |postcode: &'static str, born: &'static str| {
        vec![
            ("title", "A skate ramp"),
            ("description", "Ramps for Friday evenings."),
            ("estimated_cost", "400"),
            ("postcode", postcode),
            ("date_of_birth", born),
        ]
    };
    // AV1 is on the coast, outside the glens ward.
    let elsewhere = citizen
        .post(&path, &proposal("AV1 1AB", "01/01/2010"))
        .await;
    assert_eq!(elsewhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        elsewhere
            .body
            .contains("This process is for people who live in Ardnaveen Glens."),
        "{}",
        elsewhere.body
    );
    let young = time::OffsetDateTime::now_utc().year() - 9;
    let born = Box::leak(format!("01/01/{young}").into_boxed_str());
    let too_young = citizen.post(&path, &proposal("AV3 1AB", born)).await;
    assert_eq!(too_young.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        too_young
            .body
            .contains("You need to be 11 or over to send a proposal")
    );
    assert_eq!(app.count("pb_proposals").await, 0);
    let sent = citizen
        .post(&path, &proposal("AV3 1AB", "01/01/2010"))
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(app.count("pb_proposals").await, 1);
}

on_both_backends!(
    only_residents_old_enough_may_propose,
    only_residents_old_enough_may_vote,
    each_resident_votes_once_and_can_change_until_close,
    a_code_votes_once_even_when_tried_at_the_same_time,
    staff_enter_each_paper_ballot_once,
    nothing_links_a_person_to_their_ballot,
    housekeeping_seals_votes_once_they_close,
    totals_show_before_the_close_only_if_the_process_says_so,
    cumulative_ballots_share_out_their_points,
);
