use askama::Template;
use axum::{
    extract::{Query, State},
    response::Response,
};
use serde::Deserialize;

use super::StoredEvent;
use crate::{
    app::AppState,
    error::Result,
    web::{Paging, Shell, page},
};

const PAGE_SIZE: i64 = 100;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    action: String,
    page: i64,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    shell: Shell,
    events: Vec<StoredEvent>,
    action: String,
    total: i64,
    paging: Paging,
}

impl AuditPage {
    fn link(&self, page: i64) -> String {
        format!("/admin/audit?action={}&page={page}", self.action)
    }
}

pub async fn list(
    State(state): State<AppState>,
    shell: Shell,
    Query(query): Query<AuditQuery>,
) -> Result<Response> {
    let paging = Paging::requested(query.page, PAGE_SIZE);
    let action: String = query
        .action
        .chars()
        .filter(|c| c.is_ascii_lowercase() || *c == '_')
        .take(40)
        .collect();
    let (events, total) = super::list(
        &state.db,
        Some(action.as_str()).filter(|a| !a.is_empty()),
        paging.limit(),
        paging.offset(),
    )
    .await?;
    page(&AuditPage {
        shell,
        events,
        action,
        total,
        paging: paging.of(total),
    })
}
