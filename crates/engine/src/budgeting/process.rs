//! A participatory budgeting process as the platform runs it: its phases and
//! their dates, the shape of its ballot, its counting rule, and money and
//! dates as people read and type them. Times are Unix seconds, dates the
//! start of their day in UTC. Errors are [`Invalid`] with message keys.

use crate::{Invalid, plain, schedule::Date};

/// Where a process stands. Phases follow each other in this order, each
/// starting on its date; staff can start the next one early.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Before proposals open.
    Upcoming,
    /// People send in proposals.
    Proposals,
    /// Staff check each proposal can be done, and what it would cost.
    Review,
    /// Residents vote on the accepted proposals.
    Voting,
    /// Voting has closed; the count is published.
    Results,
    /// The funded projects are being delivered.
    Delivery,
}

impl Phase {
    /// Every phase, in order.
    pub const ALL: [Phase; 6] = [
        Phase::Upcoming,
        Phase::Proposals,
        Phase::Review,
        Phase::Voting,
        Phase::Results,
        Phase::Delivery,
    ];

    /// The stable name, used in message keys and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Upcoming => "upcoming",
            Phase::Proposals => "proposals",
            Phase::Review => "review",
            Phase::Voting => "voting",
            Phase::Results => "results",
            Phase::Delivery => "delivery",
        }
    }

    /// The message key of the phase's name.
    pub fn label_key(self) -> String {
        format!("budgeting.phase.{}", self.as_str())
    }
}

/// The day each phase starts (voting also has its closing moment, which is
/// when results begin). Ordered: each is no earlier than the one before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhaseDates {
    pub proposals_open_at: i64,
    pub review_starts_at: i64,
    pub voting_opens_at: i64,
    pub voting_closes_at: i64,
    pub delivery_starts_at: i64,
}

impl PhaseDates {
    /// The phase at `now`.
    pub fn phase_at(&self, now: i64) -> Phase {
        if now < self.proposals_open_at {
            Phase::Upcoming
        } else if now < self.review_starts_at {
            Phase::Proposals
        } else if now < self.voting_opens_at {
            Phase::Review
        } else if now < self.voting_closes_at {
            Phase::Voting
        } else if now < self.delivery_starts_at {
            Phase::Results
        } else {
            Phase::Delivery
        }
    }

    /// Whether the dates follow each other as the phases do.
    pub fn in_order(&self) -> bool {
        self.proposals_open_at <= self.review_starts_at
            && self.review_starts_at <= self.voting_opens_at
            && self.voting_opens_at <= self.voting_closes_at
            && self.voting_closes_at <= self.delivery_starts_at
    }

    /// When `phase` starts, or `None` for [`Phase::Upcoming`].
    pub fn start_of(&self, phase: Phase) -> Option<i64> {
        match phase {
            Phase::Upcoming => None,
            Phase::Proposals => Some(self.proposals_open_at),
            Phase::Review => Some(self.review_starts_at),
            Phase::Voting => Some(self.voting_opens_at),
            Phase::Results => Some(self.voting_closes_at),
            Phase::Delivery => Some(self.delivery_starts_at),
        }
    }

    /// The dates with the phase after the one current at `now` starting at
    /// `now` instead; `None` after delivery has started. The later dates
    /// already lie after `now` (they are in order and the next one had not
    /// come), so the order holds.
    pub fn start_next_phase(&self, now: i64) -> Option<PhaseDates> {
        let mut dates = *self;
        match self.phase_at(now) {
            Phase::Upcoming => dates.proposals_open_at = now,
            Phase::Proposals => dates.review_starts_at = now,
            Phase::Review => dates.voting_opens_at = now,
            Phase::Voting => dates.voting_closes_at = now,
            Phase::Results => dates.delivery_starts_at = now,
            Phase::Delivery => return None,
        }
        dates.in_order().then_some(dates)
    }
}

/// The kinds of ballot, as stored.
pub const BALLOT_TYPES: [&str; 3] = ["approval", "cumulative", "ranked"];

/// The counting rules a process can use, by the engine's names.
pub const COUNTING_RULES: [&str; 6] = [
    "greedy",
    "greedy-no-skip",
    "greedy-threshold",
    "mes",
    "mes-add1",
    "mes-add1-greedy",
];

