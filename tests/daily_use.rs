//! Daily use on the embedded default config (`config/carousel.toml`), as a
//! rep and an operator would: the full conversion model (convert, then close
//! won, shows as won revenue), every write verb while `carousel run` is up —
//! with no `[http]`, through the daemon's socket beside the store — and
//! `POST /leads` answering what the pipeline will really do.
//! No mail servers needed: the daemon watches a local Maildir.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{carousel_run, spawn_daemon, terminate, wait_until};
use serde_json::Value;

/// The embedded default config in `dir` (`dir/config/carousel.toml`, the
/// store in `dir/var/store`), with `extra` appended and `[http]` replaced by
/// `http` (none when `None`).
fn default_config(dir: &Path, http: Option<&str>, extra: &str) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(repo.join("config/carousel.toml")).unwrap();
    let text = text.replace(
        "[http]\nlisten = \"127.0.0.1:8025\"\n",
        &http.map(|h| format!("[http]\n{h}\n")).unwrap_or_default(),
    );
    assert!(!text.contains("8025"), "the default [http] was replaced");
    std::fs::create_dir_all(dir.join("config")).unwrap();
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(dir.join("var/inbox").join(sub)).unwrap();
    }
    std::os::unix::fs::symlink(repo.join("templates"), dir.join("templates")).unwrap();
    let path = dir.join("config/carousel.toml");
    std::fs::write(&path, format!("{text}\n{extra}")).unwrap();
    path
}

