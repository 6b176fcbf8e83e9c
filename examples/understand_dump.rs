//! Sameness check and profiling loop for understanding-speed work.
//!
//! `cargo run --release --example understand_dump -- dump OUT.tsv` writes one
//! line per input: its path and a SHA-256 of everything understanding makes
//! of it (the `inspect --explain` JSON lines and the whole `Understanding`;
//! for the reply corpora, `strip` under both conventions and `reply::read`).
//! Inputs: every `.eml` under `tests/fixtures` and `tests/corpora`, and every
//! file under `tests/corpora/*/emails`. Only hashes are printed, so the blind
//! set can be compared before and after a change without anyone reading it:
//! `diff before.tsv after.tsv` must be empty for a change that only makes
//! understanding faster.
//!
//! `… -- show FILE` prints the JSON of one file (for files outside the blind set).
//!
//! `… -- loop N` understands the bench corpus (the fixtures of
//! `examples/bench.rs`, repeated to 10,000) N times on one thread, for `perf`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use carousel::understand::reply::{self, StripOptions, strip::strip};
use carousel::understand::{Context, understand};
use sha2::{Digest, Sha256};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("dump") => dump(Path::new(args.get(1).map_or("dump.tsv", |s| s))),
        Some("show") => {
            let file = args.get(1).ok_or_else(|| anyhow::anyhow!("show FILE"))?;
            anyhow::ensure!(!file.contains("/blind/"), "the blind set is not shown");
            println!("{}", describe(Path::new(file))?);
            Ok(())
        }
        Some("loop") => {
            let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
            profile_loop(n);
            Ok(())
        }
        _ => anyhow::bail!("usage: understand_dump dump OUT | show FILE | loop N"),
    }
}

fn dump(out: &Path) -> anyhow::Result<()> {
    let root = PathBuf::from(ROOT).join("tests");
    let mut files = Vec::new();
    walk(&root.join("fixtures"), &mut files);
    walk(&root.join("corpora"), &mut files);
    files.sort();
    let mut lines = String::new();
    for f in &files {
        let digest = Sha256::digest(describe(f)?.as_bytes());
        let rel = f.strip_prefix(ROOT).unwrap_or(f).display();
        lines.push_str(&format!("{rel}\t{}\n", hex::encode(digest)));
    }
    std::fs::write(out, lines)?;
    println!("{} inputs → {}", files.len(), out.display());
    Ok(())
}

/// Everything understanding makes of one input, as text.
fn describe(file: &Path) -> anyhow::Result<String> {
    let raw = std::fs::read(file)?;
    let in_emails = file
        .parent()
        .is_some_and(|p| p.file_name().is_some_and(|n| n == "emails"));
    if in_emails {
        let body = String::from_utf8_lossy(&raw);
        let design = strip(&body, StripOptions::DESIGN);
        let corpus = strip(&body, StripOptions::CORPUS);
        let read = reply::read(&body, None);
        return Ok(format!("{design:?}\n{corpus:?}\n{read:?}"));
    }
    let ctx = Context::default();
    let u = understand(&raw, &ctx);
    let lines = carousel::inspect::lines_with(&file.display().to_string(), &u, true);
    Ok(format!(
        "{}\n{}",
        serde_json::to_string(&lines)?,
        serde_json::to_string(&u)?
    ))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "eml")
            || p.parent()
                .is_some_and(|d| d.file_name().is_some_and(|n| n == "emails"))
        {
            out.push(p);
        }
    }
}

/// The corpus of `examples/bench.rs --only understand`, understood `n` times.
fn profile_loop(n: usize) {
    let mut files = Vec::new();
    for folder in ["leads", "replies", "bounces", "autoreplies", "other"] {
        let mut names: Vec<_> =
            std::fs::read_dir(PathBuf::from(ROOT).join("tests/fixtures").join(folder))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "eml"))
                .collect();
        names.sort();
        files.extend(names.into_iter().map(|p| std::fs::read(p).unwrap()));
    }
    let corpus: Vec<&Vec<u8>> = (0..10_000).map(|i| &files[i % files.len()]).collect();
    let ctx = Context::default();
    for round in 0..n {
        let t = Instant::now();
        for raw in &corpus {
            std::hint::black_box(understand(raw, &ctx));
        }
        let rate = corpus.len() as f64 / t.elapsed().as_secs_f64();
        println!("round {round}: {rate:.0} msg/s");
    }
}
