//! Values recognised by their shape when no label names them: email
//! addresses, phone numbers, dates and money (so neither is mistaken for a
//! phone), and a person's name written next to an address or number
//! (`Jane Doe <jane@x.io>`, `Jane Doe (970) 555-0123`, a name line above).
//!
//! Every scan is a linear pass with bounded regexes (the `regex` crate never
//! backtracks) over at most [`MAX_SCAN_BYTES`] of text.

use once_cell::sync::Lazy;
use regex::Regex;

use super::{contact, labels, signature};

/// Lowercase particles inside a person's name ("Sanne de Vries", "Ana da
/// Silva", "Ludwig van der Berg"): never its first word.
const NAME_PARTICLES: &[&str] = &[
    "de", "da", "das", "do", "dos", "del", "della", "di", "du", "la", "le", "van", "von", "der",
    "den", "ter", "ten", "y", "e", "bin", "al",
];

/// Most text scanned for shapes; a notification's contact sits near the top.
pub const MAX_SCAN_BYTES: usize = 64 * 1024;

/// A phone-number candidate: optional `+`, digit groups joined by single
/// separators (space, dot, dash, slash, parentheses).
static PHONE: Lazy<Regex> = Lazy::new(|| {
    // ASCII word boundaries: digits are ASCII, and a Unicode `\b` would keep
    // the regex off its fast automaton on non-ASCII text.
    Regex::new(r"(?:\+|(?-u:\b)|\()\(?\d{1,5}\)?(?:[ .\-/\u{a0}]?\(?\d{1,6}\)?){1,6}(?-u:\b)")
        .expect("static regex")
});

static DATE_OR_TIME: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}:\d{2})")
        .expect("static regex")
});

/// A value's shape, for pairs whose label the dictionary does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Email,
    Phone,
    Date,
    Money,
}

/// The shape of a whole (short) value, if it has a clear one.
pub fn of_value(value: &str) -> Option<Shape> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > 80 || v.contains('\n') {
        return None;
    }
    if v.starts_with(['$', '€', '£', '¥']) || v.ends_with(['€', '$']) {
        return Some(Shape::Money);
    }
    if DATE_OR_TIME.is_match(v) {
        return Some(Shape::Date);
    }
    if contact::valid_email(v.to_lowercase().trim_start_matches("mailto:")) {
        return Some(Shape::Email);
    }
    let phone = phones(v);
    if phone.len() == 1 && phone[0].1.len() * 10 >= v.len() * 8 {
        return Some(Shape::Phone);
    }
    None
}

/// Full-width digits, brackets, plus and hyphen (`（03）1234－5678`,
/// `０９０-…`): Japanese and Chinese forms type numbers so; Arabic-Indic
/// and Persian digits (`٠٥٠ ٥٥٥ ١٢٣٤`): Arabic forms type them so.
static FULL_WIDTH_PHONE_CHAR: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"[\u{FF08}\u{FF09}\u{FF0B}\u{FF0D}\u{FF10}-\u{FF19}\u{0660}-\u{0669}\u{06F0}-\u{06F9}]",
    )
    .expect("static regex")
});

/// Phone numbers in `text` as written, with their byte offsets.
///
/// Numbers typed in full-width forms are read through their ASCII twins
/// (one regex serves both) and returned as written.
pub fn phones(text: &str) -> Vec<(usize, String)> {
    let text = cut(text);
    if FULL_WIDTH_PHONE_CHAR.is_match(text) {
        let (folded, origin) = fold_full_width(text);
        return phone_spans(&folded)
            .into_iter()
            .map(|(at, from, to)| (origin[at], text[origin[from]..origin[to]].to_string()))
            .collect();
    }
    phone_spans(text)
        .into_iter()
        .map(|(at, from, to)| (at, text[from..to].to_string()))
        .collect()
}

