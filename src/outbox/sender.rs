//! The sender drains the outbox exactly once.
//!
//! For each batch of due emails: record `Sending` and flush; hand each to
//! the transport; record `Sent` with the server's reply (or `Retrying` /
//! `Failed`) and flush. A record found in `Sending` when a pass starts is
//! the crash window (the process died between handing it over and
//! recording the reply); [`super::archive`] explains how it is resolved
//! without sending twice.
//!
//! Transports: SMTP over a small pool of lettre connections that carousel
//! opens itself (STARTTLS, implicit TLS, or plain for localhost; AUTH from
//! `password_env` / `password_file`), or, the embedded default, `.eml` files
//! in `[outbox] dir` named by Message-ID (writing the same id twice replaces
//! one file, so it is idempotent by construction).
//!
//! Why not lettre's own pooled `AsyncSmtpTransport`: it opens sockets without
//! `TCP_NODELAY`, and lettre writes a message and its final `\r\n.\r\n` as
//! two writes, so Nagle's algorithm can hold the dot until the body is
//! ACKed (at least one round trip per message, up to the server's delayed-ACK
//! time); it sends a `NOOP` before every reuse of a pooled connection (one
//! more round trip per message); and its timeout covers only the TCP
//! connect. On loopback round trips are microseconds, so the bench
//! (`examples/send_bench.rs`) shows little of this; over a WAN it is the
//! difference. `SmtpPool` connects with `TCP_NODELAY`, skips the `NOOP`,
//! puts a timeout on every SMTP step, and retries a send once on a fresh
//! connection only when a reused one broke before any message content went
//! out (so a retry can never deliver twice).
//!
//! At send time: suppressed addresses are skipped (`Suppressed`) for
//! prospect mail (nurture, self-service); a nurture step to a contact whose
//! out-of-office says they are away waits until they are back; per-domain
//! rate limits apply; 4xx and connection errors retry with exponential
//! backoff until `give_up_after`, then `Failed` is recorded; 5xx fails at once.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use futures::StreamExt as _;
use jiff::Timestamp;
use lettre::Address;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS, Mechanism};
use lettre::transport::smtp::client::{
    AsyncSmtpConnection, AsyncTokioStream, Certificate, TlsParameters,
};
use lettre::transport::smtp::commands::{Data, Mail, Quit, Rcpt, Rset};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::transport::smtp::response::Response;
use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncWrite};

use super::archive::ArchiveConfig;
use super::config::SenderConfig;
use super::limits::DomainLimits;
use super::{Delivery, OutboundEmail, OutboundRecord, PENDING, Purpose, TREE};
use crate::net::TlsMode;
use crate::store::{Store, decode};

/// `[outbox.delivery]`: how hard and how fast to send.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeliveryConfig {
    /// SMTP connections in the pool = emails in flight at once.
    pub concurrency: u32,
    /// Emails marked `Sending` (and flushed) together.
    pub batch: usize,
    /// First retry after this many seconds, doubling up to `retry_max_secs`.
    pub retry_base_secs: u64,
    pub retry_max_secs: u64,
    /// After this long since enqueueing, a failing email is given up (`Failed`).
    pub give_up_after: String,
    /// Per recipient domain, unless overridden in `domain_limits`.
    pub per_domain_per_minute: Option<u32>,
    /// `{ "gmail.com" = 60 }`: emails per minute for that domain.
    pub domain_limits: BTreeMap<String, u32>,
    /// Seconds for each SMTP command.
    pub timeout_secs: u64,
    /// Without `[outbox.archive]`, a record found `Sending` after a crash is
    /// `fail` (never sent twice; default) or `resend` (at least once).
    pub on_uncertain: OnUncertain,
    /// Milliseconds between passes when idle.
    pub tick_ms: u64,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            concurrency: 4,
            batch: 64,
            retry_base_secs: 60,
            retry_max_secs: 3600,
            give_up_after: "2d".into(),
            per_domain_per_minute: None,
            domain_limits: BTreeMap::new(),
            timeout_secs: 30,
            on_uncertain: OnUncertain::Fail,
            tick_ms: 500,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnUncertain {
    Fail,
    Resend,
}

