/// No list has this many pages; asking for a later one is asking for a
/// page past the end, and must not overflow the arithmetic of offsets.
pub const LAST_POSSIBLE_PAGE: i64 = 1_000_000;

/// Which page of a long list is shown, and how many there are.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: i64,
    pub pages: i64,
    size: i64,
}

impl Paging {
    /// The page asked for (anything below 1 means the first; anything past
    /// [`LAST_POSSIBLE_PAGE`] means that one, which is empty).
    pub fn requested(page: i64, size: i64) -> Self {
        Self {
            page: page.clamp(1, LAST_POSSIBLE_PAGE),
            pages: 1,
            size,
        }
    }

    pub fn limit(&self) -> i64 {
        self.size
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.size
    }

    /// The same page, now knowing how many items there are in all.
    #[must_use]
    pub fn of(self, total: i64) -> Self {
        Self {
            pages: ((total + self.size - 1) / self.size).max(1),
            ..self
        }
    }

    /// "2 / 7", for the "Page {}" message.
    pub fn label(&self) -> String {
        format!("{} / {}", self.page, self.pages)
    }
}

/// A time from storage as people read it, in UTC.
pub fn utc_time(seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| {
            t.format(&time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
            ))
            .ok()
        })
        .unwrap_or_default()
}

/// A time from storage as people read it: the day in words and the clock
/// time in the United Kingdom (British Summer Time from 01:00 UTC on the
/// last Sunday of March to 01:00 UTC on the last Sunday of October), e.g.
/// "7 December 2026 at 14:05".
pub fn when(seconds: i64) -> String {
    use coprod_engine::schedule::Date;
    let utc = Date::of_unix_seconds(seconds);
    let last_sunday = |month: u8| {
        let last = Date::new(
            utc.year,
            month,
            coprod_engine::schedule::days_in_month(utc.year, month),
        )
        .unwrap_or(utc);
        // 1 January 1970 was a Thursday: days since then, plus four, count
        // from a Sunday.
        let back = (last.days_since_epoch() + 4).rem_euclid(7);
        last.add_days(-back).unix_midnight() + 3_600
    };
    let summer = (last_sunday(3)..last_sunday(10)).contains(&seconds);
    let local = seconds + if summer { 3_600 } else { 0 };
    let day = Date::of_unix_seconds(local);
    let minute = local.rem_euclid(86_400) / 60;
    format!(
        "{} at {:02}:{:02}",
        coprod_engine::plain::date(day),
        minute / 60,
        minute % 60
    )
}

/// A stored day ("2026-10-01") as people read it ("1 October 2026"); text
/// that is not a date is shown as it is.
pub fn day_text(raw: &str) -> String {
    coprod_engine::schedule::Date::parse(raw)
        .map_or_else(|_| raw.to_owned(), coprod_engine::plain::date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_round_up_and_start_at_one() {
        let paging = Paging::requested(0, 50).of(101);
        assert_eq!((paging.page, paging.pages, paging.offset()), (1, 3, 0));
        assert_eq!(Paging::requested(3, 50).of(0).pages, 1);
        assert_eq!(Paging::requested(3, 50).offset(), 100);
        assert_eq!(utc_time(0), "1970-01-01 00:00:00 UTC");
        // 7 December 2026 14:05 UTC is 14:05 in Scotland; 1 July 2026
        // 11:30 UTC is 12:30 British Summer Time.
        assert_eq!(when(1_796_652_300), "7 December 2026 at 14:05");
        assert_eq!(when(1_782_905_400), "1 July 2026 at 12:30");
        assert_eq!(day_text("2026-10-01"), "1 October 2026");
        let far = Paging::requested(i64::MAX, 50);
        assert_eq!(far.page, LAST_POSSIBLE_PAGE);
        assert_eq!(far.offset(), (LAST_POSSIBLE_PAGE - 1) * 50);
    }
}
