//! Stalled referrals. A referral stalls when the receiving organisation
//! has not answered by its due date (it is then escalated), when an
//! accepted referral has had no contact with the person for some working
//! days, or when a contacted one has had no attendance recorded. Both the
//! receiver's queue and the referrer's list show what has stalled, so
//! each side knows what to chase.

use serde::{Deserialize, Serialize};

use super::{Status, calendar::WorkingCalendar};
use crate::schedule::Date;

/// How long each stage may take, in working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StallRules {
    /// From acceptance to first contact.
    pub contact_within: u32,
    /// From first contact to first attendance.
    pub attend_within: u32,
}

/// Why a referral is stalled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stall", rename_all = "snake_case")]
pub enum Stall {
    /// Not accepted or declined by its due date: escalated.
    NoAnswer { due: Date },
    /// Accepted, but nobody has contacted the person.
    NoContact { working_days: u32 },
    /// Contacted (or accepted), but no attendance is recorded.
    NoAttendance { working_days: u32 },
}

impl Stall {
    /// The message catalogue key.
    pub const fn key(self) -> &'static str {
        match self {
            Stall::NoAnswer { .. } => "referrals.stall.no_answer",
            Stall::NoContact { .. } => "referrals.stall.no_contact",
            Stall::NoAttendance { .. } => "referrals.stall.no_attendance",
        }
    }
}

/// What [`stalled`] needs to know about one referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub status: Status,
    /// The day the receiver should answer by.
    pub respond_by: Date,
    /// The day it reached its present status.
    pub since: Date,
}

/// Whether one referral has stalled on `today`, and why.
pub fn stall(
    progress: &Progress,
    today: Date,
    rules: StallRules,
    calendar: &WorkingCalendar,
) -> Option<Stall> {
    let waited = calendar.working_days_between(progress.since, today);
    match progress.status {
        Status::Referred if today > progress.respond_by => Some(Stall::NoAnswer {
            due: progress.respond_by,
        }),
        Status::Accepted if waited >= rules.contact_within => Some(Stall::NoContact {
            working_days: waited,
        }),
        Status::Contacted if waited >= rules.attend_within => Some(Stall::NoAttendance {
            working_days: waited,
        }),
        _ => None,
    }
}

/// Every stalled referral among `referrals`, with why, in the order given.
pub fn stalled<K: Clone>(
    referrals: &[(K, Progress)],
    today: Date,
    rules: StallRules,
    calendar: &WorkingCalendar,
) -> Vec<(K, Stall)> {
    referrals
        .iter()
        .filter_map(|(key, progress)| {
            stall(progress, today, rules, calendar).map(|s| (key.clone(), s))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(raw: &str) -> Date {
        Date::parse(raw).unwrap()
    }

    const RULES: StallRules = StallRules {
        contact_within: 5,
        attend_within: 10,
    };

    #[test]
    fn each_stage_stalls_after_its_working_days() {
        let calendar = WorkingCalendar::default();
        let today = d("2026-12-14");
        let items = vec![
            // Due last Friday, still unanswered: escalated.
            (
                1,
                Progress {
                    status: Status::Referred,
                    respond_by: d("2026-12-11"),
                    since: d("2026-12-04"),
                },
            ),
            // Due today: not yet.
            (
                2,
                Progress {
                    status: Status::Referred,
                    respond_by: today,
                    since: d("2026-12-07"),
                },
            ),
            // Accepted a week ago (5 working days), never contacted.
            (
                3,
                Progress {
                    status: Status::Accepted,
                    respond_by: d("2026-12-11"),
                    since: d("2026-12-07"),
                },
            ),
            // Accepted four working days ago: fine.
            (
                4,
                Progress {
                    status: Status::Accepted,
                    respond_by: d("2026-12-11"),
                    since: d("2026-12-08"),
                },
            ),
            // Contacted two weeks ago, no attendance.
            (
                5,
                Progress {
                    status: Status::Contacted,
                    respond_by: d("2026-12-01"),
                    since: d("2026-11-30"),
                },
            ),
            // Completed long ago: never stalled.
            (
                6,
                Progress {
                    status: Status::Completed,
                    respond_by: d("2026-01-01"),
                    since: d("2026-01-01"),
                },
            ),
        ];
        let found = stalled(&items, today, RULES, &calendar);
        assert_eq!(
            found,
            vec![
                (
                    1,
                    Stall::NoAnswer {
                        due: d("2026-12-11")
                    }
                ),
                (3, Stall::NoContact { working_days: 5 }),
                (5, Stall::NoAttendance { working_days: 10 }),
            ]
        );
    }
}
