//! Lead-provider emails: generic zero-config extraction of contact, interest
//! and purchase timeline, and provider rules from config.
//!
//! The order of work, each step in its own module:
//! 1. obvious junk first ([`junk`]: phishing);
//! 2. structured leads: ADF/XML inline or attached ([`adf`]), CSV attachments
//!    ([`mod@csv`]), one lead per prospect or row;
//! 3. forwarded notifications ([`forward`]): read the original, not the forwarder;
//! 4. forms in the text body ([`form`]) and the HTML body ([`html`]), labels
//!    read through a multilingual dictionary ([`labels`]);
//! 5. a matching provider rule ([`rules`]) overrides what the generic reader found;
//! 6. qualification basics: reachable contact, test submissions, job
//!    applications, newsletters, plain conversations.

pub mod adf;
pub mod contact;
pub mod csv;
pub mod form;
pub mod forward;
pub mod html;
pub mod junk;
pub mod labels;
pub mod rules;
pub mod timeline;

use std::collections::BTreeMap;

use mail_parser::{Message, MimeHeaders};
use once_cell::sync::Lazy;
use regex::Regex;

pub use rules::{ProviderRule, validate_rule};

use super::{Context, Envelope, Lead, body};
use labels::Field;

/// What the lead extractor found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeadExtraction {
    pub leads: Vec<Lead>,
    pub provider: Option<String>,
    /// Why nothing counts as a lead (junk, no form found), or
    /// `"unqualified: no reachable contact"` for a lead notification without
    /// an email or phone (the lead is kept; scoring reads this note).
    pub note: Option<String>,
}

/// The note of a lead notification whose prospect cannot be reached.
pub const UNQUALIFIED_NOTE: &str = "unqualified: no reachable contact";

impl LeadExtraction {
    fn noted(note: impl Into<String>) -> Self {
        LeadExtraction {
            note: Some(note.into()),
            ..LeadExtraction::default()
        }
    }
}

/// Reads the leads a provider email carries; empty when it is not a lead email
/// (then `note` says why).
pub fn extract(
    message: &Message<'_>,
    envelope: &Envelope,
    text: &str,
    ctx: &Context,
) -> LeadExtraction {
    extract_at_depth(message, envelope, text, ctx, 0)
}

