//! Participatory budgeting, from setting up a process to the projects on
//! its ballot: phases, proposals on every channel, the feasibility review
//! and the forms' errors.

use crate::support::{
    TestApp,
    budgeting::{citizen, create_process, next_phase, post, process_form, propose, with_postcodes},
};
use axum::http::StatusCode;
use coprod_server::{coprod_engine::people::Role, db::Backend};

async fn status_of(app: &TestApp, proposal: i64) -> (String, Option<i64>, String) {
    sqlx::query_as(
        "SELECT status, revised_cost_pence, review_reason FROM pb_proposals WHERE id = $1",
    )
    .bind(proposal)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap()
}

#[expect(
    clippy::too_many_lines,
    reason = "one journey through the phases, read top to bottom"
)]
async fn a_process_goes_from_proposals_to_the_ballot(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let mut organiser = app.as_role(Role::Manager).await;
    let process = create_process(&mut organiser, &[("max_choices", "2")]).await;

    let public = app.client().get(&format!("/budgeting/{process}")).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("Shore Path Fund"));
    assert!(public.body.contains("£10,000"));
    assert!(public.body.contains("Send in a proposal"));
    assert!(
        app.client()
            .get("/budgeting")
            .await
            .body
            .contains("Shore Path Fund")
    );

    // A citizen proposes online; staff type in one from paper and one from
    // an event, each recording its channel.
    let mut morag = citizen(&app, "morag@example.org").await;
    let benches = propose(&mut morag, process, "Benches on the shore path", "4000").await;
    let thanks = morag
        .get(&format!("/budgeting/{process}/proposals/{benches}?sent=1"))
        .await;
    assert!(thanks.body.contains("Thank you for your proposal"));
    for (title, channel) in [
        ("More benches please", "paper"),
        ("A paddling pool", "event"),
    ] {
        let entered = organiser
            .post(
                &format!("/budgeting/{process}/proposals/new"),
                &[
                    ("channel", channel),
                    ("title", title),
                    ("description", "Written on a card at the gala."),
                    ("estimated_cost", "2500"),
                ],
            )
            .await;
        assert_eq!(entered.status, StatusCode::SEE_OTHER, "{}", entered.body);
    }
    let channels: Vec<(String, String)> =
        sqlx::query_as("SELECT title, channel FROM pb_proposals ORDER BY id")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(
        channels.iter().map(|(_, c)| c.as_str()).collect::<Vec<_>>(),
        ["online", "paper", "event"]
    );
    let (duplicate, pool) = (benches + 1, benches + 2);

    // The feasibility review: accept at a revised cost, merge a duplicate,
    // reject with a public reason.
    next_phase(&mut organiser, process).await;
    let late = morag
        .post(
            &format!("/budgeting/{process}/propose"),
            &[
                ("title", "Too late"),
                ("description", "x"),
                ("estimated_cost", "10"),
            ],
        )
        .await;
    assert_eq!(
        late.status,
        StatusCode::BAD_REQUEST,
        "proposals have closed"
    );
    let reviewed = organiser
        .post(
            &format!("/budgeting/{process}/proposals/{benches}/review"),
            &[
                ("decision", "accept"),
                ("revised_cost", "4800"),
                ("reason", "The quote came in higher."),
            ],
        )
        .await;
    assert_eq!(reviewed.status, StatusCode::SEE_OTHER, "{}", reviewed.body);
    let merged = organiser
        .post(
            &format!("/budgeting/{process}/proposals/{duplicate}/review"),
            &[
                ("decision", "merge"),
                ("merge_into", &benches.to_string()),
                ("reason", "The same idea as the benches proposal."),
            ],
        )
        .await;
    assert_eq!(merged.status, StatusCode::SEE_OTHER, "{}", merged.body);
    let rejected = organiser
        .post(
            &format!("/budgeting/{process}/proposals/{pool}/review"),
            &[
                ("decision", "reject"),
                ("reason", "The ground floods at high tide."),
            ],
        )
        .await;
    assert_eq!(rejected.status, StatusCode::SEE_OTHER, "{}", rejected.body);
    assert_eq!(
        status_of(&app, benches).await,
        (
            "accepted".into(),
            Some(480_000),
            "The quote came in higher.".into()
        )
    );
    assert_eq!(status_of(&app, duplicate).await.0, "merged");
    assert_eq!(status_of(&app, pool).await.0, "rejected");
    let reviews: i64 = sqlx::query_as::<_, (i64,)>(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'budget_proposal_reviewed'",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap()
    .0;
    assert_eq!(reviews, 3);

    let public = app.client().get(&format!("/budgeting/{process}")).await;
    assert!(public.body.contains("Projects on the ballot"));
    assert!(public.body.contains("£4,800"), "the revised cost");
    assert!(public.body.contains("The ground floods at high tide."));
    assert!(
        public
            .body
            .contains("joined with Benches on the shore path")
    );
    let page = app
        .client()
        .get(&format!("/budgeting/{process}/proposals/{pool}"))
        .await;
    assert!(page.body.contains("Not going ahead"));
    assert!(page.body.contains("At an event"));

    // Voting opens; the ballot is fixed from then on.
    next_phase(&mut organiser, process).await;
    let public = app.client().get(&format!("/budgeting/{process}")).await;
    assert!(public.body.contains("Vote online"));
    assert_eq!(
        organiser
            .post(
                &format!("/budgeting/{process}/proposals/{pool}/review"),
                &[("decision", "accept"), ("reason", "")],
            )
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        organiser
            .get(&format!("/budgeting/{process}/edit"))
            .await
            .status,
        StatusCode::BAD_REQUEST,
        "settings are fixed once voting opens"
    );
}

