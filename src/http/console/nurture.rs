//! Nurture for marketers: sequences with their steps and enrollment
//! counts, and the template editor — live preview for a chosen contact
//! (HTML and text side by side), the checks of `carousel check`, save with
//! a backup of the previous version, and a test email to oneself.
//!
//! The editor never renders the files being edited in the daemon's own
//! template set: a preview copies the templates directory to a scratch
//! directory, writes the edited text there, and loads it with the same
//! [`Templates`] loader and checks. Saving writes the real file; the
//! scheduler's hot reload picks it up at its next tick.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use anyhow::Context as _;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;

use super::session::{Checked, Signed};
use super::{Console, blocking};
use crate::nurture::scheduler::Scheduler;
use crate::nurture::templates::{TemplateProblem, Templates};

/// Where the previous versions of saved templates go, inside the templates
/// directory (the loader only reads `.html` and `.txt`, so `.bak` files
/// there are never templates).
const BACKUPS: &str = ".backups";

/// A template name is a file stem: letters, digits, `-`, `_`.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The 404 page for a template name [`valid_name`] refuses, or `None`.
fn refuse_bad_name(console: &Console, who: &Signed, name: &str) -> Option<Response> {
    (!valid_name(name)).then(|| {
        console.message(
            who,
            StatusCode::NOT_FOUND,
            "No such template",
            "Template names are letters, digits, - and _.",
        )
    })
}

fn templates_dir(console: &Console) -> PathBuf {
    let c = &console.stage.config;
    c.resolve(&c.nurture.templates)
}

/// One sequence as the overview shows it.
#[derive(Debug, Serialize)]
struct SequenceView {
    name: String,
    steps: Vec<(usize, String, String)>,
    enrollments: Vec<(String, usize)>,
}

/// `GET /nurture`.
pub async fn overview(State(console): State<Console>, who: Signed) -> Response {
    if !who.user.role.edits_nurture() {
        return console.forbidden(&who);
    }
    let store = console.stage.intake.store.clone();
    let config = console.stage.config.clone();
    let dir = templates_dir(&console);
    let result = blocking(move || {
        let status = crate::nurture::scheduler::status(&store)?;
        let sequences: Vec<SequenceView> = config
            .sequence
            .iter()
            .map(|s| {
                let s = s.get_ref();
                SequenceView {
                    name: s.name.clone(),
                    steps: s
                        .step
                        .iter()
                        .enumerate()
                        .map(|(i, st)| (i + 1, st.template.clone(), st.delay.clone()))
                        .collect(),
                    enrollments: status
                        .iter()
                        .filter(|(seq, _, _)| *seq == s.name)
                        .map(|(_, state, n)| (state.clone(), *n))
                        .collect(),
                }
            })
            .collect();
        let (templates, _) = Templates::load(&dir, config.nurture.template_fuel);
        Ok(minijinja::context! {
            sequences => sequences,
            templates => templates.names(),
            dir => dir.display().to_string(),
        })
    })
    .await;
    match result {
        Ok(context) => console.page(&who, "nurture.html", context),
        Err(e) => console.message(
            &who,
            StatusCode::INTERNAL_SERVER_ERROR,
            "Nurture",
            &format!("{e:#}"),
        ),
    }
}

/// The sources being edited.
#[derive(Debug, Clone, Default, Serialize)]
struct Sources {
    html: String,
    /// `None`: no `.txt` file (the text part is made from the HTML).
    text: Option<String>,
}

fn read_sources(dir: &Path, name: &str) -> anyhow::Result<Sources> {
    let html_path = dir.join(format!("{name}.html"));
    let html = std::fs::read_to_string(&html_path)
        .with_context(|| format!("reading {}", html_path.display()))?;
    let text = std::fs::read_to_string(dir.join(format!("{name}.txt"))).ok();
    Ok(Sources { html, text })
}

/// What a preview shows: the problems `carousel check` would print for the
/// edited files, and the email rendered for the contact (strict: an
/// unknown variable is an error).
#[derive(Debug, Default, Serialize)]
pub struct Preview {
    pub problems: Vec<String>,
    pub errors: usize,
    pub subject: Option<String>,
    pub html: Option<String>,
    pub text: Option<String>,
    pub render_error: Option<String>,
}