/// What a voter may put on a ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BallotRules {
    /// Tick projects: optionally at most `max_choices` of them, and
    /// optionally costing at most `max_total_cost` together.
    Approval {
        max_choices: Option<i64>,
        max_total_cost: Option<i64>,
    },
    /// Share out `points_total` points among projects.
    Cumulative { points_total: i64 },
    /// Put up to `ranks` projects in order of preference.
    Ranked { ranks: i64 },
}

impl BallotRules {
    /// The stored name of the ballot type.
    pub fn kind(&self) -> &'static str {
        match self {
            BallotRules::Approval { .. } => "approval",
            BallotRules::Cumulative { .. } => "cumulative",
            BallotRules::Ranked { .. } => "ranked",
        }
    }

    /// The rules from their stored columns; `None` when a column the type
    /// needs is missing.
    pub fn from_columns(
        kind: &str,
        max_choices: Option<i64>,
        max_total_cost: Option<i64>,
        points_total: Option<i64>,
    ) -> Option<Self> {
        match kind {
            "approval" => Some(BallotRules::Approval {
                max_choices,
                max_total_cost,
            }),
            "cumulative" => {
                points_total.map(|points_total| BallotRules::Cumulative { points_total })
            }
            "ranked" => max_choices.map(|ranks| BallotRules::Ranked { ranks }),
            _ => None,
        }
    }

    /// The number of ranks of a ranked ballot, which turns positions into
    /// points; `None` for other ballots.
    pub fn ranks(&self) -> Option<i64> {
        match *self {
            BallotRules::Ranked { ranks } => Some(ranks),
            _ => None,
        }
    }

    /// `max_choices`, `max_total_cost_pence` and `points_total` as stored.
    pub fn columns(&self) -> (Option<i64>, Option<i64>, Option<i64>) {
        match *self {
            BallotRules::Approval {
                max_choices,
                max_total_cost,
            } => (max_choices, max_total_cost, None),
            BallotRules::Cumulative { points_total } => (None, None, Some(points_total)),
            BallotRules::Ranked { ranks } => (Some(ranks), None, None),
        }
    }
}

/// The largest amount of money accepted anywhere: a billion pounds.
pub const MAX_PENCE: i64 = 100_000_000_000;

/// An amount of money as people type it: "12500", "£12,500", "12,500.50".
/// At most two decimal places; more than nothing, at most [`MAX_PENCE`].
pub fn parse_money(raw: &str) -> Result<i64, Invalid> {
    let cleaned: String = raw
        .trim()
        .trim_start_matches('£')
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    if cleaned.is_empty() {
        return Err(Invalid::new("budgeting.error.money_missing"));
    }
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || !(fraction.is_empty() || digits(fraction)) || fraction.len() > 2 {
        return Err(Invalid::new("budgeting.error.money_format"));
    }
    let pounds: i64 = whole
        .parse()
        .map_err(|_| Invalid::new("budgeting.error.money_large"))?;
    let pence: i64 = format!("{fraction:0<2}")
        .parse()
        .map_err(|_| Invalid::new("budgeting.error.money_format"))?;
    let total = pounds
        .checked_mul(100)
        .and_then(|p| p.checked_add(pence))
        .filter(|t| *t <= MAX_PENCE)
        .ok_or(Invalid::new("budgeting.error.money_large"))?;
    if total == 0 {
        return Err(Invalid::new("budgeting.error.money_zero"));
    }
    Ok(total)
}

/// Money as people read it: "£12,500" when whole, "£12,500.50" otherwise.
/// Currencies other than pounds, euros and dollars follow the amount.
pub fn format_money(pence: i64, currency: &str) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let pence = pence.unsigned_abs();
    let whole = (pence / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let amount = if pence.is_multiple_of(100) {
        grouped
    } else {
        format!("{grouped}.{:02}", pence % 100)
    };
    match currency {
        "GBP" => format!("{sign}£{amount}"),
        "EUR" => format!("{sign}€{amount}"),
        "USD" => format!("{sign}${amount}"),
        other => format!("{sign}{amount} {other}"),
    }
}

/// Money for a form field: "12500" or "12500.50".
pub fn money_input(pence: i64) -> String {
    if pence % 100 == 0 {
        (pence / 100).to_string()
    } else {
        format!("{}.{:02}", pence / 100, pence % 100)
    }
}

/// A date typed as `YYYY-MM-DD`, as the start of that day in UTC.
pub fn parse_date(raw: &str) -> Result<i64, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::new("budgeting.error.date_missing"));
    }
    Date::parse(raw)
        .map(Date::unix_midnight)
        .map_err(|_| Invalid::new("budgeting.error.date_format"))
}

