//! RFC 3464 delivery-status fields: one record per recipient.
//!
//! The `message/delivery-status` body is a per-message header block followed by
//! one header block per recipient. Real MTAs forget blank lines, repeat fields
//! and fold lines, so records are cut on `Original-Recipient` /
//! `Final-Recipient` as much as on blank lines.

use super::status;

/// The fields of one recipient block, as stated.
#[derive(Debug, Default, Clone)]
pub struct RecipientFields {
    pub final_recipient: Option<String>,
    pub original_recipient: Option<String>,
    pub action: Option<String>,
    pub status: Option<String>,
    pub diagnostic: Option<String>,
    /// The Diagnostic-Code was written by a local delivery program
    /// (`X-Unix; …`: procmail, a pipe, the local mailer), not a remote server.
    pub local_program: bool,
    /// The reporting system's own bounce category (PowerMTA's
    /// `X-PowerMTA-BounceCategory: bad-mailbox`), lowercase.
    pub category: Option<String>,
    /// A recipient field was seen, even one without a usable address.
    opened: bool,
    /// A Final-Recipient field was seen.
    has_final: bool,
    /// An Original-Recipient field was seen.
    has_original: bool,
    /// Action, Status or Diagnostic-Code came after a recipient field (some
    /// MTAs put `Action:` first, so fields before it do not count).
    fields_after_recipient: bool,
}

impl RecipientFields {
    fn has_recipient(&self) -> bool {
        self.opened
    }

    /// Fields after the recipient lines were read: a new recipient line
    /// starts the next block (Final- and Original-Recipient come in either order).
    fn progressed(&self) -> bool {
        self.fields_after_recipient
    }

    fn note_field(&mut self) {
        self.fields_after_recipient |= self.opened;
    }

    /// Final-Recipient, else Original-Recipient.
    pub fn recipient(&self) -> Option<String> {
        self.final_recipient
            .clone()
            .or_else(|| self.original_recipient.clone())
    }

    /// True for `delivered`, `relayed` and `expanded` reports and 2.x.x codes:
    /// success notices, not bounces.
    pub fn is_success(&self) -> bool {
        let action_ok = self
            .action
            .as_deref()
            .is_some_and(|a| ["delivered", "relayed", "expanded"].contains(&a));
        action_ok || self.status.as_deref().is_some_and(|s| s.starts_with('2'))
    }

    /// The code this recipient's report states. `Status:` is the reporting
    /// MTA's summary; the remote server's own answer in `Diagnostic-Code` is
    /// more precise ("Status: 5.0.0" vs "550 5.1.1 user unknown", or a relay's
    /// "554 4.4.7 expired <421 4.4.2 timed out>"), so the last code of the same
    /// class stated there wins. Only stated codes are ever returned.
    pub fn stated_status(&self) -> Option<String> {
        let from_diagnostic = |class: Option<u8>| {
            self.diagnostic.as_deref().and_then(|d| {
                status::enhanced_codes(d)
                    .filter(|c| !c.starts_with('2'))
                    .filter(|c| class.is_none_or(|k| c.as_bytes().first() == Some(&k)))
                    .last()
            })
        };
        match self.status.as_deref() {
            Some(s) => Some(
                from_diagnostic(s.as_bytes().first().copied())
                    .unwrap_or(s)
                    .to_string(),
            ),
            None => from_diagnostic(None).map(str::to_string),
        }
    }
}

