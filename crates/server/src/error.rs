//! One error type for the application. A handler returns `Result<_, AppError>`;
//! the error becomes a response that carries an [`ErrorInfo`], and the
//! `render_errors` layer turns that into an HTML page for people or the
//! documented JSON envelope under `/api`.

use crate::db::StoreError;
use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};

/// The result type of handlers and the services they call.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist (or the caller may not know it does).
    #[error("not found")]
    NotFound,
    /// Not found, with a message that says what was missing.
    #[error("not found: {0}")]
    NotFoundKey(&'static str),
    /// Signed-in, but the roles held do not allow this.
    #[error("forbidden")]
    Forbidden,
    /// Must sign in (pages) or present a valid token (API) first.
    #[error("unauthenticated")]
    Unauthenticated,
    /// The form's anti-forgery token was missing or wrong.
    #[error("csrf")]
    Csrf,
    /// The request itself is malformed: a message key and the field at fault.
    #[error("bad request: {key}")]
    BadRequest {
        key: &'static str,
        field: Option<&'static str>,
    },
    /// A submitted document has problems, each at a path (API clients).
    #[error("{} problem(s) in the document", .0.len())]
    Unprocessable(Vec<Problem>),
    /// The request clashes with the state of things (a slot just booked,
    /// a proposal already answered): a stable code and a message key.
    #[error("conflict: {code}")]
    Conflict {
        code: &'static str,
        key: &'static str,
    },
    /// Too many attempts; try again later.
    #[error("too many requests")]
    TooManyRequests,
    /// The body is larger than the configured limit.
    #[error("payload too large")]
    PayloadTooLarge,
    /// Something on our side failed. Logged once, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The one place a store's error becomes what the user sees: a missing
/// record is "not found", a refused write is a conflict ("that clashes
/// with what is already there"), and anything else is our failure.
/// Handlers that can say more (which field holds a taken name) match the
/// [`StoreError`] before it gets here.
impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict { .. } => AppError::Conflict {
                code: "conflict",
                key: "error.conflict",
            },
            error @ (StoreError::InvalidData { .. } | StoreError::Database(_)) => {
                AppError::Internal(error.into())
            }
        }
    }
}

/// Driver errors from code that queries without a store go the same way.
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        StoreError::from(error).into()
    }
}

impl From<crate::db::DbError> for AppError {
    fn from(error: crate::db::DbError) -> Self {
        AppError::Internal(error.into())
    }
}

impl From<askama::Error> for AppError {
    fn from(error: askama::Error) -> Self {
        AppError::Internal(error.into())
    }
}

/// One problem in a submitted document, at a JSON path.
#[derive(Debug, Clone)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

/// The problems of an `Unprocessable` error, carried on the response for
/// the renderer.
#[derive(Debug, Clone)]
pub struct Problems(pub Vec<Problem>);

/// What the renderer needs to describe an error; attached to the response.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// A stable, machine-readable code, e.g. `not_found`.
    pub code: &'static str,
    /// Message catalogue key for the human explanation.
    pub message_key: &'static str,
    /// The form or query field at fault, if any.
    pub field: Option<&'static str>,
}

impl AppError {
    pub fn bad_request(key: &'static str, field: &'static str) -> Self {
        AppError::BadRequest {
            key,
            field: Some(field),
        }
    }

    fn status_and_info(&self) -> (StatusCode, ErrorInfo) {
        let info = |code, message_key| ErrorInfo {
            code,
            message_key,
            field: None,
        };
        match self {
            AppError::NotFound => (StatusCode::NOT_FOUND, info("not_found", "error.not_found")),
            AppError::NotFoundKey(key) => (StatusCode::NOT_FOUND, info("not_found", key)),
            AppError::Forbidden => (StatusCode::FORBIDDEN, info("forbidden", "error.forbidden")),
            AppError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                info("unauthenticated", "error.unauthenticated"),
            ),
            AppError::Csrf => (StatusCode::FORBIDDEN, info("csrf", "error.csrf")),
            AppError::BadRequest { key, field } => (
                StatusCode::BAD_REQUEST,
                ErrorInfo {
                    code: "bad_request",
                    message_key: key,
                    field: *field,
                },
            ),
            AppError::Unprocessable(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                info("invalid", "error.invalid"),
            ),
            AppError::Conflict { code, key } => (StatusCode::CONFLICT, info(code, key)),
            AppError::TooManyRequests => (
                StatusCode::TOO_MANY_REQUESTS,
                info("too_many_requests", "error.too_many_requests"),
            ),
            AppError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                info("payload_too_large", "error.payload_too_large"),
            ),
            AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                info("internal", "error.internal"),
            ),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(error) = &self {
            tracing::error!(error = format!("{error:#}"), "request failed");
        }
        let (status, info) = self.status_and_info();
        let mut response = status.into_response();
        response.extensions_mut().insert(info);
        if let AppError::Unprocessable(problems) = self {
            response.extensions_mut().insert(Problems(problems));
        }
        response
    }
}

/// The error a status code alone implies, for responses made outside our
/// handlers (an unknown route, a wrong method, an over-large body).
pub fn info_for_status(status: StatusCode) -> ErrorInfo {
    let (code, message_key) = match status {
        StatusCode::NOT_FOUND => ("not_found", "error.not_found"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "error.method_not_allowed"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "error.payload_too_large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("unsupported_media_type", "error.unsupported_media_type")
        }
        StatusCode::UNAUTHORIZED => ("unauthenticated", "error.unauthenticated"),
        StatusCode::FORBIDDEN => ("forbidden", "error.forbidden"),
        StatusCode::TOO_MANY_REQUESTS => ("too_many_requests", "error.too_many_requests"),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "error.timeout"),
        s if s.is_client_error() => ("bad_request", "error.bad_request"),
        _ => ("internal", "error.internal"),
    };
    ErrorInfo {
        code,
        message_key,
        field: None,
    }
}
