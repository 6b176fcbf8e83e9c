//! Sender authenticity: may carousel believe the `From` of a lead notification?
//!
//! carousel does not query DNS itself. It trusts the verdict of the receiving
//! mail server, written in an `Authentication-Results` header (RFC 8601), but
//! only from the server the operator names (`[auth] trust_authserv_id`):
//! anybody can write such a header into a message, so headers with any other
//! authserv-id are ignored, and of the trusted ones only the topmost (the one
//! the receiving MX prepended last) is read.
//!
//! A provider rule with `require_auth = true` makes the check mandatory: a
//! message whose `From` (or `Sender`) claims that provider's domain must carry
//! an *aligned* pass — `dmarc=pass`, or `dkim=pass` with `header.d` aligned to
//! the From domain, or `spf=pass` with `smtp.mailfrom` aligned. Otherwise the
//! [`SenderAuth`] says so and scoring never ranks the lead hot.
//!
//! Alignment is relaxed: one domain equal to, or a subdomain of, the other.
//! (A public-suffix list would be exact; a provider domain is never a public
//! suffix, so the approximation only errs on the strict side.)

use serde::{Deserialize, Serialize};

/// The `[auth]` settings understanding needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// authserv-id of the receiving MX whose `Authentication-Results` are
    /// believed (`mx.example.test`). Unset: no header is believed, so a
    /// provider rule with `require_auth` never passes.
    #[serde(default)]
    pub trust_authserv_id: Option<String>,
}

/// What carousel concluded about the sender of one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SenderAuth {
    /// True when a trusted header reports an aligned pass for the From domain.
    pub aligned_pass: bool,
    /// True when a provider rule required an aligned pass for this sender.
    pub required: bool,
    /// The provider rule that required it, if any.
    pub rule: Option<String>,
    /// What was read, for the log and the explanation
    /// ("dmarc=pass (mx.example.test)", "no trusted Authentication-Results").
    pub detail: String,
}

impl SenderAuth {
    /// True when a rule required authentication and the sender did not pass:
    /// the lead is flagged and never ranked hot.
    pub fn failed(&self) -> bool {
        self.required && !self.aligned_pass
    }
}

/// Checks the sender of a message. `None` when nothing asks for a check and
/// no trusted header exists (the common zero-config case).
pub fn check(
    raw: &[u8],
    from_email: Option<&str>,
    sender_email: Option<&str>,
    rules: &[super::lead::ProviderRule],
    config: &AuthConfig,
) -> Option<SenderAuth> {
    let claimed: Vec<&str> = [from_email, sender_email].into_iter().flatten().collect();
    // Any require_auth rule whose senders cover the claimed address applies,
    // whatever its subject filter: the domain is what a spoofer borrows.
    let rule = rules.iter().filter(|r| r.require_auth).find(|r| {
        r.sender.iter().any(|p| {
            claimed
                .iter()
                .any(|s| super::lead::rules::sender_matches(p, s))
        })
    });
    let trusted = config
        .trust_authserv_id
        .as_deref()
        .and_then(|id| trusted_results(raw, id));
    if rule.is_none() && trusted.is_none() {
        return None;
    }
    let from_domain = from_email.and_then(domain_of).unwrap_or("");
    let (aligned_pass, detail) = match &trusted {
        None => (
            false,
            match &config.trust_authserv_id {
                Some(id) => format!("no Authentication-Results from {id}"),
                None => "no trusted Authentication-Results ([auth] trust_authserv_id unset)".into(),
            },
        ),
        Some(results) => {
            let pass = aligned(results, from_domain);
            (pass.is_some(), pass.unwrap_or_else(|| summary(results)))
        }
    };
    Some(SenderAuth {
        aligned_pass,
        required: rule.is_some(),
        rule: rule.map(|r| r.name.clone()),
        detail,
    })
}

/// One `method=result` of an Authentication-Results header with its properties.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MethodResult {
    method: String,
    result: String,
    /// `header.d`, `header.from`, `smtp.mailfrom`, ... → value (lowercase).
    props: Vec<(String, String)>,
}

