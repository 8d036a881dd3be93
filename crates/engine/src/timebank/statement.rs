//! A member's statement: what came in and went out over a period, with the
//! balance after each line, in the order the help happened.

use serde::{Deserialize, Serialize};

use super::ledger::{AccountId, Ledger, LedgerError, Purpose, Transfer, TransferId};
use crate::schedule::{Date, DateRange};

/// One movement on a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLine {
    pub transfer: TransferId,
    pub on: Date,
    pub purpose: Purpose,
    /// The other side of the transfer.
    pub counterparty: AccountId,
    /// Into the account when positive, out of it when negative.
    pub minutes: i64,
    /// The balance after this line.
    pub balance_after: i64,
    pub reference: Option<String>,
}

/// An account's movements over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub account: AccountId,
    pub period: DateRange,
    /// The balance at the start of the period's first day.
    pub opening_balance: i64,
    /// By date, and by transfer number within a day.
    pub lines: Vec<StatementLine>,
    /// The balance at the end of the period's last day.
    pub closing_balance: i64,
}

impl Ledger {
    /// The statement of `account` for `period`. Transfers are placed by the
    /// day the help happened, so one recorded late still lands on the right
    /// day, and the statement for a period ending today closes at the
    /// current balance.
    pub fn statement(
        &self,
        account: &AccountId,
        period: DateRange,
    ) -> Result<Statement, LedgerError> {
        // Refuses an account that does not exist.
        self.balance(account)?;
        let mut movements: Vec<(&Transfer, i64)> = self
            .transfers
            .iter()
            .filter_map(|transfer| {
                transfer
                    .movements
                    .iter()
                    .find(|movement| movement.account == *account)
                    .map(|movement| (transfer, movement.minutes))
            })
            .collect();
        movements.sort_by_key(|(transfer, _)| (transfer.on, transfer.id));

        let opening_balance = movements
            .iter()
            .filter(|(transfer, _)| transfer.on < period.first)
            .map(|(_, minutes)| minutes)
            .sum();
        let mut balance: i64 = opening_balance;
        let mut lines = Vec::new();
        for (transfer, minutes) in movements
            .into_iter()
            .filter(|(transfer, _)| period.contains(transfer.on))
        {
            balance += minutes;
            let counterparty = if transfer.from() == account {
                transfer.to()
            } else {
                transfer.from()
            };
            lines.push(StatementLine {
                transfer: transfer.id,
                on: transfer.on,
                purpose: transfer.purpose,
                counterparty: counterparty.clone(),
                minutes,
                balance_after: balance,
                reference: transfer.reference.clone(),
            });
        }
        Ok(Statement {
            account: account.clone(),
            period,
            opening_balance,
            lines,
            closing_balance: balance,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> Date {
        Date::parse(raw).unwrap()
    }

    fn period(first: &str, last: &str) -> DateRange {
        DateRange::new(date(first), date(last)).unwrap()
    }

    fn jean() -> AccountId {
        AccountId::Member("jean".into())
    }

    /// Jean helps Ann twice in March; the second was entered first, late.
    fn march() -> Ledger {
        let mut ledger = Ledger::default();
        ledger.open_account("ann".into(), None).unwrap();
        ledger.open_account("jean".into(), None).unwrap();
        let ann = AccountId::Member("ann".into());
        ledger
            .gift(
                &"jean".into(),
                30,
                date("2026-02-20"),
                Some("welcome".into()),
            )
            .unwrap();
        ledger
            .record_exchange(&ann, &"jean".into(), 60, date("2026-03-10"), None)
            .unwrap();
        ledger
            .record_exchange(&ann, &"jean".into(), 90, date("2026-03-03"), None)
            .unwrap();
        ledger
            .record_exchange(&jean(), &"ann".into(), 45, date("2026-04-02"), None)
            .unwrap();
        ledger
    }

    #[test]
    fn lines_run_in_the_order_help_happened() {
        let ledger = march();
        let statement = ledger
            .statement(&jean(), period("2026-03-01", "2026-03-31"))
            .unwrap();
        assert_eq!(statement.opening_balance, 30);
        let lines: Vec<(Date, i64, i64)> = statement
            .lines
            .iter()
            .map(|line| (line.on, line.minutes, line.balance_after))
            .collect();
        assert_eq!(
            lines,
            [(date("2026-03-03"), 90, 120), (date("2026-03-10"), 60, 180)]
        );
        assert_eq!(statement.lines[0].transfer, TransferId(3));
        assert_eq!(
            statement.lines[0].counterparty,
            AccountId::Member("ann".into())
        );
        assert_eq!(statement.closing_balance, 180);
    }

    #[test]
    fn a_statement_to_date_closes_at_the_balance() {
        let ledger = march();
        let statement = ledger
            .statement(&jean(), period("2026-01-01", "2026-12-31"))
            .unwrap();
        assert_eq!(statement.opening_balance, 0);
        assert_eq!(statement.closing_balance, ledger.balance(&jean()).unwrap());
        assert_eq!(statement.lines.len(), 4);
        assert_eq!(statement.lines[0].purpose, Purpose::Gift);
        assert_eq!(statement.lines[0].counterparty, AccountId::Organisation);
        assert_eq!(statement.lines[0].reference.as_deref(), Some("welcome"));
        assert_eq!(statement.lines[3].minutes, -45);
        let organisation = ledger
            .statement(&AccountId::Organisation, period("2026-01-01", "2026-12-31"))
            .unwrap();
        assert_eq!(organisation.closing_balance, -30);
    }

    #[test]
    fn a_quiet_period_opens_and_closes_alike() {
        let ledger = march();
        let statement = ledger
            .statement(&jean(), period("2026-03-11", "2026-03-31"))
            .unwrap();
        assert!(statement.lines.is_empty());
        assert_eq!(statement.opening_balance, 180);
        assert_eq!(statement.closing_balance, 180);
        assert_eq!(
            ledger.statement(
                &AccountId::Member("moira".into()),
                period("2026-03-01", "2026-03-31")
            ),
            Err(LedgerError::UnknownMember("moira".into()))
        );
    }
}
