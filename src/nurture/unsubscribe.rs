//! Unsubscribing: HMAC-signed tokens for one-click links (RFC 8058), the
//! `List-Unsubscribe` headers every nurture email carries, the HTTP
//! handler the daemon's listener serves at `/u/TOKEN`, and the watch over
//! the `mailto:` mailbox (any mail arriving there suppresses its sender).
//!
//! A token is `hex(address) "." hex(HMAC-SHA256(secret, address))[..32]`:
//! it names one address and cannot be forged or changed to another one.

use sha2::{Digest, Sha256};

use super::StopReason;
use super::sequence::NurtureConfig;
use crate::store::{Store, StoreError};

/// The tree where the generated secret (when none is configured) and the
/// processed unsubscribe messages are kept.
pub const TREE: &str = "nurture_meta";

/// The unsubscribe secret: from `secret_env` / `secret_file`, else
/// generated once and kept in the store (tokens then live as long as the store).
pub fn secret(config: &NurtureConfig, store: &Store) -> anyhow::Result<Vec<u8>> {
    if config.secret_env.is_some() || config.secret_file.is_some() {
        let s = crate::net::read_secret(config.secret_env.as_ref(), config.secret_file.as_ref())?;
        anyhow::ensure!(
            s.len() >= 16,
            "unsubscribe secret is shorter than 16 characters"
        );
        return Ok(s.into_bytes());
    }
    let tree = store.tree(TREE)?;
    if let Some(v) = tree.get("secret")? {
        return Ok(v.to_vec());
    }
    let fresh: [u8; 32] = rand::random();
    // Another process may race us: whichever wrote first wins, both read it back.
    let _ = tree.compare_and_swap("secret", None as Option<&[u8]>, Some(&fresh[..]))?;
    Ok(tree
        .get("secret")?
        .map(|v| v.to_vec())
        .unwrap_or(fresh.to_vec()))
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

fn signature(secret: &[u8], address: &str) -> String {
    let mut msg = b"carousel-unsubscribe\0".to_vec();
    msg.extend_from_slice(address.as_bytes());
    hex::encode(&hmac_sha256(secret, &msg)[..16])
}

/// The token for one address.
pub fn token(secret: &[u8], address: &str) -> String {
    format!("{}.{}", hex::encode(address), signature(secret, address))
}

/// The address a token names, when its signature is right.
pub fn verify(secret: &[u8], token: &str) -> Option<String> {
    if token.len() > 2048 {
        return None;
    }
    let (addr_hex, sig) = token.trim().split_once('.')?;
    let address = String::from_utf8(hex::decode(addr_hex).ok()?).ok()?;
    let expected = signature(secret, &address);
    // Constant time: every byte is compared.
    let same = sig.len() == expected.len()
        && sig
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    same.then_some(address)
}

/// The one-click URL for an address.
pub fn url(config: &NurtureConfig, secret: &[u8], address: &str) -> String {
    format!(
        "{}/u/{}",
        config.unsubscribe_url.trim_end_matches('/'),
        token(secret, address)
    )
}

/// `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 2369, RFC 8058).
/// Values are built from the configured address and a hex token only.
pub fn headers(config: &NurtureConfig, secret: &[u8], address: &str) -> Vec<(String, String)> {
    let tok = token(secret, address);
    vec![
        (
            "List-Unsubscribe".into(),
            format!(
                "<mailto:{}?subject=unsubscribe%20{tok}>, <{}>",
                config.unsubscribe_mailto,
                url(config, secret, address)
            ),
        ),
        (
            "List-Unsubscribe-Post".into(),
            "List-Unsubscribe=One-Click".into(),
        ),
    ]
}

/// What the one-click handler did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Unsubscribed(String),
    BadToken,
}

