//! One referral: who and what (the receiver sees only what was shared),
//! where it stands, every step with who took it, when and how, the forms
//! to move it on, and the wellbeing measures taken. The referrer's view
//! leads with the "message back": where it stands and how it ended.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    response::Response,
};
use coprod_engine::{
    plain,
    referrals::{Actor as StepActor, Channel, SharedField, Side, Status, outcomes::MeasureScore},
    schedule::Date,
    surveys::instruments::InstrumentScore,
};
use serde::Deserialize;
use sqlx::AnyConnection;

use super::{Flash, destination, page_error, refer::channel_choices};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    coordination::model::today,
    error::Result,
    referrals::{
        actor,
        model::{Outcome, status_label, status_tag},
        store,
        workflow::{self, Moving, ReferralError},
    },
    web::{ClientIp, Shell, StrictForm, page, when},
};

/// One fact about the person, or that it was not shared.
pub struct Fact {
    pub label: String,
    pub value: String,
}

/// One step as shown.
pub struct StepLine {
    pub status: String,
    pub when: String,
    pub who: String,
    pub channel: String,
    pub note: String,
}

/// One measure as shown.
pub struct OutcomeLine {
    pub instrument: String,
    pub stage: String,
    pub when: String,
    pub items: String,
    pub score: String,
}

#[derive(Template)]
#[template(path = "referrals/referral.html")]
#[expect(
    clippy::struct_excessive_bools,
    reason = "each says whether the page shows one part"
)]
struct ReferralPage {
    shell: Shell,
    done: String,
    problem: String,
    id: i64,
    referrer_side: bool,
    receiver_side: bool,
    to: String,
    receiver: String,
    referrer: String,
    status: String,
    tag: &'static str,
    open: bool,
    respond_by: String,
    escalated: bool,
    stall: String,
    message_back: String,
    facts: Vec<Fact>,
    steps: Vec<StepLine>,
    next: Vec<(String, String)>,
    channels: Vec<(String, String)>,
    outcomes: Vec<OutcomeLine>,
    help_request: Option<i64>,
}

async fn who(conn: &mut AnyConnection, actor: StepActor) -> Result<String> {
    Ok(match actor {
        StepActor::Account(id) => store::account_name(conn, id).await?.unwrap_or_default(),
        StepActor::Token(id) => store::token_name(conn, id)
            .await?
            .map(|n| format!("API: {n}"))
            .unwrap_or_default(),
        StepActor::Operator => "operator".to_owned(),
    })
}

