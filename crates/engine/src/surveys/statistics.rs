//! Means with 95% confidence intervals, for survey scores.
//!
//! The interval is Student's t-interval: mean ± t₀.₉₇₅,ₙ₋₁ × s ∕ √n, with
//! `s` the sample standard deviation (n − 1 in the denominator). It is the
//! textbook interval for a mean, fair for the sample sizes community
//! surveys reach, and needs no assumption beyond roughly independent
//! respondents. With fewer than two values there is no spread to estimate,
//! so no interval is given rather than a misleading one.
//!
//! The t quantile is computed here rather than looked up, so any sample size
//! gets its exact critical value: from the closed-form distribution function
//! for whole degrees of freedom (Abramowitz and Stegun 26.7.3–4) up to 1,000
//! degrees of freedom, and from the Cornish–Fisher expansion (26.7.5) above,
//! where it agrees to better than 10⁻¹⁰.
//!
//! Means and variances use Welford's running method, which stays accurate
//! over millions of values. Nothing is rounded here; pages round for show.

use serde::{Deserialize, Serialize};

/// The two-sided confidence level of every interval in this module.
pub const CONFIDENCE_LEVEL: f64 = 0.95;

/// The 97.5th percentile of the standard normal distribution.
const Z_975: f64 = 1.959_963_984_540_054;

/// Above this many degrees of freedom the Cornish–Fisher expansion is used;
/// the exact series would need one term per two degrees of freedom.
const SERIES_LIMIT: u64 = 1_000;

/// A sample mean and how sure we can be of it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MeanEstimate {
    /// How many values the mean is of.
    pub n: u64,
    /// `None` when there are no values.
    pub mean: Option<f64>,
    /// The sample standard deviation; `None` below two values.
    pub standard_deviation: Option<f64>,
    /// The 95% t-interval; `None` below two values.
    pub interval: Option<ConfidenceInterval>,
}

/// A two-sided 95% confidence interval for a mean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ConfidenceInterval {
    pub lower: f64,
    pub upper: f64,
    /// The t critical value used, shown so the arithmetic can be checked.
    pub t_critical: f64,
}

impl MeanEstimate {
    /// The mean of `values` with its 95% t-interval.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Self {
        let mut running = RunningMean::default();
        for value in values {
            running.add(value);
        }
        running.estimate()
    }

    /// The same estimate with its interval kept inside `[low, high]`, for
    /// scores that cannot fall outside their scale (a 0–100 index). The
    /// mean itself is never moved.
    #[must_use]
    pub fn within(mut self, low: f64, high: f64) -> Self {
        if let Some(interval) = &mut self.interval {
            interval.lower = interval.lower.clamp(low, high);
            interval.upper = interval.upper.clamp(low, high);
        }
        self
    }
}

/// Welford's running mean and sum of squared deviations.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunningMean {
    n: u64,
    mean: f64,
    squared_deviations: f64,
}

impl RunningMean {
    pub fn add(&mut self, value: f64) {
        self.n += 1;
        let delta = value - self.mean;
        self.mean += delta / count_as_f64(self.n);
        self.squared_deviations += delta * (value - self.mean);
    }

    pub fn estimate(&self) -> MeanEstimate {
        if self.n == 0 {
            return MeanEstimate {
                n: 0,
                mean: None,
                standard_deviation: None,
                interval: None,
            };
        }
        if self.n == 1 {
            return MeanEstimate {
                n: 1,
                mean: Some(self.mean),
                standard_deviation: None,
                interval: None,
            };
        }
        let n = count_as_f64(self.n);
        let sd = (self.squared_deviations / (n - 1.0)).sqrt();
        let t_critical = t_quantile_975(self.n - 1);
        let half_width = t_critical * sd / n.sqrt();
        MeanEstimate {
            n: self.n,
            mean: Some(self.mean),
            standard_deviation: Some(sd),
            interval: Some(ConfidenceInterval {
                lower: self.mean - half_width,
                upper: self.mean + half_width,
                t_critical,
            }),
        }
    }
}

/// A count as a float. Counts of respondents stay far below 2⁵³, where
/// every whole number is exact.
#[expect(
    clippy::cast_precision_loss,
    reason = "counts of respondents are far below 2^53"
)]
pub(crate) fn count_as_f64(count: u64) -> f64 {
    count as f64
}

/// The value `t` with P(T ≤ t) = 0.975 for Student's t with `df` degrees of
/// freedom (`df` ≥ 1; 0 is treated as 1).
pub fn t_quantile_975(df: u64) -> f64 {
    let df = df.max(1);
    if df > SERIES_LIMIT {
        return cornish_fisher_975(count_as_f64(df));
    }
    // P(|T| ≤ t) rises with θ = atan(t / √df) from 0 to 1 over [0, π/2),
    // so halve the θ interval until it pins the point where it is 0.95.
    let target = 2.0 * 0.975 - 1.0;
    let (mut low, mut high) = (0.0_f64, std::f64::consts::FRAC_PI_2);
    for _ in 0..200 {
        let middle = f64::midpoint(low, high);
        if middle <= low || middle >= high {
            break;
        }
        if central_probability(middle, df) < target {
            low = middle;
        } else {
            high = middle;
        }
    }
    count_as_f64(df).sqrt() * f64::midpoint(low, high).tan()
}