/// Parses `Name <addr>` or `addr` into a mailbox.
pub fn parse_mailbox(text: &str) -> Result<Mailbox, String> {
    text.trim()
        .parse::<Mailbox>()
        .map_err(|e| format!("{text:?} is not an email address: {e}"))
}

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
        sender.reindex()?;
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
        let now = Timestamp::now();
        let mut uncertain = Vec::new();
        let mut due = Vec::new();
        let outbox = self.store.tree(TREE)?;
        let pending = self.store.tree(PENDING)?;
        for key in pending.iter().keys() {
            let key = key?;
            let Some(value) = outbox.get(&key)? else {
                pending.remove(&key)?;
                continue;
            };
            let record: OutboundRecord = decode("outbox", &value)?;
            match &record.delivery {
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
        due.extend(self.resolve(uncertain, &mut report).await?);
        self.store.flush().await?;
        // Oldest first.
        due.sort_by(|a, b| a.enqueued_at.cmp(&b.enqueued_at));
        let mut batch = Vec::new();
        for record in due {
            if let Some(state) = self.hold(&record)? {
                match state {
                    Delivery::Suppressed { .. } => report.suppressed += 1,
                    _ => report.waiting += 1,
                }
                super::set_delivery(&self.store, &record, state)?;
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
            (Transport::Dir(dir), _) => {
                for r in uncertain {
                    if dir.join(eml_name(&r.email.message_id)).exists() {
                        super::set_delivery(&self.store, &r, sent_now("file written (recovered)"))?;
                        report.recovered += 1;
                    } else {
                        resend.push(r);
                    }
                }
            }
            (Transport::Smtp(_), Some(archive)) => {
                let ids: Vec<String> = uncertain
                    .iter()
                    .map(|r| r.email.message_id.clone())
                    .collect();
                let found = super::archive::present(archive, &self.base, &ids).await?;
                let grace = Duration::from_secs(archive.grace_secs);
                for r in uncertain {
                    if found.contains(&r.email.message_id) {
                        tracing::info!(id = %r.email.message_id, "found in the archive: it was sent before the crash");
                        super::set_delivery(
                            &self.store,
                            &r,
                            sent_now("250 accepted before a restart (copy found in archive)"),
                        )?;
                        report.recovered += 1;
                        continue;
                    }
                    let since = match &r.delivery {
                        Delivery::Sending { since, .. } => since.parse::<Timestamp>().ok(),
                        _ => None,
                    };
                    let age = since.map_or(Duration::MAX, |s| {
                        Duration::try_from(Timestamp::now().duration_since(s)).unwrap_or_default()
                    });
                    if age >= grace {
                        tracing::info!(id = %r.email.message_id, "not in the archive after the grace period: sending again");
                        resend.push(r);
                    } else {
                        report.unresolved += 1;
                    }
                }
            }
            (Transport::Smtp(_), None) => {
                for r in uncertain {
                    if self.delivery.on_uncertain == OnUncertain::Resend {
                        resend.push(r);
                    } else {
                        let reason = "uncertain: interrupted between SMTP and its record; not resent (configure [outbox.archive] to decide)";
                        super::set_delivery(
                            &self.store,
                            &r,
                            Delivery::Failed {
                                at: crate::store::now_rfc3339(),
                                reason: reason.into(),
                            },
                        )?;
                        report.failed += 1;
                    }
                }
            }
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
        // 1. Durably mark the whole batch Sending before any byte goes out.
        let mut ready = Vec::with_capacity(batch.len());
        for record in batch {
            let attempts = match record.delivery {
                Delivery::Retrying { attempts, .. } | Delivery::Sending { attempts, .. } => {
                    attempts
                }
                _ => 0,
            } + 1;
            let sending = Delivery::Sending {
                since: crate::store::now_rfc3339(),
                attempts,
            };
            super::set_delivery(&self.store, &record, sending.clone())?;
            let mut r = record;
            r.delivery = sending;
            ready.push(r);
        }
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
        for (record, outcome) in results {
            let attempts = match record.delivery {
                Delivery::Sending { attempts, .. } => attempts,
                _ => 1,
            };
            let state = match outcome {
                Outcome::Sent(reply) => {
                    report.sent += 1;
                    sent_now(&reply)
                }
                Outcome::Permanent(e) => {
                    report.failed += 1;
                    tracing::warn!(id = %record.email.message_id, "permanent failure: {e}");
                    Delivery::Failed {
                        at: crate::store::now_rfc3339(),
                        reason: e,
                    }
                }
                Outcome::Transient(e) => self.retry_or_give_up(&record, attempts, e, report),
            };
            super::set_delivery(&self.store, &record, state)?;
        }
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

/// How to reach the SMTP server.
struct SmtpServer {
    host: String,
    port: u16,
    tls: ServerTls,
    credentials: Option<Credentials>,
    /// AUTH XOAUTH2 as this user with tokens from the source (instead of `credentials`).
    oauth2: Option<Box<(String, Arc<crate::oauth2::TokenSource>)>>,
    hello: ClientId,
    /// For each SMTP step (`[outbox.delivery] timeout_secs`).
    timeout: Duration,
}

enum ServerTls {
    None,
    Starttls(TlsParameters),
    Implicit(
        tokio_rustls::TlsConnector,
        rustls_pki_types::ServerName<'static>,
    ),
}

/// Why a send failed. Never contains the password.
#[derive(Debug)]
struct SmtpError {
    text: String,
    /// A 5xx reply: do not retry.
    permanent: bool,
    /// The connection is unusable: network error, timeout, garbled or
    /// missing reply, or 421 (the server is closing it).
    broken: bool,
}

impl SmtpError {
    fn timeout(step: &str, after: Duration) -> SmtpError {
        SmtpError {
            text: format!("timed out after {} s: {step}", after.as_secs()),
            permanent: false,
            broken: true,
        }
    }
}

impl From<lettre::transport::smtp::Error> for SmtpError {
    fn from(e: lettre::transport::smtp::Error) -> SmtpError {
        let code = e.status().map(u16::from);
        SmtpError {
            text: e.to_string(),
            permanent: e.is_permanent(),
            broken: code.is_none_or(|c| c == 421),
        }
    }
}

/// Runs one SMTP step under `limit`.
async fn step<T, E: Into<SmtpError>>(
    limit: Duration,
    what: &str,
    fut: impl Future<Output = Result<T, E>>,
) -> Result<T, SmtpError> {
    match tokio::time::timeout(limit, fut).await {
        Ok(r) => r.map_err(Into::into),
        Err(_) => Err(SmtpError::timeout(what, limit)),
    }
}

impl From<std::io::Error> for SmtpError {
    fn from(e: std::io::Error) -> SmtpError {
        SmtpError {
            text: format!("network error: {e}"),
            permanent: false,
            broken: true,
        }
    }
}

/// Idle connections are dropped (with QUIT) after this long; lettre's pool
/// uses the same, and servers close idle clients after a few minutes.
const IDLE_MAX: Duration = Duration::from_secs(60);

/// A pool of SMTP connections opened with `TCP_NODELAY` (see the module
/// doc). Holds at most `[outbox.delivery] concurrency` idle connections;
/// `send_batch` never has more sends in flight than that.
struct SmtpPool {
    server: SmtpServer,
    idle: std::sync::Mutex<Vec<(AsyncSmtpConnection, std::time::Instant)>>,
    max_idle: usize,
}

impl SmtpPool {
    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<(AsyncSmtpConnection, std::time::Instant)>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A fresh connection: TCP (no Nagle), implicit TLS or STARTTLS as
    /// configured, EHLO, AUTH. With OAuth2, a refused token is dropped and
    /// the login tried once more on a new connection with a fresh one.
    async fn connect(&self) -> Result<AsyncSmtpConnection, SmtpError> {
        let Some((user, tokens)) = self.server.oauth2.as_deref() else {
            return self.open().await;
        };
        let mut last = None;
        for _ in 0..2 {
            let token = tokens.access_token().await.map_err(|e| {
                crate::oauth2::report_login_required("outbox", e.needs_login());
                SmtpError {
                    text: e.to_string(),
                    permanent: false,
                    broken: true,
                }
            })?;
            let credentials = Credentials::new(user.clone(), token.expose().to_string());
            let mut conn = self.open().await?;
            match step(
                self.server.timeout * 2,
                "AUTH XOAUTH2",
                conn.auth(&[Mechanism::Xoauth2], &credentials),
            )
            .await
            {
                Ok(_) => {
                    crate::oauth2::report_login_required("outbox", false);
                    return Ok(conn);
                }
                Err(mut e) => {
                    // A refused token is not the message's fault: retry later.
                    e.permanent = false;
                    e.broken = true;
                    e.text = format!("AUTH XOAUTH2 as {user}: {}", e.text);
                    tracing::debug!("SMTP refused the OAuth2 access token; refreshing it");
                    tokens.invalidate().await;
                    last = Some(e);
                }
            }
        }
        Err(last.unwrap_or_else(|| SmtpError::timeout("AUTH XOAUTH2", self.server.timeout)))
    }

    /// TCP, TLS, EHLO and password AUTH when configured.
    async fn open(&self) -> Result<AsyncSmtpConnection, SmtpError> {
        let s = &self.server;
        let t = s.timeout;
        let tcp = step(
            t,
            "connecting",
            tokio::net::TcpStream::connect((s.host.as_str(), s.port)),
        )
        .await
        .map_err(|mut e| {
            e.text = format!("connecting to {}:{}: {}", s.host, s.port, e.text);
            e
        })?;
        tcp.set_nodelay(true)?;
        let stream: Box<dyn AsyncTokioStream> = match &s.tls {
            ServerTls::Implicit(connector, name) => Box::new(TlsStream(
                step(t, "TLS handshake", connector.connect(name.clone(), tcp)).await?,
            )),
            _ => Box::new(tcp),
        };
        // Greeting + EHLO.
        let mut conn = step(
            t * 2,
            "greeting and EHLO",
            AsyncSmtpConnection::connect_with_transport(stream, &s.hello),
        )
        .await?;
        if let ServerTls::Starttls(params) = &s.tls {
            // STARTTLS, handshake, EHLO again; fails if the server does not offer it.
            step(t * 3, "STARTTLS", conn.starttls(params.clone(), &s.hello)).await?;
        }
        if let Some(credentials) = &s.credentials {
            step(t * 2, "AUTH", conn.auth(DEFAULT_MECHANISMS, credentials)).await?;
        }
        Ok(conn)
    }

    /// An idle connection, newest first; stale ones are dropped.
    fn take(&self) -> Option<AsyncSmtpConnection> {
        let mut idle = self.idle();
        while let Some((conn, since)) = idle.pop() {
            if since.elapsed() < IDLE_MAX && !conn.has_broken() {
                return Some(conn);
            }
        }
        None
    }

    fn park(&self, conn: AsyncSmtpConnection) {
        let mut idle = self.idle();
        if idle.len() < self.max_idle && !conn.has_broken() {
            idle.push((conn, std::time::Instant::now()));
        }
    }

    /// Sends one message: on an idle connection when there is one, else a
    /// new one. A reused connection that turns out broken before any message
    /// content went out (closed by the server while idle) is replaced and the
    /// send tried once more; after content went out it is never retried here
    /// (the server may have accepted it).
    async fn send(
        &self,
        envelope: &lettre::address::Envelope,
        bytes: &[u8],
    ) -> Result<Response, SmtpError> {
        if let Some(mut conn) = self.take() {
            match self.transaction(&mut conn, envelope, bytes).await {
                Ok(r) => {
                    self.park(conn);
                    return Ok(r);
                }
                Err((e, content_sent)) => {
                    if !e.broken || content_sent {
                        self.recycle(conn, &e).await;
                        return Err(e);
                    }
                    tracing::debug!("pooled SMTP connection broken ({}): reconnecting", e.text);
                }
            }
        }
        let mut conn = self.connect().await?;
        match self.transaction(&mut conn, envelope, bytes).await {
            Ok(r) => {
                self.park(conn);
                Ok(r)
            }
            Err((e, _)) => {
                self.recycle(conn, &e).await;
                Err(e)
            }
        }
    }

    /// After a failed transaction: a connection still in step with the
    /// server (it replied 4xx/5xx) is reset and kept; a broken one is dropped.
    async fn recycle(&self, mut conn: AsyncSmtpConnection, e: &SmtpError) {
        if !e.broken
            && step(self.server.timeout, "RSET", conn.command(Rset))
                .await
                .is_ok()
        {
            self.park(conn);
        }
    }

    /// MAIL, RCPT…, DATA, content. The error says whether content was sent.
    async fn transaction(
        &self,
        conn: &mut AsyncSmtpConnection,
        envelope: &lettre::address::Envelope,
        bytes: &[u8],
    ) -> Result<Response, (SmtpError, bool)> {
        let t = self.server.timeout;
        let before = |e: SmtpError| (e, false);
        // As lettre's `send`: SMTPUTF8 for non-ASCII addresses, 8BITMIME for a non-ASCII body.
        let mut options = Vec::new();
        let non_ascii = |a: &Address| !AsRef::<str>::as_ref(a).is_ascii();
        if envelope.from().is_some_and(non_ascii) || envelope.to().iter().any(non_ascii) {
            if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
                return Err(before(SmtpError {
                    text: "envelope has non-ASCII addresses but the server lacks SMTPUTF8".into(),
                    permanent: false,
                    broken: false,
                }));
            }
            options.push(MailParameter::SmtpUtfEight);
        }
        if !bytes.is_ascii() {
            if !conn.server_info().supports_feature(Extension::EightBitMime) {
                return Err(before(SmtpError {
                    text: "message has non-ASCII bytes but the server lacks 8BITMIME".into(),
                    permanent: false,
                    broken: false,
                }));
            }
            options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        let mail = Mail::new(envelope.from().cloned(), options);
        step(t, "MAIL FROM", conn.command(mail))
            .await
            .map_err(before)?;
        for to in envelope.to() {
            step(t, "RCPT TO", conn.command(Rcpt::new(to.clone(), vec![])))
                .await
                .map_err(before)?;
        }
        step(t, "DATA", conn.command(Data)).await.map_err(before)?;
        // From here the server may accept the message: never retried here.
        // Writing the content gets one more timeout per MiB.
        let limit = t
            * (1 + u32::try_from(bytes.len() >> 20)
                .unwrap_or(u32::MAX)
                .min(1000));
        step(limit, "message content", conn.message(bytes))
            .await
            .map_err(|e| (e, true))
    }

    /// QUITs idle connections: all of them, or only those idle too long.
    async fn close(&self, all: bool) {
        let closing: Vec<AsyncSmtpConnection> = {
            let mut idle = self.idle();
            let (old, keep) = std::mem::take(&mut *idle)
                .into_iter()
                .partition(|(_, since)| all || since.elapsed() >= IDLE_MAX);
            *idle = keep;
            old.into_iter().map(|(c, _)| c).collect()
        };
        for mut conn in closing {
            let _ = tokio::time::timeout(self.server.timeout, conn.command(Quit)).await;
        }
    }
}

/// An implicit-TLS stream, in the shape lettre takes for a connection.
#[derive(Debug)]
struct TlsStream(tokio_rustls::client::TlsStream<tokio::net::TcpStream>);

impl AsyncTokioStream for TlsStream {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

impl AsyncRead for TlsStream {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsStream {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_shutdown(cx)
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

fn header_safe(name: &str, value: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !value.chars().any(|c| c.is_control())
}

/// Builds the wire message with lettre's typed builders. Contact data never
/// reaches a raw header: subject and names are single lines, extra headers
/// must be printable, addresses must parse.
pub fn build(
    email: &OutboundEmail,
    default_from: &Mailbox,
    archive: Option<&str>,
) -> anyhow::Result<(lettre::address::Envelope, Vec<u8>)> {
    use super::one_line;
    let from = match &email.from {
        Some(f) => parse_mailbox(&one_line(f)).map_err(anyhow::Error::msg)?,
        None => default_from.clone(),
    };
    let mut builder = lettre::Message::builder()
        .from(from.clone())
        .message_id(Some(format!("<{}>", email.message_id)))
        .date(SystemTime::now())
        .subject(one_line(&email.subject));
    let mut recipients = Vec::new();
    for to in &email.to {
        let address: Address = to
            .trim()
            .parse()
            .with_context(|| format!("bad recipient {to:?}"))?;
        recipients.push(address.clone());
        builder = builder.to(Mailbox::new(None, address));
    }
    anyhow::ensure!(!recipients.is_empty(), "no recipient");
    // One address or a list ("prospect, claims@…"); an unparseable value is dropped.
    if let Some(r) = &email.reply_to
        && let Ok(list) = one_line(r).parse::<lettre::message::Mailboxes>()
    {
        for m in list {
            builder = builder.reply_to(m);
        }
    }
    if let Some(id) = &email.in_reply_to {
        let id: String = id
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '<' | '>' | ' '))
            .collect();
        builder = builder
            .in_reply_to(format!("<{id}>"))
            .references(format!("<{id}>"));
    }
    let mut message = match &email.html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            email.text.clone(),
            html.clone(),
        ))?,
        None => builder.singlepart(SinglePart::plain(email.text.clone()))?,
    };
    for (name, value) in &email.headers {
        anyhow::ensure!(header_safe(name, value), "unsafe header {name:?}");
        let name = HeaderName::new_from_ascii(name.clone())
            .map_err(|e| anyhow::anyhow!("header name: {e}"))?;
        message
            .headers_mut()
            .insert_raw(HeaderValue::new(name, value.clone()));
    }
    if let Some(a) = archive {
        recipients.push(
            a.parse()
                .with_context(|| format!("bad archive address {a:?}"))?,
        );
    }
    let envelope = lettre::address::Envelope::new(Some(from.email), recipients)?;
    Ok((envelope, message.formatted()))
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
mod tests {
    use super::*;

    fn email(subject: &str, headers: Vec<(String, String)>) -> OutboundEmail {
        OutboundEmail {
            message_id: "n.e1.1@carousel.test".into(),
            to: vec!["ann@example.test".into()],
            from: None,
            reply_to: Some("Eve\r\nBcc: x@evil.test <eve@example.test>".into()),
            subject: subject.into(),
            text: "hello".into(),
            html: Some("<p>hello</p>".into()),
            headers,
            in_reply_to: None,
            purpose: Purpose::TeamNote { lead: "1".into() },
        }
    }

    #[test]
    fn contact_data_cannot_inject_headers() {
        let from = parse_mailbox("Acme <hello@acme.test>").unwrap();
        let (envelope, bytes) =
            build(&email("Hi\r\nBcc: victim@evil.test", vec![]), &from, None).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let head = text.split("\r\n\r\n").next().unwrap();
        assert!(
            !head
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
            "{head}"
        );
        assert!(
            head.contains("Message-ID: <n.e1.1@carousel.test>"),
            "{head}"
        );
        assert!(head.contains("\r\nDate: "), "{head}");
        assert_eq!(envelope.to().len(), 1);
        assert!(
            build(
                &email("x", vec![("X-Evil".into(), "a\r\nBcc: y@z".into())]),
                &from,
                None
            )
            .is_err()
        );
    }

    #[test]
    fn archive_is_an_envelope_recipient_not_a_header() {
        let from = parse_mailbox("hello@acme.test").unwrap();
        let (envelope, bytes) =
            build(&email("x", vec![]), &from, Some("archive@acme.test")).unwrap();
        assert_eq!(envelope.to().len(), 2);
        assert!(!String::from_utf8(bytes).unwrap().contains("archive@"));
    }

    /// What the fake server does with the n-th message on a connection.
    #[derive(Clone, Copy)]
    enum Fake {
        Accept,
        /// Accept, then close the connection (a server dropping an idle client).
        AcceptThenClose,
        /// Read the content, then close without a reply.
        CloseAfterContent,
    }

    /// A tiny SMTP server: `script(connection, message)` decides each message.
    /// Returns its port and (connections, messages whose content arrived).
    async fn fake_smtp(
        script: fn(usize, usize) -> Fake,
    ) -> (
        u16,
        Arc<std::sync::atomic::AtomicUsize>,
        Arc<std::sync::atomic::AtomicUsize>,
    ) {
        use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (conns, msgs) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let (c, m) = (conns.clone(), msgs.clone());
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let conn = c.fetch_add(1, SeqCst);
                let m = m.clone();
                tokio::spawn(async move {
                    let mut s = BufReader::new(tcp);
                    let _ = s.write_all(b"220 fake ESMTP\r\n").await;
                    let mut n = 0;
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if s.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                        let reply: &[u8] = match verb.as_str() {
                            "EHLO" => b"250-fake\r\n250 8BITMIME\r\n",
                            "DATA" => {
                                let _ = s.write_all(b"354 go on\r\n").await;
                                loop {
                                    line.clear();
                                    if s.read_line(&mut line).await.unwrap_or(0) == 0 {
                                        return;
                                    }
                                    if line == ".\r\n" {
                                        break;
                                    }
                                }
                                m.fetch_add(1, SeqCst);
                                n += 1;
                                match script(conn, n) {
                                    Fake::Accept => b"250 2.0.0 queued\r\n",
                                    Fake::AcceptThenClose => {
                                        let _ = s.write_all(b"250 2.0.0 queued\r\n").await;
                                        return;
                                    }
                                    Fake::CloseAfterContent => return,
                                }
                            }
                            "QUIT" => {
                                let _ = s.write_all(b"221 bye\r\n").await;
                                return;
                            }
                            _ => b"250 ok\r\n",
                        };
                        let _ = s.write_all(reply).await;
                    }
                });
            }
        });
        (port, conns, msgs)
    }

    fn pool(port: u16) -> SmtpPool {
        SmtpPool {
            server: SmtpServer {
                host: "127.0.0.1".into(),
                port,
                tls: ServerTls::None,
                credentials: None,
                oauth2: None,
                hello: ClientId::Domain("carousel.test".into()),
                timeout: Duration::from_secs(10),
            },
            idle: std::sync::Mutex::new(Vec::new()),
            max_idle: 2,
        }
    }

    fn envelope() -> lettre::address::Envelope {
        lettre::address::Envelope::new(
            Some("a@acme.test".parse().unwrap()),
            vec!["b@example.test".parse().unwrap()],
        )
        .unwrap()
    }

    #[tokio::test]
    async fn a_pooled_connection_closed_while_idle_is_replaced_and_the_send_retried_once() {
        // Connection 0 accepts one message and closes; connection 1 accepts all.
        let (port, conns, msgs) = fake_smtp(|conn, _| {
            if conn == 0 {
                Fake::AcceptThenClose
            } else {
                Fake::Accept
            }
        })
        .await;
        let pool = pool(port);
        let body = b"Subject: x\r\n\r\n.leading dot\r\n";
        for _ in 0..3 {
            let reply = pool.send(&envelope(), body).await.unwrap();
            assert_eq!(u16::from(reply.code()), 250);
        }
        use std::sync::atomic::Ordering::SeqCst;
        assert_eq!(msgs.load(SeqCst), 3, "each message delivered exactly once");
        assert_eq!(conns.load(SeqCst), 2, "the second connection is reused");
        pool.close(true).await;
    }

    #[tokio::test]
    async fn a_connection_lost_after_the_content_went_out_is_not_retried() {
        // Connection 0: first message accepted, the second read and then the
        // connection drops: the server may have queued it, so no retry.
        let (port, conns, msgs) = fake_smtp(|_, n| {
            if n == 1 {
                Fake::Accept
            } else {
                Fake::CloseAfterContent
            }
        })
        .await;
        let pool = pool(port);
        let body = b"Subject: x\r\n\r\nhi\r\n";
        pool.send(&envelope(), body).await.unwrap();
        let e = pool.send(&envelope(), body).await.unwrap_err();
        assert!(e.broken && !e.permanent, "{e:?}");
        use std::sync::atomic::Ordering::SeqCst;
        assert_eq!(msgs.load(SeqCst), 2);
        assert_eq!(conns.load(SeqCst), 1, "no reconnect after content went out");
    }
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
