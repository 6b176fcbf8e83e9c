//! The module stack of DESIGN.md "Layout", checked on the source text: no
//! module under `src/` imports one above it.
//!
//! The stack, lowest first (a module may use anything below it, and the
//! leaves):
//!
//! ```text
//! understand (pure) → store → abuse → deliverability → ingest → qualify →
//! route → inspect → outbox → handoff → nurture → act → report → backup → config →
//! http → daemon → main
//! ```
//!
//! Leaves any module may use, which import nothing but other leaves:
//! `net` (TLS, secrets, backoff), `oauth2` (tokens for IMAP/SMTP logins),
//! `blocking` (blocking work off the async reactor),
//! `wake` (nudges between stages), `duration` (`3d`-style config
//! durations), `shutdown`, `metrics`, `fault`. They are small utilities
//! with no knowledge of mail, leads or the store.
//!
//! `config` aggregates: it imports each component's own config struct and
//! validates the whole file, so it sits above every component. Components
//! receive their slice and never import `config`; `http`, `daemon` and
//! `main` see the whole `Config`, and the settings of that shell (`[http]`,
//! `[[intake_token]]`) live in `config.rs` itself.
//!
//! `abuse` (loop and flood checks) and `deliverability` (sender-side bounce
//! blocks) are store-backed checks that ingest and the outbox consult, so they
//! sit between store and ingest. `inspect` prints understanding and score for
//! one file; `backup` is a CLI/API verb over every store tree.
//!
//! References found: `use crate::a…`, `crate::a::…` in expressions and types,
//! `use crate::{a::…, b}` groups (first segment of each member), and `super::`
//! chains that climb out of the file's top-level module. Comments and string
//! literals are skipped; intra-doc links are not imports.
//!
//! [`KNOWN_VIOLATIONS`] lists the upward imports that still exist. It may
//! only shrink: an entry that no longer occurs fails the test too, so the
//! list is always the true picture.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Leaves: any module may import them; they import only each other.
const LEAVES: &[&str] = &[
    "net", "oauth2", "wake", "duration", "shutdown", "metrics", "fault", "blocking",
];

/// The stack, lowest first. A module may import modules earlier in this
/// list (and the leaves), never later ones.
const STACK: &[&str] = &[
    "understand",
    "store",
    "abuse",
    "deliverability",
    "ingest",
    "qualify",
    "route",
    "inspect",
    "outbox",
    "handoff",
    "nurture",
    "act",
    "report",
    "backup",
    "config",
    "http",
    "daemon",
    "main",
];

/// Imports that point down the stack but are still forbidden: the cycles
/// issue 15 names (sources are not a library for the layers above them).
const FORBIDDEN_DOWN: &[(&str, &str)] = &[];

/// Upward (or forbidden) imports that exist today, `(from, to)`. Must only
/// shrink.
const KNOWN_VIOLATIONS: &[(&str, &str)] = &[];

