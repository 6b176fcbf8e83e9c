//! Email templates marketers edit: one minijinja file per email in
//! `templates/`, with front matter for the subject (and an optional
//! preheader):
//!
//! ```text
//! ---
//! subject: {{ contact.first_name }}, your solar estimate
//! preheader: Three numbers that decide whether solar pays off
//! ---
//! {% extends "layouts/base.html" %} ...
//! ```
//!
//! `NAME.html` is autoescaped; `NAME.txt` beside it is the hand-written
//! plain-text part, else one is generated from the HTML. `layouts/` and
//! `partials/` hold shared pieces. Rendering is bounded by fuel, so an
//! endless loop is an error, not a hang. [`Templates::refresh`] reloads
//! changed files; a file that no longer compiles is reported and its last
//! good version stays in use.
//!
//! Sending stays lenient (a contact without a company renders an empty
//! string), but [`Templates::check`] and `preview` ([`Templates::render_strict`])
//! are strict: a misspelled variable or attribute (`{{ contact.frist_name }}`)
//! is an error with its `file:line`. `check` also warns when a hand-written
//! `NAME.txt` is older than its `NAME.html` (the HTML edit never reached
//! it). The generated text part never breaks a URL across lines.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use minijinja::{AutoEscape, Environment, UndefinedBehavior};

pub use crate::outbox::one_line;

/// Variables a template may use (roots; `contact.name` is under `contact`).
pub const KNOWN_VARIABLES: &[&str] = &[
    "contact",
    "lead",
    "rep",
    "campaign",
    "company",
    "sequence",
    "step",
    "subject",
    "preheader",
    "unsubscribe_url",
    "unsubscribe_mailto",
    // minijinja built-ins and names templates declare themselves
    "range",
    "dict",
    "namespace",
    "debug",
    "loop",
    "super",
    "self",
    "caller",
    "varargs",
    "kwargs",
];

/// One email rendered for one contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Single line, control characters removed.
    pub subject: String,
    pub preheader: Option<String>,
    pub html: String,
    pub text: String,
}

/// A template problem, located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateProblem {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl TemplateProblem {
    /// Warnings are printed by `check` but do not fail it.
    pub fn is_warning(&self) -> bool {
        self.message.starts_with(WARNING)
    }
}

/// The prefix of a warning's message.
const WARNING: &str = "warning: ";

impl std::fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

/// A context in which every variable and attribute a template may use is
/// defined (with sample values): what strict checking renders against.
pub fn sample_context() -> serde_json::Value {
    serde_json::json!({
        "contact": {
            "email": "pat@example.com",
            "name": "Pat Example",
            "first_name": "Pat",
            "company": "Example Ltd",
            "phone": "+1 555 0100",
            "country": "US",
        },
        "lead": {
            "id": "L-1001",
            "rank": "hot",
            "owner": "Dana",
            "assigned": "Dana",
            "created_at": "2026-01-01T00:00:00Z",
            "lead": {
                "contact": {"email": "pat@example.com", "name": "Pat Example", "phone": null,
                    "company": "Example Ltd", "title": null, "postcode": null, "country": null},
                "interest": "Rooftop solar",
                "timeline": "within_3_months",
                "rank": "hot",
                "points": 70,
            },
        },
        "rep": {"name": "Dana", "email": "dana@example.com"},
        "campaign": "spring",
        "company": {"name": "Acme", "time_zone": "UTC"},
        "sequence": "solar",
        "step": 1,
        "unsubscribe_url": "https://example.com/u/TOKEN",
        "unsubscribe_mailto": "unsubscribe@example.com",
    })
}

/// A file as read: front matter split off, body padded so line numbers match the file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Source {
    body: String,
    subject: Option<String>,
    preheader: Option<String>,
}

/// The compiled set, swapped whole on reload.
struct Compiled {
    env: Environment<'static>,
    /// Email names (top-level `.html` files with a subject).
    emails: HashSet<String>,
    /// Names with a hand-written `.txt`.
    texts: HashSet<String>,
    /// What each file compiled from, to keep last good versions.
    sources: BTreeMap<String, Source>,
    stamp: Vec<(PathBuf, SystemTime)>,
}

