//! Operations and reporting: the report on a scripted scenario, read verbs
//! and backups while the daemon runs, HTTP intake, metrics, CSV import.
//! No mail servers needed: the daemon watches a local Maildir.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use carousel::outbox::{Delivery, OutboundEmail, OutboundRecord, Purpose};
use carousel::store::model::Origin;
use carousel::store::{Store, encode};
use carousel::understand::{
    Bounce, CampaignLink, Contact, Envelope, Intent, Kind, Lead, ReplyReading, Understanding,
};
use common::{carousel_run, spawn_daemon, terminate, wait_until};
use serde_json::{Value, json};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.1 request; returns (status, body).
fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect http");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn understanding(kind: Kind) -> Understanding {
    let mut u = Understanding::other(Envelope::default(), "");
    u.kind = kind;
    u.note = None;
    u
}

fn origin(n: usize) -> Origin {
    Origin {
        mailbox: "scenario".into(),
        reference: n.to_string(),
    }
}

fn email(i: usize) -> String {
    format!("c{i}@prospect.example")
}

fn mid(i: usize) -> String {
    format!("m{i}@carousel.acme.example")
}

/// Campaign of 100 sent emails, 20 replies of mixed intent, 5 bounces,
/// 5 auto-replies, 30 provider leads, 3 opportunities, 1 won.
fn write_scenario(store: &Store) {
    let outbox = store.tree(carousel::outbox::TREE).unwrap();
    for i in 0..100 {
        let record = OutboundRecord {
            email: OutboundEmail {
                message_id: mid(i),
                to: vec![email(i)],
                from: None,
                reply_to: None,
                subject: "Spring offer".into(),
                text: "Hello".into(),
                html: None,
                headers: vec![],
                in_reply_to: None,
                purpose: Purpose::Nurture {
                    enrollment: format!("e{i}"),
                    step: u32::from(i >= 50),
                    campaign: Some("spring".into()),
                },
            },
            delivery: Delivery::Sent {
                at: "2026-01-01T00:00:00Z".into(),
                reply: "250 ok".into(),
            },
            enqueued_at: "2026-01-01T00:00:00Z".into(),
        };
        outbox.insert(mid(i).as_bytes(), encode(&record)).unwrap();
    }
    let mut n = 0;
    let raw = |n: &mut usize| {
        *n += 1;
        format!("scenario message {n}").into_bytes()
    };
    for i in 0..5 {
        let mut u = understanding(Kind::Bounce);
        u.bounces = vec![Bounce {
            recipient: Some(email(i)),
            status: Some("5.1.1".into()),
            hard: true,
            reason: Some("userunknown".into()),
            action: None,
            diagnostic: None,
        }];
        u.campaign_link = Some(CampaignLink {
            message_id: Some(mid(i)),
            how: "dsn".into(),
            ours: true,
        });
        store.ingest(origin(n), &raw(&mut n), true, 1, u).unwrap();
    }
    for i in 5..10 {
        let mut u = understanding(Kind::AutoReply);
        u.contact.email = Some(email(i));
        u.campaign_link = Some(CampaignLink {
            message_id: Some(mid(i)),
            how: "in-reply-to".into(),
            ours: true,
        });
        store.ingest(origin(n), &raw(&mut n), true, 1, u).unwrap();
    }
    // 12 interested/question (leads), 3 not now, 2 not interested, 2 unsubscribe, 1 referral.
    let intents = [
        Intent::Interested,
        Intent::Interested,
        Intent::Interested,
        Intent::Interested,
        Intent::Interested,
        Intent::Interested,
        Intent::NotNow,
        Intent::NotInterested,
        Intent::Unsubscribe,
        Intent::Unsubscribe,
        Intent::Interested,
        Intent::Interested,
        Intent::Question,
        Intent::Question,
        Intent::Question,
        Intent::Question,
        Intent::NotNow,
        Intent::NotNow,
        Intent::NotInterested,
        Intent::Referral,
    ];
    let repliers: Vec<usize> = (10..20).chain(60..70).collect();
    let mut lead_ids = Vec::new();
    for (i, intent) in repliers.iter().zip(intents) {
        let mut u = understanding(Kind::Reply);
        u.contact.email = Some(email(*i));
        u.reply = Some(ReplyReading {
            intent: Some(intent),
            ..Default::default()
        });
        u.campaign_link = Some(CampaignLink {
            message_id: Some(mid(*i)),
            how: "in-reply-to".into(),
            ours: true,
        });
        let stored = store.ingest(origin(n), &raw(&mut n), true, 1, u).unwrap();
        if matches!(intent, Intent::Interested | Intent::Question)
            && let carousel::store::Ingested::New { responses, .. } = stored
        {
            lead_ids.push((responses[0], email(*i)));
        }
    }
    let mut acme = Vec::new();
    for p in 0..30 {
        let provider = if p < 20 { "acme-forms" } else { "roofquotes" };
        let mut u = understanding(Kind::Lead);
        u.provider = Some(provider.into());
        let contact_email = format!("lead{p}@buyer.example");
        u.leads = vec![Lead {
            contact: Contact {
                email: Some(contact_email.clone()),
                ..Default::default()
            },
            interest: (p >= 2).then(|| "solar".to_string()),
            timeline: None,
            message: None,
            source: "form".into(),
            provenance: Default::default(),
            unqualified: None,
            review_reasons: Vec::new(),
        }];
        let stored = store.ingest(origin(n), &raw(&mut n), true, 1, u).unwrap();
        let carousel::store::Ingested::New { responses, .. } = stored else {
            panic!()
        };
        if p >= 2 {
            lead_ids.push((responses[0], contact_email));
            if p < 20 {
                acme.push(responses[0]);
            }
        }
    }
    assert_eq!(lead_ids.len(), 40);
    // Claims: 20 after a minute, 8 after ten minutes, 2 after two hours, 10 never.
    let leads = store.tree("leads").unwrap();
    for (k, (id, contact)) in lead_ids.iter().enumerate() {
        let received: jiff::Timestamp = store
            .response(*id)
            .unwrap()
            .unwrap()
            .received_at
            .parse()
            .unwrap();
        let delay = match k {
            0..20 => Some(60),
            20..28 => Some(600),
            28..30 => Some(7200),
            _ => None,
        };
        let ownership = match delay {
            Some(s) => {
                json!({"state": "owned", "rep": "Dana", "since": (received + jiff::SignedDuration::from_secs(s)).to_string()})
            }
            None => json!({"state": "unclaimed", "since": received.to_string()}),
        };
        let lead = json!({"response": id.to_string(), "contact": {"email": contact}, "interest": "solar",
            "timeline": null, "rank": null, "points": 0, "ownership": ownership, "status": {"status": "open"}});
        // The record as the act stage writes it (act::leads::LeadRecord):
        // the report reads that type, not loose JSON.
        let record = json!({"id": carousel::act::leads::lead_id(*id), "response": id, "message": "k",
            "lead": lead, "reasons": [], "action": {"type": "unassigned"}, "assigned": null,
            "routing": [], "notices": [], "speed": {}, "created_at": received.to_string()});
        leads.insert(id.to_be_bytes(), encode(&record)).unwrap();
    }
    let opportunities = store.tree("opportunities").unwrap();
    let opp = |lead: u64, minor: u64, stage: &str, p: u8, close: &str| {
        json!({"lead": lead.to_string(), "owner": "Dana", "revenue": {"minor_units": minor, "currency": "EUR"},
            "stage": stage, "win_probability": p, "expected_close": close})
    };
    for (i, o) in [
        opp(acme[0], 1_000_000, "proposal", 50, "2026-12-15"),
        opp(acme[1], 500_000, "negotiation", 75, "2027-01-10"),
        opp(acme[2], 800_000, "won", 100, "2026-11-30"),
    ]
    .iter()
    .enumerate()
    {
        opportunities
            .insert((i as u64).to_be_bytes(), encode(o))
            .unwrap();
    }
    store.flush_sync().unwrap();
}

