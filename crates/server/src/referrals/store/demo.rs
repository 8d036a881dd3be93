//! The SQL only the demo data needs: dating a made-up referral and its
//! steps back over the weeks since it was made.

use crate::db::{Db, StoreResult};

/// Dates referral `id` at `start` and its steps a day and a half apart
/// from then on, in the order they were written.
pub async fn backdate(db: &Db, id: i64, start: i64) -> StoreResult<()> {
    sqlx::query("UPDATE referrals SET referred_at = $1 WHERE id = $2")
        .bind(start)
        .bind(id)
        .execute(db.pool())
        .await?;
    let events: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM referral_events WHERE referral_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(db.pool())
            .await?;
    let mut at = start;
    for (event,) in events {
        sqlx::query("UPDATE referral_events SET occurred_at = $1 WHERE id = $2")
            .bind(at)
            .bind(event)
            .execute(db.pool())
            .await?;
        at += 3 * 86_400 / 2;
    }
    Ok(())
}
