//! `carousel learn` and `carousel reprocess` end to end on a temp Maildir
//! store (no mail servers): a notification nobody reads right is stored,
//! a rule is learned from it, reprocessing turns it into the right lead,
//! which is routed once; reprocessing again changes nothing and sends nothing.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{carousel_run, eml_files, spawn_daemon, terminate, wait_until};
use serde_json::Value;

/// A callback notification from a provider carousel has never seen: no
/// colons, no labels the dictionary knows, no lead words in the subject.
fn callback(name: &str, phone: &str, email: &str, topic: &str, id: &str) -> String {
    format!(
        "From: Quotebox Robot <robot@quotebox.example>\r\nTo: leads@acme.example\r\n\
Subject: Callback wanted\r\nMessage-ID: <{id}@quotebox.example>\r\n\
Date: Tue, 01 Dec 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\n\
Someone wants a callback.\r\n\r\n\
Caller ........ {name}\r\n\
Ring on ....... {phone}\r\n\
Mailbox ....... {email}\r\n\
Firm .......... {name} Holdings\r\n\
Topic ......... {topic}\r\n\
Start ......... immediately\r\n\r\n\
Quotebox - we find the callers\r\n"
    )
}

fn config(dir: &Path) -> PathBuf {
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(dir.join("inbox").join(sub)).unwrap();
    }
    let text = "[store]\npath = \"store\"\n\n[[mailbox]]\nname = \"leads\"\nmaildir = \"inbox\"\n\n\
[outbox]\ndir = \"outbox\"\nfrom = \"Acme <hello@acme.example>\"\nmessage_id_domain = \"carousel.acme.example\"\n\n\
[[rep]]\nname = \"Dana\"\nemail = \"dana@acme.example\"\nworking_hours = \"00:00-24:00\"\nworking_days = [\"mon-sun\"]\n";
    let path = dir.join("carousel.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// `learn FILE --set …` with every value of Jane's callback, then `extra`.
fn learn_jane<'a>(file: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["learn", file];
    for set in [
        "name=Jane Doe",
        "phone=970 555 0123",
        "email=jane@brightwater.example",
        "interest=Rooftop solar installation",
        "timeline=immediately",
        "company=Jane Doe Holdings",
    ] {
        args.extend(["--set", set]);
    }
    args.extend_from_slice(extra);
    args
}

