//! Hours of help given and received, by the area members live in: the
//! lens a partnership uses to ask whether the time bank reaches the places
//! that need it most.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::ledger::{AccountId, Ledger, Purpose};
use crate::place::GssCode;
use crate::schedule::DateRange;

/// One area's totals over a period, in minutes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AreaTotals {
    /// `None` gathers members whose area is not recorded.
    pub area: Option<GssCode>,
    /// Help the area's members gave.
    pub given_minutes: i64,
    /// Help the area's members received and paid for. Help the organisation
    /// paid for, for people outside the time bank, is given but received
    /// by no member.
    pub received_minutes: i64,
    /// Hours the organisation gifted the area's members.
    pub gifted_minutes: i64,
}

impl Ledger {
    /// Totals per area for transfers dated in `period`, by the area each
    /// member lives in now. A reversal takes its minutes back from the
    /// same columns, dated when it was made. Areas come in code order,
    /// with the unrecorded last.
    pub fn area_report(&self, period: DateRange) -> Vec<AreaTotals> {
        let mut totals: HashMap<Option<GssCode>, AreaTotals> = HashMap::new();
        for transfer in self.transfers.iter().filter(|t| period.contains(t.on)) {
            let (purpose, sign) = match transfer.purpose {
                Purpose::Reversal { of } => match self.transfers.iter().find(|t| t.id == of) {
                    Some(original) => (original.purpose, -1),
                    None => continue,
                },
                purpose => (purpose, 1),
            };
            // A reversal runs back the way the original came, so the
            // original's sides are its sides swapped.
            let (from, to) = if sign < 0 {
                (transfer.to(), transfer.from())
            } else {
                (transfer.from(), transfer.to())
            };
            let minutes = sign * transfer.minutes();
            match purpose {
                Purpose::Exchange => {
                    self.add(&mut totals, to, |row| {
                        row.given_minutes += minutes;
                    });
                    self.add(&mut totals, from, |row| {
                        row.received_minutes += minutes;
                    });
                }
                Purpose::Gift => self.add(&mut totals, to, |row| {
                    row.gifted_minutes += minutes;
                }),
                // The ledger never reverses a reversal.
                Purpose::Reversal { .. } => {}
            }
        }
        let mut rows: Vec<AreaTotals> = totals.into_values().collect();
        rows.sort_by(|a, b| match (&a.area, &b.area) {
            (Some(a), Some(b)) => a.as_str().cmp(b.as_str()),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        rows
    }

    /// Adds to the row of a member's area; the organisation has no area.
    fn add(
        &self,
        totals: &mut HashMap<Option<GssCode>, AreaTotals>,
        account: &AccountId,
        change: impl FnOnce(&mut AreaTotals),
    ) {
        let AccountId::Member(member) = account else {
            return;
        };
        let area = self.account(member).ok().and_then(|a| a.area.clone());
        let row = totals.entry(area.clone()).or_insert_with(|| AreaTotals {
            area,
            ..AreaTotals::default()
        });
        change(row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Date;

    fn date(raw: &str) -> Date {
        Date::parse(raw).unwrap()
    }

    fn area(code: &str) -> GssCode {
        GssCode::parse(code).unwrap()
    }

    fn member(id: &str) -> AccountId {
        AccountId::Member(id.into())
    }

    #[test]
    fn help_given_and_received_by_area() {
        let mut ledger = Ledger::default();
        ledger
            .open_account("ann".into(), Some(area("S01012345")))
            .unwrap();
        ledger
            .open_account("bill".into(), Some(area("S01012345")))
            .unwrap();
        ledger
            .open_account("jean".into(), Some(area("S01000001")))
            .unwrap();
        ledger.open_account("kate".into(), None).unwrap();
        // Jean helps Ann and Bill; Kate helps someone outside the time bank.
        ledger
            .record_exchange(&member("ann"), &"jean".into(), 60, date("2026-03-03"), None)
            .unwrap();
        let mistake = ledger
            .record_exchange(
                &member("bill"),
                &"jean".into(),
                45,
                date("2026-03-04"),
                None,
            )
            .unwrap();
        ledger
            .record_exchange(
                &AccountId::Organisation,
                &"kate".into(),
                90,
                date("2026-03-05"),
                None,
            )
            .unwrap();
        ledger
            .gift(&"ann".into(), 120, date("2026-03-06"), None)
            .unwrap();
        ledger.reverse(mistake, date("2026-03-07"), None).unwrap();
        // April is outside the period.
        ledger
            .record_exchange(&member("ann"), &"jean".into(), 30, date("2026-04-01"), None)
            .unwrap();

        let march = DateRange::new(date("2026-03-01"), date("2026-03-31")).unwrap();
        let report = ledger.area_report(march);
        assert_eq!(
            report,
            [
                AreaTotals {
                    area: Some(area("S01000001")),
                    given_minutes: 60,
                    received_minutes: 0,
                    gifted_minutes: 0,
                },
                AreaTotals {
                    area: Some(area("S01012345")),
                    given_minutes: 0,
                    received_minutes: 60,
                    gifted_minutes: 120,
                },
                AreaTotals {
                    area: None,
                    given_minutes: 90,
                    received_minutes: 0,
                    gifted_minutes: 0,
                },
            ]
        );
    }

    #[test]
    fn a_member_who_moves_is_counted_where_they_live_now() {
        let mut ledger = Ledger::default();
        ledger
            .open_account("ann".into(), Some(area("S01012345")))
            .unwrap();
        ledger.open_account("jean".into(), None).unwrap();
        ledger
            .record_exchange(&member("ann"), &"jean".into(), 60, date("2026-03-03"), None)
            .unwrap();
        ledger
            .set_area(&"ann".into(), Some(area("S01000002")))
            .unwrap();
        let march = DateRange::new(date("2026-03-01"), date("2026-03-31")).unwrap();
        let report = ledger.area_report(march);
        assert_eq!(report[0].area, Some(area("S01000002")));
        assert_eq!(report[0].received_minutes, 60);
        assert!(
            ledger
                .area_report(DateRange::new(date("2026-04-01"), date("2026-04-30")).unwrap())
                .is_empty()
        );
    }
}
