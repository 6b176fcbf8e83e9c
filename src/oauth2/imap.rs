//! IMAP `AUTHENTICATE` with a bearer token: reads the pre-login
//! capabilities (from the greeting, else `CAPABILITY`), picks OAUTHBEARER or
//! XOAUTH2, and on a refused token refreshes it once and tries again.

use std::time::Duration;

use anyhow::{Context as _, anyhow, bail};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::TokenSource;
use super::sasl::{Bearer, Exchange, Mechanism};

/// Longest pre-login line read (capability lists are a few hundred bytes).
const MAX_LINE: usize = 16 * 1024;

async fn read_line<S: AsyncRead + Unpin>(stream: &mut S) -> anyhow::Result<String> {
    let mut line = Vec::new();
    loop {
        let b = stream
            .read_u8()
            .await
            .context("connection closed before login")?;
        line.push(b);
        if b == b'\n' {
            return Ok(String::from_utf8_lossy(&line).trim_end().to_string());
        }
        if line.len() > MAX_LINE {
            bail!("server line longer than {MAX_LINE} bytes before login");
        }
    }
}

fn capability_words(line: &str) -> Option<Vec<String>> {
    // `* OK [CAPABILITY a b c] text` or `* CAPABILITY a b c`.
    let upper = line.to_ascii_uppercase();
    if let Some(i) = upper.find("[CAPABILITY ") {
        let rest = &line[i + 12..];
        let end = rest.find(']').unwrap_or(rest.len());
        return Some(rest[..end].split_whitespace().map(str::to_string).collect());
    }
    upper
        .starts_with("* CAPABILITY ")
        .then(|| line[13..].split_whitespace().map(str::to_string).collect())
}

/// The server's pre-login capabilities, read straight off the stream before
/// async-imap takes it over. `greeting`: the server greeting is still unread
/// (not after STARTTLS). Nothing is left buffered: the server says nothing
/// more until the next command.
pub async fn capabilities<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    greeting: bool,
) -> anyhow::Result<Vec<String>> {
    if greeting {
        let line = read_line(stream).await?;
        if line.starts_with("* BYE") {
            bail!("server refused the connection: {line}");
        }
        if let Some(caps) = capability_words(&line) {
            return Ok(caps);
        }
    }
    stream.write_all(b"c0 CAPABILITY\r\n").await?;
    stream.flush().await?;
    let mut caps = Vec::new();
    for _ in 0..64 {
        let line = read_line(stream).await?;
        if let Some(words) = capability_words(&line) {
            caps.extend(words);
        } else if line.starts_with("c0 ") {
            return Ok(caps);
        }
    }
    bail!("no end to the CAPABILITY answer")
}

/// Logs in with a token from `tokens`; a refused token is dropped, a fresh
/// one fetched and tried once more. Errors never contain the token.
pub async fn authenticate<T>(
    mut client: async_imap::Client<T>,
    caps: &[String],
    user: &str,
    host: &str,
    port: u16,
    tokens: &TokenSource,
    timeout: Duration,
) -> anyhow::Result<async_imap::Session<T>>
where
    T: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let mechanism = Mechanism::from_capabilities(caps).ok_or_else(|| {
        anyhow!("the IMAP server offers neither AUTH=OAUTHBEARER nor AUTH=XOAUTH2")
    })?;
    let mut last = String::new();
    for attempt in 0..2 {
        let token = tokens.access_token().await?;
        let bearer = Bearer {
            user,
            token: token.expose(),
            host: Some(host),
            port: Some(port),
        };
        let mut exchange = Exchange::new(mechanism, &bearer);
        let result = tokio::time::timeout(
            timeout,
            client.authenticate(mechanism.name(), &mut exchange),
        )
        .await
        .map_err(|_| anyhow!("AUTHENTICATE {} timed out", mechanism.name()))?;
        match result {
            Ok(session) => {
                tracing::debug!(target_name = %tokens.target, mechanism = mechanism.name(), "IMAP OAuth2 login");
                return Ok(session);
            }
            Err((e, c)) => {
                client = c;
                // The server's text, without anything we sent.
                last = match &exchange.error {
                    Some(err) => format!("{e} (status {})", super::sanitize(&err.status)),
                    None => e.to_string(),
                };
                if !matches!(e, async_imap::error::Error::No(_)) {
                    bail!("AUTHENTICATE {} as {user}: {last}", mechanism.name());
                }
                tracing::debug!(target_name = %tokens.target, attempt, "IMAP refused the OAuth2 access token; refreshing it");
                tokens.invalidate().await;
            }
        }
    }
    bail!(
        "AUTHENTICATE {} as {user} refused with a fresh token: {last}",
        mechanism.name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_from_greeting_and_untagged() {
        assert_eq!(
            capability_words(
                "* OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2 AUTH=OAUTHBEARER] Dovecot ready."
            ),
            Some(vec![
                "IMAP4rev1".into(),
                "AUTH=XOAUTH2".into(),
                "AUTH=OAUTHBEARER".into()
            ])
        );
        assert_eq!(
            capability_words("* CAPABILITY IMAP4rev1 AUTH=PLAIN"),
            Some(vec!["IMAP4rev1".into(), "AUTH=PLAIN".into()])
        );
        assert_eq!(capability_words("* OK ready"), None);
    }

    #[tokio::test]
    async fn probes_capability_when_greeting_lacks_it() {
        let (mut client, mut server) = tokio::io::duplex(4096);
        let srv = tokio::spawn(async move {
            server.write_all(b"* OK ready\r\n").await.unwrap();
            let mut buf = [0u8; 15];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"c0 CAPABILITY\r\n");
            server
                .write_all(b"* CAPABILITY IMAP4rev1 AUTH=XOAUTH2\r\nc0 OK done\r\n")
                .await
                .unwrap();
        });
        let caps = capabilities(&mut client, true).await.unwrap();
        srv.await.unwrap();
        assert_eq!(
            Mechanism::from_capabilities(&caps),
            Some(Mechanism::XOAuth2)
        );
    }
}
