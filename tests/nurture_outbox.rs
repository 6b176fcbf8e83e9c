//! Nurture sequences and the outbox through a real Postfix → Dovecot:
//! steps arrive, replies / out-of-office / unsubscribes act on them, every
//! email goes out exactly once across SIGKILLs, and hostile contact data
//! renders safely.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use carousel::nurture::{self, EnrollRequest};
use carousel::store::Store;
use common::*;

const IMAP: u16 = 11343;
const SMTP: u16 = 11325;

fn servers() -> &'static MailServers {
    mail_servers(IMAP, SMTP)
}

/// A config for test `t`: replies to `nurture-t@`, unsubscribe mail to
/// `unsub-t@`, archive copies to `archive-t@`, SMTP to the private Postfix.
fn config(dir: &Path, t: &str, http_port: Option<u16>, extra: &str) -> PathBuf {
    servers();
    let imap = |user: &str| {
        format!(
            "{{ host = \"127.0.0.1\", port = {IMAP}, tls = \"none\", user = \"{user}\", password_env = \"CAROUSEL_TEST_PASSWORD\", idle_secs = 60, timeout_secs = 20 }}"
        )
    };
    let http = http_port.map_or(String::new(), |p| {
        format!("[http]\nlisten = \"127.0.0.1:{p}\"\n\n")
    });
    let text = format!(
        r#"[store]
path = "{store}"

[[mailbox]]
name = "replies"
imap = {replies}

[[mailbox]]
name = "unsubscribe"
imap = {unsub}

{http}[outbox]
smtp = {{ host = "127.0.0.1", port = {SMTP}, tls = "none" }}
from = "Acme Solar <nurture-{t}@example.test>"
message_id_domain = "carousel.acme.example"

[outbox.delivery]
retry_base_secs = 1
tick_ms = 100
concurrency = 8

[outbox.archive]
address = "archive-{t}@example.test"
grace_secs = 2
imap = {archive}

[nurture]
templates = "{templates}"
time_zone = "UTC"
unsubscribe_url = "http://127.0.0.1:{port}"
unsubscribe_mailto = "unsub-{t}@example.test"
unsubscribe_mailbox = "unsubscribe"
max_per_minute = 1000000
tick_ms = 100
{extra}
"#,
        store = dir.join("store").display(),
        replies = imap(&format!("nurture-{t}@example.test")),
        unsub = imap(&format!("unsub-{t}@example.test")),
        archive = imap(&format!("archive-{t}@example.test")),
        templates = concat!(env!("CARGO_MANIFEST_DIR"), "/templates"),
        port = http_port.unwrap_or(1),
    );
    let path = dir.join("carousel.toml");
    std::fs::write(&path, text).unwrap();
    // SAFETY: every test sets the same value before any daemon starts.
    unsafe { std::env::set_var("CAROUSEL_TEST_PASSWORD", PASSWORD) };
    path
}

const SEQUENCES: &str = r#"
[[sequence]]
name = "fast"
[[sequence.step]]
template = "solar-1-welcome"
[[sequence.step]]
template = "solar-2-savings"
delay = "1s"
[[sequence.step]]
template = "solar-3-checkin"
delay = "4s"

[[sequence]]
name = "slow"
[[sequence.step]]
template = "solar-1-welcome"
[[sequence.step]]
template = "solar-2-savings"
delay = "5s"
"#;

/// Enrolls contacts (with names) directly in the store, before the daemon starts.
fn enroll(config: &Path, sequence: &str, contacts: &[(String, String)]) {
    enroll_in(config, &[(sequence, contacts)]);
}

fn enroll_in(config: &Path, groups: &[(&str, &[(String, String)])]) {
    let store_dir = config.parent().unwrap().join("store");
    let store = Store::open(&store_dir, 16).unwrap();
    for (sequence, contacts) in groups {
        for (email, name) in contacts.iter() {
            let record = carousel::store::model::ContactRecord {
                contact: carousel::understand::Contact {
                    email: Some(email.clone()),
                    name: Some(name.clone()),
                    ..Default::default()
                },
                ..Default::default()
            };
            store
                .tree("contacts")
                .unwrap()
                .insert(email.as_bytes(), carousel::store::encode(&record))
                .unwrap();
            nurture::enroll(
                &store,
                &EnrollRequest {
                    contact: email.clone(),
                    sequence: Some(sequence.to_string()),
                    lead: None,
                    start_at: None,
                },
            )
            .unwrap();
        }
    }
    store.flush_sync().unwrap();
}

