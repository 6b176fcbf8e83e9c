//! Plain-text forms in every common layout:
//!
//! - `Label: value` lines (Contact Form 7, Gravity Forms, Jotform, Formspree,
//!   HubSpot and Facebook lead-ad notifications, marketplace alerts) and
//!   bracketed labels (`【お名前】`, `[Name]`);
//! - aligned columns without a colon (`Name      Jane Doe`, a tab between);
//! - question-and-answer rows (`What type of property is this?  Home`) and
//!   question lines with the answer below (Typeform);
//! - a known label alone on its line, the value on the next;
//! - markdown pipe rows (`| Email | jane@x.io |`);
//! - a `Jane Doe says: …` headline (the name, then the message).
//!
//! Values may span lines. Each pair records its layout for provenance.
//!
//! The reader is one pass over the lines with a small state machine, so its
//! work is linear in the text size.

use super::labels::{self, Field, classify};

/// One `label → value` pair of a form, with what the label asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub label: String,
    pub value: String,
    /// `None` when the dictionary does not know the label.
    pub field: Option<Field>,
    /// The layout it was read from (`colon`, `columns`, `question`,
    /// `label-line`, `pipe`, `says`, `bracket`).
    pub layout: &'static str,
}

/// Most pairs read from one body; a real form has a few dozen.
const MAX_PAIRS: usize = 400;
/// Most lines a single value collects (a pasted essay is cut here).
const MAX_VALUE_LINES: usize = 60;
/// Longest label accepted, in characters.
const MAX_LABEL_CHARS: usize = 60;

/// How the current value collects further lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Collect {
    /// `Label: value` — following lines continue it until a blank line.
    Inline,
    /// `Label:` alone, or a known label alone — the value is on the next lines,
    /// blank lines allowed until the next label or a footer.
    Block,
}

/// Reads the form pairs of a text body.
pub fn pairs(text: &str) -> Vec<Pair> {
    let lines: Vec<&str> = text.lines().take(20_000).collect();
    let mut out: Vec<Pair> = Vec::new();
    let mut current: Option<(Pair, Collect, usize)> = None;
    let mut i = 0;
    while i < lines.len() && out.len() < MAX_PAIRS {
        let line = clean_line(lines[i]);
        i += 1;
        if is_footer(&line) {
            flush(&mut current, &mut out);
            continue;
        }
        let split = split_label(&line)
            .map(|(l, v)| {
                (
                    l,
                    v,
                    if line.starts_with(['【', '[', '［']) {
                        "bracket"
                    } else {
                        "colon"
                    },
                )
            })
            .or_else(|| split_pipe(&line).map(|(l, v)| (l, v, "pipe")))
            .or_else(|| {
                split_columns(&line).map(|(l, v)| {
                    let layout = if l.ends_with(['?', '？']) {
                        "question"
                    } else {
                        "columns"
                    };
                    (
                        l.trim_end_matches(['?', '？']).trim().to_string(),
                        v,
                        layout,
                    )
                })
            });
        if let Some((label, value, layout)) = split {
            flush(&mut current, &mut out);
            if let Some(cut) = labels::ends_with_says(&label) {
                // `New contact — Jane Doe says: "…"`: the name, then the message.
                let who = label[..cut]
                    .rsplit(['—', '–', ':', '|', '-'])
                    .next()
                    .unwrap_or("")
                    .trim();
                if super::shape::is_name(who) {
                    out.push(Pair {
                        label: label.clone(),
                        value: who.to_string(),
                        field: Some(Field::Name),
                        layout: "says",
                    });
                    current = Some((
                        Pair {
                            label,
                            value,
                            field: Some(Field::Message),
                            layout: "says",
                        },
                        Collect::Block,
                        0,
                    ));
                    continue;
                }
            }
            let mut field = classify(&label);
            if field.is_none()
                && !value.is_empty()
                && value.chars().count() <= 80
                && let Some(who) = labels::about_label_person(&label)
            {
                // `Mark Jensen would like to be contacted about: Solar panels`:
                // the person, then what they asked for.
                if super::shape::is_name(&who) {
                    out.push(Pair {
                        label: label.clone(),
                        value: who,
                        field: Some(Field::Name),
                        layout: "about",
                    });
                }
                field = Some(Field::Headline);
            }
            let collect = if value.is_empty() {
                Collect::Block
            } else {
                Collect::Inline
            };
            current = Some((
                Pair {
                    label,
                    value,
                    field,
                    layout,
                },
                collect,
                0,
            ));
            continue;
        }
        if let Some(field) = label_alone(&line, current.as_ref().map(|c| c.1)) {
            // A label on its own line counts when an answer follows it, on
            // the next line or after one blank line (table rows rendered
            // from HTML, spaced-out notifications).
            let skip = usize::from(
                lines.get(i).is_some_and(|l| l.trim().is_empty())
                    // Never inside a block value: "First line" of a message
                    // is prose, whatever follows it.
                    && current.as_ref().is_none_or(|c| c.1 == Collect::Inline),
            );
            let next = lines
                .get(i + skip)
                .map(|l| clean_line(l))
                .unwrap_or_default();
            // The next line is the answer unless it is itself a label with an
            // answer below it ("Email" left empty, then "Phone" / "555…").
            let after = lines
                .get(i + skip + 1)
                .map(|l| clean_line(l))
                .unwrap_or_default();
            let next_is_label = label_alone(&next, None).is_some()
                && !after.is_empty()
                && split_label(&after).is_none();
            if !next.is_empty()
                && split_label(&next).is_none()
                && !next_is_label
                && !is_footer(&next)
            {
                flush(&mut current, &mut out);
                let label = line
                    .trim_end_matches([':', '：', '?', '？'])
                    .trim()
                    .to_string();
                current = Some((
                    Pair {
                        label,
                        value: String::new(),
                        field: Some(field),
                        layout: "label-line",
                    },
                    Collect::Block,
                    0,
                ));
                continue;
            }
        }
        if let Some((pair, collect, taken)) = current.as_mut() {
            {
                if line.is_empty() {
                    match collect {
                        Collect::Inline => flush(&mut current, &mut out),
                        Collect::Block if pair.value.is_empty() => {}
                        Collect::Block if pair.field != Some(Field::Message) => {
                            flush(&mut current, &mut out)
                        }
                        Collect::Block => {
                            if !pair.value.ends_with('\n') {
                                pair.value.push('\n');
                            }
                            pair.value.push('\n');
                        }
                    }
                } else if *taken < MAX_VALUE_LINES {
                    if !pair.value.is_empty() && !pair.value.ends_with('\n') {
                        pair.value.push('\n');
                    }
                    pair.value.push_str(&line);
                    *taken += 1;
                }
            }
        }
    }
    flush(&mut current, &mut out);
    out
}

