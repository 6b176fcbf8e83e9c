//! The web console in a real browser: the real `carousel` daemon (Maildir in,
//! `.eml` outbox) and Debian's `chromium` driven by `chromedriver` over
//! WebDriver (fantoccini). Each test runs its own daemon, chromedriver and
//! browser session, and ends them, pass or fail.
//!
//! Screenshots of the main pages go to `target/console-screenshots/`.
//! Needs `apt-get install chromium chromium-driver` (scripts/test.sh does it).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{carousel, spawn_daemon, terminate};
use fantoccini::{Client, ClientBuilder, Locator};
use futures::FutureExt as _;

const PASSWORD: &str = "correct horse battery";

/// A free TCP port on loopback (bound, then released for the child).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A web-form lead that ranks hot ("immediately") from a stable provider.
fn hot_lead(n: usize, name: &str, email: &str) -> Vec<u8> {
    format!(
        "From: Web form <form@solar-site.example>\r\nTo: leads@acme.example\r\nReply-To: {email}\r\n\
Subject: New submission from Contact form\r\nMessage-ID: <console-{n}@solar-site.example>\r\n\
Date: Wed, 25 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Name: {name}\r\nEmail: {email}\r\nPhone: +1 555 010 {n:04}\r\nCompany: Buyer {n} Ltd\r\n\
Interest: Rooftop solar installation\r\nTimeline: immediately\r\nMessage: Please send a quote for our office roof.\r\n"
    )
    .into_bytes()
}

/// The daemon under test, with its directory; stopped when dropped.
struct Daemon {
    dir: tempfile::TempDir,
    config: PathBuf,
    port: u16,
    child: Option<Child>,
}

impl Daemon {
    /// A Maildir-fed daemon with one rep (Dana), the repository's nurture
    /// templates (copied) and one sequence, the console on a free port, and
    /// a rep user `dana` added before it starts.
    fn start() -> Daemon {
        Daemon::start_with("")
    }

    /// Like [`Daemon::start`], with `extra` TOML appended to the config.
    fn start_with(extra: &str) -> Daemon {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for sub in ["new", "cur", "tmp"] {
            std::fs::create_dir_all(d.join("inbox").join(sub)).unwrap();
        }
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"),
            &d.join("templates"),
        );
        let port = free_port();
        let text = format!(
            "[store]\npath = \"store\"\n\n[[mailbox]]\nname = \"leads\"\nmaildir = \"inbox\"\n\n\
[outbox]\ndir = \"outbox\"\nfrom = \"Acme Solar <hello@acme.example>\"\nmessage_id_domain = \"carousel.acme.example\"\n\n\
[http]\nlisten = \"127.0.0.1:{port}\"\n\n\
[[rep]]\nname = \"Dana\"\nemail = \"dana@acme.example\"\nworking_hours = \"00:00-24:00\"\nworking_days = [\"mon-sun\"]\n\n\
[nurture]\ntemplates = \"templates\"\ntime_zone = \"UTC\"\nunsubscribe_url = \"https://acme.example\"\nunsubscribe_mailto = \"unsubscribe@acme.example\"\n\n\
[[sequence]]\nname = \"solar\"\n[[sequence.step]]\ntemplate = \"solar-1-welcome\"\ndelay = \"10m\"\n\n{extra}"
        );
        let config = d.join("carousel.toml");
        std::fs::write(&config, text).unwrap();
        add_user(&config, "dana", "dana@acme.example", "rep");
        let child = spawn_daemon(&config, &d.join("daemon.log"), None);
        let daemon = Daemon {
            dir,
            config,
            port,
            child: Some(child),
        };
        let start = Instant::now();
        while http(port, "GET", "/login", "\r\n").is_none() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the console did not answer; daemon log:\n{}",
                daemon.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        daemon
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("daemon.log")).unwrap_or_default()
    }

    /// Delivers a message the way an MTA does: tmp/, then rename into new/.
    fn deliver(&self, name: &str, raw: &[u8]) {
        let inbox = self.dir.path().join("inbox");
        std::fs::write(inbox.join("tmp").join(name), raw).unwrap();
        std::fs::rename(inbox.join("tmp").join(name), inbox.join("new").join(name)).unwrap();
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(child) = self.child.take() {
            terminate(child);
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// `carousel user add` with the password from the environment.
fn add_user(config: &Path, name: &str, email: &str, role: &str) {
    let out = carousel()
        .arg("--config")
        .arg(config)
        .args([
            "user",
            "add",
            name,
            "--email",
            email,
            "--role",
            role,
            "--password-env",
            "CONSOLE_TEST_PASSWORD",
        ])
        .env("CONSOLE_TEST_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "user add failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One plain HTTP/1.1 request; `(status, whole answer)`, or `None` when
/// nothing listens yet.
fn http(port: u16, method: &str, path: &str, extra: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{extra}"
    )
    .ok()?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).ok()?;
    let status = answer.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, answer))
}

