//! How a process breaks ties: the engine funds, of two projects with equal
//! scores (greedy) or equal prices (equal shares), the one listed first, so
//! a process lists its projects in the order of its tie-breaking rule
//! before counting.
//!
//! - `listed`: as they were listed, that is in the order of an imported
//!   pabulib file's PROJECTS section, which published results follow.
//! - `lower_cost`: the cheaper project first (then the one proposed first).
//! - `lot`: by a lot drawn from the process's seed, published with the
//!   results: each project's lot is the SHA-256 of `seed:project number`
//!   in hex, and the smaller lot goes first, so anyone can draw it again.

use sha2::{Digest, Sha256};

use super::store::Proposal;

/// A process's tie-breaking rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TieBreak {
    Listed,
    LowerCost,
    Lot,
}

impl TieBreak {
    /// The rules an organiser chooses from (imports keep their file's
    /// order).
    pub const CHOICES: [Self; 2] = [Self::LowerCost, Self::Lot];

    pub fn key(self) -> &'static str {
        match self {
            Self::Listed => "listed",
            Self::LowerCost => "lower_cost",
            Self::Lot => "lot",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        [Self::Listed, Self::LowerCost, Self::Lot]
            .into_iter()
            .find(|rule| rule.key() == key)
    }
}

/// A project's lot: the SHA-256 of `seed:id`, in hex.
pub fn lot(seed: &str, proposal_id: i64) -> String {
    hex::encode(Sha256::digest(format!("{seed}:{proposal_id}").as_bytes()))
}

/// The projects in the order ties go: the first listed wins a tie.
pub fn in_tie_order(rule: TieBreak, seed: Option<&str>, projects: &[Proposal]) -> Vec<Proposal> {
    let mut ordered = projects.to_vec();
    match rule {
        // Proposal numbers follow the order they were stored in, which for
        // an import is the file's order.
        TieBreak::Listed => ordered.sort_by_key(|p| p.id),
        TieBreak::LowerCost => ordered.sort_by_key(|p| (p.cost_pence(), p.id)),
        TieBreak::Lot => {
            let seed = seed.unwrap_or_default();
            ordered.sort_by_cached_key(|p| (lot(seed, p.id), p.id));
        }
    }
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proposal(id: i64, cost_pence: i64) -> Proposal {
        Proposal {
            id,
            process_id: 1,
            title: format!("Project {id}"),
            description: String::new(),
            location: String::new(),
            category_id: None,
            category: String::new(),
            estimated_cost_pence: cost_pence,
            revised_cost_pence: None,
            channel: "online".into(),
            status: "accepted".into(),
            review_reason: String::new(),
            merged_into: None,
            submitted_at: 0,
            external_id: None,
            published_selected: None,
        }
    }

    fn ids(projects: &[Proposal]) -> Vec<i64> {
        projects.iter().map(|p| p.id).collect()
    }

    #[test]
    fn each_rule_orders_the_projects_its_own_way() {
        let projects = [proposal(3, 500), proposal(1, 900), proposal(2, 500)];
        assert_eq!(
            ids(&in_tie_order(TieBreak::Listed, None, &projects)),
            [1, 2, 3]
        );
        assert_eq!(
            ids(&in_tie_order(TieBreak::LowerCost, None, &projects)),
            [2, 3, 1]
        );
        let drawn = in_tie_order(TieBreak::Lot, Some("a published seed"), &projects);
        let again = in_tie_order(TieBreak::Lot, Some("a published seed"), &projects);
        assert_eq!(
            ids(&drawn),
            ids(&again),
            "the same seed draws the same lots"
        );
        let mut lots: Vec<(String, i64)> = [1, 2, 3]
            .into_iter()
            .map(|id| (lot("a published seed", id), id))
            .collect();
        lots.sort();
        assert_eq!(
            ids(&drawn),
            lots.iter().map(|(_, id)| *id).collect::<Vec<_>>()
        );
        assert_eq!(lot("s", 7), hex::encode(Sha256::digest(b"s:7")));
    }

    #[test]
    fn keys_read_back() {
        for rule in [TieBreak::Listed, TieBreak::LowerCost, TieBreak::Lot] {
            assert_eq!(TieBreak::parse(rule.key()), Some(rule));
        }
        assert_eq!(TieBreak::parse("coin"), None);
    }
}
