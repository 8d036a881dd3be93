//! The record's forms, checked field by field. A form with any problem
//! stores nothing and comes back with every problem named beside its
//! field.

use coprod_engine::{
    people::{EmailAddress, LineOfText},
    place::Postcode,
    schedule::Date,
};
use serde::Deserialize;

use super::model::{ActionBy, ContactBy, Details, GoalStatus, Layer, NewTie};
use crate::{
    coordination::{
        forms::{check_channel, check_phone, parse_date},
        model::{Channel, today},
        store::people::NewPerson,
    },
    privacy::consent::LawfulBasis,
    star::model::TalkingPoint,
    web::{FieldErrors, Shell},
};

/// Longest "what matters to me".
pub const MAX_WHAT_MATTERS_CHARS: usize = 4_000;
/// Longest paragraph elsewhere (communication needs, a note, an address).
pub const MAX_TEXT_CHARS: usize = 2_000;

/// A line that may be left empty.
fn optional_line(
    shell: &Shell,
    raw: &str,
    field: &'static str,
    errors: &mut FieldErrors,
) -> String {
    if raw.trim().is_empty() {
        return String::new();
    }
    match LineOfText::parse(raw) {
        Ok(line) => line.as_str().to_owned(),
        Err(e) => {
            errors.add(field, shell.t(e.key));
            String::new()
        }
    }
}

/// Paragraphs (line breaks allowed), at most `max` characters; required
/// or not.
fn text(
    shell: &Shell,
    raw: &str,
    field: &'static str,
    max: usize,
    required: bool,
    errors: &mut FieldErrors,
) -> String {
    let value = raw.trim().replace("\r\n", "\n");
    if value.is_empty() {
        if required {
            errors.add(field, shell.t("error.text.missing"));
        }
    } else if value.chars().count() > max {
        errors.add(field, shell.t1("record.error.long", &max.to_string()));
    } else if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        errors.add(field, shell.t("error.text.control"));
    }
    value
}

/// An optional date; `past` refuses dates after today.
fn optional_date(
    shell: &Shell,
    raw: &str,
    field: &'static str,
    past: bool,
    errors: &mut FieldErrors,
) -> Option<Date> {
    if raw.trim().is_empty() {
        return None;
    }
    match parse_date(raw) {
        Some(date) if past && date > today() => {
            errors.add(field, shell.t("record.error.future"));
            None
        }
        Some(date) => Some(date),
        None => {
            errors.add(field, shell.t("record.error.date"));
            None
        }
    }
}

/// The record form: who the person is, how to reach them, what matters to
/// them; on a new record also how it reached us, which organisation holds
/// it, and the consent or other lawful basis it is kept on.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct RecordForm {
    pub display_name: String,
    pub preferred_name: String,
    pub date_of_birth: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub postcode: String,
    pub contact_by: String,
    pub languages: String,
    pub communication_needs: String,
    pub speaks_for_them: String,
    pub what_matters: String,
    // Only on a new record.
    pub channel: String,
    pub organisation_id: String,
    pub lawful_basis: String,
    pub purpose: String,
    pub consent_given: String,
}

/// The person, name and contact details as checked.
#[derive(Debug, Clone)]
pub struct Checked {
    pub display_name: String,
    pub phone: String,
    pub email: Option<String>,
    pub details: Details,
}

/// How a new record is held and on what basis.
#[derive(Debug, Clone)]
pub struct Holding {
    pub channel: Channel,
    /// The organisation chosen (`None`: the partnership).
    pub organisation_id: Option<i64>,
    pub basis: LawfulBasis,
    pub purpose: String,
}

