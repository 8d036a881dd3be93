//! Voting on every channel:
//!
//! - online: a signed-in resident first confirms where they live (and their
//!   age, if the process has a minimum), then votes; they can change their
//!   ballot until voting closes;
//! - in person: someone given a one-time code by staff votes with it on
//!   the public code page, no account needed;
//! - on paper: staff type in a paper ballot together with the code written
//!   on it, so each paper ballot is entered once.
//!
//! Organisers issue the codes; only their hashes are stored.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::{place::Postcode, schedule::Date};
use serde::Deserialize;

use super::{
    ballot_box::{self, Cast, CodeRefused, MAX_CODES_AT_ONCE},
    ballot_view::{self, BallotView, fields_of},
    counting,
    manage::{self, CategoryForm},
    pages::{area_label, existing},
    store::{self, Process, Proposal},
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    db,
    error::{AppError, Result},
    places::store as places,
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};
use coprod_engine::budgeting::process::{Phase, age_on, format_date};

/// `?cast=…` or `?entered=1` after a ballot is stored.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Stored {
    cast: Option<String>,
    entered: Option<String>,
}

/// The ballot's projects, or a refusal when voting is not open.
async fn open_ballot(state: &AppState, process: &Process) -> Result<Vec<Proposal>> {
    if process.phase() != Phase::Voting {
        return Err(AppError::BadRequest {
            key: "budgeting.error.voting_closed",
            field: None,
        });
    }
    Ok(store::ballot_proposals(&state.db, process.id).await?)
}

#[derive(Template)]
#[template(path = "budgeting/vote.html")]
struct VotePage {
    shell: Shell,
    process: Process,
    /// Voting is open now.
    open: bool,
    /// The reader has confirmed they may vote; otherwise the eligibility form.
    eligible: bool,
    area: String,
    eligibility: EligibilityForm,
    ballot: BallotView,
    errors: FieldErrors,
    /// "new" or "changed" just after a ballot was stored.
    cast: String,
    /// The reader already has a ballot in this vote.
    has_voted: bool,
}

impl VotePage {
    fn closes(&self) -> String {
        format_date(self.process.settings.dates.voting_closes_at - 1)
    }
}

/// Builds the online voting page.
#[expect(
    clippy::too_many_arguments,
    reason = "one page, drawn from each of its parts"
)]
async fn vote_page(
    state: &AppState,
    shell: Shell,
    process: Process,
    user: &CurrentUser,
    eligibility: EligibilityForm,
    values: Option<BTreeMap<String, String>>,
    errors: FieldErrors,
    cast: String,
) -> Result<Response> {
    let open = process.phase() == Phase::Voting;
    let proposals = if open {
        store::ballot_proposals(&state.db, process.id).await?
    } else {
        Vec::new()
    };
    let eligible = open && ballot_box::is_eligible(&state.db, process.id, user.account_id).await?;
    let own = if eligible {
        ballot_box::own_ballot(&state.db, process.id, user.account_id).await?
    } else {
        None
    };
    let has_voted = own.is_some();
    let values = values.unwrap_or_else(|| own.as_deref().map(fields_of).unwrap_or_default());
    let ballot = ballot_view::build(&shell, &process, &proposals, &values, &errors);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with_status(
        status,
        &VotePage {
            area: area_label(&state, &shell, &process).await?,
            shell,
            process,
            open,
            eligible,
            eligibility,
            ballot,
            errors,
            cast,
            has_voted,
        },
    )
}

pub async fn vote_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    Query(stored): Query<Stored>,
) -> Result<Response> {
    let process = existing(&state, id).await?;
    let cast = stored
        .cast
        .filter(|c| c == "new" || c == "changed")
        .unwrap_or_default();
    vote_page(
        &state,
        shell,
        process,
        &user,
        EligibilityForm::default(),
        None,
        FieldErrors::default(),
        cast,
    )
    .await
}

/// The eligibility form's fields.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct EligibilityForm {
    pub postcode: String,
    pub date_of_birth: String,
}

