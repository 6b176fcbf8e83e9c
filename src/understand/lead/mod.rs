//! Lead-provider emails: generic zero-config extraction of contact, interest
//! and purchase timeline, and provider rules from config.
//!
//! The order of work, each step in its own module:
//! 1. obvious junk first ([`junk`]: phishing);
//! 2. structured leads: ADF/XML inline or attached ([`adf`]), CSV attachments
//!    ([`mod@csv`]), one lead per prospect or row;
//! 3. forwarded notifications ([`forward`]): read the original, not the forwarder;
//! 4. forms in the text body ([`form`], every common layout) and the HTML
//!    body ([`html`]), labels read through per-language tables ([`labels`]);
//!    vCard attachments ([`vcard`]);
//! 5. a matching provider rule ([`rules`]) overrides what the generic reader found;
//! 6. values by shape where no label names them ([`shape`]): the prospect's
//!    email, phone and the name next to them;
//! 7. the prospect is never the provider, a relay's robot address when a
//!    direct one is known, the staff who forwarded the mail, the sender's
//!    own organisation, or a listing ([`prospect`]); a person's own mail
//!    that staff forwarded is a lead without any form;
//! 8. qualification basics: reachable contact, test submissions, job
//!    applications, newsletters, plain conversations. A notification that
//!    carries a third party's contact but reads without confidence is a lead
//!    with `review_reasons`, never dropped.

pub mod adf;
pub mod call;
pub mod contact;
pub mod csv;
pub mod form;
pub mod forward;
pub mod honorifics;
pub mod html;
pub mod junk;
pub mod labels;
pub mod platform;
pub mod prospect;
pub mod rules;
pub mod shape;
pub mod signature;
pub mod timeline;
pub mod vcard;

use std::collections::BTreeMap;

use mail_parser::{Message, MimeHeaders};
use once_cell::sync::Lazy;
use regex::Regex;

pub use rules::{ProviderRule, validate_rule};

use super::{Context, Envelope, Lead, body};
use labels::Field;
use prospect::{
    Exclusions, ShapeContact, direct_enquiry, domain_of, forwarded_person, inline_forward,
    reply_to_person, same_organisation, seller_mail, service_sender,
};

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