fn extract_at_depth(
    message: &Message<'_>,
    envelope: &Envelope,
    text: &str,
    ctx: &Context,
    depth: u8,
) -> LeadExtraction {
    let subject = envelope.subject.as_deref().unwrap_or("");
    let date = envelope.date.as_deref();
    if let Some(reason) = junk::phishing(subject, text) {
        return LeadExtraction::noted(reason);
    }
    let from_domain = envelope
        .from_email
        .as_deref()
        .and_then(domain_of)
        .map(str::to_string);
    let sender_provider = from_domain.as_deref().map(rules::provider_of_domain);

    // Structured leads: ADF and CSV, attached or inline.
    match structured(message, text, date, &ctx.limits) {
        Structured::None => {}
        Structured::Broken(note) => return LeadExtraction::noted(note),
        Structured::Leads(leads, truncated, source) => {
            let mut leads: Vec<Lead> = leads
                .into_iter()
                .filter(|l| junk::test_submission(l).is_none())
                .collect();
            let rule = rules::matching_rule(
                &ctx.provider_rules,
                &senders(message, envelope, None),
                subject,
            );
            for lead in &mut leads {
                finish_contact(lead, envelope, None, ctx, false);
            }
            let note = truncated.then(|| {
                format!(
                    "{source}: only the first {} rows were read",
                    ctx.limits.max_csv_rows
                )
            });
            if leads.is_empty() {
                return LeadExtraction::noted(format!(
                    "{source}: no lead with a reachable contact"
                ));
            }
            return LeadExtraction {
                leads,
                provider: rule.map(|r| r.name.clone()).or(sender_provider),
                note,
            };
        }
    }

    // A lead forwarded as an attached message: read the original.
    if depth == 0
        && let Some(inner) = message
            .attachments()
            .take(ctx.limits.max_attachments)
            .find_map(|p| p.message())
    {
        let inner_env = super::envelope_of(inner);
        let inner_text = body::best_text(inner);
        let mut found = extract_at_depth(inner, &inner_env, &inner_text, ctx, depth + 1);
        if !found.leads.is_empty() {
            if found.provider.is_none() {
                found.provider = inner_env
                    .from_email
                    .as_deref()
                    .and_then(domain_of)
                    .map(rules::provider_of_domain);
            }
            return found;
        }
    }

    let fwd = forward::find(text);
    let body_text = fwd.as_ref().map_or(text, |f| f.body.as_str());
    let original_from = fwd.as_ref().and_then(|f| f.from_email.clone());
    let rule = rules::matching_rule(
        &ctx.provider_rules,
        &senders(message, envelope, original_from.as_deref()),
        subject,
    );

    // Forms: the text body, and the HTML body when there is no forward to follow.
    let text_values = values_of(&form::pairs(body_text), rule, "form");
    let html_values = if fwd.is_none() {
        body::html(message).map(|h| values_of(&form::pairs(&html::form_text(&h)), rule, "html"))
    } else {
        None
    };
    let mut values = match html_values {
        Some(h) if h.known() > text_values.known() => h.fill_from(text_values),
        Some(h) => text_values.fill_from(h),
        None => text_values,
    };
    if let Some(rule) = rule {
        let html_text = if fwd.is_none() {
            body::html(message).map(|h| html::form_text(&h))
        } else {
            None
        };
        let source = format!("rule:{}", rule.name);
        for (field, value) in rules::rule_fields(rule, body_text)
            .into_iter()
            .chain(
                html_text
                    .as_deref()
                    .map(|h| rules::rule_fields(rule, h))
                    .unwrap_or_default(),
            )
            // Subject patterns (learned from a value only the subject carries).
            .chain(rules::rule_subject_fields(rule, subject))
        {
            values.force(field, &value, &source);
        }
    }

    let signal = lead_signal(subject, body_text)
        || fwd
            .as_ref()
            .and_then(|f| f.subject.as_deref())
            .is_some_and(|s| lead_signal(s, ""))
        || from_domain.as_deref().is_some_and(rules::is_known_provider)
        || envelope
            .from_email
            .as_deref()
            .is_some_and(contact::is_relay_address)
        || rule.is_some();
    let is_form = values.is_form(signal);
    let list_mail = junk::is_list_mail(message);
    let source = values.main_source();
    let mut lead = build_lead(&values, date, &source);
    if let Some(rule) = rule {
        lead.source = format!("rule:{}", rule.name);
    }

    if let Some(reason) = junk::job_application(subject, body_text) {
        return LeadExtraction::noted(reason);
    }
    if !is_form {
        return LeadExtraction::noted(if list_mail {
            "newsletter: list mail without a lead form"
        } else {
            "no lead form found"
        });
    }
    finish_contact(&mut lead, envelope, fwd.as_ref(), ctx, true);
    if let Some(reason) = junk::test_submission(&lead) {
        return LeadExtraction::noted(reason);
    }
    let provider = match (rule, &fwd) {
        (Some(r), _) => Some(r.name.clone()),
        (None, Some(f)) => f
            .from_email
            .as_deref()
            .and_then(domain_of)
            .map(rules::provider_of_domain)
            .or(sender_provider),
        (None, None) => sender_provider,
    };
    let mut note = None;
    if !lead.contact.is_reachable() {
        lead.unqualified = Some("no reachable contact".into());
        note = Some(UNQUALIFIED_NOTE.to_string());
    }
    LeadExtraction {
        leads: vec![lead],
        provider,
        note,
    }
}

/// Sender addresses a rule may match: From, Sender, and a forward's original From.
fn senders<'a>(
    message: &'a Message<'_>,
    envelope: &'a Envelope,
    original: Option<&'a str>,
) -> Vec<&'a str> {
    let mut out: Vec<&str> = envelope.from_email.iter().map(String::as_str).collect();
    if let Some(s) = message
        .sender()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
    {
        out.push(s);
    }
    out.extend(original);
    out
}

/// The domain part of an address.
fn domain_of(email: &str) -> Option<&str> {
    email
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
}

