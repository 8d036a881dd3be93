//! `coprod pb import` and `coprod pb export` as an operator uses them: a
//! shared pabulib file goes in as a process, comes back out as a file, and
//! `coprod pb count` funds the same projects from both.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

fn coprod(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coprod"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("COPROD_DATABASE_URL")
        .env_remove("COPROD_CONFIG")
        .env("COPROD_LOG", "error")
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn shared(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/pabulib")
        .join(name)
}

#[test]
fn an_election_goes_in_and_comes_out_counting_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let original = shared("Netherlands_Assen_2024.pb");
    let original = original.to_str().unwrap();
    let imported = coprod(dir.path(), &["pb", "import", original]);
    assert!(imported.status.success(), "{}", text(&imported));
    assert!(
        text(&imported).contains("as process 1 with 14 projects and 84 ballots"),
        "{}",
        text(&imported)
    );

    let out = dir.path().join("assen.pb");
    let exported = coprod(dir.path(), &["pb", "export", "1", out.to_str().unwrap()]);
    assert!(exported.status.success(), "{}", text(&exported));
    let to_stdout = coprod(dir.path(), &["pb", "export", "1", "-"]);
    assert!(String::from_utf8_lossy(&to_stdout.stdout).starts_with("META\n"));

    let counted = |file: &str| {
        let output = coprod(dir.path(), &["pb", "count", file, "--json"]);
        assert!(output.status.success(), "{}", text(&output));
        String::from_utf8(output.stdout).unwrap()
    };
    assert_eq!(counted(out.to_str().unwrap()), counted(original));
}

#[test]
fn bad_files_and_unknown_processes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.pb");
    std::fs::write(&broken, "META\nkey;value\nbudget;lots\n").unwrap();
    let refused = coprod(dir.path(), &["pb", "import", broken.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("broken.pb"), "{}", text(&refused));
    let missing = coprod(dir.path(), &["pb", "export", "7", "-"]);
    assert!(!missing.status.success());
    assert!(
        text(&missing).contains("there is no process 7"),
        "{}",
        text(&missing)
    );
}
