//! Contact values as carousel stores them: validated lowercase emails, names in
//! display order without honorifics, phones as written.

use once_cell::sync::Lazy;
use regex::Regex;

use super::honorifics;

static EMAIL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)[a-z0-9][a-z0-9._%+'-]{0,63}@[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)*\.[a-z]{2,24}\b")
        .expect("static regex")
});

/// The first valid address in `text`, lowercased.
pub fn find_email(text: &str) -> Option<String> {
    EMAIL
        .find_iter(text)
        .map(|m| m.as_str().to_lowercase())
        .find(|e| valid_email(e))
}

/// Every valid address in `text` with its byte offset, lowercased, at most `max`.
pub fn emails_at(text: &str, max: usize) -> Vec<(usize, String)> {
    EMAIL
        .find_iter(text)
        .map(|m| (m.start(), m.as_str().to_lowercase()))
        .filter(|(_, e)| valid_email(e))
        .take(max)
        .collect()
}

/// Every valid address in `text`, lowercased, in order.
pub fn all_emails(text: &str) -> Vec<String> {
    EMAIL
        .find_iter(text)
        .map(|m| m.as_str().to_lowercase())
        .filter(|e| valid_email(e))
        .collect()
}

/// Syntax check of a lowercased address.
pub fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && domain.contains('.')
        && !domain.contains("..")
        && EMAIL
            .find(e)
            .is_some_and(|m| m.start() == 0 && m.end() == e.len())
}

/// The address of a form value (`Jane <jane@x.io>`, `mailto:jane@x.io`).
pub fn email_value(value: &str) -> Option<String> {
    find_email(value)
}

/// Local parts of relay and robot senders, never a prospect.
pub fn is_relay_address(email: &str) -> bool {
    let local = email.split('@').next().unwrap_or("").to_ascii_lowercase();
    let compact: String = local
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    [
        "noreply",
        "donotreply",
        "dontreply",
        "mailer",
        "mailerdaemon",
        "postmaster",
        "wordpress",
        "notification",
        "notifications",
        "notify",
        "alerts",
        "alert",
        "bounce",
        "bounces",
        "system",
        "robot",
        "automated",
        "forms",
        "form",
        "formsubmission",
        "submissions",
        "webform",
        "webmaster",
        "nobody",
        // A marketplace's own lead and reply mailboxes (`leads@provider`).
        "lead",
        "leads",
        "newlead",
        "newleads",
        "reply",
        "replies",
        "inquiries",
        "enquiries",
    ]
    .iter()
    .any(|p| {
        compact == *p
            || compact.starts_with("noreply")
            || compact.starts_with("donotreply")
            || compact.starts_with("bounce")
            // notification(s), notifikasi, notificaciones, notifiche, notify.
            || compact.starts_with("notif")
    })
}

/// Mailbox providers anyone can have an address at (data, not logic).
const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "yahoo.co.jp",
    "icloud.com",
    "me.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "t-online.de",
    "mail.ru",
    "yandex.ru",
    "qq.com",
    "163.com",
    "naver.com",
    "daum.net",
    "libero.it",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "uol.com.br",
    "bol.com.br",
    "zoho.com",
];

/// True when `domain` is a mailbox provider anyone can have an address at:
/// sharing it says nothing about belonging to one organisation.
pub fn is_free_mail(domain: &str) -> bool {
    let d = domain.trim().to_lowercase();
    FREE_MAIL
        .iter()
        .any(|f| d == *f || d.starts_with("yahoo.") || d.starts_with("hotmail."))
}

