//! A service's own page: everything a person needs to decide whether to
//! go and how, read from the listing's HSDS document and put in words.

use askama::Template;
use axum::{
    extract::{Path, RawQuery, State},
    response::Response,
};
use coprod_engine::schedule::{Date, Weekday, WeeklyOpening};
use serde_json::Value;

use super::{clock, day_code, service_href};
use crate::web::i18n::fill;
use crate::{
    app::AppState,
    asset_map::{listings::KEEPERS, search, store},
    error::{AppError, Result},
    web::{Shell, page},
};

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A number as people write it: no ".0" on whole numbers.
fn plain_number(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n}")
    }
}

/// An amount in its currency: pounds as people in the UK write them, any
/// other with its ISO code.
fn money(shell: &Shell, amount: f64, currency: Option<&str>) -> String {
    let figure = if amount.fract() == 0.0 {
        format!("{amount:.0}")
    } else {
        format!("{amount:.2}")
    };
    match currency.map(str::to_ascii_uppercase) {
        Some(code) if code != "GBP" => fill("{} {}", &[&figure, &code]),
        _ => shell.t1("find_help.service.pounds", &figure),
    }
}

/// An HSDS date (or the date part of a date-time) as "15 October 2026".
fn long_date(shell: &Shell, raw: &str) -> Option<String> {
    let date = Date::parse(raw.get(..10)?).ok()?;
    Some(fill(
        &shell.t("find_help.date"),
        &[
            &date.day.to_string(),
            &shell.t(&format!("find_help.month.{}", date.month)),
            &date.year.to_string(),
        ],
    ))
}

/// "Tuesdays and Thursdays", "Monday to Friday", "Every day".
fn days_phrase(shell: &Shell, days: &[Weekday]) -> String {
    use Weekday::{Friday, Monday, Saturday, Sunday, Thursday, Tuesday, Wednesday};
    match days {
        [_, _, _, _, _, _, _] => shell.t("find_help.schedule.every_day"),
        [Monday, Tuesday, Wednesday, Thursday, Friday] => shell.t("find_help.schedule.weekdays"),
        [Saturday, Sunday] => shell.t("find_help.schedule.weekends"),
        _ => {
            let names: Vec<String> = days
                .iter()
                .map(|d| shell.t(&format!("find_help.days.{}", day_code(*d))))
                .collect();
            match names.split_last() {
                Some((last, rest)) if !rest.is_empty() => fill(
                    &shell.t("find_help.schedule.list"),
                    &[&rest.join(", "), last],
                ),
                _ => names.concat(),
            }
        }
    }
}

/// One schedule in words: the weekly rule if it is one, else the
/// description the listing gives; with the dates it holds between.
fn schedule_words(shell: &Shell, schedule: &Value) -> Option<String> {
    let opening = WeeklyOpening::from_hsds(
        text(schedule, "freq"),
        text(schedule, "byday"),
        text(schedule, "opens_at"),
        text(schedule, "closes_at"),
        text(schedule, "valid_from"),
        text(schedule, "valid_to"),
    )
    .ok()
    .flatten();
    let mut words = match opening {
        Some(rule) => {
            let key = if rule.is_overnight() {
                "find_help.schedule.overnight"
            } else {
                "find_help.schedule.hours"
            };
            let closes = if rule.closes >= 1_440 {
                shell.t("find_help.schedule.midnight")
            } else {
                clock(rule.closes)
            };
            fill(
                &shell.t(key),
                &[&days_phrase(shell, &rule.days), &clock(rule.opens), &closes],
            )
        }
        None => text(schedule, "description")?.to_owned(),
    };
    let from = text(schedule, "valid_from").and_then(|d| long_date(shell, d));
    let to = text(schedule, "valid_to").and_then(|d| long_date(shell, d));
    let period = match (from, to) {
        (Some(from), Some(to)) => Some(fill(&shell.t("find_help.schedule.between"), &[&from, &to])),
        (Some(from), None) => Some(shell.t1("find_help.schedule.from", &from)),
        (None, Some(to)) => Some(shell.t1("find_help.schedule.until", &to)),
        (None, None) => None,
    };
    if let Some(period) = period {
        words = fill("{} ({})", &[&words, &period]);
    }
    Some(words)
}

/// A line of the "when" section.
struct WhenLine {
    place: Option<String>,
    words: String,
    notes: Option<String>,
}

/// A place the service is at.
struct PlaceView {
    name: String,
    address: Vec<String>,
    description: Option<String>,
    transport: Option<String>,
    accessibility: Vec<String>,
}

