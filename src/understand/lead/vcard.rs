//! vCard attachments (`.vcf`, `text/vcard`, `text/x-vcard`) and inline
//! `BEGIN:VCARD` blocks: `FN`/`N`, `EMAIL`, `TEL`, `ORG`, `TITLE` and the
//! postcode and country of `ADR` become a contact.
//!
//! Versions 2.1, 3.0 and 4.0 are read alike: lines are unfolded, property
//! parameters (`TEL;TYPE=cell:`) ignored, quoted-printable and escapes decoded
//! as far as names and numbers need. Bounded: at most [`MAX_LINES`] lines.

use crate::understand::Contact;

use super::contact;

/// Most content lines read from one card.
const MAX_LINES: usize = 500;

/// The first card in `text`, if any.
pub fn parse(text: &str) -> Option<Contact> {
    let start = text
        .find("BEGIN:VCARD")
        .or_else(|| text.to_ascii_uppercase().find("BEGIN:VCARD"))?;
    let body = &text[start..];
    let mut lines: Vec<String> = Vec::new();
    for raw in body.lines().take(MAX_LINES) {
        let raw = raw.trim_end_matches('\r');
        // Folded lines continue with a space or tab (RFC 6350 §3.2).
        if raw.starts_with([' ', '\t']) {
            if let Some(last) = lines.last_mut() {
                last.push_str(&raw[1..]);
            }
            continue;
        }
        if raw.eq_ignore_ascii_case("END:VCARD") {
            break;
        }
        lines.push(raw.to_string());
    }
    let mut c = Contact::default();
    let mut n_name = None;
    for line in &lines {
        let Some((head, value)) = line.split_once(':') else {
            continue;
        };
        let mut parts = head.split(';');
        let name = parts
            .next()
            .unwrap_or("")
            .rsplit('.')
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let qp = head.to_ascii_uppercase().contains("QUOTED-PRINTABLE");
        let value = unescape(&if qp {
            decode_qp(value)
        } else {
            value.to_string()
        });
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let fill = |slot: &mut Option<String>, v: Option<String>| {
            if slot.is_none() {
                *slot = v;
            }
        };
        match name.as_str() {
            "FN" => fill(&mut c.name, contact::normalize_name(value)),
            "N" => {
                // N:Family;Given;Additional;Prefix;Suffix
                let f: Vec<&str> = value.split(';').map(str::trim).collect();
                let family = f.first().copied().filter(|s| !s.is_empty());
                let given = f.get(1).copied().filter(|s| !s.is_empty());
                n_name = contact::join_name(given, family, false);
            }
            "EMAIL" => fill(&mut c.email, contact::email_value(value)),
            "TEL" => fill(
                &mut c.phone,
                contact::normalize_phone(value.trim_start_matches("tel:")),
            ),
            "ORG" => fill(
                &mut c.company,
                value.split(';').next().and_then(contact::one_line),
            ),
            "TITLE" => fill(&mut c.title, contact::one_line(value)),
            "ADR" => {
                // ADR:PO;Ext;Street;City;Region;Postcode;Country
                let f: Vec<&str> = value.split(';').map(str::trim).collect();
                fill(&mut c.postcode, f.get(5).and_then(|s| contact::one_line(s)));
                fill(&mut c.country, f.get(6).and_then(|s| contact::one_line(s)));
            }
            _ => {}
        }
    }
    if c.name.is_none() {
        c.name = n_name;
    }
    (c.email.is_some() || c.phone.is_some() || c.name.is_some()).then_some(c)
}

/// True when an attachment is a vCard by name or type.
pub fn is_vcard(name: &str, content_type: &str) -> bool {
    name.ends_with(".vcf")
        || name.ends_with(".vcard")
        || matches!(
            content_type,
            "text/vcard" | "text/x-vcard" | "text/directory"
        )
}

fn unescape(v: &str) -> String {
    v.replace("\\,", ",")
        .replace("\\;", "\u{1}")
        .replace("\\n", " ")
        .replace("\\N", " ")
        .replace('\u{1}', ";")
}

fn decode_qp(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && let Some(h) = v.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(h, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_folded_v3_card() {
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Okafor;Daniel;;Mr.;\r\nFN:Daniel Okafor\r\nORG:Okafor Builders;Estimating\r\nTITLE:Owner\r\nEMAIL;TYPE=INTERNET,HOME:d.okafor@\r\n mailbox.org\r\nTEL;TYPE=CELL:+1 503 555 0148\r\nADR;TYPE=HOME:;;12 Elm St;Portland;OR;97214;USA\r\nEND:VCARD\r\n";
        let c = parse(card).unwrap();
        assert_eq!(c.name.as_deref(), Some("Daniel Okafor"));
        assert_eq!(c.email.as_deref(), Some("d.okafor@mailbox.org"));
        assert_eq!(c.phone.as_deref(), Some("+1 503 555 0148"));
        assert_eq!(c.company.as_deref(), Some("Okafor Builders"));
        assert_eq!(c.postcode.as_deref(), Some("97214"));
    }

    #[test]
    fn n_only_card_and_garbage() {
        let c =
            parse("BEGIN:VCARD\nVERSION:2.1\nN:Rossi;Giulia\nTEL:02 5550 1234\nEND:VCARD").unwrap();
        assert_eq!(c.name.as_deref(), Some("Giulia Rossi"));
        assert!(parse("BEGIN:VCARD\nEND:VCARD").is_none());
        assert!(parse("no card here").is_none());
        let _ = parse("BEGIN:VCARD\nEMAIL;ENCODING=QUOTED-PRINTABLE:=E9=\n");
    }
}
