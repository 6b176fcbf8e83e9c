//! Bounces: RFC 3464 delivery-status reports and the non-DSN bounce texts of
//! common MTAs, read into one [`Bounce`] per failed recipient.
//!
//! Three readers are tried in order, each only when the message has its shape:
//! 1. [`dsn`]: a `message/delivery-status` part (or its fields pasted in the
//!    text). Success reports (`Action: delivered`, 2.x.x) are not bounces.
//! 2. [`notification`]: an ESP's JSON notice (Amazon SES via SNS).
//! 3. [`text`]: a notice from a mailer daemon whose words say delivery failed.
//!
//! Complaints (ARF `feedback-report`) and read receipts (`disposition-
//! notification`) are never bounces. `status` is always a code the message
//! states; `reason` and `hard` follow DESIGN.md (see [`reason`]): only an
//! address that is itself undeliverable is hard.

mod dsn;
pub mod mta;
mod notification;
pub mod reason;
mod status;
mod text;

use mail_parser::{Address, HeaderValue, Message, MimeHeaders, PartType};
use once_cell::sync::Lazy;
use regex::Regex;

use super::body::{floor_char_boundary, html_to_text};
use super::{Bounce, MAX_TEXT_BYTES};

pub use reason::{ADDRESS_REASONS, SENDER_SIDE_REASONS, is_sender_side};

/// The failed recipients when the message is a bounce; empty otherwise.
pub fn detect(message: &Message<'_>, raw: &[u8], text: &str) -> Vec<Bounce> {
    if let Some(lf) = bare_cr_to_lf(raw) {
        // Old Mac MTAs end lines with a bare CR, which no MIME parser reads as
        // a line end: read the message again with LF endings.
        if let Some(reparsed) = mail_parser::MessageParser::default().parse(&lf) {
            let text = super::body::best_text(&reparsed);
            return detect_parsed(&reparsed, &lf, &text);
        }
    }
    detect_parsed(message, raw, text)
}

