//! Surveys made for the toolkit, through the survey module so they are
//! answered, entered on paper and analysed like any other:
//!
//! - the **360-degree review** of an initiative: the people who use the
//!   service and the staff rate what changed, and the results attach to
//!   the initiative;
//! - the **community** and **staff surveys** of People it: who already
//!   co-produces (the co-production index) and who would do more (the
//!   willingness question), whose answers the toolkit adds up into hours
//!   a month across the area.
//!
//! Each is created as a draft for the organisation, so staff can read it
//! through, add questions and open it when ready.

use std::collections::{BTreeMap, BTreeSet};

use axum::{
    Extension,
    extract::{Path, State},
    response::Response,
};
use coprod_engine::surveys::{
    answers::Answer,
    coproduction::coproduction_section,
    definition::Section,
    question::{Audience, Code, Prompt, Question, QuestionKind, Scale, Wording, known_code},
    willingness::{
        HoursAssumption, WILLINGNESS_QUESTION, willingness_potential, willingness_section,
    },
};
use serde::Deserialize;
use sqlx::AnyConnection;

use super::{scope, store::initiatives};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    db::Db,
    error::{AppError, Result},
    surveys::store::{self as surveys, AccessMode, Draft, SurveySettings},
    web::{ClientIp, NoFields, Shell, StrictForm},
};

/// The review's 0–10 question: how much better things are.
pub const REVIEW_CHANGE: &str = "review_change";
const REVIEW_SAY: &str = "review_say";
const REVIEW_WHAT: &str = "review_what";

/// The review's questions, naming the initiative.
pub fn review_section(initiative: &str) -> Section {
    let change = Question::new(
        known_code(REVIEW_CHANGE),
        Prompt::same_for_all(Wording::with_easy_read(
            &format!("Since {initiative} started, how much better have things got for you?"),
            &format!("Are things better for you since {initiative} started?"),
        ))
        .for_audience(
            Audience::Staff,
            Wording::plain(&format!(
                "Since {initiative} started, how much better have things got for the people you work with?"
            )),
        ),
        QuestionKind::ZeroToTen {
            low_anchor: Some(Wording::plain("Not better at all")),
            high_anchor: Some(Wording::plain("Very much better")),
        },
    );
    let say = Question::new(
        known_code(REVIEW_SAY),
        Prompt::same_for_all(Wording::with_easy_read(
            &format!("The people who use the service had a real say in how {initiative} was run."),
            &format!("People like me had a say in {initiative}."),
        )),
        QuestionKind::Likert {
            scale: Scale::agreement(),
        },
    );
    let what = Question::new(
        known_code(REVIEW_WHAT),
        Prompt::same_for_all(Wording::with_easy_read(
            "What has changed, for better or for worse?",
            "What is different now?",
        )),
        QuestionKind::FreeText { max_chars: 2_000 },
    );
    Section::new(
        Wording::with_easy_read("Looking back", "What changed"),
        vec![change, say, what],
    )
}

async fn create_draft(
    conn: &mut AnyConnection,
    organisation_id: i64,
    title: String,
    introduction: String,
    audiences: BTreeSet<Audience>,
    sections: Vec<Section>,
    created_by: i64,
) -> Result<i64> {
    Ok(surveys::insert(
        conn,
        &SurveySettings {
            organisation_id,
            title,
            introduction,
            identified: false,
            access: AccessMode::Public,
        },
        &Draft {
            audiences,
            sections,
        },
        created_by,
    )
    .await?)
}

