//! The star (radar) chart, laid out here and drawn by a template: one
//! spoke per point of the star, rings at each level of the 1–5 scale, and
//! one outline per round so rounds can be compared. The page always puts
//! a table of the same figures beside it; the chart has a title and a
//! description for screen readers. Colours come from `star.css` classes,
//! as the Content-Security-Policy allows no inline style.

use std::f64::consts::PI;

/// The highest level of the scale, drawn at the outer ring.
pub const SCALE_MAX: f64 = 5.0;

const SIZE: f64 = 560.0;
const RADIUS: f64 = 190.0;
const LABEL_GAP: f64 = 22.0;
/// Outline styles, cycled; the latest round gets the last, strongest one.
const SERIES_CLASSES: [&str; 4] = [
    "coprod-radar__round coprod-radar__round--1",
    "coprod-radar__round coprod-radar__round--2",
    "coprod-radar__round coprod-radar__round--3",
    "coprod-radar__round coprod-radar__round--latest",
];

/// One round's values, in spoke order; `None` where nobody rated.
#[derive(Debug, Clone)]
pub struct RadarSeries {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

#[derive(Debug, Clone)]
pub struct Spoke {
    pub x: String,
    pub y: String,
    pub label: String,
    pub label_x: String,
    pub label_y: String,
    /// `start`, `middle` or `end`, so labels never run into the chart.
    pub anchor: &'static str,
}

#[derive(Debug, Clone)]
pub struct Outline {
    pub name: String,
    pub class: &'static str,
    pub swatch: String,
    /// SVG `points`.
    pub points: String,
}

#[derive(Debug, Clone)]
pub struct Radar {
    pub size: String,
    pub centre: String,
    pub spokes: Vec<Spoke>,
    /// One polygon per level, innermost first.
    pub rings: Vec<String>,
    /// Where each ring's level is written, along the first spoke.
    pub ring_labels: Vec<(String, String, u8)>,
    pub outlines: Vec<Outline>,
}

fn point(index: usize, count: usize, distance: f64) -> (f64, f64) {
    // The first spoke points straight up; the rest go clockwise.
    let angle = -PI / 2.0 + 2.0 * PI * as_f64(index) / as_f64(count.max(1));
    (
        SIZE / 2.0 + distance * angle.cos(),
        SIZE / 2.0 + distance * angle.sin(),
    )
}

fn as_f64(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

fn coordinate(value: f64) -> String {
    format!("{value:.1}")
}

fn polygon(count: usize, distance: impl Fn(usize) -> f64) -> String {
    (0..count)
        .map(|i| {
            let (x, y) = point(i, count, distance(i));
            format!("{},{}", coordinate(x), coordinate(y))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lays the chart out. A value outside 0–[`SCALE_MAX`] is held at the
/// edge; a missing value is drawn at the centre (the table says "not
/// rated").
pub fn layout(labels: &[String], series: &[RadarSeries]) -> Radar {
    let count = labels.len();
    let spokes = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let (x, y) = point(i, count, RADIUS);
            let (label_x, label_y) = point(i, count, RADIUS + LABEL_GAP);
            let anchor = if (label_x - SIZE / 2.0).abs() < 1.0 {
                "middle"
            } else if label_x > SIZE / 2.0 {
                "start"
            } else {
                "end"
            };
            Spoke {
                x: coordinate(x),
                y: coordinate(y),
                label: label.clone(),
                label_x: coordinate(label_x),
                label_y: coordinate(label_y + 5.0),
                anchor,
            }
        })
        .collect();
    let levels = 1..=5_u8;
    let rings = levels
        .clone()
        .map(|level| polygon(count, |_| RADIUS * f64::from(level) / SCALE_MAX))
        .collect();
    let ring_labels = levels
        .map(|level| {
            let (x, y) = point(0, count, RADIUS * f64::from(level) / SCALE_MAX);
            (coordinate(x + 4.0), coordinate(y - 3.0), level)
        })
        .collect();
    let latest = series.len().saturating_sub(1);
    let outlines = series
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let class = if n == latest {
                SERIES_CLASSES[3]
            } else {
                SERIES_CLASSES[n % 3]
            };
            Outline {
                name: s.name.clone(),
                class,
                swatch: class.replace("coprod-radar__round ", "coprod-radar-swatch "),
                points: polygon(count, |i| {
                    let value = s.values.get(i).copied().flatten().unwrap_or(0.0);
                    RADIUS * value.clamp(0.0, SCALE_MAX) / SCALE_MAX
                }),
            }
        })
        .collect();
    Radar {
        size: coordinate(SIZE),
        centre: coordinate(SIZE / 2.0),
        spokes,
        rings,
        ring_labels,
        outlines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("point {i}")).collect()
    }

    #[test]
    fn the_first_spoke_points_up_and_a_full_score_reaches_the_outer_ring() {
        let chart = layout(
            &labels(4),
            &[RadarSeries {
                name: "Spring".into(),
                values: vec![Some(5.0), Some(5.0), Some(5.0), Some(5.0)],
            }],
        );
        assert_eq!(chart.spokes[0].x, "280.0");
        assert_eq!(chart.spokes[0].y, "90.0");
        assert_eq!(chart.spokes[0].anchor, "middle");
        assert_eq!(chart.spokes[1].anchor, "start");
        assert_eq!(chart.spokes[3].anchor, "end");
        assert_eq!(chart.outlines[0].points, chart.rings[4]);
    }

    #[test]
    fn missing_values_sit_at_the_centre_and_odd_values_are_held_on_the_chart() {
        let chart = layout(
            &labels(3),
            &[RadarSeries {
                name: "Autumn".into(),
                values: vec![None, Some(9.0), Some(-1.0)],
            }],
        );
        let points: Vec<&str> = chart.outlines[0].points.split(' ').collect();
        assert_eq!(points[0], "280.0,280.0");
        assert_eq!(points[2], "280.0,280.0");
        let outer: Vec<&str> = chart.rings[4].split(' ').collect();
        assert_eq!(points[1], outer[1]);
    }

    #[test]
    fn the_latest_round_is_drawn_strongest_and_earlier_ones_cycle() {
        let series: Vec<RadarSeries> = (0..5)
            .map(|n| RadarSeries {
                name: format!("Round {n}"),
                values: vec![Some(3.0); 9],
            })
            .collect();
        let chart = layout(&labels(9), &series);
        assert!(chart.outlines[4].class.ends_with("--latest"));
        assert_eq!(chart.outlines[0].class, chart.outlines[3].class);
        assert_eq!(chart.rings.len(), 5);
        assert_eq!(chart.ring_labels[4].2, 5);
    }
}
