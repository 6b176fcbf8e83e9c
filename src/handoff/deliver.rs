//! Delivery: the HTTP client, the task that drains the hand-off queue, and
//! what `webhooks status` and `webhooks retry NAME` do.
//!
//! Each pass flushes the store first (only durable events leave carousel),
//! fans staged events out to the endpoints that want them, then sends each
//! endpoint's due deliveries oldest first. 2xx: delivered. 410 Gone: the
//! endpoint is disabled until `webhooks retry NAME`. Anything else (other
//! 4xx, 5xx, a timeout, a refused connection, a redirect to another host):
//! retried after 1, 2, 4, … × `retry_first` (at most `retry_max`) until
//! `give_up_after` since the delivery was queued, then dead. An endpoint's
//! pass stops at its first failure and the endpoint rests `retry_first`, so
//! a receiver that is down is not flooded, and events reach it in commit
//! order when it is back.
//!
//! Several instances on one store: the fan-out runs on the holder of the
//! `@handoff` lease ([`fan_out_task`]), one event at a time in commit
//! order; each endpoint's queue is drained by the holder of its own lease
//! (`@handoff/NAME`, [`endpoint_task`]), checked before each POST and in
//! the `delivered` commit. So an endpoint still gets its events in commit
//! order from one instance at a time, and different endpoints are served
//! by different instances.
//!
//! Secrets (signing keys, bearer tokens, URLs from the environment) are
//! never logged: logs name the endpoint and the event id only.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use serde::Serialize;

use super::HandoffSettings;
use super::{ChatKind, RetryPolicy};
use crate::shutdown::Shutdown;
use crate::store::Store;
use crate::store::events::Event;
use crate::store::events::queue::{self, Delivery};

/// How often the task looks at the queue.
const TICK: Duration = Duration::from_millis(250);
/// Deliveries sent per endpoint per pass.
const BATCH: usize = 64;
/// Bytes of a receiver's answer read (the rest is dropped).
const MAX_RESPONSE_BYTES: usize = 64 * 1024;
/// How often the `/metrics` gauges are recomputed.
const GAUGE_EVERY_MS: i64 = 2_000;
/// Same-host redirects followed at most.
const MAX_REDIRECTS: usize = 5;

/// Metric names (see `crate::metrics`): deliveries by endpoint and outcome
/// (`delivered`, `failed`, `dead`, `gone`), and the queue per endpoint.
use crate::metrics::{
    HANDOFF_DEAD as DEAD, HANDOFF_DELIVERIES as DELIVERIES, HANDOFF_PENDING as PENDING,
};

/// One configured receiver, with its secrets read from the environment.
pub struct Endpoint {
    pub name: String,
    url: String,
    target: Target,
    policy: RetryPolicy,
    client: reqwest::Client,
    /// Unix milliseconds: after a failure the endpoint rests `retry_first`,
    /// so a receiver that is down is not asked for every waiting event at once.
    resting_until: std::sync::atomic::AtomicI64,
}

enum Target {
    Webhook {
        events: Vec<String>,
        secret: Option<Vec<u8>>,
        bearer: Option<String>,
        headers: BTreeMap<String, String>,
        template: Option<PathBuf>,
        vars: BTreeMap<String, String>,
    },
    Chat {
        kind: ChatKind,
        events: Vec<String>,
        ranks: Vec<String>,
        lead_link: Option<String>,
    },
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// 410: the receiver says the endpoint is gone.
    Gone,
    /// Retry later; the reason as logged.
    Failed(String),
}

fn env(var: &str) -> anyhow::Result<String> {
    std::env::var(var)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .with_context(|| format!("environment variable {var} is not set"))
}

/// The HTTP client for one endpoint: rustls, a timeout, and redirects
/// followed only within the same scheme, host and port.
fn client(timeout_secs: u64) -> anyhow::Result<reqwest::Client> {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().cloned();
        let same_origin = first.is_some_and(|f| {
            f.scheme() == attempt.url().scheme()
                && f.host_str() == attempt.url().host_str()
                && f.port_or_known_default() == attempt.url().port_or_known_default()
        });
        if same_origin && attempt.previous().len() <= MAX_REDIRECTS {
            attempt.follow()
        } else {
            attempt.stop()
        }
    });
    let timeout = Duration::from_secs(timeout_secs.clamp(1, 300));
    reqwest::Client::builder()
        .use_rustls_tls()
        .redirect(policy)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .timeout(timeout)
        .user_agent(concat!("carousel/", env!("CARGO_PKG_VERSION")))
        .build()
        .context("building the webhook HTTP client")
}