/// chromedriver on a free port; killed when dropped (after the session ended).
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start() -> Driver {
        let port = free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (apt-get install chromium chromium-driver)");
        // Owned before waiting: a failed wait still stops it.
        let driver = Driver { child, port };
        let start = Instant::now();
        // It answers /status but keeps the connection open: a connect is enough.
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `body` with a headless chromium session; the session is ended
/// whether `body` passes or panics, then the panic (if any) goes on.
async fn with_browser<F, Fut>(body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let driver = Driver::start();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({"args": ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000", "--disable-dev-shm-usage"]}),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a chromium session");
    let outcome = std::panic::AssertUnwindSafe(body(client.clone()))
        .catch_unwind()
        .await;
    let _ = client.close().await;
    drop(driver);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/console-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
}

async fn log_in(c: &Client, d: &Daemon, user: &str) {
    c.goto(&d.url("/login")).await.unwrap();
    c.find(Locator::Id("user"))
        .await
        .unwrap()
        .send_keys(user)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_text(
        c,
        Locator::Css(".logout span"),
        user,
        "the signed-in header",
    )
    .await;
}

/// Waits until the element's text contains `want` (a liveness bound, not a speed goal).
async fn wait_text(c: &Client, at: Locator<'_>, want: &str, what: &str) -> String {
    let start = Instant::now();
    loop {
        if let Ok(e) = c.find(at).await
            && let Ok(text) = e.text().await
            && text.contains(want)
        {
            return text;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let source = c.source().await.unwrap_or_default();
            panic!("gave up waiting for {what} ({want:?}); page:\n{source}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rep_claims_converts_and_wins_a_hot_lead_from_the_maildir_and_sees_the_revenue() {
    let daemon = Daemon::start();
    let d = &daemon;
    with_browser(|c| async move {
        log_in(&c, d, "dana").await;
        assert!(
            c.current_url()
                .await
                .unwrap()
                .as_str()
                .contains("/leads?view=mine")
        );
        // The lead arrives while the list is open: the list updates itself.
        d.deliver("1.hot", &hot_lead(1, "Sam Prospect", "sam@buyer.example"));
        wait_text(
            &c,
            Locator::Id("lead-rows"),
            "Sam Prospect",
            "the new lead in the live list",
        )
        .await;
        let row = text_of(&c, "#lead-rows tr").await;
        assert!(row.contains("hot") && row.contains("→ Dana"), "{row}");
        wait_text(&c, Locator::Id("count"), "1", "the updated count").await;
        screenshot(&c, "leads").await;

        c.find(Locator::LinkText("Sam Prospect"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(
            &c,
            Locator::Id("lead-name"),
            "Sam Prospect",
            "the lead page",
        )
        .await;
        assert_eq!(text_of(&c, "#lead-rank").await, "hot");
        assert!(
            text_of(&c, "#original")
                .await
                .contains("Please send a quote for our office roof.")
        );
        assert_eq!(text_of(&c, "#lead-owner").await, "unclaimed");
        screenshot(&c, "lead").await;

        c.find(Locator::Id("claim"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, Locator::Id("lead-owner"), "Dana", "the claimed lead").await;

        c.find(Locator::Id("revenue"))
            .await
            .unwrap()
            .send_keys("12500")
            .await
            .unwrap();
        c.find(Locator::Id("convert"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(
            &c,
            Locator::Id("lead-status"),
            "converted",
            "the converted lead",
        )
        .await;
        assert!(text_of(&c, "#opportunity").await.contains("12500"));

        c.find(Locator::Id("close-won"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, Locator::Id("lead-status"), "won", "the won lead").await;
        let timeline = text_of(&c, ".timeline").await;
        for event in ["claimed", "converted", "closed"] {
            assert!(
                timeline.contains(event),
                "{event} missing from the timeline:\n{timeline}"
            );
        }

        c.goto(&d.url("/reports")).await.unwrap();
        let won = wait_text(
            &c,
            Locator::Id("won-revenue"),
            "12500.00",
            "the won revenue",
        )
        .await;
        assert!(won.contains("USD"), "{won}");
        assert_eq!(text_of(&c, "#won-count").await, "1");
        screenshot(&c, "reports").await;
    })
    .await;
    // The same change is visible to the CLI, through the running daemon.
    let (ok, out, err) = common::carousel_run(&["leads", "list", "--json"], &d.config);
    assert!(ok, "{err}");
    assert!(out.contains("\"status\":\"closed\""), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_with_markup_renders_as_text_and_a_form_without_csrf_token_is_refused() {
    let daemon = Daemon::start();
    let d = &daemon;
    d.deliver("2.xss", &hot_lead(2, "Pat Example", "pat@buyer.example"));
    with_browser(|c| async move {
        log_in(&c, d, "dana").await;
        c.goto(&d.url("/leads?view=all")).await.unwrap();
        wait_text(
            &c,
            Locator::Id("lead-rows"),
            "Pat Example",
            "the lead in the list",
        )
        .await;
        c.find(Locator::LinkText("Pat Example"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, Locator::Id("lead-name"), "Pat Example", "the lead page").await;
        let lead_url = c.current_url().await.unwrap().to_string();

        // A fixed field is kept as a correction and can teach carousel the provider.
        let fix = c.form(Locator::Css("form[action$='/fix']")).await.unwrap();
        let asked = "Please send a quote for our office roof.";
        fix.set_by_name("value", asked).await.unwrap();
        c.find(Locator::Css("form[action$='/fix'] select[name=field]"))
            .await
            .unwrap()
            .select_by_value("interest")
            .await
            .unwrap();
        c.find(Locator::Css("form[action$='/fix'] input[name=learn]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        fix.submit().await.unwrap();
        let learned = wait_text(&c, Locator::Css("main"), "Correction kept", "the kept correction").await;
        assert!(learned.contains("provider learned"), "{learned}");
        c.goto(&lead_url).await.unwrap();
        assert_eq!(text_of(&c, "#lead-interest").await, asked);
        let corrections = text_of(&c, "main").await;
        assert!(
            corrections.contains("interest “Rooftop solar installation” → “Please send a quote for our office roof.” by dana"),
            "{corrections}"
        );

        // A name fixed to markup is shown as the characters typed.
        let markup = "<script>alert(1)</script>";
        let fix = c.form(Locator::Css("form[action$='/fix']")).await.unwrap();
        fix.set_by_name("value", markup).await.unwrap();
        c.find(Locator::Css("form[action$='/fix'] select[name=field]"))
            .await
            .unwrap()
            .select_by_value("name")
            .await
            .unwrap();
        fix.submit().await.unwrap();
        wait_text(&c, Locator::Id("lead-name"), markup, "the corrected name").await;
        assert_eq!(text_of(&c, "#lead-name").await, markup);
        assert!(c.get_alert_text().await.is_err(), "a script ran");
        let source = c.source().await.unwrap();
        assert!(source.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        c.goto(&d.url("/leads?view=all")).await.unwrap();
        wait_text(&c, Locator::Id("lead-rows"), markup, "the name in the list").await;
        assert!(
            c.get_alert_text().await.is_err(),
            "a script ran in the list"
        );

        // The claim form with its token removed is refused, and the lead stays unclaimed.
        c.goto(&lead_url).await.unwrap();
        c.execute(
            "document.querySelector(\"form[action$='/claim'] input[name=csrf]\").remove();",
            vec![],
        )
        .await
        .unwrap();
        c.find(Locator::Id("claim"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, Locator::Id("message"), "security token", "the refusal").await;
        c.goto(&lead_url).await.unwrap();
        assert_eq!(text_of(&c, "#lead-owner").await, "unclaimed");
    })
    .await;
    let rules: Vec<_> = std::fs::read_dir(d.dir.path().join("providers"))
        .expect("a providers/ directory with the learned rule")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(rules, vec!["solar-site.example.toml".to_string()]);
    let (ok, _, err) = common::carousel_run(&["check"], &d.config);
    assert!(ok, "the learned rule does not pass check: {err}");
    // Without a session, no form reaches an action.
    let (status, answer) = http(
        d.port,
        "POST",
        "/leads/L-1001/claim",
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\n\r\n",
    )
    .unwrap();
    assert_eq!(status, 303, "{answer}");
    assert!(answer.contains("location: /login"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marketer_edits_a_template_with_live_preview_and_a_rep_cannot_open_the_editor() {
    let daemon = Daemon::start();
    let d = &daemon;
    // Added while the daemon holds the store: through its loopback API.
    add_user(&d.config, "mia", "mia@acme.example", "marketer");
    let template = d.dir.path().join("templates/solar-1-welcome.txt");
    let original = std::fs::read_to_string(&template).unwrap();
    let first = &original;
    with_browser(|c| async move {
        log_in(&c, d, "mia").await;
        assert!(
            c.current_url()
                .await
                .unwrap()
                .as_str()
                .ends_with("/nurture")
        );
        wait_text(&c, Locator::Css("main"), "solar-1-welcome", "the sequence").await;
        screenshot(&c, "nurture").await;
        c.goto(&d.url("/nurture/templates/solar-1-welcome"))
            .await
            .unwrap();
        wait_text(
            &c,
            Locator::Id("problems-none"),
            "Checks pass",
            "the first preview",
        )
        .await;
        let before = text_of(&c, "#preview-text").await;
        assert!(!before.contains("Console marker paragraph"), "{before}");

        // Typing changes the preview (no reload, no button).
        let editor = c.find(Locator::Id("text-source")).await.unwrap();
        editor
            .send_keys("\nConsole marker paragraph")
            .await
            .unwrap();
        wait_text(
            &c,
            Locator::Id("preview-text"),
            "Console marker paragraph",
            "the live preview",
        )
        .await;

        // An unknown variable is reported, as `carousel check` does.
        editor.send_keys(" {{ contact.shoe_size }}").await.unwrap();
        let problems = wait_text(
            &c,
            Locator::Css("#preview-result"),
            "shoe_size",
            "the unknown variable error",
        )
        .await;
        assert!(problems.contains("solar-1-welcome"), "{problems}");
        screenshot(&c, "template-error").await;

        // Saving with the error is refused; without it, saved with a backup.
        c.find(Locator::Id("save"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, Locator::Id("notice"), "Not saved", "the refused save").await;
        let fixed = format!("{first}\nConsole marker paragraph\n");
        c.execute(
            "document.getElementById('text-source').value = arguments[0];",
            vec![serde_json::json!(fixed)],
        )
        .await
        .unwrap();
        c.find(Locator::Id("save"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, Locator::Id("notice"), "Saved", "the saved template").await;
        wait_text(
            &c,
            Locator::Id("preview-text"),
            "Console marker paragraph",
            "the saved preview",
        )
        .await;
        screenshot(&c, "template").await;

        // A test email of the saved version goes to the marketer.
        c.find(Locator::Css("form[action='/nurture/test'] button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(
            &c,
            Locator::Id("message"),
            "mia@acme.example",
            "the queued test email",
        )
        .await;
    })
    .await;
    let saved = std::fs::read_to_string(&template).unwrap();
    assert!(saved.contains("Console marker paragraph"), "{saved}");
    assert!(!saved.contains("shoe_size"));
    let backups: Vec<_> = std::fs::read_dir(d.dir.path().join("templates/.backups"))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert_eq!(
        backups,
        vec![original],
        "the previous version (and only it) is kept"
    );
    let outbox = d.dir.path().join("outbox");
    let start = Instant::now();
    let test_email = loop {
        let found = std::fs::read_dir(&outbox)
            .map(|dir| {
                dir.flatten()
                    .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                    .find(|m| m.contains("To: mia@acme.example"))
            })
            .ok()
            .flatten();
        if let Some(m) = found {
            break m;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no test email in {}",
            outbox.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(test_email.contains("[test]"), "{test_email}");
    assert!(
        test_email.contains("Console marker paragraph"),
        "{test_email}"
    );
    let (ok, _, err) = common::carousel_run(&["check"], &d.config);
    assert!(ok, "carousel check fails on the saved template: {err}");

    // A rep is turned away from the editor.
    with_browser(|c| async move {
        log_in(&c, d, "dana").await;
        c.goto(&d.url("/nurture/templates/solar-1-welcome"))
            .await
            .unwrap();
        wait_text(&c, Locator::Css("h1"), "Not for your role", "the refusal").await;
        assert!(c.find(Locator::Id("html-source")).await.is_err());
        let nav = text_of(&c, "header nav").await;
        assert!(!nav.contains("Nurture"), "{nav}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manager_turns_unrecognised_mail_into_a_lead_or_not_and_reads_the_operator_page() {
    let daemon = Daemon::start();
    let d = &daemon;
    add_user(&d.config, "max", "max@acme.example", "manager");
    d.deliver(
        "3.other",
        b"From: Newsletter <news@magazine.example>\r\nTo: leads@acme.example\r\n\
Subject: This week in roofing\r\nMessage-ID: <weekly-1@magazine.example>\r\n\
Date: Wed, 25 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Five stories about roofs this week. Read them on our site.\r\n",
    );
    with_browser(|c| async move {
        log_in(&c, d, "max").await;
        let start = Instant::now();
        loop {
            c.goto(&d.url("/review")).await.unwrap();
            if text_of(&c, "main").await.contains("This week in roofing") {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the message never showed for review"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let item = text_of(&c, "article.review").await;
        assert!(
            item.contains("other") && item.contains("news@magazine.example"),
            "{item}"
        );
        screenshot(&c, "review").await;
        c.find(Locator::Css("article.review button[value=not_lead]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // An unrecognised provider's lead: "this is a lead" with its fields
        // learns the provider and reads its mail again, and the lead appears.
        d.deliver(
            "4.odd",
            b"From: Odd Quotes <quotes@odd-provider.example>\r\nTo: leads@acme.example\r\n\
Subject: Request 4471\r\nMessage-ID: <r4471@odd-provider.example>\r\n\
Date: Wed, 25 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Request 4471\r\nWho -- Jo Buyer\r\nReach -- jo@buyer.example\r\nWants -- battery storage\r\n",
        );
        let start = Instant::now();
        loop {
            c.goto(&d.url("/review")).await.unwrap();
            if text_of(&c, "main").await.contains("Request 4471") {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the odd lead never showed for review"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let form = c.form(Locator::Css("article.review form")).await.unwrap();
        form.set_by_name("email", "jo@buyer.example").await.unwrap();
        form.set_by_name("name", "Jo Buyer").await.unwrap();
        form.set_by_name("interest", "battery storage")
            .await
            .unwrap();
        c.find(Locator::Css("article.review button[value=lead]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(
            &c,
            Locator::Id("message"),
            "Learned the provider odd-provider.example",
            "the learned provider",
        )
        .await;
        let start = Instant::now();
        loop {
            c.goto(&d.url("/leads?view=all")).await.unwrap();
            if text_of(&c, "#lead-rows").await.contains("Jo Buyer") {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the learned lead never appeared"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let row = text_of(&c, "#lead-rows tr").await;
        assert!(
            row.contains("battery storage") && row.contains("odd-provider.example"),
            "{row}"
        );
        c.goto(&d.url("/review")).await.unwrap();
        wait_text(
            &c,
            Locator::Css("main"),
            "Nothing needs review",
            "the emptied queue",
        )
        .await;

        c.goto(&d.url("/operator")).await.unwrap();
        let page = wait_text(&c, Locator::Css("main"), "leads", "the operator page").await;
        let mailbox = text_of(&c, "main table tbody tr").await;
        assert!(mailbox.starts_with("leads connected"), "{mailbox}");
        assert!(page.contains("No failed or retrying email"), "{page}");
        assert!(page.contains("Messages to understand"), "{page}");
        assert!(
            page.contains("No [[webhook]] or [[chat]] configured"),
            "{page}"
        );
        screenshot(&c, "operator").await;
    })
    .await;
}

/// The `Set-Cookie` value of `name` in an HTTP answer (the whole header line).
fn set_cookie<'a>(answer: &'a str, name: &str) -> Option<&'a str> {
    answer
        .lines()
        .filter_map(|l| l.strip_prefix("set-cookie: "))
        .find(|l| l.starts_with(&format!("{name}=")))
}

fn cookie_value(line: &str) -> &str {
    line.split(';')
        .next()
        .unwrap_or("")
        .split_once('=')
        .map_or("", |(_, v)| v)
}

/// Logs in over plain HTTP; the answer to `POST /login`.
fn http_login(port: u16, user: &str, password: &str) -> (u16, String) {
    let (_, page) = http(port, "GET", "/login", "\r\n").unwrap();
    let login =
        cookie_value(set_cookie(&page, "carousel_login").expect("login cookie")).to_string();
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let body = format!(
        "user={user}&password={}&csrf={csrf}&next=%2F",
        password.replace(' ', "+")
    );
    http(
        port,
        "POST",
        "/login",
        &format!(
            "Cookie: carousel_login={login}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
    .unwrap()
}

#[test]
fn sessions_login_limits_user_removal_and_the_auth_proxy_header_over_plain_http() {
    let daemon = Daemon::start_with(
        "[console]\nauth_proxy_header = \"X-Forwarded-Email\"\nlogin_attempts = 3\n",
    );
    let port = daemon.port;

    // A good login: a session cookie that scripts cannot read and other sites do not send.
    let (status, answer) = http_login(port, "dana", PASSWORD);
    assert_eq!(status, 303, "{answer}");
    let session = set_cookie(&answer, "carousel_session").expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    assert!(
        !session.contains("Secure"),
        "no TLS and no trust_proxy: {session}"
    );
    let cookie = format!("Cookie: carousel_session={}\r\n", cookie_value(session));
    let (status, page) = http(port, "GET", "/leads?view=mine", &format!("{cookie}\r\n")).unwrap();
    assert_eq!(status, 200);
    assert!(page.contains("dana (rep)"));
    assert!(
        page.contains("content-security-policy: default-src 'self'"),
        "{page}"
    );

    // Wrong passwords: refused, then locked out even with the right one.
    for _ in 0..3 {
        assert_eq!(http_login(port, "dana", "wrong password").0, 401);
    }
    let (status, answer) = http_login(port, "dana", PASSWORD);
    assert_eq!(status, 429, "{answer}");

    // The trusted proxy header signs a user in by email; an unknown email is not.
    let (status, page) = http(
        port,
        "GET",
        "/leads?view=all",
        "X-Forwarded-Email: DANA@acme.example\r\n\r\n",
    )
    .unwrap();
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("dana (rep)"));
    let (status, _) = http(
        port,
        "GET",
        "/leads?view=all",
        "X-Forwarded-Email: eve@evil.example\r\n\r\n",
    )
    .unwrap();
    assert_eq!(status, 303);

    // `user list` and `user remove` work while the daemon runs; removal ends the session.
    let (ok, out, err) = common::carousel_run(&["user", "list", "--json"], &daemon.config);
    assert!(ok, "{err}");
    assert!(
        out.contains("\"name\":\"dana\"") && out.contains("\"rep\":\"Dana\""),
        "{out}"
    );
    assert!(!out.contains("argon2"), "the hash is never printed: {out}");
    let (ok, _, err) = common::carousel_run(&["user", "remove", "dana"], &daemon.config);
    assert!(ok, "{err}");
    let (status, answer) = http(port, "GET", "/leads?view=mine", &format!("{cookie}\r\n")).unwrap();
    assert_eq!(status, 303, "{answer}");
    assert!(answer.contains("location: /login"), "{answer}");
}

#[test]
fn console_can_be_turned_off() {
    let daemon = Daemon::start_with("[console]\nenabled = false\n");
    let (status, _) = http(daemon.port, "GET", "/login", "\r\n").unwrap();
    assert_eq!(status, 404);
    let (status, _) = http(daemon.port, "GET", "/health", "\r\n").unwrap();
    assert_ne!(status, 404, "the rest of the listener stays");
}
