//! Real elections through the platform: a pabulib file imported as a
//! process and counted from the platform's own storage funds exactly the
//! projects the city published, and exports back to an equivalent file.

use std::{collections::BTreeSet, path::PathBuf};

use crate::support::TestApp;
use coprod_server::{
    budgeting::{counting, pabulib, store},
    coprod_engine::budgeting::{self as engine, Counting, RuleChoice},
    db::Backend,
};

/// Shared elections covering every vote type and counting rule coprod
/// imports: choose-1, cumulative, approval (greedy, no-skip, thresholds,
/// equal shares with add-one) and ordinal.
const FILES: &[&str] = &[
    "Poland_Zabrze_2020_Zandka.pb",
    "Poland_Gdansk_2020_Rudniki.pb",
    "Netherlands_Assen_2024.pb",
    "Poland_Warszawa_2017_Las.pb",
    "Poland_Gdynia_2020_Dzialki_Lesne__large.pb",
    "Poland_Katowice_2023_Brynow_Czesc_Wschodnia_-_Osiedle_Zgrzebnioka.pb",
    "Poland_Warszawa_2018_Piaski.pb",
    "Poland_Swiecie_2023.pb",
    "Poland_Krakow_2018_Pradnik_Czerwony.pb",
    "Poland_Wroclaw_2018_Rejon_nr_8_750.pb",
];

/// Elections written for the engine's tests: a project funded outside the
/// counting rule (`selected` 2), and ties the PROJECTS order decides under
/// greedy and under equal shares.
const WRITTEN: &[&str] = &[
    "funded_outside_the_rule.pb",
    "ties_follow_the_projects_order.pb",
    "equal_shares_ties_follow_the_projects_order.pb",
];

