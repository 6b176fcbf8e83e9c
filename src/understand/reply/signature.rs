//! Contact details read from a reply's signature block: phone, company,
//! title and the name line. Only the stripped signature is read, never the
//! body, so a competitor named in the text cannot become the company.

use once_cell::sync::Lazy;
use regex::Regex;

use crate::understand::Contact;

static PHONE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?:\+|\(\+?)?\d[\d\s().\-/]{6,20}\d(?:\s*(?:x|ext\.?|内線)\s*\d{1,5})?").unwrap()
});

static PHONE_LABEL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?xi)^(?:tel(?:ephone|efon|éfono|éfone)?|t[ée]l|phone|ph|mobile?|mob|mobil|cell|handy|direct|office|fon
        |móvil|celular|portable|fax|電話|携帯|tel\.?|t|m|p|d|o)\b\.?\s*[:：.]?\s*",
    )
    .unwrap()
});

static COMPANY: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?x)(?:\b(?:Inc|LLC|L\.L\.C|Ltd|Limited|GmbH|AG|KG|SE|S\.?A\.?S?|SARL|S\.?L\.?U?|S\.?p\.?A|S\.?r\.?l|B\.?V|N\.?V|Pty|PLC|plc|Corp|Corporation|Co\.|Company|Group|Holdings|K\.?K)\b\.?)
        |株式会社|有限会社|合同会社|\(株\)|（株）",
    )
    .unwrap()
});

static TITLE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?xi)\b(?:ceo|cto|cfo|coo|cmo|cio|vp|svp|evp|founder|co-founder|owner|president|director|manager|head\ of|lead
        |engineer|consultant|partner|officer|specialist|coordinator|administrator|buyer|purchasing|procurement|analyst
        |architect|executive|principal|associate|assistant|supervisor|chief|geschäftsführer(?:in)?|leiter(?:in)?
        |einkauf|inhaber(?:in)?|vorstand|prokurist|directeur|directrice|responsable|gérant|gerente|director[a]?
        |jefe|jefa|encargad[oa])\b|部長|課長|係長|主任|代表取締役|取締役|社長|マネージャー|担当|室長|営業部|購買部",
    )
    .unwrap()
});

static URL_OR_MAIL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)https?://|www\.|\S+@\S+\.\S+|^[a-z0-9.-]+\.(?:com|de|jp|fr|es|io|net|org)\b")
        .unwrap()
});

/// True for a line that carries a phone number, a title, a company or a
/// web/mail address: the stuff of signatures.
pub fn looks_like_contact_line(line: &str) -> bool {
    phone_in(line).is_some()
        || COMPANY.is_match(line)
        || TITLE.is_match(line)
        || URL_OR_MAIL.is_match(line)
}

/// A part of a signature line that is a job title or a company name.
pub fn names_title_or_company(part: &str) -> bool {
    TITLE.is_match(part) || COMPANY.is_match(part)
}

/// A person's name written alone on a line: "Sam Lee", "山本 太郎", "Dr. Jane Roe".
pub fn looks_like_name(line: &str) -> bool {
    static LATIN: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"^(?:(?:Dr|Mr|Mrs|Ms|Prof)\.?\s)?\p{Lu}[\p{L}'\-]+(?:\s\p{Lu}\.?)?(?:\s(?:van|von|de|der|da|di|del|le)?\s?\p{Lu}[\p{L}'\-]+){0,3}$").unwrap()
    });
    static CJK: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"^[\p{Han}\p{Hiragana}\p{Katakana}]{1,6}[\s　]?[\p{Han}\p{Hiragana}\p{Katakana}]{0,6}$").unwrap()
    });
    let t = line.trim().trim_start_matches(['-', '–', '—', '~']).trim();
    let t = t.split(['|', ',']).next().unwrap_or("").trim();
    !t.is_empty() && t.chars().count() <= 40 && (LATIN.is_match(t) || CJK.is_match(t))
}

static DATE_LIKE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$").unwrap());

