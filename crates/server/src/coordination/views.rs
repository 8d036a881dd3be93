//! What pages show of requests, matches and days of help, put into words
//! from the message catalogue. Who may see what is decided here too: the
//! exact address and contact details only ever reach a page once both
//! sides have agreed.

use std::collections::HashMap;

use coprod_engine::{
    matching::TimeWindow,
    plain,
    schedule::{Date, Weekday},
};
use sqlx::AnyConnection;

use super::{
    model::{
        MatchRecord, MatchStatus, Occurrence, OccurrenceStatus, Person, RequestRecord, area_hint,
    },
    store,
};
use crate::{
    access::Reach,
    web::{Shell, i18n::fill},
};

/// The reader's name for a weekday.
pub fn day_name(shell: &Shell, day: Weekday) -> String {
    shell.t(&format!(
        "coordination.day.{}",
        day.as_rrule().to_lowercase()
    ))
}

/// "Tuesday 10 March 2026".
pub fn date_text(shell: &Shell, date: Date) -> String {
    format!("{} {}", day_name(shell, date.weekday()), plain::date(date))
}

/// When a request wants help, in words.
pub fn request_when(shell: &Shell, request: &RequestRecord) -> String {
    let windows: Vec<String> = request
        .windows
        .iter()
        .map(|w| format!("{} {}", day_name(shell, w.day), w.time))
        .collect();
    if request.recurring {
        let joined = windows.join(&shell.t("coordination.when.or"));
        let mut text = fill(
            &shell.t("coordination.when.weekly"),
            &[&joined, &plain::date(request.first_date)],
        );
        if let Some(last) = request.last_date {
            text.push_str(&shell.t1("coordination.when.until", &plain::date(last)));
        }
        text
    } else {
        let time = request
            .windows
            .first()
            .map_or_else(String::new, |w| w.time.to_string());
        fill(
            &shell.t("coordination.when.once"),
            &[&date_text(shell, request.first_date), &time],
        )
    }
}

/// When a match's help happens, in words.
pub fn match_when(shell: &Shell, held: &MatchRecord) -> String {
    if held.recurring {
        let mut text = fill(
            &shell.t("coordination.when.every"),
            &[
                &day_name(shell, held.weekday),
                &held.time.to_string(),
                &plain::date(held.first_date),
            ],
        );
        if let Some(last) = held.last_date {
            text.push_str(&shell.t1("coordination.when.until", &plain::date(last)));
        }
        text
    } else {
        fill(
            &shell.t("coordination.when.on"),
            &[&date_text(shell, held.first_date), &held.time.to_string()],
        )
    }
}

/// Taxonomy term names by id.
pub async fn term_names(conn: &mut AnyConnection) -> Result<HashMap<String, String>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, name FROM taxonomy_terms")
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Taxonomy terms as (id, name) by name, for the forms' choices.
pub async fn terms(conn: &mut AnyConnection) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM taxonomy_terms ORDER BY name, id")
        .fetch_all(&mut *conn)
        .await
}

/// A request as a line in a list.
#[derive(Debug, Clone)]
pub struct RequestLine {
    pub id: i64,
    pub person_id: i64,
    pub person: String,
    pub category: String,
    pub description: String,
    pub when: String,
    pub length: String,
    pub area: String,
    pub urgency: String,
    pub urgent: bool,
    pub vulnerable_adult: bool,
    pub status: String,
    pub open: bool,
}

impl RequestLine {
    pub fn new(
        shell: &Shell,
        request: &RequestRecord,
        person: &str,
        terms: &HashMap<String, String>,
    ) -> Self {
        let urgency = super::model::word(request.urgency);
        Self {
            id: request.id,
            person_id: request.person_id,
            person: person.to_owned(),
            category: category(terms, &request.category),
            description: request.description.clone(),
            when: request_when(shell, request),
            length: plain::minutes(i64::from(request.duration_minutes)),
            area: request.area_hint(),
            urgent: urgency != "routine",
            urgency: shell.t(&format!("coordination.urgency.{urgency}")),
            vulnerable_adult: request.vulnerable_adult,
            status: shell.t(&format!("coordination.request_status.{}", request.status)),
            open: request.is_open(),
        }
    }
}