/// A stored time as a form's `YYYY-MM-DD`.
pub fn date_input(seconds: i64) -> String {
    Date::of_unix_seconds(seconds).to_string()
}

/// A stored time as people read a date: "1 March 2027".
pub fn format_date(seconds: i64) -> String {
    plain::date(Date::of_unix_seconds(seconds))
}

/// Whole years between a date of birth and `today` (both Unix seconds).
pub fn age_on(born: i64, today: i64) -> i64 {
    let born = Date::of_unix_seconds(born);
    let today = Date::of_unix_seconds(today);
    let mut years = i64::from(today.year) - i64::from(born.year);
    if (today.month, today.day) < (born.month, born.day) {
        years -= 1;
    }
    years
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates() -> PhaseDates {
        PhaseDates {
            proposals_open_at: 100,
            review_starts_at: 200,
            voting_opens_at: 300,
            voting_closes_at: 400,
            delivery_starts_at: 500,
        }
    }

    #[test]
    fn phases_follow_their_dates() {
        let d = dates();
        assert_eq!(d.phase_at(99), Phase::Upcoming);
        assert_eq!(d.phase_at(100), Phase::Proposals);
        assert_eq!(d.phase_at(250), Phase::Review);
        assert_eq!(d.phase_at(300), Phase::Voting);
        assert_eq!(d.phase_at(399), Phase::Voting);
        assert_eq!(d.phase_at(400), Phase::Results);
        assert_eq!(d.phase_at(500), Phase::Delivery);
    }

    #[test]
    fn the_next_phase_can_start_early() {
        let d = dates();
        let closed = d.start_next_phase(350).unwrap();
        assert_eq!(closed.voting_closes_at, 350);
        assert_eq!(closed.phase_at(350), Phase::Results);
        assert_eq!(d.start_next_phase(600), None, "nothing after delivery");
        assert_eq!(
            d.start_next_phase(50).unwrap().phase_at(50),
            Phase::Proposals
        );
        // Voting opened and closed within the same second still closes.
        let same = PhaseDates {
            voting_opens_at: 300,
            ..d
        };
        assert_eq!(
            same.start_next_phase(300).unwrap().phase_at(300),
            Phase::Results
        );
    }

    #[test]
    fn money_is_read_as_people_type_it() {
        assert_eq!(parse_money("12500"), Ok(1_250_000));
        assert_eq!(parse_money(" £12,500.5 "), Ok(1_250_050));
        assert_eq!(parse_money("0.99"), Ok(99));
        assert_eq!(
            parse_money(""),
            Err(Invalid::new("budgeting.error.money_missing"))
        );
        assert_eq!(
            parse_money("12.345"),
            Err(Invalid::new("budgeting.error.money_format"))
        );
        assert_eq!(
            parse_money("-5"),
            Err(Invalid::new("budgeting.error.money_format"))
        );
        assert_eq!(
            parse_money("five"),
            Err(Invalid::new("budgeting.error.money_format"))
        );
        assert_eq!(
            parse_money("0"),
            Err(Invalid::new("budgeting.error.money_zero"))
        );
        assert_eq!(
            parse_money("99999999999999999999"),
            Err(Invalid::new("budgeting.error.money_large"))
        );
    }

    #[test]
    fn money_is_shown_as_people_read_it() {
        assert_eq!(format_money(1_250_000, "GBP"), "£12,500");
        assert_eq!(format_money(1_250_050, "GBP"), "£12,500.50");
        assert_eq!(format_money(99, "GBP"), "£0.99");
        assert_eq!(format_money(100_000_000, "PLN"), "1,000,000 PLN");
        assert_eq!(money_input(1_250_050), "12500.50");
        assert_eq!(money_input(1_250_000), "12500");
    }

    #[test]
    fn dates_round_trip_and_ages_count_birthdays() {
        let day = parse_date("2027-03-01").unwrap();
        assert_eq!(date_input(day), "2027-03-01");
        assert_eq!(format_date(day), "1 March 2027");
        assert_eq!(
            parse_date("1/3/2027"),
            Err(Invalid::new("budgeting.error.date_format"))
        );
        let born = parse_date("2011-03-02").unwrap();
        assert_eq!(age_on(born, day), 15);
        assert_eq!(age_on(born, parse_date("2027-03-02").unwrap()), 16);
    }
}
