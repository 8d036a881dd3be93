//! The forms for people, offers and requests, checked field by field. A form
//! with any problem stores nothing and comes back with every problem named
//! beside its field.

use coprod_engine::{
    matching::{Gender, Language, TimeWindow},
    people::{EmailAddress, LineOfText},
    place::Postcode,
    schedule::{Date, Weekday},
};
use serde::Deserialize;

use super::{model::Channel, store::people::NewPerson};
use crate::{
    places::store::PostcodeRecord,
    web::{FieldErrors, Shell},
};

/// Longest description accepted: a few paragraphs.
const MAX_DESCRIPTION_CHARS: usize = 2_000;
/// Longest phone number accepted, spaces included.
const MAX_PHONE_CHARS: usize = 40;
/// The furthest anyone can be asked to travel.
const MAX_DISTANCE_KM: f64 = 100.0;

/// The offer form.
mod offer;
/// The request form.
mod request;

pub use offer::OfferForm;
pub use request::RequestForm;

/// Reads a date as typed: `2026-03-10` or `10/03/2026`.
pub fn parse_date(raw: &str) -> Option<Date> {
    let raw = raw.trim();
    if let Ok(date) = Date::parse(raw) {
        return Some(date);
    }
    let mut parts = raw.split('/');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?).ok()
}

/// A phone number: digits, spaces and `+ ( ) -`, or nothing.
pub(crate) fn check_phone(shell: &Shell, raw: &str, errors: &mut FieldErrors) -> String {
    let phone = raw.trim().to_owned();
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +()-".contains(c));
    if phone.chars().count() > MAX_PHONE_CHARS || !allowed {
        errors.add("phone", shell.t("coordination.error.phone"));
    }
    phone
}

/// A gender in the person's own words, or nothing.
pub(crate) fn check_gender(shell: &Shell, raw: &str, errors: &mut FieldErrors) -> Option<String> {
    if raw.trim().is_empty() {
        return None;
    }
    match Gender::parse(raw) {
        Ok(gender) => Some(gender.as_str().to_owned()),
        Err(e) => {
            errors.add("gender", shell.t(e.key));
            None
        }
    }
}

/// Languages separated by commas, or nothing.
pub(super) fn check_languages(shell: &Shell, raw: &str, errors: &mut FieldErrors) -> Vec<Language> {
    let mut languages = Vec::new();
    for piece in raw.split(',').filter(|p| !p.trim().is_empty()) {
        match Language::parse(piece) {
            Ok(language) if !languages.contains(&language) => languages.push(language),
            Ok(_) => {}
            Err(e) => {
                errors.add("languages", shell.t(e.key));
                break;
            }
        }
    }
    languages
}

pub(super) fn check_description(shell: &Shell, raw: &str, errors: &mut FieldErrors) -> String {
    let text = raw.trim().to_owned();
    if text.is_empty() {
        errors.add(
            "description",
            shell.t("coordination.error.description_missing"),
        );
    } else if text.chars().count() > MAX_DESCRIPTION_CHARS {
        errors.add(
            "description",
            shell.t("coordination.error.description_long"),
        );
    }
    text
}

/// A postcode the directory knows.
pub(super) fn check_postcode(
    shell: &Shell,
    raw: &str,
    place: Option<&PostcodeRecord>,
    errors: &mut FieldErrors,
) -> Option<PostcodeRecord> {
    match Postcode::parse(raw) {
        Ok(_) if place.is_some() => place.cloned(),
        Ok(_) => {
            errors.add("postcode", shell.t("error.postcode.unknown"));
            None
        }
        Err(e) => {
            errors.add("postcode", shell.t(e.key));
            None
        }
    }
}

