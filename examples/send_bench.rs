//! Send rate of the outbox through a private Postfix (→ Dovecot LMTP), next
//! to Postfix's own `smtp-source` in the same run. Prints figures; asserts
//! nothing about speed.
//!
//! `cargo run --release --example send_bench [N]` (N = 2000 by default; root,
//! Postfix and Dovecot installed as for the tests).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use carousel::config::Config;
use carousel::outbox::{self, OutboundEmail, Purpose};

const IMAP: u16 = 11443;
const SMTP: u16 = 11425;

fn maildir_count(base: &Path, user: &str) -> usize {
    let dir = base
        .join("mail/example.test")
        .join(user)
        .join("Maildir/new");
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

fn wait_delivered(base: &Path, user: &str, n: usize, start: Instant) -> Duration {
    let limit = Instant::now() + Duration::from_secs(300);
    while maildir_count(base, user) < n && Instant::now() < limit {
        std::thread::sleep(Duration::from_millis(20));
    }
    start.elapsed()
}

fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/tmp");
    let base = root.join(format!("send-bench-{}", std::process::id()));
    std::fs::create_dir_all(&root)?;
    let log = std::fs::File::create(root.join("send-bench.out"))?;
    let ok = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mailtest.sh"))
        .arg("start")
        .arg(&base)
        .env("IMAP_PORT", IMAP.to_string())
        .env("IMAPS_PORT", "0")
        .env("SMTP_PORT", SMTP.to_string())
        .env("WATCH_PID", std::process::id().to_string())
        .stdout(log.try_clone()?)
        .stderr(log)
        .status()?
        .success();
    anyhow::ensure!(
        ok,
        "mailtest.sh start failed: see target/tmp/send-bench.out"
    );

    let store_dir = base.join("store");
    let text = format!(
        "[store]\npath = \"{}\"\n[[mailbox]]\nname = \"m\"\nmaildir = \"{}\"\n[outbox]\nsmtp = {{ host = \"127.0.0.1\", port = {SMTP}, tls = \"none\" }}\nfrom = \"Acme <bench@example.test>\"\n[outbox.delivery]\nconcurrency = 8\nbatch = 256\n",
        store_dir.display(),
        base.join("inbox").display()
    );
    let config =
        Config::parse(&base.join("bench.toml"), &text).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let store = carousel::store::open_for(&config)?;
    let body = "Hello,\n\nthis is a nurture-sized message with a paragraph of text. ".repeat(20);
    for i in 0..n {
        outbox::enqueue(
            &store,
            OutboundEmail {
                message_id: outbox::message_id("bench.example.test", &["b", &i.to_string()]),
                to: vec!["sink-carousel@example.test".into()],
                from: None,
                reply_to: None,
                subject: format!("Bench message {i}"),
                text: body.clone(),
                html: Some(format!("<p>{body}</p>")),
                headers: vec![],
                in_reply_to: None,
                purpose: Purpose::TeamNote {
                    lead: i.to_string(),
                },
            },
        )?;
    }
    store.flush_sync()?;
    let size = {
        let r = outbox::record(
            &store,
            &outbox::message_id("bench.example.test", &["b", "0"]),
        )?
        .expect("record");
        let from = carousel::outbox::sender::parse_mailbox("Acme <bench@example.test>").unwrap();
        carousel::outbox::sender::build(&r.email, &from, None)?
            .1
            .len()
    };

    let runtime = tokio::runtime::Runtime::new()?;
    let start = Instant::now();
    let report = runtime.block_on(async {
        let mut sender = carousel::outbox::sender::Sender::new(&config, store.clone())?;
        sender.pass().await
    })?;
    let accepted = start.elapsed();
    let delivered = wait_delivered(&base, "sink-carousel", n, start);
    println!(
        "carousel outbox: {} messages of {size} bytes, 8 pooled connections, Sending/Sent flushed per batch of 256",
        report.sent
    );
    println!(
        "  accepted by Postfix in {:.2} s = {:.0} msg/s; in the Dovecot mailbox after {:.2} s = {:.0} msg/s",
        accepted.as_secs_f64(),
        n as f64 / accepted.as_secs_f64(),
        delivered.as_secs_f64(),
        n as f64 / delivered.as_secs_f64()
    );

    let start = Instant::now();
    let status = Command::new("/usr/sbin/smtp-source")
        .args(["-s", "8", "-m", &n.to_string(), "-l", &size.to_string()])
        .args(["-f", "bench@example.test", "-t", "sink-source@example.test"])
        .arg(format!("127.0.0.1:{SMTP}"))
        .status()?;
    let accepted = start.elapsed();
    anyhow::ensure!(status.success(), "smtp-source failed");
    let delivered = wait_delivered(&base, "sink-source", n, start);
    println!("postfix smtp-source -s 8 -m {n} -l {size}:");
    println!(
        "  accepted by Postfix in {:.2} s = {:.0} msg/s; in the Dovecot mailbox after {:.2} s = {:.0} msg/s",
        accepted.as_secs_f64(),
        n as f64 / accepted.as_secs_f64(),
        delivered.as_secs_f64(),
        n as f64 / delivered.as_secs_f64()
    );
    let _ = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mailtest.sh"))
        .arg("stop")
        .arg(&base)
        .env("IMAP_PORT", IMAP.to_string())
        .env("SMTP_PORT", SMTP.to_string())
        .env("STOP_SIGNAL", "KILL")
        .status();
    Ok(())
}