/// A daemon that is killed if the test panics before stopping it.
struct Daemon(Option<std::process::Child>);

impl Daemon {
    fn start(config: &Path, log: &Path) -> Daemon {
        Daemon(Some(spawn_daemon(config, log, None)))
    }

    /// SIGTERM and wait; true when it exited 0.
    fn stop(mut self) -> bool {
        terminate(self.0.take().unwrap())
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Messages in a user's INBOX.
fn inbox_count(user: &str) -> usize {
    let mut imap = Imap::login(IMAP, user);
    let n = imap.select("INBOX");
    imap.logout();
    n
}

/// The raw bytes of message `seq` (1-based) in a user's INBOX.
fn fetch_raw(user: &str, seq: usize) -> String {
    let mut imap = Imap::login(IMAP, user);
    imap.select("INBOX");
    let lines = imap.command(&format!("FETCH {seq} BODY.PEEK[]"));
    imap.logout();
    lines.join("\n")
}

/// A header's unfolded value.
fn header(raw: &str, name: &str) -> Option<String> {
    let head = raw.split("\r\n\r\n").next()?;
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let prefix = format!("{}:", name.to_ascii_lowercase());
    unfolded
        .split("\r\n")
        .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
        .map(|l| l[prefix.len()..].trim().to_string())
}

fn status(config: &Path) -> String {
    let (ok, out, err) = carousel_run(&["sequences", "status"], config);
    assert!(ok, "sequences status: {err}");
    out
}

fn reply(from: &str, to: &str, in_reply_to: &str, subject: &str, extra_headers: &str, body: &str) {
    let raw = format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{}.{from}>\r\nIn-Reply-To: {in_reply_to}\r\nReferences: {in_reply_to}\r\nDate: {}\r\nMIME-Version: 1.0\r\n{extra_headers}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        rand::random::<u64>(),
        jiff::Zoned::now().strftime("%a, %d %b %Y %H:%M:%S %z"),
    );
    smtp_send(
        SMTP,
        &[(from.to_string(), to.to_string(), raw.into_bytes())],
    );
}

#[test]
fn steps_arrive_and_a_reply_after_step_two_stops_the_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), "seq", None, SEQUENCES);
    let lead = "lead-seq@example.test";
    enroll(&cfg, "fast", &[(lead.into(), "Sam Sequence".into())]);
    let log = dir.path().join("daemon.log");
    let daemon = Daemon::start(&cfg, &log);
    wait_until(
        Duration::from_secs(30),
        "steps 1 and 2 in the lead's inbox",
        || inbox_count(lead) >= 2,
    );
    let step1 = fetch_raw(lead, 1);
    let step2 = fetch_raw(lead, 2);
    assert!(
        header(&step1, "Subject")
            .unwrap()
            .contains("Sam, how much could your roof earn"),
        "{step1}"
    );
    let unsub = header(&step1, "List-Unsubscribe").expect("List-Unsubscribe");
    assert!(
        unsub.contains("<mailto:unsub-seq@example.test?subject=unsubscribe%20"),
        "{unsub}"
    );
    assert!(unsub.contains("<http://127.0.0.1:1/u/"), "{unsub}");
    assert_eq!(
        header(&step1, "List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(header(&step1, "Date").is_some_and(|d| d.len() > 20));
    assert!(
        step1.contains("multipart/alternative") && step1.contains("text/plain"),
        "{step1}"
    );
    let id2 = header(&step2, "Message-ID").expect("Message-ID");
    assert!(id2.ends_with("@carousel.acme.example>"), "{id2}");
    // The prospect answers step 2: the sequence stops before step 3 (due 4 s later).
    reply(
        lead,
        "nurture-seq@example.test",
        &id2,
        "Re: What a neighbour's roof saved last year",
        "",
        "Thanks, this is useful. Could you call me on Tuesday afternoon?",
    );
    std::thread::sleep(Duration::from_secs(7));
    assert_eq!(
        inbox_count(lead),
        2,
        "step 3 must never arrive after a reply"
    );
    assert!(daemon.stop());
    let s = status(&cfg);
    assert!(s.contains("fast") && s.contains("stopped (reply)"), "{s}");
}

#[test]
fn out_of_office_postpones_and_unsubscribe_click_or_email_stops_everything() {
    let dir = tempfile::tempdir().unwrap();
    let http = 11381;
    let cfg = config(dir.path(), "stop", Some(http), SEQUENCES);
    let (ooo, click, mail) = (
        "lead-ooo@example.test",
        "lead-click@example.test",
        "lead-mail@example.test",
    );
    let slow = [
        (ooo.to_string(), "Olga Away".to_string()),
        (click.to_string(), "Carl Click".to_string()),
        (mail.to_string(), "Mia Mail".to_string()),
    ];
    // Carl is also in a second sequence: an unsubscribe stops all of them.
    let fast = [(click.to_string(), "Carl Click".to_string())];
    enroll_in(&cfg, &[("slow", &slow), ("fast", &fast)]);
    let log = dir.path().join("daemon.log");
    let daemon = Daemon::start(&cfg, &log);
    wait_until(Duration::from_secs(30), "step 1 for everyone", || {
        inbox_count(ooo) >= 1 && inbox_count(mail) >= 1 && inbox_count(click) >= 1
    });
    // Out of office with a return date ten days ahead.
    let back = jiff::Zoned::now()
        .date()
        .checked_add(jiff::Span::new().days(10))
        .unwrap();
    let ooo_step1 = fetch_raw(ooo, 1);
    reply(
        ooo,
        "nurture-stop@example.test",
        &header(&ooo_step1, "Message-ID").unwrap(),
        "Automatic reply: Out of office",
        "Auto-Submitted: auto-replied\r\nX-Autoreply: yes\r\n",
        &format!(
            "I am out of the office until {}. I will reply when I am back.",
            back.strftime("%-d %B %Y")
        ),
    );
    // One-click unsubscribe (RFC 8058): POST the https link from the header.
    let click_step1 = fetch_raw(click, 1);
    let link = header(&click_step1, "List-Unsubscribe").unwrap();
    let path = link
        .split("<http://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split_once('/'))
        .map(|(_, p)| format!("/{}", p.trim_end_matches('>')))
        .expect("https link");
    wait_until(
        Duration::from_secs(10),
        "one-click POST answered 200",
        || http_post(http, &path, "List-Unsubscribe=One-Click").starts_with("HTTP/1.1 200"),
    );
    // Unsubscribe by email to the mailto address.
    reply(
        mail,
        "unsub-stop@example.test",
        "<none@example.test>",
        "unsubscribe",
        "",
        "Please remove me.",
    );
    // Step 2 of "slow" is due 5 s after step 1: wait past it.
    std::thread::sleep(Duration::from_secs(8));
    assert_eq!(inbox_count(ooo), 1, "out-of-office must postpone step 2");
    assert_eq!(
        inbox_count(mail),
        1,
        "an unsubscribe email stops the sequence"
    );
    let click_count = inbox_count(click);
    assert!(
        click_count <= 2,
        "only the step 1s sent before the click may arrive, got {click_count}"
    );
    assert!(daemon.stop());
    let s = status(&cfg);
    assert!(s.contains("paused, next step 2"), "{s}");
    assert!(!s.contains("active"), "{s}");
    let stopped = |reason: &str| -> usize {
        s.lines()
            .filter(|l| l.contains(&format!("stopped ({reason})")))
            .map(|l| {
                l.split_whitespace()
                    .last()
                    .unwrap()
                    .parse::<usize>()
                    .unwrap()
            })
            .sum()
    };
    // Carl's two enrollments stop by his click; Mia's by her email (which is
    // also a reply to the act stage, so either reason may win the race).
    assert!(stopped("unsubscribe") >= 2, "{s}");
    assert_eq!(stopped("unsubscribe") + stopped("reply"), 3, "{s}");
    {
        let store = Store::open(&dir.path().join("store"), 16).unwrap();
        for who in [click, mail] {
            assert!(
                nurture::is_suppressed(&store, who).unwrap(),
                "{who} suppressed"
            );
        }
        assert!(!nurture::is_suppressed(&store, ooo).unwrap());
    }
    // A bad token is refused.
    let daemon = Daemon::start(&cfg, &log);
    wait_until(Duration::from_secs(10), "listener back", || {
        http_post(http, "/u/6162.00", "List-Unsubscribe=One-Click").starts_with("HTTP/1.1 404")
    });
    assert!(daemon.stop());
}

fn http_post(port: u16, path: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

#[test]
fn sigkill_while_sending_500_leaves_exactly_one_copy_each() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        "bulk",
        None,
        "\n[[sequence]]\nname = \"blast\"\n[[sequence.step]]\ntemplate = \"solar-1-welcome\"\n",
    );
    let n = 500;
    let contacts: Vec<(String, String)> = (0..n)
        .map(|i| (format!("bulk-{i}@example.test"), format!("Bulk Number{i}")))
        .collect();
    enroll(&cfg, "blast", &contacts);
    let log = dir.path().join("daemon.log");
    // 1. Die exactly in the crash window: after Postfix's 250, before the record.
    let mut first = spawn_daemon(&cfg, &log, Some("outbox-after-smtp-accept"));
    let status = first.wait().unwrap();
    assert!(!status.success(), "the fault point must abort the daemon");
    // 2. SIGKILL at random moments while it sends.
    for _ in 0..5 {
        let mut child = spawn_daemon(&cfg, &log, None);
        std::thread::sleep(Duration::from_millis(rand::random_range(150..900)));
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg(child.id().to_string())
            .status();
        let _ = child.wait();
    }
    // 3. Restart until done.
    let (ok, _, err) = carousel_run(&["run", "--once"], &cfg);
    assert!(ok, "run --once: {err}");
    wait_until(Duration::from_secs(60), "500 archive copies", || {
        inbox_count("archive-bulk@example.test") >= n
    });
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        inbox_count("archive-bulk@example.test"),
        n,
        "the MTA accepted each email exactly once"
    );
    let domain = "carousel.acme.example";
    let mut missing = Vec::new();
    for (i, (email, _)) in contacts.iter().enumerate() {
        let mut imap = Imap::login(IMAP, email);
        let total = imap.select("INBOX");
        let hits = imap.search(&format!("HEADER Message-ID \"@{domain}\""));
        imap.logout();
        if total != 1 || hits.len() != 1 {
            missing.push((i, total, hits.len()));
        }
    }
    assert!(
        missing.is_empty(),
        "(recipient, messages, carousel ids): {missing:?}"
    );
    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(log_text.contains("fault injected at outbox-after-smtp-accept"));
    // The email accepted just before the abort was recognised, not resent.
    assert!(
        log_text.contains("found in the archive"),
        "no crash-window recovery logged"
    );
    eprintln!(
        "exactly-once: {} recovered from the archive, {} resent after the grace period",
        log_text.matches("found in the archive").count(),
        log_text.matches("sending again").count()
    );
}

