//! The emails the act stage sends, built as [`OutboundEmail`]s for the
//! outbox: sales notifications, team notes ("claimed by …", escalations),
//! call-center entries, partner forwards and the self-service reply.
//!
//! Everything taken from a prospect's email is hostile: addresses are
//! checked by [`safe_address`] before they go into `To`/`Reply-To`, subject
//! parts are flattened to one bounded line, and header construction is left to
//! the sender's typed builders.

use crate::outbox::{OutboundEmail, Purpose};
use crate::qualify::timeline_name;
use crate::understand::Contact;

use super::leads::{LeadRecord, Notice};

/// Longest original-message text quoted in a notification.
const MAX_ORIGINAL_CHARS: usize = 20_000;

/// What every email needs from config.
#[derive(Debug, Clone)]
pub struct Mailer {
    /// Domain of the deterministic Message-IDs.
    pub domain: String,
    /// carousel's watched address for claims (Reply-To of pull notifications).
    pub claim_address: Option<String>,
    /// Push notifications get `Reply-To` = the prospect.
    pub reply_to_prospect: bool,
}

/// The inbound email a lead came from, as quoted to the rep.
#[derive(Debug, Clone, Default)]
pub struct Original {
    pub subject: Option<String>,
    pub from: Option<String>,
    pub date: Option<String>,
    pub text: String,
}

impl Original {
    /// Reads the quoted parts of a raw message; best effort, never panics.
    pub fn of(raw: &[u8]) -> Original {
        let parsed = std::panic::catch_unwind(|| {
            let message = mail_parser::MessageParser::default().parse(raw)?;
            let text = message
                .body_text(0)
                .map(|t| t.into_owned())
                .or_else(|| message.body_html(0).map(|h| h.into_owned()))
                .unwrap_or_default();
            Some(Original {
                subject: message.subject().map(str::to_string),
                from: message
                    .from()
                    .and_then(|a| a.first())
                    .and_then(|a| a.address())
                    .map(str::to_string),
                date: message.date().map(|d| d.to_rfc3339()),
                text,
            })
        });
        let mut original = parsed.ok().flatten().unwrap_or_default();
        if original.text.chars().count() > MAX_ORIGINAL_CHARS {
            original.text = original.text.chars().take(MAX_ORIGINAL_CHARS).collect();
            original.text.push_str("\n[… cut]");
        }
        original
    }
}

/// An address fit for `To`/`Reply-To`: one `local@domain`, no spaces,
/// control characters, quotes, angle brackets or commas.
pub fn safe_address(s: &str) -> Option<String> {
    let s = s.trim();
    let ok = !s.is_empty()
        && s.len() <= 254
        && s.matches('@').count() == 1
        && !s.starts_with('@')
        && !s.ends_with('@')
        && s.chars().all(|c| {
            !c.is_whitespace()
                && !c.is_control()
                && !matches!(c, '<' | '>' | ',' | ';' | '"' | '\\')
        });
    ok.then(|| s.to_string())
}

/// One line of at most `max` characters (for subjects).
pub fn one_line(s: &str, max: usize) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let mut cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Who the prospect is, for subjects: name, else email, else phone.
pub fn who(contact: &Contact) -> String {
    let name = [&contact.name, &contact.email, &contact.phone]
        .into_iter()
        .flatten()
        .find(|s| !s.trim().is_empty())
        .map_or("unknown prospect", String::as_str);
    one_line(name, 60)
}

/// The facts block every lead email carries.
pub fn facts(lead: &LeadRecord) -> String {
    let c = &lead.lead.contact;
    let mut out = String::new();
    let mut line = |label: &str, value: Option<&str>| {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            out.push_str(&format!("{label:<10}{}\n", one_line(v, 300)));
        }
    };
    line("Name:", c.name.as_deref());
    line("Email:", c.email.as_deref());
    line("Phone:", c.phone.as_deref());
    line("Company:", c.company.as_deref());
    line("Title:", c.title.as_deref());
    line("Postcode:", c.postcode.as_deref());
    line("Country:", c.country.as_deref());
    line("Interest:", Some(&lead.lead.interest));
    line("Timeline:", lead.lead.timeline.map(timeline_name));
    line("Rank:", lead.lead.rank.map(|r| r.as_str()));
    out.push_str(&format!("{:<10}{}\n", "Score:", lead.lead.points));
    out.push_str(&format!("{:<10}{}\n", "Lead:", lead.id));
    out
}

