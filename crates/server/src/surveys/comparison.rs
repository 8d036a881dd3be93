//! Results that compare groups: the perception gap between citizens and
//! staff for every choice question both were asked, and breakdowns of the
//! citizens' responses by deprivation quintile, area and age, with any
//! group of fewer than five withheld by the engine.

use std::collections::HashMap;

use coprod_engine::surveys::{
    Audience, QuestionKind, Response, Survey,
    breakdown::{Cell, GroupCell, GroupKey, Grouping, MIN_CELL_RESPONDENTS, breakdown},
    coproduction::{Domain, domain_indices_by},
    perception_gap::{GapRow, PerceptionGap, perception_gap},
    statistics::MeanEstimate,
};

use super::{
    analysis::{ByAudience, ResultRow, mean_text, one_decimal},
    charts::{Chart, Row, Series, bar_chart},
    overview::option_label,
    store,
};
use crate::web::Shell;

/// One option of a perception gap, as the table shows it.
pub struct GapLine {
    pub label: String,
    pub citizens: String,
    pub citizens_rank: usize,
    pub staff: String,
    pub staff_rank: usize,
    /// "+55.0" or "−11.0" percentage points.
    pub difference: String,
    pub largest: bool,
}

/// The perception gap of one question.
pub struct GapView {
    pub id: String,
    pub question: String,
    /// Why it is not shown, when one side has too few respondents.
    pub withheld: String,
    pub chart: Option<Chart>,
    pub lines: Vec<GapLine>,
    /// The options in the staff's order of choice.
    pub staff_order: Vec<String>,
}

/// The perception gap of every choice question, when both audiences were
/// asked.
pub fn gaps(shell: &Shell, survey: &Survey, responses: &[Response]) -> Vec<GapView> {
    if survey.audiences().len() < 2 {
        return Vec::new();
    }
    survey
        .questions()
        .filter(|q| {
            matches!(
                q.kind,
                QuestionKind::SingleChoice { .. } | QuestionKind::MultipleChoice { .. }
            )
        })
        .filter_map(|question| {
            let gap = perception_gap(survey, &question.id, responses).ok()?;
            let mut view = GapView {
                id: question.id.to_string(),
                question: question.prompt.everyone.standard.clone(),
                withheld: String::new(),
                chart: None,
                lines: Vec::new(),
                staff_order: Vec::new(),
            };
            match gap {
                PerceptionGap::Suppressed { too_few } => {
                    let names: Vec<String> = too_few
                        .iter()
                        .map(|a| shell.t(&format!("survey.audience.{}", store::audience_key(*a))))
                        .collect();
                    view.withheld = shell.tn(
                        "survey.results.gap_withheld",
                        &[&names.join(", "), &MIN_CELL_RESPONDENTS.to_string()],
                    );
                }
                PerceptionGap::Shown { rows } => {
                    let label = |row: &GapRow| {
                        option_label(&question.kind, &row.option)
                            .unwrap_or_else(|| row.option.to_string())
                    };
                    let mut by_staff: Vec<&GapRow> = rows.iter().collect();
                    by_staff.sort_by_key(|r| (r.staff.rank, r.citizens.rank));
                    view.staff_order = by_staff
                        .iter()
                        .map(|r| format!("{} ({}%)", label(r), one_decimal(r.staff.percent)))
                        .collect();
                    view.lines = rows
                        .iter()
                        .map(|r| GapLine {
                            label: label(r),
                            citizens: format!("{}%", one_decimal(r.citizens.percent)),
                            citizens_rank: r.citizens.rank,
                            staff: format!("{}%", one_decimal(r.staff.percent)),
                            staff_rank: r.staff.rank,
                            difference: format!("{:+.1}", r.difference_points),
                            largest: r.largest_gap,
                        })
                        .collect();
                    let chart_rows: Vec<Row> = rows
                        .iter()
                        .map(|r| {
                            Row::new(
                                label(r),
                                vec![Some(r.citizens.percent), Some(r.staff.percent)],
                            )
                        })
                        .collect();
                    view.chart = Some(bar_chart(
                        format!("gap-{}", question.id),
                        shell.t1("survey.results.gap_chart_title", &view.question),
                        shell.t("survey.results.gap_chart"),
                        vec![
                            Series::primary(shell.t("survey.audience.citizens")),
                            Series::secondary(shell.t("survey.audience.staff")),
                        ],
                        &chart_rows,
                        100.0,
                        |v| format!("{}%", v.round()),
                    ));
                }
            }
            Some(view)
        })
        .collect()
}

