//! Bar charts as SVG, laid out here and drawn by a template, so no HTML is
//! ever made by hand. Each chart has a title and a description for screen
//! readers, and the page puts a table of the same figures beside it: the
//! chart is for seeing the shape, the table for reading the numbers.
//!
//! Bars run left to right, one row per category, with one bar per series
//! (citizens and staff, say) and an optional confidence interval drawn as
//! a whisker. Colours come from classes in `surveys.css`, as the page's
//! Content-Security-Policy allows no inline style.

/// One series of bars, such as citizens or staff.
#[derive(Debug, Clone)]
pub struct Series {
    /// `coprod-chart__bar` plus a modifier: the bar's colour.
    pub class: &'static str,
    pub name: String,
}

impl Series {
    /// The first series, in the design system's blue.
    pub fn primary(name: String) -> Self {
        Self {
            class: "coprod-chart__bar",
            name,
        }
    }

    /// A second series, in grey.
    pub fn secondary(name: String) -> Self {
        Self {
            class: "coprod-chart__bar coprod-chart__bar--staff",
            name,
        }
    }

    /// The swatch class for the key.
    pub fn swatch(&self) -> &'static str {
        if self.class.contains("--staff") {
            "coprod-key-swatch coprod-key-swatch--staff"
        } else {
            "coprod-key-swatch"
        }
    }
}

/// One category: its label and a value (and perhaps an interval) for each
/// series; `None` where there is nothing to show.
#[derive(Debug, Clone)]
pub struct Row {
    pub label: String,
    pub values: Vec<Option<f64>>,
    pub intervals: Vec<Option<(f64, f64)>>,
}

impl Row {
    pub fn new(label: String, values: Vec<Option<f64>>) -> Self {
        Self {
            label,
            values,
            intervals: Vec::new(),
        }
    }
}

/// A rectangle.
#[derive(Debug, Clone)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    pub class: &'static str,
}

/// A line (an axis or a whisker).
#[derive(Debug, Clone)]
pub struct Line {
    pub x1: u32,
    pub y1: u32,
    pub x2: u32,
    pub y2: u32,
}

/// Text at a point; `end` anchors it at its right-hand end.
#[derive(Debug, Clone)]
pub struct Caption {
    pub x: u32,
    pub y: u32,
    pub text: String,
    pub end: bool,
}

/// A chart ready to draw.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Unique on the page, for `aria-labelledby`.
    pub id: String,
    pub title: String,
    pub description: String,
    pub width: u32,
    pub height: u32,
    pub series: Vec<Series>,
    pub bars: Vec<Rect>,
    pub whiskers: Vec<Line>,
    pub axis: Line,
    pub labels: Vec<Caption>,
    pub values: Vec<Caption>,
}

impl Chart {
    /// Whether the key should be shown: only with more than one series.
    pub fn has_key(&self) -> bool {
        self.series.len() > 1
    }
}

const WIDTH: u32 = 640;
const LABEL_WIDTH: u32 = 230;
const VALUE_WIDTH: u32 = 60;
const BAR_HEIGHT: u32 = 18;
const ROW_GAP: u32 = 12;
const TOP: u32 = 8;
/// Labels longer than this are shortened in the chart; the table beside
/// it has them whole.
const LABEL_CHARS: usize = 32;

/// Shortens a label to fit beside the bars.
fn short(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_owned()
    } else {
        let mut cut: String = label.chars().take(LABEL_CHARS - 1).collect();
        cut.push('…');
        cut
    }
}

/// Pixels for a value on a scale from 0 to `max`.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the value is clamped to 0..=span, a few hundred pixels"
)]
fn pixels(value: f64, max: f64, span: u32) -> u32 {
    if max <= 0.0 || !value.is_finite() {
        return 0;
    }
    (value / max * f64::from(span))
        .clamp(0.0, f64::from(span))
        .round() as u32
}

