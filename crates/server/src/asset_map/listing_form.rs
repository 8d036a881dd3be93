//! The listing form coordinators fill in, checked field by field, and how
//! it becomes (or updates) an HSDS service document. Fields the form does
//! not cover are left as they were, so editing an imported listing never
//! loses what the import brought.

use coprod_engine::{
    people::{EmailAddress, LineOfText},
    place::Postcode,
    schedule::{Weekday, parse_clock},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    crypto,
    places::store::PostcodeRecord,
    web::{FieldErrors, Shell},
};

/// Longest description accepted: a few paragraphs.
const MAX_DESCRIPTION_CHARS: usize = 2_000;

/// The form's fields, as typed.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct ListingForm {
    pub name: String,
    pub description: String,
    pub organisation_id: String,
    pub term_id: String,
    pub location_name: String,
    pub address: String,
    pub town: String,
    pub postcode: String,
    pub day_mo: String,
    pub day_tu: String,
    pub day_we: String,
    pub day_th: String,
    pub day_fr: String,
    pub day_sa: String,
    pub day_su: String,
    pub opens: String,
    pub closes: String,
    pub minimum_age: String,
    pub maximum_age: String,
    pub free: String,
    pub fees: String,
    pub accessibility: String,
    pub phone: String,
    pub email: String,
    pub website: String,
}

/// The checked values.
#[derive(Debug, Clone)]
pub struct Listing {
    pub name: LineOfText,
    pub description: String,
    pub organisation_id: i64,
    pub term: Option<(String, String)>,
    pub location_name: Option<String>,
    pub address: String,
    pub town: String,
    pub postcode: Postcode,
    pub days: Vec<Weekday>,
    pub hours: Option<(String, String)>,
    pub minimum_age: Option<u32>,
    pub maximum_age: Option<u32>,
    pub free: bool,
    pub fees: String,
    pub accessibility: String,
    pub phone: String,
    pub email: Option<EmailAddress>,
    pub website: String,
}

impl ListingForm {
    /// The days ticked, in week order.
    pub fn days(&self) -> Vec<Weekday> {
        [
            (&self.day_mo, Weekday::Monday),
            (&self.day_tu, Weekday::Tuesday),
            (&self.day_we, Weekday::Wednesday),
            (&self.day_th, Weekday::Thursday),
            (&self.day_fr, Weekday::Friday),
            (&self.day_sa, Weekday::Saturday),
            (&self.day_su, Weekday::Sunday),
        ]
        .into_iter()
        .filter(|(ticked, _)| !ticked.is_empty())
        .map(|(_, day)| day)
        .collect()
    }

    /// Whether a day's box is ticked, for the template.
    pub fn ticked(&self, code: &str) -> bool {
        self.days().iter().any(|d| d.as_rrule() == code)
    }