/// P(|T| ≤ √df · tan θ) for whole `df`, by Abramowitz and Stegun 26.7.3
/// (odd df) and 26.7.4 (even df).
fn central_probability(theta: f64, df: u64) -> f64 {
    let (sin, cos) = theta.sin_cos();
    let cos2 = cos * cos;
    if df % 2 == 1 {
        // (2/π)(θ + sin θ (cos θ + ⅔cos³θ + … + [2·4…(df−3)]/[1·3…(df−2)] cos^(df−2) θ))
        let mut sum = 0.0;
        let mut term = cos;
        let mut k = 1;
        while 2 * k < df {
            sum += term;
            term *= cos2 * count_as_f64(2 * k) / count_as_f64(2 * k + 1);
            k += 1;
        }
        std::f64::consts::FRAC_2_PI * (theta + sin * sum)
    } else {
        // sin θ (1 + ½cos²θ + (1·3)/(2·4)cos⁴θ + … + [1·3…(df−3)]/[2·4…(df−2)] cos^(df−2) θ)
        let mut sum = 0.0;
        let mut term = 1.0;
        let mut k = 1;
        while 2 * k <= df {
            sum += term;
            term *= cos2 * count_as_f64(2 * k - 1) / count_as_f64(2 * k);
            k += 1;
        }
        sin * sum
    }
}

/// Abramowitz and Stegun 26.7.5, four correction terms.
fn cornish_fisher_975(df: f64) -> f64 {
    let x = Z_975;
    let x3 = x.powi(3);
    let x5 = x.powi(5);
    let x7 = x.powi(7);
    let x9 = x.powi(9);
    let g1 = (x3 + x) / 4.0;
    let g2 = (5.0 * x5 + 16.0 * x3 + 3.0 * x) / 96.0;
    let g3 = (3.0 * x7 + 19.0 * x5 + 17.0 * x3 - 15.0 * x) / 384.0;
    let g4 = (79.0 * x9 + 776.0 * x7 + 1482.0 * x5 - 1920.0 * x3 - 945.0 * x) / 92160.0;
    x + g1 / df + g2 / df.powi(2) + g3 / df.powi(3) + g4 / df.powi(4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn t_quantiles_match_published_tables() {
        // Two-sided 95% critical values, as printed in statistical tables
        // to seven decimals.
        for (df, expected) in [
            (1, 12.706_204_7),
            (2, 4.302_652_7),
            (3, 3.182_446_3),
            (4, 2.776_445_1),
            (5, 2.570_581_8),
            (10, 2.228_138_9),
            (20, 2.085_963_4),
            (30, 2.042_272_5),
            (60, 2.000_297_8),
            (120, 1.979_930_4),
            (1_000, 1.962_339_1),
        ] {
            let t = t_quantile_975(df);
            assert!((t - expected).abs() < 1e-6, "df {df}: {t} vs {expected}");
        }
        assert!((t_quantile_975(10_000_000) - Z_975).abs() < 1e-6);
    }

    #[test]
    fn the_two_methods_meet_at_the_switch() {
        let series = t_quantile_975(SERIES_LIMIT);
        let expansion = cornish_fisher_975(count_as_f64(SERIES_LIMIT));
        assert!((series - expansion).abs() < 1e-10, "{series} {expansion}");
    }

    #[test]
    fn a_hand_worked_interval() {
        // Values 2, 4, 4, 4, 5, 5, 7, 9: mean 40/8 = 5; squared deviations
        // 9+1+1+1+0+0+4+16 = 32; s² = 32/7, s = 2.138090; s/√8 = 0.755929;
        // t(7) = 2.364624; half width = 1.787485.
        let estimate = MeanEstimate::of([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(estimate.n, 8);
        assert_eq!(estimate.mean, Some(5.0));
        let sd = estimate.standard_deviation.unwrap();
        assert!((sd - (32.0_f64 / 7.0).sqrt()).abs() < 1e-12);
        let interval = estimate.interval.unwrap();
        assert!((interval.t_critical - 2.364_624_25).abs() < 1e-7);
        assert!((interval.lower - 3.212_515).abs() < 1e-5, "{interval:?}");
        assert!((interval.upper - 6.787_485).abs() < 1e-5, "{interval:?}");
    }

    #[test]
    fn fewer_than_two_values_give_no_interval() {
        let none = MeanEstimate::of([]);
        assert_eq!((none.n, none.mean, none.interval), (0, None, None));
        let one = MeanEstimate::of([42.0]);
        assert_eq!((one.n, one.mean), (1, Some(42.0)));
        assert_eq!((one.standard_deviation, one.interval), (None, None));
    }

    #[test]
    fn clamping_keeps_the_mean_and_trims_the_interval() {
        let estimate = MeanEstimate::of([100.0, 100.0, 50.0]).within(0.0, 100.0);
        let interval = estimate.interval.unwrap();
        assert!((estimate.mean.unwrap() - 250.0 / 3.0).abs() < 1e-12);
        assert!((interval.upper - 100.0).abs() < f64::EPSILON);
        assert!(interval.lower < 83.0);
    }

    proptest! {
        #[test]
        fn the_interval_contains_the_mean_and_narrows_with_more_data(
            values in prop::collection::vec(0.0f64..100.0, 2..60)
        ) {
            let once = MeanEstimate::of(values.iter().copied());
            let mean = once.mean.unwrap();
            let interval = once.interval.unwrap();
            prop_assert!(interval.lower <= mean && mean <= interval.upper);
            let twice = MeanEstimate::of(values.iter().chain(values.iter()).copied());
            let width = |i: ConfidenceInterval| i.upper - i.lower;
            prop_assert!(width(twice.interval.unwrap()) <= width(interval) + 1e-9);
        }

        #[test]
        fn t_quantiles_fall_towards_the_normal(df in 1u64..3_000) {
            let t = t_quantile_975(df);
            prop_assert!(t > Z_975);
            prop_assert!(t_quantile_975(df + 1) < t);
        }
    }
}