/// A measure's score in words.
pub fn score_text(shell: &Shell, outcome: &Outcome) -> String {
    match outcome.measure.score(&outcome.items) {
        Ok(MeasureScore::Instrument(InstrumentScore::Swemwbs(s))) => {
            format!("{} (raw {})", s.metric_text(), s.raw())
        }
        Ok(MeasureScore::Instrument(InstrumentScore::Ucla3 { score })) => score.to_string(),
        Ok(MeasureScore::Instrument(InstrumentScore::Ons4(s))) => format!(
            "{} / {} / {} / {}",
            s.life_satisfaction, s.worthwhile, s.happy, s.anxious
        ),
        Ok(MeasureScore::TalkingPoints(s)) => {
            let tally = s.tally();
            let percent = tally
                .percent_met()
                .map_or_else(String::new, |p| format!("{p:.0}%"));
            shell.tn(
                "referrals.outcome.talking_points_score",
                &[
                    &percent,
                    &tally.met.to_string(),
                    &tally.partly_met.to_string(),
                    &tally.not_met.to_string(),
                ],
            )
        }
        Err(_) => String::new(),
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "the page's parts, each built once, in the page's order"
)]
pub async fn show(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    let seen = workflow::read(&state.db, &actor, id, "referral page")
        .await
        .map_err(page_error)?;
    let r = &seen.referral;
    let referrer_side = seen.side != Side::Receiver;
    let receiver_side = seen.side != Side::Referrer;
    let mut conn = state.db.pool().acquire().await?;
    let organisations = store::organisation_names(&mut conn).await?;
    let shown = |field: SharedField, value: String| {
        if referrer_side || r.sharing.shares(field) {
            value
        } else {
            shell.t("referrals.not_shared")
        }
    };
    let facts = vec![
        Fact {
            label: shell.t("referrals.field.name"),
            value: shown(SharedField::Name, seen.person.display_name.clone()),
        },
        Fact {
            label: shell.t("referrals.field.phone"),
            value: shown(SharedField::Phone, seen.person.phone.clone()),
        },
        Fact {
            label: shell.t("referrals.field.email"),
            value: shown(
                SharedField::Email,
                seen.person.email.clone().unwrap_or_default(),
            ),
        },
        Fact {
            label: shell.t("referrals.field.reason"),
            value: shown(SharedField::Reason, r.reason.clone()),
        },
        Fact {
            label: shell.t("referrals.field.age_band"),
            value: shown(
                SharedField::AgeBand,
                r.age_band
                    .as_deref()
                    .map(|b| shell.t(&format!("survey.age_band.{b}")))
                    .unwrap_or_default(),
            ),
        },
        Fact {
            label: shell.t("referrals.shared_with_receiver"),
            value: r
                .sharing
                .fields()
                .iter()
                .map(|f| shell.t(&format!("referrals.field.{}", f.key())))
                .collect::<Vec<_>>()
                .join(", "),
        },
    ];
    let mut steps = Vec::new();
    for event in &seen.events {
        steps.push(StepLine {
            status: shell.t(&status_label(event.step.status)),
            when: when(event.step.at),
            who: who(&mut conn, event.step.actor).await?,
            channel: shell.t(&format!("referrals.channel.{}", event.step.channel.key())),
            note: event.step.note.clone(),
        });
    }
    let next = r
        .status
        .next()
        .iter()
        .filter(|(to, _)| r.status.may_move(*to, seen.side))
        .map(|(to, _)| {
            (
                to.key().to_owned(),
                shell.t(&format!("referrals.move.{}", to.key())),
            )
        })
        .collect();
    let settings = &state.settings.referrals;
    let since = seen.events.last().map_or(r.referred_at, |e| e.step.at);
    let stalled = coprod_engine::referrals::stall::stall(
        &coprod_engine::referrals::stall::Progress {
            status: r.status,
            respond_by: r.respond_by,
            since: Date::of_unix_seconds(since),
        },
        today(),
        settings.stall_rules(),
        &settings.calendar(),
    );
    let last = seen.events.last();
    let message_back = match last {
        Some(event) if event.step.note.is_empty() => shell.t1(
            "referrals.message_back.plain",
            &format!(
                "{} ({})",
                shell.t(&status_label(r.status)),
                plain::date(Date::of_unix_seconds(event.step.at))
            ),
        ),
        Some(event) => shell.t1(
            "referrals.message_back.plain",
            &format!(
                "{} ({}): {}",
                shell.t(&status_label(r.status)),
                plain::date(Date::of_unix_seconds(event.step.at)),
                event.step.note
            ),
        ),
        None => String::new(),
    };
    let outcomes = seen
        .outcomes
        .iter()
        .map(|o| OutcomeLine {
            instrument: shell.t(&format!("referrals.instrument.{}", o.measure.key())),
            stage: shell.t(&format!("referrals.stage.{}", o.stage.key())),
            when: when(o.recorded_at),
            items: o
                .items
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            score: score_text(&shell, o),
        })
        .collect();
    let (done, problem) = flash.messages(&shell);
    page(&ReferralPage {
        done,
        problem,
        id,
        referrer_side,
        receiver_side,
        to: destination(&shell, r),
        receiver: organisations
            .get(&r.receiving_organisation_id)
            .cloned()
            .unwrap_or_default(),
        referrer: format!(
            "{}{}{}",
            shell.t(&format!("referrals.kind.{}", r.referrer_kind.key())),
            if r.referrer_role.is_empty() { "" } else { ", " },
            r.referrer_role
        ),
        status: shell.t(&status_label(r.status)),
        tag: status_tag(r.status),
        open: !r.status.is_final(),
        respond_by: plain::date(r.respond_by),
        escalated: r.escalated_at.is_some()
            || (r.status == Status::Referred && today() > r.respond_by),
        stall: stalled.map(|s| shell.t(s.key())).unwrap_or_default(),
        message_back,
        facts,
        steps,
        next,
        channels: channel_choices(&shell),
        outcomes,
        help_request: r.help_request_id,
        shell,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StepForm {
    to: String,
    channel: String,
    note: String,
}

pub async fn step(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<StepForm>,
) -> Result<Response> {
    let path = format!("/referrals/{id}");
    let actor = actor(&user, &ip);
    let (Ok(to), Ok(channel)) = (Status::parse(&form.to), Channel::parse(&form.channel)) else {
        // Not knowing whether the referral is theirs, check before saying
        // anything about the form.
        let mut conn = state.db.pool().acquire().await?;
        let referral = store::find(&mut conn, id)
            .await?
            .ok_or(crate::error::AppError::NotFound)?;
        workflow::side(&mut conn, &actor, &referral)
            .await
            .map_err(page_error)?;
        return Ok(redirect(&format!("{path}?problem=input")));
    };
    let note: String = form.note.trim().chars().take(1_000).collect();
    let moving = Moving { to, channel, note };
    match workflow::step(
        &state.db,
        &actor,
        id,
        &moving,
        &state.settings.referrals.calendar(),
    )
    .await
    {
        Ok(_) => Ok(redirect(&format!("{path}?done=moved"))),
        Err(error @ (ReferralError::NotFound | ReferralError::Database(_))) => {
            Err(page_error(error))
        }
        Err(other) => Ok(redirect(&format!("{path}?problem={}", other.code()))),
    }
}
