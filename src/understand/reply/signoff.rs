//! Sign-offs and signature blocks: "Best,", "Thanks, Sam",
//! "Mit freundlichen Grüßen", "よろしくお願いいたします。", and where the
//! signature under them ends, so the reply text stops before them.

use once_cell::sync::Lazy;
use regex::Regex;

use super::strip::*;

/// Sign-off lines: "Best,", "Thanks, Sam", "Mit freundlichen Grüßen",
/// "よろしくお願いいたします。". Returns the name written on the same line.
pub(super) fn signoff(trimmed: &str) -> Option<Option<String>> {
    static RE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"(?xi)^[-–—\s]*(?:
              best(?:\ regards|\ wishes)? | kind(?:est)?\ regards | warm(?:est)?\ regards | regards | many\ thanks
            | thanks(?:\ a\ lot|\ so\ much|\ again|\ in\ advance)? | thank\ you(?:\ very\ much|\ so\ much|\ again)?
            | cheers | sincerely(?:\ yours)? | yours(?:\ truly|\ sincerely)? | all\ the\ best | talk\ soon | take\ care
            | greetings | with\ (?:best|kind)\ regards | br | thx | ty
            | mit\ freundlichen\ grüßen | mit\ freundlichen\ grüssen | mit\ freundlichem\ gruß | freundliche\ grüße
            | viele\ grüße | liebe\ grüße | beste\ grüße | herzliche\ grüße | schöne\ grüße | grüße | gruß | mfg | lg | vg
            | viele\ grüße\ /\ best\ regards
            | cordialement | bien\ cordialement | bien\ à\ vous | salutations | merci(?:\ beaucoup)? | bonne\ journée
            | saludos(?:\ cordiales)? | un\ saludo | atentamente | gracias | muchas\ gracias | un\ abrazo | cordialmente
            | cordiali\ saluti | distinti\ saluti | saluti | un\ saluto | grazie(?:\ mille)? | a\ presto
            | cumprimentos | atenciosamente | abraços? | obrigad[oa] | muito\ obrigad[oa] | att\.?
            | met\ vriendelijke\ groet(?:en)? | vriendelijke\ groet(?:en)? | hartelijke\ groet(?:en)? | groet(?:en|jes)? | mvg | bedankt | alvast\ bedankt
            | med\ venlig\ hilsen | venlig\ hilsen | med\ vennlig\ hilsen | vennlig\ hilsen | (?:de\ )?bedste\ hilsner
            | hilsen | hilsner | mvh | vh | tak(?:k)?(?:\ for\ nu)? | på\ forhånd\ tak(?:k)?
            | med\ vänliga\ hälsningar | vänliga\ hälsningar | vänlig\ hälsning | bästa\ hälsningar | hälsningar | hälsning
            | tack(?:\ så\ mycket)?
            | pozdrawiam(?:\ serdecznie)? | serdecznie\ pozdrawiam | z\ poważaniem | z\ wyrazami\ szacunku | pozdrowienia | dziękuję
            | s\ pozdravem | s\ přátelským\ pozdravem | se\ srdečným\ pozdravem | děkuji | díky
            | ystävällisin\ terveisin | parhain\ terveisin | terveisin | kiitos
            | üdvözlettel | tisztelettel | köszönöm | köszönettel | üdv | szép\ napot
            | saygılarımla | [iİ]yi\ çalışmalar | teşekkürler | selamlar | [iİ]yi\ günler
            | cu\ (?:stimă|respect|drag|bine) | toate\ cele\ bune | mul[țţ]umesc | o\ zi\ bună
            | salam(?:\ hangat)? | hormat\ (?:saya|kami) | terima\ kasih(?:\ banyak)? | wassalam
            | trân\ trọng | thân\ ái | (?:xin\ )?cảm\ ơn | kính\ thư
            | ขอแสดงความนับถือ | ด้วยความเคารพ | ขอบคุณ(?:มาก)?(?:ครับ|ค่ะ|คะ)?
            | з\ повагою | дякую | щиро\ ваш\w*
            | abs | abraço | grato | grata
            | с\ уважением | с\ наилучшими\ пожеланиями | всего\ доброго | спасибо
            | με\ εκτίμηση | με\ φιλικούς\ χαιρετισμούς | φιλικά | χαιρετισμούς | ευχαριστώ(?:\ πολύ)? | ευχαριστούμε
            | مع\ (?:أطيب|خالص|أجمل)\ (?:التحيات|التمنيات|التحية) | مع\ تحياتي | تحياتي | مع\ الشكر | شكرا(?:ً)?(?:\ لكم)? | وتفضلوا\ بقبول\ فائق\ الاحترام
            | בברכה | בכבוד\ רב | תודה(?:\ רבה)? | בתודה | כל\ טוב | המשך\ יום\ נעים
            | un\ cordial\ saludo | cordiales\ saludos | un\ saludo\ cordial
            | 감사합니다 | 감사드립니다 | 고맙습니다
            | 谢谢 | 謝謝 | 多谢 | 此致敬礼 | 此致 | 祝好 | 顺祝商祺 | 顺颂商祺
            | よろしくお願い(?:いた|致)?します | 宜しくお願い(?:いた|致)?します | よろしくお願い申し上げます
            | 以上、?よろしくお願い(?:いた|致)?します | 引き続きよろしくお願い(?:いた|致)?します | 今後ともよろしくお願い(?:いた|致)?します
            )[\s,.!。、！，،:：—–\-]*(?P<name>(?-i:[\p{Lu}\p{Lo}])[\p{L}.'\-]*(?:\ (?-i:\p{Lu})[\p{L}.'\-]*){0,2})?
            # Names and companies start with a capital even under (?i):
            # Merci pour votre message, mais … is a sentence, not a sign-off.
            # a title and a company after the name on the same line:
            # Best, Sam Lee | Head of Operations | Northwind Traders
            # (unbounded repetitions: a bounded one compiles one copy per count).
            (?:\ *(?:[|•·,–—]|\ -\ )\ *(?-i:[\p{Lu}\p{Lo}])[\p{L}\d&.'\-\ ]*)*(?:\ *\([^()]+\))?[\s.!]*$",
        )
        .unwrap()
    });
    if trimmed.len() > 80 {
        return None;
    }
    let caps = RE.captures(trimmed)?;
    Some(caps.name("name").map(|m| m.as_str().to_string()))
}

