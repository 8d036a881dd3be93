//! `coprod survey score FILE.csv --instrument swemwbs|ons4|ucla3|coproduction-index
//! [--json] [--skip-invalid]`: scores one response per row with the
//! engine's scoring, for other tools and for checking published figures.
//!
//! Columns are `q1`…`qN` in the instrument's item order (values as the
//! scale's numbers), or for the co-production index `<domain>_<n>` with
//! 0 = never, 1 = sometimes, 2 = often; other columns are ignored. Rows
//! count from 1 after the header. A bad row is reported with its number;
//! unless `--skip-invalid` is given nothing is scored and the exit status
//! is 2. Means, and co-production indices, are rounded to two decimals.

use std::{collections::BTreeMap, io::Read, path::PathBuf};

use clap::{Subcommand, ValueEnum};
use coprod_server::coprod_engine::surveys::{
    coproduction::{Domain, min_max_index},
    instruments::{Instrument, InstrumentScore, Ons4Measure},
};
use serde_json::{Map, Value, json};

#[derive(Subcommand)]
pub enum SurveyAction {
    /// Score a validated measure or the co-production index, one response
    /// per row of a CSV file (`-` for standard input).
    Score {
        /// The CSV file.
        file: PathBuf,
        /// What the columns hold.
        #[arg(long, value_enum)]
        instrument: InstrumentArg,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
        /// Report bad rows and score the others, instead of scoring nothing.
        #[arg(long)]
        skip_invalid: bool,
    },
}

/// The instruments `--instrument` accepts.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InstrumentArg {
    Swemwbs,
    Ons4,
    Ucla3,
    CoproductionIndex,
}

impl InstrumentArg {
    fn name(self) -> &'static str {
        match self {
            InstrumentArg::Swemwbs => "swemwbs",
            InstrumentArg::Ons4 => "ons4",
            InstrumentArg::Ucla3 => "ucla3",
            InstrumentArg::CoproductionIndex => "coproduction-index",
        }
    }

    fn instrument(self) -> Option<Instrument> {
        match self {
            InstrumentArg::Swemwbs => Some(Instrument::Swemwbs),
            InstrumentArg::Ons4 => Some(Instrument::Ons4),
            InstrumentArg::Ucla3 => Some(Instrument::Ucla3),
            InstrumentArg::CoproductionIndex => None,
        }
    }
}

/// The exit status when the input is refused.
const REFUSED: i32 = 2;

pub fn run(action: SurveyAction) -> anyhow::Result<()> {
    let SurveyAction::Score {
        file,
        instrument,
        json,
        skip_invalid,
    } = action;
    let text = match read_input(&file) {
        Ok(text) => text,
        Err(error) => refuse(&[format!("{}: {error}", file.display())]),
    };
    let scored = match score(&text, instrument) {
        Ok(scored) => scored,
        Err(problem) => refuse(&[format!("{}: {problem}", file.display())]),
    };
    if !scored.bad_rows.is_empty() {
        let problems: Vec<String> = scored
            .bad_rows
            .iter()
            .map(|(row, problem)| format!("row {row}: {problem}"))
            .collect();
        if !skip_invalid {
            let mut all = problems;
            all.push(format!(
                "{} bad row(s); nothing was scored (--skip-invalid scores the others)",
                scored.bad_rows.len()
            ));
            refuse(&all);
        }
        for problem in &problems {
            eprintln!("skipped {problem}");
        }
    }
    let output = if json {
        let mut text = serde_json::to_string_pretty(&to_json(instrument, &scored))?;
        text.push('\n');
        text
    } else {
        table(instrument, &scored)
    };
    crate::standard_output::write(&output)
}

/// Prints the problems and stops with the refusal status.
fn refuse(problems: &[String]) -> ! {
    for problem in problems {
        eprintln!("{problem}");
    }
    std::process::exit(REFUSED);
}

fn read_input(file: &PathBuf) -> std::io::Result<String> {
    let mut text = String::new();
    if file.as_os_str() == "-" {
        std::io::stdin().lock().read_to_string(&mut text)?;
    } else {
        std::fs::File::open(file)?.read_to_string(&mut text)?;
    }
    Ok(text)
}

/// One scored row: its number and its figures, keyed as in the JSON.
struct Scored {
    respondents: Vec<(u64, Figures)>,
    bad_rows: Vec<(u64, String)>,
}

