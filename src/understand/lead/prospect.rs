//! Who the prospect is, and who is not: the addresses that never are (ours,
//! the provider's, relays, the staff who forwarded the mail, the sender's
//! own organisation), the contact read by value shape in a notification,
//! staff forwarding a person's own mail, and services writing under their
//! own name.

use super::{contact, form, forward, labels, platform, rules, shape};
use crate::understand::{Envelope, body};

/// Addresses that are never the prospect: ours, the provider's, relays,
/// the staff who forwarded the mail.
pub(super) struct Exclusions {
    addresses: Vec<String>,
    domains: Vec<String>,
}

impl Exclusions {
    pub(super) fn new(envelope: &Envelope, fwd: Option<&forward::Forwarded>) -> Self {
        let mut addresses: Vec<String> = envelope.to.clone();
        // Our own organisation's domains (a shared mailbox domain says nothing).
        let mut domains: Vec<String> = envelope
            .to
            .iter()
            .filter_map(|t| domain_of(t))
            .filter(|d| !contact::is_free_mail(d))
            .map(str::to_string)
            .collect();
        if let Some(from) = &envelope.from_email {
            addresses.push(from.clone());
            // The sender's organisation: a provider's, a platform's or a
            // colleague's addresses in the body (support, account manager,
            // "scanned by") are never the prospect's.
            domains.extend(
                domain_of(from)
                    .filter(|d| !contact::is_free_mail(d))
                    .map(str::to_string),
            );
        }
        if let Some(f) = fwd {
            addresses.extend(f.forwarders.iter().cloned());
            domains.extend(
                f.forwarders
                    .iter()
                    .filter_map(|e| domain_of(e).map(str::to_string)),
            );
            if let Some(orig) = &f.from_email
                && contact::is_relay_address(orig)
            {
                domains.extend(domain_of(orig).map(str::to_string));
            }
        }
        Exclusions { addresses, domains }
    }

    /// Only our own addresses and organisation: for a person's own mail,
    /// whose signature is the prospect's contact.
    pub(super) fn ours(envelope: &Envelope) -> Self {
        Exclusions {
            addresses: envelope.to.clone(),
            domains: envelope
                .to
                .iter()
                .filter_map(|t| domain_of(t))
                .filter(|d| !contact::is_free_mail(d))
                .map(str::to_string)
                .collect(),
        }
    }

    pub(super) fn excludes(&self, email: &str) -> bool {
        contact::is_relay_address(email)
            || self.addresses.iter().any(|a| a == email)
            || domain_of(email).is_some_and(|d| {
                rules::is_known_provider(d) || self.domains.iter().any(|x| same_organisation(x, d))
            })
    }
}

/// The prospect's contact read by value shape, with provenance.
#[derive(Debug, Clone, Default)]
pub(super) struct ShapeContact {
    pub(super) email: Option<(String, String)>,
    pub(super) phone: Option<(String, String)>,
    pub(super) name: Option<(String, String)>,
}

