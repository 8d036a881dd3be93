//! The results of one version, worked out by the engine and put into words
//! and charts: responses by audience and channel, how each question was
//! answered (side by side when both audiences were asked), the
//! co-production index per domain with its interval, willingness to do
//! more, and the validated measures. The perception gap and breakdowns by
//! group are in [`super::comparison`].

use coprod_engine::surveys::{
    Audience, Code, Question, QuestionKind, Response, Survey,
    coproduction::{Domain, domain_indices},
    instruments::{Instrument, InstrumentScore, Ons4Band, Ons4Measure, summarise_ons4},
    question::Reading,
    results::{Detail, Distribution, OptionCount, distributions, response_counts},
    statistics::MeanEstimate,
    willingness::{HoursAssumption, Willingness, willingness_potential},
};

use super::{
    charts::{Chart, Row, Series, bar_chart},
    comparison::{BreakdownView, GapView, breakdowns, gaps},
    overview::option_label,
    store,
};
use crate::web::Shell;

/// A number with one decimal place, as pages show means and percentages.
pub fn one_decimal(value: f64) -> String {
    format!("{value:.1}")
}

/// "61.3 (55.2 to 67.4)": a mean with its 95% interval, or "–".
pub fn mean_text(shell: &Shell, estimate: &MeanEstimate) -> String {
    match (estimate.mean, estimate.interval) {
        (Some(mean), Some(interval)) => shell.tn(
            "survey.results.mean_interval",
            &[
                &one_decimal(mean),
                &one_decimal(interval.lower),
                &one_decimal(interval.upper),
            ],
        ),
        (Some(mean), None) => one_decimal(mean),
        _ => "–".to_owned(),
    }
}

/// The audiences of a version, each with its responses.
pub struct ByAudience<'a> {
    pub audience: Audience,
    pub name: String,
    pub responses: Vec<&'a Response>,
}

/// The responses split by the survey's audiences, in order.
pub fn by_audience<'a>(
    shell: &Shell,
    survey: &Survey,
    responses: &'a [Response],
) -> Vec<ByAudience<'a>> {
    survey
        .audiences()
        .iter()
        .map(|&audience| ByAudience {
            audience,
            name: shell.t(&format!(
                "survey.audience.{}",
                store::audience_key(audience)
            )),
            responses: responses
                .iter()
                .filter(|r| r.audience == audience)
                .collect(),
        })
        .collect()
}

/// One line of the counts table.
pub struct CountRow {
    pub audience: String,
    pub channel: String,
    pub responses: u64,
}

/// Who answered a question, per audience.
pub struct Reach {
    pub audience: String,
    pub shown_to: u64,
    pub answered: u64,
}

/// One answer's line of a question's table: a cell per audience.
pub struct ResultRow {
    pub label: String,
    pub cells: Vec<String>,
}

/// A battery's table for one audience: statements by scale points.
pub struct ItemTable {
    pub audience: String,
    pub points: Vec<String>,
    pub rows: Vec<ResultRow>,
}

/// How one question was answered.
pub struct QuestionResult {
    pub id: String,
    pub text: String,
    pub answered: Vec<Reach>,
    pub chart: Option<Chart>,
    pub rows: Vec<ResultRow>,
    /// "Mean 6.8 (6.1 to 7.5)", per audience, for ratings and numbers.
    pub summaries: Vec<String>,
    pub items: Vec<ItemTable>,
    pub free_text: bool,
}

/// The co-production index, per domain and audience.
pub struct IndexView {
    pub chart: Chart,
    pub audiences: Vec<String>,
    pub rows: Vec<ResultRow>,
}

/// Willingness to do more, for one audience.
pub struct WillingnessView {
    pub audience: String,
    pub rows: Vec<ResultRow>,
    pub respondents: u64,
    pub hours: String,
    pub per_respondent: String,
}

/// A validated measure's results for one audience.
pub struct MeasureView {
    pub title: String,
    pub audience: String,
    pub summary: String,
    pub notice: String,
    /// ONS4: measure by band.
    pub bands: Vec<String>,
    pub rows: Vec<ResultRow>,
}

/// Everything the results page shows.
pub struct ResultsView {
    pub total: usize,
    pub counts: Vec<CountRow>,
    pub questions: Vec<QuestionResult>,
    pub index: Option<IndexView>,
    pub willingness: Vec<WillingnessView>,
    pub gaps: Vec<GapView>,
    pub breakdowns: Vec<BreakdownView>,
    pub measures: Vec<MeasureView>,
}

