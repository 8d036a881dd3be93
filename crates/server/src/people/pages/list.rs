use askama::Template;
use axum::{
    Extension,
    extract::{Query, State},
    response::Response,
};
use coprod_engine::plain;
use serde::Deserialize;

use crate::{
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    error::Result,
    people::{reach::Reader, store},
    web::{ClientIp, Shell, page},
};

/// The most people the list shows at once.
const LIST_LIMIT: i64 = 200;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Search {
    q: String,
}

/// A person as a line of the list.
pub struct Line {
    pub id: i64,
    pub name: String,
    pub preferred_name: String,
    pub organisation: String,
    pub review: String,
}

#[derive(Template)]
#[template(path = "people/list.html")]
struct ListPage {
    shell: Shell,
    q: String,
    people: Vec<Line>,
}

pub async fn list(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Query(search): Query<Search>,
) -> Result<Response> {
    let q: String = search.q.trim().chars().take(100).collect();
    let mut tx = state.db.begin_write().await?;
    let people: Vec<Line> = store::record::list(&mut tx, &Reader::of(&user), &q, LIST_LIMIT)
        .await?
        .into_iter()
        .map(|p| Line {
            id: p.id,
            name: p.name,
            preferred_name: p.preferred_name,
            organisation: if p.organisation.is_empty() {
                shell.t("record.partnership")
            } else {
                p.organisation
            },
            review: p.review_on.map(plain::date).unwrap_or_default(),
        })
        .collect();
    audit::record_in(
        &mut tx,
        Event::new(Action::PersonRead, Some(user.account_id), &ip)
            .detail(format!("people's records list ({} shown)", people.len())),
    )
    .await?;
    tx.commit().await?;
    page(&ListPage { shell, q, people })
}
