//! `carousel learn`: a provider rule derived from one example message and the
//! values a person says it carries (`--set name="Jane Doe" --set phone=…`).
//!
//! Each value is looked up in the same text views the lead extractor reads
//! (the text body — or a forward's original — then the HTML body turned into
//! `Label: value` lines, then the Subject). The rule anchors on what stays
//! the same from one notification to the next and captures the value's
//! *shape*, never the value itself:
//! 1. a label the generic form reader pairs with the value → `labels`;
//! 2. the text before the value on its line (`Label: value`, aligned columns,
//!    an HTML table cell to the left) → a `fields` regex;
//! 3. the label on a line above the value;
//! 4. the neighbouring line below, when nothing above can anchor it;
//! 5. the Subject's text around the value → a `subject_fields` regex.
//!
//! Every candidate pattern is kept only when it reads the example's value back.

use std::collections::BTreeMap;

use regex::Regex;

use super::super::contact::is_free_mail;
use super::super::labels::{Field, classify};
use super::super::{form, forward, html};
use super::{ProviderRule, check_field, provider_of_domain};
use crate::understand::{Context, Lead, body, envelope_of, parse_message, understand};

/// Why no rule could be derived.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LearnError {
    #[error("the example cannot be parsed as an email: {0}")]
    Unparseable(String),
    #[error("the example has no From address to match the provider by")]
    NoSender,
    #[error("{0}")]
    UnknownField(String),
    #[error(
        "--set {field}={value:?}: this value is not in the message (body, HTML, subject or Reply-To/From)"
    )]
    NotFound { field: String, value: String },
    #[error(
        "--set {field}={value:?}: found in the message, but no label, neighbour or subject pattern reads it back"
    )]
    NoPattern { field: String, value: String },
    #[error("nothing to learn: give at least one --set FIELD=VALUE")]
    NothingSet,
}

/// A derived rule, and how each field is anchored (for the operator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Learned {
    pub rule: ProviderRule,
    /// `field → how` ("label \"Contact person\"", "text before it on its line", ...).
    pub anchors: BTreeMap<String, String>,
}

