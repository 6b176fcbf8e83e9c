//! Replies, out-of-office notes and bounces through the real path: carousel
//! sends a campaign email through Postfix; the prospect's reply and
//! out-of-office note, and Postfix's own bounce for an unknown user, come back
//! through Postfix → Dovecot → carousel (IMAP).

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use carousel::nurture::{self, EnrollRequest, EnrollmentState, StopReason};
use carousel::store::Store;
use common::*;

const IMAP: u16 = 11643;
const SMTP: u16 = 11625;
const CAMPAIGN_BOX: &str = "camp-e2e@example.test";
const PROSPECT: &str = "pat-e2e@example.test";
/// Dovecot refuses this local part, so Postfix itself bounces the mail.
const UNKNOWN: &str = "no/such-e2e@example.test";

fn config(dir: &Path) -> PathBuf {
    mail_servers(IMAP, SMTP);
    let text = format!(
        r#"[store]
path = "{store}"

[[mailbox]]
name = "campaign"
imap = {{ host = "127.0.0.1", port = {IMAP}, tls = "none", user = "{CAMPAIGN_BOX}", password_env = "CAROUSEL_TEST_PASSWORD" }}

[outbox]
smtp = {{ host = "127.0.0.1", port = {SMTP}, tls = "none" }}
from = "Acme Solar <{CAMPAIGN_BOX}>"
message_id_domain = "carousel.acme.example"

[nurture]
templates = "{templates}"
time_zone = "UTC"
unsubscribe_url = "https://acme.example"
unsubscribe_mailto = "unsubscribe@acme.example"
max_per_minute = 1000

[[sequence]]
name = "spring"
campaign = "spring-2027"
[[sequence.step]]
template = "solar-1-welcome"
[[sequence.step]]
template = "solar-2-savings"
delay = "1h"
"#,
        store = dir.join("store").display(),
        templates = concat!(env!("CARGO_MANIFEST_DIR"), "/templates"),
    );
    let path = dir.join("carousel.toml");
    std::fs::write(&path, text).unwrap();
    // SAFETY: set once, before any thread reads it, always to the same value.
    unsafe { std::env::set_var("CAROUSEL_TEST_PASSWORD", PASSWORD) };
    path
}

fn enroll(config: &Path, contacts: &[&str]) {
    let store = Store::open(&config.parent().unwrap().join("store"), 16).unwrap();
    for email in contacts {
        nurture::enroll(
            &store,
            &EnrollRequest {
                contact: email.to_string(),
                sequence: Some("spring".into()),
                lead: None,
                start_at: None,
            },
        )
        .unwrap();
    }
    store.flush_sync().unwrap();
}

fn message_count(user: &str) -> usize {
    let mut imap = Imap::login(IMAP, user);
    let n = imap.select("INBOX");
    imap.logout();
    n
}

/// The Message-ID of the first message in a mailbox.
fn first_message_id(user: &str) -> String {
    let mut imap = Imap::login(IMAP, user);
    imap.select("INBOX");
    let lines = imap.command("FETCH 1 BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]");
    imap.logout();
    let joined = lines.join("\n");
    let start = joined.find('<').expect("a Message-ID");
    let end = joined[start..].find('>').expect("a closing bracket") + start;
    joined[start..=end].to_string()
}

fn run_once(config: &Path) {
    let (ok, _, err) = carousel_run(&["run", "--once"], config);
    assert!(ok, "carousel run --once failed:\n{err}");
}

#[test]
fn reply_is_attributed_out_of_office_is_no_response_and_postfix_bounce_hard_bounces() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    enroll(&config, &[PROSPECT, UNKNOWN]);

    // Step 1 goes out to both; Postfix bounces the one to the unknown user
    // back to the campaign mailbox (the envelope sender).
    run_once(&config);
    wait_until(Duration::from_secs(30), "the campaign email", || {
        message_count(PROSPECT) == 1
    });
    let sent_id = first_message_id(PROSPECT);
    assert!(sent_id.ends_with("@carousel.acme.example>"), "{sent_id}");

    let reply = format!(
        "From: Pat Example <{PROSPECT}>\r\nTo: {CAMPAIGN_BOX}\r\nSubject: Re: your solar offer\r\n\
In-Reply-To: {sent_id}\r\nReferences: {sent_id}\r\nMessage-ID: <reply-e2e@example.test>\r\n\
Date: Wed, 25 Nov 2026 12:00:00 +0000\r\n\r\n\
Yes, this is interesting. Could you send me a quote for a 6 kW system?\r\n\r\n\
On Wed, 25 Nov 2026 at 10:00, Acme Solar <{CAMPAIGN_BOX}> wrote:\r\n> Hello Pat,\r\n> here is our offer.\r\n"
    );
    let out_of_office = format!(
        "From: Pat Example <{PROSPECT}>\r\nTo: {CAMPAIGN_BOX}\r\nSubject: Automatic reply: your solar offer\r\n\
Auto-Submitted: auto-replied\r\nIn-Reply-To: {sent_id}\r\nMessage-ID: <ooo-e2e@example.test>\r\n\
Date: Wed, 25 Nov 2026 10:00:05 +0000\r\n\r\n\
I am out of the office until Monday 30 November with limited access to email.\r\n"
    );
    smtp_send(
        SMTP,
        &[
            (
                PROSPECT.into(),
                CAMPAIGN_BOX.into(),
                out_of_office.into_bytes(),
            ),
            (PROSPECT.into(), CAMPAIGN_BOX.into(), reply.into_bytes()),
        ],
    );
    wait_until(
        Duration::from_secs(30),
        "the bounce, the out-of-office note and the reply",
        || message_count(CAMPAIGN_BOX) == 3,
    );
    run_once(&config);

    let responses = stored_responses(&config);
    assert_eq!(
        responses.len(),
        1,
        "only the reply is a response: {responses:#?}"
    );
    let r = &responses[0];
    assert_eq!(r["kind"], "reply");
    assert_eq!(r["contact"]["email"], PROSPECT);
    // mail-parser gives Message-IDs without the angle brackets.
    assert_eq!(
        r["campaign_link"]["message_id"].as_str(),
        Some(sent_id.trim_matches(['<', '>']))
    );
    assert_eq!(r["campaign_link"]["ours"], true);
    assert!(
        r["reply_text"]
            .as_str()
            .unwrap()
            .starts_with("Yes, this is interesting")
            && !r["reply_text"]
                .as_str()
                .unwrap()
                .contains("here is our offer"),
        "{r}"
    );

    let (ok, out, err) = carousel_run(&["messages", "list", "--json"], &config);
    assert!(ok, "{err}");
    let mut kinds: Vec<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    kinds.sort();
    assert_eq!(kinds, ["auto_reply", "bounce", "reply"]);

    let store = Store::open(&dir.path().join("store"), 16).unwrap();
    let unknown = store
        .contact(UNKNOWN)
        .unwrap()
        .expect("the bounced address is a contact");
    assert!(unknown.hard_bounced, "{unknown:?}");
    assert!(nurture::is_suppressed(&store, UNKNOWN).unwrap());
    let pat = store.contact(PROSPECT).unwrap().unwrap();
    assert_eq!(pat.auto_replies, 1);
    assert_eq!(pat.away_until.as_deref(), Some("2026-11-30"));
    let stopped = nurture::enrollments_of(&store, PROSPECT).unwrap();
    assert!(
        stopped.iter().all(|e| matches!(
            e.state,
            EnrollmentState::Stopped {
                reason: StopReason::Reply,
                ..
            }
        )),
        "a reply stops the sequence: {stopped:?}"
    );
}
