//! How the public HSDS API is described in `/api/openapi.json`: its query
//! parameters and the shapes of its answers.
//!
//! The answers are HSDS 3.0 documents stored whole, so each shape names only
//! what coprod itself checks before storing a document (and therefore
//! promises); a document may carry any other HSDS 3.0 field besides.
//! The handlers read their parameters as text and check them themselves
//! (`hsds_api`); the types here are what those checks accept.
#![expect(
    dead_code,
    reason = "these types describe the API for the OpenAPI document; the handlers build JSON"
)]

use utoipa::{IntoParams, ToSchema};

/// Which page of a list, and how long a page is.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HsdsPaging {
    /// From 1 to 1,000,000 (`LAST_POSSIBLE_PAGE`); 1 when left out.
    #[param(minimum = 1, maximum = 1_000_000)]
    page: Option<i64>,
    /// 1 to 200; 50 when left out.
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<i64>,
}

/// Words to look for.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HsdsSearch {
    /// Words in the name (for services, also the description and the
    /// organisation); best match first when searching services.
    search: Option<String>,
}

/// What narrows a list of services.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HsdsServiceFilters {
    /// Only services with this taxonomy term among their attributes.
    taxonomy_term_id: Option<String>,
    /// Only services with a term from this taxonomy.
    taxonomy_id: Option<String>,
    /// Only services of this organisation.
    organization_id: Option<String>,
    /// Only services changed at or after this time (RFC 3339; a plain date
    /// `YYYY-MM-DD` means its midnight, UTC).
    #[param(format = DateTime)]
    modified_after: Option<String>,
    /// Only services suiting someone of at least this age: those with no
    /// upper age, or one at or above it.
    minimum_age: Option<f64>,
    /// Only services suiting someone of at most this age: those with no
    /// lower age, or one at or below it.
    maximum_age: Option<f64>,
}

/// Where a search is centred.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HsdsNear {
    /// A UK postcode in the imported postcode directory, in any case, with or
    /// without the space: entries within `proximity` of it, nearest first.
    /// One not in the directory is refused with 400.
    #[param(pattern = r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$")]
    postcode: Option<String>,
    /// The radius in metres, 1 to 200,000; 5,000 when left out. Only with
    /// `postcode` (alone it is refused with 400).
    #[param(minimum = 1, maximum = 200_000)]
    proximity: Option<f64>,
}

/// Terms of one taxonomy only.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HsdsTermFilter {
    /// Only the terms of this taxonomy.
    taxonomy_id: Option<String>,
}

/// What the API is.
#[derive(ToSchema)]
pub struct HsdsRoot {
    /// The HSDS version followed: `3.0`.
    #[schema(pattern = r"^3\.0$")]
    version: String,
    /// Where the profile is described.
    profile: String,
    /// Where this API is described (this document).
    openapi_url: String,
}

/// The organisation a service belongs to.
#[derive(ToSchema)]
pub struct HsdsOrganization {
    id: String,
    name: String,
}

/// A service. A list shows it without its nested collections (phones,
/// schedules, service areas, places, languages, funding, costs, documents,
/// contacts, attributes and metadata); read on its own it has them all.
#[derive(ToSchema)]
pub struct HsdsService {
    /// Never only white space.
    id: String,
    /// Never only white space.
    name: String,
    #[schema(schema_with = status)]
    status: String,
    description: Option<String>,
    /// The lowest age it is for; never above `maximum_age`.
    minimum_age: Option<f64>,
    /// The highest age it is for.
    maximum_age: Option<f64>,
    organization_id: Option<String>,
    /// The organisation, when the directory holds it.
    organization: Option<HsdsOrganization>,
}

fn status() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    crate::api::openapi::one_of_keys(
        "Whether the service runs",
        coprod_engine::hsds::STATUSES.iter().copied(),
    )
}

/// A service at one of its places.
#[derive(ToSchema)]
pub struct HsdsServiceAtLocation {
    id: String,
    service_id: String,
    location_id: String,
    /// The service as a list shows it.
    service: HsdsService,
    /// The place, as the service's document describes it. The entry may
    /// also carry the `description` the service gives this place.
    #[schema(value_type = Option<Object>)]
    location: Option<()>,
}

/// An organisation in the directory. A list shows it without its nested
/// collections; read on its own it has them all.
#[derive(ToSchema)]
pub struct HsdsDirectoryOrganization {
    id: String,
    name: String,
}

/// A taxonomy (a vocabulary of terms).
#[derive(ToSchema)]
pub struct HsdsTaxonomy {
    id: String,
    name: String,
}

/// A term of a taxonomy.
#[derive(ToSchema)]
pub struct HsdsTaxonomyTerm {
    id: String,
    name: String,
}

macro_rules! page {
    ($name:ident, $item:ty, $what:literal) => {
        #[doc = concat!("A page of ", $what, ", with where it lies among them all.")]
        #[derive(ToSchema)]
        pub struct $name {
            /// How many there are in all.
            #[schema(minimum = 0)]
            total_items: i64,
            /// How many pages of this size they fill.
            #[schema(minimum = 0)]
            total_pages: i64,
            /// This page's number, from 1.
            #[schema(minimum = 1)]
            page_number: i64,
            /// How many this page holds.
            #[schema(minimum = 0)]
            size: i64,
            first_page: bool,
            /// True also for a page past the end.
            last_page: bool,
            /// True when this page holds none.
            empty: bool,
            contents: Vec<$item>,
        }
    };
}

page!(HsdsServicePage, HsdsService, "services");
page!(
    HsdsServiceAtLocationPage,
    HsdsServiceAtLocation,
    "services at their places"
);
page!(
    HsdsOrganizationPage,
    HsdsDirectoryOrganization,
    "organisations"
);
page!(HsdsTaxonomyPage, HsdsTaxonomy, "taxonomies");
page!(HsdsTaxonomyTermPage, HsdsTaxonomyTerm, "taxonomy terms");

// The documented page limit is written out above (the macro takes only
// literals); it must stay the one the handlers check.
const _: () = assert!(crate::web::paging::LAST_POSSIBLE_PAGE == 1_000_000);
