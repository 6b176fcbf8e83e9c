//! ADF (Auto-lead Data Format, the auto industry's XML lead standard), inline
//! in the body or as an attachment. Only the `<customer>` of each `<prospect>`
//! is the prospect; `<vendor>` and `<provider>` contacts are the dealer and the
//! lead source and never become the contact.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::contact;
use super::timeline;
use crate::understand::{Contact, Lead};

/// Most prospects read from one document.
const MAX_PROSPECTS: usize = 10_000;

/// A malformed ADF document: where it broke (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdfError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for AdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "malformed ADF at line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

/// The ADF document inside `text`, if it holds one (from `<?xml`/`<adf` to `</adf>`
/// or the end).
pub fn find_document(text: &str) -> Option<&str> {
    let lower_head = text.get(..text.len().min(200_000))?.to_ascii_lowercase();
    let adf = lower_head.find("<adf")?;
    // Start at the XML declaration when it precedes the root.
    let start = lower_head[..adf].rfind("<?xml").unwrap_or(adf);
    let end = lower_head
        .rfind("</adf>")
        .map_or(text.len(), |e| e + "</adf>".len());
    text.get(start..end.max(start))
}

/// Reads every prospect of an ADF document.
pub fn parse(xml: &str, date: Option<&str>) -> Result<Vec<Lead>, AdfError> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<String> = Vec::new();
    let mut leads = Vec::new();
    let mut p = Prospect::default();
    let mut name_part = String::new();
    let mut text = String::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| error_at(xml, reader.error_position() as usize, &e.to_string()))?;
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).to_ascii_lowercase();
                if name == "name" {
                    name_part = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref().eq_ignore_ascii_case(b"part"))
                        .and_then(|a| a.unescape_value().ok().map(|v| v.to_ascii_lowercase()))
                        .unwrap_or_else(|| "full".into());
                }
                if name == "prospect" {
                    p = Prospect::default();
                }
                text.clear();
                stack.push(name);
                if stack.len() > 64 {
                    return Err(error_at(
                        xml,
                        reader.buffer_position() as usize,
                        "nesting deeper than 64 elements",
                    ));
                }
            }
            Event::Text(t) => text.push_str(&t.decode().unwrap_or_default()),
            Event::CData(t) => text.push_str(&String::from_utf8_lossy(&t)),
            Event::GeneralRef(r) => {
                let named = match &*r {
                    b"amp" => Some("&"),
                    b"lt" => Some("<"),
                    b"gt" => Some(">"),
                    b"quot" => Some("\""),
                    b"apos" => Some("'"),
                    _ => None,
                };
                let resolved = r
                    .resolve_char_ref()
                    .ok()
                    .flatten()
                    .map(String::from)
                    .or_else(|| named.map(str::to_string));
                text.push_str(&resolved.unwrap_or_default());
            }
            Event::End(_) => {
                let Some(name) = stack.pop() else {
                    return Err(error_at(
                        xml,
                        reader.buffer_position() as usize,
                        "closing tag without an opening one",
                    ));
                };
                p.take(&stack, &name, &name_part, text.trim());
                text.clear();
                if name == "prospect" && leads.len() < MAX_PROSPECTS {
                    leads.push(std::mem::take(&mut p).into_lead(date));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(error_at(
            xml,
            xml.len(),
            &format!("document ends inside <{open}>"),
        ));
    }
    if leads.is_empty() {
        return Err(error_at(xml, xml.len(), "no <prospect> element"));
    }
    Ok(leads)
}

