//! OAuth2 end to end against the private Dovecot + Postfix: Dovecot's
//! `oauth2` passdb checks bearer tokens against a token/introspection
//! server this test runs on loopback. Leads arrive through Postfix and are
//! ingested over IMAP with OAUTHBEARER; access tokens live 3 s and Dovecot is
//! restarted mid-run, so carousel must log in again with a refreshed token
//! without losing or doubling a message; the rep's notification leaves
//! through Postfix with SMTP AUTH XOAUTH2; a revoked refresh token shows in
//! `/health` and in one log line naming `carousel auth login`, while the
//! other mailbox keeps ingesting; no token appears in the trace log.

mod common;

use std::collections::HashMap;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

const IMAP: u16 = 11843;
const SMTP: u16 = 11825;
const LIFETIME_SECS: u64 = 3;

#[derive(Default)]
struct Tokens {
    /// refresh token → user it is for.
    refresh: HashMap<String, String>,
    /// access token → (user, valid until).
    access: HashMap<String, (String, Instant)>,
    /// Every token ever issued (to search the log for).
    issued: Vec<String>,
    /// Refresh grants per user.
    grants: HashMap<String, usize>,
    /// Introspections answered active / inactive.
    active: usize,
    inactive: usize,
    next: usize,
}

fn form(body: &str) -> HashMap<String, String> {
    body.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| {
            let v = v.replace('+', " ");
            let mut out = Vec::new();
            let b = v.as_bytes();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'%' && i + 2 < b.len() {
                    out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap_or(b'?'));
                    i += 3;
                } else {
                    out.push(b[i]);
                    i += 1;
                }
            }
            (k.to_string(), String::from_utf8_lossy(&out).into_owned())
        })
        .collect()
}