fn flush(current: &mut Option<(Pair, Collect, usize)>, out: &mut Vec<Pair>) {
    if let Some((mut pair, _, _)) = current.take() {
        pair.value = tidy_value(&pair.value);
        if !pair.label.is_empty() {
            out.push(pair);
        }
    }
}

/// Trims a value, collapses runs of blank lines and drops placeholder values.
fn tidy_value(v: &str) -> String {
    let mut lines: Vec<&str> = Vec::new();
    for l in v.lines().map(str::trim) {
        if l.is_empty() && lines.last().is_none_or(|p| p.is_empty()) {
            continue;
        }
        lines.push(l);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let joined = lines.join("\n");
    if labels::is_empty_value(&joined.to_lowercase()) {
        return String::new();
    }
    joined
}

/// A line without quote markers, bullets and markdown emphasis.
fn clean_line(raw: &str) -> String {
    let visible = without_invisibles(raw);
    let mut s = visible.trim();
    // Quoted forwards ("> Name: ...") and list bullets.
    loop {
        let t = s
            .trim_start_matches(['>', '|', '•', '·', '▪', '■', '◆', '●', '・'])
            .trim_start();
        let t = t.strip_prefix("- ").unwrap_or(t).trim_start();
        if t.len() == s.len() {
            break;
        }
        s = t;
    }
    let s = s.trim();
    if let Some(label) = section_label(s) {
        return format!("{label}:");
    }
    // `**What do you need?** A roof` → `What do you need?: A roof`.
    if let Some(rest) = s.strip_prefix("**")
        && let Some((label, value)) = rest.split_once("**")
        && !label.trim().ends_with([':', '：'])
        && !value.trim().is_empty()
        && !value.trim_start().starts_with([':', '：'])
    {
        return format!("{}: {}", label.trim(), value.replace('*', "").trim());
    }
    // `**Name:** Jane` / `*Name*: Jane` (markdown-ish notification bodies).
    if s.starts_with('*') || s.contains("**") {
        return s.replace('*', "").trim().to_string();
    }
    s.to_string()
}

/// A line with its invisible characters dropped and its odd spaces made
/// plain: no-break and narrow spaces (`Namn\u{a0}:`), zero-width spaces and
/// the bidirectional marks right-to-left forms put around labels and values
/// (`\u{200f}الاسم:\u{200f}`). ASCII lines, nearly all, pass untouched.
pub(super) fn without_invisibles(s: &str) -> std::borrow::Cow<'_, str> {
    let odd = |c: char| {
        matches!(
            c,
            '\u{a0}'
                | '\u{2007}'
                | '\u{202f}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{061c}'
                | '\u{feff}'
        )
    };
    if s.is_ascii() || !s.contains(odd) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .filter_map(|c| match c {
                '\u{a0}' | '\u{2007}' | '\u{202f}' => Some(' '),
                c if odd(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// A section heading that is a form label, the value on the lines below:
/// `--- Your Name ---`, `=== Teléfono ===`, `### Nome`, `**Email**`,
/// `__Phone__`. Only a known label or a question counts, so a rule
/// (`-----`), a quoted original's `--- Original Message ---` or a markdown
/// heading stay what they are.
fn section_label(line: &str) -> Option<&str> {
    const MARKS: &[char] = &['-', '=', '#', '*', '_', '~'];
    let lead = line.len() - line.trim_start_matches(MARKS).len();
    let trail = line.len() - line.trim_end_matches(MARKS).len();
    // `#` headings need one mark; rules and emphasis need two.
    let marked = lead >= 2 || line.starts_with("# ") || line.starts_with('#') && lead >= 1;
    if !marked || lead + trail >= line.len() {
        return None;
    }
    let inner = line[lead..line.len() - trail].trim();
    // One label only: no second run of marks, no value after a colon
    // (`**Company:** Acme` is an inline pair).
    let doubled = ["--", "==", "##", "**", "__", "~~"]
        .iter()
        .any(|m| inner.contains(m));
    let bare_colon = inner.trim_end_matches([':', '：']);
    if inner.is_empty() || doubled || bare_colon.contains([':', '：']) {
        return None;
    }
    let bare = inner.trim_end_matches([':', '：', '?', '？']).trim();
    let question = inner.ends_with(['?', '？']) && inner.split_whitespace().count() <= 12;
    (looks_like_label(bare) && (question || classify(bare).is_some_and(|f| f != Field::Headline)))
        .then_some(bare)
}

/// `Label: value` → `(label, value)` when the part before the colon reads as a label.
pub fn split_label(line: &str) -> Option<(String, String)> {
    // `【お名前】山田 太郎` and `[Name] Jane`: bracketed labels without a colon.
    for (open, close) in [('【', '】'), ('[', ']'), ('［', '］')] {
        if let Some(rest) = line.strip_prefix(open)
            && let Some((label, value)) = rest.split_once(close)
            && looks_like_label(label.trim())
            && !value.trim().is_empty()
        {
            return Some((
                label.trim().trim_end_matches([':', '：']).to_string(),
                value
                    .trim()
                    .trim_start_matches([':', '：'])
                    .trim()
                    .to_string(),
            ));
        }
    }
    if let Some(pair) = split_leader(line) {
        return Some(pair);
    }
    let (pos, sep_len) = line
        .char_indices()
        .take(MAX_LABEL_CHARS + 1)
        .find(|(_, c)| *c == ':' || *c == '：')
        .map(|(i, c)| (i, c.len_utf8()))?;
    let label = line.get(..pos)?.trim();
    let value = line.get(pos + sep_len..)?.trim();
    if !looks_like_label(label) || value.starts_with("//") {
        return None;
    }
    Some((
        label.trim_end_matches(['?', '？']).trim().to_string(),
        value.to_string(),
    ))
}

/// Dot leaders, as plain-text reports print them: `Caller ...... Jane Doe`,
/// `Telefon……… 0170 1234567`, `Name · · · · Jane`. The label ends where a run of
/// three or more leader characters starts; an ellipsis in prose ("well... I
/// think") is no form because the label must look like one.
fn split_leader(line: &str) -> Option<(String, String)> {
    let is_leader = |c: char| matches!(c, '.' | '…' | '·');
    let start = line
        .char_indices()
        .take(MAX_LABEL_CHARS + 1)
        .find(|&(_, c)| is_leader(c))
        .map(|(i, _)| i)?;
    let rest = &line[start..];
    let run_end = rest
        .char_indices()
        .find(|&(_, c)| !is_leader(c) && c != ' ')
        .map_or(rest.len(), |(i, _)| i);
    // An ellipsis is three dots; "Well... I think" (three, glued to the word)
    // is prose, a leader is longer or stands apart from the label.
    let weight: usize = rest[..run_end]
        .chars()
        .map(|c| match c {
            '…' => 3,
            '.' | '·' => 1,
            _ => 0,
        })
        .sum();
    let spaced = line[..start].ends_with(' ');
    let long_enough = weight >= 4 || (weight >= 3 && spaced);
    let label = line[..start].trim();
    let value = rest[run_end..].trim();
    (long_enough && !value.is_empty() && looks_like_label(label))
        .then(|| (label.to_string(), value.to_string()))
}

/// `| Label | value |` (markdown tables) → `(label, value)`.
fn split_pipe(line: &str) -> Option<(String, String)> {
    let t = line.trim().trim_matches('|').trim();
    let (label, value) = t.split_once(" | ")?;
    let (label, value) = (label.trim(), value.trim().trim_end_matches('|').trim());
    if value.is_empty() || value.chars().all(|c| matches!(c, '-' | ':' | ' ' | '|')) {
        return None;
    }
    (looks_like_label(label) && classify(label).is_some())
        .then(|| (label.to_string(), value.replace(" | ", " ")))
}

/// Aligned columns (`Name      Jane Doe`, `Phone\t555…`) and
/// question-and-answer rows (`What type of property is this?  Home`): the
/// label, then a tab or two or more spaces, then the value. Counts only when
/// the label is known, is a question, or the value has a contact's shape, so
/// prose with two spaces after a full stop is not a form.
fn split_columns(raw: &str) -> Option<(String, String)> {
    let t = raw.trim().replace('\u{a0}', " ");
    let gap = t
        .char_indices()
        .take(MAX_LABEL_CHARS + 2)
        .find(|(i, c)| *c == '\t' || *c == ' ' && t[i + 1..].starts_with(' '))
        .map(|(i, _)| i)?;
    let label = t[..gap]
        .trim()
        .trim_start_matches(['•', '·', '-', '*'])
        .trim();
    let value = t[gap..].trim();
    if value.is_empty() || value.chars().count() > 300 || !looks_like_label(label) {
        return None;
    }
    let question = label.ends_with(['?', '？']) && label.split_whitespace().count() <= 12;
    let known = classify(label.trim_end_matches(['?', '？'])).is_some()
        && label.split_whitespace().count() <= 6;
    let shaped = matches!(
        super::shape::of_value(value),
        Some(super::shape::Shape::Email | super::shape::Shape::Phone)
    ) && label.split_whitespace().count() <= 4;
    (question || known || shaped).then(|| {
        (
            label.to_string(),
            value.split_whitespace().collect::<Vec<_>>().join(" "),
        )
    })
}

/// Whether text could be a form label (short, has letters, not a sentence).
fn looks_like_label(label: &str) -> bool {
    let chars = label.chars().count();
    if chars == 0 || chars > MAX_LABEL_CHARS || label.split_whitespace().count() > 8 {
        return false;
    }
    if !label.chars().any(char::is_alphabetic) {
        return false;
    }
    let lower = label.to_lowercase();
    if lower.starts_with("http") || lower.starts_with("mailto") {
        return false;
    }
    // Sentences end with punctuation inside; labels do not, save an
    // abbreviated one the dictionary knows (`Эл. почта`, `Tel. číslo`).
    if label.contains(". ") && classify(label).is_none()
        || label.contains("! ")
        || label.contains('。')
        || label.ends_with('.') && !label.ends_with("No.")
    {
        return false;
    }
    true
}

/// A line that is only a known label (`Email`, `What's your phone number?`).
fn label_alone(line: &str, collecting: Option<Collect>) -> Option<Field> {
    let t = line.trim();
    // A label asks; a line carrying a number or an address answers
    // (`Tel. 0711 555 2380` in a signature).
    if t.is_empty()
        || t.chars().count() > 80
        || t.chars().filter(char::is_ascii_digit).count() >= 5
        || t.contains('@')
    {
        return None;
    }
    let stripped = t.trim_end_matches([':', '：', '?', '？']).trim();
    if let Some(field) = classify(stripped) {
        // A signature's company line ("山田工業株式会社") names a company; it
        // asks for nothing.
        if field == Field::Company && stripped == t && super::signature::is_company_name(t) {
            return None;
        }
        // A one-word label, or a question: free prose rarely looks like that.
        if stripped.split_whitespace().count() <= 5 || t.ends_with('?') || t.ends_with('？') {
            return Some(field);
        }
    }
    // Unknown questions separate answers in question/answer forms.
    if collecting == Some(Collect::Block)
        && (t.ends_with('?') || t.ends_with('？'))
        && t.split_whitespace().count() <= 12
    {
        return Some(Field::Ignore);
    }
    None
}

/// Lines that end a form: signature delimiters and service footers.
pub fn is_footer(line: &str) -> bool {
    let l = line.trim();
    if l == "--"
        || l == "-- "
        || l.starts_with("___")
        || l.starts_with("---") && !l.contains("orward")
        || l.starts_with("===")
    {
        return true;
    }
    let lower = l.to_lowercase();
    [
        "this e-mail was sent from",
        "this email was sent from",
        "this message was sent",
        "this notification was sent",
        "sent via ",
        "sent from my",
        "powered by",
        "you received this",
        "you are receiving this",
        "to unsubscribe",
        "unsubscribe",
        "manage your notification",
        "view this submission",
        "view in jotform",
        "reply directly to this email",
        "このメールは",
        "※このメール",
        "diese e-mail wurde",
        "este correo fue enviado",
        "este mensaje fue enviado",
        "cet e-mail a été envoyé",
        "ce message a été envoyé",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_leaders_separate_label_and_value() {
        assert_eq!(
            split_label("Ring on ....... 970 555 0123"),
            Some(("Ring on".into(), "970 555 0123".into()))
        );
        assert_eq!(
            split_label("Telefon……… 0170 1234567"),
            Some(("Telefon".into(), "0170 1234567".into()))
        );
        assert_eq!(
            split_label("E-Mail · · · · jane@example.com"),
            Some(("E-Mail".into(), "jane@example.com".into()))
        );
        // Prose with an ellipsis, and a version number, are no pairs.
        assert_eq!(
            split_label("Well... we might be interested later on, I think"),
            None
        );
        assert_eq!(split_label("Version 1.2.3 is out"), None);
    }

    #[test]
    fn inline_block_and_question_values() {
        let text = "Name: Jane Doe\nEmail: jane@brightwater.io\nMessage:\nFirst line\n\nsecond para\n\n-- \nThis e-mail was sent from a contact form";
        let p = pairs(text);
        assert_eq!(p.len(), 3);
        assert_eq!(p[2].value, "First line\n\nsecond para");
        let tf = "What's your name?\nJane Doe\n\nWhat's your email?\njane@brightwater.io\n\nHow big is your team?\n12\n";
        let p = pairs(tf);
        assert_eq!(p[0].value, "Jane Doe");
        assert_eq!(p[1].field, Some(Field::Email));
        assert_eq!(p[1].value, "jane@brightwater.io");
    }

    #[test]
    fn columns_questions_pipes_and_says() {
        let text = "Name        Marco Bianchi\nTelefono\t347 555 0192\nWhat type of property is this?   Home\n| Email | marco.b@libero.it |\n\nThanks.  See you soon\n";
        let p = pairs(text);
        let get = |l: &str| {
            p.iter()
                .find(|x| x.label == l)
                .map(|x| (x.value.as_str(), x.layout))
        };
        assert_eq!(get("Name"), Some(("Marco Bianchi", "columns")));
        assert_eq!(get("Telefono"), Some(("347 555 0192", "columns")));
        assert_eq!(
            get("What type of property is this"),
            Some(("Home", "question"))
        );
        assert_eq!(get("Email"), Some(("marco.b@libero.it", "pipe")));
        assert_eq!(p.len(), 4, "{p:?}");
        let p = pairs("New Contact — Jane Doe says: \"Do you install heat pumps?\"\n");
        assert_eq!(p[0].field, Some(Field::Name));
        assert_eq!(p[0].value, "Jane Doe");
        assert_eq!(p[1].field, Some(Field::Message));
    }

    #[test]
    fn urls_and_times_are_not_labels() {
        assert!(split_label("https://acme.example/contact").is_none());
        assert!(split_label("10:30 works for me").is_none());
        assert!(split_label("I think so. Anyway: hello").is_none());
    }
}
