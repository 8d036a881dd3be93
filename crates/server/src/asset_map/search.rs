//! The citizen's search of the asset map: which services match what a
//! person asked for, nearest or best first, read from the search projection
//! (never by scanning documents in Rust), and when each one next opens.

use std::{collections::HashMap, fmt::Write as _};

use coprod_engine::{
    place::Coordinates,
    schedule::{self, Date, LocalTime, Weekday, WeeklyOpening},
};
use serde_json::Value;
use sqlx::Row;

use crate::db::{Db, StoreError, StoreResult, full_text, params::Params};

/// Results on one page.
pub const PAGE_SIZE: i64 = 20;

/// The distances, in kilometres, a person may search within.
pub const RADII_KM: [u32; 5] = [1, 3, 5, 10, 25];

/// The radius offered first: a walk or a short bus ride in a town.
pub const DEFAULT_RADIUS_KM: u32 = 5;

/// Accessibility features a person can ask for. Each is found by the words
/// listings use for it, anywhere in the service's document (in practice its
/// locations' accessibility notes), so no column has to be kept for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// Step-free or wheelchair access.
    StepFree,
    /// A hearing (induction) loop.
    HearingLoop,
    /// An accessible toilet.
    AccessibleToilet,
    /// Accessible (blue badge) parking.
    AccessibleParking,
}

impl Feature {
    /// Every feature, in the order the page offers them.
    pub const ALL: [Feature; 4] = [
        Feature::StepFree,
        Feature::HearingLoop,
        Feature::AccessibleToilet,
        Feature::AccessibleParking,
    ];

    /// The value in the query string (`access=step_free`).
    pub const fn code(self) -> &'static str {
        match self {
            Feature::StepFree => "step_free",
            Feature::HearingLoop => "hearing_loop",
            Feature::AccessibleToilet => "accessible_toilet",
            Feature::AccessibleParking => "accessible_parking",
        }
    }

    /// The feature a query-string value names, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }

    /// The catalogue key of its label.
    pub const fn message_key(self) -> &'static str {
        match self {
            Feature::StepFree => "find_help.feature.step_free",
            Feature::HearingLoop => "find_help.feature.hearing_loop",
            Feature::AccessibleToilet => "find_help.feature.accessible_toilet",
            Feature::AccessibleParking => "find_help.feature.accessible_parking",
        }
    }

    /// Lower-case phrases that mean the feature is there. People write
    /// "wheelchair accessible" as often as "step-free", and "induction loop"
    /// as often as "hearing loop".
    const fn phrases(self) -> &'static [&'static str] {
        match self {
            Feature::StepFree => &[
                "step-free",
                "step free",
                "wheelchair",
                "level access",
                "ramp",
            ],
            Feature::HearingLoop => &["hearing loop", "induction loop", "loop system"],
            Feature::AccessibleToilet => &[
                "accessible toilet",
                "accessible loo",
                "disabled toilet",
                "changing places",
            ],
            Feature::AccessibleParking => &["accessible parking", "blue badge", "disabled parking"],
        }
    }
}

/// A point and how far from it to look.
#[derive(Debug, Clone, Copy)]
pub struct Near {
    pub centre: Coordinates,
    pub radius_metres: f64,
}

/// What a person asked for. Every filter given must hold.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Words to find in the name, categories and description.
    pub words: Option<String>,
    /// A taxonomy term id.
    pub category: Option<String>,
    pub near: Option<Near>,
    /// Open at the moment the search is made.
    pub open_now: bool,
    /// Open at some time on the coming day of this weekday.
    pub open_on: Option<Weekday>,
    /// The person's age: the service's age range must include it.
    pub age: Option<f64>,
    pub features: Vec<Feature>,
    /// Only services whose every stated cost is nothing.
    pub free_only: bool,
}

/// When a service in the results can next be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextOpening {
    /// Open at the moment of the search.
    OpenNow,
    /// Opens `days_ahead` days from today (0 is later today), at
    /// `minute` past midnight.
    Opens {
        days_ahead: u8,
        weekday: Weekday,
        minute: u16,
    },
    /// It publishes no weekly opening times.
    Unknown,
}

