//! Recording a wellbeing measure (SWEMWBS, ONS4 or UCLA-3) at the start of
//! a referral or at a review. The questions are asked on the licensed paper
//! form; this page takes the answer to each numbered item, checks each is
//! within the instrument's range, and says which item is wrong if not.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::{
    referrals::{Channel, outcomes::Stage},
    surveys::instruments::Instrument,
};
use serde::Deserialize;

use super::{page_error, refer::channel_choices};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    error::{AppError, Result},
    referrals::{
        actor, store,
        workflow::{self, Measuring},
    },
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Choice {
    instrument: String,
}

/// The form as typed: up to seven items.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct OutcomeForm {
    pub instrument: String,
    pub stage: String,
    pub channel: String,
    pub item_1: String,
    pub item_2: String,
    pub item_3: String,
    pub item_4: String,
    pub item_5: String,
    pub item_6: String,
    pub item_7: String,
}

impl OutcomeForm {
    fn item(&self, n: usize) -> &str {
        match n {
            1 => &self.item_1,
            2 => &self.item_2,
            3 => &self.item_3,
            4 => &self.item_4,
            5 => &self.item_5,
            6 => &self.item_6,
            7 => &self.item_7,
            _ => "",
        }
    }
}

/// One numbered item's input.
pub struct ItemInput {
    pub id: String,
    pub label: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "referrals/outcome.html")]
struct OutcomePage {
    shell: Shell,
    id: i64,
    /// None: choose the instrument first.
    instrument: Option<Instrument>,
    instruments: Vec<(String, String)>,
    form: OutcomeForm,
    errors: FieldErrors,
    items: Vec<ItemInput>,
    range: String,
    notice: String,
    channels: Vec<(String, String)>,
}

impl OutcomePage {
    fn new(
        shell: Shell,
        id: i64,
        instrument: Option<Instrument>,
        form: OutcomeForm,
        errors: FieldErrors,
    ) -> Self {
        let items = instrument.map_or_else(Vec::new, |i| {
            (1..=i.item_count())
                .map(|n| ItemInput {
                    id: format!("item_{n}"),
                    label: shell.t1("referrals.outcome.item", &n.to_string()),
                    value: form.item(n).to_owned(),
                })
                .collect()
        });
        let range = instrument.map_or_else(String::new, |i| {
            let (low, high) = i.answer_range();
            shell.t1("referrals.outcome.range", &format!("{low}–{high}"))
        });
        Self {
            instruments: Instrument::ALL
                .iter()
                .map(|i| {
                    (
                        i.key().to_owned(),
                        shell.t(&format!("referrals.instrument.{}", i.key())),
                    )
                })
                .collect(),
            channels: channel_choices(&shell),
            notice: instrument
                .and_then(Instrument::notice)
                .unwrap_or_default()
                .to_owned(),
            shell,
            id,
            instrument,
            form,
            errors,
            items,
            range,
        }
    }
}

/// The referral, if the user stands on either side of it.
async fn reachable(state: &AppState, user: &CurrentUser, id: i64) -> Result<()> {
    let reach = actor(user, "").reach;
    let mut conn = state.db.pool().acquire().await?;
    store::find(&mut conn, id)
        .await?
        .and_then(|r| r.side_of(&reach))
        .ok_or(AppError::NotFound)?;
    Ok(())
}

pub async fn form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    Query(choice): Query<Choice>,
) -> Result<Response> {
    reachable(&state, &user, id).await?;
    let instrument = Instrument::from_key(choice.instrument.trim());
    let form = OutcomeForm {
        instrument: choice.instrument.trim().to_owned(),
        stage: Stage::Start.key().into(),
        channel: Channel::InPerson.key().into(),
        ..OutcomeForm::default()
    };
    page(&OutcomePage::new(
        shell,
        id,
        instrument,
        form,
        FieldErrors::default(),
    ))
}

pub async fn record(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<OutcomeForm>,
) -> Result<Response> {
    reachable(&state, &user, id).await?;
    let mut errors = FieldErrors::default();
    let instrument = Instrument::from_key(form.instrument.trim());
    let Some(instrument) = instrument else {
        errors.add("instrument", shell.t("referrals.error.instrument"));
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &OutcomePage::new(shell, id, None, form, errors),
        );
    };
    let when = Stage::parse(&form.stage).ok();
    if when.is_none() {
        errors.add("stage", shell.t("referrals.error.choose"));
    }
    let channel = Channel::parse(&form.channel).ok();
    if channel.is_none() {
        errors.add("channel", shell.t("referrals.error.choose"));
    }
    let (low, high) = instrument.answer_range();
    let mut items = Vec::new();
    for n in 1..=instrument.item_count() {
        match form.item(n).trim().parse::<i64>() {
            Ok(value) if (i64::from(low)..=i64::from(high)).contains(&value) => items.push(value),
            _ => errors.add(
                format!("item_{n}"),
                shell.t1("referrals.error.item", &format!("{n} ({low}–{high})")),
            ),
        }
    }
    // The engine scores what was typed, so nothing it would refuse is stored.
    if errors.is_empty() && instrument.score(&items).is_err() {
        errors.add("item_1", shell.t("referrals.error.choose"));
    }
    let (Some(when), Some(channel)) = (when, channel) else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &OutcomePage::new(shell, id, Some(instrument), form, errors),
        );
    };
    if !errors.is_empty() {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &OutcomePage::new(shell, id, Some(instrument), form, errors),
        );
    }
    workflow::record_outcome(
        &state.db,
        &actor(&user, &ip),
        id,
        &Measuring {
            instrument,
            stage: when,
            items,
            channel,
        },
    )
    .await
    .map_err(page_error)?;
    Ok(redirect(&format!("/referrals/{id}?done=outcome")))
}
