//! People's accounts: signing up, in and out, passwords and their reset,
//! and the roles people hold in organisations.

/// Sign-up, sign-in, sign-out and change-password pages.
mod pages;
/// Password hashing with Argon2id.
pub mod password;
/// Password reset by an emailed one-time link.
mod reset;
/// Server-side sessions and the signed-in person.
pub mod session;
/// Storage of accounts and memberships.
pub mod store;
/// Pausing sign-in after repeated failures, per account and per address.
mod throttle;

use axum::{
    http::Method,
    routing::{get, post},
};

use crate::access::{Access, Route};
pub use session::CurrentUser;

/// The routes of this capability, each with its access rule.
pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            "/sign-up",
            Access::SignedOut,
            get(pages::sign_up_form),
        ),
        Route::new(
            Method::POST,
            "/sign-up",
            Access::SignedOut,
            post(pages::sign_up),
        ),
        Route::new(
            Method::GET,
            "/sign-in",
            Access::SignedOut,
            get(pages::sign_in_form),
        ),
        Route::new(
            Method::POST,
            "/sign-in",
            Access::SignedOut,
            post(pages::sign_in),
        ),
        Route::new(
            Method::POST,
            "/sign-out",
            Access::SignedIn,
            post(pages::sign_out),
        ),
        Route::new(
            Method::GET,
            "/account",
            Access::SignedIn,
            get(pages::account),
        ),
        Route::new(
            Method::GET,
            "/account/password",
            Access::SignedIn,
            get(pages::change_password_form),
        ),
        Route::new(
            Method::POST,
            "/account/password",
            Access::SignedIn,
            post(pages::change_password),
        ),
        Route::new(
            Method::GET,
            "/password-reset",
            Access::Public,
            get(reset::request_form),
        ),
        Route::new(
            Method::POST,
            "/password-reset",
            Access::Public,
            post(reset::request),
        ),
        Route::new(
            Method::GET,
            "/password-reset/{token}",
            Access::Public,
            get(reset::choose_form),
        ),
        Route::new(
            Method::POST,
            "/password-reset/{token}",
            Access::Public,
            post(reset::choose),
        ),
    ]
}
