use std::collections::BTreeMap;

use coprod_engine::{
    matching::{CapacityUnit, Commitment, OfferKind, WheelchairAccess},
    schedule::{DateRange, Weekday},
};
use serde::Deserialize;

use super::{
    OwnDetails, check_channel, check_description, check_gender, check_km, check_languages,
    check_optional_date, check_phone, check_postcode, check_window, ticked_days,
};
use crate::coordination::store::offers::NewOffer;
use crate::{
    coordination::model::{Channel, from_word},
    places::store::PostcodeRecord,
    web::{FieldErrors, Shell},
};

/// The offer form, as typed.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct OfferForm {
    pub kind: String,
    pub description: String,
    pub day_mo: String,
    pub day_tu: String,
    pub day_we: String,
    pub day_th: String,
    pub day_fr: String,
    pub day_sa: String,
    pub day_su: String,
    pub starts: String,
    pub ends: String,
    pub postcode: String,
    pub max_distance_km: String,
    pub capacity_unit: String,
    pub capacity_limit: String,
    pub commitment: String,
    pub same_gender_only: String,
    pub languages: String,
    pub wheelchair: String,
    pub stands_from: String,
    pub stands_until: String,
    pub phone: String,
    pub gender: String,
    pub channel: String,
    /// The category boxes, named `term_<id>`.
    #[serde(flatten)]
    pub rest: BTreeMap<String, String>,
}

impl OfferForm {
    /// A fresh form with sensible choices made.
    pub fn blank() -> Self {
        Self {
            kind: "time".into(),
            max_distance_km: "5".into(),
            capacity_unit: "people".into(),
            capacity_limit: "2".into(),
            commitment: "either".into(),
            wheelchair: "not_applicable".into(),
            channel: "phone".into(),
            starts: "10:00".into(),
            ends: "12:00".into(),
            ..Self::default()
        }
    }

    pub fn days(&self) -> Vec<Weekday> {
        ticked_days([
            &self.day_mo,
            &self.day_tu,
            &self.day_we,
            &self.day_th,
            &self.day_fr,
            &self.day_sa,
            &self.day_su,
        ])
    }

    /// Whether a day's box is ticked ("mo"…"su").
    pub fn ticked(&self, code: &str) -> bool {
        self.days()
            .iter()
            .any(|d| d.as_rrule().eq_ignore_ascii_case(code))
    }

    /// Whether a category's box is ticked.
    pub fn has_term(&self, id: &str) -> bool {
        self.rest
            .get(&format!("term_{id}"))
            .is_some_and(|v| !v.is_empty())
    }

    /// Checks every field. `terms` are the categories (id, name); `place`
    /// the postcode's entry in the directory; `own` whether the person is
    /// offering for themselves (and so gives their phone and gender here).
    pub fn check(
        &self,
        shell: &Shell,
        terms: &[(String, String)],
        place: Option<&PostcodeRecord>,
        own: bool,
        errors: &mut FieldErrors,
    ) -> Option<(NewOffer, OwnDetails)> {
        let kind: Option<OfferKind> = from_word(&self.kind);
        if kind.is_none() {
            errors.add("kind", shell.t("coordination.error.choose"));
        }
        let description = check_description(shell, &self.description, errors);
        let categories: Vec<String> = terms
            .iter()
            .filter(|(id, _)| self.has_term(id))
            .map(|(id, _)| id.clone())
            .collect();
        if categories.is_empty() {
            errors.add("categories", shell.t("coordination.error.categories"));
        }
        let days = self.days();
        if days.is_empty() {
            errors.add("day_mo", shell.t("coordination.error.days"));
        }
        let window = check_window(shell, &self.starts, &self.ends, errors);
        let place = check_postcode(shell, &self.postcode, place, errors);
        let distance = check_km(
            shell,
            &self.max_distance_km,
            "max_distance_km",
            true,
            errors,
        );
        let unit: Option<CapacityUnit> = match self.capacity_unit.as_str() {
            "people" => Some(CapacityUnit::People),
            "hours" => Some(CapacityUnit::MinutesPerWeek),
            _ => None,
        };
        if unit.is_none() {
            errors.add("capacity_unit", shell.t("coordination.error.choose"));
        }
        let limit = match (unit, self.capacity_limit.trim().parse::<u32>()) {
            (Some(CapacityUnit::People), Ok(n)) if (1..=50).contains(&n) => Some(n),
            (Some(CapacityUnit::MinutesPerWeek), Ok(n)) if (1..=60).contains(&n) => Some(n * 60),
            _ => {
                errors.add("capacity_limit", shell.t("coordination.error.capacity"));
                None
            }
        };
        let commitment: Option<Commitment> = from_word(&self.commitment);
        if commitment.is_none() {
            errors.add("commitment", shell.t("coordination.error.choose"));
        }
        let languages = check_languages(shell, &self.languages, errors);
        let wheelchair: Option<WheelchairAccess> = from_word(&self.wheelchair);
        if wheelchair.is_none() {
            errors.add("wheelchair", shell.t("coordination.error.choose"));
        }
        let stands_from = check_optional_date(shell, &self.stands_from, "stands_from", errors);
        let stands_until = check_optional_date(shell, &self.stands_until, "stands_until", errors);
        let stands = match (stands_from, stands_until) {
            (None, None) => None,
            (Some(first), Some(last)) if first <= last => Some(DateRange { first, last }),
            _ => {
                errors.add("stands_from", shell.t("coordination.error.stands"));
                None
            }
        };
        let (phone, gender, channel) = if own {
            (
                check_phone(shell, &self.phone, errors),
                check_gender(shell, &self.gender, errors),
                Channel::Online,
            )
        } else {
            (
                String::new(),
                None,
                check_channel(shell, &self.channel, errors),
            )
        };
        if !errors.is_empty() {
            return None;
        }
        let window = window?;
        let place = place?;
        Some((
            NewOffer {
                kind: kind?,
                description,
                postcode: place.postcode.as_str().to_owned(),
                location: place.coordinates(),
                max_distance_metres: distance?,
                capacity_unit: unit?,
                capacity_limit: limit?,
                commitment: commitment?,
                same_gender_only: !self.same_gender_only.is_empty(),
                languages,
                wheelchair: wheelchair?,
                stands,
                categories,
                slots: days.into_iter().map(|day| (day, window)).collect(),
                channel,
            },
            OwnDetails { phone, gender },
        ))
    }
}
