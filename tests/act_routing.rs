//! The act stage end to end: hot leads reach the right rep (through real
//! Postfix → Dovecot, read back over IMAP), low-urgency leads are nurtured,
//! partner leads forwarded; pull claims, SLA escalation, round robin with a
//! rep on leave, capacity, and a crash in the middle of routing.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use carousel::act::leads::{self, Action, LeadRecord};
use carousel::outbox::{OutboundRecord, Purpose};
use common::*;

const IMAP: u16 = 11243;
const SMTP: u16 = 11225;
const DOMAIN: &str = "carousel.acme.example";

/// A web-form lead; `timeline` decides the rank ("immediately" → hot,
/// "next year" → need_nurturing).
fn form_lead(n: usize, from: &str, to: &str, prospect: &str, timeline: &str) -> Vec<u8> {
    format!(
        "From: Web form <{from}>\r\nTo: {to}\r\nReply-To: {prospect}\r\n\
Subject: New submission from Contact form\r\nMessage-ID: <form-{n}-{prospect}>\r\n\
Date: Wed, 25 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Name: Prospect Number{n}\r\nEmail: {prospect}\r\nPhone: +1 555 010 {n:04}\r\nCompany: Buyer {n} Ltd\r\n\
Interest: Rooftop solar installation\r\nTimeline: {timeline}\r\nMessage: Please send a quote for our office roof.\r\n"
    )
    .into_bytes()
}

/// A rep's reply to a notification.
fn rep_reply(n: usize, rep: &str, notification: &str) -> Vec<u8> {
    format!(
        "From: Rep <{rep}>\r\nTo: claims@example.test\r\nSubject: Re: Hot lead\r\n\
Message-ID: <claim-{n}-{rep}>\r\nIn-Reply-To: <{notification}>\r\nReferences: <{notification}>\r\n\
Date: Wed, 25 Nov 2026 10:01:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Mine, calling them now.\r\n"
    )
    .into_bytes()
}

/// A rep who works around the clock, optionally on leave or with a limit.
fn rep(name: &str, email: &str, on_leave: bool, max_open: Option<u32>) -> String {
    let mut s = format!(
        "[[rep]]\nname = \"{name}\"\nemail = \"{email}\"\nworking_hours = \"00:00-24:00\"\nworking_days = [\"mon-sun\"]\n"
    );
    if on_leave {
        s.push_str("days_off = [\"2000-01-01..2099-12-31\"]\n");
    }
    if let Some(max) = max_open {
        s.push_str(&format!("max_open_leads = {max}\n"));
    }
    s.push('\n');
    s
}

/// A Maildir-fed config; `extra` adds reps, [team], [act] ...
fn maildir_config(dir: &Path, extra: &str) -> PathBuf {
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(dir.join("inbox").join(sub)).unwrap();
    }
    let text = format!(
        "[store]\npath = \"store\"\n\n[[mailbox]]\nname = \"leads\"\nmaildir = \"inbox\"\n\n\
[outbox]\ndir = \"outbox\"\nfrom = \"Acme <hello@acme.example>\"\nmessage_id_domain = \"{DOMAIN}\"\n\n{extra}"
    );
    let path = dir.join("carousel.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn drop_in(dir: &Path, name: &str, raw: &[u8]) {
    let tmp = dir.join("inbox/tmp").join(name);
    std::fs::write(&tmp, raw).unwrap();
    std::fs::rename(&tmp, dir.join("inbox/new").join(name)).unwrap();
}

