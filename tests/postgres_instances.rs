//! Several carousel instances on one shared PostgreSQL store: the mailbox
//! is read by one instance at a time, and when that instance is killed
//! another takes it over within 5 s (lease TTL + one heartbeat) plus the
//! source's own polling delay.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::postgres::{fresh_database, psql};
use common::*;

/// This binary's PostgreSQL port (each test binary has its own).
const PG_PORT: u16 = 25434;

fn config(dir: &Path) -> PathBuf {
    let text = "[store]\nbackend = \"postgres\"\nurl_env = \"CAROUSEL_DATABASE_URL\"\n\n\
[[mailbox]]\nname = \"leads\"\nmaildir = \"inbox\"\npoll_ms = 50\n\n\
[outbox]\ndir = \"outbox\"\nfrom = \"Acme <hello@acme.example>\"\nmessage_id_domain = \"carousel.acme.example\"\n\n\
[[rep]]\nname = \"Dana\"\nemail = \"dana@acme.example\"\n";
    let path = dir.join("carousel.toml");
    std::fs::write(&path, text).unwrap();
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(dir.join("inbox").join(sub)).unwrap();
    }
    path
}

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
    let config = config(dir.path());
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
        || count(&db, "SELECT count(*) FROM kv_raw") >= 2,
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