/// Fills the prospect's email from the headers when the form has none, and
/// drops addresses that are not the prospect's (provider, relay, our own).
fn finish_contact(
    lead: &mut Lead,
    envelope: &Envelope,
    fwd: Option<&forward::Forwarded>,
    _ctx: &Context,
    from_headers: bool,
) {
    let ours: Vec<&str> = envelope.to.iter().filter_map(|t| domain_of(t)).collect();
    let not_prospect = |e: &str| {
        contact::is_relay_address(e)
            || envelope.to.iter().any(|t| t == e)
            || domain_of(e).is_some_and(rules::is_known_provider)
            || fwd.is_some() && envelope.from_email.as_deref() == Some(e)
    };
    if lead.contact.email.as_deref().is_some_and(not_prospect) {
        lead.contact.email = None;
    }
    if lead.contact.email.is_some() || !from_headers {
        return;
    }
    let mut candidates: Vec<(&str, Option<&str>)> = Vec::new();
    if let Some(f) = fwd {
        candidates.extend(f.reply_to.as_deref().map(|e| (e, None)));
        candidates.extend(f.from_email.as_deref().map(|e| (e, f.from_name.as_deref())));
    } else {
        candidates.extend(
            envelope
                .reply_to_email
                .as_deref()
                .map(|e| (e, envelope.reply_to_name.as_deref())),
        );
        candidates.extend(
            envelope
                .from_email
                .as_deref()
                .map(|e| (e, envelope.from_name.as_deref())),
        );
    }
    for (email, name) in candidates {
        let own = domain_of(email).is_some_and(|d| ours.contains(&d));
        if not_prospect(email) || own || !contact::valid_email(email) {
            continue;
        }
        lead.contact.email = Some(email.to_string());
        lead.provenance.insert("email".into(), "header".into());
        if lead.contact.name.is_none() {
            lead.contact.name = name.and_then(contact::normalize_name);
        }
        break;
    }
}

enum Structured {
    None,
    Broken(String),
    Leads(Vec<Lead>, bool, &'static str),
}

/// ADF documents (inline or attached) and CSV attachments.
fn structured(
    message: &Message<'_>,
    text: &str,
    date: Option<&str>,
    limits: &super::Limits,
) -> Structured {
    let mut leads = Vec::new();
    let mut truncated = false;
    let mut source = "adf";
    let mut docs: Vec<String> = Vec::new();
    if let Some(doc) = adf::find_document(text) {
        docs.push(doc.to_string());
    }
    for part in message.attachments().take(limits.max_attachments) {
        let name = part.attachment_name().unwrap_or("").to_ascii_lowercase();
        let ctype = part
            .content_type()
            .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")).to_ascii_lowercase())
            .unwrap_or_default();
        let bytes = part.contents();
        let is_csv = name.ends_with(".csv") || ctype == "text/csv" || ctype == "application/csv";
        let is_xml = name.ends_with(".xml") || name.ends_with(".adf") || ctype.ends_with("/xml");
        if is_csv && csv::looks_like_leads(bytes) {
            let parsed = csv::parse(bytes, date, limits.max_csv_rows.saturating_sub(leads.len()));
            truncated |= parsed.truncated;
            leads.extend(parsed.leads);
            source = "csv";
        } else if is_xml || docs.is_empty() && bytes.len() < 4_000_000 && part.is_text() {
            let t = String::from_utf8_lossy(bytes);
            if let Some(doc) = adf::find_document(&t) {
                docs.push(doc.to_string());
            }
        }
    }
    for doc in docs {
        match adf::parse(&doc, date) {
            Ok(found) => leads.extend(found),
            Err(e) => return Structured::Broken(e.to_string()),
        }
    }
    if leads.is_empty() {
        Structured::None
    } else {
        Structured::Leads(leads, truncated, source)
    }
}

/// Subject and opening words of a lead notification ("New lead", "お問い合わせ", "Neue Anfrage").
fn lead_signal(subject: &str, body_text: &str) -> bool {
    static SIGNAL: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)\b(?:leads?|inquiry|enquiry|submission|submissions|web ?form|contact form|form entry|quote request|request a quote|request for quote|contact request|new contact|new message from|new entry|new response|anfrage|kontaktanfrage|kontaktformular|solicitud|formulario|nuevo contacto|nueva consulta|demande de devis|demande de contact|formulaire|nouveau contact|nouveau message)\b|お問い合わせ|お問合せ|問い合わせ|問合せ|資料請求|見積|反響")
            .expect("static regex")
    });
    let head: String = body_text.chars().take(300).collect();
    SIGNAL.is_match(subject) || SIGNAL.is_match(&head)
}

/// Field values of one lead before normalisation, with where each came from.
#[derive(Debug, Clone, Default)]
pub struct FieldValues {
    values: BTreeMap<Field, (String, String)>,
    /// The form's name labels are Japanese: family name first.
    family_first: bool,
}

