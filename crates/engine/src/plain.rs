//! Plain English for the numbers people read: dates, lengths of time and
//! distances, written the way a coordinator would say them on the phone.
//!
//! Pages in other languages use the structured values and their own
//! catalogue; these are the English forms the engine's own explanations use.

use crate::schedule::{Date, Weekday};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "14 March 2028".
pub fn date(date: Date) -> String {
    let month = MONTHS
        .get(usize::from(date.month).wrapping_sub(1))
        .copied()
        .unwrap_or("?");
    format!("{} {month} {}", date.day, date.year)
}

/// "Tuesday".
pub fn weekday(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// "2 h 30 min", "45 min", "3 h", "-1 h 15 min"; "0 min" for nothing.
pub fn minutes(total: i64) -> String {
    let sign = if total < 0 { "-" } else { "" };
    let magnitude = total.unsigned_abs();
    let (hours, minutes) = (magnitude / 60, magnitude % 60);
    match (hours, minutes) {
        (0, minutes) => format!("{sign}{minutes} min"),
        (hours, 0) => format!("{sign}{hours} h"),
        (hours, minutes) => format!("{sign}{hours} h {minutes} min"),
    }
}

/// "850 m" under a kilometre (to the nearest 10 m), "2.1 km" above.
pub fn distance(metres: u32) -> String {
    if metres < 1_000 {
        let tens = metres.saturating_add(5) / 10 * 10;
        if tens < 1_000 {
            return format!("{tens} m");
        }
    }
    let tenths = metres.saturating_add(50) / 100;
    format!("{}.{} km", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_naturally() {
        assert_eq!(date(Date::parse("2028-03-14").unwrap()), "14 March 2028");
        assert_eq!(date(Date::parse("2026-12-01").unwrap()), "1 December 2026");
        assert_eq!(weekday(Weekday::Tuesday), "Tuesday");
    }

    #[test]
    fn lengths_of_time() {
        assert_eq!(minutes(0), "0 min");
        assert_eq!(minutes(45), "45 min");
        assert_eq!(minutes(180), "3 h");
        assert_eq!(minutes(150), "2 h 30 min");
        assert_eq!(minutes(-75), "-1 h 15 min");
    }

    #[test]
    fn distances() {
        assert_eq!(distance(0), "0 m");
        assert_eq!(distance(847), "850 m");
        assert_eq!(distance(996), "1.0 km");
        assert_eq!(distance(2_149), "2.1 km");
        assert_eq!(distance(2_150), "2.2 km");
        assert_eq!(distance(15_000), "15.0 km");
    }
}