/// True for a sign-off line ("Best,", "Thanks, Sam", "Mit freundlichen Grüßen").
pub fn is_signoff_line(line: &str) -> bool {
    signoff(line.trim()).is_some()
}

/// "-Sam", "—Ryan", "//Jef": a bare name as the last line.
pub(super) fn is_name_signoff(trimmed: &str) -> bool {
    static RE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"^(?:-|–|—|//|~)\s?\p{Lu}[\p{L}.'\-]*(?: \p{Lu}[\p{L}.'\-]*){0,2}$").unwrap()
    });
    trimmed.len() < 50 && RE.is_match(trimmed)
}

/// Short lines that fit a signature: a name, a title, a phone, a company.
pub(super) fn is_signature_like(trimmed: &str) -> bool {
    let words = trimmed.split_whitespace().count();
    trimmed.chars().count() <= 90
        && words <= 10
        // A question is no signature line (Greek asks with ";").
        && !trimmed.ends_with(['?', '？', '؟', ';', '\u{37e}'])
        && !(words > 6
            && trimmed.ends_with('.')
            && !super::signature::names_title_or_company(trimmed))
}

/// "Test reply / > quote / Regards, Roman": a quote followed by nothing but
/// a sign-off was not answered inline; it goes, the sign-off stays.
pub(super) fn drop_quote_before_signoff(lines: &[&str], out: &mut Vec<(usize, Kept)>) {
    let Some(last_quote) = out.iter().rposition(|(_, k)| *k == Kept::Quote) else {
        return;
    };
    let after: Vec<&str> = out[last_quote + 1..]
        .iter()
        .filter(|(_, k)| *k == Kept::Text)
        .map(|(j, _)| lines[*j].trim())
        .collect();
    let signs_off = after.first().is_some_and(|l| signoff(l).is_some())
        && after.len() <= 3
        && after.iter().all(|l| is_signature_like(l));
    if !signs_off {
        return;
    }
    // The run of quotes and blanks right before the sign-off.
    let mut from = last_quote;
    while from > 0 && matches!(out[from - 1].1, Kept::Quote | Kept::Empty) {
        from -= 1;
    }
    if !out[..from].iter().any(|(_, k)| *k == Kept::Text) {
        return;
    }
    let (lo, hi) = (out[from].0, out[last_quote].0);
    out.retain(|(j, k)| !(*k == Kept::Quote && (lo..=hi).contains(j)));
}

