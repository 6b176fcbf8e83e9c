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
            | üdvözlettel | tisztelettel | köszönöm | üdv
            | saygılarımla | iyi\ çalışmalar | teşekkürler | selamlar
            | с\ уважением | с\ наилучшими\ пожеланиями | всего\ доброго | спасибо
            | un\ cordial\ saludo | cordiales\ saludos | un\ saludo\ cordial
            | 감사합니다 | 감사드립니다 | 고맙습니다
            | 谢谢 | 謝謝 | 多谢 | 此致敬礼 | 此致 | 祝好 | 顺祝商祺 | 顺颂商祺
            | よろしくお願い(?:いた|致)?します | 宜しくお願い(?:いた|致)?します | よろしくお願い申し上げます
            | 以上、?よろしくお願い(?:いた|致)?します | 引き続きよろしくお願い(?:いた|致)?します | 今後ともよろしくお願い(?:いた|致)?します
            )[\s,.!。、！，]*(?P<name>[\p{Lu}\p{Lo}][\p{L}.'\-]*(?:\ [\p{Lu}][\p{L}.'\-]*){0,2})?[\s.!]*$",
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
        && !trimmed.ends_with('?')
        && !(words > 6 && trimmed.ends_with('.'))
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
) -> Option<usize> {
    let texts: Vec<usize> = (0..out.len()).filter(|&k| out[k].1 == Kept::Text).collect();
    if texts.len() < 2 {
        return None;
    }
    // Look at the last dozen text lines only: a sign-off closes the message.
    for (pos, &k) in texts.iter().enumerate().rev().take(12) {
        let trimmed = lines[out[k].0].trim();
        if pos == 0 {
            break;
        }
        let after: Vec<&str> = texts[pos + 1..]
            .iter()
            .map(|&a| lines[out[a].0].trim())
            .collect();
        if let Some(name) = signoff(trimmed) {
            if !after.iter().all(|l| is_signature_like(l)) {
                return None;
            }
            let drop = if opts.drop_signoff {
                name.is_some() || !after.is_empty()
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

/// DESIGN mode: a last paragraph of short lines with a phone number, title
/// or company is a signature even without a sign-off line.
pub(super) fn trailing_signature_block(lines: &[&str], out: &[(usize, Kept)]) -> Option<usize> {
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