/// One reference from a file to another top-level module.
#[derive(Debug, Clone)]
struct Reference {
    file: PathBuf,
    line: usize,
    from: String,
    to: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file under `src/`: `src/act/claim.rs` → `[act, claim]`,
/// `src/act/mod.rs` → `[act]`, `src/main.rs` → `[main]`, `src/lib.rs` → `[]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("file under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// `text` with comments and the contents of string and char literals blanked
/// out (newlines kept, so line numbers stay right).
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !chars
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // Raw string r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            for _ in i..=j {
                out.push(' ');
            }
            i = j + 1;
            while i < chars.len() {
                if chars[i] == '"' && (0..hashes).all(|h| chars.get(i + 1 + h) == Some(&'#')) {
                    for _ in 0..=hashes {
                        out.push(' ');
                    }
                    i += 1 + hashes;
                    break;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() {
                if chars[i] == '\\' {
                    out.push(' ');
                    if let Some(&e) = chars.get(i + 1) {
                        out.push(blank(e));
                    }
                    i += 2;
                } else if chars[i] == '"' {
                    out.push(' ');
                    i += 1;
                    break;
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            if next == Some('\\') {
                let mut j = i + 2;
                while j < chars.len() && chars[j] != '\'' {
                    j += 1;
                }
                for _ in i..=j.min(chars.len() - 1) {
                    out.push(' ');
                }
                i = j + 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                out.push_str("   ");
                i += 3;
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The first path segment of every member of the use-tree that starts at
/// `chars[i]` (just after `crate::` or the climbing `super::`s).
fn tree_heads(chars: &[char], mut i: usize) -> Vec<(String, usize)> {
    while chars.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    if chars.get(i) == Some(&'{') {
        let mut heads = Vec::new();
        let mut depth = 0;
        let mut at_member_start = true;
        while i < chars.len() {
            match chars[i] {
                '{' => {
                    depth += 1;
                    at_member_start = depth == 1;
                }
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                ',' if depth == 1 => at_member_start = true,
                c if is_ident(c) && at_member_start => {
                    let start = i;
                    while chars.get(i).is_some_and(|c| is_ident(*c)) {
                        i += 1;
                    }
                    heads.push((chars[start..i].iter().collect(), start));
                    at_member_start = false;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        heads
    } else {
        let start = i;
        while chars.get(i).is_some_and(|c| is_ident(*c)) {
            i += 1;
        }
        vec![(chars[start..i].iter().collect(), start)]
    }
}

fn line_of(chars: &[char], at: usize) -> usize {
    chars[..at].iter().filter(|c| **c == '\n').count() + 1
}

/// Every reference from `file` to a top-level module other than its own.
fn references(src: &Path, file: &Path, tops: &BTreeSet<String>) -> Vec<Reference> {
    let path = module_path(src, file);
    let Some(from) = path.first().cloned() else {
        return Vec::new(); // lib.rs only declares the modules.
    };
    let text = std::fs::read_to_string(file).expect("read source");
    let chars: Vec<char> = code_only(&text).chars().collect();
    let mut found = Vec::new();
    let mut push = |name: String, at: usize| {
        if name != from && tops.contains(&name) {
            found.push(Reference {
                file: file.to_path_buf(),
                line: line_of(&chars, at),
                from: from.clone(),
                to: name,
            });
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let boundary = i == 0 || !is_ident(chars[i - 1]);
        let rest = |s: &str| chars[i..].iter().take(s.len()).copied().eq(s.chars());
        if boundary && (rest("crate::") || (from == "main" && rest("carousel::"))) {
            let skip = if rest("crate::") { 7 } else { 10 };
            for (name, at) in tree_heads(&chars, i + skip) {
                push(name, at);
            }
            i += skip;
        } else if boundary && rest("super::") {
            let mut j = i;
            let mut climbs = 0;
            while chars[j..].iter().take(7).copied().eq("super::".chars()) {
                climbs += 1;
                j += 7;
            }
            // `super` from a file module `[a, b]` climbs to `a`; climbing as
            // many levels as the path is long reaches the crate root.
            if climbs >= path.len() {
                for (name, at) in tree_heads(&chars, j) {
                    push(name, at);
                }
            }
            i = j;
        } else {
            i += 1;
        }
    }
    found
}

fn rank(name: &str) -> Option<usize> {
    STACK.iter().position(|m| *m == name)
}

/// Why `from` may not import `to`, or `None` when it may.
fn violation(from: &str, to: &str) -> Option<&'static str> {
    if LEAVES.contains(&to) {
        return None;
    }
    if LEAVES.contains(&from) {
        return Some("a leaf imports a non-leaf");
    }
    if FORBIDDEN_DOWN.contains(&(from, to)) {
        return Some("forbidden (a source used as a library)");
    }
    match (rank(from), rank(to)) {
        (Some(f), Some(t)) if t > f => Some("imports a module above it"),
        _ => None,
    }
}

fn top_modules(src: &Path) -> BTreeSet<String> {
    std::fs::read_dir(src)
        .expect("read src")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|x| x == "rs"))
        .map(|p| p.file_stem().expect("name").to_string_lossy().to_string())
        .filter(|n| n != "lib")
        .collect()
}

#[test]
fn every_top_level_module_has_a_place_in_the_stack() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let unplaced: Vec<_> = top_modules(&src)
        .into_iter()
        .filter(|m| rank(m).is_none() && !LEAVES.contains(&m.as_str()))
        .collect();
    assert!(
        unplaced.is_empty(),
        "modules with no place in tests/layering.rs STACK or LEAVES (and DESIGN.md Layout): {unplaced:?}"
    );
}

#[test]
fn no_module_imports_one_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let tops = top_modules(&src);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations: BTreeMap<(String, String), Vec<Reference>> = BTreeMap::new();
    for file in &files {
        for r in references(&src, file, &tops) {
            if violation(&r.from, &r.to).is_some() {
                violations
                    .entry((r.from.clone(), r.to.clone()))
                    .or_default()
                    .push(r);
            }
        }
    }
    let known: BTreeSet<(String, String)> = KNOWN_VIOLATIONS
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let mut new = Vec::new();
    for ((from, to), refs) in &violations {
        if !known.contains(&(from.clone(), to.clone())) {
            let why = violation(from, to).unwrap_or_default();
            for r in refs {
                new.push(format!(
                    "{}:{}: {from} → {to}: {why}",
                    r.file.strip_prefix(&src).unwrap_or(&r.file).display(),
                    r.line
                ));
            }
        }
    }
    let fixed: Vec<_> = known
        .iter()
        .filter(|k| !violations.contains_key(*k))
        .map(|(a, b)| format!("({a:?}, {b:?})"))
        .collect();
    assert!(
        new.is_empty(),
        "imports that break the stack:\n{}",
        new.join("\n")
    );
    assert!(
        fixed.is_empty(),
        "KNOWN_VIOLATIONS entries that no longer occur (remove them): {}",
        fixed.join(", ")
    );
}

/// Only `store` knows which database holds the trees: every other module
/// goes through `store::kv`, so a second backend changes nothing above it.
#[test]
fn only_the_store_names_its_database() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for file in files.iter().filter(|f| !f.starts_with(src.join("store"))) {
        let text = std::fs::read_to_string(file).expect("read source");
        for (n, line) in code_only(&text).lines().enumerate() {
            let named = ["sled::", "tokio_postgres::", "postgres::"]
                .iter()
                .any(|db| line.contains(db));
            if named {
                found.push(format!(
                    "{}:{}: {}",
                    file.strip_prefix(&src).unwrap_or(file).display(),
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "database crates named outside src/store (use store::kv):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scanner_sees_every_form_of_import() {
    let tops: BTreeSet<String> = ["act", "store", "understand", "ingest", "outbox"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let dir = std::env::temp_dir().join(format!("carousel-layering-{}", std::process::id()));
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("store/inner")).expect("mkdir");
    let file = src.join("store/inner/deep.rs");
    std::fs::write(
        &file,
        "// use crate::act; in a comment\n\
         use crate::{\n    understand::Kind,\n    ingest::{imap, maildir},\n};\n\
         fn f() { let s = \"crate::outbox\"; let c = '\"'; crate::act::go(); }\n\
         fn g<'a>(x: &'a str) { super::super::super::outbox::send(); super::sibling(); }\n",
    )
    .expect("write");
    let mut seen: Vec<(String, usize)> = references(&src, &file, &tops)
        .into_iter()
        .map(|r| (r.to, r.line))
        .collect();
    seen.sort();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(
        seen,
        vec![
            ("act".to_string(), 6),
            ("ingest".to_string(), 4),
            ("outbox".to_string(), 7),
            ("understand".to_string(), 3),
        ]
    );
}
