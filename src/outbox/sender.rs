//! The sender drains the outbox exactly once.
//!
//! For each batch of due emails: record `Sending` and flush; hand each to
//! the transport; record `Sent` with the server's reply (or `Retrying` /
//! `Failed`) and flush. A record found in `Sending` when a pass starts is
//! the crash window (the process died between handing it over and
//! recording the reply); [`super::archive`] explains how it is resolved
//! without sending twice.
//!
//! Several instances: every instance sends. Each picks the emails of its
//! slot (a hash of the Message-ID, mod the live instances) and claims them
//! in the `Sending` commit ([`super::claim_deliveries`]): the commit writes
//! only records still in the state they were read in, with this instance
//! as the owner, so an email is marked `Sending` by one instance only. A
//! record found `Sending` whose owner is live is in flight there and left
//! alone; one whose owner is not live (it died, or paused past its
//! heartbeat TTL) was left behind and is reconciled through the archive,
//! as after a crash. Every delivery-state commit is fenced by this
//! instance's own liveness, so a paused instance cannot start a send once
//! the others may treat its marks as abandoned; the pass stops (logged at
//! info) and the emails wait.
//!
//! Transports: SMTP over the small connection pool of [`super::smtp`]
//! (why not lettre's own pool is explained there), or, the embedded
//! default, `.eml` files in `[outbox] dir` named by Message-ID (writing the
//! same id twice replaces one file, so it is idempotent by construction).
//! The wire message itself is built in [`super::message`].
//!
//! At send time: suppressed addresses are skipped (`Suppressed`) for
//! prospect mail (nurture, self-service); a nurture step to a contact whose
//! out-of-office says they are away waits until they are back; per-domain
//! rate limits apply; 4xx and connection errors retry with exponential
//! backoff until `give_up_after`, then `Failed` is recorded; 5xx fails at once.
//!
//! Store and file work runs off the async reactor ([`off_reactor`]); only
//! the SMTP conversations and the archive look-up are awaited on it.
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use futures::StreamExt as _;
use jiff::Timestamp;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, TlsParameters};
use lettre::transport::smtp::extension::ClientId;

use super::archive::ArchiveConfig;
use super::config::SenderConfig;
pub use super::config::{DeliveryConfig, OnUncertain};
use super::limits::DomainLimits;
pub use super::message::{build, parse_mailbox};
use super::smtp::{ServerTls, SmtpPool, SmtpServer};
use super::{Delivery, OutboundEmail, OutboundRecord, PENDING, Purpose, TREE};
use crate::blocking::off_reactor;
use crate::net::TlsMode;
use crate::store::{Store, decode};

