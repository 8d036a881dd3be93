//! The coordinators' side of the asset map: their organisations' listings,
//! with the ones not checked for a year flagged; adding and editing a
//! listing; confirming one is still right.

use super::{
    listing_form::{Listing, ListingForm},
    store::{self, keeping},
};
use crate::{
    access::{Access, Route, redirect},
    accounts::CurrentUser,
    app::AppState,
    crypto,
    db::{self, StoreError},
    error::{AppError, Result},
    organisations::store as organisations,
    places::store as places,
    web::{FieldErrors, NoFields, Shell, StrictForm, page, page_with_status},
};
use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::{Method, StatusCode},
    response::Response,
    routing::{get, post},
};
use coprod_engine::{people::Role, place::Postcode};
use serde_json::Value;

/// Those who keep listings: coordinators and managers of an organisation,
/// and administrators.
pub const KEEPERS: Access = Access::AnyRole(&[Role::Coordinator, Role::Manager, Role::Admin]);

/// A listing not confirmed for this long is flagged for review.
pub const REVIEW_AFTER_SECONDS: i64 = 365 * 24 * 60 * 60;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/listings", KEEPERS, get(list)),
        Route::new(Method::GET, "/listings/new", KEEPERS, get(new_form)),
        Route::new(Method::POST, "/listings/new", KEEPERS, post(create)),
        Route::new(Method::GET, "/listings/{id}/edit", KEEPERS, get(edit_form)),
        Route::new(Method::POST, "/listings/{id}/edit", KEEPERS, post(update)),
        Route::new(
            Method::POST,
            "/listings/{id}/confirm",
            KEEPERS,
            post(confirm),
        ),
    ]
}

/// Those who keep an organisation's listings: its coordinators and
/// managers (and administrators, who reach every organisation).
pub const KEEPING_ROLES: &[Role] = &[Role::Coordinator, Role::Manager];

/// The organisations a person keeps listings for: where they coordinate or
/// manage, every organisation for those whose role covers the partnership.
pub async fn keeper_organisations(db: &db::Db, user: &CurrentUser) -> Result<Vec<(i64, String)>> {
    let all = organisations::names(db).await?;
    let reach = user.reach(KEEPING_ROLES);
    Ok(all
        .into_iter()
        .filter(|(id, _)| reach.covers(Some(*id)))
        .collect())
}

/// Whether a person may change a listing kept by `managed_by`.
pub fn may_keep(user: &CurrentUser, managed_by: Option<i64>) -> bool {
    user.may(KEEPING_ROLES, managed_by)
}

/// One row of the coordinator's list.
#[derive(Debug, Clone)]
pub struct KeptListing {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub needs_review: bool,
    pub open_reports: i64,
}

#[derive(Template)]
#[template(path = "asset_map/listings.html")]
struct ListPage {
    shell: Shell,
    listings: Vec<KeptListing>,
    to_review: usize,
}

async fn list(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
) -> Result<Response> {
    let organisations = keeper_organisations(&state.db, &user).await?;
    let stale_before = db::now() - REVIEW_AFTER_SECONDS;
    let keepers: Vec<i64> = organisations.iter().map(|(id, _)| *id).collect();
    let listings: Vec<KeptListing> = keeping::kept_listings(&state.db, &keepers)
        .await?
        .into_iter()
        .map(|row| KeptListing {
            id: row.id,
            name: row.name,
            organisation: row.organisation,
            needs_review: row.checked_at.is_none_or(|t| t < stale_before),
            open_reports: row.open_reports,
        })
        .collect();
    let to_review = listings.iter().filter(|l| l.needs_review).count();
    page(&ListPage {
        shell,
        listings,
        to_review,
    })
}

// The form's selects compare numeric organisation ids with the submitted
// text; the template makes a string of each id to do so.
#[expect(
    clippy::cmp_owned,
    reason = "ids are compared as the text the form submits"
)]
mod form_page {
    use super::{FieldErrors, ListingForm, Shell};

    #[derive(askama::Template)]
    #[template(path = "asset_map/listing_form.html")]
    pub(super) struct FormPage {
        pub(super) shell: Shell,
        pub(super) action: String,
        pub(super) heading_key: &'static str,
        pub(super) form: ListingForm,
        pub(super) organisations: Vec<(i64, String)>,
        pub(super) terms: Vec<(String, String)>,
        pub(super) errors: FieldErrors,
    }

    impl FormPage {
        fn days(&self) -> Vec<(&'static str, String)> {
            ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
                .into_iter()
                .map(|code| {
                    (
                        code,
                        self.shell
                            .t(&format!("listing.day.{}", code.to_lowercase())),
                    )
                })
                .collect()
        }
    }
}
use form_page::FormPage;

async fn terms(db: &db::Db) -> Result<Vec<(String, String)>> {
    Ok(keeping::terms(db).await?)
}