/// One service in the results.
#[derive(Debug, Clone)]
pub struct Hit {
    pub id: String,
    pub name: String,
    pub organisation: Option<String>,
    pub description: String,
    /// To its nearest location, when the search had a place.
    pub distance_metres: Option<f64>,
    /// Every stated cost is nothing.
    pub free: bool,
    /// It states at least one cost above nothing.
    pub charges: bool,
    pub temporarily_closed: bool,
    pub next_opening: NextOpening,
}

/// One page of results and how many there are in all.
#[derive(Debug, Clone)]
pub struct Found {
    pub total: i64,
    pub hits: Vec<Hit>,
}

/// A taxonomy term that at least one listed service carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub id: String,
    pub name: String,
}

/// Listed services: those a person could still go to. Inactive and defunct
/// ones stay in the directory (and its API) but are not offered.
const LISTED: &str = "s.status IN ('active', 'temporarily closed')";

/// The taxonomy terms carried by listed services, by name.
pub async fn categories(db: &Db) -> StoreResult<Vec<Category>> {
    let sql = format!(
        "SELECT t.id, t.name FROM taxonomy_terms t WHERE EXISTS (SELECT 1 FROM service_terms st \
         JOIN services s ON s.id = st.service_id WHERE st.term_id = t.id AND {LISTED}) ORDER BY t.name, t.id"
    );
    let rows = sqlx::query(&sql).fetch_all(db.pool()).await?;
    rows.iter()
        .map(|row| {
            Ok(Category {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
            })
        })
        .collect()
}

/// Whether an organisation keeps this listing up to date; false too when
/// there is no such listing.
pub async fn is_kept(db: &Db, id: &str) -> StoreResult<bool> {
    let row = sqlx::query("SELECT managed_by FROM services WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(match row {
        Some(row) => row.try_get::<Option<i64>, _>("managed_by")?.is_some(),
        None => false,
    })
}

/// `YYYY-MM-DD`, the form HSDS dates are stored in, so dates compare as text.
fn iso(date: Date) -> String {
    date.to_string()
}

/// The next date (today included) that falls on `day`.
pub fn coming(day: Weekday, today: Date) -> Date {
    let mut date = today;
    while date.weekday() != day {
        date = date.next_day();
    }
    date
}

/// SQL true when an opening row `o` is in force on the date bound at `date`.
fn in_force(date: &str) -> String {
    format!(
        "(o.valid_from IS NULL OR o.valid_from <= {date}) AND (o.valid_to IS NULL OR o.valid_to >= {date})"
    )
}

/// SQL true when service `s` is open at `at`: a session that began today
/// and has not ended (an overnight one has not ended by midnight), or one
/// that began yesterday, runs past midnight, and has not ended yet.
fn open_now_condition(params: &mut Params, at: LocalTime) -> String {
    let today = params.int(i64::from(at.weekday.index()));
    let yesterday = params.int(i64::from(at.weekday.preceding().index()));
    let minute = params.int(i64::from(at.minute_of_day));
    let today_date = params.text(iso(at.date));
    let yesterday_date = params.text(iso(at.date.previous_day()));
    format!(
        "EXISTS (SELECT 1 FROM service_openings o WHERE o.service_id = s.id AND (\
         (o.weekday = {today} AND o.opens <= {minute} AND (o.closes > {minute} OR o.closes <= o.opens) AND {}) \
         OR (o.weekday = {yesterday} AND o.closes <= o.opens AND o.closes > {minute} AND {})))",
        in_force(&today_date),
        in_force(&yesterday_date),
    )
}

/// SQL true when service `s` has a session starting on the coming `day`.
fn open_on_condition(params: &mut Params, day: Weekday, today: Date) -> String {
    let weekday = params.int(i64::from(day.index()));
    let date = params.text(iso(coming(day, today)));
    format!(
        "EXISTS (SELECT 1 FROM service_openings o WHERE o.service_id = s.id AND o.weekday = {weekday} AND {})",
        in_force(&date)
    )
}

