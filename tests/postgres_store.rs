//! carousel on the shared PostgreSQL store, end to end through the binary:
//! leads read from a Maildir land in PostgreSQL, every list verb reads them
//! back, and the documented views (`responses`, `leads`, `contacts`,
//! `interactions`, `opportunities`) show them as typed columns.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::postgres::{fresh_database, maildir_config, psql};
use common::*;

/// This binary's PostgreSQL port (each test binary has its own).
const PG_PORT: u16 = 25433;

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
    let config = maildir_config(dir.path());
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

fn sled_config(dir: &Path, store: &str) -> PathBuf {
    let text = format!(
        "[store]\npath = \"{store}\"\n\n\
[[mailbox]]\nname = \"leads\"\nmaildir = \"inbox\"\npoll_ms = 50\n\n\
[outbox]\ndir = \"outbox\"\nfrom = \"Acme <hello@acme.example>\"\nmessage_id_domain = \"carousel.acme.example\"\n\n\
[[rep]]\nname = \"Dana\"\nemail = \"dana@acme.example\"\n"
    );
    let path = dir.join(format!("{store}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// What the list verbs print, one sorted list of lines per verb.
fn listings(config: &Path, url: &str) -> Vec<Vec<String>> {
    [
        vec!["responses", "list", "--json"],
        vec!["leads", "list", "--json"],
        vec![
            "interactions",
            "--contact",
            "prospect0@buyer.example",
            "--json",
        ],
        vec![
            "interactions",
            "--contact",
            "prospect3@buyer.example",
            "--json",
        ],
    ]
    .iter()
    .map(|args| {
        let mut lines: Vec<String> = run(config, url, args).lines().map(str::to_string).collect();
        lines.sort();
        assert!(!lines.is_empty(), "{args:?} printed nothing");
        lines
    })
    .collect()
}

#[test]
fn a_sled_store_migrated_to_postgres_lists_the_same_and_backups_cross_backends() {
    let dir = tempfile::tempdir().unwrap();
    let pg = maildir_config(dir.path());
    let sled = sled_config(dir.path(), "store");
    const N: usize = 5;
    for n in 0..N {
        let tmp = dir.path().join(format!("inbox/tmp/{n}"));
        std::fs::write(&tmp, lead_email(n, "leads@acme.example")).unwrap();
        std::fs::rename(&tmp, dir.path().join(format!("inbox/new/{n}"))).unwrap();
    }
    let url = fresh_database(PG_PORT);
    run(&sled, &url, &["run", "--once"]);
    let before = listings(&sled, &url);
    assert_eq!(before[0].len(), N);

    let from = format!("sled:{}", dir.path().join("store").display());
    let first = run(&pg, &url, &["migrate", "--from", &from]);
    let again = run(&pg, &url, &["migrate", "--from", &from]);
    assert_eq!(first, again, "a second migration copies the same");
    assert_eq!(
        listings(&pg, &url),
        before,
        "PostgreSQL lists what sled did"
    );
    // Compact records were rewritten, so the views see every one.
    let db = database_of(&url).to_string();
    assert_eq!(
        psql(PG_PORT, &db, "SELECT count(*) FROM responses"),
        N.to_string()
    );
    assert_eq!(
        psql(PG_PORT, &db, "SELECT count(*) FROM interactions"),
        psql(PG_PORT, &db, "SELECT count(*) FROM kv_interactions")
    );
    // New responses continue after the migrated ones.
    let tmp = dir.path().join("inbox/tmp/new");
    std::fs::write(&tmp, lead_email(99, "leads@acme.example")).unwrap();
    std::fs::rename(&tmp, dir.path().join("inbox/new/new")).unwrap();
    run(&pg, &url, &["run", "--once"]);
    let ids: Vec<u64> = run(&pg, &url, &["responses", "list", "--json"])
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids.len(), N + 1);
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        N + 1,
        "response ids collide after migration: {ids:?}"
    );

    // Backup of the PostgreSQL store restores into a fresh sled store, and back.
    let file = dir.path().join("pg.backup");
    run(&pg, &url, &["backup", file.to_str().unwrap()]);
    let restored = sled_config(dir.path(), "restored");
    run(&restored, &url, &["restore", file.to_str().unwrap()]);
    let from_pg = listings(&pg, &url);
    assert_eq!(listings(&restored, &url), from_pg);
    let fresh = fresh_database(PG_PORT);
    run(&pg, &fresh, &["restore", file.to_str().unwrap()]);
    assert_eq!(listings(&pg, &fresh), from_pg);
    // A database that already holds mail is not restored over.
    let out = carousel()
        .env("CAROUSEL_DATABASE_URL", &fresh)
        .arg("--config")
        .arg(&pg)
        .args(["restore", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
}
