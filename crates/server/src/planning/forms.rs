//! The planning forms, checked field by field. A form with any problem
//! stores nothing and comes back with every problem named beside its
//! field. Field names differ between the forms of one page, so each error
//! lands beside the right box.

use coprod_engine::{
    people::LineOfText,
    planning::{Direction, EvidenceKind, LinkKind, Period, parse_value},
    schedule::Date,
};
use serde::Deserialize;

use super::store::{NewIndicator, PlanDetails, entries::EntryText};
use crate::web::{FieldErrors, Shell};

/// Longest summary, description, or "you said" / "we did".
pub const MAX_TEXT_CHARS: usize = 4_000;

/// One line (a title, a name), required.
fn line(shell: &Shell, raw: &str, field: &'static str, errors: &mut FieldErrors) -> String {
    match LineOfText::parse(raw) {
        Ok(text) => text.as_str().to_owned(),
        Err(e) => {
            errors.add(field, shell.t(e.key));
            raw.trim().to_owned()
        }
    }
}

/// One line that may be left empty.
fn optional_line(
    shell: &Shell,
    raw: &str,
    field: &'static str,
    errors: &mut FieldErrors,
) -> String {
    if raw.trim().is_empty() {
        String::new()
    } else {
        line(shell, raw, field, errors)
    }
}

/// Paragraphs (line breaks allowed), at most [`MAX_TEXT_CHARS`].
fn text(
    shell: &Shell,
    raw: &str,
    field: &'static str,
    required: bool,
    errors: &mut FieldErrors,
) -> String {
    let value = raw.trim().replace("\r\n", "\n");
    if value.is_empty() {
        if required {
            errors.add(field, shell.t("planning.error.text_missing"));
        }
    } else if value.chars().count() > MAX_TEXT_CHARS {
        errors.add(
            field,
            shell.t1("planning.error.too_long", &MAX_TEXT_CHARS.to_string()),
        );
    } else if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        errors.add(field, shell.t("error.text.control"));
    }
    value
}

/// One of `allowed` ids, chosen in a list.
fn chosen(
    shell: &Shell,
    raw: &str,
    field: &'static str,
    allowed: &[i64],
    errors: &mut FieldErrors,
) -> Option<i64> {
    match raw.trim().parse::<i64>() {
        Ok(id) if allowed.contains(&id) => Some(id),
        _ => {
            errors.add(field, shell.t("planning.error.choose"));
            None
        }
    }
}

fn year(shell: &Shell, raw: &str, field: &'static str, errors: &mut FieldErrors) -> i64 {
    match raw.trim().parse::<i64>() {
        Ok(y) if (1900..=2199).contains(&y) => y,
        _ => {
            errors.add(field, shell.t("planning.error.year"));
            0
        }
    }
}

/// A plan's details, and for a new plan where it is about and who keeps it.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct PlanForm {
    pub title: String,
    pub summary: String,
    pub easy_read: String,
    pub starts_in: String,
    pub ends_in: String,
    pub published: String,
    /// Empty: the partnership's LOIP.
    pub locality_id: String,
    /// Empty: kept by the partnership itself.
    pub organisation_id: String,
}

impl PlanForm {
    pub fn is_published(&self) -> bool {
        !self.published.is_empty()
    }

    pub fn details(&self, shell: &Shell, errors: &mut FieldErrors) -> PlanDetails {
        let title = line(shell, &self.title, "title", errors);
        let summary = text(shell, &self.summary, "summary", false, errors);
        let easy_read = text(shell, &self.easy_read, "easy_read", false, errors);
        let starts_in = year(shell, &self.starts_in, "starts_in", errors);
        let ends_in = year(shell, &self.ends_in, "ends_in", errors);
        if starts_in > 0 && ends_in > 0 && ends_in < starts_in {
            errors.add("ends_in", shell.t("planning.error.ends_before"));
        }
        PlanDetails {
            title,
            summary,
            easy_read,
            starts_in,
            ends_in,
            published: self.is_published(),
        }
    }

