//! Faults a real Dovecot never produces, from a small scripted IMAP server
//! on 127.0.0.1: a FETCH item without a body, and a UID listed by the size
//! FETCH but left out of the body FETCH. Neither may be stored empty,
//! acknowledged, or skipped by the cursor: the next sync stores both.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use common::*;

/// What the scripted server holds and how it misbehaves.
#[derive(Default)]
struct Script {
    /// (UID, raw message), in UID order.
    messages: Vec<(u32, Vec<u8>)>,
    /// UIDs answered with `* n FETCH (UID u)`: an item without a body.
    bodyless: BTreeSet<u32>,
    /// UIDs left out of the body FETCH response altogether.
    withheld: BTreeSet<u32>,
    /// Every UID the client flagged `\Seen`, in order.
    seen: Vec<u32>,
    /// Every UID the client asked bodies for, in order.
    body_requests: Vec<u32>,
}

/// Serves one IMAP connection after another until the test ends.
fn fake_imap(script: Arc<Mutex<Script>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = serve(stream, &script);
        }
    });
    port
}

fn serve(stream: TcpStream, script: &Mutex<Script>) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"* OK [CAPABILITY IMAP4rev1] fake ready\r\n")?;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let words: Vec<&str> = line.trim_end().split(' ').collect();
        let (tag, verb) = (words[0], words.get(1).copied().unwrap_or(""));
        let mut reply = Vec::new();
        match (verb.to_ascii_uppercase().as_str(), words.get(2).copied()) {
            ("CAPABILITY", _) => reply.extend_from_slice(b"* CAPABILITY IMAP4rev1\r\n"),
            ("LOGIN", _) => {}
            ("SELECT", _) => {
                let s = script.lock().unwrap();
                let next = s.messages.last().map_or(1, |(u, _)| u + 1);
                reply.extend_from_slice(
                    format!(
                        "* {} EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Seen)\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT {next}] ok\r\n",
                        s.messages.len()
                    )
                    .as_bytes(),
                );
            }
            ("UID", Some(sub)) if sub.eq_ignore_ascii_case("FETCH") => {
                let set = parse_set(words[3]);
                let items = words[4..].join(" ").to_ascii_uppercase();
                let mut s = script.lock().unwrap();
                let body = items.contains("BODY");
                for (seq, (uid, raw)) in s.messages.iter().enumerate() {
                    if !set(*uid) {
                        continue;
                    }
                    let seq = seq + 1;
                    if !body {
                        reply.extend_from_slice(
                            format!("* {seq} FETCH (UID {uid} RFC822.SIZE {})\r\n", raw.len())
                                .as_bytes(),
                        );
                    } else if s.withheld.contains(uid) {
                    } else if s.bodyless.contains(uid) {
                        reply
                            .extend_from_slice(format!("* {seq} FETCH (UID {uid})\r\n").as_bytes());
                    } else {
                        let section = if items.contains("HEADER") {
                            "BODY[HEADER]"
                        } else {
                            "BODY[]"
                        };
                        reply.extend_from_slice(
                            format!("* {seq} FETCH (UID {uid} {section} {{{}}}\r\n", raw.len())
                                .as_bytes(),
                        );
                        reply.extend_from_slice(raw);
                        reply.extend_from_slice(b")\r\n");
                    }
                }
                if body {
                    let asked: Vec<u32> = s
                        .messages
                        .iter()
                        .map(|(u, _)| *u)
                        .filter(|u| set(*u))
                        .collect();
                    s.body_requests.extend(asked);
                }
            }
            ("UID", Some(sub)) if sub.eq_ignore_ascii_case("STORE") => {
                let set = parse_set(words[3]);
                let mut s = script.lock().unwrap();
                let flagged: Vec<u32> = s
                    .messages
                    .iter()
                    .map(|(u, _)| *u)
                    .filter(|u| set(*u))
                    .collect();
                if line.contains("\\Seen") {
                    s.seen.extend(flagged);
                }
            }
            ("LOGOUT", _) => {
                out.write_all(format!("* BYE\r\n{tag} OK bye\r\n").as_bytes())?;
                return Ok(());
            }
            _ => {}
        }
        reply.extend_from_slice(format!("{tag} OK done\r\n").as_bytes());
        out.write_all(&reply)?;
    }
}

/// `1:3,7,9:*` as a membership test.
fn parse_set(set: &str) -> impl Fn(u32) -> bool {
    let ranges: Vec<(u32, u32)> = set
        .split(',')
        .map(|part| {
            let bound = |s: &str| {
                if s == "*" {
                    u32::MAX
                } else {
                    s.parse().unwrap()
                }
            };
            match part.split_once(':') {
                Some((a, b)) => {
                    let (a, b) = (bound(a), bound(b));
                    (a.min(b), a.max(b))
                }
                None => (bound(part), bound(part)),
            }
        })
        .collect();
    move |uid| ranges.iter().any(|(a, b)| (*a..=*b).contains(&uid))
}

fn config(dir: &Path, port: u16) -> PathBuf {
    let text = format!(
        "[store]\npath = \"{}\"\n\n[[mailbox]]\nname = \"leads\"\nimap = {{ host = \"127.0.0.1\", port = {port}, tls = \"none\", user = \"leads\", password_env = \"CAROUSEL_FAKE_IMAP_PASSWORD\", idle_secs = 60, timeout_secs = 10 }}\n\n[outbox]\ndir = \"outbox\"\nfrom = \"Acme <hello@acme.example>\"\nmessage_id_domain = \"carousel.acme.example\"\n",
        dir.join("store").display()
    );
    let path = dir.join("carousel.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn run_once(config: &Path, args: &[&str]) {
    let out = carousel()
        .env("CAROUSEL_FAKE_IMAP_PASSWORD", "secret")
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "carousel {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bodyless_and_withheld_uids_are_neither_acknowledged_nor_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let script = Arc::new(Mutex::new(Script {
        messages: (1..=4)
            .map(|uid| (uid, lead_email(uid as usize, "leads@acme.example")))
            .collect(),
        bodyless: BTreeSet::from([2]),
        withheld: BTreeSet::from([3]),
        ..Script::default()
    }));
    let port = fake_imap(script.clone());
    let config = config(dir.path(), port);

    run_once(&config, &["run", "--once", "--ingest-only"]);
    {
        let s = script.lock().unwrap();
        assert_eq!(s.seen, [1, 4], "only the stored messages are acknowledged");
    }
    run_once(&config, &["run", "--once"]);
    let responses = stored_responses(&config);
    let emails: BTreeSet<String> = responses
        .iter()
        .map(|r| r["contact"]["email"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        emails,
        BTreeSet::from(["prospect1@buyer.example", "prospect4@buyer.example"].map(String::from)),
        "while the server misbehaves nothing empty is stored: {responses:?}"
    );

    // The server recovers: the two held-back UIDs are fetched again (though
    // the cursor is past them), stored and only then acknowledged.
    {
        let mut s = script.lock().unwrap();
        s.bodyless.clear();
        s.withheld.clear();
        s.body_requests.clear();
    }
    run_once(&config, &["run", "--once"]);
    let s = script.lock().unwrap();
    assert_eq!(
        s.body_requests,
        [2, 3],
        "only the missing UIDs are fetched again"
    );
    assert_eq!(s.seen, [1, 4, 2, 3]);
    drop(s);
    let emails: BTreeSet<String> = stored_responses(&config)
        .iter()
        .map(|r| r["contact"]["email"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(emails.len(), 4, "{emails:?}");
}
