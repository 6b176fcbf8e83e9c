//! The BLIND measurement: understanding on mail the rule writers have never
//! seen (`tests/fixtures/blind/**` and the reply corpora marked blind in
//! `tests/corpora/*/README.md`). Nobody tunes rules on these files; they
//! measure how carousel reads other people's mail.
//!
//! Each `NAME.eml` has a `NAME.json` next to it holding only the `inspect`
//! keys that matter, as in `tests/fixtures.rs`. The test prints a table
//! labelled BLIND (`cargo test --test blind -- --nocapture`) with the
//! failures listed, and asserts:
//!
//! * invariants that hold whatever the rules: no panic, every `other`
//!   carries a non-empty reason, no blind lead is `other` without a reason;
//! * accuracy floors (the constants below) as a regression guard.

mod common;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use carousel::understand::reply::{StripOptions, strip::strip};
use carousel::understand::{Context, Kind, Understanding, understand};
use common::{eml_files, normalize, values_match};
use serde_json::Value;

// Accuracy floors (shares 0.0..=1.0), checked on batches 1 and 2 together
// (and on the reply corpora). Raised on 2026-12-02 to a little below the
// figures measured after the fourth round of issue-13 rule changes, so a later
// change that reads unseen mail worse fails here. They are regression guards,
// not the targets: the table printed by this test shows how far each
// figure is from those.
const FLOOR_LEAD_KIND: f64 = 0.92;
const FLOOR_LEAD_FIELDS: f64 = 0.87;
const FLOOR_LEAD_EMAIL: f64 = 0.91;
const FLOOR_LEAD_PHONE: f64 = 0.9;
const FLOOR_LEAD_NAME: f64 = 0.85;
const FLOOR_LEAD_COMPANY: f64 = 0.9;
const FLOOR_LEAD_INTEREST: f64 = 0.86;
const FLOOR_LEAD_TIMELINE: f64 = 0.81;
const FLOOR_REPLY_KIND: f64 = 0.99;
const FLOOR_INTENT: f64 = 0.83;
const FLOOR_REPLY_TEXT: f64 = 0.91;
const FLOOR_REFERRAL: f64 = 0.95;
const FLOOR_AUTO_REPLY_KIND: f64 = 0.9;
const FLOOR_OTHER_KIND: f64 = 0.94;
const FLOOR_TRIM_MAILPARSERREPLY: f64 = 0.74;
const FLOOR_TRIM_EMAILREPLYPARSER: f64 = 0.85;

// Batch 3 (`b3_*`) floors, checked on batch 3's own rows. Set on 2026-12-02
// a little below batch 3's baseline (main at 8851cea, before the third round
// of issue-13 rule changes), recorded in tests/fixtures/blind/README.md;
// raised after the fourth round to a little below its figures.
const BATCH3_FLOORS: &[(&str, f64)] = &[
    ("lead kind", 0.92),
    ("lead fields (all but kind)", 0.82),
    ("lead email", 0.92),
    ("lead phone", 0.9),
    ("lead name", 0.8),
    ("lead company", 0.8),
    ("lead interest", 0.83),
    ("lead timeline", 0.64),
    ("reply kind", 0.97),
    ("intent", 0.77),
    ("reply_text", 0.87),
    ("referral_email", 0.94),
    ("auto_reply kind", 0.9),
    ("other kind", 0.74),
];

// Batch 4 (`b4_*`) floors, checked on batch 4's own rows. Set on 2026-12-02
// a little below batch 4's baseline (main at ee470fd, after the third round
// of issue-13 rule changes and before the fourth), recorded in
// tests/fixtures/blind/README.md; raised after the fourth round to a little
// below its figures.
const BATCH4_FLOORS: &[(&str, f64)] = &[
    ("lead kind", 0.88),
    ("lead fields (all but kind)", 0.83),
    ("lead email", 0.9),
    ("lead phone", 0.86),
    ("lead name", 0.88),
    ("lead company", 0.8),
    ("lead interest", 0.84),
    ("lead timeline", 0.67),
    ("reply kind", 0.97),
    ("intent", 0.86),
    ("reply_text", 0.84),
    ("referral_email", 0.97),
    ("auto_reply kind", 0.92),
    ("other kind", 0.9),
];

