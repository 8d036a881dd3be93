//! Proposals: a signed-in citizen sends one in while proposals are open;
//! organisers type in those gathered on paper, at events or by phone
//! (recording which), and review each for feasibility — accepting it onto
//! the ballot (at a revised cost if need be), rejecting it, or merging it
//! into a proposal for the same thing — always with a public reason.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::people::LineOfText;
use serde::Deserialize;

use super::{
    pages::{existing, existing_proposal},
    process_form::MAX_DESCRIPTION_CHARS,
    store::{self, Category, Decision, NewProposal, Process, Proposal, STAFF_CHANNELS},
    voting::{EligibilityForm, Taking, eligibility_errors},
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    error::{AppError, Result},
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};
use coprod_engine::budgeting::process::parse_money;

/// The proposal form's fields, as typed. `channel` is only on the staff form.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct ProposalForm {
    pub title: String,
    pub description: String,
    pub location: String,
    pub category_id: String,
    pub estimated_cost: String,
    pub channel: String,
    /// Asked of a person proposing for themselves when the process is for
    /// one area or a minimum age, and checked as a voter's would be; not
    /// stored.
    pub postcode: String,
    pub date_of_birth: String,
}

impl ProposalForm {
    /// Checks every field; `staff` forms must say how the proposal came in.
    fn check(
        &self,
        shell: &Shell,
        process_id: i64,
        categories: &[Category],
        staff: Option<i64>,
        errors: &mut FieldErrors,
    ) -> Option<NewProposal> {
        let title = LineOfText::parse(&self.title)
            .map_err(|e| errors.add("title", shell.t(e.key)))
            .ok();
        let description = self.description.trim().to_owned();
        if description.is_empty() {
            errors.add(
                "description",
                shell.t("budgeting.error.description_missing"),
            );
        } else if description.chars().count() > MAX_DESCRIPTION_CHARS {
            errors.add("description", shell.t("budgeting.error.description_long"));
        }
        let location = self.location.trim().to_owned();
        if location.chars().count() > 200 || location.chars().any(char::is_control) {
            errors.add("location", shell.t("error.text.too_long"));
        }
        let category_id = if self.category_id.is_empty() {
            Some(None)
        } else {
            let found = self
                .category_id
                .parse::<i64>()
                .ok()
                .filter(|id| categories.iter().any(|c| c.id == *id));
            if found.is_none() {
                errors.add("category_id", shell.t("budgeting.error.category_unknown"));
            }
            found.map(Some)
        };
        let cost = parse_money(&self.estimated_cost)
            .map_err(|invalid| errors.add("estimated_cost", shell.t(invalid.key)))
            .ok();
        let channel = if staff.is_some() {
            let found = STAFF_CHANNELS.iter().find(|c| **c == self.channel).copied();
            if found.is_none() {
                errors.add("channel", shell.t("budgeting.error.channel"));
            }
            found
        } else {
            Some("online")
        };
        if !errors.is_empty() {
            return None;
        }
        Some(NewProposal {
            process_id,
            title: title?.to_string(),
            description,
            location,
            category_id: category_id?,
            estimated_cost_pence: cost?,
            channel: channel?,
            proposer: None,
            entered_by: staff,
        })
    }
}

#[derive(Template)]
#[template(path = "budgeting/propose.html")]
struct ProposePage {
    shell: Shell,
    process: Process,
    /// The process limits who may take part: ask where and, if it sets
    /// an age, when the person was born.
    rules: bool,
    categories: Vec<(String, String)>,
    form: ProposalForm,
    errors: FieldErrors,
    /// The staff form, with the channel question.
    staff: bool,
    open: bool,
}

impl ProposePage {
    fn action(&self) -> String {
        if self.staff {
            format!("/budgeting/{}/proposals/new", self.process.id)
        } else {
            format!("/budgeting/{}/propose", self.process.id)
        }
    }

    fn channels(&self) -> Vec<(&'static str, String)> {
        STAFF_CHANNELS
            .iter()
            .map(|c| (*c, self.shell.t(&format!("budgeting.channel.{c}"))))
            .collect()
    }
}

/// Whether the process is for one area or sets a minimum age.
fn has_rules(process: &Process) -> bool {
    process.settings.area_code.is_some() || process.settings.minimum_age.is_some()
}