/// Where the sign-off starts in `out`, when it should go.
pub(super) fn signoff_cut(
    lines: &[&str],
    out: &[(usize, Kept)],
    opts: StripOptions,
    signature_follows: bool,
) -> Option<usize> {
    let texts: Vec<usize> = (0..out.len()).filter(|&k| out[k].1 == Kept::Text).collect();
    if texts.len() == 1 && opts.drop_signoff {
        // "-Sam" and nothing else: nothing new was written.
        let only = lines[out[texts[0]].0].trim();
        return is_name_signoff(only).then_some(texts[0]);
    }
    if texts.len() < 2 {
        return None;
    }
    // Look at the last two dozen text lines only: a sign-off closes the
    // message, though a company signature with imprint lines runs long.
    for (pos, &k) in texts.iter().enumerate().rev().take(24) {
        let trimmed = lines[out[k].0].trim();
        let after: Vec<&str> = texts[pos + 1..]
            .iter()
            .map(|&a| lines[out[a].0].trim())
            .collect();
        if pos == 0 {
            // "Best regards,\nRobert Meyer" above the quote and nothing
            // else: a closing, not a message. A bare "Thanks" still says
            // something and stays.
            let closes_only = opts.drop_signoff
                && signoff(trimmed).is_some()
                && !is_thanks(trimmed)
                && after.len() <= 6
                && after.iter().all(|l| is_signature_like(l));
            return closes_only.then_some(k);
        }
        if let Some(name) = signoff(trimmed) {
            if !after.iter().all(|l| is_signature_like(l)) {
                return None;
            }
            let drop = if opts.drop_signoff {
                // "よろしくお願いいたします。" over a "-- " signature closes the
                // message like "Best, Sam" does; a bare "Thanks!" may be the point.
                name.is_some() || !after.is_empty() || (signature_follows && !is_thanks(trimmed))
            } else {
                after.len() >= 2 || (name.is_some() && !after.is_empty())
            };
            return drop.then_some(k);
        }
        if after.is_empty() && opts.drop_signoff && is_name_signoff(trimmed) {
            return Some(k);
        }
        if !is_signature_like(trimmed) {
            return None;
        }
    }
    None
}

/// "Thanks", "Merci", "Danke": a sign-off word that is also a message.
fn is_thanks(trimmed: &str) -> bool {
    static RE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"(?i)^[-–—\s]*(?:thanks|thank\ you|thx|ty|many\ thanks|merci|danke|gracias|grazie|obrigad[oa]|bedankt|tak|tack|kiitos|dziękuję|děkuji|köszönöm|teşekkürler|спасибо|谢谢|謝謝|감사합니다)\b",
        )
        .unwrap()
    });
    RE.is_match(trimmed)
}

/// DESIGN mode: a last paragraph of short lines with a phone number, title
/// or company is a signature even without a sign-off line; so is a closing
/// that starts with a name line ("Name | Title", "*Name*", "— Name, Title
/// at Company") and runs over a few paragraphs of contact lines, or a
/// single line naming the person with a title or company.
pub(super) fn trailing_signature_block(lines: &[&str], out: &[(usize, Kept)]) -> Option<usize> {
    if let Some(cut) = signature_from_name_line(lines, out) {
        return Some(cut);
    }
    let last_empty = out.iter().rposition(|(_, k)| *k == Kept::Empty)?;
    if !out[..last_empty].iter().any(|(_, k)| *k == Kept::Text) {
        return None;
    }
    let block: Vec<&str> = out[last_empty + 1..]
        .iter()
        .map(|(j, _)| lines[*j].trim())
        .collect();
    if block.len() < 2 || block.len() > 8 || !block.iter().all(|l| is_signature_like(l)) {
        return None;
    }
    let marked = block
        .iter()
        .skip(1)
        .any(|l| super::signature::looks_like_contact_line(l));
    let name_first = super::signature::looks_like_name(block[0]);
    (marked && name_first).then_some(last_empty + 1)
}