enum Transport {
    Smtp(SmtpPool),
    Dir(PathBuf),
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SendReport {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
    pub suppressed: usize,
    pub recovered: usize,
    pub waiting: usize,
    /// Crash-window records not yet decided (waiting for the archive grace period).
    pub unresolved: usize,
}

/// The outbox sender. Build it inside the tokio runtime (lettre needs it).
pub struct Sender {
    store: Store,
    base: PathBuf,
    transport: Transport,
    delivery: DeliveryConfig,
    archive: Option<ArchiveConfig>,
    default_from: Mailbox,
    limits: DomainLimits,
    give_up_after: Duration,
    /// `[limits] max_auto_emails_per_day`: automatic mail (nurture,
    /// self-service) per recipient per UTC day; 0 = no cap.
    auto_per_day: u32,
}

enum Outcome {
    Sent(String),
    Transient(String),
    Permanent(String),
}

impl Sender {
    /// A sender for `config` (paths already resolved, see
    /// `Config::sender`), recording into `store`.
    pub fn new(config: &SenderConfig, store: Store) -> anyhow::Result<Sender> {
        let outbox = &config.outbox;
        let delivery = outbox.delivery.clone();
        let transport = match (&outbox.smtp, &outbox.dir) {
            (Some(smtp), _) => {
                let port = u16::try_from(*smtp.port.get_ref()).context("smtp port")?;
                crate::net::require_tls(&smtp.host, smtp.tls, smtp.allow_insecure)
                    .context("[outbox] smtp")?;
                let ca_file = smtp.ca_file.clone();
                let tls = match smtp.tls {
                    TlsMode::None => ServerTls::None,
                    TlsMode::Starttls => {
                        let mut b = TlsParameters::builder(smtp.host.clone());
                        if let Some(ca) = &ca_file {
                            let pem = std::fs::read(ca)
                                .with_context(|| format!("reading {}", ca.display()))?;
                            b = b.add_root_certificate(Certificate::from_pem(&pem)?);
                        }
                        ServerTls::Starttls(b.build_rustls()?)
                    }
                    TlsMode::Implicit => ServerTls::Implicit(
                        crate::net::tls_connector(ca_file.as_deref())?,
                        rustls_pki_types::ServerName::try_from(smtp.host.clone())
                            .with_context(|| format!("bad TLS server name {}", smtp.host))?,
                    ),
                };
                let oauth2 = match (&smtp.oauth2, &smtp.user) {
                    (Some(o), Some(user)) => {
                        let o = o.clone();
                        Some(Box::new((
                            user.clone(),
                            crate::oauth2::source(
                                "outbox",
                                &o,
                                crate::oauth2::Use::Smtp,
                                &config.base_dir,
                            ),
                        )))
                    }
                    (Some(_), None) => anyhow::bail!("[outbox] smtp: oauth2 needs `user`"),
                    _ => None,
                };
                let credentials = match &smtp.user {
                    Some(_) if oauth2.is_some() => None,
                    Some(user) => {
                        let password = crate::net::read_secret(
                            smtp.password_env.as_ref(),
                            smtp.password_file.as_ref(),
                        )
                        .context("outbox smtp password")?;
                        Some(Credentials::new(user.clone(), password))
                    }
                    None => None,
                };
                Transport::Smtp(SmtpPool {
                    server: SmtpServer {
                        host: smtp.host.clone(),
                        port,
                        tls,
                        credentials,
                        oauth2,
                        hello: ClientId::default(),
                        timeout: Duration::from_secs(delivery.timeout_secs.max(1)),
                    },
                    idle: std::sync::Mutex::new(Vec::new()),
                    max_idle: delivery.concurrency.max(1) as usize,
                })
            }
            (None, Some(dir)) => {
                let dir = dir.clone();
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating outbox dir {}", dir.display()))?;
                Transport::Dir(dir)
            }
            (None, None) => anyhow::bail!("[outbox] needs `dir` or `smtp`"),
        };
        let give_up_after = Duration::from_secs(
            crate::duration::parse_delay(&delivery.give_up_after)
                .map_err(|e| anyhow::anyhow!("[outbox.delivery] give_up_after: {e}"))?,
        );
        let sender = Sender {
            default_from: parse_mailbox(&outbox.from)
                .map_err(|e| anyhow::anyhow!("[outbox] from: {e}"))?,
            limits: DomainLimits::new(
                delivery.per_domain_per_minute,
                delivery.domain_limits.clone(),
            ),
            archive: outbox.archive.clone(),
            base: config.base_dir.clone(),
            give_up_after,
            auto_per_day: config.max_auto_emails_per_day,
            delivery,
            transport,
            store,
        };
        off_reactor(|| sender.reindex())?;
        Ok(sender)
    }

    /// Puts every unfinished record into the pending index (records written
    /// before the index existed, or by a tool that bypassed `enqueue`).
    fn reindex(&self) -> anyhow::Result<()> {
        let pending = self.store.tree(PENDING)?;
        if !pending.is_empty() {
            return Ok(());
        }
        for item in self.store.tree(TREE)?.iter() {
            let (key, value) = item?;
            let r: OutboundRecord = decode("outbox", &value)?;
            if !r.delivery.is_final() {
                pending.insert(key, &[])?;
            }
        }
        Ok(())
    }