/// A category's name, or its id when the taxonomy no longer has it.
pub fn category<S: std::hash::BuildHasher>(terms: &HashMap<String, String, S>, id: &str) -> String {
    terms.get(id).cloned().unwrap_or_else(|| id.to_owned())
}

/// Contact details, for those allowed to see them.
#[derive(Debug, Clone, Default)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    pub email: String,
}

impl Contact {
    fn of(person: &Person) -> Self {
        Self {
            name: person.display_name.clone(),
            phone: person.phone.clone(),
            email: person.email.clone().unwrap_or_default(),
        }
    }
}

/// A match as either side, or a coordinator, sees it.
#[derive(Debug, Clone)]
pub struct MatchView {
    pub id: i64,
    pub request_id: i64,
    pub status: MatchStatus,
    pub status_label: String,
    pub category: String,
    pub description: String,
    pub when: String,
    pub length: String,
    pub area: String,
    pub recurring: bool,
    pub is_cover: bool,
    pub reasons: String,
    pub decline_reason: String,
    /// Shown only once agreed (or to coordinators).
    pub helper: Option<Contact>,
    pub requester: Option<Contact>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    /// The helper's and the requester's accounts, to decide who may act.
    pub helper_account: Option<i64>,
    pub requester_account: Option<i64>,
    pub days: Vec<DayView>,
}

impl MatchView {
    /// The page's view of match `id` for a reader. `staff` readers see
    /// everything; the two sides see each other's details and the address
    /// only once the match was agreed.
    pub async fn load(
        conn: &mut AnyConnection,
        shell: &Shell,
        id: i64,
        staff: bool,
    ) -> Result<Option<Self>, sqlx::Error> {
        let Some(held) = store::matches::find(conn, id).await? else {
            return Ok(None);
        };
        let Some(request) = store::requests::find(conn, held.request_id).await? else {
            return Ok(None);
        };
        let Some(offer) = store::offers::find(conn, held.offer_id).await? else {
            return Ok(None);
        };
        let (Some(helper), Some(requester)) = (
            store::people::find(conn, offer.person_id).await?,
            store::people::find(conn, request.person_id).await?,
        ) else {
            return Ok(None);
        };
        let terms = term_names(conn).await?;
        let open = staff || held.status.was_agreed();
        let days = store::rounds::for_match(conn, id)
            .await?
            .iter()
            .map(|day| DayView::new(shell, day))
            .collect();
        Ok(Some(Self {
            id,
            request_id: request.id,
            status: held.status,
            status_label: shell.t(held.status.label_key()),
            category: category(&terms, &request.category),
            description: request.description.clone(),
            when: match_when(shell, &held),
            length: plain::minutes(i64::from(request.duration_minutes)),
            area: request.area_hint(),
            recurring: held.recurring,
            is_cover: held.is_cover,
            reasons: coprod_engine::matching::reasons::one_line(&held.reasons),
            decline_reason: held.decline_reason.clone(),
            helper: open.then(|| Contact::of(&helper)),
            requester: open.then(|| Contact::of(&requester)),
            address: open.then(|| request.address.clone()),
            postcode: open.then(|| request.postcode.clone()),
            helper_account: helper.account_id,
            requester_account: requester.account_id,
            days,
        }))
    }

    pub fn is_proposed(&self) -> bool {
        self.status == MatchStatus::Proposed
    }

    pub fn is_accepted(&self) -> bool {
        self.status == MatchStatus::Accepted
    }
}

/// One day of help, as a line in a match or a round.
#[derive(Debug, Clone)]
pub struct DayView {
    pub id: i64,
    pub match_id: i64,
    pub date: Date,
    pub date_text: String,
    pub status: OccurrenceStatus,
    pub status_label: String,
    pub needs_cover: bool,
    pub covered: bool,
    pub note: String,
}

