//! A plan as its pages and the API read it: each outcome with its
//! priorities, indicators and the things that serve it; each indicator
//! with its figures in time order, its trend, its progress towards the
//! target and its chart, all from the engine's rules.

use coprod_engine::planning::{Figure, Progress, Trend, chart, plain_number, progress, trend};
use sqlx::AnyConnection;

use super::{
    model::{FigureRow, Indicator, Link, Outcome, Plan, Priority},
    store::{self, links},
};
use crate::{db::StoreResult, web::Shell};

/// An indicator with what its figures say.
pub struct IndicatorView {
    pub indicator: Indicator,
    /// In time order.
    pub figures: Vec<FigureRow>,
    pub trend: Trend,
    pub progress: Option<Progress>,
    pub chart: chart::Chart,
    /// The chart's id in the page, for its title and description.
    pub chart_id: String,
    /// The words under the chart: the trend and the progress.
    pub trend_text: String,
    pub progress_text: String,
    pub target_text: String,
    /// The chart's description: every figure in words.
    pub described: String,
    /// The easy-read lines, one idea each.
    pub easy: Vec<String>,
}

impl IndicatorView {
    /// A figure's value with the unit, for tables.
    pub fn shown(&self, value: &f64) -> String {
        plain_number(*value)
    }

    pub fn latest(&self) -> Option<&FigureRow> {
        self.figures.last()
    }
}

/// An outcome with its parts.
pub struct OutcomeView {
    pub outcome: Outcome,
    pub priorities: Vec<Priority>,
    pub indicators: Vec<IndicatorView>,
    pub links: Vec<Link>,
}

/// A plan with its parts.
pub struct PlanView {
    pub plan: Plan,
    pub outcomes: Vec<OutcomeView>,
}

/// Reads the whole of `plan`.
pub async fn read(conn: &mut AnyConnection, plan: Plan, shell: &Shell) -> StoreResult<PlanView> {
    let outcomes = store::outcomes(conn, plan.id).await?;
    let mut priorities = store::priorities(conn, plan.id).await?;
    let indicators = store::indicators(conn, plan.id).await?;
    let mut figures = store::figures(conn, plan.id).await?;
    let mut linked = links::of_plan(conn, plan.id).await?;
    let mut indicator_views: Vec<IndicatorView> = indicators
        .into_iter()
        .map(|indicator| {
            let own: Vec<FigureRow> = figures
                .extract_if(.., |f| f.indicator_id == indicator.id)
                .collect();
            indicator_view(indicator, own, shell)
        })
        .collect();
    let outcomes = outcomes
        .into_iter()
        .map(|outcome| OutcomeView {
            priorities: priorities
                .extract_if(.., |p| p.outcome_id == outcome.id)
                .collect(),
            indicators: indicator_views
                .extract_if(.., |i| i.indicator.outcome_id == outcome.id)
                .collect(),
            links: linked
                .extract_if(.., |l| l.outcome_id == outcome.id)
                .collect(),
            outcome,
        })
        .collect();
    Ok(PlanView { plan, outcomes })
}

fn indicator_view(
    indicator: Indicator,
    mut figures: Vec<FigureRow>,
    shell: &Shell,
) -> IndicatorView {
    figures.sort_by_key(|f| f.figure().map(|f| f.period));
    let points: Vec<Figure> = figures.iter().filter_map(FigureRow::figure).collect();
    let direction = indicator.direction();
    let trend = trend(&points, direction);
    let progress = progress(&points, indicator.target, direction);
    let unit = &indicator.unit;
    let with_unit = |value: f64| {
        if unit.is_empty() {
            plain_number(value)
        } else {
            format!("{} {unit}", plain_number(value))
        }
    };
    let trend_text = shell.t(&format!("planning.trend.{}", trend.as_str()));
    let progress_text = match progress {
        Some(p) if p.met => shell.t("planning.progress.met"),
        Some(p) => shell.t1("planning.progress.share", &p.percent.to_string()),
        None => String::new(),
    };
    let target_text = indicator
        .target
        .map(|t| shell.t1("planning.target", &with_unit(t)))
        .unwrap_or_default();
    let described = figures
        .iter()
        .map(|f| format!("{}: {}", f.period, with_unit(f.value)))
        .collect::<Vec<_>>()
        .join("; ");
    let mut easy = vec![shell.t1(
        "planning.easy.measure",
        if indicator.easy_read.is_empty() {
            &indicator.name
        } else {
            &indicator.easy_read
        },
    )];
    if let Some(last) = figures.last() {
        easy.push(shell.tn(
            "planning.easy.latest",
            &[&last.period, &with_unit(last.value)],
        ));
    }
    if let [.., before, _] = figures.as_slice() {
        easy.push(shell.tn(
            "planning.easy.before",
            &[&before.period, &with_unit(before.value)],
        ));
    }
    easy.push(shell.t(&format!("planning.easy.trend.{}", trend.as_str())));
    if let Some(target) = indicator.target {
        easy.push(shell.t1("planning.easy.target", &with_unit(target)));
    }
    if progress.is_some_and(|p| p.met) {
        easy.push(shell.t("planning.easy.met"));
    }
    IndicatorView {
        chart: chart::layout(&points, indicator.target),
        chart_id: format!("indicator-{}", indicator.id),
        indicator,
        figures,
        trend,
        progress,
        trend_text,
        progress_text,
        target_text,
        described,
        easy,
    }
}
