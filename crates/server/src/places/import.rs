//! Reading a postcode directory. Accepts the column names of the National
//! Records of Scotland Scottish Postcode Directory and of the ONS Postcode
//! Directory (and plain `postcode,latitude,longitude`), in any order and
//! case. A file is taken whole or not at all: every problem is reported
//! with its line and column, and nothing is stored until there are none.

use std::io::Read;

use coprod_engine::place::{Coordinates, GssCode, Postcode};

use super::store::PostcodeRecord;

/// Header names accepted for each field, compared case-insensitively.
const POSTCODE: &[&str] = &["postcode", "pcds", "pcd", "pcd7", "pcd8", "pcd2"];
const LATITUDE: &[&str] = &["latitude", "lat"];
const LONGITUDE: &[&str] = &["longitude", "long", "lon", "lng"];
const DATA_ZONE: &[&str] = &[
    "datazone2022code",
    "datazone2011code",
    "datazone",
    "data_zone",
    "lsoa21",
    "lsoa11",
    "lsoa21cd",
    "lsoa11cd",
];
const COUNCIL_AREA: &[&str] = &[
    "councilarea2019code",
    "council_area",
    "oslaua",
    "lad25cd",
    "lad24cd",
    "lad23cd",
];
const ELECTORAL_WARD: &[&str] = &["electoralward2022code", "electoral_ward", "osward"];
const HEALTH_BOARD: &[&str] = &["healthboardarea2019code", "health_board", "hlthau", "nhser"];
/// Names that may stand beside the codes, in the same order as the codes
/// (the data zone lookups and the ONS directory's name files use these).
const DATA_ZONE_NAME: &[&str] = &[
    "datazone2022name",
    "datazone2011name",
    "datazonename",
    "data_zone_name",
    "dz_name",
    "dzname",
    "lsoa21nm",
    "lsoa11nm",
];
const COUNCIL_AREA_NAME: &[&str] = &[
    "councilarea2019name",
    "council_area_name",
    "la_name",
    "lad25nm",
    "lad24nm",
    "lad23nm",
];
const ELECTORAL_WARD_NAME: &[&str] = &[
    "electoralward2022name",
    "electoral_ward_name",
    "mmward_name",
    "wardname",
];
const HEALTH_BOARD_NAME: &[&str] = &[
    "healthboardarea2019name",
    "health_board_name",
    "hb_name",
    "healthboardname",
];
/// A date in one of these means the postcode is no longer in use.
const TERMINATED: &[&str] = &["dateofdeletion", "doterm"];

/// One problem in one place of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line in the file (the header is line 1).
    pub line: u64,
    pub column: String,
    pub problem: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.problem
        )
    }
}

/// What was read: the records to store, and how many rows were skipped
/// because their postcode has been terminated.
#[derive(Debug, Default)]
pub struct Parsed {
    pub records: Vec<PostcodeRecord>,
    pub terminated: u64,
    /// The names of the areas, by GSS code, where the file names them.
    pub names: std::collections::BTreeMap<String, String>,
}

/// Why a file could not be read at all, or which rows were wrong.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file has no {0} column (accepted names: {1})")]
    MissingColumn(&'static str, String),
    #[error("the file could not be read as CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("{} problem(s) found; nothing was imported", .0.len())]
    Rows(Vec<RowError>),
}

fn find(headers: &csv::StringRecord, names: &[&str]) -> Option<usize> {
    headers.iter().position(|h| {
        names.iter().any(|n| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .eq_ignore_ascii_case(n)
        })
    })
}

fn require(
    headers: &csv::StringRecord,
    field: &'static str,
    names: &[&str],
) -> Result<usize, ImportError> {
    find(headers, names).ok_or_else(|| ImportError::MissingColumn(field, names.join(", ")))
}

/// Where each field is in the file.
struct Columns {
    headers: csv::StringRecord,
    postcode: usize,
    latitude: usize,
    longitude: usize,
    /// Data zone, council area, electoral ward, health board.
    areas: [Option<usize>; 4],
    /// The names of the same four, where the file has them.
    names: [Option<usize>; 4],
    terminated: Option<usize>,
}

/// What one row turned out to be.
enum Row {
    /// The record and the (code, name) pairs the row names.
    Record(PostcodeRecord, Vec<(String, String)>),
    Terminated,
    Faulty,
}

