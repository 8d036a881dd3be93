//! Property tests: after any sequence of operations, accepted or refused,
//! the books balance, limits held when each transfer was made, a refusal
//! changed nothing, and statements agree with balances.

use proptest::prelude::*;

use super::ledger::{AccountId, Ledger, Limits, MemberId, Purpose};
use crate::place::GssCode;
use crate::schedule::{Date, DateRange};

const MEMBERS: [&str; 4] = ["ann", "bill", "jean", "kate"];
const AREAS: [&str; 2] = ["S01012345", "S01000001"];

/// One thing a coordinator might do. Indices pick from the pools above,
/// and some deliberately pick members not yet opened.
#[derive(Debug, Clone)]
enum Operation {
    Open {
        member: usize,
        area: Option<usize>,
    },
    Exchange {
        paid_by: Option<usize>,
        helper: usize,
        minutes: u32,
        day: i64,
    },
    Gift {
        to: usize,
        minutes: u32,
        day: i64,
    },
    Reverse {
        pick: usize,
        day: i64,
    },
    SetLimits {
        member: usize,
        limits: Option<Limits>,
    },
}

fn member(index: usize) -> MemberId {
    MEMBERS[index % MEMBERS.len()].into()
}

fn day(offset: i64) -> Date {
    Date::parse("2026-03-01").unwrap().add_days(offset)
}

fn operation() -> impl Strategy<Value = Operation> {
    let minutes = prop_oneof![Just(0_u32), 1_u32..=300, 300_u32..=900];
    let limits = prop::option::of((0_u32..=900, prop::option::of(0_u32..=1_200)).prop_map(
        |(debt, balance)| Limits {
            max_debt_minutes: debt,
            max_balance_minutes: balance,
        },
    ));
    prop_oneof![
        2 => (0..MEMBERS.len(), prop::option::of(0..AREAS.len()))
            .prop_map(|(member, area)| Operation::Open { member, area }),
        5 => (prop::option::of(0..MEMBERS.len()), 0..MEMBERS.len(), minutes.clone(), 0_i64..90)
            .prop_map(|(paid_by, helper, minutes, day)| Operation::Exchange { paid_by, helper, minutes, day }),
        2 => (0..MEMBERS.len(), minutes, 0_i64..90)
            .prop_map(|(to, minutes, day)| Operation::Gift { to, minutes, day }),
        2 => (0_usize..40, 0_i64..90).prop_map(|(pick, day)| Operation::Reverse { pick, day }),
        1 => (0..MEMBERS.len(), limits).prop_map(|(member, limits)| Operation::SetLimits { member, limits }),
    ]
}

fn apply(ledger: &mut Ledger, operation: &Operation) -> Result<(), super::LedgerError> {
    match *operation {
        Operation::Open { member: m, area } => {
            ledger.open_account(member(m), area.map(|a| GssCode::parse(AREAS[a]).unwrap()))
        }
        Operation::Exchange {
            paid_by,
            helper,
            minutes,
            day: d,
        } => {
            let paid_by = paid_by.map_or(AccountId::Organisation, |m| AccountId::Member(member(m)));
            ledger
                .record_exchange(&paid_by, &member(helper), minutes, day(d), None)
                .map(drop)
        }
        Operation::Gift {
            to,
            minutes,
            day: d,
        } => ledger.gift(&member(to), minutes, day(d), None).map(drop),
        Operation::Reverse { pick, day: d } => {
            let id = ledger
                .transfers()
                .get(pick % ledger.transfers().len().max(1))
                .map_or(super::TransferId(0), |transfer| transfer.id);
            ledger.reverse(id, day(d), None).map(drop)
        }
        Operation::SetLimits { member: m, limits } => ledger.set_limits(&member(m), limits),
    }
}

fn every_account(ledger: &Ledger) -> Vec<AccountId> {
    std::iter::once(AccountId::Organisation)
        .chain(
            ledger
                .member_balances()
                .map(|(m, _)| AccountId::Member(m.clone())),
        )
        .collect()
}