fn reasons(lead: &LeadRecord) -> String {
    let mut out = String::from("Why this score:\n");
    for r in &lead.reasons {
        if r.points == 0 {
            out.push_str(&format!("       {}\n", one_line(&r.why, 200)));
        } else {
            out.push_str(&format!("  {:+4} {}\n", r.points, one_line(&r.why, 200)));
        }
    }
    out
}

fn quoted(original: &Original) -> String {
    let mut out = String::from("---------- Original message ----------\n");
    if let Some(from) = &original.from {
        out.push_str(&format!("From: {}\n", one_line(from, 200)));
    }
    if let Some(date) = &original.date {
        out.push_str(&format!("Date: {}\n", one_line(date, 80)));
    }
    if let Some(subject) = &original.subject {
        out.push_str(&format!("Subject: {}\n", one_line(subject, 200)));
    }
    out.push('\n');
    out.push_str(&original.text);
    out
}

impl Mailer {
    /// A deterministic Message-ID from stable parts.
    pub fn id(&self, parts: &[&str]) -> String {
        crate::outbox::message_id(&self.domain, parts)
    }

    /// The sales notification of `notice` (initial, escalation or
    /// reassignment). Pull notifications (to the team inbox) ask for a reply
    /// to claim; push notifications set Reply-To to the prospect.
    pub fn sales_notification(
        &self,
        lead: &LeadRecord,
        notice: &Notice,
        original: &Original,
    ) -> OutboundEmail {
        let pull = notice.rep.is_none();
        let prospect = lead.lead.contact.email.as_deref().and_then(safe_address);
        // Push with Reply-To the prospect: the claim address rides along in
        // Reply-To, so the rep's one-click answer also reaches carousel and
        // marks the lead as theirs (otherwise the SLA would escalate a lead
        // the rep already answered).
        let answers_prospect = !pull && self.reply_to_prospect && prospect.is_some();
        let reply_to = match (&prospect, &self.claim_address) {
            (Some(p), Some(c)) if answers_prospect => Some(format!("{p}, {c}")),
            (Some(p), None) if answers_prospect => Some(p.clone()),
            _ => self.claim_address.clone(),
        };
        let rank = lead.lead.rank.map_or("new", |r| r.as_str());
        let label = match rank {
            "hot" => "Hot lead".to_string(),
            other => format!("Lead ({other})"),
        };
        let mut subject = format!(
            "{label}: {} — {}",
            who(&lead.lead.contact),
            one_line(&lead.lead.interest, 80)
        );
        if notice.why != "routed" {
            subject = format!("[{}] {subject}", one_line(&notice.why, 40));
        }
        let mut text = String::new();
        match (&notice.rep, pull) {
            (_, true) => text.push_str(
                "A new lead for the team. Reply to this email to claim it: the first rep to reply owns it.\n\n",
            ),
            (Some(rep), false) => {
                text.push_str(&format!("{}, a lead for you.\n", one_line(rep, 60)));
                match (answers_prospect, &self.claim_address) {
                    (true, Some(claim)) => text.push_str(&format!(
                        "Reply to this email to answer the prospect directly; the reply also reaches {claim}, which marks the lead as yours. Untouched leads are escalated.\n"
                    )),
                    (true, None) => {
                        text.push_str("Reply to this email to answer the prospect directly.\n")
                    }
                    (false, Some(claim)) => text.push_str(&format!(
                        "Reply to {claim} to mark the lead as yours; untouched leads are escalated.\n"
                    )),
                    (false, None) => {}
                }
                if let Some(claim) = &self.claim_address {
                    text.push_str(&format!(
                        "Not yours? Reply to {claim} only (not the prospect) with \"not mine\": the lead goes to the next rep.\n"
                    ));
                }
                text.push('\n');
            }
            (None, false) => {}
        }
        if notice.why != "routed" {
            text.push_str(&format!("Why you: {}\n\n", one_line(&notice.why, 200)));
        }
        text.push_str(&facts(lead));
        text.push('\n');
        text.push_str(&reasons(lead));
        if !lead.routing.is_empty() {
            text.push_str("\nRouting:\n");
            for r in &lead.routing {
                text.push_str(&format!("  {}\n", one_line(r, 200)));
            }
        }
        text.push('\n');
        text.push_str(&quoted(original));
        OutboundEmail {
            message_id: notice.message_id.clone(),
            to: vec![notice.to.clone()],
            from: None,
            reply_to,
            subject,
            text,
            html: None,
            headers: Vec::new(),
            in_reply_to: None,
            purpose: Purpose::SalesNotification {
                lead: lead.id.clone(),
                rep: notice.rep.clone(),
            },
        }
    }

