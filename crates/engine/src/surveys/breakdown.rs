//! Results broken down by who answered — area, deprivation quintile, age —
//! without letting anyone be picked out.
//!
//! Any group with fewer than [`MIN_CELL_RESPONDENTS`] respondents is
//! returned as suppressed, and its count is never returned, not even
//! rounded. One suppressed group on its own could still be worked out by
//! subtracting the others from the published total, so when exactly one
//! group falls below the threshold the next smallest group is suppressed
//! too ("secondary suppression"). Respondents whose fact is unknown form a
//! group of their own and are protected in the same way.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Invalid;
use crate::place::GssCode;

/// The smallest number of respondents a published cell may describe.
pub const MIN_CELL_RESPONDENTS: u64 = 5;

/// A quintile of the Scottish Index of Multiple Deprivation: 1 is the most
/// deprived fifth of data zones, 5 the least.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct SimdQuintile(u8);

impl SimdQuintile {
    pub fn parse(value: u8) -> Result<Self, Invalid> {
        if (1..=5).contains(&value) {
            Ok(Self(value))
        } else {
            Err(Invalid::new("error.simd.quintile"))
        }
    }

    pub const fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for SimdQuintile {
    type Error = Invalid;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<SimdQuintile> for u8 {
    fn from(value: SimdQuintile) -> Self {
        value.0
    }
}

/// An age band. Ten-year bands, with the older bands kept apart because
/// so much of social care is about people over 75.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum AgeBand {
    Under16,
    From16To24,
    From25To34,
    From35To44,
    From45To54,
    From55To64,
    From65To74,
    From75To84,
    From85,
}

impl AgeBand {
    /// Youngest first.
    pub const ALL: [AgeBand; 9] = [
        Self::Under16,
        Self::From16To24,
        Self::From25To34,
        Self::From35To44,
        Self::From45To54,
        Self::From55To64,
        Self::From65To74,
        Self::From75To84,
        Self::From85,
    ];

    /// The band for an age in whole years.
    pub fn of_age(years: u8) -> Self {
        match years {
            0..=15 => Self::Under16,
            16..=24 => Self::From16To24,
            25..=34 => Self::From25To34,
            35..=44 => Self::From35To44,
            45..=54 => Self::From45To54,
            55..=64 => Self::From55To64,
            65..=74 => Self::From65To74,
            75..=84 => Self::From75To84,
            _ => Self::From85,
        }
    }

    /// The machine name, as in CSV files and JSON (`75_84`).
    pub const fn key(self) -> &'static str {
        match self {
            Self::Under16 => "under_16",
            Self::From16To24 => "16_24",
            Self::From25To34 => "25_34",
            Self::From35To44 => "35_44",
            Self::From45To54 => "45_54",
            Self::From55To64 => "55_64",
            Self::From65To74 => "65_74",
            Self::From75To84 => "75_84",
            Self::From85 => "85_plus",
        }
    }

    pub fn parse(key: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|band| band.key() == key.trim())
            .ok_or(Invalid::new("error.age_band.unknown"))
    }
}

impl TryFrom<String> for AgeBand {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AgeBand> for &'static str {
    fn from(value: AgeBand) -> Self {
        value.key()
    }
}

/// What is known about a respondent for analysis; any of it may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RespondentFacts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<GssCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simd_quintile: Option<SimdQuintile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_band: Option<AgeBand>,
}

/// A way to divide respondents into groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    Area,
    SimdQuintile,
    AgeBand,
}

/// The group a respondent falls into.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "group", content = "value", rename_all = "snake_case")]
pub enum GroupKey {
    Area(GssCode),
    SimdQuintile(SimdQuintile),
    AgeBand(AgeBand),
    /// The respondent did not give, or we could not find, this fact.
    NotKnown,
}

impl GroupKey {
    fn of(facts: &RespondentFacts, grouping: Grouping) -> Self {
        let known = match grouping {
            Grouping::Area => facts.area.clone().map(Self::Area),
            Grouping::SimdQuintile => facts.simd_quintile.map(Self::SimdQuintile),
            Grouping::AgeBand => facts.age_band.map(Self::AgeBand),
        };
        known.unwrap_or(Self::NotKnown)
    }

