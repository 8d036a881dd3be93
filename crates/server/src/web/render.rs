use askama::Template;
use axum::{
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::error::AppError;

/// Marks a response as a finished page, so the error layer leaves it alone
/// even when its status is 4xx (a form shown again with its errors).
#[derive(Clone, Copy, Debug)]
pub struct Rendered;

/// A page, status 200.
pub fn page(template: &impl Template) -> Result<Response, AppError> {
    page_with_status(StatusCode::OK, template)
}

/// A page with another status: 422 for a form with errors, 404 for a page
/// explaining a dead link.
pub fn page_with_status(
    status: StatusCode,
    template: &impl Template,
) -> Result<Response, AppError> {
    let html = template.render()?;
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response();
    response.extensions_mut().insert(Rendered);
    Ok(response)
}