fn error_at(xml: &str, offset: usize, message: &str) -> AdfError {
    let offset = super::super::body::floor_char_boundary(xml, offset);
    let before = &xml[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    AdfError {
        line,
        column,
        message: message.to_string(),
    }
}

/// What one `<prospect>` says, collected element by element.
#[derive(Default)]
struct Prospect {
    first: Option<String>,
    last: Option<String>,
    full: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    company: Option<String>,
    postcode: Option<String>,
    country: Option<String>,
    vehicle: Vec<String>,
    comments: Option<String>,
    timeframe: Option<String>,
    earliest: Option<String>,
    latest: Option<String>,
}

impl Prospect {
    fn take(&mut self, parents: &[String], name: &str, part: &str, value: &str) {
        if value.is_empty() {
            return;
        }
        let within = |p: &str| parents.iter().any(|x| x == p);
        let set = |slot: &mut Option<String>| {
            if slot.is_none() {
                *slot = Some(value.to_string());
            }
        };
        if within("customer") {
            if within("timeframe") {
                match name {
                    "description" => set(&mut self.timeframe),
                    "earliestdate" => set(&mut self.earliest),
                    "latestdate" => set(&mut self.latest),
                    _ => {}
                }
                return;
            }
            match name {
                "name" => match part {
                    "first" => set(&mut self.first),
                    "last" => set(&mut self.last),
                    _ => set(&mut self.full),
                },
                "email" => set(&mut self.email),
                "phone" => set(&mut self.phone),
                "company" | "organization" | "organisation" => set(&mut self.company),
                "postalcode" => set(&mut self.postcode),
                "country" => set(&mut self.country),
                "comments" => set(&mut self.comments),
                _ => {}
            }
        } else if within("vehicle")
            && !within("finance")
            && matches!(name, "year" | "make" | "model" | "trim")
            && self.vehicle.len() < 4
        {
            self.vehicle.push(value.to_string());
        }
    }

    fn into_lead(self, date: Option<&str>) -> Lead {
        let name = match (&self.first, &self.last) {
            (None, None) => self.full.as_deref().and_then(contact::normalize_name),
            _ => contact::join_name(self.first.as_deref(), self.last.as_deref(), false),
        };
        let timeline = self
            .timeframe
            .as_deref()
            .and_then(|t| timeline::parse(t, date, true))
            .or_else(
                || match (self.earliest.as_deref(), self.latest.as_deref()) {
                    (Some(e), Some(l)) => timeline::between_dates(e, l, date),
                    _ => None,
                },
            )
            .or_else(|| {
                self.latest
                    .as_deref()
                    .or(self.earliest.as_deref())
                    .and_then(|d| timeline::parse(d, date, true))
            })
            .or_else(|| {
                self.comments
                    .as_deref()
                    .and_then(|c| timeline::parse(c, date, false))
            });
        let interest = (!self.vehicle.is_empty()).then(|| self.vehicle.join(" "));
        Lead {
            contact: Contact {
                email: self.email.as_deref().and_then(contact::email_value),
                name,
                phone: self.phone.as_deref().and_then(contact::normalize_phone),
                company: self.company,
                title: None,
                postcode: self.postcode,
                country: self.country,
            },
            interest: interest.or_else(|| self.comments.as_deref().and_then(super::short_phrase)),
            timeline,
            message: self.comments,
            source: "adf".into(),
            ..Lead::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_not_vendor() {
        let xml = r#"<?xml version="1.0"?><adf><prospect><vehicle><year>2024</year><make>Toyota</make><model>RAV4</model></vehicle>
<customer><contact><name part="first">Daniel</name><name part="last">Okafor</name><email>D.Okafor@Mailbox.org</email><phone>555-201-7788</phone></contact></customer>
<vendor><contact><name part="full">Sales Desk</name><email>sales@dealer.example</email></contact></vendor></prospect></adf>"#;
        let leads = parse(xml, None).unwrap();
        assert_eq!(
            leads[0].contact.email.as_deref(),
            Some("d.okafor@mailbox.org")
        );
        assert_eq!(leads[0].contact.name.as_deref(), Some("Daniel Okafor"));
        assert_eq!(leads[0].interest.as_deref(), Some("2024 Toyota RAV4"));
    }

    #[test]
    fn malformed_reports_line_and_column() {
        let xml = "<adf>\n<prospect>\n<customer><contact><name>X</nam></contact></customer>\n</prospect></adf>";
        let err = parse(xml, None).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.column > 1, "{err}");
    }
}