    /// Known groups in their natural order, "not known" last.
    fn sort_key(&self) -> (u8, String) {
        match self {
            Self::Area(code) => (0, code.as_str().to_owned()),
            Self::SimdQuintile(q) => (0, q.get().to_string()),
            // The bands' names do not sort by age; their order in ALL does.
            Self::AgeBand(band) => {
                let position = AgeBand::ALL.iter().position(|b| b == band);
                (0, format!("{:02}", position.unwrap_or_default()))
            }
            Self::NotKnown => (1, String::new()),
        }
    }
}

impl fmt::Display for GroupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Area(code) => f.write_str(code.as_str()),
            Self::SimdQuintile(q) => write!(f, "{}", q.get()),
            Self::AgeBand(band) => f.write_str(band.key()),
            Self::NotKnown => f.write_str("not_known"),
        }
    }
}

/// A published cell, or the fact that it was withheld.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Cell<S> {
    Shown {
        respondents: u64,
        value: S,
    },
    /// Too few respondents to show; deliberately carries no count.
    Suppressed,
}

/// One group of a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupCell<S> {
    pub group: GroupKey,
    pub cell: Cell<S>,
}

/// Which of a set of groups, given their sizes, must be withheld: every
/// group smaller than [`MIN_CELL_RESPONDENTS`], and when exactly one is, the
/// smallest of the others too, so that it cannot be worked out from a
/// published total. Every published breakdown of people (survey results,
/// the referral funnel) applies this one rule.
pub fn suppressed_cells(sizes: &[u64]) -> Vec<bool> {
    let mut suppressed: Vec<bool> = sizes.iter().map(|&n| n < MIN_CELL_RESPONDENTS).collect();
    if suppressed.iter().filter(|&&s| s).count() == 1 {
        let smallest_shown = sizes
            .iter()
            .enumerate()
            .filter(|(at, _)| !suppressed[*at])
            .min_by_key(|(_, n)| **n)
            .map(|(at, _)| at);
        if let Some(at) = smallest_shown {
            suppressed[at] = true;
        }
    }
    suppressed
}