/// A respondent's figures.
enum Figures {
    /// SWEMWBS (metric score) and UCLA-3 (the sum again).
    RawAndScore { raw: u8, score: f64 },
    /// ONS4, or the co-production index: a number per key.
    Keyed(BTreeMap<&'static str, f64>),
}

/// Where the instrument's items are in the file.
enum Layout {
    /// `q1`…`qN`, positions in item order.
    Items(Instrument, Vec<usize>),
    /// Per domain, the positions of `<domain>_1`…`<domain>_n`.
    Domains(Vec<(Domain, Vec<usize>)>),
}

fn header_name(raw: &str) -> String {
    raw.trim().trim_start_matches('\u{feff}').to_lowercase()
}

fn layout(headers: &csv::StringRecord, instrument: InstrumentArg) -> Result<Layout, String> {
    let names: Vec<String> = headers.iter().map(header_name).collect();
    if let Some(instrument) = instrument.instrument() {
        let expected = instrument.item_count();
        let too_far = names.iter().find(|name| {
            name.strip_prefix('q')
                .and_then(|n| n.parse::<usize>().ok())
                .is_some_and(|n| n == 0 || n > expected)
        });
        if let Some(name) = too_far {
            return Err(format!(
                "{} has {expected} items (q1 to q{expected}), but the file has a column {name}",
                instrument.key()
            ));
        }
        let positions = (1..=expected)
            .map(|n| {
                let wanted = format!("q{n}");
                names
                    .iter()
                    .position(|name| *name == wanted)
                    .ok_or_else(|| format!("the file has no column {wanted}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Layout::Items(instrument, positions));
    }
    let mut domains: BTreeMap<Domain, BTreeMap<usize, usize>> = BTreeMap::new();
    for (at, name) in names.iter().enumerate() {
        let Some((stem, number)) = name.rsplit_once('_') else {
            continue;
        };
        let (Some(domain), Ok(number)) = (Domain::from_key(stem), number.parse::<usize>()) else {
            continue;
        };
        if domains
            .entry(domain)
            .or_default()
            .insert(number, at)
            .is_some()
        {
            return Err(format!("the column {name} appears twice"));
        }
    }
    if domains.is_empty() {
        return Err(
            "the file has no co-production columns (community_safety_1, local_environment_1, health_1, …)"
                .to_owned(),
        );
    }
    domains
        .into_iter()
        .map(|(domain, items)| {
            let numbers: Vec<usize> = items.keys().copied().collect();
            if numbers != (1..=numbers.len()).collect::<Vec<_>>() {
                return Err(format!(
                    "the {} columns must be numbered 1 to {} without gaps",
                    domain.key(),
                    numbers.len()
                ));
            }
            Ok((domain, items.into_values().collect()))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Layout::Domains)
}

/// A cell as a whole number, or what is wrong with it.
fn whole_number(row: &csv::StringRecord, at: usize, column: &str) -> Result<i64, String> {
    let cell = row.get(at).unwrap_or("").trim();
    if cell.is_empty() {
        return Err(format!("{column} is empty"));
    }
    cell.parse::<i64>()
        .map_err(|_| format!("{column} is {cell:?}, not a whole number"))
}

fn score_row(row: &csv::StringRecord, layout: &Layout) -> Result<Figures, String> {
    match layout {
        Layout::Items(instrument, positions) => {
            let values = positions
                .iter()
                .zip(1..)
                .map(|(&at, n)| whole_number(row, at, &format!("q{n}")))
                .collect::<Result<Vec<_>, _>>()?;
            match instrument.score(&values).map_err(|e| e.to_string())? {
                InstrumentScore::Swemwbs(score) => Ok(Figures::RawAndScore {
                    raw: score.raw(),
                    score: score.metric(),
                }),
                InstrumentScore::Ucla3 { score } => Ok(Figures::RawAndScore {
                    raw: score,
                    score: f64::from(score),
                }),
                InstrumentScore::Ons4(scores) => Ok(Figures::Keyed(
                    Ons4Measure::ALL
                        .iter()
                        .map(|m| (m.key(), f64::from(scores.score(*m))))
                        .collect(),
                )),
            }
        }
        Layout::Domains(domains) => {
            let mut index = BTreeMap::new();
            for (domain, positions) in domains {
                let column = |n: usize| format!("{}_{n}", domain.key());
                let values = positions
                    .iter()
                    .zip(1..)
                    .map(|(&at, n)| {
                        let value = whole_number(row, at, &column(n))?;
                        i32::try_from(value)
                            .ok()
                            .filter(|v| (0..=2).contains(v))
                            .ok_or_else(|| {
                                format!(
                                    "{} is {value}, but answers run from 0 (never) to 2 (often)",
                                    column(n)
                                )
                            })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let value = min_max_index(&values, 0, 2).map_err(|e| e.to_string())?;
                index.insert(domain.key(), round2(value));
            }
            Ok(Figures::Keyed(index))
        }
    }
}

fn score(text: &str, instrument: InstrumentArg) -> Result<Scored, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("could not read the header: {e}"))?
        .clone();
    let layout = layout(&headers, instrument)?;
    let mut scored = Scored {
        respondents: Vec::new(),
        bad_rows: Vec::new(),
    };
    for (record, row_number) in reader.records().zip(1_u64..) {
        let result = record
            .map_err(|e| format!("could not be read: {e}"))
            .and_then(|row| {
                if row.len() == headers.len() {
                    score_row(&row, &layout)
                } else {
                    Err(format!(
                        "has {} cells, but the header has {}",
                        row.len(),
                        headers.len()
                    ))
                }
            });
        match result {
            Ok(figures) => scored.respondents.push((row_number, figures)),
            Err(problem) => scored.bad_rows.push((row_number, problem)),
        }
    }
    Ok(scored)
}

/// Rounded to two decimals, as printed.
fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[expect(
    clippy::cast_precision_loss,
    reason = "counts of rows are far below 2^53"
)]
fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| round2(values.iter().sum::<f64>() / values.len() as f64))
}

/// The means of every figure, under the respondents' keys.
fn aggregate(
    scored: &Scored,
) -> (
    Option<f64>,
    Option<f64>,
    BTreeMap<&'static str, Option<f64>>,
) {
    let mut raws = Vec::new();
    let mut metrics = Vec::new();
    let mut keyed: BTreeMap<&'static str, Vec<f64>> = BTreeMap::new();
    for (_, figures) in &scored.respondents {
        match figures {
            Figures::RawAndScore { raw, score } => {
                raws.push(f64::from(*raw));
                metrics.push(*score);
            }
            Figures::Keyed(values) => {
                for (key, value) in values {
                    keyed.entry(key).or_default().push(*value);
                }
            }
        }
    }
    (
        mean(&raws),
        mean(&metrics),
        keyed.into_iter().map(|(k, v)| (k, mean(&v))).collect(),
    )
}

/// The key the keyed figures go under: `scores` for ONS4, `index` for the
/// co-production index.
fn keyed_name(instrument: InstrumentArg) -> &'static str {
    if instrument == InstrumentArg::Ons4 {
        "scores"
    } else {
        "index"
    }
}

fn to_json(instrument: InstrumentArg, scored: &Scored) -> Value {
    let respondents: Vec<Value> = scored
        .respondents
        .iter()
        .map(|(row, figures)| match figures {
            Figures::RawAndScore { raw, score } => {
                json!({ "row": row, "raw": raw, "score": number(*score) })
            }
            Figures::Keyed(values) => {
                let inner: Map<String, Value> = values
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), number(*v)))
                    .collect();
                json!({ "row": row, keyed_name(instrument): inner })
            }
        })
        .collect();
    let (raw, score, keyed) = aggregate(scored);
    let mut aggregate = Map::new();
    aggregate.insert("n".into(), json!(scored.respondents.len()));
    if matches!(instrument, InstrumentArg::Swemwbs | InstrumentArg::Ucla3) {
        aggregate.insert("raw".into(), raw.map_or(Value::Null, number));
        aggregate.insert("score".into(), score.map_or(Value::Null, number));
    } else {
        let inner: Map<String, Value> = keyed
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.map_or(Value::Null, number)))
            .collect();
        aggregate.insert(keyed_name(instrument).into(), Value::Object(inner));
    }
    json!({
        "instrument": instrument.name(),
        "respondents": respondents,
        "aggregate": aggregate,
    })
}

