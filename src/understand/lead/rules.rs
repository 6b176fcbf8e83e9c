//! Provider rules from config, and the built-in table of known lead providers.
//!
//! A rule names the senders it applies to and how to read fields the generic
//! extractor would miss: a regex with one capture group per field, or a map
//! from the provider's own labels to carousel's fields. What a rule reads beats
//! what the generic extractor reads.

use std::collections::BTreeMap;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::labels::Field;

pub mod learn;

/// A provider rule from config (`[[provider]]` in TOML).
///
/// ```toml
/// [[provider]]
/// name = "roofquotes"
/// sender = ["@roofquotes.example", "leads@partner.example"]
/// subject = "^New (?:roof|solar) lead"          # optional
/// fields = { phone = 'Callback:\s*(\+?[\d ()-]+)', interest = 'Project type:\s*(.+)' }
/// labels = { "Kundenname" = "name", "Rückruf" = "phone" }
/// partner = false
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderRule {
    /// The provider's name; recorded as the lead's `provider` and as
    /// `rule:NAME` in the lead's `source`.
    pub name: String,
    /// Sender addresses (`leads@example.com`) or domains (`@formspree.io`,
    /// `formspree.io`); a domain also matches its subdomains. Compared with
    /// the `From`, the `Sender` and, for forwards, the original sender.
    pub sender: Vec<String>,
    /// Optional regex the Subject must match too (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Field → regex with exactly one capture group, run over the body text.
    /// Fields: email, name, first_name, last_name, phone, company, title,
    /// postcode, country, interest, message, timeline.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// Field → regex with exactly one capture group, run over the Subject
    /// (a notification that carries the value only in its subject line).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub subject_fields: BTreeMap<String, String>,
    /// The provider's label (as printed, case-insensitive) → field, for forms
    /// whose labels the built-in dictionary does not know.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Counts as a partner-sourced lead.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partner: bool,
    /// Require an aligned DKIM/SPF/DMARC pass (read from the trusted
    /// `Authentication-Results`, see `[auth]`) for mail claiming these senders;
    /// a lead that fails is flagged and never ranked hot.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub require_auth: bool,
}

/// Checks a rule as `carousel check` reports it: senders present, regexes
/// valid with exactly one capture group, field names known.
pub fn validate_rule(rule: &ProviderRule) -> Result<(), String> {
    match rule_problems(rule).into_iter().next() {
        Some(p) => Err(p.message),
        None => Ok(()),
    }
}

/// One problem of a rule, with the key it concerns (`sender`, `phone`, a
/// label) so a rule file can point at its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleProblem {
    pub key: Option<String>,
    pub message: String,
}

/// Every problem of a rule (see [`validate_rule`]).
pub fn rule_problems(rule: &ProviderRule) -> Vec<RuleProblem> {
    let name = &rule.name;
    let mut out = Vec::new();
    let mut push = |key: Option<&str>, message: String| {
        out.push(RuleProblem {
            key: key.map(str::to_string),
            message,
        })
    };
    if name.trim().is_empty() {
        push(Some("name"), "provider rule needs a `name`".into());
    }
    if rule.sender.iter().all(|s| s.trim().is_empty()) {
        push(
            Some("sender"),
            format!("provider {name:?}: `sender` needs at least one address or domain"),
        );
    }
    if let Some(subject) = &rule.subject
        && let Err(e) = Regex::new(subject)
    {
        push(
            Some("subject"),
            format!("provider {name:?} subject: bad regex: {e}"),
        );
    }
    for (table, map) in [
        ("fields", &rule.fields),
        ("subject_fields", &rule.subject_fields),
    ] {
        for (field, pattern) in map {
            if let Err(e) = check_field(name, field) {
                push(Some(field), e);
                continue;
            }
            match Regex::new(pattern) {
                Err(e) => push(
                    Some(field),
                    format!("provider {name:?} {table} {field:?}: bad regex: {e}"),
                ),
                Ok(re) => {
                    let groups = re.captures_len() - 1;
                    if groups != 1 {
                        push(
                            Some(field),
                            format!(
                                "provider {name:?} {table} {field:?}: regex needs exactly one capture group, has {groups}"
                            ),
                        );
                    }
                }
            }
        }
    }
    for (label, field) in &rule.labels {
        if label.trim().is_empty() {
            push(
                Some("labels"),
                format!("provider {name:?}: empty label in `labels`"),
            );
        } else if let Err(e) = check_field(name, field) {
            push(Some(label), e);
        }
    }
    out
}

fn check_field(rule: &str, field: &str) -> Result<(), String> {
    match Field::from_key(field) {
        Some(Field::Ignore | Field::NameAndEmail | Field::Subject) | None => Err(format!(
            "provider {rule:?}: unknown field {field:?} (use email, name, first_name, last_name, phone, company, title, postcode, country, interest, message, timeline)"
        )),
        Some(_) => Ok(()),
    }
}

