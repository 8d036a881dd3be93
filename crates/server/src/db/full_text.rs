//! Word search, the one place where SQLite and PostgreSQL need different
//! SQL: SQLite keeps an FTS5 table that the application fills; PostgreSQL
//! keeps a generated `tsvector` column with a GIN index. Both stem English.

use sqlx::{Any, Row, Transaction};

use super::Backend;

/// Keeps the word index of one service in step with its projection.
///
/// On `SQLite` the service's row in `services_fts` is found through
/// `services_fts_rows`, which keeps its rowid: `service_id` is not indexed in
/// the FTS table, so finding it there would read the whole index.
pub async fn index_service(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    id: &str,
    name: &str,
    categories: &str,
    description: &str,
) -> Result<(), sqlx::Error> {
    if backend == Backend::Sqlite {
        let row_id: i64 = sqlx::query(
            "INSERT INTO services_fts_rows (service_id) VALUES ($1) \
             ON CONFLICT (service_id) DO UPDATE SET service_id = excluded.service_id RETURNING row_id",
        )
        .bind(id)
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
        sqlx::query("DELETE FROM services_fts WHERE rowid = $1")
            .bind(row_id)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "INSERT INTO services_fts (rowid, service_id, name, categories, description) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(row_id)
        .bind(id)
        .bind(name)
        .bind(categories)
        .bind(description)
        .execute(&mut **tx)
        .await?;
    }
    // PostgreSQL's search_vector is a generated column: nothing to do.
    Ok(())
}

/// Removes a service from the word index.
pub async fn remove_service(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    id: &str,
) -> Result<(), sqlx::Error> {
    if backend == Backend::Sqlite {
        sqlx::query(
            "DELETE FROM services_fts WHERE rowid IN \
             (SELECT row_id FROM services_fts_rows WHERE service_id = $1)",
        )
        .bind(id)
        .execute(&mut **tx)
        .await?;
        sqlx::query("DELETE FROM services_fts_rows WHERE service_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// A query for the ids of services matching the words bound at `$1`, with
/// a rank where larger is better: `SELECT id, rank FROM (…)`.
pub fn matching_services(backend: Backend) -> &'static str {
    match backend {
        // bm25() is smaller for better matches; weights favour the name.
        Backend::Sqlite => {
            "SELECT service_id AS id, -bm25(services_fts, 0.0, 10.0, 4.0, 1.0) AS rank \
             FROM services_fts WHERE services_fts MATCH $1"
        }
        Backend::Postgres => {
            "SELECT id, ts_rank(search_vector, websearch_to_tsquery('english', $1))::float8 AS rank \
             FROM services WHERE search_vector @@ websearch_to_tsquery('english', $1)"
        }
    }
}

/// As [`matching_services`], with each service's name too:
/// `SELECT id, name, rank FROM (…)`. The word index holds the name, so a
/// search by words alone can be ranked, ordered and counted without
/// reading the services table.
pub fn matching_services_named(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => {
            "SELECT service_id AS id, name, -bm25(services_fts, 0.0, 10.0, 4.0, 1.0) AS rank \
             FROM services_fts WHERE services_fts MATCH $1"
        }
        Backend::Postgres => {
            "SELECT id, name, ts_rank(search_vector, websearch_to_tsquery('english', $1))::float8 AS rank \
             FROM services WHERE search_vector @@ websearch_to_tsquery('english', $1)"
        }
    }
}

/// Turns what a person typed into the backend's query language, so that
/// quotes, hyphens and operators in ordinary text cannot break the search.
pub fn words_query(backend: Backend, typed: &str) -> Option<String> {
    let words: Vec<String> = typed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        return None;
    }
    Some(match backend {
        // Every word must appear (a prefix match on the last, as people type).
        Backend::Sqlite => {
            let mut quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
            if let Some(last) = quoted.last_mut() {
                last.push('*');
            }
            quoted.join(" ")
        }
        Backend::Postgres => words.join(" "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_words_are_made_safe() {
        assert_eq!(
            words_query(Backend::Sqlite, "lunch \"club\" OR-"),
            Some("\"lunch\" \"club\" \"or\"*".into())
        );
        assert_eq!(
            words_query(Backend::Postgres, "Men's shed!"),
            Some("men s shed".into())
        );
        assert_eq!(words_query(Backend::Sqlite, " -- "), None);
    }
}
