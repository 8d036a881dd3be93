//! Going through a survey page by page: which questions a page shows,
//! checking a page before moving on, and the optional facts about the
//! respondent at the end. Online, easy-read and paper entry all go through
//! here; only what happens to a finished response differs.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::{http::StatusCode, response::Response};
use coprod_engine::{
    place::{GssCode, Postcode},
    surveys::{
        AnswerSet, Audience, Survey,
        answers::{AnswerProblem, Visibility, check_answers},
        breakdown::AgeBand,
        question::Reading,
    },
};

use super::{
    answer_form::{Mode, QuestionView, Viewer, drop_hidden, hidden_fields, pages, read},
    store::{self, StoredFacts, SurveyRecord},
    ui::{Opt, opts},
};
use crate::{
    app::AppState,
    error::Result,
    places::store as places,
    web::{Shell, page_with_status},
};

/// The field names of the facts about the respondent.
pub const POSTCODE_FIELD: &str = "fact-postcode";
pub const AGE_BAND_FIELD: &str = "fact-age_band";

/// Everything a page of the survey needs to know about where it is.
pub struct Context<'a> {
    pub state: &'a AppState,
    pub shell: Shell,
    pub survey: &'a SurveyRecord,
    pub checked: &'a Survey,
    pub audience: Audience,
    pub mode: Mode,
    /// Where the page's form posts to.
    pub action: String,
}

impl Context<'_> {
    /// Citizens are asked the optional facts that let results be broken
    /// down by area and deprivation; staff are not asked where they live.
    pub fn asks_facts(&self) -> bool {
        self.audience == Audience::Citizens
    }

    fn question_pages(&self) -> Vec<Vec<usize>> {
        pages(self.checked, self.mode)
    }

    /// The number of pages, the facts page included.
    fn page_count(&self) -> usize {
        let pages = self.question_pages().len();
        if self.mode == Mode::Paper {
            pages.max(1)
        } else {
            pages + usize::from(self.asks_facts())
        }
    }
}

/// One page's state: which page, the answers so far, what was typed and
/// what is wrong.
#[derive(Default)]
pub struct PageState {
    pub page: usize,
    pub answers: AnswerSet,
    pub fields: BTreeMap<String, String>,
    pub problems: Vec<AnswerProblem>,
    pub fact_errors: Vec<(String, String)>,
    /// A message above the questions (the survey changed, say).
    pub notice: String,
}

/// What sending a page led to.
pub enum Outcome {
    /// Another page, or the same one with its problems.
    Show(Response),
    /// Every answer checked: store it.
    Complete {
        answers: AnswerSet,
        facts: StoredFacts,
    },
}

/// The questions a page shows, in order, each with whether its hint should
/// say which answer it depends on. A question whose condition looks at an
/// earlier page is shown only if that answer was given; one whose
/// condition looks at a question on the same page is shown with a hint,
/// as the answer is not known yet.
fn rendered(survey: &Survey, page: &[usize], answers: &AnswerSet) -> Vec<(usize, bool)> {
    let questions: Vec<_> = survey.questions().collect();
    let flags = Visibility::of(survey).flags(answers);
    let mut shown: Vec<(usize, bool)> = Vec::new();
    for &position in page {
        let question = questions[position];
        let Some(condition) = &question.show_if else {
            shown.push((position, false));
            continue;
        };
        let controller = survey.position(&condition.question);
        let same_page = controller.is_some_and(|c| shown.iter().any(|(p, _)| *p == c));
        if same_page {
            shown.push((position, true));
        } else if flags.get(position).copied().unwrap_or(false) {
            shown.push((position, false));
        }
    }
    shown
}

/// The next page after `from` that shows anything, or the facts page.
fn next_page(ctx: &Context<'_>, from: usize, answers: &AnswerSet) -> Option<usize> {
    let pages = ctx.question_pages();
    (from..ctx.page_count()).find(|&p| {
        pages
            .get(p)
            .is_none_or(|positions| !rendered(ctx.checked, positions, answers).is_empty())
    })
}

fn previous_page(ctx: &Context<'_>, before: usize, answers: &AnswerSet) -> usize {
    let pages = ctx.question_pages();
    (0..before)
        .rev()
        .find(|&p| {
            pages
                .get(p)
                .is_some_and(|positions| !rendered(ctx.checked, positions, answers).is_empty())
        })
        .unwrap_or(0)
}

/// The first page showing a question with a problem.
fn page_of_problem(ctx: &Context<'_>, problems: &[AnswerProblem]) -> usize {
    let pages = ctx.question_pages();
    problems
        .iter()
        .filter_map(|p| ctx.checked.position(&p.question))
        .filter_map(|position| pages.iter().position(|page| page.contains(&position)))
        .min()
        .unwrap_or(0)
}

