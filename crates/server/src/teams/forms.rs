//! The teams' forms, checked field by field. A form with any problem
//! stores nothing and comes back with every problem named beside its
//! field.

use coprod_engine::people::LineOfText;
use serde::Deserialize;

use crate::web::{FieldErrors, Shell};

/// Longest purpose, handover note or reason.
pub const MAX_NOTE_CHARS: usize = 2_000;

/// A paragraph (line breaks allowed), at most [`MAX_NOTE_CHARS`].
fn note(
    shell: &Shell,
    raw: &str,
    field: &'static str,
    required: bool,
    errors: &mut FieldErrors,
) -> String {
    let value = raw.trim().replace("\r\n", "\n");
    if value.is_empty() {
        if required {
            errors.add(field, shell.t("teams.error.note_missing"));
        }
    } else if value.chars().count() > MAX_NOTE_CHARS {
        errors.add(
            field,
            shell.t1("teams.error.long", &MAX_NOTE_CHARS.to_string()),
        );
    } else if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        errors.add(field, shell.t("error.text.control"));
    }
    value
}

/// One of `allowed` ids, chosen in a list.
fn chosen(
    shell: &Shell,
    raw: &str,
    field: &'static str,
    allowed: &[i64],
    errors: &mut FieldErrors,
) -> Option<i64> {
    match raw.trim().parse::<i64>() {
        Ok(id) if allowed.contains(&id) => Some(id),
        _ => {
            errors.add(field, shell.t(&format!("teams.error.{field}")));
            None
        }
    }
}

/// Setting up a team.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct TeamForm {
    pub name: String,
    pub purpose: String,
    pub organisation_id: String,
}

/// A team as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTeam {
    pub name: String,
    pub purpose: String,
    pub organisation_id: i64,
}

impl TeamForm {
    /// The team, if every field is right; `organisations` are those the
    /// person may set teams up in.
    pub fn check(
        &self,
        shell: &Shell,
        organisations: &[i64],
        errors: &mut FieldErrors,
    ) -> Option<NewTeam> {
        let name = match LineOfText::parse(&self.name) {
            Ok(line) => Some(line.as_str().to_owned()),
            Err(e) => {
                errors.add("name", shell.t(e.key));
                None
            }
        };
        let purpose = note(shell, &self.purpose, "purpose", false, errors);
        let organisation_id = chosen(
            shell,
            &self.organisation_id,
            "organisation_id",
            organisations,
            errors,
        );
        Some(NewTeam {
            name: name?,
            purpose,
            organisation_id: organisation_id?,
        })
        .filter(|_| errors.is_empty())
    }
}

/// Adding a member.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct MemberForm {
    pub account_id: String,
}

impl MemberForm {
    /// The account, if it is one of `staff` (the organisation's staff who
    /// are not yet members).
    pub fn check(&self, shell: &Shell, staff: &[i64], errors: &mut FieldErrors) -> Option<i64> {
        chosen(shell, &self.account_id, "account_id", staff, errors)
    }
}

/// Taking a person onto the caseload.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct CaseloadForm {
    pub person_id: String,
    pub lead_id: String,
    pub note: String,
}

/// A person to take on, as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taking {
    pub person_id: i64,
    pub lead_id: i64,
    pub note: String,
}

impl CaseloadForm {
    /// What to store, if the person is one of `people` (records the team's
    /// organisation holds that the reader may read and that are not on
    /// the caseload yet) and the lead one of `members`.
    pub fn check(
        &self,
        shell: &Shell,
        people: &[i64],
        members: &[i64],
        errors: &mut FieldErrors,
    ) -> Option<Taking> {
        let person_id = chosen(shell, &self.person_id, "person_id", people, errors);
        let lead_id = chosen(shell, &self.lead_id, "lead_id", members, errors);
        let note = note(shell, &self.note, "note", false, errors);
        Some(Taking {
            person_id: person_id?,
            lead_id: lead_id?,
            note,
        })
        .filter(|_| errors.is_empty())
    }
}

/// Handing a person over to a colleague.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct HandoverForm {
    pub to_id: String,
    pub note: String,
}

impl HandoverForm {
    /// (to whom, the note), if the colleague is one of `colleagues` (the
    /// members other than the present lead) and the note is given.
    pub fn check(
        &self,
        shell: &Shell,
        colleagues: &[i64],
        errors: &mut FieldErrors,
    ) -> Option<(i64, String)> {
        let to = chosen(shell, &self.to_id, "to_id", colleagues, errors);
        let note = note(shell, &self.note, "note", true, errors);
        to.map(|to| (to, note)).filter(|_| errors.is_empty())
    }
}
