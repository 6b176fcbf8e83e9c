//! Prospect replies: attribution to what carousel sent ([`campaign_link`]),
//! quote and signature stripping ([`strip`]), signature contact details
//! ([`signature`]) and intent ([`intent`], with the revisit date of a
//! "not now" in [`revisit`]).

pub mod attribution;
mod closing;
pub mod intent;
pub mod intent_phrases;
mod quote_header;
pub mod revisit;
pub mod signature;
mod signoff;
pub mod strip;

use mail_parser::{HeaderValue, Message, MimeHeaders};

pub use attribution::campaign_link;
pub use closing::drop_closing_block;
pub use strip::{StripOptions, Stripped};

use super::ReplyReading;

/// How the text part was encoded, when it matters for reading it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TextFormat {
    /// `format=flowed` (RFC 3676): soft line breaks to undo.
    pub flowed: bool,
    /// `delsp=yes`: the space before a soft break is not part of the text.
    pub delsp: bool,
}

/// The format of the message's first text part. mail-parser decodes the
/// transfer encoding and charset but leaves `format=flowed` line breaks in
/// place, so they are undone here.
pub fn text_format(message: &Message<'_>) -> TextFormat {
    let Some(part) = message.text_part(0) else {
        return TextFormat::default();
    };
    let Some(ct) = part.content_type() else {
        return TextFormat::default();
    };
    if !ct
        .c_subtype
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("plain"))
    {
        return TextFormat::default();
    }
    let attr = |name: &str| {
        ct.attribute(name).is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case(if name == "format" { "flowed" } else { "yes" })
        })
    };
    TextFormat {
        flowed: attr("format"),
        delsp: attr("delsp"),
    }
}

/// Every address the message was delivered to: `To`, `Cc`, `Delivered-To`,
/// `X-Original-To`, `Envelope-To` (where VERP and plus tokens live).
pub fn delivery_addresses(message: &Message<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for header in message.headers() {
        let name = header.name().to_ascii_lowercase();
        if !matches!(
            name.as_str(),
            "to" | "cc" | "delivered-to" | "x-original-to" | "envelope-to" | "x-delivered-to"
        ) {
            continue;
        }
        match header.value() {
            HeaderValue::Address(a) => {
                out.extend(
                    a.iter()
                        .filter_map(|x| x.address())
                        .map(super::normalize_email),
                );
            }
            HeaderValue::Text(t) => out.push(super::normalize_email(t)),
            HeaderValue::TextList(l) => out.extend(l.iter().map(|t| super::normalize_email(t))),
            _ => {}
        }
    }
    out.retain(|a| a.contains('@'));
    out.dedup();
    out
}

/// Strips quotes and signature from a reply body and reads its intent.
/// `date` is the message's RFC 3339 date, the anchor for "after the summer".
pub fn read(text: &str, date: Option<&str>) -> ReplyReading {
    read_formatted(text, date, TextFormat::default(), &[])
}

/// [`read`] for a text part whose format is known (see [`text_format`]).
/// `senders` are the sender's own addresses (From, Reply-To): never a referral.
pub fn read_formatted(
    text: &str,
    date: Option<&str>,
    format: TextFormat,
    senders: &[&str],
) -> ReplyReading {
    let unflowed;
    let text = if format.flowed {
        unflowed = strip::unflow(text, format.delsp);
        unflowed.as_str()
    } else {
        text
    };
    let stripped = strip::strip(text, StripOptions::DESIGN);
    let signature_contact = stripped
        .signature
        .as_deref()
        .map(signature::contact_from_signature)
        .unwrap_or_default();
    // Answers written under quoted questions: a questionnaire answered,
    // whose times ("after the summer") are the prospect's plan.
    let reading = intent::read_answers(&stripped.text, date, senders, stripped.inline_answers);
    ReplyReading {
        text: (!stripped.text.is_empty()).then(|| stripped.text.clone()),
        signature: stripped.signature,
        intent: reading.intent,
        intent_confidence: intent::Confidence::new(reading.confidence),
        intent_phrases: reading.phrases,
        referral_email: reading.referral_email,
        referral_name: reading.referral_name,
        revisit: reading.revisit,
        signature_contact,
    }
}

/// Used by [`signature`] to skip the sign-off line of a signature block.
fn strip_is_signoff(line: &str) -> bool {
    strip::is_signoff_line(line)
}

#[cfg(test)]
mod closing_name_tests {
    /// The reply text without a closing that names the sender ("Sam",
    /// "- Sam Lee", "山本"): see [`super::drop_closing_block`].
    fn drop_closing_name(text: &str, sender_name: Option<&str>) -> String {
        super::drop_closing_block(text, sender_name, None).0
    }

    #[test]
    fn the_senders_name_on_the_last_line_is_dropped() {
        assert_eq!(
            drop_closing_name("Call me tomorrow.\n\nSam", Some("Sam Lee")),
            "Call me tomorrow."
        );
        assert_eq!(
            drop_closing_name("Call me.\n- Sam Lee", Some("Sam Lee")),
            "Call me."
        );
        assert_eq!(
            drop_closing_name("Call me.\nSam", Some("Lee, Sam")),
            "Call me."
        );
        assert_eq!(
            drop_closing_name("よろしくお願いします。\n山本", Some("山本 太郎")),
            "よろしくお願いします。"
        );
    }

    #[test]
    fn other_last_lines_stay() {
        assert_eq!(
            drop_closing_name("Call me.\n\nThanks!", Some("Sam Lee")),
            "Call me.\n\nThanks!"
        );
        assert_eq!(
            drop_closing_name("Ask Maria.\nMaria", Some("Sam Lee")),
            "Ask Maria.\nMaria"
        );
        assert_eq!(drop_closing_name("Sam", Some("Sam Lee")), "Sam");
        assert_eq!(drop_closing_name("Call me.\nSam", None), "Call me.\nSam");
    }
}
