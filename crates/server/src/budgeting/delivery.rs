//! The "you said, we did" trail: organisers post where each funded project
//! stands (planned, in progress, delivered), when, with a note and what has
//! been spent. Every update stays on the public proposal page.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;

use super::{
    counting,
    pages::{existing, existing_proposal},
    process_form::MAX_DESCRIPTION_CHARS,
    store::{self, DELIVERY_STATUSES, DeliveryUpdate, Process, Proposal},
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    error::{AppError, Result},
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};
use coprod_engine::budgeting::process::{parse_date, parse_money};

/// The update form's fields.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct DeliveryForm {
    pub status: String,
    pub happened_on: String,
    pub note: String,
    pub spent: String,
}

impl DeliveryForm {
    fn check(
        &self,
        shell: &Shell,
        proposal_id: i64,
        errors: &mut FieldErrors,
    ) -> Option<DeliveryUpdate> {
        let status = DELIVERY_STATUSES
            .iter()
            .find(|s| **s == self.status)
            .copied();
        if status.is_none() {
            errors.add("status", shell.t("budgeting.delivery.error.status"));
        }
        let happened_on = parse_date(&self.happened_on)
            .map_err(|invalid| errors.add("happened_on", shell.t(invalid.key)))
            .ok();
        let note = self.note.trim().to_owned();
        if note.is_empty() {
            errors.add("note", shell.t("budgeting.delivery.error.note"));
        } else if note.chars().count() > MAX_DESCRIPTION_CHARS {
            errors.add("note", shell.t("budgeting.error.description_long"));
        }
        let spent = if self.spent.trim().is_empty() {
            Some(None)
        } else {
            parse_money(&self.spent)
                .map(Some)
                .map_err(|invalid| errors.add("spent", shell.t(invalid.key)))
                .ok()
        };
        if !errors.is_empty() {
            return None;
        }
        Some(DeliveryUpdate {
            proposal_id,
            status: status?.to_owned(),
            happened_on: happened_on?,
            note,
            spent_pence: spent?,
        })
    }
}

#[derive(Template)]
#[template(path = "budgeting/delivery_form.html")]
struct FormPage {
    shell: Shell,
    process: Process,
    proposal: Proposal,
    form: DeliveryForm,
    errors: FieldErrors,
}

impl FormPage {
    fn statuses(&self) -> Vec<(&'static str, String)> {
        DELIVERY_STATUSES
            .iter()
            .map(|s| (*s, self.shell.t(&format!("budgeting.delivery.status.{s}"))))
            .collect()
    }
}

/// A funded project of a counted process, or a refusal.
async fn funded(state: &AppState, id: i64, proposal_id: i64) -> Result<(Process, Proposal)> {
    let process = existing(state, id).await?;
    let proposal = existing_proposal(state, id, proposal_id).await?;
    if !counting::funded_ids(&state.db, id)
        .await?
        .contains(&proposal_id)
    {
        return Err(AppError::BadRequest {
            key: "budgeting.delivery.error.not_funded",
            field: None,
        });
    }
    Ok((process, proposal))
}

pub async fn form(
    _organised: super::Organised,
    State(state): State<AppState>,
    shell: Shell,
    Path((id, proposal_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let (process, proposal) = funded(&state, id, proposal_id).await?;
    page(&FormPage {
        shell,
        process,
        proposal,
        form: DeliveryForm::default(),
        errors: FieldErrors::default(),
    })
}

pub async fn post(
    _organised: super::Organised,
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path((id, proposal_id)): Path<(i64, i64)>,
    StrictForm(form): StrictForm<DeliveryForm>,
) -> Result<Response> {
    let (process, proposal) = funded(&state, id, proposal_id).await?;
    let mut errors = FieldErrors::default();
    let Some(update) = form.check(&shell, proposal_id, &mut errors) else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage {
                shell,
                process,
                proposal,
                form,
                errors,
            },
        );
    };
    let mut tx = state.db.begin_write().await?;
    store::add_delivery_update(&mut tx, &update, user.account_id).await?;
    audit::record_in(
        &mut tx,
        Event::new(Action::BudgetDeliveryUpdated, Some(user.account_id), &ip)
            .subject("pb_proposal", proposal_id)
            .detail(update.status),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!(
        "/budgeting/{id}/proposals/{proposal_id}"
    )))
}