// Batch 5 (`b5_*`) floors, checked on batch 5's own rows. Batch 5 was written
// before the fifth round of issue-13 rule changes, by someone who did not read
// the rules, and no rule writer has seen it; set on 2026-12-02 a little below
// its figures after the fifth round (its baseline is in the blind README).
const BATCH5_FLOORS: &[(&str, f64)] = &[
    ("lead kind", 0.81),
    ("lead fields (all but kind)", 0.67),
    ("lead email", 0.8),
    ("lead phone", 0.7),
    ("lead name", 0.54),
    ("lead company", 0.7),
    ("lead interest", 0.6),
    ("lead timeline", 0.62),
    ("reply kind", 0.97),
    ("intent", 0.69),
    ("reply_text", 0.87),
    ("referral_email", 0.94),
    ("auto_reply kind", 0.95),
    ("other kind", 0.7),
];

// Batch 6 (`b6_*`) floors, checked on batch 6's own rows. Batch 6 was written
// and merged before any sixth-round rule reached main, by someone who did not
// read the rules; no rule writer has read it. Set on 2026-12-02 a little below
// its figures after the sixth round (its baseline is in the blind README).
const BATCH6_FLOORS: &[(&str, f64)] = &[
    ("lead kind", 0.85),
    ("lead fields (all but kind)", 0.74),
    ("lead email", 0.89),
    ("lead phone", 0.8),
    ("lead name", 0.76),
    ("lead company", 0.78),
    ("lead interest", 0.72),
    ("lead timeline", 0.48),
    ("reply kind", 0.97),
    ("intent", 0.7),
    ("reply_text", 0.7),
    ("referral_email", 0.97),
    ("auto_reply kind", 0.88),
    ("other kind", 0.7),
];

// Batch 7 (`b7_*`) floors: a little under the seventh round's figures on it
// (written after the sixth round and before the seventh, by someone who did
// not read the rules; never tuned on). Its baseline is in the blind README.
const BATCH7_FLOORS: &[(&str, f64)] = &[
    ("lead kind", 0.87),
    ("lead fields (all but kind)", 0.79),
    ("lead email", 0.87),
    ("lead phone", 0.83),
    ("lead name", 0.78),
    ("lead company", 0.74),
    ("lead interest", 0.76),
    ("lead timeline", 0.75),
    ("reply kind", 0.97),
    ("intent", 0.93),
    ("reply_text", 0.97),
    ("referral_email", 0.97),
    ("auto_reply kind", 0.97),
    ("other kind", 0.9),
];

/// The batches with floors of their own, checked on their own rows.
const BATCH_FLOORS: &[(&str, &[(&str, f64)])] = &[
    ("batch 3", BATCH3_FLOORS),
    ("batch 4", BATCH4_FLOORS),
    ("batch 5", BATCH5_FLOORS),
    ("batch 6", BATCH6_FLOORS),
    ("batch 7", BATCH7_FLOORS),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// One leaf comparison: (field path, right, "expected …, got …").
type Check = (String, bool, String);

fn compare(prefix: &str, expected: &Value, actual: &Value, out: &mut Vec<Check>) {
    if let Value::Object(map) = expected {
        for (key, exp) in map {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            let act = actual.get(key).unwrap_or(&Value::Null);
            if exp.is_object() {
                compare(&path, exp, act, out);
            } else {
                out.push((
                    path,
                    values_match(exp, act),
                    format!("expected {exp}, got {}", cut_value(act)),
                ));
            }
        }
    } else {
        out.push((
            prefix.to_string(),
            values_match(expected, actual),
            format!("expected {expected}, got {}", cut_value(actual)),
        ));
    }
}

fn cut_value(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{:?}", cut(s)),
        other => other.to_string(),
    }
}

fn cut(s: &str) -> String {
    let n = normalize(s);
    if n.chars().count() > 140 {
        format!("{}…", n.chars().take(140).collect::<String>())
    } else {
        n
    }
}

/// Right / total for one row of the table, with its failures.
#[derive(Default)]
struct Row {
    right: usize,
    total: usize,
    misses: Vec<String>,
}

impl Row {
    fn add(&mut self, ok: bool, miss: impl FnOnce() -> String) {
        self.total += 1;
        if ok {
            self.right += 1;
        } else {
            let miss = miss();
            if !miss.is_empty() {
                self.misses.push(miss);
            }
        }
    }

    fn share(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.right as f64 / self.total as f64
        }
    }
}