fn run_once(config: &Path, fault: Option<&str>) -> bool {
    let mut cmd = carousel();
    cmd.arg("--config").arg(config).args(["run", "--once"]);
    if let Some(f) = fault {
        cmd.env("CAROUSEL_FAULT", f);
    }
    let out = cmd.output().unwrap();
    if fault.is_none() {
        assert!(
            out.status.success(),
            "run --once failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out.status.success()
}

/// What the store holds once no process runs on it.
struct Snapshot {
    leads: Vec<LeadRecord>,
    outbox: Vec<OutboundRecord>,
    responses: u64,
    enrollments: Vec<carousel::nurture::Enrollment>,
}

fn snapshot(dir: &Path, enrolled: &[&str]) -> Snapshot {
    let store = carousel::store::Store::open(&dir.join("store"), 16).unwrap();
    Snapshot {
        leads: leads::all(&store).unwrap(),
        outbox: carousel::outbox::records(&store).unwrap(),
        responses: store.counter("responses").unwrap(),
        enrollments: enrolled
            .iter()
            .flat_map(|c| carousel::nurture::enrollments_of(&store, c).unwrap())
            .collect(),
    }
}

fn sales_notifications(s: &Snapshot) -> Vec<&OutboundRecord> {
    s.outbox
        .iter()
        .filter(|r| matches!(r.email.purpose, Purpose::SalesNotification { .. }))
        .collect()
}

fn assigned_counts(s: &Snapshot) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for lead in &s.leads {
        *counts
            .entry(lead.assigned.clone().unwrap_or_default())
            .or_insert(0) += 1;
    }
    counts
}

/// Headers of every message in a user's INBOX, over IMAP.
fn inbox_headers(user: &str) -> Vec<String> {
    let mut imap = Imap::login(IMAP, user);
    let count = imap.select("INBOX");
    let headers = if count == 0 {
        Vec::new()
    } else {
        imap.command("FETCH 1:* (BODY.PEEK[HEADER])")
    };
    imap.logout();
    headers
}

#[test]
fn hot_lead_reaches_the_right_rep_partner_lead_is_forwarded_and_slow_lead_is_nurtured() {
    servers();
    let dir = tempfile::tempdir().unwrap();
    let leads_box = "leads-act@example.test";
    let dana = "dana-act@example.test";
    let partner = "partner-act@example.test";
    let config = imap_config(dir.path(), IMAP, &[("leads", leads_box)]);
    let mut text = std::fs::read_to_string(&config).unwrap();
    text = text.replace(
        "[outbox]\ndir = \"outbox\"\n",
        &format!("[outbox]\nsmtp = {{ host = \"127.0.0.1\", port = {SMTP}, tls = \"none\" }}\n"),
    );
    text.push_str(&rep("Dana", dana, false, None));
    text.push_str(&rep("Lee", "lee-act@example.test", true, None));
    text.push_str(&format!(
        "[scoring]\npartner_providers = [\"roofpartner.example\"]\n\n\
[act]\nclaim_address = \"claims-act@example.test\"\n\
[act.partners]\n\"roofpartner.example\" = \"{partner}\"\n"
    ));
    std::fs::write(&config, text).unwrap();
    let daemon = spawn_daemon(&config, &dir.path().join("daemon.log"), None);
    smtp_send(
        SMTP,
        &[
            (
                "form@solar-site.example".into(),
                leads_box.into(),
                form_lead(
                    1,
                    "form@solar-site.example",
                    leads_box,
                    "sam@buyer.example",
                    "immediately",
                ),
            ),
            (
                "form@solar-site.example".into(),
                leads_box.into(),
                form_lead(
                    2,
                    "form@solar-site.example",
                    leads_box,
                    "slow@buyer.example",
                    "next year",
                ),
            ),
            (
                "leads@roofpartner.example".into(),
                leads_box.into(),
                form_lead(
                    3,
                    "leads@roofpartner.example",
                    leads_box,
                    "pat@buyer.example",
                    "immediately",
                ),
            ),
        ],
    );
    wait_until(
        Duration::from_secs(60),
        "the notification in Dana's inbox",
        || !inbox_headers(dana).is_empty(),
    );
    wait_until(
        Duration::from_secs(60),
        "the forward in the partner's inbox",
        || !inbox_headers(partner).is_empty(),
    );
    let headers = inbox_headers(dana).join("\n");
    assert!(
        headers.contains("Reply-To: sam@buyer.example, claims-act@example.test"),
        "Reply-To is not the prospect (plus the claim address):\n{headers}"
    );
    assert!(headers.contains("Hot lead"), "{headers}");
    assert!(headers.contains("Message-ID: <n.L-"), "{headers}");
    assert!(terminate(daemon), "daemon did not exit 0 on SIGTERM");

    let s = snapshot(dir.path(), &["slow@buyer.example"]);
    assert_eq!(s.leads.len(), 3, "{:?}", s.leads);
    let by_email = |e: &str| {
        s.leads
            .iter()
            .find(|l| l.lead.contact.email.as_deref() == Some(e))
            .unwrap_or_else(|| panic!("no lead for {e}"))
    };
    let hot = by_email("sam@buyer.example");
    assert_eq!(hot.action, Action::SalesRep { rep: "Dana".into() });
    assert!(hot.speed.received_by_server.is_some(), "{:?}", hot.speed);
    assert!(hot.speed.notification_enqueued.is_some(), "{:?}", hot.speed);
    let slow = by_email("slow@buyer.example");
    assert_eq!(slow.action, Action::Nurture);
    assert_eq!(s.enrollments.len(), 1, "{:?}", s.enrollments);
    let forwarded = by_email("pat@buyer.example");
    assert_eq!(forwarded.action, Action::Partner { to: partner.into() });
    // Only the hot lead made sales mail; the slow lead made none at all.
    let sales = sales_notifications(&s);
    assert_eq!(sales.len(), 1, "{sales:?}");
    assert_eq!(sales[0].email.to, vec![dana.to_string()]);
    assert!(
        !s.outbox
            .iter()
            .any(|r| r.email.to.iter().any(|t| t == "slow@buyer.example")
                || r.email.text.contains("slow@buyer.example")),
        "the nurtured lead produced mail from the act stage"
    );
}

#[test]
fn pull_claim_first_reply_wins_and_the_second_rep_is_told_who_owns_the_lead() {
    let dir = tempfile::tempdir().unwrap();
    let mut extra = rep("Dana", "dana@example.test", false, None);
    extra.push_str(&rep("Lee", "lee@example.test", false, None));
    extra.push_str(
        "[team]\nmode = \"pull\"\nteam_inbox = \"team@example.test\"\nsla_seconds = 3600\n\n\
[act]\nclaim_address = \"claims@example.test\"\n",
    );
    let config = maildir_config(dir.path(), &extra);
    drop_in(
        dir.path(),
        "1.lead",
        &form_lead(
            1,
            "form@site.example",
            "leads@example.test",
            "sam@buyer.example",
            "immediately",
        ),
    );
    run_once(&config, None);
    let s = snapshot(dir.path(), &[]);
    assert_eq!(s.leads.len(), 1);
    let lead = &s.leads[0];
    assert_eq!(
        lead.action,
        Action::TeamInbox {
            inbox: "team@example.test".into()
        }
    );
    assert_eq!(lead.lead.ownership.owner(), None);
    let notification = lead.notices[0].message_id.clone();
    let sales = sales_notifications(&s);
    assert_eq!(sales.len(), 1);
    assert_eq!(sales[0].email.to, vec!["team@example.test".to_string()]);
    assert_eq!(
        sales[0].email.reply_to.as_deref(),
        Some("claims@example.test")
    );
    drop(s);

    drop_in(
        dir.path(),
        "2.claim",
        &rep_reply(1, "dana@example.test", &notification),
    );
    drop_in(
        dir.path(),
        "3.claim",
        &rep_reply(2, "lee@example.test", &notification),
    );
    run_once(&config, None);
    let s = snapshot(dir.path(), &[]);
    let lead = &s.leads[0];
    assert_eq!(lead.lead.ownership.owner(), Some("Dana"));
    assert!(lead.speed.first_rep_action.is_some());
    let notes: Vec<_> = s
        .outbox
        .iter()
        .filter(|r| matches!(r.email.purpose, Purpose::TeamNote { .. }))
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].email.to, vec!["lee@example.test".to_string()]);
    assert!(
        notes[0].email.text.contains("already claimed by Dana"),
        "{}",
        notes[0].email.text
    );
    assert_eq!(
        notes[0].email.in_reply_to.as_deref(),
        Some(notification.as_str())
    );
    // The reps' replies are internal: only the lead counts as a response.
    assert_eq!(s.responses, 1);
    let (ok, out, err) = carousel_run(&["responses", "list", "--json"], &config);
    assert!(ok, "{err}");
    assert_eq!(out.lines().count(), 1, "{out}");
}