impl ShapeContact {
    /// `None` when the text shows no third party's address or number.
    pub(super) fn read(text: &str, exclude: &Exclusions) -> Option<ShapeContact> {
        let head = &text[..body::floor_char_boundary(text, text.len().min(shape::MAX_SCAN_BYTES))];
        // Stop at the first footer: providers sign with their own numbers.
        let mut end = head.len();
        let mut at = 0;
        for line in head.split_inclusive('\n') {
            if at > 0 && form::is_footer(line) {
                end = at;
                break;
            }
            at += line.len();
        }
        let head = &head[..end];
        let mut out = ShapeContact::default();
        let mut anchor = None;
        let emails = shape::emails(head);
        let line_of = |offset: usize| head[..offset].matches('\n').count();
        // Lines holding an address that is not the prospect's: a number
        // written beside it is the same party's ("support@x.io or 0800 …").
        let excluded_lines: Vec<usize> = emails
            .iter()
            .filter(|(_, e)| exclude.excludes(e))
            .map(|(o, _)| line_of(*o))
            .collect();
        // A direct address beats a relay's robot address.
        let pick = emails
            .iter()
            .filter(|(o, e)| !exclude.excludes(e) && !platform::is_service_contact_at(head, *o))
            .min_by_key(|(_, e)| contact::is_robot_address(e));
        if let Some((offset, email)) = pick {
            out.email = Some((email.clone(), "shape:email".into()));
            anchor = Some(*offset);
            if let Some(name) = shape::name_near(head, *offset) {
                out.name = Some((name, "shape:name-next-to-email".into()));
            }
        }
        let mut phones = shape::phones(head);
        phones.retain(|(o, p)| {
            !platform::is_service_contact_at(head, *o)
                && !excluded_lines.contains(&line_of(*o))
                && !shape::is_service_number(p)
        });
        let phone = match anchor {
            Some(a) => phones
                .iter()
                .find(|(o, _)| line_of(*o).abs_diff(line_of(a)) <= 3),
            None => phones.first(),
        };
        // A chat line of the person ("Omar Haddad: my number is …").
        let phone = phone.or_else(|| {
            let (name, _) = out.name.as_ref()?;
            phones.iter().find(|(o, _)| {
                let start = head[..*o].rfind('\n').map_or(0, |i| i + 1);
                head[start..*o].contains(name.as_str())
            })
        });
        if let Some((offset, p)) = phone {
            out.phone = Some((p.clone(), "shape:phone".into()));
            if out.name.is_none()
                && let Some(name) = shape::name_near(head, *offset)
            {
                out.name = Some((name, "shape:name-next-to-phone".into()));
            }
        }
        (out.email.is_some() || out.phone.is_some()).then_some(out)
    }

    /// A whole contact block: a name with an address and a number.
    pub(super) fn is_block(&self) -> bool {
        self.email.is_some() && self.phone.is_some() && self.name.is_some()
    }
}

/// `text` followed by an attached message written out as an inline forward
/// (marker, From, Subject, body), the shape [`forward::find`] reads.
pub(super) fn inline_forward(text: &str, inner: &Envelope, inner_text: &str) -> String {
    let from = match (&inner.from_name, &inner.from_email) {
        (Some(n), Some(e)) => format!("{n} <{e}>"),
        (None, Some(e)) => e.clone(),
        (Some(n), None) => n.clone(),
        (None, None) => String::new(),
    };
    let mut out = format!(
        "{text}\n\n---------- Forwarded message ---------\nFrom: {from}\nSubject: {}\n",
        inner.subject.as_deref().unwrap_or("")
    );
    if let Some(reply_to) = &inner.reply_to_email {
        out.push_str(&format!("Reply-To: {reply_to}\n"));
    }
    out.push('\n');
    out.push_str(inner_text);
    out
}

/// True when `f` is a person's own mail that staff forwarded: the original
/// sender is named like a person, writes from an address of their own (no
/// relay, robot or provider) and belongs to neither the forwarders' nor our
/// organisation.
pub(super) fn forwarded_person(f: &forward::Forwarded, envelope: &Envelope) -> bool {
    let Some(orig) = f.from_email.as_deref() else {
        return false;
    };
    let Some(orig_domain) = domain_of(orig) else {
        return false;
    };
    let staff_domains = envelope
        .from_email
        .iter()
        .chain(envelope.to.iter())
        .chain(f.forwarders.iter())
        .filter_map(|e| domain_of(e))
        .filter(|d| !contact::is_free_mail(d))
        .any(|d| same_organisation(d, orig_domain));
    let staff_address = envelope.from_email.as_deref() == Some(orig)
        || envelope.to.iter().any(|t| t == orig)
        || f.forwarders.iter().any(|x| x == orig);
    contact::valid_email(orig)
        && !staff_domains
        && !staff_address
        && !contact::is_relay_address(orig)
        && !contact::is_robot_address(orig)
        && !rules::is_known_provider(orig_domain)
        && f.from_name
            .as_deref()
            .and_then(contact::normalize_name)
            .is_some_and(|n| shape::is_name(&n) && contact::display_matches_address(&n, orig))
}

/// Most of a person's own mail read for what they ask: the opening, before
/// any quoted thread or long signature.
const WRITTEN_BYTES: usize = 2_000;

