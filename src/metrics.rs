//! Prometheus metrics: one process-wide recorder (installed by the daemon),
//! the names every stage uses, and the status map `/health` reads.
//!
//! Every stage counts `carousel_*_total` and times `carousel_*_seconds` the
//! same way, so one dashboard fits all. Calls before [`install`] are no-ops.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Messages stored, labelled `kind` (lead, reply, auto_reply, bounce, other).
pub const INGESTED: &str = "carousel_messages_ingested_total";
/// Messages whose understanding failed (parser panic or unparseable).
pub const UNDERSTANDING_ERRORS: &str = "carousel_understanding_errors_total";
/// Time from a response being stored to its routing decision.
pub const ROUTING_SECONDS: &str = "carousel_routing_seconds";
/// Emails queued or retrying in the outbox.
pub const OUTBOX_DEPTH: &str = "carousel_outbox_depth";
/// Messages stored and acknowledged but not yet understood.
pub const UNDERSTAND_QUEUE: &str = "carousel_understand_queue";
/// Age of the oldest email still waiting in the outbox.
pub const OUTBOX_OLDEST_SECONDS: &str = "carousel_outbox_oldest_seconds";
/// IMAP sessions re-opened after an error.
pub const IMAP_RECONNECTS: &str = "carousel_imap_reconnects_total";
/// SMTP sends that failed (temporary or permanent).
pub const SMTP_FAILURES: &str = "carousel_smtp_failures_total";
/// Leads accepted by `POST /leads`, labelled `provider`.
pub const HTTP_LEADS: &str = "carousel_http_leads_total";
/// Rows stored by `carousel import`.
pub const IMPORTED_ROWS: &str = "carousel_imported_rows_total";

/// Warnings that a domain blocks the sender (several recipients there bounced
/// for a sender-side reason within a day), labelled `domain`.
pub const BOUNCE_DOMAIN_BLOCKS: &str = "carousel_bounce_domain_blocks_total";

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the global recorder once; later calls return the same handle.
pub fn install() -> Option<&'static PrometheusHandle> {
    if let Some(h) = HANDLE.get() {
        return Some(h);
    }
    let builder = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(ROUTING_SECONDS.into()),
            &[0.001, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0, 60.0, 300.0],
        )
        .ok()?;
    match builder.install_recorder() {
        Ok(handle) => {
            let _ = HANDLE.set(handle);
            describe();
            HANDLE.get()
        }
        // Another recorder is installed (a test harness, say): no exporter.
        Err(e) => {
            tracing::warn!("metrics recorder not installed: {e}");
            None
        }
    }
}

/// Hand-off (webhook and chat) deliveries, by endpoint and outcome.
pub const HANDOFF_DELIVERIES: &str = "carousel_handoff_deliveries_total";
/// Hand-off deliveries waiting, by endpoint.
pub const HANDOFF_PENDING: &str = "carousel_handoff_pending";
/// Hand-off dead letters, by endpoint.
pub const HANDOFF_DEAD: &str = "carousel_handoff_dead";

fn describe() {
    metrics::describe_counter!(
        HANDOFF_DELIVERIES,
        "Webhook and chat deliveries, by endpoint and outcome (delivered, failed, dead, gone)"
    );
    metrics::describe_gauge!(HANDOFF_PENDING, "Hand-off deliveries waiting, by endpoint");
    metrics::describe_gauge!(
        HANDOFF_DEAD,
        "Hand-off dead letters (past give_up_after), by endpoint"
    );
    metrics::describe_counter!(INGESTED, "Messages stored, by kind");
    metrics::describe_counter!(UNDERSTANDING_ERRORS, "Messages whose understanding failed");
    metrics::describe_histogram!(
        ROUTING_SECONDS,
        "Seconds from storing a response to routing it"
    );
    metrics::describe_gauge!(OUTBOX_DEPTH, "Emails waiting in the outbox");
    metrics::describe_gauge!(
        UNDERSTAND_QUEUE,
        "Messages stored and acknowledged, waiting for the understanding stage"
    );
    metrics::describe_gauge!(OUTBOX_OLDEST_SECONDS, "Age of the oldest waiting email");
    metrics::describe_counter!(IMAP_RECONNECTS, "IMAP reconnects after an error");
    metrics::describe_counter!(SMTP_FAILURES, "Failed SMTP sends");
    metrics::describe_counter!(
        BOUNCE_DOMAIN_BLOCKS,
        "Warnings that a recipient domain blocks the sender, by domain"
    );
    metrics::describe_gauge!(LEASES_HELD, "Mailbox leases this instance holds");
    metrics::describe_counter!(LEASE_TAKEOVERS, "Mailbox leases this instance took");
    metrics::describe_counter!(
        LEASE_RELEASES,
        "Mailbox leases this instance gave up for another (rebalancing)"
    );
    metrics::describe_gauge!(INSTANCES_LIVE, "Live instances sharing the store");
    metrics::describe_counter!(CLAIMS, "Work items this instance claimed, by stage");
    // Zero-valued series exist from the start, so a dashboard sees them.
    metrics::counter!(UNDERSTANDING_ERRORS).increment(0);
    metrics::counter!(IMAP_RECONNECTS).increment(0);
    metrics::counter!(SMTP_FAILURES).increment(0);
}

