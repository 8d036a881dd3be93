//! What a business case is made of, and the checks on it.
//!
//! Field names follow the JSON an initiative's business case is stored and
//! reported in, and every problem names its field the same way
//! (`outcomes[1].deadweight`), so a form can put the message beside the box
//! that needs changing.

use std::fmt;

use serde::{Deserialize, Serialize};

/// HM Treasury Green Book's social time preference rate for the first 30
/// years: 3.5% a year.
pub const DEFAULT_DISCOUNT_RATE: f64 = 0.035;

/// Longest duration accepted, in years. Real SROI durations are a handful
/// of years; the limit catches a year typed where a duration was meant.
pub const MAX_DURATION_YEARS: u32 = 100;

/// Earliest and latest price years accepted for a financial proxy.
pub const PRICE_YEARS: std::ops::RangeInclusive<u16> = 1900..=2100;

/// The business case for one initiative. Money is in pounds; fractions
/// are between 0 and 1 (0.25 for 25%).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BusinessCase {
    pub inputs: Inputs,
    pub outcomes: Vec<Outcome>,
    /// The yearly rate future value is discounted at.
    #[serde(default = "default_discount_rate")]
    pub discount_rate: f64,
}

fn default_discount_rate() -> f64 {
    DEFAULT_DISCOUNT_RATE
}

/// What goes into the initiative. Staff and volunteer time are counted as
/// inputs too: leaving them out would make co-production look free.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    /// Money spent, in pounds.
    pub money: f64,
    pub staff_hours: f64,
    /// What an hour of staff time costs, in pounds.
    pub staff_hourly_cost: f64,
    pub volunteer_hours: f64,
    /// What an hour of volunteer time is valued at, in pounds; the
    /// organisation chooses the rate and should say why.
    pub volunteer_hourly_value: f64,
}

/// One outcome the initiative brings about, valued with a financial proxy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub description: String,
    /// How many (people, visits avoided, nights) in the first year.
    pub quantity: f64,
    pub proxy: FinancialProxy,
    /// The share that would have happened anyway.
    pub deadweight: f64,
    /// The share that only moved a problem somewhere else.
    pub displacement: f64,
    /// The share owed to other people and organisations.
    pub attribution: f64,
    /// The share of the outcome lost each year after the first.
    pub drop_off: f64,
    /// How many years the outcome lasts, counting the first.
    pub duration_years: u32,
}

/// The value of one unit of an outcome, with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FinancialProxy {
    /// Pounds per unit, at `price_year` prices.
    pub value: f64,
    /// Where the figure comes from, e.g. a unit cost database and its row.
    pub source: String,
    pub price_year: u16,
}

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldProblem {
    /// Not a number, or infinite.
    NotANumber,
    Negative,
    /// A fraction or rate outside 0–1.
    NotAFraction,
    DurationTooShort,
    DurationTooLong,
    Blank,
    PriceYearOutOfRange,
}

impl FieldProblem {
    /// The message catalogue key.
    pub fn key(self) -> &'static str {
        match self {
            Self::NotANumber => "error.business_case.not_a_number",
            Self::Negative => "error.business_case.negative",
            Self::NotAFraction => "error.business_case.not_a_fraction",
            Self::DurationTooShort => "error.business_case.duration_too_short",
            Self::DurationTooLong => "error.business_case.duration_too_long",
            Self::Blank => "error.business_case.blank",
            Self::PriceYearOutOfRange => "error.business_case.price_year",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::NotANumber => "must be a number",
            Self::Negative => "must not be negative",
            Self::NotAFraction => "must be between 0 and 1",
            Self::DurationTooShort => "must be at least 1 year",
            Self::DurationTooLong => "must be at most 100 years",
            Self::Blank => "must not be blank",
            Self::PriceYearOutOfRange => "must be a year from 1900 to 2100",
        }
    }
}

/// A problem with one named field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field} {}", problem.describe())]
pub struct FieldError {
    /// The field's path, as in the JSON: `inputs.money`,
    /// `outcomes[0].proxy.value`, `discount_rate`.
    pub field: String,
    pub problem: FieldProblem,
}

