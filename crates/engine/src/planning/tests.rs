use proptest::prelude::*;

use super::{
    Direction, EntryStatus, EvidenceKind, Figure, LinkKind, Period, Trend, chart, parse_value,
    plain_number, progress, trend,
};

fn figure(period: &str, value: f64) -> Figure {
    Figure {
        period: Period::parse(period).unwrap(),
        value,
    }
}

#[test]
fn periods_are_calendar_or_financial_years() {
    assert_eq!(Period::parse("2024").unwrap().to_string(), "2024");
    assert_eq!(Period::parse(" 2024/25 ").unwrap().to_string(), "2024/25");
    assert_eq!(Period::parse("1999/00").unwrap().to_string(), "1999/00");
    for bad in [
        "",
        "24",
        "2024/26",
        "2024-25",
        "2024/2025",
        "twenty",
        "2024/5",
        "3000",
    ] {
        assert_eq!(
            Period::parse(bad).unwrap_err().key,
            "error.planning.period",
            "{bad}"
        );
    }
}

#[test]
fn periods_sort_by_the_year_they_start() {
    let mut periods: Vec<Period> = ["2025/26", "2023", "2024/25", "2024"]
        .iter()
        .map(|p| Period::parse(p).unwrap())
        .collect();
    periods.sort();
    let shown: Vec<String> = periods.iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["2023", "2024", "2024/25", "2025/26"]);
}

#[test]
fn values_accept_commas_and_a_per_cent_sign() {
    assert!((parse_value("12,400").unwrap() - 12_400.0).abs() < f64::EPSILON);
    assert!((parse_value(" 62.5% ").unwrap() - 62.5).abs() < f64::EPSILON);
    for bad in ["", "lots", "NaN", "inf", "1e13"] {
        assert_eq!(parse_value(bad).unwrap_err().key, "error.planning.value");
    }
}

#[test]
fn numbers_read_plainly() {
    assert_eq!(plain_number(12_400.0), "12,400");
    assert_eq!(plain_number(62.5), "62.5");
    assert_eq!(plain_number(0.333), "0.33");
    assert_eq!(plain_number(-1_234_567.891), "-1,234,567.89");
    assert_eq!(plain_number(0.0), "0");
    assert_eq!(plain_number(999.999), "1,000");
}

#[test]
fn the_trend_compares_the_last_two_figures_in_time_order() {
    let figures = [
        figure("2024/25", 58.0),
        figure("2022/23", 50.0),
        figure("2023/24", 61.0),
    ];
    assert_eq!(trend(&figures, Direction::Up), Trend::Worsening);
    assert_eq!(trend(&figures, Direction::Down), Trend::Improving);
    assert_eq!(
        trend(&[figure("2023", 4.0), figure("2024", 4.001)], Direction::Up),
        Trend::Steady
    );
    assert_eq!(
        trend(&[figure("2023", 4.0)], Direction::Up),
        Trend::TooFewFigures
    );
    assert_eq!(trend(&[], Direction::Up), Trend::TooFewFigures);
}

#[test]
fn a_corrected_figure_replaces_the_first_for_its_period() {
    let figures = [
        figure("2023", 10.0),
        figure("2024", 5.0),
        figure("2024", 20.0),
    ];
    assert_eq!(trend(&figures, Direction::Up), Trend::Improving);
}

#[test]
fn progress_runs_from_the_first_figure_to_the_target() {
    let up = [
        figure("2021", 40.0),
        figure("2022", 45.0),
        figure("2023", 55.0),
    ];
    let p = progress(&up, Some(60.0), Direction::Up).unwrap();
    assert_eq!((p.percent, p.met), (75, false));
    let p = progress(&up, Some(55.0), Direction::Up).unwrap();
    assert_eq!((p.percent, p.met), (100, true));
    // Fewer emergency admissions is better.
    let down = [figure("2021", 900.0), figure("2023", 800.0)];
    let p = progress(&down, Some(700.0), Direction::Down).unwrap();
    assert_eq!((p.percent, p.met), (50, false));
    // Moving the wrong way is no progress at all.
    let worse = [figure("2021", 900.0), figure("2023", 950.0)];
    assert_eq!(
        progress(&worse, Some(700.0), Direction::Down)
            .unwrap()
            .percent,
        0
    );
    assert_eq!(progress(&up, None, Direction::Up), None);
    assert_eq!(progress(&[], Some(1.0), Direction::Up), None);
}

