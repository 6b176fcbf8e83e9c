//! Network leaves every connection uses: TLS (the rustls connector and the
//! plain-text rule), secrets (passwords and tokens read from an environment
//! variable or a file, never from the TOML and never logged), and reconnect
//! backoff. It knows nothing of mail, leads or the store, so any module may
//! use it (IMAP sources, the SMTP sender, the sent-copy archive).

use std::fmt::Debug;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncWrite};
use toml::Spanned;

/// Any byte stream an IMAP session can run over (plain TCP or TLS).
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> Io for T {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    Implicit,
    Starttls,
    /// Plain text: only for localhost unless `allow_insecure` is set.
    None,
}

/// An IMAP connection (`imap = {…}` of a mailbox, or of the outbox's
/// sent-copy archive).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImapConfig {
    pub host: String,
    pub port: Spanned<i64>,
    pub tls: TlsMode,
    pub user: String,
    pub password_env: Option<String>,
    pub password_file: Option<PathBuf>,
    /// Rejected: present only so the error can point at it.
    pub password: Option<Spanned<String>>,
    #[serde(default = "default_folder")]
    pub folder: String,
    /// After storing: `seen` (default) sets \Seen; a folder name moves the message there.
    #[serde(default)]
    pub move_to: Option<String>,
    #[serde(default = "default_batch")]
    pub batch: u32,
    /// Re-issue IDLE this often (servers drop idle clients after ~30 min).
    #[serde(default = "default_idle_secs")]
    pub idle_secs: u64,
    /// Timeout for every IMAP command.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    /// Allow plain text to a host that is not localhost.
    #[serde(default)]
    pub allow_insecure: bool,
    /// Extra CA certificate (PEM) to trust, e.g. a private server's self-signed cert.
    pub ca_file: Option<PathBuf>,
    /// Log in with OAuth2 (XOAUTH2 / OAUTHBEARER) instead of a password.
    pub oauth2: Option<Box<crate::oauth2::OAuth2Config>>,
}

fn default_folder() -> String {
    "INBOX".into()
}
fn default_batch() -> u32 {
    200
}
fn default_idle_secs() -> u64 {
    20 * 60
}
fn default_timeout_secs() -> u64 {
    30
}

/// Refuses plain text to a host that is not loopback unless `allow_insecure`
/// is set: the check every IMAP/SMTP connection makes at runtime, so a config
/// that skipped validation still never sends a password in clear.
pub fn require_tls(host: &str, tls: TlsMode, allow_insecure: bool) -> anyhow::Result<()> {
    if tls == TlsMode::None && !is_local(host) && !allow_insecure {
        anyhow::bail!(
            "refusing plain text to {host}: set tls = \"implicit\" or \"starttls\", or allow_insecure = true"
        );
    }
    Ok(())
}

/// Loopback hosts may be reached without TLS.
pub fn is_local(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1") || host.starts_with("127.")
}

/// A rustls connector trusting the system roots, plus `ca_file` when given.
pub fn tls_connector(
    ca_file: Option<&std::path::Path>,
) -> anyhow::Result<tokio_rustls::TlsConnector> {
    let mut roots = tokio_rustls::rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = ca_file {
        let pem =
            std::fs::read(path).with_context(|| format!("reading CA file {}", path.display()))?;
        for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
            roots
                .add(cert.context("bad certificate in CA file")?)
                .context("adding CA certificate")?;
        }
    }
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS versions")?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

/// 1 s, 2 s, 4 s … capped at 60 s, each with up to 50 % random jitter.
pub fn backoff(attempt: u32) -> Duration {
    let base = 1000u64
        .saturating_mul(1 << attempt.saturating_sub(1).min(6))
        .min(60_000);
    let jitter = rand::random_range(0..=base / 2);
    Duration::from_millis(base + jitter)
}

/// Reads a secret from the named environment variable or file. The value is
/// never logged; errors name only where it was looked for.
pub fn read_secret(env: Option<&String>, file: Option<&PathBuf>) -> anyhow::Result<String> {
    if let Some(var) = env {
        return std::env::var(var)
            .with_context(|| format!("environment variable {var} is not set"));
    }
    if let Some(path) = file {
        let s = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read password file {}", path.display()))?;
        return Ok(s.trim_end_matches(['\r', '\n']).to_string());
    }
    anyhow::bail!("no password_env or password_file configured")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert!(backoff(1) >= Duration::from_secs(1) && backoff(1) <= Duration::from_millis(1500));
        assert!(backoff(20) <= Duration::from_secs(90));
        assert!(backoff(20) >= Duration::from_secs(60));
    }
}