/// A rule as the TOML of a rule file (`config/providers/NAME.toml`): the
/// keys of a `[[provider]]` table, at the top level, after a comment.
pub fn rule_file_text(rule: &ProviderRule, comment: &str) -> String {
    let mut out = String::new();
    for line in comment.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    // A rule always serialises: strings, string lists, string maps, booleans.
    out.push_str(&toml::to_string(rule).unwrap_or_default());
    out
}

/// True when `email` (lowercase) matches one of the rule's senders.
pub fn sender_matches(pattern: &str, email: &str) -> bool {
    let p = pattern.trim().to_lowercase();
    if p.is_empty() {
        return false;
    }
    if p.contains('@') && !p.starts_with('@') {
        return p == email;
    }
    let domain = p.trim_start_matches('@');
    let Some((_, host)) = email.rsplit_once('@') else {
        return false;
    };
    host == domain || host.ends_with(&format!(".{domain}"))
}

/// The first rule that applies to a message from one of `senders`.
pub fn matching_rule<'r>(
    rules: &'r [ProviderRule],
    senders: &[&str],
    subject: &str,
) -> Option<&'r ProviderRule> {
    rules.iter().find(|r| {
        r.sender
            .iter()
            .any(|p| senders.iter().any(|s| sender_matches(p, s)))
            && r.subject.as_ref().is_none_or(|re| {
                compiled(&format!("(?i){re}")).is_some_and(|re| re.is_match(subject))
            })
    })
}

/// A rule's regex, compiled once per process: rules run on every message
/// of their provider (and `reprocess` on thousands). Bounded: the cache is
/// emptied when it holds more patterns than any sane config has.
fn compiled(pattern: &str) -> Option<Regex> {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static CACHE: once_cell::sync::Lazy<Mutex<HashMap<String, Option<Regex>>>> =
        once_cell::sync::Lazy::new(|| Mutex::new(HashMap::new()));
    if let Ok(cache) = CACHE.lock()
        && let Some(hit) = cache.get(pattern)
    {
        return hit.clone();
    }
    let re = Regex::new(pattern).ok();
    if let Ok(mut cache) = CACHE.lock() {
        if cache.len() >= 4096 {
            cache.clear();
        }
        cache.insert(pattern.to_string(), re.clone());
    }
    re
}

/// Runs a rule's field regexes over `text`: field → first capture.
pub fn rule_fields(rule: &ProviderRule, text: &str) -> Vec<(Field, String)> {
    run_patterns(&rule.fields, text)
}

/// Runs a rule's subject regexes over the Subject: field → first capture.
pub fn rule_subject_fields(rule: &ProviderRule, subject: &str) -> Vec<(Field, String)> {
    run_patterns(&rule.subject_fields, subject)
}

fn run_patterns(patterns: &BTreeMap<String, String>, text: &str) -> Vec<(Field, String)> {
    let mut out = Vec::new();
    for (field, pattern) in patterns {
        let Some(field) = Field::from_key(field) else {
            continue;
        };
        // Invalid patterns are reported by `validate_rule`; here they just do nothing.
        let Some(re) = compiled(pattern) else {
            continue;
        };
        if let Some(value) = re
            .captures(text)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().trim().to_string())
            && !value.is_empty()
        {
            out.push((field, value));
        }
    }
    out
}

/// The field a rule's label map gives `label`, if any.
pub fn rule_label(rule: &ProviderRule, label: &str) -> Option<Field> {
    let l = label.trim().to_lowercase();
    rule.labels
        .iter()
        .find(|(k, _)| k.trim().to_lowercase() == l)
        .and_then(|(_, f)| Field::from_key(f))
}

