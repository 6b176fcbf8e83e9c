//! carousel on the shared PostgreSQL store, end to end through the binary:
//! leads read from a Maildir land in PostgreSQL, every list verb reads them
//! back, and the documented views (`responses`, `leads`, `contacts`,
//! `interactions`, `opportunities`) show them as typed columns.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::postgres::{fresh_database, psql};
use common::*;

/// This binary's PostgreSQL port (each test binary has its own).
const PG_PORT: u16 = 25433;

fn postgres_config(dir: &Path) -> PathBuf {
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

fn run(config: &Path, url: &str, args: &[&str]) -> String {
    let out = carousel()
        .env("CAROUSEL_DATABASE_URL", url)
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .expect("run carousel");
    assert!(
        out.status.success(),
        "carousel {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn database_of(url: &str) -> &str {
    url.rsplit('/').next().unwrap()
}

#[test]
fn leads_read_into_postgres_are_listed_and_readable_through_the_views() {
    let dir = tempfile::tempdir().unwrap();
    let config = postgres_config(dir.path());
    let url = fresh_database(PG_PORT);
    assert!(run(&config, &url, &["check"]).contains("ok"));
    const N: usize = 6;
    for n in 0..N {
        let tmp = dir.path().join(format!("inbox/tmp/{n}"));
        std::fs::write(&tmp, lead_email(n, "leads@acme.example")).unwrap();
        std::fs::rename(&tmp, dir.path().join(format!("inbox/new/{n}"))).unwrap();
    }
    run(&config, &url, &["run", "--once"]);
    // Nothing was written beside the config: the store is the database.
    assert!(!dir.path().join("store").exists());
    let responses = run(&config, &url, &["responses", "list", "--json"]);
    assert_eq!(responses.lines().count(), N, "{responses}");
    let leads = run(&config, &url, &["leads", "list", "--json"]);
    assert_eq!(leads.lines().count(), N, "{leads}");

    let db = database_of(&url);
    let q = |sql: &str| psql(PG_PORT, db, sql);
    assert_eq!(
        q("SELECT count(*) FROM responses WHERE kind = 'lead'"),
        N.to_string()
    );
    assert_eq!(
        q("SELECT email || '|' || name || '|' || timeline FROM responses ORDER BY id LIMIT 1"),
        "prospect0@buyer.example|Prospect Number0|within_3_months"
    );
    assert_eq!(
        q(
            "SELECT count(*) FROM leads WHERE email LIKE 'prospect%@buyer.example' AND created_at IS NOT NULL"
        ),
        N.to_string()
    );
    assert_eq!(
        q("SELECT count(*) FROM contacts WHERE responses = 1"),
        N.to_string()
    );
    assert_eq!(
        q("SELECT count(DISTINCT email) FROM interactions WHERE direction = 'inbound'"),
        N.to_string()
    );
    assert_eq!(q("SELECT count(*) FROM opportunities"), "0");

    // A second run reads nothing twice.
    run(&config, &url, &["run", "--once"]);
    assert_eq!(q("SELECT count(*) FROM responses"), N.to_string());
}

#[test]
fn check_names_what_a_postgres_store_lacks() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("carousel.toml"),
        "[store]\nbackend = \"postgres\"\n\n[[mailbox]]\nname = \"leads\"\nmaildir = \"inbox\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_carousel"))
        .arg("--config")
        .arg(dir.path().join("carousel.toml"))
        .arg("check")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("carousel.toml") && said.contains("url_env"),
        "{said}"
    );
}