#[test]
fn unclaimed_lead_is_escalated_to_the_next_rep_after_the_sla() {
    let dir = tempfile::tempdir().unwrap();
    let mut extra = rep("Dana", "dana@example.test", false, None);
    extra.push_str(&rep("Lee", "lee@example.test", false, None));
    extra.push_str("[team]\nsla_seconds = 1\n");
    let config = maildir_config(dir.path(), &extra);
    drop_in(
        dir.path(),
        "1.lead",
        &form_lead(
            1,
            "form@site.example",
            "leads@example.test",
            "sam@buyer.example",
            "immediately",
        ),
    );
    run_once(&config, None);
    let first = snapshot(dir.path(), &[]);
    assert_eq!(first.leads[0].assigned.as_deref(), Some("Dana"));
    assert_eq!(sales_notifications(&first).len(), 1);
    drop(first);
    // Let the one-second SLA run out; nobody touches the lead.
    std::thread::sleep(Duration::from_millis(1500));
    run_once(&config, None);
    let s = snapshot(dir.path(), &[]);
    let lead = &s.leads[0];
    assert_eq!(lead.notices.len(), 2, "{:?}", lead.notices);
    assert_eq!(lead.assigned.as_deref(), Some("Lee"));
    assert_eq!(lead.notices[1].why, "escalation 1");
    let escalation = s
        .outbox
        .iter()
        .find(|r| r.email.message_id == lead.notices[1].message_id)
        .expect("escalation in the outbox");
    assert_eq!(escalation.email.to, vec!["lee@example.test".to_string()]);
    assert!(escalation.email.subject.starts_with("[escalation 1]"));
    // The history stays: the first notification is still on the lead.
    assert_eq!(lead.notices[0].rep.as_deref(), Some("Dana"));
}