/// Derives a provider rule from one example. `name` overrides the provider
/// name (default: the known provider of the From domain, else the domain).
pub fn derive(
    raw: &[u8],
    sets: &[(String, String)],
    name: Option<&str>,
) -> Result<Learned, LearnError> {
    if sets.is_empty() {
        return Err(LearnError::NothingSet);
    }
    for (field, _) in sets {
        check_field("learn", field).map_err(LearnError::UnknownField)?;
    }
    let message = parse_message(raw)
        .map_err(LearnError::Unparseable)?
        .ok_or_else(|| LearnError::Unparseable("no headers or body".into()))?;
    let envelope = envelope_of(&message);
    let text = body::best_text(&message);
    let fwd = forward::find(&text);
    let sender_email = fwd
        .as_ref()
        .and_then(|f| f.from_email.clone())
        .or_else(|| envelope.from_email.clone())
        .ok_or(LearnError::NoSender)?;
    let domain = sender_email
        .rsplit_once('@')
        .map(|(_, d)| d.to_string())
        .filter(|d| !d.is_empty())
        .ok_or(LearnError::NoSender)?;
    let body_text = fwd.as_ref().map_or(text.clone(), |f| f.body.clone());
    let html_text = if fwd.is_none() {
        body::html(&message).map(|h| html::form_text(&h))
    } else {
        None
    };
    let subject = envelope.subject.clone().unwrap_or_default();
    let mut views: Vec<(&str, &str)> = vec![("text", body_text.as_str())];
    if let Some(h) = &html_text {
        views.push(("html", h.as_str()));
    }

    // A provider's own domain matches all its notifications; a mailbox
    // provider's domain would match everybody, so then only the address.
    let sender = if is_free_mail(&domain) {
        sender_email.clone()
    } else {
        format!("@{domain}")
    };
    let mut rule = ProviderRule {
        name: name
            .map(str::to_string)
            .unwrap_or_else(|| provider_of_domain(&domain)),
        sender: vec![sender],
        ..ProviderRule::default()
    };
    let mut anchors = BTreeMap::new();
    // A full name the form prints as given and family name apart.
    let in_message = |value: &str| {
        views
            .iter()
            .any(|(_, v)| !locate(v, Field::Name, value).is_empty())
            || !locate(&subject, Field::Name, value).is_empty()
    };
    let mut expanded: Vec<(String, String)> = Vec::new();
    for (field, value) in sets {
        let words: Vec<&str> = value.split_whitespace().collect();
        if field.trim().eq_ignore_ascii_case("name")
            && words.len() >= 2
            && !in_message(value)
            && envelope
                .reply_to_name
                .iter()
                .chain(&envelope.from_name)
                .all(|n| !n.eq_ignore_ascii_case(value.trim()))
        {
            let (given, family) = words.split_at(words.len() - 1);
            let given = given.join(" ");
            if in_message(&given) && in_message(family[0]) {
                expanded.push(("first_name".into(), given));
                expanded.push(("last_name".into(), family[0].to_string()));
                continue;
            }
            // Family name first (as Japanese forms and some Spanish ones print it).
            let (family, given) = words.split_at(1);
            let given = given.join(" ");
            if in_message(&given) && in_message(family[0]) {
                expanded.push(("last_name".into(), family[0].to_string()));
                expanded.push(("first_name".into(), given));
                continue;
            }
        }
        expanded.push((field.clone(), value.clone()));
    }
    let sets = &expanded;
    let values: Vec<&str> = sets.iter().map(|(_, v)| v.as_str()).collect();
    for (field, value) in sets {
        let field = field.trim().to_ascii_lowercase();
        let value = value.trim();
        let kind = Field::from_key(&field).unwrap_or(Field::Message);
        let others: Vec<&str> = values
            .iter()
            .copied()
            .filter(|v| v.trim() != value)
            .collect();
        let mut found_anywhere = false;
        let mut done = false;
        for (view_name, view) in &views {
            let spots = locate(view, kind, value);
            found_anywhere |= !spots.is_empty();
            // 1. A label the form reader pairs with the value.
            if let Some(label) = pair_label(view, kind, value) {
                if classify(&label) != Some(kind) {
                    rule.labels.insert(label.clone(), field.clone());
                }
                anchors.insert(field.clone(), format!("label {label:?} ({view_name})"));
            }
            // 2–4. A regex anchored on the text around the value.
            if let Some((pattern, how)) = spots
                .iter()
                .find_map(|&spot| body_pattern(view, spot, kind, value, &others))
            {
                rule.fields.insert(field.clone(), pattern);
                anchors
                    .entry(field.clone())
                    .or_insert_with(|| format!("{how} ({view_name})"));
                done = true;
                break;
            }
        }
        if !done {
            let spots = locate(&subject, kind, value);
            found_anywhere |= !spots.is_empty();
            if let Some(pattern) = spots
                .iter()
                .find_map(|&spot| subject_pattern(&subject, spot, kind, value, &others))
            {
                rule.subject_fields.insert(field.clone(), pattern);
                anchors.insert(field.clone(), "subject pattern".into());
                done = true;
            }
        }
        if !found_anywhere && !done {
            // A header the generic reader takes the prospect from (Reply-To,
            // or From for a form the person sent themselves): no rule needed.
            let headers = [
                (
                    "Reply-To",
                    &envelope.reply_to_email,
                    &envelope.reply_to_name,
                ),
                ("From", &envelope.from_email, &envelope.from_name),
            ];
            let header = headers.iter().find(|(_, email, name)| {
                let v = value.to_lowercase();
                match kind {
                    Field::Email => email.as_deref() == Some(v.as_str()),
                    Field::Name => name.as_deref().is_some_and(|n| n.to_lowercase() == v),
                    _ => false,
                }
            });
            if let Some((header, _, _)) = header {
                anchors.insert(
                    field.clone(),
                    format!("the {header} header (read without a pattern)"),
                );
                continue;
            }
        }
        if !found_anywhere {
            return Err(LearnError::NotFound {
                field,
                value: value.to_string(),
            });
        }
        if !done && !anchors.contains_key(&field) {
            return Err(LearnError::NoPattern {
                field,
                value: value.to_string(),
            });
        }
    }
    Ok(Learned { rule, anchors })
}

