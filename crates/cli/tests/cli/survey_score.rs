//! `coprod survey score`: the interface other tools rely on — the JSON
//! shape, row numbers, and exit status 2 when rows are bad — and
//! `coprod import simd`.

use std::{
    io::Write,
    process::{Command, Output, Stdio},
};

use serde_json::{Value, json};

fn score(args: &[&str], csv: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_coprod"))
        .args(["survey", "score", "-"])
        .args(args)
        .env("COPROD_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(csv.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn json_of(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn swemwbs_gives_raw_and_metric_scores_with_their_means() {
    // Raw 7 → 7.00, raw 23 (3,3,3,3,3,4,4) → 20.73, raw 35 → 35.00.
    let output = score(
        &["--instrument", "swemwbs", "--json"],
        "q1,q2,q3,q4,q5,q6,q7\n1,1,1,1,1,1,1\n3,3,3,3,3,4,4\n5,5,5,5,5,5,5\n",
    );
    assert_eq!(
        json_of(&output),
        json!({
            "instrument": "swemwbs",
            "respondents": [
                {"row": 1, "raw": 7, "score": 7},
                {"row": 2, "raw": 23, "score": 20.73},
                {"row": 3, "raw": 35, "score": 35}
            ],
            // Raw (7 + 23 + 35) / 3 = 21.67; metric (7 + 20.73 + 35) / 3 = 20.91.
            "aggregate": {"n": 3, "raw": 21.67, "score": 20.91}
        })
    );
}

#[test]
fn ons4_keeps_the_four_scores_apart_and_ucla3_sums() {
    let output = score(
        &["--instrument", "ons4", "--json"],
        "q4,q3,q2,q1\n2,6,8,7\n0,9,9,10\n",
    );
    assert_eq!(
        json_of(&output),
        json!({
            "instrument": "ons4",
            "respondents": [
                {"row": 1, "scores": {"life_satisfaction": 7, "worthwhile": 8, "happy": 6, "anxious": 2}},
                {"row": 2, "scores": {"life_satisfaction": 10, "worthwhile": 9, "happy": 9, "anxious": 0}}
            ],
            "aggregate": {"n": 2, "scores": {"life_satisfaction": 8.5, "worthwhile": 8.5, "happy": 7.5, "anxious": 1}}
        })
    );
    let output = score(
        &["--instrument", "ucla3", "--json"],
        "q1,q2,q3\n1,2,3\n3,3,3\n",
    );
    assert_eq!(
        json_of(&output)["respondents"],
        json!([{"row": 1, "raw": 6, "score": 6}, {"row": 2, "raw": 9, "score": 9}])
    );
}

#[test]
fn the_coproduction_index_is_per_domain_from_0_to_100() {
    let csv = "audience,community_safety_1,community_safety_2,community_safety_3,community_safety_4,health_1,health_2,health_3,health_4\n\
               citizens,0,1,2,2,0,0,0,0\n\
               citizens,2,2,2,2,0,0,0,1\n";
    let output = score(&["--instrument", "coproduction-index", "--json"], csv);
    assert_eq!(
        json_of(&output),
        json!({
            "instrument": "coproduction-index",
            "respondents": [
                {"row": 1, "index": {"community_safety": 62.5, "health": 0}},
                {"row": 2, "index": {"community_safety": 100, "health": 12.5}}
            ],
            "aggregate": {"n": 2, "index": {"community_safety": 81.25, "health": 6.25}}
        })
    );
    let table = score(&["--instrument", "coproduction-index"], csv);
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("mean (n = 2)  81.25"), "{text}");
}

#[test]
fn bad_rows_stop_everything_unless_skipped() {
    let csv = "q1,q2,q3\n1,2,3\n1,7,1\nx,1,1\n2,2,2\n";
    let refused = score(&["--instrument", "ucla3", "--json"], csv);
    assert_eq!(refused.status.code(), Some(2));
    assert!(refused.stdout.is_empty(), "nothing is scored");
    let errors = String::from_utf8(refused.stderr).unwrap();
    assert!(errors.contains("row 2: q2 is 7"), "{errors}");
    assert!(errors.contains("row 3: q1 is \"x\""), "{errors}");

    let skipped = score(&["--instrument", "ucla3", "--json", "--skip-invalid"], csv);
    let scored = json_of(&skipped);
    let rows: Vec<i64> = scored["respondents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["row"].as_i64().unwrap())
        .collect();
    assert_eq!(rows, [1, 4], "rows keep their numbers in the file");
    assert_eq!(scored["aggregate"]["n"], 2);

    let missing = score(&["--instrument", "swemwbs"], "q1,q2\n1,1\n");
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8(missing.stderr)
            .unwrap()
            .contains("no column q3")
    );
}

#[test]
fn simd_imports_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("coprod.sqlite3").display());
    let run = |file: &str| {
        Command::new(env!("CARGO_BIN_EXE_coprod"))
            .args(["import", "simd", file, "--database-url", &url, "--data-dir"])
            .arg(dir.path())
            .env("COPROD_LOG", "warn")
            .output()
            .unwrap()
    };
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "Data_Zone,SIMD2020v2_Rank,SIMD2020v2_Decile\nS01000001,5,1\nS01000002,6,12\n",
    )
    .unwrap();
    let refused = run(bad.to_str().unwrap());
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("line 3, column SIMD2020v2_Decile"));
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "Data_Zone,SIMD2020v2_Rank,SIMD2020v2_Decile\nS01000001,5,1\nS01000002,6000,9\n",
    )
    .unwrap();
    let imported = run(good.to_str().unwrap());
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    assert!(String::from_utf8_lossy(&imported.stdout).contains("2 data zones now have them"));
}
