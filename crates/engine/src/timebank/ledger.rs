//! The ledger: accounts, limits, and transfers of time that always come as
//! two movements summing to zero.
//!
//! Nothing is ever edited or deleted. A mistake is put right by a reversal,
//! a new transfer the other way, so every statement can be explained line by
//! line and the books always balance.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::place::GssCode;
use crate::plain;
use crate::schedule::Date;

/// A member of the time bank, by whatever id storage gives them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MemberId(pub String);

impl From<&str> for MemberId {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl fmt::Display for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whose account: a member's, or the organisation's own, which gifts hours
/// and pays for help given to people outside the time bank.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountId {
    Organisation,
    Member(MemberId),
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccountId::Organisation => f.write_str("the organisation"),
            AccountId::Member(member) => write!(f, "member {member}"),
        }
    }
}

/// How far a member's balance may go either way. The organisation's account
/// has none: its balance is the hours it has put in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// How many minutes a member may owe; a new member can be helped
    /// before they have had the chance to help anyone.
    pub max_debt_minutes: u32,
    /// How many minutes a member may hold, if capped, so that credits are
    /// spent and circulate rather than pile up.
    pub max_balance_minutes: Option<u32>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_debt_minutes: 10 * 60,
            max_balance_minutes: None,
        }
    }
}

/// A transfer's number, in the order transfers were recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TransferId(pub u64);

impl fmt::Display for TransferId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Why time moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Purpose {
    /// Payment for help given: from the person helped (or the organisation
    /// on their behalf) to the helper.
    Exchange,
    /// Hours the organisation gives a member.
    Gift,
    /// Undoes an earlier transfer.
    Reversal { of: TransferId },
}

/// One side of a transfer: minutes into (positive) or out of (negative)
/// one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Movement {
    pub account: AccountId,
    pub minutes: i64,
}

/// Time moving from one account to another, as its two movements: the
/// first out of one account, the second into the other, always summing to
/// zero. Only the ledger makes them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Transfer {
    pub id: TransferId,
    /// The day the help happened or the gift was made, which may be
    /// earlier than the day it was recorded.
    pub on: Date,
    pub purpose: Purpose,
    /// What it pays for (an exchange's id, a note), for statements to show.
    pub reference: Option<String>,
    pub movements: [Movement; 2],
}

impl Transfer {
    /// The account the time came out of.
    pub fn from(&self) -> &AccountId {
        &self.movements[0].account
    }

    /// The account the time went into.
    pub fn to(&self) -> &AccountId {
        &self.movements[1].account
    }

    /// How much moved.
    pub fn minutes(&self) -> i64 {
        self.movements[1].minutes
    }
}

/// "owe 2 h 30 min" or "hold 45 min", to follow "would" in a message.
fn standing(balance: i64) -> String {
    if balance < 0 {
        format!("owe {}", plain::minutes(balance.saturating_neg()))
    } else {
        format!("hold {}", plain::minutes(balance))
    }
}

fn length(amount: u32) -> String {
    plain::minutes(i64::from(amount))
}

/// Why a change to the ledger was refused. A refused change leaves the
/// ledger exactly as it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("a transfer must be of at least one minute")]
    NoTime,
    #[error("time can only move between two different accounts")]
    SameAccount,
    #[error("member {0} has no time bank account")]
    UnknownMember(MemberId),
    #[error("member {0} already has a time bank account")]
    AlreadyOpen(MemberId),
    #[error(
        "member {member} would {}, more than the {} a member may owe",
        standing(*.balance_after),
        length(*.max_debt_minutes)
    )]
    DebtLimit {
        member: MemberId,
        balance_after: i64,
        max_debt_minutes: u32,
    },
    #[error(
        "member {member} would {}, more than the {} a member may hold",
        standing(*.balance_after),
        length(*.max_balance_minutes)
    )]
    BalanceLimit {
        member: MemberId,
        balance_after: i64,
        max_balance_minutes: u32,
    },
    #[error("there is no transfer {0}")]
    UnknownTransfer(TransferId),
    #[error("transfer {0} has already been reversed")]
    AlreadyReversed(TransferId),
    #[error("transfer {0} is itself a reversal; record the transfer again instead")]
    ReversalOfReversal(TransferId),
    #[error("a reversal cannot be dated before transfer {0}, which it undoes")]
    ReversalBeforeTransfer(TransferId),
    #[error("the balance would be too large to record")]
    Overflow,
    #[error("stored transfer {0} is out of sequence")]
    OutOfSequence(TransferId),
    #[error("stored transfer {0} does not balance")]
    Unbalanced(TransferId),
}

/// A member's account as storage keeps it. The balance is not kept: it is
/// worked out again from the transfers, so the two can never disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRecord {
    pub member: MemberId,
    pub area: Option<GssCode>,
    /// Their own limits, if not the time bank's.
    pub limits: Option<Limits>,
}

/// A member's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Account {
    /// Where the member lives, for reports by area.
    pub area: Option<GssCode>,
    /// Their own limits, if not the time bank's.
    pub limits: Option<Limits>,
    pub balance: i64,
}

