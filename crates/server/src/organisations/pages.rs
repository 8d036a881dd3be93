use askama::Template;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::people::{LineOfText, Sector};
use serde::Deserialize;

use super::store::{self, Locality, Organisation, SaveError};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    error::{AppError, Result},
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct OrganisationForm {
    name: String,
    sector: String,
    locality_id: String,
}

impl OrganisationForm {
    fn from_organisation(organisation: &Organisation) -> Self {
        Self {
            name: organisation.name.clone(),
            sector: organisation.sector.clone(),
            locality_id: organisation
                .locality_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
        }
    }

    fn parse(
        &self,
        shell: &Shell,
        localities: &[Locality],
        errors: &mut FieldErrors,
    ) -> Option<(LineOfText, Sector, Option<i64>)> {
        let name = LineOfText::parse(&self.name)
            .map_err(|e| errors.add("name", shell.t(e.key)))
            .ok();
        let sector = Sector::parse(&self.sector)
            .map_err(|e| errors.add("sector", shell.t(e.key)))
            .ok();
        let locality = if self.locality_id.is_empty() {
            Some(None)
        } else {
            match self.locality_id.parse::<i64>() {
                Ok(id) if localities.iter().any(|l| l.id == id) => Some(Some(id)),
                _ => {
                    errors.add("locality_id", shell.t("error.locality.unknown"));
                    None
                }
            }
        };
        Some((name?, sector?, locality?))
    }
}

#[derive(Template)]
#[template(path = "organisations/list.html")]
struct ListPage {
    shell: Shell,
    organisations: Vec<Organisation>,
    localities: Vec<Locality>,
    form: OrganisationForm,
    errors: FieldErrors,
}

pub async fn list(State(state): State<AppState>, shell: Shell) -> Result<Response> {
    page(&ListPage {
        shell,
        organisations: store::list(&state.db).await?,
        localities: store::localities(&state.db).await?,
        form: OrganisationForm::default(),
        errors: FieldErrors::default(),
    })
}

pub async fn create(
    State(state): State<AppState>,
    shell: Shell,
    axum::Extension(user): axum::Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    StrictForm(form): StrictForm<OrganisationForm>,
) -> Result<Response> {
    let localities = store::localities(&state.db).await?;
    let mut errors = FieldErrors::default();
    if let Some((name, sector, locality)) = form.parse(&shell, &localities, &mut errors) {
        let mut tx = state.db.begin_write().await?;
        match store::create_in(&mut tx, &name, sector, locality).await {
            Ok(id) => {
                audit::record_in(
                    &mut tx,
                    Event::new(Action::OrganisationCreated, Some(user.account_id), &ip)
                        .subject("organisation", id)
                        .detail(name.as_str()),
                )
                .await?;
                tx.commit().await?;
                return Ok(redirect(&format!("/admin/organisations/{id}")));
            }
            Err(SaveError::NameTaken) => {
                errors.add("name", shell.t("error.organisation.name_taken"));
            }
            Err(SaveError::UnknownLocality) => {
                errors.add("locality_id", shell.t("error.locality.unknown"));
            }
            Err(SaveError::Database(e)) => return Err(e.into()),
        }
    }
    page_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ListPage {
            shell,
            organisations: store::list(&state.db).await?,
            localities,
            form,
            errors,
        },
    )
}

#[derive(Template)]
#[template(path = "organisations/show.html")]
struct ShowPage {
    shell: Shell,
    organisation: Organisation,
    localities: Vec<Locality>,
    members: Vec<(i64, String, String, String)>,
    form: OrganisationForm,
    errors: FieldErrors,
}

pub async fn show(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<i64>,
) -> Result<Response> {
    let organisation = store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    page(&ShowPage {
        shell,
        form: OrganisationForm::from_organisation(&organisation),
        members: store::members(&state.db, id).await?,
        localities: store::localities(&state.db).await?,
        organisation,
        errors: FieldErrors::default(),
    })
}

pub async fn update(
    State(state): State<AppState>,
    shell: Shell,
    axum::Extension(user): axum::Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<OrganisationForm>,
) -> Result<Response> {
    let organisation = store::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let localities = store::localities(&state.db).await?;
    let mut errors = FieldErrors::default();
    if let Some((name, sector, locality)) = form.parse(&shell, &localities, &mut errors) {
        let mut tx = state.db.begin_write().await?;
        match store::update(&mut tx, id, &name, sector, locality).await {
            Ok(_) => {
                audit::record_in(
                    &mut tx,
                    Event::new(Action::OrganisationUpdated, Some(user.account_id), &ip)
                        .subject("organisation", id)
                        .detail(name.as_str()),
                )
                .await?;
                tx.commit().await?;
                return Ok(redirect(&format!("/admin/organisations/{id}")));
            }
            Err(SaveError::NameTaken) => {
                errors.add("name", shell.t("error.organisation.name_taken"));
            }
            Err(SaveError::UnknownLocality) => {
                errors.add("locality_id", shell.t("error.locality.unknown"));
            }
            Err(SaveError::Database(e)) => return Err(e.into()),
        }
    }
    page_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ShowPage {
            shell,
            members: store::members(&state.db, id).await?,
            organisation,
            localities,
            form,
            errors,
        },
    )
}
