//! The read verbs, one function each, run either on a store the CLI opened
//! itself or — while the daemon holds the sled lock — by the daemon on the
//! CLI's behalf (`POST /api/read`, over the daemon's socket or `[http]`). Both paths run the same [`run`], so the
//! output is byte-for-byte the same.
//!
//! Adding a read verb: one arm in [`run`], one line in `main.rs` calling
//! [`run_or_ask`].

use std::io::Write;

use anyhow::Context as _;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::store::{Store, StoreError};

/// A read verb and its arguments (`{"verb": "interactions", "args": {"contact": "a@b"}}`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReadRequest {
    pub verb: String,
    #[serde(default)]
    pub args: serde_json::Map<String, serde_json::Value>,
}

impl ReadRequest {
    pub fn new(verb: &str) -> ReadRequest {
        ReadRequest {
            verb: verb.to_string(),
            args: serde_json::Map::new(),
        }
    }

    /// Adds an argument when it has a value.
    pub fn arg(mut self, name: &str, value: Option<impl Into<serde_json::Value>>) -> ReadRequest {
        if let Some(v) = value {
            self.args.insert(name.to_string(), v.into());
        }
        self
    }

    pub fn flag(self, name: &str, on: bool) -> ReadRequest {
        self.arg(name, on.then_some(true))
    }

    pub fn str_arg(&self, name: &str) -> Option<&str> {
        self.args.get(name).and_then(|v| v.as_str())
    }

    pub fn bool_arg(&self, name: &str) -> bool {
        self.args
            .get(name)
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    }
}

/// Runs a read verb against an open store, writing what the CLI prints.
pub fn run(
    store: &Store,
    config: &Config,
    request: &ReadRequest,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match request.verb.as_str() {
        // List verbs: filters, then JSON lines or a table (crate::listing).
        verb if crate::http::listing::is_list_verb(verb) => {
            crate::http::listing::write(store, request, out)
        }
        "interactions" => {
            let contact = request
                .str_arg("contact")
                .context("interactions needs --contact EMAIL")?;
            let mut timeline = crate::report::interactions::timeline(store, contact)?;
            if let Some(since) = crate::http::listing::Filters::from_request(request)?.since {
                timeline.retain(|e| e.at.parse::<jiff::Timestamp>().is_ok_and(|t| t >= since));
            }
            crate::report::interactions::write(&timeline, request.bool_arg("json"), out)
        }
        "users" => {
            crate::http::console::users::write_list(store, config, request.bool_arg("json"), out)
        }
        "report" => {
            let filter = crate::report::Filter::parse(
                request.str_arg("since"),
                request.str_arg("campaign"),
            )?;
            let snapshot = crate::report::Snapshot::load(store, &filter)?;
            let report = crate::report::build(&snapshot, &config.costs, &filter);
            crate::report::write(&report, request.bool_arg("json"), out)?;
            if let Some(path) = request.str_arg("html") {
                let html = crate::report::html::render(&report);
                std::fs::write(path, html).with_context(|| format!("writing {path}"))?;
            }
            Ok(())
        }
        "preview" => {
            let template = request
                .str_arg("template")
                .context("preview needs TEMPLATE")?;
            let contact = request
                .str_arg("contact")
                .context("preview needs --contact EMAIL")?;
            let text =
                crate::nurture::preview(store, &config.nurture_settings(), template, contact)?;
            Ok(out.write_all(text.as_bytes())?)
        }
        "sequences" => Ok(out.write_all(crate::nurture::status_text(store)?.as_bytes())?),
        "lead" => crate::act::show_lead(
            store,
            request.str_arg("id").context("lead show needs ID")?,
            out,
        ),
        // Stage-owned trees: each record as stored (JSON), until the stage
        // that owns the tree registers a richer verb here.
        "enrollments" => {
            let tree = store.tree("enrollments")?;
            json_lines(
                out,
                tree.iter()
                    .values()
                    .map(|v| crate::store::decode::<serde_json::Value>("enrollments", &v?)),
            )
        }
        other => anyhow::bail!("unknown read verb {other:?}"),
    }
}

fn json_lines<T: Serialize>(
    out: &mut dyn Write,
    items: impl Iterator<Item = Result<T, StoreError>>,
) -> anyhow::Result<()> {
    for item in items {
        serde_json::to_writer(&mut *out, &item?)?;
        writeln!(out)?;
    }
    Ok(())
}

/// Opens the store and runs the verb; when the daemon holds the store, asks
/// the daemon (over its socket, else `[http] listen`) to run it and copies
/// its answer.
pub fn run_or_ask(
    config: &Config,
    request: &ReadRequest,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match config.open_store_plain() {
        Ok(store) => run(&store, config, request, out),
        Err(StoreError::Locked(_)) => {
            super::client::ask(config, "/api/read", &serde_json::to_value(request)?, out)
        }
        Err(e) => Err(e).with_context(|| format!("opening store {}", config.store_name())),
    }
}

/// `POST /api/read`: the daemon runs a read verb for the CLI.
pub async fn serve(
    State(state): State<super::AppState>,
    _local: super::Local,
    axum::Json(request): axum::Json<ReadRequest>,
) -> Response {
    let store = state.stage.intake.store.clone();
    let config = state.stage.config.clone();
    let result = tokio::task::spawn_blocking(move || {
        let mut buf = Vec::new();
        run(&store, &config, &request, &mut buf).map(|()| buf)
    })
    .await;
    match result {
        Ok(Ok(body)) => (StatusCode::OK, body).into_response(),
        Ok(Err(e)) => (StatusCode::UNPROCESSABLE_ENTITY, format!("{e:#}\n")).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}