/// What `rule` reads from `raw` that differs from the values it was taught:
/// `field: expected X, read Y` lines (empty when it reads them all back).
pub fn mismatches(rule: &ProviderRule, raw: &[u8], sets: &[(String, String)]) -> Vec<String> {
    let ctx = Context {
        provider_rules: vec![rule.clone()],
        ..Context::default()
    };
    let u = understand(raw, &ctx);
    let lead = u.leads.first();
    let mut out = Vec::new();
    for (field, value) in sets {
        let got = lead.and_then(|l| lead_value(l, field));
        if !same_value(field, value, got.as_deref()) {
            out.push(format!(
                "{field}: taught {value:?}, the rule reads {}",
                got.map_or_else(|| "nothing".to_string(), |g| format!("{g:?}"))
            ));
        }
    }
    out
}

fn lead_value(lead: &Lead, field: &str) -> Option<String> {
    let c = &lead.contact;
    match field.trim().to_ascii_lowercase().as_str() {
        "email" => c.email.clone(),
        "name" | "first_name" | "last_name" => c.name.clone(),
        "phone" => c.phone.clone(),
        "company" => c.company.clone(),
        "title" => c.title.clone(),
        "postcode" => c.postcode.clone(),
        "country" => c.country.clone(),
        "interest" => lead.interest.clone(),
        "message" => lead.message.clone(),
        "timeline" => lead.timeline.and_then(|t| {
            serde_json::to_value(t)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
        }),
        _ => None,
    }
}

/// Whether what was read is what was taught (phones by digits, names by words).
fn same_value(field: &str, taught: &str, read: Option<&str>) -> bool {
    let Some(read) = read else { return false };
    let flat = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    match field {
        "phone" => {
            digits(taught).ends_with(&digits(read)) || digits(read).ends_with(&digits(taught))
        }
        "first_name" | "last_name" => flat(read).contains(&flat(taught)),
        "name" => {
            let mut a: Vec<String> = flat(taught).split(' ').map(str::to_string).collect();
            let mut b: Vec<String> = flat(read).split(' ').map(str::to_string).collect();
            a.sort();
            b.sort();
            a == b
        }
        // The value is read into a bucket, not kept as written.
        "timeline" => true,
        _ => flat(read) == flat(taught),
    }
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Byte ranges where `value` is written in `view` (at most a few).
fn locate(view: &str, kind: Field, value: &str) -> Vec<(usize, usize)> {
    const MOST: usize = 8;
    if value.is_empty() {
        return Vec::new();
    }
    if kind == Field::Phone {
        let want = digits(value);
        if want.len() < 5 {
            return Vec::new();
        }
        return PHONE
            .find_iter(view)
            .filter(|m| {
                let d = digits(m.as_str());
                d.ends_with(&want) || want.ends_with(&d) && d.len() >= 7
            })
            .map(|m| (m.start(), m.end()))
            .take(MOST)
            .collect();
    }
    let words: Vec<String> = value.split_whitespace().map(regex::escape).collect();
    let Ok(re) = Regex::new(&format!("(?i){}", words.join(r"\s+"))) else {
        return Vec::new();
    };
    re.find_iter(view)
        .map(|m| (m.start(), m.end()))
        .take(MOST)
        .collect()
}

static PHONE: once_cell::sync::Lazy<Regex> = once_cell::sync::Lazy::new(|| {
    Regex::new(r"\+?\(?[0-9][0-9 ().\-/]{3,24}[0-9]").expect("static regex")
});

/// The label the generic form reader pairs with this value, if any.
fn pair_label(view: &str, kind: Field, value: &str) -> Option<String> {
    let flat = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    form::pairs(view)
        .into_iter()
        .find(|p| {
            if kind == Field::Phone {
                !digits(&p.value).is_empty() && digits(&p.value) == digits(value)
            } else {
                flat(&p.value) == flat(value)
            }
        })
        .map(|p| p.label)
        .filter(|l| !l.trim().is_empty() && l.chars().any(char::is_alphabetic))
}

/// The shapes a value of `kind` may take, most specific first. Each is a
/// regex body without groups.
fn shapes(kind: Field) -> &'static [&'static str] {
    match kind {
        Field::Email => &[r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,24}"],
        Field::Phone => &[r"\+?\(?[0-9][0-9 ().\-/]{3,24}[0-9]"],
        Field::Name | Field::FirstName | Field::LastName => {
            &[r"[^\s\d@:：|│][^\n\d@]{0,79}?", r"[^\s:：|│][^\n]{0,119}?"]
        }
        Field::Postcode => &[
            r"[A-Za-z0-9][A-Za-z0-9 \-]{1,11}?",
            r"[^\s:：|│][^\n]{0,39}?",
        ],
        _ => &[r"[^\s:：|│][^\n]{0,299}?"],
    }
}

