//! Assembling the application: shared state, the router with its layers,
//! and serving with graceful shutdown.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Request},
    http::Method,
    middleware::{Next, from_fn, from_fn_with_state},
    routing::get,
};
use tokio::net::TcpListener;
use tower_http::{compression::CompressionLayer, timeout::TimeoutLayer, trace::TraceLayer};

use crate::{
    access::{self, Access, Route},
    accounts, admin, api, asset_map,
    asset_map::hsds_cache::HsdsCache,
    audit, budgeting, coordination,
    db::Db,
    error::AppError,
    mail::Mailer,
    ops::{self, metrics::Metrics},
    organisations, pages, places,
    settings::Settings,
    surveys,
    web::{self, i18n::Catalogues},
};

/// What every handler can reach. Cheap to clone; never a global.
#[derive(Clone, Debug)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Db,
    pub mailer: Arc<Mailer>,
    pub catalogues: Arc<Catalogues>,
    pub metrics: Arc<Metrics>,
    pub hsds_cache: Arc<HsdsCache>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Mailer::Smtp { .. } => "Mailer::Smtp",
            Mailer::Outbox { .. } => "Mailer::Outbox",
        })
    }
}

impl AppState {
    /// Connects to the database, applies migrations and prepares mail and
    /// messages: everything the server needs before it accepts a request.
    pub async fn prepare(settings: Settings) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "could not create the data directory {}",
                settings.data_dir.display()
            )
        })?;
        let db = Db::connect(&settings.database_url()).await?;
        db.migrate().await?;
        Self::with_db(settings, db)
    }

    /// State around an already connected and migrated database.
    pub fn with_db(settings: Settings, db: Db) -> anyhow::Result<Self> {
        Ok(Self {
            mailer: Arc::new(Mailer::from_settings(&settings)?),
            catalogues: Arc::new(Catalogues::load()?),
            metrics: Metrics::new(),
            hsds_cache: Arc::new(HsdsCache::new(
                settings.hsds_cache_megabytes.saturating_mul(1024 * 1024),
            )),
            settings: Arc::new(settings),
            db,
        })
    }
}

/// Every route of every capability, each with its access rule.
pub fn all_routes() -> Vec<Route> {
    let mut routes = Vec::new();
    routes.extend(pages::routes());
    routes.extend(accounts::routes());
    routes.extend(organisations::routes());
    routes.extend(places::routes());
    routes.extend(asset_map::routes());
    routes.extend(budgeting::routes());
    routes.extend(surveys::routes());
    routes.extend(coordination::routes());
    routes.extend(crate::people::routes());
    routes.extend(crate::star::routes());
    routes.extend(crate::referrals::routes());
    routes.extend(crate::feedback::routes());
    routes.extend(crate::teams::routes());
    routes.extend(crate::checkins::routes());
    routes.extend(crate::planning::routes());
    routes.extend(admin::routes());
    routes.extend(crate::privacy::routes());
    routes.extend(audit::routes());
    routes.extend(crate::jobs::routes());
    routes.extend(api::routes());
    routes.extend(ops::routes());
    routes.push(Route::new(
        Method::GET,
        "/assets/{*path}",
        Access::Public,
        get(web::assets::serve),
    ));
    routes
}

/// The whole application as one router.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for route in all_routes() {
        let access = route.access;
        let guarded = route
            .handler
            .route_layer(from_fn(move |request: Request, next: Next| {
                access::guard(access, request, next)
            }));
        router = router.route(route.path, guarded);
    }
    let body_limit = state.settings.max_body_bytes;
    router
        .fallback(|| async { AppError::NotFound })
        .layer(from_fn_with_state(
            state.clone(),
            web::layers::render_errors,
        ))
        .layer(from_fn(asset_map::hsds_api::allow_any_origin_on_hsds))
        .layer(from_fn_with_state(
            state.clone(),
            asset_map::hsds_cache::layer,
        ))
        .layer(from_fn_with_state(state.clone(), api::token_layer))
        .layer(from_fn_with_state(state.clone(), accounts::session::layer))
        .layer(from_fn_with_state(state.clone(), web::csrf::layer))
        .layer(from_fn_with_state(
            web::layers::SecurityHeaders::for_settings(&state.settings),
            web::layers::security_headers,
        ))
        .layer(from_fn_with_state(state.clone(), ops::metrics::layer))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http())
        // Pages, stylesheets, scripts, SVG and JSON go out with brotli or
        // gzip, whichever the browser prefers (images already compressed and
        // bodies under 32 bytes are left alone): slow rural connections
        // carry a fraction of the bytes.
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// Binds and serves until SIGTERM or Ctrl-C, then stops taking new
/// connections and lets in-flight requests finish. The background job
/// workers run beside it (`jobs.enabled`); at the signal they stop
/// claiming, and each finishes the job in hand before the database is
/// closed. `on_ready` receives the bound address (useful when the port
/// was 0).
pub async fn serve(state: AppState, on_ready: impl FnOnce(SocketAddr)) -> anyhow::Result<()> {
    let listener = TcpListener::bind(state.settings.listen)
        .await
        .with_context(|| format!("could not listen on {}", state.settings.listen))?;
    let address = listener.local_addr()?;
    let db = state.db.clone();
    let housekeeping = ops::housekeeping::spawn(db.clone(), state.settings.clone());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let workers = crate::jobs::worker::spawn(&state, crate::jobs::Registry::standard(), stopped);
    on_ready(address);
    tracing::info!(%address, "coprod is serving");
    let served = axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    })
    .await;
    workers.finish().await;
    served?;
    housekeeping.abort();
    db.close().await;
    tracing::info!("coprod stopped");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