/// The Prometheus text exposition, after upkeep (histogram maintenance).
pub fn render() -> Option<String> {
    let handle = HANDLE.get()?;
    handle.run_upkeep();
    Some(handle.render())
}

/// One stored message of `kind`.
pub fn ingested(kind: &str) {
    metrics::counter!(INGESTED, "kind" => kind.to_string()).increment(1);
}

pub fn understanding_error() {
    metrics::counter!(UNDERSTANDING_ERRORS).increment(1);
}

/// Seconds from a response's arrival to its routing decision.
pub fn routing_latency(seconds: f64) {
    metrics::histogram!(ROUTING_SECONDS).record(seconds);
}

pub fn imap_reconnect() {
    metrics::counter!(IMAP_RECONNECTS).increment(1);
}

/// A warning that `domain` blocks the sender (see [`crate::deliverability`]).
pub fn bounce_domain_blocked(domain: &str) {
    metrics::counter!(BOUNCE_DOMAIN_BLOCKS, "domain" => domain.to_string()).increment(1);
}

/// Sets the outbox gauges: emails waiting, and the age of the oldest in
/// seconds. The outbox measures them from the store at scrape time.
pub fn outbox_gauges(depth: usize, oldest_seconds: f64) {
    metrics::gauge!(OUTBOX_DEPTH).set(depth as f64);
    metrics::gauge!(OUTBOX_OLDEST_SECONDS).set(oldest_seconds);
}

/// Sets the understanding-queue gauge (measured from the store at scrape time).
pub fn understand_queue(depth: usize) {
    metrics::gauge!(UNDERSTAND_QUEUE).set(depth as f64);
}

pub fn smtp_failure() {
    metrics::counter!(SMTP_FAILURES).increment(1);
}

/// A source's connection state, for readiness.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceStatus {
    pub connected: bool,
    pub since: String,
    pub detail: Option<String>,
}

static SOURCES: Mutex<BTreeMap<String, SourceStatus>> = Mutex::new(BTreeMap::new());

/// Sources report here when they connect or lose their connection.
pub fn set_source(name: &str, connected: bool, detail: Option<&str>) {
    if let Ok(mut map) = SOURCES.lock() {
        let changed = map.get(name).is_none_or(|s| s.connected != connected);
        if changed || detail.is_some() {
            map.insert(
                name.to_string(),
                SourceStatus {
                    connected,
                    since: jiff::Timestamp::now().to_string(),
                    detail: detail.map(str::to_string),
                },
            );
        }
    }
}

/// Every source's last reported status.
pub fn sources() -> BTreeMap<String, SourceStatus> {
    SOURCES.lock().map(|m| m.clone()).unwrap_or_default()
}

/// Mailbox leases this instance holds (several instances on a shared store).
pub const LEASES_HELD: &str = "carousel_leases_held";
/// Leases this instance took (from nobody, an expired or a leaving owner).
pub const LEASE_TAKEOVERS: &str = "carousel_lease_takeovers_total";
/// Leases this instance gave up so another could hold them (rebalancing).
pub const LEASE_RELEASES: &str = "carousel_lease_releases_total";
/// Live instances sharing the store, as this one last saw them.
pub const INSTANCES_LIVE: &str = "carousel_instances_live";
/// Work items this instance claimed (shared store), labelled `stage`
/// (understand, act).
pub const CLAIMS: &str = "carousel_claims_total";

/// The lease picture `/health` shows: this instance's id and, per mailbox,
/// whether it holds it (JSON, as the store's lease round reported it).
static LEASES: Mutex<Option<serde_json::Value>> = Mutex::new(None);

/// One lease round's outcome: the `/health` picture and the lease metrics.
pub fn set_leases(picture: serde_json::Value, held: usize, live: usize, taken: u32, released: u32) {
    if let Ok(mut l) = LEASES.lock() {
        *l = Some(picture);
    }
    metrics::gauge!(LEASES_HELD).set(held as f64);
    metrics::gauge!(INSTANCES_LIVE).set(live as f64);
    metrics::counter!(LEASE_TAKEOVERS).increment(u64::from(taken));
    metrics::counter!(LEASE_RELEASES).increment(u64::from(released));
}

/// The last lease picture; `None` on a single-process store.
pub fn leases() -> Option<serde_json::Value> {
    LEASES.lock().ok().and_then(|l| l.clone())
}