fn deliver(dir: &Path, name: &str, raw: &str) {
    let tmp = dir.join("inbox/tmp").join(name);
    std::fs::write(&tmp, raw).unwrap();
    std::fs::rename(&tmp, dir.join("inbox/new").join(name)).unwrap();
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| l.trim_start().starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn run(args: &[&str], config: &Path) -> String {
    let (ok, out, err) = carousel_run(args, config);
    assert!(ok, "carousel {args:?} failed:\n{err}\n{out}");
    out
}

/// Notifications to the rep written by the file outbox.
fn notifications(dir: &Path) -> usize {
    eml_files(&dir.join("outbox"))
        .iter()
        .filter(|p| {
            std::fs::read_to_string(p)
                .unwrap_or_default()
                .to_lowercase()
                .contains("to: dana@acme.example")
        })
        .count()
}

fn jane_leads(config: &Path) -> Vec<Value> {
    json_lines(&run(&["leads", "list", "--json"], config))
        .into_iter()
        .filter(|l| l["lead"]["contact"]["email"] == "jane@brightwater.example")
        .collect()
}

#[test]
fn learn_then_reprocess_routes_the_lead_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let example = callback(
        "Jane Doe",
        "970 555 0123",
        "jane@brightwater.example",
        "Rooftop solar installation",
        "cb-1",
    );
    deliver(dir.path(), "1.test", &example);
    run(&["run", "--once"], &config);
    let before: Vec<Value> = jane_leads(&config)
        .into_iter()
        .filter(|l| {
            l["lead"]["contact"]["name"] == "Jane Doe"
                && l["lead"]["interest"] == "Rooftop solar installation"
        })
        .collect();
    assert!(before.is_empty(), "already read right: {before:?}");
    let notified_before = notifications(dir.path());

    // A value the message does not carry is refused, naming it.
    let file = dir.path().join("example.eml");
    std::fs::write(&file, &example).unwrap();
    let file_arg = file.to_str().unwrap();
    let (ok, _, err) = carousel_run(
        &[
            "learn",
            file_arg,
            "--set",
            "name=Jane Doe",
            "--set",
            "title=Chief Buyer",
        ],
        &config,
    );
    assert!(!ok);
    assert!(
        err.contains("title") && err.contains("Chief Buyer"),
        "{err}"
    );
    assert!(!dir.path().join("providers").exists());

    let learn_args = learn_jane(file_arg, &["--provider", "quotebox"]);
    let out = run(&learn_args, &config);
    let rule_file = dir.path().join("providers/quotebox.toml");
    let rule_text = std::fs::read_to_string(&rule_file).unwrap();
    assert!(rule_text.contains("@quotebox.example"), "{rule_text}");
    for literal in ["Jane", "0123", "brightwater", "Rooftop", "Holdings"] {
        assert!(
            !rule_text.contains(literal),
            "rule spells out {literal}: {rule_text}"
        );
    }
    let lines = json_lines(&out);
    assert!(lines.len() >= 2, "the example and the stored copy: {out}");
    for line in &lines {
        assert_eq!(line["kind"], "lead", "{line}");
        assert_eq!(line["provider"], "quotebox", "{line}");
        assert_eq!(line["contact"]["name"], "Jane Doe", "{line}");
        assert_eq!(line["contact"]["phone"], "970 555 0123", "{line}");
        assert_eq!(
            line["contact"]["email"], "jane@brightwater.example",
            "{line}"
        );
        assert_eq!(line["interest"], "Rooftop solar installation", "{line}");
        assert_eq!(line["contact"]["company"], "Jane Doe Holdings", "{line}");
    }
    assert!(lines[1]["file"].as_str().unwrap().starts_with("store:"));

    // Never overwritten silently; `check` validates the file.
    let (ok, _, err) = carousel_run(&learn_args, &config);
    assert!(!ok && err.contains("--force"), "{err}");
    run(&["check"], &config);

    // Another message of the provider, read by the learned rule.
    let other = callback(
        "Omar Haddad",
        "+44 20 7946 0958",
        "omar@hadd.example",
        "Home battery",
        "cb-2",
    );
    let other_file = dir.path().join("other.eml");
    std::fs::write(&other_file, &other).unwrap();
    let inspected = json_lines(&run(&["inspect", other_file.to_str().unwrap()], &config));
    assert_eq!(inspected[0]["contact"]["name"], "Omar Haddad");
    assert_eq!(inspected[0]["contact"]["email"], "omar@hadd.example");
    assert_eq!(inspected[0]["interest"], "Home battery");

    let summary = &json_lines(&run(&["reprocess", "--provider", "quotebox"], &config))[0];
    assert_eq!(summary["examined"], 1, "{summary}");
    assert_eq!(summary["changed"], 1, "{summary}");
    run(&["run", "--once"], &config);
    let leads = jane_leads(&config);
    assert_eq!(leads.len(), 1, "{leads:?}");
    let lead = &leads[0]["lead"];
    assert_eq!(lead["contact"]["name"], "Jane Doe");
    assert_eq!(lead["contact"]["phone"], "970 555 0123");
    assert_eq!(lead["interest"], "Rooftop solar installation");
    assert_eq!(lead["timeline"], "immediate");
    assert_eq!(notifications(dir.path()), notified_before.max(1));
    assert_eq!(notifications(dir.path()), 1, "one notification to the rep");

    // Again: nothing changes, nothing is sent.
    let again = &json_lines(&run(&["reprocess"], &config))[0];
    assert_eq!(again["changed"], 0, "{again}");
    assert_eq!(again["new_leads"], 0, "{again}");
    assert_eq!(again["unchanged"], again["examined"], "{again}");
    run(&["run", "--once"], &config);
    assert_eq!(jane_leads(&config).len(), 1);
    assert_eq!(notifications(dir.path()), 1, "still one notification");
    let messages = json_lines(&run(&["messages", "list", "--json"], &config));
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["kind"], "lead");
}

/// With the daemon running: `learn` still writes the rule and reads the
/// example, says the stored mail was skipped, and succeeds; `reprocess` asks
/// the daemon, which reads the new rule file and routes the lead once.
#[test]
fn learn_and_reprocess_while_the_daemon_runs() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!("\n[http]\nlisten = \"127.0.0.1:{port}\"\n"));
    std::fs::write(&config, text).unwrap();
    let example = callback(
        "Jane Doe",
        "970 555 0123",
        "jane@brightwater.example",
        "Rooftop solar installation",
        "cb-3",
    );
    let daemon = spawn_daemon(&config, &dir.path().join("daemon.log"), None);
    deliver(dir.path(), "1.test", &example);
    wait_until(Duration::from_secs(60), "the message stored", || {
        let (ok, out, _) = carousel_run(&["messages", "list", "--json"], &config);
        ok && out.contains("Callback wanted")
    });
    let file = dir.path().join("example.eml");
    std::fs::write(&file, &example).unwrap();
    let (ok, out, err) = carousel_run(&learn_jane(file.to_str().unwrap(), &[]), &config);
    assert!(ok, "{err}");
    assert!(err.contains("daemon holds the store"), "{err}");
    assert_eq!(json_lines(&out).len(), 1, "only the example: {out}");
    assert!(dir.path().join("providers/quotebox.example.toml").exists());

    // The daemon kept the unread notification as a lead for review (read by
    // value shape) and routed it once; the learned rule corrects that lead.
    let summary = &json_lines(&run(&["reprocess"], &config))[0];
    assert_eq!(summary["changed"], 1, "{summary}");
    assert_eq!(summary["new_leads"], 0, "{summary}");
    assert_eq!(summary["updated_leads"], 1, "{summary}");
    wait_until(Duration::from_secs(60), "the notification", || {
        notifications(dir.path()) == 1
    });
    let again = &json_lines(&run(&["reprocess"], &config))[0];
    assert_eq!(again["changed"], 0, "{again}");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(notifications(dir.path()), 1, "still one notification");
    assert!(terminate(daemon));
    assert_eq!(jane_leads(&config).len(), 1);
}
