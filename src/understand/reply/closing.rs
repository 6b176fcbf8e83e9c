//! The closing block of a reply read by its structure, in any language:
//! after the last sentence, a few short lines of which one names the
//! sender (their display name, or their address's local part), possibly
//! above a title, a company or a phone, and possibly under a closing line
//! ("Salam,", "Cu stimă,", a word no table knows yet). DESIGN.md's reply
//! text keeps what they wrote, not who they are, so the block goes.
//!
//! The sender's own name decides, so short answers that merely look like
//! a signature ("Three sites.\nFlat roofs.") stay. Work is bounded: only
//! the last [`MAX_BLOCK_LINES`] lines are looked at, with no allocation
//! per line beyond the name tokens of the sender.

use super::signoff::is_signoff_line;

/// How many non-blank lines a closing block may hold (name, title,
/// company, phone, address, web …).
const MAX_BLOCK_LINES: usize = 8;
/// A line of the block is short: at most this many words …
const MAX_BLOCK_WORDS: usize = 10;
/// … and this many characters (a "Tel … | Fax … | www…" line fits).
const MAX_BLOCK_CHARS: usize = 90;
/// A name line has at most this many words.
const MAX_NAME_WORDS: usize = 5;

/// Local parts that name a role, not a person.
const ROLE_LOCAL_PARTS: &[&str] = &[
    "info",
    "sales",
    "office",
    "contact",
    "hello",
    "mail",
    "admin",
    "support",
    "team",
    "kontakt",
    "service",
    "enquiries",
    "inquiries",
    "post",
    "buero",
    "bureau",
    "hola",
    "ciao",
    "noreply",
];

/// The reply text without its closing block, and the block (when cut).
pub fn drop_closing_block(
    text: &str,
    sender_name: Option<&str>,
    sender_email: Option<&str>,
) -> (String, Option<String>) {
    let tokens = SenderTokens::new(sender_name, sender_email);
    let lines: Vec<&str> = text.trim_end().lines().collect();
    let Some(cut) = closing_block_start(&lines, &tokens) else {
        return (text.to_string(), None);
    };
    let kept = lines[..cut].join("\n").trim_end().to_string();
    let block = lines[cut..].join("\n").trim().to_string();
    (kept, (!block.is_empty()).then_some(block))
}

/// The index of the first line of the closing block, if there is one with
/// text above it.
fn closing_block_start(lines: &[&str], tokens: &SenderTokens) -> Option<usize> {
    let mut name_at = None;
    // The topmost line of the short tail: where a nameless block may start.
    let mut tail_top = lines.len();
    let mut seen = 0;
    for (i, line) in lines.iter().enumerate().rev() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        seen += 1;
        if seen > MAX_BLOCK_LINES || !is_short_line(t) {
            break;
        }
        tail_top = i;
        if tokens.named_by(t) {
            name_at = Some(i);
        }
    }
    let Some(name_at) = name_at else {
        return nameless_block_start(lines, tail_top);
    };
    // A closing line right above the name: a known sign-off, or a short
    // line ending like one ("Salam,", "Üdvözlettel:").
    let above = (0..name_at).rev().find(|&j| !lines[j].trim().is_empty());
    let cut = match above {
        Some(j) if is_closing_line(lines[j].trim()) && has_text_above(lines, j) => j,
        _ => name_at,
    };
    has_text_above(lines, cut).then_some(cut)
}

/// Without the sender's name: a closing that ends like one ("Sincères
/// salutations,") over two short lines or more, one of them a phone, a
/// title, a company or a web address. A colon is no closing here: "Call
/// me on:" over a number is the message.
fn nameless_block_start(lines: &[&str], tail_top: usize) -> Option<usize> {
    (tail_top..lines.len()).find(|&i| {
        let t = lines[i].trim();
        let mut below = lines[i + 1..]
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty());
        // The closing test first: most tail lines are none, and need no
        // look at the lines below them.
        (is_signoff_line(t) || (is_closing_line(t) && !t.ends_with([':', '：'])))
            && below.clone().nth(1).is_some()
            && below.any(super::signature::looks_like_contact_line)
            && has_text_above(lines, i)
    })
}

