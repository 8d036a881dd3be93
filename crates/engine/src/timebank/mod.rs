//! The time bank: an hour given earns an hour of credit, whatever the task.
//!
//! Time is kept in whole minutes, never fractions of an hour in floating
//! point, so that sums are exact. Every transfer is two movements that sum
//! to zero, so time is never created or lost: the organisation's own
//! account is where gifted hours come from, and the balances of all
//! accounts, the organisation's included, always add up to nothing.
//!
//! [`ledger`] holds the accounts, limits and transfers; [`statement`] and
//! [`report`] read them back for a member and for an area.

/// Accounts, limits and transfers.
pub mod ledger;
/// Hours given and received by area.
pub mod report;
/// A member's movements over a period.
pub mod statement;

pub use ledger::{
    AccountId, Ledger, LedgerError, Limits, MemberId, MemberRecord, Movement, Purpose, Transfer,
    TransferId,
};
pub use report::AreaTotals;
pub use statement::{Statement, StatementLine};

#[cfg(test)]
mod properties;
