//! `carousel auth login` for providers without a usable device flow (Google
//! refuses the Gmail scope in its device grant for most client types): the
//! loopback redirect flow of RFC 8252 with PKCE (RFC 7636, method S256).
//! carousel listens on `127.0.0.1:<free port>`, prints the authorization
//! URL, accepts the one redirect, checks `state`, exchanges the code with the
//! `code_verifier` at the token endpoint and stores the refresh token like the
//! device flow does (atomically, mode 0600). Tokens and codes are never
//! printed. [`choose`] picks the flow for a login.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, anyhow, bail};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::{Digest as _, Sha256};

use super::{OAuth2Config, Provider, Use, check_endpoint, post_form, sanitize};

/// How long `auth login` waits for the browser to come back.
pub const TIMEOUT: Duration = Duration::from_secs(300);

/// The two ways `carousel auth login` gets a refresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// RFC 8628 device authorization grant ([`super::device`]).
    Device,
    /// RFC 8252 loopback redirect with PKCE (this module).
    Loopback,
}

/// The flow for a login: `forced` when given; else the device flow when the
/// provider offers one that works for mail (Microsoft) or `device_url` is
/// configured; else the loopback flow when an authorization endpoint is known
/// (Google, or `authorize_url`).
pub fn choose(target: &str, o: &OAuth2Config, forced: Option<Flow>) -> anyhow::Result<Flow> {
    if let Some(flow) = forced {
        return Ok(flow);
    }
    if o.device_url.is_some() || o.provider == Some(Provider::Microsoft) {
        return Ok(Flow::Device);
    }
    if o.authorize_url().is_some() {
        return Ok(Flow::Loopback);
    }
    bail!(
        "{target}: `auth login` needs `device_url` (device flow) or `authorize_url` (browser redirect) in the oauth2 table, or a provider"
    )
}

/// A fresh PKCE `code_verifier`: 32 random bytes, base64url (43 characters).
pub fn verifier() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// The S256 `code_challenge`: base64url(sha256(verifier)) without padding.
pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The authorization URL the person opens in a browser.
pub fn authorization_url(
    o: &OAuth2Config,
    use_: Use,
    redirect_uri: &str,
    challenge: &str,
    state: &str,
) -> anyhow::Result<String> {
    let base = o
        .authorize_url()
        .ok_or_else(|| anyhow!("no authorize_url (and no provider that has one)"))?;
    check_endpoint(&base).map_err(|e| anyhow!("authorize_url: {e}"))?;
    let mut params: Vec<(&str, String)> = vec![
        ("response_type", "code".into()),
        ("client_id", o.client_id.clone()),
        ("redirect_uri", redirect_uri.into()),
    ];
    if let Some(scope) = o.scope(use_) {
        params.push(("scope", scope));
    }
    params.push(("code_challenge", challenge.into()));
    params.push(("code_challenge_method", "S256".into()));
    params.push(("state", state.into()));
    if o.provider == Some(Provider::Google) {
        // Without these Google issues no refresh token (or only on the first consent).
        params.push(("access_type", "offline".into()));
        params.push(("prompt", "consent".into()));
    }
    let url = reqwest::Url::parse_with_params(&base, &params)
        .map_err(|e| anyhow!("authorize_url {base:?}: {e}"))?;
    Ok(url.into())
}

