//! Facts read from free text for scoring: company or fleet size and product
//! keywords. Text is hostile input, so every scan is bounded to the first
//! [`MAX_SCAN_BYTES`] and uses linear-time regexes.

use once_cell::sync::Lazy;
use regex::Regex;

use super::config::{Product, SizePoints};

/// Only the start of a long message is read for size and product words;
/// prospects say what they need near the top.
pub const MAX_SCAN_BYTES: usize = 16 * 1024;

/// How big the prospect's organisation is, as far as the text says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeClass {
    Large,
    Medium,
    Small,
}

/// A size statement and the words it came from (for the explanation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeSignal {
    pub class: SizeClass,
    pub evidence: String,
}

/// A count: digits with thousands separators ("1,200", "1.200", "1 200").
const N: &str = r"(\d{1,3}(?:[,.' ]\d{3})+|\d{1,9})";

/// A number of employees: "200 employees", "1,200 Mitarbeiter", "50-100 staff".
static EMPLOYEES: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"(?i){N}\s*\+?\s*(?:employees|employes|staff|people|workers|headcount|fte|users|seats|mitarbeiter(?:innen|n)?|beschäftigte[n]?|angestellte[n]?|empleados|trabajadores|salariés|employés|collaborateurs)\b",
    ))
    .expect("static regex")
});

/// Employees stated first: "staff of 40", "Mitarbeiterzahl: 250", "社員数 300名".
static EMPLOYEES_LABEL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"(?i)(?:\b(?:staff of|team of|headcount|company size|employees|number of employees|mitarbeiterzahl|mitarbeiter|anzahl mitarbeiter|empleados|número de empleados|effectif)\s*[:：]?\s*(?:of\s+|about\s+|around\s+|approx\.?\s+|ca\.?\s+|über\s+|over\s+|more than\s+|~\s*)?|(?:社員数|従業員数|従業員|職員数|社員)\s*[:：]?\s*(?:約|およそ)?\s*){N}",
    ))
    .expect("static regex")
});

/// A fleet: "fleet of 40", "40 vehicles", "Fuhrpark mit 40 Fahrzeugen", "車両 40台".
static FLEET: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"(?i)(?:\b(?:fleet of|fleet size|fleet|flotte von|flotte mit|fuhrpark mit|fuhrpark von|fuhrpark|flota de|flota)\s*[:：]?\s*(?:about\s+|around\s+|approx\.?\s+|ca\.?\s+|over\s+|~\s*)?{N}|{N}\s*\+?\s*(?:vehicles|trucks|vans|cars|lorries|buses|fahrzeuge[n]?|lkw|pkw|camiones|vehículos|coches)\b|(?:車両|社用車|トラック)(?:数)?\s*[:：]?\s*(?:約)?\s*{N}\s*台)",
    ))
    .expect("static regex")
});

/// Size words without a number.
static LARGE_WORDS: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)\b(?:enterprise|corporation|multinational|fortune\s*500|nationwide|global company|großunternehmen|grossunternehmen|konzern|gran empresa|multinacional|grande entreprise)\b|大企業|大手企業|上場企業",
    )
    .expect("static regex")
});

static SMALL_WORDS: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)\b(?:small business|sole trader|sole proprietor|freelancer|self-employed|one-man|kleinunternehmen|einzelunternehmer|selbstständig|selbständig|autónomo|autoentrepreneur|micro-entreprise)\b|個人事業|個人経営|零細",
    )
    .expect("static regex")
});

/// Reads the size statement from `texts`, strongest first: a stated number
/// of employees or vehicles beats size words.
pub fn size(texts: &[&str], cfg: &SizePoints) -> Option<SizeSignal> {
    let mut best: Option<SizeSignal> = None;
    let mut keep = |candidate: SizeSignal| {
        if best
            .as_ref()
            .is_none_or(|b| rank(candidate.class) > rank(b.class))
        {
            best = Some(candidate);
        }
    };
    for text in texts {
        let text = normalize_digits(bounded(text));
        let mut numbered = false;
        for caps in EMPLOYEES
            .captures_iter(&text)
            .chain(EMPLOYEES_LABEL.captures_iter(&text))
        {
            let (Some(whole), Some(n)) =
                (caps.get(0), caps.get(1).and_then(|m| number(m.as_str())))
            else {
                continue;
            };
            numbered = true;
            keep(SizeSignal {
                class: classify(n, cfg.employees_large, cfg.employees_medium),
                evidence: whole.as_str().trim().to_string(),
            });
        }
        for caps in FLEET.captures_iter(&text) {
            let digits = caps.get(1).or(caps.get(2)).or(caps.get(3));
            let (Some(whole), Some(n)) = (caps.get(0), digits.and_then(|m| number(m.as_str())))
            else {
                continue;
            };
            numbered = true;
            keep(SizeSignal {
                class: classify(n, cfg.fleet_large, cfg.fleet_medium),
                evidence: whole.as_str().trim().to_string(),
            });
        }
        if numbered {
            continue;
        }
        if let Some(m) = LARGE_WORDS.find(&text) {
            keep(SizeSignal {
                class: SizeClass::Large,
                evidence: m.as_str().to_string(),
            });
        } else if let Some(m) = SMALL_WORDS.find(&text) {
            keep(SizeSignal {
                class: SizeClass::Small,
                evidence: m.as_str().to_string(),
            });
        }
    }
    best
}