fn category_options(categories: &[Category]) -> Vec<(String, String)> {
    categories
        .iter()
        .map(|c| (c.id.to_string(), c.name.clone()))
        .collect()
}

async fn form_page(state: &AppState, shell: Shell, id: i64, staff: bool) -> Result<Response> {
    let process = existing(state, id).await?;
    let categories = store::categories(&state.db, id).await?;
    page(&ProposePage {
        shell,
        rules: has_rules(&process),
        open: process.takes_proposals(staff),
        process,
        categories: category_options(&categories),
        form: ProposalForm::default(),
        errors: FieldErrors::default(),
        staff,
    })
}

/// Checks and stores a proposal; the form again with its errors otherwise.
async fn save(
    state: &AppState,
    shell: Shell,
    id: i64,
    user: &CurrentUser,
    staff: bool,
    ip: &str,
    form: ProposalForm,
) -> Result<std::result::Result<i64, Response>> {
    let process = existing(state, id).await?;
    if !process.takes_proposals(staff) {
        return Err(AppError::BadRequest {
            key: "budgeting.error.proposals_closed",
            field: None,
        });
    }
    let categories = store::categories(&state.db, id).await?;
    // A person proposing for themselves must meet the rules a voter must.
    let mut errors = if !staff && has_rules(&process) {
        let answers = EligibilityForm {
            postcode: form.postcode.clone(),
            date_of_birth: form.date_of_birth.clone(),
        };
        eligibility_errors(state, &shell, &process, &answers, Taking::Proposal).await?
    } else {
        FieldErrors::default()
    };
    let checked = form.check(
        &shell,
        id,
        &categories,
        staff.then_some(user.account_id),
        &mut errors,
    );
    let Some(mut new) = checked else {
        return Ok(Err(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ProposePage {
                shell,
                rules: has_rules(&process),
                open: true,
                process,
                categories: category_options(&categories),
                form,
                errors,
                staff,
            },
        )?));
    };
    if !staff {
        new.proposer = Some(user.account_id);
    }
    let mut tx = state.db.begin_write().await?;
    let proposal_id = store::insert_proposal(&mut tx, &new, "submitted", None).await?;
    if staff {
        audit::record_in(
            &mut tx,
            Event::new(Action::BudgetProposalEntered, Some(user.account_id), ip)
                .subject("pb_proposal", proposal_id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Ok(proposal_id))
}

pub async fn propose_form(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
) -> Result<Response> {
    form_page(&state, shell, id, false).await
}

pub async fn propose(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<ProposalForm>,
) -> Result<Response> {
    match save(&state, shell, id, &user, false, &ip, form).await? {
        Ok(proposal_id) => Ok(redirect(&format!(
            "/budgeting/{id}/proposals/{proposal_id}?sent=1"
        ))),
        Err(response) => Ok(response),
    }
}

pub async fn enter_form(
    _organised: super::Organised,
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
) -> Result<Response> {
    form_page(&state, shell, id, true).await
}

pub async fn enter(
    _organised: super::Organised,
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<ProposalForm>,
) -> Result<Response> {
    match save(&state, shell, id, &user, true, &ip, form).await? {
        Ok(_) => Ok(redirect(&format!("/budgeting/{id}/manage?entered=1"))),
        Err(response) => Ok(response),
    }
}

/// The review form's fields.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct ReviewForm {
    pub decision: String,
    pub revised_cost: String,
    pub merge_into: String,
    pub reason: String,
}

/// The decisions, as the form names them.
const DECISIONS: [&str; 3] = ["accept", "reject", "merge"];

impl ReviewForm {
    fn from_proposal(proposal: &Proposal) -> Self {
        Self {
            decision: match proposal.status.as_str() {
                "accepted" => "accept",
                "rejected" => "reject",
                "merged" => "merge",
                _ => "",
            }
            .to_owned(),
            revised_cost: proposal
                .revised_cost_pence
                .map(coprod_engine::budgeting::process::money_input)
                .unwrap_or_default(),
            merge_into: proposal
                .merged_into
                .map(|id| id.to_string())
                .unwrap_or_default(),
            reason: proposal.review_reason.clone(),
        }
    }