/// A JSON number; whole values are written without a fraction.
fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "a whole value below 10^15 fits an i64 exactly"
        )]
        let whole = value as i64;
        json!(whole)
    } else {
        json!(value)
    }
}

/// A plain text table: a row per respondent, then the means.
fn table(instrument: InstrumentArg, scored: &Scored) -> String {
    let (raw, score, keyed) = aggregate(scored);
    let show = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"));
    let mut lines: Vec<Vec<String>> = Vec::new();
    let keys: Vec<&'static str> = match instrument {
        InstrumentArg::Swemwbs | InstrumentArg::Ucla3 => vec!["raw", "score"],
        // The order the questions are asked in.
        InstrumentArg::Ons4 => Ons4Measure::ALL.iter().map(|m| m.key()).collect(),
        InstrumentArg::CoproductionIndex => keyed.keys().copied().collect(),
    };
    let mut header = vec!["row".to_owned()];
    header.extend(keys.iter().map(|k| (*k).to_owned()));
    lines.push(header);
    for (row, figures) in &scored.respondents {
        let mut line = vec![row.to_string()];
        match figures {
            Figures::RawAndScore { raw, score } => {
                line.push(raw.to_string());
                line.push(if instrument == InstrumentArg::Swemwbs {
                    format!("{score:.2}")
                } else {
                    format!("{score}")
                });
            }
            // ONS4 scores are whole numbers; indices are shown as rounded.
            Figures::Keyed(values) if instrument == InstrumentArg::Ons4 => {
                line.extend(keys.iter().map(|k| {
                    values
                        .get(k)
                        .map_or_else(|| "-".to_owned(), ToString::to_string)
                }));
            }
            Figures::Keyed(values) => {
                line.extend(keys.iter().map(|k| show(values.get(k).copied())));
            }
        }
        lines.push(line);
    }
    let mut means = vec![format!("mean (n = {})", scored.respondents.len())];
    match instrument {
        InstrumentArg::Swemwbs | InstrumentArg::Ucla3 => {
            means.push(show(raw));
            means.push(show(score));
        }
        _ => means.extend(keys.iter().map(|k| show(keyed.get(k).copied().flatten()))),
    }
    lines.push(means);
    let widths: Vec<usize> = (0..lines[0].len())
        .map(|c| {
            lines
                .iter()
                .map(|l| l[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for line in &lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::*;

    #[test]
    fn swemwbs_rows_are_scored_by_hand() {
        // 1+2+3+4+5+3+3 = 21 → 19.25 in the published table; all 5s → 35.
        let scored = score(
            "q1,q2,q3,q4,q5,q6,q7\n1,2,3,4,5,3,3\n5,5,5,5,5,5,5\n",
            InstrumentArg::Swemwbs,
        )
        .unwrap();
        let json = to_json(InstrumentArg::Swemwbs, &scored);
        assert_eq!(
            json["respondents"][0],
            json!({"row": 1, "raw": 21, "score": 19.25})
        );
        assert_eq!(
            json["respondents"][1],
            json!({"row": 2, "raw": 35, "score": 35})
        );
        // Means: raw (21 + 35) / 2 = 28, score (19.25 + 35) / 2 = 27.125 → 27.13.
        assert_eq!(
            json["aggregate"],
            json!({"n": 2, "raw": 28, "score": 27.13})
        );
    }

    #[test]
    fn coproduction_indices_come_per_domain() {
        let file = "id,health_1,health_2,health_3,health_4,community_safety_1,community_safety_2\n\
                    a,0,1,2,2,2,2\n\
                    b,0,0,0,0,0,1\n";
        let scored = score(file, InstrumentArg::CoproductionIndex).unwrap();
        let json = to_json(InstrumentArg::CoproductionIndex, &scored);
        assert_eq!(
            json["respondents"][0],
            json!({"row": 1, "index": {"community_safety": 100, "health": 62.5}})
        );
        assert_eq!(
            json["aggregate"],
            json!({"n": 2, "index": {"community_safety": 62.5, "health": 31.25}})
        );
    }

    #[test]
    fn bad_rows_are_found_with_their_numbers() {
        let scored = score("q1,q2,q3\n1,2,3\n1,4,1\n1,,2\n", InstrumentArg::Ucla3).unwrap();
        assert_eq!(scored.respondents.len(), 1);
        assert_eq!(
            scored.bad_rows,
            vec![
                (2, "q2 is 4, but answers run from 1 to 3".to_owned()),
                (3, "q2 is empty".to_owned())
            ]
        );
        assert!(score("q1,q2\n1,2\n", InstrumentArg::Ucla3).is_err());
        assert!(score("q1,q2,q3,q4,q5\n", InstrumentArg::Ons4).is_err());
        assert!(score("a,b\n", InstrumentArg::CoproductionIndex).is_err());
        assert!(score("health_1,health_3\n", InstrumentArg::CoproductionIndex).is_err());
    }
}
