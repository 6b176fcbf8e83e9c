//! Bounce reading measured on the sisimai corpus (`tests/corpora/bounces`,
//! BSD-2-Clause, see its LICENSE and /work/shared/corpora/README.md).
//!
//! `expected.json` gives, per file, sisimai's per-recipient results in order.
//! Two caveats shape what is compared:
//!
//! * `status` is sisimai's *computed* value. When a bounce states no usable
//!   code sisimai invents one (`5.0.911` …), which carousel must never do. So
//!   the status score that must reach 95 % counts only entries whose status is
//!   literally in the raw message (`status_in_raw`); the score over every
//!   entry is printed for information.
//! * sisimai's `hard` is true only for address-level failures (user unknown,
//!   host unknown, …): a policy rejection `5.7.1` is "soft" there. carousel's
//!   rule (DESIGN.md) is different: every 5.x.x is hard except mailbox
//!   full/quota, and 4.x.x or delayed is soft. Comparing our flag with
//!   sisimai's would grade the rule, not the reading. So the asserted hard/soft
//!   score applies the DESIGN rule to sisimai's expected result — class of the
//!   expected status, soft when sisimai's reason is `mailboxfull` (sisimai
//!   writes mailbox-full as `5.0.922` or `5.2.2`) — and compares our flag with
//!   that. Agreement with sisimai's own flag is printed, not asserted.
//!
//! Also checked: every line-ending variant (`line-endings/crlf`, `cr`) still
//! reads as a bounce; `rfc3834-*` are auto-replies and not bounces; ARF
//! complaints, success DSNs and `is-not-bounce-*` are not bounces.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use carousel::understand::{Context, Kind, understand};
use serde_json::Value;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpora/bounces")
}

fn expected() -> BTreeMap<String, Vec<Value>> {
    let text = std::fs::read_to_string(corpus().join("expected.json"))
        .expect("tests/corpora/bounces/expected.json");
    serde_json::from_str(&text).expect("expected.json is a JSON object")
}

/// What sisimai says a file is, from the reasons of its entries.
#[derive(Debug, PartialEq, Clone, Copy)]
enum Expect {
    Bounce,
    AutoReply,
    Complaint,
    Delivered,
    NotABounce,
}

fn expectation(entries: &[Value]) -> Expect {
    let reason = |r: &str| entries.iter().any(|e| e["reason"] == r);
    if entries.is_empty() {
        Expect::NotABounce
    } else if reason("vacation") {
        Expect::AutoReply
    } else if reason("feedback") {
        Expect::Complaint
    } else if reason("delivered") {
        Expect::Delivered
    } else {
        Expect::Bounce
    }
}

/// DESIGN rule applied to sisimai's expected entry (see the module comment).
fn design_hard(entry: &Value) -> bool {
    let status = entry["status"].as_str().unwrap_or("");
    status.starts_with('5') && status != "5.2.2" && entry["reason"] != "mailboxfull"
}

struct Score {
    right: usize,
    total: usize,
}

impl Score {
    fn new() -> Self {
        Score { right: 0, total: 0 }
    }
    fn add(&mut self, ok: bool) {
        self.total += 1;
        self.right += usize::from(ok);
    }
    fn pct(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            100.0 * self.right as f64 / self.total as f64
        }
    }
    fn show(&self, what: &str) -> String {
        format!(
            "{what:<58} {:>4}/{:<4} {:6.2} %",
            self.right,
            self.total,
            self.pct()
        )
    }
}