/// Works out every result of one version's responses.
/// `area_names` names the data zones by code, where known.
pub fn results(
    shell: &Shell,
    survey: &Survey,
    responses: &[Response],
    area_names: &std::collections::HashMap<String, String>,
) -> ResultsView {
    let groups = by_audience(shell, survey, responses);
    ResultsView {
        total: responses.len(),
        counts: response_counts(responses)
            .into_iter()
            .map(|c| CountRow {
                audience: shell.t(&format!(
                    "survey.audience.{}",
                    store::audience_key(c.audience)
                )),
                channel: shell.t(&format!("survey.channel.{}", store::channel_key(c.channel))),
                responses: c.responses,
            })
            .collect(),
        questions: question_results(shell, survey, &groups),
        index: index_view(shell, survey, &groups),
        willingness: willingness_views(shell, survey, &groups),
        gaps: gaps(shell, survey, responses),
        breakdowns: breakdowns(shell, survey, &groups, area_names),
        measures: measure_views(shell, survey, &groups),
    }
}

/// The general wording of an option or scale point, or its code.
fn label_of(question: &Question, code: &Code) -> String {
    option_label(&question.kind, code).unwrap_or_else(|| code.to_string())
}

fn share(count: &OptionCount) -> String {
    format!("{} ({}%)", count.count, one_decimal(count.percent))
}