/// `text` with full-width ASCII forms (U+FF01–U+FF5E), the ideographic
/// space and Arabic-Indic digits folded to ASCII, and for each byte of the result (plus its end)
/// the byte offset in `text` it came from.
fn fold_full_width(text: &str) -> (String, Vec<usize>) {
    let mut folded = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len() + 1);
    for (at, c) in text.char_indices() {
        let c = match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            0x0660..=0x0669 => char::from_u32(c as u32 - 0x0660 + 0x30).unwrap_or(c),
            0x06F0..=0x06F9 => char::from_u32(c as u32 - 0x06F0 + 0x30).unwrap_or(c),
            _ => c,
        };
        folded.push(c);
        origin.resize(folded.len(), at);
    }
    origin.push(text.len());
    (folded, origin)
}

/// The phone numbers of `text`: for each, where its match starts and the
/// byte range of the number as written (with any extension).
fn phone_spans(text: &str) -> Vec<(usize, usize, usize)> {
    PHONE
        .find_iter(text)
        .filter_map(|m| {
            let s = m.as_str().trim_start_matches('(').trim();
            let s = if m.as_str().starts_with('(') && s.contains(')') {
                m.as_str().trim()
            } else {
                s
            };
            // A bracket opened after the number and never closed belongs to
            // what follows ("3035550172 (1 min 04 sec)").
            let s = match s.rfind('(') {
                Some(at) if at > 0 && !s[at..].contains(')') => s[..at].trim_end(),
                _ => s,
            };
            // `s` is a slice of `text`: where it ends there.
            let end = s.as_ptr() as usize - text.as_ptr() as usize + s.len();
            let end = if end <= m.start() { m.end() } else { end };
            if !plausible_phone(text, m.start(), end, s) {
                return None;
            }
            // An extension is part of the number as written ("… ext. 12").
            let ext = EXTENSION.find(&text[end..]).map_or(0, |e| e.end());
            let from = s.as_ptr() as usize - text.as_ptr() as usize;
            Some((m.start(), from, end + ext))
        })
        .collect()
}

/// True when a number is a business's service line by its shape:
/// toll-free or shared-cost prefixes (`1-800`, `0800`, `0120`, `900`,
/// `1588-`, `400-`). A prospect calls from their own line; a notification
/// that shows only such a number shows the platform's.
pub fn is_service_number(phone: &str) -> bool {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let written = phone.trim_start();
    // The number as dialled at home: country code replaced by the trunk
    // prefix (`+44 800 …` → `0800…`, `+1 888 …` → `1888…`).
    let national = if written.starts_with('+') || written.starts_with("00") {
        let d = digits.strip_prefix("00").unwrap_or(&digits);
        const CODES: &[(&str, &str)] = &[
            ("1", "1"),
            ("44", "0"),
            ("49", "0"),
            ("33", "0"),
            ("31", "0"),
            ("81", "0"),
            ("82", ""),
            ("34", ""),
            ("39", ""),
            ("86", ""),
        ];
        CODES
            .iter()
            .find_map(|(cc, trunk)| d.strip_prefix(cc).map(|rest| format!("{trunk}{rest}")))
            .unwrap_or_else(|| d.to_string())
    } else {
        digits
    };
    const PREFIXES: &[&str] = &[
        // North America: 1-800, 888, 877, 866, 855, 844, 833.
        "1800", "1888", "1877", "1866", "1855", "1844", "1833",
        // UK, Germany, France, Netherlands, Japan: freephone and shared cost.
        "0800", "0808", "0842", "0843", "0844", "0845", "0870", "0871", "0180", "0805", "0809",
        "0900", "0120", "0570",
    ];
    let starts = |ps: &[&str]| ps.iter().any(|p| national.starts_with(p));
    let us_ten = national.len() == 10 && starts(&["800", "888", "877", "866", "855", "844", "833"]);
    // Spain 900/901/902 and Italy 800/803 (nine digits), China 400 (ten).
    let southern = national.len() == 9 && starts(&["900", "901", "902", "800", "803"])
        || national.len() == 10 && starts(&["400"]);
    // Korea: eight-digit 15xx/16xx/18xx business numbers.
    let korean = national.len() == 8 && starts(&["15", "16", "18"]);
    starts(PREFIXES) || us_ten || southern || korean
}

