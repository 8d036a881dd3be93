//! Subject access: one JSON document of everything held about a person,
//! keyed by kind of record. It is read in one transaction that also writes
//! the audit row, so no export goes unrecorded.

use serde_json::{Map, Value, json};
use sqlx::AnyConnection;

use super::{consent, store::export as store, subject::Found};
use crate::{
    audit::{self, Action, Event},
    db::{self, Db, StoreError, StoreResult},
};

/// The version of the document's shape.
pub const FORMAT: &str = "coprod.subject-access.v1";

/// Who asked for an export, for the audit log.
#[derive(Debug, Clone, Copy)]
pub struct Requester<'a> {
    /// The account asking; `None` for an operator at the command line.
    pub account_id: Option<i64>,
    pub ip: &'a str,
    /// Where: "command line", "admin page", "own account page"…
    pub channel: &'a str,
}

/// Everything held about `found`, written as one JSON document, with the
/// export recorded in the audit log in the same transaction.
pub async fn export(db: &Db, found: &Found, requester: Requester<'_>) -> StoreResult<Value> {
    let mut tx = db.begin_write().await?;
    let document = read_all(&mut tx, found).await?;
    let event = Event::new(Action::PersonExported, requester.account_id, requester.ip)
        .detail(requester.channel);
    audit::record_in(&mut tx, found.audit_subject(event)).await?;
    tx.commit().await?;
    Ok(document)
}

async fn read_all(conn: &mut AnyConnection, found: &Found) -> StoreResult<Value> {
    let (a, p) = (found.account_id, found.person_id);
    let mut document = Map::new();
    document.insert("format".into(), json!(FORMAT));
    document.insert("produced_at".into(), json!(crate::web::utc_time(db::now())));
    document.insert(
        "subject".into(),
        json!({ "account_id": a, "coordination_person_id": p }),
    );
    document.extend(store::records(conn, a, p).await?);
    let consents = consent::for_person(conn, a, p).await?;
    document.insert(
        "consents".into(),
        serde_json::to_value(consents).map_err(|e| StoreError::invalid("consents", e))?,
    );
    Ok(Value::Object(document))
}