fn question_results(
    shell: &Shell,
    survey: &Survey,
    groups: &[ByAudience<'_>],
) -> Vec<QuestionResult> {
    let per_audience: Vec<Vec<Distribution>> = groups
        .iter()
        .map(|g| distributions(survey, g.responses.iter().copied()))
        .collect();
    let series: Vec<Series> = groups
        .iter()
        .enumerate()
        .map(|(at, g)| {
            if at == 0 {
                Series::primary(g.name.clone())
            } else {
                Series::secondary(g.name.clone())
            }
        })
        .collect();
    survey
        .questions()
        .enumerate()
        .map(|(at, question)| {
            let mine: Vec<&Distribution> = per_audience.iter().map(|d| &d[at]).collect();
            let mut result = QuestionResult {
                id: question.id.to_string(),
                text: question.prompt.everyone.text(Reading::Standard).to_owned(),
                answered: groups
                    .iter()
                    .zip(&mine)
                    .map(|(g, d)| Reach {
                        audience: g.name.clone(),
                        shown_to: d.shown_to,
                        answered: d.answered,
                    })
                    .collect(),
                chart: None,
                rows: Vec::new(),
                summaries: Vec::new(),
                items: Vec::new(),
                free_text: false,
            };
            fill_detail(shell, question, groups, &mine, &series, &mut result);
            result
        })
        .collect()
}

fn fill_detail(
    shell: &Shell,
    question: &Question,
    groups: &[ByAudience<'_>],
    mine: &[&Distribution],
    series: &[Series],
    result: &mut QuestionResult,
) {
    let Some(first) = mine.first() else { return };
    let chart = |labels: Vec<String>, values: Vec<Vec<Option<f64>>>| {
        let rows: Vec<Row> = labels
            .into_iter()
            .enumerate()
            .map(|(i, label)| Row::new(label, values.iter().map(|v| v[i]).collect()))
            .collect();
        bar_chart(
            format!("chart-{}", question.id),
            question.prompt.everyone.standard.clone(),
            shell.t("survey.results.chart_percent"),
            series.to_vec(),
            &rows,
            100.0,
            |v| format!("{}%", v.round()),
        )
    };
    match &first.detail {
        Detail::Options { options } => {
            let labels: Vec<String> = options
                .iter()
                .map(|o| label_of(question, &o.option))
                .collect();
            let values = option_rows(labels.clone(), mine, result);
            result.chart = Some(chart(labels, values));
        }
        Detail::Ratings { .. } => {
            let labels: Vec<String> = (0..=10).map(|n: u8| n.to_string()).collect();
            let values = rating_rows(shell, &labels, groups, mine, result);
            result.chart = Some(chart(labels, values));
        }
        Detail::Numbers { .. } => {
            for (g, d) in groups.iter().zip(mine) {
                let Detail::Numbers { mean, min, max } = &d.detail else {
                    continue;
                };
                let range = match (min, max) {
                    (Some(lo), Some(hi)) => {
                        shell.tn("survey.results.range", &[&lo.to_string(), &hi.to_string()])
                    }
                    _ => String::new(),
                };
                result.summaries.push(format!(
                    "{}: {} {range}",
                    g.name,
                    shell.t1("survey.results.mean", &mean_text(shell, mean))
                ));
            }
        }
        Detail::Items { .. } => {
            let QuestionKind::Battery { scale, items } = &question.kind else {
                return;
            };
            for (g, d) in groups.iter().zip(mine) {
                let Detail::Items { items: counted } = &d.detail else {
                    continue;
                };
                if d.answered == 0 {
                    continue;
                }
                result.items.push(ItemTable {
                    audience: g.name.clone(),
                    points: scale
                        .points
                        .iter()
                        .map(|p| p.label.standard.clone())
                        .collect(),
                    rows: items
                        .iter()
                        .zip(counted)
                        .map(|(item, c)| ResultRow {
                            label: item.prompt.everyone.standard.clone(),
                            cells: c.options.iter().map(share).collect(),
                        })
                        .collect(),
                });
            }
        }
        Detail::Text => result.free_text = true,
    }
}

/// The table rows of a choice or scale question, a cell per audience;
/// returns each audience's percentages for the chart.
fn option_rows(
    labels: Vec<String>,
    mine: &[&Distribution],
    result: &mut QuestionResult,
) -> Vec<Vec<Option<f64>>> {
    let per: Vec<(&Vec<OptionCount>, u64)> = mine
        .iter()
        .filter_map(|d| match &d.detail {
            Detail::Options { options } => Some((options, d.answered)),
            _ => None,
        })
        .collect();
    result.rows = labels
        .into_iter()
        .enumerate()
        .map(|(i, label)| ResultRow {
            label,
            cells: per.iter().map(|(o, _)| share(&o[i])).collect(),
        })
        .collect();
    per.iter()
        .map(|(o, answered)| {
            o.iter()
                .map(|c| (*answered > 0).then_some(c.percent))
                .collect()
        })
        .collect()
}

/// The table rows of a 0–10 question and each audience's mean; returns
/// each audience's percentages for the chart.
fn rating_rows(
    shell: &Shell,
    labels: &[String],
    groups: &[ByAudience<'_>],
    mine: &[&Distribution],
    result: &mut QuestionResult,
) -> Vec<Vec<Option<f64>>> {
    let mut values = Vec::new();
    result.rows = labels
        .iter()
        .map(|l| ResultRow {
            label: l.clone(),
            cells: Vec::new(),
        })
        .collect();
    for (g, d) in groups.iter().zip(mine) {
        let Detail::Ratings { counts, mean } = &d.detail else {
            continue;
        };
        let percents: Vec<Option<f64>> = counts
            .iter()
            .map(|&c| (d.answered > 0).then(|| percent(c, d.answered)))
            .collect();
        for (row, (&count, p)) in result.rows.iter_mut().zip(counts.iter().zip(&percents)) {
            row.cells
                .push(format!("{count} ({}%)", one_decimal(p.unwrap_or(0.0))));
        }
        values.push(percents);
        result.summaries.push(format!(
            "{}: {}",
            g.name,
            shell.t1("survey.results.mean", &mean_text(shell, mean))
        ));
    }
    values
}

/// 100 × count ∕ of.
#[expect(
    clippy::cast_precision_loss,
    reason = "counts of respondents are far below 2^53"
)]
fn percent(count: u64, of: u64) -> f64 {
    if of == 0 {
        0.0
    } else {
        100.0 * count as f64 / of as f64
    }
}

fn index_view(shell: &Shell, survey: &Survey, groups: &[ByAudience<'_>]) -> Option<IndexView> {
    let domains: Vec<Domain> = Domain::ALL
        .into_iter()
        .filter(|d| survey.question(&d.question_id()).is_some())
        .collect();
    if domains.is_empty() {
        return None;
    }
    // Only the audiences who answered a domain: citizens, usually.
    let (groups, per): (Vec<&ByAudience<'_>>, Vec<_>) = groups
        .iter()
        .map(|g| (g, domain_indices(survey, g.responses.iter().copied())))
        .filter(|(_, indices)| indices.values().any(|e| e.n > 0))
        .unzip();
    if groups.is_empty() {
        return None;
    }
    let name = |d: Domain| shell.t(&format!("survey.domain.{}", d.key()));
    let chart_rows: Vec<Row> = domains
        .iter()
        .map(|&d| {
            let estimates: Vec<&MeanEstimate> = per.iter().filter_map(|p| p.get(&d)).collect();
            Row {
                label: name(d),
                values: estimates.iter().map(|e| e.mean).collect(),
                intervals: estimates
                    .iter()
                    .map(|e| e.interval.map(|i| (i.lower, i.upper)))
                    .collect(),
            }
        })
        .collect();
    let series = groups
        .iter()
        .enumerate()
        .map(|(at, g)| {
            if at == 0 {
                Series::primary(g.name.clone())
            } else {
                Series::secondary(g.name.clone())
            }
        })
        .collect();
    Some(IndexView {
        chart: bar_chart(
            "chart-index".into(),
            shell.t("survey.results.index_title"),
            shell.t("survey.results.index_chart"),
            series,
            &chart_rows,
            100.0,
            one_decimal,
        ),
        audiences: groups.iter().map(|g| g.name.clone()).collect(),
        rows: domains
            .iter()
            .map(|&d| ResultRow {
                label: name(d),
                cells: per
                    .iter()
                    .filter_map(|p| p.get(&d))
                    .map(|e| format!("{} · n = {}", mean_text(shell, e), e.n))
                    .collect(),
            })
            .collect(),
    })
}

fn willingness_views(
    shell: &Shell,
    survey: &Survey,
    groups: &[ByAudience<'_>],
) -> Vec<WillingnessView> {
    let id = Code::parse(coprod_engine::surveys::willingness::WILLINGNESS_QUESTION).ok();
    if id.is_none_or(|id| survey.question(&id).is_none()) {
        return Vec::new();
    }
    groups
        .iter()
        .filter_map(|g| {
            let potential = willingness_potential(
                survey,
                g.responses.iter().copied(),
                HoursAssumption::default(),
                None,
            );
            (potential.respondents > 0).then_some(())?;
            Some(WillingnessView {
                audience: g.name.clone(),
                rows: Willingness::ALL
                    .iter()
                    .map(|w| {
                        let count = potential.answers.get(w).copied().unwrap_or(0);
                        ResultRow {
                            label: shell.t(&format!("survey.willingness.{}", w.code())),
                            cells: vec![format!(
                                "{count} ({}%)",
                                one_decimal(percent(count, potential.respondents))
                            )],
                        }
                    })
                    .collect(),
                respondents: potential.respondents,
                hours: format!("{:.0}", potential.hours_per_month),
                per_respondent: potential
                    .hours_per_month_per_respondent
                    .map_or_else(|| "–".to_owned(), one_decimal),
            })
        })
        .collect()
}

fn measure_views(shell: &Shell, survey: &Survey, groups: &[ByAudience<'_>]) -> Vec<MeasureView> {
    let mut views = Vec::new();
    for instrument in Instrument::ALL {
        let first_id = match instrument {
            Instrument::Ons4 => Ons4Measure::LifeSatisfaction.key(),
            other => other.key(),
        };
        if Code::parse(first_id)
            .ok()
            .and_then(|id| survey.question(&id))
            .is_none()
        {
            continue;
        }
        for g in groups {
            let scores: Vec<InstrumentScore> = g
                .responses
                .iter()
                .filter_map(|r| instrument.score(&instrument.item_values(&r.answers)?).ok())
                .collect();
            let mut view = MeasureView {
                title: shell.t(&format!("survey.measure.{}", instrument.key())),
                audience: g.name.clone(),
                summary: String::new(),
                notice: instrument.notice().unwrap_or_default().to_owned(),
                bands: Vec::new(),
                rows: Vec::new(),
            };
            match instrument {
                Instrument::Swemwbs | Instrument::Ucla3 => {
                    let values = scores.iter().filter_map(|s| match s {
                        InstrumentScore::Swemwbs(s) => Some(s.metric()),
                        InstrumentScore::Ucla3 { score } => Some(f64::from(*score)),
                        InstrumentScore::Ons4(_) => None,
                    });
                    let estimate = MeanEstimate::of(values);
                    view.summary = shell.tn(
                        &format!("survey.results.{}_summary", instrument.key()),
                        &[&mean_text(shell, &estimate), &estimate.n.to_string()],
                    );
                }
                Instrument::Ons4 => {
                    let all: Vec<_> = scores
                        .iter()
                        .filter_map(|s| match s {
                            InstrumentScore::Ons4(s) => Some(s),
                            _ => None,
                        })
                        .collect();
                    let bands = [
                        Ons4Band::VeryLow,
                        Ons4Band::Low,
                        Ons4Band::Medium,
                        Ons4Band::High,
                        Ons4Band::VeryHigh,
                    ];
                    view.bands = bands
                        .iter()
                        .map(|b| shell.t(&format!("survey.ons4_band.{}", band_key(*b))))
                        .collect();
                    view.summary = shell.t1("survey.results.respondents", &all.len().to_string());
                    view.rows =
                        summarise_ons4(all.iter().copied())
                            .into_iter()
                            .map(|(measure, summary)| {
                                let mut cells = vec![mean_text(shell, &summary.mean)];
                                cells.extend(bands.iter().map(|b| {
                                    summary.bands.get(b).copied().unwrap_or(0).to_string()
                                }));
                                ResultRow {
                                    label: shell.t(&format!("survey.ons4.{}", measure.key())),
                                    cells,
                                }
                            })
                            .collect();
                }
            }
            views.push(view);
        }
    }
    views
}

fn band_key(band: Ons4Band) -> &'static str {
    match band {
        Ons4Band::VeryLow => "very_low",
        Ons4Band::Low => "low",
        Ons4Band::Medium => "medium",
        Ons4Band::High => "high",
        Ons4Band::VeryHigh => "very_high",
    }
}