    /// One pass: resolve crash-window records, then send due emails in
    /// batches until none is due (or limits say wait).
    pub async fn pass(&mut self) -> anyhow::Result<SendReport> {
        let mut report = SendReport::default();
        let (uncertain, mut due) = off_reactor(|| self.unfinished(&mut report))?;
        due.extend(self.resolve(uncertain, &mut report).await?);
        self.store.flush().await?;
        // Oldest first.
        due.sort_by(|a, b| a.enqueued_at.cmp(&b.enqueued_at));
        self.limits.share_among(self.store.slot().of);
        let mut batch = Vec::new();
        for record in due {
            let held = off_reactor(|| -> anyhow::Result<_> {
                let state = self.hold(&record)?;
                if let Some(state) = &state
                    && !super::set_delivery(&self.store, &record, state.clone())?
                {
                    // Another instance moved it on first: nothing to count.
                    return Ok(Some(record.delivery.clone()));
                }
                Ok(state)
            })?;
            if let Some(state) = held {
                match state {
                    Delivery::Suppressed { .. } => report.suppressed += 1,
                    _ => report.waiting += 1,
                }
                continue;
            }
            if !record.email.to.iter().all(|to| self.limits.try_take(to)) {
                report.waiting += 1;
                continue;
            }
            batch.push(record);
            if batch.len() >= self.delivery.batch.max(1) {
                self.send_batch(std::mem::take(&mut batch), &mut report)
                    .await?;
            }
        }
        if !batch.is_empty() {
            self.send_batch(batch, &mut report).await?;
        }
        self.store.flush().await?;
        Ok(report)
    }

    /// The unfinished records in the pending index: those found `Sending`
    /// (the crash window) and those due now; a record waiting for its retry
    /// time is counted in `report`. Blocking (sled).
    fn unfinished(
        &self,
        report: &mut SendReport,
    ) -> anyhow::Result<(Vec<OutboundRecord>, Vec<OutboundRecord>)> {
        let now = Timestamp::now();
        let mut uncertain = Vec::new();
        let mut due = Vec::new();
        let outbox = self.store.tree(TREE)?;
        let pending = self.store.tree(PENDING)?;
        let slot = self.store.slot();
        let me = self.store.instance_id();
        let live = match me {
            Some(_) => self.store.live_instances(now.as_millisecond())?,
            None => Default::default(),
        };
        for key in pending.iter().keys() {
            let key = key?;
            if !slot.takes(crate::store::leases::item_number(&key)) {
                continue;
            }
            let Some(value) = outbox.get(&key)? else {
                pending.remove(&key)?;
                continue;
            };
            let record: OutboundRecord = decode("outbox", &value)?;
            match &record.delivery {
                // In flight on another live instance: its send, not ours.
                Delivery::Sending {
                    owner: Some(owner), ..
                } if Some(owner) != me.as_ref() && live.contains(owner) => report.waiting += 1,
                // Left behind: by this process's previous life, a dead
                // instance or (one instance) a crash.
                Delivery::Sending { .. } => uncertain.push(record),
                Delivery::Queued { .. } => due.push(record),
                Delivery::Retrying { next, .. } => {
                    if next.parse::<Timestamp>().map_or(true, |n| n <= now) {
                        due.push(record);
                    } else {
                        report.waiting += 1;
                    }
                }
                _ => {
                    pending.remove(&key)?;
                }
            }
        }
        Ok((uncertain, due))
    }

