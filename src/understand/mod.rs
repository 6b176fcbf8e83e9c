//! Understanding: a pure function from a message's raw bytes to a typed
//! [`Understanding`] (kind, contact, interest, timeline, reply text, intent,
//! bounce, campaign link). Nothing here touches the store or the network, so
//! `carousel inspect` and the daemon see exactly the same result.
//!
//! Classification order (DESIGN.md): bounce → auto-reply → reply → lead → other.

pub mod auth;
pub mod autoreply;
pub mod body;
pub mod bounce;
pub mod lead;
pub mod reply;

use mail_parser::{HeaderValue, Message, MessageParser};
use serde::{Deserialize, Serialize};

/// What a message is, as far as sales is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Lead,
    Reply,
    AutoReply,
    Bounce,
    Other,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Lead => "lead",
            Kind::Reply => "reply",
            Kind::AutoReply => "auto_reply",
            Kind::Bounce => "bounce",
            Kind::Other => "other",
        }
    }

    /// Auto-replies and bounces are never counted as responses.
    pub fn is_response(self) -> bool {
        matches!(self, Kind::Lead | Kind::Reply)
    }
}

/// Purchase timeline, the main value driver of a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Timeline {
    Immediate,
    #[serde(rename = "within_3_months")]
    Within3Months,
    #[serde(rename = "3_to_6_months")]
    ThreeTo6Months,
    #[serde(rename = "6_to_12_months")]
    SixTo12Months,
    #[serde(rename = "over_12_months")]
    Over12Months,
    Researching,
}

/// What a prospect's reply mainly asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    Interested,
    Question,
    NotNow,
    NotInterested,
    Unsubscribe,
    Referral,
}

/// A person, as far as the message tells. Every field is optional because
/// emails are incomplete; empty strings are never stored (use `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub email: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub title: Option<String>,
    pub postcode: Option<String>,
    pub country: Option<String>,
}

impl Contact {
    /// True when someone could be reached: an email address or a phone number.
    pub fn is_reachable(&self) -> bool {
        self.email.is_some() || self.phone.is_some()
    }
}

/// One lead found in a provider email. A CSV attachment yields several.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    pub contact: Contact,
    pub interest: Option<String>,
    pub timeline: Option<Timeline>,
    /// Free text the prospect wrote (message/comments field), if any.
    pub message: Option<String>,
    /// Which extractor produced the lead ("form", "html", "adf", "csv", "rule:NAME").
    pub source: String,
    /// Which extractor produced each field (`"phone" → "rule:roofquotes"`,
    /// `"email" → "header"` when it came from Reply-To).
    #[serde(default)]
    pub provenance: std::collections::BTreeMap<String, String>,
    /// Set when the notification names no reachable contact (`"no reachable
    /// contact"`); the lead is kept, scoring decides what to do with it.
    #[serde(default)]
    pub unqualified: Option<String>,
    /// Why this lead could not be read confidently. Non-empty means a human
    /// should look: `inspect` prints `"needs_review": true`, and act routes it
    /// to the team inbox (or the first rep), never to nowhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub review_reasons: Vec<String>,
}

impl Lead {
    /// True when the extractor was unsure and a person should check the lead.
    pub fn needs_review(&self) -> bool {
        !self.review_reasons.is_empty()
    }
}

/// One failed recipient of a bounce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bounce {
    pub recipient: Option<String>,
    /// The status code the bounce states (`5.1.1`), never invented.
    pub status: Option<String>,
    /// True only when the address itself is permanently undeliverable
    /// (user/host unknown, has moved, accepts no mail): DESIGN.md `bounce.hard`.
    pub hard: bool,
    /// Why it failed, in sisimai's words (`userunknown`, `mailboxfull`,
    /// `blocked`, `spamdetected`, …); `None` in records stored before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub action: Option<String>,
    pub diagnostic: Option<String>,
}

/// An automatic answer (out of office, ticket acknowledgement, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoReply {
    /// Why it was recognised ("Auto-Submitted: auto-replied", "subject: Out of Office").
    pub reason: String,
    /// The date the person is back, when stated (ISO `YYYY-MM-DD`).
    pub return_date: Option<String>,
    /// The colleague named to contact meanwhile, when the notice names one.
    #[serde(default)]
    pub stand_in: Option<StandIn>,
}

