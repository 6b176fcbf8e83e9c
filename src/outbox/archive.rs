//! The sent-copy archive that makes "exactly once" decidable.
//!
//! Every email the SMTP sender hands over also goes (as an extra envelope
//! recipient, no header) to a carousel-owned archive address. The MTA
//! accepts a message for all recipients at once, so "the archive has a
//! copy" ⇔ "the MTA accepted it". When a record is found in `Sending` after
//! a restart (the process died between `DATA` and recording the `250`),
//! the sender looks for its Message-ID in the archive over IMAP:
//!
//! - found → it was accepted: record `Sent`, do not send again;
//! - not found, and the record has been `Sending` for less than
//!   `grace_secs` → the copy may still be on its way through the MTA: ask
//!   again on a later pass;
//! - not found after the grace period → it was never accepted: send again.
//!
//! The one assumption: the MTA delivers the archive copy within the grace
//! period (local delivery takes milliseconds; set the grace well above any
//! queue delay you expect). Without an archive the sender never guesses:
//! an uncertain record becomes `Failed` (at most once), unless
//! `on_uncertain = "resend"` asks for at-least-once.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, anyhow};
use serde::Deserialize;
use tokio::net::TcpStream;

use crate::net::Io;
use crate::net::{ImapConfig, TlsMode};

/// `[outbox.archive]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveConfig {
    /// Added as an envelope recipient of every email (never a header).
    pub address: String,
    /// Where carousel reads the archive copies (usually that address's mailbox).
    pub imap: ImapConfig,
    /// How long an unaccepted-looking email is given to show up before it is resent.
    #[serde(default = "default_grace")]
    pub grace_secs: u64,
}

fn default_grace() -> u64 {
    120
}

/// Checks which Message-IDs have a copy in the archive folder. One IMAP
/// session per call; ids are carousel's own (safe characters only).
pub async fn present(
    config: &ArchiveConfig,
    base: &std::path::Path,
    ids: &[String],
) -> anyhow::Result<HashSet<String>> {
    let c = &config.imap;
    let timeout = Duration::from_secs(c.timeout_secs.max(1));
    let port = u16::try_from(*c.port.get_ref()).context("archive imap port")?;
    let addr = format!("{}:{port}", c.host);
    let tcp = tokio::time::timeout(timeout, TcpStream::connect(&addr))
        .await
        .map_err(|_| anyhow!("archive: connecting to {addr} timed out"))?
        .with_context(|| format!("archive: connecting to {addr}"))?;
    tcp.set_nodelay(true).ok();
    let stream: Box<dyn Io> = match c.tls {
        TlsMode::None => Box::new(tcp),
        TlsMode::Implicit | TlsMode::Starttls => {
            anyhow::ensure!(
                c.tls == TlsMode::Implicit,
                "archive imap: use tls = \"implicit\" (port 993) or \"none\" for localhost"
            );
            let ca: Option<PathBuf> = c.ca_file.as_ref().map(|p| base.join(p));
            let connector = crate::net::tls_connector(ca.as_deref())?;
            let name = rustls_pki_types::ServerName::try_from(c.host.clone())
                .context("archive imap host name")?;
            Box::new(connector.connect(name, tcp).await.context("archive TLS")?)
        }
    };
    let mut session = match &c.oauth2 {
        Some(o) => {
            let mut stream = stream;
            let caps = tokio::time::timeout(
                timeout,
                crate::oauth2::imap::capabilities(&mut stream, true),
            )
            .await
            .map_err(|_| anyhow!("archive: no greeting"))??;
            let mut o = o.clone();
            o.refresh_token_file = o.refresh_token_file.map(|p| base.join(p));
            let tokens = crate::oauth2::source("archive", &o, crate::oauth2::Use::Imap, base);
            let client = async_imap::Client::new(stream);
            crate::oauth2::imap::authenticate(
                client, &caps, &c.user, &c.host, port, &tokens, timeout,
            )
            .await
            .context("archive")?
        }
        None => login(stream, c, base, timeout).await?,
    };
    tokio::time::timeout(timeout, session.examine(&c.folder))
        .await
        .map_err(|_| anyhow!("archive: EXAMINE timed out"))?
        .with_context(|| format!("archive: EXAMINE {}", c.folder))?;
    let mut found = HashSet::new();
    for id in ids {
        let safe: String = id
            .chars()
            .filter(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '-' | '@' | '_'))
            .collect();
        let hits = tokio::time::timeout(
            timeout,
            session.uid_search(format!("HEADER Message-ID \"<{safe}>\"")),
        )
        .await
        .map_err(|_| anyhow!("archive: SEARCH timed out"))?
        .context("archive: SEARCH")?;
        if !hits.is_empty() {
            found.insert(id.clone());
        }
    }
    // Unsolicited responses are irrelevant here; drain and leave.
    while session.unsolicited_responses.try_recv().is_ok() {}
    let _ = tokio::time::timeout(timeout, session.logout()).await;
    Ok(found)
}

/// Password login: greeting, then `LOGIN`.
async fn login(
    stream: Box<dyn Io>,
    c: &ImapConfig,
    base: &std::path::Path,
    timeout: Duration,
) -> anyhow::Result<async_imap::Session<Box<dyn Io>>> {
    let mut client = async_imap::Client::new(stream);
    tokio::time::timeout(timeout, client.read_response())
        .await
        .map_err(|_| anyhow!("archive: no greeting"))?
        .context("archive greeting")?;
    let password = crate::net::read_secret(
        c.password_env.as_ref(),
        c.password_file.as_ref().map(|p| base.join(p)).as_ref(),
    )?;
    tokio::time::timeout(timeout, client.login(&c.user, &password))
        .await
        .map_err(|_| anyhow!("archive: login timed out"))?
        .map_err(|(e, _)| anyhow!("archive login as {}: {e}", c.user))
}
