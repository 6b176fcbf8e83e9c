//! Snapshot-style checks of understanding over `tests/fixtures/**.eml`.
//!
//! Each `NAME.eml` has a `NAME.json` next to it: the expected `inspect` output
//! (an object, or an array of objects for a multi-lead CSV). Only the keys the
//! expectation names are compared, so a fixture states what matters about it.
//! Per folder and field the accuracy is printed; `kind` and `contact.email`
//! must be right on every fixture, every other field on at least 90 %.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use carousel::understand::{Context, understand};
use common::{eml_files, values_match};
use serde_json::Value;

/// Compares `expected` against `actual`, recording one tally per leaf key.
fn compare(
    prefix: &str,
    expected: &Value,
    actual: &Value,
    tally: &mut Vec<(String, bool, String)>,
) {
    match expected {
        Value::Object(map) => {
            for (key, exp) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                let act = actual.get(key).unwrap_or(&Value::Null);
                if exp.is_object() && act.is_object() {
                    compare(&path, exp, act, tally);
                } else {
                    let ok = values_match(exp, act);
                    tally.push((path, ok, format!("expected {exp}, got {act}")));
                }
            }
        }
        _ => tally.push((
            prefix.to_string(),
            values_match(expected, actual),
            format!("expected {expected}, got {actual}"),
        )),
    }
}

#[test]
fn fixtures_are_understood() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    // Fixtures with an expectation next to them; `blind/` is held out
    // (tests/blind.rs measures it).
    let files: Vec<_> = eml_files(&root)
        .into_iter()
        .filter(|p| !p.starts_with(root.join("blind")))
        .filter(|p| p.with_extension("json").exists())
        .collect();
    let ctx = Context {
        own_message_id_domains: vec!["carousel.acme.example".into()],
        ..Context::default()
    };
    // (folder, field) -> (right, total)
    let mut score: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for file in &files {
        let folder = file
            .parent()
            .unwrap()
            .strip_prefix(&root)
            .unwrap()
            .display()
            .to_string();
        let raw = std::fs::read(file).unwrap();
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(file.with_extension("json")).unwrap())
                .unwrap_or_else(|e| panic!("{}: bad expectation: {e}", file.display()));
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let actual = carousel::inspect::lines(&name, &understand(&raw, &ctx));
        let expected = match expected {
            Value::Array(items) => items,
            one => vec![one],
        };
        let mut tally = Vec::new();
        if expected.len() != actual.len() {
            tally.push((
                "count".into(),
                false,
                format!("expected {} objects, got {}", expected.len(), actual.len()),
            ));
        }
        for (exp, act) in expected.iter().zip(actual.iter()) {
            compare("", exp, act, &mut tally);
        }
        for (field, ok, detail) in tally {
            let entry = score.entry((folder.clone(), field.clone())).or_default();
            entry.1 += 1;
            if ok {
                entry.0 += 1;
            } else {
                failures.push(format!(
                    "{}: {field}: {detail}",
                    file.strip_prefix(&root).unwrap().display()
                ));
            }
        }
    }
    for f in &failures {
        println!("MISS {f}");
    }
    let mut below = Vec::new();
    for ((folder, field), (right, total)) in &score {
        let pct = 100.0 * *right as f64 / *total as f64;
        println!("{folder:<14} {field:<20} {right:>4}/{total:<4} {pct:5.1} %");
        let must = if field == "kind" || field == "contact.email" || field == "count" {
            100.0
        } else {
            90.0
        };
        if pct < must {
            below.push(format!("{folder} {field}: {pct:.1} % < {must} %"));
        }
    }
    println!("{} fixtures", files.len());
    assert!(below.is_empty(), "below target:\n{}", below.join("\n"));
}