/// A way to get in touch.
struct ContactLine {
    label: String,
    value: String,
    href: Option<String>,
}

/// Everything the service page shows, in the reader's words.
struct ServiceView {
    name: String,
    organisation: Option<String>,
    temporarily_closed: bool,
    alert: Option<String>,
    description: Vec<String>,
    categories: Vec<String>,
    who: Vec<String>,
    cost: Vec<String>,
    how_to: Option<String>,
    when: Vec<WhenLine>,
    places: Vec<PlaceView>,
    languages: Vec<String>,
    contacts: Vec<ContactLine>,
    last_checked: Option<String>,
}

fn ages(shell: &Shell, service: &Value) -> Option<String> {
    let min = service.get("minimum_age").and_then(Value::as_f64);
    let max = service.get("maximum_age").and_then(Value::as_f64);
    match (min, max) {
        (Some(min), Some(max)) => Some(fill(
            &shell.t("find_help.service.ages_between"),
            &[&plain_number(min), &plain_number(max)],
        )),
        (Some(min), None) => Some(shell.t1("find_help.service.ages_from", &plain_number(min))),
        (None, Some(max)) => Some(shell.t1("find_help.service.ages_to", &plain_number(max))),
        (None, None) => None,
    }
}

fn costs(shell: &Shell, service: &Value) -> Vec<String> {
    let mut lines: Vec<String> = list(service, "cost_options")
        .iter()
        .filter_map(|option| {
            let amount = option.get("amount").and_then(Value::as_f64);
            let price = match amount {
                Some(0.0) => shell.t("find_help.tag.free"),
                Some(a) => money(shell, a, text(option, "currency")),
                None => text(option, "amount_description")?.to_owned(),
            };
            let mut line = price;
            if amount.is_some()
                && let Some(per) = text(option, "amount_description")
            {
                line = fill("{} {}", &[&line, per]);
            }
            Some(match text(option, "option") {
                Some(who) => fill(&shell.t("find_help.service.cost_for"), &[who, &line]),
                None => line,
            })
        })
        .collect();
    if let Some(fees) = text(service, "fees_description") {
        lines.push(fees.to_owned());
    }
    lines
}

fn phone_line(shell: &Shell, number: &str, description: Option<&str>) -> ContactLine {
    let digits: String = number
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    ContactLine {
        label: description.map_or_else(
            || shell.t("find_help.service.phone"),
            |d| shell.t1("find_help.service.phone_for", d),
        ),
        value: number.to_owned(),
        href: Some(format!("tel:{digits}")),
    }
}