fn thirty_leads(dir: &Path) {
    for n in 0..30 {
        drop_in(
            dir,
            &format!("{n:02}.lead"),
            &form_lead(
                n,
                "form@site.example",
                "leads@example.test",
                &format!("p{n}@buyer.example"),
                "immediately",
            ),
        );
    }
}

#[test]
fn round_robin_over_three_reps_with_one_on_leave_gives_15_15_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut extra = rep("Ann", "ann@example.test", false, None);
    extra.push_str(&rep("Bob", "bob@example.test", true, None));
    extra.push_str(&rep("Cat", "cat@example.test", false, None));
    let config = maildir_config(dir.path(), &extra);
    thirty_leads(dir.path());
    run_once(&config, None);
    let s = snapshot(dir.path(), &[]);
    assert_eq!(s.leads.len(), 30);
    let counts = assigned_counts(&s);
    assert_eq!(counts.get("Ann"), Some(&15), "{counts:?}");
    assert_eq!(counts.get("Cat"), Some(&15), "{counts:?}");
    assert_eq!(counts.get("Bob"), None, "{counts:?}");
    assert_eq!(sales_notifications(&s).len(), 30);
}

#[test]
fn capacity_limit_is_respected_through_the_act_stage() {
    let dir = tempfile::tempdir().unwrap();
    let mut extra = rep("Ann", "ann@example.test", false, Some(5));
    extra.push_str(&rep("Cat", "cat@example.test", false, None));
    let config = maildir_config(dir.path(), &extra);
    thirty_leads(dir.path());
    run_once(&config, None);
    let s = snapshot(dir.path(), &[]);
    let counts = assigned_counts(&s);
    assert_eq!(counts.get("Ann"), Some(&5), "{counts:?}");
    assert_eq!(counts.get("Cat"), Some(&25), "{counts:?}");
}