/// Handles a one-click POST (RFC 8058) or the confirmation button:
/// suppresses the token's address and stops its sequences, durably,
/// before answering.
pub async fn one_click(store: &Store, secret: &[u8], token: &str) -> Result<Outcome, StoreError> {
    let Some(address) = verify(secret, token) else {
        return Ok(Outcome::BadToken);
    };
    super::suppress(store, &address, StopReason::Unsubscribe)?;
    store.flush().await?;
    tracing::info!("unsubscribed by one-click link");
    Ok(Outcome::Unsubscribed(address))
}

/// The page a person sees: the confirmation button, the result, or a bad link.
fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title></head><body style=\"font-family:sans-serif;max-width:32em;margin:3em auto;padding:0 1em;\">{body}</body></html>"
    )
}

/// `GET /u/{token}`: a person (or a mail-security scanner) opened the link.
/// Nothing changes: the page asks for a button press (a POST), which
/// scanners do not do. `POST /u/{token}`: RFC 8058 one-click from the mail
/// client, or the button: unsubscribes at once. `POST /u/{token}/resubscribe`
/// undoes it. Merge into the daemon's listener:
/// `app.merge(unsubscribe_router(store, secret))`.
pub fn unsubscribe_router(store: Store, secret: Vec<u8>) -> axum::Router {
    use axum::extract::{Path, State};
    use axum::http::StatusCode;
    use axum::response::Html;
    use std::sync::Arc;
    type Shared = State<(Store, Arc<Vec<u8>>)>;
    type Answer = (StatusCode, Html<String>);
    fn bad_link() -> Answer {
        (
            StatusCode::NOT_FOUND,
            Html(page(
                "Link not valid",
                "<p>This unsubscribe link is not valid.</p>",
            )),
        )
    }
    fn try_again(e: StoreError) -> Answer {
        tracing::error!("unsubscribe: {e}");
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Html(page("Try again", "<p>Please try again in a minute.</p>")),
        )
    }
    async fn confirm(State((_, secret)): Shared, Path(token): Path<String>) -> Answer {
        if verify(&secret, &token).is_none() {
            return bad_link();
        }
        (
            StatusCode::OK,
            Html(page(
                "Unsubscribe",
                "<p>Do you want to stop receiving these emails?</p><form method=\"post\"><button type=\"submit\">Unsubscribe</button></form>",
            )),
        )
    }
    async fn unsubscribe(State((store, secret)): Shared, Path(token): Path<String>) -> Answer {
        match one_click(&store, &secret, &token).await {
            Ok(Outcome::Unsubscribed(_)) => (
                StatusCode::OK,
                Html(page(
                    "Unsubscribed",
                    &format!(
                        "<p>You are unsubscribed. You will not receive these emails again.</p><form method=\"post\" action=\"{token}/resubscribe\"><button type=\"submit\">I did not mean to: resubscribe</button></form>",
                        token = token_path(&token)
                    ),
                )),
            ),
            Ok(Outcome::BadToken) => bad_link(),
            Err(e) => try_again(e),
        }
    }
    async fn resubscribe(State((store, secret)): Shared, Path(token): Path<String>) -> Answer {
        let Some(address) = verify(&secret, &token) else {
            return bad_link();
        };
        let done = match super::resubscribe(&store, &address) {
            Ok(done) => done,
            Err(e) => return try_again(e),
        };
        if let Err(e) = store.flush().await {
            return try_again(e);
        }
        let text = if done {
            "<p>You are subscribed again.</p>"
        } else {
            "<p>This address is not unsubscribed.</p>"
        };
        (StatusCode::OK, Html(page("Subscribed", text)))
    }
    axum::Router::new()
        .route("/u/{token}", axum::routing::get(confirm).post(unsubscribe))
        .route("/u/{token}/resubscribe", axum::routing::post(resubscribe))
        .with_state((store, Arc::new(secret)))
}

/// The last path segment for a relative form action: a verified token is
/// hex and a dot, so it needs no escaping.
fn token_path(token: &str) -> String {
    token
        .chars()
        .filter(|c| c.is_ascii_hexdigit() || *c == '.')
        .collect()
}