/// Whether a shape ends by itself (email, phone) or needs a terminator.
fn self_delimiting(kind: Field) -> bool {
    matches!(kind, Field::Email | Field::Phone)
}

/// Literal text as a regex: runs of whitespace match any run of blanks, and
/// leader runs (`........`, `____`, `----`) any length of the same character.
fn literal(text: &str) -> String {
    text.split_whitespace()
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(c)
                    if word.chars().count() >= 3
                        && c.is_ascii_punctuation()
                        && chars.all(|d| d == c) =>
                {
                    format!("{}+", regex::escape(&c.to_string()))
                }
                _ => regex::escape(word),
            }
        })
        .collect::<Vec<_>>()
        .join(r"[ \t]+")
}

/// Text with any of `others` (other taught values) cut out: what remains
/// after the last one (`after = true`) or before the first one.
fn without_others<'a>(text: &'a str, others: &[&str], after: bool) -> &'a str {
    let lower = text.to_lowercase();
    let mut cut: Option<usize> = None;
    for o in others {
        let o = o.trim().to_lowercase();
        if o.len() < 2 || lower.len() != text.len() {
            continue;
        }
        if after {
            if let Some(i) = lower.rfind(&o) {
                cut = Some(cut.map_or(i + o.len(), |c: usize| c.max(i + o.len())));
            }
        } else if let Some(i) = lower.find(&o) {
            cut = Some(cut.map_or(i, |c: usize| c.min(i)));
        }
    }
    match (cut, after) {
        (None, _) => text,
        (Some(c), true) => text.get(c..).unwrap_or(""),
        (Some(c), false) => text.get(..c).unwrap_or(""),
    }
}

/// What may sit between a label and its value: blanks and one separator
/// (`Name: Jane`, `Name | Jane`, `Name — Jane`, aligned columns).
const SEP: &str = r"[ \t]*[:：|│=\-–—]?[ \t]*";

/// The first few words of `text` (≤ 40 characters), if they hold a letter.
fn head_anchor(text: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for w in text.split_whitespace() {
        if out.iter().map(|x| x.chars().count() + 1).sum::<usize>() + w.chars().count() > 40
            && !out.is_empty()
        {
            break;
        }
        out.push(w);
        if out.len() >= 3 {
            break;
        }
    }
    let anchor = out.join(" ");
    anchor.chars().any(char::is_alphabetic).then_some(anchor)
}

