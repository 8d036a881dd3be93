//! The SQL of co-delivery, one file per kind of record. Every function takes
//! a connection, so the same query serves a plain read and a step inside a
//! transaction.

/// The time bank's books: members, transfers and their movements.
pub mod ledger;
/// Proposals and agreed matches.
pub mod matches;
/// Offers, their slots and days away.
pub mod offers;
/// People and their PVG checks.
pub mod people;
/// Requests and their windows.
pub mod requests;
/// The days help is due, and what became of them.
pub mod rounds;

use coprod_engine::schedule::{Date, Weekday};
use sqlx::{Row, any::AnyRow};

/// A stored value the code cannot read back: a bug or a hand-edited row.
pub(crate) fn corrupt(column: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unreadable {column}: {value:?}").into())
}

/// A stored calendar date.
pub(crate) fn date(row: &AnyRow, column: &str) -> Result<Date, sqlx::Error> {
    let text: String = row.try_get(column)?;
    Date::parse(&text).map_err(|_| corrupt(column, &text))
}

/// A stored calendar date that may be missing.
pub(crate) fn optional_date(row: &AnyRow, column: &str) -> Result<Option<Date>, sqlx::Error> {
    let text: Option<String> = row.try_get(column)?;
    text.map(|text| Date::parse(&text).map_err(|_| corrupt(column, &text)))
        .transpose()
}

/// A weekday as the co-delivery tables store it: 1 for Monday to 7 for
/// Sunday (their `CHECK (weekday BETWEEN 1 AND 7)`), one more than
/// [`Weekday::index`]. The asset map's `service_openings` stores the index
/// itself.
pub(crate) fn stored_weekday(day: Weekday) -> i64 {
    i64::from(day.index()) + 1
}

/// The weekday a stored 1 to 7 stands for; `None` for any other number.
pub(crate) fn weekday_from_stored(number: i64) -> Option<Weekday> {
    Weekday::from_index(number.checked_sub(1)?)
}

/// A stored 0/1 flag.
pub(crate) fn flag(row: &AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

/// A stored non-negative count that fits the engine's `u32`.
pub(crate) fn count(row: &AnyRow, column: &str) -> Result<u32, sqlx::Error> {
    let value: i64 = row.try_get(column)?;
    u32::try_from(value).map_err(|_| corrupt(column, &value.to_string()))
}

/// A word read back through `parse`.
pub(crate) fn word<T>(
    row: &AnyRow,
    column: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, sqlx::Error> {
    let text: String = row.try_get(column)?;
    parse(&text).ok_or_else(|| corrupt(column, &text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_round_trip_through_their_stored_numbers() {
        for day in Weekday::ALL {
            assert_eq!(weekday_from_stored(stored_weekday(day)), Some(day));
        }
        assert_eq!(stored_weekday(Weekday::Monday), 1);
        assert_eq!(stored_weekday(Weekday::Sunday), 7);
        assert_eq!(weekday_from_stored(0), None);
        assert_eq!(weekday_from_stored(8), None);
    }
}