async fn new_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
) -> Result<Response> {
    let organisations = keeper_organisations(&state.db, &user).await?;
    let form = ListingForm {
        organisation_id: organisations
            .first()
            .map(|(id, _)| id.to_string())
            .unwrap_or_default(),
        ..ListingForm::default()
    };
    page(&FormPage {
        shell,
        action: "/listings/new".into(),
        heading_key: "listing.new_title",
        form,
        organisations,
        terms: terms(&state.db).await?,
        errors: FieldErrors::default(),
    })
}

/// The directory's record of a partnership organisation, made on first use.
async fn directory_organization(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    organisation_id: i64,
    now: i64,
) -> Result<Value> {
    if let Some(text) = keeping::directory_organization_of(tx, organisation_id).await? {
        return serde_json::from_str(&text)
            .map_err(|e| StoreError::invalid("directory_organizations.document", e).into());
    }
    let name = organisations::name_in(tx, organisation_id).await?;
    let document = serde_json::json!({ "id": crypto::uuid_v4(), "name": name, "description": "" });
    store::save_organization(tx, &document, now).await?;
    let directory_id = document["id"].as_str().unwrap_or_default();
    store::link_directory_organisation(tx, directory_id, organisation_id).await?;
    Ok(document)
}

/// Checks the form and saves the listing; the form again with its errors
/// when something is wrong.
async fn save(
    state: &AppState,
    shell: Shell,
    user: &CurrentUser,
    existing: Option<(Value, Option<i64>)>,
    form: ListingForm,
) -> Result<Response> {
    let organisations = keeper_organisations(&state.db, user).await?;
    let terms = terms(&state.db).await?;
    let place = match Postcode::parse(&form.postcode) {
        Ok(postcode) => places::lookup(&state.db, &postcode).await?,
        Err(_) => None,
    };
    let mut errors = FieldErrors::default();
    let checked: Option<Listing> =
        form.check(&shell, &organisations, &terms, place.as_ref(), &mut errors);
    let (Some(listing), Some(place)) = (checked, place) else {
        let action = existing
            .as_ref()
            .and_then(|(d, _)| d.get("id").and_then(Value::as_str))
            .map_or_else(
                || "/listings/new".to_owned(),
                |id| format!("/listings/{id}/edit"),
            );
        let heading_key = if existing.is_some() {
            "listing.edit_title"
        } else {
            "listing.new_title"
        };
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage {
                shell,
                action,
                heading_key,
                form,
                organisations,
                terms,
                errors,
            },
        );
    };
    let now = db::now();
    let moment =
        time::OffsetDateTime::from_unix_timestamp(now).map_err(|e| AppError::Internal(e.into()))?;
    let rfc3339 = moment
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| AppError::Internal(e.into()))?;
    let today = coprod_engine::schedule::Date::of_unix_seconds(now).to_string();
    let mut tx = state.db.pool().begin().await?;
    let organization = directory_organization(&mut tx, listing.organisation_id, now).await?;
    let document = listing.to_document(
        existing.as_ref().map(|(d, _)| d),
        &organization,
        &place,
        &rfc3339,
        &today,
    );
    let projection =
        match store::save_service(&mut tx, state.db.backend(), &document, "", now).await {
            Ok(projection) => projection,
            Err(store::SaveError::Invalid(problems)) => {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "the listing form made an invalid document: {problems:?}"
                )));
            }
            Err(store::SaveError::Database(error)) => return Err(error.into()),
        };
    keeping::keep(&mut tx, &projection.id, listing.organisation_id, now).await?;
    tx.commit().await?;
    Ok(redirect("/listings?saved=1"))
}

async fn create(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    StrictForm(form): StrictForm<ListingForm>,
) -> Result<Response> {
    save(&state, shell, &user, None, form).await
}

/// The stored document and keeper of a listing the person may change.
async fn kept(state: &AppState, user: &CurrentUser, id: &str) -> Result<(Value, Option<i64>)> {
    let (_, managed_by) = keeping::listing_keeper(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_keep(user, managed_by) {
        return Err(AppError::Forbidden);
    }
    let document = store::service_document(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((document, managed_by))
}

async fn edit_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Response> {
    let (document, managed_by) = kept(&state, &user, &id).await?;
    page(&FormPage {
        shell,
        action: format!("/listings/{id}/edit"),
        heading_key: "listing.edit_title",
        form: ListingForm::from_document(&document, managed_by),
        organisations: keeper_organisations(&state.db, &user).await?,
        terms: terms(&state.db).await?,
        errors: FieldErrors::default(),
    })
}

async fn update(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
    StrictForm(form): StrictForm<ListingForm>,
) -> Result<Response> {
    let existing = kept(&state, &user, &id).await?;
    save(&state, shell, &user, Some(existing), form).await
}

/// "Still correct": the listing was checked today.
async fn confirm(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<String>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    kept(&state, &user, &id).await?;
    keeping::confirm(&state.db, &id, db::now()).await?;
    Ok(redirect("/listings?confirmed=1"))
}
