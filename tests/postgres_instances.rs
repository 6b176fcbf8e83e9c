//! Several carousel instances on one shared PostgreSQL store: the mailbox
//! is read by one instance at a time, and when that instance is killed
//! another takes it over within 5 s (lease TTL + one heartbeat) plus the
//! source's own polling delay.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::postgres::{fresh_database, maildir_config, psql};
use common::*;

/// This binary's PostgreSQL port (each test binary has its own).
const PG_PORT: u16 = 25434;

fn instance(config: &Path, url: &str, log: &Path) -> Child {
    let file = std::fs::File::create(log).unwrap();
    carousel()
        .env("CAROUSEL_DATABASE_URL", url)
        .arg("--config")
        .arg(config)
        .arg("run")
        .stdout(Stdio::null())
        .stderr(file)
        .spawn()
        .expect("spawn carousel run")
}

fn deliver(dir: &Path, n: usize) {
    let tmp = dir.join(format!("inbox/tmp/{n}"));
    std::fs::write(&tmp, lead_email(n, "leads@acme.example")).unwrap();
    std::fs::rename(&tmp, dir.join(format!("inbox/new/{n}"))).unwrap();
}

/// The process id in the owner of `lease` (`host-pid-suffix`), if held.
fn holder(db: &str, lease: &str) -> Option<u32> {
    let owner = psql(
        PG_PORT,
        db,
        &format!("SELECT coalesce(owner, '') FROM leases WHERE mailbox = '{lease}'"),
    );
    owner.rsplit('-').nth(1)?.parse().ok()
}

fn count(db: &str, sql: &str) -> usize {
    psql(PG_PORT, db, sql).parse().unwrap_or(0)
}

#[test]
fn a_killed_instances_mailbox_is_read_by_the_other_within_five_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let config = maildir_config(dir.path());
    let url = fresh_database(PG_PORT);
    let db = url.rsplit('/').next().unwrap().to_string();
    // Migrated before the instances start, so the queries below find the tables.
    drop(carousel::store::Store::open_postgres(&url).unwrap());
    let mut a = instance(&config, &url, &dir.path().join("a.log"));
    wait_until(
        Duration::from_secs(30),
        "instance A to lease the mailbox",
        || holder(&db, "leads") == Some(a.id()),
    );
    let b = instance(&config, &url, &dir.path().join("b.log"));
    // Both instances live: the leases spread over the two.
    wait_until(
        Duration::from_secs(30),
        "instance B to hold a lease",
        || {
            count(
                &db,
                &format!(
                    "SELECT count(*) FROM leases WHERE owner LIKE '%-{}-%'",
                    b.id()
                ),
            ) > 0
        },
    );
    deliver(dir.path(), 0);
    wait_until(
        Duration::from_secs(30),
        "the first lead to be routed",
        || count(&db, "SELECT count(*) FROM leads") == 1,
    );
    // Kill whoever reads the mailbox now; the survivor must take over.
    let reader = holder(&db, "leads").expect("the mailbox is leased");
    let (mut killed, survivor) = if reader == a.id() { (a, b) } else { (b, a) };
    killed.kill().unwrap();
    killed.wait().unwrap();
    let killed_at = Instant::now();
    deliver(dir.path(), 1);
    wait_until(
        Duration::from_secs(15),
        "the survivor to store the new lead",
        || count(&db, "SELECT count(*) FROM kv_raw_seq") >= 2,
    );
    let took = killed_at.elapsed();
    eprintln!("takeover: lead stored {took:?} after the kill");
    assert!(
        took <= Duration::from_secs(5) + Duration::from_millis(500),
        "stored {took:?} after the kill (lease TTL + heartbeat + poll should stay under 5 s)"
    );
    assert_eq!(holder(&db, "leads"), Some(survivor.id()));
    // And the rest of the pipeline follows on the survivor: one response and one lead each.
    wait_until(
        Duration::from_secs(30),
        "the second lead to be routed",
        || count(&db, "SELECT count(*) FROM leads") == 2,
    );
    assert_eq!(count(&db, "SELECT count(*) FROM responses"), 2);
    assert!(terminate(survivor), "survivor did not stop cleanly");
    // A graceful stop gives its leases back at once.
    assert_eq!(
        count(&db, "SELECT count(*) FROM leases WHERE owner IS NOT NULL"),
        0
    );
    a = instance(&config, &url, &dir.path().join("a2.log"));
    wait_until(
        Duration::from_secs(30),
        "a restarted instance to lease the mailbox",
        || holder(&db, "leads") == Some(a.id()),
    );
    let _ = a.kill();
    let _ = a.wait();
}

/// GET `path` on the instance's `[http]` listener; the body.
fn http_get(port: u16, path: &str) -> String {
    // Not listening yet (the lease can be taken before the listener binds):
    // an empty body, so a `wait_until` polls again.
    http_get_body(port, path).unwrap_or_default()
}