#[test]
fn restart_in_the_middle_of_routing_notifies_no_lead_twice_and_loses_none() {
    let dir = tempfile::tempdir().unwrap();
    let mut extra = rep("Ann", "ann@example.test", false, None);
    extra.push_str(&rep("Cat", "cat@example.test", false, None));
    let config = maildir_config(dir.path(), &extra);
    for n in 0..6 {
        drop_in(
            dir.path(),
            &format!("{n}.lead"),
            &form_lead(
                n,
                "form@site.example",
                "leads@example.test",
                &format!("p{n}@buyer.example"),
                "immediately",
            ),
        );
    }
    // Dies after the batch's notifications are queued and flushed, before any
    // response is marked done: the rerun replays all six.
    assert!(!run_once(&config, Some("act-after-enqueue")));
    let crashed = snapshot(dir.path(), &[]);
    assert_eq!(
        crashed.leads.len(),
        6,
        "the batch was routed before the crash"
    );
    assert_eq!(sales_notifications(&crashed).len(), 6);
    drop(crashed);
    run_once(&config, None);
    let s = snapshot(dir.path(), &[]);
    assert_eq!(s.leads.len(), 6);
    let sales = sales_notifications(&s);
    assert_eq!(sales.len(), 6, "one notification per lead");
    for lead in &s.leads {
        assert_eq!(lead.notices.len(), 1, "{:?}", lead.notices);
        let mine = sales
            .iter()
            .filter(|r| matches!(&r.email.purpose, Purpose::SalesNotification { lead: l, .. } if *l == lead.id))
            .count();
        assert_eq!(mine, 1, "lead {} notified {mine} times", lead.id);
    }
    // The replayed leads were not picked again: the rotation stays 3/3.
    let counts = assigned_counts(&s);
    assert_eq!(counts.get("Ann"), Some(&3), "{counts:?}");
    assert_eq!(counts.get("Cat"), Some(&3), "{counts:?}");
}

#[test]
fn lead_verbs_convert_reassign_and_close() {
    let dir = tempfile::tempdir().unwrap();
    let mut extra = rep("Ann", "ann@example.test", false, None);
    extra.push_str(&rep("Cat", "cat@example.test", false, None));
    let config = maildir_config(dir.path(), &extra);
    for n in 0..2 {
        drop_in(
            dir.path(),
            &format!("{n}.lead"),
            &form_lead(
                n,
                "form@site.example",
                "leads@example.test",
                &format!("v{n}@buyer.example"),
                "immediately",
            ),
        );
    }
    run_once(&config, None);
    let (ok, out, err) = carousel_run(&["leads", "list", "--json"], &config);
    assert!(ok, "{err}");
    let ids: Vec<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids.len(), 2);
    let (ok, out, err) = carousel_run(&["lead", "reassign", &ids[0], "--rep", "Cat"], &config);
    assert!(ok, "{err}");
    assert!(out.contains("\"owner\":\"Cat\""), "{out}");
    let (ok, _, err) = carousel_run(
        &[
            "lead",
            "convert",
            &ids[0],
            "--revenue",
            "12500",
            "--stage",
            "proposal",
            "--close",
            "2027-03-31",
        ],
        &config,
    );
    assert!(ok, "{err}");
    let (ok, out, err) = carousel_run(&["opportunities", "list", "--json"], &config);
    assert!(ok, "{err}");
    let opp: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(opp["owner"], "Cat");
    assert_eq!(opp["win_probability"], 50);
    assert_eq!(opp["revenue"]["minor_units"], 1_250_000);
    let (ok, _, err) = carousel_run(&["lead", "close", &ids[1], "--lost"], &config);
    assert!(ok, "{err}");
    let (ok, out, err) = carousel_run(&["lead", "show", &ids[1]], &config);
    assert!(ok, "{err}");
    assert!(out.contains("\"lost\""), "{out}");
    // Closing a converted lead closes its opportunity; once closed, it stays closed.
    let (ok, out, err) = carousel_run(&["lead", "close", &ids[0], "--won"], &config);
    assert!(ok, "{err}");
    assert!(out.contains("\"outcome\":\"won\""), "{out}");
    let (ok, _, err) = carousel_run(&["lead", "close", &ids[0], "--lost"], &config);
    assert!(!ok);
    assert!(err.contains("already closed"), "{err}");
    let s = snapshot(dir.path(), &[]);
    let reassigned = s.leads.iter().find(|l| l.id == ids[0]).unwrap();
    assert_eq!(reassigned.notices.last().unwrap().to, "cat@example.test");
    assert!(reassigned.speed.first_rep_action.is_some());
}