/// The template directory, compiled, reloadable. Cheap to clone.
#[derive(Clone)]
pub struct Templates {
    dir: PathBuf,
    fuel: u64,
    compiled: Arc<Mutex<Arc<Compiled>>>,
}

impl Templates {
    /// Loads every template in `dir`. Problems are returned, not fatal: a
    /// broken file is simply not available (or keeps its previous version).
    pub fn load(dir: &Path, fuel: u64) -> (Templates, Vec<TemplateProblem>) {
        let (compiled, problems) = compile(dir, fuel, None);
        (
            Templates {
                dir: dir.to_path_buf(),
                fuel,
                compiled: Arc::new(Mutex::new(Arc::new(compiled))),
            },
            problems,
        )
    }

    /// Reloads when a file changed (cheap when none did). Returns the
    /// problems found in the new files; last good versions stay in use.
    pub fn refresh(&self) -> Vec<TemplateProblem> {
        let current = self.current();
        if scan(&self.dir) == current.stamp {
            return Vec::new();
        }
        let (compiled, problems) = compile(&self.dir, self.fuel, Some(&current));
        for p in &problems {
            tracing::error!("template reload: {p} (keeping the last good version)");
        }
        *self.compiled.lock().unwrap_or_else(|e| e.into_inner()) = Arc::new(compiled);
        problems
    }

    fn current(&self) -> Arc<Compiled> {
        self.compiled
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// True when `name` is an email template (has `NAME.html` with a subject).
    pub fn has(&self, name: &str) -> bool {
        self.current().emails.contains(name)
    }

    /// Email template names, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.current().emails.iter().cloned().collect();
        v.sort();
        v
    }

    /// Renders `name` with `context`. Errors (unknown template, fuel
    /// exhausted, undefined variable) are returned as text.
    pub fn render(&self, name: &str, context: &serde_json::Value) -> Result<Rendered, String> {
        let c = self.current();
        render_in(&c, &c.env, name, context).map_err(|(_, e)| e)
    }

    /// Renders like [`Templates::render`], but an undefined variable or
    /// attribute is an error (`preview`, `check`).
    pub fn render_strict(
        &self,
        name: &str,
        context: &serde_json::Value,
    ) -> Result<Rendered, String> {
        let c = self.current();
        let mut env = c.env.clone();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        render_in(&c, &env, name, context).map_err(|(_, e)| e)
    }
}

/// Renders email `name` of `c` in `env`. On error: the template file and
/// line at fault (when minijinja knows them) and the message.
fn render_in(
    c: &Compiled,
    env: &Environment<'static>,
    name: &str,
    context: &serde_json::Value,
) -> Result<Rendered, (Option<(String, usize)>, String)> {
    {
        if !c.emails.contains(name) {
            return Err((None, format!("no email template {name:?}")));
        }
        let err = |what: &str, e: minijinja::Error| {
            let at = e.name().zip(e.line()).map(|(n, l)| (n.to_string(), l));
            (at, format!("{name} {what}: {e:#}"))
        };
        let subject = env
            .get_template(&format!("{name}#subject"))
            .and_then(|t| t.render(context))
            .map(|s| one_line(&s))
            .map_err(|e| err("subject", e))?;
        let preheader = match env.get_template(&format!("{name}#preheader")) {
            Ok(t) => Some(one_line(
                &t.render(context).map_err(|e| err("preheader", e))?,
            )),
            Err(_) => None,
        }
        .filter(|p| !p.is_empty());
        // The body sees its own subject and preheader (layouts use them).
        let mut full = context.clone();
        if let Some(obj) = full.as_object_mut() {
            obj.insert("subject".into(), subject.clone().into());
            obj.insert("preheader".into(), preheader.clone().into());
        }
        let context = &full;
        let html = env
            .get_template(&format!("{name}.html"))
            .and_then(|t| t.render(context))
            .map_err(|e| err("html", e))?
            .trim_start()
            .to_string();
        let text = if c.texts.contains(name) {
            env.get_template(&format!("{name}.txt"))
                .and_then(|t| t.render(context))
                .map_err(|e| err("text", e))?
        } else {
            html_to_text(&html)
        };
        Ok(Rendered {
            subject,
            preheader,
            html,
            text,
        })
    }
}