/// Who to contact while someone is away: what the notice states of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandIn {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl AutoReply {
    /// One line for the contact's interactions: "back 2026-12-08; stand-in
    /// Sarah Kim <sarah.kim@…>", or `None` when the notice states neither.
    pub fn summary(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(date) = &self.return_date {
            parts.push(format!("back {date}"));
        }
        if let Some(s) = &self.stand_in {
            let mut who = Vec::new();
            who.extend(s.name.clone());
            who.extend(s.email.as_ref().map(|e| format!("<{e}>")));
            who.extend(s.phone.clone());
            if !who.is_empty() {
                parts.push(format!("stand-in {}", who.join(" ")));
            }
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// How a reply was tied to something carousel sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignLink {
    /// The Message-ID of the outbound email it answers, if known.
    pub message_id: Option<String>,
    /// "in-reply-to", "references", "verp", "plus-address", "quoted-original".
    pub how: String,
    /// True when the answered Message-ID is one of carousel's own.
    pub ours: bool,
}

/// The prospect's reply, once quotes and signatures are gone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyReading {
    pub text: Option<String>,
    pub signature: Option<String>,
    /// `None` when unsure (see `intent_confidence`): null beats a guess.
    pub intent: Option<Intent>,
    /// How sure the intent reading is of its best candidate, 0..1 (0 when
    /// nothing pointed anywhere). Below 0.5 `intent` is withheld.
    #[serde(default)]
    pub intent_confidence: reply::intent::Confidence,
    /// The phrases that decided the intent (explainability).
    pub intent_phrases: Vec<String>,
    pub referral_email: Option<String>,
    pub referral_name: Option<String>,
    /// When a `not_now` reply says when to come back (ISO date).
    pub revisit: Option<String>,
    /// Phone, company and title read from the signature.
    pub signature_contact: Contact,
}

/// Headers worth keeping from any message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub subject: Option<String>,
    pub from_email: Option<String>,
    pub from_name: Option<String>,
    pub reply_to_email: Option<String>,
    pub reply_to_name: Option<String>,
    pub to: Vec<String>,
    /// RFC 3339 date from the `Date` header.
    pub date: Option<String>,
}

/// Everything carousel reads from one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Understanding {
    pub kind: Kind,
    pub envelope: Envelope,
    /// The lead provider (from a rule or the sender domain), for leads.
    pub provider: Option<String>,
    /// The sender as a contact (replies, auto-replies) — leads carry their own.
    pub contact: Contact,
    /// Leads found (kind = lead): at least one; several for a CSV attachment.
    pub leads: Vec<Lead>,
    pub reply: Option<ReplyReading>,
    pub auto_reply: Option<AutoReply>,
    pub bounces: Vec<Bounce>,
    pub campaign_link: Option<CampaignLink>,
    /// Why the message is `other` or not a lead ("test submission", "parse error: ...").
    pub note: Option<String>,
    /// Sender authenticity, when a provider rule requires it or a trusted
    /// `Authentication-Results` header exists ([`auth`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<auth::SenderAuth>,
}

/// Settings understanding needs; pure data so `inspect` can build it from config.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Domains carousel's own Message-IDs use (`...@carousel.acme.example`).
    pub own_message_id_domains: Vec<String>,
    /// Provider rules from config, tried before the generic extractor.
    pub provider_rules: Vec<lead::ProviderRule>,
    /// Whose `Authentication-Results` to believe.
    pub auth: auth::AuthConfig,
    /// Bounds on work per message.
    pub limits: Limits,
    /// The business's products or services (`[business] products`): an
    /// interest candidate naming one of them wins.
    pub products: Vec<String>,
}

/// Bounds on how much of one message understanding reads (`[limits]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Attachments looked at per message (CSV, ADF, forwarded messages).
    pub max_attachments: usize,
    /// CSV rows read per message, over all its attachments.
    pub max_csv_rows: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_attachments: 50,
            max_csv_rows: lead::csv::MAX_ROWS,
        }
    }
}

/// Largest body text understanding looks at; bounded memory per message.
pub const MAX_TEXT_BYTES: usize = 512 * 1024;

/// Understands one raw message. Never panics on hostile input; a message that
/// cannot be parsed becomes `Other` with a note.
pub fn understand(raw: &[u8], ctx: &Context) -> Understanding {
    let message = match parse_message(raw) {
        Ok(Some(message)) => message,
        Ok(None) => {
            return Understanding::other(
                Envelope::default(),
                "unparseable message: no headers or body",
            );
        }
        Err(reason) => return Understanding::other(Envelope::default(), &reason),
    };
    understand_message(&message, raw, ctx)
}