/// One time bank's books.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ledger {
    default_limits: Limits,
    members: BTreeMap<MemberId, Account>,
    organisation_balance: i64,
    pub(crate) transfers: Vec<Transfer>,
    reversed: BTreeSet<TransferId>,
}

impl Ledger {
    /// An empty ledger whose members have `default_limits` unless given
    /// their own.
    pub fn new(default_limits: Limits) -> Self {
        Self {
            default_limits,
            members: BTreeMap::new(),
            organisation_balance: 0,
            transfers: Vec::new(),
            reversed: BTreeSet::new(),
        }
    }

    /// Rebuilds a ledger from what storage kept: the members, and every
    /// transfer in the order it was recorded. Each transfer is checked to be
    /// in sequence, to balance, to join two open accounts and (for a
    /// reversal) to mirror a transfer not already reversed; limits are not
    /// checked again, since they applied when the transfer was made and may
    /// have changed since.
    pub fn from_records(
        default_limits: Limits,
        members: impl IntoIterator<Item = MemberRecord>,
        transfers: impl IntoIterator<Item = Transfer>,
    ) -> Result<Self, LedgerError> {
        let mut ledger = Self::new(default_limits);
        for record in members {
            ledger.open_account(record.member.clone(), record.area)?;
            ledger.set_limits(&record.member, record.limits)?;
        }
        for transfer in transfers {
            ledger.restore(transfer)?;
        }
        Ok(ledger)
    }

    /// The members as storage keeps them, in id order.
    pub fn member_records(&self) -> impl Iterator<Item = MemberRecord> {
        self.members.iter().map(|(member, account)| MemberRecord {
            member: member.clone(),
            area: account.area.clone(),
            limits: account.limits,
        })
    }

    fn restore(&mut self, transfer: Transfer) -> Result<(), LedgerError> {
        let id = transfer.id;
        if id != self.next_id() {
            return Err(LedgerError::OutOfSequence(id));
        }
        let [out, into] = &transfer.movements;
        if into.minutes <= 0 || out.minutes.checked_add(into.minutes) != Some(0) {
            return Err(LedgerError::Unbalanced(id));
        }
        if out.account == into.account {
            return Err(LedgerError::SameAccount);
        }
        if let Purpose::Reversal { of } = transfer.purpose {
            let mirrors = self.transfers.iter().any(|original| {
                original.id == of
                    && !matches!(original.purpose, Purpose::Reversal { .. })
                    && original.from() == transfer.to()
                    && original.to() == transfer.from()
                    && original.minutes() == transfer.minutes()
            });
            if !mirrors {
                return Err(LedgerError::Unbalanced(id));
            }
            if self.reversed.contains(&of) {
                return Err(LedgerError::AlreadyReversed(of));
            }
            self.reversed.insert(of);
        }
        let from_balance = self
            .balance(&out.account)?
            .checked_add(out.minutes)
            .ok_or(LedgerError::Overflow)?;
        let to_balance = self
            .balance(&into.account)?
            .checked_add(into.minutes)
            .ok_or(LedgerError::Overflow)?;
        self.set_balance(&out.account, from_balance);
        self.set_balance(&into.account, to_balance);
        self.transfers.push(transfer);
        Ok(())
    }

    /// Transfers are numbered from 1 in the order recorded.
    fn next_id(&self) -> TransferId {
        TransferId(self.transfers.len() as u64 + 1)
    }

    /// Opens an account, at zero, for a new member.
    pub fn open_account(
        &mut self,
        member: MemberId,
        area: Option<GssCode>,
    ) -> Result<(), LedgerError> {
        if self.members.contains_key(&member) {
            return Err(LedgerError::AlreadyOpen(member));
        }
        self.members.insert(
            member,
            Account {
                area,
                limits: None,
                balance: 0,
            },
        );
        Ok(())
    }

    /// Gives a member limits of their own, or (with `None`) returns them to
    /// the time bank's. Lowering a limit below a balance already past it
    /// refuses further movement that way, never movement back.
    pub fn set_limits(
        &mut self,
        member: &MemberId,
        limits: Option<Limits>,
    ) -> Result<(), LedgerError> {
        self.account_mut(member)?.limits = limits;
        Ok(())
    }

    /// Records where a member now lives.
    pub fn set_area(
        &mut self,
        member: &MemberId,
        area: Option<GssCode>,
    ) -> Result<(), LedgerError> {
        self.account_mut(member)?.area = area;
        Ok(())
    }

    /// The limits that apply to a member.
    pub fn limits(&self, member: &MemberId) -> Result<Limits, LedgerError> {
        Ok(self.account(member)?.limits.unwrap_or(self.default_limits))
    }

    /// An account's balance in minutes: positive is credit, negative is
    /// time owed (for the organisation, time it has put in).
    pub fn balance(&self, account: &AccountId) -> Result<i64, LedgerError> {
        match account {
            AccountId::Organisation => Ok(self.organisation_balance),
            AccountId::Member(member) => Ok(self.account(member)?.balance),
        }
    }

    /// Every member's balance, in id order.
    pub fn member_balances(&self) -> impl Iterator<Item = (&MemberId, i64)> {
        self.members
            .iter()
            .map(|(member, account)| (member, account.balance))
    }