#[test]
fn the_chart_puts_the_first_period_left_and_the_highest_value_top() {
    let c = chart::layout(&[figure("2024", 30.0), figure("2022", 10.0)], Some(40.0));
    assert_eq!(c.points.len(), 2);
    assert_eq!(c.points[0].period, "2022");
    assert!(c.points[0].x < c.points[1].x);
    assert!(
        c.points[1].y < c.points[0].y,
        "higher values are drawn higher"
    );
    let target = c.target_y.unwrap();
    assert!(target < c.points[1].y);
    assert_eq!(c.marks.first().unwrap().label, "0");
    assert_eq!(c.marks.last().unwrap().label, "40");
    assert_eq!(c.line.split(' ').count(), 2);
}

#[test]
fn a_chart_without_figures_has_no_points() {
    let c = chart::layout(&[], None);
    assert!(c.points.is_empty());
    assert!(c.line.is_empty());
}

#[test]
fn kinds_read_back_as_written() {
    for kind in LinkKind::ALL {
        assert_eq!(LinkKind::parse(kind.as_str()), Ok(kind));
    }
    for kind in EvidenceKind::ALL {
        assert_eq!(EvidenceKind::parse(kind.as_str()), Ok(kind));
    }
    assert!(LinkKind::parse("complaint").is_err());
    assert!(EvidenceKind::parse("complaint").is_ok());
    assert!(!EvidenceKind::Document.names_a_record());
    for status in [EntryStatus::Draft, EntryStatus::SignedOff] {
        assert_eq!(EntryStatus::parse(status.as_str()), Ok(status));
    }
    assert!(!EntryStatus::Draft.is_public());
}

fn any_period() -> impl Strategy<Value = Period> {
    (1990u16..2100, any::<bool>()).prop_map(|(start_year, financial)| Period {
        start_year,
        financial,
    })
}

fn any_figures() -> impl Strategy<Value = Vec<Figure>> {
    proptest::collection::vec(
        (any_period(), -1e6f64..1e6).prop_map(|(period, value)| Figure { period, value }),
        0..12,
    )
}

proptest! {
    #[test]
    fn a_period_reads_back_as_written(period in any_period()) {
        prop_assert_eq!(Period::parse(&period.to_string()), Ok(period));
    }

    #[test]
    fn progress_is_a_share_and_met_means_all_the_way(
        figures in any_figures(),
        target in -1e6f64..1e6,
        up in any::<bool>(),
    ) {
        let direction = if up { Direction::Up } else { Direction::Down };
        if let Some(p) = progress(&figures, Some(target), direction) {
            prop_assert!(p.percent <= 100);
            prop_assert_eq!(p.met, p.percent == 100);
        }
    }

    #[test]
    fn turning_the_direction_round_turns_the_trend_round(figures in any_figures()) {
        let flipped = |t: Trend| match t {
            Trend::Improving => Trend::Worsening,
            Trend::Worsening => Trend::Improving,
            other => other,
        };
        prop_assert_eq!(trend(&figures, Direction::Down), flipped(trend(&figures, Direction::Up)));
    }

    #[test]
    fn every_point_lies_inside_the_chart(figures in any_figures(), target in proptest::option::of(-1e6f64..1e6)) {
        let c = chart::layout(&figures, target);
        for p in &c.points {
            prop_assert!(p.x >= 0.0 && p.x <= chart::WIDTH);
            prop_assert!(p.y >= 0.0 && p.y <= chart::HEIGHT);
        }
        if let Some(y) = c.target_y {
            prop_assert!((0.0..=chart::HEIGHT).contains(&y));
        }
        for pair in c.points.windows(2) {
            prop_assert!(pair[0].x < pair[1].x);
        }
    }
}