/// A date of birth as people type it: `27/03/2007`, `27 3 2007` or
/// `2007-03-27`, as the start of that day in UTC.
fn parse_birth_date(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let date = if let Ok(date) = Date::parse(raw) {
        date
    } else {
        let parts: Vec<&str> = raw
            .split(|c: char| c == '/' || c == '.' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .collect();
        let [day, month, year] = parts.as_slice() else {
            return None;
        };
        let year: i32 = year.parse().ok().filter(|y| *y >= 1900)?;
        Date::new(year, month.parse().ok()?, day.parse().ok()?).ok()?
    };
    // Four-digit years only, as the form asks.
    (date.year <= 9999).then(|| date.unix_midnight())
}

/// What a person is checked for: voting, or sending a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taking {
    Vote,
    Proposal,
}

impl Taking {
    fn area_key(self) -> &'static str {
        match self {
            Taking::Vote => "budgeting.eligibility.error.area",
            Taking::Proposal => "budgeting.eligibility.error.area_propose",
        }
    }

    fn age_key(self) -> &'static str {
        match self {
            Taking::Vote => "budgeting.eligibility.error.age",
            Taking::Proposal => "budgeting.eligibility.error.age_propose",
        }
    }
}

/// The process's rules on where people live and how old they are, applied
/// to a postcode and a date of birth: the same for a vote and a proposal.
pub async fn eligibility_errors(
    state: &AppState,
    shell: &Shell,
    process: &Process,
    form: &EligibilityForm,
    taking: Taking,
) -> Result<FieldErrors> {
    let mut errors = FieldErrors::default();
    // A proposal asks where the person lives only when the process is for
    // one area; a vote always does.
    let ask_where = taking == Taking::Vote || process.settings.area_code.is_some();
    match Postcode::parse(&form.postcode) {
        _ if !ask_where => {}
        Err(e) => errors.add("postcode", shell.t(e.key)),
        Ok(postcode) => match places::lookup(&state.db, &postcode).await? {
            None => errors.add("postcode", shell.t("error.postcode.unknown")),
            Some(place) => {
                if let Some(code) = &process.settings.area_code {
                    let areas = [
                        &place.council_area,
                        &place.electoral_ward,
                        &place.health_board,
                        &place.data_zone,
                    ];
                    if !areas.iter().any(|a| a.as_deref() == Some(code.as_str())) {
                        errors.add(
                            "postcode",
                            shell.t1(taking.area_key(), &area_label(state, shell, process).await?),
                        );
                    }
                }
            }
        },
    }
    if let Some(minimum) = process.settings.minimum_age {
        match parse_birth_date(&form.date_of_birth).map(|born| age_on(born, db::now())) {
            None => errors.add(
                "date_of_birth",
                shell.t("budgeting.eligibility.error.date_of_birth"),
            ),
            Some(age) if !(0..=130).contains(&age) => errors.add(
                "date_of_birth",
                shell.t("budgeting.eligibility.error.date_of_birth"),
            ),
            Some(age) if age < minimum => errors.add(
                "date_of_birth",
                shell.t1(taking.age_key(), &minimum.to_string()),
            ),
            Some(_) => {}
        }
    }
    Ok(errors)
}

/// Checks where the person lives and, if the process sets one, their age.
/// Neither answer is stored: only that the person may vote.
pub async fn check_eligibility(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<EligibilityForm>,
) -> Result<Response> {
    let process = existing(&state, id).await?;
    open_ballot(&state, &process).await?;
    let errors = eligibility_errors(&state, &shell, &process, &form, Taking::Vote).await?;
    if !errors.is_empty() {
        return vote_page(
            &state,
            shell,
            process,
            &user,
            form,
            None,
            errors,
            String::new(),
        )
        .await;
    }
    ballot_box::confirm_eligible(&state.db, id, user.account_id).await?;
    Ok(redirect(&format!("/budgeting/{id}/vote")))
}

