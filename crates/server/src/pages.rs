use askama::Template;
use axum::{http::Method, response::Response, routing::get};

use crate::{
    access::{Access, Route},
    error::Result,
    web::{Shell, page},
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/", Access::Public, get(home)),
        Route::new(
            Method::GET,
            "/accessibility",
            Access::Public,
            get(accessibility),
        ),
        Route::new(Method::GET, "/privacy", Access::Public, get(privacy)),
    ]
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    shell: Shell,
}

async fn home(shell: Shell) -> Result<Response> {
    page(&HomePage { shell })
}

#[derive(Template)]
#[template(path = "accessibility.html")]
struct AccessibilityPage {
    shell: Shell,
}

async fn accessibility(shell: Shell) -> Result<Response> {
    page(&AccessibilityPage { shell })
}

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    shell: Shell,
}

async fn privacy(shell: Shell) -> Result<Response> {
    page(&PrivacyPage { shell })
}