fn scenario_config(dir: &Path, http_port: Option<u16>) -> PathBuf {
    let maildir = dir.join("inbox");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    let mut text = format!(
        "[store]\npath = \"{}\"\n\n[[mailbox]]\nname = \"leads\"\nmaildir = \"{}\"\npoll_ms = 50\n\n[costs]\n\"acme-forms\" = 10.0\n\"roofquotes\" = 25.0\n",
        dir.join("store").display(),
        maildir.display()
    );
    if let Some(port) = http_port {
        std::fs::write(dir.join("token"), "acme-token-0123456789abcdef\n").unwrap();
        text.push_str(&format!(
            "\n[http]\nlisten = \"127.0.0.1:{port}\"\nmax_body_bytes = 1048576\n\n[[intake_token]]\nprovider = \"acme-forms\"\ntoken_file = \"{}\"\n",
            dir.join("token").display()
        ));
    }
    let path = dir.join("carousel.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn scripted_campaign_scenario_gives_exact_report_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let config = scenario_config(dir.path(), None);
    {
        let store = Store::open(&dir.path().join("store"), 16).unwrap();
        write_scenario(&store);
    }
    let (ok, out, err) = carousel_run(&["report", "--json"], &config);
    assert!(ok, "{err}");
    let r: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        r["campaigns"],
        json!([{"campaign": "spring", "sent": 100, "bounced": 5, "delivered": 95, "auto_replies": 5,
            "responses": 20, "response_rate": 0.2105, "unsubscribes": 2}])
    );
    assert_eq!(
        r["providers"],
        json!([
            {"provider": "acme-forms", "leads": 20, "qualified": 18, "qualification_rate": 0.9, "cost": 200.0,
             "cost_per_lead": 10.0, "cost_per_qualified_lead": 11.11, "opportunities": 3, "won": 1,
             "won_revenue": 8000.0, "roi": 39.0},
            {"provider": "roofquotes", "leads": 10, "qualified": 10, "qualification_rate": 1.0, "cost": 250.0,
             "cost_per_lead": 25.0, "cost_per_qualified_lead": 25.0, "opportunities": 0, "won": 0,
             "won_revenue": 0.0, "roi": -1.0}
        ])
    );
    assert_eq!(
        r["speed_to_lead"],
        json!({"leads": 40, "contacted": 30, "p50_seconds": 60.0, "p90_seconds": 600.0, "p99_seconds": 7200.0,
            "within_5_min": 0.5, "within_1_hour": 0.7, "never": 0.25})
    );
    assert_eq!(
        r["funnel"],
        json!({"responses": 50, "leads": 40, "opportunities": 3, "won": 1, "response_to_lead": 0.8,
            "lead_to_opportunity": 0.075, "opportunity_to_won": 0.3333, "response_to_won": 0.02})
    );
    assert_eq!(
        r["forecast"],
        json!([{"month": "2026-12", "opportunities": 1, "pipeline": 10000.0, "weighted": 5000.0},
               {"month": "2027-01", "opportunities": 1, "pipeline": 5000.0, "weighted": 3750.0}])
    );
    assert_eq!(
        r["nurture"],
        json!([{"campaign": "spring", "step": 0, "sends": 50, "replies": 10, "unsubscribes": 2, "bounces": 5},
               {"campaign": "spring", "step": 1, "sends": 50, "replies": 10, "unsubscribes": 0, "bounces": 0}])
    );
    // Human tables and the HTML page come from the same numbers.
    let html = dir.path().join("report.html");
    let (ok, text, err) = carousel_run(&["report", "--html", html.to_str().unwrap()], &config);
    assert!(ok, "{err}");
    assert!(text.contains("spring") && text.contains("21.1%"), "{text}");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("<svg") && !page.contains("http://")
            || page.contains("xmlns=\"http://www.w3.org/2000/svg\"")
    );
    assert!(!page.contains("<script") && !page.contains("src="));
    // Interactions of one contact: the bounce is on their timeline, the campaign email too.
    let (ok, lines, err) = carousel_run(
        &["interactions", "--contact", "C0@prospect.example", "--json"],
        &config,
    );
    assert!(ok, "{err}");
    let kinds: Vec<String> = lines
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(kinds, ["nurture", "bounce"], "{lines}");
}