/// True when an address spells the display name it is sent under, or part
/// of it: `Tom Harris <tom.harris@…>`, `Markus Weber <m.weber@…>`,
/// `Jane Doe <jd@…>`. A service writing under its own name
/// (`Expo Lead Capture <scans@…>`) does not; a name without Latin letters
/// cannot be compared and counts as spelled.
pub fn display_matches_address(name: &str, email: &str) -> bool {
    if !name.chars().any(|c| c.is_ascii_alphabetic()) {
        return true;
    }
    let local: String = email
        .split('@')
        .next()
        .unwrap_or("")
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let words: Vec<(String, String)> = name
        .split_whitespace()
        .map(|w| (fold_latin(w, false), fold_latin(w, true)))
        .filter(|(w, _)| !w.is_empty())
        .collect();
    let initials: String = words.iter().filter_map(|(w, _)| w.chars().next()).collect();
    (initials.len() >= 2 && local == initials)
        || words.iter().any(|(plain, umlaut)| {
            plain.len() >= 3 && (local.contains(plain.as_str()) || local.contains(umlaut.as_str()))
        })
}

/// A word lowercased with its accents dropped (`Müller` → `muller`, or
/// `mueller` with `umlaut_e`), keeping ASCII letters and digits only.
fn fold_latin(word: &str, umlaut_e: bool) -> String {
    let mut out = String::new();
    for c in word.to_lowercase().chars() {
        match c {
            'ä' | 'ö' | 'ü' if umlaut_e => {
                out.push(match c {
                    'ä' => 'a',
                    'ö' => 'o',
                    _ => 'u',
                });
                out.push('e');
            }
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => out.push('a'),
            'è' | 'é' | 'ê' | 'ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' => out.push('i'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
            'ç' => out.push('c'),
            'ñ' => out.push('n'),
            'ß' => out.push_str("ss"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

/// Characters that make a name CJK (kept as written, family name first).
pub fn is_cjk(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c as u32,
            0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xAC00..=0xD7AF | 0xFF66..=0xFF9F)
    })
}

/// Words joining two honorifics ("Mr. and Mrs. John Smith").
const HONORIFIC_JOINS: &[&str] = &["and", "&", "und", "et", "y", "e", "en"];

/// What forms and widgets write where no name was given (lowercase).
const PLACEHOLDER_NAMES: &[&str] = &[
    "visitor",
    "website visitor",
    "web visitor",
    "site visitor",
    "guest",
    "anonymous",
    "unknown",
    "customer",
    "user",
    "n/a",
    "none",
    "no name",
    "besucher",
    "gast",
    "visiteur",
    "invité",
    "visitante",
    "invitado",
    "visitatore",
    "ospite",
    "bezoeker",
    "gast",
    "訪問者",
    "방문자",
    "访客",
];
const SUFFIXES: &[&str] = &["jr", "sr", "phd", "md", "mba", "esq", "cpa", "ii", "iii"];
const CJK_HONORIFICS: &[&str] = &[
    "様",
    "さま",
    "さん",
    "殿",
    "御中",
    "君",
    "くん",
    "氏",
    "고객님",
    "님",
    "씨",
    "先生",
    "女士",
    "小姐",
];

/// A name in display order: honorifics dropped, "Okafor, Daniel" turned
/// around, CJK names kept as written. `None` when nothing name-like is left.
pub fn normalize_name(raw: &str) -> Option<String> {
    // Drop an address written next to the name.
    let mut s = undecorate(raw);
    if let Some(lt) = s.find('<') {
        s.truncate(lt);
    }
    let s = s.replace('\u{3000}', " ").replace(['"', '“', '”'], "");
    let mut words: Vec<String> = s
        .split_whitespace()
        .map(str::to_string)
        .filter(|w| !w.contains('@'))
        .collect();
    // Honorifics in front ("Dr. Jane Roe", "Mr. and Mrs. John Smith") and
    // CJK ones behind ("山田 太郎 様").
    while words.len() > 1
        && (honorifics::is_leading(&words[0], &words[1..])
            || words.len() > 2
                && HONORIFIC_JOINS.contains(&words[0].to_lowercase().as_str())
                && honorifics::is_leading(&words[1], &words[2..]))
    {
        words.remove(0);
    }
    // "Ahmet Bey", "Ayşe Hanım".
    while words.len() > 1 && words.last().is_some_and(|w| honorifics::is_trailing(w)) {
        words.pop();
    }
    // "คุณสมหญิง รักดี": an honorific glued to the given name.
    if let Some(first) = words.first_mut()
        && let Some(name) = honorifics::without_glued(first)
    {
        *first = name.to_string();
    }
    if let Some(last) = words.last_mut() {
        for h in CJK_HONORIFICS {
            if last.as_str() == *h {
                last.clear();
            } else if is_cjk(last)
                && last.chars().count() > h.chars().count() + 1
                && last.ends_with(h)
            {
                let keep = last.len() - h.len();
                last.truncate(keep);
            }
        }
    }
    words.retain(|w| !w.is_empty());
    let mut name = words.join(" ");
    // "Okafor, Daniel" → "Daniel Okafor"; "Jane Roe, PhD" → "Jane Roe".
    if !is_cjk(&name)
        && let Some((a, b)) = name.split_once(',')
    {
        let (a, b) = (a.trim(), b.trim());
        let b_lower = b.trim_end_matches('.').to_lowercase();
        // "Rebecca Alvarez, Summit Dental Group", "Jane Roe, Sales Director":
        // a full name, then what she works for or as. "Okafor, Daniel" has
        // one side of a single word or a given name alone after the comma.
        let names_org = super::signature::has_legal_form(b)
            || super::signature::has_title_word(b)
            || b.split_whitespace().count() >= 3;
        if SUFFIXES.contains(&b_lower.as_str()) || names_org && !a.is_empty() {
            name = a.to_string();
        } else if !a.is_empty()
            && !b.is_empty()
            && !b.contains(',')
            && a.split_whitespace().count() <= 3
        {
            let b = strip_prefix_words(b);
            name = format!("{b} {a}");
        }
    }
    let name = name
        .trim()
        .trim_matches(|c: char| c == ',' || c == ';')
        .trim()
        .to_string();
    let name = fold_capitals(&name);
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    // "Visitor 48213", "Guest": what a widget writes when no one gave a name.
    let lower = name.to_lowercase();
    // A number standing as a word ("Visitor 48213", "Guest #12") is a
    // widget's counter, never part of a name.
    let counter = name.split_whitespace().any(|w| {
        let w = w.trim_start_matches('#');
        !w.is_empty() && w.chars().all(|c| c.is_ascii_digit())
    });
    let placeholder = counter || PLACEHOLDER_NAMES.contains(&lower.as_str());
    (letters >= 1 && name.chars().count() <= 100 && !placeholder).then_some(name)
}

/// "Thomas MÜLLER" → "Thomas Müller": a family name written in capitals
/// (a French and German habit) next to a name in mixed case is a name, not
/// an acronym. A name all in capitals, or with one word only, stays as written.
fn fold_capitals(name: &str) -> String {
    let words: Vec<&str> = name.split(' ').collect();
    let shouting = |w: &str| {
        w.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && w.chars().all(|c| !c.is_alphabetic() || c.is_uppercase())
    };
    let mixed = words.iter().any(|w| w.chars().any(char::is_lowercase));
    if is_cjk(name) || words.len() < 2 || !mixed || !words.iter().any(|w| shouting(w)) {
        return name.to_string();
    }
    words
        .iter()
        .map(|w| {
            if !shouting(w) {
                return (*w).to_string();
            }
            let mut out = String::new();
            let mut start = true;
            for c in w.chars() {
                if start {
                    out.extend(c.to_uppercase());
                } else {
                    out.extend(c.to_lowercase());
                }
                start = matches!(c, '-' | '\'' | '’');
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A display name without decoration: leading bullets and symbols, a
/// `[domain]` or `(via …)` suffix, `… via Provider`, and the relay side of
/// `A on behalf of B` (the person side is kept).
fn undecorate(raw: &str) -> String {
    let mut s = raw
        .trim()
        .trim_start_matches(|c: char| !c.is_alphanumeric() && c != '"' && c != '“')
        // An icon after the name ("Jane Doe 📞").
        .trim_end_matches(|c: char| {
            !c.is_alphanumeric() && !matches!(c, ')' | ']' | '.' | '"' | '”' | '>' | '\'' | '’')
        })
        .to_string();
    let lower = s.to_lowercase();
    if let Some(at) = lower.find(" on behalf of ") {
        let (a, b) = (s[..at].trim(), s[at + " on behalf of ".len()..].trim());
        let b_clean = b.split('<').next().unwrap_or("").trim().trim_matches('"');
        s = if super::shape::is_name(b_clean) { b } else { a }.to_string();
    }
    let lower = s.to_lowercase();
    for cut in [" via ", " (via ", " through ", " | "] {
        if let Some(at) = lower.find(cut)
            && at > 0
        {
            s.truncate(at);
            break;
        }
    }
    // `Jane Doe - Brightwater`, `Jane Doe – Acme Roofing Inc`: a person's
    // name, then what they work for.
    for dash in [" - ", " – ", " — "] {
        if let Some((person, _)) = s.split_once(dash)
            && super::shape::is_name(person.trim())
        {
            s = person.trim().to_string();
            break;
        }
    }
    // `Jane Doe [brightwater.io]`, `Jane Doe (jane@x.io)`.
    while let Some(open) = s.rfind(['[', '('])
        && s.trim_end().ends_with([']', ')'])
        && open > 0
    {
        s.truncate(open);
        s = s.trim_end().to_string();
    }
    s.trim().to_string()
}

/// Local-part words of a shared mailbox or a role, never a person's name
/// (`office.admin@`, `sales-team@`).
const ROLE_WORDS: &[&str] = &[
    "info",
    "sales",
    "office",
    "admin",
    "contact",
    "hello",
    "support",
    "team",
    "mail",
    "enquiries",
    "enquiry",
    "inquiries",
    "inquiry",
    "accounts",
    "account",
    "billing",
    "service",
    "services",
    "booking",
    "bookings",
    "reception",
    "marketing",
    "jobs",
    "careers",
    "web",
    "webmaster",
    "post",
    "help",
    "orders",
    "shop",
    "store",
    "project",
    "projects",
    "the",
    "my",
    "mr",
    "mrs",
    "home",
    "house",
    "family",
    "group",
    "company",
    "leads",
    "news",
    "manager",
    "owner",
    "estates",
    "lettings",
    "rentals",
    "property",
    "properties",
];

/// The name an address plainly spells (`tom.hargreaves84@…` → `Tom
/// Hargreaves`): two or three alphabetic parts joined by `.`, `_` or `-`,
/// each of two letters or more, trailing digits dropped, no role or mailbox
/// word. The last resort when nothing in the mail names the person.
pub fn name_of_address(email: &str) -> Option<String> {
    let local = email.split('@').next()?;
    let local = local.trim_end_matches(|c: char| c.is_ascii_digit());
    let parts: Vec<&str> = local.split(['.', '_', '-']).collect();
    if !(2..=3).contains(&parts.len())
        || parts.iter().any(|p| {
            p.len() < 2
                || !p.chars().all(|c| c.is_ascii_alphabetic())
                || ROLE_WORDS.contains(&p.to_ascii_lowercase().as_str())
        })
    {
        return None;
    }
    let name = parts
        .iter()
        .map(|p| {
            let lower = p.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join(" ");
    super::shape::is_name(&name).then_some(name)
}

/// An address that a relay made up for one conversation or lead
/// (`lead-7f3a9c21e4@reply.provider.com`, `8k2j3h4g5f6d7s8a@relay…`): it
/// forwards, but loses to a direct address of the same person.
pub fn is_robot_address(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let relay_host = [
        "reply.",
        "relay.",
        "messages.",
        "msg.",
        "lead.",
        "leads.",
        "r.",
    ]
    .iter()
    .any(|p| domain.starts_with(p));
    // `reply+kqhxwpzt@…`, `lead-8f3k2j@…`: a relay's mailbox with a token
    // for one conversation after the separator.
    let token_of_relay = local
        .split_once(['+', '-', '.', '_'])
        .is_some_and(|(base, token)| {
            let subaddress = local.as_bytes()[base.len()] == b'+';
            token.len() >= 6
                && token.chars().all(|c| c.is_ascii_alphanumeric())
                // `r.johnson@…` is a person: a token names no one when it
                // is a subaddress or carries digits.
                && (subaddress || token.chars().filter(char::is_ascii_digit).count() >= 2)
                && ["reply", "replies", "lead", "leads", "msg", "message", "messages", "relay"]
                    .contains(&base.to_ascii_lowercase().as_str())
        });
    // A long run of hex-like characters holding several digits: an ID.
    let mut run = 0usize;
    let mut digits = 0usize;
    let mut id_like = false;
    for c in local.chars() {
        if c.is_ascii_hexdigit() || c.is_ascii_digit() {
            run += 1;
            digits += usize::from(c.is_ascii_digit());
            if run >= 8 && digits >= 3 {
                id_like = true;
            }
        } else {
            run = 0;
            digits = 0;
        }
    }
    relay_host
        || token_of_relay
        || id_like
        || local.chars().filter(char::is_ascii_digit).count() >= 6
}

fn strip_prefix_words(s: &str) -> String {
    let mut words: Vec<&str> = s.split_whitespace().collect();
    while words.len() > 1 && honorifics::is_leading(words[0], &words[1..]) {
        words.remove(0);
    }
    words.join(" ")
}

/// Joins first and last name; family name first when the form is Japanese
/// (`family_first`) or the parts are CJK.
pub fn join_name(first: Option<&str>, last: Option<&str>, family_first: bool) -> Option<String> {
    let first = first.and_then(normalize_name);
    let last = last.and_then(normalize_name);
    match (first, last) {
        (Some(f), Some(l)) if f == l => Some(f),
        (Some(f), Some(l)) if family_first || is_cjk(&f) || is_cjk(&l) => Some(format!("{l} {f}")),
        (Some(f), Some(l)) => Some(fold_capitals(&format!("{f} {l}"))),
        (Some(f), None) => Some(f),
        (None, Some(l)) => Some(l),
        (None, None) => None,
    }
}

/// A phone number as written, when it holds enough digits to dial.
pub fn normalize_phone(raw: &str) -> Option<String> {
    let v = raw.lines().next().unwrap_or("").trim();
    let v = v.strip_prefix("tel:").unwrap_or(v).trim();
    // "(303) 555-0184 (mobile, best after 3pm)", "06 12 55 01 78 (portable)":
    // the number as written, without the note beside it.
    let shaped = super::shape::phones(v);
    let v = match shaped.as_slice() {
        [(_, p)] if p.len() < v.len() && v.chars().any(char::is_alphabetic) => p.as_str(),
        _ => v,
    };
    let digits = v
        .chars()
        .filter(|c| {
            c.is_ascii_digit()
                || ('０'..='９').contains(c)
                || ('٠'..='٩').contains(c)
                || ('۰'..='۹').contains(c)
        })
        .count();
    (7..=20).contains(&digits).then(|| v.to_string())
}

/// A one-line value (company, title, postcode, country), trimmed.
pub fn one_line(raw: &str) -> Option<String> {
    let v = raw.lines().map(str::trim).find(|l| !l.is_empty())?;
    let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
    (!v.is_empty() && v.chars().count() <= 200).then_some(v)
}

/// A short multi-line value (interest) on one line, at most 200 characters.
pub fn joined_lines(raw: &str) -> Option<String> {
    let v = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let v: String = v.chars().take(200).collect();
    (!v.is_empty()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decorated_and_placeholder_names() {
        for (raw, want) in [
            ("Mr. and Mrs. John Smith", Some("John Smith")),
            ("Dr. med. Petra Klein", Some("Petra Klein")),
            ("Jane Doe - Acme Roofing Inc", Some("Jane Doe")),
            ("Jane Doe 📞", Some("Jane Doe")),
            ("Visitor 48213", None),
            ("Guest", None),
            ("Guest #12", None),
            ("Anna-Lena Berg", Some("Anna-Lena Berg")),
        ] {
            assert_eq!(normalize_name(raw).as_deref(), want, "{raw}");
        }
    }

    #[test]
    fn names_in_display_order() {
        assert_eq!(
            normalize_name("Okafor, Daniel").as_deref(),
            Some("Daniel Okafor")
        );
        assert_eq!(
            normalize_name("Rebecca Alvarez, Summit Dental Group").as_deref(),
            Some("Rebecca Alvarez")
        );
        assert_eq!(
            normalize_name("Jane Roe, Sales Director").as_deref(),
            Some("Jane Roe")
        );
        assert_eq!(
            normalize_name("García López, María José").as_deref(),
            Some("María José García López")
        );
        assert_eq!(
            normalize_name("MÜLLER, Thomas").as_deref(),
            Some("Thomas Müller")
        );
        assert_eq!(normalize_name("Dr. Jane Roe").as_deref(), Some("Jane Roe"));
        assert_eq!(normalize_name("山田 太郎 様").as_deref(), Some("山田 太郎"));
        assert_eq!(normalize_name("山田太郎様").as_deref(), Some("山田太郎"));
        assert_eq!(
            normalize_name("Jane Roe <jane@x.io>").as_deref(),
            Some("Jane Roe")
        );
        assert_eq!(
            join_name(Some("太郎"), Some("山田"), true).as_deref(),
            Some("山田 太郎")
        );
        assert_eq!(
            join_name(Some("Daniel"), Some("Okafor"), false).as_deref(),
            Some("Daniel Okafor")
        );
        assert_eq!(
            normalize_name("Sra. Lucía Fernández").as_deref(),
            Some("Lucía Fernández")
        );
        for (raw, want) in [
            ("• Jane Doe", "Jane Doe"),
            ("Jane Doe [brightwater.io]", "Jane Doe"),
            ("Jane Doe via Apartments.com", "Jane Doe"),
            ("Leasing Office on behalf of Jane Doe", "Jane Doe"),
            ("Sig.ra Giulia Rossi", "Giulia Rossi"),
            ("김민준 님", "김민준"),
        ] {
            assert_eq!(normalize_name(raw).as_deref(), Some(want), "{raw}");
        }
        assert!(is_robot_address("lead-7f3a9c21e4@reply.apartments.example"));
        assert!(!is_robot_address("jane.doe@gmail.com"));
    }

    #[test]
    fn emails_are_validated_and_lowercased() {
        assert_eq!(
            find_email("Jane <Jane.Roe@Brightwater.IO>").as_deref(),
            Some("jane.roe@brightwater.io")
        );
        assert!(!valid_email("jane@localhost"));
        assert!(is_relay_address("no-reply@jotform.com"));
        assert!(is_relay_address("wordpress@acme.example"));
        assert!(!is_relay_address("jane@brightwater.io"));
    }

    #[test]
    fn relay_mailboxes_and_conversation_tokens_are_no_person() {
        assert!(is_relay_address("leads@homematch.example"));
        assert!(is_robot_address("reply+kqhxwpzt@mail.quotehub.example"));
        assert!(is_robot_address("lead-8f3k2j9x@quotes.example"));
        // A person's initial and surname, a person's own subaddress.
        assert!(!is_robot_address("r.johnson@brightwater.io"));
        assert!(!is_robot_address("reply.andersson@brightwater.io"));
        assert!(!is_robot_address("jane+quotes@gmail.com"));
    }

    #[test]
    fn names_only_from_addresses_that_spell_one() {
        assert_eq!(
            name_of_address("tom.hargreaves84@gmail.com").as_deref(),
            Some("Tom Hargreaves")
        );
        assert_eq!(
            name_of_address("anna_de_vries@outlook.com").as_deref(),
            Some("Anna De Vries")
        );
        for email in [
            "office.admin@hartley-lettings.co.uk",
            "info@acme.example",
            "jsmith1984@gmail.com",
            "j.smith@acme.example",
            "sales-team@acme.example",
        ] {
            assert_eq!(name_of_address(email), None, "{email}");
        }
    }
}