/// `mail-parser` with its panics caught: mail-parser 0.11.9 panics ("Invalid
/// part ID, could not find multipart") on some crafted multiparts (found by
/// `fuzz/` — tests/fixtures/regressions/fuzz_mailparser_invalid_part_id.eml).
/// Every caller outside the understanding entry point (which
/// `ingest::understand_safely` guards too) should parse through this.
/// `Err` carries the note to keep with the raw bytes.
pub fn parse_message(raw: &[u8]) -> Result<Option<Message<'_>>, String> {
    std::panic::catch_unwind(|| MessageParser::default().parse(raw))
        .map_err(|_| "unparseable message: the MIME parser failed on it; raw message kept".into())
}

fn understand_message(message: &Message<'_>, raw: &[u8], ctx: &Context) -> Understanding {
    let envelope = envelope_of(message);
    let text = body::best_text(message);
    let sender = sender_contact(&envelope);

    let bounces = bounce::detect(message, raw, &text);
    if !bounces.is_empty() {
        let mut u = Understanding::with_kind(Kind::Bounce, envelope);
        u.bounces = bounces;
        return u;
    }
    if let Some(auto) = autoreply::detect(message, &envelope, &text) {
        let mut u = Understanding::with_kind(Kind::AutoReply, envelope);
        u.contact = sender;
        u.auto_reply = Some(auto);
        return u;
    }
    let recipients = reply::delivery_addresses(message);
    let link = reply::campaign_link(&envelope, &recipients, &text, ctx);
    // Staff writing to staff about a customer answers no campaign; a rep's
    // answer to carousel's own notification still does (a claim).
    let staff_thread = link.as_ref().is_none_or(|l| !l.ours)
        && reply::attribution::is_staff_thread(&envelope, &recipients, ctx);
    let link = link.filter(|_| !staff_thread);
    // An answer to carousel's own mail is a reply whatever lead extraction
    // would find (see below), so it is not run for one.
    let leads = if link.as_ref().is_some_and(|l| l.ours) {
        lead::LeadExtraction::default()
    } else {
        lead::extract(message, &envelope, &text, ctx)
    };
    // A post to a discussion list answers the list, not carousel's mail; a
    // platform threads its own notifications (`In-Reply-To` groups them)
    // and answers nothing of ours either.
    let link = link.filter(|l| {
        l.ours
            || !lead::platform::is_list_post(message)
                && (!leads.leads.is_empty()
                    || !lead::platform::is_threaded_notification(
                        message,
                        envelope.from_email.as_deref(),
                    ))
    });
    if link
        .as_ref()
        .is_some_and(|l| l.ours || leads.leads.is_empty())
    {
        let mut u = Understanding::with_kind(Kind::Reply, envelope);
        let senders: Vec<&str> = [&u.envelope.from_email, &u.envelope.reply_to_email]
            .into_iter()
            .filter_map(|e| e.as_deref())
            .collect();
        let mut reading = reply::read_formatted(
            &text,
            u.envelope.date.as_deref(),
            reply::text_format(message),
            &senders,
        );
        if let Some(text) = reading.text.take() {
            let (kept, block) = reply::drop_closing_block(
                &text,
                u.envelope.from_name.as_deref(),
                u.envelope.from_email.as_deref(),
            );
            // A block read by its structure is the signature when the
            // stripper found none: its phone and title are the contact's.
            if reading.signature.is_none()
                && let Some(block) = block
            {
                reading.signature_contact = reply::signature::contact_from_signature(&block);
                reading.signature = Some(block);
            }
            reading.text = (!kept.is_empty()).then_some(kept);
        }
        u.contact = merge_contact(sender, &reading.signature_contact);
        u.reply = Some(reading);
        u.campaign_link = link;
        return u;
    }
    if !leads.leads.is_empty() {
        let mut u = Understanding::with_kind(Kind::Lead, envelope);
        let sender = message
            .sender()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .map(normalize_email);
        u.auth = auth::check(
            raw,
            u.envelope.from_email.as_deref(),
            sender.as_deref(),
            &ctx.provider_rules,
            &ctx.auth,
        );
        u.provider = leads.provider;
        u.contact = u_first_contact(&leads.leads);
        u.leads = leads.leads;
        u.note = leads.note;
        return u;
    }
    let mut u = Understanding::with_kind(Kind::Other, envelope);
    u.contact = sender;
    u.note = staff_thread
        .then(|| STAFF_THREAD_NOTE.to_string())
        .or(leads.note)
        .or_else(|| Some(OTHER_NOTE.to_string()));
    u
}

