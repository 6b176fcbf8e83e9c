//! Bounces parsed per second on the sisimai corpus.
//!
//! `cargo run --release --example bounce_bench [DIR]` (default
//! `tests/corpora/bounces`). Every file goes through the whole
//! `understand()` pipeline (MIME parse, bounce, auto-reply, ...), best of
//! five rounds. Compare with `bench/flufl_bounce.py`.

use std::time::Instant;

use carousel::understand::{Context, Kind, understand};

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpora/bounces").to_string()
    });
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort();
    let raws: Vec<Vec<u8>> = files.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    let bytes: usize = raws.iter().map(Vec::len).sum();
    let ctx = Context::default();
    let mut best = f64::MAX;
    let mut bounces = 0;
    for _ in 0..5 {
        let start = Instant::now();
        bounces = raws
            .iter()
            .filter(|raw| understand(raw, &ctx).kind == Kind::Bounce)
            .count();
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "carousel: {} files ({:.1} MiB) in {best:.3} s = {:.0} messages/s, {:.1} MiB/s (best of 5); {bounces} read as bounces",
        raws.len(),
        bytes as f64 / 1048576.0,
        raws.len() as f64 / best,
        bytes as f64 / 1048576.0 / best
    );
}