async fn voting_cannot_open_with_nothing_on_the_ballot(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut organiser = app.as_role(Role::Coordinator).await;
    let process = create_process(&mut organiser, &[]).await;
    next_phase(&mut organiser, process).await;
    let refused = organiser
        .post(&format!("/budgeting/{process}/next-phase"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("Accept at least one proposal"));
}

async fn a_wrong_process_form_explains_every_field_and_stores_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    with_postcodes(&app).await;
    let mut organiser = app.as_role(Role::Manager).await;
    let fields = process_form(&[
        ("title", ""),
        ("budget", "12.345"),
        ("area_code", "S12000099"),
        ("minimum_age", "two hundred"),
        ("ballot_type", "cumulative"),
        ("points_total", ""),
        ("counting_rule", "greedy-threshold"),
        ("voting_opens", "2020-13-01"),
        ("delivery_starts", "2000-01-01"),
    ]);
    let refused = post(&mut organiser, "/budgeting/new", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        "title",
        "budget",
        "area_code",
        "minimum_age",
        "points_total",
        "score_threshold",
        "voting_opens",
    ] {
        assert!(
            refused.body.contains(&format!("href=\"#{field}\"")),
            "the summary links to {field}"
        );
        assert!(
            refused.body.contains(&format!("id=\"{field}-error\"")),
            "{field} shows its error"
        );
    }
    assert!(
        refused
            .body
            .contains("No postcode in the directory lies in that area")
    );
    assert!(
        refused.body.contains("value=\"two hundred\""),
        "what was typed stays"
    );
    assert_eq!(app.count("pb_processes").await, 0);

    let backwards = post(
        &mut organiser,
        "/budgeting/new",
        &process_form(&[("delivery_starts", &crate::support::budgeting::day(5))]),
    )
    .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(backwards.body.contains("The stages must follow each other"));
    assert!(backwards.body.contains("href=\"#delivery_starts\""));
    assert_eq!(app.count("pb_processes").await, 0);

    let known_area = create_process(&mut organiser, &[("area_code", "s12099001")]).await;
    let (area,): (Option<String>,) =
        sqlx::query_as("SELECT area_code FROM pb_processes WHERE id = $1")
            .bind(known_area)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(area.as_deref(), Some("S12099001"));
}