/// The reason of an `other` that is mail among the company's own staff.
pub const STAFF_THREAD_NOTE: &str =
    "not a reply: staff-to-staff mail inside the company's own domains";

/// The reason an `other` message carries when no step gave a sharper one.
pub const OTHER_NOTE: &str = "not a lead, reply, bounce or auto-reply";

fn u_first_contact(leads: &[Lead]) -> Contact {
    leads.first().map(|l| l.contact.clone()).unwrap_or_default()
}

/// Fills the gaps of `base` with what `extra` knows.
pub fn merge_contact(mut base: Contact, extra: &Contact) -> Contact {
    let fill = |slot: &mut Option<String>, v: &Option<String>| {
        if slot.is_none() {
            slot.clone_from(v);
        }
    };
    fill(&mut base.email, &extra.email);
    fill(&mut base.name, &extra.name);
    fill(&mut base.phone, &extra.phone);
    fill(&mut base.company, &extra.company);
    fill(&mut base.title, &extra.title);
    fill(&mut base.postcode, &extra.postcode);
    fill(&mut base.country, &extra.country);
    base
}

impl Understanding {
    fn with_kind(kind: Kind, envelope: Envelope) -> Self {
        Understanding {
            kind,
            envelope,
            provider: None,
            contact: Contact::default(),
            leads: Vec::new(),
            reply: None,
            auto_reply: None,
            bounces: Vec::new(),
            campaign_link: None,
            note: None,
            auth: None,
        }
    }

    /// An `other` message with the reason it is not understood further.
    pub fn other(envelope: Envelope, note: &str) -> Self {
        let mut u = Self::with_kind(Kind::Other, envelope);
        u.note = Some(note.to_string());
        u
    }
}

fn sender_contact(env: &Envelope) -> Contact {
    Contact {
        email: env
            .reply_to_email
            .clone()
            .or_else(|| env.from_email.clone()),
        name: env.from_name.clone(),
        ..Contact::default()
    }
}

/// Reads the headers carousel keeps.
pub fn envelope_of(message: &Message<'_>) -> Envelope {
    let first_addr = |v: Option<&mail_parser::Address<'_>>| -> (Option<String>, Option<String>) {
        let Some(addr) = v.and_then(|a| a.first()) else {
            return (None, None);
        };
        let email = addr
            .address()
            .map(normalize_email)
            .filter(|e| e.contains('@'));
        let name = addr
            .name()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        (email, name)
    };
    let (from_email, from_name) = first_addr(message.from());
    let (reply_to_email, reply_to_name) = first_addr(message.reply_to());
    let to = message
        .to()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.address().map(normalize_email))
                .collect()
        })
        .unwrap_or_default();
    Envelope {
        message_id: message.message_id().map(str::to_string),
        in_reply_to: id_list(message.in_reply_to()),
        references: id_list(message.references()),
        subject: message
            .subject()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        from_email,
        from_name,
        reply_to_email,
        reply_to_name,
        to,
        date: message.date().map(|d| d.to_rfc3339()),
    }
}

fn id_list(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// Lowercases and trims an address; strips surrounding `<>` and `mailto:`.
pub fn normalize_email(raw: &str) -> String {
    let s = raw.trim().trim_start_matches("mailto:");
    s.trim_matches(|c| c == '<' || c == '>')
        .trim()
        .to_lowercase()
}

/// Understanding that cannot take the process down: a panic in a parser
/// becomes an `other` message with the reason, and the raw bytes are kept.
pub fn understand_safely(raw: &[u8], ctx: &Context) -> Understanding {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| understand(raw, ctx))) {
        Ok(u) => u,
        Err(_) => {
            tracing::error!("understanding panicked; message stored as other");
            crate::metrics::understanding_error();
            Understanding::other(
                Envelope::default(),
                "understanding failed (internal error); raw message kept",
            )
        }
    }
}

/// The header block of a raw message (up to the first empty line, at most 256 KiB).
pub fn headers_of(raw: &[u8]) -> &[u8] {
    let cap = raw.len().min(256 * 1024);
    let head = &raw[..cap];
    let end = find(head, b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| find(head, b"\n\n").map(|i| i + 2))
        .unwrap_or(cap);
    &raw[..end]
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