    /// Every transfer, in the order recorded.
    pub fn transfers(&self) -> &[Transfer] {
        &self.transfers
    }

    /// Records help given: `paid_by`, the person helped (or the
    /// organisation, for someone outside the time bank), pays `helper` the
    /// time it took.
    pub fn record_exchange(
        &mut self,
        paid_by: &AccountId,
        helper: &MemberId,
        minutes: u32,
        on: Date,
        reference: Option<String>,
    ) -> Result<TransferId, LedgerError> {
        let to = AccountId::Member(helper.clone());
        self.post(paid_by, &to, minutes, on, Purpose::Exchange, reference)
    }

    /// The organisation gives a member hours from its own account.
    pub fn gift(
        &mut self,
        to: &MemberId,
        minutes: u32,
        on: Date,
        reference: Option<String>,
    ) -> Result<TransferId, LedgerError> {
        let to = AccountId::Member(to.clone());
        self.post(
            &AccountId::Organisation,
            &to,
            minutes,
            on,
            Purpose::Gift,
            reference,
        )
    }

    /// Undoes a transfer with one the other way. Limits still apply: if the
    /// helper has spent the credit, the reversal may be refused, and a
    /// coordinator decides what is fair.
    pub fn reverse(
        &mut self,
        transfer: TransferId,
        on: Date,
        reference: Option<String>,
    ) -> Result<TransferId, LedgerError> {
        let original = self
            .transfers
            .iter()
            .find(|t| t.id == transfer)
            .ok_or(LedgerError::UnknownTransfer(transfer))?;
        if let Purpose::Reversal { .. } = original.purpose {
            return Err(LedgerError::ReversalOfReversal(transfer));
        }
        if self.reversed.contains(&transfer) {
            return Err(LedgerError::AlreadyReversed(transfer));
        }
        if on < original.on {
            return Err(LedgerError::ReversalBeforeTransfer(transfer));
        }
        // Back the way it came.
        let (from, to) = (original.to().clone(), original.from().clone());
        let minutes = u32::try_from(original.minutes()).map_err(|_| LedgerError::Overflow)?;
        let id = self.post(
            &from,
            &to,
            minutes,
            on,
            Purpose::Reversal { of: transfer },
            reference,
        )?;
        self.reversed.insert(transfer);
        Ok(id)
    }

    /// Checks everything first, then changes both balances and records the
    /// transfer, so a refusal changes nothing.
    fn post(
        &mut self,
        from: &AccountId,
        to: &AccountId,
        minutes: u32,
        on: Date,
        purpose: Purpose,
        reference: Option<String>,
    ) -> Result<TransferId, LedgerError> {
        if minutes == 0 {
            return Err(LedgerError::NoTime);
        }
        if from == to {
            return Err(LedgerError::SameAccount);
        }
        let amount = i64::from(minutes);
        let from_balance = self
            .balance(from)?
            .checked_sub(amount)
            .ok_or(LedgerError::Overflow)?;
        let to_balance = self
            .balance(to)?
            .checked_add(amount)
            .ok_or(LedgerError::Overflow)?;
        if let AccountId::Member(member) = from {
            let max_debt = self.limits(member)?.max_debt_minutes;
            if from_balance < -i64::from(max_debt) {
                return Err(LedgerError::DebtLimit {
                    member: member.clone(),
                    balance_after: from_balance,
                    max_debt_minutes: max_debt,
                });
            }
        }
        if let AccountId::Member(member) = to
            && let Some(max_balance) = self.limits(member)?.max_balance_minutes
            && to_balance > i64::from(max_balance)
        {
            return Err(LedgerError::BalanceLimit {
                member: member.clone(),
                balance_after: to_balance,
                max_balance_minutes: max_balance,
            });
        }

        let id = self.next_id();
        self.set_balance(from, from_balance);
        self.set_balance(to, to_balance);
        self.transfers.push(Transfer {
            id,
            on,
            purpose,
            reference,
            movements: [
                Movement {
                    account: from.clone(),
                    minutes: -amount,
                },
                Movement {
                    account: to.clone(),
                    minutes: amount,
                },
            ],
        });
        Ok(id)
    }

    /// Only called after `balance` has found the account.
    fn set_balance(&mut self, account: &AccountId, balance: i64) {
        match account {
            AccountId::Organisation => self.organisation_balance = balance,
            AccountId::Member(member) => {
                if let Some(account) = self.members.get_mut(member) {
                    account.balance = balance;
                }
            }
        }
    }

    pub(crate) fn account(&self, member: &MemberId) -> Result<&Account, LedgerError> {
        self.members
            .get(member)
            .ok_or_else(|| LedgerError::UnknownMember(member.clone()))
    }

    fn account_mut(&mut self, member: &MemberId) -> Result<&mut Account, LedgerError> {
        self.members
            .get_mut(member)
            .ok_or_else(|| LedgerError::UnknownMember(member.clone()))
    }
}

impl Default for Ledger {
    fn default() -> Self {
        Self::new(Limits::default())
    }
}

#[cfg(test)]
#[path = "ledger_tests.rs"]
mod tests;