#[test]
fn sisimai_corpus_statuses_and_hardness_match() {
    let expected = expected();
    let ctx = Context::default();
    let verbose = std::env::var_os("BOUNCE_DEBUG").is_some();

    let mut detected = Score::new();
    let mut status_in_raw = Score::new();
    let mut status_all = Score::new();
    let mut hard_design = Score::new();
    let mut hard_sisimai = Score::new();
    let mut count = Score::new();
    let mut wrong_kind = Vec::new();
    let mut parsed_bounces = 0usize;
    let mut bytes = 0usize;
    let started = Instant::now();

    for (name, entries) in &expected {
        let raw = std::fs::read(corpus().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        bytes += raw.len();
        let u = understand(&raw, &ctx);
        let expect = expectation(entries);
        match expect {
            Expect::Bounce => {
                detected.add(u.kind == Kind::Bounce);
                if u.kind != Kind::Bounce {
                    println!("MISSED {name}: expected bounce, got {:?}", u.kind);
                }
                parsed_bounces += usize::from(u.kind == Kind::Bounce);
                count.add(u.bounces.len() == entries.len());
                if verbose && u.bounces.len() != entries.len() {
                    println!(
                        "COUNT {name}: expected {}, got {:?}",
                        entries.len(),
                        u.bounces.iter().map(|b| &b.recipient).collect::<Vec<_>>()
                    );
                }
                for (i, entry) in entries.iter().enumerate() {
                    let ours = u.bounces.get(i);
                    let want = entry["status"].as_str().unwrap_or("");
                    let got = ours.and_then(|b| b.status.as_deref());
                    let same = got == Some(want);
                    status_all.add(same);
                    if entry["status_in_raw"] == true {
                        status_in_raw.add(same);
                        if verbose && !same {
                            println!("STATUS {name}[{i}]: expected {want}, got {got:?}");
                        }
                    }
                    let hard = ours.is_some_and(|b| b.hard);
                    hard_design.add(ours.is_some() && hard == design_hard(entry));
                    hard_sisimai.add(ours.is_some() && hard == (entry["hard"] == true));
                    if verbose && ours.is_some() && hard != design_hard(entry) {
                        println!(
                            "HARD {name}[{i}]: expected {} ({want} {}), got {hard} ({got:?})",
                            design_hard(entry),
                            entry["reason"]
                        );
                    }
                }
            }
            Expect::AutoReply => {
                if u.kind != Kind::AutoReply {
                    wrong_kind.push(format!("{name}: expected auto_reply, got {:?}", u.kind));
                }
            }
            Expect::Complaint | Expect::Delivered | Expect::NotABounce => {
                if matches!(u.kind, Kind::Bounce | Kind::AutoReply) {
                    wrong_kind.push(format!(
                        "{name}: expected neither bounce nor auto-reply ({expect:?}), got {:?}",
                        u.kind
                    ));
                }
            }
        }
    }
    let elapsed = started.elapsed();

    println!("{}", detected.show("bounce files read as bounces"));
    println!(
        "{}",
        count.show("bounce files with the expected number of recipients")
    );
    println!(
        "{}",
        status_in_raw.show("status == expected (status_in_raw entries)")
    );
    println!(
        "{}",
        status_all.show("status == expected (all entries, incl. invented codes)")
    );
    println!(
        "{}",
        hard_design.show("hard/soft == DESIGN rule on expected result")
    );
    println!(
        "{}",
        hard_sisimai.show("hard/soft == sisimai's own hardbounce flag (info)")
    );
    println!(
        "throughput: {} files ({:.1} MiB, {parsed_bounces} bounces) in {:.3} s = {:.0} messages/s (debug build unless --release)",
        expected.len(),
        bytes as f64 / (1024.0 * 1024.0),
        elapsed.as_secs_f64(),
        expected.len() as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    for w in &wrong_kind {
        println!("KIND {w}");
    }

    assert!(
        wrong_kind.is_empty(),
        "{} files of the wrong kind:\n{}",
        wrong_kind.len(),
        wrong_kind.join("\n")
    );
    assert!(
        status_in_raw.pct() >= 95.0,
        "status below 95 %: {}",
        status_in_raw.show("status_in_raw")
    );
    assert!(
        hard_design.pct() >= 95.0,
        "hard/soft below 95 %: {}",
        hard_design.show("hard")
    );
}

#[test]
fn line_ending_variants_still_read_as_bounces() {
    let expected = expected();
    let variants: BTreeMap<String, String> = serde_json::from_str(
        &std::fs::read_to_string(corpus().join("line-endings/variants.json"))
            .expect("variants.json"),
    )
    .expect("variants.json is a JSON object");
    assert!(!variants.is_empty());
    let mut failures = Vec::new();
    for (variant, twin) in &variants {
        let want = expectation(expected.get(twin).map(Vec::as_slice).unwrap_or(&[]));
        let raw = std::fs::read(corpus().join("line-endings").join(variant)).expect("variant file");
        let u = understand(&raw, &Context::default());
        let twin_raw = std::fs::read(corpus().join(twin)).expect("twin file");
        let twin_u = understand(&twin_raw, &Context::default());
        let ok = match want {
            Expect::Bounce => u.kind == Kind::Bounce,
            Expect::AutoReply => u.kind == Kind::AutoReply,
            _ => !matches!(u.kind, Kind::Bounce | Kind::AutoReply),
        };
        if !ok {
            failures.push(format!("{variant}: expected {want:?}, got {:?}", u.kind));
        }
        // The variant must read like its LF twin, code for code.
        let codes = |u: &carousel::understand::Understanding| {
            u.bounces
                .iter()
                .map(|b| (b.status.clone(), b.hard))
                .collect::<Vec<_>>()
        };
        if codes(&u) != codes(&twin_u) {
            failures.push(format!(
                "{variant}: {:?} differs from its LF twin {:?}",
                codes(&u),
                codes(&twin_u)
            ));
        }
    }
    println!("{} line-ending variants checked", variants.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