#[test]
fn health_and_metrics_show_the_instances_leases() {
    let dir = tempfile::tempdir().unwrap();
    let config = maildir_config(dir.path());
    let port = 18_780;
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!("\n[http]\nlisten = \"127.0.0.1:{port}\"\n"));
    std::fs::write(&config, text).unwrap();
    let url = fresh_database(PG_PORT);
    let db = url.rsplit('/').next().unwrap().to_string();
    drop(carousel::store::Store::open_postgres(&url).unwrap());
    let mut one = Instances(vec![instance(&config, &url, &dir.path().join("one.log"))]);
    let pid = one.0[0].id();
    wait_until(
        Duration::from_secs(30),
        "the instance to lease the mailbox",
        || holder(&db, "leads") == Some(pid),
    );
    let mut health = serde_json::Value::Null;
    wait_until(Duration::from_secs(30), "/health to show the lease", || {
        health = serde_json::from_str(&http_get(port, "/health")).unwrap_or_default();
        health["leases"]["mailboxes"]["leads"]["held"] == true
    });
    let leases = &health["leases"];
    assert!(
        leases["instance"]
            .as_str()
            .unwrap()
            .contains(&format!("-{pid}-")),
        "{health}"
    );
    assert_eq!(leases["live_instances"], 1, "{health}");
    assert!(
        leases["mailboxes"]["leads"]["epoch"].as_u64().unwrap() >= 1,
        "{health}"
    );
    assert_eq!(leases["mailboxes"]["@act"]["held"], true, "{health}");
    let metrics = http_get(port, "/metrics");
    // One mailbox and the five stages, all on the only instance.
    assert!(metrics.contains("carousel_leases_held 6"), "{metrics}");
    assert!(metrics.contains("carousel_instances_live 1"), "{metrics}");
    assert!(
        metrics.contains("carousel_lease_takeovers_total 6"),
        "{metrics}"
    );
    assert!(terminate(one.0.remove(0)));
}

const IMAP: u16 = 11943;
const SMTP: u16 = 11925;

/// A hot web-form lead (timeline "immediately": the rep is notified at once).
fn hot_lead(n: usize, to: &str) -> Vec<u8> {
    format!(
        "From: Web form <form@solar-site.example>\r\nTo: {to}\r\nReply-To: prospect{n}@buyer.example\r\n\
Subject: New submission from Contact form\r\nMessage-ID: <pg-form-{n}@solar-site.example>\r\n\
Date: Wed, 25 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Name: Prospect Number{n}\r\nEmail: prospect{n}@buyer.example\r\nPhone: +1 555 010 {n:04}\r\nCompany: Buyer {n} Ltd\r\n\
Interest: Rooftop solar installation\r\nTimeline: immediately\r\nMessage: Please send a quote for our office roof.\r\n"
    )
    .into_bytes()
}

fn imap_of(user: &str) -> String {
    format!(
        "{{ host = \"127.0.0.1\", port = {IMAP}, tls = \"none\", user = \"{user}\", password_env = \"CAROUSEL_TEST_PASSWORD\", idle_secs = 60, timeout_secs = 20 }}"
    )
}

/// Two instances' shared config: two IMAP lead mailboxes, SMTP out through
/// the private Postfix with a sent-copy archive, one rep.
fn imap_shared_config(dir: &Path, boxes: [&str; 2], rep: &str, archive: &str) -> PathBuf {
    let text = format!(
        "[store]\nbackend = \"postgres\"\nurl_env = \"CAROUSEL_DATABASE_URL\"\n\n\
[limits]\nmax_rep_notifications_per_hour = 10000\n\n\
[[mailbox]]\nname = \"a\"\nimap = {a}\n\n[[mailbox]]\nname = \"b\"\nimap = {b}\n\n\
[outbox]\nsmtp = {{ host = \"127.0.0.1\", port = {SMTP}, tls = \"none\" }}\n\
from = \"Acme <sales-pg@example.test>\"\nmessage_id_domain = \"carousel.acme.example\"\n\n\
[outbox.delivery]\nretry_base_secs = 1\ntick_ms = 100\n\n\
[outbox.archive]\naddress = \"{archive}\"\ngrace_secs = 10\nimap = {archive_imap}\n\n\
[[rep]]\nname = \"Dana\"\nemail = \"{rep}\"\nworking_hours = \"00:00-24:00\"\nworking_days = [\"mon-sun\"]\n",
        a = imap_of(boxes[0]),
        b = imap_of(boxes[1]),
        archive_imap = imap_of(archive),
    );
    let path = dir.join("carousel.toml");
    std::fs::write(&path, text).unwrap();
    // SAFETY: tests set this once, before any thread reads it, to the same value.
    unsafe { std::env::set_var("CAROUSEL_TEST_PASSWORD", PASSWORD) };
    path
}