impl FieldValues {
    /// Records `value` for `field` unless one is known already.
    pub fn set(&mut self, label: &str, field: Field, value: &str, source: &str) {
        let value = value.trim();
        if value.is_empty() || field == Field::Ignore {
            return;
        }
        if field == Field::NameAndEmail && contact::find_email(value).is_none() {
            return;
        }
        if matches!(field, Field::LastName | Field::FirstName) && contact::is_cjk(label) {
            self.family_first = true;
        }
        self.values
            .entry(field)
            .or_insert_with(|| (value.to_string(), source.to_string()));
    }

    /// Records `value` for `field`, replacing what the generic reader found.
    pub fn force(&mut self, field: Field, value: &str, source: &str) {
        if !value.trim().is_empty() {
            self.values
                .insert(field, (value.trim().to_string(), source.to_string()));
        }
    }

    fn get(&self, field: Field) -> Option<&str> {
        self.values.get(&field).map(|(v, _)| v.as_str())
    }

    /// How many lead fields are known (not counting the form's subject).
    fn known(&self) -> usize {
        self.values.keys().filter(|f| **f != Field::Subject).count()
    }

    fn fill_from(mut self, other: FieldValues) -> FieldValues {
        for (field, v) in other.values {
            self.values.entry(field).or_insert(v);
        }
        self.family_first |= other.family_first;
        self
    }

    /// Whether the values read as a form rather than prose with a signature.
    fn is_form(&self, signal: bool) -> bool {
        let known = self.known();
        let has_contact = self.values.keys().any(|f| f.is_contact());
        let signature_only = self.values.keys().all(|f| {
            matches!(
                f,
                Field::Phone
                    | Field::Email
                    | Field::Title
                    | Field::Company
                    | Field::Country
                    | Field::Postcode
                    | Field::Subject
            )
        });
        if signature_only && !signal {
            return false;
        }
        (has_contact && known >= 3) || signal && known >= 2 || signal && has_contact
    }

    /// The extractor most fields came from.
    fn main_source(&self) -> String {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, s) in self.values.values() {
            *counts.entry(s.as_str()).or_default() += 1;
        }
        counts
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .map_or_else(|| "form".to_string(), |(s, _)| s.to_string())
    }
}

/// Pairs → field values, with a rule's label map taking precedence.
fn values_of(pairs: &[form::Pair], rule: Option<&ProviderRule>, source: &str) -> FieldValues {
    let mut values = FieldValues::default();
    let rule_source = rule.map(|r| format!("rule:{}", r.name));
    for pair in pairs {
        if let Some(field) = rule.and_then(|r| rules::rule_label(r, &pair.label)) {
            values.force(field, &pair.value, rule_source.as_deref().unwrap_or(source));
        } else if let Some(field) = pair.field {
            values.set(&pair.label, field, &pair.value, source);
        }
    }
    values
}

/// Builds a lead from field values: normalised contact, interest, timeline.
pub fn build_lead(values: &FieldValues, date: Option<&str>, source: &str) -> Lead {
    let mut provenance = BTreeMap::new();
    let mut mark = |key: &str, field: Field| {
        if let Some((_, s)) = values.values.get(&field) {
            provenance.insert(key.to_string(), s.clone());
        }
    };
    let name_and_email = values.get(Field::NameAndEmail);
    let email = values
        .get(Field::Email)
        .and_then(contact::email_value)
        .or_else(|| name_and_email.and_then(contact::email_value));
    mark(
        "email",
        if values.get(Field::Email).is_some() {
            Field::Email
        } else {
            Field::NameAndEmail
        },
    );
    let (name, first, last) = (
        values.get(Field::Name),
        values.get(Field::FirstName),
        values.get(Field::LastName),
    );
    let full_name = match (name, first, last) {
        // German "Vorname" + "Name", French "Prénom" + "Nom": the name is the family name.
        (Some(n), Some(f), None) if n.split_whitespace().count() == 1 => {
            contact::join_name(Some(f), Some(n), values.family_first)
        }
        // Spanish "Nombre" + "Apellidos": the name is the given name.
        (Some(n), None, Some(l)) if n.split_whitespace().count() == 1 => {
            contact::join_name(Some(n), Some(l), values.family_first)
        }
        (Some(n), _, _) => contact::normalize_name(n),
        (None, f, l) if f.is_some() || l.is_some() => contact::join_name(f, l, values.family_first),
        _ => name_and_email.and_then(contact::normalize_name),
    };
    mark(
        "name",
        if name.is_some() {
            Field::Name
        } else if first.is_some() {
            Field::FirstName
        } else {
            Field::NameAndEmail
        },
    );
    for (key, field) in [
        ("phone", Field::Phone),
        ("company", Field::Company),
        ("title", Field::Title),
        ("interest", Field::Interest),
        ("timeline", Field::Timeline),
    ] {
        mark(key, field);
    }
    let message = values.get(Field::Message).map(str::to_string);
    let interest = values
        .get(Field::Interest)
        .and_then(contact::joined_lines)
        .or_else(|| message.as_deref().and_then(short_phrase))
        .or_else(|| values.get(Field::Subject).and_then(contact::one_line));
    let timeline = values
        .get(Field::Timeline)
        .and_then(|t| timeline::parse(t, date, true))
        .or_else(|| {
            message
                .as_deref()
                .and_then(|m| timeline::parse(m, date, false))
        })
        .or_else(|| {
            values
                .get(Field::Interest)
                .and_then(|m| timeline::parse(m, date, false))
        });
    Lead {
        contact: super::Contact {
            email,
            name: full_name,
            phone: values.get(Field::Phone).and_then(contact::normalize_phone),
            company: values.get(Field::Company).and_then(contact::one_line),
            title: values.get(Field::Title).and_then(contact::one_line),
            postcode: values.get(Field::Postcode).and_then(contact::one_line),
            country: values.get(Field::Country).and_then(contact::one_line),
        },
        interest,
        timeline,
        message,
        source: source.to_string(),
        provenance,
        unqualified: None,
        review_reasons: Vec::new(),
    }
}

