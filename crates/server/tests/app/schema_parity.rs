//! The two migration trees describe one schema. Both are migrated into fresh
//! databases and read back from each engine's own catalogue: tables, columns
//! (types normalised to the four storage classes both engines share),
//! nullability, primary keys, foreign keys with their delete rule, unique
//! constraints and indexes. Every difference must be one of the deliberate
//! ones listed in [`DELIBERATE`], each with its reason; a difference that is
//! not listed, or a listed one that has gone, fails the test.

use std::collections::{BTreeMap, BTreeSet};

use coprod_server::db::{Backend, Db, testing::TestDb};
use sqlx::Row;

/// One fact about the schema, written the same way for both engines, such as
/// `column people.email text not null` or `index people (email) unique`.
type Fact = String;

/// Differences kept on purpose: (the fact, the engine that has it alone,
/// why). Word search is the one place the engines work differently (see
/// `db/full_text.rs`).
const DELIBERATE: &[(&str, Backend, &str)] = &[
    (
        "column directory_version.moved_by_transaction integer null",
        Backend::Postgres,
        "PostgreSQL moves the directory's generation once per transaction, stamping the \
         transaction's id, because one row updated again and again leaves a chain of row \
         versions; SQLite updates in place and moves it on every write",
    ),
    (
        "column services.search_vector tsvector null",
        Backend::Postgres,
        "PostgreSQL searches words through a generated tsvector column with a GIN index",
    ),
    (
        "index services (search_vector)",
        Backend::Postgres,
        "the GIN index over the generated tsvector",
    ),
    (
        "table services_fts_rows",
        Backend::Sqlite,
        "SQLite searches words in an FTS5 table; this one maps each service to its FTS rowid",
    ),
    (
        "column services_fts_rows.row_id integer not null",
        Backend::Sqlite,
        "the FTS5 rowid of a service's words",
    ),
    (
        "column services_fts_rows.service_id text not null",
        Backend::Sqlite,
        "the service whose words the FTS5 row holds",
    ),
    (
        "primary key services_fts_rows (row_id)",
        Backend::Sqlite,
        "the FTS5 rowid of a service's words",
    ),
    (
        "index services_fts_rows (service_id) unique",
        Backend::Sqlite,
        "one FTS5 row per service",
    ),
];

async fn migrated(backend: Backend) -> (TestDb, BTreeSet<Fact>) {
    let test_db = TestDb::new(backend).await.unwrap();
    let facts = match backend {
        Backend::Sqlite => sqlite_facts(&test_db.db).await,
        Backend::Postgres => postgres_facts(&test_db.db).await,
    };
    (test_db, facts)
}

/// The storage class a declared type falls in, in both engines' terms;
/// a type neither shares (`boolean` in `PostgreSQL`, say) stays itself, so it
/// shows as a difference.
fn storage_class(declared: &str) -> String {
    let declared = declared.to_ascii_lowercase();
    let class = if declared.contains("int") {
        "integer"
    } else if ["char", "text", "clob"]
        .iter()
        .any(|t| declared.contains(t))
    {
        "text"
    } else if ["real", "floa", "doub"]
        .iter()
        .any(|t| declared.contains(t))
    {
        "real"
    } else if declared.contains("blob") || declared == "bytea" {
        "blob"
    } else if declared.contains("numeric") || declared.contains("decimal") {
        "numeric"
    } else {
        return declared;
    };
    class.to_owned()
}

/// A foreign key as `SQLite` lists it: the target table, the columns, the
/// target's columns (none: its primary key) and the delete rule.
type ForeignKey = (String, Vec<String>, Vec<Option<String>>, String);

fn column_fact(table: &str, column: &str, declared: &str, not_null: bool) -> Fact {
    let null = if not_null { "not null" } else { "null" };
    format!("column {table}.{column} {} {null}", storage_class(declared))
}

fn index_fact(table: &str, columns: &[String], unique: bool) -> Fact {
    let unique = if unique { " unique" } else { "" };
    format!("index {table} ({}){unique}", columns.join(", "))
}

fn foreign_key_fact(
    table: &str,
    columns: &[String],
    target: &str,
    target_columns: &[String],
    on_delete: &str,
) -> Fact {
    format!(
        "foreign key {table} ({}) references {target} ({}) on delete {}",
        columns.join(", "),
        target_columns.join(", "),
        on_delete.to_ascii_lowercase()
    )
}

