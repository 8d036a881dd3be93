//! Participatory budgeting after the vote: counting with the engine's
//! rules, the results page and API with every project's reason, themes
//! with budgets of their own, and the delivery trail.

use crate::support::{
    Client, TestApp,
    budgeting::{
        accept, citizen, confirm_eligible, create_process, issue_codes, next_phase, voting_process,
        with_postcodes,
    },
};
use axum::http::StatusCode;
use coprod_server::{
    api::tokens,
    coprod_engine::people::{LineOfText, Role, Sector},
    db::Backend,
    organisations::store as organisations,
};
use serde_json::Value;

/// A token for the JSON API.
async fn api_token(app: &TestApp) -> String {
    let organisation = organisations::create(
        &app.state.db,
        &LineOfText::parse("Results Reader").unwrap(),
        Sector::Public,
        None,
    )
    .await
    .unwrap();
    tokens::issue(
        &app.state.db,
        &LineOfText::parse("results").unwrap(),
        organisation,
        None,
    )
    .await
    .unwrap()
    .1
}

async fn api(app: &TestApp, token: &str, path: &str) -> (StatusCode, Value) {
    let reply = app.client().api_get(path, Some(token)).await;
    (reply.status, serde_json::from_str(&reply.body).unwrap())
}

/// Casts one online ballot for each list of project ids, from new voters.
async fn online_ballots(app: &TestApp, process: i64, ballots: &[&[i64]]) {
    for (n, choices) in ballots.iter().enumerate() {
        let mut voter = citizen(app, &format!("voter{process}-{n}@example.org")).await;
        confirm_eligible(&mut voter, process).await;
        let fields: Vec<(String, String)> = choices
            .iter()
            .map(|id| (format!("p{id}"), "on".to_owned()))
            .collect();
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let reply = voter
            .post(&format!("/budgeting/{process}/vote"), &pairs)
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    }
}

async fn close_and_count(organiser: &mut Client, process: i64) {
    next_phase(organiser, process).await;
    let counted = organiser
        .post(&format!("/budgeting/{process}/count"), &[])
        .await;
    assert_eq!(counted.status, StatusCode::SEE_OTHER, "{}", counted.body);
    assert_eq!(counted.location(), format!("/budgeting/{process}/results"));
}

/// Three projects with one vote each (£6,000, £3,000 and £2,000 of £10,000):
/// the tie decides, by the rule the organiser chose, shown with the results.
async fn ties_go_by_the_rule_the_organiser_chose(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let token = api_token(&app).await;
    let mut organiser = app.as_role(Role::Manager).await;
    for rule in ["lower_cost", "lot"] {
        let (process, [benches, lights, bins]) =
            voting_process(&app, &mut organiser, &[("tie_break", rule)]).await;
        online_ballots(&app, process, &[&[benches, lights, bins]]).await;
        close_and_count(&mut organiser, process).await;
        let (_, results) = api(
            &app,
            &token,
            &format!("/api/v1/budgeting/processes/{process}/results"),
        )
        .await;
        let funded: Vec<i64> = results["projects"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["funded"] == true)
            .map(|p| p["id"].as_i64().unwrap())
            .collect();
        let page = app
            .client()
            .get(&format!("/budgeting/{process}/results"))
            .await;
        if rule == "lower_cost" {
            assert_eq!(funded, [bins, lights], "the cheaper first");
            assert!(
                page.body.contains("The cheaper project first"),
                "{}",
                page.body
            );
        } else {
            let settings = coprod_server::budgeting::store::find_process(&app.state.db, process)
                .await
                .unwrap()
                .unwrap()
                .settings;
            let seed = settings.tie_seed.unwrap();
            assert!(seed.len() >= 16);
            assert!(
                page.body
                    .contains(&format!("By drawing lots with the published seed {seed}")),
                "{}",
                page.body
            );
            // Anyone can draw the lots again from the seed and count.
            let costs = [(benches, 6000), (lights, 3000), (bins, 2000)];
            let mut drawn = costs.to_vec();
            drawn.sort_by_key(|(id, _)| coprod_server::budgeting::ties::lot(&seed, *id));
            let mut left = 10_000;
            let mut expected = Vec::new();
            for (id, cost) in drawn {
                if cost <= left {
                    left -= cost;
                    expected.push(id);
                }
            }
            assert_eq!(funded, expected);
        }
    }
}

