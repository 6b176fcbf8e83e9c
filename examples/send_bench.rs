//! Send rate of the outbox through a private Postfix (→ Dovecot LMTP), next
//! to Postfix's own `smtp-source` in the same run. Prints figures; asserts
//! nothing about speed.
//!
//! `cargo run --release --example send_bench [N]` (N = 2000 by default; root,
//! Postfix and Dovecot installed as for the tests). Three carousel runs:
//! plain SMTP (comparable with `smtp-source`), STARTTLS + AUTH, and implicit
//! TLS (through a TLS proxy the bench runs in front of Postfix).

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

/// Sends `n` emails through the outbox with `smtp` (an inline TOML table)
/// to `sink@example.test`, prints figures, returns the message size.
fn carousel_run(
    runtime: &tokio::runtime::Runtime,
    base: &Path,
    n: usize,
    label: &str,
    smtp: &str,
    sink: &str,
) -> anyhow::Result<usize> {
    let store_dir = base.join(format!("store-{sink}"));
    let text = format!(
        "[store]\npath = \"{}\"\n[[mailbox]]\nname = \"m\"\nmaildir = \"{}\"\n[outbox]\nsmtp = {smtp}\nfrom = \"Acme <bench@example.test>\"\n[outbox.delivery]\nconcurrency = 8\nbatch = 256\n",
        store_dir.display(),
        base.join("inbox").display()
    );
    let config =
        Config::parse(&base.join("bench.toml"), &text).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let store = config.open_store()?;
    let body = "Hello,\n\nthis is a nurture-sized message with a paragraph of text. ".repeat(20);
    for i in 0..n {
        outbox::enqueue(
            &store,
            OutboundEmail {
                message_id: outbox::message_id("bench.example.test", &[sink, &i.to_string()]),
                to: vec![format!("{sink}@example.test")],
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
            &outbox::message_id("bench.example.test", &[sink, "0"]),
        )?
        .expect("record");
        let from = carousel::outbox::sender::parse_mailbox("Acme <bench@example.test>").unwrap();
        carousel::outbox::sender::build(&r.email, &from, None)?
            .1
            .len()
    };
    let start = Instant::now();
    let report = runtime.block_on(async {
        let mut sender = carousel::outbox::sender::Sender::new(
            &config
                .sender()
                .ok_or_else(|| anyhow::anyhow!("no [outbox]"))?,
            store.clone(),
        )?;
        let report = sender.pass().await;
        sender.close().await;
        report
    })?;
    let accepted = start.elapsed();
    let delivered = wait_delivered(base, sink, report.sent, start);
    println!(
        "carousel outbox ({label}): {} of {n} messages of {size} bytes sent ({} retrying, {} failed), 8 pooled connections, Sending/Sent flushed per batch of 256",
        report.sent, report.retrying, report.failed
    );
    println!(
        "  accepted by Postfix in {:.2} s = {:.0} msg/s; in the Dovecot mailbox after {:.2} s = {:.0} msg/s",
        accepted.as_secs_f64(),
        n as f64 / accepted.as_secs_f64(),
        delivered.as_secs_f64(),
        n as f64 / delivered.as_secs_f64()
    );
    Ok(size)
}

/// The private Postfix has no SMTPS port: a TLS-terminating proxy in front
/// of it exercises the implicit-TLS path. Returns its port.
async fn tls_proxy(base: &Path, upstream: u16) -> anyhow::Result<u16> {
    use tokio_rustls::rustls;
    let certs = rustls_pemfile::certs(&mut std::fs::read(base.join("tls/cert.pem"))?.as_slice())
        .collect::<Result<Vec<_>, _>>()?;
    let key =
        rustls_pemfile::private_key(&mut std::fs::read(base.join("tls/key.pem"))?.as_slice())?
            .ok_or_else(|| anyhow::anyhow!("no key in key.pem"))?;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = tcp.set_nodelay(true);
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut up) = tokio::net::TcpStream::connect(("127.0.0.1", upstream)).await
                else {
                    return;
                };
                let _ = up.set_nodelay(true);
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut up).await;
            });
        }
    });
    Ok(port)
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

    let runtime = tokio::runtime::Runtime::new()?;
    let password_file = base.join("smtp-password");
    std::fs::write(&password_file, "secret")?;
    let ca = base.join("tls/cert.pem");
    let tls_port = runtime.block_on(tls_proxy(&base, SMTP))?;
    let mut size = 0;
    for (label, smtp) in [
        (
            "plain",
            format!("{{ host = \"127.0.0.1\", port = {SMTP}, tls = \"none\" }}"),
        ),
        (
            "starttls+auth",
            format!(
                "{{ host = \"127.0.0.1\", port = {SMTP}, tls = \"starttls\", ca_file = \"{}\", user = \"sink-starttls@example.test\", password_file = \"{}\" }}",
                ca.display(),
                password_file.display()
            ),
        ),
        (
            "implicit-tls",
            format!(
                "{{ host = \"127.0.0.1\", port = {tls_port}, tls = \"implicit\", ca_file = \"{}\" }}",
                ca.display()
            ),
        ),
    ] {
        let sink = format!("sink-{}", label.split('+').next().unwrap_or(label));
        size = carousel_run(&runtime, &base, n, label, &smtp, &sink)?;
    }

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
