use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::plain;

use super::{Flash, changed, held, paragraphs, read};
use crate::{
    access::{Reach, redirect},
    accounts::CurrentUser,
    app::AppState,
    audit::Action,
    coordination::{COORDINATING_ROLES, model::Channel, store as coordination},
    db,
    error::Result,
    organisations::store as organisations,
    people::{
        PEOPLE_ROLES,
        forms::RecordForm,
        model::{ContactBy, Layer, Record},
        store::{self, record::Basis},
    },
    privacy::consent::{self, LawfulBasis, NewConsent, RecordKind},
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};

#[derive(Template)]
#[template(path = "people/form.html")]
struct FormPage {
    shell: Shell,
    /// `None` for a new record.
    id: Option<i64>,
    form: RecordForm,
    errors: FieldErrors,
    /// (value, label) of the organisations that may hold a new record.
    holders: Vec<(String, String)>,
}

impl FormPage {
    fn contact_ways(&self) -> Vec<(String, String)> {
        ContactBy::ALL
            .iter()
            .map(|c| (c.key().to_owned(), self.shell.t(&c.label_key())))
            .collect()
    }

    fn channels(&self) -> Vec<(String, String)> {
        Channel::ON_BEHALF
            .iter()
            .map(|c| (c.as_str().to_owned(), self.shell.t(c.label_key())))
            .collect()
    }

    fn bases(&self) -> Vec<(String, String)> {
        LawfulBasis::ALL
            .iter()
            .map(|b| {
                (
                    b.as_str().to_owned(),
                    self.shell.t(&format!("privacy.basis.{}", b.as_str())),
                )
            })
            .collect()
    }

    fn action(&self) -> String {
        self.id.map_or_else(
            || "/people/new".to_owned(),
            |id| format!("/people/{id}/edit"),
        )
    }

    fn back(&self) -> String {
        self.id
            .map_or_else(|| "/people".to_owned(), |id| format!("/people/{id}"))
    }
}

/// The organisations a new record may be held by, for this recorder:
/// (value, label) for the form and the ids allowed (`None`: the
/// partnership itself, for those whose role covers it).
async fn holders(
    state: &AppState,
    shell: &Shell,
    user: &CurrentUser,
) -> Result<(Vec<(String, String)>, Vec<Option<i64>>)> {
    let reach = user.reach(PEOPLE_ROLES);
    let mut options = Vec::new();
    let mut allowed = Vec::new();
    for organisation in organisations::list(&state.db).await? {
        if reach.covers(Some(organisation.id)) {
            options.push((organisation.id.to_string(), organisation.name));
            allowed.push(Some(organisation.id));
        }
    }
    if reach == Reach::Partnership {
        options.insert(0, (String::new(), shell.t("record.partnership")));
        allowed.insert(0, None);
    }
    Ok((options, allowed))
}

pub async fn new_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
) -> Result<Response> {
    let (holders, allowed) = holders(&state, &shell, &user).await?;
    page(&FormPage {
        form: RecordForm {
            channel: Channel::InPerson.as_str().into(),
            organisation_id: allowed
                .first()
                .copied()
                .flatten()
                .map(|id| id.to_string())
                .unwrap_or_default(),
            lawful_basis: LawfulBasis::Consent.as_str().into(),
            purpose: shell.t("record.new.default_purpose"),
            ..RecordForm::default()
        },
        shell,
        id: None,
        errors: FieldErrors::default(),
        holders,
    })
}