/// Why an `other` understanding is `other`: the understanding's note or the
/// `reasons` `inspect` prints, whichever the rules fill.
fn other_reason(u: &Understanding, line: &Value) -> Option<String> {
    if let Some(note) = u.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        return Some(note.to_string());
    }
    match &line["reasons"] {
        Value::Array(items) if !items.is_empty() => Some(Value::Array(items.clone()).to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// Which table row a field of a file in `folder` counts in.
fn row_name(folder: &str, field: &str) -> Option<&'static str> {
    Some(match (folder, field) {
        ("leads", "kind") => "lead kind",
        ("leads", "contact.email") => "lead email",
        ("leads", "contact.phone") => "lead phone",
        ("leads", "contact.name") => "lead name",
        ("leads", "contact.company") => "lead company",
        ("leads", "interest") => "lead interest",
        ("leads", "timeline") => "lead timeline",
        ("leads", "count") => "lead count (CSV)",
        ("leads", _) => "lead other keys",
        ("replies", "kind") => "reply kind",
        ("replies", "intent") => "intent",
        ("replies", "reply_text") => "reply_text",
        ("replies", "referral_email") => "referral_email",
        ("replies", _) => "reply other keys",
        ("autoreplies", "kind") => "auto_reply kind",
        ("autoreplies", _) => "auto_reply other keys",
        ("other", "kind") => "other kind",
        ("other", _) => "other other keys",
        _ => return None,
    })
}

/// The rows in print order, with their floors.
const ROWS: &[(&str, f64)] = &[
    ("lead kind", FLOOR_LEAD_KIND),
    ("lead fields (all but kind)", FLOOR_LEAD_FIELDS),
    ("lead email", FLOOR_LEAD_EMAIL),
    ("lead phone", FLOOR_LEAD_PHONE),
    ("lead name", FLOOR_LEAD_NAME),
    ("lead company", FLOOR_LEAD_COMPANY),
    ("lead interest", FLOOR_LEAD_INTEREST),
    ("lead timeline", FLOOR_LEAD_TIMELINE),
    ("lead count (CSV)", 0.0),
    ("lead other keys", 0.0),
    ("reply kind", FLOOR_REPLY_KIND),
    ("intent", FLOOR_INTENT),
    ("reply_text", FLOOR_REPLY_TEXT),
    ("referral_email", FLOOR_REFERRAL),
    ("reply other keys", 0.0),
    ("auto_reply kind", FLOOR_AUTO_REPLY_KIND),
    ("auto_reply other keys", 0.0),
    ("other kind", FLOOR_OTHER_KIND),
    ("other other keys", 0.0),
    ("trim mail-parser-reply", FLOOR_TRIM_MAILPARSERREPLY),
    ("trim EmailReplyParser", FLOOR_TRIM_EMAILREPLYPARSER),
];

/// Which batch a blind fixture belongs to: files named `b2_*` are batch 2
/// (written before the second round of rule changes), `b3_*` batch 3
/// (written before the third round), `b4_*` batch 4 (written after the
/// third round, before the fourth), `b5_*` batch 5 (written after the fourth
/// round, before the fifth), `b6_*` batch 6 (written after the fifth round,
/// before the sixth), `b7_*` batch 7 (written after the sixth round, before
/// the seventh; no floors until it has been measured), all others batch 1.
fn batch_of(file_name: &str) -> &'static str {
    if file_name.starts_with("b7_") {
        "batch 7"
    } else if file_name.starts_with("b6_") {
        "batch 6"
    } else if file_name.starts_with("b5_") {
        "batch 5"
    } else if file_name.starts_with("b4_") {
        "batch 4"
    } else if file_name.starts_with("b3_") {
        "batch 3"
    } else if file_name.starts_with("b2_") {
        "batch 2"
    } else {
        "batch 1"
    }
}

/// The batches the floors in `ROWS` guard (with the reply corpora): batches
/// 3 and 4 have floors of their own (`BATCH_FLOORS`), so adding them moved
/// no old floor.
const FLOORED_WITH_ROWS: &[&str] = &["batch 1", "batch 2"];

/// Rows per batch (counts only; the misses are listed once, in the totals).
type BatchRows = BTreeMap<&'static str, BTreeMap<&'static str, Row>>;

/// (right, total) of one row summed over some batches; None when none of
/// them has that row.
fn combined(batches: &BatchRows, names: &[&str], row: &str) -> Option<(usize, usize)> {
    let mut found = None;
    for name in names {
        if let Some(r) = batches.get(name).and_then(|b| b.get(row)) {
            let (right, total) = found.unwrap_or((0, 0));
            found = Some((right + r.right, total + r.total));
        }
    }
    found
}