/// Reads every recipient block of a delivery-status body, in order.
pub fn parse(body: &str) -> Vec<RecipientFields> {
    let mut out = Vec::new();
    let mut current = RecipientFields::default();
    for (name, value) in fields(body) {
        match name.as_str() {
            "" => {
                // Blank line: a block ends. Per-message fields never form a record.
                if current.has_recipient() {
                    out.push(std::mem::take(&mut current));
                } else {
                    current = RecipientFields::default();
                }
            }
            "original-recipient" => {
                if current.has_original || (current.has_final && current.progressed()) {
                    out.push(std::mem::take(&mut current));
                }
                current.original_recipient = address(&value);
                current.opened = true;
                current.has_original = true;
            }
            "final-recipient" => {
                if current.has_final || (current.has_original && current.progressed()) {
                    out.push(std::mem::take(&mut current));
                }
                // "Final-Recipient: rfc822; <>" still opens a block so its status
                // counts; the caller then finds the address elsewhere.
                current.final_recipient = address(&value);
                current.opened = true;
                current.has_final = true;
            }
            "action" => {
                let word = value
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                current.action = Some(word).filter(|w| !w.is_empty());
                current.note_field();
            }
            "status" => {
                current.status = status::enhanced_codes(&value).next().map(str::to_string);
                current.note_field();
            }
            "diagnostic-code" => {
                current.local_program = value
                    .split_once(';')
                    .is_some_and(|(kind, _)| kind.trim().eq_ignore_ascii_case("x-unix"));
                let text = value
                    .split_once(';')
                    .map_or(value.as_str(), |(_, rest)| rest)
                    .trim();
                if !text.is_empty() {
                    current.diagnostic = Some(decode_jis(text));
                }
                current.note_field();
            }
            "x-powermta-bouncecategory" => {
                current.category = Some(value.trim().to_ascii_lowercase());
            }
            _ => {}
        }
        // A block that has an action or status but no recipient field yet is
        // still per-message: it is dropped at the next blank line.
    }
    if current.has_recipient() {
        out.push(current);
    }
    out
}

/// Unfolded `(lowercase name, value)` pairs; a blank line yields `("", "")`.
fn fields(body: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut last_blank = true;
    for line in body.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !last_blank {
                out.push((String::new(), String::new()));
            }
            last_blank = true;
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut().filter(|(n, _)| !n.is_empty()) {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        last_blank = false;
        if let Some((name, value)) = line.split_once(':') {
            let name = name.trim();
            if !name.is_empty() && !name.contains(' ') {
                out.push((name.to_ascii_lowercase(), value.trim().to_string()));
            }
        }
    }
    out
}

/// `rfc822; <a@b>` → `a@b`; `None` when no address is there.
pub fn address(value: &str) -> Option<String> {
    let v = value.split_once(';').map_or(value, |(_, rest)| rest);
    let v = v
        .trim()
        .trim_matches(|c| c == '<' || c == '>' || c == '"' || c == '\'')
        .trim();
    let v = v.split_whitespace().next().unwrap_or("");
    let v = v.trim_matches(|c| c == '<' || c == '>' || c == '"' || c == '\'' || c == ',');
    (v.contains('@') && v.len() > 2).then(|| v.to_ascii_lowercase())
}

/// Some Japanese MTAs (Lotus Domino) write the diagnostic in raw ISO-2022-JP
/// (RFC 1468: ASCII bytes between `ESC $ B` and `ESC ( B`) with no encoded
/// word: decode it so its words can be read.
fn decode_jis(text: &str) -> String {
    if !(text.contains("\x1b$B") || text.contains("\x1b$@")) {
        return text.to_string();
    }
    match mail_parser::decoders::charsets::map::charset_decoder(b"iso-2022-jp") {
        Some(decode) => decode(text.as_bytes()),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_two_recipients_in_order() {
        let body = "Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no such user\n\nOriginal-Recipient: rfc822;b@example.com\nFinal-Recipient: rfc822; B@example.com\nAction: delayed\nStatus: 4.4.1\n";
        let r = parse(body);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].recipient().as_deref(), Some("a@example.com"));
        assert_eq!(r[0].stated_status().as_deref(), Some("5.1.1"));
        assert_eq!(r[1].recipient().as_deref(), Some("b@example.com"));
        assert_eq!(r[1].action.as_deref(), Some("delayed"));
    }

    #[test]
    fn generic_status_is_refined_by_the_diagnostic() {
        let body = "Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 550 5.1.1\n <a@example.com>... User unknown\n";
        assert_eq!(parse(body)[0].stated_status().as_deref(), Some("5.1.1"));
    }

    #[test]
    fn a_raw_iso_2022_jp_diagnostic_is_decoded() {
        let body = "Final-Recipient: rfc822;a@b.example\nAction: failed\nStatus: 5.0.0\n\
                    Diagnostic-Code: X-Notes; \x1b$B%f!<%6!<\x1b(B Neko\n";
        let records = parse(body);
        assert_eq!(records[0].diagnostic.as_deref(), Some("ユーザー Neko"));
    }
}
