//! What every response passes through on its way out: security headers, and
//! the rendering of errors as a page or as the API's JSON envelope.

use askama::Template;
use axum::{
    Json,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{
    accounts::CurrentUser,
    app::AppState,
    error::{ErrorInfo, Problems, info_for_status},
    settings::Settings,
    web::{Shell, csrf::CsrfToken, page_with_status, render::Rendered},
};

/// The policy's directives up to the image sources, and after them: no
/// inline script or style, nothing from other origins, never framed.
const POLICY_UP_TO_IMAGES: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:";
const POLICY_AFTER_IMAGES: &str = "; font-src 'self'; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The Content-Security-Policy every response carries. Images may also
/// come from the one map tile server configured, and from nowhere else.
/// Built once, with the router.
#[derive(Debug, Clone)]
pub struct ContentSecurityPolicy(HeaderValue);

impl ContentSecurityPolicy {
    /// The policy for these settings.
    pub fn for_settings(settings: &Settings) -> Self {
        let without_tiles = || {
            HeaderValue::from_str(&format!("{POLICY_UP_TO_IMAGES}{POLICY_AFTER_IMAGES}"))
                .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
        };
        let Some(tiles) = &settings.map.tile_url else {
            return Self(without_tiles());
        };
        // A parsed `TileUrl`'s source is only a scheme, a host of letters,
        // digits, dots and hyphens (or an IP address) and a port: it can
        // neither end the directive nor fail to make a header.
        let policy = format!(
            "{POLICY_UP_TO_IMAGES} {}{POLICY_AFTER_IMAGES}",
            tiles.policy_source()
        );
        Self(HeaderValue::from_str(&policy).unwrap_or_else(|_| {
            tracing::error!("the map tile server cannot be put in a Content-Security-Policy; tiles will not load");
            without_tiles()
        }))
    }
}

/// Browsers that have reached the service over HTTPS once keep to HTTPS,
/// subdomains included, for two years.
const STRICT_TRANSPORT: &str = "max-age=63072000; includeSubDomains";

/// The headers every response carries that depend on the settings, built
/// once, with the router.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    policy: ContentSecurityPolicy,
    /// `Strict-Transport-Security`, only when people reach the service over
    /// HTTPS: promising HTTPS on a plain-HTTP deployment would lock them out.
    strict_transport: Option<HeaderValue>,
}

impl SecurityHeaders {
    /// The headers for these settings.
    pub fn for_settings(settings: &Settings) -> Self {
        Self {
            policy: ContentSecurityPolicy::for_settings(settings),
            strict_transport: settings
                .served_over_https()
                .then(|| HeaderValue::from_static(STRICT_TRANSPORT)),
        }
    }
}

/// Adds the headers every response carries.
pub async fn security_headers(
    State(fixed): State<SecurityHeaders>,
    request: Request,
    next: Next,
) -> Response {
    let is_asset = request.uri().path().starts_with("/assets/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(fixed.policy.0);
    if let Some(value) = fixed.strict_transport {
        headers
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(value);
    }
    let mut set = |name: header::HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(self), interest-cohort=()",
    );
    set(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if !is_asset {
        // Pages can hold personal data: keep them out of shared caches and
        // the back-button cache of a library computer.
        set(header::CACHE_CONTROL, "no-store");
    }
    response
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    shell: Shell,
    status: u16,
    message: String,
}

/// Turns every error — ours, or the router's own (unknown route, wrong
/// method, body too large) — into an HTML page or the JSON envelope.
pub async fn render_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let user = request.extensions().get::<CurrentUser>().cloned();
    let csrf = request.extensions().get::<CsrfToken>().cloned();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || response.extensions().get::<Rendered>().is_some()
    {
        return response;
    }
    let info = response
        .extensions()
        .get::<ErrorInfo>()
        .cloned()
        .unwrap_or_else(|| info_for_status(status));
    let catalogue = state.catalogues.get("en");
    let message = catalogue.text(info.message_key);
    let extra_headers = response.headers().clone();
    let mut rendered = if is_api {
        let body = match response.extensions().get::<Problems>() {
            Some(Problems(problems)) => serde_json::json!({
                "errors": problems
                    .iter()
                    .map(|p| serde_json::json!({ "code": info.code, "message": p.message, "field": p.field }))
                    .collect::<Vec<_>>()
            }),
            None => serde_json::json!({
                "errors": [{ "code": info.code, "message": message, "field": info.field }]
            }),
        };
        (status, Json(body)).into_response()
    } else {
        let shell = Shell::new(&state, user, csrf.as_ref(), &path);
        page_with_status(
            status,
            &ErrorPage {
                shell,
                status: status.as_u16(),
                message,
            },
        )
        .unwrap_or_else(|_| (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response())
    };
    for name in [
        header::SET_COOKIE,
        header::WWW_AUTHENTICATE,
        header::RETRY_AFTER,
        header::ALLOW,
    ] {
        for value in extra_headers.get_all(&name) {
            rendered.headers_mut().append(name.clone(), value.clone());
        }
    }
    if is_api && status == StatusCode::UNAUTHORIZED {
        rendered
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    rendered
}