/// An extension right after a number: ` ext. 12`, ` x204`, ` Durchwahl 31`.
static EXTENSION: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^,?\s?(?:(?i:ext\.?|extension|durchwahl|dw\.?|poste|int\.|interno)\s?\d{1,5}|[xX]\d{1,5})(?-u:\b)")
        .expect("static regex")
});

/// Digits enough to dial, separators like a phone, not a date, an amount,
/// a postcode or an order number.
fn plausible_phone(text: &str, start: usize, end: usize, s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    // A date has at most eight digits, or a four-digit year; `06-12-48-56-73`
    // is a French number.
    let date = DATE_OR_TIME.find(s).is_some_and(|d| {
        digits <= 8
            || d.as_str()
                .split(|c: char| !c.is_ascii_digit())
                .any(|g| g.len() == 4)
    });
    if !(7..=15).contains(&digits) || date {
        return false;
    }
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    // Part of a longer token (an ID, an amount, a version, a URL).
    if before.is_some_and(|c| {
        c.is_alphanumeric() || matches!(c, '$' | '€' | '£' | '#' | '/' | '=' | '_' | '.' | ',')
    }) || after.is_some_and(|c| c.is_alphanumeric() || matches!(c, '%' | '€' | '@' | '/' | '_'))
    {
        return false;
    }
    let groups: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let separated = groups.len() >= 2 || s.starts_with('+');
    // A bare run of digits is a phone only at a national length.
    if !separated && !(10..=11).contains(&digits) {
        return false;
    }
    // Years side by side ("2024 2025"), a ZIP+4 ("80331-1234").
    if groups
        .iter()
        .all(|g| g.len() == 4 && (g.starts_with("19") || g.starts_with("20")))
    {
        return false;
    }
    if groups.len() == 2 && groups[0].len() == 5 && groups[1].len() == 4 {
        return false;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let lead_in = text[line_start..start].to_lowercase();
    ![
        "order", "invoice", "ref", "ticket", "id ", "id:", "no.", "nr", "#", "zip", "plz",
    ]
    .iter()
    .any(|w| lead_in.contains(w))
}

fn cut(text: &str) -> &str {
    &text[..crate::understand::body::floor_char_boundary(text, text.len().min(MAX_SCAN_BYTES))]
}

/// Emails in `text` with their byte offsets, lowercased.
pub fn emails(text: &str) -> Vec<(usize, String)> {
    contact::emails_at(cut(text), 50)
}

/// True when `s` reads as a person's name: two to four capitalised words
/// (or one CJK/Hangul name of two to five characters), no digits, not a
/// label, not a listing.
pub fn is_name(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > 50 || s.chars().any(|c| c.is_ascii_digit() || c == '@') {
        return false;
    }
    if contact::is_cjk(s) {
        let n = s.chars().filter(|c| !c.is_whitespace()).count();
        return (2..=5).contains(&n)
            && s.split_whitespace().count() <= 2
            && labels::classify(s).is_none()
            && !labels::is_listing_name(s);
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    if !(2..=5).contains(&words.len()) {
        return false;
    }
    let particles = words[1..words.len() - 1]
        .iter()
        .filter(|w| NAME_PARTICLES.contains(w))
        .count();
    if words.len() - particles > 4 {
        return false;
    }
    let shaped = words.iter().enumerate().all(|(i, w)| {
        if i > 0 && i + 1 < words.len() && NAME_PARTICLES.contains(w) {
            return true;
        }
        let mut chars = w.chars();
        chars.next().is_some_and(char::is_uppercase)
            && w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '.' | '’'))
            && w.chars().filter(|c| c.is_alphabetic()).count() >= 1
    });
    shaped
        && !words
            .iter()
            .all(|w| w.chars().all(char::is_uppercase) && w.len() > 1)
        // A company's name ("Bakkerij De Vries B.V.") or a job title
        // ("Facilities Manager") is no person's.
        && !signature::has_legal_form(s)
        && !signature::has_title_word(s)
        && labels::classify(s).is_none()
        && !labels::is_listing_name(s)
}