/// Understands every blind fixture; fills the rows (totals and per batch)
/// and the invariant breaches.
fn measure_fixtures(
    rows: &mut BTreeMap<&'static str, Row>,
    batches: &mut BatchRows,
    breaches: &mut Vec<String>,
) -> usize {
    let blind = root().join("fixtures/blind");
    let ctx = Context {
        own_message_id_domains: vec!["carousel.acme.example".into()],
        ..Context::default()
    };
    let files = eml_files(&blind);
    let mut measured = 0;
    for file in &files {
        let rel = file.strip_prefix(&blind).unwrap().display().to_string();
        let folder = rel.split('/').next().unwrap_or_default().to_string();
        let raw = std::fs::read(file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let batch = batch_of(&name);
        let run = catch_unwind(AssertUnwindSafe(|| {
            let u = understand(&raw, &ctx);
            let lines = carousel::inspect::lines(&name, &u);
            (u, lines)
        }));
        let Ok((u, lines)) = run else {
            breaches.push(format!("{rel}: understanding panicked"));
            continue;
        };
        if u.kind == Kind::Other && other_reason(&u, &lines[0]).is_none() {
            breaches.push(format!("{rel}: other without a reason"));
        }
        let Ok(text) = std::fs::read_to_string(file.with_extension("json")) else {
            continue;
        };
        let expected: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: bad expectation: {e}"));
        measured += 1;
        batches
            .entry(batch)
            .or_default()
            .entry("fixtures")
            .or_default()
            .add(true, String::new);
        let expected = match expected {
            Value::Array(items) => items,
            one => vec![one],
        };
        let mut checks = Vec::new();
        if expected.len() != lines.len() {
            checks.push((
                "count".to_string(),
                false,
                format!("expected {} objects, got {}", expected.len(), lines.len()),
            ));
        }
        for (exp, act) in expected.iter().zip(lines.iter()) {
            compare("", exp, act, &mut checks);
        }
        for (field, ok, detail) in checks {
            let Some(row) = row_name(&folder, &field) else {
                continue;
            };
            let miss = || format!("{rel}: {field}: {detail}");
            let per_batch = batches.entry(batch).or_default();
            if folder == "leads" && field != "kind" {
                // Counted only: each miss is listed under its own field.
                rows.entry("lead fields (all but kind)")
                    .or_default()
                    .add(ok, String::new);
                per_batch
                    .entry("lead fields (all but kind)")
                    .or_default()
                    .add(ok, String::new);
            }
            per_batch.entry(row).or_default().add(ok, String::new);
            rows.entry(row).or_default().add(ok, miss);
        }
    }
    measured
}

/// (case name, body, expectation) of one blind reply corpus: `expected.json`
/// maps a file under `emails/` to `{"text": …}` (the whole new text) or
/// `{"contains": […], "absent": […]}` (fragments upstream asserts).
fn corpus_cases(dir: &str) -> Vec<(String, String, Value)> {
    let dir = root().join("corpora").join(dir);
    let Ok(text) = std::fs::read_to_string(dir.join("expected.json")) else {
        return Vec::new();
    };
    let Value::Object(map) = serde_json::from_str::<Value>(&text).expect("expected.json") else {
        panic!("{}: expected.json is not an object", dir.display())
    };
    map.into_iter()
        .filter(|(file, _)| !file.starts_with('_'))
        .map(|(file, exp)| {
            let body = std::fs::read(dir.join("emails").join(&file))
                .unwrap_or_else(|e| panic!("{}/{file}: {e}", dir.display()));
            (file, String::from_utf8_lossy(&body).into_owned(), exp)
        })
        .collect()
}

/// Whether stripped text `got` meets expectation `exp`.
fn trimmed_right(got: &str, exp: &Value) -> bool {
    let got_n = normalize(got);
    if let Some(text) = exp["text"].as_str() {
        return got_n == normalize(text);
    }
    let has = |key: &str, want: bool| {
        exp[key].as_array().is_none_or(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .all(|f| got_n.contains(&normalize(f)) == want)
        })
    };
    has("contains", true) && has("absent", false)
}

fn measure_corpus(
    dir: &str,
    options: StripOptions,
    row: &'static str,
    rows: &mut BTreeMap<&'static str, Row>,
    breaches: &mut Vec<String>,
) {
    for (file, body, exp) in corpus_cases(dir) {
        let Ok(got) = catch_unwind(|| strip(&body, options).text) else {
            breaches.push(format!("{dir}/{file}: stripping panicked"));
            continue;
        };
        rows.entry(row)
            .or_default()
            .add(trimmed_right(&got, &exp), || {
                format!("{dir}/{file}: expected {exp}, got {:?}", cut(&got))
            });
    }
}