pub async fn create(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    StrictForm(form): StrictForm<RecordForm>,
) -> Result<Response> {
    let (holders, allowed) = holders(&state, &shell, &user).await?;
    let mut errors = FieldErrors::default();
    let checked = form.check(&shell, &mut errors);
    let holding = form.check_holding(&shell, &allowed, &mut errors);
    let (Some(checked), Some(holding)) = (checked, holding) else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage {
                shell,
                id: None,
                form,
                errors,
                holders,
            },
        );
    };
    let mut tx = state.db.begin_write().await?;
    let id = store::record::create(
        &mut tx,
        &checked.new_person(&holding),
        &checked.details,
        Some(user.account_id),
    )
    .await?;
    consent::give(
        &mut tx,
        &NewConsent {
            account_id: None,
            coordination_person_id: Some(id),
            record_kind: RecordKind::Support,
            record_id: None,
            purpose: &holding.purpose,
            lawful_basis: holding.basis,
            given_by: Some(user.account_id),
            channel: holding.channel,
        },
        db::now(),
    )
    .await?;
    changed(
        &mut tx,
        &user,
        &ip,
        Action::PersonRecordCreated,
        id,
        format!(
            "record of support by {}, basis {}",
            holding.channel.as_str(),
            holding.basis.as_str()
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!("/people/{id}?done=created")))
}

/// The record's details as label–value pairs, empty ones left out.
fn facts(shell: &Shell, record: &Record, holder: &str) -> Vec<(String, String)> {
    let person = &record.person;
    let mut facts = vec![
        (
            shell.t("record.field.preferred_name"),
            record.preferred_name.clone(),
        ),
        (
            shell.t("record.field.date_of_birth"),
            record.date_of_birth.map(plain::date).unwrap_or_default(),
        ),
        (shell.t("record.field.phone"), person.phone.clone()),
        (
            shell.t("record.field.email"),
            person.email.clone().unwrap_or_default(),
        ),
        (shell.t("record.field.address"), record.address.clone()),
        (shell.t("record.field.postcode"), record.postcode.clone()),
        (
            shell.t("record.field.contact_by"),
            record
                .contact_by
                .map(|c| shell.t(&c.label_key()))
                .unwrap_or_default(),
        ),
        (shell.t("record.field.languages"), record.languages.clone()),
        (
            shell.t("record.field.communication_needs"),
            record.communication_needs.clone(),
        ),
        (
            shell.t("record.field.speaks_for_them"),
            record.speaks_for_them.clone(),
        ),
    ];
    facts.retain(|(_, value)| !value.is_empty());
    facts.push((shell.t("record.field.held_by"), holder.to_owned()));
    facts
}

/// A goal as the record's summary shows it.
pub struct GoalLine {
    pub goal: String,
    pub status: String,
    pub actions: usize,
    pub done: usize,
}

/// An offer the person makes, as a line.
pub struct GivingLine {
    pub description: String,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "people/record.html")]
struct RecordPage {
    shell: Shell,
    done: String,
    id: i64,
    name: String,
    basis: &'static str,
    facts: Vec<(String, String)>,
    what_matters: Vec<String>,
    review: String,
    goals: Vec<GoalLine>,
    /// (ring label, how many ties)
    rings: Vec<(String, usize)>,
    offers: Vec<GivingLine>,
    hours_given: String,
    stars: Vec<i64>,
    /// Where to start a personal star kept on the record, for a reader who
    /// works on the holding organisation's stars.
    start_star: Option<String>,
    /// Whether the reader coordinates for the holder (the desk's pages).
    coordinator: bool,
    /// The teams holding the person on their caseload: (id, name, whether
    /// the reader is a member).
    teams: Vec<(i64, String, bool)>,
}

