//! `GET /health`: liveness (the process answers) and readiness (the store
//! reads, every configured mailbox reports connected). 200 when ready, 503
//! otherwise; the body says which part is not.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::AppState;

pub async fn health(State(state): State<AppState>) -> Response {
    let store = state.stage.intake.store.clone();
    let probe = tokio::task::spawn_blocking(move || {
        let counter = store.counter("messages");
        let outbox = crate::outbox::outbox_state(&store);
        (counter, outbox)
    })
    .await;
    let (store_ok, store_detail, outbox) = match probe {
        Ok((Ok(_), outbox)) => (true, None, outbox.ok()),
        Ok((Err(e), _)) => (false, Some(e.to_string()), None),
        Err(e) => (false, Some(e.to_string()), None),
    };
    let reported = crate::metrics::sources();
    let mut mailboxes = serde_json::Map::new();
    let mut all_connected = true;
    // Several instances: each is ready when the mailboxes it holds are connected.
    let leases = crate::metrics::leases();
    let held = |name: &str| {
        leases
            .as_ref()
            .is_none_or(|l| l["mailboxes"][name]["held"].as_bool().unwrap_or(false))
    };
    for m in &state.stage.config.mailbox {
        let name = &m.get_ref().name;
        let status = reported.get(name);
        all_connected &= !held(name) || status.is_some_and(|s| s.connected);
        mailboxes.insert(
            name.clone(),
            match status {
                Some(s) => json!(s),
                None => json!({"connected": false, "detail": "not reported yet"}),
            },
        );
    }
    let ready = store_ok && all_connected;
    let body = json!({
        "live": true,
        "ready": ready,
        "store": {"open": store_ok, "error": store_detail},
        "mailboxes": mailboxes,
        "leases": leases,
        "outbox": {
            "depth": outbox.map(|o| o.0),
            "oldest_queued_seconds": outbox.and_then(|o| o.1),
        },
    });
    let code = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(body)).into_response()
}