fn metric(text: &str, series: &str) -> f64 {
    text.lines()
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

fn drop_mail(maildir: &Path, from: usize, to: usize) {
    for n in from..to {
        let tmp = maildir.join("tmp").join(format!("m{n}"));
        std::fs::write(&tmp, common::lead_email(n, "leads@acme.example")).unwrap();
        std::fs::rename(&tmp, maildir.join("new").join(format!("m{n}"))).unwrap();
    }
}

fn responses(config: &Path) -> Vec<Value> {
    common::stored_responses(config)
}

#[test]
fn daemon_serves_reads_intake_metrics_and_backups_while_running() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = scenario_config(dir.path(), Some(port));
    let maildir = dir.path().join("inbox");
    let daemon = spawn_daemon(&config, &dir.path().join("daemon.log"), None);
    wait_until(Duration::from_secs(30), "the HTTP listener", || {
        TcpStream::connect(("127.0.0.1", port)).is_ok()
    });

    // Read verbs while the daemon holds the store.
    drop_mail(&maildir, 0, 20);
    wait_until(
        Duration::from_secs(30),
        "20 responses via the daemon",
        || responses(&config).len() == 20,
    );
    let (code, health) = http(port, "GET", "/health", &[], b"");
    assert_eq!(code, 200, "{health}");
    assert_eq!(
        serde_json::from_str::<Value>(&health).unwrap()["ready"],
        true
    );

    // Counters move.
    let (_, before) = http(port, "GET", "/metrics", &[], b"");
    let leads_before = metric(&before, "carousel_messages_ingested_total{kind=\"lead\"}");
    assert_eq!(leads_before, 20.0, "{before}");
    // Everything received is understood: the understanding queue is empty.
    assert!(
        before.lines().any(|l| l == "carousel_understand_queue 0"),
        "{before}"
    );
    drop_mail(&maildir, 20, 25);
    wait_until(
        Duration::from_secs(30),
        "the lead counter to reach 25",
        || {
            let (_, m) = http(port, "GET", "/metrics", &[], b"");
            metric(&m, "carousel_messages_ingested_total{kind=\"lead\"}") == 25.0
        },
    );

    // HTTP intake.
    let auth = ("Authorization", "Bearer acme-token-0123456789abcdef");
    let json_type = ("Content-Type", "application/json");
    let lead = br#"{"name": "Posted Person", "email": "posted@buyer.example", "phone": "+1 555 0100", "interest": "Battery storage"}"#;
    let (code, body) = http(port, "POST", "/leads", &[auth, json_type], lead);
    assert_eq!(code, 202, "{body}");
    let stored = responses(&config);
    let posted = stored
        .iter()
        .find(|r| r["contact"]["email"] == "posted@buyer.example")
        .expect("posted lead stored");
    assert_eq!(posted["provider"], "acme-forms");
    assert_eq!(posted["kind"], "lead");
    let (code, _) = http(port, "POST", "/leads", &[json_type], lead);
    assert_eq!(code, 401);
    let (code, _) = http(
        port,
        "POST",
        "/leads",
        &[
            ("Authorization", "Bearer wrong-token-0123456789"),
            json_type,
        ],
        lead,
    );
    assert_eq!(code, 401);
    let (code, body) = http(
        port,
        "POST",
        "/leads",
        &[auth, json_type],
        b"{\"email\": \"x@y.example\",",
    );
    assert_eq!(code, 400);
    assert!(
        body.contains("malformed JSON") && body.contains("line 1"),
        "{body}"
    );
    let (code, body) = http(
        port,
        "POST",
        "/leads",
        &[auth, ("Content-Type", "application/x-www-form-urlencoded")],
        b"name=Form+Person&email=form.person%40buyer.example&interest=Heat+pump",
    );
    assert_eq!(code, 202, "{body}");
    let big = vec![b'a'; 50 * 1024 * 1024];
    let (code, _) = http(port, "POST", "/leads", &[auth, json_type], &big);
    assert_eq!(code, 413);

    // Backup while the daemon ingests; restored, it holds every response stored before.
    let before: Vec<Value> = responses(&config);
    drop_mail(&maildir, 25, 60);
    let backup = dir.path().join("snapshot.bak");
    let (ok, out, err) = carousel_run(&["backup", backup.to_str().unwrap()], &config);
    assert!(ok, "{out}{err}");
    wait_until(Duration::from_secs(30), "all mail ingested", || {
        responses(&config).len() == 62
    });
    assert!(terminate(daemon), "daemon exit");
    let restored_dir = dir.path().join("restored");
    std::fs::create_dir_all(&restored_dir).unwrap();
    let text = std::fs::read_to_string(&config).unwrap().replace(
        &dir.path().join("store").display().to_string(),
        &restored_dir.join("store").display().to_string(),
    );
    let restored_config = restored_dir.join("carousel.toml");
    std::fs::write(&restored_config, text).unwrap();
    let (ok, out, err) = carousel_run(&["restore", backup.to_str().unwrap()], &restored_config);
    assert!(ok, "{out}{err}");
    let after = responses(&restored_config);
    for r in &before {
        assert!(
            after.contains(r),
            "response {} missing after restore",
            r["id"]
        );
    }
}