/// Starts the token + introspection server; answers its base URL.
fn token_server(state: Arc<Mutex<Tokens>>) -> String {
    use axum::routing::post;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let s1 = state.clone();
            let s2 = state.clone();
            let app = axum::Router::new()
                .route(
                    "/token",
                    post(move |body: String| {
                        let state = s1.clone();
                        async move {
                            let f = form(&body);
                            let mut t = state.lock().unwrap();
                            let rt = f.get("refresh_token").cloned().unwrap_or_default();
                            let Some(user) = t.refresh.get(&rt).cloned() else {
                                return (axum::http::StatusCode::BAD_REQUEST, r#"{"error":"invalid_grant"}"#.to_string());
                            };
                            t.next += 1;
                            let access = format!("at-{}-{:08x}", t.next, rand::random::<u32>());
                            t.access.insert(access.clone(), (user.clone(), Instant::now() + Duration::from_secs(LIFETIME_SECS)));
                            t.issued.push(access.clone());
                            *t.grants.entry(user.clone()).or_default() += 1;
                            // The sales mailbox's refresh token rotates on first use.
                            let rotated = if rt == "rt-sales-1" {
                                let new = format!("rt-sales-2-{:08x}", rand::random::<u32>());
                                t.refresh.remove(&rt);
                                t.refresh.insert(new.clone(), user);
                                t.issued.push(new.clone());
                                format!(r#","refresh_token":"{new}""#)
                            } else {
                                String::new()
                            };
                            (axum::http::StatusCode::OK, format!(
                                r#"{{"access_token":"{access}","token_type":"Bearer","expires_in":{LIFETIME_SECS}{rotated}}}"#
                            ))
                        }
                    }),
                )
                .route(
                    "/introspect",
                    post(move |body: String| {
                        let state = s2.clone();
                        async move {
                            let f = form(&body);
                            let mut t = state.lock().unwrap();
                            let token = f.get("token").cloned().unwrap_or_default();
                            match t.access.get(&token).cloned() {
                                Some((user, until)) if Instant::now() < until => {
                                    t.active += 1;
                                    format!(r#"{{"active":"true","username":"{user}"}}"#)
                                }
                                _ => {
                                    t.inactive += 1;
                                    r#"{"active":"false"}"#.to_string()
                                }
                            }
                        }
                    }),
                );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

fn http_get(port: u16, path: &str) -> String {
    http_get_body(port, path).expect("connect http")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn hot_lead(n: usize, to: &str) -> Vec<u8> {
    format!(
        "From: Web form <form@solar-site.example>\r\nTo: {to}\r\nReply-To: sam{n}@buyer.example\r\n\
Subject: New submission from Contact form\r\nMessage-ID: <oauth-form-{n}@solar-site.example>\r\n\
Date: Wed, 25 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Name: Sam Number{n}\r\nEmail: sam{n}@buyer.example\r\nPhone: +1 555 010 {n:04}\r\nCompany: Buyer {n} Ltd\r\n\
Interest: Rooftop solar installation\r\nTimeline: immediately\r\nMessage: Please send a quote for our office roof.\r\n"
    )
    .into_bytes()
}

/// `wait_until` that shows the daemon's log when it gives up.
fn wait_for(log: &Path, limit: Duration, what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < limit {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let tail: Vec<&str> = text.lines().filter(|l| !l.contains("TRACE")).collect();
    let from = tail.len().saturating_sub(60);
    panic!(
        "gave up waiting for {what} after {limit:?}; log:\n{}",
        tail[from..].join("\n")
    );
}

fn restart_dovecot(base: &Path) {
    let conf = base.join("dovecot.conf");
    let path = format!(
        "{}:/usr/sbin:/sbin",
        std::env::var("PATH").unwrap_or_default()
    );
    // `dovecot stop` leaves a running IMAP session's process behind: kick
    // the sessions first so every client must log in again.
    let ok = Command::new("doveadm")
        .env("PATH", &path)
        .arg("-c")
        .arg(&conf)
        .args(["kick", "*"])
        .status()
        .unwrap();
    assert!(ok.success(), "doveadm kick");
    let ok = Command::new("dovecot")
        .env("PATH", &path)
        .arg("-c")
        .arg(&conf)
        .arg("stop")
        .status()
        .unwrap();
    assert!(ok.success(), "dovecot stop");
    wait_until(Duration::from_secs(10), "Dovecot to stop", || {
        TcpStream::connect(("127.0.0.1", IMAP)).is_err()
    });
    let ok = Command::new("dovecot")
        .env("PATH", &path)
        .arg("-c")
        .arg(&conf)
        .stdin(Stdio::null())
        .status()
        .unwrap();
    assert!(ok.success(), "dovecot start");
    wait_until(Duration::from_secs(10), "Dovecot to start", || {
        TcpStream::connect(("127.0.0.1", IMAP)).is_ok()
    });
}

#[test]
fn oauth2_imap_and_smtp_with_short_tokens_restart_and_a_revoked_mailbox() {
    let state = Arc::new(Mutex::new(Tokens::default()));
    let sales = "sales-oauth@example.test";
    let stale = "stale-oauth@example.test";
    let notify = "notify-oauth@example.test";
    let rep = "rep-oauth@example.test";
    {
        let mut t = state.lock().unwrap();
        t.refresh.insert("rt-sales-1".into(), sales.into());
        t.refresh.insert("rt-smtp".into(), notify.into());
        t.issued.extend([
            "rt-sales-1".to_string(),
            "rt-smtp".into(),
            "rt-revoked".into(),
        ]);
    }
    let url = token_server(state.clone());
    // SAFETY: set once, before any other thread of this test binary reads the environment.
    unsafe {
        std::env::set_var("OAUTH2_INTROSPECT", format!("{url}/introspect"));
    }
    let servers = mail_servers(IMAP, SMTP);

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sales.token"), "rt-sales-1\n").unwrap();
    let http_port = free_port();
    let oauth = |extra: &str| {
        format!(
            "oauth2 = {{ token_url = \"{url}/token\", client_id = \"carousel-test\", {extra} }}"
        )
    };
    let text = format!(
        "[store]\npath = \"store\"\n\n\
[[mailbox]]\nname = \"sales\"\nimap = {{ host = \"127.0.0.1\", port = {IMAP}, tls = \"none\", user = \"{sales}\", idle_secs = 60, timeout_secs = 20, {} }}\n\n\
[[mailbox]]\nname = \"stale\"\nimap = {{ host = \"127.0.0.1\", port = {IMAP}, tls = \"none\", user = \"{stale}\", idle_secs = 60, timeout_secs = 20, {} }}\n\n\
[outbox]\nfrom = \"Acme <hello@acme.example>\"\nmessage_id_domain = \"carousel.acme.example\"\n\
smtp = {{ host = \"127.0.0.1\", port = {SMTP}, tls = \"none\", user = \"{notify}\", {} }}\n\n\
[http]\nlisten = \"127.0.0.1:{http_port}\"\n\n\
[[rep]]\nname = \"Rita\"\nemail = \"{rep}\"\nworking_hours = \"00:00-24:00\"\nworking_days = [\"mon-sun\"]\n",
        oauth("refresh_token_file = \"sales.token\""),
        oauth("refresh_token_env = \"CAROUSEL_TEST_STALE_TOKEN\""),
        oauth("refresh_token_env = \"CAROUSEL_TEST_SMTP_TOKEN\""),
    );
    let config = dir.path().join("carousel.toml");
    std::fs::write(&config, text).unwrap();

    let (ok, out, err) = carousel()
        .arg("--config")
        .arg(&config)
        .arg("check")
        .output()
        .map(|o| {
            (
                o.status.success(),
                String::from_utf8_lossy(&o.stdout).into_owned(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .unwrap();
    assert!(ok, "check failed: {out}{err}");
    assert!(
        out.contains("stale has no OAuth2 refresh token yet"),
        "{out}"
    );

    let log = dir.path().join("daemon.log");
    let daemon = Command::new(env!("CARGO_BIN_EXE_carousel"))
        .arg("--config")
        .arg(&config)
        .arg("run")
        .env("CAROUSEL_LOG", "trace")
        .env("CAROUSEL_TEST_STALE_TOKEN", "rt-revoked")
        .env("CAROUSEL_TEST_SMTP_TOKEN", "rt-smtp")
        .env_remove("CAROUSEL_FAULT")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let log_text = || std::fs::read_to_string(&log).unwrap_or_default();
    wait_for(
        &log,
        Duration::from_secs(30),
        "the daemon's HTTP listener",
        || TcpStream::connect(("127.0.0.1", http_port)).is_ok(),
    );

    smtp_send(
        SMTP,
        &[(
            "form@solar-site.example".into(),
            sales.into(),
            hot_lead(1, sales),
        )],
    );
    wait_for(
        &log,
        Duration::from_secs(60),
        "the first lead over OAuth2 IMAP",
        || stored_responses(&config).len() == 1,
    );
    // The rotated refresh token was saved, 0600.
    let saved = std::fs::read_to_string(dir.path().join("sales.token")).unwrap();
    assert!(
        saved.starts_with("rt-sales-2-"),
        "rotated token not saved: {saved:?}"
    );
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.path().join("sales.token"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Tokens expire; Dovecot restarts; carousel must log in again with a fresh one.
    std::thread::sleep(Duration::from_secs(LIFETIME_SECS + 1));
    restart_dovecot(&servers.base);
    smtp_send(
        SMTP,
        &[(
            "form@solar-site.example".into(),
            sales.into(),
            hot_lead(2, sales),
        )],
    );
    wait_for(
        &log,
        Duration::from_secs(60),
        "the second lead after the restart",
        || stored_responses(&config).len() == 2,
    );
    let sales_grants = state
        .lock()
        .unwrap()
        .grants
        .get(sales)
        .copied()
        .unwrap_or(0);
    assert!(
        sales_grants >= 2,
        "no refresh after expiry: {sales_grants} grant(s)\n{}",
        log_text()
            .lines()
            .filter(|l| !l.contains("TRACE") && (l.contains("imap") || l.contains("oauth")))
            .collect::<Vec<_>>()
            .join("\n")
    );

    // The notifications left through Postfix with AUTH XOAUTH2.
    wait_for(
        &log,
        Duration::from_secs(60),
        "the notifications in the rep's inbox",
        || {
            let mut imap = Imap::login(IMAP, rep);
            let n = imap.select("INBOX");
            imap.logout();
            n >= 2
        },
    );
    assert!(
        state
            .lock()
            .unwrap()
            .grants
            .get(notify)
            .copied()
            .unwrap_or(0)
            >= 1
    );

    // The revoked mailbox: failed in /health, named in the log; the other kept going.
    let health: serde_json::Value = serde_json::from_str(&http_get(http_port, "/health")).unwrap();
    assert_eq!(health["mailboxes"]["stale"]["connected"], false, "{health}");
    assert!(
        health["mailboxes"]["stale"]["detail"]
            .as_str()
            .unwrap_or("")
            .contains("carousel auth login stale"),
        "{health}"
    );
    assert_eq!(health["mailboxes"]["sales"]["connected"], true, "{health}");
    assert_eq!(health["ready"], false, "{health}");

    assert!(terminate(daemon), "daemon did not exit 0 on SIGTERM");
    let text = log_text();
    let named = text
        .lines()
        .filter(|l| l.contains("ERROR") && l.contains("carousel auth login stale"))
        .count();
    assert_eq!(named, 1, "want one clear error naming the command:\n{text}");
    // No message lost or stored twice.
    let responses = stored_responses(&config);
    assert_eq!(responses.len(), 2, "{responses:?}");
    // No token in any log line, trace included.
    let t = state.lock().unwrap();
    assert!(t.issued.len() >= 4, "{}", t.issued.len());
    for token in &t.issued {
        assert!(!text.contains(token.as_str()), "token {token} in the log");
    }
    assert!(text.lines().count() > 50, "trace log suspiciously short");
}