impl DayView {
    pub fn new(shell: &Shell, day: &Occurrence) -> Self {
        Self {
            id: day.id,
            match_id: day.match_id,
            date: day.on_date,
            date_text: date_text(shell, day.on_date),
            status: day.status,
            status_label: shell.t(day.status.label_key()),
            needs_cover: day.needs_cover,
            covered: day.cover_match_id.is_some(),
            note: day.note.clone(),
        }
    }

    pub fn is_planned(&self) -> bool {
        self.status == OccurrenceStatus::Planned
    }

    /// Whether it is the day or later, so the day can be logged as done.
    pub fn has_come(&self, today: impl std::borrow::Borrow<Date>) -> bool {
        self.date <= *today.borrow()
    }
}

/// A day of agreed help in a round: who helps whom, where and when.
#[derive(Debug, Clone)]
pub struct RoundLine {
    pub day: DayView,
    pub time: String,
    pub category: String,
    pub helper: String,
    pub requester: String,
    /// The exact address: round lines are only built for people matched
    /// (the helper) or staff.
    pub address: String,
    pub postcode: String,
    pub away: bool,
    pub is_cover: bool,
}

/// The round lines for `days`: each with its match, request and people.
pub async fn round_lines(
    conn: &mut AnyConnection,
    shell: &Shell,
    days: &[Occurrence],
) -> Result<Vec<RoundLine>, sqlx::Error> {
    let terms = term_names(conn).await?;
    let names = store::people::names(conn).await?;
    let mut lines = Vec::with_capacity(days.len());
    for day in days {
        let Some(held) = store::matches::find(conn, day.match_id).await? else {
            continue;
        };
        let (Some(request), Some(offer)) = (
            store::requests::find(conn, held.request_id).await?,
            store::offers::find(conn, held.offer_id).await?,
        ) else {
            continue;
        };
        let away = offer
            .away
            .iter()
            .any(|(_, dates)| dates.contains(day.on_date));
        lines.push(RoundLine {
            day: DayView::new(shell, day),
            time: held.time.to_string(),
            category: category(&terms, &request.category),
            helper: names.get(&offer.person_id).cloned().unwrap_or_default(),
            requester: names.get(&request.person_id).cloned().unwrap_or_default(),
            address: request.address.clone(),
            postcode: request.postcode.clone(),
            away,
            is_cover: held.is_cover,
        });
    }
    Ok(lines)
}

/// A round's gaps: agreed days from `first` to `last` whose helper is
/// away, or that were called off and need someone to stand in.
pub async fn gaps(
    conn: &mut AnyConnection,
    shell: &Shell,
    reach: &Reach,
    first: Date,
    last: Date,
) -> Result<Vec<RoundLine>, sqlx::Error> {
    let days = store::rounds::agreed_between(conn, reach, first, last, None).await?;
    let mut lines = round_lines(conn, shell, &days).await?;
    let mut open_covers = HashMap::new();
    for line in &lines {
        if let Some(day) = days.iter().find(|d| d.id == line.day.id)
            && let Some(cover) = day.cover_match_id
            && let Some(held) = store::matches::find(conn, cover).await?
        {
            open_covers.insert(day.id, held.status.is_live() || held.status.was_agreed());
        }
    }
    lines.retain(|line| {
        let covered = open_covers.get(&line.day.id).copied().unwrap_or(false);
        !line.is_cover
            && !covered
            && ((line.day.status == OccurrenceStatus::Planned && line.away)
                || (line.day.status == OccurrenceStatus::Cancelled && line.day.needs_cover))
    });
    Ok(lines)
}

/// A time window as "10:00–12:00".
pub fn window_text(window: TimeWindow) -> String {
    window.to_string()
}

/// The area hint of a postcode ("AV1 2").
pub fn area(postcode: &str) -> String {
    area_hint(postcode)
}
