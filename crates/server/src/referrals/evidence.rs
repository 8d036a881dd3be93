//! Measured change as evidence for others to link to: the mean change on
//! each measure with one number, with its n and 95% interval, worded for
//! pages, and the figures for one service on the asset map, which the
//! Co-Production Star's initiatives and business cases show beside their
//! own claims. Groups of fewer than five people are withheld.

use coprod_engine::{
    referrals::outcomes::{self, Measure, Measured},
    surveys::{breakdown::MIN_CELL_RESPONDENTS, statistics::MeanEstimate},
};
use sqlx::AnyConnection;

use super::store;
use crate::web::Shell;

/// One row: a group and its estimate, or why it is not shown.
pub struct ChangeRow {
    pub group: String,
    pub n: u64,
    /// Empty when withheld.
    pub mean: String,
    pub interval: String,
    pub shown: bool,
}

/// A change as people read it: signed, to one decimal place.
pub fn signed(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded > 0.0 {
        format!("+{rounded:.1}")
    } else if rounded < 0.0 {
        format!("−{:.1}", -rounded)
    } else {
        "0.0".to_owned()
    }
}

/// The row for one group's estimate, withheld below five people.
pub fn row(shell: &Shell, group: String, estimate: &MeanEstimate) -> ChangeRow {
    let shown = estimate.n >= MIN_CELL_RESPONDENTS;
    ChangeRow {
        group,
        n: estimate.n,
        mean: match estimate.mean {
            Some(mean) if shown => signed(mean),
            _ => String::new(),
        },
        interval: match estimate.interval {
            Some(i) if shown => shell.tn(
                "referrals.changes.interval",
                &[&signed(i.lower), &signed(i.upper)],
            ),
            _ => String::new(),
        },
        shown,
    }
}

/// What changed for people referred to one service: a row per measure,
/// each person counted once.
pub async fn for_service(
    conn: &mut AnyConnection,
    shell: &Shell,
    service_id: &str,
) -> Result<Vec<ChangeRow>, sqlx::Error> {
    let measured: Vec<Measured> = store::outcomes_for_service(conn, service_id)
        .await?
        .iter()
        .filter_map(|o| {
            Measured::score(o.person_id, o.measure, o.stage, o.recorded_at, &o.items).ok()
        })
        .collect();
    Ok(Measure::WITH_HEADLINE
        .into_iter()
        .map(|measure| {
            let each = outcomes::changes(&measured, measure);
            row(
                shell,
                shell.t(&format!("referrals.instrument.{}", measure.key())),
                &MeanEstimate::of(each.values().copied()),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::signed;

    #[test]
    fn changes_carry_their_sign() {
        assert_eq!(signed(3.94), "+3.9");
        assert_eq!(signed(-0.26), "−0.3");
        assert_eq!(signed(0.04), "0.0");
        assert_eq!(signed(-0.04), "0.0");
    }
}
