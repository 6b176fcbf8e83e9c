//! The HTTP listener (`[http] listen`): operations (`/health`, `/metrics`),
//! lead intake (`POST /leads`), and the API the CLI falls back to while the
//! daemon holds the store (`POST /api/read`, `/api/write`, `/api/backup`, `/api/reprocess`).
//!
//! The API is also served, whether or not `[http]` is configured, on a Unix
//! socket beside the store: `<store>.sock` (for `path = "var/store"`,
//! `var/store.sock`), mode 0600, removed on shutdown. A stale socket left by
//! a killed daemon is replaced at the next start (the daemon then holds the
//! store's lock, so no other daemon can be using it).
//!
//! The router is built from parts so each stage can add its own routes; the
//! API endpoints answer only the socket and loopback peers ([`Local`]),
//! because they expose contact data, change leads and write files.

pub mod client;
pub mod console;
pub mod health;
pub mod intake;
pub mod listing;
pub mod read;
pub mod write;

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

use crate::config::Config;
pub use crate::config::{HttpConfig, IntakeToken};
use crate::shutdown::Shutdown;

/// What the listener's handlers are given: the whole configuration (the
/// read API builds reports and previews, health lists the mailboxes) and
/// the intake (store, understanding context, wake-ups). The daemon builds it.
#[derive(Clone)]
pub struct StageContext {
    pub config: Arc<Config>,
    pub intake: crate::ingest::Intake,
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub stage: StageContext,
    /// Bearer token → provider name (tokens read once at start).
    pub tokens: Arc<BTreeMap<String, String>>,
    /// `POST /leads` rate per provider token.
    pub intake_limits: Arc<crate::http::intake::RateLimits>,
}

impl AppState {
    fn new(stage: StageContext, tokens: BTreeMap<String, String>) -> AppState {
        let per_minute = stage.config.http.as_ref().map_or_else(
            || HttpConfig::default().leads_per_minute,
            |h| h.leads_per_minute,
        );
        AppState {
            stage,
            tokens: Arc::new(tokens),
            intake_limits: Arc::new(crate::http::intake::RateLimits::new(per_minute)),
        }
    }
}

/// The API the CLI uses while the daemon holds the store.
fn api() -> Router<AppState> {
    Router::new()
        .route("/api/read", post(read::serve))
        .route("/api/write", post(write::serve))
        .route("/api/backup", post(backup))
        .route("/api/reprocess", post(reprocess))
}

/// Builds the whole router from its parts.
pub fn router(stage: StageContext) -> anyhow::Result<Router> {
    let tokens = crate::http::intake::load_tokens(&stage.config)?;
    let state = AppState::new(stage.clone(), tokens);
    let ops = Router::new()
        .route("/health", get(health::health))
        .route("/metrics", get(metrics));
    let intake = Router::new().route("/leads", post(crate::http::intake::post_lead));
    let app = Router::new()
        .merge(ops)
        .merge(intake)
        .merge(api())
        .with_state(state);
    // ── MERGE POINT: one-click unsubscribe (RFC 8058, nurture) ──
    let app = app.merge(crate::nurture::unsubscribe_router(
        &stage.config.nurture,
        stage.intake.store.clone(),
    ));
    // ── end merge point ──
    // The web console (`/`, `/login`, `/leads`, ...), unless `[console] enabled = false`.
    let app = app.merge(crate::http::console::router(stage.clone()));
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

/// Where the daemon serving `config`'s store listens for the CLI:
/// `<store>.sock`, beside the store directory.
pub fn socket_path(config: &crate::config::Config) -> PathBuf {
    let store = config.store_path();
    let mut name = store
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "carousel".into());
    name.push(".sock");
    store.with_file_name(name)
}

/// Serves the API on [`socket_path`] until shutdown, then removes the
/// socket. A socket that cannot be made (path too long, directory not
/// writable) is logged and skipped: the daemon runs on, and the CLI falls
/// back to `[http]`.
pub async fn serve_socket(stage: StageContext, mut shutdown: Shutdown) -> anyhow::Result<()> {
    use anyhow::Context as _;
    use std::os::unix::fs::{FileTypeExt as _, PermissionsExt as _};
    let path = socket_path(&stage.config);
    // The daemon holds the store's lock, so a socket already there was left
    // by one that was killed; anything else is not ours to delete.
    if let Ok(meta) = std::fs::symlink_metadata(&path) {
        if !meta.file_type().is_socket() {
            tracing::warn!(path = %path.display(), "not a socket; the CLI will use [http] instead");
            return Ok(());
        }
        std::fs::remove_file(&path)
            .with_context(|| format!("removing stale socket {}", path.display()))?;
    }
    let listener = match tokio::net::UnixListener::bind(&path) {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(path = %path.display(), "cannot make the CLI socket ({e}); the CLI will use [http] instead");
            return Ok(());
        }
    };
    let _remove = RemoveOnDrop(path.clone());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("chmod 600 {}", path.display()))?;
    tracing::info!(socket = %path.display(), "CLI socket up");
    let app = api()
        .with_state(AppState::new(stage, BTreeMap::new()))
        .layer(axum::Extension(SocketPeer));
    axum::serve(listener, app.into_make_service())
        .with_graceful_shutdown(async move { shutdown.wait().await })
        .await
        .context("CLI socket")?;
    Ok(())
}

/// Removes the socket file when the server ends, however it ends.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Marks requests that came over the Unix socket (only its owner can connect).
#[derive(Clone, Copy)]
struct SocketPeer;

/// Extractor for the API handlers: the request came over the daemon's
/// socket or from a loopback TCP peer; anything else is answered 403.
pub struct Local;

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Local {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        if parts.extensions.get::<SocketPeer>().is_some() {
            return Ok(Local);
        }
        match parts.extensions.get::<ConnectInfo<SocketAddr>>() {
            Some(ConnectInfo(peer)) if is_local(peer) => Ok(Local),
            _ => Err(forbidden()),
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    crate::outbox::observe_outbox(&state.stage.intake.store);
    crate::metrics::understand_queue(state.stage.intake.store.queued_len());
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
fn is_local(peer: &SocketAddr) -> bool {
    peer.ip().is_loopback()
}

fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, "only local clients may use /api\n").into_response()
}

#[derive(Deserialize)]
struct BackupRequest {
    path: PathBuf,
}

/// Writes a snapshot of the running store to a file the daemon can write.
async fn backup(
    State(state): State<AppState>,
    _local: Local,
    axum::Json(request): axum::Json<BackupRequest>,
) -> Response {
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
    _local: Local,
    axum::Json(filter): axum::Json<crate::act::reprocess::Filter>,
) -> Response {
    let stage = state.stage.clone();
    let result = tokio::task::spawn_blocking(move || {
        let ctx = match crate::config::Config::load_static(&stage.config.file) {
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