pub async fn show(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let found = held(&mut tx, &user, id).await?;
    read(&mut tx, &user, &ip, &found, "person's record").await?;
    let teams = crate::teams::store::holding(&mut tx, id, user.account_id).await?;
    let record = found.record;
    let holder = store::record::holder_name(&mut tx, record.person.organisation_id)
        .await?
        .unwrap_or_else(|| shell.t("record.partnership"));
    let basis = match store::record::basis(&mut tx, id).await? {
        Basis::Stands => "stands",
        Basis::Withdrawn => "withdrawn",
        Basis::Unrecorded => "unrecorded",
    };
    let goals = store::plan::goals(&mut tx, id)
        .await?
        .into_iter()
        .map(|g| GoalLine {
            status: shell.t(&g.status.label_key()),
            actions: g.actions.len(),
            done: g.actions.iter().filter(|a| a.done).count(),
            goal: g.goal,
        })
        .collect();
    let ties = store::circle::list(&mut tx, id).await?;
    let rings = Layer::ALL
        .iter()
        .map(|layer| {
            (
                shell.t(&layer.label_key()),
                ties.iter().filter(|t| t.layer == *layer).count(),
            )
        })
        .collect();
    let offers = coordination::offers::for_person(&mut tx, id)
        .await?
        .into_iter()
        .map(|o| GivingLine {
            description: o.description,
            open: o.open,
        })
        .collect();
    let hours_given = plain::minutes(store::record::minutes_given(&mut tx, id).await?);
    let stars = store::record::personal_stars(&mut tx, id, record.person.account_id)
        .await?
        .into_iter()
        .map(|(star, _)| star)
        .collect();
    tx.commit().await?;
    page(&RecordPage {
        done: flash.message(&shell),
        facts: facts(&shell, &record, &holder),
        what_matters: paragraphs(&record.what_matters),
        review: record.plan_review_on.map(plain::date).unwrap_or_default(),
        coordinator: user.may(COORDINATING_ROLES, record.person.organisation_id),
        start_star: record
            .person
            .organisation_id
            .filter(|org| user.may(crate::access::STAFF_ROLES, Some(*org)))
            .map(|org| format!("/star/{org}/people?person={id}")),
        name: record.person.display_name,
        teams: teams
            .teams
            .iter()
            .map(|(team, name)| {
                (
                    *team,
                    name.clone(),
                    teams.reader_teams.iter().any(|(mine, _)| mine == team),
                )
            })
            .collect(),
        shell,
        id,
        basis,
        goals,
        rings,
        offers,
        hours_given,
        stars,
    })
}

fn form_of(record: &Record) -> RecordForm {
    RecordForm {
        display_name: record.person.display_name.clone(),
        preferred_name: record.preferred_name.clone(),
        date_of_birth: record
            .date_of_birth
            .map(|d| d.to_string())
            .unwrap_or_default(),
        phone: record.person.phone.clone(),
        email: record.person.email.clone().unwrap_or_default(),
        address: record.address.clone(),
        postcode: record.postcode.clone(),
        contact_by: record
            .contact_by
            .map(|c| c.key().to_owned())
            .unwrap_or_default(),
        languages: record.languages.clone(),
        communication_needs: record.communication_needs.clone(),
        speaks_for_them: record.speaks_for_them.clone(),
        what_matters: record.what_matters.clone(),
        ..RecordForm::default()
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let found = held(&mut tx, &user, id).await?;
    read(&mut tx, &user, &ip, &found, "person's record, to change it").await?;
    let record = found.record;
    tx.commit().await?;
    page(&FormPage {
        shell,
        id: Some(id),
        form: form_of(&record),
        errors: FieldErrors::default(),
        holders: Vec::new(),
    })
}

pub async fn update(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<RecordForm>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    held(&mut tx, &user, id).await?;
    let mut errors = FieldErrors::default();
    let Some(checked) = form.check(&shell, &mut errors) else {
        tx.rollback().await?;
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage {
                shell,
                id: Some(id),
                form,
                errors,
                holders: Vec::new(),
            },
        );
    };
    store::record::save_contact(
        &mut tx,
        id,
        &checked.display_name,
        &checked.phone,
        checked.email.as_deref(),
    )
    .await?;
    store::record::save_details(&mut tx, id, &checked.details).await?;
    changed(
        &mut tx,
        &user,
        &ip,
        Action::PersonRecordUpdated,
        id,
        "who they are, contact, what matters".into(),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!("/people/{id}?done=saved")))
}
