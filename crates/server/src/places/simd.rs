//! The Scottish Index of Multiple Deprivation by data zone, imported by
//! `coprod import simd FILE.csv`, so survey results can be broken down by
//! deprivation quintile. The file needs a data zone code, the SIMD rank,
//! and the decile or the quintile (or both, which must agree). Column names
//! are matched loosely, so the published SIMD ranks file (`Data_Zone`,
//! `SIMD2020v2_Rank`, `SIMD2020v2_Decile`, `SIMD2020v2_Quintile`) and a
//! plain `data_zone,rank,decile,quintile` file both work; the domain ranks
//! in the published file (`SIMD2020v2_Income_Domain_Rank`…) are ignored.
//! A file is taken whole or not at all, with every problem reported by line
//! and column, as the postcode import does.

use std::{collections::HashSet, io::Read};

use coprod_engine::place::GssCode;

use super::import::RowError;
pub use super::store::{simd_count as count, simd_import as import};

/// One data zone's place in the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimdRecord {
    pub data_zone: GssCode,
    pub rank: i64,
    pub decile: Option<u8>,
    pub quintile: u8,
    /// The data zone's name, where the file has a name column.
    pub name: Option<String>,
}

/// Why a file could not be read at all, or which rows were wrong.
#[derive(Debug, thiserror::Error)]
pub enum SimdError {
    #[error("the file has no {0} column")]
    MissingColumn(&'static str),
    #[error("the file has neither a decile nor a quintile column")]
    NoDecileOrQuintile,
    #[error("the file could not be read as CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("{} problem(s) found; nothing was imported", .0.len())]
    Rows(Vec<RowError>),
}

/// A header without case, spaces or punctuation: `SIMD2020v2_Rank` →
/// `simd2020v2rank`.
fn normalised(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a header names the overall index's `measure` (`rank`, `decile`,
/// `quintile`): the bare word, `simd_<measure>`, or `SIMD<edition>_<measure>`
/// such as `SIMD2020v2_Rank`, but not a domain's (`…_Income_Domain_Rank`).
fn names_overall(header: &str, measure: &str) -> bool {
    let name = normalised(header);
    name == measure
        || name
            .strip_prefix("simd")
            .and_then(|rest| rest.strip_suffix(measure))
            .is_some_and(|edition| edition.chars().all(|c| c.is_ascii_digit() || c == 'v'))
}

fn names_data_zone_name(header: &str) -> bool {
    matches!(
        normalised(header).as_str(),
        "dzname" | "datazonename" | "datazone2011name" | "datazone2022name"
    )
}

fn names_data_zone(header: &str) -> bool {
    matches!(
        normalised(header).as_str(),
        "datazone"
            | "datazonecode"
            | "datazone2011"
            | "datazone2011code"
            | "datazone2022"
            | "datazone2022code"
            | "dz"
    )
}

/// Where each field is in the file.
struct Columns {
    headers: csv::StringRecord,
    zone: usize,
    rank: usize,
    decile: Option<usize>,
    quintile: Option<usize>,
    name: Option<usize>,
}

impl Columns {
    fn locate(headers: csv::StringRecord) -> Result<Self, SimdError> {
        let find = |test: &dyn Fn(&str) -> bool| headers.iter().position(test);
        let zone = find(&names_data_zone).ok_or(SimdError::MissingColumn("data zone"))?;
        let rank = find(&|h| names_overall(h, "rank")).ok_or(SimdError::MissingColumn("rank"))?;
        let decile = find(&|h| names_overall(h, "decile"));
        let quintile = find(&|h| names_overall(h, "quintile"));
        if decile.is_none() && quintile.is_none() {
            return Err(SimdError::NoDecileOrQuintile);
        }
        let name = find(&names_data_zone_name);
        Ok(Self {
            headers,
            name,
            zone,
            rank,
            decile,
            quintile,
        })
    }

    fn name(&self, at: usize) -> String {
        self.headers.get(at).unwrap_or("?").to_owned()
    }

    /// Reads one row, adding a [`RowError`] for every problem in it.
    fn read(&self, row: &csv::StringRecord, errors: &mut Vec<RowError>) -> Option<SimdRecord> {
        let line = row.position().map_or(0, csv::Position::line);
        let cell = |at: usize| row.get(at).unwrap_or("").trim();
        let before = errors.len();
        let mut problem = |at: usize, text: String| {
            errors.push(RowError {
                line,
                column: self.name(at),
                problem: text,
            });
        };
        let zone = match GssCode::parse(cell(self.zone)) {
            Ok(code) if code.entity() == "S01" => Some(code),
            _ => {
                problem(
                    self.zone,
                    format!(
                        "{:?} is not a data zone code like S01012345",
                        cell(self.zone)
                    ),
                );
                None
            }
        };
        let mut number = |at: usize, lowest: i64, highest: i64| -> Option<i64> {
            match cell(at).parse::<i64>() {
                Ok(n) if (lowest..=highest).contains(&n) => Some(n),
                _ => {
                    problem(
                        at,
                        format!(
                            "{:?} is not a whole number from {lowest} to {highest}",
                            cell(at)
                        ),
                    );
                    None
                }
            }
        };
        let rank = number(self.rank, 1, 1_000_000);
        let decile = self.decile.map(|at| number(at, 1, 10));
        let quintile = self.quintile.map(|at| number(at, 1, 5));
        if let (Some(Some(d)), Some(Some(q)), Some(at)) = (decile, quintile, self.quintile)
            && (d + 1) / 2 != q
        {
            problem(
                at,
                format!("decile {d} is in quintile {}, not {q}", (d + 1) / 2),
            );
        }
        if errors.len() > before {
            return None;
        }
        let decile = decile.flatten().and_then(|d| u8::try_from(d).ok());
        let quintile = quintile
            .flatten()
            .and_then(|q| u8::try_from(q).ok())
            .or_else(|| decile.map(|d| d.div_ceil(2)))?;
        Some(SimdRecord {
            data_zone: zone?,
            rank: rank?,
            decile,
            quintile,
            name: self
                .name
                .map(|at| cell(at).to_owned())
                .filter(|name| !name.is_empty()),
        })
    }
}

/// Parses a whole SIMD file.
pub fn parse(reader: impl Read) -> Result<Vec<SimdRecord>, SimdError> {
    let mut csv = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(reader);
    let columns = Columns::locate(csv.headers()?.clone())?;
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for row in csv.records() {
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                errors.push(RowError {
                    line: error.position().map_or(0, csv::Position::line),
                    column: String::new(),
                    problem: error.to_string(),
                });
                continue;
            }
        };
        let Some(record) = columns.read(&row, &mut errors) else {
            continue;
        };
        if seen.insert(record.data_zone.clone()) {
            records.push(record);
        } else {
            errors.push(RowError {
                line: row.position().map_or(0, csv::Position::line),
                column: columns.name(columns.zone),
                problem: format!("{} appears more than once", record.data_zone.as_str()),
            });
        }
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(SimdError::Rows(errors))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::*;

    #[test]
    fn reads_the_published_layout_and_ignores_domain_ranks() {
        let file = "Data_Zone,Intermediate_Zone,SIMD2020v2_Rank,SIMD2020v2_Income_Domain_Rank,SIMD2020v2_Decile,SIMD2020v2_Quintile\n\
                    S01006506,Culter,4691,5000,7,4\n\
                    S01006507,Culter,10,1,1,1\n";
        let records = parse(file.as_bytes()).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].rank, 4691);
        assert_eq!((records[0].decile, records[0].quintile), (Some(7), 4));
        assert_eq!(records[1].rank, 10);
    }

    #[test]
    fn the_quintile_comes_from_the_decile_when_missing() {
        let records = parse("data_zone,rank,decile\nS01000001,100,9\n".as_bytes()).unwrap();
        assert_eq!((records[0].decile, records[0].quintile), (Some(9), 5));
        let records = parse("datazone,simd_rank,quintile\nS01000001,100,2\n".as_bytes()).unwrap();
        assert_eq!((records[0].decile, records[0].quintile), (None, 2));
    }

    #[test]
    fn every_problem_is_reported_and_nothing_kept() {
        let file = "data_zone,rank,decile,quintile\n\
                    S01000001,1,1,1\n\
                    S12000001,2,1,1\n\
                    S01000002,0,1,1\n\
                    S01000003,3,11,1\n\
                    S01000004,4,5,1\n\
                    S01000001,5,1,1\n";
        let Err(SimdError::Rows(errors)) = parse(file.as_bytes()) else {
            panic!("the file should be refused");
        };
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 5, "{shown:#?}");
        assert!(
            shown[0].starts_with("line 3, column data_zone"),
            "{}",
            shown[0]
        );
        assert!(shown[1].starts_with("line 4, column rank"), "{}", shown[1]);
        assert!(
            shown[2].starts_with("line 5, column decile"),
            "{}",
            shown[2]
        );
        assert!(
            shown[3].contains("decile 5 is in quintile 3, not 1"),
            "{}",
            shown[3]
        );
        assert!(shown[4].contains("more than once"), "{}", shown[4]);
        assert!(matches!(
            parse("data_zone,rank\nS01000001,1\n".as_bytes()),
            Err(SimdError::NoDecileOrQuintile)
        ));
    }
}
