//! `coprod feedback due-date`: the date alone on standard output, and exit
//! status 2 naming what was wrong.

use std::process::{Command, Output};

fn due_date(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coprod"))
        .args(["feedback", "due-date"])
        .args(args)
        .env("COPROD_LOG", "warn")
        .output()
        .unwrap()
}

fn printed(args: &[&str]) -> String {
    let output = due_date(args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn prints_the_due_date_and_nothing_else() {
    // Over Christmas and New Year 2026: 25 and 28 December, 1 and 4 January off.
    assert_eq!(
        printed(&["--received", "2026-12-23", "--stage", "frontline"]),
        "2027-01-05\n"
    );
    assert_eq!(
        printed(&[
            "--received",
            "2026-12-23",
            "--stage",
            "frontline",
            "--extended"
        ]),
        "2027-01-12\n"
    );
    // Good Friday 2027 is skipped; Easter Monday is a working day in Scotland.
    assert_eq!(
        printed(&["--received", "2027-03-24", "--stage", "frontline"]),
        "2027-04-01\n"
    );
    assert_eq!(
        printed(&["--received", "2027-12-24", "--stage", "investigation"]),
        "2028-01-27\n"
    );
}

#[test]
fn a_bad_date_or_an_unknown_stage_is_named_with_status_2() {
    let bad_date = due_date(&["--received", "2026-02-30", "--stage", "frontline"]);
    assert_eq!(bad_date.status.code(), Some(2));
    let said = String::from_utf8_lossy(&bad_date.stderr);
    assert!(
        said.contains("--received") && said.contains("2026-02-30"),
        "{said}"
    );
    assert!(bad_date.stdout.is_empty());

    let bad_stage = due_date(&["--received", "2026-12-07", "--stage", "stage3"]);
    assert_eq!(bad_stage.status.code(), Some(2));
    let said = String::from_utf8_lossy(&bad_stage.stderr);
    assert!(
        said.contains("--stage") && said.contains("stage3"),
        "{said}"
    );

    let extended = due_date(&[
        "--received",
        "2026-12-07",
        "--stage",
        "investigation",
        "--extended",
    ]);
    assert_eq!(extended.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&extended.stderr).contains("--extended"));
}