/// Stores (or replaces) a signed-in resident's ballot.
pub async fn vote(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(fields): StrictForm<BTreeMap<String, String>>,
) -> Result<Response> {
    let process = existing(&state, id).await?;
    let proposals = open_ballot(&state, &process).await?;
    if !ballot_box::is_eligible(&state.db, id, user.account_id).await? {
        return Ok(redirect(&format!("/budgeting/{id}/vote")));
    }
    let mut errors = FieldErrors::default();
    let Some(choices) = ballot_view::read(&shell, &process, &proposals, &fields, &[], &mut errors)?
    else {
        return vote_page(
            &state,
            shell,
            process,
            &user,
            EligibilityForm::default(),
            Some(fields),
            errors,
            String::new(),
        )
        .await;
    };
    let cast = match ballot_box::cast_online(&state.db, id, user.account_id, &choices).await? {
        Cast::New => "new",
        Cast::Changed => "changed",
        Cast::Sealed => {
            return Err(AppError::BadRequest {
                key: "budgeting.error.voting_closed",
                field: None,
            });
        }
    };
    Ok(redirect(&format!("/budgeting/{id}/vote?cast={cast}")))
}

#[derive(Template)]
#[template(path = "budgeting/code_vote.html")]
struct CodePage {
    shell: Shell,
    process: Process,
    open: bool,
    code: String,
    ballot: BallotView,
    errors: FieldErrors,
    /// A ballot was just stored.
    thanks: bool,
    /// Staff typing in a paper ballot (rather than a voter with a code).
    paper: bool,
}

impl CodePage {
    fn action(&self) -> String {
        if self.paper {
            format!("/budgeting/{}/paper-ballots", self.process.id)
        } else {
            format!("/budgeting/{}/vote/code", self.process.id)
        }
    }
}

/// Paper ballots may be typed in while voting is open and afterwards, until
/// the count: they were cast in time but take a while to reach the office.
fn takes_paper(phase: Phase, counted: bool) -> bool {
    phase == Phase::Voting || (phase >= Phase::Results && !counted)
}

#[expect(
    clippy::too_many_arguments,
    reason = "one page, drawn from each of its parts"
)]
async fn code_page(
    state: &AppState,
    shell: Shell,
    process: Process,
    paper: bool,
    code: String,
    values: &BTreeMap<String, String>,
    errors: FieldErrors,
    thanks: bool,
) -> Result<Response> {
    let open = if paper {
        takes_paper(
            process.phase(),
            counting::is_counted(&state.db, process.id).await?,
        )
    } else {
        process.phase() == Phase::Voting
    };
    let proposals = if open {
        store::ballot_proposals(&state.db, process.id).await?
    } else {
        Vec::new()
    };
    let ballot = ballot_view::build(&shell, &process, &proposals, values, &errors);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with_status(
        status,
        &CodePage {
            shell,
            process,
            open,
            code,
            ballot,
            errors,
            thanks,
            paper,
        },
    )
}

pub async fn code_form(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
    Query(stored): Query<Stored>,
) -> Result<Response> {
    let process = existing(&state, id).await?;
    let thanks = stored.cast.is_some();
    code_page(
        &state,
        shell,
        process,
        false,
        String::new(),
        &BTreeMap::new(),
        FieldErrors::default(),
        thanks,
    )
    .await
}

/// Spends a code on a ballot: the voter's own (in person) or one typed in
/// from paper. `Ok(None)` when stored; otherwise the page with its errors.
async fn cast_with_code(
    state: &AppState,
    shell: Shell,
    process: Process,
    paper: bool,
    mut fields: BTreeMap<String, String>,
    entered: Option<Event<'_>>,
) -> Result<Option<Response>> {
    let code = fields.remove("code").unwrap_or_default();
    let counted = counting::is_counted(&state.db, process.id).await?;
    let open = if paper {
        takes_paper(process.phase(), counted)
    } else {
        process.phase() == Phase::Voting
    };
    if !open {
        return Err(AppError::BadRequest {
            key: "budgeting.error.voting_closed",
            field: None,
        });
    }
    let proposals = store::ballot_proposals(&state.db, process.id).await?;
    let mut errors = FieldErrors::default();
    let letters = ballot_box::normalise_code(&code);
    if letters.is_none() {
        errors.add("code", shell.t("budgeting.code.error.format"));
    }
    let choices = ballot_view::read(&shell, &process, &proposals, &fields, &[], &mut errors)?;
    if let (Some(letters), Some(choices)) = (letters, choices) {
        let channel = if paper { "paper" } else { "in_person" };
        let mut tx = state.db.begin_write().await?;
        match ballot_box::cast_with_code_in(&mut tx, process.id, &letters, channel, &choices)
            .await?
        {
            Ok(()) => {
                if let Some(event) = entered {
                    audit::record_in(&mut tx, event).await?;
                }
                tx.commit().await?;
                return Ok(None);
            }
            Err(CodeRefused::Unknown) => {
                errors.add("code", shell.t("budgeting.code.error.unknown"));
            }
            Err(CodeRefused::Used) => errors.add("code", shell.t("budgeting.code.error.used")),
            Err(CodeRefused::Counted) => {
                return Err(AppError::BadRequest {
                    key: "budgeting.error.already_counted",
                    field: None,
                });
            }
        }
    }
    code_page(state, shell, process, paper, code, &fields, errors, false)
        .await
        .map(Some)
}