/// The joins, conditions and ordering for `filters`, as SQL over
/// `services s`, with every value in `params`.
struct Plan {
    joins: String,
    conditions: Vec<String>,
    order: Vec<&'static str>,
    words: bool,
    near: bool,
}

fn plan(db: &Db, filters: &Filters, at: LocalTime, params: &mut Params) -> Plan {
    let mut plan = Plan {
        joins: String::new(),
        conditions: vec![LISTED.to_owned()],
        order: Vec::new(),
        words: false,
        near: false,
    };
    if let Some(near) = filters.near {
        // Distances on a plane tangent at the centre: within a fraction of a
        // percent of the great circle at these radii, and plain arithmetic
        // that both backends can order and page by. The box lets the
        // location index narrow the rows first.
        let centre = near.centre;
        let per_degree = centre.distance_metres(Coordinates {
            latitude: centre.latitude + 1.0,
            longitude: centre.longitude,
        });
        let bounds = centre.bounding_box(near.radius_metres);
        let (lat, lon) = (params.real(centre.latitude), params.real(centre.longitude));
        let ky = params.real(per_degree);
        let kx = params.real(per_degree * centre.latitude.to_radians().cos());
        let (a, b, c, d) = (
            params.real(bounds.min_latitude),
            params.real(bounds.max_latitude),
            params.real(bounds.min_longitude),
            params.real(bounds.max_longitude),
        );
        let _ = write!(
            plan.joins,
            " JOIN (SELECT l.service_id, MIN(((l.latitude - {lat}) * {ky}) * ((l.latitude - {lat}) * {ky}) \
             + ((l.longitude - {lon}) * {kx}) * ((l.longitude - {lon}) * {kx})) AS d2 \
             FROM service_locations l WHERE l.latitude BETWEEN {a} AND {b} AND l.longitude BETWEEN {c} AND {d} \
             GROUP BY l.service_id) nearby ON nearby.service_id = s.id"
        );
        let r2 = params.real(near.radius_metres * near.radius_metres);
        plan.conditions.push(format!("nearby.d2 <= {r2}"));
        plan.order.push("nearby.d2");
        plan.near = true;
    }
    if let Some(words) = filters
        .words
        .as_deref()
        .and_then(|typed| full_text::words_query(db.backend(), typed))
    {
        let placeholder = params.text(words);
        let matching = full_text::matching_services(db.backend()).replace("$1", &placeholder);
        let _ = write!(plan.joins, " JOIN ({matching}) m ON m.id = s.id");
        plan.order.push("m.rank DESC");
        plan.words = true;
    }
    plan.order.extend(["s.name", "s.id"]);
    if let Some(category) = &filters.category {
        let p = params.text(category.clone());
        plan.conditions.push(format!(
            "s.id IN (SELECT service_id FROM service_terms WHERE term_id = {p})"
        ));
    }
    if filters.open_now || filters.open_on.is_some() {
        plan.conditions.push("s.status = 'active'".to_owned());
    }
    if filters.open_now {
        let condition = open_now_condition(params, at);
        plan.conditions.push(condition);
    }
    if let Some(day) = filters.open_on {
        let condition = open_on_condition(params, day, at.date);
        plan.conditions.push(condition);
    }
    if let Some(age) = filters.age {
        let p = params.real(age);
        plan.conditions.push(format!(
            "(s.minimum_age IS NULL OR s.minimum_age <= {p}) AND (s.maximum_age IS NULL OR s.maximum_age >= {p})"
        ));
    }
    for feature in &filters.features {
        let any: Vec<String> = feature
            .phrases()
            .iter()
            .map(|phrase| {
                let p = params.text(format!("%{phrase}%"));
                format!("LOWER(s.document) LIKE {p}")
            })
            .collect();
        plan.conditions.push(format!("({})", any.join(" OR ")));
    }
    if filters.free_only {
        plan.conditions.push("s.free = 1".to_owned());
    }
    plan
}

