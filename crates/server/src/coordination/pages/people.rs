//! The coordinators' people pages: finding someone, recording a person who
//! phoned, wrote or dropped in (email optional), their offers, requests and
//! matches, PVG checks, time bank limits and statement. Every view of a
//! person's record is written to the audit log.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::{plain, timebank::AccountId};
use serde::Deserialize;
use sqlx::Acquire;

use super::{
    super::COORDINATING_ROLES, Flash, MatchLine, OfferLine, audit_action, audit_read, held_person,
    match_lines, mine::StatementPage, with_flash,
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::Action,
    coordination::{
        forms::{PersonForm, parse_date},
        hours,
        model::{Channel, Person, today},
        store::{self, ledger::member},
        views::{self, RequestLine},
    },
    error::{AppError, Result},
    people::reach::Caseloads,
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};

/// The most people a list shows at once.
const LIST_LIMIT: i64 = 200;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Search {
    q: String,
}

/// A person as a line in a list.
#[derive(Debug, Clone)]
pub struct PersonLine {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub channel: String,
}

#[derive(Template)]
#[template(path = "coordination/people.html")]
struct ListPage {
    shell: Shell,
    q: String,
    people: Vec<PersonLine>,
}

pub async fn list(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Query(search): Query<Search>,
) -> Result<Response> {
    let q: String = search.q.trim().chars().take(100).collect();
    let mut tx = state.db.begin_write().await?;
    let people: Vec<PersonLine> = store::people::list(
        &mut tx,
        &user.reach(COORDINATING_ROLES),
        Caseloads::of(&user),
        &q,
        LIST_LIMIT,
    )
    .await?
    .into_iter()
    .map(|p| PersonLine {
        id: p.id,
        channel: shell.t(p.channel.label_key()),
        name: p.display_name,
        phone: p.phone,
        email: p.email.unwrap_or_default(),
    })
    .collect();
    crate::audit::record_in(
        &mut tx,
        crate::audit::Event::new(Action::PersonRead, Some(user.account_id), &ip)
            .detail(format!("people list ({} shown)", people.len())),
    )
    .await?;
    tx.commit().await?;
    page(&ListPage { shell, q, people })
}

#[derive(Template)]
#[template(path = "coordination/person_form.html")]
struct FormPage {
    shell: Shell,
    form: PersonForm,
    errors: FieldErrors,
}

impl FormPage {
    fn channels(&self) -> Vec<(String, String)> {
        Channel::ON_BEHALF
            .iter()
            .map(|c| (c.as_str().to_owned(), self.shell.t(c.label_key())))
            .collect()
    }
}

pub async fn new_form(shell: Shell) -> Result<Response> {
    page(&FormPage {
        shell,
        form: PersonForm {
            channel: Channel::Phone.as_str().into(),
            ..PersonForm::default()
        },
        errors: FieldErrors::default(),
    })
}

pub async fn create(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    StrictForm(form): StrictForm<PersonForm>,
) -> Result<Response> {
    let mut errors = FieldErrors::default();
    let Some(mut new) = form.check(&shell, &mut errors) else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage {
                shell,
                form,
                errors,
            },
        );
    };
    let mut conn = state.db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    new.organisation_id = user.reach(COORDINATING_ROLES).home();
    let id = store::people::create(&mut tx, &new, Some(user.account_id)).await?;
    audit_action(
        &mut tx,
        &user,
        &ip,
        Action::HelpEnteredOnBehalf,
        id,
        format!("person by {}", new.channel.as_str()),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!("/coordination/people/{id}?done=person")))
}

#[derive(Template)]
#[template(path = "coordination/person.html")]
struct PersonPage {
    shell: Shell,
    done: String,
    problem: String,
    person: Person,
    channel: String,
    pvg: String,
    pvg_current: bool,
    balance: String,
    limits: String,
    offers: Vec<OfferLine>,
    requests: Vec<RequestLine>,
    helping: Vec<MatchLine>,
    helped: Vec<MatchLine>,
}

