//! Attribution: which outbound email a reply answers, and how we know.
//!
//! In order of trust: the threading headers (`In-Reply-To`, `References`)
//! naming one of carousel's own Message-IDs (`<c1.e42.s2@carousel.acme.example>`:
//! matched by domain only, whatever the local part); a VERP or plus-addressed
//! recipient (`bounces-e42-s2=x=y.example@acme.example`, `reply+e42.s2@acme.example`);
//! foreign threading headers; and, when a client dropped every header, a
//! "Re:" subject over a quoted original.

use once_cell::sync::Lazy;
use regex::Regex;

use crate::understand::{CampaignLink, Context, Envelope};

/// Ties a message to an earlier outbound email, if it answers one.
/// `recipients` are every address the message was delivered to (`To`, `Cc`,
/// `Delivered-To`, `X-Original-To`), where VERP and plus tokens live.
pub fn campaign_link(
    envelope: &Envelope,
    recipients: &[String],
    text: &str,
    ctx: &Context,
) -> Option<CampaignLink> {
    let ours = |id: &str| is_own_domain(id_domain(id), ctx);
    let link = |id: &str, how: &str| CampaignLink {
        message_id: Some(id.to_string()),
        how: how.into(),
        ours: ours(id),
    };

    if let Some(id) = envelope.in_reply_to.iter().find(|id| ours(id)) {
        return Some(link(id, "in-reply-to"));
    }
    if let Some(id) = envelope.references.iter().rev().find(|id| ours(id)) {
        return Some(link(id, "references"));
    }
    let addressed = recipients.iter().chain(envelope.to.iter());
    let mut foreign_token: Option<CampaignLink> = None;
    for addr in addressed {
        if let Some((how, own)) = token_address(addr, ctx) {
            let found = CampaignLink {
                message_id: None,
                how: how.into(),
                ours: own,
            };
            if own {
                return Some(found);
            }
            foreign_token.get_or_insert(found);
        }
    }
    if let Some(id) = envelope.in_reply_to.first() {
        return Some(link(id, "in-reply-to"));
    }
    if let Some(id) = envelope.references.last() {
        return Some(link(id, "references"));
    }
    if foreign_token.is_some() {
        return foreign_token;
    }
    let is_re = envelope.subject.as_deref().is_some_and(is_reply_subject);
    if is_re && super::strip::strip(text, super::StripOptions::DESIGN).had_quote {
        // The quoted original may still name one of our Message-ID domains
        // (a tracking link, a footer); then the reply is ours.
        let own = ctx
            .own_message_id_domains
            .iter()
            .any(|d| !d.is_empty() && text.to_lowercase().contains(&d.to_lowercase()));
        return Some(CampaignLink {
            message_id: None,
            how: "quoted-original".into(),
            ours: own,
        });
    }
    None
}

/// The domain of `<local@domain>` or `local@domain`, lowercased.
fn id_domain(id: &str) -> String {
    let id = id.trim().trim_matches(['<', '>']);
    id.rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('>').to_ascii_lowercase())
        .unwrap_or_default()
}

fn is_own_domain(domain: String, ctx: &Context) -> bool {
    !domain.is_empty()
        && ctx
            .own_message_id_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(&domain))
}

/// True when `domain` is one of ours or a parent/child of one
/// (`acme.example` for Message-IDs at `carousel.acme.example`).
fn is_related_domain(domain: &str, ctx: &Context) -> bool {
    ctx.own_message_id_domains.iter().any(|d| {
        let d = d.to_ascii_lowercase();
        !d.is_empty()
            && (d == domain
                || d.ends_with(&format!(".{domain}"))
                || domain.ends_with(&format!(".{d}")))
    })
}

/// carousel's ids inside an address: `e42.s2`, `c1-e42-s2`, `e42`.
static ID_TOKEN: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^(?i)[a-z]{1,3}\d+(?:[._-][a-z]{1,3}\d+)*$").unwrap());

/// `reply+e42.s2@acme.example` → plus-address; `bounces-e42-s2=p=x.example@acme.example` → verp.
/// Returns how, and whether the address is carousel's own.
fn token_address(addr: &str, ctx: &Context) -> Option<(&'static str, bool)> {
    let addr = addr.trim().trim_matches(['<', '>']).to_ascii_lowercase();
    let (local, domain) = addr.rsplit_once('@')?;
    let related = is_related_domain(domain, ctx);
    if let Some((head, _recipient)) = local.split_once('=') {
        let token = head.split_once(['-', '+']).map(|(_, t)| t)?;
        let id = ID_TOKEN.is_match(token);
        return (id || related && !token.is_empty()).then_some(("verp", id && related));
    }
    let (_, token) = local.split_once('+')?;
    let id = ID_TOKEN.is_match(token);
    (id && (related || ctx.own_message_id_domains.is_empty())).then_some(("plus-address", related))
}

