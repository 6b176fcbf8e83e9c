//! Test harness: a private Dovecot (IMAP) + Postfix (SMTP) on 127.0.0.1 per
//! test binary (`tests/mailtest.sh`), a minimal SMTP sender and IMAP reader
//! speaking the real protocols, and helpers to run the `carousel` binary.
#![allow(dead_code)]

pub mod postgres;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const PASSWORD: &str = "secret";

/// A running pair of mail servers, stopped when the test binary exits.
pub struct MailServers {
    pub base: PathBuf,
    pub imap: u16,
    pub smtp: u16,
}

/// Starts (once per test binary) Dovecot + Postfix on the given ports.
/// Each test binary passes its own ports so binaries may run concurrently.
pub fn mail_servers(imap: u16, smtp: u16) -> &'static MailServers {
    static SERVERS: OnceLock<MailServers> = OnceLock::new();
    SERVERS.get_or_init(|| {
        let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("mailtest-{}", std::process::id()));
        let log = std::fs::File::create(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("mailtest-{imap}.out")))
            .expect("create log");
        let status = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mailtest.sh"))
            .arg("start")
            .arg(&base)
            .env("IMAP_PORT", imap.to_string())
            .env("IMAPS_PORT", "0")
            .env("SMTP_PORT", smtp.to_string())
            .env("WATCH_PID", std::process::id().to_string())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .status()
            .expect("spawn tests/mailtest.sh");
        let out = std::fs::read_to_string(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("mailtest-{imap}.out")))
            .unwrap_or_default();
        assert!(
            status.success(),
            "could not start the private Dovecot + Postfix (apt-get install -y dovecot-imapd dovecot-lmtpd postfix):\n{out}\nlogs in {}/log",
            base.display()
        );
        MailServers { base, imap, smtp }
    })
}

/// Sends messages over one SMTP session. `messages` are (from, to, raw bytes).
pub fn smtp_send(port: u16, messages: &[(String, String, Vec<u8>)]) {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect SMTP");
    stream.set_nodelay(true).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut w = stream;
    let expect = |reader: &mut BufReader<TcpStream>, code: &str| {
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("SMTP read");
            assert!(
                line.starts_with(code),
                "SMTP: expected {code}, got {line:?}"
            );
            if line.as_bytes().get(3) != Some(&b'-') {
                break;
            }
        }
    };
    expect(&mut reader, "220");
    w.write_all(b"EHLO test.local\r\n").unwrap();
    expect(&mut reader, "250");
    for (from, to, raw) in messages {
        write!(w, "MAIL FROM:<{from}>\r\n").unwrap();
        expect(&mut reader, "250");
        write!(w, "RCPT TO:<{to}>\r\n").unwrap();
        expect(&mut reader, "250");
        w.write_all(b"DATA\r\n").unwrap();
        expect(&mut reader, "354");
        w.write_all(&dot_stuff(raw)).unwrap();
        w.write_all(b".\r\n").unwrap();
        expect(&mut reader, "250");
    }
    w.write_all(b"QUIT\r\n").unwrap();
}