/// A scratch copy of the templates directory, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_templates(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == BACKUPS {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            copy_templates(&path, &to.join(&name))?;
        } else if matches!(
            path.extension().and_then(|x| x.to_str()),
            Some("html" | "txt")
        ) {
            std::fs::copy(&path, to.join(&name))?;
        }
    }
    Ok(())
}

/// The scheduler whose template context the previews use (built once:
/// it reads contacts and the unsubscribe secret from the store).
fn scheduler(console: &Console) -> anyhow::Result<&'static Scheduler> {
    static SCHEDULER: OnceLock<Scheduler> = OnceLock::new();
    if let Some(s) = SCHEDULER.get() {
        return Ok(s);
    }
    let s = Scheduler::new(
        Arc::new(console.stage.config.nurture_settings()),
        console.stage.intake.store.clone(),
    )?;
    Ok(SCHEDULER.get_or_init(|| s))
}

/// Checks and renders `name` with the edited `sources` in place of its files.
fn preview_of(
    console: &Console,
    name: &str,
    sources: &Sources,
    contact: &str,
) -> anyhow::Result<Preview> {
    let dir = templates_dir(console);
    let scratch = Scratch(std::env::temp_dir().join(format!(
        "carousel-console-{}",
        hex::encode(rand::random::<[u8; 8]>())
    )));
    copy_templates(&dir, &scratch.0).with_context(|| format!("copying {}", dir.display()))?;
    std::fs::write(scratch.0.join(format!("{name}.html")), &sources.html)?;
    let txt = scratch.0.join(format!("{name}.txt"));
    match &sources.text {
        Some(t) => std::fs::write(&txt, t)?,
        None => {
            let _ = std::fs::remove_file(&txt);
        }
    }
    let fuel = console.stage.config.nurture.template_fuel;
    let (templates, _) = Templates::load(&scratch.0, fuel);
    // Problems name the real directory, as `carousel check` would.
    let located = |p: TemplateProblem| {
        let file = p
            .file
            .strip_prefix(&scratch.0)
            .map(|rel| dir.join(rel))
            .unwrap_or(p.file.clone());
        (p.is_warning(), TemplateProblem { file, ..p }.to_string())
    };
    let problems: Vec<(bool, String)> = templates.check().into_iter().map(located).collect();
    let mut preview = Preview {
        errors: problems.iter().filter(|(warning, _)| !warning).count(),
        problems: problems.into_iter().map(|(_, text)| text).collect(),
        ..Preview::default()
    };
    let sequence = console
        .stage
        .config
        .sequence
        .iter()
        .map(|s| s.get_ref())
        .find(|s| s.step.iter().any(|st| st.template == name));
    let step = sequence
        .and_then(|s| s.step.iter().position(|st| st.template == name))
        .unwrap_or(0) as u32;
    let context = scheduler(console)?.context(
        &crate::understand::normalize_email(contact),
        sequence.map_or("preview", |s| s.name.as_str()),
        step,
        None,
    )?;
    match templates.render_strict(name, &context) {
        Ok(r) => {
            preview.subject = Some(r.subject);
            preview.html = Some(r.html);
            preview.text = Some(r.text);
        }
        Err(e) => preview.render_error = Some(e),
    }
    Ok(preview)
}

/// A contact to preview with: the one asked for, else any stored contact.
fn preview_contact(console: &Console, asked: Option<&str>) -> String {
    if let Some(c) = asked {
        return c.to_string();
    }
    console
        .stage
        .intake
        .store
        .tree("contacts")
        .ok()
        .and_then(|t| t.iter().keys().next())
        .and_then(|k| k.ok())
        .map(|k| String::from_utf8_lossy(&k).into_owned())
        .unwrap_or_else(|| "pat@example.com".into())
}

fn editor_page(
    console: &Console,
    who: &Signed,
    name: &str,
    sources: &Sources,
    contact: &str,
    preview: &Preview,
    notice: Option<&str>,
) -> Response {
    console.page(
        who,
        "template.html",
        minijinja::context! {
            name => name,
            html_source => sources.html.clone(),
            text_source => sources.text.clone(),
            has_text => sources.text.is_some(),
            contact => contact,
            preview => preview,
            notice => notice,
        },
    )
}