/// Every Message-ID in `user`'s INBOX, one per message (repeats kept).
fn message_ids(user: &str) -> Vec<String> {
    let mut imap = Imap::login(IMAP, user);
    let n = imap.select("INBOX");
    let ids = if n == 0 {
        Vec::new()
    } else {
        imap.command("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            .iter()
            .filter_map(|l| {
                let at = l.to_ascii_lowercase().find("message-id:")?;
                Some(l[at + 11..].trim().trim_end_matches(')').trim().to_string())
            })
            .collect()
    };
    imap.logout();
    ids
}

fn unseen(user: &str) -> (usize, usize) {
    unseen_count(IMAP, user)
}

#[test]
fn two_instances_sharing_two_mailboxes_through_sigkills_store_and_notify_each_lead_once() {
    mail_servers(IMAP, SMTP);
    let dir = tempfile::tempdir().unwrap();
    let boxes = ["leads-pg-a@example.test", "leads-pg-b@example.test"];
    let rep = "dana-pg@example.test";
    let config = imap_shared_config(dir.path(), boxes, rep, "archive-pg@example.test");
    let url = fresh_database(PG_PORT);
    let db = url.rsplit('/').next().unwrap().to_string();
    drop(carousel::store::Store::open_postgres(&url).unwrap());
    const TOTAL: usize = 300;

    let sender = send_leads_spread(SMTP, boxes, TOTAL, 20, Duration::from_millis(150), hot_lead);
    let started = Instant::now();
    let log = |who: &str, k: usize| dir.path().join(format!("{who}-{k}.log"));
    let mut instances = Instances(vec![
        instance(&config, &url, &log("a", 0)),
        instance(&config, &url, &log("b", 0)),
    ]);
    const KILLS: usize = 6;
    for k in 1..=KILLS {
        std::thread::sleep(Duration::from_millis(rand::random_range(400..2500)));
        let victim = rand::random_range(0..2);
        instances.0[victim].kill().unwrap(); // SIGKILL
        instances.0[victim].wait().unwrap();
        instances.0[victim] = instance(&config, &url, &log(if victim == 0 { "a" } else { "b" }, k));
    }
    sender.join().unwrap();
    let diagnose = |what: &str| -> String {
        let q = |sql: &str| {
            let table = sql.rsplit(' ').next().unwrap_or("");
            let exists = !table.starts_with("kv_")
                || psql(
                    PG_PORT,
                    &db,
                    &format!("SELECT count(*) FROM pg_tables WHERE tablename = '{table}'"),
                ) == "1";
            if exists {
                psql(PG_PORT, &db, sql)
            } else {
                "-".into()
            }
        };
        let logs: String = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "log"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .flat_map(|t| {
                t.lines()
                    .filter(|l| !l.contains(" INFO ") || l.contains("lease"))
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
            .join("\n");
        let logs = &logs[logs.len().saturating_sub(6000)..];
        format!(
            "{what}: boxes {:?} {:?}, notified {} of {TOTAL}; raw {}, queued {}, responses {}, leads {}, outbox {}, pending {}, leases {}\n{logs}",
            unseen(boxes[0]),
            unseen(boxes[1]),
            message_ids(rep).len(),
            q("SELECT count(*) FROM kv_raw_seq"),
            q("SELECT count(*) FROM kv_understand_queue"),
            q("SELECT count(*) FROM responses"),
            q("SELECT count(*) FROM leads"),
            q("SELECT count(*) FROM kv_outbox"),
            q("SELECT count(*) FROM kv_pending"),
            q(
                "SELECT string_agg(mailbox || '=' || coalesce(owner, '-') || '/' || epoch, ' ') FROM leases"
            ),
        )
    };
    let seen = wait_for(Duration::from_secs(90), || {
        boxes.iter().all(|b| unseen(b) == (TOTAL / 2, 0))
    });
    assert!(seen, "{}", diagnose("not every lead seen"));
    let notified_all = wait_for(Duration::from_secs(120), || message_ids(rep).len() >= TOTAL);
    assert!(notified_all, "{}", diagnose("not every lead notified"));
    let elapsed = started.elapsed();
    // Give a duplicate the time to show up, if one were on its way.
    std::thread::sleep(Duration::from_secs(3));
    for child in instances.0.drain(..) {
        assert!(terminate(child), "an instance did not stop cleanly");
    }
    let responses: usize = psql(PG_PORT, &db, "SELECT count(*) FROM responses")
        .parse()
        .unwrap();
    let prospects: usize = psql(PG_PORT, &db, "SELECT count(DISTINCT email) FROM responses")
        .parse()
        .unwrap();
    let notified = message_ids(rep);
    let distinct: std::collections::HashSet<&String> = notified.iter().collect();
    println!(
        "{TOTAL} leads, two instances, {KILLS} SIGKILLs: all seen and notified after {elapsed:?}; {} notifications, {} distinct",
        notified.len(),
        distinct.len()
    );
    assert_eq!(responses, TOTAL, "exactly one response per lead");
    assert_eq!(prospects, TOTAL, "every prospect present once");
    assert_eq!(distinct.len(), TOTAL, "every lead notified");
    assert_eq!(notified.len(), TOTAL, "a lead was notified twice");
}

/// Instances killed when the test ends, passed or failed.
struct Instances(Vec<Child>);

impl Drop for Instances {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn wait_for(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while !check() {
        if start.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    true
}