/// True when the first `needle` in `text` sits inside a quotation
/// (`"…"`, `“…”`, `«…»`, `„…“`, `「…」`) that closes after it.
pub fn inside_quotes(text: &str, needle: &str) -> bool {
    let at = text.find(needle).or_else(|| {
        // Addresses read by shape are lowercase; the text may not be (and
        // byte offsets hold only when lowercasing kept every length).
        let lower = text.to_lowercase();
        (lower.len() == text.len())
            .then(|| lower.find(&needle.to_lowercase()))
            .flatten()
    });
    let Some(at) = at else {
        return false;
    };
    let hay = text;
    let at = crate::understand::body::floor_char_boundary(hay, at);
    // Only the paragraph around the value: a quote never spans blank lines.
    let start = hay[..at].rfind("\n\n").map_or(0, |i| i + 2);
    let end = hay[at..].find("\n\n").map_or(hay.len(), |i| at + i);
    let (before, after) = (&hay[start..at], &hay[at..end]);
    let count = |s: &str, c: char| s.chars().filter(|x| *x == c).count();
    [
        ('“', '”'),
        ('«', '»'),
        ('„', '“'),
        ('「', '」'),
        ('『', '』'),
    ]
    .iter()
    .any(|(open, close)| count(before, *open) > count(before, *close) && after.contains(*close))
        || count(before, '"') % 2 == 1 && after.contains('"')
}

/// A name written next to the value at `offset` in `text`: before it on the
/// same line (`Jane Doe <jane@x.io>`, `Jane Doe - 555…`), or alone on the
/// line above.
pub fn name_near(text: &str, offset: usize) -> Option<String> {
    let offset = crate::understand::body::floor_char_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..offset]
        .trim_end_matches(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '<' | '(' | '[' | '-' | '–' | '—' | ',' | '|' | ':' | '·' | '•'
                )
        })
        // An icon or bullet before the value ("📧 ana@…") is no name.
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim();
    // The last few words before the value, after any label or punctuation.
    let tail = before
        .rsplit(|c: char| {
            matches!(
                c,
                ':' | '|' | '—' | '–' | '(' | ')' | '"' | '\'' | '“' | '”' | ',' | ';' | '>' | '.'
            )
        })
        .next()
        .unwrap_or("")
        .trim();
    if is_name(tail) {
        return contact::normalize_name(tail);
    }
    if !before.is_empty() {
        return None;
    }
    // The lines above in the same block: the name line, or the name heading
    // a contact block over its title and company lines ("Laura Fischer" /
    // "Head of Procurement" / "Helio Components AG" / the address).
    let mut line_start = line_start;
    for _ in 0..4 {
        if line_start == 0 {
            break;
        }
        let prev_end = line_start - 1;
        let prev_start = text[..prev_end].rfind('\n').map_or(0, |i| i + 1);
        // Decoration before the name: a bullet, an arrow, an emoji ("👤").
        let prev = text[prev_start..prev_end]
            .trim()
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .trim();
        // A name alone, or the value of a `Renter: Priya Raman` line.
        let value = prev.split_once([':', '：']).map_or(prev, |(_, v)| v.trim());
        // A name-shaped line right below a job title is the company of a
        // "Jane Doe" / "Practice Manager" / "Harborview Dental" block.
        let below_title = prev_start > 0 && {
            let above_end = prev_start - 1;
            let above_start = text[..above_end].rfind('\n').map_or(0, |i| i + 1);
            let above = text[above_start..above_end].trim();
            above.chars().count() <= 60
                && !above.contains([':', '：', '@'])
                && signature::has_title_word(above)
                && !is_name(above)
        };
        if is_name(value) && !below_title {
            return contact::normalize_name(value);
        }
        // Only a title or a company line may sit between a name and its
        // address; anything else ends the block.
        let block_line = !prev.is_empty()
            && prev.chars().count() <= 60
            && !prev.contains([':', '：', '@'])
            && (signature::has_legal_form(prev) || signature::has_title_word(prev) || below_title);
        if !block_line && !is_contact_value(prev) {
            break;
        }
        line_start = prev_start;
    }
    None
}