/// Every `[[webhook]]` and `[[chat]]`, ready to send to.
pub fn endpoints(settings: &HandoffSettings) -> anyhow::Result<Vec<Endpoint>> {
    let mut out = Vec::new();
    for w in &settings.webhooks {
        let what = || format!("webhook {:?}", w.name);
        let url = match (&w.url, &w.url_env) {
            (Some(u), _) => u.clone(),
            (None, Some(var)) => env(var).with_context(what)?,
            (None, None) => anyhow::bail!("{}: no url", what()),
        };
        super::url_allowed(&url, w.allow_insecure)
            .map_err(|e| anyhow::anyhow!("{}: {e}", what()))?;
        out.push(Endpoint {
            name: w.name.clone(),
            url,
            target: Target::Webhook {
                events: w.events.clone(),
                secret: w
                    .secret_env
                    .as_deref()
                    .map(env)
                    .transpose()
                    .with_context(what)?
                    .map(String::into_bytes),
                bearer: w
                    .bearer_token_env
                    .as_deref()
                    .map(env)
                    .transpose()
                    .with_context(what)?,
                headers: w.headers.clone(),
                template: w.template.clone(),
                vars: w.vars.clone(),
            },
            policy: w
                .retry_policy()
                .map_err(|e| anyhow::anyhow!("{}: {e}", what()))?,
            client: client(w.timeout_secs)?,
            resting_until: Default::default(),
        });
    }
    for c in &settings.chats {
        let name = super::chat_name(c);
        let what = || format!("chat {name:?}");
        let url = env(&c.url_env).with_context(what)?;
        super::url_allowed(&url, c.allow_insecure)
            .map_err(|e| anyhow::anyhow!("{}: {e}", what()))?;
        out.push(Endpoint {
            name: name.clone(),
            url,
            target: Target::Chat {
                kind: c.kind,
                events: c.events.clone(),
                ranks: c.ranks.iter().map(|r| r.as_str().to_string()).collect(),
                lead_link: c.lead_link.clone(),
            },
            policy: c
                .retry_policy()
                .map_err(|e| anyhow::anyhow!("{}: {e}", what()))?,
            client: client(c.timeout_secs)?,
            resting_until: Default::default(),
        });
    }
    Ok(out)
}

impl Endpoint {
    /// True when this endpoint is sent `event`.
    pub fn wants(&self, event: &Event) -> bool {
        match &self.target {
            Target::Webhook { events, .. } => events.contains(&event.kind),
            Target::Chat { events, ranks, .. } => {
                events.contains(&event.kind)
                    && event.rank().is_some_and(|r| ranks.iter().any(|x| x == r))
            }
        }
    }

    /// The request body and its content type.
    fn body(
        &self,
        event: &Event,
        settings: &HandoffSettings,
    ) -> Result<(Vec<u8>, &'static str), String> {
        match &self.target {
            Target::Webhook {
                template: Some(t),
                vars,
                ..
            } => super::presets::render(&settings.templates_dir, t, event, vars)
                .map(|b| (b.bytes, b.content_type)),
            Target::Webhook { .. } => serde_json::to_vec(event)
                .map(|b| (b, "application/json"))
                .map_err(|e| e.to_string()),
            Target::Chat {
                kind, lead_link, ..
            } => {
                let alert = super::chat::alert(
                    event,
                    lead_link.as_deref(),
                    settings.claim_address.as_deref(),
                );
                serde_json::to_vec(&super::chat::body(*kind, &alert))
                    .map(|b| (b, "application/json"))
                    .map_err(|e| e.to_string())
            }
        }
    }

