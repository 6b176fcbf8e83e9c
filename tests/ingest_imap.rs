//! Ingest through the real path: SMTP into a private Postfix, LMTP into
//! Dovecot, carousel reading over IMAP (IDLE). Exactly once, acknowledged
//! only after the store is flushed, across SIGKILLs.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::*;

const IMAP: u16 = 11143;
const SMTP: u16 = 11025;

fn servers() -> &'static MailServers {
    mail_servers(IMAP, SMTP)
}

fn unseen(user: &str) -> (usize, usize) {
    unseen_count(IMAP, user)
}

#[test]
fn idle_picks_up_a_lead_and_marks_it_seen_after_storing() {
    servers();
    let dir = tempfile::tempdir().unwrap();
    let user = "leads-idle@example.test";
    let config = imap_config(dir.path(), IMAP, &[("leads", user)]);
    let daemon = spawn_daemon(&config, &dir.path().join("daemon.log"), None);
    // Let the daemon reach IDLE on an empty mailbox first, so pickup is by IDLE.
    std::thread::sleep(Duration::from_millis(1500));
    smtp_send(
        SMTP,
        &[(
            "form@solar-site.example".into(),
            user.into(),
            lead_email(1, user),
        )],
    );
    wait_until(Duration::from_secs(30), "the lead to be seen", || {
        unseen(user) == (1, 0)
    });
    assert!(terminate(daemon), "daemon did not exit 0 on SIGTERM");
    let responses = stored_responses(&config);
    assert_eq!(responses.len(), 1, "{responses:?}");
    assert_eq!(responses[0]["kind"], "lead");
    assert_eq!(responses[0]["contact"]["email"], "prospect1@buyer.example");
}

#[test]
fn crash_between_store_and_ack_redelivers_and_stores_once() {
    servers();
    let dir = tempfile::tempdir().unwrap();
    let user = "leads-fault@example.test";
    let config = imap_config(dir.path(), IMAP, &[("leads", user)]);
    let mails: Vec<_> = (0..3)
        .map(|n| {
            (
                "form@solar-site.example".to_string(),
                user.to_string(),
                lead_email(100 + n, user),
            )
        })
        .collect();
    smtp_send(SMTP, &mails);
    wait_until(Duration::from_secs(30), "delivery", || unseen(user).0 == 3);

    let out = carousel()
        .arg("--config")
        .arg(&config)
        .args(["run", "--once"])
        .env("CAROUSEL_FAULT", "imap-after-flush")
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "the injected crash should kill the run"
    );
    assert_eq!(
        unseen(user),
        (3, 3),
        "nothing may be acknowledged when the process dies before the ack"
    );

    let (ok, _, err) = carousel_run(&["run", "--once"], &config);
    assert!(ok, "{err}");
    assert_eq!(unseen(user), (3, 0));
    let (ok, _, err) = carousel_run(&["run", "--once"], &config);
    assert!(ok, "{err}");
    let responses = stored_responses(&config);
    assert_eq!(
        responses.len(),
        3,
        "each message stored once: {responses:?}"
    );
}

#[test]
fn a_thousand_messages_to_two_mailboxes_survive_five_sigkills_exactly_once() {
    servers();
    let dir = tempfile::tempdir().unwrap();
    let users = ["leads-soak-a@example.test", "leads-soak-b@example.test"];
    let config = imap_config(dir.path(), IMAP, &[("a", users[0]), ("b", users[1])]);
    let log = dir.path().join("daemon.log");
    const TOTAL: usize = 1000;

    let sender = send_leads_spread(
        SMTP,
        users,
        TOTAL,
        50,
        Duration::from_millis(40),
        lead_email,
    );
    let started = std::time::Instant::now();
    let mut daemon = spawn_daemon(&config, &log, None);
    for _ in 0..5 {
        std::thread::sleep(Duration::from_millis(rand::random_range(300..1500)));
        daemon.kill().unwrap(); // SIGKILL
        daemon.wait().unwrap();
        daemon = spawn_daemon(&config, &log, None);
    }
    sender.join().unwrap();
    wait_until(
        Duration::from_secs(120),
        "every message delivered and seen",
        || users.iter().all(|u| unseen(u) == (TOTAL / 2, 0)),
    );
    let elapsed = started.elapsed();
    let _ = std::fs::copy(&log, std::env::temp_dir().join("carousel-soak.log"));
    assert!(terminate(daemon), "daemon did not exit 0 on SIGTERM");
    let responses = stored_responses(&config);
    let emails: HashSet<String> = responses
        .iter()
        .filter_map(|r| r["contact"]["email"].as_str().map(str::to_string))
        .collect();
    println!("{TOTAL} messages, 5 SIGKILLs, all stored and seen after {elapsed:?}");
    assert_eq!(responses.len(), TOTAL, "exactly one response per message");
    assert_eq!(emails.len(), TOTAL, "every prospect present once");
}