/// Suppresses the sender of every new message stored from the unsubscribe
/// mailbox (and the address of a valid token in its subject). Reads the
/// store's per-mailbox Message-ID index, so only that mailbox is scanned.
/// Returns how many addresses were suppressed.
pub fn process_mailbox(store: &Store, mailbox: &str, secret: &[u8]) -> Result<usize, StoreError> {
    let ids = store.tree("message_ids")?;
    let seen = store.tree(TREE)?;
    let mut prefix = mailbox.as_bytes().to_vec();
    prefix.push(0);
    let mut suppressed = 0;
    for item in ids.scan_prefix(&prefix) {
        let (_, key) = item?;
        let mut seen_key = b"seen\0".to_vec();
        seen_key.extend_from_slice(&key);
        if seen.contains_key(&seen_key)? {
            continue;
        }
        let message_key =
            crate::store::model::MessageKey(String::from_utf8_lossy(&key).into_owned());
        if let Some(record) = store.message(&message_key)? {
            let u = &record.understanding;
            let automatic = matches!(
                u.kind,
                crate::understand::Kind::Bounce | crate::understand::Kind::AutoReply
            );
            let mut addresses = Vec::new();
            if !automatic && let Some(from) = &u.envelope.from_email {
                addresses.push(crate::understand::normalize_email(from));
            }
            if let Some(subject) = &u.envelope.subject {
                for word in subject.split_whitespace() {
                    if let Some(a) = verify(secret, word) {
                        addresses.push(a);
                    }
                }
            }
            addresses.sort();
            addresses.dedup();
            for a in addresses {
                super::suppress(store, &a, StopReason::Unsubscribe)?;
                suppressed += 1;
            }
        }
        seen.insert(seen_key, &[])?;
    }
    Ok(suppressed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_and_cannot_be_retargeted() {
        let s = b"0123456789abcdef-secret";
        let t = token(s, "ann@example.test");
        assert_eq!(verify(s, &t).as_deref(), Some("ann@example.test"));
        let sig = t.split_once('.').unwrap().1;
        let forged = format!("{}.{sig}", hex::encode("bob@example.test"));
        assert_eq!(verify(s, &forged), None);
        assert_eq!(verify(b"another secret!!!", &t), None);
        assert_eq!(verify(s, "garbage"), None);
    }

    /// One HTTP/1.1 request to `port`; returns (status, body).
    fn http(port: u16, method: &str, path: &str) -> (u16, String) {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        let body = if method == "POST" {
            "List-Unsubscribe=One-Click"
        } else {
            ""
        };
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        let status = out
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (status, out)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_get_only_asks_and_a_post_unsubscribes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8).unwrap();
        let secret = b"0123456789abcdef-secret".to_vec();
        let tok = token(&secret, "ann@example.test");
        let app = unsubscribe_router(store.clone(), secret);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let suppressed = |s: &Store| super::super::is_suppressed(s, "ann@example.test").unwrap();

        let path = format!("/u/{tok}");
        let p = path.clone();
        let (status, page) = tokio::task::spawn_blocking(move || http(port, "GET", &p))
            .await
            .unwrap();
        assert_eq!(status, 200);
        assert!(
            page.contains("<form method=\"post\"") && page.contains("<button"),
            "{page}"
        );
        assert!(!suppressed(&store), "a GET (a link scanner) unsubscribed");

        let p = path.clone();
        let (status, page) = tokio::task::spawn_blocking(move || http(port, "POST", &p))
            .await
            .unwrap();
        assert_eq!(status, 200, "{page}");
        assert!(suppressed(&store), "the one-click POST did not unsubscribe");

        let p = format!("{path}/resubscribe");
        let (status, _) = tokio::task::spawn_blocking(move || http(port, "POST", &p))
            .await
            .unwrap();
        assert_eq!(status, 200);
        assert!(!suppressed(&store));

        let (status, _) = tokio::task::spawn_blocking(move || http(port, "GET", "/u/abc.def"))
            .await
            .unwrap();
        assert_eq!(status, 404);
    }

    #[test]
    fn hmac_matches_rfc4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