    /// The locality (`None`: the partnership) among `localities`, and the
    /// keeper (`None`: the partnership) among `keepers`, where
    /// `partnership` says whether the person may leave it to the
    /// partnership.
    pub fn placing(
        &self,
        shell: &Shell,
        localities: &[i64],
        keepers: &[i64],
        partnership: bool,
        errors: &mut FieldErrors,
    ) -> (Option<i64>, Option<i64>) {
        let locality = if self.locality_id.trim().is_empty() {
            None
        } else {
            chosen(shell, &self.locality_id, "locality_id", localities, errors)
        };
        let keeper = if self.organisation_id.trim().is_empty() {
            if !partnership {
                errors.add("organisation_id", shell.t("planning.error.keeper"));
            }
            None
        } else {
            chosen(
                shell,
                &self.organisation_id,
                "organisation_id",
                keepers,
                errors,
            )
        };
        (locality, keeper)
    }
}

/// An outcome.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct OutcomeForm {
    pub outcome_title: String,
    pub outcome_description: String,
    pub outcome_easy_read: String,
}

impl OutcomeForm {
    pub fn check(&self, shell: &Shell, errors: &mut FieldErrors) -> (String, String, String) {
        (
            line(shell, &self.outcome_title, "outcome_title", errors),
            text(
                shell,
                &self.outcome_description,
                "outcome_description",
                false,
                errors,
            ),
            text(
                shell,
                &self.outcome_easy_read,
                "outcome_easy_read",
                false,
                errors,
            ),
        )
    }
}

/// A priority of an outcome.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct PriorityForm {
    pub priority_outcome: String,
    pub priority_title: String,
}

impl PriorityForm {
    pub fn check(
        &self,
        shell: &Shell,
        outcomes: &[i64],
        errors: &mut FieldErrors,
    ) -> (Option<i64>, String) {
        (
            chosen(
                shell,
                &self.priority_outcome,
                "priority_outcome",
                outcomes,
                errors,
            ),
            line(shell, &self.priority_title, "priority_title", errors),
        )
    }
}

/// An indicator of an outcome.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct IndicatorForm {
    pub indicator_outcome: String,
    pub indicator_name: String,
    pub indicator_unit: String,
    pub indicator_direction: String,
    pub indicator_target: String,
    pub indicator_easy_read: String,
}

impl IndicatorForm {
    pub fn check(
        &self,
        shell: &Shell,
        outcomes: &[i64],
        errors: &mut FieldErrors,
    ) -> (Option<i64>, NewIndicator) {
        let outcome = chosen(
            shell,
            &self.indicator_outcome,
            "indicator_outcome",
            outcomes,
            errors,
        );
        let name = line(shell, &self.indicator_name, "indicator_name", errors);
        let unit = optional_line(shell, &self.indicator_unit, "indicator_unit", errors);
        let direction = Direction::parse(&self.indicator_direction).unwrap_or_else(|e| {
            errors.add("indicator_direction", shell.t(e.key));
            Direction::Up
        });
        let target = if self.indicator_target.trim().is_empty() {
            None
        } else {
            match parse_value(&self.indicator_target) {
                Ok(v) => Some(v),
                Err(e) => {
                    errors.add("indicator_target", shell.t(e.key));
                    None
                }
            }
        };
        let easy_read = text(
            shell,
            &self.indicator_easy_read,
            "indicator_easy_read",
            false,
            errors,
        );
        (
            outcome,
            NewIndicator {
                name,
                unit,
                direction,
                target,
                easy_read,
            },
        )
    }
}

/// An indicator's figure for a period.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct FigureForm {
    pub figure_indicator: String,
    pub figure_period: String,
    pub figure_value: String,
    pub figure_source: String,
}

/// A figure as checked.
pub struct NewFigure {
    pub indicator: i64,
    pub period: Period,
    pub value: f64,
    pub source: String,
}

impl FigureForm {
    pub fn check(
        &self,
        shell: &Shell,
        indicators: &[i64],
        errors: &mut FieldErrors,
    ) -> Option<NewFigure> {
        let indicator = chosen(
            shell,
            &self.figure_indicator,
            "figure_indicator",
            indicators,
            errors,
        );
        let period = Period::parse(&self.figure_period)
            .map_err(|e| errors.add("figure_period", shell.t(e.key)))
            .ok();
        let value = parse_value(&self.figure_value)
            .map_err(|e| errors.add("figure_value", shell.t(e.key)))
            .ok();
        let source = line(shell, &self.figure_source, "figure_source", errors);
        Some(NewFigure {
            indicator: indicator?,
            period: period?,
            value: value?,
            source,
        })
        .filter(|_| errors.is_empty())
    }
}