/// CRLF line endings and leading-dot doubling for SMTP DATA.
fn dot_stuff(raw: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw).replace("\r\n", "\n");
    let mut out = Vec::new();
    for line in text.split('\n') {
        if line.starts_with('.') {
            out.push(b'.');
        }
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// A tiny blocking IMAP client for assertions (LOGIN, SELECT, SEARCH, FETCH).
pub struct Imap {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    tag: u32,
}

impl Imap {
    pub fn login(port: u16, user: &str) -> Imap {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect IMAP");
        stream.set_nodelay(true).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut imap = Imap {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
            tag: 0,
        };
        let mut greeting = String::new();
        imap.reader.read_line(&mut greeting).unwrap();
        imap.command(&format!("LOGIN \"{user}\" \"{PASSWORD}\""));
        imap
    }

    /// Runs a command; returns its untagged lines. Panics on NO/BAD.
    pub fn command(&mut self, cmd: &str) -> Vec<String> {
        self.tag += 1;
        let tag = format!("t{}", self.tag);
        write!(self.writer, "{tag} {cmd}\r\n").unwrap();
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).expect("IMAP read");
            assert!(n > 0, "IMAP connection closed during {cmd}");
            // Skip literals ({N}\r\n + N bytes) so FETCH bodies do not confuse us.
            if let Some(len) = literal_len(&line) {
                let mut buf = vec![0u8; len];
                std::io::Read::read_exact(&mut self.reader, &mut buf).unwrap();
                lines.push(format!(
                    "{}{}",
                    line.trim_end(),
                    String::from_utf8_lossy(&buf)
                ));
                continue;
            }
            if let Some(rest) = line.strip_prefix(&format!("{tag} ")) {
                assert!(rest.starts_with("OK"), "IMAP {cmd}: {rest}");
                return lines;
            }
            lines.push(line.trim_end().to_string());
        }
    }

    /// Selects a folder; returns its message count.
    pub fn select(&mut self, folder: &str) -> usize {
        let lines = self.command(&format!("SELECT \"{folder}\""));
        lines
            .iter()
            .find_map(|l| {
                l.strip_prefix("* ")
                    .and_then(|r| r.strip_suffix(" EXISTS"))
                    .and_then(|n| n.parse().ok())
            })
            .unwrap_or(0)
    }

    /// UIDs matching a SEARCH query (e.g. `UNSEEN`, `ALL`).
    pub fn search(&mut self, query: &str) -> Vec<u32> {
        self.command(&format!("UID SEARCH {query}"))
            .iter()
            .filter_map(|l| l.strip_prefix("* SEARCH"))
            .flat_map(|r| {
                r.split_whitespace()
                    .filter_map(|n| n.parse().ok())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    pub fn logout(mut self) {
        let _ = write!(self.writer, "z LOGOUT\r\n");
    }
}

fn literal_len(line: &str) -> Option<usize> {
    let t = line.trim_end();
    let open = t.rfind('{')?;
    t.ends_with('}')
        .then(|| t[open + 1..t.len() - 1].parse().ok())
        .flatten()
}

/// Every `.eml` file below `dir`, recursively, in path order.
pub fn eml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(eml_files(&path));
        } else if path.extension().is_some_and(|e| e == "eml") {
            out.push(path);
        }
    }
    out
}