/// Mail between the company's own people: the sender and every recipient
/// (`To`, `Cc`, `Delivered-To` …) sit in the company's domains, the
/// parent of carousel's Message-ID domain and its subdomains
/// (`mike@acme.example` → `dana@acme.example` for `carousel.acme.example`).
/// Such a thread about a customer answers no campaign; the caller still
/// lets an answer to carousel's own mail through (a rep's claim).
pub fn is_staff_thread(envelope: &Envelope, recipients: &[String], ctx: &Context) -> bool {
    let Some(from) = envelope.from_email.as_deref() else {
        return false;
    };
    let in_company = |addr: &str| {
        addr.rsplit_once('@').is_some_and(|(_, d)| {
            is_company_domain(&d.trim_end_matches('>').to_ascii_lowercase(), ctx)
        })
    };
    let mut all = recipients
        .iter()
        .map(String::as_str)
        .chain(envelope.to.iter().map(String::as_str))
        .peekable();
    all.peek().is_some()
        && in_company(from)
        && envelope.reply_to_email.as_deref().is_none_or(in_company)
        && all.all(in_company)
}

/// `domain` is the company's: the parent of one of carousel's Message-ID
/// domains (`acme.example` for `carousel.acme.example`), or under it.
fn is_company_domain(domain: &str, ctx: &Context) -> bool {
    ctx.own_message_id_domains.iter().any(|d| {
        let d = d.to_ascii_lowercase();
        // The parent, when it still has a dot (never a bare TLD).
        let company = match d.split_once('.') {
            Some((_, parent)) if parent.contains('.') => parent.to_string(),
            _ => d.clone(),
        };
        !company.is_empty()
            && (domain == company || domain.ends_with(&format!(".{company}")) || domain == d)
    })
}

/// "Re:", "RE:", "AW:", "SV:", "Antw:", "R:", "RES:", "回复:", "返信:" …
pub fn is_reply_subject(subject: &str) -> bool {
    static RE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)^\s*(?:\[[^\]]{0,40}\]\s*)?(?:re|aw|sv|vs|antw|antwort|r|rif|res|ref|réf|odp|ynt|回复|回覆|答复|返信)\s*(?:\[\d+\])?\s*[:：]").unwrap()
    });
    RE.is_match(subject)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        Context {
            own_message_id_domains: vec!["carousel.acme.example".into()],
            ..Context::default()
        }
    }

    #[test]
    fn own_in_reply_to_is_ours_whatever_the_local_part() {
        let env = Envelope {
            in_reply_to: vec!["c1.e42.s2@carousel.acme.example".into()],
            ..Envelope::default()
        };
        let l = campaign_link(&env, &[], "", &ctx()).unwrap();
        assert_eq!((l.how.as_str(), l.ours), ("in-reply-to", true));
    }

    #[test]
    fn own_id_deep_in_references_wins_over_foreign_in_reply_to() {
        let env = Envelope {
            in_reply_to: vec!["abc@mail.gmail.com".into()],
            references: vec![
                "x.e9.s1@carousel.acme.example".into(),
                "abc@mail.gmail.com".into(),
            ],
            ..Envelope::default()
        };
        let l = campaign_link(&env, &[], "", &ctx()).unwrap();
        assert_eq!((l.how.as_str(), l.ours), ("references", true));
    }

    #[test]
    fn verp_and_plus_addresses_are_found() {
        let env = Envelope::default();
        let l = campaign_link(
            &env,
            &["bounces-e42-s2=sam=example.com@acme.example".into()],
            "",
            &ctx(),
        )
        .unwrap();
        assert_eq!((l.how.as_str(), l.ours), ("verp", true));
        let l = campaign_link(&env, &["reply+e42.s2@acme.example".into()], "", &ctx()).unwrap();
        assert_eq!((l.how.as_str(), l.ours), ("plus-address", true));
        assert!(campaign_link(&env, &["sam+news@gmail.com".into()], "", &ctx()).is_none());
    }

    #[test]
    fn re_subject_with_quoted_original_is_a_reply_without_headers() {
        let env = Envelope {
            subject: Some("Re: Solar for your roof".into()),
            ..Envelope::default()
        };
        let text =
            "Yes please.\n\nOn Mon, Nov 2, 2026 at 9:00 AM Dana <dana@acme.example> wrote:\n> Hi\n";
        let l = campaign_link(&env, &[], text, &ctx()).unwrap();
        assert_eq!((l.how.as_str(), l.ours), ("quoted-original", false));
        assert!(campaign_link(&env, &[], "Yes please.", &ctx()).is_none());
        let plain = Envelope {
            subject: Some("Solar".into()),
            ..Envelope::default()
        };
        assert!(campaign_link(&plain, &[], text, &ctx()).is_none());
    }
}