/// A line holding only an address or a number: part of a contact block.
fn is_contact_value(line: &str) -> bool {
    matches!(of_value(line), Some(Shape::Email | Shape::Phone))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_numbers_are_read_and_kept_as_written() {
        let text = "発信者番号：（０３）５５５５－０１２３\n携帯：０９０－１２３４－５６７８";
        let found: Vec<String> = phones(text).into_iter().map(|(_, p)| p).collect();
        assert_eq!(
            found,
            ["（０３）５５５５－０１２３", "０９０－１２３４－５６７８"]
        );
        let (at, _) = phones(text)[1];
        assert!(text[at..].starts_with("０９０"));
        // A full-width date is no phone.
        assert!(phones("受付日：２０２５／１２／０２").is_empty());
    }

    #[test]
    fn phones_by_shape_not_dates_or_money() {
        assert_eq!(phones("Portable 06-12-48-56-73")[0].1, "06-12-48-56-73");
        let found: Vec<String> = phones("Call 970.555.0123 or (303) 555-0188, +49 30 1234567")
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        assert_eq!(found, ["970.555.0123", "(303) 555-0188", "+49 30 1234567"]);
        assert!(phones("on 2025-03-04 for $12,500.00, order 123456789").is_empty());
        assert!(phones("ZIP 80331-1234, years 2024 2025").is_empty());
        assert_eq!(of_value("970-555-0123"), Some(Shape::Phone));
        assert_eq!(of_value("2025-04-03"), Some(Shape::Date));
        assert_eq!(of_value("$4,000"), Some(Shape::Money));
        assert_eq!(of_value("jane@brightwater.io"), Some(Shape::Email));
    }

    #[test]
    fn quoted_words_hold_the_value() {
        let t = "Denise left a review\n\n\"Great crew. Text me at 614-555-0129.\"\n";
        assert!(inside_quotes(t, "614-555-0129"));
        let t = "Hannah says:\n\n\"We want a battery.\"\n\nhannah@fastmail.com\n";
        assert!(!inside_quotes(t, "hannah@fastmail.com"));
        let t = "« Appelez-moi au 06 12 48 56 73 » a écrit Claire";
        assert!(inside_quotes(t, "06 12 48 56 73"));
    }

    #[test]
    fn service_lines_by_their_prefix() {
        for n in [
            "1-800-555-0199",
            "+1 (888) 555-0142",
            "0800 555 0140",
            "+44 800 555 0140",
            "0120-555-123",
            "1588-1234",
            "400-555-0199",
            "902 555 014",
        ] {
            assert!(is_service_number(n), "{n}");
        }
        for n in [
            "(614) 555-0129",
            "+44 113 496 0321",
            "0711 555 2380",
            "06 12 48 56 73",
            "03-5555-1234",
            "+81 90 5555 2841",
            "655 12 34 87",
            "010-5555-1234",
            "(803) 555-0123",
        ] {
            assert!(!is_service_number(n), "{n}");
        }
    }

    #[test]
    fn extensions_stay_with_the_number() {
        let found: Vec<String> = phones("call +1 (305) 555-0166 ext. 12 or 970.555.0123 x204.")
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        assert_eq!(found, ["+1 (305) 555-0166 ext. 12", "970.555.0123 x204"]);
    }

    #[test]
    fn names_next_to_values() {
        let t = "New Contact\nJane Doe <jane@brightwater.io>\n";
        let at = t.find("jane@").unwrap();
        assert_eq!(name_near(t, at).as_deref(), Some("Jane Doe"));
        let t = "Marco Bianchi\nmarco.b@libero.it\n";
        assert_eq!(
            name_near(t, t.find("marco.b").unwrap()).as_deref(),
            Some("Marco Bianchi")
        );
        assert!(!is_name("Sunset Group Rentals"));
        assert!(!is_name("Thanks for your message"));
        assert!(is_name("김민준"));
    }
}
