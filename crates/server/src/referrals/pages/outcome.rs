//! Recording a measure at the start of a referral or at a review: one of
//! the validated instruments (SWEMWBS, ONS4, UCLA-3), whose questions are
//! asked on the licensed paper form and whose numbered answers are typed
//! here, or the Talking Points outcomes, rated one by one on this page
//! after the conversation. Each answer is checked against the measure's
//! range, and a wrong one is named.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use std::collections::BTreeMap;

use coprod_engine::referrals::{
    Channel,
    outcomes::{Measure, Stage},
    talking_points::{GROUPS, Rating},
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
    star::model::TalkingPoint,
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Choice {
    instrument: String,
}

/// The form as typed: the measure, when and how, and `item_1`… `item_N`.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct OutcomeForm {
    pub instrument: String,
    pub stage: String,
    pub channel: String,
    #[serde(flatten)]
    pub items: BTreeMap<String, String>,
}

impl OutcomeForm {
    fn item(&self, n: usize) -> &str {
        self.items
            .get(&format!("item_{n}"))
            .map_or("", String::as_str)
    }
}

/// One numbered item's input.
pub struct ItemInput {
    pub id: String,
    pub label: String,
    pub value: String,
}

/// One group of Talking Points outcomes, each rated with radios.
pub struct RatingGroup {
    pub title: String,
    pub outcomes: Vec<ItemInput>,
}

#[derive(Template)]
#[template(path = "referrals/outcome.html")]
struct OutcomePage {
    shell: Shell,
    id: i64,
    /// None: choose the measure first.
    instrument: Option<Measure>,
    instruments: Vec<(String, String)>,
    form: OutcomeForm,
    errors: FieldErrors,
    /// Numbered answers, for the instruments.
    items: Vec<ItemInput>,
    /// Rated outcomes, for Talking Points.
    groups: Vec<RatingGroup>,
    /// The ratings' values and labels, best first.
    ratings: Vec<(String, String)>,
    range: String,
    notice: String,
    channels: Vec<(String, String)>,
}

impl OutcomePage {
    fn new(
        shell: Shell,
        id: i64,
        instrument: Option<Measure>,
        form: OutcomeForm,
        errors: FieldErrors,
    ) -> Self {
        let input = |n: usize, label: String| ItemInput {
            id: format!("item_{n}"),
            label,
            value: form.item(n).to_owned(),
        };
        let (items, groups) = match instrument {
            None => (Vec::new(), Vec::new()),
            Some(Measure::Instrument(i)) => (
                (1..=i.item_count())
                    .map(|n| input(n, shell.t1("referrals.outcome.item", &n.to_string())))
                    .collect(),
                Vec::new(),
            ),
            Some(Measure::TalkingPoints) => (
                Vec::new(),
                GROUPS
                    .iter()
                    .map(|(group, range)| RatingGroup {
                        title: shell.t(&format!("star.talking_points.{}", group.key())),
                        outcomes: range
                            .clone()
                            .map(|at| {
                                let label = TalkingPoint::ALL
                                    .get(at)
                                    .map(|p| shell.t(&p.label_key()))
                                    .unwrap_or_default();
                                input(at + 1, label)
                            })
                            .collect(),
                    })
                    .collect(),
            ),
        };
        let range = match instrument {
            Some(Measure::Instrument(i)) => {
                let (low, high) = i.answer_range();
                shell.t1("referrals.outcome.range", &format!("{low}–{high}"))
            }
            _ => String::new(),
        };
        Self {
            instruments: Measure::ALL
                .iter()
                .map(|m| {
                    (
                        m.key().to_owned(),
                        shell.t(&format!("referrals.instrument.{}", m.key())),
                    )
                })
                .collect(),
            ratings: Rating::ALL
                .iter()
                .map(|r| {
                    (
                        r.value().to_string(),
                        shell.t(&format!("referrals.rating.{}", r.key())),
                    )
                })
                .collect(),
            channels: channel_choices(&shell),
            notice: match instrument {
                Some(Measure::Instrument(i)) => i.notice().unwrap_or_default().to_owned(),
                _ => String::new(),
            },
            shell,
            id,
            instrument,
            form,
            errors,
            items,
            groups,
            range,
        }
    }
}

/// The referral, if the user stands on either side of it.
async fn reachable(state: &AppState, user: &CurrentUser, id: i64) -> Result<()> {
    let mut conn = state.db.pool().acquire().await?;
    let referral = store::find(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    workflow::side(&mut conn, &actor(user, ""), &referral)
        .await
        .map_err(page_error)?;
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
    let instrument = Measure::from_key(&choice.instrument);
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
    let Some(instrument) = Measure::from_key(&form.instrument) else {
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
            _ if instrument == Measure::TalkingPoints => errors.add(
                format!("item_{n}"),
                shell.t1(
                    "referrals.error.rating",
                    &TalkingPoint::ALL
                        .get(n - 1)
                        .map(|p| shell.t(&p.label_key()))
                        .unwrap_or_default(),
                ),
            ),
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
            measure: instrument,
            stage: when,
            items,
            channel,
        },
    )
    .await
    .map_err(page_error)?;
    Ok(redirect(&format!("/referrals/{id}?done=outcome")))
}