pub async fn show(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let mut conn = state.db.begin_write().await?;
    let person = held_person(&mut conn, &user, id).await?;
    audit_read(&mut conn, &user, &ip, id, "person record").await?;
    let terms = views::term_names(&mut conn).await?;
    let pvg = store::people::pvg_check(&mut conn, id).await?;
    let ledger = store::ledger::load(&mut conn)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let account = AccountId::Member(member(id));
    let balance = ledger.balance(&account).map_or(0, |b| b);
    let limits = ledger.limits(&member(id)).ok();
    let offers = store::offers::for_person(&mut conn, id)
        .await?
        .iter()
        .map(|o| OfferLine::new(&shell, o, &terms))
        .collect();
    let requests = store::requests::for_person(&mut conn, id)
        .await?
        .iter()
        .map(|r| RequestLine::new(&shell, r, &person.display_name, &terms))
        .collect();
    let helping = store::matches::for_helper(&mut conn, id).await?;
    let helping = match_lines(&mut conn, &shell, &helping, true).await?;
    let helped = store::matches::for_requester(&mut conn, id).await?;
    let helped = match_lines(&mut conn, &shell, &helped, false).await?;
    let (done, problem) = flash.messages(&shell);
    conn.commit().await?;
    page(&PersonPage {
        channel: shell.t(person.channel.label_key()),
        pvg: pvg.map_or_else(
            || shell.t("coordination.person.no_pvg"),
            |d| shell.t1("coordination.person.pvg_until", &plain::date(d)),
        ),
        pvg_current: pvg.is_some_and(|d| d >= today()),
        balance: plain::minutes(balance),
        limits: limits.map_or_else(String::new, |l| {
            let mut text = shell.t1(
                "coordination.person.max_debt",
                &plain::minutes(i64::from(l.max_debt_minutes)),
            );
            if let Some(max) = l.max_balance_minutes {
                text.push_str(&shell.t1(
                    "coordination.person.max_balance",
                    &plain::minutes(i64::from(max)),
                ));
            }
            text
        }),
        shell,
        done,
        problem,
        person,
        offers,
        requests,
        helping,
        helped,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PvgForm {
    valid_until: String,
}

pub async fn record_pvg(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<PvgForm>,
) -> Result<Response> {
    let path = format!("/coordination/people/{id}");
    let mut tx = state.db.begin_write().await?;
    held_person(&mut tx, &user, id).await?;
    let Some(valid_until) = parse_date(&form.valid_until) else {
        return Ok(redirect(&with_flash(&path, "problem", "input")));
    };
    store::people::record_pvg(&mut tx, id, valid_until, Some(user.account_id)).await?;
    audit_action(
        &mut tx,
        &user,
        &ip,
        Action::PvgRecorded,
        id,
        format!("valid until {valid_until}"),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&with_flash(&path, "done", "pvg")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LimitsForm {
    max_debt_hours: String,
    max_balance_hours: String,
}

/// Whole hours as minutes; empty is none, anything else unreadable is an
/// error.
fn hours_field(raw: &str) -> std::result::Result<Option<u32>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<u32>() {
        Ok(hours) if hours <= 1_000 => Ok(Some(hours * 60)),
        _ => Err(()),
    }
}

pub async fn set_limits(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<LimitsForm>,
) -> Result<Response> {
    held_person(&mut *state.db.pool().acquire().await?, &user, id).await?;
    let path = format!("/coordination/people/{id}");
    let (Ok(debt), Ok(balance)) = (
        hours_field(&form.max_debt_hours),
        hours_field(&form.max_balance_hours),
    ) else {
        return Ok(redirect(&with_flash(&path, "problem", "input")));
    };
    let mut conn = state.db.pool().acquire().await?;
    if !store::ledger::set_limits(&mut conn, id, debt, balance).await? {
        return Err(AppError::NotFound);
    }
    Ok(redirect(&with_flash(&path, "done", "limits")))
}

pub async fn hours(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    let mut conn = state.db.begin_write().await?;
    let person = held_person(&mut conn, &user, id).await?;
    audit_read(&mut conn, &user, &ip, id, "time bank statement").await?;
    let statement = hours::statement(&mut conn, &shell, id, hours::last_year(today()))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    conn.commit().await?;
    page(&StatementPage {
        heading: shell.t1("coordination.hours.theirs", &person.display_name),
        shell,
        statement,
        back: format!("/coordination/people/{id}"),
    })
}