async fn a_wrong_proposal_or_review_explains_itself_and_stores_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut organiser = app.as_role(Role::Manager).await;
    let process = create_process(&mut organiser, &[]).await;
    let mut citizen = citizen(&app, "ewan@example.org").await;
    let refused = citizen
        .post(
            &format!("/budgeting/{process}/propose"),
            &[
                ("title", ""),
                ("description", "  "),
                ("category_id", "999"),
                ("estimated_cost", "lots"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["title", "description", "category_id", "estimated_cost"] {
        assert!(
            refused.body.contains(&format!("href=\"#{field}\"")),
            "{field}"
        );
    }
    assert!(refused.body.contains("Enter an amount in pounds"));
    let unchannelled = organiser
        .post(
            &format!("/budgeting/{process}/proposals/new"),
            &[
                ("channel", "carrier pigeon"),
                ("title", "Lamp"),
                ("description", "A lamp"),
                ("estimated_cost", "10"),
            ],
        )
        .await;
    assert_eq!(unchannelled.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unchannelled.body.contains("href=\"#channel\""));
    assert_eq!(app.count("pb_proposals").await, 0);

    let proposal = propose(&mut citizen, process, "A lamp", "300").await;
    let unreasoned = organiser
        .post(
            &format!("/budgeting/{process}/proposals/{proposal}/review"),
            &[("decision", "reject"), ("reason", " ")],
        )
        .await;
    assert_eq!(unreasoned.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unreasoned.body.contains("Give the reason"));
    let into_itself = organiser
        .post(
            &format!("/budgeting/{process}/proposals/{proposal}/review"),
            &[
                ("decision", "merge"),
                ("merge_into", &proposal.to_string()),
                ("reason", "Same"),
            ],
        )
        .await;
    assert_eq!(into_itself.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(into_itself.body.contains("href=\"#merge_into\""));
    assert_eq!(status_of(&app, proposal).await.0, "submitted");
}

async fn categories_have_their_own_budgets(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut organiser = app.as_role(Role::Manager).await;
    let process = create_process(&mut organiser, &[]).await;
    let add = |name: &'static str, budget: &'static str| {
        let mut organiser = organiser.clone();
        async move {
            organiser
                .post(
                    &format!("/budgeting/{process}/categories"),
                    &[("name", name), ("category_budget", budget)],
                )
                .await
        }
    };
    assert_eq!(
        add("Young people", "4000").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(add("Paths", "").await.status, StatusCode::SEE_OTHER);
    let too_much = add("Play parks", "7000").await;
    assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        too_much
            .body
            .contains("add up to more than the whole budget")
    );
    let twice = add("Paths", "").await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("already has a theme with that name"));
    assert_eq!(app.count("pb_categories").await, 2);
    let public = app.client().get(&format!("/budgeting/{process}")).await;
    assert!(
        public
            .body
            .contains("Young people: its own budget of £4,000")
    );
}

async fn only_organisers_run_processes(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut organiser = app.as_role(Role::Manager).await;
    let process = create_process(&mut organiser, &[]).await;
    let mut volunteer = app.as_role(Role::Volunteer).await;
    assert_eq!(
        volunteer
            .get(&format!("/budgeting/{process}/manage"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(&mut volunteer, "/budgeting/new", &process_form(&[]))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.count("pb_processes").await, 1);
    let mut anonymous = app.client();
    let propose = anonymous
        .get(&format!("/budgeting/{process}/propose"))
        .await;
    assert_eq!(propose.status, StatusCode::SEE_OTHER, "sign in first");
    assert!(propose.location().starts_with("/sign-in?return_to="));
}

on_both_backends!(
    a_process_goes_from_proposals_to_the_ballot,
    voting_cannot_open_with_nothing_on_the_ballot,
    a_wrong_process_form_explains_every_field_and_stores_nothing,
    a_wrong_proposal_or_review_explains_itself_and_stores_nothing,
    categories_have_their_own_budgets,
    only_organisers_run_processes,
);