pub(crate) fn phone_in(line: &str) -> Option<String> {
    for m in PHONE.find_iter(line) {
        let s = m.as_str().trim();
        let digits = s.chars().filter(|c| c.is_ascii_digit()).count();
        // Dates ("2026-11-20") and postcodes are not phone numbers.
        let date_like = DATE_LIKE.is_match(s);
        if (7..=15).contains(&digits) && !date_like {
            return Some(s.to_string());
        }
    }
    None
}

/// Reads phone, company, title and name from a signature block.
pub fn contact_from_signature(signature: &str) -> Contact {
    let mut contact = Contact::default();
    let lines: Vec<&str> = signature
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(15)
        .collect();
    for (idx, line) in lines.iter().enumerate() {
        if super::strip_is_signoff(line) {
            continue;
        }
        if contact.phone.is_none()
            && let Some(p) = labelled_or_plain_phone(line)
        {
            contact.phone = Some(p);
            continue;
        }
        for part in signature_parts(line) {
            if phone_in(part).is_some() || URL_OR_MAIL.is_match(part) {
                continue;
            }
            if contact.company.is_none() && COMPANY.is_match(part) {
                contact.company = Some(clean_company(part));
            } else if contact.title.is_none()
                && TITLE.is_match(part)
                && part.split_whitespace().count() <= 8
            {
                contact.title = Some(part.trim_end_matches(',').to_string());
            } else if contact.name.is_none() && idx <= 2 && looks_like_name(part) {
                contact.name = Some(
                    part.trim_start_matches(['-', '–', '—', '~'])
                        .trim()
                        .to_string(),
                );
            }
        }
    }
    contact
}

fn labelled_or_plain_phone(line: &str) -> Option<String> {
    let rest = PHONE_LABEL.find(line).map_or(line, |m| &line[m.end()..]);
    let phone = phone_in(rest)?;
    // A line that is mostly words with a number inside is not a phone line.
    let letters = rest.chars().filter(|c| c.is_alphabetic()).count();
    (letters <= 24 || line.len() < 60).then_some(phone)
}

/// A signature line split into its fields: `Name | Title | Company`, and
/// "CTO, Fischer Robotics AG" / "Head of Ops at Acme GmbH" into title and company.
fn signature_parts(line: &str) -> Vec<&str> {
    static TITLE_SEP: Lazy<Regex> =
        Lazy::new(|| Regex::new(r",\s+|\s+(?:at|@|bei|chez|en)\s+|\s+[-–]\s+").unwrap());
    let mut out = Vec::new();
    for part in line
        .split(['|', '•', '·'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        if TITLE.is_match(part) && COMPANY.is_match(part) {
            let pieces: Vec<&str> = TITLE_SEP
                .split(part)
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            if pieces.len() > 1
                && pieces
                    .iter()
                    .any(|p| COMPANY.is_match(p) && !TITLE.is_match(p))
            {
                out.extend(pieces);
                continue;
            }
        }
        out.push(part);
    }
    out
}

fn clean_company(part: &str) -> String {
    static CJK_COMPANY: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"\S*(?:株式会社|有限会社|合同会社|\(株\)|（株）)\S*").unwrap());
    if let Some(m) = CJK_COMPANY.find(part) {
        return m.as_str().to_string();
    }
    // A trailing dot belongs to "Inc." / "S.L."; a trailing comma never does.
    part.trim().trim_end_matches(',').trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_company_and_title_are_read() {
        let c = contact_from_signature(
            "Sam Lee\nHead of Operations\nNorthwind Solar GmbH\nTel: +49 30 1234 5678",
        );
        assert_eq!(c.phone.as_deref(), Some("+49 30 1234 5678"));
        assert_eq!(c.company.as_deref(), Some("Northwind Solar GmbH"));
        assert_eq!(c.title.as_deref(), Some("Head of Operations"));
        assert_eq!(c.name.as_deref(), Some("Sam Lee"));
    }

    #[test]
    fn japanese_signature_is_read() {
        let c =
            contact_from_signature("山本 太郎\n株式会社サンプル 営業部 部長\nTEL: 03-1234-5678");
        assert_eq!(c.phone.as_deref(), Some("03-1234-5678"));
        assert_eq!(c.company.as_deref(), Some("株式会社サンプル"));
    }
}