async fn a_greedy_count_funds_by_votes_and_explains_each_project(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let token = api_token(&app).await;
    let mut organiser = app.as_role(Role::Manager).await;
    let (process, [benches, lights, bins]) = voting_process(&app, &mut organiser, &[]).await;
    online_ballots(
        &app,
        process,
        &[&[benches, lights], &[benches, bins], &[benches, lights]],
    )
    .await;
    let code = issue_codes(&mut organiser, process, 1).await.remove(0);
    let paper = organiser
        .post(
            &format!("/budgeting/{process}/paper-ballots"),
            &[("code", &code), (&*format!("p{bins}"), "on")],
        )
        .await;
    assert_eq!(paper.status, StatusCode::SEE_OTHER);

    let early = organiser
        .post(&format!("/budgeting/{process}/count"), &[])
        .await;
    assert_eq!(early.status, StatusCode::BAD_REQUEST, "not while voting");
    let (status, _) = api(
        &app,
        &token,
        &format!("/api/v1/budgeting/processes/{process}/results"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    close_and_count(&mut organiser, process).await;
    let again = organiser
        .post(&format!("/budgeting/{process}/count"), &[])
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "counted once");
    assert_eq!(app.count("pb_counts").await, 1);

    // Benches (£6,000, 3 votes) fit in £10,000; lights (£3,000) and bins
    // (£2,000) tie on 2 votes, and the process breaks ties by lower cost:
    // bins fit, and lights come third with £2,000 left.
    let page = app
        .client()
        .get(&format!("/budgeting/{process}/results"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("Funded projects"));
    assert!(body.contains(
        "Funded: it was number 1 by score (3 votes), and its cost of £6,000 fitted in the £10,000 still left."
    ));
    assert!(body.contains(
        "Not funded: it was number 3 by score (2 votes), but only £2,000 was left when its turn came, less than its cost of £3,000."
    ));
    assert!(
        body.contains("<td>Online</td><td>3</td><td>75%</td>"),
        "turnout by channel"
    );
    assert!(body.contains("<td>On paper</td><td>1</td><td>25%</td>"));
    assert!(body.contains("<svg role=\"img\""), "the chart");
    assert!(
        body.contains("The figures in the chart"),
        "with its data beside it"
    );
    assert!(body.contains("£8,000"), "spent");
    assert!(body.contains("The cheaper project first"), "the tie rule");

    let (status, results) = api(
        &app,
        &token,
        &format!("/api/v1/budgeting/processes/{process}/results"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(results["spent_pence"], 800_000);
    assert_eq!(results["ballots"], 4);
    let funded: Vec<i64> = results["projects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["funded"] == true)
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(funded, [benches, bins]);
    let third = &results["projects"][2];
    assert_eq!(third["id"], lights);
    assert_eq!(third["reasons"][0]["kind"], "did_not_fit");
    assert_eq!(third["reasons"][0]["left_before_pence"], 200_000);
    assert_eq!(results["turnout"][1]["channel"], "paper");
    let text = results.to_string();
    assert!(!text.contains("@example.org"), "no voter is named");

    // The vote is closed: no more paper ballots, and the proposal pages say
    // which projects were funded.
    let late = organiser
        .get(&format!("/budgeting/{process}/paper-ballots"))
        .await;
    assert!(late.body.contains("Voting is not open"));
    let proposal = app
        .client()
        .get(&format!("/budgeting/{process}/proposals/{benches}"))
        .await;
    assert!(proposal.body.contains("You said, we did"));
}

async fn equal_shares_explain_who_paid(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let token = api_token(&app).await;
    let mut organiser = app.as_role(Role::Manager).await;
    let (process, [benches, lights, bins]) =
        voting_process(&app, &mut organiser, &[("counting_rule", "mes")]).await;
    // Two voters want the benches; three want the lights and the bins.
    online_ballots(
        &app,
        process,
        &[
            &[benches],
            &[benches],
            &[lights, bins],
            &[lights, bins],
            &[lights, bins],
        ],
    )
    .await;
    close_and_count(&mut organiser, process).await;
    let (_, results) = api(
        &app,
        &token,
        &format!("/api/v1/budgeting/processes/{process}/results"),
    )
    .await;
    let spent = results["spent_pence"].as_i64().unwrap();
    assert!(spent <= 1_000_000, "equal shares never overspend");
    assert_eq!(results["pots"][0]["equal_shares"]["voters"], 5);
    let kinds: Vec<&str> = results["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["reasons"][0]["kind"].as_str().unwrap())
        .collect();
    // Each voter has £2,000: the three lights-and-bins voters (£6,000) pay
    // for both; the benches' two supporters (£4,000) cannot pay £6,000.
    let funded: Vec<i64> = results["projects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["funded"] == true)
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(funded.len(), 2);
    assert!(funded.contains(&lights) && funded.contains(&bins));
    assert_eq!(kinds, ["shared_out", "shared_out", "supporters_ran_out"]);
    let page = app
        .client()
        .get(&format!("/budgeting/{process}/results"))
        .await;
    assert!(page.body.contains("of equal shares: its 3 supporters paid"));
    assert!(
        page.body
            .contains("Not funded: its 2 supporters had only £4,000 left between them")
    );
    assert!(
        page.body
            .contains("Each of the 5 voters started with an equal share of £2,000")
    );
}

async fn a_theme_with_its_own_budget_is_counted_on_its_own(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let token = api_token(&app).await;
    let mut organiser = app.as_role(Role::Manager).await;
    let process = create_process(&mut organiser, &[]).await;
    let themed = organiser
        .post(
            &format!("/budgeting/{process}/categories"),
            &[("name", "Paths"), ("category_budget", "3000")],
        )
        .await;
    assert_eq!(themed.status, StatusCode::SEE_OTHER);
    let (paths,): (i64,) = sqlx::query_as("SELECT id FROM pb_categories")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let mut proposer = citizen(&app, "proposer@example.org").await;
    let mut ids = Vec::new();
    for (title, cost, category) in [
        ("Benches", "6000", String::new()),
        ("Gravel the path", "3000", paths.to_string()),
        ("Path signs", "2000", paths.to_string()),
    ] {
        let reply = proposer
            .post(
                &format!("/budgeting/{process}/propose"),
                &[
                    ("title", title),
                    ("description", "For everyone who walks here."),
                    ("estimated_cost", cost),
                    ("category_id", &category),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        ids.push(crate::support::budgeting::id_after(
            reply.location(),
            &format!("/budgeting/{process}/proposals/"),
        ));
    }
    next_phase(&mut organiser, process).await;
    for id in &ids {
        accept(&mut organiser, process, *id).await;
    }
    next_phase(&mut organiser, process).await;
    online_ballots(
        &app,
        process,
        &[&[ids[0], ids[1], ids[2]], &[ids[1], ids[2]], &[ids[1]]],
    )
    .await;
    close_and_count(&mut organiser, process).await;

    // Paths has £3,000: the gravel (3 votes) takes it all and the signs do
    // not fit; the benches share the other £7,000.
    let (_, results) = api(
        &app,
        &token,
        &format!("/api/v1/budgeting/processes/{process}/results"),
    )
    .await;
    let funded: Vec<i64> = results["projects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["funded"] == true)
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(funded, [ids[1], ids[0]]);
    assert_eq!(results["pots"][0]["category"], "Paths");
    assert_eq!(results["pots"][0]["budget_pence"], 300_000);
    assert_eq!(results["pots"][1]["budget_pence"], 700_000);
    let page = app
        .client()
        .get(&format!("/budgeting/{process}/results"))
        .await;
    assert!(
        page.body
            .contains("<td>Paths</td><td>£3,000</td><td>1</td><td>£3,000</td>")
    );
    assert!(
        page.body
            .contains("<td>No theme</td><td>Shares the main budget</td><td>1</td><td>£6,000</td>")
    );
}

async fn ranked_ballots_count_by_rank_points(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let token = api_token(&app).await;
    let mut organiser = app.as_role(Role::Manager).await;
    let (process, [benches, lights, bins]) = voting_process(
        &app,
        &mut organiser,
        &[
            ("ballot_type", "ranked"),
            ("ranks", "2"),
            ("budget", "5000"),
        ],
    )
    .await;
    for (n, (first, second)) in [(lights, bins), (bins, lights), (lights, benches)]
        .iter()
        .enumerate()
    {
        let mut voter = citizen(&app, &format!("ranker{n}@example.org")).await;
        confirm_eligible(&mut voter, process).await;
        let reply = voter
            .post(
                &format!("/budgeting/{process}/vote"),
                &[
                    ("rank1", &first.to_string()),
                    ("rank2", &second.to_string()),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    }
    close_and_count(&mut organiser, process).await;
    // Lights: 2 + 1 + 2 = 5 points; bins 1 + 2 = 3; benches 1.
    let (_, results) = api(
        &app,
        &token,
        &format!("/api/v1/budgeting/processes/{process}/results"),
    )
    .await;
    let scores: Vec<(i64, i64)> = results["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_i64().unwrap(), p["score"].as_i64().unwrap()))
        .collect();
    assert!(
        scores.contains(&(lights, 5))
            && scores.contains(&(bins, 3))
            && scores.contains(&(benches, 1))
    );
    assert_eq!(results["projects"][0]["id"], lights);
    assert_eq!(results["projects"][1]["id"], bins);
    assert_eq!(
        results["projects"][1]["funded"], true,
        "£3,000 + £2,000 fit in £5,000"
    );
}

async fn the_api_shows_totals_only_when_the_process_does(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let token = api_token(&app).await;
    let mut organiser = app.as_role(Role::Manager).await;
    let (process, [benches, ..]) = voting_process(&app, &mut organiser, &[]).await;
    online_ballots(&app, process, &[&[benches]]).await;
    let (status, listed) = api(&app, &token, "/api/v1/budgeting/processes").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["items"][0]["phase"], "voting");
    let path = format!("/api/v1/budgeting/processes/{process}");
    let (_, during) = api(&app, &token, &path).await;
    assert_eq!(during["projects"][0]["status"], "accepted");
    assert!(
        during["projects"][0].get("votes").unwrap().is_null(),
        "{during}"
    );
    next_phase(&mut organiser, process).await;
    let (_, after) = api(&app, &token, &path).await;
    let benches_row = after["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == benches)
        .unwrap()
        .clone();
    assert_eq!(benches_row["votes"], 1);
    let (status, _) = api(&app, &token, "/api/v1/budgeting/processes/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let anonymous = app.client().api_get(&path, None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

async fn funded_projects_keep_a_public_delivery_trail(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let mut organiser = app.as_role(Role::Coordinator).await;
    let (process, [benches, lights, bins]) =
        voting_process(&app, &mut organiser, &[("budget", "6000")]).await;
    online_ballots(&app, process, &[&[benches], &[benches, lights]]).await;
    close_and_count(&mut organiser, process).await;
    let path = format!("/budgeting/{process}/proposals/{benches}/delivery");
    let wrong = organiser
        .post(
            &path,
            &[
                ("status", "finished"),
                ("happened_on", "last week"),
                ("note", ""),
                ("spent", "-3"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["status", "happened_on", "note", "spent"] {
        assert!(
            wrong.body.contains(&format!("href=\"#{field}\"")),
            "{field}"
        );
    }
    assert_eq!(app.count("pb_delivery_updates").await, 0);
    for (status, day, note) in [
        (
            "planned",
            "2027-04-01",
            "The parks team has ordered the benches.",
        ),
        (
            "delivered",
            "2027-05-20",
            "Six benches are in place along the Harbour Walk.",
        ),
    ] {
        let posted = organiser
            .post(
                &path,
                &[
                    ("status", status),
                    ("happened_on", day),
                    ("note", note),
                    ("spent", "5850"),
                ],
            )
            .await;
        assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    }
    let public = app
        .client()
        .get(&format!("/budgeting/{process}/proposals/{benches}"))
        .await;
    assert!(public.body.contains("1 April 2027"));
    assert!(
        public
            .body
            .contains("Six benches are in place along the Harbour Walk.")
    );
    assert!(public.body.contains("£5,850"));
    let results = app
        .client()
        .get(&format!("/budgeting/{process}/results"))
        .await;
    assert!(results.body.contains("<td>Delivered</td>"));
    let unfunded = organiser
        .post(
            &format!("/budgeting/{process}/proposals/{bins}/delivery"),
            &[
                ("status", "planned"),
                ("happened_on", "2027-04-01"),
                ("note", "No"),
            ],
        )
        .await;
    assert_eq!(unfunded.status, StatusCode::BAD_REQUEST);
    let mut citizen = citizen(&app, "nosy@example.org").await;
    assert_eq!(citizen.get(&path).await.status, StatusCode::FORBIDDEN);
}

async fn every_ballot_stored_is_counted_even_when_entered_during_the_count(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let mut organiser = app.as_role(Role::Manager).await;
    let (process, [benches, ..]) = voting_process(&app, &mut organiser, &[]).await;
    let codes = issue_codes(&mut organiser, process, 6).await;
    next_phase(&mut organiser, process).await;
    let found = coprod_server::budgeting::store::find_process(&app.state.db, process)
        .await
        .unwrap()
        .unwrap();
    let choice = [coprod_server::coprod_engine::budgeting::ballot::Choice {
        proposal_id: benches,
        points: None,
        position: None,
    }];
    let mut entries = tokio::task::JoinSet::new();
    for code in &codes {
        let db = app.state.db.clone();
        let letters = coprod_server::budgeting::ballot_box::normalise_code(code).unwrap();
        entries.spawn(async move {
            coprod_server::budgeting::ballot_box::cast_with_code(
                &db, process, &letters, "paper", &choice,
            )
            .await
            .unwrap()
        });
    }
    let counted =
        coprod_server::budgeting::counting::count_and_publish(&app.state.db, &found, None, None)
            .await
            .unwrap();
    assert!(counted);
    while let Some(entry) = entries.join_next().await {
        let outcome = entry.unwrap();
        assert!(
            matches!(
                outcome,
                Ok(()) | Err(coprod_server::budgeting::ballot_box::CodeRefused::Counted)
            ),
            "{outcome:?}"
        );
    }
    let (in_count,): (i64,) = sqlx::query_as("SELECT ballots FROM pb_counts")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(
        in_count,
        app.count("pb_ballots").await,
        "no ballot left out"
    );
    let (votes,): (i64,) =
        sqlx::query_as("SELECT votes FROM pb_project_results WHERE proposal_id = $1")
            .bind(benches)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(votes, in_count);
}

on_both_backends!(
    ties_go_by_the_rule_the_organiser_chose,
    every_ballot_stored_is_counted_even_when_entered_during_the_count,
    a_greedy_count_funds_by_votes_and_explains_each_project,
    equal_shares_explain_who_paid,
    a_theme_with_its_own_budget_is_counted_on_its_own,
    ranked_ballots_count_by_rank_points,
    the_api_shows_totals_only_when_the_process_does,
    funded_projects_keep_a_public_delivery_trail,
);