/// A form lead with an email and a phone but no company (fewer points).
fn small_lead(n: usize, prospect: &str, timeline: &str) -> Vec<u8> {
    format!(
        "From: Web form <form@site.example>\r\nTo: leads@example.test\r\nReply-To: {prospect}\r\n\
Subject: New submission from Contact form\r\nMessage-ID: <small-{n}-{prospect}>\r\n\
Date: Wed, 25 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Name: Prospect Number{n}\r\nEmail: {prospect}\r\nPhone: +1 555 020 {n:04}\r\n\
Interest: Roof repair\r\nTimeline: {timeline}\r\n"
    )
    .into_bytes()
}

#[test]
fn without_a_call_center_asap_and_high_potential_leads_still_reach_sales() {
    // Issue 14 on a config with reps and no [act] call_center: an ASAP lead
    // with a phone and an email is hot (timing), and a high-potential lead
    // goes to sales with the reason, not to a call center nobody reads.
    let dir = tempfile::tempdir().unwrap();
    let config = maildir_config(dir.path(), &rep("Ann", "ann@example.test", false, None));
    drop_in(
        dir.path(),
        "0.lead",
        &small_lead(0, "asap@buyer.example", "ASAP"),
    );
    drop_in(
        dir.path(),
        "1.lead",
        &small_lead(1, "soon@buyer.example", "in the next 2 months"),
    );
    run_once(&config, None);
    let s = snapshot(dir.path(), &[]);
    assert_eq!(s.leads.len(), 2, "{:?}", s.leads);
    let by_email = |e: &str| {
        s.leads
            .iter()
            .find(|l| l.lead.contact.email.as_deref() == Some(e))
            .unwrap_or_else(|| panic!("no lead for {e}"))
    };
    let asap = by_email("asap@buyer.example");
    assert_eq!(
        asap.lead.rank,
        Some(carousel::qualify::Rank::Hot),
        "{:?}",
        asap.reasons
    );
    assert_eq!(asap.action, Action::SalesRep { rep: "Ann".into() });
    let soon = by_email("soon@buyer.example");
    assert_eq!(
        soon.lead.rank,
        Some(carousel::qualify::Rank::HighPotential),
        "{:?}",
        soon.reasons
    );
    assert_eq!(soon.action, Action::SalesRep { rep: "Ann".into() });
    assert_eq!(soon.notices[0].why, "no call center configured");
    assert!(
        soon.reasons
            .iter()
            .any(|r| r.why.contains("no call center configured")),
        "{:?}",
        soon.reasons
    );
    let sales = sales_notifications(&s);
    assert_eq!(sales.len(), 2, "{sales:?}");
    assert!(
        sales
            .iter()
            .any(|r| r.email.subject.starts_with("[no call center configured]"))
    );
    let (ok, out, err) = carousel_run(
        &["interactions", "--contact", "soon@buyer.example", "--json"],
        &config,
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("routed to Ann: no call center configured"),
        "{out}"
    );
    assert!(!out.contains("queued for the call center"), "{out}");
}

