//! Forwarded emails: a colleague forwards a provider's lead notification.
//! The lead is the original message's, so this finds the innermost forwarded
//! header block (Gmail, Outlook, Apple Mail, Thunderbird) in any language of
//! the [`labels`] tables and returns the original sender, the original body
//! and the staff who forwarded it on the way (a lead forwarded twice).

use super::contact;
use super::labels::{self, Header};

/// The original message inside a forward.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forwarded {
    pub from_email: Option<String>,
    pub from_name: Option<String>,
    pub reply_to: Option<String>,
    pub subject: Option<String>,
    /// The original body, quote markers removed.
    pub body: String,
    /// Senders of the outer forwards (staff passing the lead on), outermost
    /// first: never the prospect.
    pub forwarders: Vec<String>,
}

fn header_name(label: &str) -> Option<Header> {
    let l = label
        .trim()
        .trim_start_matches(['*', '>'])
        .trim()
        .trim_end_matches('*')
        .trim();
    labels::forward_header(l).or_else(|| {
        // Outlook adds a short particle to the label in some languages
        // ("Enviado el", "Envoyé le", "Gesendet am", "Verzonden op"): the
        // header is named by its first word.
        let (first, rest) = l.split_once(' ')?;
        (rest.chars().count() <= 3 && !rest.contains(' '))
            .then(|| labels::forward_header(first))
            .flatten()
    })
}

/// The header a `Label: value` line names, if any.
fn line_header(line: &str) -> Option<Header> {
    let sep = line.find([':', '：'])?;
    header_name(&line[..sep])
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
            || lower.starts_with('=')
            || lower.ends_with(':')
            || lower.chars().count() <= 60)
            && lower.chars().count() <= 120
            && labels::has_forward_marker(&lower);
        // Outlook without a marker line: "From: …" then "Sent:"/"Date:" and
        // "Subject:" within a few lines, in any language.
        let outlook = !is_marker && line_header(line) == Some(Header::From) && {
            let window = lines.iter().skip(i + 1).take(4).map(|l| strip_quote(l));
            window.clone().any(|l| line_header(l) == Some(Header::Date))
                && window
                    .clone()
                    .any(|l| line_header(l) == Some(Header::Subject))
        };
        if !is_marker && !outlook {
            i += 1;
            continue;
        }
        let start = if is_marker { i + 1 } else { i };
        if let Some((mut fwd, next)) = read_block(&lines, start) {
            if let Some(outer) = best.take() {
                fwd.forwarders = outer.forwarders;
                fwd.forwarders.extend(outer.from_email);
            }
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
            Header::From => {
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
            Header::ReplyTo => fwd.reply_to = contact::find_email(value),
            Header::Subject => fwd.subject = Some(value.to_string()),
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