/// Provenance suffix of a value read by its shape under an unknown label.
const SHAPE_MARK: &str = " by value shape";
/// A timeline found in a free comment under an unknown label: read as
/// prose, and given way to any labelled timeline field.
const PROSE_MARK: &str = " in a free comment";

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
    if junk::is_report(message) {
        return LeadExtraction::noted("report: a read, delivery or feedback report, not a lead");
    }
    if let Some(reason) = junk::dmarc_report(subject) {
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
                finish_contact(lead, envelope, None, None, false);
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
    let mut attached_as_inline = None;
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
        // A person's own mail forwarded as an attachment: read it as an
        // inline forward, so the staff who passed it on are known as such.
        attached_as_inline = Some(inline_forward(text, &inner_env, &inner_text));
    }
    let text = attached_as_inline.as_deref().unwrap_or(text);

    let mut fwd = forward::find(text);
    // Forms: the HTML body too when there is no forward to follow.
    let mut html_text = if fwd.is_none() {
        body::html(message).map(|h| html::form_text(&h))
    } else {
        None
    };
    // An HTML-only forward (Outlook): the text rendering may run the
    // forwarded header block into one line; the HTML's own lines keep it.
    if fwd.is_none()
        && !message.text_body.is_empty()
        && message.text_body == message.html_body
        && let Some(found) = html_text.as_deref().and_then(forward::find)
    {
        fwd = Some(found);
        html_text = None;
    }
    let body_text = fwd.as_ref().map_or(text, |f| f.body.as_str());
    let original_from = fwd.as_ref().and_then(|f| f.from_email.clone());
    let rule = rules::matching_rule(
        &ctx.provider_rules,
        &senders(message, envelope, original_from.as_deref()),
        subject,
    );

    let text_values = values_of(&form::pairs(body_text), rule, "form", date);
    let html_values = html_text
        .as_deref()
        .map(|h| values_of(&form::pairs(h), rule, "html", date));
    let mut values = match html_values {
        Some(h) if h.known() > text_values.known() => h.fill_from(text_values),
        Some(h) => text_values.fill_from(h),
        None => text_values,
    };
    // A platform's own staff under an unknown label ("Il tuo consulente
    // dedicato: matteo@platform…"): the sender's organisation, not a prospect.
    if let Some(domain) = from_domain.as_deref()
        && !contact::is_free_mail(domain)
    {
        values.drop_shapes_at(domain);
    }
    let labelled_contact = values.has_contact();
    let card = vcard_contact(message, text, &ctx.limits);
    if let Some(card) = &card {
        values.fill_contact(card, "vcard");
    }
    if let Some(rule) = rule {
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

    // Lead words in the subject or opening, or a known provider or rule:
    // a sender's relay address alone is a weaker sign (`signal`).
    let strong_signal = lead_signal(subject, body_text)
        || fwd
            .as_ref()
            .and_then(|f| f.subject.as_deref())
            .is_some_and(|s| lead_signal(s, ""))
        || from_domain.as_deref().is_some_and(rules::is_known_provider)
        || rule.is_some();
    let signal = strong_signal
        || envelope
            .from_email
            .as_deref()
            .is_some_and(contact::is_relay_address);
    // Staff passing on a person's own mail ("Fwd: Quote for our roof"): the
    // person wrote to us, no form or lead word needed.
    let person_forward = fwd.as_ref().is_some_and(|f| forwarded_person(f, envelope));
    let list_mail = junk::is_list_mail(message);
    if let Some(reason) = junk::job_application(subject, body_text) {
        return LeadExtraction::noted(reason);
    }
    if let Some(reason) = junk::subscriber_notice(subject, body_text) {
        return LeadExtraction::noted(reason);
    }
    // Values by shape: the prospect's address and number where no label names them.
    // Read only when needed: a form that names every contact field, or a
    // message that is no notification at all, costs no scan.
    let mut review = Vec::new();
    let notification = signal
        || envelope
            .from_email
            .as_deref()
            .is_some_and(|e| contact::is_relay_address(e) || contact::is_robot_address(e))
        || junk::is_automated(message);
    // A phone system's notice of a call or a text: the caller's number is
    // the contact (no email, often no form).
    let call = (fwd.is_none()
        && rule.is_none()
        && !person_forward
        && (notification || service_sender(envelope)))
    .then(|| call::read(subject, body_text))
    .flatten();
    // A person asking us for our offer in a mail of their own: their
    // signature is the contact.
    let direct_mail = call.is_none()
        && fwd.is_none()
        && rule.is_none()
        && !list_mail
        && !junk::is_automated(message)
        && direct_enquiry(envelope, subject, body_text);
    let mut is_form = values.is_form(signal) || person_forward || direct_mail || call.is_some();
    // A service writing under its own name (a badge scanner, a site
    // builder): a notification only if it carries a whole contact block.
    // (Never a reply in a thread: a notification starts none.)
    let service = !notification
        && !list_mail
        && envelope.in_reply_to.is_empty()
        && envelope.references.is_empty()
        && service_sender(envelope);
    let wants_shapes = if is_form {
        !(values.values.contains_key(&Field::Phone)
            && (values.values.contains_key(&Field::Email)
                || values.values.contains_key(&Field::NameAndEmail)))
    } else {
        (notification && (!list_mail || signal) || service) && card.is_none()
    };
    let mut shapes = if wants_shapes && call.is_none() {
        let exclusions = if direct_mail {
            Exclusions::ours(envelope)
        } else {
            Exclusions::new(envelope, fwd.as_ref())
        };
        ShapeContact::read(body_text, &exclusions)
    } else {
        None
    };
    if !is_form && !notification && !shapes.as_ref().is_some_and(ShapeContact::is_block) {
        shapes = None;
    }
    // Read as a lead only for the contact block a service sender carries:
    // any platform activity it also shows outweighs it.
    let only_by_service_block = service && !is_form && shapes.is_some();
    // A tool's notice that mentions someone inside a free-text description
    // ("Lisa assigned you a task: … call Priya on …"): the only contact is
    // in prose the notice quotes, and nothing says a person enquired.
    let strong_signal = strong_signal || person_forward;
    if !strong_signal
        && !labelled_contact
        && card.is_none()
        && let Some(s) = &shapes
        && values.only_in_description(s)
    {
        return LeadExtraction::noted(
            "platform activity: a third party named only inside a task or description",
        );
    }
    // A review, comment or post the platform quotes ("…text me at 614…"):
    // the contact is inside someone's quoted words, not handed to us.
    if !strong_signal
        && !labelled_contact
        && card.is_none()
        && let Some(s) = &shapes
        && [&s.email, &s.phone]
            .into_iter()
            .flatten()
            .all(|(v, _)| shape::inside_quotes(body_text, v))
    {
        return LeadExtraction::noted(
            "platform activity: a third party's contact only inside quoted words",
        );
    }
    if !is_form && shapes.is_some() {
        is_form = true;
        if !signal {
            review.push(
                "no lead form or lead signal: read as a notification carrying a third party's contact"
                    .to_string(),
            );
        }
    }
    if !is_form
        && card
            .as_ref()
            .is_some_and(|c| c.email.is_some() || c.phone.is_some())
    {
        // A card of someone other than the sender, or with a lead signal.
        let sender = envelope.from_email.as_deref();
        if signal || card.as_ref().and_then(|c| c.email.as_deref()) != sender {
            is_form = true;
        }
    }
    if !is_form {
        return LeadExtraction::noted(if list_mail {
            "newsletter: list mail without a lead form"
        } else {
            "no lead form found"
        });
    }
    // A person offering slots of their own calendar sells; an enquirer asks.
    if rule.is_none()
        && fwd.is_none()
        && !service_sender(envelope)
        && !envelope
            .from_email
            .as_deref()
            .is_some_and(|e| contact::is_relay_address(e) || contact::is_robot_address(e))
        && !junk::is_automated(message)
        && platform::offers_own_calendar(body_text)
    {
        return LeadExtraction::noted(
            "vendor pitch: the sender offers a slot in their own calendar",
        );
    }
    // A seller's mail (a pitch, a supplier's quote for our own enquiry)
    // from a person: lead words in it ask nothing of us.
    if rule.is_none()
        && fwd.is_none()
        && call.is_none()
        && !labelled_contact
        && card.is_none()
        && !envelope
            .from_email
            .as_deref()
            .is_some_and(|e| contact::is_relay_address(e) || contact::is_robot_address(e))
        && !junk::is_automated(message)
        && seller_mail(subject, body_text)
    {
        return LeadExtraction::noted("vendor or supplier mail: the sender sells or quotes");
    }
    // A platform telling about activity is no enquiry, unless a person
    // plainly wrote to us through it. Read only for what would be a lead:
    // replies and plain mail never pay for it.
    if rule.is_none()
        && call.is_none()
        && let Some(activity) =
            platform::activity(message, envelope.from_email.as_deref(), &envelope.to, text)
    {
        let subject_signal = lead_signal(subject, "")
            || fwd
                .as_ref()
                .and_then(|f| f.subject.as_deref())
                .is_some_and(|s| lead_signal(s, ""));
        let person_wrote = match activity {
            // A booking or a meeting request carries the invitee's own
            // fields; a webinar's or host's notice names no one in a form.
            platform::Activity::Event => values.has_person_contact(body_text),
            platform::Activity::Webinar => false,
            // Mass mail relays an enquiry only as a form block (several
            // labelled fields), never as one "Contact: …" line in a story.
            platform::Activity::MassMail => {
                (labelled_contact && subject_signal && values.known() >= 3)
                    || reply_to_person(envelope)
                        && (labelled_contact || lead_signal(subject, body_text))
            }
            _ => {
                (labelled_contact && subject_signal)
                    || reply_to_person(envelope)
                        && (labelled_contact || lead_signal(subject, body_text))
            }
        };
        if activity.is_decisive() || !person_wrote || only_by_service_block {
            return LeadExtraction::noted(activity.note());
        }
    }

    if let Some(shapes) = &shapes {
        values.fill_shapes(shapes);
    }
    let hints = Hints {
        products: &ctx.products,
        subject: fwd
            .as_ref()
            .and_then(|f| f.subject.as_deref())
            .or(envelope.subject.as_deref()),
        persons_subject: person_forward,
    };
    let source = values.main_source();
    let mut lead = build_lead_with(&values, date, &source, &hints);
    if let Some(rule) = rule {
        lead.source = format!("rule:{}", rule.name);
    }
    let direct = shapes
        .as_ref()
        .and_then(|s| s.email.as_ref())
        .map(|(e, _)| e.as_str())
        .filter(|e| !contact::is_robot_address(e));
    finish_contact(&mut lead, envelope, fwd.as_ref(), direct, true);
    if let Some(s) = &shapes {
        let header_email = lead
            .provenance
            .get("email")
            .is_some_and(|p| p.starts_with("header"));
        if let Some((email, prov)) = &s.email
            && (lead.contact.email.is_none()
                || header_email
                    && lead
                        .contact
                        .email
                        .as_deref()
                        .is_some_and(contact::is_robot_address))
        {
            lead.contact.email = Some(email.clone());
            lead.provenance.insert("email".into(), prov.clone());
        }
        let same_person =
            s.email.as_ref().map(|(e, _)| e) == lead.contact.email.as_ref() || s.email.is_none();
        let weak_name = lead
            .provenance
            .get("name")
            .is_none_or(|p| p.starts_with("header"));
        if same_person
            && (lead.contact.name.is_none() || weak_name)
            && let Some((name, prov)) = &s.name
        {
            lead.contact.name = Some(name.clone());
            lead.provenance.insert("name".into(), prov.clone());
        }
    }
    // `Carmen López via Houzz`, `Realty on behalf of Mark Jensen`: the
    // platform relays the person it names, even when its address is no use.
    if lead.contact.name.is_none()
        && let Some(display) = envelope.from_name.as_deref()
        && [" via ", " on behalf of ", " (via "]
            .iter()
            .any(|w| display.to_lowercase().contains(w))
        && let Some(name) = contact::normalize_name(display).filter(|n| shape::is_name(n))
    {
        lead.contact.name = Some(name);
        lead.provenance
            .insert("name".into(), "header:from relayed person".into());
    }
    if lead.contact.name.is_none()
        && let Some(name) = hints.subject.and_then(subject_name)
    {
        lead.contact.name = Some(name);
        lead.provenance.insert("name".into(), "subject:from".into());
    }
    // A given name alone in the form ("Kevin") and the full name the
    // person mails under ("Kevin Johnson"): the full one.
    if let Some(given) = lead.contact.name.clone()
        && !given.contains(' ')
        && !contact::is_cjk(&given)
        && let Some(full) = [
            envelope.reply_to_name.as_deref(),
            envelope.from_name.as_deref(),
            fwd.as_ref().and_then(|f| f.from_name.as_deref()),
        ]
        .into_iter()
        .flatten()
        .filter_map(contact::normalize_name)
        .find(|n| {
            shape::is_name(n)
                && n.split_whitespace()
                    .next()
                    .is_some_and(|w| w.to_lowercase() == given.to_lowercase())
        })
    {
        lead.contact.name = Some(full);
        lead.provenance.insert(
            "name".into(),
            "header: the full name of the given name".into(),
        );
    }
    // Part of a name in the headers, the whole of it signed.
    if (direct_mail || person_forward)
        && lead
            .provenance
            .get("name")
            .is_some_and(|p| p.starts_with("header"))
        && let Some(full) = lead.contact.name.as_deref().and_then(|n| {
            signature::fuller_name(
                &body_text[..body::floor_char_boundary(body_text, body_text.len().min(2_000))],
                n,
            )
        })
    {
        lead.contact.name = Some(full);
        lead.provenance
            .insert("name".into(), "signature: the full name signed with".into());
    }
    // A person's own mail from a mailbox without their name (`info@…`):
    // the name they sign with.
    if direct_mail
        && lead.contact.name.is_none()
        && let Some(name) = signature::signed_name(
            &body_text[..body::floor_char_boundary(body_text, body_text.len().min(2_000))],
        )
    {
        lead.contact.name = Some(name);
        lead.provenance
            .insert("name".into(), "signature: the name signed with".into());
    }
    if lead.contact.company.is_none()
        && let Some(name) = lead.contact.name.as_deref()
        && let Some(company) = signature::company_of(body_text, name, lead.contact.email.as_deref())
    {
        lead.contact.company = Some(company);
        lead.provenance
            .insert("company".into(), "signature: line below the name".into());
    }
    if let Some(call) = &call {
        apply_call(&mut lead, call);
    }
    // Nothing names the person: the name their address plainly spells.
    if lead.contact.name.is_none()
        && let Some(email) = lead.contact.email.as_deref()
        && !contact::is_robot_address(email)
        && let Some(name) = contact::name_of_address(email)
    {
        lead.contact.name = Some(name);
        lead.provenance.insert(
            "name".into(),
            "email: the name the address spells (last resort)".into(),
        );
    }
    // A person's own words, with no form around them ("before the spring",
    // "a ser posible este mes"): the time frame is stated in free text.
    if lead.timeline.is_none() && (direct_mail || person_forward) {
        let written =
            &body_text[..body::floor_char_boundary(body_text, body_text.len().min(2_000))];
        if let Some(t) = timeline::parse(written, date, false) {
            lead.timeline = Some(t);
            lead.provenance
                .insert("timeline".into(), "prose: the person's own words".into());
        }
    }
    // A notification's own sentences outside any form pair ("Jane is
    // looking to start in the next 2 months").
    if lead.timeline.is_none()
        && !direct_mail
        && let Some(t) = timeline::parse(&unlabelled_prose(body_text), date, false)
    {
        lead.timeline = Some(t);
        lead.provenance.insert(
            "timeline".into(),
            "prose: a sentence outside the form".into(),
        );
    }
    if let Some(reason) = junk::test_submission(&lead) {
        return LeadExtraction::noted(reason);
    }
    if !labelled_contact
        && card.is_none()
        && (lead.contact.name.is_none()
            || lead
                .provenance
                .get("name")
                .is_some_and(|p| p.starts_with("email:")))
        && lead.contact.is_reachable()
    {
        review.push("contact read by value shape only; no name found".to_string());
    }
    lead.review_reasons = review;
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

/// The sentences of a notification outside its form pairs, up to the
/// first footer: no `Label: value` line, no line carrying a date or a
/// clock time (a submission stamp is no time frame).
fn unlabelled_prose(text: &str) -> String {
    static STAMP: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}|\d{1,2}:\d{2}|(?-u:\b)(?:19|20)\d{2}(?-u:\b)",
        )
        .expect("static regex")
    });
    let head = &text[..body::floor_char_boundary(text, text.len().min(4_000))];
    let mut out = String::new();
    for line in head.lines() {
        let line = line.trim();
        if form::is_footer(line) {
            break;
        }
        if line.is_empty() || form::split_label(line).is_some() || STAMP.is_match(line) {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A phone notice's caller on the lead: the number the notice is about
/// (the subject's beats any label), never the phone system's own address
/// or display name from the headers.
fn apply_call(lead: &mut Lead, call: &call::Call) {
    let from_header = |lead: &Lead, key: &str| {
        lead.provenance
            .get(key)
            .is_some_and(|p| p.starts_with("header"))
    };
    if from_header(lead, "email") {
        lead.contact.email = None;
        lead.provenance.remove("email");
    }
    if from_header(lead, "name") {
        lead.contact.name = None;
        lead.provenance.remove("name");
    }
    let labelled_phone = lead
        .provenance
        .get("phone")
        .is_some_and(|p| !p.starts_with("shape"));
    if lead.contact.phone.is_none() || !labelled_phone || call.phone_from.contains("subject") {
        lead.contact.phone = Some(call.phone.clone());
        lead.provenance
            .insert("phone".into(), call.phone_from.to_string());
    }
    match (&lead.contact.name, &call.name) {
        (None, Some(name)) => {
            lead.contact.name = Some(name.clone());
            lead.provenance
                .insert("name".into(), "call: the caller's introduction".into());
        }
        (Some(name), _) => lead.contact.name = Some(call::caller_id_name(name)),
        (None, None) => {}
    }
}

/// The first vCard of the message: an attachment by name or type, or a
/// `BEGIN:VCARD` block in the body.
fn vcard_contact(
    message: &Message<'_>,
    text: &str,
    limits: &super::Limits,
) -> Option<super::Contact> {
    for part in message.attachments().take(limits.max_attachments) {
        let name = part.attachment_name().unwrap_or("").to_ascii_lowercase();
        let ctype = part
            .content_type()
            .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")).to_ascii_lowercase())
            .unwrap_or_default();
        if vcard::is_vcard(&name, &ctype)
            && part.contents().len() < 1_000_000
            && let Some(c) = vcard::parse(&String::from_utf8_lossy(part.contents()))
        {
            return Some(c);
        }
    }
    text.contains("BEGIN:VCARD")
        .then(|| vcard::parse(text))
        .flatten()
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

/// Fills the prospect's email from the headers when the form has none, and
/// drops addresses that are not the prospect's (provider, relay, our own).
fn finish_contact(
    lead: &mut Lead,
    envelope: &Envelope,
    fwd: Option<&forward::Forwarded>,
    direct: Option<&str>,
    from_headers: bool,
) {
    let ours: Vec<&str> = envelope.to.iter().filter_map(|t| domain_of(t)).collect();
    let not_prospect = |e: &str| {
        contact::is_relay_address(e)
            || envelope.to.iter().any(|t| t == e)
            // A colleague or shared mailbox of our own organisation.
            || domain_of(e).is_some_and(|d| !contact::is_free_mail(d) && ours.contains(&d))
            || domain_of(e).is_some_and(rules::is_known_provider)
            || fwd.is_some() && envelope.from_email.as_deref() == Some(e)
            || fwd.is_some_and(|f| f.forwarders.iter().any(|x| x == e))
    };
    if lead
        .contact
        .name
        .as_deref()
        .is_some_and(labels::is_listing_name)
    {
        lead.contact.name = None;
        lead.provenance.remove("name");
    }
    if lead.contact.email.as_deref().is_some_and(not_prospect) {
        lead.contact.email = None;
    }
    if lead.contact.email.is_some() || !from_headers {
        return;
    }
    let mut candidates: Vec<(&str, Option<&str>, &str)> = Vec::new();
    if let Some(f) = fwd {
        candidates.extend(
            f.reply_to
                .as_deref()
                .map(|e| (e, None, "forwarded-reply-to")),
        );
        candidates.extend(
            f.from_email
                .as_deref()
                .map(|e| (e, f.from_name.as_deref(), "forwarded-from")),
        );
    } else {
        candidates.extend(
            envelope
                .reply_to_email
                .as_deref()
                .map(|e| (e, envelope.reply_to_name.as_deref(), "reply-to")),
        );
        candidates.extend(
            envelope
                .from_email
                .as_deref()
                .map(|e| (e, envelope.from_name.as_deref(), "from")),
        );
    }
    let subject_raw = fwd
        .and_then(|f| f.subject.as_deref())
        .or(envelope.subject.as_deref())
        .unwrap_or("");
    let subject = subject_raw.to_lowercase();
    for (email, name, header) in candidates {
        let own = domain_of(email).is_some_and(|d| ours.contains(&d));
        if not_prospect(email) || own || !contact::valid_email(email) {
            continue;
        }
        // A relay's robot address, or a service writing under its own name
        // ("Sunset Group Rentals", "LiveDesk"), loses to a direct address
        // found in the body.
        let person = name.is_some_and(|n| {
            contact::normalize_name(n)
                .is_some_and(|n| shape::is_name(&n) && contact::display_matches_address(&n, email))
        });
        if direct.is_some_and(|d| d != email) && (contact::is_robot_address(email) || !person) {
            continue;
        }
        lead.contact.email = Some(email.to_string());
        lead.provenance
            .insert("email".into(), format!("header:{header}"));
        if lead.contact.name.is_none() {
            // Never the listing or building a subject names ("Inquiry: Parkside Lofts").
            lead.contact.name = name.and_then(contact::normalize_name).filter(|n| {
                let lower = n.to_lowercase();
                let named_as_sender =
                    subject_name(subject_raw).is_some_and(|s| s.to_lowercase() == lower);
                !labels::is_listing_name(n)
                    && (!subject.contains(&lower) || named_as_sender)
                    && !signature::spells_domain(n, email)
            });
            if lead.contact.name.is_some() {
                lead.provenance
                    .insert("name".into(), format!("header:{header}"));
            }
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

/// Subject and opening words of a lead notification ("New lead", "お問い合わせ",
/// "Neue Anfrage", "Richiesta di preventivo"), from every language table.
fn lead_signal(subject: &str, body_text: &str) -> bool {
    // ASCII word boundaries, and only on an edge that is an ASCII letter or
    // digit: a Unicode `\b` would keep the regex off its fast DFA for any
    // non-ASCII text, and this runs on every message.
    static SIGNAL: Lazy<Regex> = Lazy::new(|| {
        let edge = |c: Option<char>| {
            if c.is_some_and(|c| c.is_ascii_alphanumeric()) {
                r"(?-u:\b)"
            } else {
                ""
            }
        };
        let words: Vec<String> = labels::all_words(|l| l.lead_signals)
            .map(|w| {
                if w.is_ascii() || !contact::is_cjk(w) {
                    format!(
                        "{}{}{}",
                        edge(w.chars().next()),
                        regex::escape(w).replace(' ', r"\s?"),
                        edge(w.chars().last())
                    )
                } else {
                    regex::escape(w)
                }
            })
            .collect();
        Regex::new(&format!("(?i)(?:{})", words.join("|")))
            .expect("regex built from the language tables")
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
        if field == Field::Timeline
            && self
                .provenance(Field::Timeline)
                .is_some_and(|p| p.ends_with(PROSE_MARK))
        {
            self.values.remove(&Field::Timeline);
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

    fn provenance(&self, field: Field) -> Option<&str> {
        self.values.get(&field).map(|(_, p)| p.as_str())
    }

    /// True when a known label named an email, phone or name (not a value
    /// recognised by its shape alone).
    fn has_contact(&self) -> bool {
        self.values
            .iter()
            .any(|(f, (_, p))| f.is_contact() && !p.ends_with(SHAPE_MARK))
    }

    /// [`FieldValues::has_contact`], and at least one labelled contact value
    /// sits outside a block that introduces the sender's own service
    /// contact ("お問い合わせ先: 事務局…", "Customer service:"): the
    /// person's fields, not the platform's.
    fn has_person_contact(&self, text: &str) -> bool {
        self.values.iter().any(|(f, (v, p))| {
            f.is_contact()
                && !p.ends_with(SHAPE_MARK)
                && text
                    .find(v.as_str())
                    .is_none_or(|at| !platform::is_service_contact_at(text, at))
        })
    }

    /// True when every value `s` read by shape sits inside the free-text
    /// message (a description, a comment), not in a contact block of its own.
    fn only_in_description(&self, s: &ShapeContact) -> bool {
        let Some((message, prov)) = self.values.get(&Field::Message) else {
            return false;
        };
        // `Jane Doe says: "…"` reads the quote as the message on purpose.
        if prov.contains(":says ") {
            return false;
        }
        let mut rest = message.to_lowercase();
        for (value, _) in [&s.email, &s.phone, &s.name].into_iter().flatten() {
            let value = value.to_lowercase();
            if !rest.contains(value.as_str()) && s.name.as_ref().map(|n| &n.0) != Some(&value) {
                return false;
            }
            rest = rest.replace(value.as_str(), " ");
        }
        // Prose around them, not a list of the person's details
        // ("A visitor left their details: Nadia Rahman, nadia@…, 0161 …").
        let words = rest
            .split_whitespace()
            .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
            .count();
        (s.email.is_some() || s.phone.is_some()) && words >= 6
    }

    /// Forgets an address read by shape alone at `domain`'s organisation,
    /// and a number read by shape under the same label.
    fn drop_shapes_at(&mut self, domain: &str) {
        let Some((email, prov)) = self.values.get(&Field::Email) else {
            return;
        };
        if !prov.ends_with(SHAPE_MARK)
            || !domain_of(email).is_some_and(|d| same_organisation(d, domain))
        {
            return;
        }
        let prov = prov.clone();
        self.values.remove(&Field::Email);
        if self
            .values
            .get(&Field::Phone)
            .is_some_and(|(_, p)| *p == prov)
        {
            self.values.remove(&Field::Phone);
        }
    }

    /// Fills missing contact fields from a card (vCard).
    fn fill_contact(&mut self, c: &super::Contact, source: &str) {
        for (field, value, key) in [
            (Field::Email, &c.email, "EMAIL"),
            (Field::Name, &c.name, "FN"),
            (Field::Phone, &c.phone, "TEL"),
            (Field::Company, &c.company, "ORG"),
            (Field::Title, &c.title, "TITLE"),
            (Field::Postcode, &c.postcode, "ADR"),
            (Field::Country, &c.country, "ADR"),
        ] {
            let taken = match field {
                Field::Email => {
                    self.values.contains_key(&Field::Email)
                        || self.values.contains_key(&Field::NameAndEmail)
                }
                Field::Name => [
                    Field::Name,
                    Field::FirstName,
                    Field::LastName,
                    Field::NameAndEmail,
                ]
                .iter()
                .any(|f| self.values.contains_key(f)),
                f => self.values.contains_key(&f),
            };
            if let Some(v) = value
                && !taken
            {
                self.values
                    .insert(field, (v.clone(), format!("{source}:{key}")));
            }
        }
    }

    /// Fills a missing phone from the values read by shape.
    fn fill_shapes(&mut self, s: &ShapeContact) {
        if let Some((phone, prov)) = &s.phone
            && !self.values.contains_key(&Field::Phone)
        {
            self.values
                .insert(Field::Phone, (phone.clone(), prov.clone()));
        }
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

    /// The extractor most fields came from (`form`, `html`, `vcard`, `rule:NAME`).
    fn main_source(&self) -> String {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, s) in self.values.values() {
            let extractor = if s.starts_with("rule:") {
                s.split(' ').next().unwrap_or(s)
            } else {
                s.split(':').next().unwrap_or(s)
            };
            *counts.entry(extractor).or_default() += 1;
        }
        counts
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .map_or_else(|| "form".to_string(), |(s, _)| s.to_string())
    }
}

/// Pairs → field values, with a rule's label map taking precedence. A pair
/// whose label is unknown still counts when its value has a contact's shape.
/// Provenance names the extractor, the layout and the label:
/// `form:colon "E-Mail"`, `html:colon "Phone"`, `form:columns "Name"`.
/// `date` is the message date, so an unlabelled value naming a month, a
/// season or a date ("Start: before the summer") is read as the timeline.
fn values_of(
    pairs: &[form::Pair],
    rule: Option<&ProviderRule>,
    source: &str,
    date: Option<&str>,
) -> FieldValues {
    let mut values = FieldValues::default();
    let rule_source = rule.map(|r| format!("rule:{}", r.name));
    for pair in pairs {
        if let Some(field) = rule.and_then(|r| rules::rule_label(r, &pair.label)) {
            let prov = match rule_source.as_deref() {
                Some(r) => format!("{r} label \"{}\"", pair.label),
                None => source.to_string(),
            };
            values.force(field, &pair.value, &prov);
        } else if let Some(field) = pair.field
            // `Contact: jane@x.io | (415) 555-0112`: a name holds no phone
            // number, so the value is read by shape below.
            && (field != Field::Name || shape::phones(&pair.value).is_empty())
        {
            let prov = format!("{source}:{} \"{}\"", pair.layout, pair.label);
            // `What do you need?: EV charger` then `Tell us about your
            // project: Closing in August …`: the second, longer answer under
            // an interest-like label is the free comment, not lost.
            let field = if field == Field::Interest
                && values.values.contains_key(&Field::Interest)
                && !values.values.contains_key(&Field::Message)
                && pair.value.split_whitespace().count() > 6
            {
                Field::Message
            } else {
                field
            };
            values.set(&pair.label, field, &pair.value, &prov);
        } else {
            let prov = format!("{source}:{} \"{}\"{SHAPE_MARK}", pair.layout, pair.label);
            // `Move-in date: within 2 months`, `采购时间：半年内`, `When: by
            // March`: a short value that states a time frame (read as free
            // text, so it needs a time word) is the timeline, whatever the label.
            if !values.values.contains_key(&Field::Timeline)
                && pair.value.chars().count() <= 40
                && timeline::parse(&pair.value, date, false).is_some()
            {
                values.set(&pair.label, Field::Timeline, &pair.value, &prov);
                continue;
            }
            // `Tell us about your project: … move-in is 15/10/2025 …`: a
            // free comment under a label nobody knows still states when.
            if !values.values.contains_key(&Field::Timeline)
                && pair.value.chars().count() > 40
                && timeline::parse(&pair.value, date, false).is_some()
            {
                let prov = format!("{source}:{} \"{}\"{PROSE_MARK}", pair.layout, pair.label);
                values.set(&pair.label, Field::Timeline, &pair.value, &prov);
            }
            match shape::of_value(&pair.value) {
                Some(shape::Shape::Email) => {
                    values.set(&pair.label, Field::Email, &pair.value, &prov)
                }
                Some(shape::Shape::Phone) if !shape::is_service_number(&pair.value) => {
                    values.set(&pair.label, Field::Phone, &pair.value, &prov)
                }
                Some(_) => {}
                // `Contact: jane@x.io | (415) 555-0112`: several values in one.
                None if pair.value.chars().count() <= 120 => {
                    if let [email] = shape::emails(&pair.value).as_slice() {
                        values.set(&pair.label, Field::Email, &email.1, &prov);
                    }
                    if let [phone] = shape::phones(&pair.value).as_slice()
                        && !shape::is_service_number(&phone.1)
                    {
                        values.set(&pair.label, Field::Phone, &phone.1, &prov);
                    }
                }
                None => {}
            }
        }
    }
    values
}

/// What besides the form decides the interest: the business's products and
/// the notification's subject.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints<'a> {
    /// `[business] products`: a candidate naming one of them wins.
    pub products: &'a [String],
    /// The notification's subject (of the original, for a forward).
    pub subject: Option<&'a str>,
    /// The subject is the prospect's own (their mail, forwarded by staff):
    /// it names what they ask for even without a lead word.
    pub persons_subject: bool,
}

/// Builds a lead from field values: normalised contact, interest, timeline.
pub fn build_lead(values: &FieldValues, date: Option<&str>, source: &str) -> Lead {
    build_lead_with(values, date, source, &Hints::default())
}

/// [`build_lead`] with the products and subject that weigh on the interest.
pub fn build_lead_with(
    values: &FieldValues,
    date: Option<&str>,
    source: &str,
    hints: &Hints<'_>,
) -> Lead {
    let mut provenance = BTreeMap::new();
    let mut mark = |key: &str, field: Field| {
        if let Some(s) = values.provenance(field) {
            provenance.insert(key.to_string(), s.to_string());
        }
    };
    let name_and_email = values.get(Field::NameAndEmail);
    // `Visitor: Omar Haddad (omar@x.io)`: a name value may carry the address.
    let name_and_email = name_and_email.or_else(|| {
        values
            .get(Field::Name)
            .filter(|n| contact::find_email(n).is_some())
    });
    let email = values
        .get(Field::Email)
        .and_then(contact::email_value)
        .or_else(|| name_and_email.and_then(contact::email_value));
    mark(
        "email",
        if values.get(Field::Email).is_some() {
            Field::Email
        } else if values.get(Field::NameAndEmail).is_some() {
            Field::NameAndEmail
        } else {
            Field::Name
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
        } else if last.is_some() {
            Field::LastName
        } else {
            Field::NameAndEmail
        },
    );
    for (key, field) in [
        ("phone", Field::Phone),
        ("company", Field::Company),
        ("title", Field::Title),
        ("timeline", Field::Timeline),
        ("message", Field::Message),
    ] {
        mark(key, field);
    }
    let message = values.get(Field::Message).map(str::to_string);
    let interest = choose_interest(values, message.as_deref(), full_name.as_deref(), hints);
    if let Some((_, prov)) = &interest {
        provenance.insert("interest".into(), prov.clone());
    }
    let prose = values
        .provenance(Field::Timeline)
        .is_some_and(|p| p.ends_with(PROSE_MARK));
    let timeline = values
        .get(Field::Timeline)
        .and_then(|t| timeline::parse(t, date, !prose))
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
        interest: interest.map(|(v, _)| v),
        timeline,
        message,
        source: source.to_string(),
        provenance,
        unqualified: None,
        review_reasons: Vec::new(),
    }
}

/// What the person asked for, with where it came from. Candidates in order:
/// a service/product field, a headline, the form's subject, the
/// notification subject, the property or its type, the message's first
/// sentence; a candidate naming one of the business's products beats them all.
fn choose_interest(
    values: &FieldValues,
    message: Option<&str>,
    name: Option<&str>,
    hints: &Hints<'_>,
) -> Option<(String, String)> {
    let field = |f: Field| {
        values.get(f).and_then(contact::joined_lines).map(|v| {
            let prov = values.provenance(f).unwrap_or("form").to_string();
            (v, prov)
        })
    };
    let not_the_person = |v: &str| {
        let lower = v.to_lowercase();
        name.is_none_or(|n| !lower.contains(&n.to_lowercase()))
            && shape::of_value(v).is_none()
            && contact::find_email(v).is_none()
    };
    let mut candidates: Vec<(String, String)> = Vec::new();
    candidates.extend(field(Field::Interest));
    candidates.extend(field(Field::Headline).filter(|(v, _)| not_the_person(v)));
    candidates.extend(
        values
            .get(Field::Subject)
            .and_then(contact::one_line)
            .map(|v| {
                (
                    v,
                    values
                        .provenance(Field::Subject)
                        .unwrap_or("form")
                        .to_string(),
                )
            }),
    );
    let from_subject = hints
        .subject
        .and_then(subject_interest)
        .filter(|v| not_the_person(v))
        .map(|v| (v, "subject".to_string()));
    let subject_at = candidates.len();
    candidates.extend(from_subject);
    if hints.persons_subject && candidates.is_empty() {
        candidates.extend(
            hints
                .subject
                .and_then(subject_ask)
                .filter(|v| not_the_person(v))
                .map(|v| (v, "subject: the person's own".to_string())),
        );
    }
    candidates.extend(field(Field::InterestWeak));
    // The message's first sentence is the last resort; read it only when
    // nothing better is known or a product may be named in it.
    if candidates.is_empty() || !hints.products.is_empty() {
        candidates.extend(message.and_then(short_phrase).map(|v| {
            let prov = values.provenance(Field::Message).unwrap_or("form");
            (v, format!("{prov}, first sentence"))
        }));
    }
    if let Some((v, prov, product)) = candidates.iter().find_map(|(v, p)| {
        hints
            .products
            .iter()
            .find(|prod| names_product(v, prod))
            .map(|prod| (v, p, prod))
    }) {
        return Some((v.clone(), format!("{prov}, names product \"{product}\"")));
    }
    // What someone asked for is never their address or number.
    candidates.retain(|(v, _)| contact::find_email(v).is_none() && shape::phones(v).is_empty());
    let (chosen, prov) = candidates.first()?.clone();
    // The subject often shortens the listing the form spells out in full
    // ("2114 Maple Ave" → "2114 Maple Ave, Evanston, IL 60201").
    if subject_at == 0 && prov == "subject" {
        let lower = chosen.to_lowercase();
        if let Some((longer, p)) = candidates
            .iter()
            .skip(1)
            .find(|(v, _)| v.len() > chosen.len() && v.to_lowercase().starts_with(&lower))
        {
            return Some((longer.clone(), p.clone()));
        }
    }
    Some((chosen, prov))
}

/// True when `value` names `product`: every word of the product appears,
/// plural `s` ignored ("Solar Panel Installation" names "solar panels").
fn names_product(value: &str, product: &str) -> bool {
    let v = value.to_lowercase();
    let words: Vec<String> = product
        .to_lowercase()
        .split_whitespace()
        .map(|w| {
            if w.chars().count() > 3 {
                w.trim_end_matches('s').to_string()
            } else {
                w.to_string()
            }
        })
        .collect();
    !words.is_empty() && words.iter().all(|w| v.contains(w.as_str()))
}

/// The person a notification subject names ("New message from Jane Doe",
/// "Neue Anfrage von Max Müller"); never a provider or listing (one word, or
/// a listing's last word, is not a person's name).
fn subject_name(subject: &str) -> Option<String> {
    static FROM: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)\b(?:from|von|de|da|van|door|di)\s+(\p{L}[\p{L}'’. -]{1,60})")
            .expect("static regex")
    });
    let captured = FROM.captures(subject)?.get(1)?.as_str();
    let candidate = captured
        .split([':', '|', '(', ','])
        .next()?
        .split(" - ")
        .next()?
        .split(" – ")
        .next()?
        .split(" — ")
        .next()?
        .trim();
    shape::is_name(candidate)
        .then(|| contact::normalize_name(candidate))
        .flatten()
}

/// What a notification subject says the lead is about: the part beside the
/// lead signal ("New lead: Interior painting" → "Interior painting"). `None`
/// when the subject is only the signal or no signal at all.
pub fn subject_interest(subject: &str) -> Option<String> {
    let s = strip_reply_prefixes(subject);
    let segments: Vec<&str> = s
        .split([':', '：', '|'])
        .flat_map(|p| p.split(" - "))
        .flat_map(|p| p.split(" – "))
        .flat_map(|p| p.split(" — "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if segments.len() < 2 || !segments.iter().any(|p| lead_signal(p, "")) {
        return None;
    }
    // "New submission of the Contact Sales form: …", "Lead Gen Form: Buyer's
    // Guide": after a form word the subject names the form, not the ask.
    const FORM_WORDS: &[&str] = &[
        "form",
        "forms",
        "formular",
        "formulaire",
        "formulario",
        "formulário",
        "modulo",
        "formulier",
        "フォーム",
        "양식",
        "表单",
    ];
    if segments[..segments.len() - 1].iter().any(|p| {
        let l = p.to_lowercase();
        FORM_WORDS
            .iter()
            .any(|w| labels::has_word(&l, w) || !w.is_ascii() && l.contains(w))
    }) {
        return None;
    }
    segments
        .iter()
        .rev()
        .find(|p| {
            !lead_signal(p, "")
                && p.chars().filter(|c| c.is_alphabetic()).count() >= 3
                && !p.starts_with('#')
                && labels::classify(p).is_none()
        })
        .map(|p| p.to_string())
}

/// What a person's own subject asks for: the subject without reply and
/// forward prefixes and without the request word in front ("Anfrage
/// Wärmepumpe für Bürogebäude" → "Wärmepumpe für Bürogebäude").
fn subject_ask(subject: &str) -> Option<String> {
    if let Some(ask) = subject_interest(subject) {
        return Some(ask);
    }
    let mut words: Vec<&str> = strip_reply_prefixes(subject).split_whitespace().collect();
    while words.len() > 1 && lead_signal(words[0], "") {
        words.remove(0);
    }
    const JOINS: &[&str] = &[
        "for", "für", "pour", "para", "per", "voor", "de", "di", "about", "re",
    ];
    while words.len() > 1 && JOINS.contains(&words[0].to_lowercase().as_str()) {
        words.remove(0);
    }
    let ask = words.join(" ");
    (ask.chars().filter(|c| c.is_alphabetic()).count() >= 3).then_some(ask)
}

/// A subject without its reply and forward prefixes in any language
/// ("Re:", "Fwd:", "WG:", "RV:", "転送:").
fn strip_reply_prefixes(subject: &str) -> &str {
    let mut s = subject.trim();
    while let Some((head, rest)) = s.split_once([':', '：']) {
        if head.chars().count() <= 4
            && !head.contains(' ')
            && !head.is_empty()
            && !lead_signal(head, "")
        {
            s = rest.trim();
        } else {
            break;
        }
    }
    s
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
    // A quoted message ("“Hola, me interesa…”"): the quote marks are no part of it.
    let flat = flat
        .trim_start_matches(['"', '“', '„', '«', '\'', '「', '『'])
        .to_string();
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

    fn values(pairs: &[(Field, &str)]) -> FieldValues {
        let mut v = FieldValues::default();
        for (f, value) in pairs {
            v.set("label", *f, value, "form:colon \"label\"");
        }
        v
    }

    #[test]
    fn interest_is_what_was_asked_for_and_a_product_wins() {
        let v = values(&[
            (Field::InterestWeak, "Single-family home"),
            (
                Field::Message,
                "Hi, we want to cut our bills. Also curious about an EV charger.",
            ),
            (Field::Headline, "Solar Panel Installation"),
        ]);
        let hints = Hints::default();
        assert_eq!(
            build_lead_with(&v, None, "form", &hints)
                .interest
                .as_deref(),
            Some("Solar Panel Installation")
        );
        let v = values(&[
            (Field::Interest, "Roof inspection"),
            (Field::Headline, "Solar Panel Installation"),
        ]);
        assert_eq!(
            build_lead_with(&v, None, "form", &hints)
                .interest
                .as_deref(),
            Some("Roof inspection")
        );
        let products = vec!["solar panels".to_string(), "EV charger".to_string()];
        let hints = Hints {
            products: &products,
            subject: None,
            persons_subject: false,
        };
        let lead = build_lead_with(&v, None, "form", &hints);
        assert_eq!(lead.interest.as_deref(), Some("Solar Panel Installation"));
        assert!(
            lead.provenance["interest"].contains("names product"),
            "{:?}",
            lead.provenance
        );
    }

    #[test]
    fn subject_names_the_ask_beside_the_signal() {
        assert_eq!(
            subject_interest("Fwd: New lead: Interior painting in Portland").as_deref(),
            Some("Interior painting in Portland")
        );
        assert_eq!(
            subject_interest("New form submission on Acme: Contact Sales"),
            None
        );
        assert_eq!(subject_interest("Lunch on Thursday?"), None);
        assert_eq!(subject_interest("New submission"), None);
        assert_eq!(
            subject_name("New message from Jane Doe - Website").as_deref(),
            Some("Jane Doe")
        );
        assert_eq!(
            subject_name("New contact from Zillow: 2114 Maple Ave"),
            None
        );
        assert_eq!(subject_name("Inquiry from Sunset Group Rentals"), None);
    }

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
