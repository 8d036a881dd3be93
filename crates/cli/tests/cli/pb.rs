//! `coprod pb count` as other tools call it: the JSON object, the human
//! summary, and a malformed file's one-line error with exit status 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn coprod(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coprod"))
        .args(args)
        .env("COPROD_LOG", "warn")
        .output()
        .unwrap()
}

fn shared(file: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "../../../shared/data/pabulib",
        file,
    ]
    .iter()
    .collect();
    assert!(path.exists(), "missing shared election {}", path.display());
    path.to_string_lossy().into_owned()
}

/// A small approval election written for these tests: budget 100, three
/// projects; `a` has 3 votes, `b` 2, `c` 1.
const SMALL: &str = "META
key;value
description;\"A test; with a semicolon\"
num_projects;3
num_votes;3
budget;100
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;votes;name;selected
a;60;3;\"First; project\";1
b;50;2;Second;0
c;40;1;Third;1
VOTES
voter_id;vote
1;a,b
2;a,b,c
3;a
";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout.clone()).unwrap();
    assert_eq!(text.trim().lines().count(), 1, "one line of JSON: {text}");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn json_is_one_object_with_rule_budget_spent_and_selected_in_funding_order() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "small.pb", SMALL);
    let value = json(&coprod(&["pb", "count", &file, "--json"]));
    assert_eq!(
        value,
        serde_json::json!({"rule": "greedy", "budget": 100, "spent": 100, "selected": ["a", "c"]})
    );
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 4);
}

#[test]
fn a_named_rule_overrides_meta() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "small.pb", SMALL);
    let value = json(&coprod(&[
        "pb",
        "count",
        &file,
        "--rule",
        "greedy-no-skip",
        "--json",
    ]));
    assert_eq!(value["rule"], "greedy-no-skip");
    assert_eq!(value["selected"], serde_json::json!(["a"]));
    assert_eq!(value["spent"], 60);
}

#[test]
fn equal_shares_with_add_one_matches_the_published_assen_outcome() {
    // pabutools funds these nine (see scripts/compare-pabutools.py), the
    // published outcome. Projects 2 and 11 tie when 2 is funded; the
    // file's PROJECTS section lists 2 first, and coprod breaks an imported
    // file's ties by that order, as the published results do (pabutools
    // orders the tie by id text, "11" before "2").
    let value = json(&coprod(&[
        "pb",
        "count",
        &shared("Netherlands_Assen_2024.pb"),
        "--json",
    ]));
    assert_eq!(value["rule"], "mes-add1");
    assert_eq!(value["budget"], 100_000);
    assert_eq!(value["spent"], 76_700);
    assert_eq!(
        value["selected"],
        serde_json::json!(["3", "9", "2", "11", "13", "14", "5", "6", "12"])
    );
}

#[test]
fn decimal_budgets_stay_exact_in_json() {
    let value = json(&coprod(&[
        "pb",
        "count",
        &shared("Poland_Krakow_2024_Wzgorza_Krzeslawickie.pb"),
        "--json",
    ]));
    assert_eq!(value["budget"].as_f64(), Some(2_228_141.75));
}

#[test]
fn the_summary_explains_every_project() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "small.pb", SMALL);
    let output = coprod(&["pb", "count", &file]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("counted with greedy"), "{text}");
    assert!(text.contains("Funded, in order:"), "{text}");
    assert!(
        text.contains("b  cost           50  rank 2, score 2: only 40 was left"),
        "{text}"
    );
}

/// The error must be exactly one line naming the section, the line and the
/// problem, with exit status 2.
fn assert_one_line_error(output: &Output, expected: &str) {
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(expected), "{stderr}");
}

#[test]
fn a_malformed_file_gives_one_line_and_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let unknown_project = SMALL.replace("3;a\n", "3;z\n");
    let file = write(dir.path(), "bad.pb", &unknown_project);
    assert_one_line_error(
        &coprod(&["pb", "count", &file, "--json"]),
        "VOTES line 18: voter \"3\" votes for project \"z\", which is not in PROJECTS",
    );

    let bad_cost = SMALL.replace("b;50;", "b;fifty;");
    let file = write(dir.path(), "cost.pb", &bad_cost);
    assert_one_line_error(
        &coprod(&["pb", "count", &file]),
        "PROJECTS line 12: the cost of project \"b\": \"fifty\" is not a number",
    );

    let no_votes = SMALL[..SMALL.find("VOTES").unwrap()].to_owned();
    let file = write(dir.path(), "short.pb", &no_votes);
    assert_one_line_error(
        &coprod(&["pb", "count", &file]),
        "the file ends without a VOTES section",
    );
}

#[test]
fn an_unreadable_file_or_unknown_meta_rule_also_gives_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pb");
    assert_one_line_error(
        &coprod(&["pb", "count", missing.to_str().unwrap()]),
        "cannot read the file",
    );
    let odd_rule = SMALL.replace("rule;greedy", "rule;lottery");
    let file = write(dir.path(), "rule.pb", &odd_rule);
    assert_one_line_error(
        &coprod(&["pb", "count", &file]),
        "META line 8: rule \"lottery\" is not one coprod can count",
    );
}

#[test]
fn an_unknown_rule_name_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "small.pb", SMALL);
    let output = coprod(&["pb", "count", &file, "--rule", "lottery"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("mes-add1-greedy"));
}