/// A table of results by group.
pub struct BreakdownView {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<ResultRow>,
}

/// A group's label; a data zone by its name, with its code after it for
/// staff who work with the codes.
fn group_label(shell: &Shell, group: &GroupKey, area_names: &HashMap<String, String>) -> String {
    match group {
        GroupKey::SimdQuintile(q) => match q.get() {
            1 => shell.t("survey.results.quintile_most"),
            5 => shell.t("survey.results.quintile_least"),
            n => shell.t1("survey.results.quintile", &n.to_string()),
        },
        GroupKey::Area(code) => match area_names.get(code.as_str()) {
            Some(name) => format!("{name} ({})", code.as_str()),
            None => code.as_str().to_owned(),
        },
        GroupKey::AgeBand(band) => shell.t(&format!("survey.age_band.{}", band.key())),
        GroupKey::NotKnown => shell.t("survey.results.not_known"),
    }
}

fn cell_text<S>(shell: &Shell, cell: Option<&Cell<S>>, show: impl Fn(&S) -> String) -> String {
    match cell {
        Some(Cell::Shown { value, .. }) => show(value),
        Some(Cell::Suppressed) => shell.t("survey.results.withheld"),
        None => "–".to_owned(),
    }
}

/// Citizens' responses by quintile, area and age band: how many, and the
/// co-production index per domain. A grouping nobody gave facts for is
/// left out.
pub fn breakdowns(
    shell: &Shell,
    survey: &Survey,
    groups: &[ByAudience<'_>],
    area_names: &HashMap<String, String>,
) -> Vec<BreakdownView> {
    let Some(citizens) = groups.iter().find(|g| g.audience == Audience::Citizens) else {
        return Vec::new();
    };
    let domains: Vec<Domain> = Domain::ALL
        .into_iter()
        .filter(|d| survey.question(&d.question_id()).is_some())
        .collect();
    [
        (Grouping::SimdQuintile, "survey.results.by_quintile"),
        (Grouping::Area, "survey.results.by_area"),
        (Grouping::AgeBand, "survey.results.by_age"),
    ]
    .into_iter()
    .filter_map(|(grouping, title)| {
        let people: Vec<GroupCell<usize>> = breakdown(
            citizens.responses.iter().map(|r| (&r.facts, ())),
            grouping,
            <[()]>::len,
        );
        if people.iter().all(|c| c.group == GroupKey::NotKnown) {
            return None;
        }
        let indices = if domains.is_empty() {
            std::collections::BTreeMap::default()
        } else {
            domain_indices_by(survey, citizens.responses.iter().copied(), grouping)
        };
        let mut columns = vec![shell.t("survey.results.respondents_column")];
        columns.extend(domains.iter().map(|d| {
            shell.t1(
                "survey.results.index_column",
                &shell.t(&format!("survey.domain.{}", d.key())),
            )
        }));
        let rows = people
            .iter()
            .map(|cell| {
                let mut cells = vec![cell_text(shell, Some(&cell.cell), ToString::to_string)];
                for domain in &domains {
                    let found = indices
                        .get(domain)
                        .and_then(|cells| cells.iter().find(|c| c.group == cell.group))
                        .map(|c| &c.cell);
                    cells.push(cell_text(shell, found, |e: &MeanEstimate| {
                        mean_text(shell, e)
                    }));
                }
                ResultRow {
                    label: group_label(shell, &cell.group, area_names),
                    cells,
                }
            })
            .collect();
        Some(BreakdownView {
            title: shell.t(title),
            columns,
            rows,
        })
    })
    .collect()
}