/// `raw` with bare-CR line endings turned into LF, when bare CRs are what
/// ends its lines; `None` for ordinary LF or CRLF messages.
pub(crate) fn bare_cr_to_lf(raw: &[u8]) -> Option<Vec<u8>> {
    let head = &raw[..raw.len().min(4096)];
    // Most mail has no CR, or only CRLF: settle those without counting.
    if !head.contains(&b'\r') {
        return None;
    }
    // One pass; a CR that ends `head` is not counted (its next byte is unseen).
    let (mut lf, mut bare_cr) = (0usize, 0usize);
    for (i, &b) in head.iter().enumerate() {
        if b == b'\n' {
            lf += 1;
        } else if b == b'\r' && head.get(i + 1).is_some_and(|&next| next != b'\n') {
            bare_cr += 1;
        }
    }
    if bare_cr <= lf || bare_cr < 3 {
        return None;
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.iter().peekable();
    while let Some(&b) = bytes.next() {
        if b == b'\r' {
            out.push(b'\n');
            if bytes.peek() == Some(&&b'\n') {
                bytes.next();
            }
        } else {
            out.push(b);
        }
    }
    Some(out)
}

fn detect_parsed(message: &Message<'_>, raw: &[u8], text: &str) -> Vec<Bounce> {
    let parts = Parts::of(message, raw, text);
    if parts.is_complaint_or_receipt {
        return Vec::new();
    }
    if let Some(found) = from_dsn(message, &parts) {
        return found;
    }
    if let Some(found) = notification::from_json(&parts.human) {
        return found;
    }
    from_text(message, raw, &parts)
}

/// The pieces of a message the readers look at, gathered in one walk over
/// the top-level MIME tree (never inside an attached message: a forwarded
/// bounce is not a bounce to us).
struct Parts {
    /// Bodies of `message/delivery-status` parts.
    delivery_status: Vec<String>,
    /// The human-readable notice: top-level text parts, bounded.
    human: String,
    /// `To` addresses of an attached original message, for notices that name
    /// nobody.
    original_to: Vec<String>,
    /// Text of attached original headers (`text/rfc822-headers`, or an
    /// original that did not parse as a message).
    original_text: String,
    is_complaint_or_receipt: bool,
}

impl Parts {
    fn of(message: &Message<'_>, raw: &[u8], best_text: &str) -> Parts {
        let mut parts = Parts {
            delivery_status: Vec::new(),
            human: String::new(),
            original_to: Vec::new(),
            original_text: String::new(),
            is_complaint_or_receipt: false,
        };
        if let Some(ct) = message.content_type() {
            let report_type = ct
                .attribute("report-type")
                .unwrap_or("")
                .to_ascii_lowercase();
            if ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
                && (report_type.contains("feedback")
                    || report_type.contains("disposition-notification"))
            {
                parts.is_complaint_or_receipt = true;
            }
        }
        let mut html = String::new();
        let mut attached_text = String::new();
        for part in &message.parts {
            let (ctype, subtype) = part
                .content_type()
                .map(|ct| {
                    (
                        ct.ctype().to_ascii_lowercase(),
                        ct.subtype().unwrap_or("").to_ascii_lowercase(),
                    )
                })
                .unwrap_or_else(|| ("text".into(), "plain".into()));
            let is_attachment = part
                .content_disposition()
                .is_some_and(|d| d.is_attachment());
            match (ctype.as_str(), subtype.as_str(), &part.body) {
                (_, _, PartType::Multipart(_)) => {}
                (_, _, PartType::Message(original)) => {
                    parts.original_to.extend(addresses_of(original.to()));
                }
                ("message" | "text", "delivery-status" | "global-delivery-status", _) => {
                    let body = part.contents();
                    let body = &body[..body.len().min(MAX_TEXT_BYTES)];
                    parts
                        .delivery_status
                        .push(String::from_utf8_lossy(body).into_owned());
                }
                (
                    "message",
                    "feedback-report"
                    | "disposition-notification"
                    | "global-disposition-notification",
                    _,
                ) => {
                    parts.is_complaint_or_receipt = true;
                }
                ("message", _, _) | ("text", "rfc822-headers" | "global-headers", _) => {
                    push_bounded(
                        &mut parts.original_text,
                        &String::from_utf8_lossy(part.contents()),
                    );
                }
                (_, _, PartType::Text(t))
                    if ctype == "text" && (subtype == "plain" || subtype.is_empty()) =>
                {
                    if is_attachment {
                        push_bounded(&mut attached_text, t);
                    } else {
                        push_bounded(&mut parts.human, t);
                    }
                }
                (_, _, PartType::Html(h)) if !is_attachment => push_bounded(&mut html, h),
                _ => {}
            }
        }
        if parts.human.trim().is_empty() {
            parts.human = if !html.is_empty() {
                html_to_text(&html)
            } else if !attached_text.is_empty() {
                attached_text
            } else if !best_text.trim().is_empty() {
                best_text.to_string()
            } else {
                // A multipart whose boundary never occurs parses to nothing:
                // read the raw body instead.
                raw_body(raw)
            };
        }
        parts.human = parts.human.replace("\r\n", "\n").replace('\r', "\n");
        parts
    }
}

/// The bytes after the header block, as text, bounded.
fn raw_body(raw: &[u8]) -> String {
    let raw = &raw[..raw.len().min(MAX_TEXT_BYTES)];
    let text = String::from_utf8_lossy(raw);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    match text.find("\n\n") {
        Some(i) => text[i + 2..].to_string(),
        None => String::new(),
    }
}

fn push_bounded(into: &mut String, more: &str) {
    if into.len() >= MAX_TEXT_BYTES {
        return;
    }
    let room = MAX_TEXT_BYTES - into.len();
    if !into.is_empty() {
        into.push('\n');
    }
    into.push_str(&more[..floor_char_boundary(more, room)]);
}

fn addresses_of(value: Option<&Address<'_>>) -> Vec<String> {
    value
        .map(|a| {
            a.iter()
                .filter_map(|x| x.address())
                .map(|s| s.trim().to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default()
}

/// Most recipients read from one delivery-status report.
const MAX_DSN_RECIPIENTS: usize = 500;

/// DSN fields pasted into a text body ("Final-Recipient: rfc822; …").
static DSN_FIELDS_IN_TEXT: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?im)^\s*(?:final|original)-recipient\s*:").expect("static regex"));

/// Reads RFC 3464 recipient blocks. `None` when there are none; `Some(empty)`
/// for a success report (every recipient delivered or relayed).
fn from_dsn(message: &Message<'_>, parts: &Parts) -> Option<Vec<Bounce>> {
    let mut records: Vec<dsn::RecipientFields> = parts
        .delivery_status
        .iter()
        .flat_map(|b| dsn::parse(b))
        .collect();
    if records.is_empty() && DSN_FIELDS_IN_TEXT.is_match(&parts.human) {
        records = dsn::parse(&parts.human);
    }
    if records.is_empty() {
        return None;
    }
    // Bounded work: a report naming thousands of recipients is read for the
    // first few hundred.
    let failed: Vec<&dsn::RecipientFields> = records
        .iter()
        .filter(|r| !r.is_success())
        .take(MAX_DSN_RECIPIENTS)
        .collect();
    let failed_count = failed.len();
    if failed.is_empty() {
        return Some(Vec::new());
    }
    let report = text::sections(&parts.human).report;
    let subject = message.subject().unwrap_or("");
    let writer = mta::Writer::of(message, &parts.human);
    // Recipients for blocks whose address is missing ("Final-Recipient: <>").
    let mut spare = fallback_recipients(message, parts, report).into_iter();
    let blocks = text::recipients(report, &own_addresses(message));
    let mut out: Vec<Bounce> = Vec::new();
    for r in failed {
        let recipient = r.recipient().or_else(|| spare.next());
        if out
            .iter()
            .any(|b| b.recipient.is_some() && b.recipient == recipient)
        {
            continue;
        }
        let status = refine_from_text(
            r.stated_status(),
            r.diagnostic.is_some(),
            recipient.as_deref(),
            &blocks,
            report,
        );
        // Mailbox-full words count only from this recipient's own answer:
        // the notice may name another recipient whose mailbox is full.
        let evidence = match (
            &r.diagnostic,
            own_block(recipient.as_deref(), &blocks, report),
        ) {
            (Some(d), _) => d.as_str(),
            (None, Some(block)) => block,
            (None, None) if failed_count == 1 => report,
            (None, None) => "",
        };
        let around = own_block(recipient.as_deref(), &blocks, report).unwrap_or("");
        let (why, hard) = judge(
            status.as_deref(),
            r.action.as_deref(),
            evidence,
            &[subject, around, report],
            &writer.for_category(r.category.as_deref()),
        );
        // A local delivery program that failed without saying why more
        // precisely is a mailer error (sisimai's reading of `X-Unix`).
        let why = if r.local_program && matches!(why, "onhold" | "expired" | "undefined") {
            "mailererror"
        } else {
            why
        };
        out.push(Bounce {
            recipient,
            status,
            hard,
            reason: Some(why.to_string()),
            action: r.action.clone(),
            diagnostic: r.diagnostic.clone(),
        });
    }
    Some(out)
}

/// A DSN block that states no code, or only a class (`Status: 5.0.0`) and
/// no diagnostic, is completed from the notice text above it: the code next
/// to the same recipient there (same class), else the notice's first code
/// when the DSN stated nothing at all.
fn refine_from_text(
    stated: Option<String>,
    has_diagnostic: bool,
    recipient: Option<&str>,
    blocks: &[text::Found],
    report: &str,
) -> Option<String> {
    let generic = stated
        .as_deref()
        .is_none_or(|s| s.ends_with(".0.0") && !has_diagnostic);
    if !generic {
        return stated;
    }
    let class = stated.as_deref().and_then(|s| s.bytes().next());
    let same_class = |c: &&str| class.is_none_or(|k| c.as_bytes().first() == Some(&k));
    let block = own_block(recipient, blocks, report);
    let from_block = block.and_then(|b| {
        status::enhanced_codes(b)
            .filter(|c| !c.starts_with('2'))
            .find(same_class)
    });
    match (from_block, stated) {
        (Some(code), _) => Some(code.to_string()),
        (None, Some(s)) => Some(s),
        (None, None) => status::first_failure_code(report).map(str::to_string),
    }
}

/// The text from the line naming `recipient` to the line naming the next one.
fn own_block<'a>(
    recipient: Option<&str>,
    blocks: &[text::Found],
    report: &'a str,
) -> Option<&'a str> {
    let r = recipient?;
    let i = blocks.iter().position(|b| b.address == r)?;
    let end = blocks
        .get(i + 1)
        .map_or(report.len(), |n| n.at.max(blocks[i].at));
    report.get(blocks[i].at..end)
}

/// Addresses a notice fails without naming them in its own words.
fn fallback_recipients(message: &Message<'_>, parts: &Parts, report: &str) -> Vec<String> {
    let exclude = own_addresses(message);
    let named: Vec<String> = text::recipients(report, &exclude)
        .into_iter()
        .map(|f| f.address)
        .collect();
    if !named.is_empty() {
        return named;
    }
    // The header is explicit: trust it even when it repeats an own address.
    let header = failed_recipients_header(message);
    if !header.is_empty() {
        return header;
    }
    let mut out: Vec<String> = parts.original_to.clone();
    if out.is_empty() {
        out = text::original_to(&parts.original_text);
    }
    if out.is_empty() {
        out = text::original_to(text::sections(&parts.human).original);
    }
    out.retain(|a| !exclude.contains(a));
    out
}

/// `X-Failed-Recipients` (Exim and others).
fn failed_recipients_header(message: &Message<'_>) -> Vec<String> {
    message
        .header_raw("X-Failed-Recipients")
        .map(text::addresses)
        .unwrap_or_default()
}

/// The bounce's own sender and addressees: the original sender is quoted in
/// most notices and must not be read as a failed recipient.
fn own_addresses(message: &Message<'_>) -> Vec<String> {
    let mut own = addresses_of(message.from());
    own.extend(addresses_of(message.to()));
    own.extend(addresses_of(message.cc()));
    own.extend(addresses_of(message.reply_to()));
    own.extend(addresses_of(message.sender()));
    if let Some(d) = message.header_raw("Delivered-To") {
        own.extend(text::addresses(d));
    }
    own
}

/// Display names of mailer daemons.
static DAEMON_NAME: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)mail(?:er)?[ -_]?daemon|mail delivery|delivery (?:subsystem|system|notification)|postmaster|mail administrator|mail system|system administrator|mailer|postmeister|メール配信|システム管理者")
        .expect("static regex")
});