/// Lays out a horizontal bar chart. `max` is the value that fills the
/// bar area (100 for percentages and indices); `format` writes a value as
/// it is printed beside its bar.
pub fn bar_chart(
    id: String,
    title: String,
    description: String,
    series: Vec<Series>,
    rows: &[Row],
    max: f64,
    format: impl Fn(f64) -> String,
) -> Chart {
    let per_row = u32::try_from(series.len().max(1)).unwrap_or(1);
    let row_height = per_row * BAR_HEIGHT + ROW_GAP;
    let bar_span = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    let rows_u32 = u32::try_from(rows.len()).unwrap_or(u32::MAX / row_height);
    let height = TOP * 2 + rows_u32 * row_height;
    let mut chart = Chart {
        id,
        title,
        description,
        width: WIDTH,
        height,
        bars: Vec::new(),
        whiskers: Vec::new(),
        axis: Line {
            x1: LABEL_WIDTH,
            y1: TOP / 2,
            x2: LABEL_WIDTH,
            y2: height - TOP / 2,
        },
        labels: Vec::new(),
        values: Vec::new(),
        series,
    };
    for (row, top) in rows.iter().zip((0..).map(|n: u32| TOP + n * row_height)) {
        chart.labels.push(Caption {
            x: LABEL_WIDTH - 8,
            y: top + per_row * BAR_HEIGHT / 2 + 5,
            text: short(&row.label),
            end: true,
        });
        for (at, series) in chart.series.iter().enumerate() {
            let y = top + u32::try_from(at).unwrap_or(0) * BAR_HEIGHT;
            let Some(value) = row.values.get(at).copied().flatten() else {
                continue;
            };
            let width = pixels(value, max, bar_span);
            chart.bars.push(Rect {
                x: LABEL_WIDTH,
                y: y + 1,
                width: width.max(1),
                height: BAR_HEIGHT - 2,
                class: series.class,
            });
            let mut right = LABEL_WIDTH + width;
            if let Some((low, high)) = row.intervals.get(at).copied().flatten() {
                let (x1, x2) = (
                    LABEL_WIDTH + pixels(low, max, bar_span),
                    LABEL_WIDTH + pixels(high, max, bar_span),
                );
                let middle = y + BAR_HEIGHT / 2;
                chart.whiskers.push(Line {
                    x1,
                    y1: middle,
                    x2,
                    y2: middle,
                });
                for x in [x1, x2] {
                    chart.whiskers.push(Line {
                        x1: x,
                        y1: middle - 5,
                        x2: x,
                        y2: middle + 5,
                    });
                }
                right = right.max(x2);
            }
            chart.values.push(Caption {
                x: right + 6,
                y: y + BAR_HEIGHT - 4,
                text: format(value),
                end: false,
            });
        }
    }
    chart
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_in_proportion_and_long_labels_shortened() {
        let rows = [
            Row::new("Making friends".into(), vec![Some(91.0), Some(36.0)]),
            Row::new(
                "Information about the services there are in the area".into(),
                vec![Some(53.0), None],
            ),
        ];
        let chart = bar_chart(
            "gap".into(),
            "What would help".into(),
            "Citizens and staff".into(),
            vec![
                Series::primary("Citizens".into()),
                Series::secondary("Staff".into()),
            ],
            &rows,
            100.0,
            |v| format!("{v:.0}%"),
        );
        // 350 pixels for 100%: 91% is 318.5, rounded to 319.
        assert_eq!(chart.bars[0].width, 319);
        assert_eq!(chart.bars[1].width, 126);
        assert_eq!(chart.bars.len(), 3, "no bar where there is no value");
        assert_eq!(chart.values[0].text, "91%");
        assert!(chart.labels[1].text.ends_with('…'));
        assert!(chart.labels[1].text.chars().count() <= LABEL_CHARS);
        assert!(chart.bars.iter().all(|b| b.x + b.width <= WIDTH));
    }

    #[test]
    fn intervals_become_whiskers_within_the_chart() {
        let mut row = Row::new("Health".into(), vec![Some(52.0)]);
        row.intervals = vec![Some((40.0, 64.0))];
        let chart = bar_chart(
            "index".into(),
            "Index".into(),
            String::new(),
            vec![Series::primary("Citizens".into())],
            &[row],
            100.0,
            |v| format!("{v:.1}"),
        );
        assert_eq!(chart.whiskers.len(), 3);
        assert_eq!(chart.whiskers[0].x1, LABEL_WIDTH + 140);
        assert_eq!(chart.whiskers[0].x2, LABEL_WIDTH + 224);
        assert_eq!(chart.values[0].x, LABEL_WIDTH + 224 + 6);
    }
}
