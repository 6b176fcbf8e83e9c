//! The HTTP listener (`[http] listen`): operations (`/health`, `/metrics`),
//! lead intake (`POST /leads`), and the read API the CLI falls back to while
//! the daemon holds the store (`POST /api/read`, `POST /api/backup`,
//! `POST /api/reprocess`).
//!
//! The router is built from parts so each stage can add its own routes; the
//! read and backup endpoints answer only loopback peers, because they expose
//! contact data and write files.

pub mod client;
pub mod health;
pub mod read;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::daemon::StageContext;
use crate::shutdown::Shutdown;

/// `[http]`: where the listener binds and how much a request may carry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// `host:port`; keep it on loopback unless a proxy in front terminates TLS.
    #[serde(default = "default_listen")]
    pub listen: String,
    /// Largest request body accepted by `POST /leads` (413 above it).
    #[serde(default = "default_max_body")]
    pub max_body_bytes: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            listen: default_listen(),
            max_body_bytes: default_max_body(),
        }
    }
}

fn default_listen() -> String {
    "127.0.0.1:8025".into()
}

fn default_max_body() -> usize {
    1024 * 1024
}

/// `[[intake_token]]`: one bearer token per lead provider posting to `/leads`.
/// The token itself comes from the environment or a file, never the TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeToken {
    /// The provider name leads posted with this token are stored under.
    pub provider: String,
    pub token_env: Option<String>,
    pub token_file: Option<PathBuf>,
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub stage: StageContext,
    /// Bearer token → provider name (tokens read once at start).
    pub tokens: Arc<BTreeMap<String, String>>,
}

/// Builds the whole router from its parts.
pub fn router(stage: StageContext) -> anyhow::Result<Router> {
    let tokens = crate::ingest::http::load_tokens(&stage.config)?;
    let state = AppState {
        stage: stage.clone(),
        tokens: Arc::new(tokens),
    };
    let ops = Router::new()
        .route("/health", get(health::health))
        .route("/metrics", get(metrics));
    let intake = Router::new().route("/leads", post(crate::ingest::http::post_lead));
    let api = Router::new()
        .route("/api/read", post(read::serve))
        .route("/api/backup", post(backup))
        .route("/api/reprocess", post(reprocess));
    let app = Router::new()
        .merge(ops)
        .merge(intake)
        .merge(api)
        .with_state(state);
    // ── MERGE POINT: one-click unsubscribe (RFC 8058, nurture) ──
    let app = app.merge(crate::nurture::unsubscribe_router(stage.clone()));
    // ── end merge point ──
    Ok(app)
}

/// Serves until shutdown. Binding failures are errors (the operator asked for it).
pub async fn serve(stage: StageContext, mut shutdown: Shutdown) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let listen = stage.config.http.clone().unwrap_or_default().listen;
    let app = router(stage)?;
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .with_context(|| format!("[http] listen = {listen:?}: cannot bind"))?;
    tracing::info!(listen = %listen, "http listener up");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move { shutdown.wait().await })
    .await
    .context("http listener")?;
    Ok(())
}

async fn metrics(State(state): State<AppState>) -> Response {
    crate::metrics::observe_outbox(&state.stage.intake.store);
    match crate::metrics::render() {
        Some(text) => ([("content-type", "text/plain; version=0.0.4")], text).into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            "metrics recorder not installed\n",
        )
            .into_response(),
    }
}

/// The read API exposes contact data: loopback peers only.
pub(crate) fn is_local(peer: &SocketAddr) -> bool {
    peer.ip().is_loopback()
}

pub(crate) fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, "only local clients may use /api\n").into_response()
}

#[derive(Deserialize)]
struct BackupRequest {
    path: PathBuf,
}

/// Writes a snapshot of the running store to a file the daemon can write.
async fn backup(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    axum::Json(request): axum::Json<BackupRequest>,
) -> Response {
    if !is_local(&peer) {
        return forbidden();
    }
    let store = state.stage.intake.store.clone();
    let result =
        tokio::task::spawn_blocking(move || crate::backup::backup(&store, &request.path)).await;
    match result {
        Ok(Ok(summary)) => (StatusCode::OK, summary.to_string()).into_response(),
        Ok(Err(e)) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e:#}\n")).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}

/// `carousel reprocess` while the daemon holds the store: stored mail read
/// again with the rules as they are on disk now (a rule file learned since
/// the daemon started included); new leads are routed by the running act stage.
async fn reprocess(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    axum::Json(filter): axum::Json<crate::act::reprocess::Filter>,
) -> Response {
    if !is_local(&peer) {
        return forbidden();
    }
    let stage = state.stage.clone();
    let result = tokio::task::spawn_blocking(move || {
        let ctx = match crate::config::Config::load(&stage.config.file) {
            Ok(config) => config.understand_context(),
            Err(errors) => {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                anyhow::bail!("invalid configuration:\n{}", lines.join("\n"));
            }
        };
        crate::act::reprocess::reprocess(&stage.intake.store, &ctx, &filter)
    })
    .await;
    match result {
        Ok(Ok(summary)) => {
            if let Err(e) = state.stage.intake.store.flush().await {
                return (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response();
            }
            state.stage.intake.wake.responses.notify_one();
            tracing::info!(
                ?summary,
                "reprocess: new mail keeps the rules loaded at start until the daemon restarts"
            );
            let body = serde_json::to_string(&summary).unwrap_or_default() + "\n";
            (StatusCode::OK, body).into_response()
        }
        Ok(Err(e)) => (StatusCode::BAD_REQUEST, format!("{e:#}\n")).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}