fn shared(name: &str) -> String {
    let folder = if WRITTEN.contains(&name) {
        "../engine/tests/engine/pabulib"
    } else {
        "../../../shared/data/pabulib"
    };
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(folder)
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

async fn imported_elections_count_as_the_cities_did(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    for name in FILES.iter().chain(WRITTEN) {
        let election = engine::read(&shared(name)).unwrap();
        let imported = pabulib::import(db, &election, name).await.unwrap();
        assert_eq!(imported.projects, election.projects.len(), "{name}");
        assert_eq!(imported.ballots, election.ballots.len(), "{name}");
        let process = store::find_process(db, imported.process_id)
            .await
            .unwrap()
            .unwrap();
        assert!(process.sealed, "{name}: an imported vote is sealed");
        assert!(
            counting::count_and_publish(db, &process, None, None)
                .await
                .unwrap()
        );

        // What the platform funded, by the file's project ids.
        let proposals = store::proposals(db, process.id).await.unwrap();
        let funded: BTreeSet<String> = counting::funded_ids(db, process.id)
            .await
            .unwrap()
            .iter()
            .map(|id| {
                let proposal = proposals.iter().find(|p| p.id == *id).unwrap();
                proposal.external_id.clone().unwrap()
            })
            .collect();
        // What the engine funds from the file itself, and what the city published.
        let outcome = engine::count(
            &election,
            Counting::settle(&election, RuleChoice::Auto).unwrap(),
        );
        let from_file: BTreeSet<String> = engine::selected_ids(&election, &outcome.funded)
            .into_iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(
            funded, from_file,
            "{name}: the platform counts as the engine does"
        );
        let published: BTreeSet<String> = election
            .projects
            .iter()
            .filter(|p| p.funded_by_rule() == Some(true))
            .map(|p| p.id.clone())
            .collect();
        if election.projects.iter().any(|p| p.selected.is_some()) {
            assert_eq!(funded, published, "{name}: as the city published");
        }

        // Exported, the file reads back and counts the same.
        let exported = engine::write(&pabulib::export(db, process.id).await.unwrap());
        let again = engine::read(&exported).unwrap();
        assert_eq!(again.ballots.len(), election.ballots.len(), "{name}");
        let recount = engine::count(&again, Counting::settle(&again, RuleChoice::Auto).unwrap());
        let recounted: BTreeSet<String> = engine::selected_ids(&again, &recount.funded)
            .into_iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(recounted, funded, "{name}: the export counts the same");
        let marked: BTreeSet<String> = again
            .projects
            .iter()
            .filter(|p| p.funded_by_rule() == Some(true))
            .map(|p| p.id.clone())
            .collect();
        assert_eq!(marked, funded, "{name}: the export marks what was funded");
        // A project funded outside the rule keeps its mark.
        for (before, after) in election.projects.iter().zip(&again.projects) {
            if before.funded_outside_rule() {
                assert_eq!(after.selected, before.selected, "{name}: {}", before.id);
            }
        }
    }
}

async fn the_results_show_projects_funded_outside_the_rule_and_how_ties_go(backend: Backend) {
    let app = TestApp::new(backend).await;
    let db = &app.state.db;
    let election = engine::read(&shared("funded_outside_the_rule.pb")).unwrap();
    let imported = pabulib::import(db, &election, "outside").await.unwrap();
    let process = store::find_process(db, imported.process_id)
        .await
        .unwrap()
        .unwrap();
    counting::count_and_publish(db, &process, None, None)
        .await
        .unwrap();
    let page = app
        .client()
        .get(&format!("/budgeting/{}/results", process.id))
        .await;
    assert_eq!(page.status, axum::http::StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("In the order the imported file lists its projects"),
        "{}",
        page.body
    );
    let bulbs = page.body.find("Bulbs for the square <strong").unwrap();
    let section = &page.body[bulbs..];
    assert!(
        section.contains("Funded outside the counting rule"),
        "{section}"
    );
    assert!(
        section.contains("marked 2 in its selected column"),
        "{section}"
    );
    // Only that project carries the mark.
    assert_eq!(
        page.body.matches("marked 2 in its selected column").count(),
        1
    );
}

async fn a_file_that_cannot_be_kept_exactly_stores_nothing(backend: Backend) {
    let app = TestApp::new(backend).await;
    let text = "META\nkey;value\nbudget;100.005\nvote_type;approval\nrule;greedy\n\
                PROJECTS\nproject_id;cost\n1;50\nVOTES\nvoter_id;vote\n1;1\n";
    let election = engine::read(text).unwrap();
    let refused = pabulib::import(&app.state.db, &election, "tiny").await;
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("more than two decimal places")
    );
    assert_eq!(app.count("pb_processes").await, 0);

    let free = "META\nkey;value\nbudget;100\nvote_type;approval\nrule;greedy\n\
                PROJECTS\nproject_id;cost\n1;50\n2;0\nVOTES\nvoter_id;vote\n1;1,2\n";
    let election = engine::read(free).unwrap();
    let refused = pabulib::import(&app.state.db, &election, "free").await;
    assert!(refused.unwrap_err().to_string().contains("costs nothing"));
    assert_eq!(app.count("pb_processes").await, 0, "all or nothing");
    assert_eq!(app.count("pb_proposals").await, 0);
}

async fn an_open_vote_cannot_be_exported(backend: Backend) {
    let app = TestApp::new(backend).await;
    crate::support::budgeting::with_postcodes(&app).await;
    let mut organiser = app
        .as_role(coprod_server::coprod_engine::people::Role::Manager)
        .await;
    let (process, _) = crate::support::budgeting::voting_process(&app, &mut organiser, &[]).await;
    let refused = pabulib::export(&app.state.db, process).await;
    assert!(refused.unwrap_err().to_string().contains("still open"));
    assert!(pabulib::export(&app.state.db, 999_999).await.is_err());
}

on_both_backends!(
    imported_elections_count_as_the_cities_did,
    the_results_show_projects_funded_outside_the_rule_and_how_ties_go,
    a_file_that_cannot_be_kept_exactly_stores_nothing,
    an_open_vote_cannot_be_exported,
);