/// Reads and checks the facts: the postcode's data zone and its SIMD
/// quintile, and the age band. The postcode itself is not kept.
pub async fn check_facts(
    state: &AppState,
    shell: &Shell,
    fields: &BTreeMap<String, String>,
) -> Result<(StoredFacts, Vec<(String, String)>)> {
    let mut facts = StoredFacts::default();
    let mut errors = Vec::new();
    let postcode = fields.get(POSTCODE_FIELD).map_or("", |v| v.trim());
    if !postcode.is_empty() {
        match Postcode::parse(postcode) {
            Err(e) => errors.push((POSTCODE_FIELD.to_owned(), shell.t(e.key))),
            Ok(postcode) => match places::lookup(&state.db, &postcode).await? {
                None => errors.push((
                    POSTCODE_FIELD.to_owned(),
                    shell.t("survey.answer.postcode_unknown"),
                )),
                Some(place) => {
                    facts.data_zone = place.data_zone.and_then(|z| GssCode::parse(&z).ok());
                    if let Some(zone) = &facts.data_zone {
                        facts.simd_quintile = store::simd_quintile(&state.db, zone).await?;
                    }
                }
            },
        }
    }
    let band = fields.get(AGE_BAND_FIELD).map_or("", |v| v.trim());
    if !band.is_empty() {
        match AgeBand::parse(band) {
            Ok(band) => facts.age_band = Some(band),
            Err(e) => errors.push((AGE_BAND_FIELD.to_owned(), shell.t(e.key))),
        }
    }
    Ok((facts, errors))
}

/// Reads a sent page and decides where it leads.
pub async fn advance(ctx: &Context<'_>, fields: BTreeMap<String, String>) -> Result<Outcome> {
    let survey = ctx.checked;
    let pages = ctx.question_pages();
    let last = ctx.page_count().saturating_sub(1);
    let page = fields
        .get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(0)
        .min(last);
    let (mut answers, read_problems) = read(survey, &fields);
    drop_hidden(survey, &mut answers);
    let mut state = PageState {
        page,
        answers,
        fields,
        ..PageState::default()
    };
    if state.fields.get("go").map(String::as_str) == Some("back") {
        state.page = previous_page(ctx, page, &state.answers);
        return Ok(Outcome::Show(render(ctx, state, StatusCode::OK)?));
    }
    let checked = check_answers(survey, &state.answers)
        .err()
        .unwrap_or_default();
    let on_page: BTreeSet<usize> = match pages.get(page) {
        Some(positions) => rendered(survey, positions, &state.answers)
            .into_iter()
            .map(|(p, _)| p)
            .collect(),
        None => BTreeSet::new(),
    };
    let facts_here = ctx.asks_facts() && (ctx.mode == Mode::Paper || page >= pages.len());
    let (facts, fact_errors) = if facts_here {
        check_facts(ctx.state, &ctx.shell, &state.fields).await?
    } else {
        (StoredFacts::default(), Vec::new())
    };
    let here = |p: &AnswerProblem| {
        survey
            .position(&p.question)
            .is_some_and(|at| on_page.contains(&at))
    };
    let mut problems: Vec<AnswerProblem> =
        read_problems.iter().filter(|p| here(p)).cloned().collect();
    problems.extend(checked.iter().filter(|p| here(p)).cloned());
    if !problems.is_empty() || !fact_errors.is_empty() {
        state.problems = problems;
        state.fact_errors = fact_errors;
        return Ok(Outcome::Show(render(
            ctx,
            state,
            StatusCode::UNPROCESSABLE_ENTITY,
        )?));
    }
    if let Some(next) = next_page(ctx, page + 1, &state.answers) {
        state.page = next;
        return Ok(Outcome::Show(render(ctx, state, StatusCode::OK)?));
    }
    // The last page: everything is checked again, whatever the hidden
    // fields claimed about earlier pages.
    let mut all: Vec<AnswerProblem> = read_problems;
    all.extend(checked);
    if !all.is_empty() {
        state.page = page_of_problem(ctx, &all);
        state.problems = all;
        return Ok(Outcome::Show(render(
            ctx,
            state,
            StatusCode::UNPROCESSABLE_ENTITY,
        )?));
    }
    let facts = if ctx.asks_facts() && !facts_here {
        check_facts(ctx.state, &ctx.shell, &state.fields).await?.0
    } else {
        facts
    };
    Ok(Outcome::Complete {
        answers: state.answers,
        facts,
    })
}

/// One entry of the error summary: the id it links to and the message.
pub struct SummaryEntry {
    pub anchor: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "surveys/answer.html")]
#[expect(
    clippy::struct_excessive_bools,
    reason = "each flag switches one part of the page on or off"
)]
struct AnswerPage {
    shell: Shell,
    survey_title: String,
    heading: String,
    introduction: String,
    notice: String,
    licence: String,
    progress: String,
    identity: String,
    action: String,
    page: usize,
    hidden: Vec<(String, String)>,
    questions: Vec<QuestionView>,
    summary: Vec<SummaryEntry>,
    easy_read: bool,
    paper: bool,
    facts: bool,
    postcode: String,
    age_bands: Vec<Opt>,
    postcode_error: String,
    age_band_error: String,
    can_go_back: bool,
    is_last: bool,
}

