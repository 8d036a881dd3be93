//! Storage of HSDS documents and their search projection. A document is
//! saved whole; the projection (columns, terms, locations, openings and the
//! word index) is rebuilt from it in the same transaction.

/// Who keeps which listing: keepers, claims and reports.
pub mod keeping;
/// Weekly opening times, projected from a service's schedules.
pub mod openings;

use crate::db::{StoreError, StoreResult};
use coprod_engine::hsds::{self, PathError, ServiceProjection};
use serde_json::Value;
use sqlx::{Any, Row, Transaction};

use crate::db::{self, BindReal, Db, full_text};

/// Why a document could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("the document has {} problem(s)", .0.len())]
    Invalid(Vec<PathError>),
    #[error(transparent)]
    Database(#[from] StoreError),
}

impl From<sqlx::Error> for SaveError {
    fn from(error: sqlx::Error) -> Self {
        SaveError::Database(error.into())
    }
}

/// Seconds since the epoch for an HSDS date-time or date, if it is one.
pub fn timestamp(text: &str) -> Option<i64> {
    use time::{OffsetDateTime, format_description::well_known::Rfc3339};
    if let Ok(moment) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(moment.unix_timestamp());
    }
    if text.trim() != text {
        return None;
    }
    coprod_engine::schedule::Date::parse(text)
        .ok()
        .map(coprod_engine::schedule::Date::unix_midnight)
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Saves (or replaces) an organisation document.
pub async fn save_organization(
    tx: &mut Transaction<'_, Any>,
    document: &Value,
    now: i64,
) -> StoreResult<()> {
    let (Some(id), Some(name)) = (text(document, "id"), text(document, "name")) else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO directory_organizations (id, name, document, modified_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, document = excluded.document, modified_at = excluded.modified_at",
    )
    .bind(&id)
    .bind(&name)
    .bind(document.to_string())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Saves the taxonomy terms a service carries (and their taxonomies), so
/// `/taxonomy_terms` lists every term in use.
async fn save_terms(tx: &mut Transaction<'_, Any>, service: &Value) -> StoreResult<()> {
    let Some(attributes) = service.get("attributes").and_then(Value::as_array) else {
        return Ok(());
    };
    for term in attributes
        .iter()
        .filter_map(|a| a.get("taxonomy_term"))
        .filter(|t| t.is_object())
    {
        let (Some(id), Some(name)) = (text(term, "id"), text(term, "name")) else {
            continue;
        };
        let taxonomy = term.get("taxonomy_detail").filter(|t| t.is_object());
        let taxonomy_id = taxonomy
            .and_then(|t| text(t, "id"))
            .or_else(|| text(term, "taxonomy_id"));
        if let Some(taxonomy) = taxonomy
            && let (Some(tid), Some(tname)) = (text(taxonomy, "id"), text(taxonomy, "name"))
        {
            sqlx::query(
                "INSERT INTO taxonomies (id, name, document) VALUES ($1, $2, $3) \
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, document = excluded.document",
            )
            .bind(tid)
            .bind(tname)
            .bind(taxonomy.to_string())
            .execute(&mut **tx)
            .await?;
        }
        let mut stored = term.clone();
        if let Some(object) = stored.as_object_mut() {
            object.remove("taxonomy_detail");
        }
        sqlx::query(
            "INSERT INTO taxonomy_terms (id, taxonomy_id, parent_id, name, document) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (id) DO UPDATE SET taxonomy_id = excluded.taxonomy_id, parent_id = excluded.parent_id, \
             name = excluded.name, document = excluded.document",
        )
        .bind(id)
        .bind(taxonomy_id)
        .bind(text(term, "parent_id"))
        .bind(name)
        .bind(stored.to_string())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Checks and saves one service document, replacing any earlier version
/// and its projection. `managed_by` is kept as it was when `None`.
pub async fn save_service(
    tx: &mut Transaction<'_, Any>,
    backend: db::Backend,
    document: &Value,
    path: &str,
    now: i64,
) -> Result<ServiceProjection, SaveError> {
    let projection = hsds::project_service(document, path).map_err(SaveError::Invalid)?;
    let mut stored = document.clone();
    if let Some(organization) = stored
        .as_object_mut()
        .and_then(|o| o.remove("organization"))
        && organization.is_object()
    {
        save_organization(tx, &organization, now).await?;
    }
    save_terms(tx, document).await?;
    if let Some(organization_id) = &projection.organization_id {
        // A service may name an organisation the directory has not seen;
        // keep a minimal record so the reference holds.
        sqlx::query(
            "INSERT INTO directory_organizations (id, name, document, modified_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(organization_id)
        .bind(projection.organization_name.clone().unwrap_or_else(|| organization_id.clone()))
        .bind(serde_json::json!({"id": organization_id, "name": projection.organization_name.clone().unwrap_or_else(|| organization_id.clone()), "description": ""}).to_string())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    let categories = projection
        .terms
        .iter()
        .filter_map(|t| t.name.clone())
        .collect::<Vec<_>>()
        .join(" ");
    let modified_at = projection
        .last_modified
        .as_deref()
        .and_then(timestamp)
        .unwrap_or(now);
    let checked_at = projection.assured_date.as_deref().and_then(timestamp);
    sqlx::query(
        "INSERT INTO services (id, name, description, status, organization_id, minimum_age, maximum_age, free, \
         categories, modified_at, checked_at, document) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description, \
         status = excluded.status, organization_id = excluded.organization_id, minimum_age = excluded.minimum_age, \
         maximum_age = excluded.maximum_age, free = excluded.free, categories = excluded.categories, \
         modified_at = excluded.modified_at, checked_at = excluded.checked_at, document = excluded.document",
    )
    .bind(&projection.id)
    .bind(&projection.name)
    .bind(&projection.description)
    .bind(&projection.status)
    .bind(projection.organization_id.clone())
    .bind_real(projection.minimum_age)
    .bind_real(projection.maximum_age)
    .bind(i64::from(projection.free))
    .bind(&categories)
    .bind(modified_at)
    .bind(checked_at)
    .bind(stored.to_string())
    .execute(&mut **tx)
    .await?;
    for table in ["service_terms", "service_locations", "service_openings"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE service_id = $1"))
            .bind(&projection.id)
            .execute(&mut **tx)
            .await?;
    }
    for term in &projection.terms {
        sqlx::query("INSERT INTO service_terms (service_id, term_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(&projection.id)
            .bind(&term.id)
            .execute(&mut **tx)
            .await?;
    }
    for location in &projection.locations {
        sqlx::query(
            "INSERT INTO service_locations (service_at_location_id, service_id, location_id, name, latitude, longitude, postcode) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (service_at_location_id) DO UPDATE SET \
             service_id = excluded.service_id, location_id = excluded.location_id, name = excluded.name, \
             latitude = excluded.latitude, longitude = excluded.longitude, postcode = excluded.postcode",
        )
        .bind(&location.service_at_location_id)
        .bind(&projection.id)
        .bind(&location.location_id)
        .bind(location.name.clone())
        .bind_real(location.latitude)
        .bind_real(location.longitude)
        .bind(location.postcode.clone())
        .execute(&mut **tx)
        .await?;
    }
    openings::save(tx, &projection).await?;
    full_text::index_service(
        tx,
        backend,
        &projection.id,
        &projection.name,
        &categories,
        &projection.description,
    )
    .await?;
    Ok(projection)
}

/// A stored service document with its organisation embedded again, as
/// HSDS's full service object has it.
pub async fn service_document(db: &Db, id: &str) -> StoreResult<Option<Value>> {
    let row = sqlx::query(
        "SELECT s.document, o.document AS organization FROM services s \
         LEFT JOIN directory_organizations o ON o.id = s.organization_id WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| full_document(&row)).transpose()
}

/// Rebuilds the full document from a row with `document` and `organization`.
pub fn full_document(row: &sqlx::any::AnyRow) -> StoreResult<Value> {
    let document: String = row.try_get("document")?;
    let organization: Option<String> = row.try_get("organization")?;
    let mut value: Value =
        serde_json::from_str(&document).map_err(|e| StoreError::invalid("services.document", e))?;
    if let (Some(organization), Some(object)) = (organization, value.as_object_mut()) {
        let organization: Value = serde_json::from_str(&organization)
            .map_err(|e| StoreError::invalid("directory_organizations.document", e))?;
        object.insert("organization".into(), organization);
    }
    Ok(value)
}

/// Every service document, in id order, for export.
pub async fn all_service_documents(db: &Db) -> StoreResult<Vec<Value>> {
    let rows = sqlx::query(
        "SELECT s.document, o.document AS organization FROM services s \
         LEFT JOIN directory_organizations o ON o.id = s.organization_id ORDER BY s.id",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(full_document).collect()
}

/// Removes a service and its projection.
pub async fn delete_service(db: &Db, id: &str) -> StoreResult<bool> {
    let mut tx = db.pool().begin().await?;
    full_text::remove_service(&mut tx, db.backend(), id).await?;
    let deleted = sqlx::query("DELETE FROM services WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(deleted.rows_affected() == 1)
}

/// The directory's generation, which every change to it moves on.
pub async fn directory_generation(db: &Db) -> StoreResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT generation FROM directory_version WHERE id = 1")
            .fetch_one(db.pool())
            .await?,
    )
}

/// Records that the directory's organization `directory_id` is the
/// partnership's organisation `organisation_id`.
pub async fn link_directory_organisation(
    conn: &mut sqlx::AnyConnection,
    directory_id: &str,
    organisation_id: i64,
) -> StoreResult<()> {
    sqlx::query("UPDATE directory_organizations SET organisation_id = $1 WHERE id = $2")
        .bind(organisation_id)
        .bind(directory_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Makes `organisation_id` the keeper of a service's listing.
pub async fn set_keeper(
    conn: &mut sqlx::AnyConnection,
    service_id: &str,
    organisation_id: i64,
) -> StoreResult<()> {
    sqlx::query("UPDATE services SET managed_by = $1 WHERE id = $2")
        .bind(organisation_id)
        .bind(service_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A named place of a service with its coordinates.
pub type Place = (Option<String>, f64, f64);

/// Every place with coordinates of each of the services `ids`, by
/// service, in the order the directory lists them; blank names are none.
pub async fn service_places(
    db: &Db,
    ids: &[&str],
) -> StoreResult<std::collections::HashMap<String, Vec<Place>>> {
    let mut places: std::collections::HashMap<String, Vec<Place>> =
        std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(places);
    }
    let mut params = db::params::Params::default();
    let placeholders: Vec<String> = ids.iter().map(|id| params.text(*id)).collect();
    let sql = format!(
        "SELECT service_id, name, latitude, longitude FROM service_locations \
         WHERE service_id IN ({}) AND latitude IS NOT NULL AND longitude IS NOT NULL \
         ORDER BY service_at_location_id",
        placeholders.join(", ")
    );
    for row in params.bind(&sql).fetch_all(db.pool()).await? {
        let place: Option<String> = row.try_get("name")?;
        places.entry(row.try_get("service_id")?).or_default().push((
            place.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()),
            row.try_get("latitude")?,
            row.try_get("longitude")?,
        ));
    }
    Ok(places)
}