impl Columns {
    fn locate(headers: csv::StringRecord) -> Result<Self, ImportError> {
        Ok(Self {
            postcode: require(&headers, "postcode", POSTCODE)?,
            latitude: require(&headers, "latitude", LATITUDE)?,
            longitude: require(&headers, "longitude", LONGITUDE)?,
            areas: [
                find(&headers, DATA_ZONE),
                find(&headers, COUNCIL_AREA),
                find(&headers, ELECTORAL_WARD),
                find(&headers, HEALTH_BOARD),
            ],
            names: [
                find(&headers, DATA_ZONE_NAME),
                find(&headers, COUNCIL_AREA_NAME),
                find(&headers, ELECTORAL_WARD_NAME),
                find(&headers, HEALTH_BOARD_NAME),
            ],
            terminated: find(&headers, TERMINATED),
            headers,
        })
    }

    /// Reads one row, adding a [`RowError`] for every problem in it.
    fn read(&self, row: &csv::StringRecord, errors: &mut Vec<RowError>) -> Row {
        let line = row.position().map_or(0, csv::Position::line);
        let cell = |i: usize| row.get(i).unwrap_or("").trim();
        if self.terminated.is_some_and(|i| !cell(i).is_empty()) {
            return Row::Terminated;
        }
        let errors_before = errors.len();
        let mut problem = |column: usize, text: String| {
            errors.push(RowError {
                line,
                column: self.headers.get(column).unwrap_or("?").to_owned(),
                problem: text,
            });
        };
        let postcode = Postcode::parse(cell(self.postcode));
        if postcode.is_err() {
            problem(
                self.postcode,
                format!("{:?} is not a postcode", cell(self.postcode)),
            );
        }
        let mut number = |at: usize| {
            let parsed = cell(at).parse::<f64>();
            if parsed.is_err() {
                problem(at, format!("{:?} is not a number", cell(at)));
            }
            parsed.ok()
        };
        let (latitude, longitude) = (number(self.latitude), number(self.longitude));
        let mut codes: [Option<String>; 4] = Default::default();
        for (slot, at) in codes.iter_mut().zip(self.areas) {
            let Some(at) = at else { continue };
            let raw = cell(at);
            if raw.is_empty() {
                continue;
            }
            match GssCode::parse(raw) {
                Ok(code) => *slot = Some(code.as_str().to_owned()),
                Err(_) => problem(at, format!("{raw:?} is not a GSS code like S01012345")),
            }
        }
        let coordinates = match (latitude, longitude) {
            (Some(lat), Some(lon)) => {
                if let Ok(coordinates) = Coordinates::new(lat, lon) {
                    Some(coordinates)
                } else {
                    problem(
                        self.latitude,
                        format!("{lat}, {lon} is not a place on the Earth"),
                    );
                    None
                }
            }
            _ => None,
        };
        let (Ok(postcode), Some(coordinates)) = (postcode, coordinates) else {
            return Row::Faulty;
        };
        if errors.len() > errors_before {
            return Row::Faulty;
        }
        // The ONS directory puts English and Welsh LSOAs in the same column
        // as Scottish data zones; only S01 codes are data zones.
        let names = codes
            .iter()
            .zip(self.names)
            .filter_map(|(code, at)| {
                let name = cell(at?);
                let code = code.as_ref()?;
                (!name.is_empty()).then(|| (code.clone(), name.to_owned()))
            })
            .collect();
        let [data_zone, council_area, electoral_ward, health_board] = codes;
        let record = PostcodeRecord {
            postcode,
            latitude: coordinates.latitude,
            longitude: coordinates.longitude,
            data_zone: data_zone.filter(|c| c.starts_with("S01")),
            council_area,
            electoral_ward,
            health_board,
        };
        Row::Record(record, names)
    }
}