/// Divides `rows` (one per respondent: their facts and what was measured)
/// by `grouping`, and summarises each group that is large enough to show.
/// `summarise` is never called for a suppressed group. Groups come in their
/// natural order (area code, quintile 1–5, youngest band first), with "not
/// known" last.
pub fn breakdown<'a, T, S>(
    rows: impl IntoIterator<Item = (&'a RespondentFacts, T)>,
    grouping: Grouping,
    summarise: impl Fn(&[T]) -> S,
) -> Vec<GroupCell<S>> {
    let mut groups: HashMap<GroupKey, Vec<T>> = HashMap::new();
    for (facts, value) in rows {
        groups
            .entry(GroupKey::of(facts, grouping))
            .or_default()
            .push(value);
    }
    let mut groups: Vec<(GroupKey, Vec<T>)> = groups.into_iter().collect();
    groups.sort_by_cached_key(|(key, _)| key.sort_key());

    let size = |values: &Vec<T>| u64::try_from(values.len()).unwrap_or(u64::MAX);
    let sizes: Vec<u64> = groups.iter().map(|(_, values)| size(values)).collect();
    let suppressed = suppressed_cells(&sizes);

    groups
        .into_iter()
        .zip(suppressed)
        .map(|((group, values), hide)| GroupCell {
            group,
            cell: if hide {
                Cell::Suppressed
            } else {
                Cell::Shown {
                    respondents: size(&values),
                    value: summarise(&values),
                }
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn in_quintile(q: u8) -> RespondentFacts {
        RespondentFacts {
            simd_quintile: Some(SimdQuintile::parse(q).unwrap()),
            ..RespondentFacts::default()
        }
    }

    fn sum(values: &[u32]) -> u32 {
        values.iter().sum()
    }

    #[test]
    fn quintiles_are_one_to_five() {
        assert!(SimdQuintile::parse(0).is_err());
        assert_eq!(SimdQuintile::parse(5).unwrap().get(), 5);
        assert_eq!(
            SimdQuintile::parse(6).unwrap_err().key,
            "error.simd.quintile"
        );
        assert_eq!(AgeBand::of_age(15), AgeBand::Under16);
        assert_eq!(AgeBand::of_age(16), AgeBand::From16To24);
        assert_eq!(AgeBand::of_age(74), AgeBand::From65To74);
        assert_eq!(AgeBand::of_age(75), AgeBand::From75To84);
        assert_eq!(AgeBand::of_age(101), AgeBand::From85);
        for band in AgeBand::ALL {
            assert_eq!(AgeBand::parse(band.key()), Ok(band));
            let json = serde_json::to_string(&band).unwrap();
            assert_eq!(json, format!("\"{}\"", band.key()));
        }
        assert!(AgeBand::parse("old").is_err());
    }

    #[test]
    fn small_groups_are_withheld_with_a_second_to_stop_subtraction() {
        // Quintile 1: 7 people, quintile 2: 3 people, quintile 3: 6 people.
        // Quintile 2 is below 5; on its own it could be recovered from the
        // total of 16, so the next smallest (quintile 3) goes too.
        let facts: Vec<(RespondentFacts, u32)> = [(1, 7), (2, 3), (3, 6)]
            .into_iter()
            .flat_map(|(q, n)| (0..n).map(move |_| (in_quintile(q), 1)))
            .collect();
        let cells = breakdown(
            facts.iter().map(|(f, v)| (f, *v)),
            Grouping::SimdQuintile,
            sum,
        );
        let quintile = |q| GroupKey::SimdQuintile(SimdQuintile::parse(q).unwrap());
        assert_eq!(
            cells,
            vec![
                GroupCell {
                    group: quintile(1),
                    cell: Cell::Shown {
                        respondents: 7,
                        value: 7
                    }
                },
                GroupCell {
                    group: quintile(2),
                    cell: Cell::Suppressed
                },
                GroupCell {
                    group: quintile(3),
                    cell: Cell::Suppressed
                },
            ]
        );
    }

    #[test]
    fn two_small_groups_protect_each_other() {
        // Unknown: 2, quintile 5: 4, quintile 4: 5. Two cells are already
        // hidden, so their sum (6) is all subtraction reveals.
        let mut facts: Vec<RespondentFacts> = vec![RespondentFacts::default(); 2];
        facts.extend((0..4).map(|_| in_quintile(5)));
        facts.extend((0..5).map(|_| in_quintile(4)));
        let cells = breakdown(
            facts.iter().map(|f| (f, ())),
            Grouping::SimdQuintile,
            <[()]>::len,
        );
        let shown: Vec<(String, Option<usize>)> = cells
            .into_iter()
            .map(|c| {
                let value = match c.cell {
                    Cell::Shown { value, .. } => Some(value),
                    Cell::Suppressed => None,
                };
                (c.group.to_string(), value)
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                ("4".to_owned(), Some(5)),
                ("5".to_owned(), None),
                ("not_known".to_owned(), None)
            ]
        );
    }

    #[test]
    fn suppressed_cells_never_serialise_a_count() {
        let cell: Cell<u32> = Cell::Suppressed;
        assert_eq!(
            serde_json::to_string(&cell).unwrap(),
            r#"{"status":"suppressed"}"#
        );
    }

    #[test]
    fn age_bands_come_youngest_first() {
        let facts: Vec<RespondentFacts> = [90, 20, 40, 70]
            .into_iter()
            .flat_map(|age| {
                (0..5).map(move |_| RespondentFacts {
                    age_band: Some(AgeBand::of_age(age)),
                    ..RespondentFacts::default()
                })
            })
            .collect();
        let cells = breakdown(
            facts.iter().map(|f| (f, ())),
            Grouping::AgeBand,
            <[()]>::len,
        );
        let order: Vec<String> = cells.iter().map(|c| c.group.to_string()).collect();
        assert_eq!(order, ["16_24", "35_44", "65_74", "85_plus"]);
    }

    proptest! {
        #[test]
        fn no_shown_cell_is_small_and_no_lone_cell_is_hidden(
            quintiles in prop::collection::vec(0u8..=5, 0..80)
        ) {
            let facts: Vec<RespondentFacts> = quintiles
                .iter()
                .map(|&q| if q == 0 { RespondentFacts::default() } else { in_quintile(q) })
                .collect();
            let cells = breakdown(facts.iter().map(|f| (f, ())), Grouping::SimdQuintile, <[()]>::len);
            let mut hidden = 0;
            for cell in &cells {
                match cell.cell {
                    Cell::Shown { respondents, value } => {
                        prop_assert!(respondents >= MIN_CELL_RESPONDENTS);
                        prop_assert_eq!(respondents, value as u64);
                    }
                    Cell::Suppressed => hidden += 1,
                }
            }
            // Either nothing is hidden, or at least two cells are (unless
            // there is only one group at all).
            prop_assert!(hidden != 1 || cells.len() == 1);
        }
    }
}