/// The services matching `filters` at local time `at`: nearest first when
/// there is a place, then best word match, then by name.
pub async fn search(
    db: &Db,
    filters: &Filters,
    at: LocalTime,
    limit: i64,
    offset: i64,
) -> StoreResult<Found> {
    let mut params = Params::default();
    let plan = plan(db, filters, at, &mut params);
    let conditions = plan.conditions.join(" AND ");
    let joins = &plan.joins;
    let count_sql = format!("SELECT COUNT(*) FROM services s{joins} WHERE {conditions}");
    let total: i64 = params
        .bind(&count_sql)
        .fetch_one(db.pool())
        .await?
        .try_get(0)?;
    if total == 0 {
        return Ok(Found {
            total,
            hits: Vec::new(),
        });
    }
    let distance = if plan.near { ", nearby.d2" } else { "" };
    let limit = params.int(limit);
    let offset = params.int(offset);
    let sql = format!(
        "SELECT s.id, s.name, s.description, s.status, s.free, s.document, o.name AS organisation{distance} \
         FROM services s{joins} LEFT JOIN directory_organizations o ON o.id = s.organization_id \
         WHERE {conditions} ORDER BY {} LIMIT {limit} OFFSET {offset}",
        plan.order.join(", ")
    );
    let rows = params.bind(&sql).fetch_all(db.pool()).await?;
    let ids: Vec<String> = rows
        .iter()
        .map(|row| row.try_get("id"))
        .collect::<Result<_, _>>()?;
    let openings = openings_of(db, &ids).await?;
    let mut hits = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: String = row.try_get("id")?;
        let status: String = row.try_get("status")?;
        let document: String = row.try_get("document")?;
        let document: Value = serde_json::from_str(&document)
            .map_err(|e| StoreError::invalid("services.document", e))?;
        let d2: Option<f64> = if plan.near { row.try_get("d2")? } else { None };
        let next_opening = next_opening(openings.get(&id).map_or(&[], Vec::as_slice), at);
        hits.push(Hit {
            name: row.try_get("name")?,
            organisation: row.try_get("organisation")?,
            description: row.try_get("description")?,
            distance_metres: d2.map(f64::sqrt),
            free: row.try_get::<i64, _>("free")? == 1,
            charges: charges(&document),
            temporarily_closed: status == "temporarily closed",
            next_opening,
            id,
        });
    }
    Ok(Found { total, hits })
}

/// Whether a document states a cost above nothing.
fn charges(document: &Value) -> bool {
    document
        .get("cost_options")
        .and_then(Value::as_array)
        .is_some_and(|options| {
            options.iter().any(|o| {
                o.get("amount")
                    .and_then(Value::as_f64)
                    .is_some_and(|a| a > 0.0)
            })
        })
}

/// The weekly openings of each of these services.
async fn openings_of(db: &Db, ids: &[String]) -> StoreResult<HashMap<String, Vec<WeeklyOpening>>> {
    let mut by_service: HashMap<String, Vec<WeeklyOpening>> = HashMap::new();
    if ids.is_empty() {
        return Ok(by_service);
    }
    let mut params = Params::default();
    let placeholders: Vec<String> = ids.iter().map(|id| params.text(id.clone())).collect();
    let sql = format!(
        "SELECT service_id, weekday, opens, closes, valid_from, valid_to FROM service_openings \
         WHERE service_id IN ({})",
        placeholders.join(", ")
    );
    for row in params.bind(&sql).fetch_all(db.pool()).await? {
        let weekday: i64 = row.try_get("weekday")?;
        let day = Weekday::from_index(weekday);
        let opens = u16::try_from(row.try_get::<i64, _>("opens")?).ok();
        let closes = u16::try_from(row.try_get::<i64, _>("closes")?).ok();
        let (Some(day), Some(opens), Some(closes)) = (day, opens, closes) else {
            continue;
        };
        let date = |column: &str| -> StoreResult<Option<Date>> {
            Ok(row
                .try_get::<Option<String>, _>(column)?
                .and_then(|text| Date::parse(&text).ok()))
        };
        by_service
            .entry(row.try_get("service_id")?)
            .or_default()
            .push(WeeklyOpening {
                days: vec![day],
                opens,
                closes,
                valid_from: date("valid_from")?,
                valid_to: date("valid_to")?,
            });
    }
    Ok(by_service)
}