#[test]
fn needs_review_and_unreachable_leads_are_stored_and_sent_to_the_team_inbox() {
    use carousel::understand::{Contact, Envelope, Kind, Lead, Understanding};
    let dir = tempfile::tempdir().unwrap();
    let mut extra = rep("Ann", "ann@example.test", false, None);
    extra.push_str("[team]\nteam_inbox = \"team@example.test\"\n\n");
    let config = maildir_config(dir.path(), &extra);
    let lead = |email: Option<&str>, review: &[&str]| {
        let mut u = Understanding::other(Envelope::default(), "");
        u.kind = Kind::Lead;
        u.note = None;
        u.leads = vec![Lead {
            contact: Contact {
                email: email.map(str::to_string),
                name: Some("Jane Doe".into()),
                ..Contact::default()
            },
            interest: Some("Solar panels".into()),
            source: "form".into(),
            unqualified: email
                .is_none()
                .then(|| "no reachable contact (email or phone)".to_string()),
            review_reasons: review.iter().map(|r| r.to_string()).collect(),
            ..Lead::default()
        }];
        u
    };
    {
        let store = carousel::store::Store::open(&dir.path().join("store"), 16).unwrap();
        for (n, u) in [
            lead(
                Some("jane@buyer.example"),
                &["name next to a listing title", "two third-party addresses"],
            ),
            lead(None, &[]),
        ]
        .into_iter()
        .enumerate()
        {
            let origin = carousel::store::model::Origin {
                mailbox: "leads".into(),
                reference: n.to_string(),
            };
            let raw = format!("Subject: lead {n}\r\n\r\nbody {n}\r\n");
            store.ingest(origin, raw.as_bytes(), true, 1, u).unwrap();
        }
    }
    run_once(&config, None);
    let s = snapshot(dir.path(), &[]);
    assert_eq!(s.leads.len(), 2, "both leads are kept: {:?}", s.leads);
    let team = Action::TeamInbox {
        inbox: "team@example.test".into(),
    };
    for lead in &s.leads {
        assert_eq!(lead.action, team, "{:?}", lead.reasons);
    }
    let sales = sales_notifications(&s);
    assert_eq!(sales.len(), 2, "{sales:?}");
    let review = sales
        .iter()
        .find(|r| r.email.subject.starts_with("[needs review]"))
        .expect("a needs-review notification");
    assert!(
        review
            .email
            .text
            .contains("name next to a listing title; two third-party addresses"),
        "{}",
        review.email.text
    );
    assert!(
        sales
            .iter()
            .any(|r| r.email.subject.starts_with("[no reachable contact]")),
        "{sales:?}"
    );
    let (ok, out, err) = carousel_run(
        &["interactions", "--contact", "jane@buyer.example", "--json"],
        &config,
    );
    assert!(ok, "{err}");
    assert!(
        out.contains(
            "sent to team inbox team@example.test: needs review: name next to a listing title"
        ),
        "{out}"
    );
}

fn servers() -> &'static MailServers {
    mail_servers(IMAP, SMTP)
}