/// A short phrase of what a free-text message asks for: its first sentence,
/// without greeting and "I'd like" boilerplate, at most ~100 characters.
pub fn short_phrase(message: &str) -> Option<String> {
    static GREETING: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)^(?:hi|hello|hey|dear [^,\n]*|good (?:morning|afternoon|evening)|hallo|guten tag|sehr geehrte[^,\n]*|hola|buenos días|buenas tardes|estimados?[^,\n]*|bonjour|madame, monsieur|こんにちは|お世話になっております|はじめまして)[,!.:。、]?\s*")
            .expect("static regex")
    });
    static BOILERPLATE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)^(?:(?:i|we)(?:'m| am|'re| are) (?:interested in|looking for|looking to get|after)|(?:i|we)(?:'d| would) (?:like|love)(?: to (?:get|receive|request|have))?|(?:i|we) (?:want|need)(?: to get)?|(?:interested in|looking for)|(?:please|could you|can you) (?:send|give|provide)(?: me| us)?|ich (?:hätte gerne|möchte|interessiere mich für|suche)|wir (?:möchten|suchen|interessieren uns für)|(?:me|nos) interesa(?:n)?|quisiera|quiero|necesito|necesitamos|je (?:souhaite|voudrais|cherche|suis intéressée? par)|nous (?:souhaitons|voudrions|cherchons))\s+")
            .expect("static regex")
    });
    let flat = message.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s = GREETING.replace(&flat, "").to_string();
    // The greeting may name us ("Hi Acme team,"): drop up to its comma.
    static NAMED_GREETING: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)^(?:hi|hello|hey|dear|hallo|hola|bonjour|good (?:morning|afternoon|evening))\b[^,.!:\n]{0,30}[,!.:]\s*")
            .expect("static regex")
    });
    if let Some(m) = NAMED_GREETING.find(&flat) {
        s = flat[m.end()..].to_string();
    }
    let end = s
        .char_indices()
        .find(|(i, c)| {
            matches!(c, '.' | '!' | '?' | '。' | '！' | '？')
                && s[i + c.len_utf8()..].starts_with([' ', '\n'])
                || matches!(c, '。' | '！' | '？')
        })
        .map_or(s.len(), |(i, _)| i);
    let sentence = s[..end].trim();
    let sentence = BOILERPLATE.replace(sentence, "").to_string();
    let mut out = String::new();
    for word in sentence.split_whitespace() {
        if out.chars().count() + word.chars().count() > 100 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    let out = out
        .trim_end_matches([',', ';', ':', '.', '!', '?'])
        .trim()
        .to_string();
    (out.chars().count() >= 3).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_phrase_keeps_the_ask() {
        assert_eq!(
            short_phrase("Hi, I'd like a quote for a 10 kW rooftop solar system. Call me after 5.")
                .as_deref(),
            Some("a quote for a 10 kW rooftop solar system")
        );
        assert_eq!(
            short_phrase("Hello Acme team, we are looking for fleet tracking for 40 vans!")
                .as_deref(),
            Some("fleet tracking for 40 vans")
        );
    }
}
