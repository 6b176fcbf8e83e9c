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
    assert_eq!(leases["slot"]["index"], 0, "{health}");
    assert_eq!(leases["slot"]["of"], 1, "{health}");
    assert!(
        leases["mailboxes"]["leads"]["epoch"].as_u64().unwrap() >= 1,
        "{health}"
    );
    assert_eq!(leases["mailboxes"]["@act"]["held"], true, "{health}");
    // One mailbox and the three leased stages (@act, @handoff, @nurture;
    // the outbox is claimed per email), all on the only instance. Each stage
    // takes its lease on its own task, so /health can show the mailbox and
    // @act before the last stage has its lease: wait for all four.
    let mut metrics = String::new();
    wait_until(
        Duration::from_secs(30),
        "/metrics to count 4 leases",
        || {
            metrics = http_get(port, "/metrics");
            metrics.contains("carousel_leases_held 4")
        },
    );
    assert!(metrics.contains("carousel_instances_live 1"), "{metrics}");
    assert!(
        metrics.contains("carousel_lease_takeovers_total 4"),
        "{metrics}"
    );
    // A lead through: its queue entry, its decision and its notification's
    // send, claimed here.
    deliver(dir.path(), 0);
    wait_until(Duration::from_secs(30), "the lead to be routed", || {
        count(&db, "SELECT count(*) FROM leads") == 1
    });
    wait_until(
        Duration::from_secs(10),
        "/metrics to count the claims",
        || {
            metrics = http_get(port, "/metrics");
            metrics.contains("carousel_claims_total{stage=\"act\"} 1")
                && metrics.contains("carousel_claims_total{stage=\"outbox\"} 1")
        },
    );
    assert!(
        metrics.contains("carousel_claims_total{stage=\"understand\"} 1"),
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
/// the private Postfix with a sent-copy archive, two reps (round robin).
fn imap_shared_config(dir: &Path, boxes: [&str; 2], reps: [&str; 2], archive: &str) -> PathBuf {
    let text = format!(
        "[store]\nbackend = \"postgres\"\nurl_env = \"CAROUSEL_DATABASE_URL\"\n\n\
[limits]\nmax_rep_notifications_per_hour = 10000\n\n\
[[mailbox]]\nname = \"a\"\nimap = {a}\n\n[[mailbox]]\nname = \"b\"\nimap = {b}\n\n\
[outbox]\nsmtp = {{ host = \"127.0.0.1\", port = {SMTP}, tls = \"none\" }}\n\
from = \"Acme <sales-pg@example.test>\"\nmessage_id_domain = \"carousel.acme.example\"\n\n\
[outbox.delivery]\nretry_base_secs = 1\ntick_ms = 100\n\n\
[outbox.archive]\naddress = \"{archive}\"\ngrace_secs = 10\nimap = {archive_imap}\n\n\
[[rep]]\nname = \"Dana\"\nemail = \"{dana}\"\nworking_hours = \"00:00-24:00\"\nworking_days = [\"mon-sun\"]\n\n\
[[rep]]\nname = \"Eve\"\nemail = \"{eve}\"\nworking_hours = \"00:00-24:00\"\nworking_days = [\"mon-sun\"]\n",
        a = imap_of(boxes[0]),
        b = imap_of(boxes[1]),
        archive_imap = imap_of(archive),
        dana = reps[0],
        eve = reps[1],
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
    let reps = ["dana-pg@example.test", "eve-pg@example.test"];
    let config = imap_shared_config(dir.path(), boxes, reps, "archive-pg@example.test");
    // Every notification, to either rep, by Message-ID (repeats kept).
    let notifications = || -> Vec<String> { reps.iter().flat_map(|r| message_ids(r)).collect() };
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
            notifications().len(),
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
    let notified_all = wait_for(Duration::from_secs(120), || notifications().len() >= TOTAL);
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
    let notified = notifications();
    let distinct: std::collections::HashSet<&String> = notified.iter().collect();
    println!(
        "{TOTAL} leads, two instances, {KILLS} SIGKILLs: all seen and notified after {elapsed:?}; {} notifications, {} distinct",
        notified.len(),
        distinct.len()
    );
    // Understanding and acting ran on both instances at once, each item
    // claimed by one (the `claims` tree: one row per instance and stage).
    let claims = psql(
        PG_PORT,
        &db,
        "SELECT string_agg(encode(key, 'escape') || '=' || ('x' || encode(value, 'hex'))::bit(64)::bigint, ' ' ORDER BY key) FROM kv_claims",
    );
    println!("claims by instance: {claims}");
    let claimers = |stage: &str| {
        count(
            &db,
            &format!(
                "SELECT count(*) FROM kv_claims WHERE substring(key FROM 1 FOR {n}) = '{stage}'::bytea AND get_byte(key, {n}) = 0",
                n = stage.len()
            ),
        )
    };
    assert!(
        claimers("@understand") >= 2,
        "one instance understood everything: {claims}"
    );
    assert!(
        claimers("@act") >= 2,
        "one instance acted on everything: {claims}"
    );
    // The distribution state agrees with the leads: every round-robin turn
    // recorded once, though both instances routed at once.
    let turns = psql(
        PG_PORT,
        &db,
        "SELECT string_agg(key || '=' || value, ' ' ORDER BY key) FROM jsonb_each_text((SELECT carousel_json(value)->'open_leads' FROM kv_reps_state))",
    );
    let assigned = psql(
        PG_PORT,
        &db,
        "SELECT string_agg(assigned || '=' || n, ' ' ORDER BY assigned) FROM (SELECT assigned, count(*) AS n FROM leads GROUP BY assigned) a",
    );
    println!("open leads by rep: {turns}; leads assigned: {assigned}");
    assert_eq!(
        turns, assigned,
        "the distribution state lost or repeated a turn"
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

/// A PostgreSQL config in `dir` (file `name`) with one Maildir mailbox
/// (created), two reps working round the clock (Dana, Eli) and `extra`
/// sections after the limits.
fn two_rep_config(dir: &Path, name: &str, extra: &str) -> PathBuf {
    let rep = |name: &str| {
        format!(
            "[[rep]]\nname = \"{name}\"\nemail = \"{}@acme.example\"\nworking_hours = \"00:00-24:00\"\nworking_days = [\"mon-sun\"]\n\n",
            name.to_lowercase()
        )
    };
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "[store]\nbackend = \"postgres\"\nurl_env = \"CAROUSEL_DATABASE_URL\"\n\n\
[limits]\nmax_rep_notifications_per_hour = 10000\n\n{extra}\
[[mailbox]]\nname = \"leads\"\nmaildir = \"inbox\"\n\n\
[outbox]\ndir = \"outbox\"\nfrom = \"Acme <hello@acme.example>\"\nmessage_id_domain = \"carousel.acme.example\"\n\n{}{}",
            rep("Dana"),
            rep("Eli")
        ),
    )
    .unwrap();
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(dir.join("inbox").join(sub)).unwrap();
    }
    path
}

/// `leads` hot leads received by a handle of their own and understood
/// through `store` (a batch on the understanding queue, then one commit).
fn receive_and_understand(
    store: &carousel::store::Store,
    url: &str,
    config: &carousel::config::Config,
    leads: usize,
) {
    use carousel::store::Store;
    use carousel::store::model::Origin;
    use carousel::store::received::Incoming;
    let batch: Vec<Incoming> = (0..leads)
        .map(|n| {
            let raw = hot_lead(n, "leads@acme.example");
            Incoming {
                origin: Origin {
                    mailbox: "leads".into(),
                    reference: n.to_string(),
                },
                size: raw.len() as u64,
                raw,
                complete: true,
            }
        })
        .collect();
    Store::open_postgres(url).unwrap().receive(&batch).unwrap();
    let queued = store.queued(leads).unwrap();
    let ctx = config.understand_context();
    let raws: Vec<Vec<u8>> = queued
        .iter()
        .map(|q| store.raw(&q.received.key).unwrap().unwrap())
        .collect();
    let understood: Vec<_> = raws
        .iter()
        .map(|r| carousel::understand::understand(r, &ctx))
        .collect();
    let items: Vec<_> = queued
        .iter()
        .zip(&raws)
        .zip(&understood)
        .map(|((q, r), u)| (q, r.as_slice(), u))
        .collect();
    store.record_understood_batch(&items).unwrap();
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

/// Two instances acting on one PostgreSQL store at the same time (two store
/// handles in one process, both in the lease round): each picks the leads
/// of its slot and claims each in its decision's commit, while both route
/// over the same two reps. Every lead is decided and notified once, each
/// instance decides its half, and each rep gets half. (In one process the
/// act stage's write lock orders the decisions; the SIGKILL test above
/// checks the distribution state across two processes.)
#[test]
fn two_instances_act_at_once_and_the_round_robin_stays_exact() {
    use carousel::act::leads;
    use carousel::outbox::Purpose;
    use carousel::store::Store;
    use carousel::store::leases::{ACT, Slot};
    use std::sync::Arc;
    const LEADS: usize = 40;
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(PG_PORT);
    let path = two_rep_config(dir.path(), "carousel.toml", "");
    let config = carousel::config::Config::load(&path).unwrap();
    let a = Store::open_postgres(&url).unwrap();
    let b = Store::open_postgres(&url).unwrap();
    let names = vec![ACT.to_string()];
    let now = jiff::Timestamp::now().as_millisecond();
    a.lease_round("a", &names, now).unwrap();
    b.lease_round("b", &names, now).unwrap();
    a.lease_round("a", &names, now).unwrap();
    assert_eq!(a.slot(), Slot { index: 0, of: 2 });
    assert_eq!(b.slot(), Slot { index: 1, of: 2 });

    // Forty hot leads received and understood.
    // Received by a third handle outside the lease round (the mailbox
    // lease is not what this test is about).
    receive_and_understand(&a, &url, &config, LEADS);
    assert_eq!(a.pending_responses().unwrap().len(), LEADS);

    // Both act at once, each on its slot.
    let settings = Arc::new(config.act_settings());
    let wake = Arc::new(carousel::wake::Wakeups::default());
    let acted: Vec<usize> = std::thread::scope(|s| {
        let handles: Vec<_> = [&a, &b]
            .into_iter()
            .map(|store| {
                let (settings, wake) = (settings.clone(), wake.clone());
                s.spawn(move || {
                    let mut act = carousel::act::Act::with(settings, store.clone(), wake);
                    act.scope = carousel::act::Scope::Leads;
                    let runtime = tokio::runtime::Builder::new_multi_thread()
                        .worker_threads(1)
                        .enable_all()
                        .build()
                        .unwrap();
                    runtime.block_on(act.pass()).unwrap().responses
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    println!("acted on per instance: {acted:?}");
    assert_eq!(acted, [LEADS / 2, LEADS / 2]);
    assert!(a.pending_responses().unwrap().is_empty());

    let decided = leads::all(&a).unwrap();
    assert_eq!(decided.len(), LEADS);
    let to = |rep: &str| {
        decided
            .iter()
            .filter(|l| l.assigned.as_deref() == Some(rep))
            .count()
    };
    assert_eq!((to("Dana"), to("Eli")), (LEADS / 2, LEADS / 2));
    let (dist, _) = leads::distribution_as_read(&a).unwrap();
    assert_eq!(dist.open_leads_of("Dana") as usize, LEADS / 2, "{dist:?}");
    assert_eq!(dist.open_leads_of("Eli") as usize, LEADS / 2, "{dist:?}");
    let notices: std::collections::BTreeSet<String> = carousel::outbox::records(&a)
        .unwrap()
        .into_iter()
        .filter(|r| matches!(r.email.purpose, Purpose::SalesNotification { .. }))
        .map(|r| r.email.message_id)
        .collect();
    assert_eq!(notices.len(), LEADS);
}

/// An email for the outbox test: a team note to `to`, its Message-ID numbered.
fn team_note(n: usize, to: &str) -> carousel::outbox::OutboundEmail {
    carousel::outbox::OutboundEmail {
        message_id: format!("split{n}@carousel.acme.example"),
        to: vec![to.to_string()],
        from: None,
        reply_to: None,
        subject: format!("Lead {n} claimed"),
        text: "A note for the team.".into(),
        html: None,
        headers: vec![],
        in_reply_to: None,
        purpose: carousel::outbox::Purpose::TeamNote {
            lead: format!("lead{n}"),
        },
    }
}

/// Two instances' outbox senders drain one queue on PostgreSQL at once,
/// while they disagree on who is live (A has seen only itself, so it takes
/// every email; B has seen both and takes its half): each email is claimed
/// by one of them in its `Sending` commit, so the recipient's mailbox at
/// the private Dovecot holds every Message-ID exactly once, and the claims
/// of both instances add up to the emails, each instance having sent some.
#[test]
fn two_instances_drain_one_outbox_and_send_each_email_once() {
    use carousel::outbox::{self, Delivery, sender::Sender};
    use carousel::store::Store;
    use carousel::store::leases::CLAIMS;
    const EMAILS: usize = 60;
    mail_servers(IMAP, SMTP);
    let url = fresh_database(PG_PORT);
    let a = Store::open_postgres(&url).unwrap();
    let b = Store::open_postgres(&url).unwrap();
    let now = jiff::Timestamp::now().as_millisecond();
    let a_round = a.lease_round("a", &[], now).unwrap();
    let b_round = b.lease_round("b", &[], now).unwrap();
    assert_eq!((a_round.slot, a_round.live), (0, 1));
    assert_eq!((b_round.slot, b_round.live), (1, 2));
    let rcpt = "outbox-split@example.test";
    for n in 0..EMAILS {
        assert!(outbox::enqueue(&a, team_note(n, rcpt)).unwrap());
    }
    let dir = tempfile::tempdir().unwrap();
    let outbox: outbox::config::OutboxConfig = toml::from_str(&format!(
        "smtp = {{ host = \"127.0.0.1\", port = {SMTP}, tls = \"none\" }}\n\
         from = \"Acme <sales-split@example.test>\"\n\
         message_id_domain = \"carousel.acme.example\"\n\
         [delivery]\nbatch = 3\nconcurrency = 2\n"
    ))
    .unwrap();
    let config = outbox::config::SenderConfig {
        outbox,
        base_dir: dir.path().to_path_buf(),
        max_auto_emails_per_day: 0,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    let reports = runtime.block_on(async {
        let drain = |store: Store| {
            let config = config.clone();
            tokio::spawn(async move {
                let mut sender = Sender::new(&config, store).unwrap();
                let mut sent = 0;
                // Until a pass finds nothing of its slot left to send.
                loop {
                    let report = sender.pass().await.unwrap();
                    sent += report.sent;
                    if report.sent + report.waiting + report.retrying == 0 {
                        sender.close().await;
                        return sent;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            })
        };
        let (a_sent, b_sent) = tokio::join!(drain(a.clone()), drain(b.clone()));
        (a_sent.unwrap(), b_sent.unwrap())
    });
    let records = outbox::records(&a).unwrap();
    assert_eq!(records.len(), EMAILS);
    for r in &records {
        assert!(
            matches!(r.delivery, Delivery::Sent { .. }),
            "{}: {:?}",
            r.email.message_id,
            r.delivery
        );
    }
    let claims = |who: &str| {
        a.tree(CLAIMS)
            .unwrap()
            .get(format!("outbox\0{who}"))
            .unwrap()
            .map_or(0, |v| u64::from_be_bytes(v.as_ref().try_into().unwrap())) as usize
    };
    assert_eq!(claims("a") + claims("b"), EMAILS, "sent {reports:?}");
    assert_eq!((reports.0, reports.1), (claims("a"), claims("b")));
    assert!(claims("a") > 0 && claims("b") > 0, "sent {reports:?}");
    wait_until(Duration::from_secs(60), "every email delivered", || {
        message_ids(rcpt).len() >= EMAILS
    });
    // A second copy would arrive as fast as the first: give it a moment.
    std::thread::sleep(Duration::from_secs(2));
    let mut ids = message_ids(rcpt);
    ids.sort();
    let expected: Vec<String> = {
        let mut e: Vec<String> = (0..EMAILS)
            .map(|n| format!("<split{n}@carousel.acme.example>"))
            .collect();
        e.sort();
        e
    };
    assert_eq!(ids, expected, "each Message-ID exactly once");
}

/// Escalations split over two instances on one PostgreSQL store: each
/// escalates the overdue leads of its slot, claimed and checked unchanged
/// in the commit that records the escalation, so every lead has exactly one
/// escalation notice, each in the outbox once, and the distribution counts
/// stay exact. (In one process the act write lock orders the two passes;
/// the commits of an escalation computed from a stale lead or distribution
/// state, and a stale save that would undo an escalation, are refused
/// below.)
#[test]
fn two_instances_escalate_each_overdue_lead_once() {
    use carousel::act::leads;
    use carousel::store::Store;
    use carousel::store::leases::ACT;
    use std::sync::Arc;
    const LEADS: usize = 30;
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(PG_PORT);
    // The same config with a long SLA (deciding) and a one-second one.
    let config_with_sla = |sla: u64| {
        let path = two_rep_config(
            dir.path(),
            &format!("carousel-{sla}.toml"),
            &format!("[team]\nsla_seconds = {sla}\n\n"),
        );
        carousel::config::Config::load(&path).unwrap()
    };
    let config = config_with_sla(3600);
    let a = Store::open_postgres(&url).unwrap();
    let b = Store::open_postgres(&url).unwrap();
    let names = vec![ACT.to_string()];
    let now = jiff::Timestamp::now().as_millisecond();
    a.lease_round("a", &names, now).unwrap();
    b.lease_round("b", &names, now).unwrap();
    a.lease_round("a", &names, now).unwrap();
    // Received, understood and decided by a handle outside the lease round.
    receive_and_understand(&a, &url, &config, LEADS);
    let other = Store::open_postgres(&url).unwrap();
    let wake = Arc::new(carousel::wake::Wakeups::default());
    let pass = |store: &Store, config: &carousel::config::Config| {
        let settings = Arc::new(config.act_settings());
        let mut act = carousel::act::Act::with(settings, store.clone(), wake.clone());
        act.scope = carousel::act::Scope::Leads;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(act.pass()).unwrap()
    };
    // One instance decides every lead (each rep gets half)...
    assert_eq!(pass(&other, &config).responses, LEADS);
    assert!(leads::all(&a).unwrap().iter().all(|l| l.notices.len() == 1));
    // ...and once their SLA has run out, two escalate at once.
    let first = leads::all(&a).unwrap()[0].id.clone();
    let (stale_lead, stale) = leads::get_as_read(&a, &first).unwrap().unwrap();
    let (_, stale_dist) = leads::distribution_as_read(&a).unwrap();
    std::thread::sleep(Duration::from_millis(1_500));
    let config = config_with_sla(1);
    let escalated: Vec<usize> = std::thread::scope(|s| {
        let handles: Vec<_> = [&a, &b]
            .into_iter()
            .map(|store| s.spawn(|| pass(store, &config).escalations))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    println!("escalated per instance: {escalated:?}");
    assert_eq!(escalated.iter().sum::<usize>(), LEADS, "{escalated:?}");
    assert!(
        escalated.iter().all(|n| *n > 0),
        "each escalates its half: {escalated:?}"
    );
    let all = leads::all(&a).unwrap();
    assert_eq!(all.len(), LEADS);
    for lead in &all {
        let whys: Vec<&str> = lead.notices.iter().map(|n| n.why.as_str()).collect();
        assert_eq!(whys.len(), 2, "{}: {whys:?}", lead.id);
        assert_eq!(whys[1], "escalation 1", "{}", lead.id);
        assert_ne!(lead.notices[0].rep, lead.notices[1].rep, "{}", lead.id);
    }
    let escalation_emails = carousel::outbox::records(&a)
        .unwrap()
        .into_iter()
        .filter(|r| r.email.subject.starts_with("[escalation 1]"))
        .count();
    assert_eq!(escalation_emails, LEADS);
    // Dana's leads went to Eli and Eli's to Dana: the counts stay even.
    let (dist, _) = leads::distribution_as_read(&a).unwrap();
    assert_eq!(dist.open_leads_of("Dana") as usize, LEADS / 2, "{dist:?}");
    assert_eq!(dist.open_leads_of("Eli") as usize, LEADS / 2, "{dist:?}");

    // An escalation computed from the lead as it was before (another
    // instance escalated it meanwhile) is not written...
    let (now_lead, fresh) = leads::get_as_read(&a, &first).unwrap().unwrap();
    let (_, fresh_dist) = leads::distribution_as_read(&a).unwrap();
    let mut again = now_lead.clone();
    again.routing.push("escalated twice".into());
    let refused =
        leads::save_escalation(&other, &stale, &again, (&dist, fresh_dist.as_deref())).unwrap();
    assert_eq!(refused, leads::Escalated::NotClaimed);
    // ...nor one computed from a stale distribution state...
    let refused =
        leads::save_escalation(&other, &fresh, &again, (&dist, stale_dist.as_deref())).unwrap();
    assert_eq!(refused, leads::Escalated::NotClaimed);
    assert_eq!(leads::get(&a, &first).unwrap().unwrap(), now_lead);
    // ...and a save from a copy read before the escalation is refused.
    let undo = leads::save(&other, &stale_lead, None).unwrap_err();
    assert!(
        matches!(undo, carousel::store::StoreError::Changed(_)),
        "{undo}"
    );
    assert_eq!(leads::get(&a, &first).unwrap().unwrap().notices.len(), 2);
}

/// A tiny HTTP receiver on 127.0.0.1: answers 200 to every POST and keeps
/// each request's `Idempotency-Key` (the event id), in arrival order.
fn event_receiver() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut length, mut key) = (0usize, String::new());
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    if k.eq_ignore_ascii_case("content-length") {
                        length = v.trim().parse().unwrap_or(0);
                    } else if k.eq_ignore_ascii_case("idempotency-key") {
                        key = v.trim().to_string();
                    }
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_ok() {
                keep.lock().unwrap().push(key);
            }
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        }
    });
    (port, got)
}

/// Hand-off on a shared store: each endpoint's queue has its own lease, so
/// two instances serve two endpoints (one each). Both instances run a
/// drain task for both endpoints; only the holder of an endpoint's lease
/// posts (the lease is checked before each POST), so each receiver gets
/// every event exactly once, in commit order.
#[test]
fn two_instances_serve_one_hand_off_endpoint_each_in_order() {
    use carousel::handoff::deliver::endpoint_task;
    use carousel::store::Store;
    use carousel::store::events::{Event, queue};
    use carousel::store::leases::{HANDOFF, handoff_endpoint};
    const EVENTS: usize = 20;
    let url = fresh_database(PG_PORT);
    let a = Store::open_postgres(&url).unwrap();
    let b = Store::open_postgres(&url).unwrap();
    let names = vec![
        HANDOFF.to_string(),
        handoff_endpoint("one"),
        handoff_endpoint("two"),
    ];
    let now = jiff::Timestamp::now().as_millisecond();
    a.lease_round("a", &names, now).unwrap();
    b.lease_round("b", &names, now).unwrap();
    a.lease_round("a", &names, now).unwrap();
    let b_round = b.lease_round("b", &names, now).unwrap();
    let a_round = a.lease_round("a", &names, now).unwrap();
    let held = |r: &carousel::store::leases::Round| -> Vec<String> {
        r.held().map(str::to_string).collect()
    };
    assert_eq!(held(&a_round), ["@handoff", "@handoff/two"]);
    assert_eq!(held(&b_round), ["@handoff/one"]);

    let receivers = [event_receiver(), event_receiver()];
    let webhook = |name: &str, port: u16| -> carousel::handoff::WebhookConfig {
        toml::from_str(&format!(
            "name = \"{name}\"\nurl = \"http://127.0.0.1:{port}/{name}\"\nallow_insecure = true\nevents = [\"lead.created\"]\n"
        ))
        .unwrap()
    };
    let settings = std::sync::Arc::new(carousel::handoff::HandoffSettings {
        webhooks: vec![
            webhook("one", receivers[0].0),
            webhook("two", receivers[1].0),
        ],
        chats: vec![],
        templates_dir: std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/templates")),
        claim_address: None,
    });
    let events: Vec<Event> = (0..EVENTS)
        .map(|n| {
            let id = format!("L-{n}");
            Event::new("lead.created", &id, serde_json::json!({ "id": id }))
        })
        .collect();
    let ids: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
    for event in &events {
        // One commit each, in order (as the act stage commits them).
        queue::record(&a, std::slice::from_ref(event)).unwrap();
    }
    queue::fan_out(&a, |_| vec!["one".to_string(), "two".to_string()]).unwrap();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (trigger, shutdown) = carousel::shutdown::channel();
    runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for store in [&a, &b] {
            for endpoint in ["one", "two"] {
                tasks.spawn(endpoint_task(
                    settings.clone(),
                    store.clone(),
                    endpoint.to_string(),
                    shutdown.clone(),
                ));
            }
        }
        let all_in = || {
            receivers
                .iter()
                .all(|(_, got)| got.lock().unwrap().len() >= EVENTS)
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !all_in() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // A second copy would follow within a few ticks: give it time.
        tokio::time::sleep(Duration::from_millis(1_000)).await;
        trigger.fire();
        while let Some(done) = tasks.join_next().await {
            done.unwrap().unwrap();
        }
    });
    for (endpoint, (_, got)) in ["one", "two"].iter().zip(&receivers) {
        let got = got.lock().unwrap().clone();
        assert_eq!(got, ids, "{endpoint}: every event once, in commit order");
        let status = queue::status(&a, endpoint).unwrap();
        assert_eq!((status.pending, status.delivered), (0, EVENTS as u64));
    }
}

/// Two instances work 40 due nurture steps on PostgreSQL at once, while
/// they disagree on who is live (A has seen only itself and takes every
/// step; B has seen both and takes its half), under `max_per_minute = 30`
/// shared by both. Each step is claimed per enrollment in the commit that
/// takes a step from the shared minute budget, enqueues its email and
/// advances the enrollment: in the first minute exactly 30 steps go out
/// over both instances, the claims of both add up to the emails (a step
/// worked twice would count twice), each instance did some; the next
/// minute sends the other 10, each once.
#[test]
fn two_instances_send_each_nurture_step_once_within_one_shared_budget() {
    use carousel::nurture::{self, EnrollRequest, scheduler};
    use carousel::store::Store;
    use carousel::store::leases::CLAIMS;
    use std::sync::Arc;
    const STEPS: usize = 40;
    const PER_MINUTE: usize = 30;
    let url = fresh_database(PG_PORT);
    let a = Store::open_postgres(&url).unwrap();
    let b = Store::open_postgres(&url).unwrap();
    let now = jiff::Timestamp::now().as_millisecond();
    let a_round = a.lease_round("a", &[], now).unwrap();
    let b_round = b.lease_round("b", &[], now).unwrap();
    assert_eq!((a_round.live, b_round.live), (1, 2));
    for n in 0..STEPS {
        let request = EnrollRequest {
            contact: format!("prospect-{n}@example.test"),
            sequence: Some("fast".into()),
            lead: None,
            start_at: None,
        };
        assert!(nurture::enroll(&a, &request).unwrap());
    }
    let templates = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
    let settings = Arc::new(nurture::NurtureSettings {
        nurture: toml::from_str(&format!(
            "templates = \"{templates}\"\ntime_zone = \"UTC\"\nmax_per_minute = {PER_MINUTE}\n"
        ))
        .unwrap(),
        sequences: vec![
            toml::from_str("name = \"fast\"\n[[step]]\ntemplate = \"solar-1-welcome\"\n").unwrap(),
        ],
        templates_dir: templates.into(),
        outbox_from: Some("Acme <hello@acme.example>".into()),
        message_id_domain: Some("carousel.acme.example".into()),
        first_rep: None,
    });
    let scheduler_on = |store: &Store| {
        let mut s = scheduler::Scheduler::new(settings.clone(), store.clone()).unwrap();
        s.scope = scheduler::Scope::Steps;
        s
    };
    let (mut on_a, mut on_b) = (scheduler_on(&a), scheduler_on(&b));
    // One minute window for both, whatever the wall clock does meanwhile.
    let minute = jiff::Timestamp::from_millisecond((now / 60_000 + 1) * 60_000 + 1_000).unwrap();
    let passes =
        |at: jiff::Timestamp, on_a: &mut scheduler::Scheduler, on_b: &mut scheduler::Scheduler| {
            std::thread::scope(|s| {
                let ta = s.spawn(|| (0..3).map(|_| on_a.pass(at).unwrap().queued).sum::<usize>());
                let tb = s.spawn(|| (0..3).map(|_| on_b.pass(at).unwrap().queued).sum::<usize>());
                (ta.join().unwrap(), tb.join().unwrap())
            })
        };
    let claims = |who: &str| {
        let key = [scheduler::NURTURE_STAGE.as_bytes(), &[0], who.as_bytes()].concat();
        a.tree(CLAIMS).unwrap().get(key).unwrap().map_or(0, |v| {
            u64::from_be_bytes(v.as_ref().try_into().unwrap()) as usize
        })
    };
    let emails = |store: &Store| carousel::outbox::records(store).unwrap().len();
    let completed = || {
        (0..STEPS)
            .filter(|n| {
                let e = nurture::enrollments_of(&a, &format!("prospect-{n}@example.test")).unwrap();
                matches!(e[0].state, nurture::EnrollmentState::Stopped { .. })
            })
            .count()
    };

    let (by_a, by_b) = passes(minute, &mut on_a, &mut on_b);
    assert_eq!(
        by_a + by_b,
        PER_MINUTE,
        "the shared budget: a {by_a}, b {by_b}"
    );
    assert!(by_a > 0 && by_b > 0, "both did some: a {by_a}, b {by_b}");
    assert_eq!((claims("a"), claims("b")), (by_a, by_b));
    assert_eq!(emails(&b), PER_MINUTE, "each step enqueued once");
    assert_eq!(completed(), PER_MINUTE, "each sent step advanced");

    let next = minute + std::time::Duration::from_secs(60);
    let (more_a, more_b) = passes(next, &mut on_a, &mut on_b);
    assert_eq!(more_a + more_b, STEPS - PER_MINUTE);
    assert_eq!(claims("a") + claims("b"), STEPS);
    assert_eq!(emails(&a), STEPS, "every step enqueued exactly once");
    assert_eq!(completed(), STEPS);
}