pub async fn code_vote(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
    StrictForm(fields): StrictForm<BTreeMap<String, String>>,
) -> Result<Response> {
    let process = existing(&state, id).await?;
    match cast_with_code(&state, shell, process, false, fields, None).await? {
        None => Ok(redirect(&format!("/budgeting/{id}/vote/code?cast=1"))),
        Some(response) => Ok(response),
    }
}

pub async fn paper_form(
    _organised: super::Organised,
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
    Query(stored): Query<Stored>,
) -> Result<Response> {
    let process = existing(&state, id).await?;
    let thanks = stored.entered.is_some();
    code_page(
        &state,
        shell,
        process,
        true,
        String::new(),
        &BTreeMap::new(),
        FieldErrors::default(),
        thanks,
    )
    .await
}

pub async fn paper_enter(
    _organised: super::Organised,
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(fields): StrictForm<BTreeMap<String, String>>,
) -> Result<Response> {
    let process = existing(&state, id).await?;
    // That a ballot was entered, and by whom; never what it chose.
    let entered = Event::new(Action::BudgetPaperBallotEntered, Some(user.account_id), &ip)
        .subject("pb_process", id);
    match cast_with_code(&state, shell, process, true, fields, Some(entered)).await? {
        None => Ok(redirect(&format!(
            "/budgeting/{id}/paper-ballots?entered=1"
        ))),
        Some(response) => Ok(response),
    }
}

#[derive(Template)]
#[template(path = "budgeting/codes.html")]
struct CodesPage {
    shell: Shell,
    process: Process,
    codes: Vec<String>,
}

/// The codes form's field.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct CodesForm {
    pub count: String,
}

/// Issues codes and shows them, once, to print.
pub async fn issue_codes(
    _organised: super::Organised,
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<CodesForm>,
) -> Result<Response> {
    let process = existing(&state, id).await?;
    if !matches!(process.phase(), Phase::Review | Phase::Voting) {
        return Err(AppError::BadRequest {
            key: "budgeting.error.codes_closed",
            field: None,
        });
    }
    let Some(count) = form
        .count
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=MAX_CODES_AT_ONCE).contains(n))
    else {
        let mut errors = FieldErrors::default();
        errors.add("count", shell.t("budgeting.codes.error.count"));
        return manage::dashboard_page(&state, shell, id, CategoryForm::default(), errors, "")
            .await;
    };
    let mut tx = state.db.begin_write().await?;
    let codes = ballot_box::issue_codes(&mut tx, id, count, user.account_id).await?;
    audit::record_in(
        &mut tx,
        Event::new(Action::BudgetCodesIssued, Some(user.account_id), &ip)
            .subject("pb_process", id)
            .detail(count.to_string()),
    )
    .await?;
    tx.commit().await?;
    page(&CodesPage {
        shell,
        process,
        codes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_birth_are_read_as_people_type_them() {
        let expected = Some(1_174_953_600); // 27 March 2007
        assert_eq!(parse_birth_date("27/03/2007"), expected);
        assert_eq!(parse_birth_date("27 3 2007"), expected);
        assert_eq!(parse_birth_date("2007-03-27"), expected);
        assert_eq!(parse_birth_date("31/02/2007"), None);
        assert_eq!(parse_birth_date("27/03/07"), None);
        assert_eq!(parse_birth_date("yesterday"), None);
    }
}