/// Local parts of mailer daemons (`mailer-daemon`, `mail.delivery.system`).
static DAEMON_LOCAL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)mail(?:er)?[-_.]?daemon|mail[-_.]?delivery|delivery[-_.]?(?:subsystem|system|notification)|postmaster|postmeister|mail[-_.]?system|mail[-_.]?administrator")
        .expect("static regex")
});

/// True when the message comes from a mail system rather than a person:
/// a daemon address or name, or the null reverse path `<>` bounces must use.
fn from_mail_system(message: &Message<'_>, raw: &[u8]) -> bool {
    let from = message.from().and_then(|a| a.first());
    let address_says = from
        .and_then(|a| a.address())
        .is_some_and(text::is_daemon_address);
    let name_says = from
        .and_then(|a| a.name())
        .is_some_and(|n| DAEMON_NAME.is_match(n));
    // A local part says so only with a daemon's words: `mailer@shopify.com`
    // is a store platform's sender, not a mail system.
    let local_says = from
        .and_then(|a| a.address())
        .and_then(|a| a.split('@').next())
        .is_some_and(|l| DAEMON_LOCAL.is_match(l));
    address_says || name_says || local_says || has_null_return_path(message, raw)
}

fn has_null_return_path(message: &Message<'_>, raw: &[u8]) -> bool {
    match message.return_path() {
        HeaderValue::Empty => {
            // mail-parser drops an empty `<>`; look at the raw header block.
            let head = &raw[..raw.len().min(16 * 1024)];
            let head = String::from_utf8_lossy(head);
            head.lines()
                .take_while(|l| !l.trim().is_empty())
                .any(|l| l.to_ascii_lowercase().starts_with("return-path:") && l.contains("<>"))
        }
        HeaderValue::Text(t) => t.trim().is_empty() || t.trim() == "<>",
        _ => false,
    }
}

