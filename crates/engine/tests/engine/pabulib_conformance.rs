//! Every real election in `../shared/data/pabulib/` that publishes its
//! outcome (the PROJECTS column `selected`) and names a rule coprod counts:
//! `--rule auto` must fund exactly the published projects.

use std::collections::BTreeSet;
use std::path::PathBuf;

use coprod_engine::budgeting::{self, Counting, RuleChoice};

fn shared_elections() -> Vec<PathBuf> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pabulib");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| {
            panic!(
                "the shared elections are missing at {}: {e}",
                folder.display()
            )
        })
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "pb"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .pb files in {}", folder.display());
    files
}

#[test]
fn auto_reproduces_every_published_outcome() {
    let mut checked = 0;
    let mut without_outcome = Vec::new();
    let mut differences = Vec::new();
    for path in shared_elections() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let election = budgeting::read(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let published: BTreeSet<&str> = election
            .projects
            .iter()
            .filter(|p| p.selected == Some(true))
            .map(|p| p.id.as_str())
            .collect();
        if election.projects.iter().any(|p| p.selected.is_none()) {
            without_outcome.push(name);
            continue;
        }
        let counting =
            Counting::settle(&election, RuleChoice::Auto).unwrap_or_else(|e| panic!("{name}: {e}"));
        let outcome = budgeting::count(&election, counting);
        let ours: BTreeSet<&str> = budgeting::selected_ids(&election, &outcome.funded)
            .into_iter()
            .collect();
        checked += 1;
        if ours != published {
            differences.push(format!(
                "{name} ({}): funded {:?} but the city funded {:?}",
                counting.rule,
                ours.difference(&published).collect::<Vec<_>>(),
                published.difference(&ours).collect::<Vec<_>>()
            ));
        }
    }
    println!(
        "{checked} published outcomes reproduced; {} files publish none: {without_outcome:?}",
        without_outcome.len()
    );
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    assert!(checked > 0);
}