/// Links a record to an outcome.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct LinkForm {
    pub link_outcome: String,
    /// `kind:id`, as the list offers it.
    pub link_record: String,
}

impl LinkForm {
    /// The outcome and the record, which must be among `offered` (as
    /// `kind:id`).
    pub fn check(
        &self,
        shell: &Shell,
        outcomes: &[i64],
        offered: &[String],
        errors: &mut FieldErrors,
    ) -> Option<(i64, LinkKind, String)> {
        let outcome = chosen(shell, &self.link_outcome, "link_outcome", outcomes, errors);
        let record = self.link_record.trim();
        let parsed = record
            .split_once(':')
            .filter(|_| offered.iter().any(|o| o == record))
            .and_then(|(kind, target)| Some((LinkKind::parse(kind).ok()?, target.to_owned())));
        if parsed.is_none() {
            errors.add("link_record", shell.t("planning.error.choose"));
        }
        let (kind, target) = parsed?;
        Some((outcome?, kind, target))
    }
}

/// A "you said, we did" entry.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct EntryForm {
    pub said: String,
    pub did: String,
    /// `YYYY-MM-DD`.
    pub happened_on: String,
}

impl EntryForm {
    pub fn check(&self, shell: &Shell, errors: &mut FieldErrors) -> EntryText {
        let said = text(shell, &self.said, "said", true, errors);
        let did = text(shell, &self.did, "did", true, errors);
        let happened_on = if let Ok(day) = Date::parse(&self.happened_on) {
            day.unix_midnight()
        } else {
            errors.add("happened_on", shell.t("planning.error.date"));
            0
        };
        EntryText {
            said,
            did,
            happened_on,
        }
    }
}

/// Evidence for an entry: a record from the list, or a complaint's
/// learning, a feedback theme or a document by reference and label.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct EvidenceForm {
    /// `kind:id` from the list of records, or empty.
    pub evidence_record: String,
    /// For evidence not in the list: its kind.
    pub evidence_kind: String,
    /// Its reference (a complaint's or theme's number).
    pub evidence_reference: String,
    pub evidence_label: String,
}

/// Evidence as checked.
pub struct NewEvidence {
    pub kind: EvidenceKind,
    pub target: String,
    /// Empty: use the record's own name.
    pub label: String,
}

/// The kinds of evidence given by reference rather than from the list.
pub const BY_REFERENCE: [EvidenceKind; 3] = [
    EvidenceKind::Complaint,
    EvidenceKind::FeedbackTheme,
    EvidenceKind::Document,
];

impl EvidenceForm {
    pub fn check(
        &self,
        shell: &Shell,
        offered: &[String],
        errors: &mut FieldErrors,
    ) -> Option<NewEvidence> {
        let label = optional_line(shell, &self.evidence_label, "evidence_label", errors);
        let record = self.evidence_record.trim();
        if !record.is_empty() {
            let parsed = record
                .split_once(':')
                .filter(|_| offered.iter().any(|o| o == record))
                .and_then(|(kind, target)| {
                    Some((EvidenceKind::parse(kind).ok()?, target.to_owned()))
                });
            let Some((kind, target)) = parsed else {
                errors.add("evidence_record", shell.t("planning.error.choose"));
                return None;
            };
            return Some(NewEvidence {
                kind,
                target,
                label,
            })
            .filter(|_| errors.is_empty());
        }
        let kind = EvidenceKind::parse(&self.evidence_kind)
            .ok()
            .filter(|k| BY_REFERENCE.contains(k));
        let Some(kind) = kind else {
            errors.add(
                "evidence_record",
                shell.t("planning.error.evidence_missing"),
            );
            return None;
        };
        let reference = optional_line(
            shell,
            &self.evidence_reference,
            "evidence_reference",
            errors,
        );
        if kind.names_a_record() && reference.is_empty() {
            errors.add("evidence_reference", shell.t("planning.error.reference"));
        }
        if label.is_empty() {
            errors.add("evidence_label", shell.t("planning.error.label"));
        }
        Some(NewEvidence {
            kind,
            target: reference,
            label,
        })
        .filter(|_| errors.is_empty())
    }
}