    /// Decides records found `Sending` at the start of a pass. Returns those to send again.
    async fn resolve(
        &self,
        uncertain: Vec<OutboundRecord>,
        report: &mut SendReport,
    ) -> anyhow::Result<Vec<OutboundRecord>> {
        if uncertain.is_empty() {
            return Ok(Vec::new());
        }
        let mut resend = Vec::new();
        match (&self.transport, &self.archive) {
            (Transport::Dir(dir), _) => off_reactor(|| -> anyhow::Result<()> {
                for r in uncertain {
                    if dir.join(eml_name(&r.email.message_id)).exists() {
                        if super::set_delivery(
                            &self.store,
                            &r,
                            sent_now("file written (recovered)"),
                        )? {
                            report.recovered += 1;
                        }
                    } else {
                        resend.push(r);
                    }
                }
                Ok(())
            })?,
            (Transport::Smtp(_), Some(archive)) => {
                let ids: Vec<String> = uncertain
                    .iter()
                    .map(|r| r.email.message_id.clone())
                    .collect();
                let found = super::archive::present(archive, &self.base, &ids).await?;
                let grace = Duration::from_secs(archive.grace_secs);
                off_reactor(|| -> anyhow::Result<()> {
                    for r in uncertain {
                        if found.contains(&r.email.message_id) {
                            tracing::info!(id = %r.email.message_id, "found in the archive: it was sent before the crash");
                            if super::set_delivery(
                                &self.store,
                                &r,
                                sent_now("250 accepted before a restart (copy found in archive)"),
                            )? {
                                report.recovered += 1;
                            }
                            continue;
                        }
                        let since = match &r.delivery {
                            Delivery::Sending { since, .. } => since.parse::<Timestamp>().ok(),
                            _ => None,
                        };
                        let age = since.map_or(Duration::MAX, |s| {
                            Duration::try_from(Timestamp::now().duration_since(s))
                                .unwrap_or_default()
                        });
                        if age >= grace {
                            tracing::info!(id = %r.email.message_id, "not in the archive after the grace period: sending again");
                            resend.push(r);
                        } else {
                            report.unresolved += 1;
                        }
                    }
                    Ok(())
                })?;
            }
            (Transport::Smtp(_), None) => off_reactor(|| -> anyhow::Result<()> {
                for r in uncertain {
                    if self.delivery.on_uncertain == OnUncertain::Resend {
                        resend.push(r);
                    } else {
                        let reason = "uncertain: interrupted between SMTP and its record; not resent (configure [outbox.archive] to decide)";
                        if super::set_delivery(
                            &self.store,
                            &r,
                            Delivery::Failed {
                                at: crate::store::now_rfc3339(),
                                reason: reason.into(),
                            },
                        )? {
                            report.failed += 1;
                        }
                    }
                }
                Ok(())
            })?,
        }
        Ok(resend)
    }

    /// A state to record instead of sending now: suppressed, or waiting for
    /// a contact who is away. `None` = send.
    fn hold(&self, record: &OutboundRecord) -> anyhow::Result<Option<Delivery>> {
        let prospect_mail = matches!(
            record.email.purpose,
            Purpose::Nurture { .. } | Purpose::SelfService { .. }
        );
        if !prospect_mail {
            return Ok(None);
        }
        for to in &record.email.to {
            if super::suppression::is_suppressed(&self.store, to)? {
                return Ok(Some(Delivery::Suppressed {
                    at: crate::store::now_rfc3339(),
                    reason: "address on the suppression list".into(),
                }));
            }
        }
        if matches!(record.email.purpose, Purpose::Nurture { .. })
            && let Some(to) = record.email.to.first()
            && let Some(back) = self
                .store
                .contact(to)?
                .and_then(|c| c.away_until)
                .and_then(|d| d.get(..10)?.parse::<jiff::civil::Date>().ok())
                .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
                .map(|z| z.timestamp())
            && back > Timestamp::now()
        {
            let attempts = match record.delivery {
                Delivery::Retrying { attempts, .. } => attempts,
                _ => 0,
            };
            return Ok(Some(Delivery::Retrying {
                next: back.to_string(),
                attempts,
                last_error: "recipient is away (out-of-office)".into(),
            }));
        }
        if self.auto_per_day > 0 {
            let now = Timestamp::now();
            for to in &record.email.to {
                // Idempotent per Message-ID: a send retried after a crash keeps its place.
                if !crate::abuse::take_daily_quota(
                    &self.store,
                    to,
                    &record.email.message_id,
                    now,
                    self.auto_per_day,
                )? {
                    let tomorrow = now
                        .to_zoned(jiff::tz::TimeZone::UTC)
                        .start_of_day()
                        .and_then(|d| d.checked_add(jiff::Span::new().days(1)))
                        .map(|d| d.timestamp())
                        .unwrap_or(now);
                    return Ok(Some(Delivery::Retrying {
                        next: tomorrow.to_string(),
                        attempts: 0,
                        last_error: format!(
                            "daily cap of {} automatic emails to this address reached",
                            self.auto_per_day
                        ),
                    }));
                }
            }
        }
        Ok(None)
    }