/// `GET /nurture/templates/{name}`.
pub async fn editor(
    State(console): State<Console>,
    who: Signed,
    UrlPath(name): UrlPath<String>,
) -> Response {
    if !who.user.role.edits_nurture() {
        return console.forbidden(&who);
    }
    if let Some(refused) = refuse_bad_name(&console, &who, &name) {
        return refused;
    }
    let c = console.clone();
    let n = name.clone();
    let result = blocking(move || {
        let sources = read_sources(&templates_dir(&c), &n)?;
        let contact = preview_contact(&c, None);
        let preview = preview_of(&c, &n, &sources, &contact)?;
        Ok((sources, contact, preview))
    })
    .await;
    match result {
        Ok((sources, contact, preview)) => {
            editor_page(&console, &who, &name, &sources, &contact, &preview, None)
        }
        Err(e) => console.message(&who, StatusCode::NOT_FOUND, "Template", &format!("{e:#}")),
    }
}

fn sources_of(form: &Checked) -> Sources {
    let crlf = |s: &str| s.replace("\r\n", "\n");
    Sources {
        html: crlf(form.form.get("html").map_or("", |s| s.as_str())),
        text: form
            .form
            .get("text")
            .filter(|_| form.field("has_text").is_some())
            .map(|s| crlf(s)),
    }
}

/// `POST /nurture/preview` (fields `name`, `html`, `text`, `contact`): the
/// preview fragment for the live editor (header `X-Console-Fragment`),
/// else the whole editor page (the "Preview" button without JavaScript).
pub async fn preview(
    State(console): State<Console>,
    headers: HeaderMap,
    form: Checked,
) -> Response {
    let who = form.who.clone();
    if !who.user.role.edits_nurture() {
        return console.forbidden(&who);
    }
    let name = form.field("name").unwrap_or_default().to_string();
    if let Some(refused) = refuse_bad_name(&console, &who, &name) {
        return refused;
    }
    let sources = sources_of(&form);
    let contact = preview_contact(&console, form.field("contact"));
    let c = console.clone();
    let (n, s, ct) = (name.clone(), sources.clone(), contact.clone());
    let result = blocking(move || preview_of(&c, &n, &s, &ct)).await;
    let preview = match result {
        Ok(p) => p,
        Err(e) => {
            return console.message(
                &who,
                StatusCode::UNPROCESSABLE_ENTITY,
                "Preview",
                &format!("{e:#}"),
            );
        }
    };
    if headers.contains_key("x-console-fragment") {
        return console.page(
            &who,
            "preview.html",
            minijinja::context! { preview => preview },
        );
    }
    editor_page(&console, &who, &name, &sources, &contact, &preview, None)
}

