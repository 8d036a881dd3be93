//! HSDS import and export. An import is one transaction: every document is
//! checked first, and if any has a problem nothing is stored and every
//! problem is reported with its record and field path.

use coprod_engine::hsds::{self, PathError};
use serde_json::Value;

use super::store;
use crate::db::{self, Db};

/// Why an import was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is not JSON: {0}")]
    NotJson(#[from] serde_json::Error),
    #[error(
        "the file holds no services: expected a list of services, a page with `contents`, or one service"
    )]
    NoServices,
    #[error("{} problem(s) found; nothing was imported", .0.len())]
    Invalid(Vec<PathError>),
    #[error(transparent)]
    Database(#[from] crate::db::StoreError),
}

impl From<sqlx::Error> for ImportError {
    fn from(error: sqlx::Error) -> Self {
        ImportError::Database(error.into())
    }
}

/// The service documents in a file: a JSON list, an HSDS page (`contents`),
/// or a single service, with the path each came from.
pub fn services_in(file: &Value) -> Result<Vec<(String, &Value)>, ImportError> {
    match file {
        Value::Array(items) => Ok(items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("[{i}]"), v))
            .collect()),
        Value::Object(object) => match object.get("contents") {
            Some(Value::Array(items)) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("contents[{i}]"), v))
                .collect()),
            _ if object.contains_key("id") && object.contains_key("name") => {
                Ok(vec![(String::new(), file)])
            }
            _ => Err(ImportError::NoServices),
        },
        _ => Err(ImportError::NoServices),
    }
}

/// Imports every service in `file`, all or nothing. Returns how many.
pub async fn import(db: &Db, file: &Value) -> Result<usize, ImportError> {
    let services = services_in(file)?;
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (path, document) in &services {
        match hsds::project_service(document, path) {
            Ok(projection) => {
                if !seen.insert(projection.id.clone()) {
                    problems.push(PathError {
                        path: format!("{path}.id"),
                        problem: format!("{} appears more than once in the file", projection.id),
                    });
                }
            }
            Err(errors) => problems.extend(errors),
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Invalid(problems));
    }
    let now = db::now();
    let mut tx = db.pool().begin().await?;
    for (path, document) in &services {
        match store::save_service(&mut tx, db.backend(), document, path, now).await {
            Ok(_) => {}
            Err(store::SaveError::Invalid(errors)) => return Err(ImportError::Invalid(errors)),
            Err(store::SaveError::Database(error)) => return Err(error.into()),
        }
    }
    tx.commit().await?;
    Ok(services.len())
}

/// Every service as a JSON list of full HSDS service documents.
pub async fn export(db: &Db) -> Result<Value, sqlx::Error> {
    Ok(Value::Array(store::all_service_documents(db).await?))
}
