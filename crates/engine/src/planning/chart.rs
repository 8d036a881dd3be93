//! The layout of an indicator's chart: one point per figure in time order,
//! joined by a line, with the target (if any) as a dashed line across, and
//! three labelled marks up the side. The page draws it as SVG with the
//! same facts in a table beside it, so the chart is never the only place
//! a number is given.

use super::{Figure, in_order, plain_number};

/// The chart's size in SVG units.
pub const WIDTH: f64 = 560.0;
pub const HEIGHT: f64 = 220.0;
/// Room on the left for the marks' labels, and below for the periods.
const LEFT: f64 = 64.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 36.0;

/// A point of the line, with its period and value as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub period: String,
    pub value: String,
}

/// A labelled mark up the side.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub y: f64,
    pub label: String,
}

/// Everything a template needs to draw the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub points: Vec<Point>,
    /// The points as an SVG `points` attribute.
    pub line: String,
    pub marks: Vec<Mark>,
    /// The target's height, when there is one.
    pub target_y: Option<f64>,
    /// Where the plotting area starts and ends across, and its bottom.
    pub left: f64,
    pub right: f64,
    pub bottom: f64,
}

/// Lays out `figures` (any order; one per period) and `target`. With no
/// figures the chart has no points, and the page says so instead.
pub fn layout(figures: &[Figure], target: Option<f64>) -> Chart {
    let sorted = in_order(figures);
    let values = sorted.iter().map(|f| f.value).chain(target);
    let (mut low, mut high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !low.is_finite() {
        (low, high) = (0.0, 1.0);
    }
    // Counts and shares start from nothing, so their rise is not overdrawn.
    if low > 0.0 {
        low = 0.0;
    }
    if (high - low).abs() < f64::EPSILON {
        high = low + 1.0;
    }
    let plot_height = HEIGHT - TOP - BOTTOM;
    let y_of = |value: f64| round(TOP + (high - value) / (high - low) * plot_height);
    let (left, right) = (LEFT, WIDTH - RIGHT);
    let step = match sorted.len() {
        0 | 1 => 0.0,
        n => (right - left) / (count(n) - 1.0),
    };
    let points: Vec<Point> = sorted
        .iter()
        .enumerate()
        .map(|(i, figure)| Point {
            x: round(if sorted.len() == 1 {
                f64::midpoint(left, right)
            } else {
                left + step * count(i)
            }),
            y: y_of(figure.value),
            period: figure.period.to_string(),
            value: plain_number(figure.value),
        })
        .collect();
    let line = points
        .iter()
        .map(|p| format!("{},{}", p.x, p.y))
        .collect::<Vec<_>>()
        .join(" ");
    let marks = [low, f64::midpoint(low, high), high]
        .into_iter()
        .map(|value| Mark {
            y: y_of(value),
            label: plain_number(value),
        })
        .collect();
    Chart {
        points,
        line,
        marks,
        target_y: target.map(y_of),
        left,
        right,
        bottom: round(HEIGHT - BOTTOM),
    }
}

/// A small count as a coordinate factor.
fn count(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Coordinates to a tenth of a unit, so the SVG stays short.
fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}