/// When a service with these weekly openings can next be used, seen from
/// local time `at`: open now, or the earliest session to start within the
/// coming week.
pub fn next_opening(openings: &[WeeklyOpening], at: LocalTime) -> NextOpening {
    if schedule::is_open(openings, &[], at) {
        return NextOpening::OpenNow;
    }
    let mut date = at.date;
    for days_ahead in 0..=7_u8 {
        let weekday = date.weekday();
        let earliest = openings
            .iter()
            .filter(|rule| {
                rule.days.contains(&weekday)
                    && rule.valid_from.is_none_or(|from| from <= date)
                    && rule.valid_to.is_none_or(|to| date <= to)
                    && (days_ahead > 0 || rule.opens > at.minute_of_day)
            })
            .map(|rule| rule.opens)
            .min();
        if let Some(minute) = earliest {
            return NextOpening::Opens {
                days_ahead,
                weekday,
                minute,
            };
        }
        date = date.next_day();
    }
    NextOpening::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: &str, hours: u16, minutes: u16) -> LocalTime {
        let date = Date::parse(day).unwrap();
        LocalTime {
            date,
            weekday: date.weekday(),
            minute_of_day: hours * 60 + minutes,
            utc_offset_minutes: 0,
        }
    }

    fn rule(day: Weekday, opens: u16, closes: u16) -> WeeklyOpening {
        WeeklyOpening {
            days: vec![day],
            opens,
            closes,
            valid_from: None,
            valid_to: None,
        }
    }

    #[test]
    fn the_next_opening_is_the_earliest_session_still_to_start() {
        // 2026-11-24 is a Tuesday.
        let lunch = [
            rule(Weekday::Tuesday, 12 * 60, 14 * 60),
            rule(Weekday::Thursday, 12 * 60, 14 * 60),
        ];
        assert_eq!(
            next_opening(&lunch, at("2026-11-24", 9, 0)),
            NextOpening::Opens {
                days_ahead: 0,
                weekday: Weekday::Tuesday,
                minute: 720
            }
        );
        assert_eq!(
            next_opening(&lunch, at("2026-11-24", 13, 0)),
            NextOpening::OpenNow
        );
        assert_eq!(
            next_opening(&lunch, at("2026-11-24", 15, 0)),
            NextOpening::Opens {
                days_ahead: 2,
                weekday: Weekday::Thursday,
                minute: 720
            }
        );
        let only_tuesday = &lunch[..1];
        assert_eq!(
            next_opening(only_tuesday, at("2026-11-24", 15, 0)),
            NextOpening::Opens {
                days_ahead: 7,
                weekday: Weekday::Tuesday,
                minute: 720
            },
            "a week ahead, the same day"
        );
        assert_eq!(
            next_opening(&[], at("2026-11-24", 15, 0)),
            NextOpening::Unknown
        );
    }

    #[test]
    fn a_session_past_midnight_is_open_in_the_small_hours_and_ended_rules_are_ignored() {
        let late = [rule(Weekday::Friday, 22 * 60, 2 * 60)];
        // 2026-11-28 is a Saturday.
        assert_eq!(
            next_opening(&late, at("2026-11-28", 1, 30)),
            NextOpening::OpenNow
        );
        let mut ended = rule(Weekday::Wednesday, 600, 660);
        ended.valid_to = Some(Date::parse("2026-11-01").unwrap());
        assert_eq!(
            next_opening(&[ended], at("2026-11-24", 9, 0)),
            NextOpening::Unknown
        );
    }

    #[test]
    fn features_round_trip_through_their_codes() {
        for feature in Feature::ALL {
            assert_eq!(Feature::from_code(feature.code()), Some(feature));
            assert!(feature.phrases().iter().all(|p| *p == p.to_lowercase()));
        }
        assert_eq!(Feature::from_code("stairs"), None);
        let tuesday = Date::parse("2026-11-24").unwrap();
        assert_eq!(coming(Weekday::Tuesday, tuesday), tuesday);
        assert_eq!(coming(Weekday::Monday, tuesday).to_string(), "2026-11-30");
    }
}