    fn check(
        &self,
        shell: &Shell,
        others: &[(String, String)],
        errors: &mut FieldErrors,
    ) -> Option<(Decision, String)> {
        let reason = self.reason.trim().to_owned();
        if reason.chars().count() > MAX_DESCRIPTION_CHARS {
            errors.add("reason", shell.t("budgeting.error.description_long"));
        }
        let decision = match self.decision.as_str() {
            "accept" => {
                if self.revised_cost.trim().is_empty() {
                    Some(Decision::Accept {
                        revised_cost_pence: None,
                    })
                } else {
                    parse_money(&self.revised_cost)
                        .map(|pence| Decision::Accept {
                            revised_cost_pence: Some(pence),
                        })
                        .map_err(|invalid| errors.add("revised_cost", shell.t(invalid.key)))
                        .ok()
                }
            }
            "reject" => Some(Decision::Reject),
            "merge" => {
                let target = others
                    .iter()
                    .find(|(id, _)| *id == self.merge_into)
                    .and_then(|(id, _)| id.parse::<i64>().ok());
                if target.is_none() {
                    errors.add("merge_into", shell.t("budgeting.error.merge_target"));
                }
                target.map(Decision::MergeInto)
            }
            _ => {
                errors.add("decision", shell.t("budgeting.error.decision"));
                None
            }
        };
        if matches!(decision, Some(Decision::Reject | Decision::MergeInto(_))) && reason.is_empty()
        {
            errors.add("reason", shell.t("budgeting.error.reason_missing"));
        }
        if !errors.is_empty() {
            return None;
        }
        Some((decision?, reason))
    }
}

#[derive(Template)]
#[template(path = "budgeting/review.html")]
struct ReviewPage {
    shell: Shell,
    process: Process,
    proposal: Proposal,
    others: Vec<(String, String)>,
    form: ReviewForm,
    errors: FieldErrors,
}

impl ReviewPage {
    fn decisions(&self) -> Vec<(&'static str, String)> {
        DECISIONS
            .iter()
            .map(|d| (*d, self.shell.t(&format!("budgeting.review.{d}"))))
            .collect()
    }

    fn estimated(&self) -> String {
        self.process.money(self.proposal.estimated_cost_pence)
    }

    fn channel_label(&self) -> String {
        self.shell
            .t(&format!("budgeting.channel.{}", self.proposal.channel))
    }
}

/// A proposal whose review may still change (before voting opens), and the
/// proposals it could be merged into.
async fn reviewable(
    state: &AppState,
    id: i64,
    proposal_id: i64,
) -> Result<(Process, Proposal, Vec<(String, String)>)> {
    let process = existing(state, id).await?;
    let proposal = existing_proposal(state, id, proposal_id).await?;
    if !process.in_review() {
        return Err(AppError::BadRequest {
            key: "budgeting.error.ballot_fixed",
            field: None,
        });
    }
    let others = store::proposals(&state.db, id)
        .await?
        .into_iter()
        .filter(|p| p.id != proposal_id && p.status != "merged" && p.status != "rejected")
        .map(|p| (p.id.to_string(), p.title))
        .collect();
    Ok((process, proposal, others))
}

pub async fn review_form(
    _organised: super::Organised,
    State(state): State<AppState>,
    shell: Shell,
    Path((id, proposal_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let (process, proposal, others) = reviewable(&state, id, proposal_id).await?;
    page(&ReviewPage {
        shell,
        form: ReviewForm::from_proposal(&proposal),
        process,
        proposal,
        others,
        errors: FieldErrors::default(),
    })
}

pub async fn review(
    _organised: super::Organised,
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path((id, proposal_id)): Path<(i64, i64)>,
    StrictForm(form): StrictForm<ReviewForm>,
) -> Result<Response> {
    let (process, proposal, others) = reviewable(&state, id, proposal_id).await?;
    let mut errors = FieldErrors::default();
    let Some((decision, reason)) = form.check(&shell, &others, &mut errors) else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ReviewPage {
                shell,
                process,
                proposal,
                others,
                form,
                errors,
            },
        );
    };
    let mut tx = state.db.begin_write().await?;
    store::review(&mut tx, proposal_id, decision, &reason, user.account_id).await?;
    audit::record_in(
        &mut tx,
        Event::new(Action::BudgetProposalReviewed, Some(user.account_id), &ip)
            .subject("pb_proposal", proposal_id)
            .detail(form.decision),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!("/budgeting/{id}/manage?reviewed=1")))
}