/// Makes the review survey of an initiative, or opens the one it has.
pub async fn start_review(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let initiative = initiatives::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    scope::organisation(&state.db, &user, initiative.organisation_id).await?;
    if let Some(survey) = initiative.review_survey_id {
        return Ok(redirect(&format!("/surveys/{survey}")));
    }
    let mut tx = state.db.begin_write().await?;
    let survey = create_draft(
        &mut tx,
        initiative.organisation_id,
        shell.t1("star.review.title", &initiative.name),
        shell.t1("star.review.introduction", &initiative.name),
        [Audience::Citizens, Audience::Staff].into(),
        vec![review_section(&initiative.name)],
        user.account_id,
    )
    .await?;
    initiatives::set_review_survey(&mut tx, id, survey).await?;
    audit::record_in(
        &mut tx,
        Event::new(Action::SurveyCreated, Some(user.account_id), &ip)
            .subject("survey", survey)
            .detail(&initiative.name),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!("/surveys/{survey}")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PeopleSurveyForm {
    audience: String,
}

/// Makes the community or the staff survey of People it.
pub async fn make_people_survey(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(org): Path<i64>,
    StrictForm(form): StrictForm<PeopleSurveyForm>,
) -> Result<Response> {
    let organisation = scope::organisation(&state.db, &user, org).await?;
    let (audience, key) = match form.audience.as_str() {
        "citizens" => (Audience::Citizens, "community"),
        "staff" => (Audience::Staff, "staff"),
        _ => return Err(AppError::bad_request("star.error.audience", "audience")),
    };
    let mut tx = state.db.begin_write().await?;
    let survey = create_draft(
        &mut tx,
        org,
        shell.t1(
            &format!("star.people_survey.{key}_title"),
            &organisation.name,
        ),
        shell.t(&format!("star.people_survey.{key}_introduction")),
        [audience].into(),
        vec![coproduction_section(), willingness_section()],
        user.account_id,
    )
    .await?;
    audit::record_in(
        &mut tx,
        Event::new(Action::SurveyCreated, Some(user.account_id), &ip)
            .subject("survey", survey)
            .detail(key),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!("/surveys/{survey}")))
}

/// What the review says so far, by audience.
pub struct ReviewSummary {
    pub survey_id: i64,
    pub status: String,
    /// (audience, responses, mean 0–10 or "–").
    pub groups: Vec<(String, usize, String)>,
}

pub async fn review_summary(
    state: &AppState,
    shell: &Shell,
    survey_id: i64,
) -> Result<Option<ReviewSummary>> {
    let Some(record) = surveys::find(&state.db, survey_id).await? else {
        return Ok(None);
    };
    let Ok(survey) = record.version.draft.checked() else {
        return Ok(Some(ReviewSummary {
            survey_id,
            status: record.status.as_str().to_owned(),
            groups: Vec::new(),
        }));
    };
    let all = surveys::responses(&state.db, record.version.id, &survey).await?;
    let change: Code = known_code(REVIEW_CHANGE);
    let mut by: BTreeMap<Audience, (usize, u32, u32)> = BTreeMap::new();
    for response in &all {
        let entry = by.entry(response.audience).or_default();
        entry.0 += 1;
        if let Some(Answer::Rating(value)) = response.answers.get(&change) {
            entry.1 += u32::from(*value);
            entry.2 += 1;
        }
    }
    Ok(Some(ReviewSummary {
        survey_id,
        status: record.status.as_str().to_owned(),
        groups: by
            .into_iter()
            .map(|(audience, (count, sum, rated))| {
                let mean = if rated == 0 {
                    "–".to_owned()
                } else {
                    format!("{:.1}", f64::from(sum) / f64::from(rated))
                };
                (
                    shell.t(&format!(
                        "star.audience.{}",
                        surveys::audience_key(audience)
                    )),
                    count,
                    mean,
                )
            })
            .collect(),
    }))
}

/// Hours a month the organisation's respondents say they would give,
/// across every survey of its that asks the willingness question:
/// (respondents, hours a month).
pub async fn willingness_hours(db: &Db, organisation_id: i64) -> Result<(u64, f64)> {
    let mut respondents = 0;
    let mut hours = 0.0;
    let question = known_code(WILLINGNESS_QUESTION);
    for (id, _) in initiatives::surveys(db, organisation_id).await? {
        let Some(record) = surveys::find(db, id).await? else {
            continue;
        };
        let Ok(survey) = record.version.draft.checked() else {
            continue;
        };
        if survey.question(&question).is_none() {
            continue;
        }
        let all = surveys::responses(db, record.version.id, &survey).await?;
        let potential = willingness_potential(&survey, &all, HoursAssumption::default(), None);
        respondents += potential.respondents;
        hours += potential.hours_per_month;
    }
    Ok((respondents, hours))
}
