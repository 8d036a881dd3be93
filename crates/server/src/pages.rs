use askama::Template;
use axum::{extract::State, http::Method, response::Response, routing::get};

use crate::{
    access::{Access, Route},
    app::AppState,
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

/// One kind of record on the privacy notice: what, why, and how long.
struct Held {
    what: String,
    why: String,
    how_long: String,
}

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    shell: Shell,
    held: Vec<Held>,
}

/// The privacy notice: what is held, why, for how long (from the
/// settings' retention periods), and how to use each right.
async fn privacy(State(state): State<AppState>, shell: Shell) -> Result<Response> {
    let retention = &state.settings.retention;
    let days = |n: i64| shell.t1("privacy.days", &n.to_string());
    let row = |key: &str, how_long: String| Held {
        what: shell.t(&format!("privacy.held.{key}.what")),
        why: shell.t(&format!("privacy.held.{key}.why")),
        how_long,
    };
    let held = vec![
        row("account", shell.t("privacy.until_erased")),
        row(
            "sign_in",
            shell.t1(
                "privacy.minutes",
                &state.settings.throttle_window_minutes.to_string(),
            ),
        ),
        row(
            "help",
            shell.t1("privacy.after_closing", &days(retention.help_records_days)),
        ),
        row("time_bank", shell.t("privacy.until_erased")),
        row(
            "personal_star",
            shell.t1(
                "privacy.after_withdrawal",
                &days(retention.withdrawn_star_days),
            ),
        ),
        row(
            "survey",
            shell.t1(
                "privacy.invitation_email",
                &days(retention.survey_invitation_days),
            ),
        ),
        row("listing_report", days(retention.listing_report_days)),
        row("audit", days(retention.audit_days)),
    ];
    page(&PrivacyPage { shell, held })
}
