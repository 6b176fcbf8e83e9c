//! Territories: which rep covers a lead's postcode or country. A territory
//! entry is an ISO country code ("DE"), a postcode prefix ("803", "SW1"), or
//! both ("DE:80"). The most specific match wins: a longer postcode prefix
//! beats a shorter one, a prefix tied to the right country beats a bare
//! prefix, and any postcode match beats a country-only match.

use serde::{Deserialize, Serialize};

use crate::understand::Contact;

/// Where a lead is, as far as routing cares.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadFacts {
    pub postcode: Option<String>,
    /// ISO code or a common name ("Germany", "Deutschland", "日本").
    pub country: Option<String>,
}

impl LeadFacts {
    /// The location facts of a contact.
    pub fn of(contact: &Contact) -> LeadFacts {
        LeadFacts {
            postcode: contact.postcode.clone(),
            country: contact.country.clone(),
        }
    }
}

/// How well one territory entry fits a lead; higher is more specific.
/// `None` when it does not fit.
pub fn specificity(entry: &str, lead: &LeadFacts) -> Option<u32> {
    let entry = entry.trim();
    let (country, prefix) = match entry.split_once(':') {
        Some((c, p)) => (Some(c.trim()), Some(p.trim())),
        None if entry.len() == 2 && entry.chars().all(|c| c.is_ascii_alphabetic()) => {
            (Some(entry), None)
        }
        None => (None, Some(entry)),
    };
    let lead_country = lead.country.as_deref().and_then(country_code);
    let lead_postcode = lead.postcode.as_deref().map(normalize_postcode);
    let country_fits = country.map(|c| lead_country.is_some() && lead_country == country_code(c));
    if country_fits == Some(false) {
        return None;
    }
    match prefix.map(normalize_postcode).filter(|p| !p.is_empty()) {
        None => country_fits.map(|_| 1),
        Some(prefix) => {
            if !lead_postcode.is_some_and(|p| p.starts_with(&prefix)) {
                return None;
            }
            let length = u32::try_from(prefix.chars().count()).unwrap_or(u32::MAX / 4);
            Some(10 + length.saturating_mul(2) + u32::from(country_fits == Some(true)))
        }
    }
}

/// A human-readable form of what a territory entry matched, for reasons.
pub fn describe(entry: &str, lead: &LeadFacts) -> String {
    format!("territory {} ({})", entry.trim(), place(lead))
}

/// Where the lead is, for reasons: "postcode 80331, DE", "no location".
pub fn place(lead: &LeadFacts) -> String {
    match (&lead.postcode, &lead.country) {
        (Some(p), Some(c)) => format!("postcode {p}, {c}"),
        (Some(p), None) => format!("postcode {p}"),
        (None, Some(c)) => format!("country {c}"),
        (None, None) => "no location".to_string(),
    }
}

/// Uppercase letters and digits only: "sw1a 1aa" → "SW1A1AA", "〒100-0001" → "1000001".
pub fn normalize_postcode(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// ISO 3166 alpha-2 code of a country code or a common name, uppercased.
pub fn country_code(raw: &str) -> Option<String> {
    let t = raw.trim().trim_end_matches('.').to_lowercase();
    if t.len() == 2 && t.chars().all(|c| c.is_ascii_alphabetic()) {
        let code = t.to_ascii_uppercase();
        // "UK" is the common name; ISO says GB.
        return Some(if code == "UK" { "GB".into() } else { code });
    }
    const NAMES: &[(&str, &[&str])] = &[
        (
            "DE",
            &[
                "germany",
                "deutschland",
                "allemagne",
                "alemania",
                "ドイツ",
                "deu",
            ],
        ),
        ("AT", &["austria", "österreich", "oesterreich", "aut"]),
        (
            "CH",
            &["switzerland", "schweiz", "suisse", "svizzera", "che"],
        ),
        (
            "GB",
            &[
                "united kingdom",
                "great britain",
                "england",
                "scotland",
                "wales",
                "gbr",
            ],
        ),
        ("IE", &["ireland", "irl"]),
        (
            "US",
            &[
                "united states",
                "united states of america",
                "usa",
                "u.s.a",
                "u.s",
                "america",
                "アメリカ",
            ],
        ),
        ("CA", &["canada", "can"]),
        ("MX", &["mexico", "méxico", "mex"]),
        ("ES", &["spain", "españa", "espana", "esp"]),
        ("FR", &["france", "frankreich", "fra"]),
        ("IT", &["italy", "italia", "italien", "ita"]),
        (
            "NL",
            &[
                "netherlands",
                "the netherlands",
                "holland",
                "nederland",
                "niederlande",
                "nld",
            ],
        ),
        ("BE", &["belgium", "belgique", "belgië", "belgien", "bel"]),
        ("JP", &["japan", "日本", "nippon", "jpn"]),
        ("AU", &["australia", "aus"]),
        ("NZ", &["new zealand", "nzl"]),
        ("SE", &["sweden", "sverige", "schweden", "swe"]),
        ("DK", &["denmark", "danmark", "dänemark", "dnk"]),
        ("NO", &["norway", "norge", "norwegen", "nor"]),
        ("PL", &["poland", "polska", "polen", "pol"]),
        ("BR", &["brazil", "brasil", "bra"]),
        ("IN", &["india", "ind"]),
        ("CN", &["china", "中国", "chn"]),
        ("KR", &["south korea", "korea", "한국", "kor"]),
    ];
    NAMES
        .iter()
        .find(|(_, names)| names.contains(&t.as_str()))
        .map(|(code, _)| (*code).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(postcode: Option<&str>, country: Option<&str>) -> LeadFacts {
        LeadFacts {
            postcode: postcode.map(str::to_string),
            country: country.map(str::to_string),
        }
    }

    #[test]
    fn longer_prefix_and_country_are_more_specific() {
        let munich = lead(Some("80331"), Some("Germany"));
        let a = specificity("80", &munich).unwrap();
        let b = specificity("803", &munich).unwrap();
        let c = specificity("DE:803", &munich).unwrap();
        let d = specificity("DE", &munich).unwrap();
        assert!(d < a && a < b && b < c);
        assert_eq!(specificity("AT", &munich), None);
        assert_eq!(specificity("AT:80", &munich), None);
        assert_eq!(specificity("81", &munich), None);
        assert_eq!(specificity("DE", &lead(None, None)), None);
        assert_eq!(
            specificity("SW1", &lead(Some("sw1a 1aa"), Some("UK"))),
            Some(16)
        );
        assert_eq!(specificity("GB", &lead(None, Some("UK"))), Some(1));
    }
}