fn contacts(shell: &Shell, service: &Value) -> Vec<ContactLine> {
    let mut lines: Vec<ContactLine> = list(service, "phones")
        .iter()
        .filter_map(|entry| {
            text(entry, "number").map(|n| phone_line(shell, n, text(entry, "description")))
        })
        .collect();
    if let Some(email) = text(service, "email") {
        lines.push(ContactLine {
            label: shell.t("find_help.service.email"),
            value: email.to_owned(),
            href: Some(format!("mailto:{email}")),
        });
    }
    // Only web addresses become links: a listing is not trusted to supply
    // a `javascript:` one.
    if let Some(url) =
        text(service, "url").filter(|u| u.starts_with("https://") || u.starts_with("http://"))
    {
        lines.push(ContactLine {
            label: shell.t("find_help.service.website"),
            value: url.to_owned(),
            href: Some(url.to_owned()),
        });
    }
    for contact in list(service, "contacts") {
        let who = [text(contact, "name"), text(contact, "title")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        let who = Some(who.as_str()).filter(|w| !w.is_empty());
        if let Some(email) = text(contact, "email") {
            lines.push(ContactLine {
                label: who.map_or_else(|| shell.t("find_help.service.email"), str::to_owned),
                value: email.to_owned(),
                href: Some(format!("mailto:{email}")),
            });
        }
        lines.extend(
            list(contact, "phones")
                .iter()
                .filter_map(|entry| text(entry, "number").map(|n| phone_line(shell, n, who))),
        );
    }
    lines
}

fn place_view(location: &Value) -> PlaceView {
    let address = list(location, "addresses")
        .first()
        .map(|a| {
            ["address_1", "address_2", "city", "postal_code"]
                .iter()
                .filter_map(|key| text(a, key).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    PlaceView {
        name: text(location, "name").unwrap_or_default().to_owned(),
        address,
        description: text(location, "description").map(str::to_owned),
        transport: text(location, "transportation").map(str::to_owned),
        accessibility: list(location, "accessibility")
            .iter()
            .flat_map(|entry| [text(entry, "description"), text(entry, "details")])
            .flatten()
            .map(str::to_owned)
            .collect(),
    }
}

impl ServiceView {
    fn from_document(shell: &Shell, service: &Value) -> Self {
        let mut when: Vec<WhenLine> = list(service, "schedules")
            .iter()
            .filter_map(|s| {
                Some(WhenLine {
                    place: None,
                    words: schedule_words(shell, s)?,
                    notes: text(s, "notes").map(str::to_owned),
                })
            })
            .collect();
        let mut places = Vec::new();
        for at in list(service, "service_at_locations") {
            let place = at.get("location").filter(|l| l.is_object()).map(place_view);
            let place_name = place
                .as_ref()
                .map(|p| p.name.clone())
                .filter(|n| !n.is_empty());
            when.extend(list(at, "schedules").iter().filter_map(|s| {
                Some(WhenLine {
                    place: place_name.clone(),
                    words: schedule_words(shell, s)?,
                    notes: text(s, "notes").map(str::to_owned),
                })
            }));
            places.extend(place);
        }
        let mut who: Vec<String> = ages(shell, service).into_iter().collect();
        who.extend(text(service, "eligibility_description").map(str::to_owned));
        let organisation = service.get("organization").and_then(|o| text(o, "name"));
        Self {
            name: text(service, "name").unwrap_or_default().to_owned(),
            organisation: organisation.map(str::to_owned),
            temporarily_closed: text(service, "status") == Some("temporarily closed"),
            alert: text(service, "alert").map(str::to_owned),
            description: text(service, "description")
                .unwrap_or_default()
                .split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            categories: list(service, "attributes")
                .iter()
                .filter_map(|a| a.get("taxonomy_term").and_then(|t| text(t, "name")))
                .map(str::to_owned)
                .collect(),
            who,
            cost: costs(shell, service),
            how_to: text(service, "application_process").map(str::to_owned),
            when,
            places,
            languages: list(service, "languages")
                .iter()
                .filter_map(|l| text(l, "name").or_else(|| text(l, "code")))
                .map(str::to_owned)
                .collect(),
            contacts: contacts(shell, service),
            last_checked: text(service, "assured_date").and_then(|d| long_date(shell, d)),
        }
    }

    /// Every accessibility note, with its place's name when there are several.
    fn accessibility(&self) -> Vec<String> {
        let several = self.places.len() > 1;
        self.places
            .iter()
            .flat_map(|place| {
                place.accessibility.iter().map(move |note| {
                    if several && !place.name.is_empty() {
                        fill("{}: {}", &[&place.name, note])
                    } else {
                        note.clone()
                    }
                })
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "asset_map/service.html")]
struct ServicePage {
    shell: Shell,
    service: ServiceView,
    report_href: String,
    /// Offered to those who keep listings while nobody keeps this one.
    claim_href: Option<String>,
    /// Back from asking to keep it.
    claimed: bool,
    /// Where a person asks to be referred, when an organisation keeps the
    /// listing and so can receive referrals.
    refer_href: Option<String>,
    /// The local plans' outcomes the service serves.
    plans: Vec<crate::planning::model::Served>,
}

/// `GET /services/{id}`
pub(super) async fn service_page(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    let document = store::service_document(&state.db, &id)
        .await?
        .ok_or(AppError::NotFoundKey("find_help.error.unknown_service"))?;
    let service = ServiceView::from_document(&shell, &document);
    let href = service_href(&id);
    let kept = search::is_kept(&state.db, &id).await?;
    let claim_href =
        (KEEPERS.admits(shell.user.as_ref()) && !kept).then(|| format!("{href}/claim"));
    let refer_href = kept.then(|| {
        let service: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
        format!("/my-referrals/new?service={service}")
    });
    let plans = crate::planning::outcomes_served_by(
        &state.db,
        coprod_engine::planning::LinkKind::Service,
        &id,
    )
    .await?;
    let claimed = url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .any(|(key, value)| key == "claimed" && value == "1");
    page(&ServicePage {
        shell,
        service,
        report_href: format!("{href}/report"),
        claim_href,
        claimed,
        refer_href,
        plans,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(plain_number(60.0), "60");
        assert_eq!(plain_number(2.5), "2.5");
    }
}
