//! Lead-extraction throughput: the lead fixtures (and the lead junk fixtures)
//! repeated to 10,000 messages, understood one after the other on one thread.
//!
//! Run with `cargo run --release --example lead_bench`. Prints messages per
//! second for the whole `understand()` (MIME parsing included) and for
//! `lead::extract` alone on already-parsed messages.

use std::path::Path;
use std::time::Instant;

use carousel::understand::{Context, body, envelope_of, lead, understand};
use mail_parser::MessageParser;

const TARGET: usize = 10_000;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut raws: Vec<Vec<u8>> = Vec::new();
    for (dir, prefix) in [("leads", ""), ("other", "lead_junk_")] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        for f in files {
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if name.ends_with(".eml") && name.starts_with(prefix) {
                raws.push(std::fs::read(&f).expect("readable fixture"));
            }
        }
    }
    assert!(!raws.is_empty(), "no fixtures under {}", root.display());
    let ctx = Context::default();
    let bytes: usize = (0..TARGET).map(|i| raws[i % raws.len()].len()).sum();

    let start = Instant::now();
    let mut leads = 0usize;
    for i in 0..TARGET {
        leads += understand(&raws[i % raws.len()], &ctx).leads.len();
    }
    let full = start.elapsed();

    let parsed: Vec<_> = raws
        .iter()
        .map(|r| MessageParser::default().parse(r).expect("parseable"))
        .collect();
    let prepared: Vec<_> = parsed
        .iter()
        .map(|m| (envelope_of(m), body::best_text(m)))
        .collect();
    let start = Instant::now();
    let mut extracted = 0usize;
    for i in 0..TARGET {
        let k = i % parsed.len();
        extracted += lead::extract(&parsed[k], &prepared[k].0, &prepared[k].1, &ctx)
            .leads
            .len();
    }
    let only = start.elapsed();

    println!(
        "fixtures: {} distinct, repeated to {TARGET} messages ({:.1} MiB)",
        raws.len(),
        bytes as f64 / 1_048_576.0
    );
    println!(
        "understand(): {:.2} s, {:.0} messages/s, {leads} leads",
        full.as_secs_f64(),
        TARGET as f64 / full.as_secs_f64()
    );
    println!(
        "lead::extract only: {:.2} s, {:.0} messages/s, {extracted} leads",
        only.as_secs_f64(),
        TARGET as f64 / only.as_secs_f64()
    );
}