    /// One attempt to deliver `event`.
    pub async fn send(&self, event: &Event, settings: &HandoffSettings) -> Outcome {
        let (body, content_type) = match self.body(event, settings) {
            Ok(b) => b,
            Err(e) => return Outcome::Failed(format!("body: {e}")),
        };
        let mut request = self
            .client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .header("Idempotency-Key", &event.id)
            .header("Carousel-Event", &event.kind);
        if let Target::Webhook {
            secret,
            bearer,
            headers,
            ..
        } = &self.target
        {
            for (k, v) in headers {
                request = request.header(k.as_str(), v.as_str());
            }
            if let Some(secret) = secret {
                let t = jiff::Timestamp::now().as_second();
                request = request.header(
                    super::sign::HEADER,
                    super::sign::signature(secret, t, &body),
                );
            }
            if let Some(token) = bearer {
                request = request.bearer_auth(token);
            }
        }
        let response = match request.body(body).send().await {
            Ok(r) => r,
            // Without the URL: it may carry a token.
            Err(e) => return Outcome::Failed(e.without_url().to_string()),
        };
        let status = response.status();
        drain(response).await;
        if status.is_success() {
            Outcome::Delivered
        } else if status == reqwest::StatusCode::GONE {
            Outcome::Gone
        } else if status.is_redirection() {
            Outcome::Failed(format!("HTTP {status}: redirect to another host refused"))
        } else {
            Outcome::Failed(format!("HTTP {}", status.as_u16()))
        }
    }
}