fn drop_mail(dir: &Path, from: usize, to: usize) {
    let maildir = dir.join("var/inbox");
    for n in from..to {
        let tmp = maildir.join("tmp").join(format!("m{n}"));
        std::fs::write(&tmp, common::lead_email(n, "leads@acme.example")).unwrap();
        std::fs::rename(&tmp, maildir.join("new").join(format!("m{n}"))).unwrap();
    }
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn leads(config: &Path) -> Vec<Value> {
    let (ok, out, err) = carousel_run(&["leads", "list", "--json"], config);
    assert!(ok, "leads list: {err}");
    json_lines(&out)
}

/// The lead id of prospect `n` (see `common::lead_email`).
fn lead_of(config: &Path, n: usize) -> String {
    let email = format!("prospect{n}@buyer.example");
    leads(config)
        .iter()
        .find(|l| l["lead"]["contact"]["email"] == email.as_str())
        .unwrap_or_else(|| panic!("no lead for {email}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn report(config: &Path) -> Value {
    let (ok, out, err) = carousel_run(&["report", "--json"], config);
    assert!(ok, "report: {err}");
    serde_json::from_str(out.trim()).unwrap()
}

fn timeline_kinds(config: &Path, n: usize) -> Vec<String> {
    let email = format!("prospect{n}@buyer.example");
    let (ok, out, err) = carousel_run(&["interactions", "--contact", &email, "--json"], config);
    assert!(ok, "interactions: {err}");
    json_lines(&out)
        .iter()
        .map(|i| i["kind"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn convert_then_close_won_shows_in_report_as_won_revenue() {
    let dir = tempfile::tempdir().unwrap();
    let config = default_config(
        dir.path(),
        None,
        "[costs]\n\"solar-site.example\" = 100.0\n",
    );
    drop_mail(dir.path(), 0, 2);
    let (ok, _, err) = carousel_run(&["run", "--once"], &config);
    assert!(ok, "{err}");
    let won = lead_of(&config, 0);
    let lost = lead_of(&config, 1);

    // response → lead → opportunity (owned by the default config's only rep).
    for id in [&won, &lost] {
        let (ok, out, err) = carousel_run(
            &[
                "lead",
                "convert",
                id,
                "--revenue",
                "12500",
                "--close",
                "2027-01-31",
            ],
            &config,
        );
        assert!(ok, "convert {id}: {err}");
        let v: Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(v["opportunity"]["stage"], "prospecting", "{v}");
        assert_eq!(v["opportunity"]["owner"], "Dana", "{v}");
    }
    let r = report(&config);
    assert_eq!(r["funnel"]["opportunities"], 2, "{r}");
    assert_eq!(r["funnel"]["won"], 0, "{r}");
    assert_eq!(r["forecast"][0]["pipeline"], 25000.0, "{r}");
    let provider = &r["providers"][0];
    assert_eq!(provider["opportunities"], 2, "{r}");
    assert_eq!(provider["won_revenue"], 0.0, "{r}");

    // opportunity → won (at the final amount) and → lost.
    let (ok, out, err) = carousel_run(
        &["lead", "close", &won, "--won", "--revenue", "13000"],
        &config,
    );
    assert!(ok, "close --won: {err}");
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["lead"]["status"]["status"], "closed", "{v}");
    assert_eq!(v["opportunity"]["stage"], "won", "{v}");
    assert_eq!(v["opportunity"]["outcome"], "won", "{v}");
    let (ok, _, err) = carousel_run(&["lead", "close", &lost, "--lost"], &config);
    assert!(ok, "close --lost: {err}");

    let r = report(&config);
    assert_eq!(r["funnel"]["opportunities"], 2, "{r}");
    assert_eq!(r["funnel"]["won"], 1, "{r}");
    assert_eq!(
        r["forecast"],
        serde_json::json!([]),
        "closed ones leave the forecast: {r}"
    );
    let provider = &r["providers"][0];
    assert_eq!(provider["provider"], "solar-site.example", "{r}");
    assert_eq!(provider["won"], 1, "{r}");
    assert_eq!(provider["won_revenue"], 13000.0, "{r}");
    // (13000 − 2 leads × 100) ÷ 200
    assert_eq!(provider["roi"], 64.0, "{r}");

    // Each step is on the contact's timeline.
    let kinds = timeline_kinds(&config, 0);
    for kind in ["converted", "closed"] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
    // A closed lead cannot be closed again.
    let (ok, _, err) = carousel_run(&["lead", "close", &won, "--lost"], &config);
    assert!(!ok);
    assert!(err.contains("already closed"), "{err}");
}

/// Runs a verb; returns (exit code, stdout, stderr).
fn verb(config: &Path, args: &[&str]) -> (i32, String, String) {
    let out = common::carousel()
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn every_write_verb_works_while_the_daemon_runs_without_http() {
    use std::os::unix::fs::{FileTypeExt as _, PermissionsExt as _};
    let dir = tempfile::tempdir().unwrap();
    let config = default_config(
        dir.path(),
        None,
        "[[rep]]\nname = \"Lee\"\nemail = \"lee@acme.example\"\n",
    );
    let socket = dir.path().join("var/store.sock");
    let csv = dir.path().join("fair.csv");
    std::fs::write(
        &csv,
        "Email,Name,Interest\nfair1@buyer.example,Fair One,Heat pump\nnot-an-email,Bad Row,Solar\n",
    )
    .unwrap();
    let daemon = spawn_daemon(&config, &dir.path().join("daemon.log"), None);
    wait_until(Duration::from_secs(30), "the CLI socket", || {
        socket.exists()
    });
    let meta = std::fs::symlink_metadata(&socket).unwrap();
    assert!(meta.file_type().is_socket());
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);

    // Reads, with no [http], through the socket.
    drop_mail(dir.path(), 0, 3);
    wait_until(Duration::from_secs(30), "3 leads via the daemon", || {
        leads(&config).len() == 3
    });
    let (a, b, c) = (
        lead_of(&config, 0),
        lead_of(&config, 1),
        lead_of(&config, 2),
    );

    // Every write verb, while the daemon holds the store.
    let (code, out, err) = verb(&config, &["lead", "reassign", &a, "--rep", "Lee"]);
    assert_eq!(code, 0, "reassign: {err}");
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["owner"], "Lee", "{v}");
    // The daemon's outbox sends Lee the reassignment at once.
    wait_until(Duration::from_secs(30), "Lee's notification", || {
        std::fs::read_dir(dir.path().join("var/outbox"))
            .into_iter()
            .flatten()
            .flatten()
            .any(|f| {
                std::fs::read_to_string(f.path()).is_ok_and(|t| t.contains("lee@acme.example"))
            })
    });
    let (code, out, err) = verb(
        &config,
        &[
            "lead",
            "convert",
            &a,
            "--revenue",
            "9000",
            "--close",
            "2027-02-01",
        ],
    );
    assert_eq!(code, 0, "convert: {err}");
    assert!(out.contains("\"opportunity\""), "{out}");
    let (code, _, err) = verb(&config, &["lead", "close", &a, "--won"]);
    assert_eq!(code, 0, "close --won: {err}");
    let (code, _, err) = verb(&config, &["lead", "close", &b, "--lost"]);
    assert_eq!(code, 0, "close --lost: {err}");
    let (code, out, err) = verb(&config, &["import", csv.to_str().unwrap()]);
    assert_eq!(code, 0, "import: {err}");
    let summary: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(summary["stored"], 1, "{summary}");
    assert_eq!(summary["bad"], 1, "{summary}");
    assert!(
        err.contains("fair.csv: row 3: "),
        "bad row on stderr: {err}"
    );
    wait_until(
        Duration::from_secs(30),
        "the imported lead acted on",
        || {
            leads(&config)
                .iter()
                .any(|l| l["lead"]["contact"]["email"] == "fair1@buyer.example")
        },
    );
    let r = report(&config);
    assert_eq!(r["funnel"]["won"], 1, "{r}");
    let site = r["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["provider"] == "solar-site.example")
        .unwrap();
    assert_eq!(site["won_revenue"], 9000.0, "{r}");
    let (code, out, _) = verb(&config, &["lead", "show", &b]);
    assert_eq!(code, 0);
    assert!(out.contains("\"lost\""), "{out}");

    // Refusals: the same words and exit code with and without the daemon.
    let refusals: [&[&str]; 3] = [
        &["lead", "close", &a, "--lost"],
        &["lead", "reassign", "r999999", "--rep", "Lee"],
        &["lead", "reassign", &c, "--rep", "Nobody"],
    ];
    let with_daemon: Vec<(i32, String, String)> =
        refusals.iter().map(|args| verb(&config, args)).collect();
    assert!(terminate(daemon), "daemon exit");
    assert!(!socket.exists(), "socket removed on shutdown");
    let without: Vec<(i32, String, String)> =
        refusals.iter().map(|args| verb(&config, args)).collect();
    assert_eq!(with_daemon, without);
    for (code, out, err) in &without {
        assert_eq!(*code, 1);
        assert!(out.is_empty() && err.starts_with("carousel: "), "{err}");
    }
    // Without the daemon, the verbs work on the store directly.
    let (code, _, err) = verb(&config, &["lead", "close", &c, "--lost"]);
    assert_eq!(code, 0, "{err}");

    // A stale socket left by a killed daemon is replaced at the next start.
    drop(std::os::unix::net::UnixListener::bind(&socket).unwrap());
    assert!(socket.exists());
    let daemon = spawn_daemon(&config, &dir.path().join("daemon2.log"), None);
    wait_until(Duration::from_secs(30), "the daemon to answer", || {
        std::os::unix::net::UnixStream::connect(&socket).is_ok()
    });
    let (code, out, err) = verb(&config, &["lead", "show", &c]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"lost\""), "{out}");
    assert!(terminate(daemon), "daemon exit");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.1 request; returns (status, headers and body).
fn post(port: u16, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect http");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = format!(
        "POST /leads HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn body_json(answer: &str) -> Value {
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"))
}

#[test]
fn post_leads_answers_202_only_for_a_lead_the_pipeline_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    std::fs::write(dir.path().join("token"), "forms-token-0123456789abcdef\n").unwrap();
    let config = default_config(
        dir.path(),
        Some(&format!(
            "listen = \"127.0.0.1:{port}\"\nleads_per_minute = 6\nbody_timeout_secs = 1"
        )),
        &format!(
            "[[intake_token]]\nprovider = \"forms\"\ntoken_file = \"{}\"\n",
            dir.path().join("token").display()
        ),
    );
    let daemon = spawn_daemon(&config, &dir.path().join("daemon.log"), None);
    wait_until(Duration::from_secs(30), "the HTTP listener", || {
        TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    let auth = ("Authorization", "Bearer forms-token-0123456789abcdef");
    let json = ("Content-Type", "application/json");

    // A real lead: 202 with the id of the lead the pipeline opens.
    let (code, answer) = post(
        port,
        &[auth, json],
        br#"{"name": "Real Buyer", "email": "real@buyer.example", "phone": "+1 555 0100", "interest": "Battery storage"}"#,
    );
    assert_eq!(code, 202, "{answer}");
    let id = body_json(&answer)["lead"].as_str().unwrap().to_string();
    wait_until(Duration::from_secs(30), "the posted lead", || {
        verb(&config, &["lead", "show", &id]).0 == 0
    });
    let (_, shown, _) = verb(&config, &["lead", "show", &id]);
    assert!(shown.contains("real@buyer.example"), "{shown}");
    // Without the socket, the CLI falls back to [http] listen, writes included.
    std::fs::remove_file(dir.path().join("var/store.sock")).unwrap();
    let (code, out, err) = verb(&config, &["lead", "close", &id, "--lost"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"lost\""), "{out}");

    // What the pipeline discards: 422 with the reason.
    for (body, reason) in [
        (&br#"{"name": "Only A Name"}"#[..], "no reachable contact"),
        (
            &br#"{"name": "Bad Email", "email": "not-an-email", "interest": "Solar"}"#[..],
            "no reachable contact",
        ),
        (
            &br#"{"name": "No Interest", "email": "nointerest@buyer.example"}"#[..],
            "interest",
        ),
    ] {
        let (code, answer) = post(port, &[auth, json], body);
        assert_eq!(code, 422, "{answer}");
        let v = body_json(&answer);
        assert!(v.get("lead").is_none(), "{v}");
        assert!(v["error"].as_str().unwrap().contains(reason), "{v}");
    }

    // Six a minute for this token: the seventh waits.
    for _ in 0..2 {
        let (code, answer) = post(port, &[auth, json], br#"{"name": "x"}"#);
        assert_eq!(code, 422, "{answer}");
    }
    let (code, answer) = post(port, &[auth, json], br#"{"name": "x"}"#);
    assert_eq!(code, 429, "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after: "),
        "{answer}"
    );

    assert!(terminate(daemon), "daemon exit");
}

#[test]
fn post_leads_body_must_arrive_in_time() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    std::fs::write(dir.path().join("token"), "forms-token-0123456789abcdef\n").unwrap();
    let config = default_config(
        dir.path(),
        Some(&format!(
            "listen = \"127.0.0.1:{port}\"\nbody_timeout_secs = 1"
        )),
        &format!(
            "[[intake_token]]\nprovider = \"forms\"\ntoken_file = \"{}\"\n",
            dir.path().join("token").display()
        ),
    );
    let daemon = spawn_daemon(&config, &dir.path().join("daemon.log"), None);
    wait_until(Duration::from_secs(30), "the HTTP listener", || {
        TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    // Announces 100 bytes, sends 10, then stalls.
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(b"POST /leads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer forms-token-0123456789abcdef\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\": ")
        .unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(terminate(daemon), "daemon exit");
}