    async fn send_batch(
        &mut self,
        batch: Vec<OutboundRecord>,
        report: &mut SendReport,
    ) -> anyhow::Result<()> {
        // 1. Durably mark the batch Sending, owned by this instance, before
        // any byte goes out. One commit, fenced by this instance's liveness
        // (refused as a whole, nothing goes out, once the others may take
        // its marks as abandoned); a record another instance marked or
        // moved on since it was read is left out.
        let owner = self.store.instance_id();
        let ready = off_reactor(|| -> anyhow::Result<Vec<OutboundRecord>> {
            let marks: Vec<(&OutboundRecord, Delivery)> = batch
                .iter()
                .map(|record| {
                    let attempts = match record.delivery {
                        Delivery::Retrying { attempts, .. }
                        | Delivery::Sending { attempts, .. } => attempts,
                        _ => 0,
                    } + 1;
                    let sending = Delivery::Sending {
                        since: crate::store::now_rfc3339(),
                        attempts,
                        owner: owner.clone(),
                    };
                    (record, sending)
                })
                .collect();
            let claimed = super::claim_deliveries(&self.store, &marks)?;
            Ok(marks
                .into_iter()
                .zip(claimed)
                .filter(|(_, claimed)| *claimed)
                .map(|((record, sending), _)| OutboundRecord {
                    delivery: sending,
                    ..record.clone()
                })
                .collect())
        })?;
        self.store.flush().await?;
        // 2. Hand them over, `concurrency` at a time.
        let this = &*self;
        let results: Vec<(OutboundRecord, Outcome)> = futures::stream::iter(ready)
            .map(|r| async move {
                let outcome = this.send_one(&r.email).await;
                (r, outcome)
            })
            .buffer_unordered(self.delivery.concurrency.max(1) as usize)
            .collect()
            .await;
        // 3. Record what the server said.
        // Refused once this instance is no longer live (or a record was
        // moved on by an instance that took it as abandoned): left as it is,
        // and a `Sending` mark is reconciled through the archive (at most
        // once, plus reconciliation).
        off_reactor(|| -> anyhow::Result<()> {
            let mut states = Vec::with_capacity(results.len());
            for (record, outcome) in &results {
                let attempts = match record.delivery {
                    Delivery::Sending { attempts, .. } => attempts,
                    _ => 1,
                };
                let state = match outcome {
                    Outcome::Sent(reply) => {
                        report.sent += 1;
                        sent_now(reply)
                    }
                    Outcome::Permanent(e) => {
                        report.failed += 1;
                        tracing::warn!(id = %record.email.message_id, "permanent failure: {e}");
                        Delivery::Failed {
                            at: crate::store::now_rfc3339(),
                            reason: e.clone(),
                        }
                    }
                    Outcome::Transient(e) => {
                        self.retry_or_give_up(record, attempts, e.clone(), report)
                    }
                };
                states.push((record, state));
            }
            let written = super::set_deliveries(&self.store, &states)?;
            for ((record, _), written) in states.iter().zip(written) {
                if !written {
                    tracing::info!(id = %record.email.message_id, "outcome not recorded: another instance took the send as abandoned");
                }
            }
            Ok(())
        })?;
        self.store.flush().await?;
        Ok(())
    }