/// How far back a signature may reach: text lines and paragraphs.
const MAX_SIGNATURE_LINES: usize = 16;
const MAX_SIGNATURE_PARAGRAPHS: usize = 4;

/// The earliest paragraph start, among the last few paragraphs, whose first
/// line is a person's name and after which everything is short contact
/// matter (phones, addresses, web, titles, company registration lines).
/// A whole message qualifies only with two contact lines or more, so a
/// short reply that is just a name and a sentence keeps its text.
fn signature_from_name_line(lines: &[&str], out: &[(usize, Kept)]) -> Option<usize> {
    let texts: Vec<usize> = (0..out.len()).filter(|&k| out[k].1 == Kept::Text).collect();
    let mut best = None;
    let mut paragraphs = 1;
    for (pos, &k) in texts.iter().enumerate().rev().take(MAX_SIGNATURE_LINES) {
        let line = unemphasized(lines[out[k].0].trim());
        if signoff(&line).is_some() {
            // "Mit freundlichen Grüßen" right above the signature goes with it.
            return best.map(|_| k);
        }
        let short = is_signature_like(&line) || names_title_or_company(&line);
        if !short || is_sentence(&line) {
            break;
        }
        let paragraph_start = k == 0 || out[k - 1].1 == Kept::Empty;
        if paragraph_start && is_name_line(&line) {
            let rest: Vec<String> = texts[pos + 1..]
                .iter()
                .map(|&a| unemphasized(lines[out[a].0].trim()))
                .collect();
            let contacts = rest
                .iter()
                .filter(|l| super::signature::looks_like_contact_line(l))
                .count()
                + usize::from(names_title_or_company(&line));
            let enough = if pos == 0 {
                contacts >= 2
            } else {
                contacts >= 1
            };
            if enough {
                best = Some(k);
            }
        }
        if paragraph_start {
            paragraphs += 1;
            if paragraphs > MAX_SIGNATURE_PARAGRAPHS + 1 {
                break;
            }
        }
    }
    best
}

/// `*Name*` / `_Name_` emphasis and bracketed phone links dropped.
fn unemphasized(line: &str) -> String {
    line.replace('*', "").trim().to_string()
}

/// A line that says something: several words ending like a sentence.
fn is_sentence(line: &str) -> bool {
    let words = line.split_whitespace().count();
    words >= 3 && line.ends_with(['.', '!', '?', '。', '！', '？']) && !names_title_or_company(line)
}

/// "Sam Lee", "Sam Lee | Head of Ops", "— Tom Becker, Head of Facilities":
/// a name first, no greeting, no trailing comma ("Hi Dana,").
fn is_name_line(line: &str) -> bool {
    static GREETING: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)^(?:hi|hello|hey|dear|hola|hallo|bonjour|salut|ciao|olá|ola|hej|hei|moin|servus|buongiorno|buenos|best|kind|many|thanks|please|yes|no|ok|okay|sure|great|sounds)\b").unwrap()
    });
    let t = line.trim_start_matches(['-', '–', '—', '~', ' ']);
    !t.ends_with(',') && !GREETING.is_match(t) && super::signature::looks_like_name(t)
}

/// A name line that also carries a title or company after a separator:
/// "Priya Raman, Procurement Manager, Helix Foods Ltd.".
fn names_title_or_company(line: &str) -> bool {
    static SEP: Lazy<Regex> = Lazy::new(|| Regex::new(r"\s*[|,•·]\s*|\s+[-–—]\s+").unwrap());
    let t = line.trim_start_matches(['-', '–', '—', '~', ' ']);
    let mut parts = SEP.split(t).filter(|p| !p.trim().is_empty());
    let Some(first) = parts.next() else {
        return false;
    };
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && super::signature::looks_like_name(first)
        && rest.iter().all(|p| p.split_whitespace().count() <= 8)
        && rest
            .iter()
            .any(|p| super::signature::names_title_or_company(p))
}