/// True when a person writes to us in a mail of their own asking for our
/// offer, with no form and no lead word: a new thread (no reply), from an
/// address of their own (no relay, robot or provider, not our
/// organisation), whose words ask (`quote`, `could you`, `Angebot`) and
/// carry no seller's words (`we help`, `find attached our`).
pub(super) fn direct_enquiry(envelope: &Envelope, subject: &str, text: &str) -> bool {
    static ASKS: once_cell::sync::Lazy<regex::Regex> =
        once_cell::sync::Lazy::new(|| labels::words_regex(|l| l.enquiry_asks));
    let Some(from) = envelope.from_email.as_deref() else {
        return false;
    };
    let ours = envelope
        .to
        .iter()
        .filter_map(|t| domain_of(t))
        .any(|d| domain_of(from).is_some_and(|f| same_organisation(d, f)));
    let new_thread = envelope.in_reply_to.is_empty()
        && envelope.references.is_empty()
        && !is_reply_subject(subject);
    if !new_thread
        || ours
        || !contact::valid_email(from)
        || contact::is_relay_address(from)
        || contact::is_robot_address(from)
        || domain_of(from).is_some_and(rules::is_known_provider)
    {
        return false;
    }
    let written = &text[..body::floor_char_boundary(text, text.len().min(WRITTEN_BYTES))];
    (ASKS.is_match(subject) || ASKS.is_match(written)) && !seller_mail(subject, text)
}

/// True when a mail reads as a seller's: a pitch, or a supplier's answer to
/// our own enquiry (`Thanks for your enquiry, please find attached our quote`).
pub(super) fn seller_mail(subject: &str, text: &str) -> bool {
    static SELLER: once_cell::sync::Lazy<regex::Regex> =
        once_cell::sync::Lazy::new(|| labels::words_regex(|l| l.seller_words));
    let written = &text[..body::floor_char_boundary(text, text.len().min(WRITTEN_BYTES))];
    SELLER.is_match(subject) || SELLER.is_match(written)
}

/// A subject that answers or passes on another mail (`Re:`, `AW:`, `RE :`).
fn is_reply_subject(subject: &str) -> bool {
    let lower = subject.trim_start().to_lowercase();
    [
        "re:", "re :", "aw:", "sv:", "antw:", "r:", "res:", "回复", "답장",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

/// True when the sender writes under a name that is not a person's own: a
/// display name that is no name, or one its address does not spell
/// ("Expo Lead Capture" <scans@…>).
pub(super) fn service_sender(envelope: &Envelope) -> bool {
    let (Some(email), Some(name)) = (
        envelope.from_email.as_deref(),
        envelope.from_name.as_deref(),
    ) else {
        return false;
    };
    contact::normalize_name(name)
        .is_none_or(|n| !shape::is_name(&n) || !contact::display_matches_address(&n, email))
}

/// True when Reply-To names a person other than the sender's organisation,
/// us, a provider or a relay: the notification hands us the person to answer.
pub(super) fn reply_to_person(envelope: &Envelope) -> bool {
    let Some(reply_to) = envelope.reply_to_email.as_deref() else {
        return false;
    };
    let domain = domain_of(reply_to);
    let same_org = domain.is_some_and(|d| {
        envelope.from_email.as_deref().and_then(domain_of) == Some(d)
            || envelope.to.iter().any(|t| domain_of(t) == Some(d))
    });
    !same_org
        && contact::valid_email(reply_to)
        && !contact::is_relay_address(reply_to)
        && !contact::is_robot_address(reply_to)
        && !domain.is_some_and(rules::is_known_provider)
}

/// True when two domains belong to one organisation: equal, or one a
/// subdomain of the other (`mail.crmly.example` and `crmly.example`).
pub(super) fn same_organisation(a: &str, b: &str) -> bool {
    let sub_of = |x: &str, y: &str| {
        x.len() > y.len() && x.ends_with(y) && x.as_bytes()[x.len() - y.len() - 1] == b'.'
    };
    a == b || sub_of(a, b) || sub_of(b, a)
}

/// The domain part of an address.
pub(super) fn domain_of(email: &str) -> Option<&str> {
    email
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
}