/// The last few words of `prefix` (≤ 40 characters), starting on a word.
fn tail_anchor(prefix: &str) -> Option<String> {
    let t = prefix.trim();
    if !t.chars().any(char::is_alphabetic) {
        return None;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let mut out: Vec<&str> = Vec::new();
    for w in words.iter().rev() {
        if out.iter().map(|x| x.chars().count() + 1).sum::<usize>() + w.chars().count() > 40
            && !out.is_empty()
        {
            break;
        }
        out.insert(0, w);
    }
    let anchor = out.join(" ");
    anchor.chars().any(char::is_alphabetic).then_some(anchor)
}

/// What ends a free-text value: the first word of the constant text after it,
/// the next taught value's shape, or the end of the line.
fn terminators(suffix: &str, others: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let own = without_others(suffix, others, false);
    if let Some(word) = own.split_whitespace().next() {
        out.push(format!(r"[ \t]*{}", regex::escape(word)));
    } else if own.len() < suffix.len() && !suffix.trim().is_empty() {
        // Another value follows directly: end before its first character class.
        out.push(r"[ \t]+\S".to_string());
    }
    if suffix.trim().is_empty() {
        out.push(r"[ \t]*$".to_string());
    }
    out
}

/// A `fields` pattern for the value at `spot` in a body view.
fn body_pattern(
    view: &str,
    spot: (usize, usize),
    kind: Field,
    value: &str,
    others: &[&str],
) -> Option<(String, String)> {
    let (start, end) = spot;
    let line_start = view[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = view[end..].find('\n').map_or(view.len(), |i| end + i);
    let prefix = &view[line_start..start];
    let suffix = &view[end..line_end];
    let own_prefix = without_others(prefix, others, true);
    let terms = if self_delimiting(kind) {
        vec![String::new()]
    } else {
        terminators(suffix, others)
    };
    let mut candidates: Vec<(String, &str)> = Vec::new();
    // A headline carrying several values ("New Contact — Jane says: '…' jane@x"):
    // the text right before a self-delimiting value may be what the person
    // wrote, so the line's constant head anchors it first.
    let headline = own_prefix.len() < prefix.len() || prefix.split_whitespace().count() > 5;
    if headline && self_delimiting(kind) {
        let head = without_others(prefix, others, false);
        if let Some(anchor) = head_anchor(head) {
            for shape in shapes(kind) {
                candidates.push((
                    format!(
                        r"(?im)^[^\S\n]*[>*•|\-]*[^\S\n]*{}[^\n]*?({shape})",
                        literal(&anchor)
                    ),
                    "the head of its line",
                ));
            }
        }
    }
    for shape in shapes(kind) {
        for term in &terms {
            // 2. The text before the value on its line.
            if let Some(anchor) = tail_anchor(own_prefix) {
                let at_line_start = own_prefix.len() == prefix.len()
                    && prefix.trim_start().starts_with(anchor.as_str());
                let head = if at_line_start {
                    r"(?im)^[^\S\n]*[>*•|\-]*[^\S\n]*".to_string()
                } else {
                    r"(?im)".to_string()
                };
                candidates.push((
                    format!("{head}{}{SEP}({shape}){term}", literal(&anchor)),
                    "the text before it on its line",
                ));
            }
            // 3. The label on a line above (the value starts its line).
            if tail_anchor(own_prefix).is_none() {
                if let Some(p) = line_above(view, line_start, others) {
                    candidates.push((
                        format!(
                            "(?im)^[^\\S\\n]*[>*•|\\-]*[^\\S\\n]*{}[^\\S\\n]*\\n{}[^\\S\\n]*[>*•|\\-]*[^\\S\\n]*({shape}){term}",
                            literal(&p.0),
                            p.1
                        ),
                        "the label on a line above",
                    ));
                }
                // 4. The neighbouring line below.
                if suffix.trim().is_empty()
                    && let Some(next) = line_below(view, line_end, others)
                {
                    candidates.push((
                        format!(
                            "(?im)^[^\\S\\n]*[>*•|\\-]*[^\\S\\n]*({shape})[^\\S\\n]*\\n(?:[^\\S\\n]*\\n)*[^\\S\\n]*{}",
                            literal(&next)
                        ),
                        "the line below it",
                    ));
                }
            }
        }
    }
    candidates
        .into_iter()
        .find(|(p, _)| reads_back(p, view, kind, value))
        .map(|(p, how)| (p, how.to_string()))
}

/// A `subject_fields` pattern for the value at `spot` in the Subject.
fn subject_pattern(
    subject: &str,
    spot: (usize, usize),
    kind: Field,
    value: &str,
    others: &[&str],
) -> Option<String> {
    let (start, end) = spot;
    let prefix = without_others(&subject[..start], others, true);
    let suffix = &subject[end..];
    let terms = if self_delimiting(kind) {
        vec![String::new()]
    } else {
        terminators(suffix, others)
    };
    for shape in shapes(kind) {
        for term in &terms {
            let head = match tail_anchor(prefix) {
                Some(anchor) => format!("(?i){}[ \\t]*", literal(&anchor)),
                None if prefix.trim().is_empty() => "(?i)^[ \\t]*".to_string(),
                None => format!("(?i){}[ \\t]*", literal(prefix.trim())),
            };
            let pattern = format!("{head}({shape}){term}");
            if reads_back(&pattern, subject, kind, value) {
                return Some(pattern);
            }
        }
    }
    None
}

/// The nearest non-blank line above `line_start` (within 3 lines) that can
/// serve as a label, with the regex for the lines between it and the value.
fn line_above(view: &str, line_start: usize, others: &[&str]) -> Option<(String, String)> {
    let before = &view[..line_start];
    let mut lines = before.lines().rev();
    let mut blank = 0;
    for _ in 0..3 {
        let line = lines.next()?;
        let t = line.trim();
        if t.is_empty() {
            blank += 1;
            continue;
        }
        let usable = t.chars().count() <= 80
            && t.chars().any(char::is_alphabetic)
            && without_others(t, others, false).len() == t.len();
        if !usable {
            return None;
        }
        let t = t.trim_start_matches(['>', '*', '•', '|', '-']).trim();
        let gap = if blank > 0 {
            r"(?:[^\S\n]*\n)*".to_string()
        } else {
            String::new()
        };
        return Some((t.to_string(), gap));
    }
    None
}

/// The nearest non-blank line below `line_end` that can anchor the value.
fn line_below(view: &str, line_end: usize, others: &[&str]) -> Option<String> {
    let after = view.get(line_end..)?;
    let t = after.lines().map(str::trim).find(|l| !l.is_empty())?;
    let usable = t.chars().count() <= 80
        && t.chars().any(char::is_alphabetic)
        && without_others(t, others, false).len() == t.len();
    usable.then(|| {
        // Only the line's constant head: a label, not what follows it.
        let head = t.split([':', '：']).next().unwrap_or(t).trim();
        head.to_string()
    })
}

/// Whether `pattern` is valid, does not spell out the value, and reads the
/// value back from `view` with its first match.
fn reads_back(pattern: &str, view: &str, kind: Field, value: &str) -> bool {
    let literal_value = regex::escape(value.trim()).to_lowercase();
    if value.trim().chars().count() >= 3 && pattern.to_lowercase().contains(&literal_value) {
        return false;
    }
    let Ok(re) = Regex::new(pattern) else {
        return false;
    };
    let Some(got) = re
        .captures(view)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().trim().to_string())
    else {
        return false;
    };
    match kind {
        Field::Phone => digits(&got) == digits(value) || digits(&got).ends_with(&digits(value)),
        _ => {
            let flat = |s: &str| {
                s.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase()
            };
            flat(&got) == flat(value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::understand::lead::rules::rule_fields;

    fn eml(from: &str, subject: &str, body: &str) -> Vec<u8> {
        format!(
            "From: Notifier <{from}>\r\nTo: leads@acme.example\r\nSubject: {subject}\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\nMessage-ID: <x1@{}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}",
            from.rsplit('@').next().unwrap_or("x")
        )
        .replace('\n', "\r\n")
        .replace("\r\r\n", "\r\n")
        .into_bytes()
    }

    fn html_eml(from: &str, subject: &str, html: &str) -> Vec<u8> {
        format!(
            "From: Notifier <{from}>\r\nTo: leads@acme.example\r\nSubject: {subject}\r\nMessage-ID: <h1@x>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}"
        )
        .into_bytes()
    }

    fn sets(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(f, v)| (f.to_string(), v.to_string()))
            .collect()
    }

    /// What the rule reads from another message of the same provider.
    fn read(rule: &ProviderRule, raw: &[u8]) -> Lead {
        let ctx = Context {
            provider_rules: vec![rule.clone()],
            ..Context::default()
        };
        let u = understand(raw, &ctx);
        assert_eq!(u.kind, crate::understand::Kind::Lead, "{u:?}");
        u.leads[0].clone()
    }

    fn no_literal(rule: &ProviderRule, values: &[&str]) {
        let text = format!(
            "{:?}{:?}{:?}",
            rule.fields, rule.subject_fields, rule.labels
        );
        for v in values {
            assert!(!text.contains(v), "rule spells out {v:?}: {text}");
        }
    }

    #[test]
    fn same_line_labels_generalise_to_another_lead() {
        let body = "Lead details\nContact person:  Jane Doe\nCallback no.:  970 555 0123\nMail addr:  jane@brightwater.io\nWants:  Solar panels\n";
        let raw = eml("alerts@quotebox.example", "Lead 1", body);
        let s = sets(&[
            ("name", "Jane Doe"),
            ("phone", "970 555 0123"),
            ("email", "jane@brightwater.io"),
            ("interest", "Solar panels"),
        ]);
        let learned = derive(&raw, &s, None).unwrap();
        assert_eq!(learned.rule.sender, vec!["@quotebox.example"]);
        assert_eq!(learned.rule.name, "quotebox.example");
        assert!(mismatches(&learned.rule, &raw, &s).is_empty());
        no_literal(&learned.rule, &["Jane", "0123", "brightwater", "Solar"]);
        let other = eml(
            "alerts@quotebox.example",
            "Lead 2",
            "Lead details\nContact person:  Omar Haddad\nCallback no.:  +44 20 7946 0958\nMail addr:  omar@hadd.example\nWants:  Home battery\n",
        );
        let lead = read(&learned.rule, &other);
        assert_eq!(lead.contact.name.as_deref(), Some("Omar Haddad"));
        assert_eq!(lead.contact.email.as_deref(), Some("omar@hadd.example"));
        assert_eq!(lead.contact.phone.as_deref(), Some("+44 20 7946 0958"));
        assert_eq!(lead.interest.as_deref(), Some("Home battery"));
    }

    #[test]
    fn aligned_columns_without_colons() {
        let body = "NEW REQUEST\n\nCustomer      Jane Doe\nTelephone     970 555 0123\nProject       EV charger\n";
        let raw = eml("robot@tradesbook.example", "New request", body);
        let s = sets(&[
            ("name", "Jane Doe"),
            ("phone", "970 555 0123"),
            ("interest", "EV charger"),
        ]);
        let learned = derive(&raw, &s, Some("tradesbook")).unwrap();
        assert_eq!(learned.rule.name, "tradesbook");
        let text = "NEW REQUEST\n\nCustomer      Li Wei\nTelephone     0044 161 496 0000\nProject       Roof repair\n";
        let got: BTreeMap<&str, String> = rule_fields(&learned.rule, text)
            .into_iter()
            .map(|(f, v)| (f.key(), v))
            .collect();
        assert_eq!(got["name"], "Li Wei");
        assert_eq!(got["phone"], "0044 161 496 0000");
        assert_eq!(got["interest"], "Roof repair");
    }

    #[test]
    fn label_on_the_line_above() {
        let body = "Someone asked for a call back.\n\nWho\nJane Doe\n\nNumber to ring\n970 555 0123\n\nThanks, the robot\n";
        let raw = eml("noreply@callmeback.example", "Call back", body);
        let s = sets(&[("name", "Jane Doe"), ("phone", "970 555 0123")]);
        let learned = derive(&raw, &s, None).unwrap();
        assert!(
            mismatches(&learned.rule, &raw, &s).is_empty(),
            "{learned:?}"
        );
        let other = eml(
            "noreply@callmeback.example",
            "Call back",
            "Someone asked for a call back.\n\nWho\nAna Souza\n\nNumber to ring\n+55 11 91234 5678\n\nThanks, the robot\n",
        );
        let lead = read(&learned.rule, &other);
        assert_eq!(lead.contact.name.as_deref(), Some("Ana Souza"));
        assert_eq!(lead.contact.phone.as_deref(), Some("+55 11 91234 5678"));
    }

    #[test]
    fn html_table_cell_to_the_left() {
        let html = "<html><body><table><tr><td>Requester</td><td>Jane Doe</td></tr><tr><td>Reach at</td><td>jane@brightwater.io</td></tr><tr><td>Category</td><td>Heat pump</td></tr></table></body></html>";
        let raw = html_eml("mailer@homejobs.example", "Job", html);
        let s = sets(&[
            ("name", "Jane Doe"),
            ("email", "jane@brightwater.io"),
            ("interest", "Heat pump"),
        ]);
        let learned = derive(&raw, &s, None).unwrap();
        no_literal(&learned.rule, &["Jane", "brightwater", "Heat"]);
        let other = html_eml(
            "mailer@homejobs.example",
            "Job",
            "<table><tr><td>Requester</td><td>Kim Lee</td></tr><tr><td>Reach at</td><td>kim@lee.example</td></tr><tr><td>Category</td><td>Windows</td></tr></table>",
        );
        let lead = read(&learned.rule, &other);
        assert_eq!(lead.contact.name.as_deref(), Some("Kim Lee"));
        assert_eq!(lead.contact.email.as_deref(), Some("kim@lee.example"));
        assert_eq!(lead.interest.as_deref(), Some("Windows"));
    }

    #[test]
    fn subject_pattern_and_headline_neighbours() {
        let body = "New Contact — Jane Doe says: 'call me please' jane@brightwater.io\n";
        let raw = eml(
            "bot@sitechat.example",
            "Enquiry about Solar Panel Installation via website",
            body,
        );
        let s = sets(&[
            ("name", "Jane Doe"),
            ("email", "jane@brightwater.io"),
            ("interest", "Solar Panel Installation"),
        ]);
        let learned = derive(&raw, &s, None).unwrap();
        assert!(
            learned.rule.subject_fields.contains_key("interest"),
            "{learned:?}"
        );
        assert!(
            mismatches(&learned.rule, &raw, &s).is_empty(),
            "{learned:?}"
        );
        let other = eml(
            "bot@sitechat.example",
            "Enquiry about EV Charger via website",
            "New Contact — Marta Rossi says: 'hello' marta@rossi.example\n",
        );
        let lead = read(&learned.rule, &other);
        assert_eq!(lead.contact.name.as_deref(), Some("Marta Rossi"));
        assert_eq!(lead.interest.as_deref(), Some("EV Charger"));
        assert_eq!(lead.contact.email.as_deref(), Some("marta@rossi.example"));
    }

    #[test]
    fn a_full_name_printed_in_two_fields() {
        let body = "Vorname: Jürgen\nFamilienname: Hoffmann\nRückruf unter: 0170 5550123\n";
        let raw = eml("form@kuechen.example", "Anfrage", body);
        let s = sets(&[("name", "Jürgen Hoffmann"), ("phone", "0170 5550123")]);
        let learned = derive(&raw, &s, None).unwrap();
        assert!(learned.anchors.contains_key("first_name"), "{learned:?}");
        assert!(learned.anchors.contains_key("last_name"), "{learned:?}");
        assert!(
            mismatches(&learned.rule, &raw, &s).is_empty(),
            "{learned:?}"
        );
        let other = eml(
            "form@kuechen.example",
            "Anfrage",
            "Vorname: Anna\nFamilienname: Schmidt\nRückruf unter: 0151 2345678\n",
        );
        assert_eq!(
            read(&learned.rule, &other).contact.name.as_deref(),
            Some("Anna Schmidt")
        );
    }

    #[test]
    fn a_free_mail_sender_is_matched_by_address_only() {
        let raw = eml(
            "office.manager@gmail.com",
            "lead",
            "Client: Jane Doe\nTel: 970 555 0123\n",
        );
        let learned = derive(&raw, &sets(&[("name", "Jane Doe")]), Some("office")).unwrap();
        assert_eq!(learned.rule.sender, vec!["office.manager@gmail.com"]);
    }

    #[test]
    fn a_value_not_in_the_message_is_named() {
        let raw = eml("a@b.example", "x", "Name: Jane Doe\n");
        let err = derive(
            &raw,
            &sets(&[("name", "Jane Doe"), ("phone", "970 555 0123")]),
            None,
        )
        .unwrap_err();
        assert_eq!(
            err,
            LearnError::NotFound {
                field: "phone".into(),
                value: "970 555 0123".into()
            }
        );
        assert!(err.to_string().contains("phone"));
        assert!(matches!(
            derive(&raw, &sets(&[("shoe", "42")]), None),
            Err(LearnError::UnknownField(_))
        ));
    }
}
