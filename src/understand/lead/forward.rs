//! Forwarded emails: a colleague forwards a provider's lead notification.
//! The lead is the original message's, so this finds the innermost forwarded
//! header block (Gmail, Outlook, Apple Mail, Thunderbird; EN/JA/DE/ES/FR) and
//! returns the original sender and the original body.

use super::contact;

/// The original message inside a forward.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forwarded {
    pub from_email: Option<String>,
    pub from_name: Option<String>,
    pub reply_to: Option<String>,
    pub subject: Option<String>,
    /// The original body, quote markers removed.
    pub body: String,
}

const MARKERS: &[&str] = &[
    "forwarded message",
    "original message",
    "begin forwarded message",
    "forwarded by",
    "weitergeleitete nachricht",
    "ursprüngliche nachricht",
    "originalnachricht",
    "anfang der weitergeleiteten",
    "mensaje reenviado",
    "mensaje original",
    "message transféré",
    "message d'origine",
    "message original",
    "début du message réexpédié",
    "転送されたメッセージ",
    "転送メッセージ",
    "元のメッセージ",
];

fn header_name(label: &str) -> Option<&'static str> {
    let l = label
        .trim()
        .trim_start_matches(['*', '>'])
        .trim()
        .trim_end_matches('*')
        .to_lowercase();
    Some(match l.as_str() {
        "from" | "von" | "de" | "差出人" | "送信者" | "expéditeur" => "from",
        "sent" | "date" | "gesendet" | "datum" | "enviado" | "fecha" | "envoyé" | "日付"
        | "送信日時" => "date",
        "subject" | "betreff" | "asunto" | "objet" | "件名" => "subject",
        "to" | "an" | "para" | "à" | "a" | "宛先" | "cc" | "kopie" | "ccc" => "to",
        "reply-to" | "antwort an" | "responder a" | "répondre à" => "reply-to",
        _ => return None,
    })
}

/// Finds the innermost forwarded message in `text`.
pub fn find(text: &str) -> Option<Forwarded> {
    let lines: Vec<&str> = text.lines().take(20_000).collect();
    let mut best: Option<Forwarded> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = strip_quote(lines[i]);
        let lower = line.to_lowercase();
        let is_marker = (lower.starts_with('-')
            || lower.starts_with('_')
            || lower.ends_with(':')
            || lower.starts_with("begin")
            || lower.starts_with("anfang")
            || lower.starts_with("début"))
            && MARKERS.iter().any(|m| lower.contains(m));
        // Outlook without a marker line: "From: …" then "Sent:"/"Date:" within a few lines.
        let outlook =
            !is_marker && header_name(line.split(':').next().unwrap_or("")) == Some("from") && {
                let window = lines
                    .iter()
                    .skip(i + 1)
                    .take(4)
                    .map(|l| strip_quote(l).to_lowercase());
                window.clone().any(|l| {
                    [
                        "sent:",
                        "date:",
                        "gesendet:",
                        "enviado:",
                        "envoyé :",
                        "envoyé:",
                        "日付:",
                        "送信日時:",
                    ]
                    .iter()
                    .any(|p| l.starts_with(p))
                }) && window.clone().any(|l| {
                    [
                        "subject:", "betreff:", "asunto:", "objet :", "objet:", "件名:",
                    ]
                    .iter()
                    .any(|p| l.starts_with(p))
                })
            };
        if !is_marker && !outlook {
            i += 1;
            continue;
        }
        let start = if is_marker { i + 1 } else { i };
        if let Some((fwd, next)) = read_block(&lines, start) {
            best = Some(fwd);
            // Keep looking for a deeper forward inside this one.
            i = next;
            continue;
        }
        i += 1;
    }
    best
}

/// Reads the header block at `start` and the body after it.
fn read_block(lines: &[&str], start: usize) -> Option<(Forwarded, usize)> {
    let mut fwd = Forwarded::default();
    let mut j = start;
    let mut seen = 0;
    // Skip blank lines between the marker and the headers.
    while j < lines.len() && strip_quote(lines[j]).is_empty() && j < start + 3 {
        j += 1;
    }
    while j < lines.len() {
        let line = strip_quote(lines[j]);
        if line.is_empty() {
            break;
        }
        let sep = line.find([':', '：']);
        let Some(sep) = sep else { break };
        let (label, value) = (
            &line[..sep],
            line[sep..].trim_start_matches([':', '：']).trim(),
        );
        let Some(name) = header_name(label) else {
            if seen == 0 {
                return None;
            }
            break;
        };
        seen += 1;
        match name {
            "from" => {
                fwd.from_email = contact::find_email(value);
                let display = value
                    .split(['<', '['])
                    .next()
                    .unwrap_or("")
                    .trim()
                    .trim_matches('"')
                    .trim();
                if !display.is_empty() && !display.contains('@') {
                    fwd.from_name = Some(display.to_string());
                }
            }
            "reply-to" => fwd.reply_to = contact::find_email(value),
            "subject" => fwd.subject = Some(value.to_string()),
            _ => {}
        }
        j += 1;
    }
    if seen == 0 || fwd.from_email.is_none() && fwd.from_name.is_none() {
        return None;
    }
    let body: Vec<String> = lines[j..]
        .iter()
        .map(|l| strip_quote(l).to_string())
        .collect();
    fwd.body = body.join("\n");
    Some((fwd, j))
}

/// A line without `>` quote markers.
fn strip_quote(line: &str) -> &str {
    let mut s = line.trim();
    while let Some(rest) = s.strip_prefix('>') {
        s = rest.trim_start();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_and_outlook_forwards() {
        let gmail = "FYI\n\n---------- Forwarded message ---------\nFrom: Jotform <noreply@jotform.com>\nDate: Tue, 4 Mar 2025 at 10:02\nSubject: New submission\nTo: <info@acme.example>\n\nName: Jane Roe\nEmail: jane@brightwater.io\n";
        let f = find(gmail).unwrap();
        assert_eq!(f.from_email.as_deref(), Some("noreply@jotform.com"));
        assert!(f.body.contains("Name: Jane Roe"));
        let outlook = "Please call.\n\n________________________________\nFrom: Formspree <noreply@formspree.io>\nSent: Tuesday, March 4, 2025 10:02 AM\nTo: Sales\nSubject: New lead\n\nemail: jane@brightwater.io";
        let f = find(outlook).unwrap();
        assert_eq!(f.subject.as_deref(), Some("New lead"));
        assert!(f.body.contains("jane@brightwater.io"));
    }
}