/// A distance in kilometres, as metres.
pub(super) fn check_km(
    shell: &Shell,
    raw: &str,
    field: &'static str,
    required: bool,
    errors: &mut FieldErrors,
) -> Option<u32> {
    let raw = raw.trim();
    if raw.is_empty() {
        if required {
            errors.add(field, shell.t("coordination.error.distance"));
        }
        return None;
    }
    match raw.parse::<f64>() {
        Ok(km) if km > 0.0 && km <= MAX_DISTANCE_KM => {
            // Within 0 and 100 km, so the metres fit easily.
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "checked to lie between 0 and 100 km"
            )]
            let metres = (km * 1_000.0).round() as u32;
            Some(metres)
        }
        _ => {
            errors.add(field, shell.t("coordination.error.distance"));
            None
        }
    }
}

/// An optional date field; a problem is named beside it.
pub(super) fn check_optional_date(
    shell: &Shell,
    raw: &str,
    field: &'static str,
    errors: &mut FieldErrors,
) -> Option<Date> {
    if raw.trim().is_empty() {
        return None;
    }
    let date = parse_date(raw);
    if date.is_none() {
        errors.add(field, shell.t("coordination.error.date"));
    }
    date
}

/// The weekday boxes ticked, in week order.
pub(super) fn ticked_days(boxes: [&str; 7]) -> Vec<Weekday> {
    Weekday::ALL
        .into_iter()
        .zip(boxes)
        .filter(|(_, ticked)| !ticked.is_empty())
        .map(|(day, _)| day)
        .collect()
}

/// From and to clock times.
pub(super) fn check_window(
    shell: &Shell,
    starts: &str,
    ends: &str,
    errors: &mut FieldErrors,
) -> Option<TimeWindow> {
    let window = TimeWindow::parse(starts, ends).ok();
    if window.is_none() {
        errors.add("starts", shell.t("coordination.error.times"));
    }
    window
}

pub(crate) fn check_channel(shell: &Shell, raw: &str, errors: &mut FieldErrors) -> Channel {
    if let Some(channel) = Channel::parse(raw).filter(|c| Channel::ON_BEHALF.contains(c)) {
        channel
    } else {
        errors.add("channel", shell.t("coordination.error.channel"));
        Channel::Phone
    }
}

/// A person's own details given with an offer or a request.
#[derive(Debug, Clone)]
pub struct OwnDetails {
    pub phone: String,
    pub gender: Option<String>,
}

/// A coordinator recording someone who phoned, wrote or dropped in.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct PersonForm {
    pub display_name: String,
    pub phone: String,
    pub email: String,
    pub gender: String,
    pub channel: String,
    pub organisation_pays: String,
}

impl PersonForm {
    pub fn check(&self, shell: &Shell, errors: &mut FieldErrors) -> Option<NewPerson> {
        let name = LineOfText::parse(&self.display_name)
            .map_err(|e| errors.add("display_name", shell.t(e.key)))
            .ok();
        let phone = check_phone(shell, &self.phone, errors);
        let email = if self.email.trim().is_empty() {
            None
        } else {
            EmailAddress::parse(&self.email)
                .map_err(|e| errors.add("email", shell.t(e.key)))
                .ok()
        };
        let gender = check_gender(shell, &self.gender, errors);
        let channel = check_channel(shell, &self.channel, errors);
        if !errors.is_empty() {
            return None;
        }
        Some(NewPerson {
            account_id: None,
            // Set by the page from the coordinator's organisation.
            organisation_id: None,
            display_name: name?.as_str().to_owned(),
            phone,
            email: email.map(|e| e.as_str().to_owned()),
            gender,
            pays_own_time: self.organisation_pays.is_empty(),
            channel,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_people_type_them() {
        let march = Date::parse("2026-03-10").ok();
        assert_eq!(parse_date("2026-03-10"), march);
        assert_eq!(parse_date(" 10/03/2026 "), march);
        assert_eq!(parse_date("10/3/2026"), march);
        assert_eq!(parse_date("31/02/2026"), None);
        assert_eq!(parse_date("next Tuesday"), None);
        assert_eq!(parse_date("1/2/3/4"), None);
    }
}