#[expect(
    clippy::too_many_lines,
    reason = "one catalogue read top to bottom: tables, columns, keys, indexes"
)]
async fn sqlite_facts(db: &Db) -> BTreeSet<Fact> {
    let pool = db.pool();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_sqlx%' ESCAPE '\\' \
         AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' \
         AND name NOT IN (SELECT name || suffix FROM sqlite_master, \
             (SELECT '_data' AS suffix UNION ALL SELECT '_idx' UNION ALL SELECT '_content' \
              UNION ALL SELECT '_docsize' UNION ALL SELECT '_config') \
             WHERE sql LIKE 'CREATE VIRTUAL TABLE%') \
         ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut facts = BTreeSet::new();
    for table in &tables {
        facts.insert(format!("table {table}"));
        let columns = sqlx::query(&format!(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}')"
        ))
        .fetch_all(pool)
        .await
        .unwrap();
        let mut primary_key: Vec<(i64, String)> = Vec::new();
        for column in &columns {
            let name: String = column.get(0);
            let declared: String = column.get(1);
            let not_null: i64 = column.get(2);
            let pk: i64 = column.get(3);
            if pk > 0 {
                primary_key.push((pk, name.clone()));
            }
            facts.insert(column_fact(
                table,
                &name,
                &declared,
                not_null != 0 || pk > 0,
            ));
        }
        primary_key.sort();
        let primary_key: Vec<String> = primary_key.into_iter().map(|(_, name)| name).collect();
        if !primary_key.is_empty() {
            facts.insert(format!("primary key {table} ({})", primary_key.join(", ")));
        }

        let keys = sqlx::query(&format!(
            "SELECT id, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('{table}') \
             ORDER BY id, seq"
        ))
        .fetch_all(pool)
        .await
        .unwrap();
        let mut by_id: BTreeMap<i64, ForeignKey> = BTreeMap::new();
        for key in &keys {
            let entry = by_id
                .entry(key.get(0))
                .or_insert_with(|| (key.get(1), Vec::new(), Vec::new(), key.get::<String, _>(4)));
            entry.1.push(key.get(2));
            entry.2.push(key.get(3));
        }
        for (target, from, to, on_delete) in by_id.into_values() {
            // A key that names no columns refers to the target's primary key.
            let to = if to.iter().all(Option::is_none) {
                sqlx::query_scalar(&format!(
                    "SELECT name FROM pragma_table_info('{target}') WHERE pk > 0 ORDER BY pk"
                ))
                .fetch_all(pool)
                .await
                .unwrap()
            } else {
                to.into_iter().map(Option::unwrap_or_default).collect()
            };
            facts.insert(foreign_key_fact(table, &from, &target, &to, &on_delete));
        }

        let indexes = sqlx::query(&format!(
            "SELECT name, \"unique\", origin FROM pragma_index_list('{table}')"
        ))
        .fetch_all(pool)
        .await
        .unwrap();
        for index in &indexes {
            let name: String = index.get(0);
            let unique: i64 = index.get(1);
            let origin: String = index.get(2);
            if origin == "pk" {
                continue;
            }
            let columns: Vec<Option<String>> = sqlx::query_scalar(&format!(
                "SELECT name FROM pragma_index_info('{name}') ORDER BY seqno"
            ))
            .fetch_all(pool)
            .await
            .unwrap();
            let columns: Vec<String> = columns
                .into_iter()
                .map(|c| c.unwrap_or_else(|| "(expression)".into()))
                .collect();
            facts.insert(index_fact(table, &columns, unique != 0));
        }
    }
    facts
}