#[test]
fn csv_import_reports_bad_rows_and_merges_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let config = scenario_config(dir.path(), None);
    let csv_path = dir.path().join("messe-2026.csv");
    let mut csv = String::from("E-Mail,Vorname,Nachname,Telefon,Firma,Interesse\n");
    let mut expected_bad = Vec::new();
    let mut unique = 0;
    for row in 0..10_000usize {
        let line = row + 2; // the header is row 1
        if row % 100 == 7 {
            expected_bad.push(line as u64);
            if row % 200 == 7 {
                csv.push_str("kein-email,Bad,Row,,X GmbH,Solar\n");
            } else {
                csv.push_str(",Bad,Row,,X GmbH,Solar\n");
            }
        } else if row % 20 == 3 {
            // A duplicate of an earlier row, spelled differently, adding a phone.
            let earlier = row - 3;
            csv.push_str(&format!(
                "Person{earlier}@Buyer.example,Anna,Muster,+49 30 1234{earlier:04},,\n"
            ));
        } else {
            unique += 1;
            csv.push_str(&format!(
                "person{row}@buyer.example,Anna,\"Muster, Jr\",,Firma {row},Wärmepumpe\n"
            ));
        }
    }
    std::fs::write(&csv_path, csv).unwrap();
    let (ok, out, err) = carousel_run(&["import", csv_path.to_str().unwrap()], &config);
    assert!(ok, "{err}");
    let summary: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(summary["rows"], 10_000);
    assert_eq!(summary["bad"], 100, "{err}");
    assert_eq!(summary["merged"], 500);
    assert_eq!(summary["stored"], unique);
    assert_eq!(summary["provider"], "import:messe-2026.csv");
    let reported: Vec<u64> = err
        .lines()
        .filter_map(|l| l.split(": row ").nth(1))
        .filter_map(|r| r.split(':').next())
        .filter_map(|n| n.parse().ok())
        .collect();
    assert_eq!(reported, expected_bad);
    let stored = responses(&config);
    assert_eq!(stored.len(), unique as usize);
    let merged = stored
        .iter()
        .find(|r| r["contact"]["email"] == "person0@buyer.example")
        .unwrap();
    assert_eq!(merged["contact"]["phone"], "+49 30 12340000", "{merged}");
    assert_eq!(merged["provider"], "import:messe-2026.csv");
    assert_eq!(merged["kind"], "lead");
}