impl Templates {
    /// Every problem a marketer should fix: compile errors, front matter,
    /// variables no context provides. `file:line: message`.
    pub fn check(&self) -> Vec<TemplateProblem> {
        let (fresh, mut problems) = compile(&self.dir, self.fuel, None);
        for (name, source) in &fresh.sources {
            let file = self.dir.join(name);
            let mut parts = vec![(source.body.as_str(), name.clone())];
            if let Some(s) = &source.subject {
                parts.push((s.as_str(), format!("{name}#subject")));
            }
            for (text, tname) in parts {
                let Ok(t) = fresh.env.get_template(&tname) else {
                    continue;
                };
                let mut unknown: Vec<String> = t
                    .undeclared_variables(false)
                    .into_iter()
                    .filter(|v| !KNOWN_VARIABLES.contains(&v.as_str()))
                    .collect();
                unknown.sort();
                for v in unknown {
                    let line = if tname.ends_with("#subject") {
                        2
                    } else {
                        line_of_word(text, &v)
                    };
                    problems.push(TemplateProblem {
                        file: file.clone(),
                        line,
                        message: format!(
                            "unknown variable `{v}` (known: contact, lead, rep, campaign, company, sequence, step, unsubscribe_url)"
                        ),
                    });
                }
            }
        }
        // Strict rendering against a context where everything is defined:
        // a misspelled attribute (`contact.frist_name`) is an error.
        let mut strict = fresh.env.clone();
        strict.set_undefined_behavior(UndefinedBehavior::Strict);
        let sample = sample_context();
        let mut emails: Vec<&String> = fresh.emails.iter().collect();
        emails.sort();
        for name in emails {
            if let Err((at, message)) = render_in(&fresh, &strict, name, &sample) {
                let (file, line) = match at {
                    // Front matter: the subject or preheader line of the file.
                    Some((file, _)) if file.contains('#') => {
                        let (stem, key) = file.split_once('#').unwrap_or((&file, ""));
                        let path = self.dir.join(format!("{stem}.html"));
                        let text = std::fs::read_to_string(&path).unwrap_or_default();
                        let line = text
                            .lines()
                            .position(|l| l.trim_start().starts_with(&format!("{key}:")))
                            .map_or(0, |i| i + 1);
                        (path, line)
                    }
                    Some((file, line)) => (self.dir.join(file), line),
                    None => (self.dir.join(format!("{name}.html")), 0),
                };
                problems.push(TemplateProblem {
                    file,
                    line,
                    message: message.lines().next().unwrap_or("").to_string(),
                });
            }
            // A hand-written text part older than its HTML missed an edit.
            if fresh.texts.contains(name.as_str()) {
                let modified = |ext: &str| {
                    std::fs::metadata(self.dir.join(format!("{name}.{ext}")))
                        .and_then(|m| m.modified())
                        .ok()
                };
                if let (Some(txt), Some(html)) = (modified("txt"), modified("html"))
                    && txt < html
                {
                    problems.push(TemplateProblem {
                        file: self.dir.join(format!("{name}.txt")),
                        line: 1,
                        message: format!(
                            "{WARNING}{name}.txt is older than {name}.html: update the text part too (or delete it to have it generated from the HTML)"
                        ),
                    });
                }
            }
        }
        problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        problems.dedup();
        problems
    }
}

/// Files under `dir` with their modification times, sorted: the reload stamp.
fn scan(dir: &Path) -> Vec<(PathBuf, SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            let Ok(meta) = e.metadata() else { continue };
            if meta.is_dir() {
                if out.len() < 10_000 {
                    stack.push(path);
                }
            } else if matches!(
                path.extension().and_then(|x| x.to_str()),
                Some("html" | "txt")
            ) {
                out.push((path, meta.modified().unwrap_or(SystemTime::UNIX_EPOCH)));
            }
        }
    }
    out.sort();
    out
}

