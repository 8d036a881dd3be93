//! The receiving organisation's queue of incoming referrals, the list of
//! referrals sent, and the overview linking them. Due dates, escalations
//! and stalls are marked on each line (the `referrals.sweep` job does the
//! escalating, `referrals::reminders`). Names are people's details, so
//! every list shown is in the audit log, written in the transaction that
//! read it.

use std::collections::HashMap;

use askama::Template;
use axum::{
    Extension,
    extract::{Query, State},
    response::Response,
};
use serde::Deserialize;

use super::{Line, Lines};
use crate::{
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action},
    coordination::model::today,
    error::Result,
    referrals::{
        actor,
        pages::page_error,
        store::{self, Which},
        workflow,
    },
    web::{ClientIp, Paging, Shell, page},
};

/// Referrals a page of a queue shows.
const PER_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    page: i64,
}

#[derive(Template)]
#[template(path = "referrals/index.html")]
struct IndexPage {
    shell: Shell,
    incoming: i64,
    sent: i64,
}

pub async fn index(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    let mut conn = state.db.pool().acquire().await?;
    let incoming = store::count(&mut conn, &actor.reach, actor.caseloads, Which::Incoming).await?;
    let sent = store::count(&mut conn, &actor.reach, actor.caseloads, Which::Sent).await?;
    page(&IndexPage {
        shell,
        incoming,
        sent,
    })
}

#[derive(Template)]
#[template(path = "referrals/queue.html")]
struct QueuePage {
    shell: Shell,
    incoming: bool,
    lines: Vec<Line>,
    paging: Paging,
}

async fn queue(
    state: &AppState,
    shell: Shell,
    user: &CurrentUser,
    ip: &str,
    which: Which,
    requested: i64,
) -> Result<Response> {
    let actor = actor(user, ip);
    let mut tx = state.db.begin_write().await?;
    let total = store::count(&mut tx, &actor.reach, actor.caseloads, which).await?;
    let paging = Paging::requested(requested, PER_PAGE).of(total);
    let referrals = store::list(
        &mut tx,
        &actor.reach,
        actor.caseloads,
        which,
        paging.limit(),
        paging.offset(),
    )
    .await?;
    let people = crate::coordination::store::people::names(&mut tx).await?;
    let organisations = store::organisation_names(&mut tx).await?;
    let mut since = HashMap::new();
    let mut sides = HashMap::new();
    for r in &referrals {
        sides.insert(
            r.id,
            workflow::side(&mut tx, &actor, r)
                .await
                .map_err(page_error)?,
        );
        if let Some(last) = store::events(&mut tx, r.id).await?.last() {
            since.insert(r.id, last.step.at);
        }
    }
    audit::record_in(
        &mut tx,
        actor.event(Action::PersonRead).detail(format!(
            "referrals {} ({} shown)",
            if which == Which::Incoming {
                "incoming"
            } else {
                "sent"
            },
            referrals.len()
        )),
    )
    .await?;
    tx.commit().await?;
    let settings = &state.settings.referrals;
    let calendar = settings.calendar();
    let incoming = which == Which::Incoming;
    let lines = Lines {
        shell: &shell,
        sides: &sides,
        people: &people,
        organisations: &organisations,
        since: &since,
        today: today(),
        rules: settings.stall_rules(),
        calendar: &calendar,
        incoming,
    };
    let lines = referrals.iter().map(|r| lines.line(r)).collect();
    page(&QueuePage {
        shell,
        incoming,
        lines,
        paging,
    })
}

pub async fn incoming(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    queue(&state, shell, &user, &ip, Which::Incoming, query.page).await
}

pub async fn sent(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    queue(&state, shell, &user, &ip, Which::Sent, query.page).await
}