#[test]
fn hostile_names_render_safely_and_check_and_fuel_catch_bad_templates() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), "bad", None, SEQUENCES);
    let lead = "lead-bad@example.test";
    let name = "<script>alert(1)</script> Eve\r\nBcc: victim@example.test";
    enroll(&cfg, "slow", &[(lead.into(), name.into())]);
    let (ok, _, err) = carousel_run(&["run", "--once"], &cfg);
    assert!(ok, "{err}");
    wait_until(Duration::from_secs(20), "step 1", || inbox_count(lead) >= 1);
    assert_eq!(
        inbox_count("victim@example.test"),
        0,
        "no injected recipient"
    );
    let raw = fetch_raw(lead, 1);
    let raw = &raw[raw.find('}').unwrap() + 1..];
    let head = raw.split("\r\n\r\n").next().unwrap();
    assert!(!head.to_ascii_lowercase().contains("\nbcc:"), "{head}");
    let message = mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .expect("parse");
    // The subject carries the (first) name on one line, as text.
    let subject = message.subject().unwrap_or_default();
    assert!(
        subject.starts_with("<script>alert(1)</script>, how much"),
        "{subject}"
    );
    let html = message.body_html(0).expect("html part");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;"), "{html}");
    assert!(!html.contains("<script>"), "{html}");
    assert!(message.body_text(0).is_some_and(|t| t.contains("alert(1)")));

    // `check` names the file and line of an unknown variable; fuel stops a loop.
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("typo.html"),
        "---\nsubject: Hello\n---\n<p>Hi</p>\n<p>{{ frist_name }}</p>\n",
    )
    .unwrap();
    std::fs::write(
        templates.join("forever.html"),
        "---\nsubject: Loop\n---\n{% for a in range(100000) %}{% for b in range(100000) %}.{% endfor %}{% endfor %}\n",
    )
    .unwrap();
    let text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace(
            concat!(env!("CARGO_MANIFEST_DIR"), "/templates"),
            templates.to_str().unwrap(),
        )
        .replace("solar-1-welcome", "typo")
        .replace("solar-2-savings", "forever")
        .replace("solar-3-checkin", "typo");
    std::fs::write(&cfg, text).unwrap();
    let (ok, out, _) = carousel_run(&["check"], &cfg);
    assert!(!ok, "check must fail");
    let expected = format!(
        "{}:5: unknown variable `frist_name`",
        templates.join("typo.html").display()
    );
    assert!(out.contains(&expected), "{out}");
    let (ok, _, err) = carousel_run(&["preview", "forever", "--contact", lead], &cfg);
    assert!(!ok && err.contains("fuel"), "{err}");
}