/// Parses a whole directory file.
pub fn parse(reader: impl Read) -> Result<Parsed, ImportError> {
    let mut csv = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(reader);
    let columns = Columns::locate(csv.headers()?.clone())?;
    let mut parsed = Parsed::default();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for result in csv.records() {
        let row = match result {
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
        match columns.read(&row, &mut errors) {
            Row::Record(record, _) if !seen.insert(record.postcode.clone()) => {
                errors.push(RowError {
                    line: row.position().map_or(0, csv::Position::line),
                    column: columns
                        .headers
                        .get(columns.postcode)
                        .unwrap_or("?")
                        .to_owned(),
                    problem: format!("{} appears more than once", record.postcode),
                })
            }
            Row::Record(record, names) => {
                parsed.records.push(record);
                parsed.names.extend(names);
            }
            Row::Terminated => parsed.terminated += 1,
            Row::Faulty => {}
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(ImportError::Rows(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_nrs_layout() {
        let file = "Postcode,Latitude,Longitude,DataZone2011Code,CouncilArea2019Code,DateOfDeletion\n\
                    AV1 1AA,56.41,-5.47,S01099001,S12000035,\n\
                    av12ab,56.42,-5.48,,,\n\
                    AV1 9ZZ,56.43,-5.49,S01099002,S12000035,2019-06-01\n";
        let parsed = parse(file.as_bytes()).unwrap();
        assert_eq!(parsed.records.len(), 2);
        assert_eq!(parsed.terminated, 1);
        assert_eq!(parsed.records[1].postcode.as_str(), "AV1 2AB");
        assert_eq!(parsed.records[0].data_zone.as_deref(), Some("S01099001"));
        assert_eq!(parsed.records[1].data_zone, None);
    }

    #[test]
    fn reads_the_ons_layout_and_keeps_only_scottish_data_zones() {
        let file = "pcd,pcd2,pcds,dointr,doterm,oslaua,osward,lsoa11,lat,long\n\
                    EH1 1AD,EH1  1AD,EH1 1AD,198001,,S12000036,S13002929,S01008677,55.95,-3.19\n\
                    CA1 1AA,CA1  1AA,CA1 1AA,198001,,E07000028,E05009001,E01019054,54.89,-2.93\n";
        let parsed = parse(file.as_bytes()).unwrap();
        assert_eq!(parsed.records[0].data_zone.as_deref(), Some("S01008677"));
        assert_eq!(parsed.records[1].data_zone, None);
        assert_eq!(parsed.records[1].council_area.as_deref(), Some("E07000028"));
    }

    #[test]
    fn every_problem_is_reported_with_line_and_column() {
        let file = "postcode,latitude,longitude,council_area\n\
                    AV1 1AA,56.4,-5.4,S12000035\n\
                    NOT A CODE,56.4,-5.4,\n\
                    AV1 2AB,north,-5.4,\n\
                    AV1 3AB,95,-5.4,\n\
                    AV1 1AA,56.4,-5.4,\n\
                    AV1 4AB,56.4,-5.4,Argyll\n";
        let Err(ImportError::Rows(errors)) = parse(file.as_bytes()) else {
            panic!("the file should be refused");
        };
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 5, "{shown:#?}");
        assert!(
            shown[0].starts_with("line 3, column postcode:"),
            "{}",
            shown[0]
        );
        assert!(
            shown[1].starts_with("line 4, column latitude:"),
            "{}",
            shown[1]
        );
        assert!(
            shown[2].contains("not a place on the Earth"),
            "{}",
            shown[2]
        );
        assert!(shown[3].contains("more than once"), "{}", shown[3]);
        assert!(
            shown[4].starts_with("line 7, column council_area:"),
            "{}",
            shown[4]
        );
    }

    #[test]
    fn keeps_the_names_of_areas_beside_their_codes() {
        let file = "Postcode,Latitude,Longitude,DataZone2011Code,DataZone2011Name,\
                    CouncilArea2019Code,CouncilArea2019Name,ElectoralWard2022Code\n\
                    AV1 1AA,56.41,-5.47,S01099001,Ardnaveen Harbour,S12099001,Ardnaveen,S13099001\n\
                    AV1 2AB,56.42,-5.48,S01099002,,S12099001,Ardnaveen,\n";
        let parsed = parse(file.as_bytes()).unwrap();
        assert_eq!(
            parsed.names.get("S01099001").map(String::as_str),
            Some("Ardnaveen Harbour")
        );
        assert_eq!(
            parsed.names.get("S12099001").map(String::as_str),
            Some("Ardnaveen")
        );
        assert!(!parsed.names.contains_key("S01099002"));
        assert!(!parsed.names.contains_key("S13099001"));
    }

    #[test]
    fn a_file_without_the_needed_columns_says_which() {
        let error = parse("postcode,easting,northing\nAV1 1AA,1,2\n".as_bytes()).unwrap_err();
        assert!(error.to_string().contains("no latitude column"), "{error}");
    }
}