    /// Checks every field. `organisations` are those the person may list
    /// for; `terms` the categories (id, name); `place` the postcode's entry
    /// in the directory, looked up by the caller.
    pub fn check(
        &self,
        shell: &Shell,
        organisations: &[(i64, String)],
        terms: &[(String, String)],
        place: Option<&PostcodeRecord>,
        errors: &mut FieldErrors,
    ) -> Option<Listing> {
        let name = LineOfText::parse(&self.name)
            .map_err(|e| errors.add("name", shell.t(e.key)))
            .ok();
        let description = self.description.trim().to_owned();
        if description.is_empty() {
            errors.add("description", shell.t("listing.error.description_missing"));
        } else if description.chars().count() > MAX_DESCRIPTION_CHARS {
            errors.add("description", shell.t("listing.error.description_long"));
        }
        let organisation_id = self
            .organisation_id
            .parse::<i64>()
            .ok()
            .filter(|id| organisations.iter().any(|(o, _)| o == id));
        if organisation_id.is_none() {
            errors.add("organisation_id", shell.t("error.organisation.unknown"));
        }
        let term = if self.term_id.is_empty() {
            Some(None)
        } else {
            let found = terms.iter().find(|(id, _)| *id == self.term_id).cloned();
            if found.is_none() {
                errors.add("term_id", shell.t("listing.error.term_unknown"));
            }
            found.map(Some)
        };
        let postcode = match Postcode::parse(&self.postcode) {
            Ok(postcode) if place.is_some() => Some(postcode),
            Ok(_) => {
                errors.add("postcode", shell.t("error.postcode.unknown"));
                None
            }
            Err(e) => {
                errors.add("postcode", shell.t(e.key));
                None
            }
        };
        let days = self.days();
        let hours = self.check_hours(shell, !days.is_empty(), errors);
        let (minimum_age, maximum_age) = self.check_ages(shell, errors);
        let (email, website, phone) = self.check_contact(shell, errors);
        let line = |text: &str, field: &'static str, errors: &mut FieldErrors| -> String {
            let value = text.trim().to_owned();
            if value.chars().count() > 200 || value.chars().any(char::is_control) {
                errors.add(field, shell.t("error.text.too_long"));
            }
            value
        };
        let address = line(&self.address, "address", errors);
        let town = line(&self.town, "town", errors);
        let location_name =
            Some(line(&self.location_name, "location_name", errors)).filter(|n| !n.is_empty());
        if self.accessibility.chars().count() > MAX_DESCRIPTION_CHARS
            || self.fees.chars().count() > MAX_DESCRIPTION_CHARS
        {
            errors.add("accessibility", shell.t("listing.error.description_long"));
        }
        if !errors.is_empty() {
            return None;
        }
        Some(Listing {
            name: name?,
            description,
            organisation_id: organisation_id?,
            term: term?,
            location_name,
            address,
            town,
            postcode: postcode?,
            days,
            hours,
            minimum_age,
            maximum_age,
            free: !self.free.is_empty(),
            fees: self.fees.trim().to_owned(),
            accessibility: self.accessibility.trim().to_owned(),
            phone,
            email,
            website,
        })
    }

    /// Opening and closing times, when given, with at least one day.
    /// Problems go into `errors`; the value then does not matter.
    fn check_hours(
        &self,
        shell: &Shell,
        has_days: bool,
        errors: &mut FieldErrors,
    ) -> Option<(String, String)> {
        let (opens, closes) = (self.opens.trim(), self.closes.trim());
        if opens.is_empty() && closes.is_empty() {
            return None;
        }
        match (parse_clock(opens), parse_clock(closes)) {
            (Ok(_), Ok(_)) if has_days => return Some((opens.to_owned(), closes.to_owned())),
            (Ok(_), Ok(_)) => errors.add("day_mo", shell.t("listing.error.days_missing")),
            (Err(_), _) => errors.add("opens", shell.t("error.schedule.time")),
            (_, Err(_)) => errors.add("closes", shell.t("error.schedule.time")),
        }
        None
    }

    /// The youngest and oldest ages, each optional, in order.
    fn check_ages(&self, shell: &Shell, errors: &mut FieldErrors) -> (Option<u32>, Option<u32>) {
        let mut age = |raw: &str, field: &'static str| -> Option<u32> {
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            match raw.parse::<u32>() {
                Ok(years) if years <= 120 => Some(years),
                _ => {
                    errors.add(field, shell.t("listing.error.age"));
                    None
                }
            }
        };
        let minimum = age(&self.minimum_age, "minimum_age");
        let maximum = age(&self.maximum_age, "maximum_age");
        if let (Some(min), Some(max)) = (minimum, maximum)
            && min > max
        {
            errors.add("minimum_age", shell.t("listing.error.age_order"));
        }
        (minimum, maximum)
    }

    /// The contact fields: email, website and phone.
    fn check_contact(
        &self,
        shell: &Shell,
        errors: &mut FieldErrors,
    ) -> (Option<EmailAddress>, String, String) {
        let email = if self.email.trim().is_empty() {
            None
        } else {
            EmailAddress::parse(&self.email)
                .map_err(|e| errors.add("email", shell.t(e.key)))
                .ok()
        };
        let website = self.website.trim().to_owned();
        if !website.is_empty()
            && !website.starts_with("https://")
            && !website.starts_with("http://")
        {
            errors.add("website", shell.t("listing.error.website"));
        }
        let phone = self.phone.trim().to_owned();
        if phone.chars().count() > 40
            || phone
                .chars()
                .any(|c| !(c.is_ascii_digit() || " +()-".contains(c)))
        {
            errors.add("phone", shell.t("listing.error.phone"));
        }
        (email, website, phone)
    }

    /// The form filled in from a stored document, for editing.
    pub fn from_document(document: &Value, organisation_id: Option<i64>) -> Self {
        let text = |v: &Value, key: &str| {
            v.get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let number = |v: &Value, key: &str| {
            v.get(key)
                .and_then(Value::as_f64)
                .map(|n| format!("{n:.0}"))
                .unwrap_or_default()
        };
        let location = document
            .pointer("/service_at_locations/0/location")
            .cloned()
            .unwrap_or(Value::Null);
        let address = location
            .pointer("/addresses/0")
            .cloned()
            .unwrap_or(Value::Null);
        let schedule = document
            .pointer("/schedules/0")
            .cloned()
            .unwrap_or(Value::Null);
        let byday = text(&schedule, "byday");
        let day = |code: &str| {
            if byday.split(',').any(|d| d.trim() == code) {
                "on".to_owned()
            } else {
                String::new()
            }
        };
        let free = document
            .get("cost_options")
            .and_then(Value::as_array)
            .is_some_and(|o| {
                !o.is_empty()
                    && o.iter()
                        .all(|c| c.get("amount").and_then(Value::as_f64) == Some(0.0))
            });
        Self {
            name: text(document, "name"),
            description: text(document, "description"),
            organisation_id: organisation_id.map(|id| id.to_string()).unwrap_or_default(),
            term_id: document
                .pointer("/attributes/0/taxonomy_term/id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            location_name: text(&location, "name"),
            address: text(&address, "address_1"),
            town: text(&address, "city"),
            postcode: text(&address, "postal_code"),
            day_mo: day("MO"),
            day_tu: day("TU"),
            day_we: day("WE"),
            day_th: day("TH"),
            day_fr: day("FR"),
            day_sa: day("SA"),
            day_su: day("SU"),
            opens: text(&schedule, "opens_at").chars().take(5).collect(),
            closes: text(&schedule, "closes_at").chars().take(5).collect(),
            minimum_age: number(document, "minimum_age"),
            maximum_age: number(document, "maximum_age"),
            free: if free { "yes".into() } else { String::new() },
            fees: text(document, "fees_description"),
            accessibility: location
                .pointer("/accessibility/0/description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            phone: document
                .pointer("/phones/0/number")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            email: text(document, "email"),
            website: text(document, "url"),
        }
    }
}

fn id_of(value: Option<&Value>) -> String {
    value
        .and_then(|v| v.get("id"))
        .and_then(Value::as_str)
        .map_or_else(crypto::uuid_v4, str::to_owned)
}

impl Listing {
    /// The HSDS document for this listing: `existing` updated in the fields
    /// the form covers, or a new document.
    pub fn to_document(
        &self,
        existing: Option<&Value>,
        organization: &Value,
        place: &PostcodeRecord,
        now_rfc3339: &str,
        today: &str,
    ) -> Value {
        let mut document = existing
            .cloned()
            .unwrap_or_else(|| json!({ "id": crypto::uuid_v4() }));
        let old_location = existing.and_then(|d| d.pointer("/service_at_locations/0"));
        let old_schedule = existing.and_then(|d| d.pointer("/schedules/0"));
        let location = json!({
            "id": id_of(old_location.and_then(|l| l.get("location"))),
            "location_type": "physical",
            "name": self.location_name.clone().unwrap_or_else(|| self.name.to_string()),
            "latitude": place.latitude,
            "longitude": place.longitude,
            "addresses": [{
                "id": id_of(old_location.and_then(|l| l.pointer("/location/addresses/0"))),
                "address_1": self.address,
                "city": self.town,
                "state_province": "Scotland",
                "postal_code": self.postcode.as_str(),
                "country": "GB",
                "address_type": "physical",
            }],
            "accessibility": if self.accessibility.is_empty() { json!([]) } else {
                json!([{ "id": id_of(old_location.and_then(|l| l.pointer("/location/accessibility/0"))), "description": self.accessibility }])
            },
        });
        let Some(object) = document.as_object_mut() else {
            return document;
        };
        object.insert("name".into(), json!(self.name.as_str()));
        object.insert("description".into(), json!(self.description));
        object.insert("status".into(), json!("active"));
        object.insert("organization".into(), organization.clone());
        object.remove("organization_id");
        object.insert(
            "attributes".into(),
            match &self.term {
                Some((id, name)) => json!([{
                    "id": id_of(existing.and_then(|d| d.pointer("/attributes/0"))),
                    "taxonomy_term_id": id,
                    "taxonomy_term": { "id": id, "name": name, "description": name },
                }]),
                None => json!([]),
            },
        );
        // The first place is the form's; any others an import brought stay.
        let mut places: Vec<Value> = existing
            .and_then(|d| d.get("service_at_locations"))
            .and_then(Value::as_array)
            .map(|all| all.iter().skip(1).cloned().collect())
            .unwrap_or_default();
        places.insert(
            0,
            json!({ "id": id_of(old_location), "location": location }),
        );
        object.insert("service_at_locations".into(), Value::Array(places));
        let schedules = match &self.hours {
            Some((opens, closes)) => json!([{
                "id": id_of(old_schedule),
                "freq": "WEEKLY",
                "byday": self.days.iter().map(|d| d.as_rrule()).collect::<Vec<_>>().join(","),
                "opens_at": opens,
                "closes_at": closes,
            }]),
            None => json!([]),
        };
        object.insert("schedules".into(), schedules);
        for (key, value) in [
            ("minimum_age", self.minimum_age),
            ("maximum_age", self.maximum_age),
        ] {
            match value {
                Some(years) => object.insert(key.into(), json!(years)),
                None => object.remove(key),
            };
        }
        if self.free {
            object.insert("cost_options".into(), json!([{ "id": id_of(existing.and_then(|d| d.pointer("/cost_options/0"))), "amount": 0, "currency": "GBP", "option": "Free" }]));
        } else {
            object.remove("cost_options");
        }
        let optional = |object: &mut serde_json::Map<String, Value>, key: &str, value: &str| {
            if value.is_empty() {
                object.remove(key);
            } else {
                object.insert(key.into(), json!(value));
            }
        };
        optional(object, "fees_description", &self.fees);
        optional(
            object,
            "email",
            self.email.as_ref().map_or("", EmailAddress::as_str),
        );
        optional(object, "url", &self.website);
        if self.phone.is_empty() {
            object.remove("phones");
        } else {
            object.insert("phones".into(), json!([{ "id": id_of(existing.and_then(|d| d.pointer("/phones/0"))), "number": self.phone }]));
        }
        object.insert("last_modified".into(), json!(now_rfc3339));
        object.insert("assured_date".into(), json!(today));
        document
    }
}