fn has_text_above(lines: &[&str], at: usize) -> bool {
    lines[..at].iter().any(|l| !l.trim().is_empty())
}

/// Short enough for a signature line, and no question or sentence.
fn is_short_line(t: &str) -> bool {
    let words = t.split_whitespace().count();
    words <= MAX_BLOCK_WORDS
        && t.chars().count() <= MAX_BLOCK_CHARS
        && !t.ends_with(['?', '？', '؟'])
        && !is_sentence(t, words)
}

/// "We own it." is a sentence; "Kovács és Társa Kft." and "Firma Sp. z
/// o.o." end in an abbreviation.
fn is_sentence(t: &str, words: usize) -> bool {
    if words < 3 || !t.ends_with(['.', '!', '。', '！']) {
        return false;
    }
    let last = t
        .split_whitespace()
        .last()
        .unwrap_or("")
        .trim_end_matches(['.', '!', '。', '！']);
    last.chars().count() > 3 && !last.contains('.')
}

/// "Salam,", "Cu stimă,", "Üdvözlettel:", "Best regards": a closing.
fn is_closing_line(t: &str) -> bool {
    if is_signoff_line(t) {
        return true;
    }
    t.split_whitespace().count() <= 3
        && t.chars().count() <= 30
        && t.ends_with([',', ':', '،', '，', '：'])
}

/// The sender's name as lowercased, folded tokens.
struct SenderTokens {
    /// Display-name tokens ("jörg" folded to "jorg").
    name: Vec<String>,
    /// The address's local part, folded, when it is a person's.
    local: Option<String>,
}

impl SenderTokens {
    fn new(name: Option<&str>, email: Option<&str>) -> Self {
        let name = name
            .map(|n| {
                n.split(|c: char| c.is_whitespace() || matches!(c, ',' | '"' | '\'' | '(' | ')'))
                    .map(fold)
                    .filter(|t| t.chars().count() >= 2)
                    .collect()
            })
            .unwrap_or_default();
        let local = email
            .and_then(|e| e.split('@').next())
            .map(fold)
            .filter(|l| l.chars().count() >= 3 && !ROLE_LOCAL_PARTS.contains(&l.as_str()));
        SenderTokens { name, local }
    }

    /// A short line whose words are mostly the sender's name: "Jörg
    /// Hartmann", "Kovács Péter", "- Budi", "Marek Kowalczyk" for
    /// mkowalczyk@…
    fn named_by(&self, line: &str) -> bool {
        let words: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | '|' | '/'))
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() || words.len() > MAX_NAME_WORDS {
            return false;
        }
        let matched = words.iter().filter(|w| self.matches_word(w)).count();
        matched > 0 && matched * 2 >= words.len()
    }

    fn matches_word(&self, word: &str) -> bool {
        let w = fold(word);
        if self.name.contains(&w) {
            return true;
        }
        // A local part holds the name folded to ASCII ("joerg.hartmann",
        // "mkowalczyk"): a word of three letters or more inside it.
        self.local.as_deref().is_some_and(|local| {
            w.chars().count() >= 3 && (local.contains(&w) || local.contains(&german_fold(word)))
        })
    }
}

