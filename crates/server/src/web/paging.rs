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
        let far = Paging::requested(i64::MAX, 50);
        assert_eq!(far.page, LAST_POSSIBLE_PAGE);
        assert_eq!(far.offset(), (LAST_POSSIBLE_PAGE - 1) * 50);
    }
}