impl MethodResult {
    fn prop(&self, name: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The results of the topmost `Authentication-Results` header whose
/// authserv-id is `trusted` (case-insensitive).
fn trusted_results(raw: &[u8], trusted: &str) -> Option<Vec<MethodResult>> {
    let trusted = trusted.trim().to_ascii_lowercase();
    header_values(raw, "authentication-results")
        .into_iter()
        .find_map(|value| {
            let value = strip_comments(&value);
            let (id_part, rest) = value.split_once(';').unwrap_or((value.as_str(), ""));
            // authserv-id, optionally followed by a version number.
            let id = id_part.split_whitespace().next()?.to_ascii_lowercase();
            (id == trusted).then(|| parse_results(rest))
        })
}

/// The unfolded values of every header called `name`, topmost first. Reads
/// only the header block, at most 256 KiB of it.
fn header_values(raw: &[u8], name: &str) -> Vec<String> {
    let head = crate::understand::headers_of(raw);
    let text = String::from_utf8_lossy(head);
    let mut out: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(v) = current.as_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        out.extend(current.take());
        if let Some((n, v)) = line.split_once(':')
            && n.trim().eq_ignore_ascii_case(name)
        {
            current = Some(v.trim().to_string());
        }
        if out.len() >= 64 {
            break;
        }
    }
    out.extend(current);
    out
}

/// Removes RFC 5322 comments (`(...)`, nested) and lowercases nothing.
fn strip_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// `dkim=pass header.d=x.example; spf=fail smtp.mailfrom=y` → results.
fn parse_results(rest: &str) -> Vec<MethodResult> {
    rest.split(';')
        .filter_map(|stmt| {
            let mut words = stmt.split_whitespace();
            let (method, result) = words.next()?.split_once('=')?;
            let props = words
                .filter_map(|w| w.split_once('='))
                .map(|(k, v)| {
                    (
                        k.to_ascii_lowercase(),
                        v.trim_matches('"').to_ascii_lowercase(),
                    )
                })
                .collect();
            Some(MethodResult {
                method: method.to_ascii_lowercase(),
                result: result.to_ascii_lowercase(),
                props,
            })
        })
        .take(32)
        .collect()
}

/// `Some(detail)` when the results hold an aligned pass for `from_domain`.
fn aligned(results: &[MethodResult], from_domain: &str) -> Option<String> {
    if from_domain.is_empty() {
        return None;
    }
    let from_domain = from_domain.to_ascii_lowercase();
    for r in results.iter().filter(|r| r.result == "pass") {
        let domain = match r.method.as_str() {
            // DMARC evaluates alignment itself; header.from names the domain.
            "dmarc" => r.prop("header.from").or(Some(from_domain.as_str())),
            "dkim" => r
                .prop("header.d")
                .or_else(|| r.prop("header.i").and_then(domain_of)),
            "spf" => r
                .prop("smtp.mailfrom")
                .map(|m| domain_of(m).unwrap_or(m))
                .or_else(|| r.prop("smtp.helo")),
            _ => None,
        };
        if let Some(d) = domain
            && relaxed_aligned(d, &from_domain)
        {
            return Some(format!(
                "{}=pass {}={d}",
                r.method,
                alignment_prop(&r.method)
            ));
        }
    }
    None
}

fn alignment_prop(method: &str) -> &'static str {
    match method {
        "dkim" => "header.d",
        "spf" => "smtp.mailfrom",
        _ => "header.from",
    }
}

fn summary(results: &[MethodResult]) -> String {
    if results.is_empty() {
        return "no results in the trusted header".into();
    }
    let parts: Vec<String> = results
        .iter()
        .map(|r| format!("{}={}", r.method, r.result))
        .collect();
    format!("no aligned pass ({})", parts.join(", "))
}

/// Relaxed alignment: equal, or one a subdomain of the other.
fn relaxed_aligned(a: &str, b: &str) -> bool {
    let a = a.trim_end_matches('.');
    let b = b.trim_end_matches('.');
    !a.is_empty()
        && !b.is_empty()
        && (a == b || a.ends_with(&format!(".{b}")) || b.ends_with(&format!(".{a}")))
}