impl RecordForm {
    /// The record as given, or every problem in `errors`.
    pub fn check(&self, shell: &Shell, errors: &mut FieldErrors) -> Option<Checked> {
        let display_name = LineOfText::parse(&self.display_name)
            .map_err(|e| errors.add("display_name", shell.t(e.key)))
            .ok();
        let preferred_name = optional_line(shell, &self.preferred_name, "preferred_name", errors);
        let date_of_birth =
            optional_date(shell, &self.date_of_birth, "date_of_birth", true, errors);
        let phone = check_phone(shell, &self.phone, errors);
        let email = if self.email.trim().is_empty() {
            None
        } else {
            EmailAddress::parse(&self.email)
                .map_err(|e| errors.add("email", shell.t(e.key)))
                .ok()
        };
        let address = text(shell, &self.address, "address", 500, false, errors);
        let postcode = if self.postcode.trim().is_empty() {
            String::new()
        } else {
            match Postcode::parse(&self.postcode) {
                Ok(postcode) => postcode.to_string(),
                Err(e) => {
                    errors.add("postcode", shell.t(e.key));
                    String::new()
                }
            }
        };
        let contact_by = if self.contact_by.trim().is_empty() {
            None
        } else {
            let parsed = ContactBy::parse(&self.contact_by);
            if parsed.is_none() {
                errors.add("contact_by", shell.t("record.error.contact_by"));
            }
            parsed
        };
        let languages = optional_line(shell, &self.languages, "languages", errors);
        let communication_needs = text(
            shell,
            &self.communication_needs,
            "communication_needs",
            MAX_TEXT_CHARS,
            false,
            errors,
        );
        let speaks_for_them =
            optional_line(shell, &self.speaks_for_them, "speaks_for_them", errors);
        let what_matters = text(
            shell,
            &self.what_matters,
            "what_matters",
            MAX_WHAT_MATTERS_CHARS,
            false,
            errors,
        );
        if !errors.is_empty() {
            return None;
        }
        Some(Checked {
            display_name: display_name?.as_str().to_owned(),
            phone,
            email: email.map(|e| e.as_str().to_owned()),
            details: Details {
                preferred_name,
                date_of_birth,
                address,
                postcode,
                contact_by,
                languages,
                communication_needs,
                speaks_for_them,
                what_matters,
            },
        })
    }

    /// How a new record is held: `allowed` are the organisations the
    /// recorder may choose (`None` standing for the partnership itself).
    pub fn check_holding(
        &self,
        shell: &Shell,
        allowed: &[Option<i64>],
        errors: &mut FieldErrors,
    ) -> Option<Holding> {
        let channel = check_channel(shell, &self.channel, errors);
        let chosen = if self.organisation_id.trim().is_empty() {
            Some(None)
        } else {
            self.organisation_id.trim().parse::<i64>().ok().map(Some)
        };
        let organisation = chosen.filter(|o| allowed.contains(o));
        if organisation.is_none() {
            errors.add("organisation_id", shell.t("record.error.organisation"));
        }
        let basis = LawfulBasis::parse(&self.lawful_basis);
        if basis.is_none() {
            errors.add("lawful_basis", shell.t("privacy.error.basis"));
        }
        let purpose = LineOfText::parse(&self.purpose)
            .map_err(|e| errors.add("purpose", shell.t(e.key)))
            .ok();
        if basis == Some(LawfulBasis::Consent) && self.consent_given.is_empty() {
            errors.add("consent_given", shell.t("record.error.consent"));
        }
        if !errors.is_empty() {
            return None;
        }
        Some(Holding {
            channel,
            organisation_id: organisation?,
            basis: basis?,
            purpose: purpose?.as_str().to_owned(),
        })
    }
}

impl Checked {
    /// The co-delivery person this record is.
    pub fn new_person(&self, holding: &Holding) -> NewPerson {
        NewPerson {
            account_id: None,
            organisation_id: holding.organisation_id,
            display_name: self.display_name.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            gender: None,
            pays_own_time: true,
            channel: holding.channel,
        }
    }
}

/// A tie to add to the circle.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct TieForm {
    pub name: String,
    pub layer: String,
    pub role: String,
    pub what_they_do: String,
    pub how_often: String,
    pub contact: String,
    pub in_plan: String,
    pub service_id: String,
}

impl TieForm {
    /// The tie as given; the service, when one is chosen, is checked
    /// against the asset map by the caller.
    pub fn check(&self, shell: &Shell, errors: &mut FieldErrors) -> Option<NewTie> {
        let name = LineOfText::parse(&self.name)
            .map_err(|e| errors.add("name", shell.t(e.key)))
            .ok();
        let layer = Layer::parse(&self.layer);
        if layer.is_none() {
            errors.add("layer", shell.t("record.error.layer"));
        }
        let role = optional_line(shell, &self.role, "role", errors);
        let what_they_do = text(
            shell,
            &self.what_they_do,
            "what_they_do",
            500,
            false,
            errors,
        );
        let how_often = optional_line(shell, &self.how_often, "how_often", errors);
        let contact = optional_line(shell, &self.contact, "contact", errors);
        if !errors.is_empty() {
            return None;
        }
        Some(NewTie {
            layer: layer?,
            name: name?.as_str().to_owned(),
            role,
            what_they_do,
            how_often,
            contact,
            in_plan: !self.in_plan.is_empty(),
            service_id: Some(self.service_id.trim().to_owned()).filter(|s| !s.is_empty()),
        })
    }
}

