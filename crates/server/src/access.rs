//! Who may use which route, decided in one place. Every route is declared
//! with an [`Access`] rule in its capability's route table; the router wraps
//! each one in [`guard`], and a test walks every declared route for every
//! role to prove the rule holds.

use axum::{
    extract::Request,
    http::{Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::MethodRouter,
};
use coprod_engine::people::Role;

use crate::{accounts::CurrentUser, api::ApiClient, app::AppState, error::AppError};

/// The rule a route applies before its handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Only people who are not signed in (sign-in and sign-up forms).
    SignedOut,
    /// Any signed-in person.
    SignedIn,
    /// A signed-in person holding at least one of these roles, anywhere.
    AnyRole(&'static [Role]),
    /// A machine client with a valid API token.
    ApiToken,
}

/// Partnership administrators only.
pub const ADMIN: Access = Access::AnyRole(&[Role::Admin]);
/// Staff who act for others: coordinators, link workers, managers, admins.
pub const STAFF: Access = Access::AnyRole(&[
    Role::Coordinator,
    Role::LinkWorker,
    Role::Manager,
    Role::Admin,
]);

impl Access {
    /// Whether a person (or nobody) passes this rule. API routes are decided
    /// by token, not by person, so people never pass `ApiToken`.
    pub fn admits(self, user: Option<&CurrentUser>) -> bool {
        match self {
            Access::Public => true,
            Access::SignedOut => user.is_none(),
            Access::SignedIn => user.is_some(),
            Access::AnyRole(roles) => user.is_some_and(|u| roles.iter().any(|r| u.has_role(*r))),
            Access::ApiToken => false,
        }
    }
}

/// One route of a capability: where, which method, who may use it, and the
/// handler.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub handler: MethodRouter<AppState>,
}

impl Route {
    pub fn new(
        method: Method,
        path: &'static str,
        access: Access,
        handler: MethodRouter<AppState>,
    ) -> Self {
        Self {
            method,
            path,
            access,
            handler,
        }
    }
}

/// Applies a route's [`Access`] rule.
pub async fn guard(access: Access, request: Request, next: Next) -> Response {
    match access {
        Access::Public => next.run(request).await,
        Access::ApiToken => {
            if request.extensions().get::<ApiClient>().is_some() {
                next.run(request).await
            } else {
                AppError::Unauthenticated.into_response()
            }
        }
        Access::SignedOut => {
            if request.extensions().get::<CurrentUser>().is_some() {
                redirect("/account")
            } else {
                next.run(request).await
            }
        }
        rule => {
            let user = request.extensions().get::<CurrentUser>();
            if rule.admits(user) {
                next.run(request).await
            } else if user.is_some() {
                AppError::Forbidden.into_response()
            } else {
                let back = request
                    .uri()
                    .path_and_query()
                    .map_or("/", |p| p.as_str())
                    .to_owned();
                let target = format!(
                    "/sign-in?return_to={}",
                    percent_encoding::utf8_percent_encode(
                        &back,
                        percent_encoding::NON_ALPHANUMERIC
                    )
                );
                redirect(&target)
            }
        }
    }
}

/// A "see other" redirect, the right answer to a form post.
pub fn redirect(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location.to_owned())],
    )
        .into_response()
}