/// The error summary: each question's problem, then the facts'.
fn summary(questions: &[QuestionView], fact_errors: &[(String, String)]) -> Vec<SummaryEntry> {
    questions
        .iter()
        .filter(|q| !q.error.is_empty())
        .map(|q| SummaryEntry {
            anchor: q.anchor.clone(),
            message: q.error.clone(),
        })
        .chain(fact_errors.iter().map(|(anchor, message)| SummaryEntry {
            anchor: anchor.clone(),
            message: message.clone(),
        }))
        .collect()
}

/// The page's heading, introduction and licence notice: those of the
/// section its first question is in, "About you" on the facts page, and on
/// paper every section's notice.
fn headings(ctx: &Context<'_>, positions: &[usize], facts: bool) -> (String, String, String) {
    let survey = ctx.checked;
    let reading = ctx.mode.reading();
    if ctx.mode == Mode::Paper {
        let notices: Vec<String> = survey
            .sections()
            .iter()
            .filter_map(|s| s.notice.clone())
            .collect();
        return (String::new(), String::new(), notices.join(" "));
    }
    if facts {
        return (
            ctx.shell.t("survey.answer.about_you"),
            String::new(),
            String::new(),
        );
    }
    let section = positions.first().and_then(|&first| {
        let mut start = 0;
        survey.sections().iter().find(|s| {
            let inside = (start..start + s.questions.len()).contains(&first);
            start += s.questions.len();
            inside
        })
    });
    section.map_or_else(Default::default, |section| {
        (
            section.title.text(reading).to_owned(),
            section
                .introduction
                .as_ref()
                .map(|w| w.text(reading).to_owned())
                .unwrap_or_default(),
            section.notice.clone().unwrap_or_default(),
        )
    })
}

/// Shows a page of the survey.
pub fn render(ctx: &Context<'_>, state: PageState, status: StatusCode) -> Result<Response> {
    let shell = &ctx.shell;
    let survey = ctx.checked;
    let reading = ctx.mode.reading();
    let pages = ctx.question_pages();
    let positions = pages.get(state.page).cloned().unwrap_or_default();
    let shown = rendered(survey, &positions, &state.answers);
    let questions_in_order: Vec<_> = survey.questions().collect();
    let viewer = Viewer {
        shell,
        survey,
        audience: ctx.audience,
        mode: ctx.mode,
        answers: &state.answers,
        fields: &state.fields,
        problems: &state.problems,
    };
    let questions: Vec<QuestionView> = shown
        .iter()
        .map(|&(position, hint)| viewer.view(questions_in_order[position], hint))
        .collect();
    let on_page: BTreeSet<_> = shown
        .iter()
        .map(|&(p, _)| &questions_in_order[p].id)
        .collect();
    let facts = ctx.asks_facts() && (ctx.mode == Mode::Paper || state.page >= pages.len());
    let mut hidden = hidden_fields(&state.answers, &on_page);
    if !facts {
        for name in [POSTCODE_FIELD, AGE_BAND_FIELD] {
            if let Some(value) = state.fields.get(name).filter(|v| !v.is_empty()) {
                hidden.push((name.to_owned(), value.clone()));
            }
        }
    }
    let (heading, introduction, licence) = headings(ctx, &positions, facts);
    let summary = summary(&questions, &state.fact_errors);
    let field_error = |name: &str| {
        state
            .fact_errors
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    };
    let band = state
        .fields
        .get(AGE_BAND_FIELD)
        .cloned()
        .unwrap_or_default();
    let page = AnswerPage {
        survey_title: ctx.survey.title.clone(),
        heading,
        introduction,
        notice: state.notice,
        licence,
        progress: shell.tn(
            "survey.answer.progress",
            &[&(state.page + 1).to_string(), &ctx.page_count().to_string()],
        ),
        identity: if ctx.survey.identified {
            shell.t("survey.answer.identified_line")
        } else {
            shell.t("survey.answer.anonymous_line")
        },
        action: ctx.action.clone(),
        page: state.page,
        hidden,
        questions,
        summary,
        easy_read: reading == Reading::EasyRead,
        paper: ctx.mode == Mode::Paper,
        facts,
        postcode: state
            .fields
            .get(POSTCODE_FIELD)
            .cloned()
            .unwrap_or_default(),
        age_bands: opts(
            AgeBand::ALL.iter().map(|b| {
                let key = b.key();
                (
                    key,
                    shell.t(&format!("survey.age_band.{key}")),
                    String::new(),
                )
            }),
            &band,
        ),
        postcode_error: field_error(POSTCODE_FIELD),
        age_band_error: field_error(AGE_BAND_FIELD),
        can_go_back: state.page > 0,
        is_last: next_page(ctx, state.page + 1, &state.answers).is_none(),
        shell: shell.clone(),
    };
    page_with_status(status, &page)
}