impl BusinessCase {
    /// Every problem with the case, in the order of its fields.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut report = |field: String, problem: Option<FieldProblem>| {
            if let Some(problem) = problem {
                errors.push(FieldError { field, problem });
            }
        };
        let inputs = &self.inputs;
        for (name, value) in [
            ("money", inputs.money),
            ("staff_hours", inputs.staff_hours),
            ("staff_hourly_cost", inputs.staff_hourly_cost),
            ("volunteer_hours", inputs.volunteer_hours),
            ("volunteer_hourly_value", inputs.volunteer_hourly_value),
        ] {
            report(format!("inputs.{name}"), amount_problem(value));
        }
        for (at, outcome) in self.outcomes.iter().enumerate() {
            let field = |name: &str| format!("outcomes[{at}].{name}");
            report(field("description"), blank_problem(&outcome.description));
            report(field("quantity"), amount_problem(outcome.quantity));
            report(field("proxy.value"), amount_problem(outcome.proxy.value));
            report(field("proxy.source"), blank_problem(&outcome.proxy.source));
            report(
                field("proxy.price_year"),
                (!PRICE_YEARS.contains(&outcome.proxy.price_year))
                    .then_some(FieldProblem::PriceYearOutOfRange),
            );
            for (name, value) in [
                ("deadweight", outcome.deadweight),
                ("displacement", outcome.displacement),
                ("attribution", outcome.attribution),
                ("drop_off", outcome.drop_off),
            ] {
                report(field(name), fraction_problem(value));
            }
            let duration = match outcome.duration_years {
                0 => Some(FieldProblem::DurationTooShort),
                d if d > MAX_DURATION_YEARS => Some(FieldProblem::DurationTooLong),
                _ => None,
            };
            report(field("duration_years"), duration);
        }
        report(
            "discount_rate".to_owned(),
            fraction_problem(self.discount_rate),
        );
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

fn amount_problem(value: f64) -> Option<FieldProblem> {
    if !value.is_finite() {
        Some(FieldProblem::NotANumber)
    } else if value < 0.0 {
        Some(FieldProblem::Negative)
    } else {
        None
    }
}

fn fraction_problem(value: f64) -> Option<FieldProblem> {
    if !value.is_finite() {
        Some(FieldProblem::NotANumber)
    } else if !(0.0..=1.0).contains(&value) {
        Some(FieldProblem::NotAFraction)
    } else {
        None
    }
}

fn blank_problem(text: &str) -> Option<FieldProblem> {
    text.trim().is_empty().then_some(FieldProblem::Blank)
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sound_outcome() -> Outcome {
        Outcome {
            description: "Fewer GP visits".into(),
            quantity: 40.0,
            proxy: FinancialProxy {
                value: 200.0,
                source: "Unit cost database, GP appointment".into(),
                price_year: 2024,
            },
            deadweight: 0.25,
            displacement: 0.0,
            attribution: 0.2,
            drop_off: 0.5,
            duration_years: 3,
        }
    }

    fn sound_case() -> BusinessCase {
        BusinessCase {
            inputs: Inputs {
                money: 5_000.0,
                staff_hours: 100.0,
                staff_hourly_cost: 30.0,
                volunteer_hours: 500.0,
                volunteer_hourly_value: 10.0,
            },
            outcomes: vec![sound_outcome()],
            discount_rate: DEFAULT_DISCOUNT_RATE,
        }
    }

    #[test]
    fn a_sound_case_passes() {
        assert_eq!(sound_case().check(), Ok(()));
    }

    #[test]
    fn every_problem_names_its_field() {
        let mut case = sound_case();
        case.inputs.money = -1.0;
        case.inputs.volunteer_hourly_value = f64::NAN;
        let mut second = sound_outcome();
        second.description = "  ".into();
        second.proxy.source = String::new();
        second.proxy.price_year = 24;
        second.deadweight = 1.5;
        second.drop_off = -0.1;
        second.duration_years = 0;
        case.outcomes.push(second);
        case.outcomes[0].duration_years = 2025;
        case.discount_rate = 3.5;
        let errors: Vec<(String, FieldProblem)> = case
            .check()
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.problem))
            .collect();
        let expected: Vec<(String, FieldProblem)> = [
            ("inputs.money", FieldProblem::Negative),
            ("inputs.volunteer_hourly_value", FieldProblem::NotANumber),
            ("outcomes[0].duration_years", FieldProblem::DurationTooLong),
            ("outcomes[1].description", FieldProblem::Blank),
            ("outcomes[1].proxy.source", FieldProblem::Blank),
            (
                "outcomes[1].proxy.price_year",
                FieldProblem::PriceYearOutOfRange,
            ),
            ("outcomes[1].deadweight", FieldProblem::NotAFraction),
            ("outcomes[1].drop_off", FieldProblem::NotAFraction),
            ("outcomes[1].duration_years", FieldProblem::DurationTooShort),
            ("discount_rate", FieldProblem::NotAFraction),
        ]
        .into_iter()
        .map(|(f, p)| (f.to_owned(), p))
        .collect();
        assert_eq!(errors, expected);
    }

    #[test]
    fn errors_read_as_sentences_and_carry_keys() {
        let error = FieldError {
            field: "outcomes[2].attribution".into(),
            problem: FieldProblem::NotAFraction,
        };
        assert_eq!(
            error.to_string(),
            "outcomes[2].attribution must be between 0 and 1"
        );
        assert_eq!(error.problem.key(), "error.business_case.not_a_fraction");
    }

    #[test]
    fn the_discount_rate_defaults_to_the_green_book() {
        let json = r#"{
            "inputs": {"money": 1, "staff_hours": 0, "staff_hourly_cost": 0,
                       "volunteer_hours": 0, "volunteer_hourly_value": 0},
            "outcomes": []
        }"#;
        let case: BusinessCase = serde_json::from_str(json).unwrap();
        assert!((case.discount_rate - 0.035).abs() < f64::EPSILON);
    }
}