/// `POST /nurture/templates/{name}`: saves when the checks pass (warnings
/// allowed), after copying the previous version to `.backups/`.
pub async fn save(
    State(console): State<Console>,
    UrlPath(name): UrlPath<String>,
    form: Checked,
) -> Response {
    let who = form.who.clone();
    if !who.user.role.edits_nurture() {
        return console.forbidden(&who);
    }
    if let Some(refused) = refuse_bad_name(&console, &who, &name) {
        return refused;
    }
    let sources = sources_of(&form);
    let contact = preview_contact(&console, form.field("contact"));
    let c = console.clone();
    let (n, s, ct) = (name.clone(), sources.clone(), contact.clone());
    let by = who.user.name.clone();
    let result = blocking(move || {
        let preview = preview_of(&c, &n, &s, &ct)?;
        if preview.errors > 0 || preview.render_error.is_some() {
            return Ok((preview, None));
        }
        let dir = templates_dir(&c);
        let backups = dir.join(BACKUPS);
        std::fs::create_dir_all(&backups)
            .with_context(|| format!("creating {}", backups.display()))?;
        let stamp = jiff::Timestamp::now()
            .strftime("%Y%m%dT%H%M%S%.fZ")
            .to_string();
        let mut saved = Vec::new();
        for (ext, text) in [("html", Some(&s.html)), ("txt", s.text.as_ref())] {
            let file = dir.join(format!("{n}.{ext}"));
            if text.is_some_and(|t| std::fs::read_to_string(&file).is_ok_and(|old| old == *t)) {
                continue; // unchanged: no write, no backup
            }
            if file.exists() {
                let backup = backups.join(format!("{n}.{ext}.{stamp}.bak"));
                std::fs::copy(&file, &backup)
                    .with_context(|| format!("backing up {}", file.display()))?;
                saved.push(backup.display().to_string());
            }
            if let Some(text) = text {
                // Write then rename: the scheduler never reads half a file.
                let tmp = dir.join(format!(".{n}.{ext}.saving"));
                std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
                std::fs::rename(&tmp, &file)
                    .with_context(|| format!("saving {}", file.display()))?;
            }
        }
        tracing::info!(template = %n, user = %by, "template saved in the console");
        Ok((
            preview,
            Some(format!(
                "Saved. Previous version: {}",
                if saved.is_empty() {
                    "none".into()
                } else {
                    saved.join(", ")
                }
            )),
        ))
    })
    .await;
    match result {
        Ok((preview, Some(notice))) => editor_page(
            &console,
            &who,
            &name,
            &sources,
            &contact,
            &preview,
            Some(&notice),
        ),
        Ok((preview, None)) => {
            let mut r = editor_page(
                &console,
                &who,
                &name,
                &sources,
                &contact,
                &preview,
                Some("Not saved: fix the errors first."),
            );
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
        Err(e) => console.message(
            &who,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Not saved",
            &format!("{e:#}"),
        ),
    }
}

/// `POST /nurture/test` (fields `name`, `contact`): the saved template,
/// rendered for the contact, queued to the signed-in user's own address.
pub async fn send_test(State(console): State<Console>, form: Checked) -> Response {
    let who = form.who.clone();
    if !who.user.role.edits_nurture() {
        return console.forbidden(&who);
    }
    let name = form.field("name").unwrap_or_default().to_string();
    if !valid_name(&name) {
        return console.forbidden(&who);
    }
    let contact = preview_contact(&console, form.field("contact"));
    let c = console.clone();
    let (n, to) = (name.clone(), who.user.email.clone());
    let result = blocking(move || {
        let sources = read_sources(&templates_dir(&c), &n)?;
        let preview = preview_of(&c, &n, &sources, &contact)?;
        if let Some(e) = preview.render_error {
            anyhow::bail!("{e}");
        }
        let store = &c.stage.intake.store;
        let domain = c
            .stage
            .config
            .outbox
            .as_ref()
            .map(|o| o.message_id_domain.clone())
            .unwrap_or_else(|| "carousel.localhost".into());
        let stamp = jiff::Timestamp::now().as_millisecond().to_string();
        let email = crate::outbox::OutboundEmail {
            message_id: crate::outbox::message_id(&domain, &["t", &n, &stamp]),
            to: vec![to.clone()],
            from: None,
            reply_to: None,
            subject: format!("[test] {}", preview.subject.unwrap_or_default()),
            text: preview.text.unwrap_or_default(),
            html: preview.html,
            headers: Vec::new(),
            in_reply_to: None,
            purpose: crate::outbox::Purpose::TeamNote {
                lead: format!("template-test:{n}"),
            },
        };
        crate::outbox::enqueue(store, email)?;
        store.flush_sync()?;
        c.stage.intake.wake.outbox.notify_one();
        Ok(to)
    })
    .await;
    match result {
        Ok(to) => console.message(
            &who,
            StatusCode::OK,
            "Test email queued",
            &format!("The template {name} is on its way to {to}."),
        ),
        Err(e) => console.message(
            &who,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Test email not sent",
            &format!("{e:#}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn template_names_cannot_leave_the_templates_directory() {
        assert!(super::valid_name("solar-1-welcome"));
        for bad in ["", "../config", "a/b", "x.html", "layouts\\base"] {
            assert!(!super::valid_name(bad), "{bad:?}");
        }
    }
}
