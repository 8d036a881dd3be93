//! SQL lives in store modules and in `db/`, nowhere else: a handler or a
//! page asks a store. This test reads every source file of the crate and
//! fails on a query written anywhere else, so a new one is caught in
//! review rather than found later.

use std::path::{Path, PathBuf};

/// What marks a file as running SQL itself.
const MARKERS: [&str; 4] = [
    "sqlx::query",
    "query_as(",
    "query_scalar(",
    "params::Params",
];

/// Files that still run SQL outside a store, each with why. The list only
/// shrinks: the test also fails when a file here no longer needs to be.
const NOT_YET_MOVED: &[(&str, &str)] = &[
    // The HSDS API and the service search build their filters at run time
    // (`db::params`) beside the code that shapes the answer; their queries
    // are next to move into `asset_map/store/`.
    ("asset_map/hsds_api.rs", "run-time filters of the HSDS API"),
    (
        "asset_map/search.rs",
        "run-time filters of the service search",
    ),
    // Coordination is converted in a later pass, together with its
    // error type (still built on sqlx::Error).
    ("coordination/days.rs", "later pass"),
    ("coordination/matcher.rs", "later pass"),
    ("coordination/notify.rs", "later pass"),
    ("coordination/views.rs", "later pass"),
    ("coordination/workflow.rs", "later pass"),
];

/// Whether SQL may live at this path (relative to `src/`).
fn is_store(path: &str) -> bool {
    path.starts_with("db/")
        || path
            .split('/')
            .any(|part| part == "store" || part == "store.rs")
}

fn sources(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("the source folder is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// The files, relative to `src/` with `/` separators, that run SQL.
fn files_with_sql() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    sources(&root, &mut paths);
    let mut found: Vec<String> = paths
        .iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).expect("a source file is readable");
            MARKERS.iter().any(|marker| text.contains(marker))
        })
        .map(|path| {
            let relative = path.strip_prefix(&root).expect("under src");
            relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    found.sort();
    found
}

#[test]
fn sql_is_only_in_stores_and_db() {
    let found = files_with_sql();
    let outside: Vec<&String> = found
        .iter()
        .filter(|path| !is_store(path))
        .filter(|path| !NOT_YET_MOVED.iter().any(|(listed, _)| listed == path))
        .collect();
    assert!(
        outside.is_empty(),
        "SQL outside a store module or db/: {outside:?}. Put the query in the \
         capability's store (a `store.rs` or a `store/` folder) and call it."
    );
}

#[test]
fn the_list_of_files_not_yet_moved_is_current() {
    let found = files_with_sql();
    let moved: Vec<&str> = NOT_YET_MOVED
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| !found.iter().any(|f| f == path))
        .collect();
    assert!(
        moved.is_empty(),
        "these files no longer run SQL; take them off NOT_YET_MOVED: {moved:?}"
    );
}

#[test]
fn store_paths_are_recognised() {
    assert!(is_store("accounts/store.rs"));
    assert!(is_store("asset_map/store/keeping.rs"));
    assert!(is_store("db/params.rs"));
    assert!(!is_store("asset_map/listings.rs"));
    assert!(!is_store("storage.rs"));
}