/// Two instances on one store decide leads at once (on a shared store every
/// instance acts on new leads, each claimed in its decision's commit): B
/// decides and notifies a pending hot lead, and A, which picked the same
/// response, acts on it too and finds B's decision: one lead, one
/// notification. A decision's commit is refused when the distribution state
/// moved since it was read (decided again), or when the response is no
/// longer pending (left to whoever has it).
#[test]
fn instances_acting_at_once_decide_and_notify_each_lead_once() {
    use carousel::act::leads::Decided;
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let config = maildir_config(dir.path(), &rep("Ann", "ann@example.test", false, None));
    let config = carousel::config::Config::load(&config).unwrap();
    let a = carousel::store::Store::open(&config.store_path(), 16).unwrap();
    let b = a.as_another_instance().unwrap();
    for n in 1..=2 {
        let raw = form_lead(
            n,
            "forms@site.example",
            "leads@acme.example",
            &format!("p{n}@buyer.example"),
            "immediately",
        );
        let understanding = carousel::understand::understand(&raw, &config.understand_context());
        a.receive(&[carousel::store::received::Incoming {
            origin: carousel::store::model::Origin {
                mailbox: "leads".into(),
                reference: n.to_string(),
            },
            raw: raw.clone(),
            complete: true,
            size: raw.len() as u64,
        }])
        .unwrap();
        let queued = a.queued(1).unwrap();
        a.record_understood_batch(&[(&queued[0], raw.as_slice(), &understanding)])
            .unwrap();
    }
    let pending = a.pending_responses().unwrap();
    assert_eq!(pending.len(), 2);

    let settings = Arc::new(config.act_settings());
    let wake = Arc::new(carousel::wake::Wakeups::default());
    let act_a = carousel::act::Act::with(settings.clone(), a.clone(), wake.clone());
    let act_b = carousel::act::Act::with(settings, b.clone(), wake);
    assert!(act_b.act_on(pending[0]).unwrap());
    assert!(act_a.act_on(pending[0]).unwrap(), "A replays B's decision");
    let decided = leads::all(&b).unwrap();
    assert_eq!(decided.len(), 1);
    let notices: Vec<_> = carousel::outbox::records(&b)
        .unwrap()
        .into_iter()
        .filter(|r| matches!(r.email.purpose, Purpose::SalesNotification { .. }))
        .collect();
    assert_eq!(notices.len(), 1, "{notices:?}");
    b.clear_pending(pending[0]).unwrap();

    // A decides the second lead on a distribution state B changes meanwhile.
    let (dist, as_read) = leads::distribution_as_read(&a).unwrap();
    let mut second = decided[0].clone();
    second.id = leads::lead_id(pending[1]);
    second.response = pending[1];
    let mut claimed_on_b = carousel::route::DistributionEdit::default();
    claimed_on_b.assign("Bo");
    leads::save(&b, &decided[0], Some(&claimed_on_b)).unwrap();
    let stale = leads::save_decision(&a, pending[1], &second, Some((&dist, as_read.as_deref())));
    assert!(matches!(stale, Ok(Decided::StaleDistribution)), "{stale:?}");
    assert!(leads::get(&a, &second.id).unwrap().is_none());
    // Read again, it commits; a second commit finds that decision.
    let (dist, as_read) = leads::distribution_as_read(&a).unwrap();
    let state = Some((&dist, as_read.as_deref()));
    let saved = leads::save_decision(&a, pending[1], &second, state);
    assert!(matches!(saved, Ok(Decided::Saved)), "{saved:?}");
    let again = leads::save_decision(&b, pending[1], &second, state);
    assert!(matches!(again, Ok(Decided::Exists(_))), "{again:?}");
    // Not pending any more: nothing to claim, nothing written.
    a.clear_pending(pending[1]).unwrap();
    let mut third = second.clone();
    third.id = leads::lead_id(pending[1] + 100);
    let gone = leads::save_decision(&a, pending[1], &third, None);
    assert!(matches!(gone, Ok(Decided::NotClaimed)), "{gone:?}");
    assert!(leads::get(&a, &third.id).unwrap().is_none());
    assert!(b.pending_responses().unwrap().is_empty());

    // A rep's action (here a console claim of Cy on A) prepared while B
    // commits a turn for Ann: the claim's change is applied to the state as
    // stored when it commits, so Ann's turn and open lead survive it.
    let start = leads::distribution(&a).unwrap();
    let mut console_claim = carousel::route::DistributionEdit::default();
    console_claim.release("Bo");
    console_claim.assign("Cy");
    let mut turn_on_b = carousel::route::DistributionEdit::default();
    turn_on_b.assign("Ann");
    leads::save(&b, &decided[0], Some(&turn_on_b)).unwrap();
    leads::save(&a, &decided[0], Some(&console_claim)).unwrap();
    let end = leads::distribution(&a).unwrap();
    assert_eq!(end.open_leads_of("Ann"), start.open_leads_of("Ann") + 1);
    assert_eq!(end.open_leads_of("Cy"), start.open_leads_of("Cy") + 1);
    assert_eq!(end.open_leads_of("Bo"), start.open_leads_of("Bo") - 1);
    assert_eq!(end.cursor.as_deref(), Some("Cy"));
}
