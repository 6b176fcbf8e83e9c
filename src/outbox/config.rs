//! `[outbox]`: where carousel's email goes (a directory of `.eml` files or
//! an SMTP server), the From address and Message-ID domain, sending
//! behaviour and the sent-copy archive; and [`SenderConfig`], the slice the
//! sender is given.

use std::path::PathBuf;

use serde::Deserialize;
use toml::Spanned;

use crate::net::TlsMode;

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
    pub delivery: crate::outbox::sender::DeliveryConfig,
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