fn all_time() -> DateRange {
    DateRange {
        first: day(-1),
        last: day(200),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_books_always_balance(operations in prop::collection::vec(operation(), 0..60)) {
        let mut ledger = Ledger::default();
        let mut accepted_any = false;
        for operation in &operations {
            let before = ledger.clone();
            match apply(&mut ledger, operation) {
                Err(_) => prop_assert_eq!(&ledger, &before, "a refusal changed the ledger"),
                Ok(()) => accepted_any = true,
            }
            // Every transfer's movements sum to zero, and so do all balances.
            for transfer in ledger.transfers() {
                prop_assert_eq!(transfer.movements[0].minutes + transfer.movements[1].minutes, 0);
                prop_assert!(transfer.minutes() > 0);
            }
            let total: i64 = every_account(&ledger)
                .iter()
                .map(|account| ledger.balance(account).unwrap())
                .sum();
            prop_assert_eq!(total, 0);
            // A new transfer left no member past a limit in the direction it moved them.
            if ledger.transfers().len() > before.transfers().len() {
                let transfer = ledger.transfers().last().unwrap();
                if let AccountId::Member(from) = transfer.from() {
                    let limits = ledger.limits(from).unwrap();
                    prop_assert!(ledger.balance(transfer.from()).unwrap() >= -i64::from(limits.max_debt_minutes));
                }
                if let AccountId::Member(to) = transfer.to() {
                    let limits = ledger.limits(to).unwrap();
                    if let Some(most) = limits.max_balance_minutes {
                        prop_assert!(ledger.balance(transfer.to()).unwrap() <= i64::from(most));
                    }
                }
            }
        }
        // Balances are exactly what the movements add up to.
        for account in every_account(&ledger) {
            let moved: i64 = ledger
                .transfers()
                .iter()
                .flat_map(|transfer| transfer.movements.iter())
                .filter(|movement| movement.account == account)
                .map(|movement| movement.minutes)
                .sum();
            prop_assert_eq!(moved, ledger.balance(&account).unwrap());
        }
        // What storage keeps is enough to rebuild the same ledger.
        let rebuilt = Ledger::from_records(
            Limits::default(),
            ledger.member_records(),
            ledger.transfers().to_vec(),
        );
        prop_assert_eq!(rebuilt.as_ref(), Ok(&ledger));
        // Guards against generators that never let anything through.
        if operations.len() > 40 {
            prop_assert!(accepted_any);
        }
    }

    #[test]
    fn statements_agree_with_balances(
        operations in prop::collection::vec(operation(), 0..60),
        split in 0_i64..90,
    ) {
        let mut ledger = Ledger::default();
        for operation in &operations {
            let _ = apply(&mut ledger, operation);
        }
        for account in every_account(&ledger) {
            let whole = ledger.statement(&account, all_time()).unwrap();
            prop_assert_eq!(whole.opening_balance, 0);
            prop_assert_eq!(whole.closing_balance, ledger.balance(&account).unwrap());
            let mut running = whole.opening_balance;
            for line in &whole.lines {
                running += line.minutes;
                prop_assert_eq!(line.balance_after, running);
            }
            // Two periods back to back join up.
            let before = ledger
                .statement(&account, DateRange { first: all_time().first, last: day(split) })
                .unwrap();
            let after = ledger
                .statement(&account, DateRange { first: day(split + 1), last: all_time().last })
                .unwrap();
            prop_assert_eq!(before.closing_balance, after.opening_balance);
            prop_assert_eq!(after.closing_balance, whole.closing_balance);
            prop_assert_eq!(before.lines.len() + after.lines.len(), whole.lines.len());
        }
    }

    /// Between members, help given and received are the same minutes seen
    /// from two sides; the difference is help the organisation paid for, and
    /// the gifts are the organisation's gifts.
    #[test]
    fn the_area_report_accounts_for_every_exchange_and_gift(
        operations in prop::collection::vec(operation(), 0..60),
    ) {
        let mut ledger = Ledger::default();
        for operation in &operations {
            let _ = apply(&mut ledger, operation);
        }
        let report = ledger.area_report(all_time());
        let given: i64 = report.iter().map(|row| row.given_minutes).sum();
        let received: i64 = report.iter().map(|row| row.received_minutes).sum();
        let gifted: i64 = report.iter().map(|row| row.gifted_minutes).sum();
        let organisation = ledger.statement(&AccountId::Organisation, all_time()).unwrap();
        let paid_out = |wanted: Purpose| -> i64 {
            organisation
                .lines
                .iter()
                .filter(|line| {
                    let purpose = match line.purpose {
                        Purpose::Reversal { of } => {
                            ledger.transfers().iter().find(|t| t.id == of).unwrap().purpose
                        }
                        purpose => purpose,
                    };
                    purpose == wanted
                })
                .map(|line| -line.minutes)
                .sum()
        };
        prop_assert_eq!(given - received, paid_out(Purpose::Exchange));
        prop_assert_eq!(gifted, paid_out(Purpose::Gift));
    }
}
