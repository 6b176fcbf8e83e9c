//! Only a hard bounce (the address itself undeliverable) suppresses an
//! address and stops nurture; a soft one — a block of the sender, a full
//! mailbox — is recorded on the contact and its timeline with its reason and
//! never suppresses. Several sender-side blocks at one domain warn the
//! operator, and the warning is in `carousel report`.

use std::collections::BTreeMap;
use std::sync::Arc;

use carousel::config::Limits;
use carousel::ingest::{Intake, Wakeups};
use carousel::nurture;
use carousel::store::Store;
use carousel::store::model::Origin;
use carousel::understand::Context;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bounces")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn intake(store: &Store) -> Intake {
    Intake {
        store: store.clone(),
        ctx: Arc::new(Context::default()),
        limits: Limits::default(),
        wake: Arc::new(Wakeups::default()),
    }
}

fn origin(n: usize) -> Origin {
    Origin {
        mailbox: "bounces".into(),
        reference: n.to_string(),
    }
}

/// A bounce of `recipient` blocked for the sender's reputation (5.7.1).
fn blocked_bounce(recipient: &str, n: usize) -> Vec<u8> {
    format!(
        "From: MAILER-DAEMON@mail.acme.example\r\nTo: sales@acme.example\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <blocked-{n}@mail.acme.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mail.acme.example\r\n\r\nFinal-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.7.1\r\nDiagnostic-Code: smtp; 550 5.7.1 Service unavailable; client [192.0.2.10] blocked using Spamhaus\r\n--b--\r\n"
    )
    .into_bytes()
}

#[test]
fn only_hard_bounces_suppress_and_soft_ones_are_recorded_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), 8).unwrap();
    let intake = intake(&store);

    intake
        .accept(origin(1), &fixture("postfix-user-unknown.eml"))
        .unwrap();
    let unknown = "j.okafor@brightwater.example";
    let c = store.contact(unknown).unwrap().expect("contact");
    assert!(c.hard_bounced, "{c:?}");
    assert_eq!(c.last_bounce_reason.as_deref(), Some("userunknown"));
    assert!(nurture::is_suppressed(&store, unknown).unwrap());

    intake
        .accept(origin(2), &fixture("postfix-policy-rejected.eml"))
        .unwrap();
    let blocked = "info@blue-harbour-hotel.example";
    let c = store.contact(blocked).unwrap().expect("contact");
    assert!(!c.hard_bounced, "a 5.7.1 block is not hard: {c:?}");
    assert_eq!(c.soft_bounces, 1);
    assert_eq!(c.last_bounce_reason.as_deref(), Some("blocked"));
    assert!(!nurture::is_suppressed(&store, blocked).unwrap());
    let timeline = store.interactions(blocked).unwrap();
    assert_eq!(
        timeline.last().and_then(|i| i.summary.as_deref()),
        Some("soft bounce: blocked (5.7.1)")
    );

    intake
        .accept(origin(3), &fixture("postfix-mailbox-full.eml"))
        .unwrap();
    let full = "m.schulz@gartenbau-schulz.example";
    assert!(!nurture::is_suppressed(&store, full).unwrap());
    assert_eq!(
        store
            .contact(full)
            .unwrap()
            .unwrap()
            .last_bounce_reason
            .as_deref(),
        Some("mailboxfull")
    );
}

#[test]
fn three_recipients_blocked_at_one_domain_warn_and_show_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), 8).unwrap();
    let intake = intake(&store);
    for (n, who) in ["ana", "ben", "cy"].iter().enumerate() {
        let recipient = format!("{who}@bigmail.example");
        intake
            .accept(origin(n), &blocked_bounce(&recipient, n))
            .unwrap();
        assert!(!nurture::is_suppressed(&store, &recipient).unwrap());
    }
    let alerts = carousel::deliverability::alerts(&store).unwrap();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].domain, "bigmail.example");
    assert_eq!(alerts[0].recipients, 3);

    let filter = carousel::report::Filter::default();
    let snap = carousel::report::Snapshot::load(&store, &filter).unwrap();
    let report =
        carousel::report::build_at(&snap, &BTreeMap::new(), &filter, jiff::Timestamp::now());
    let mut text = Vec::new();
    carousel::report::write(&report, false, &mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("bigmail.example") && text.contains("3 recipients"),
        "{text}"
    );
}