/// Reads a non-DSN notice. It must come from a mail system (or have a bounce
/// subject, or `X-Failed-Recipients`), say in words that delivery failed, and
/// name at least one recipient.
fn from_text(message: &Message<'_>, raw: &[u8], parts: &Parts) -> Vec<Bounce> {
    let subject = message.subject().unwrap_or("");
    let failed_header = failed_recipients_header(message);
    let sender_is_system = from_mail_system(message, raw);
    if !(sender_is_system || text::is_bounce_subject(subject) || !failed_header.is_empty()) {
        return Vec::new();
    }
    let sections = text::sections(&parts.human);
    let report = sections.report;
    // A mail system that says so in its subject or headers is believed in any
    // language (Google Groups words its notice in forty).
    let stated_failure = text::has_failure_words(report)
        || text::has_failure_words(subject)
        || (sender_is_system
            && (!failed_header.is_empty()
                || text::is_bounce_subject(subject)
                || status::first_failure_code(report).is_some()
                || status::first_reply_code(report).is_some()));
    if !stated_failure {
        return Vec::new();
    }
    let exclude = own_addresses(message);
    let writer = mta::Writer::of(message, &parts.human);
    let found = text::recipients(report, &exclude);
    if found.is_empty() {
        let status = status::first_failure_code(report).map(str::to_string);
        let action = text_action(status.as_deref(), report);
        let (why, hard) = judge(status.as_deref(), Some(action), report, &[subject], &writer);
        return fallback_recipients(message, parts, report)
            .into_iter()
            .map(|recipient| Bounce {
                recipient: Some(recipient),
                status: status.clone(),
                hard,
                reason: Some(why.to_string()),
                action: Some(action.into()),
                diagnostic: None,
            })
            .collect();
    }
    let mut out = Vec::new();
    for (i, f) in found.iter().enumerate() {
        let end = found
            .get(i + 1)
            .map_or(report.len(), |next| next.at.max(f.at));
        let block = report.get(f.at..end).unwrap_or("");
        let status = status::first_failure_code(block)
            .or_else(|| status::first_failure_code(report))
            .map(str::to_string);
        let evidence = if block.trim().len() > f.address.len() + 4 {
            block
        } else {
            report
        };
        let action = text_action(status.as_deref(), evidence);
        let (why, hard) = judge(
            status.as_deref(),
            Some(action),
            evidence,
            &[subject, report],
            &writer,
        );
        out.push(Bounce {
            recipient: Some(f.address.clone()),
            status,
            hard,
            reason: Some(why.to_string()),
            action: Some(action.into()),
            diagnostic: diagnostic_line(block),
        });
    }
    out
}

/// The reason for one recipient and whether the bounce is hard (see [`reason`]).
pub(crate) fn judge(
    status: Option<&str>,
    action: Option<&str>,
    evidence: &str,
    context: &[&str],
    writer: &mta::Writer,
) -> (&'static str, bool) {
    let why = reason::classify(status, action, evidence, context, writer);
    (why, reason::is_hard(why, status, action, evidence))
}

/// The delivery action a notice without DSN fields implies: `delayed` when
/// its code (enhanced, else SMTP reply) is 4xx or its words say it is still
/// being retried, `failed` otherwise.
fn text_action(status: Option<&str>, evidence: &str) -> &'static str {
    let code = status.or_else(|| status::first_reply_code(evidence));
    let temporary = match code.and_then(|c| c.bytes().next()) {
        Some(b'4') => true,
        Some(_) => false,
        None => status::says_temporary(evidence),
    };
    if temporary { "delayed" } else { "failed" }
}

/// The remote server's answer in a recipient's block, when there is one.
fn diagnostic_line(block: &str) -> Option<String> {
    block
        .lines()
        .map(str::trim)
        .find(|l| status::first_failure_code(l).is_some() || status::first_reply_code(l).is_some())
        .map(|l| l.chars().take(500).collect())
}