    fn retry_or_give_up(
        &self,
        record: &OutboundRecord,
        attempts: u32,
        error: String,
        report: &mut SendReport,
    ) -> Delivery {
        let enqueued: Timestamp = record
            .enqueued_at
            .parse()
            .unwrap_or_else(|_| Timestamp::now());
        let age = Duration::try_from(Timestamp::now().duration_since(enqueued)).unwrap_or_default();
        if age >= self.give_up_after {
            report.failed += 1;
            tracing::warn!(id = %record.email.message_id, "giving up after {attempts} attempts: {error}");
            return Delivery::Failed {
                at: crate::store::now_rfc3339(),
                reason: format!(
                    "gave up after {attempts} attempts over {}: {error}",
                    self.delivery.give_up_after
                ),
            };
        }
        let backoff = self
            .delivery
            .retry_base_secs
            .saturating_mul(1u64 << attempts.saturating_sub(1).min(20))
            .min(
                self.delivery
                    .retry_max_secs
                    .max(self.delivery.retry_base_secs),
            );
        report.retrying += 1;
        Delivery::Retrying {
            next: (Timestamp::now() + Duration::from_secs(backoff)).to_string(),
            attempts,
            last_error: error,
        }
    }

    async fn send_one(&self, email: &OutboundEmail) -> Outcome {
        let archive = match (&self.transport, &self.archive) {
            (Transport::Smtp(_), Some(a)) => Some(a.address.as_str()),
            _ => None,
        };
        let (envelope, bytes) = match build(email, &self.default_from, archive) {
            Ok(m) => m,
            Err(e) => return Outcome::Permanent(format!("cannot build the message: {e}")),
        };
        match &self.transport {
            Transport::Smtp(pool) => match pool.send(&envelope, &bytes).await {
                Ok(response) => {
                    crate::fault::point("outbox-after-smtp-accept");
                    let text: Vec<&str> = response.message().collect();
                    Outcome::Sent(format!("{} {}", response.code(), text.join(" ")))
                }
                Err(e) if e.permanent => Outcome::Permanent(e.text),
                Err(e) => Outcome::Transient(e.text),
            },
            Transport::Dir(dir) => {
                let path = dir.join(eml_name(&email.message_id));
                let tmp = dir.join(format!(".{}.tmp", eml_name(&email.message_id)));
                let write = tokio::fs::write(&tmp, &bytes).await;
                match write.and(tokio::fs::rename(&tmp, &path).await) {
                    Ok(()) => {
                        crate::fault::point("outbox-after-smtp-accept");
                        Outcome::Sent(format!("written {}", path.display()))
                    }
                    Err(e) => Outcome::Transient(format!("writing {}: {e}", path.display())),
                }
            }
        }
    }

    /// Runs passes until shutdown; woken early by `wake.outbox`.
    pub async fn run(
        mut self,
        wake: Arc<crate::wake::Wakeups>,
        mut shutdown: crate::shutdown::Shutdown,
    ) -> anyhow::Result<()> {
        let tick = Duration::from_millis(self.delivery.tick_ms.max(20));
        let mut failures = 0u32;
        loop {
            match self.pass().await {
                Ok(r) => {
                    failures = 0;
                    if r.sent + r.failed + r.suppressed + r.recovered > 0 {
                        tracing::info!(
                            sent = r.sent,
                            failed = r.failed,
                            suppressed = r.suppressed,
                            recovered = r.recovered,
                            retrying = r.retrying,
                            "outbox pass"
                        );
                    }
                }
                Err(e) if crate::store::lease_lost(&e) => {
                    tracing::info!("outbox pass stopped: {e:#}");
                }
                Err(e) => {
                    failures += 1;
                    tracing::error!("outbox pass: {e:#}");
                }
            }
            let pause = if failures > 0 {
                crate::net::backoff(failures)
            } else {
                tick
            };
            if let Transport::Smtp(pool) = &self.transport {
                pool.close(false).await;
            }
            tokio::select! {
                stop = shutdown.sleep(pause) => if stop { break },
                _ = wake.outbox.notified() => {}
            }
            if shutdown.is_set() {
                break;
            }
        }
        self.close().await;
        Ok(())
    }