/// Every form of the plan page, told apart by `step`: `conversation`,
/// `goal`, `action`, `review`, `action_done` or `goal_status`.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct PlanForm {
    pub step: String,
    // The conversation.
    pub outcome: String,
    pub note: String,
    // A goal.
    pub goal: String,
    pub goal_outcome: String,
    // An action.
    pub goal_id: String,
    pub action: String,
    pub by_whom: String,
    pub who_name: String,
    pub tie_id: String,
    pub service_id: String,
    pub due_on: String,
    // The review.
    pub review_on: String,
    // Marking an action done, or a goal's status.
    pub action_id: String,
    pub done: String,
    pub status: String,
}

/// A step of the plan, as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanStep {
    Conversation {
        outcome: TalkingPoint,
        note: String,
    },
    Goal {
        goal: String,
        outcome: Option<TalkingPoint>,
    },
    Action {
        goal_id: i64,
        action: String,
        by: ActionBy,
        who_name: String,
        tie_id: Option<i64>,
        service_id: Option<String>,
        due_on: Option<Date>,
    },
    Review {
        on: Option<Date>,
    },
    ActionDone {
        action_id: i64,
        done: bool,
    },
    GoalStatus {
        goal_id: i64,
        status: GoalStatus,
    },
}

fn id_field(raw: &str) -> Option<i64> {
    raw.trim().parse().ok()
}

impl PlanForm {
    /// The step as given, or every problem in `errors`. `None` with no
    /// errors is a step nobody's form sends.
    pub fn check(&self, shell: &Shell, errors: &mut FieldErrors) -> Option<PlanStep> {
        match self.step.as_str() {
            "conversation" => {
                let outcome = TalkingPoint::parse(&self.outcome);
                if outcome.is_none() {
                    errors.add("outcome", shell.t("record.error.outcome"));
                }
                let note = text(shell, &self.note, "note", MAX_TEXT_CHARS, true, errors);
                Some(PlanStep::Conversation {
                    outcome: outcome?,
                    note,
                })
                .filter(|_| errors.is_empty())
            }
            "goal" => {
                let goal = text(shell, &self.goal, "goal", 500, true, errors);
                let outcome = if self.goal_outcome.trim().is_empty() {
                    None
                } else {
                    let parsed = TalkingPoint::parse(&self.goal_outcome);
                    if parsed.is_none() {
                        errors.add("goal_outcome", shell.t("record.error.outcome"));
                    }
                    parsed
                };
                Some(PlanStep::Goal { goal, outcome }).filter(|_| errors.is_empty())
            }
            "action" => {
                let goal_id = id_field(&self.goal_id);
                if goal_id.is_none() {
                    errors.add("goal_id", shell.t("record.error.goal"));
                }
                let action = text(shell, &self.action, "action", 500, true, errors);
                let by = ActionBy::parse(&self.by_whom);
                if by.is_none() {
                    errors.add("by_whom", shell.t("record.error.by_whom"));
                }
                let who_name = optional_line(shell, &self.who_name, "who_name", errors);
                let tie_id = if self.tie_id.trim().is_empty() {
                    None
                } else {
                    let id = id_field(&self.tie_id);
                    if id.is_none() {
                        errors.add("tie_id", shell.t("record.error.tie"));
                    }
                    id
                };
                let due_on = optional_date(shell, &self.due_on, "due_on", false, errors);
                if !errors.is_empty() {
                    return None;
                }
                Some(PlanStep::Action {
                    goal_id: goal_id?,
                    action,
                    by: by?,
                    who_name,
                    tie_id,
                    service_id: Some(self.service_id.trim().to_owned()).filter(|s| !s.is_empty()),
                    due_on,
                })
            }
            "review" => {
                let on = optional_date(shell, &self.review_on, "review_on", false, errors);
                Some(PlanStep::Review { on }).filter(|_| errors.is_empty())
            }
            "action_done" => Some(PlanStep::ActionDone {
                action_id: id_field(&self.action_id)?,
                done: !self.done.is_empty(),
            }),
            "goal_status" => Some(PlanStep::GoalStatus {
                goal_id: id_field(&self.goal_id)?,
                status: GoalStatus::parse(&self.status)?,
            }),
            _ => None,
        }
    }
}
