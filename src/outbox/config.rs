//! `[outbox]`: where carousel's email goes (a directory of `.eml` files or
//! an SMTP server), the From address and Message-ID domain, sending
//! behaviour and the sent-copy archive; and [`SenderConfig`], the slice the
//! sender is given.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;
use toml::Spanned;

use crate::net::TlsMode;

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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxConfig {
    /// Embedded default: lettre's file transport writes `.eml` files here.
    pub dir: Option<PathBuf>,
    pub smtp: Option<SmtpConfig>,
    pub from: String,
    /// Domain of carousel's deterministic Message-IDs.
    #[serde(default = "default_message_id_domain")]
    pub message_id_domain: String,
    /// Sending behaviour (`[outbox.delivery]`): pool, batches, retries, rate limits.
    #[serde(default)]
    pub delivery: DeliveryConfig,
    /// Sent-copy archive that resolves a crash between SMTP accept and record (`[outbox.archive]`).
    pub archive: Option<crate::outbox::archive::ArchiveConfig>,
}

fn default_message_id_domain() -> String {
    "carousel.local".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    pub port: Spanned<i64>,
    pub tls: TlsMode,
    pub user: Option<String>,
    pub password_env: Option<String>,
    pub password_file: Option<PathBuf>,
    pub password: Option<Spanned<String>>,
    #[serde(default)]
    pub allow_insecure: bool,
    pub ca_file: Option<PathBuf>,
    /// AUTH XOAUTH2 with OAuth2 tokens instead of a password (needs `user`).
    pub oauth2: Option<Box<crate::oauth2::OAuth2Config>>,
}

/// What the sender receives: `[outbox]` with its paths already resolved,
/// the directory other relative paths (token files) resolve against, and
/// `[limits] max_auto_emails_per_day`.
#[derive(Debug, Clone)]
pub struct SenderConfig {
    pub outbox: OutboxConfig,
    pub base_dir: PathBuf,
    pub max_auto_emails_per_day: u32,
}