    /// Says QUIT on the idle SMTP connections.
    pub async fn close(&self) {
        if let Transport::Smtp(pool) = &self.transport {
            pool.close(true).await;
        }
    }
}

fn sent_now(reply: &str) -> Delivery {
    Delivery::Sent {
        at: crate::store::now_rfc3339(),
        reply: reply.to_string(),
    }
}

/// File name for an `.eml`: the Message-ID with only safe characters.
fn eml_name(message_id: &str) -> String {
    let safe: String = message_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '@' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.eml")
}

/// `run --once`: sends everything due now. Crash-window records waiting for
/// the archive grace period are waited for (bounded by the grace period).
pub async fn once(config: Option<&SenderConfig>, store: Store) -> anyhow::Result<SendReport> {
    let Some(config) = config else {
        return Ok(SendReport::default());
    };
    let mut sender = Sender::new(config, store)?;
    let grace = sender.archive.as_ref().map_or(0, |a| a.grace_secs);
    let deadline = std::time::Instant::now() + Duration::from_secs(grace + 5);
    let mut total = SendReport::default();
    loop {
        let r = sender.pass().await?;
        total.sent += r.sent;
        total.failed += r.failed;
        total.suppressed += r.suppressed;
        total.recovered += r.recovered;
        total.retrying += r.retrying;
        total.waiting = r.waiting;
        total.unresolved = r.unresolved;
        if r.unresolved == 0 || std::time::Instant::now() > deadline {
            sender.close().await;
            return Ok(total);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The daemon task: sends until shutdown.
pub async fn task(
    config: Option<SenderConfig>,
    store: Store,
    wake: Arc<crate::wake::Wakeups>,
    shutdown: crate::shutdown::Shutdown,
) -> anyhow::Result<()> {
    let Some(config) = config else {
        return Ok(());
    };
    let sender = Sender::new(&config, store)?;
    sender.run(wake, shutdown).await
}

#[cfg(test)]
mod daily_cap_tests {
    use super::*;

    #[tokio::test]
    async fn automatic_mail_to_one_address_stops_at_the_daily_cap() {
        let dir = tempfile::tempdir().unwrap();
        let outbox: crate::outbox::config::OutboxConfig = toml::from_str(&format!(
            "dir = {:?}\nfrom = \"Acme <hello@acme.example>\"\n",
            dir.path().join("out")
        ))
        .unwrap();
        let config = SenderConfig {
            outbox,
            base_dir: dir.path().to_path_buf(),
            max_auto_emails_per_day: 2,
        };
        let store = Store::open(&dir.path().join("store"), 8).unwrap();
        for step in 0..4u32 {
            let email = OutboundEmail {
                message_id: format!("n.e1.{step}@carousel.test"),
                to: vec!["ann@example.test".into()],
                from: None,
                reply_to: None,
                subject: format!("step {step}"),
                text: "hello".into(),
                html: None,
                headers: Vec::new(),
                in_reply_to: None,
                purpose: Purpose::Nurture {
                    enrollment: "e1".into(),
                    step,
                    campaign: None,
                },
            };
            assert!(crate::outbox::enqueue(&store, email).unwrap());
        }
        let mut sender = Sender::new(&config, store.clone()).unwrap();
        let report = sender.pass().await.unwrap();
        assert_eq!(report.sent, 2, "{report:?}");
        let states: Vec<_> = crate::outbox::records(&store)
            .unwrap()
            .into_iter()
            .map(|r| r.delivery)
            .collect();
        let capped = states
            .iter()
            .filter(|d| matches!(d, Delivery::Retrying { last_error, .. } if last_error.contains("daily cap")))
            .count();
        assert_eq!(capped, 2, "{states:?}");
        // Asking again the same day sends nothing more.
        assert_eq!(sender.pass().await.unwrap().sent, 0);
    }
}