fn rank(class: SizeClass) -> u8 {
    match class {
        SizeClass::Large => 3,
        SizeClass::Medium => 2,
        SizeClass::Small => 1,
    }
}

fn classify(n: u64, large: u64, medium: u64) -> SizeClass {
    if n >= large {
        SizeClass::Large
    } else if n >= medium {
        SizeClass::Medium
    } else {
        SizeClass::Small
    }
}

/// Parses "1,200", "1.200", "1 200" or "1'200" as 1200. Digit runs longer
/// than 9 are no plausible size and are ignored.
fn number(raw: &str) -> Option<u64> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 9 {
        return None;
    }
    digits.parse().ok()
}

/// Full-width digits and separators (common in Japanese forms) to ASCII.
fn normalize_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '，' => ',',
            c => c,
        })
        .collect()
}

/// The first [`MAX_SCAN_BYTES`] of `text`, cut at a character boundary.
pub fn bounded(text: &str) -> &str {
    if text.len() <= MAX_SCAN_BYTES {
        return text;
    }
    let mut end = MAX_SCAN_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The product whose keywords appear in `texts` and pay the most points,
/// with the keyword that matched.
pub fn best_product<'a>(texts: &[&str], products: &'a [Product]) -> Option<(&'a Product, &'a str)> {
    let lowered: Vec<String> = texts.iter().map(|t| bounded(t).to_lowercase()).collect();
    let mut best: Option<(&Product, &str)> = None;
    for product in products {
        let hit = product.keywords.iter().find(|k| {
            let k = k.trim().to_lowercase();
            !k.is_empty() && lowered.iter().any(|t| contains_word(t, &k))
        });
        if let Some(keyword) = hit
            && best.is_none_or(|(b, _)| product.points > b.points)
        {
            best = Some((product, keyword.as_str()));
        }
    }
    best
}

/// True when `needle` occurs in `haystack` as a whole word: not glued to a
/// letter or digit on either side. Scripts without spaces (CJK) match anywhere.
pub fn contains_word(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let spaced = needle.chars().all(|c| !is_cjk(c));
    let mut from = 0;
    while let Some(pos) = haystack.get(from..).and_then(|rest| rest.find(needle)) {
        let start = from + pos;
        let end = start + needle.len();
        if !spaced {
            return true;
        }
        let before = haystack[..start].chars().next_back();
        let after = haystack[end..].chars().next();
        let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() && !is_cjk(c));
        if !glued(before) && !glued(after) {
            return true;
        }
        // Advance by one character so the scan stays linear in practice.
        from = start + haystack[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(text: &str) -> Option<SizeClass> {
        size(&[text], &SizePoints::default()).map(|s| s.class)
    }

    #[test]
    fn reads_sizes_in_several_languages() {
        assert_eq!(class("We run a fleet of 40 vans"), Some(SizeClass::Large));
        assert_eq!(class("fleet of 8"), Some(SizeClass::Medium));
        assert_eq!(
            class("about 1,200 employees worldwide"),
            Some(SizeClass::Large)
        );
        assert_eq!(class("wir sind 35 Mitarbeiter"), Some(SizeClass::Medium));
        assert_eq!(class("社員数：３００名"), Some(SizeClass::Large));
        assert_eq!(class("従業員数 12名です"), Some(SizeClass::Small));
        assert_eq!(
            class("Wir sind ein Großunternehmen"),
            Some(SizeClass::Large)
        );
        assert_eq!(class("an enterprise rollout"), Some(SizeClass::Large));
        assert_eq!(class("I am a freelancer"), Some(SizeClass::Small));
        assert_eq!(class("車両 30台を管理"), Some(SizeClass::Large));
        assert_eq!(class("Please call me at 555 1234"), None);
    }

    #[test]
    fn keywords_match_whole_words_only() {
        assert!(contains_word("need a pv system", "pv"));
        assert!(!contains_word("pvc windows", "pv"));
        assert!(contains_word("蓄電池の見積もり", "蓄電池"));
        assert!(contains_word("wärmepumpe, bitte", "wärmepumpe"));
    }

    #[test]
    fn huge_text_is_bounded() {
        let text = "9".repeat(2_000_000);
        assert_eq!(class(&text), None);
        assert!(bounded(&"é".repeat(20_000)).len() <= MAX_SCAN_BYTES);
    }
}