fn domain_of(email: &str) -> Option<&str> {
    email
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::understand::lead::ProviderRule;

    fn rule() -> ProviderRule {
        ProviderRule {
            name: "roofquotes".into(),
            sender: vec!["@roofquotes.example".into()],
            require_auth: true,
            ..ProviderRule::default()
        }
    }

    fn cfg() -> AuthConfig {
        AuthConfig {
            trust_authserv_id: Some("mx.acme.test".into()),
        }
    }

    fn msg(headers: &str) -> Vec<u8> {
        format!("{headers}From: leads@roofquotes.example\r\nSubject: New lead\r\n\r\nName: A\r\n")
            .into_bytes()
    }

    #[test]
    fn trusted_dmarc_pass_is_believed() {
        let raw = msg(
            "Authentication-Results: mx.acme.test;\r\n dkim=pass header.d=roofquotes.example;\r\n dmarc=pass (p=reject) header.from=roofquotes.example\r\n",
        );
        let a = check(
            &raw,
            Some("leads@roofquotes.example"),
            None,
            &[rule()],
            &cfg(),
        )
        .unwrap();
        assert!(a.aligned_pass && a.required && !a.failed(), "{a:?}");
    }

    #[test]
    fn a_header_from_another_authserv_id_is_ignored() {
        let raw = msg(
            "Authentication-Results: mx.acme.test; spf=fail smtp.mailfrom=evil.example\r\nAuthentication-Results: attacker.example; dmarc=pass header.from=roofquotes.example\r\n",
        );
        let a = check(
            &raw,
            Some("leads@roofquotes.example"),
            None,
            &[rule()],
            &cfg(),
        )
        .unwrap();
        assert!(a.failed(), "{a:?}");
        assert!(a.detail.contains("spf=fail"), "{a:?}");
    }

    #[test]
    fn only_the_topmost_trusted_header_counts() {
        // The sender forged a second header with our id below the real one.
        let raw = msg(
            "Authentication-Results: mx.acme.test; dkim=none; spf=softfail smtp.mailfrom=evil.example\r\nAuthentication-Results: mx.acme.test; dmarc=pass header.from=roofquotes.example\r\n",
        );
        let a = check(
            &raw,
            Some("leads@roofquotes.example"),
            None,
            &[rule()],
            &cfg(),
        )
        .unwrap();
        assert!(a.failed(), "{a:?}");
    }

    #[test]
    fn unaligned_dkim_pass_is_not_enough() {
        let raw = msg(
            "Authentication-Results: mx.acme.test; dkim=pass header.d=bulkmailer.example; spf=pass smtp.mailfrom=bounce@bulkmailer.example\r\n",
        );
        let a = check(
            &raw,
            Some("leads@roofquotes.example"),
            None,
            &[rule()],
            &cfg(),
        )
        .unwrap();
        assert!(a.failed(), "{a:?}");
        let sub = msg(
            "Authentication-Results: mx.acme.test (Postfix); dkim=pass header.d=mail.roofquotes.example\r\n",
        );
        let a = check(
            &sub,
            Some("leads@roofquotes.example"),
            None,
            &[rule()],
            &cfg(),
        )
        .unwrap();
        assert!(!a.failed(), "relaxed alignment: {a:?}");
    }

    #[test]
    fn no_trusted_header_fails_a_required_check() {
        let raw = msg("");
        let a = check(
            &raw,
            Some("leads@roofquotes.example"),
            None,
            &[rule()],
            &cfg(),
        )
        .unwrap();
        assert!(a.failed());
        let none = check(
            &raw,
            Some("leads@roofquotes.example"),
            None,
            &[rule()],
            &AuthConfig::default(),
        )
        .unwrap();
        assert!(none.failed());
    }

    #[test]
    fn other_senders_are_not_checked_without_a_trusted_header() {
        let raw = msg("");
        assert!(check(&raw, Some("sam@example.org"), None, &[rule()], &cfg()).is_none());
        let unrequired = ProviderRule {
            require_auth: false,
            ..rule()
        };
        assert!(
            check(
                &raw,
                Some("leads@roofquotes.example"),
                None,
                &[unrequired],
                &cfg()
            )
            .is_none()
        );
    }
}