/// Polls `check` until it returns true or `limit` passes (a liveness bound, not a speed goal).
pub fn wait_until(limit: Duration, what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(
            start.elapsed() < limit,
            "gave up waiting for {what} after {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The `carousel` binary built for this test run.
pub fn carousel() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_carousel"));
    c.env("CAROUSEL_LOG", "info").env_remove("CAROUSEL_FAULT");
    c
}

/// Runs a carousel verb to completion; returns (success, stdout, stderr).
pub fn carousel_run(args: &[&str], config: &Path) -> (bool, String, String) {
    let out = carousel()
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .expect("run carousel");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// Starts the daemon in the background, its log in `log`.
pub fn spawn_daemon(config: &Path, log: &Path, fault: Option<&str>) -> Child {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    let mut cmd = carousel();
    cmd.arg("--config")
        .arg(config)
        .arg("run")
        .stdout(Stdio::null())
        .stderr(file);
    if let Some(f) = fault {
        cmd.env("CAROUSEL_FAULT", f);
    }
    cmd.spawn().expect("spawn carousel run")
}

/// Sends SIGTERM and waits; returns whether it exited 0.
pub fn terminate(mut child: Child) -> bool {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    child.wait().map(|s| s.success()).unwrap_or(false)
}

/// A config with one IMAP mailbox per (name, user) on the private Dovecot.
pub fn imap_config(dir: &Path, imap_port: u16, mailboxes: &[(&str, &str)]) -> PathBuf {
    let mut text = format!("[store]\npath = \"{}\"\n\n", dir.join("store").display());
    for (name, user) in mailboxes {
        text.push_str(&format!(
            "[[mailbox]]\nname = \"{name}\"\nimap = {{ host = \"127.0.0.1\", port = {imap_port}, tls = \"none\", user = \"{user}\", password_env = \"CAROUSEL_TEST_PASSWORD\", idle_secs = 60, timeout_secs = 20 }}\n\n"
        ));
    }
    text.push_str("[outbox]\ndir = \"outbox\"\nfrom = \"Acme <hello@acme.example>\"\nmessage_id_domain = \"carousel.acme.example\"\n");
    let path = dir.join("carousel.toml");
    std::fs::write(&path, text).unwrap();
    // SAFETY: tests set this once, before any thread reads it, to the same value.
    unsafe { std::env::set_var("CAROUSEL_TEST_PASSWORD", PASSWORD) };
    path
}

/// A realistic web-form lead notification (the kind carousel turns into a response).
pub fn lead_email(n: usize, to: &str) -> Vec<u8> {
    format!(
        "From: WordPress <wordpress@solar-site.example>\r\nTo: {to}\r\nReply-To: prospect{n}@buyer.example\r\n\
Subject: New submission from Contact form\r\nMessage-ID: <lead-{n}-{to}@solar-site.example>\r\n\
Date: Wed, 25 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Name: Prospect Number{n}\r\nEmail: prospect{n}@buyer.example\r\nPhone: +1 555 010 {n:04}\r\nCompany: Buyer {n} Ltd\r\n\
Interest: Rooftop solar installation\r\nTimeline: within 3 months\r\nMessage: Please send a quote for our office roof.\r\n\r\n--\r\nThis e-mail was sent from a contact form on Solar Site\r\n"
    )
    .into_bytes()
}

/// Responses the store holds, read with `carousel responses list --json`.
pub fn stored_responses(config: &Path) -> Vec<serde_json::Value> {
    let (ok, out, err) = carousel_run(&["responses", "list", "--json"], config);
    assert!(ok, "responses list failed: {err}");
    out.lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

/// Whitespace runs folded to one space: how expected and actual text compare.
pub fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One expected `inspect` value against the actual one: strings compare
/// whitespace-normalised and case-sensitively, everything else exactly.
pub fn values_match(exp: &serde_json::Value, act: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (exp, act) {
        (Value::String(e), Value::String(a)) => normalize(e) == normalize(a),
        _ => exp == act,
    }
}

/// Sends `total` leads (`build(n, to)`) from a web form over SMTP on `port`,
/// lead `n` to `mailboxes[n % 2]`, `chunk` at a time with `pause` between
/// chunks, on a thread of its own: mail keeps arriving while a test kills
/// and restarts the daemons.
pub fn send_leads_spread(
    port: u16,
    mailboxes: [&'static str; 2],
    total: usize,
    chunk: usize,
    pause: std::time::Duration,
    build: fn(usize, &str) -> Vec<u8>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for part in (0..total).collect::<Vec<_>>().chunks(chunk) {
            let mails: Vec<_> = part
                .iter()
                .map(|&n| {
                    let to = mailboxes[n % 2].to_string();
                    let raw = build(n, &to);
                    ("form@solar-site.example".to_string(), to, raw)
                })
                .collect();
            smtp_send(port, &mails);
            std::thread::sleep(pause);
        }
    })
}

/// `user`'s INBOX on the IMAP server at `port`: (messages, unseen ones).
pub fn unseen_count(port: u16, user: &str) -> (usize, usize) {
    let mut imap = Imap::login(port, user);
    let total = imap.select("INBOX");
    let unseen = imap.search("UNSEEN").len();
    imap.logout();
    (total, unseen)
}

/// The body of `GET path` on 127.0.0.1:`port` (HTTP/1.1, connection
/// closed), or `None` while nothing listens there.
pub fn http_get_body(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    Some(
        out.split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default(),
    )
}
