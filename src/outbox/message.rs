//! The wire form of an outbound email, built with lettre's typed builders
//! so contact data never reaches a raw header.

use std::time::SystemTime;

use anyhow::Context as _;
use lettre::Address;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};

use super::OutboundEmail;

/// Parses `Name <addr>` or `addr` into a mailbox.
pub fn parse_mailbox(text: &str) -> Result<Mailbox, String> {
    text.trim()
        .parse::<Mailbox>()
        .map_err(|e| format!("{text:?} is not an email address: {e}"))
}

fn header_safe(name: &str, value: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !value.chars().any(|c| c.is_control())
}

/// Builds the wire message with lettre's typed builders. Contact data never
/// reaches a raw header: subject and names are single lines, extra headers
/// must be printable, addresses must parse.
pub fn build(
    email: &OutboundEmail,
    default_from: &Mailbox,
    archive: Option<&str>,
) -> anyhow::Result<(lettre::address::Envelope, Vec<u8>)> {
    use super::one_line;
    let from = match &email.from {
        Some(f) => parse_mailbox(&one_line(f)).map_err(anyhow::Error::msg)?,
        None => default_from.clone(),
    };
    let mut builder = lettre::Message::builder()
        .from(from.clone())
        .message_id(Some(format!("<{}>", email.message_id)))
        .date(SystemTime::now())
        .subject(one_line(&email.subject));
    let mut recipients = Vec::new();
    for to in &email.to {
        let address: Address = to
            .trim()
            .parse()
            .with_context(|| format!("bad recipient {to:?}"))?;
        recipients.push(address.clone());
        builder = builder.to(Mailbox::new(None, address));
    }
    anyhow::ensure!(!recipients.is_empty(), "no recipient");
    // One address or a list ("prospect, claims@…"); an unparseable value is dropped.
    if let Some(r) = &email.reply_to
        && let Ok(list) = one_line(r).parse::<lettre::message::Mailboxes>()
    {
        for m in list {
            builder = builder.reply_to(m);
        }
    }
    if let Some(id) = &email.in_reply_to {
        let id: String = id
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '<' | '>' | ' '))
            .collect();
        builder = builder
            .in_reply_to(format!("<{id}>"))
            .references(format!("<{id}>"));
    }
    let mut message = match &email.html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            email.text.clone(),
            html.clone(),
        ))?,
        None => builder.singlepart(SinglePart::plain(email.text.clone()))?,
    };
    for (name, value) in &email.headers {
        anyhow::ensure!(header_safe(name, value), "unsafe header {name:?}");
        let name = HeaderName::new_from_ascii(name.clone())
            .map_err(|e| anyhow::anyhow!("header name: {e}"))?;
        message
            .headers_mut()
            .insert_raw(HeaderValue::new(name, value.clone()));
    }
    if let Some(a) = archive {
        recipients.push(
            a.parse()
                .with_context(|| format!("bad archive address {a:?}"))?,
        );
    }
    let envelope = lettre::address::Envelope::new(Some(from.email), recipients)?;
    Ok((envelope, message.formatted()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::Purpose;

    fn email(subject: &str, headers: Vec<(String, String)>) -> OutboundEmail {
        OutboundEmail {
            message_id: "n.e1.1@carousel.test".into(),
            to: vec!["ann@example.test".into()],
            from: None,
            reply_to: Some("Eve\r\nBcc: x@evil.test <eve@example.test>".into()),
            subject: subject.into(),
            text: "hello".into(),
            html: Some("<p>hello</p>".into()),
            headers,
            in_reply_to: None,
            purpose: Purpose::TeamNote { lead: "1".into() },
        }
    }

    #[test]
    fn contact_data_cannot_inject_headers() {
        let from = parse_mailbox("Acme <hello@acme.test>").unwrap();
        let (envelope, bytes) =
            build(&email("Hi\r\nBcc: victim@evil.test", vec![]), &from, None).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let head = text.split("\r\n\r\n").next().unwrap();
        assert!(
            !head
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
            "{head}"
        );
        assert!(
            head.contains("Message-ID: <n.e1.1@carousel.test>"),
            "{head}"
        );
        assert!(head.contains("\r\nDate: "), "{head}");
        assert_eq!(envelope.to().len(), 1);
        assert!(
            build(
                &email("x", vec![("X-Evil".into(), "a\r\nBcc: y@z".into())]),
                &from,
                None
            )
            .is_err()
        );
    }

    #[test]
    fn archive_is_an_envelope_recipient_not_a_header() {
        let from = parse_mailbox("hello@acme.test").unwrap();
        let (envelope, bytes) =
            build(&email("x", vec![]), &from, Some("archive@acme.test")).unwrap();
        assert_eq!(envelope.to().len(), 2);
        assert!(!String::from_utf8(bytes).unwrap().contains("archive@"));
    }
}