/// Lowercased, with the common Latin diacritics dropped ("Péter" → "peter").
fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'ď' | 'đ' => 'd',
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'ı' | 'ī' => 'i',
            'ł' => 'l',
            'ñ' | 'ń' | 'ň' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ő' | 'ō' => 'o',
            'ř' => 'r',
            'ś' | 'š' | 'ş' | 'ș' => 's',
            'ť' | 'ţ' | 'ț' => 't',
            'ù' | 'ú' | 'û' | 'ü' | 'ů' | 'ű' | 'ū' => 'u',
            'ý' | 'ÿ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            'ğ' => 'g',
            // Vietnamese vowels with tone marks.
            'ạ' | 'ả' | 'ấ' | 'ầ' | 'ẩ' | 'ẫ' | 'ậ' | 'ắ' | 'ằ' | 'ẳ' | 'ẵ' | 'ặ' => {
                'a'
            }
            'ẹ' | 'ẻ' | 'ẽ' | 'ế' | 'ề' | 'ể' | 'ễ' | 'ệ' => 'e',
            'ỉ' | 'ị' | 'ĩ' => 'i',
            'ọ' | 'ỏ' | 'ố' | 'ồ' | 'ổ' | 'ỗ' | 'ộ' | 'ơ' | 'ớ' | 'ờ' | 'ở' | 'ỡ' | 'ợ' => {
                'o'
            }
            'ụ' | 'ủ' | 'ũ' | 'ư' | 'ứ' | 'ừ' | 'ử' | 'ữ' | 'ự' => 'u',
            'ỳ' | 'ỵ' | 'ỷ' | 'ỹ' => 'y',
            other => other,
        })
        .filter(|&c| c != '\u{307}')
        .collect()
}

/// The German way of writing umlauts in an address: "Jörg" → "joerg".
fn german_fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 2);
    for c in word.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            other => out.push(other),
        }
    }
    fold(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str, name: Option<&str>, email: Option<&str>) -> String {
        drop_closing_block(text, name, email).0
    }

    #[test]
    fn a_block_naming_the_sender_goes_with_its_closing() {
        assert_eq!(
            cut(
                "Ja, passt.\n\nJörg Hartmann\nHartmann KFZ-Service",
                Some("Jörg Hartmann"),
                None
            ),
            "Ja, passt."
        );
        assert_eq!(
            cut(
                "Kami tidak tertarik.\n\nSalam,\nBudi Santoso\nPT Maju Jaya\n0812-3456-7890",
                Some("Budi Santoso"),
                None
            ),
            "Kami tidak tertarik."
        );
        assert_eq!(
            cut(
                "Proszę o kontakt.\n\nMarek Kowalczyk\nKierownik zakupów",
                None,
                Some("mkowalczyk@firma.example")
            ),
            "Proszę o kontakt."
        );
    }

    #[test]
    fn answers_and_other_names_stay() {
        let t = "Three sites.\nFlat roofs.\nSpring.";
        assert_eq!(cut(t, Some("Sam Lee"), None), t);
        let t = "Please call Maria Lopez.\n\nMaria Lopez\nOffice Manager";
        assert_eq!(cut(t, Some("Sam Lee"), None), t);
        assert_eq!(cut("Sam Lee", Some("Sam Lee"), None), "Sam Lee");
        let t = "Yes, Thursday works\nSam";
        assert_eq!(cut(t, Some("Sam Lee"), None), "Yes, Thursday works");
        let t = "Ask info about it.\ninfo";
        assert_eq!(cut(t, None, Some("info@x.example")), t);
        let t = "Please call me on:\nmobile +49 170 1234567\noffice +49 89 123456";
        assert_eq!(cut(t, Some("Sam Lee"), None), t);
    }

    #[test]
    fn a_nameless_block_under_a_closing_goes_when_it_holds_a_phone() {
        assert_eq!(
            cut(
                "Merci, nous sommes intéressés.\n\nSincères salutations,\nDirecteur commercial\nTél. 01 23 45 67 89",
                Some("Luc Bernard"),
                None
            ),
            "Merci, nous sommes intéressés."
        );
        assert_eq!(
            cut(
                "Tak, vi er interesserede.\n\nKnus,\nSalgschef\n+45 12 34 56 78",
                Some("Anders"),
                None
            ),
            "Tak, vi er interesserede."
        );
    }
}
