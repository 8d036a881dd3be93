//! Market it: a co-production charter per service, saying for each party
//! what their role is, what they are responsible for and what they get
//! back. Drafts are changed freely; a manager approves one, and from then
//! on it is fixed: changes start the next version. The latest approved
//! version of each charter is public.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::people::LineOfText;

use super::{
    model::Party,
    scope,
    store::{
        SaveError,
        charters::{self, Charter, PartyTerms},
    },
};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    error::{AppError, Result},
    organisations::store::Organisation,
    web::{ClientIp, FieldErrors, NoFields, Shell, StrictForm, page, page_with_status},
};

/// The longest text in one box of the charter.
pub const MAX_TERM_CHARS: usize = 2_000;

/// Field names of a party's boxes: `carers_role`,
/// `carers_responsibilities`, `carers_incentives`.
fn field_names(party: Party) -> [String; 3] {
    ["role", "responsibilities", "incentives"].map(|part| format!("{}_{part}", party.key()))
}

/// One party's three boxes as the form shows them.
pub struct PartyFields {
    pub label: String,
    pub names: [String; 3],
}

#[derive(Debug, Clone, Default)]
pub struct CharterForm {
    fields: BTreeMap<String, String>,
}

impl CharterForm {
    pub fn value(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    fn from_charter(charter: &Charter) -> Self {
        let mut fields = BTreeMap::new();
        fields.insert("service".to_owned(), charter.service.clone());
        for party in Party::ALL {
            if let Some(terms) = charter.terms(*party) {
                for (name, value) in field_names(*party).into_iter().zip([
                    &terms.role,
                    &terms.responsibilities,
                    &terms.incentives,
                ]) {
                    fields.insert(name, value.clone());
                }
            }
        }
        Self { fields }
    }

    fn parse(
        &self,
        shell: &Shell,
        errors: &mut FieldErrors,
    ) -> Option<(String, Vec<(Party, PartyTerms)>)> {
        let service = LineOfText::parse(self.value("service"))
            .map_err(|e| errors.add("service", shell.t(e.key)))
            .ok();
        let mut parties = Vec::new();
        for party in Party::ALL {
            let names = field_names(*party);
            let texts = names
                .clone()
                .map(|name| self.value(&name).trim().to_owned());
            for (name, text) in names.iter().zip(&texts) {
                if text.chars().count() > MAX_TERM_CHARS {
                    errors.add(name.clone(), shell.t("star.error.note_too_long"));
                }
            }
            if texts.iter().all(String::is_empty) {
                continue;
            }
            if texts[0].is_empty() {
                errors.add(names[0].clone(), shell.t("star.error.charter_role"));
                continue;
            }
            let [role, responsibilities, incentives] = texts;
            parties.push((
                *party,
                PartyTerms {
                    role,
                    responsibilities,
                    incentives,
                },
            ));
        }
        if parties.is_empty() && errors.is_empty() {
            let [first, ..] = field_names(Party::ALL[0]);
            errors.add(first, shell.t("star.error.charter_empty"));
        }
        if !errors.is_empty() {
            return None;
        }
        Some((service?.as_str().to_owned(), parties))
    }
}

fn party_fields(shell: &Shell) -> Vec<PartyFields> {
    Party::ALL
        .iter()
        .map(|party| PartyFields {
            label: shell.t(&party.label_key()),
            names: field_names(*party),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "star/charters.html")]
struct ListPage {
    shell: Shell,
    organisation: Organisation,
    charters: Vec<Charter>,
    form: CharterForm,
    errors: FieldErrors,
    parties: Vec<PartyFields>,
}

pub async fn list(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(org): Path<i64>,
) -> Result<Response> {
    let organisation = scope::organisation(&state.db, &user, org).await?;
    page(&ListPage {
        charters: charters::list(&state.db, org).await?,
        parties: party_fields(&shell),
        form: CharterForm::default(),
        errors: FieldErrors::default(),
        organisation,
        shell,
    })
}

pub async fn save(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(org): Path<i64>,
    StrictForm(fields): StrictForm<BTreeMap<String, String>>,
) -> Result<Response> {
    let organisation = scope::organisation(&state.db, &user, org).await?;
    let form = CharterForm { fields };
    let mut errors = FieldErrors::default();
    if let Some((service, parties)) = form.parse(&shell, &mut errors) {
        match charters::save_draft(&state.db, org, &service, &parties).await {
            Ok(id) => return Ok(redirect(&format!("/star/charters/{id}?done=saved"))),
            Err(SaveError::NameTaken) => errors.add("service", shell.t("star.error.charter_busy")),
            Err(SaveError::Database(e)) => return Err(e.into()),
        }
    }
    page_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ListPage {
            charters: charters::list(&state.db, org).await?,
            parties: party_fields(&shell),
            form,
            errors,
            organisation,
            shell,
        },
    )
}

#[derive(Template)]
#[template(path = "star/charter.html")]
struct EditPage {
    shell: Shell,
    organisation: Organisation,
    charter: Charter,
    form: CharterForm,
    errors: FieldErrors,
    parties: Vec<PartyFields>,
    may_approve: bool,
    approved_on: String,
}

fn day_of(shell: &Shell, moment: Option<i64>) -> String {
    moment.map_or_else(
        || shell.t("star.charter.not_approved"),
        |m| coprod_engine::plain::date(coprod_engine::schedule::Date::of_unix_seconds(m)),
    )
}

async fn charter_for(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<(Charter, Organisation)> {
    let charter = charters::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let organisation = scope::organisation(&state.db, user, charter.organisation_id).await?;
    Ok((charter, organisation))
}

pub async fn edit(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
) -> Result<Response> {
    let (charter, organisation) = charter_for(&state, &user, id).await?;
    page(&EditPage {
        may_approve: scope::may_approve(&user, organisation.id),
        approved_on: day_of(&shell, charter.approved_at),
        form: CharterForm::from_charter(&charter),
        parties: party_fields(&shell),
        errors: FieldErrors::default(),
        charter,
        organisation,
        shell,
    })
}

pub async fn approve(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let (charter, organisation) = charter_for(&state, &user, id).await?;
    if !scope::may_approve(&user, organisation.id) {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.db.begin_write().await?;
    if !charters::approve(&mut tx, id, user.account_id).await? {
        return Err(AppError::Conflict {
            code: "already_approved",
            key: "star.error.already_approved",
        });
    }
    audit::record_in(
        &mut tx,
        Event::new(Action::StarCharterApproved, Some(user.account_id), &ip)
            .subject("star_charter", id)
            .detail(format!("{} v{}", charter.service, charter.version)),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!("/charters/{id}")))
}

#[derive(Template)]
#[template(path = "star/charters_public.html")]
struct PublishedPage {
    shell: Shell,
    charters: Vec<Charter>,
}

pub async fn published(State(state): State<AppState>, shell: Shell) -> Result<Response> {
    page(&PublishedPage {
        charters: charters::published(&state.db).await?,
        shell,
    })
}

#[derive(Template)]
#[template(path = "star/charter_public.html")]
struct PublicPage {
    shell: Shell,
    charter: Charter,
    parties: Vec<(String, PartyTerms)>,
    approved_on: String,
}

/// The public page shows the latest approved version; a draft is never
/// public, and an old link leads to the version in force.
pub async fn public_page(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
) -> Result<Response> {
    let charter = charters::latest_approved_like(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    page(&PublicPage {
        approved_on: day_of(&shell, charter.approved_at),
        parties: charter
            .parties
            .iter()
            .map(|(party, terms)| (shell.t(&party.label_key()), terms.clone()))
            .collect(),
        charter,
        shell,
    })
}
