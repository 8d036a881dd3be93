//! The pabulib reader and writer: every shared file survives a round trip,
//! quoted fields keep their semicolons, and each kind of malformed file is
//! refused with the section, the line and the problem.

use std::path::PathBuf;

use coprod_engine::budgeting::{self, Decimal, Section, VoteType};

fn shared_elections() -> Vec<PathBuf> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pabulib");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "pb"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    files
}

#[test]
fn every_shared_file_reads_and_survives_writing_and_reading_again() {
    for path in shared_elections() {
        let name = path.display();
        let original = budgeting::read(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let written = budgeting::write(&original);
        let again = budgeting::read(&written).unwrap_or_else(|e| panic!("{name} rewritten: {e}"));
        assert_eq!(again.budget, original.budget, "{name}");
        assert_eq!(again.vote_type, original.vote_type, "{name}");
        assert_eq!(again.projects, original.projects, "{name}");
        assert_eq!(again.project_columns, original.project_columns, "{name}");
        assert_eq!(again.ballots, original.ballots, "{name}");
        let keys = |e: &budgeting::Election| {
            e.meta
                .entries()
                .map(|(k, _)| k.to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(&again), keys(&original), "{name}");
        // Written once, the text no longer changes.
        assert_eq!(budgeting::write(&again), written, "{name}");
    }
}

const GOOD: &str = "\u{feff}META
key;value
description;\"Ballots; with a semicolon\"
num_projects;2
num_votes;2
budget;1000.50
vote_type;cumulative
rule;greedy
PROJECTS
project_id;cost;votes;name
p1;600;2;\"Park; \"\"green\"\" and quiet\"
p2;400.25;1;Road

VOTES
voter_id;vote;points;age
v1;p1,p2;3,2;30
v2;p1;5;None
";

#[test]
fn reads_quoted_fields_decimals_points_and_missing_values() {
    let election = budgeting::read(GOOD).unwrap();
    assert_eq!(
        election.meta.get("description"),
        Some("Ballots; with a semicolon")
    );
    assert_eq!(election.budget, Decimal::parse("1000.5").unwrap());
    assert_eq!(election.vote_type, VoteType::Cumulative);
    assert_eq!(election.project_columns, ["name"]);
    assert_eq!(election.projects[0].other, ["Park; \"green\" and quiet"]);
    assert_eq!(election.projects[1].cost, Decimal::parse("400.25").unwrap());
    let ballots: Vec<_> = election.ballots.iter().collect();
    assert_eq!(ballots[0].choices, [0, 1]);
    assert_eq!(ballots[0].points, [3, 2]);
    assert_eq!(ballots[0].other(0), Some("30"));
    assert_eq!(ballots[1].other(0), Some("None"));
    let scores = budgeting::support::scores(&election);
    assert_eq!(scores, [Decimal::from_whole(8), Decimal::from_whole(2)]);
    assert_eq!(
        budgeting::read(&budgeting::write(&election)).unwrap(),
        election
    );
}

/// Each malformed variant of `GOOD`, and the error it must give.
#[test]
#[expect(clippy::too_many_lines, reason = "one table of cases")]
fn malformed_files_name_the_section_line_and_problem() {
    let cases: &[(&str, String, Section, usize, &str)] = &[
        (
            "no META",
            GOOD.replace("\u{feff}META\n", ""),
            Section::Meta,
            1,
            "must start with the line META",
        ),
        (
            "META header",
            GOOD.replace("key;value", "name;value"),
            Section::Meta,
            2,
            "key;value",
        ),
        (
            "repeated key",
            GOOD.replace("rule;greedy", "budget;7"),
            Section::Meta,
            8,
            "\"budget\" is already given on line 6",
        ),
        (
            "budget",
            GOOD.replace("budget;1000.50", "budget;lots"),
            Section::Meta,
            6,
            "budget: \"lots\" is not a number",
        ),
        (
            "vote type",
            GOOD.replace("vote_type;cumulative", "vote_type;scoring"),
            Section::Meta,
            7,
            "vote_type \"scoring\"",
        ),
        (
            "no cost column",
            GOOD.replace("project_id;cost;votes;name", "project_id;price;votes;name"),
            Section::Projects,
            10,
            "no \"cost\" column",
        ),
        (
            "repeated project",
            GOOD.replace("p2;400.25", "p1;400.25"),
            Section::Projects,
            12,
            "project \"p1\" is already listed on line 11",
        ),
        (
            "negative cost",
            GOOD.replace("p2;400.25", "p2;-4"),
            Section::Projects,
            12,
            "negative cost",
        ),
        (
            "too few fields",
            GOOD.replace("p2;400.25;1;Road", "p2;400.25;1"),
            Section::Projects,
            12,
            "3 fields but the header has 4",
        ),
        (
            "bad votes",
            GOOD.replace("p2;400.25;1;", "p2;400.25;one;"),
            Section::Projects,
            12,
            "not a whole number",
        ),
        (
            "unknown project",
            GOOD.replace("v2;p1;5", "v2;p9;5"),
            Section::Votes,
            17,
            "votes for project \"p9\", which is not in PROJECTS",
        ),
        (
            "points",
            GOOD.replace("v1;p1,p2;3,2", "v1;p1,p2;3"),
            Section::Votes,
            16,
            "names 2 projects but gives 1 points",
        ),
        (
            "repeated voter",
            GOOD.replace("v2;p1", "v1;p1"),
            Section::Votes,
            17,
            "voter \"v1\" already voted on line 16",
        ),
        (
            "count",
            GOOD.replace("num_votes;2", "num_votes;3"),
            Section::Meta,
            5,
            "num_votes is 3 but the file holds 2 ballots",
        ),
        (
            "order",
            GOOD.replace("PROJECTS\n", "VOTES\n"),
            Section::Votes,
            9,
            "expected the PROJECTS section here",
        ),
        (
            "truncated",
            GOOD[..GOOD.find("VOTES").unwrap()].to_owned(),
            Section::Votes,
            13,
            "ends without a VOTES section",
        ),
        (
            "open quote",
            GOOD.replace("p2;400.25;1;Road", "p2;400.25;1;\"Road"),
            Section::Projects,
            12,
            "is a closing quote missing?",
        ),
        (
            "no points column",
            GOOD.replace("voter_id;vote;points;age", "voter_id;vote;score;age"),
            Section::Votes,
            15,
            "no \"points\" column",
        ),
        (
            "ordinal without score",
            GOOD.replace("vote_type;cumulative", "vote_type;ordinal"),
            Section::Projects,
            10,
            "no \"score\" column",
        ),
    ];
    for (what, text, section, line, problem) in cases {
        let error = budgeting::read(text).expect_err(what);
        assert_eq!(
            (error.section, error.line),
            (*section, *line),
            "{what}: {error}"
        );
        assert!(error.problem.contains(problem), "{what}: {error}");
        let shown = error.to_string();
        assert!(
            shown.starts_with(&format!("{section} line {line}: ")),
            "{shown}"
        );
        assert_eq!(shown.lines().count(), 1, "{shown}");
    }
}
