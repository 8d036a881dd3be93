//! The initiative form as typed, and its checks. Checkboxes are named
//! after what they tick (`co_co_design`, `partner_carers`,
//! `tp_feeling_safe`), so the form is read as a map of fields.

use std::collections::BTreeMap;

use coprod_engine::{explorer::Stage, people::LineOfText, self_assessment::Co};

use super::{
    model::{AimedOutcome, Partner, TalkingPoint},
    store::initiatives::{Initiative, InitiativeInput},
};
use crate::web::{FieldErrors, Shell};

/// The longest description accepted.
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;
/// At most this many outcomes in the organisation's own words.
pub const MAX_OWN_OUTCOMES: usize = 20;

/// What can be linked as evidence, offered as choices.
pub struct LinkChoices {
    pub listings: Vec<(String, String)>,
    pub processes: Vec<(i64, String)>,
    pub surveys: Vec<(i64, String)>,
    pub localities: Vec<(i64, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct InitiativeForm {
    fields: BTreeMap<String, String>,
}

impl InitiativeForm {
    pub fn new(fields: BTreeMap<String, String>) -> Self {
        Self { fields }
    }

    pub fn from_initiative(initiative: &Initiative) -> Self {
        let mut fields = BTreeMap::new();
        let mut set = |k: String, v: String| {
            fields.insert(k, v);
        };
        set("name".into(), initiative.name.clone());
        set("description".into(), initiative.description.clone());
        set("service".into(), initiative.service.clone());
        set("stage".into(), initiative.stage.key().into());
        set(
            "locality_id".into(),
            initiative
                .locality_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
        );
        for co in &initiative.cos {
            set(format!("co_{}", co.key()), "on".into());
        }
        for partner in &initiative.partners {
            set(format!("partner_{}", partner.key()), "on".into());
        }
        let mut own = Vec::new();
        for outcome in &initiative.outcomes {
            match outcome {
                AimedOutcome::TalkingPoint(point) => {
                    set(format!("tp_{}", point.key()), "on".into());
                }
                AimedOutcome::OwnWords(words) => own.push(words.clone()),
            }
        }
        set("own_outcomes".into(), own.join("\n"));
        set(
            "asset_service_id".into(),
            initiative.asset_service_id.clone().unwrap_or_default(),
        );
        set(
            "budgeting_process_id".into(),
            initiative
                .budgeting_process_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
        );
        set(
            "survey_id".into(),
            initiative
                .survey_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
        );
        Self { fields }
    }

    pub fn value(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    pub fn checked(&self, name: &str) -> bool {
        !self.value(name).is_empty()
    }

    /// Checks every field, naming each problem, and gives what to store
    /// only when there are none.
    pub fn parse(
        &self,
        shell: &Shell,
        choices: &LinkChoices,
        errors: &mut FieldErrors,
    ) -> Option<InitiativeInput> {
        let name = LineOfText::parse(self.value("name"))
            .map_err(|e| errors.add("name", shell.t(e.key)))
            .ok();
        let service = LineOfText::parse(self.value("service"))
            .map_err(|e| errors.add("service", shell.t(e.key)))
            .ok();
        let description = self.value("description").trim().to_owned();
        if description.chars().count() > MAX_DESCRIPTION_CHARS {
            errors.add("description", shell.t("star.error.description_too_long"));
        }
        let stage = Stage::parse(self.value("stage"))
            .map_err(|_| errors.add("stage", shell.t("star.error.stage")))
            .ok();
        let cos: Vec<Co> = Co::ALL
            .into_iter()
            .filter(|co| self.checked(&format!("co_{}", co.key())))
            .collect();
        if cos.is_empty() {
            errors.add("co_co_commissioning", shell.t("star.error.no_co"));
        }
        let partners: Vec<Partner> = Partner::ALL
            .iter()
            .copied()
            .filter(|p| self.checked(&format!("partner_{}", p.key())))
            .collect();
        let mut outcomes: Vec<AimedOutcome> = TalkingPoint::ALL
            .iter()
            .copied()
            .filter(|p| self.checked(&format!("tp_{}", p.key())))
            .map(AimedOutcome::TalkingPoint)
            .collect();
        let own: Vec<&str> = self
            .value("own_outcomes")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if own.len() > MAX_OWN_OUTCOMES {
            errors.add("own_outcomes", shell.t("star.error.too_many_outcomes"));
        } else {
            for line in own {
                if let Ok(line) = LineOfText::parse(line) {
                    outcomes.push(AimedOutcome::OwnWords(line.as_str().to_owned()));
                } else {
                    errors.add("own_outcomes", shell.t("star.error.outcome_line"));
                    break;
                }
            }
        }
        let locality_id = self.chosen_id(
            "locality_id",
            choices.localities.iter().map(|(id, _)| *id),
            shell,
            errors,
        );
        let process_id = self.chosen_id(
            "budgeting_process_id",
            choices.processes.iter().map(|(id, _)| *id),
            shell,
            errors,
        );
        let survey_id = self.chosen_id(
            "survey_id",
            choices.surveys.iter().map(|(id, _)| *id),
            shell,
            errors,
        );
        let listing = self.value("asset_service_id").trim();
        let asset_service_id = if listing.is_empty() {
            Some(None)
        } else if choices.listings.iter().any(|(id, _)| id == listing) {
            Some(Some(listing.to_owned()))
        } else {
            errors.add("asset_service_id", shell.t("star.error.unknown_choice"));
            None
        };
        if !errors.is_empty() {
            return None;
        }
        Some(InitiativeInput {
            name: name?.as_str().to_owned(),
            description,
            service: service?.as_str().to_owned(),
            locality_id: locality_id?,
            stage,
            cos,
            partners,
            outcomes,
            asset_service_id: asset_service_id?,
            budgeting_process_id: process_id?,
            survey_id: survey_id?,
        })
    }

    /// An optional choice from a list: `Some(None)` when left empty,
    /// `None` (with an error) when it names something not offered.
    #[expect(
        clippy::option_option,
        reason = "three outcomes: left empty, chosen, or refused with an error"
    )]
    fn chosen_id(
        &self,
        field: &'static str,
        offered: impl IntoIterator<Item = i64>,
        shell: &Shell,
        errors: &mut FieldErrors,
    ) -> Option<Option<i64>> {
        let raw = self.value(field).trim();
        if raw.is_empty() {
            return Some(None);
        }
        match raw.parse::<i64>() {
            Ok(id) if offered.into_iter().any(|o| o == id) => Some(Some(id)),
            _ => {
                errors.add(field, shell.t("star.error.unknown_choice"));
                None
            }
        }
    }
}
