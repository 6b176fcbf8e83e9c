//! The write verbs (`lead convert|reassign|close|claim|correct`, `import`, `user add|remove`), run either on a
//! store the CLI opened itself or — while the daemon holds the sled lock —
//! by the daemon on the CLI's behalf (`POST /api/write`, over its socket or
//! `[http]`). Both paths run the same [`run`] and return the same
//! [`WriteOutput`], so what the CLI prints and its exit code do not depend
//! on whether a daemon runs. In the daemon, a write wakes the stages that
//! act on it (new responses, new mail to send).
//!
//! Adding a write verb: one [`WriteRequest`] variant, one arm in [`run`],
//! one line in `main.rs` calling [`run_or_ask`].

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::store::{Store, StoreError};
use crate::wake::Wakeups;

/// A write verb and its arguments. Paths are absolute: the daemon may run
/// in another directory.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "verb", content = "args", rename_all = "snake_case")]
pub enum WriteRequest {
    /// `lead convert|reassign|close`.
    Lead(crate::act::manage::Change),
    /// `webhooks status [--json]`: the hand-off queue per endpoint.
    WebhooksStatus {
        #[serde(default)]
        json: bool,
    },
    /// `webhooks retry NAME`: dead letters go out again.
    WebhooksRetry { name: String },
    /// `import FILE [--dry-run]`: the daemon reads the file itself.
    Import {
        file: PathBuf,
        #[serde(default)]
        dry_run: bool,
        /// Draw a progress bar on this process's stderr (never in the daemon).
        #[serde(default, skip_serializing)]
        progress: bool,
    },
    /// `user add|remove` (the password arrives hashed).
    User(crate::http::console::users::UserChange),
}

/// What the CLI prints for a write verb: stdout, and stderr (e.g. the
/// import's bad rows).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteOutput {
    pub stdout: String,
    pub stderr: String,
}

/// Runs a write verb against an open store. `wake` is the daemon's (so the
/// act stage and the outbox see the change at once) or a private one.
pub fn run(
    store: &Store,
    config: Arc<Config>,
    wake: Arc<Wakeups>,
    request: &WriteRequest,
) -> anyhow::Result<WriteOutput> {
    let mut output = WriteOutput::default();
    match request {
        WriteRequest::Lead(change) => {
            let act =
                crate::act::Act::with(Arc::new(config.act_settings()), store.clone(), wake.clone());
            let value = crate::act::manage::apply(&act, change.clone())?;
            output.stdout = format!("{value}\n");
            // A reassignment queued a notification.
            wake.outbox.notify_one();
        }
        WriteRequest::WebhooksStatus { json } => {
            let lines = crate::handoff::deliver::status(store, &config.handoff_settings())?;
            output.stdout = if *json {
                lines
                    .iter()
                    .map(|l| serde_json::to_string(l).map(|s| s + "\n"))
                    .collect::<Result<String, _>>()?
            } else {
                crate::handoff::deliver::status_text(&lines)
            };
        }
        WriteRequest::WebhooksRetry { name } => {
            output.stdout =
                crate::handoff::deliver::retry(store, &config.handoff_settings(), name)?;
        }
        WriteRequest::Import {
            file,
            dry_run,
            progress,
        } => {
            let options = crate::ingest::import::ImportOptions {
                dry_run: *dry_run,
                progress: *progress,
            };
            let summary = crate::ingest::import::import_with(store, file, options)?;
            // Row by row: bad rows on stderr; a dry run lists every row on stdout.
            let mut lines: Vec<(u64, String)> = summary
                .bad_rows
                .iter()
                .map(|b| (b.row, format!("row {}: bad: {}", b.row, b.reason)))
                .chain(summary.planned.iter().map(|p| (p.row, p.to_string())))
                .collect();
            lines.sort_by_key(|(row, _)| *row);
            let rows = if *dry_run {
                &mut output.stdout
            } else {
                &mut output.stderr
            };
            for (_, line) in lines {
                rows.push_str(&format!("{}: {line}\n", file.display()));
            }
            output.stdout.push_str(&format!(
                "{}\n",
                serde_json::to_string(&summary_line(&summary))?
            ));
            wake.responses.notify_one();
        }
        WriteRequest::User(change) => {
            output.stdout = format!("{}\n", crate::http::console::users::apply(store, change)?);
        }
    }
    Ok(output)
}

/// The import summary without the per-row list.
fn summary_line(s: &crate::ingest::import::ImportSummary) -> serde_json::Value {
    serde_json::json!({
        "file": s.file, "provider": s.provider, "dry_run": s.dry_run, "rows": s.rows, "stored": s.stored,
        "merged": s.merged, "already_stored": s.already_stored, "bad": s.bad,
    })
}

/// Opens the store and runs the verb; when the daemon holds the store, asks
/// the daemon to run it (over its socket, else `[http] listen`).
pub fn run_or_ask(config: &Config, request: &WriteRequest) -> anyhow::Result<WriteOutput> {
    match config.open_store_plain() {
        Ok(store) => run(
            &store,
            Arc::new(config.clone()),
            Arc::new(Wakeups::default()),
            request,
        ),
        Err(StoreError::Locked(_)) => {
            let mut answer = Vec::new();
            super::client::ask(
                config,
                "/api/write",
                &serde_json::to_value(request)?,
                &mut answer,
            )?;
            serde_json::from_slice(&answer).context("the daemon's answer to a write verb")
        }
        Err(e) => Err(e).with_context(|| format!("opening store {}", config.store_name())),
    }
}

/// `POST /api/write`: the daemon runs a write verb for the CLI. 200 with a
/// [`WriteOutput`], or 422 with the verb's error as text.
pub async fn serve(
    State(state): State<super::AppState>,
    _local: super::Local,
    axum::Json(request): axum::Json<WriteRequest>,
) -> Response {
    let store = state.stage.intake.store.clone();
    let config = state.stage.config.clone();
    let wake = state.stage.intake.wake.clone();
    let result = tokio::task::spawn_blocking(move || run(&store, config, wake, &request)).await;
    match result {
        Ok(Ok(output)) => (StatusCode::OK, axum::Json(output)).into_response(),
        Ok(Err(e)) => (StatusCode::UNPROCESSABLE_ENTITY, format!("{e:#}\n")).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}
