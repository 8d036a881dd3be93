//! The referral pages: refer a person, the receiver's queue, what was sent,
//! one referral with its steps and outcomes, and the uptake funnel.

/// What changed for people: mean change with n and a 95% interval.
pub mod changes;
/// The uptake funnel.
pub mod funnel;
/// Referring yourself, and following your own referrals.
pub mod mine;
/// Recording a wellbeing measure.
pub mod outcome;
/// The queues: incoming, sent, and the overview.
pub mod queues;
/// Referring a person.
pub mod refer;
/// One referral and its next steps.
pub mod referral;

use std::collections::HashMap;

use coprod_engine::{
    plain,
    referrals::{
        SharedField, Side,
        calendar::WorkingCalendar,
        stall::{Progress, StallRules, stall},
    },
    schedule::Date,
};
use serde::Deserialize;

use super::{
    model::{Referral, Target, status_label, status_tag},
    workflow::ReferralError,
};
use crate::{error::AppError, web::Shell};

/// A refusal as a page error: what is not theirs is not there.
pub fn page_error(error: ReferralError) -> AppError {
    match error {
        ReferralError::Database(error) => error.into(),
        _ => AppError::NotFound,
    }
}

/// What a redirect after a form asks the next page to say.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct Flash {
    pub done: String,
    pub problem: String,
}

const DONE: &[&str] = &["referred", "moved", "outcome", "withdrawn"];
const PROBLEMS: &[&str] = &[
    "final",
    "not_next",
    "wrong_side",
    "reason_missing",
    "before_previous",
    "stale",
    "postcode_unknown",
    "input",
];

impl Flash {
    /// (success, problem) messages, from the catalogue.
    pub fn messages(&self, shell: &Shell) -> (String, String) {
        let pick = |code: &str, known: &[&str], prefix: &str| {
            if known.contains(&code) {
                shell.t(&format!("referrals.{prefix}.{code}"))
            } else {
                String::new()
            }
        };
        (
            pick(&self.done, DONE, "done"),
            pick(&self.problem, PROBLEMS, "problem"),
        )
    }
}

/// A referral as a line in a queue.
#[derive(Debug, Clone)]
pub struct Line {
    pub id: i64,
    /// The person's name, or that it was not shared.
    pub person: String,
    /// The service, or the desk.
    pub to: String,
    /// The organisation on the other side.
    pub other: String,
    pub referred: String,
    pub respond_by: String,
    pub status: String,
    pub tag: &'static str,
    /// Unanswered after its due date.
    pub escalated: bool,
    /// Why it has stalled, if it has.
    pub stall: String,
}

/// What one list needs to draw its lines.
pub struct Lines<'a> {
    pub shell: &'a Shell,
    /// The side each referral shown is seen from (`workflow::side`).
    pub sides: &'a HashMap<i64, Side>,
    pub people: &'a HashMap<i64, String>,
    pub organisations: &'a HashMap<i64, String>,
    pub since: &'a HashMap<i64, i64>,
    pub today: Date,
    pub rules: StallRules,
    pub calendar: &'a WorkingCalendar,
    /// Incoming lists name the referrer's organisation, sent lists the receiver's.
    pub incoming: bool,
}

impl Lines<'_> {
    pub fn line(&self, r: &Referral) -> Line {
        let shell = self.shell;
        let side = self.sides.get(&r.id).copied();
        let person = if side == Some(Side::Receiver) && !r.sharing.shares(SharedField::Name) {
            shell.t("referrals.name_not_shared")
        } else {
            self.people.get(&r.person_id).cloned().unwrap_or_default()
        };
        let other = if self.incoming {
            r.referring_organisation_id
                .and_then(|id| self.organisations.get(&id).cloned())
                .unwrap_or_else(|| shell.t("referrals.partnership"))
        } else {
            self.organisations
                .get(&r.receiving_organisation_id)
                .cloned()
                .unwrap_or_default()
        };
        let since = self.since.get(&r.id).map_or(r.referred_at, |at| *at);
        let stalled = stall(
            &Progress {
                status: r.status,
                respond_by: r.respond_by,
                since: Date::of_unix_seconds(since),
            },
            self.today,
            self.rules,
            self.calendar,
        );
        Line {
            id: r.id,
            person,
            to: destination(shell, r),
            other,
            referred: plain::date(Date::of_unix_seconds(r.referred_at)),
            respond_by: plain::date(r.respond_by),
            status: shell.t(&status_label(r.status)),
            tag: status_tag(r.status),
            escalated: r.escalated_at.is_some()
                || stalled.is_some_and(|s| s.key().ends_with("no_answer")),
            stall: stalled.map(|s| shell.t(s.key())).unwrap_or_default(),
        }
    }
}

/// Where a referral goes, in words.
pub fn destination(shell: &Shell, r: &Referral) -> String {
    match r.target {
        Target::Service => r.service_name.clone(),
        Target::Desk => shell.t("referrals.desk"),
    }
}