/// Reads at most [`MAX_RESPONSE_BYTES`] of an answer, so a hostile receiver
/// cannot make carousel buffer without bound; the connection is dropped after.
async fn drain(mut response: reqwest::Response) {
    let mut read = 0;
    while let Ok(Some(chunk)) = response.chunk().await {
        read += chunk.len();
        if read >= MAX_RESPONSE_BYTES {
            break;
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassReport {
    pub delivered: usize,
    pub failed: usize,
    pub dead: usize,
}

/// One pass over the queue (see the module doc).
pub async fn pass(
    store: &Store,
    settings: &HandoffSettings,
    endpoints: &[Endpoint],
) -> anyhow::Result<PassReport> {
    if endpoints.is_empty() {
        // Nobody wants events: drop what was staged (it stays staged only
        // until a pass, so adding a [[webhook]] later starts from then).
        queue::fan_out(store, |_| Vec::new())?;
        return Ok(PassReport::default());
    }
    fan_out(store, endpoints).await?;
    let results = futures::future::join_all(
        endpoints
            .iter()
            .map(|endpoint| drain_endpoint(store, settings, endpoint)),
    )
    .await;
    let mut report = PassReport::default();
    for r in results {
        let r = r?;
        report.delivered += r.delivered;
        report.failed += r.failed;
        report.dead += r.dead;
    }
    Ok(report)
}

/// The configured endpoints' names (webhooks, then chats), without reading
/// their secrets: what the daemon leases one queue per.
pub fn endpoint_names(settings: &HandoffSettings) -> Vec<String> {
    let webhooks = settings.webhooks.iter().map(|w| w.name.clone());
    webhooks
        .chain(settings.chats.iter().map(super::chat_name))
        .collect()
}

/// Fans staged events out to the endpoints that want them (only durable
/// events leave carousel); the shared-store half of [`pass`].
async fn fan_out(store: &Store, endpoints: &[Endpoint]) -> anyhow::Result<()> {
    store.flush().await?;
    queue::fan_out(store, |event| {
        endpoints
            .iter()
            .filter(|e| e.wants(event))
            .map(|e| e.name.clone())
            .collect()
    })?;
    update_gauges(store, endpoints)?;
    Ok(())
}

/// `/metrics` gauges: waiting and dead deliveries per endpoint. A scan of
/// the queue, so at most every [`GAUGE_EVERY_MS`].
fn update_gauges(store: &Store, endpoints: &[Endpoint]) -> anyhow::Result<()> {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(0);
    let now = queue::now_ms();
    if now - LAST.load(Ordering::Relaxed) < GAUGE_EVERY_MS {
        return Ok(());
    }
    LAST.store(now, Ordering::Relaxed);
    for endpoint in endpoints {
        let s = queue::status(store, &endpoint.name)?;
        metrics::gauge!(PENDING, "endpoint" => endpoint.name.clone()).set(s.pending as f64);
        metrics::gauge!(DEAD, "endpoint" => endpoint.name.clone()).set(s.dead as f64);
    }
    Ok(())
}

async fn drain_endpoint(
    store: &Store,
    settings: &HandoffSettings,
    endpoint: &Endpoint,
) -> anyhow::Result<PassReport> {
    use std::sync::atomic::Ordering;
    let mut report = PassReport::default();
    if queue::disabled(store, &endpoint.name)?.is_some()
        || queue::now_ms() < endpoint.resting_until.load(Ordering::Relaxed)
    {
        return Ok(report);
    }
    let count = |outcome: &'static str| {
        metrics::counter!(DELIVERIES, "endpoint" => endpoint.name.clone(), "outcome" => outcome)
            .increment(1);
    };
    for (key, mut delivery) in queue::due(store, &endpoint.name, queue::now_ms(), BATCH)? {
        let Some(event) = queue::event(store, &delivery.event)? else {
            // Nothing to send: the event record is gone (a restored backup).
            queue::delivered(store, &endpoint.name, &key)?;
            continue;
        };
        // No new POST once another instance holds this endpoint's queue.
        store.check_stage(&crate::store::leases::handoff_endpoint(&endpoint.name))?;
        let outcome = endpoint.send(&event, settings).await;
        match outcome {
            Outcome::Delivered => {
                crate::fault::point("handoff-after-send");
                queue::delivered(store, &endpoint.name, &key)?;
                count("delivered");
                report.delivered += 1;
                tracing::info!(endpoint = %endpoint.name, event = %event.id, kind = %event.kind, "hand-off delivered");
            }
            Outcome::Gone => {
                queue::disable(store, &endpoint.name, "the receiver answered 410 Gone")?;
                count("gone");
                tracing::error!(endpoint = %endpoint.name, event = %event.id, "hand-off endpoint answered 410 Gone: disabled until `carousel webhooks retry {}`", endpoint.name);
                break;
            }
            Outcome::Failed(why) => {
                failed(store, endpoint, &key, &mut delivery, &why)?;
                if delivery.dead {
                    count("dead");
                    report.dead += 1;
                } else {
                    count("failed");
                    report.failed += 1;
                }
                let now = queue::now_ms();
                let expired =
                    queue::expire(store, &endpoint.name, now - endpoint.policy.give_up_ms)?;
                if expired > 0 {
                    metrics::counter!(DELIVERIES, "endpoint" => endpoint.name.clone(), "outcome" => "dead")
                        .increment(expired as u64);
                    report.dead += expired;
                    tracing::error!(endpoint = %endpoint.name, expired, "hand-off gave up on deliveries queued longer than give_up_after: dead letters; `carousel webhooks retry {}` sends them again", endpoint.name);
                }
                endpoint
                    .resting_until
                    .store(now + endpoint.policy.first_ms, Ordering::Relaxed);
                break;
            }
        }
    }
    Ok(report)
}

/// Records a failed attempt: the next try, or dead past `give_up_after`.
fn failed(
    store: &Store,
    endpoint: &Endpoint,
    key: &[u8],
    delivery: &mut Delivery,
    why: &str,
) -> anyhow::Result<()> {
    let now = queue::now_ms();
    delivery.attempts += 1;
    delivery.first_attempt.get_or_insert(now);
    delivery.last_error = Some(why.to_string());
    let give_up_at = delivery.queued_at + endpoint.policy.give_up_ms;
    if now >= give_up_at {
        delivery.dead = true;
        tracing::error!(endpoint = %endpoint.name, event = %delivery.event, attempts = delivery.attempts, "hand-off gave up ({why}): dead letter; `carousel webhooks retry {}` sends it again", endpoint.name);
    } else {
        let delay = endpoint.policy.delay_ms(delivery.attempts);
        // The last try falls on the give-up time, not after it.
        delivery.next_at = now + delay.min(give_up_at - now);
        tracing::warn!(endpoint = %endpoint.name, event = %delivery.event, attempts = delivery.attempts, retry_in_ms = delay, "hand-off failed: {why}");
    }
    queue::update(store, key, delivery)?;
    Ok(())
}

/// How long an event's record outlives its last delivery.
const KEEP_EVENTS: jiff::SignedDuration = jiff::SignedDuration::from_hours(7 * 24);
/// Passes between two prune steps (a minute at [`TICK`]), and the event
/// records one step looks at: the daemon walks the whole tree in steps
/// (100k events in ~100 minutes) instead of reading it all at once.
const PRUNE_EVERY: u32 = 240;
const PRUNE_STEP: usize = 1024;

/// Records older than this are forgotten: a week with endpoints; without
/// any, every record no delivery waits for (a store written before events
/// were staged only for endpoints holds a copy of each lead).
fn prune_cutoff(endpoints: &[Endpoint]) -> jiff::Timestamp {
    let now = jiff::Timestamp::now();
    if endpoints.is_empty() {
        now
    } else {
        now - KEEP_EVENTS
    }
}

fn prune(store: &Store, endpoints: &[Endpoint]) -> anyhow::Result<()> {
    let removed = queue::prune(store, prune_cutoff(endpoints))?;
    if removed > 0 {
        tracing::info!(removed, "hand-off: old event records forgotten");
    }
    Ok(())
}

/// The daemon's hand-off tasks prune in bounded steps, one every
/// [`PRUNE_EVERY`] passes, each starting where the last one stopped: a
/// whole-tree prune decodes every event record at once (200 MB at 100k
/// events).
#[derive(Default)]
struct PruneCadence {
    passes: u32,
    from: Option<Vec<u8>>,
}

impl PruneCadence {
    /// Counts a pass; true when this one should prune.
    fn due(&mut self) -> bool {
        let due = self.passes.is_multiple_of(PRUNE_EVERY);
        self.passes = self.passes.wrapping_add(1);
        due
    }

    /// One bounded step of [`prune`], from where the last one stopped.
    fn step(&mut self, store: &Store, endpoints: &[Endpoint]) -> anyhow::Result<()> {
        let cutoff = prune_cutoff(endpoints);
        let step = queue::prune_some(store, cutoff, self.from.as_deref(), PRUNE_STEP)?;
        if step.removed > 0 {
            tracing::info!(
                removed = step.removed,
                "hand-off: old event records forgotten"
            );
        }
        self.from = step.next;
        Ok(())
    }
}

/// `run --once`: passes until one delivers nothing (everything due sent,
/// or its endpoint failed and rests until the next run).
pub async fn once(settings: &HandoffSettings, store: &Store) -> anyhow::Result<PassReport> {
    let endpoints = endpoints(settings)?;
    let mut total = PassReport::default();
    loop {
        let r = pass(store, settings, &endpoints).await?;
        total.delivered += r.delivered;
        total.failed += r.failed;
        total.dead += r.dead;
        if r.delivered == 0 {
            break;
        }
    }
    prune(store, &endpoints)?;
    Ok(total)
}

/// The daemon's task: a pass every [`TICK`] until shutdown.
pub async fn task(
    settings: std::sync::Arc<HandoffSettings>,
    store: Store,
    mut shutdown: Shutdown,
) -> anyhow::Result<()> {
    let endpoints = endpoints(&settings)?;
    let mut pruning = PruneCadence::default();
    loop {
        // A slow receiver does not hold up shutdown: a send cut short stays
        // pending and goes out again, with the same id, after the restart.
        let mut result = tokio::select! {
            r = pass(&store, &settings, &endpoints) => r,
            _ = shutdown.wait() => return Ok(()),
        };
        if pruning.due() {
            result = result.and_then(|r| {
                pruning.step(&store, &endpoints)?;
                Ok(r)
            });
        }
        if let Err(e) = result {
            if crate::store::is_storage_failure(&e) {
                return Err(e);
            }
            if crate::store::lease_lost(&e) {
                tracing::info!("hand-off pass stopped: {e:#}");
            } else {
                tracing::error!("hand-off pass: {e:#}");
            }
        }
        if shutdown.sleep(TICK).await {
            return Ok(());
        }
    }
}

/// The holder of `@handoff` on a shared store: fans staged events out every
/// [`TICK`] (and forgets old event records), in commit order.
pub async fn fan_out_task(
    settings: std::sync::Arc<HandoffSettings>,
    store: Store,
    mut shutdown: Shutdown,
) -> anyhow::Result<()> {
    let endpoints = endpoints(&settings)?;
    let mut pruning = PruneCadence::default();
    loop {
        let mut result = fan_out(&store, &endpoints).await;
        if pruning.due() {
            result = result.and_then(|()| pruning.step(&store, &endpoints));
        }
        if let Err(e) = result {
            if crate::store::is_storage_failure(&e) {
                return Err(e);
            }
            tracing::error!("hand-off fan-out: {e:#}");
        }
        if shutdown.sleep(TICK).await {
            return Ok(());
        }
    }
}

/// The holder of `@handoff/NAME` on a shared store: sends that endpoint's
/// due deliveries, oldest first, every [`TICK`].
pub async fn endpoint_task(
    settings: std::sync::Arc<HandoffSettings>,
    store: Store,
    name: String,
    mut shutdown: Shutdown,
) -> anyhow::Result<()> {
    let endpoint = endpoints(&settings)?
        .into_iter()
        .find(|e| e.name == name)
        .with_context(|| format!("hand-off endpoint {name:?} left the config"))?;
    loop {
        // A slow receiver does not hold up shutdown (see `task`).
        let result = tokio::select! {
            r = drain_endpoint(&store, &settings, &endpoint) => r,
            _ = shutdown.wait() => return Ok(()),
        };
        if let Err(e) = result {
            if crate::store::is_storage_failure(&e) {
                return Err(e);
            }
            if crate::store::lease_lost(&e) {
                tracing::info!(endpoint = %name, "hand-off stopped: {e:#}");
            } else {
                tracing::error!(endpoint = %name, "hand-off: {e:#}");
            }
        }
        if shutdown.sleep(TICK).await {
            return Ok(());
        }
    }
}

/// One endpoint in `webhooks status --json`.
#[derive(Debug, Clone, Serialize)]
pub struct StatusLine {
    pub name: String,
    pub kind: String,
    #[serde(flatten)]
    pub status: queue::EndpointStatus,
    /// Dead deliveries: event id, type and last error.
    pub dead_letters: Vec<serde_json::Value>,
}

/// `webhooks status`: per endpoint, what waits, what is dead, what was delivered.
pub fn status(store: &Store, settings: &HandoffSettings) -> anyhow::Result<Vec<StatusLine>> {
    let names = settings
        .webhooks
        .iter()
        .map(|w| (w.name.clone(), "webhook".to_string()))
        .chain(
            settings
                .chats
                .iter()
                .map(|c| (super::chat_name(c), c.kind.as_str().to_string())),
        );
    let mut out = Vec::new();
    for (name, kind) in names {
        let dead_letters = queue::dead(store, &name)?
            .into_iter()
            .map(|d| {
                serde_json::json!({
                    "id": d.event, "type": d.event_type, "attempts": d.attempts,
                    "last_error": d.last_error,
                })
            })
            .collect();
        out.push(StatusLine {
            status: queue::status(store, &name)?,
            name,
            kind,
            dead_letters,
        });
    }
    Ok(out)
}

/// `webhooks status` as text: one line per endpoint, then its dead letters.
pub fn status_text(lines: &[StatusLine]) -> String {
    let mut out = String::new();
    if lines.is_empty() {
        out.push_str("no [[webhook]] or [[chat]] configured\n");
    }
    for l in lines {
        out.push_str(&format!(
            "{:<16} {:<12} pending {:>5}  dead {:>5}  delivered {:>7}{}\n",
            l.name,
            l.kind,
            l.status.pending,
            l.status.dead,
            l.status.delivered,
            l.status
                .disabled
                .as_deref()
                .map(|d| format!("  DISABLED: {d}"))
                .unwrap_or_default()
        ));
        for d in &l.dead_letters {
            out.push_str(&format!(
                "  dead {} {} after {} attempts: {}\n",
                d["id"].as_str().unwrap_or_default(),
                d["type"].as_str().unwrap_or_default(),
                d["attempts"],
                d["last_error"].as_str().unwrap_or("?"),
            ));
        }
    }
    out
}

/// `webhooks retry NAME`: the endpoint's dead letters (and waiting retries)
/// go out again now; a disabled endpoint is enabled.
pub fn retry(store: &Store, settings: &HandoffSettings, name: &str) -> anyhow::Result<String> {
    let known = settings.webhooks.iter().any(|w| w.name == name)
        || settings.chats.iter().any(|c| super::chat_name(c) == name);
    if !known {
        anyhow::bail!("no [[webhook]] or [[chat]] named {name:?} in the config");
    }
    let revived = queue::retry(store, name)?;
    store.flush_sync()?;
    Ok(format!("{name}: {revived} deliveries queued again\n"))
}
