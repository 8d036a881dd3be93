//! The star in coprod's JSON API. A token acts for one organisation: it
//! reads that organisation's star report and initiatives, and adds
//! initiatives to it.

use axum::{Extension, Json, body::Bytes, extract::State, http::StatusCode};
use coprod_engine::{explorer::Stage, self_assessment::Co};
use serde::{Deserialize, Serialize};
use utoipa::{
    ToSchema,
    openapi::{ArrayBuilder, RefOr, schema::Schema},
};

use super::{
    model::{AimedOutcome, Partner, TalkingPoint},
    report::{self, StarReport},
    store::{
        SaveError,
        initiatives::{self, InitiativeInput},
    },
};
use crate::{
    api::{ApiClient, openapi},
    app::AppState,
    error::{AppError, Problem, Result},
};

#[utoipa::path(get, path = "/api/v1/star/report", tag = "star",
    responses((status = 200, body = StarReport), (status = 401, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
/// The token's organisation: its latest star and its initiatives with
/// their business cases, in the shape `coprod star report --json` prints.
pub async fn report(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
) -> Result<Json<StarReport>> {
    report::build(&state.db, Some(client.organisation_id))
        .await?
        .map(Json)
        .ok_or(AppError::NotFound)
}

/// An initiative as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct InitiativeItem {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub service: String,
    /// `proposed`, `running` or `ended`.
    pub stage: String,
    pub cos: Vec<String>,
    pub partners: Vec<String>,
    /// Talking Points outcome keys.
    pub talking_points: Vec<String>,
    /// Outcomes in the organisation's own words.
    pub own_outcomes: Vec<String>,
    pub locality_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct InitiativeList {
    pub items: Vec<InitiativeItem>,
}

fn item(i: initiatives::Initiative) -> InitiativeItem {
    InitiativeItem {
        id: i.id,
        stage: i.stage.key().to_owned(),
        cos: i.cos.iter().map(|c| c.key().to_owned()).collect(),
        partners: i.partners.iter().map(|p| p.key().to_owned()).collect(),
        talking_points: i
            .outcomes
            .iter()
            .filter_map(|o| match o {
                AimedOutcome::TalkingPoint(p) => Some(p.key().to_owned()),
                AimedOutcome::OwnWords(_) => None,
            })
            .collect(),
        own_outcomes: i
            .outcomes
            .iter()
            .filter_map(|o| match o {
                AimedOutcome::OwnWords(w) => Some(w.clone()),
                AimedOutcome::TalkingPoint(_) => None,
            })
            .collect(),
        name: i.name,
        description: i.description,
        service: i.service,
        locality_id: i.locality_id,
    }
}

#[utoipa::path(get, path = "/api/v1/star/initiatives", tag = "star",
    responses((status = 200, body = InitiativeList), (status = 401, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
/// The token's organisation's initiatives.
pub async fn initiatives(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
) -> Result<Json<InitiativeList>> {
    let items = initiatives::list(&state.db, client.organisation_id)
        .await?
        .into_iter()
        .map(item)
        .collect();
    Ok(Json(InitiativeList { items }))
}

/// A new initiative.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInitiative {
    #[schema(schema_with = openapi::line_of_text)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: String,
    #[schema(schema_with = openapi::line_of_text)]
    pub service: String,
    #[schema(schema_with = stage_schema)]
    pub stage: String,
    /// One or more of the Four Co's.
    #[schema(schema_with = cos_schema)]
    pub cos: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = partners_schema)]
    pub partners: Vec<String>,
    /// Talking Points outcomes the initiative aims at.
    #[serde(default)]
    #[schema(schema_with = talking_points_schema)]
    pub talking_points: Vec<String>,
    /// Outcomes in the organisation's own words, one line each.
    #[serde(default)]
    #[schema(schema_with = own_outcomes_schema)]
    pub own_outcomes: Vec<String>,
}

fn stage_schema() -> RefOr<Schema> {
    openapi::one_of_keys("Where the initiative stands", Stage::ALL.map(Stage::key))
}

fn cos_schema() -> ArrayBuilder {
    ArrayBuilder::new()
        .items(openapi::one_of_keys(
            "One of the Four Co's",
            Co::ALL.map(Co::key),
        ))
        .min_items(Some(1))
}

fn partners_schema() -> ArrayBuilder {
    ArrayBuilder::new().items(openapi::one_of_keys(
        "Who co-produces it with the organisation",
        Partner::ALL.iter().map(|p| p.key()),
    ))
}

fn talking_points_schema() -> ArrayBuilder {
    ArrayBuilder::new().items(openapi::one_of_keys(
        "A Talking Points outcome",
        TalkingPoint::ALL.iter().map(|p| p.key()),
    ))
}

fn own_outcomes_schema() -> ArrayBuilder {
    ArrayBuilder::new().items(openapi::line_of_text())
}

fn check(new: &NewInitiative) -> std::result::Result<InitiativeInput, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut problem = |field: String, message: &str| {
        problems.push(Problem {
            field,
            message: message.to_owned(),
        });
    };
    let line = |raw: &str| coprod_engine::people::LineOfText::parse(raw).ok();
    let name = line(&new.name);
    if name.is_none() {
        problem(
            "/name".into(),
            "must be text of 1 to 200 characters on one line",
        );
    }
    let service = line(&new.service);
    if service.is_none() {
        problem(
            "/service".into(),
            "must be text of 1 to 200 characters on one line",
        );
    }
    let stage = Stage::parse(&new.stage).ok();
    if stage.is_none() {
        problem("/stage".into(), "must be proposed, running or ended");
    }
    let mut cos = Vec::new();
    for (i, raw) in new.cos.iter().enumerate() {
        match Co::parse(raw) {
            Ok(co) if !cos.contains(&co) => cos.push(co),
            Ok(_) => {}
            Err(_) => problem(
                format!("/cos/{i}"),
                "must be co_commissioning, co_design, co_delivery or co_assessment",
            ),
        }
    }
    if new.cos.is_empty() {
        problem("/cos".into(), "must name at least one of the Four Co's");
    }
    let mut partners = Vec::new();
    for (i, raw) in new.partners.iter().enumerate() {
        match Partner::parse(raw) {
            Some(p) if !partners.contains(&p) => partners.push(p),
            Some(_) => {}
            None => problem(
                format!("/partners/{i}"),
                "must be users, carers, volunteers, community_groups or staff",
            ),
        }
    }
    let mut outcomes = Vec::new();
    for (i, raw) in new.talking_points.iter().enumerate() {
        match TalkingPoint::parse(raw) {
            Some(p) => outcomes.push(AimedOutcome::TalkingPoint(p)),
            None => problem(
                format!("/talking_points/{i}"),
                "is not a Talking Points outcome",
            ),
        }
    }
    for (i, raw) in new.own_outcomes.iter().enumerate() {
        match line(raw) {
            Some(words) => outcomes.push(AimedOutcome::OwnWords(words.as_str().to_owned())),
            None => problem(
                format!("/own_outcomes/{i}"),
                "must be text of 1 to 200 characters on one line",
            ),
        }
    }
    if new.description.chars().count() > super::initiative_form::MAX_DESCRIPTION_CHARS {
        problem("/description".into(), "must be at most 5,000 characters");
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    partners.sort();
    cos.sort();
    Ok(InitiativeInput {
        name: name.map(|n| n.as_str().to_owned()).unwrap_or_default(),
        description: new.description.trim().to_owned(),
        service: service.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        locality_id: None,
        stage,
        cos,
        partners,
        outcomes,
        asset_service_id: None,
        budgeting_process_id: None,
        survey_id: None,
    })
}

#[utoipa::path(post, path = "/api/v1/star/initiatives", tag = "star",
    request_body = NewInitiative,
    responses((status = 201, body = InitiativeItem),
        (status = 409, description = "`name_taken`", body = crate::api::openapi::ErrorEnvelope),
        (status = 422, body = crate::api::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
/// Adds an initiative to the token's organisation.
pub async fn create_initiative(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    body: Bytes,
) -> Result<(StatusCode, Json<InitiativeItem>)> {
    let new: NewInitiative = serde_json::from_slice(&body).map_err(|e| {
        AppError::Unprocessable(vec![Problem {
            field: String::new(),
            message: format!("the body is not a new initiative: {e}"),
        }])
    })?;
    let input = check(&new).map_err(AppError::Unprocessable)?;
    let id = match initiatives::create(
        &mut *state.db.pool().acquire().await?,
        client.organisation_id,
        &input,
    )
    .await
    {
        Ok(id) => id,
        Err(SaveError::NameTaken) => {
            return Err(AppError::Conflict {
                code: "name_taken",
                key: "star.error.name_taken",
            });
        }
        Err(SaveError::Database(e)) => return Err(e.into()),
    };
    let created = initiatives::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(item(created))))
}