#[expect(
    clippy::too_many_lines,
    reason = "one catalogue read top to bottom: tables, columns, keys, indexes"
)]
async fn postgres_facts(db: &Db) -> BTreeSet<Fact> {
    let pool = db.pool();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' \
         AND table_name NOT LIKE '\\_sqlx%' ORDER BY table_name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut facts = BTreeSet::new();
    for table in &tables {
        facts.insert(format!("table {table}"));
    }

    let columns = sqlx::query(
        "SELECT CAST(c.table_name AS TEXT), CAST(c.column_name AS TEXT), CAST(c.data_type AS TEXT), \
                CAST(c.is_nullable AS TEXT) \
         FROM information_schema.columns c JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' \
           AND c.table_name NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for column in &columns {
        let table: String = column.get(0);
        let name: String = column.get(1);
        let declared: String = column.get(2);
        let nullable: String = column.get(3);
        facts.insert(column_fact(&table, &name, &declared, nullable == "NO"));
    }

    // Constraints with their columns in key order: primary and foreign keys.
    let constraints = sqlx::query(
        "SELECT CAST(con.contype AS TEXT), CAST(rel.relname AS TEXT), \
                CAST(COALESCE(target.relname, '') AS TEXT), CAST(con.confdeltype AS TEXT), \
                (SELECT string_agg(CAST(a.attname AS TEXT), ',' ORDER BY k.ord) \
                   FROM unnest(con.conkey) WITH ORDINALITY AS k(num, ord) \
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num), \
                (SELECT string_agg(CAST(a.attname AS TEXT), ',' ORDER BY k.ord) \
                   FROM unnest(con.confkey) WITH ORDINALITY AS k(num, ord) \
                   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num) \
         FROM pg_constraint con \
         JOIN pg_class rel ON rel.oid = con.conrelid \
         JOIN pg_namespace ns ON ns.oid = rel.relnamespace \
         LEFT JOIN pg_class target ON target.oid = con.confrelid \
         WHERE ns.nspname = 'public' AND con.contype IN ('p', 'f') \
           AND rel.relname NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let split = |list: Option<String>| -> Vec<String> {
        list.unwrap_or_default()
            .split(',')
            .map(str::to_owned)
            .collect()
    };
    for constraint in &constraints {
        let kind: String = constraint.get(0);
        let table: String = constraint.get(1);
        let columns = split(constraint.get(4));
        if kind == "p" {
            facts.insert(format!("primary key {table} ({})", columns.join(", ")));
        } else {
            let on_delete = match constraint.get::<String, _>(3).as_str() {
                "c" => "CASCADE",
                "n" => "SET NULL",
                "d" => "SET DEFAULT",
                "r" => "RESTRICT",
                _ => "NO ACTION",
            };
            let target: String = constraint.get(2);
            facts.insert(foreign_key_fact(
                &table,
                &columns,
                &target,
                &split(constraint.get(5)),
                on_delete,
            ));
        }
    }

    // Every index but the primary keys', unique constraints' included.
    let indexes = sqlx::query(
        "SELECT CAST(rel.relname AS TEXT), CAST(CASE WHEN ix.indisunique THEN 1 ELSE 0 END AS BIGINT), \
                (SELECT string_agg(COALESCE(CAST(a.attname AS TEXT), '(expression)'), ',' ORDER BY k.ord) \
                   FROM unnest(ix.indkey) WITH ORDINALITY AS k(num, ord) \
                   LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.num) \
         FROM pg_index ix \
         JOIN pg_class rel ON rel.oid = ix.indrelid \
         JOIN pg_namespace ns ON ns.oid = rel.relnamespace \
         WHERE ns.nspname = 'public' AND NOT ix.indisprimary \
           AND rel.relname NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for index in &indexes {
        let table: String = index.get(0);
        let unique: i64 = index.get(1);
        facts.insert(index_fact(&table, &split(index.get(2)), unique != 0));
    }
    facts
}

#[tokio::test]
async fn both_migration_trees_describe_one_schema() {
    let (_sqlite_db, sqlite) = migrated(Backend::Sqlite).await;
    let (_postgres_db, postgres) = migrated(Backend::Postgres).await;

    let mut unexplained = Vec::new();
    for (only_in, facts, other) in [
        (Backend::Sqlite, &sqlite, &postgres),
        (Backend::Postgres, &postgres, &sqlite),
    ] {
        for fact in facts.difference(other) {
            let listed = DELIBERATE
                .iter()
                .any(|(listed, backend, _)| listed == fact && *backend == only_in);
            if !listed {
                unexplained.push(format!("only on {only_in:?}: {fact}"));
            }
        }
    }
    let stale: Vec<_> = DELIBERATE
        .iter()
        .filter(|(fact, backend, _)| {
            let (has, lacks) = match backend {
                Backend::Sqlite => (&sqlite, &postgres),
                Backend::Postgres => (&postgres, &sqlite),
            };
            !has.contains(*fact) || lacks.contains(*fact)
        })
        .map(|(fact, backend, _)| format!("listed for {backend:?} but not a difference: {fact}"))
        .collect();
    assert!(
        unexplained.is_empty() && stale.is_empty(),
        "the migration trees disagree:\n{}\n{}",
        unexplained.join("\n"),
        stale.join("\n")
    );
    // The comparison read something real from both catalogues.
    assert!(sqlite.len() > 200, "{} facts from SQLite", sqlite.len());
    assert!(sqlite.contains("table audit_events"));
}
