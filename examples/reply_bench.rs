//! Reply understanding throughput, one thread: every reply fixture and every
//! body of the public reply corpora (wrapped as an answer to a campaign
//! email) through `understand`, several rounds. Prints messages per second.
//!
//! `cargo run --release --example reply_bench [ROUNDS]`

use std::path::Path;
use std::time::Instant;

fn wrap(body: &str, i: usize) -> Vec<u8> {
    format!(
        "From: Person {i} <person{i}@customer.example>\r\nTo: Dana Reyes <dana@acme.example>\r\n\
         Subject: Re: Solar panels for your roof\r\nDate: Mon, 01 Dec 2026 09:00:00 +0000\r\n\
         Message-ID: <bench-{i}@customer.example>\r\nIn-Reply-To: <enr-{i}.step-1@carousel.acme.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}"
    )
    .into_bytes()
}

fn main() -> anyhow::Result<()> {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut corpus: Vec<Vec<u8>> = Vec::new();
    for entry in std::fs::read_dir(root.join("fixtures/replies"))? {
        let p = entry?.path();
        if p.extension().is_some_and(|e| e == "eml") {
            corpus.push(std::fs::read(&p)?);
        }
    }
    for dir in [
        "corpora/replies-discourse/emails",
        "corpora/replies-crisp/fixtures",
        "corpora/replies-github/emails",
    ] {
        for entry in std::fs::read_dir(root.join(dir))? {
            let p = entry?.path();
            let body = String::from_utf8_lossy(&std::fs::read(&p)?).into_owned();
            // The ReDoS cases measure worst cases, not throughput.
            if body.len() < 64 * 1024 {
                let i = corpus.len();
                corpus.push(wrap(&body, i));
            }
        }
    }
    let ctx = carousel::understand::Context {
        own_message_id_domains: vec!["carousel.acme.example".into()],
        ..Default::default()
    };
    for raw in &corpus {
        std::hint::black_box(carousel::understand::understand(raw, &ctx));
    }
    let start = Instant::now();
    for _ in 0..rounds {
        for raw in &corpus {
            std::hint::black_box(carousel::understand::understand(raw, &ctx));
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let n = rounds * corpus.len();
    println!(
        "reply understanding: {n} messages in {secs:.3} s = {:.0} msg/s ({} distinct)",
        n as f64 / secs,
        corpus.len()
    );
    Ok(())
}
