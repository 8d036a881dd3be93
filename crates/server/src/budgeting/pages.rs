//! The public pages: every process, one process (where it stands, its
//! proposals and how to take part), and one proposal with its review and
//! delivery trail.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    response::Response,
};
use serde::Deserialize;

use super::{
    ORGANISERS,
    ballot_box::{self, Tally},
    store::{self, Category, DeliveryUpdate, Process, Proposal},
};
use crate::{
    accounts::CurrentUser,
    app::AppState,
    error::{AppError, Result},
    web::{Shell, page},
};
use coprod_engine::budgeting::process::{Phase, format_date};

/// A process that exists, or 404.
pub async fn existing(state: &AppState, id: i64) -> Result<Process> {
    store::find_process(&state.db, id)
        .await?
        .ok_or(AppError::NotFoundKey("budgeting.error.no_process"))
}

/// A proposal of that process, or 404.
pub async fn existing_proposal(state: &AppState, process_id: i64, id: i64) -> Result<Proposal> {
    store::find_proposal(&state.db, process_id, id)
        .await?
        .ok_or(AppError::NotFoundKey("budgeting.error.no_proposal"))
}

/// Whether the reader runs processes.
pub fn is_organiser(user: Option<&CurrentUser>) -> bool {
    ORGANISERS.admits(user)
}

/// Whether the reader runs this process: it is run by an organisation
/// within their reach as an organiser.
pub async fn runs(state: &AppState, user: Option<&CurrentUser>, id: i64) -> Result<bool> {
    let Some(user) = user.filter(|u| is_organiser(Some(u))) else {
        return Ok(false);
    };
    Ok(store::run_by(&state.db, id)
        .await?
        .is_some_and(|organisation| user.may(super::ORGANISER_ROLES, organisation)))
}

/// The area a process is for, as people read it: by its name where the
/// postcode directory names it, else by its code.
pub async fn area_label(state: &AppState, shell: &Shell, process: &Process) -> Result<String> {
    let Some(code) = &process.settings.area_code else {
        return Ok(shell.t("budgeting.area.whole"));
    };
    Ok(
        match crate::places::store::area_name(&state.db, code).await? {
            Some(name) => shell.t1("budgeting.area.named", &name),
            None => shell.t1("budgeting.area.code", code),
        },
    )
}

#[derive(Template)]
#[template(path = "budgeting/list.html")]
struct ListPage {
    shell: Shell,
    processes: Vec<Process>,
    organiser: bool,
}

pub async fn list(State(state): State<AppState>, shell: Shell) -> Result<Response> {
    let organiser = is_organiser(shell.user.as_ref());
    page(&ListPage {
        processes: store::list_processes(&state.db).await?,
        organiser,
        shell,
    })
}

/// One phase in the timeline shown on a process page.
pub struct Step {
    pub label: String,
    pub starts: String,
    pub current: bool,
}

/// The timeline of a process, from proposals to delivery.
pub fn timeline(shell: &Shell, process: &Process) -> Vec<Step> {
    let now = process.phase();
    Phase::ALL
        .iter()
        .filter(|phase| **phase != Phase::Upcoming)
        .map(|phase| Step {
            label: shell.t(&phase.label_key()),
            starts: process.starts(phase),
            current: *phase == now,
        })
        .collect()
}

/// A proposal as a process page lists it.
pub struct Row {
    pub proposal: Proposal,
    pub cost: String,
    pub tally: Option<Tally>,
    /// For a merged proposal, the title of the one it joined.
    pub merged_into: String,
}

#[derive(Template)]
#[template(path = "budgeting/process.html")]
struct ProcessPage {
    shell: Shell,
    process: Process,
    phase: Phase,
    area: String,
    steps: Vec<Step>,
    categories: Vec<(Category, String)>,
    on_ballot: Vec<Row>,
    in_review: Vec<Row>,
    not_going_ahead: Vec<Row>,
    totals_shown: bool,
    counted: bool,
    organiser: bool,
}

impl ProcessPage {
    fn phase_label(&self) -> String {
        self.shell.t(&self.phase.label_key())
    }

    fn voting_dates(&self) -> String {
        let d = self.process.settings.dates;
        self.shell.tn(
            "budgeting.process.voting_dates",
            &[
                &format_date(d.voting_opens_at),
                &format_date(d.voting_closes_at - 1),
            ],
        )
    }

    fn ballot_label(&self) -> String {
        self.shell.t(&format!(
            "budgeting.ballot_type.{}",
            self.process.settings.ballot.kind()
        ))
    }

    fn is_voting(&self) -> bool {
        self.phase == Phase::Voting
    }