/// Known form services and marketplaces, by sender domain.
const KNOWN_PROVIDERS: &[(&str, &str)] = &[
    ("formspree.io", "formspree"),
    ("jotform.com", "jotform"),
    ("jotform.eu", "jotform"),
    ("typeform.com", "typeform"),
    ("typeform.io", "typeform"),
    ("hubspot.com", "hubspot"),
    ("hubspotemail.net", "hubspot"),
    ("hs-email.net", "hubspot"),
    ("facebookmail.com", "facebook"),
    ("facebook.com", "facebook"),
    ("linkedin.com", "linkedin"),
    ("wufoo.com", "wufoo"),
    ("formstack.com", "formstack"),
    ("cognitoforms.com", "cognito_forms"),
    ("123formbuilder.com", "123formbuilder"),
    ("paperform.co", "paperform"),
    ("tally.so", "tally"),
    ("netlify.com", "netlify"),
    ("webflow.com", "webflow"),
    ("wix.com", "wix"),
    ("wixforms.com", "wix"),
    ("squarespace.com", "squarespace"),
    ("squarespace-mail.com", "squarespace"),
    ("squarespace.info", "squarespace"),
    ("wix-forms.com", "wix"),
    ("zapier.com", "zapier"),
    ("google.com", "google"),
    ("salesforce.com", "salesforce"),
    ("pardot.com", "pardot"),
    ("marketo.com", "marketo"),
    ("mailchimp.com", "mailchimp"),
    ("yelp.com", "yelp"),
    ("thumbtack.com", "thumbtack"),
    ("angi.com", "angi"),
    ("homeadvisor.com", "homeadvisor"),
    ("houzz.com", "houzz"),
    ("bark.com", "bark"),
    ("porch.com", "porch"),
    ("networx.com", "networx"),
    ("g2.com", "g2"),
    ("capterra.com", "capterra"),
    ("getapp.com", "getapp"),
    ("autotrader.com", "autotrader"),
    ("cars.com", "cars.com"),
    ("cargurus.com", "cargurus"),
    ("edmunds.com", "edmunds"),
    ("truecar.com", "truecar"),
    ("kbb.com", "kbb"),
    ("zillow.com", "zillow"),
    ("realtor.com", "realtor.com"),
    ("trulia.com", "trulia"),
    ("form.run", "formrun"),
    ("formrun.jp", "formrun"),
    ("formzu.net", "formzu"),
    ("tayori.com", "tayori"),
    ("suumo.jp", "suumo"),
    ("homes.co.jp", "lifull_homes"),
    ("athome.co.jp", "athome"),
    ("carsensor.net", "carsensor"),
    ("goo-net.com", "goo-net"),
    ("immobilienscout24.de", "immobilienscout24"),
    ("immowelt.de", "immowelt"),
    ("mobile.de", "mobile.de"),
    ("autoscout24.de", "autoscout24"),
    ("autoscout24.com", "autoscout24"),
    ("check24.de", "check24"),
    ("myhammer.de", "myhammer"),
    ("idealista.com", "idealista"),
    ("fotocasa.es", "fotocasa"),
    ("habitaclia.com", "habitaclia"),
    ("coches.net", "coches.net"),
    ("milanuncios.com", "milanuncios"),
    ("seloger.com", "seloger"),
    ("leboncoin.fr", "leboncoin"),
    ("pap.fr", "pap"),
    ("lacentrale.fr", "lacentrale"),
    ("habitatpresto.com", "habitatpresto"),
];

/// The provider name of a sender domain: the table's name, else the domain.
pub fn provider_of_domain(domain: &str) -> String {
    let d = domain.trim().trim_start_matches('@').to_lowercase();
    for (known, name) in KNOWN_PROVIDERS {
        if is_domain_or_subdomain(&d, known) {
            return (*name).to_string();
        }
    }
    d
}

/// True when the domain belongs to a known form service or marketplace.
pub fn is_known_provider(domain: &str) -> bool {
    let d = domain.trim().to_lowercase();
    KNOWN_PROVIDERS
        .iter()
        .any(|(known, _)| is_domain_or_subdomain(&d, known))
}

/// `domain` is `known` or one of its subdomains (`mail.known`); no
/// `format!` per table entry (this runs for every message).
fn is_domain_or_subdomain(domain: &str, known: &str) -> bool {
    domain
        .strip_suffix(known)
        .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rules_are_reported() {
        let mut rule = ProviderRule {
            name: "x".into(),
            sender: vec!["@x.io".into()],
            ..ProviderRule::default()
        };
        assert!(validate_rule(&rule).is_ok());
        rule.fields.insert("phone".into(), "Phone: (".into());
        assert!(validate_rule(&rule).unwrap_err().contains("bad regex"));
        rule.fields.insert("phone".into(), r"Phone: \d+".into());
        assert!(
            validate_rule(&rule)
                .unwrap_err()
                .contains("one capture group")
        );
        rule.fields.insert("phone".into(), r"Phone: (\d+)".into());
        rule.fields
            .insert("shoe_size".into(), r"Size: (\d+)".into());
        assert!(validate_rule(&rule).unwrap_err().contains("unknown field"));
    }

    #[test]
    fn rule_files_round_trip() {
        let mut rule = ProviderRule {
            name: "quotebox".into(),
            sender: vec!["@quotebox.example".into()],
            ..ProviderRule::default()
        };
        rule.fields.insert(
            "phone".into(),
            r#"(?im)^[^\S\n]*Callback no\.:[ \t]*(\+?[0-9 ()\-]{5,}[0-9])"#.into(),
        );
        rule.subject_fields.insert(
            "interest".into(),
            r"(?i)about[ \t]*([^\s][^\n]{0,299}?)[ \t]*via".into(),
        );
        rule.labels.insert("Contact person".into(), "name".into());
        let text = rule_file_text(&rule, "learned from x.eml\nedit freely");
        assert!(
            text.starts_with("# learned from x.eml\n# edit freely\n"),
            "{text}"
        );
        assert!(!text.contains("partner"), "defaults are left out: {text}");
        let back: ProviderRule = toml::from_str(&text).unwrap();
        assert_eq!(back, rule);
        assert!(validate_rule(&back).is_ok());
    }

    #[test]
    fn senders_match_domains_and_addresses() {
        assert!(sender_matches("@formspree.io", "noreply@mail.formspree.io"));
        assert!(sender_matches("formspree.io", "noreply@formspree.io"));
        assert!(sender_matches("leads@x.io", "leads@x.io"));
        assert!(!sender_matches("leads@x.io", "other@x.io"));
        assert_eq!(provider_of_domain("mail.hubspot.com"), "hubspot");
        assert_eq!(
            provider_of_domain("acme-solar.example"),
            "acme-solar.example"
        );
    }
}
