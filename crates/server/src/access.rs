//! Who may use which route, and whose records they may touch, decided in
//! one place. Every route is declared with an [`Access`] rule in its
//! capability's route table; the router wraps each one in [`guard`], and a
//! test walks every declared route for every role to prove the rule holds.
//! Inside a route, records about people belong to an organisation, and
//! [`Reach`] says which organisations' records a person (through their
//! roles) or an API token (through its organisation) may work on.

use axum::{
    extract::Request,
    http::{Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::MethodRouter,
};
use std::collections::BTreeSet;

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
/// The roles of staff who act for others: coordinators, link workers,
/// managers, admins.
pub const STAFF_ROLES: &[Role] = &[
    Role::Coordinator,
    Role::LinkWorker,
    Role::Manager,
    Role::Admin,
];
/// Staff who act for others.
pub const STAFF: Access = Access::AnyRole(STAFF_ROLES);

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

/// A "see other" redirect, the right answer to a form post. A location that
/// cannot be a header (a control character) goes home instead, so the answer
/// is never a 303 without anywhere to go.
pub fn redirect(location: &str) -> Response {
    let target = header::HeaderValue::from_str(location).unwrap_or_else(|_| {
        tracing::warn!("a redirect's location could not be a header; sent home instead");
        header::HeaderValue::from_static("/")
    });
    (StatusCode::SEE_OTHER, [(header::LOCATION, target)]).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirect_always_says_where() {
        let fine = redirect("/help?week=2");
        assert_eq!(fine.status(), StatusCode::SEE_OTHER);
        assert_eq!(fine.headers()[header::LOCATION], "/help?week=2");
        let broken = redirect("/x\nSet-Cookie: a=b");
        assert_eq!(broken.status(), StatusCode::SEE_OTHER);
        assert_eq!(broken.headers()[header::LOCATION], "/");
    }
}

/// Whose records someone may work on, for the roles a task needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Every organisation's, and those held by the partnership itself:
    /// administrators, and people whose role covers the whole partnership.
    Partnership,
    /// Only these organisations' (perhaps none).
    Organisations(BTreeSet<i64>),
}

impl Reach {
    /// Reaches no records at all.
    pub fn nothing() -> Self {
        Reach::Organisations(BTreeSet::new())
    }

    /// Whether a record held by `organisation` is within reach. A record
    /// held by no organisation belongs to the partnership itself.
    pub fn covers(&self, organisation: Option<i64>) -> bool {
        match (self, organisation) {
            (Reach::Partnership, _) => true,
            (Reach::Organisations(ids), Some(id)) => ids.contains(&id),
            (Reach::Organisations(_), None) => false,
        }
    }

    /// Whether anything at all is within reach.
    pub fn is_nothing(&self) -> bool {
        matches!(self, Reach::Organisations(ids) if ids.is_empty())
    }

    /// A condition on an SQL column holding an organisation's id that is
    /// true exactly for the rows within reach. The ids are integers written
    /// in place, so nothing from a request reaches the SQL text.
    pub fn sql_condition(&self, column: &str) -> String {
        match self {
            Reach::Partnership => "1 = 1".to_owned(),
            Reach::Organisations(ids) if ids.is_empty() => "1 = 0".to_owned(),
            Reach::Organisations(ids) => {
                let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!("{column} IN ({})", ids.join(", "))
            }
        }
    }

    /// The organisation new records made under this reach belong to: the
    /// first one reached (by id), or the partnership (`None`) for those who
    /// reach it all.
    pub fn home(&self) -> Option<i64> {
        match self {
            Reach::Organisations(ids) => ids.first().copied(),
            Reach::Partnership => None,
        }
    }
}

impl CurrentUser {
    /// Whose records this person may work on with any of `roles`.
    /// Administrators reach the whole partnership whatever `roles` asks.
    pub fn reach(&self, roles: &[Role]) -> Reach {
        let mut organisations = BTreeSet::new();
        for membership in &self.memberships {
            if membership.role == Role::Admin {
                return Reach::Partnership;
            }
            if roles.contains(&membership.role) {
                match membership.organisation_id {
                    None => return Reach::Partnership,
                    Some(id) => {
                        organisations.insert(id);
                    }
                }
            }
        }
        Reach::Organisations(organisations)
    }

    /// Whether this person may work, with any of `roles`, on a record held
    /// by `organisation` (`None`: held by the partnership itself).
    pub fn may(&self, roles: &[Role], organisation: Option<i64>) -> bool {
        self.reach(roles).covers(organisation)
    }
}

impl ApiClient {
    /// A token works on its own organisation's records and nobody else's.
    pub fn reach(&self) -> Reach {
        Reach::Organisations(BTreeSet::from([self.organisation_id]))
    }
}
