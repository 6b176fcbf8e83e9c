//! The embedded default: a local Maildir in, sled store. Exactly once across
//! runs, and hostile files stored (or recorded) without stopping the daemon.

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;

fn maildir_config(dir: &Path, max_bytes: Option<u64>) -> std::path::PathBuf {
    let limits = max_bytes
        .map(|b| format!("[limits]\nmax_message_bytes = {b}\n\n"))
        .unwrap_or_default();
    let text = format!(
        "[store]\npath = \"store\"\n\n{limits}[[mailbox]]\nname = \"leads\"\nmaildir = \"inbox\"\npoll_ms = 50\n"
    );
    let path = dir.join("carousel.toml");
    std::fs::write(&path, text).unwrap();
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(dir.join("inbox").join(sub)).unwrap();
    }
    path
}

fn deliver(dir: &Path, name: &str, raw: &[u8]) {
    // Maildir delivery: write in tmp/, then rename into new/.
    let tmp = dir.join("inbox/tmp").join(name);
    std::fs::write(&tmp, raw).unwrap();
    std::fs::rename(&tmp, dir.join("inbox/new").join(name)).unwrap();
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn messages(config: &Path) -> Vec<serde_json::Value> {
    let (ok, out, err) = carousel_run(&["messages", "list", "--json"], config);
    assert!(ok, "{err}");
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn run_once_twice_on_a_maildir_leaves_one_response_per_message() {
    let dir = tempfile::tempdir().unwrap();
    let config = maildir_config(dir.path(), None);
    const N: usize = 25;
    for n in 0..N {
        deliver(
            dir.path(),
            &format!("{n}.test"),
            &lead_email(n, "leads@acme.example"),
        );
    }
    for _ in 0..2 {
        let (ok, _, err) = carousel_run(&["run", "--once"], &config);
        assert!(ok, "{err}");
    }
    assert!(files_in(&dir.path().join("inbox/new")).is_empty());
    let cur = files_in(&dir.path().join("inbox/cur"));
    assert_eq!(cur.len(), N);
    assert!(cur.iter().all(|n| n.ends_with(":2,S")), "{cur:?}");
    assert_eq!(stored_responses(&config).len(), N);

    // The same bytes delivered again (a re-sent copy) are recognised, not stored twice.
    deliver(
        dir.path(),
        "again.test",
        &lead_email(3, "leads@acme.example"),
    );
    let (ok, _, err) = carousel_run(&["run", "--once"], &config);
    assert!(ok, "{err}");
    assert_eq!(stored_responses(&config).len(), N);
    assert_eq!(messages(&config).len(), N);
}

#[test]
fn crash_after_flush_before_move_stores_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = maildir_config(dir.path(), None);
    for n in 0..3 {
        deliver(
            dir.path(),
            &format!("{n}.test"),
            &lead_email(n, "leads@acme.example"),
        );
    }
    let out = carousel()
        .arg("--config")
        .arg(&config)
        .args(["run", "--once"])
        .env("CAROUSEL_FAULT", "maildir-after-flush")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(
        files_in(&dir.path().join("inbox/new")).len(),
        3,
        "not acknowledged before the crash"
    );
    let (ok, _, err) = carousel_run(&["run", "--once"], &config);
    assert!(ok, "{err}");
    assert_eq!(files_in(&dir.path().join("inbox/cur")).len(), 3);
    assert_eq!(stored_responses(&config).len(), 3);
}

#[test]
fn hostile_files_are_kept_and_the_daemon_keeps_running() {
    let dir = tempfile::tempdir().unwrap();
    let config = maildir_config(dir.path(), None);
    let log = dir.path().join("daemon.log");
    let daemon = spawn_daemon(&config, &log, None);

    let lead = lead_email(7, "leads@acme.example");
    // Cut after the Message-ID: same id as the full lead, but a different message.
    let truncated = &lead[..lead.len() * 2 / 3];
    let mut bad_header =
        b"From: \xff\xfe Bad <bad@x.example>\r\nSubject: \xc3\x28 broken\r\n".to_vec();
    bad_header.extend_from_slice(
        b"Content-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n--zz\r\nbody without end",
    );
    // 30 MB of base64 attachment: over the default 25 MiB limit.
    let mut huge = b"From: big@x.example\r\nSubject: huge\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n".to_vec();
    let line = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n";
    while huge.len() < 30 * 1024 * 1024 {
        huge.extend_from_slice(line);
    }
    huge.extend_from_slice(b"--b--\r\n");

    deliver(dir.path(), "1-truncated.test", truncated);
    deliver(dir.path(), "2-empty.test", b"");
    deliver(dir.path(), "3-bad-header.test", &bad_header);
    deliver(dir.path(), "4-huge.test", &huge);
    deliver(dir.path(), "5-lead.test", &lead);
    wait_until(Duration::from_secs(60), "all five files handled", || {
        files_in(&dir.path().join("inbox/new")).is_empty()
    });
    assert!(
        terminate(daemon),
        "daemon must survive hostile files and exit 0 on SIGTERM"
    );

    let cur = files_in(&dir.path().join("inbox/cur"));
    assert_eq!(cur.len(), 5, "{cur:?}");
    assert!(
        cur.contains(&"4-huge.test:2,F".to_string()),
        "oversized stays unseen and flagged: {cur:?}"
    );
    let stored = messages(&config);
    assert_eq!(stored.len(), 5, "{stored:#?}");
    let huge_record = stored
        .iter()
        .find(|m| m["reference"] == "4-huge.test")
        .unwrap();
    assert_eq!(huge_record["raw_complete"], false);
    assert!(huge_record["note"].as_str().unwrap().contains("size limit"));
    assert!(
        stored
            .iter()
            .filter(|m| m["reference"] != "4-huge.test")
            .all(|m| m["raw_complete"] == true)
    );
    let responses = stored_responses(&config);
    assert!(
        responses
            .iter()
            .any(|r| r["contact"]["email"] == "prospect7@buyer.example"),
        "{responses:?}"
    );
}

#[test]
fn raw_bytes_past_retention_are_deleted_and_records_kept() {
    let dir = tempfile::tempdir().unwrap();
    let config = maildir_config(dir.path(), None);
    let text = std::fs::read_to_string(&config).unwrap();
    // 0 days: everything stored before this run's retention pass is past it.
    std::fs::write(
        &config,
        text.replace("path = \"store\"", "path = \"store\"\nretain_raw_days = 0"),
    )
    .unwrap();
    for n in 0..3 {
        deliver(
            dir.path(),
            &format!("{n}.test"),
            &lead_email(n, "leads@acme.example"),
        );
    }
    let (ok, _, err) = carousel_run(&["run", "--once"], &config);
    assert!(ok, "{err}");
    let stored = messages(&config);
    assert_eq!(stored.len(), 3);
    assert!(
        stored.iter().all(|m| m["raw_complete"] == false),
        "{stored:#?}"
    );
    assert_eq!(
        stored_responses(&config).len(),
        3,
        "responses outlive the raw bytes"
    );
}
