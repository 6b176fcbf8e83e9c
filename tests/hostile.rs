//! Hostile input and abuse: malformed MIME never takes carousel down, contact
//! data never becomes a header, spoofed provider mail is never hot, plain
//! text to a remote server is refused, and secrets never reach logs or JSON.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use carousel::config::{Config, TlsMode, require_tls};
use common::{carousel, carousel_run, eml_files};

const IMAP: u16 = 11343;
const SMTP: u16 = 11325;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `carousel inspect` on files; returns (success, JSON lines, stderr).
fn inspect(config: &Path, files: &[PathBuf]) -> (bool, Vec<serde_json::Value>, String) {
    let out = carousel()
        .arg("--config")
        .arg(config)
        .arg("inspect")
        .args(files)
        .output()
        .expect("run carousel inspect");
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    (
        out.status.success(),
        lines,
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// Every file appears in one JSON line, or one per lead of a CSV attachment.
fn one_line_per_file(files: &[PathBuf], lines: &[serde_json::Value]) {
    for file in files {
        let name = file.display().to_string();
        let n = lines.iter().filter(|l| l["file"] == name.as_str()).count();
        let leads = lines
            .iter()
            .filter(|l| l["file"] == name.as_str() && l["kind"] == "lead")
            .count();
        assert!(
            n == 1 || (n > 1 && n == leads),
            "{name}: {n} lines (one per file, or one per CSV lead)"
        );
    }
}

#[test]
fn stalwart_malformed_mime_passes_through_inspect_without_a_panic() {
    let files = eml_files(&root().join("tests/corpora/mime-stalwart")); // in path order
    assert!(
        files.len() >= 50,
        "stalwart corpus missing under tests/corpora/mime-stalwart ({} files)",
        files.len()
    );
    let (ok, lines, stderr) = inspect(Path::new("/nonexistent/carousel.toml"), &files);
    assert!(ok, "inspect failed: {stderr}");
    assert!(!stderr.contains("panicked"), "a parser panicked: {stderr}");
    one_line_per_file(&files, &lines);
    println!(
        "{} stalwart files: {} JSON lines, no panic",
        files.len(),
        lines.len()
    );
}

#[test]
fn fuzz_regressions_pass_through_inspect() {
    let files = eml_files(&root().join("tests/fixtures/regressions")); // in path order
    assert!(files.len() >= 5, "{files:?}");
    // Some of these make mail-parser itself panic: inspect (like ingest)
    // catches it, keeps going, and reports the file as `other`.
    let (ok, lines, stderr) = inspect(Path::new("/nonexistent/carousel.toml"), &files);
    assert!(ok, "inspect failed: {stderr}");
    one_line_per_file(&files, &lines);
    let crash = root().join("tests/fixtures/regressions/fuzz_mailparser_invalid_part_id.eml");
    let u = carousel::understand::understand(
        &std::fs::read(&crash).unwrap(),
        &carousel::understand::Context::default(),
    );
    assert_eq!(u.kind, carousel::understand::Kind::Other);
    assert!(
        u.note
            .as_deref()
            .is_some_and(|n| n.contains("MIME parser failed")),
        "{:?}",
        u.note
    );
}

/// A lead notification whose form fields would be dangerous if pasted into headers.
fn injection_lead() -> Vec<u8> {
    // The display name is an encoded word carrying CRLF + a Bcc header.
    let name = "=?utf-8?b?".to_string()
        + &encode_b64("Eve\r\nBcc: victim@evil.example\r\nX-Injected: 1")
        + "?=";
    format!(
        "From: {name} <eve@buyer.example>\r\nTo: leads@acme.example\r\nSubject: New submission from Contact form\r\n\
Message-ID: <inj-1@solar-site.example>\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Name: Eve%0D%0ABcc: victim@evil.example\r\nEmail: eve@buyer.example\r\nCompany: Evil\rInc\r\nInterest: solar\r\nTimeline: within 3 months\r\n"
    )
    .into_bytes()
}

fn encode_b64(s: &str) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &x)| acc | (u32::from(x) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn crlf_in_a_name_does_not_add_a_header() {
    use carousel::understand::{Context, understand};
    let u = understand(&injection_lead(), &Context::default());
    // Whatever understanding reads, no contact field keeps a line break.
    let contacts = std::iter::once(&u.contact).chain(u.leads.iter().map(|l| &l.contact));
    for c in contacts {
        for v in [&c.name, &c.email, &c.company, &c.phone]
            .into_iter()
            .flatten()
        {
            assert!(!v.contains(['\r', '\n']), "line break kept in {v:?}");
        }
    }
    // Message-IDs built from contact data keep only safe characters.
    let id = carousel::outbox::message_id(
        "carousel.acme.example",
        &["n", "lead 42\r\nBcc: victim@evil.example"],
    );
    assert!(!id.contains(['\r', '\n', ' ', ':', '<', '>']), "{id}");
    // The typed builder the sender uses, fed through `abuse::single_line`
    // (lettre 0.11 panics on a display name with CR/LF — found here — so
    // contact text is flattened before it reaches any builder): the name
    // stays inside To, never a header of its own.
    let hostile = "Eve\r\nBcc: victim@evil.example";
    let name = carousel::abuse::single_line(hostile);
    assert_eq!(name, "Eve Bcc: victim@evil.example");
    let mailbox = lettre::message::Mailbox::new(Some(name), "eve@buyer.example".parse().unwrap());
    let email = lettre::Message::builder()
        .from("Acme <hello@acme.example>".parse().unwrap())
        .to(mailbox)
        .subject(carousel::abuse::single_line(
            "Re: your quote\r\nBcc: victim@evil.example",
        ))
        .body(String::from("hello"))
        .unwrap();
    let text = String::from_utf8(email.formatted()).unwrap();
    let head = text.split("\r\n\r\n").next().unwrap();
    assert!(
        !head
            .lines()
            .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
        "header injected:\n{head}"
    );
    for line in head.lines().filter(|l| !l.starts_with([' ', '\t'])) {
        let name = line.split(':').next().unwrap_or("").to_ascii_lowercase();
        assert!(
            [
                "from",
                "to",
                "subject",
                "date",
                "content-transfer-encoding",
                "content-type",
                "mime-version",
                "message-id"
            ]
            .contains(&name.as_str()),
            "unexpected header {line:?} in\n{head}"
        );
    }
}

/// A config with a provider rule that requires authentication.
fn auth_config(dir: &Path) -> PathBuf {
    let path = dir.join("carousel.toml");
    std::fs::create_dir_all(dir.join("m")).unwrap();
    std::fs::write(
        &path,
        format!(
            "[store]\npath = \"{}\"\n[auth]\ntrust_authserv_id = \"mx.acme.test\"\n\
[[mailbox]]\nname = \"m\"\nmaildir = \"m\"\n\
[[provider]]\nname = \"roofquotes\"\nsender = [\"@roofquotes.example\"]\nrequire_auth = true\n",
            dir.join("store").display()
        ),
    )
    .unwrap();
    path
}

fn provider_lead(auth_headers: &str, n: u32) -> Vec<u8> {
    format!(
        "{auth_headers}From: RoofQuotes <leads@roofquotes.example>\r\nTo: leads@acme.example\r\n\
Subject: New roof lead\r\nMessage-ID: <rq-{n}@roofquotes.example>\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\n\
Name: Maria Lopez\r\nEmail: maria.lopez@lopez-logistics.com\r\nPhone: +1 415 555 0100\r\nCompany: Lopez Logistics (250 employees)\r\n\
Interest: Rooftop solar installation for our warehouse\r\nTimeline: immediately\r\nMessage: Please call me today, we want to sign this month.\r\n"
    )
    .into_bytes()
}

#[test]
fn spoofed_provider_lead_is_not_ranked_hot() {
    let dir = tempfile::tempdir().unwrap();
    let config = auth_config(dir.path());
    let cases = [
        (
            "genuine.eml",
            "Authentication-Results: mx.acme.test; dkim=pass header.d=roofquotes.example; dmarc=pass header.from=roofquotes.example\r\n",
        ),
        // No header at all, a forged header from another server, and a forged
        // pass below the real (failing) header of the trusted server.
        ("unsigned.eml", ""),
        (
            "forged.eml",
            "Authentication-Results: mx.roofquotes.example; dmarc=pass header.from=roofquotes.example\r\n",
        ),
        (
            "forged_below.eml",
            "Authentication-Results: mx.acme.test; spf=fail smtp.mailfrom=evil.example; dmarc=fail header.from=roofquotes.example\r\n\
Authentication-Results: mx.acme.test; dmarc=pass header.from=roofquotes.example\r\n",
        ),
    ];
    let mut files = Vec::new();
    for (i, (name, headers)) in cases.iter().enumerate() {
        let p = dir.path().join(name);
        std::fs::write(&p, provider_lead(headers, i as u32)).unwrap();
        files.push(p);
    }
    let (ok, lines, stderr) = inspect(&config, &files);
    assert!(ok, "{stderr}");
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(lines[0]["kind"], "lead");
    assert_eq!(
        lines[0]["rank"], "hot",
        "the genuine lead is hot: {}",
        lines[0]
    );
    for line in &lines[1..] {
        assert_eq!(line["kind"], "lead", "{line}");
        assert_ne!(line["rank"], "hot", "spoofed lead ranked hot: {line}");
        assert_eq!(line["rank"], "need_information", "{line}");
        let reasons = line["reasons"].to_string();
        assert!(
            reasons.contains("sender failed authentication"),
            "flagged: {reasons}"
        );
    }
    // The same verdict comes from the library, and a spoofed sender is never
    // answered automatically.
    let cfg = Config::load(&config).unwrap();
    let u = carousel::understand::understand(&provider_lead("", 9), &cfg.understand_context());
    assert!(u.auth.as_ref().is_some_and(|a| a.failed()), "{:?}", u.auth);
    assert!(!carousel::abuse::may_auto_answer(&u));
}

fn check_errors(text: &str) -> Vec<String> {
    match Config::parse(Path::new("c.toml"), text) {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn non_tls_remote_server_is_refused_without_the_override() {
    let base = "[store]\npath = \"s\"\n[[mailbox]]\nname = \"m\"\nmaildir = \"m\"\n";
    let smtp = format!(
        "{base}[outbox]\nfrom = \"A <a@acme.example>\"\nsmtp = {{ host = \"smtp.example.com\", port = 25, tls = \"none\", user = \"u\", password_env = \"P\" }}\n"
    );
    let e = check_errors(&smtp);
    assert!(
        e.iter()
            .any(|m| m.contains("outbox smtp") && m.contains("allow_insecure")),
        "{e:?}"
    );
    assert!(check_errors(&smtp.replace("tls = \"none\"", "tls = \"starttls\"")).is_empty());
    assert!(
        check_errors(&smtp.replace("password_env", "allow_insecure = true, password_env"))
            .is_empty()
    );
    assert!(
        check_errors(&smtp.replace("smtp.example.com", "127.0.0.1")).is_empty(),
        "loopback may be plain"
    );
    // `carousel check` reports it with the file and line.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(&path, &smtp).unwrap();
    let (ok, out, _) = carousel_run(&["check"], &path);
    assert!(
        !ok && out.contains("c.toml:8:") && out.contains("allow_insecure"),
        "{out}"
    );
    // The runtime check every connection makes (config validation skipped).
    let plain = TlsMode::None;
    assert!(require_tls("imap.example.com", plain, false).is_err());
    assert!(require_tls("smtp.example.com", plain, false).is_err());
    assert!(require_tls("imap.example.com", plain, true).is_ok());
    assert!(require_tls("127.0.0.1", plain, false).is_ok());
    assert!(require_tls("imap.example.com", TlsMode::Implicit, false).is_ok());
    assert!(require_tls("imap.example.com", TlsMode::Starttls, false).is_ok());
}

#[test]
fn secrets_never_reach_logs_or_json_output() {
    let servers = common::mail_servers(IMAP, SMTP);
    let _ = servers;
    const WRONG: &str = "Wr0ng-Pa55-7c1e9d";
    const SMTP_SECRET: &str = "Smtp-S3cret-4b2a77";
    let dir = tempfile::tempdir().unwrap();
    let user = "hostile-secrets@example.test";
    // One mailbox with a wrong password (login fails, errors are logged), one
    // that works, and an SMTP outbox whose password is in the environment.
    let config = dir.path().join("carousel.toml");
    std::fs::write(
        &config,
        format!(
            "[store]\npath = \"{store}\"\n\
[[mailbox]]\nname = \"wrong\"\nimap = {{ host = \"127.0.0.1\", port = {IMAP}, tls = \"none\", user = \"{user}\", password_env = \"HOSTILE_WRONG_PW\", timeout_secs = 5 }}\n\
[[mailbox]]\nname = \"right\"\nimap = {{ host = \"127.0.0.1\", port = {IMAP}, tls = \"none\", user = \"{user}\", password_env = \"CAROUSEL_TEST_PASSWORD\", timeout_secs = 5 }}\n\
[outbox]\nfrom = \"Acme <hello@acme.example>\"\nsmtp = {{ host = \"127.0.0.1\", port = {SMTP}, tls = \"none\", user = \"{user}\", password_env = \"HOSTILE_SMTP_PW\" }}\n",
            store = dir.path().join("store").display()
        ),
    )
    .unwrap();
    common::smtp_send(
        SMTP,
        &[(
            "wordpress@solar-site.example".into(),
            user.to_string(),
            common::lead_email(1, user),
        )],
    );
    let log = dir.path().join("daemon.log");
    let file = std::fs::File::create(&log).unwrap();
    let mut child = carousel()
        .env("CAROUSEL_LOG", "trace")
        .env("HOSTILE_WRONG_PW", WRONG)
        .env("HOSTILE_SMTP_PW", SMTP_SECRET)
        .env("CAROUSEL_TEST_PASSWORD", common::PASSWORD)
        .arg("--config")
        .arg(&config)
        .arg("--log-json")
        .arg("run")
        .stderr(file)
        .spawn()
        .unwrap();
    common::wait_until(
        Duration::from_secs(60),
        "the lead stored and a login refused",
        || {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            text.contains("\"stored\":1") && text.contains("AUTHENTICATIONFAILED")
        },
    );
    let _ = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let _ = child.wait();
    let mut outputs = vec![(
        "daemon log".to_string(),
        std::fs::read_to_string(&log).unwrap(),
    )];
    for args in [
        &["responses", "list", "--json"][..],
        &["messages", "list", "--json"][..],
        &["check"][..],
    ] {
        let out = carousel()
            .env("HOSTILE_WRONG_PW", WRONG)
            .env("HOSTILE_SMTP_PW", SMTP_SECRET)
            .arg("--config")
            .arg(&config)
            .args(args)
            .output()
            .unwrap();
        outputs.push((
            args.join(" "),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        ));
    }
    assert!(
        outputs[1].1.contains("prospect1@buyer.example"),
        "the lead was stored: {}",
        outputs[1].1
    );
    for (what, text) in &outputs {
        assert!(
            !text.is_empty() || what == "check",
            "{what} printed nothing"
        );
        for secret in [WRONG, SMTP_SECRET] {
            assert!(!text.contains(secret), "{what} leaks a secret:\n{text}");
        }
        assert!(
            !text.contains(&format!("LOGIN {user} {}", common::PASSWORD)),
            "{what} leaks the IMAP LOGIN line"
        );
    }
}

#[test]
fn attachment_and_csv_row_limits_bound_the_work_per_message() {
    use carousel::understand::{Context, Limits, understand};
    // 200 CSV attachments of 10 leads each.
    let raw =
        std::fs::read(root().join("tests/fixtures/regressions/many_csv_attachments.eml")).unwrap();
    let ctx = |max_attachments, max_csv_rows| Context {
        limits: Limits {
            max_attachments,
            max_csv_rows,
        },
        ..Context::default()
    };
    let u = understand(&raw, &ctx(5, 10_000));
    assert_eq!(u.leads.len(), 50, "5 attachments read");
    let u = understand(&raw, &ctx(500, 120));
    assert_eq!(u.leads.len(), 120, "row cap");
    assert!(
        u.note
            .as_deref()
            .is_some_and(|n| n.contains("first 120 rows")),
        "{:?}",
        u.note
    );
    // The config keys reach understanding.
    let cfg = Config::parse(
        Path::new("c.toml"),
        "[store]\npath = \"s\"\n[limits]\nmax_attachments = 7\nmax_csv_rows = 33\n[[mailbox]]\nname = \"m\"\nmaildir = \"m\"\n",
    )
    .unwrap();
    assert_eq!(
        cfg.understand_context().limits,
        Limits {
            max_attachments: 7,
            max_csv_rows: 33
        }
    );
}