fn compile(dir: &Path, fuel: u64, previous: Option<&Compiled>) -> (Compiled, Vec<TemplateProblem>) {
    let stamp = scan(dir);
    let mut problems = Vec::new();
    let mut sources = BTreeMap::new();
    for (path, _) in &stamp {
        let Ok(rel) = path.strip_prefix(dir) else {
            continue;
        };
        let name = rel.to_string_lossy().replace('\\', "/");
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(TemplateProblem {
                    file: path.clone(),
                    line: 0,
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        let top_level_html = !name.contains('/') && name.ends_with(".html");
        match split_front_matter(&text, top_level_html) {
            Ok(source) => {
                sources.insert(name, source);
            }
            Err((line, message)) => problems.push(TemplateProblem {
                file: path.clone(),
                line,
                message,
            }),
        }
    }
    // Each file must compile on its own; a broken one falls back to its last good version.
    let mut env = new_env(fuel);
    let mut good = BTreeMap::new();
    for (name, source) in &sources {
        match try_add(&mut env, name, source) {
            Ok(()) => {
                good.insert(name.clone(), source.clone());
            }
            Err(e) => {
                problems.push(TemplateProblem {
                    file: dir.join(name),
                    line: e.line().unwrap_or(0),
                    message: e
                        .detail()
                        .map_or_else(|| e.kind().to_string(), str::to_string),
                });
                if let Some(old) = previous.and_then(|p| p.sources.get(name))
                    && try_add(&mut env, name, old).is_ok()
                {
                    good.insert(name.clone(), old.clone());
                }
            }
        }
    }
    // Missing files come back from the previous set too (a half-saved rename).
    if let Some(p) = previous {
        for (name, old) in &p.sources {
            if !good.contains_key(name)
                && !sources.contains_key(name)
                && try_add(&mut env, name, old).is_ok()
            {
                good.insert(name.clone(), old.clone());
            }
        }
    }
    let emails = good
        .iter()
        .filter(|(n, s)| !n.contains('/') && n.ends_with(".html") && s.subject.is_some())
        .map(|(n, _)| n.trim_end_matches(".html").to_string())
        .collect();
    let texts = good
        .keys()
        .filter(|n| !n.contains('/') && n.ends_with(".txt"))
        .map(|n| n.trim_end_matches(".txt").to_string())
        .collect();
    (
        Compiled {
            env,
            emails,
            texts,
            sources: good,
            stamp,
        },
        problems,
    )
}

fn new_env(fuel: u64) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_fuel(Some(fuel.max(1000)));
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env
}

fn try_add(env: &mut Environment<'static>, name: &str, s: &Source) -> Result<(), minijinja::Error> {
    env.add_template_owned(name.to_string(), s.body.clone())?;
    let stem = name.trim_end_matches(".html");
    if let Some(subject) = &s.subject {
        env.add_template_owned(format!("{stem}#subject"), subject.clone())?;
    }
    if let Some(pre) = &s.preheader {
        env.add_template_owned(format!("{stem}#preheader"), pre.clone())?;
    }
    Ok(())
}

/// Splits `---` front matter off; the body keeps blank lines in its place so
/// error lines match the file. `(line, message)` on bad front matter.
fn split_front_matter(text: &str, needs_subject: bool) -> Result<Source, (usize, String)> {
    let mut source = Source {
        body: text.to_string(),
        subject: None,
        preheader: None,
    };
    let mut lines = text.split_inclusive('\n');
    if lines.next().map(str::trim_end) != Some("---") {
        if needs_subject {
            return Err((
                1,
                "missing front matter: start the file with ---, subject: …, ---".into(),
            ));
        }
        return Ok(source);
    }
    let mut consumed = 1;
    let mut closed = false;
    for (i, line) in lines.enumerate() {
        let number = i + 2;
        consumed += 1;
        let l = line.trim_end();
        if l == "---" {
            closed = true;
            break;
        }
        if l.trim().is_empty() || l.trim_start().starts_with('#') {
            continue;
        }
        let Some((key, value)) = l.split_once(':') else {
            return Err((
                number,
                format!("front matter line {l:?} is not `key: value`"),
            ));
        };
        let value = value.trim().to_string();
        match key.trim() {
            "subject" if value.is_empty() => {
                return Err((number, "subject is empty".into()));
            }
            "subject" => source.subject = Some(value),
            "preheader" => source.preheader = Some(value),
            other => {
                return Err((
                    number,
                    format!("unknown front matter key `{other}` (use subject, preheader)"),
                ));
            }
        }
    }
    if !closed {
        return Err((1, "front matter is not closed with ---".into()));
    }
    if needs_subject && source.subject.is_none() {
        return Err((1, "front matter has no `subject:`".into()));
    }
    let rest: String = text.split_inclusive('\n').skip(consumed).collect();
    source.body = "\n".repeat(consumed) + &rest;
    Ok(source)
}

/// The first line mentioning `word` as a variable, 0 when not found.
fn line_of_word(text: &str, word: &str) -> usize {
    let re = regex::Regex::new(&format!(r"\b{}\b", regex::escape(word))).ok();
    text.lines()
        .position(|l| {
            (l.contains("{{") || l.contains("{%")) && re.as_ref().is_some_and(|r| r.is_match(l))
        })
        .map_or(0, |i| i + 1)
}

/// Width of the generated text part.
const TEXT_WIDTH: usize = 78;
/// A width html2text never reaches in an email.
const UNWRAPPED: usize = 100_000;

/// Wraps one line at spaces to `width` characters; a word longer than the
/// width (a URL) stays whole on its own line. Continuation lines keep the
/// line's indentation.
fn wrap_at_spaces(line: &str, width: usize) -> Vec<String> {
    if line.chars().count() <= width {
        return vec![line.to_string()];
    }
    let indent: String = line.chars().take_while(|c| *c == ' ').collect();
    let mut out = Vec::new();
    let mut current = indent.clone();
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        let used = current.chars().count();
        if used > indent.len() && used + 1 + word.chars().count() > width {
            out.push(std::mem::replace(&mut current, indent.clone()));
        }
        if current.chars().count() > indent.len() {
            current.push(' ');
        }
        current.push_str(word);
    }
    out.push(current);
    out
}

