use coprod_engine::{
    matching::{Urgency, WeeklyWindow},
    schedule::{Date, Weekday},
};
use serde::Deserialize;

use super::{
    OwnDetails, check_channel, check_description, check_gender, check_km, check_languages,
    check_optional_date, check_phone, check_postcode, check_window, parse_date, ticked_days,
};
use crate::coordination::store::requests::NewRequest;
use crate::{
    coordination::model::{Channel, from_word},
    places::store::PostcodeRecord,
    web::{FieldErrors, Shell},
};

/// The request form, as typed.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct RequestForm {
    pub category: String,
    pub description: String,
    pub how_often: String,
    pub date: String,
    pub last_date: String,
    pub day_mo: String,
    pub day_tu: String,
    pub day_we: String,
    pub day_th: String,
    pub day_fr: String,
    pub day_sa: String,
    pub day_su: String,
    pub starts: String,
    pub ends: String,
    pub duration: String,
    pub postcode: String,
    pub address: String,
    pub max_distance_km: String,
    pub urgency: String,
    pub languages: String,
    pub same_gender_helper: String,
    pub wheelchair_access: String,
    pub vulnerable_adult: String,
    pub phone: String,
    pub gender: String,
    pub channel: String,
}

impl RequestForm {
    pub fn blank() -> Self {
        Self {
            how_often: "once".into(),
            urgency: "routine".into(),
            duration: "60".into(),
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

    pub fn ticked(&self, code: &str) -> bool {
        self.days()
            .iter()
            .any(|d| d.as_rrule().eq_ignore_ascii_case(code))
    }

    /// How often, from when, until when and on which days.
    fn check_when(
        &self,
        shell: &Shell,
        today: Date,
        errors: &mut FieldErrors,
    ) -> (Option<bool>, Option<Date>, Option<Date>, Vec<Weekday>) {
        let recurring = match self.how_often.as_str() {
            "once" => Some(false),
            "weekly" => Some(true),
            _ => {
                errors.add("how_often", shell.t("coordination.error.choose"));
                None
            }
        };
        let date = parse_date(&self.date);
        match (date, recurring) {
            (None, _) => errors.add("date", shell.t("coordination.error.date")),
            (Some(date), Some(false)) if date < today => {
                errors.add("date", shell.t("coordination.error.date_past"));
            }
            _ => {}
        }
        let last_date = if recurring == Some(true) {
            let last = check_optional_date(shell, &self.last_date, "last_date", errors);
            if let (Some(first), Some(last)) = (date, last)
                && last < first.max(today)
            {
                errors.add("last_date", shell.t("coordination.error.last_date"));
            }
            last
        } else {
            None
        };
        let days = match (recurring, date) {
            (Some(true), _) => {
                let days = self.days();
                if days.is_empty() {
                    errors.add("day_mo", shell.t("coordination.error.days"));
                }
                days
            }
            (_, Some(date)) => vec![date.weekday()],
            _ => Vec::new(),
        };
        (recurring, date, last_date, days)
    }

    /// Checks every field; see [`OfferForm::check`].
    pub fn check(
        &self,
        shell: &Shell,
        terms: &[(String, String)],
        place: Option<&PostcodeRecord>,
        today: Date,
        own: bool,
        errors: &mut FieldErrors,
    ) -> Option<(NewRequest, OwnDetails)> {
        let category = terms.iter().find(|(id, _)| *id == self.category).cloned();
        if category.is_none() {
            errors.add("category", shell.t("coordination.error.category"));
        }
        let description = check_description(shell, &self.description, errors);
        let (recurring, date, last_date, days) = self.check_when(shell, today, errors);
        let window = check_window(shell, &self.starts, &self.ends, errors);
        let duration = self.duration.trim().parse::<u16>().ok();
        match (duration, window) {
            (Some(minutes), Some(window)) if (10..=720).contains(&minutes) => {
                if minutes > window.minutes() {
                    errors.add("duration", shell.t("coordination.error.duration_window"));
                }
            }
            (Some(minutes), None) if (10..=720).contains(&minutes) => {}
            _ => errors.add("duration", shell.t("coordination.error.duration")),
        }
        let place = check_postcode(shell, &self.postcode, place, errors);
        let address = self.address.trim().to_owned();
        if address.is_empty() {
            errors.add("address", shell.t("coordination.error.address"));
        } else if address.chars().count() > 200 || address.chars().any(char::is_control) {
            errors.add("address", shell.t("error.text.too_long"));
        }
        let distance = check_km(
            shell,
            &self.max_distance_km,
            "max_distance_km",
            false,
            errors,
        );
        let urgency: Option<Urgency> = from_word(&self.urgency);
        if urgency.is_none() {
            errors.add("urgency", shell.t("coordination.error.choose"));
        }
        let languages = check_languages(shell, &self.languages, errors);
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
        let first_date = date?;
        Some((
            NewRequest {
                category: category?.0,
                description,
                recurring: recurring?,
                first_date,
                last_date,
                duration_minutes: duration?,
                postcode: place.postcode.as_str().to_owned(),
                location: place.coordinates(),
                address,
                max_distance_metres: distance,
                urgency: urgency?,
                languages,
                same_gender_helper: !self.same_gender_helper.is_empty(),
                wheelchair_access: !self.wheelchair_access.is_empty(),
                vulnerable_adult: !self.vulnerable_adult.is_empty(),
                windows: days
                    .into_iter()
                    .map(|day| WeeklyWindow { day, time: window })
                    .collect(),
                channel,
            },
            OwnDetails { phone, gender },
        ))
    }
}