/// Two instances on one store: A holds `@nurture`, pauses past its expiry
/// while B takes the stage over, then wakes up with a step due. Its pass
/// stops at the fence: nothing enqueued, the enrollment still at step 0 and
/// still due; B's pass then enqueues the step once.
#[test]
fn a_paused_instance_cannot_commit_a_nurture_step_after_takeover() {
    use carousel::store::leases::{NURTURE, TTL_MS};
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let path = config(dir.path(), "fence", None, SEQUENCES);
    enroll(
        &path,
        "fast",
        &[("fence@example.test".into(), "Fen".into())],
    );
    let config = carousel::config::Config::load(&path).unwrap();
    let a = Store::open(&config.store_path(), 16).unwrap();
    let b = a.as_another_instance().unwrap();
    let names = vec![NURTURE.to_string()];
    let now = jiff::Timestamp::now().as_millisecond();
    a.lease_round("a", &names, now).unwrap();
    b.lease_round("b", &names, now + 10).unwrap();
    b.lease_round("b", &names, now + TTL_MS + 10).unwrap();

    let settings = Arc::new(config.nurture_settings());
    let at = jiff::Timestamp::now() + Duration::from_secs(1);
    let mut paused = nurture::scheduler::Scheduler::new(settings.clone(), a.clone()).unwrap();
    let refused = paused.pass(at).unwrap_err();
    assert!(carousel::store::lease_lost(&refused), "{refused:#}");
    assert!(carousel::outbox::records(&b).unwrap().is_empty());
    let before = nurture::enrollments_of(&b, "fence@example.test").unwrap();
    assert!(
        matches!(
            before[0].state,
            nurture::EnrollmentState::Active { next_step: 0, .. }
        ),
        "{:?}",
        before[0].state
    );

    let mut holder = nurture::scheduler::Scheduler::new(settings, b.clone()).unwrap();
    let report = holder.pass(at).unwrap();
    assert_eq!(report.queued, 1, "{report:?}");
    assert_eq!(carousel::outbox::records(&b).unwrap().len(), 1);
    let after = nurture::enrollments_of(&b, "fence@example.test").unwrap();
    assert!(
        matches!(
            after[0].state,
            nurture::EnrollmentState::Active { next_step: 1, .. }
        ),
        "{:?}",
        after[0].state
    );
}
