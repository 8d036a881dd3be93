//! Purses: what voters have left during a run of equal shares.
//!
//! Voters who approve the same projects are one class, and classes that have
//! paid the same rounds' full shares hold the same money, so they share a
//! purse. A purse is its history — the rounds whose share it paid — and the
//! money in it is the starting share minus those shares (exactly, through
//! the [`Ledger`]). Voters who paid all they had move to the empty purse and
//! stay there.
//!
//! Each purse also keeps an `f64` approximation of its money and of its
//! slope, with a bound on how far each can be from the truth. The bound is
//! generous: every step that built the approximation (one subtraction per
//! round paid, each of a value no larger than the starting share) is off by
//! at most one unit in the last place of the starting share, and the bound
//! allows two.

use super::ledger::{Amount, Approx, Ledger};

/// A purse's number; classes point at purses.
pub(crate) type PurseId = u32;
/// The purse of voters who have nothing left.
pub(crate) const EMPTY: PurseId = 0;

/// `f64`'s machine epsilon: twice the largest relative rounding error.
const EPSILON: f64 = f64::EPSILON;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Purse {
    /// Where this purse's history (the rounds whose full share it paid, in
    /// order) sits in [`Purses`]' shared list of rounds.
    start: u32,
    len: u32,
    pub approx: Approx,
    /// `1 + Σ |slope of each share paid|`: bounds every partial slope.
    slope_size: f64,
}

impl Purse {
    /// How far `approx.value` can be from the exact money.
    pub fn value_error(&self, share: f64) -> f64 {
        self.steps() * EPSILON * share
    }

    /// How far `approx.slope` can be from the exact slope.
    pub fn slope_error(&self) -> f64 {
        self.steps() * EPSILON * self.slope_size
    }

    fn steps(&self) -> f64 {
        f64::from(2 * self.len + 3)
    }
}

/// Every purse, and which purse each class holds.
#[derive(Debug, Clone)]
pub(crate) struct Purses {
    pub of_class: Vec<PurseId>,
    list: Vec<Purse>,
    /// Every purse's history, one after another.
    histories: Vec<u32>,
}

impl Purses {
    /// Every class starting with the full share.
    pub fn new(classes: usize, ledger: &Ledger) -> Self {
        let empty = Purse {
            start: 0,
            len: 0,
            approx: Approx::default(),
            slope_size: 0.0,
        };
        let full = Purse {
            approx: ledger.share_approx(),
            slope_size: 1.0,
            ..empty
        };
        Self {
            of_class: vec![1; classes],
            list: vec![empty, full],
            histories: Vec::new(),
        }
    }

    pub fn get(&self, id: PurseId) -> &Purse {
        &self.list[id as usize]
    }

    /// The rounds whose full share a purse paid, in order.
    pub fn history(&self, id: PurseId) -> &[u32] {
        let purse = self.get(id);
        &self.histories[purse.start as usize..(purse.start + purse.len) as usize]
    }

    pub fn count(&self) -> usize {
        self.list.len()
    }

    /// The exact money in a purse.
    pub fn exact(&self, id: PurseId, ledger: &Ledger) -> Amount {
        ledger.purse(self.history(id))
    }

    /// A new purse: `before` after paying the full share of `round`.
    pub fn after_paying(&mut self, before: PurseId, round: usize, ledger: &Ledger) -> PurseId {
        let parent = self.list[before as usize];
        let paid = ledger.paid_approx(round);
        let start = u32::try_from(self.histories.len()).unwrap_or(u32::MAX);
        self.histories
            .extend_from_within(parent.start as usize..(parent.start + parent.len) as usize);
        self.histories
            .push(u32::try_from(round).unwrap_or(u32::MAX));
        self.list.push(Purse {
            start,
            len: parent.len + 1,
            approx: Approx {
                value: parent.approx.value - paid.value,
                slope: parent.approx.slope - paid.slope,
            },
            slope_size: parent.slope_size + paid.slope.abs(),
        });
        PurseId::try_from(self.list.len() - 1).unwrap_or(PurseId::MAX)
    }
}
