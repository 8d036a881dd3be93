//! Every real election in `../shared/data/pabulib/` that publishes its
//! outcome (the PROJECTS column `selected`) and names a rule coprod counts,
//! and the elections written for these tests in `pabulib/` (a project
//! funded outside the counting rule; ties that the PROJECTS order decides):
//! `--rule auto` must fund exactly the projects the published outcome funds
//! by the rule (`selected` 1). Projects marked 2 or more were funded
//! outside the rule; they are kept, and counted like any other.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use coprod_engine::budgeting::{self, Counting, Project, RuleChoice};

fn elections_in(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("the elections are missing at {}: {e}", folder.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "pb"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .pb files in {}", folder.display());
    files
}

fn shared_elections() -> Vec<PathBuf> {
    elections_in(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pabulib"))
}

fn written_elections() -> Vec<PathBuf> {
    elections_in(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/engine/pabulib"))
}

/// What checking a set of files found.
#[derive(Default)]
struct Checked {
    reproduced: usize,
    without_outcome: Vec<String>,
    outside_rule: Vec<String>,
    differences: Vec<String>,
}

fn check(files: &[PathBuf]) -> Checked {
    let mut checked = Checked::default();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let election = budgeting::read(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        if election.projects.iter().any(|p| p.selected.is_none()) {
            checked.without_outcome.push(name);
            continue;
        }
        let published: BTreeSet<&str> = election
            .projects
            .iter()
            .filter(|p| p.funded_by_rule() == Some(true))
            .map(|p| p.id.as_str())
            .collect();
        if election.projects.iter().any(Project::funded_outside_rule) {
            checked.outside_rule.push(name.clone());
        }
        let counting =
            Counting::settle(&election, RuleChoice::Auto).unwrap_or_else(|e| panic!("{name}: {e}"));
        let outcome = budgeting::count(&election, counting);
        let ours: BTreeSet<&str> = budgeting::selected_ids(&election, &outcome.funded)
            .into_iter()
            .collect();
        if ours == published {
            checked.reproduced += 1;
        } else {
            checked.differences.push(format!(
                "{name} ({}): funded {:?} but the city funded {:?}",
                counting.rule,
                ours.difference(&published).collect::<Vec<_>>(),
                published.difference(&ours).collect::<Vec<_>>()
            ));
        }
    }
    checked
}

#[test]
fn auto_reproduces_every_published_outcome() {
    let shared = check(&shared_elections());
    println!(
        "{} of {} shared published outcomes reproduced; {} files publish none: {:?}; \
         funded outside the rule in {:?}",
        shared.reproduced,
        shared.reproduced + shared.differences.len(),
        shared.without_outcome.len(),
        shared.without_outcome,
        shared.outside_rule,
    );
    assert!(
        shared.differences.is_empty(),
        "{}",
        shared.differences.join("\n")
    );
    assert!(shared.reproduced > 0);
}

#[test]
fn outcomes_funded_outside_the_rule_and_ties_decided_by_the_projects_order_are_reproduced() {
    let files = written_elections();
    let written = check(&files);
    println!(
        "{} of {} written outcomes reproduced",
        written.reproduced,
        files.len()
    );
    assert!(
        written.differences.is_empty(),
        "{}",
        written.differences.join("\n")
    );
    assert_eq!(written.reproduced, files.len());
    assert_eq!(written.outside_rule, ["funded_outside_the_rule.pb"]);
}

#[test]
fn a_selected_value_above_one_is_kept_and_a_negative_one_is_refused() {
    let path = written_elections()
        .into_iter()
        .find(|p| p.ends_with("funded_outside_the_rule.pb"))
        .unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let election = budgeting::read(&text).unwrap();
    let bulbs = election.projects.iter().find(|p| p.id == "3").unwrap();
    assert_eq!(bulbs.selected, Some(2));
    assert!(bulbs.funded_outside_rule());
    assert_eq!(bulbs.funded_by_rule(), Some(false));
    // Written back as read.
    let again = budgeting::read(&budgeting::write(&election)).unwrap();
    assert_eq!(again.projects[2].selected, Some(2));

    for bad in ["-1", "1.5", "yes", "+2"] {
        let broken = text.replace(
            "3;10;2;Bulbs for the square;2",
            &format!("3;10;2;Bulbs for the square;{bad}"),
        );
        let error = budgeting::read(&broken).unwrap_err();
        assert!(error.problem.contains("selected"), "{bad}: {error}");
    }
}
