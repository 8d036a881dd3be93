use coprod_engine::{
    place::GssCode,
    timebank::{
        AccountId, Ledger, LedgerError, Limits, MemberId, MemberRecord, Movement, Purpose,
        Transfer, TransferId,
    },
};
use sqlx::{AnyConnection, Row};

use super::{corrupt, date};
use crate::db;

/// The limits every member has unless given their own.
pub fn default_limits() -> Limits {
    Limits::default()
}

/// The member id the ledger knows a person by.
pub fn member(person_id: i64) -> MemberId {
    MemberId(person_id.to_string())
}

/// The person behind a ledger account; `None` for the organisation.
pub fn person_of(account: &AccountId) -> Option<i64> {
    match account {
        AccountId::Organisation => None,
        AccountId::Member(member) => member.0.parse().ok(),
    }
}

/// Why a change to the books was not made.
#[derive(Debug, thiserror::Error)]
pub enum PostError {
    /// The ledger refused it (a limit, an unknown member…); nothing changed.
    #[error(transparent)]
    Refused(#[from] LedgerError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Rebuilds the ledger from every member and transfer stored. The engine
/// checks each transfer again as it goes: in sequence, balanced, between
/// open accounts.
pub async fn load(conn: &mut AnyConnection) -> Result<Ledger, PostError> {
    let members = sqlx::query(
        "SELECT person_id, area, max_debt_minutes, max_balance_minutes FROM timebank_members ORDER BY person_id",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| {
        let person: i64 = row.try_get("person_id")?;
        let area: Option<String> = row.try_get("area")?;
        let max_debt: Option<i64> = row.try_get("max_debt_minutes")?;
        let max_balance: Option<i64> = row.try_get("max_balance_minutes")?;
        let limits = (max_debt.is_some() || max_balance.is_some()).then(|| Limits {
            max_debt_minutes: max_debt
                .and_then(|m| u32::try_from(m).ok())
                .unwrap_or(default_limits().max_debt_minutes),
            max_balance_minutes: max_balance.and_then(|m| u32::try_from(m).ok()),
        });
        Ok(MemberRecord {
            member: member(person),
            area: area.and_then(|a| GssCode::parse(&a).ok()),
            limits,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;

    let transfers = sqlx::query(
        "SELECT t.id, t.on_date, t.purpose, t.reversal_of, t.reference, \
         a.person_id AS from_person, a.minutes AS from_minutes, \
         b.person_id AS to_person, b.minutes AS to_minutes \
         FROM timebank_transfers t \
         JOIN timebank_movements a ON a.transfer_id = t.id AND a.side = 0 \
         JOIN timebank_movements b ON b.transfer_id = t.id AND b.side = 1 \
         ORDER BY t.id",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| {
        let id: i64 = row.try_get("id")?;
        let purpose: String = row.try_get("purpose")?;
        let reversal_of: Option<i64> = row.try_get("reversal_of")?;
        let purpose = match (purpose.as_str(), reversal_of) {
            ("exchange", None) => Purpose::Exchange,
            ("gift", None) => Purpose::Gift,
            ("reversal", Some(of)) => Purpose::Reversal {
                of: TransferId(u64::try_from(of).map_err(|_| corrupt("reversal_of", ""))?),
            },
            _ => return Err(corrupt("purpose", &purpose)),
        };
        let account = |column: &str| -> Result<AccountId, sqlx::Error> {
            let person: Option<i64> = row.try_get(column)?;
            Ok(person.map_or(AccountId::Organisation, |p| AccountId::Member(member(p))))
        };
        Ok(Transfer {
            id: TransferId(u64::try_from(id).map_err(|_| corrupt("id", &id.to_string()))?),
            on: date(row, "on_date")?,
            purpose,
            reference: row.try_get("reference")?,
            movements: [
                Movement {
                    account: account("from_person")?,
                    minutes: row.try_get("from_minutes")?,
                },
                Movement {
                    account: account("to_person")?,
                    minutes: row.try_get("to_minutes")?,
                },
            ],
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Ledger::from_records(default_limits(), members, transfers)?)
}

/// Takes the books' turn (held until the transaction ends, so changes to
/// the books never interleave), rebuilds the ledger, lets `change` make one
/// transfer, and stores it. Run it inside a transaction; when `change` is
/// refused nothing is stored and the caller may try something else.
pub async fn post(
    conn: &mut AnyConnection,
    recorded_by: Option<i64>,
    change: impl FnOnce(&mut Ledger) -> Result<TransferId, LedgerError>,
) -> Result<Transfer, PostError> {
    sqlx::query("UPDATE timebank_books SET turns = turns + 1 WHERE id = 1")
        .execute(&mut *conn)
        .await?;
    let mut ledger = load(conn).await?;
    let id = change(&mut ledger)?;
    let transfer = ledger
        .transfers()
        .iter()
        .find(|t| t.id == id)
        .cloned()
        .ok_or(LedgerError::UnknownTransfer(id))?;
    store(conn, &transfer, recorded_by).await?;
    Ok(transfer)
}

async fn store(
    conn: &mut AnyConnection,
    transfer: &Transfer,
    recorded_by: Option<i64>,
) -> Result<(), sqlx::Error> {
    let id = i64::try_from(transfer.id.0).map_err(|_| corrupt("id", ""))?;
    let (purpose, reversal_of) = match transfer.purpose {
        Purpose::Exchange => ("exchange", None),
        Purpose::Gift => ("gift", None),
        Purpose::Reversal { of } => ("reversal", i64::try_from(of.0).ok()),
    };
    sqlx::query(
        "INSERT INTO timebank_transfers (id, on_date, purpose, reversal_of, reference, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(transfer.on.to_string())
    .bind(purpose)
    .bind(reversal_of)
    .bind(transfer.reference.as_deref())
    .bind(recorded_by)
    .bind(db::now())
    .execute(&mut *conn)
    .await?;
    for (side, movement) in (0_i64..).zip(&transfer.movements) {
        sqlx::query(
            "INSERT INTO timebank_movements (transfer_id, side, person_id, minutes) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(side)
        .bind(person_of(&movement.account))
        .bind(movement.minutes)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Gives a member limits of their own, or (both `None`) the time bank's.
pub async fn set_limits(
    conn: &mut AnyConnection,
    person_id: i64,
    max_debt_minutes: Option<u32>,
    max_balance_minutes: Option<u32>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE timebank_members SET max_debt_minutes = $1, max_balance_minutes = $2 WHERE person_id = $3",
    )
    .bind(max_debt_minutes.map(i64::from))
    .bind(max_balance_minutes.map(i64::from))
    .bind(person_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