/// A plain-text alternative from HTML: layout tables flattened, hidden
/// preheader dropped, trailing spaces and runs of blank lines removed, and
/// lines wrapped at spaces only (URLs are never broken).
pub fn html_to_text(html: &str) -> String {
    static HIDDEN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?is)<div[^>]*display:\s*none[^>]*>.*?</div>"#).expect("valid regex")
    });
    let visible = HIDDEN.replace_all(html, "");
    let text = html2text::config::plain_no_decorate()
        .raw_mode(true)
        .no_table_borders()
        .link_footnotes(true)
        // Unwrapped here, wrapped below at spaces only: html2text would
        // cut a long URL in two, and a cut link does not work.
        .string_from_read(visible.as_bytes(), UNWRAPPED)
        .unwrap_or_else(|_| visible.to_string());
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines().flat_map(|l| wrap_at_spaces(l, TEXT_WIDTH)) {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let p = d.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        d
    }

    #[test]
    fn renders_subject_html_and_generated_text_with_escaping() {
        let d = dir_with(&[(
            "hi.html",
            "---\nsubject: Hi {{ contact.name }}\n---\n<p>Hello {{ contact.name }}</p>\n",
        )]);
        let (t, problems) = Templates::load(d.path(), 10_000);
        assert!(problems.is_empty(), "{problems:?}");
        let ctx =
            serde_json::json!({"contact": {"name": "Eve\r\nBcc: x@y <script>alert(1)</script>"}});
        let r = t.render("hi", &ctx).unwrap();
        assert!(!r.subject.contains('\n') && !r.subject.contains('\r'));
        assert!(r.html.contains("&lt;script&gt;"), "{}", r.html);
        assert!(!r.html.contains("<script>"));
        assert!(r.text.contains("Hello Eve"), "{}", r.text);
    }

    #[test]
    fn generated_text_never_breaks_a_url() {
        let url = format!("https://acme.example/u/{}", "ab12".repeat(40));
        let html = format!(
            "<p>{}</p><p>To stop these emails, <a href=\"{url}\">unsubscribe here</a> or open {url} now.</p>",
            "Solar pays off when the roof faces south and the tariff is right. ".repeat(4)
        );
        let text = html_to_text(&html);
        assert!(text.lines().any(|l| l.contains(&url)), "{text}");
        assert!(
            text.lines()
                .filter(|l| !l.contains(&url))
                .all(|l| l.chars().count() <= TEXT_WIDTH),
            "{text}"
        );
        assert_eq!(wrap_at_spaces("  a b", 3), ["  a", "  b"]);
    }

    #[test]
    fn strict_check_finds_misspelled_attributes_and_preview_refuses_them() {
        let d = dir_with(&[(
            "a.html",
            "---\nsubject: Hi {{ contact.first_name }}\n---\n<p>ok</p>\n<p>{{ contact.frist_name }}</p>\n",
        )]);
        let (t, _) = Templates::load(d.path(), 10_000);
        let p: Vec<String> = t.check().iter().map(|p| p.to_string()).collect();
        assert!(
            p.iter()
                .any(|m| m.contains("a.html:5:") && m.contains("undefined")),
            "{p:?}"
        );
        let e = t.render_strict("a", &sample_context()).unwrap_err();
        assert!(e.contains("undefined"), "{e}");
        // Sending stays lenient: the typo renders blank rather than stopping a sequence.
        assert!(t.render("a", &sample_context()).is_ok());
    }

    #[test]
    fn a_text_part_older_than_its_html_is_a_warning() {
        let d = dir_with(&[
            ("a.txt", "Hello\n"),
            ("a.html", "---\nsubject: Hi\n---\n<p>Hello</p>\n"),
        ]);
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(d.path().join("a.txt"))
            .unwrap()
            .set_modified(old)
            .unwrap();
        let (t, _) = Templates::load(d.path(), 10_000);
        let p = t.check();
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].is_warning() && p[0].to_string().contains("a.txt:1: warning"),
            "{p:?}"
        );
    }

    #[test]
    fn endless_loop_is_stopped_by_fuel() {
        let d = dir_with(&[(
            "loop.html",
            "---\nsubject: x\n---\n{% for i in range(100000) %}{% for j in range(100000) %}.{% endfor %}{% endfor %}",
        )]);
        let (t, _) = Templates::load(d.path(), 10_000);
        let e = t.render("loop", &serde_json::json!({})).unwrap_err();
        assert!(e.contains("fuel"), "{e}");
    }

    #[test]
    fn check_finds_unknown_variables_and_bad_front_matter_with_lines() {
        let d = dir_with(&[
            (
                "a.html",
                "---\nsubject: ok\n---\n<p>fine</p>\n<p>{{ contcat.name }}</p>\n",
            ),
            ("b.html", "---\nsubjekt: x\n---\n"),
            ("c.html", "<p>no front matter</p>"),
        ]);
        let (t, _) = Templates::load(d.path(), 10_000);
        let p: Vec<String> = t.check().iter().map(|p| p.to_string()).collect();
        assert!(
            p.iter()
                .any(|m| m.ends_with("a.html:5: unknown variable `contcat` (known: contact, lead, rep, campaign, company, sequence, step, unsubscribe_url)")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|m| m.contains("b.html:2: unknown front matter key `subjekt`")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|m| m.contains("c.html:1: missing front matter")),
            "{p:?}"
        );
    }

    #[test]
    fn broken_edit_keeps_the_last_good_version() {
        let d = dir_with(&[("a.html", "---\nsubject: one\n---\nfirst")]);
        let (t, _) = Templates::load(d.path(), 10_000);
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(d.path().join("a.html"), "---\nsubject: two\n---\n{% if %}").unwrap();
        let problems = t.refresh();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, 4);
        let r = t.render("a", &serde_json::json!({})).unwrap();
        assert_eq!((r.subject.as_str(), r.html.as_str()), ("one", "first"));
        std::fs::write(d.path().join("a.html"), "---\nsubject: three\n---\nthird").unwrap();
        t.refresh();
        assert_eq!(
            t.render("a", &serde_json::json!({})).unwrap().subject,
            "three"
        );
    }
}
