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
    web::{Shell, page},
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
    page: i64,
    pages: i64,
}

impl AuditPage {
    fn when(&self, seconds: &i64) -> String {
        time::OffsetDateTime::from_unix_timestamp(*seconds)
            .ok()
            .and_then(|t| {
                t.format(&time::macros::format_description!(
                    "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
                ))
                .ok()
            })
            .unwrap_or_default()
    }

    fn page_label(&self) -> String {
        format!("{} / {}", self.page, self.pages)
    }

    fn link(&self, page: i64) -> String {
        format!("/admin/audit?action={}&page={page}", self.action)
    }
}

pub async fn list(
    State(state): State<AppState>,
    shell: Shell,
    Query(query): Query<AuditQuery>,
) -> Result<Response> {
    let page_number = query.page.max(1);
    let action: String = query
        .action
        .chars()
        .filter(|c| c.is_ascii_lowercase() || *c == '_')
        .take(40)
        .collect();
    let (events, total) = super::list(
        &state.db,
        Some(action.as_str()).filter(|a| !a.is_empty()),
        PAGE_SIZE,
        (page_number - 1) * PAGE_SIZE,
    )
    .await?;
    page(&AuditPage {
        shell,
        events,
        action,
        total,
        page: page_number,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
    })
}
