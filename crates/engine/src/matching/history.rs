//! Who has helped whom, and when each helper was last matched: what the
//! continuity and fairness parts of the score look back on.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::vocabulary::PersonId;
use crate::schedule::Date;

/// One agreed match in the past. Storage can pass one row per pair (the
/// latest date) rather than every occurrence.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PastMatch {
    pub requester: PersonId,
    pub helper: PersonId,
    pub on: Date,
}

/// The latest dates, looked up by helper.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// helper → person helped → the latest date.
    helped: HashMap<PersonId, HashMap<PersonId, Date>>,
    /// helper → the latest date they were matched with anyone.
    last_matched: HashMap<PersonId, Date>,
}

impl History {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes in one past match; older dates never replace newer ones.
    pub fn record(&mut self, past: &PastMatch) {
        let pair = self
            .helped
            .entry(past.helper.clone())
            .or_default()
            .entry(past.requester.clone())
            .or_insert(past.on);
        *pair = (*pair).max(past.on);
        let last = self
            .last_matched
            .entry(past.helper.clone())
            .or_insert(past.on);
        *last = (*last).max(past.on);
    }

    /// When `helper` last helped `requester`, if ever.
    pub fn last_helped(&self, helper: &PersonId, requester: &PersonId) -> Option<Date> {
        self.helped.get(helper)?.get(requester).copied()
    }

    /// When `helper` was last matched with anyone, if ever.
    pub fn last_matched(&self, helper: &PersonId) -> Option<Date> {
        self.last_matched.get(helper).copied()
    }
}

impl<'a> FromIterator<&'a PastMatch> for History {
    fn from_iter<I: IntoIterator<Item = &'a PastMatch>>(iter: I) -> Self {
        let mut history = Self::new();
        for past in iter {
            history.record(past);
        }
        history
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn past(requester: &str, helper: &str, on: &str) -> PastMatch {
        PastMatch {
            requester: requester.into(),
            helper: helper.into(),
            on: Date::parse(on).unwrap(),
        }
    }

    #[test]
    fn keeps_the_latest_dates_whatever_the_order() {
        let matches = [
            past("ann", "jean", "2026-02-01"),
            past("ann", "jean", "2026-01-01"),
            past("bill", "jean", "2026-03-01"),
        ];
        let history: History = matches.iter().collect();
        let jean = PersonId::from("jean");
        assert_eq!(
            history.last_helped(&jean, &"ann".into()),
            Some(Date::parse("2026-02-01").unwrap())
        );
        assert_eq!(
            history.last_matched(&jean),
            Some(Date::parse("2026-03-01").unwrap())
        );
        assert_eq!(history.last_helped(&jean, &"cat".into()), None);
        assert_eq!(history.last_matched(&"ann".into()), None);
    }
}