    /// A short note to a rep about a lead (claimed by …, prospect replied).
    pub fn team_note(
        &self,
        lead: &LeadRecord,
        to: &str,
        message_id: String,
        in_reply_to: Option<String>,
        subject: &str,
        body: &str,
    ) -> OutboundEmail {
        let mut text = String::from(body);
        text.push_str("\n\n");
        text.push_str(&facts(lead));
        OutboundEmail {
            message_id,
            to: vec![to.to_string()],
            from: None,
            reply_to: self.claim_address.clone(),
            subject: one_line(subject, 200),
            text,
            html: None,
            headers: Vec::new(),
            in_reply_to,
            purpose: Purpose::TeamNote {
                lead: lead.id.clone(),
            },
        }
    }

    /// A lead for the call-center queue (a configured mailbox).
    pub fn call_center(
        &self,
        lead_id: &str,
        to: &str,
        facts_text: &str,
        why: &str,
        original: &Original,
    ) -> OutboundEmail {
        let text = format!(
            "Please call this prospect: {}\n\n{facts_text}\n{}",
            one_line(why, 300),
            quoted(original)
        );
        OutboundEmail {
            message_id: self.id(&["cc", lead_id]),
            to: vec![to.to_string()],
            from: None,
            reply_to: self.claim_address.clone(),
            subject: format!("Call-center queue: lead {lead_id}"),
            text,
            html: None,
            headers: Vec::new(),
            in_reply_to: None,
            purpose: Purpose::TeamNote {
                lead: lead_id.to_string(),
            },
        }
    }

    /// A lead forwarded to a partner.
    pub fn partner_forward(
        &self,
        lead: &LeadRecord,
        partner: &str,
        original: &Original,
    ) -> OutboundEmail {
        let text = format!(
            "A lead for you, forwarded by our sales team.\n\n{}\n{}",
            facts(lead),
            quoted(original)
        );
        OutboundEmail {
            message_id: self.id(&["p", &lead.id]),
            to: vec![partner.to_string()],
            from: None,
            reply_to: lead.lead.contact.email.as_deref().and_then(safe_address),
            subject: format!(
                "Lead: {} — {}",
                who(&lead.lead.contact),
                one_line(&lead.lead.interest, 80)
            ),
            text,
            html: None,
            headers: Vec::new(),
            in_reply_to: None,
            purpose: Purpose::PartnerForward {
                lead: lead.id.clone(),
                partner: partner.to_string(),
            },
        }
    }

    /// The web self-service reply to the prospect.
    pub fn self_service(
        &self,
        lead: &LeadRecord,
        to: &str,
        subject: String,
        text: String,
    ) -> OutboundEmail {
        OutboundEmail {
            message_id: self.id(&["w", &lead.id]),
            to: vec![to.to_string()],
            from: None,
            reply_to: None,
            subject: one_line(&subject, 200),
            text,
            html: None,
            headers: Vec::new(),
            in_reply_to: None,
            purpose: Purpose::SelfService {
                lead: lead.id.clone(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_addresses_are_refused() {
        assert_eq!(
            safe_address(" a@b.example ").as_deref(),
            Some("a@b.example")
        );
        for bad in [
            "a@b.example\r\nBcc: x@y",
            "a@b@c",
            "Name <a@b.example>",
            "a@b.example, c@d.example",
            "",
            "@b",
        ] {
            assert_eq!(safe_address(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn subject_parts_are_one_bounded_line() {
        assert_eq!(one_line("a\r\nBcc: x", 100), "a Bcc: x");
        assert_eq!(one_line(&"x".repeat(50), 10).chars().count(), 10);
    }
}
