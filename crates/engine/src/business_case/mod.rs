//! The business case for a co-production initiative ("Focus it"): what
//! goes in, the outcomes it brings about valued in money, and whether it
//! is worth it — a social return on investment (SROI) worked out step by
//! step, tested for how much it rests on each assumption, and compared
//! across initiatives.
//!
//! Read [`model`] (the inputs and their checks), then [`appraisal`] (the
//! arithmetic, including the payback period's definition),
//! [`sensitivity`] and [`ranking`].
//!
//! ## Arithmetic and rounding
//!
//! Money is in pounds as `f64`, and nothing is rounded between steps:
//! every number in the working is exactly the number the next step used,
//! so a page can show the steps and they add up. Binary floating point
//! keeps about 15 significant figures, so the only error is in the last
//! of those — under a millionth of a penny on a million pounds — which is
//! why tests compare to a relative 10⁻⁹. Rounding is for display only:
//! money to the penny, ratios to two decimals, payback to one decimal of
//! a year. Proxies are used at the price year they were entered in; the
//! engine does not re-base them to a common year.

/// Checks the inputs and works out the case.
pub mod appraisal;
/// What a business case is made of, and its checks.
pub mod model;
/// Initiatives ranked by SROI ratio, net value or present value.
pub mod ranking;
/// The ratio with each assumption moved 25% down and up.
pub mod sensitivity;

pub use appraisal::{Appraisal, appraise};
pub use model::{BusinessCase, FieldError, FinancialProxy, Inputs, Outcome};