    fn takes_proposals(&self) -> bool {
        self.phase == Phase::Proposals
    }
}

/// The rows of a process page: each proposal with its cost and, when they
/// may be shown, its running totals.
pub fn rows(
    process: &Process,
    proposals: &[Proposal],
    tallies: Option<&std::collections::BTreeMap<i64, Tally>>,
) -> Vec<Row> {
    proposals
        .iter()
        .map(|p| Row {
            proposal: p.clone(),
            cost: process.money(p.cost_pence()),
            tally: tallies.map(|t| t.get(&p.id).copied().unwrap_or_default()),
            merged_into: p
                .merged_into
                .and_then(|id| proposals.iter().find(|other| other.id == id))
                .map(|other| other.title.clone())
                .unwrap_or_default(),
        })
        .collect()
}

pub async fn show(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
) -> Result<Response> {
    let process = existing(&state, id).await?;
    let phase = process.phase();
    let proposals = store::proposals(&state.db, id).await?;
    let totals_shown = process.totals_visible();
    let tallies = if totals_shown {
        Some(ballot_box::tallies(&state.db, id, process.settings.ballot.ranks()).await?)
    } else {
        None
    };
    let all = rows(&process, &proposals, tallies.as_ref());
    let (mut on_ballot, mut in_review, mut not_going_ahead) = (Vec::new(), Vec::new(), Vec::new());
    for row in all {
        match row.proposal.status.as_str() {
            "accepted" => on_ballot.push(row),
            "submitted" => in_review.push(row),
            _ => not_going_ahead.push(row),
        }
    }
    on_ballot.sort_by_cached_key(|row| row.proposal.title.to_lowercase());
    let categories = store::categories(&state.db, id)
        .await?
        .into_iter()
        .map(|c| {
            let budget = c.budget_pence.map(|b| process.money(b)).unwrap_or_default();
            (c, budget)
        })
        .collect();
    let counted = super::counting::is_counted(&state.db, id).await?;
    page(&ProcessPage {
        area: area_label(&state, &shell, &process).await?,
        steps: timeline(&shell, &process),
        organiser: runs(&state, shell.user.as_ref(), id).await?,
        shell,
        process,
        phase,
        categories,
        on_ballot,
        in_review,
        not_going_ahead,
        totals_shown,
        counted,
    })
}

#[derive(Template)]
#[template(path = "budgeting/proposal.html")]
struct ProposalPage {
    shell: Shell,
    process: Process,
    proposal: Proposal,
    merged_into: Option<Proposal>,
    trail: Vec<DeliveryUpdate>,
    funded: bool,
    organiser: bool,
    /// The reader has just sent this proposal in.
    sent: bool,
}

/// `?sent=1` after a citizen's proposal is stored.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProposalNotice {
    sent: Option<String>,
}

impl ProposalPage {
    fn status_label(&self) -> String {
        self.shell
            .t(&format!("budgeting.status.{}", self.proposal.status))
    }

    fn channel_label(&self) -> String {
        self.shell
            .t(&format!("budgeting.channel.{}", self.proposal.channel))
    }

    fn estimated(&self) -> String {
        self.process.money(self.proposal.estimated_cost_pence)
    }

    fn revised(&self) -> String {
        self.proposal
            .revised_cost_pence
            .map(|pence| self.process.money(pence))
            .unwrap_or_default()
    }

    fn spent(&self, update: &DeliveryUpdate) -> String {
        update
            .spent_pence
            .map(|pence| self.process.money(pence))
            .unwrap_or_default()
    }

    fn delivery_status(&self, update: &DeliveryUpdate) -> String {
        self.shell
            .t(&format!("budgeting.delivery.status.{}", update.status))
    }
}

pub async fn proposal(
    State(state): State<AppState>,
    shell: Shell,
    user: Option<Extension<CurrentUser>>,
    Path((id, proposal_id)): Path<(i64, i64)>,
    Query(notice): Query<ProposalNotice>,
) -> Result<Response> {
    let process = existing(&state, id).await?;
    let proposal = existing_proposal(&state, id, proposal_id).await?;
    let merged_into = match proposal.merged_into {
        Some(other) => store::find_proposal(&state.db, id, other).await?,
        None => None,
    };
    let funded = super::counting::funded_ids(&state.db, id)
        .await?
        .contains(&proposal_id);
    let trail = store::delivery_updates(&state.db, id)
        .await?
        .into_iter()
        .filter(|u| u.proposal_id == proposal_id)
        .collect();
    page(&ProposalPage {
        organiser: runs(&state, user.as_deref(), id).await?,
        shell,
        process,
        proposal,
        merged_into,
        trail,
        funded,
        sent: notice.sent.is_some(),
    })
}