/// What the browser brings back to the loopback address.
#[derive(Deserialize)]
struct Redirect {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct CodeAnswer {
    refresh_token: Option<String>,
    error: Option<String>,
}

const PAGE_OK: &str =
    "<!doctype html><title>carousel</title><p>carousel is signed in. You can close this tab.</p>";
const PAGE_REFUSED: &str = "<!doctype html><title>carousel</title><p>carousel refused this sign-in. Run <code>carousel auth login</code> again.</p>";

/// Runs the loopback redirect login for `target` and stores its refresh token.
/// Gives up after `timeout` without a redirect.
pub async fn login(
    target: &str,
    o: &OAuth2Config,
    use_: Use,
    base: &Path,
    out: &mut (dyn Write + Send),
    timeout: Duration,
) -> anyhow::Result<()> {
    use axum::extract::Query;
    use axum::http::StatusCode;
    use axum::response::Html;

    let file = super::device::token_file(target, o, base)?;
    let token_url = o
        .token_url()
        .ok_or_else(|| anyhow!("{target}: oauth2 has no token_url"))?;
    check_endpoint(&token_url).map_err(|e| anyhow!("{target}: token_url: {e}"))?;
    let secret = super::device::client_secret(o)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("listening on 127.0.0.1 for the browser's redirect")?;
    let port = listener.local_addr()?.port();
    let redirect_uri = format!("http://127.0.0.1:{port}/");
    let verifier = verifier();
    let state = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
    let url = authorization_url(o, use_, &redirect_uri, &challenge(&verifier), &state)
        .map_err(|e| anyhow!("{target}: {e}"))?;

    let (tx, mut rx) = tokio::sync::mpsc::channel::<Redirect>(1);
    let expected = state.clone();
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move |Query(r): Query<Redirect>| {
            let tx = tx.clone();
            let expected = expected.clone();
            async move {
                let ok = r.error.is_none()
                    && r.code.is_some()
                    && r.state.as_deref() == Some(expected.as_str());
                // Only the first redirect counts; later ones find the channel full or closed.
                let _ = tx.try_send(r);
                if ok {
                    (StatusCode::OK, Html(PAGE_OK))
                } else {
                    (StatusCode::BAD_REQUEST, Html(PAGE_REFUSED))
                }
            }
        }),
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });

    writeln!(
        out,
        "To let carousel read {target}, open this address in a browser on this machine:\n\n    {url}\n"
    )?;
    writeln!(
        out,
        "The browser comes back to {redirect_uri} (from another machine, forward the port first: ssh -L {port}:127.0.0.1:{port} THIS-HOST)."
    )?;
    writeln!(
        out,
        "Waiting up to {} minute(s) for you to approve…",
        timeout.as_secs().div_ceil(60)
    )?;
    out.flush()?;

    let got = tokio::time::timeout(timeout, rx.recv()).await;
    let _ = stop.send(());
    // Let the answer page reach the browser, but never hang on it.
    let _ = tokio::time::timeout(Duration::from_secs(2), server).await;
    let redirect = match got {
        Err(_) => bail!(
            "{target}: no answer from the browser within {} seconds; run `carousel auth login {target}` again",
            timeout.as_secs()
        ),
        Ok(None) => bail!("{target}: the redirect listener stopped"),
        Ok(Some(r)) => r,
    };
    if let Some(e) = &redirect.error {
        bail!(
            "{target}: the authorization server refused the login ({})",
            sanitize(e)
        );
    }
    if redirect.state.as_deref() != Some(state.as_str()) {
        bail!(
            "{target}: the redirect's state does not match this login (refused); run `carousel auth login {target}` again"
        );
    }
    let code = redirect
        .code
        .filter(|c| !c.is_empty())
        .ok_or_else(|| anyhow!("{target}: the redirect carries no authorization code"))?;

    let mut form: Vec<(&str, String)> = vec![
        ("grant_type", "authorization_code".into()),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("client_id", o.client_id.clone()),
        ("code_verifier", verifier),
    ];
    if let Some(s) = secret {
        form.push(("client_secret", s));
    }
    let (status, body) = post_form(target, &token_url, &form).await?;
    let answer: CodeAnswer = serde_json::from_slice(&body)
        .map_err(|_| anyhow!("{target}: token endpoint answered HTTP {status}, not JSON"))?;
    if let Some(e) = answer.error {
        bail!("{target}: exchanging the code failed ({})", sanitize(&e));
    }
    let refresh = answer
        .refresh_token
        .filter(|r| !r.is_empty())
        .ok_or_else(|| {
            anyhow!("{target}: approved, but no refresh token came back (ask for offline access)")
        })?;
    super::device::save(target, &file, &refresh, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    fn cfg() -> OAuth2Config {
        OAuth2Config {
            provider: None,
            tenant: None,
            client_id: "cid".into(),
            client_secret_env: None,
            refresh_token_env: None,
            refresh_token_file: Some("tok".into()),
            token_url: Some("https://auth.example.com/token".into()),
            device_url: None,
            authorize_url: Some("https://auth.example.com/authorize".into()),
            scope: Some("mail offline".into()),
        }
    }

    #[test]
    fn pkce_matches_rfc7636_appendix_b() {
        // RFC 7636 Appendix B, verbatim (verified with Python hashlib + base64).
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let v = verifier();
        assert!((43..=128).contains(&v.len()), "{v}");
        assert!(
            v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)),
            "{v}"
        );
        assert_ne!(v, verifier(), "fresh each time");
    }

    fn query(url: &str) -> HashMap<String, String> {
        reqwest::Url::parse(url)
            .unwrap()
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn authorization_url_carries_pkce_state_and_provider_extras() {
        let url =
            authorization_url(&cfg(), Use::Imap, "http://127.0.0.1:5000/", "CH", "ST").unwrap();
        assert!(
            url.starts_with("https://auth.example.com/authorize?"),
            "{url}"
        );
        let q = query(&url);
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "cid");
        assert_eq!(q["redirect_uri"], "http://127.0.0.1:5000/");
        assert_eq!(q["scope"], "mail offline");
        assert_eq!(q["code_challenge"], "CH");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["state"], "ST");
        assert!(!q.contains_key("access_type"));

        let mut g = cfg();
        g.provider = Some(Provider::Google);
        g.authorize_url = None;
        g.scope = None;
        let url = authorization_url(&g, Use::Imap, "http://127.0.0.1:5000/", "CH", "ST").unwrap();
        assert!(url.starts_with("https://accounts.google.com/o/oauth2/v2/auth?"));
        let q = query(&url);
        assert_eq!(q["scope"], "https://mail.google.com/");
        assert_eq!(q["access_type"], "offline");
        assert_eq!(q["prompt"], "consent");

        let mut m = cfg();
        m.provider = Some(Provider::Microsoft);
        m.tenant = Some("acme.com".into());
        m.authorize_url = None;
        assert!(
            authorization_url(&m, Use::Smtp, "http://127.0.0.1:1/", "c", "s")
                .unwrap()
                .starts_with("https://login.microsoftonline.com/acme.com/oauth2/v2.0/authorize?")
        );

        let mut bad = cfg();
        bad.authorize_url = Some("http://auth.example.com/authorize".into());
        assert!(authorization_url(&bad, Use::Imap, "x", "c", "s").is_err());
        assert!(
            bad.problems("m")
                .iter()
                .any(|p| p.contains("authorize_url"))
        );
    }

    #[test]
    fn choose_prefers_device_where_it_works() {
        let mut c = cfg();
        assert_eq!(choose("m", &c, None).unwrap(), Flow::Loopback);
        c.device_url = Some("https://auth.example.com/device".into());
        assert_eq!(choose("m", &c, None).unwrap(), Flow::Device);
        assert_eq!(
            choose("m", &c, Some(Flow::Loopback)).unwrap(),
            Flow::Loopback
        );
        c.device_url = None;
        c.authorize_url = None;
        assert!(choose("m", &c, None).is_err());
        c.provider = Some(Provider::Google);
        assert_eq!(choose("m", &c, None).unwrap(), Flow::Loopback);
        c.provider = Some(Provider::Microsoft);
        assert_eq!(choose("m", &c, None).unwrap(), Flow::Device);
    }

    /// A Write that hands each printed chunk to the test (the person reading the terminal).
    struct Terminal(tokio::sync::mpsc::UnboundedSender<String>);
    impl Write for Terminal {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let _ = self.0.send(String::from_utf8_lossy(buf).into_owned());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A fake authorization server: `/authorize` remembers the challenge and
    /// redirects to `redirect_uri` with `code=the-code` and the given state
    /// (or `wrong_state`); `/token` checks the verifier against the challenge.
    async fn auth_server(wrong_state: Option<&'static str>) -> (String, Arc<Mutex<Vec<String>>>) {
        use axum::extract::Query;
        use axum::routing::{get, post};
        let challenge_seen = Arc::new(Mutex::new(None::<String>));
        let token_calls = Arc::new(Mutex::new(Vec::new()));
        let (c1, c2, calls) = (challenge_seen.clone(), challenge_seen, token_calls.clone());
        let app = axum::Router::new()
            .route(
                "/authorize",
                get(move |Query(q): Query<HashMap<String, String>>| {
                    let c1 = c1.clone();
                    async move {
                        assert_eq!(q["code_challenge_method"], "S256");
                        *c1.lock().unwrap() = Some(q["code_challenge"].clone());
                        let state = wrong_state.unwrap_or(&q["state"]);
                        let mut to = reqwest::Url::parse(&q["redirect_uri"]).unwrap();
                        to.query_pairs_mut()
                            .append_pair("code", "the-code")
                            .append_pair("state", state);
                        (
                            axum::http::StatusCode::FOUND,
                            [(axum::http::header::LOCATION, to.to_string())],
                        )
                    }
                }),
            )
            .route(
                "/token",
                post(move |body: String| {
                    let (c2, calls) = (c2.clone(), calls.clone());
                    async move {
                        calls.lock().unwrap().push(body.clone());
                        let f: HashMap<String, String> =
                            reqwest::Url::parse(&format!("http://x/?{body}"))
                                .unwrap()
                                .query_pairs()
                                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                                .collect();
                        let expected = c2.lock().unwrap().clone().unwrap();
                        if f["grant_type"] == "authorization_code"
                            && f["code"] == "the-code"
                            && f["client_id"] == "cid"
                            && f["redirect_uri"].starts_with("http://127.0.0.1:")
                            && challenge(&f["code_verifier"]) == expected
                        {
                            (
                                axum::http::StatusCode::OK,
                                r#"{"access_token":"at","refresh_token":"rt-loop","expires_in":60}"#,
                            )
                        } else {
                            (
                                axum::http::StatusCode::BAD_REQUEST,
                                r#"{"error":"invalid_grant"}"#,
                            )
                        }
                    }
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        (format!("http://{addr}"), token_calls)
    }

    /// Plays the person: reads the printed URL, opens it, follows the
    /// redirect to carousel's loopback listener; answers that page's status
    /// and everything printed.
    async fn run(
        wrong_state: Option<&'static str>,
    ) -> (
        anyhow::Result<()>,
        u16,
        String,
        tempfile::TempDir,
        Arc<Mutex<Vec<String>>>,
    ) {
        let (server, calls) = auth_server(wrong_state).await;
        let mut o = cfg();
        o.authorize_url = Some(format!("{server}/authorize"));
        o.token_url = Some(format!("{server}/token"));
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().to_path_buf();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let login = tokio::spawn(async move {
            let mut term = Terminal(tx);
            login(
                "sales",
                &o,
                Use::Imap,
                &base,
                &mut term,
                Duration::from_secs(20),
            )
            .await
        });
        let mut printed = String::new();
        let url = loop {
            printed.push_str(&rx.recv().await.expect("login printed a URL"));
            if let Some(url) = printed
                .split_whitespace()
                .find(|w| w.starts_with(&format!("{server}/authorize?")))
            {
                break url.to_string();
            }
        };
        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let answer = browser.get(&url).send().await.unwrap();
        assert_eq!(answer.status(), 302);
        let back = answer.headers()["location"].to_str().unwrap().to_string();
        assert!(back.starts_with("http://127.0.0.1:"), "{back}");
        let page = browser.get(&back).send().await.unwrap();
        let status = page.status().as_u16();
        let result = login.await.unwrap();
        while let Ok(more) = rx.try_recv() {
            printed.push_str(&more);
        }
        (result, status, printed, dir, calls)
    }

    #[tokio::test]
    async fn loopback_login_exchanges_the_code_and_saves_the_token() {
        use std::os::unix::fs::PermissionsExt as _;
        let (result, status, printed, dir, calls) = run(None).await;
        result.unwrap();
        assert_eq!(status, 200);
        let file = dir.path().join("tok");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "rt-loop\n");
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(
            printed.contains("Saved the refresh token for sales"),
            "{printed}"
        );
        assert!(
            !printed.contains("rt-loop") && !printed.contains("the-code"),
            "{printed}"
        );
        assert_eq!(calls.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn loopback_login_refuses_a_wrong_state() {
        let (result, status, _printed, dir, calls) = run(Some("forged")).await;
        let e = result.unwrap_err().to_string();
        assert!(e.contains("state"), "{e}");
        assert_eq!(status, 400);
        assert!(!dir.path().join("tok").exists());
        assert!(calls.lock().unwrap().is_empty(), "code never exchanged");
    }

    #[tokio::test]
    async fn loopback_login_times_out_clearly() {
        let mut o = cfg();
        o.token_url = Some("http://127.0.0.1:9/token".into());
        let dir = tempfile::tempdir().unwrap();
        let mut out = Vec::new();
        let e = login(
            "sales",
            &o,
            Use::Imap,
            dir.path(),
            &mut out,
            Duration::from_millis(200),
        )
        .await
        .unwrap_err()
        .to_string();
        assert!(e.contains("no answer from the browser"), "{e}");
        assert!(e.contains("carousel auth login sales"), "{e}");
    }
}
