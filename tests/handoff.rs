//! Hand-off to CRM and chat (issue 17), judged by a real HTTP receiver on
//! 127.0.0.1 started by each test, and the real `carousel` binary in its
//! own process watching a Maildir (the embedded default).

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{carousel, carousel_run, spawn_daemon, terminate, wait_until};
use serde_json::Value;
use sha2::{Digest, Sha256};

const SECRET: &str = "whsec_test_0123456789abcdef";
const LIMIT: Duration = Duration::from_secs(60);

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// A small HTTP/1.1 server on 127.0.0.1: records every request, answers
/// `status` (0 = hold the request open and answer nothing until changed).
struct Receiver {
    port: u16,
    status: Arc<AtomicU16>,
    got: Arc<Mutex<Vec<Received>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Receiver {
    fn start(port: u16, status: u16) -> Receiver {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind receiver");
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let status = Arc::new(AtomicU16::new(status));
        let got = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, g, st) = (status.clone(), got.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !st.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (s, g) = (s.clone(), g.clone());
                        std::thread::spawn(move || serve(stream, &s, &g));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Receiver {
            port,
            status,
            got,
            stop,
            thread: Some(thread),
        }
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    fn on(&self, path: &str) -> Vec<Received> {
        self.got().into_iter().filter(|r| r.path == path).collect()
    }
}

impl Drop for Receiver {
    /// Stops listening (held requests are answered by their own threads).
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.status.store(503, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(stream: TcpStream, status: &AtomicU16, got: &Mutex<Vec<Received>>) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let path = line
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    got.lock().unwrap().push(Received {
        path,
        headers,
        body,
    });
    let code = loop {
        match status.load(Ordering::SeqCst) {
            0 => std::thread::sleep(Duration::from_millis(20)),
            code => break code,
        }
    };
    // A redirect points to the same port under another host name.
    let port = stream.local_addr().map(|a| a.port()).unwrap_or(0);
    let location = if (300..400).contains(&code) {
        format!("Location: http://localhost:{port}/elsewhere\r\n")
    } else {
        String::new()
    };
    let mut stream = stream;
    let _ = stream.write_all(
        format!("HTTP/1.1 {code} X\r\n{location}Content-Length: 2\r\nConnection: close\r\n\r\nok")
            .as_bytes(),
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// HMAC-SHA256 written here from RFC 2104, independent of carousel's.
fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut k = [0u8; 64];
    k[..key.len()].copy_from_slice(key);
    let inner: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    let outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    let h = Sha256::new()
        .chain_update(&inner)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(&outer)
        .chain_update(h)
        .finalize()
        .to_vec()
}

/// True when `Carousel-Signature: t=..,v1=..` signs this body with [`SECRET`].
fn signature_valid(r: &Received) -> bool {
    let Some(header) = r.header("Carousel-Signature") else {
        return false;
    };
    let mut t = "";
    let mut v1 = "";
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", v)) => t = v,
            Some(("v1", v)) => v1 = v,
            _ => {}
        }
    }
    let mut signed = format!("{t}.").into_bytes();
    signed.extend_from_slice(&r.body);
    let want: String = hmac(SECRET.as_bytes(), &signed)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    !t.is_empty() && want == v1
}

/// A hot lead (timeline "immediately"), as a web form sends it.
fn hot_lead(n: usize) -> Vec<u8> {
    format!(
        "From: WordPress <wordpress@solar-site.example>\r\nTo: leads@acme.example\r\nReply-To: prospect{n}@buyer.example\r\n\
Subject: New submission from Contact form\r\nMessage-ID: <hot-{n}@solar-site.example>\r\n\
Date: Wed, 25 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Name: Prospect Number{n}\r\nEmail: prospect{n}@buyer.example\r\nPhone: +1 555 010 {n:04}\r\nCompany: Buyer {n} Ltd\r\n\
Interest: Rooftop solar installation\r\nTimeline: immediately\r\nMessage: Please call me.\r\n\r\n--\r\nSent from a contact form on Solar Site\r\n"
    )
    .into_bytes()
}

fn drop_mail(maildir: &Path, name: &str, raw: &[u8]) {
    let tmp = maildir.join("tmp").join(name);
    std::fs::write(&tmp, raw).unwrap();
    std::fs::rename(&tmp, maildir.join("new").join(name)).unwrap();
}

/// A Maildir config with one `[[webhook]] crm` (all lead events) and one
/// Slack `[[chat]]`, both on the receiver; `extra` is appended.
fn config(dir: &Path, port: u16, delivery: &str, extra: &str) -> (PathBuf, PathBuf) {
    let maildir = dir.join("inbox");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    let text = format!(
        r#"[store]
path = "{store}"

[[mailbox]]
name = "leads"
maildir = "{maildir}"
poll_ms = 50

[outbox]
dir = "{outbox}"
from = "Acme <hello@acme.example>"
message_id_domain = "carousel.acme.example"

[[rep]]
name = "Dana"
email = "dana@acme.example"
working_hours = "00:00-24:00"
working_days = ["mon-sun"]

[nurture]
templates = "{templates}"

[[webhook]]
name = "crm"
url = "http://127.0.0.1:{port}/hook"
events = ["lead.created", "lead.claimed", "lead.converted", "lead.closed"]
secret_env = "HANDOFF_TEST_SECRET"
{delivery}

[[chat]]
kind = "slack"
url_env = "HANDOFF_TEST_SLACK"
ranks = ["hot"]
{delivery}
{extra}
"#,
        store = dir.join("store").display(),
        maildir = maildir.display(),
        outbox = dir.join("outbox").display(),
        templates = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("templates")
            .display(),
    );
    let path = dir.join("carousel.toml");
    std::fs::write(&path, text).unwrap();
    // SAFETY: every test sets the same values before starting processes.
    unsafe {
        std::env::set_var("HANDOFF_TEST_SECRET", SECRET);
        std::env::set_var(
            "HANDOFF_TEST_SLACK",
            format!("http://127.0.0.1:{port}/slack"),
        );
    }
    (path, maildir)
}

/// `webhooks status --json`, by endpoint name (works while the daemon
/// runs; while it is starting, the store is locked before its socket
/// answers: asked again).
fn status(config: &Path) -> std::collections::BTreeMap<String, Value> {
    let mut tries = 0;
    let out = loop {
        let (ok, out, err) = carousel_run(&["webhooks", "status", "--json"], config);
        if ok {
            break out;
        }
        tries += 1;
        assert!(
            tries < 100 && (err.contains("does not answer") || err.contains("answers:")),
            "webhooks status failed: {err}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    out.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["name"].as_str().unwrap().to_string(), v)
        })
        .collect()
}

fn count(config: &Path, endpoint: &str, field: &str) -> u64 {
    status(config)[endpoint][field].as_u64().unwrap()
}

fn lead_ids(config: &Path) -> BTreeSet<String> {
    let (ok, out, err) = carousel_run(&["leads", "list", "--json"], config);
    assert!(ok, "{err}");
    out.lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn hot_lead_gives_one_signed_lead_created_and_one_slack_message() {
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start(0, 200);
    let (cfg, maildir) = config(dir.path(), receiver.port, "", "");
    let (ok, _, err) = carousel_run(&["check"], &cfg);
    assert!(ok, "check: {err}");
    drop_mail(&maildir, "hot1", &hot_lead(1));
    let (ok, _, err) = carousel_run(&["run", "--once"], &cfg);
    assert!(ok, "run --once: {err}");
    // A second pass finds nothing new and must send nothing again.
    let (ok, _, err) = carousel_run(&["run", "--once"], &cfg);
    assert!(ok, "second run --once: {err}");

    let hooks = receiver.on("/hook");
    assert_eq!(hooks.len(), 1, "exactly one webhook delivery: {hooks:?}");
    let hook = &hooks[0];
    assert!(signature_valid(hook), "signature: {:?}", hook.headers);
    let event = hook.json();
    assert_eq!(event["type"], "lead.created");
    assert!(event["id"].as_str().unwrap().starts_with("evt_"));
    assert_eq!(hook.header("Idempotency-Key"), event["id"].as_str());
    assert!(event["created_at"].as_str().is_some());
    assert_eq!(event["data"]["rank"], "hot");
    assert_eq!(
        event["data"]["lead"]["contact"]["email"],
        "prospect1@buyer.example"
    );
    assert_eq!(
        lead_ids(&cfg),
        BTreeSet::from([event["data"]["id"].as_str().unwrap().to_string()])
    );

    let slack = receiver.on("/slack");
    assert_eq!(slack.len(), 1, "exactly one Slack message: {slack:?}");
    let message = slack[0].json();
    assert!(
        message["text"]
            .as_str()
            .unwrap()
            .contains("Prospect Number1")
    );
    let blocks = message["blocks"].as_array().expect("Block Kit blocks");
    assert_eq!(blocks[0]["type"], "header");
    assert!(message.to_string().contains("Buyer 1 Ltd"));
    assert!(message.to_string().contains("Rooftop solar installation"));
    assert_eq!(count(&cfg, "crm", "delivered"), 1);
    assert_eq!(count(&cfg, "slack", "pending"), 0);
}

#[test]
fn receiver_down_for_a_while_gets_every_event_after_it_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let delivery = "retry_first = \"100ms\"\nretry_max = \"400ms\"";
    let (cfg, maildir) = config(dir.path(), port, delivery, "");
    let log = dir.path().join("daemon.log");
    let daemon = spawn_daemon(&cfg, &log, None);
    const N: usize = 6;
    for n in 1..=N {
        drop_mail(&maildir, &format!("hot{n}"), &hot_lead(n));
    }
    // Nothing listens: every delivery is tried and waits for a retry.
    wait_until(LIMIT, "six failed deliveries waiting", || {
        let s = status(&cfg);
        s["crm"]["pending"] == N && s["crm"]["last_error"].is_string()
    });
    let receiver = Receiver::start(port, 200);
    wait_until(LIMIT, "all events delivered", || {
        let s = status(&cfg);
        s["crm"]["delivered"] == N && s["slack"]["delivered"] == N
    });
    assert!(terminate(daemon), "daemon exit");
    // Secrets stay out of the log: the signing key and the chat URL.
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("hand-off failed"), "failures are logged");
    assert!(
        !logged.contains(SECRET) && !logged.contains("/slack"),
        "{logged}"
    );
    let hooks = receiver.on("/hook");
    let ids: Vec<String> = hooks
        .iter()
        .map(|r| r.json()["id"].as_str().unwrap().to_string())
        .collect();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(
        unique.len(),
        ids.len(),
        "no duplicates without a crash: {ids:?}"
    );
    let leads: BTreeSet<String> = hooks
        .iter()
        .map(|r| r.json()["data"]["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(leads, lead_ids(&cfg), "no gap: one lead.created per lead");
    assert_eq!(leads.len(), N);
    assert!(hooks.iter().all(signature_valid));
    assert_eq!(receiver.on("/slack").len(), N);
}

#[test]
fn daemon_killed_between_commit_and_delivery_still_delivers_with_the_same_id() {
    let dir = tempfile::tempdir().unwrap();
    // Status 0: the receiver takes the request and never answers, so the
    // delivery is committed and sent but not acknowledged when the kill comes.
    let receiver = Receiver::start(0, 0);
    let delivery = "retry_first = \"100ms\"\nretry_max = \"400ms\"\ntimeout_secs = 60";
    let (cfg, maildir) = config(dir.path(), receiver.port, delivery, "");
    let log = dir.path().join("daemon.log");
    let mut daemon = spawn_daemon(&cfg, &log, None);
    drop_mail(&maildir, "hot1", &hot_lead(1));
    wait_until(LIMIT, "the delivery in flight", || {
        !receiver.on("/hook").is_empty()
    });
    daemon.kill().unwrap(); // SIGKILL
    daemon.wait().unwrap();
    receiver.status.store(200, Ordering::SeqCst);

    let daemon = spawn_daemon(&cfg, &log, None);
    wait_until(LIMIT, "delivery after restart", || {
        count(&cfg, "crm", "delivered") == 1
    });
    assert!(terminate(daemon), "daemon exit");
    let hooks = receiver.on("/hook");
    assert!(
        hooks.len() >= 2,
        "sent before the kill and again after: {hooks:?}"
    );
    let ids: BTreeSet<String> = hooks
        .iter()
        .map(|r| r.json()["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 1, "the duplicate carries the same id: {ids:?}");
    let keys: BTreeSet<&str> = hooks
        .iter()
        .map(|r| r.header("Idempotency-Key").unwrap())
        .collect();
    assert_eq!(keys.len(), 1);
    assert!(hooks.iter().all(|r| r.json()["type"] == "lead.created"));
    assert_eq!(lead_ids(&cfg).len(), 1);
}

#[test]
fn a_receiver_answering_500_forever_ends_dead_and_retry_sends_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start(0, 500);
    let http = free_port();
    let delivery = "retry_first = \"100ms\"\nretry_max = \"200ms\"\ngive_up_after = \"1s\"";
    let extra = format!("[http]\nlisten = \"127.0.0.1:{http}\"\n");
    let (cfg, maildir) = config(dir.path(), receiver.port, delivery, &extra);
    let log = dir.path().join("daemon.log");
    let daemon = spawn_daemon(&cfg, &log, None);
    drop_mail(&maildir, "hot1", &hot_lead(1));
    wait_until(LIMIT, "a dead letter", || {
        let s = status(&cfg);
        s["crm"]["dead"] == 1 && s["crm"]["pending"] == 0
    });
    let s = status(&cfg);
    assert_eq!(s["crm"]["dead_letters"][0]["type"], "lead.created");
    assert_eq!(s["crm"]["dead_letters"][0]["last_error"], "HTTP 500");
    let tries = receiver.on("/hook").len();
    assert!(tries >= 2, "retried before giving up: {tries}");
    let (ok, text, _) = carousel_run(&["webhooks", "status"], &cfg);
    assert!(ok && text.contains("dead"), "{text}");
    wait_until(LIMIT, "the dead gauge on /metrics", || {
        metrics(http).contains("carousel_handoff_dead{endpoint=\"crm\"} 1")
    });

    receiver.status.store(200, Ordering::SeqCst);
    let (ok, out, err) = carousel_run(&["webhooks", "retry", "crm"], &cfg);
    assert!(ok, "retry: {err}");
    assert!(out.contains("1 deliveries queued again"), "{out}");
    wait_until(LIMIT, "the dead letter delivered", || {
        let s = status(&cfg);
        s["crm"]["delivered"] == 1 && s["crm"]["dead"] == 0
    });
    assert!(terminate(daemon), "daemon exit");
    let hooks = receiver.on("/hook");
    let ids: BTreeSet<String> = hooks
        .iter()
        .map(|r| r.json()["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 1, "the retried event is the same event");
    let (ok, _, err) = carousel_run(&["webhooks", "retry", "nope"], &cfg);
    assert!(!ok && err.contains("nope"), "{err}");
}

fn metrics(port: u16) -> String {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let _ = s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

/// Quotes, backslashes, newlines, control characters, markup and template
/// syntax in every field a preset reads.
fn hostile(field: &str) -> String {
    format!(
        "{field} \"quoted\" \\back\\slash\nnew line\ttab \u{1} </script> {{{{ x }}}} {{% raw %}} 'single' ü 日本 &amp;"
    )
}

#[test]
fn hubspot_and_pipedrive_presets_render_valid_json_for_hostile_fields() {
    use carousel::store::events::Event;
    let contact = serde_json::json!({
        "name": hostile("Name Last"), "email": hostile("email"), "phone": hostile("phone"),
        "company": hostile("company"), "title": hostile("title"),
        "postcode": hostile("postcode"), "country": hostile("country"),
    });
    let event = Event::new(
        "lead.created",
        "L-1",
        serde_json::json!({
            "id": hostile("id"), "rank": hostile("rank"), "owner": hostile("owner"),
            "lead": {"contact": contact, "interest": hostile("interest"),
                     "timeline": hostile("timeline"), "points": 1, "status": "open"},
            "reasons": [{"points": 1, "why": hostile("reason")}],
        }),
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut vars = std::collections::BTreeMap::new();
    vars.insert("pipeline".to_string(), hostile("pipeline"));
    vars.insert("dealstage".to_string(), hostile("stage"));
    for template in [
        "webhooks/hubspot-contact.json",
        "webhooks/hubspot-deal.json",
        "webhooks/pipedrive-person.json",
        "webhooks/pipedrive-lead.json",
    ] {
        let body = carousel::handoff::presets::render(&dir, Path::new(template), &event, &vars)
            .unwrap_or_else(|e| panic!("{template}: {e}"));
        assert_eq!(body.content_type, "application/json");
        let v: Value = serde_json::from_slice(&body.bytes)
            .unwrap_or_else(|e| panic!("{template} is not valid JSON: {e}"));
        // The values arrive intact, not dropped or mangled.
        let text = v.to_string();
        assert!(
            text.contains(r#"\"quoted\" \\back\\slash\nnew line\ttab \u0001 </script> {{ x }}"#),
            "{template}: {text}"
        );
    }
    let hubspot = carousel::handoff::presets::render(
        &dir,
        Path::new("webhooks/hubspot-contact.json"),
        &event,
        &vars,
    )
    .unwrap();
    let v: Value = serde_json::from_slice(&hubspot.bytes).unwrap();
    let props = &v["inputs"][0]["properties"];
    assert_eq!(props["email"], hostile("email"));
    assert_eq!(props["company"], hostile("company"));
    assert_eq!(props["phone"], hostile("phone"));
    let pipedrive = carousel::handoff::presets::render(
        &dir,
        Path::new("webhooks/pipedrive-person.json"),
        &event,
        &vars,
    )
    .unwrap();
    let v: Value = serde_json::from_slice(&pipedrive.bytes).unwrap();
    assert_eq!(v["email"][0]["value"], hostile("email"));
    assert_eq!(v["org_name"], hostile("company"));

    // Salesforce is form-encoded: every value round-trips through the decoding.
    vars.insert("oid".to_string(), "00D000000000001".to_string());
    let form = carousel::handoff::presets::render(
        &dir,
        Path::new("webhooks/salesforce-web-to-lead.form"),
        &event,
        &vars,
    )
    .unwrap();
    assert_eq!(form.content_type, "application/x-www-form-urlencoded");
    let text = String::from_utf8(form.bytes).unwrap();
    assert!(!text.contains(['\n', ' ', '"']), "{text}");
    assert_eq!(text.split('&').count(), 11, "{text}");
    let company = text
        .split('&')
        .find_map(|kv| kv.strip_prefix("company="))
        .unwrap();
    assert_eq!(percent_decode(company), hostile("company"));
}

#[test]
fn check_names_the_line_of_a_bad_webhook() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, _) = config(
        dir.path(),
        9,
        "",
        "[[webhook]]\nname = \"insecure\"\nurl = \"http://hooks.example/x\"\nevents = [\"lead.exploded\"]\n",
    );
    let out = carousel()
        .arg("--config")
        .arg(&cfg)
        .arg("check")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&cfg).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("name = \"insecure\""))
        .unwrap();
    // The table header is the line before its first key.
    let at = format!("carousel.toml:{line}:");
    assert!(err.contains(&at), "{at} in {err}");
    assert!(err.contains("must be https"), "{err}");
    assert!(err.contains("lead.exploded"), "{err}");

    // What only the environment answers, once the file itself is right.
    let (cfg, _) = config(
        dir.path(),
        9,
        "",
        "[[chat]]\nkind = \"teams\"\nurl_env = \"HANDOFF_TEST_UNSET_VARIABLE\"\n",
    );
    let (ok, out, err) = carousel_run(&["check"], &cfg);
    assert!(!ok, "{out}");
    assert!(
        format!("{out}{err}").contains(
            "chat \"teams\": environment variable HANDOFF_TEST_UNSET_VARIABLE is not set"
        ),
        "{out}{err}"
    );
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The events on one path of the receiver, by type.
fn types_on(receiver: &Receiver, path: &str) -> Vec<String> {
    receiver
        .on(path)
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_change_reaches_a_webhook_that_wants_it() {
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start(0, 200);
    let extra = format!(
        "[[webhook]]\nname = \"all\"\nurl = \"http://127.0.0.1:{}/all\"\n",
        receiver.port
    );
    let (cfg, maildir) = config(dir.path(), receiver.port, "", &extra);
    let run_once = || {
        let (ok, _, err) = carousel_run(&["run", "--once"], &cfg);
        assert!(ok, "run --once: {err}");
    };
    drop_mail(&maildir, "hot1", &hot_lead(1));
    run_once();
    assert_eq!(types_on(&receiver, "/all"), ["lead.created"]);
    let lead = lead_ids(&cfg).into_iter().next().unwrap();

    let (ok, _, err) = carousel_run(&["lead", "close", &lead, "--lost"], &cfg);
    assert!(ok, "lead close: {err}");
    run_once();
    assert_eq!(types_on(&receiver, "/all"), ["lead.created", "lead.closed"]);
    let closed = receiver.on("/hook").last().unwrap().json();
    assert_eq!(closed["type"], "lead.closed", "crm wants lead.closed too");
    assert_eq!(closed["data"]["id"], lead.as_str());

    let unsubscribe = "From: Prospect One <prospect1@buyer.example>\r\nTo: hello@acme.example\r\n\
Subject: Re: Your solar quote\r\nMessage-ID: <r1@buyer.example>\r\nIn-Reply-To: <step-1@carousel.acme.example>\r\n\
References: <step-1@carousel.acme.example>\r\nDate: Wed, 25 Nov 2026 11:00:00 +0000\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nPlease unsubscribe me, remove me from your list.\r\n";
    drop_mail(&maildir, "unsub", unsubscribe.as_bytes());
    let bounce = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/bounces/postfix-user-unknown.eml"),
    )
    .unwrap();
    drop_mail(&maildir, "bounce", &bounce);
    run_once();
    run_once();
    let mut types = types_on(&receiver, "/all");
    types.sort();
    assert_eq!(
        types,
        [
            "contact.bounced",
            "contact.unsubscribed",
            "lead.closed",
            "lead.created",
            "reply.received"
        ]
    );
    let bounced = receiver
        .on("/all")
        .into_iter()
        .map(|r| r.json())
        .find(|e| e["type"] == "contact.bounced")
        .unwrap();
    assert_eq!(
        bounced["data"]["contact"]["email"],
        "j.okafor@brightwater.example"
    );
    assert_eq!(bounced["data"]["bounce"]["hard"], true);
    let unsubscribed = receiver
        .on("/all")
        .into_iter()
        .map(|r| r.json())
        .find(|e| e["type"] == "contact.unsubscribed")
        .unwrap();
    assert_eq!(
        unsubscribed["data"]["contact"]["email"],
        "prospect1@buyer.example"
    );
    // The crm endpoint did not subscribe to contact or reply events.
    assert!(
        types_on(&receiver, "/hook")
            .iter()
            .all(|t| t.starts_with("lead.")),
        "{:?}",
        types_on(&receiver, "/hook")
    );
}

#[test]
fn a_410_disables_the_endpoint_until_retry() {
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start(0, 410);
    let (cfg, maildir) = config(dir.path(), receiver.port, "retry_first = \"1ms\"", "");
    drop_mail(&maildir, "hot1", &hot_lead(1));
    let run_once = || {
        let (ok, _, err) = carousel_run(&["run", "--once"], &cfg);
        assert!(ok, "run --once: {err}");
    };
    run_once();
    assert_eq!(receiver.on("/hook").len(), 1);
    let s = status(&cfg);
    assert!(s["crm"]["disabled"].as_str().unwrap().contains("410"));
    assert_eq!(s["crm"]["pending"], 1, "kept, not dropped");
    run_once();
    assert_eq!(
        receiver.on("/hook").len(),
        1,
        "a disabled endpoint is not called"
    );

    receiver.status.store(200, Ordering::SeqCst);
    let (ok, _, err) = carousel_run(&["webhooks", "retry", "crm"], &cfg);
    assert!(ok, "{err}");
    run_once();
    assert_eq!(receiver.on("/hook").len(), 2);
    let s = status(&cfg);
    assert_eq!(
        (
            s["crm"]["delivered"].as_u64(),
            s["crm"]["disabled"].is_null()
        ),
        (Some(1), true)
    );
}

#[test]
fn a_redirect_to_another_host_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start(0, 307);
    let (cfg, maildir) = config(dir.path(), receiver.port, "", "");
    drop_mail(&maildir, "hot1", &hot_lead(1));
    let (ok, _, err) = carousel_run(&["run", "--once"], &cfg);
    assert!(ok, "run --once: {err}");
    assert_eq!(receiver.on("/hook").len(), 1);
    assert!(
        receiver.on("/elsewhere").is_empty(),
        "followed to another host"
    );
    let s = status(&cfg);
    assert_eq!(s["crm"]["pending"], 1, "kept for a retry");
    assert!(
        s["crm"]["last_error"]
            .as_str()
            .unwrap()
            .contains("redirect"),
        "{s:?}"
    );
}

#[test]
fn chat_announces_the_sla_escalation_and_the_claim() {
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start(0, 200);
    let extra = "[[rep]]\nname = \"Lee\"\nemail = \"lee@acme.example\"\nworking_hours = \"00:00-24:00\"\n\
working_days = [\"mon-sun\"]\n\n[team]\nsla_seconds = 1\n\n[act]\nclaim_address = \"claims@acme.example\"\n";
    let (cfg, maildir) = config(dir.path(), receiver.port, "", extra);
    let log = dir.path().join("daemon.log");
    let daemon = spawn_daemon(&cfg, &log, None);
    drop_mail(&maildir, "hot1", &hot_lead(1));
    let slack_texts = || -> Vec<String> {
        receiver
            .on("/slack")
            .iter()
            .map(|r| r.json()["text"].as_str().unwrap().to_string())
            .collect()
    };
    wait_until(LIMIT, "an SLA escalation in Slack", || {
        slack_texts()
            .iter()
            .any(|t| t.starts_with("SLA escalation"))
    });
    // The rep the lead went to last claims it by answering its notification.
    let (ok, out, err) = carousel_run(&["leads", "list", "--json"], &cfg);
    assert!(ok, "{err}");
    let lead: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    let notice = lead["notices"].as_array().unwrap().last().unwrap().clone();
    let rep_email = notice["to"].as_str().unwrap();
    let claim = format!(
        "From: Rep <{rep_email}>\r\nTo: claims@acme.example\r\nSubject: Re: Hot lead\r\n\
Message-ID: <claim-1@acme.example>\r\nIn-Reply-To: <{id}>\r\nReferences: <{id}>\r\n\
Date: Wed, 25 Nov 2026 10:01:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMine, calling them now.\r\n",
        id = notice["message_id"]
            .as_str()
            .unwrap()
            .trim_matches(['<', '>'])
    );
    drop_mail(&maildir, "claim", claim.as_bytes());
    wait_until(LIMIT, "the claim in Slack and at the CRM", || {
        slack_texts().iter().any(|t| t.contains(" claimed "))
            && receiver
                .on("/hook")
                .iter()
                .any(|r| r.json()["type"] == "lead.claimed")
    });
    wait_until(LIMIT, "nothing left to send", || {
        let s = status(&cfg);
        s["slack"]["pending"] == 0 && s["crm"]["pending"] == 0
    });
    assert!(terminate(daemon), "daemon exit");
    let texts = slack_texts();
    let created = texts
        .iter()
        .filter(|t| t.starts_with("New hot lead"))
        .count();
    let claimed = texts.iter().filter(|t| t.contains(" claimed ")).count();
    assert_eq!((created, claimed), (1, 1), "{texts:?}");
    let claimed = receiver
        .on("/hook")
        .into_iter()
        .map(|r| r.json())
        .find(|e| e["type"] == "lead.claimed")
        .unwrap();
    assert!(claimed["data"]["owner"].is_string(), "{claimed}");
}
