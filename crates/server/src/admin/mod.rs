//! Administrators' pages for the people of the partnership and their roles.
//! (Organisations, API tokens and the audit log have their own modules.)

/// The people list, a person's record and their roles.
mod people;

use askama::Template;
use axum::{
    http::Method,
    response::Response,
    routing::{get, post},
};

use crate::{
    access::{self, Route},
    error::Result,
    web::{Shell, page},
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/admin", access::ADMIN, get(home)),
        Route::new(
            Method::GET,
            "/admin/people",
            access::ADMIN,
            get(people::list),
        ),
        Route::new(
            Method::GET,
            "/admin/people/{id}",
            access::ADMIN,
            get(people::show),
        ),
        Route::new(
            Method::POST,
            "/admin/people/{id}/roles",
            access::ADMIN,
            post(people::grant),
        ),
        Route::new(
            Method::POST,
            "/admin/people/{id}/disable",
            access::ADMIN,
            post(people::disable),
        ),
        Route::new(
            Method::POST,
            "/admin/people/{id}/enable",
            access::ADMIN,
            post(people::enable),
        ),
        Route::new(
            Method::POST,
            "/admin/people/{id}/roles/{membership_id}/remove",
            access::ADMIN,
            post(people::revoke),
        ),
    ]
}

#[derive(Template)]
#[template(path = "admin/home.html")]
struct HomePage {
    shell: Shell,
}

async fn home(shell: Shell) -> Result<Response> {
    page(&HomePage { shell })
}