#[test]
fn blind_set_is_measured() {
    let mut rows: BTreeMap<&'static str, Row> = BTreeMap::new();
    let mut batches = BatchRows::new();
    let mut breaches = Vec::new();
    let fixtures = measure_fixtures(&mut rows, &mut batches, &mut breaches);
    measure_corpus(
        "replies-mailparserreply",
        // mail-parser-reply's `body` drops sign-offs and signatures: DESIGN.md's convention.
        StripOptions::DESIGN,
        "trim mail-parser-reply",
        &mut rows,
        &mut breaches,
    );
    measure_corpus(
        "replies-emailreplyparser",
        // EmailReplyParser keeps a bare sign-off name, as the tuned corpora do.
        StripOptions::CORPUS,
        "trim EmailReplyParser",
        &mut rows,
        &mut breaches,
    );

    println!("\n===== BLIND: held-out mail, never tuned on =====");
    // Per-file misses show expected values: printed only on request, so that a
    // rule writer reading the totals does not see what the held-out mail says.
    if std::env::var_os("CAROUSEL_BLIND_MISSES").is_some() {
        for (name, _) in ROWS {
            if let Some(row) = rows.get(name) {
                for miss in &row.misses {
                    println!("BLIND MISS [{name}] {miss}");
                }
            }
        }
    } else {
        println!("(per-file misses: set CAROUSEL_BLIND_MISSES=1)");
    }
    println!("\nBLIND {:<28} {:>9}  {:>6}", "measure", "right", "share");
    for (name, _) in ROWS {
        let Some(row) = rows.get(name) else {
            continue;
        };
        println!(
            "BLIND {name:<28} {:>4}/{:<4}  {:>6.3}",
            row.right,
            row.total,
            row.share()
        );
    }
    println!("BLIND {fixtures} fixtures with expectations");
    let mut below = Vec::new();
    // The floors in ROWS guard batches 1 and 2 together (and the reply
    // corpora, which belong to no batch), as they did before batch 3 came.
    println!(
        "\nBLIND[batches 1+2] {:<28} {:>9}  {:>6}",
        "measure", "right", "share"
    );
    for (name, floor) in ROWS {
        let row = combined(&batches, FLOORED_WITH_ROWS, name).or_else(|| {
            rows.get(name)
                .filter(|_| name.starts_with("trim "))
                .map(|r| (r.right, r.total))
        });
        let Some((right, total)) = row else {
            continue;
        };
        let share = right as f64 / total.max(1) as f64;
        println!("BLIND[batches 1+2] {name:<28} {right:>4}/{total:<4}  {share:>6.3}");
        if share < *floor {
            below.push(format!(
                "{name} (batches 1+2): {share:.3} < floor {floor:.3}"
            ));
        }
    }
    // The same rows per batch, so each batch's figures stay comparable with
    // the baseline recorded for it in tests/fixtures/blind/README.md.
    for (batch, batch_rows) in &batches {
        println!(
            "\nBLIND[{batch}] {:<28} {:>9}  {:>6}",
            "measure", "right", "share"
        );
        for (name, _) in ROWS {
            if let Some(row) = batch_rows.get(name) {
                println!(
                    "BLIND[{batch}] {name:<28} {:>4}/{:<4}  {:>6.3}",
                    row.right,
                    row.total,
                    row.share()
                );
            }
        }
        let files = batch_rows.get("fixtures").map_or(0, |r| r.total);
        println!("BLIND[{batch}] {files} fixtures with expectations");
    }
    for (batch, floors) in BATCH_FLOORS {
        let Some(batch_rows) = batches.get(batch) else {
            continue;
        };
        for (name, floor) in *floors {
            let share = batch_rows.get(name).map_or(0.0, Row::share);
            if share < *floor {
                below.push(format!("{name} ({batch}): {share:.3} < floor {floor:.3}"));
            }
        }
    }
    for b in &breaches {
        println!("BLIND BREACH {b}");
    }
    println!("===== end BLIND =====\n");
    assert!(fixtures > 0, "no blind fixtures found");
    assert!(
        breaches.is_empty(),
        "blind invariants broken:\n{}",
        breaches.join("\n")
    );
    assert!(
        below.is_empty(),
        "blind accuracy below its floor:\n{}",
        below.join("\n")
    );
}
