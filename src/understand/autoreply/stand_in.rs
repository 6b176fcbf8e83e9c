//! The stand-in an absence notice names: the colleague to contact meanwhile
//! ("For urgent matters please contact my colleague Sarah Kim
//! (sarah.kim@…)", "wenden Sie sich bitte an …", "担当の田中までご連絡ください").
//!
//! Only text after a hand-over cue (per-language table [`CUES`]) is read,
//! up to the end of its paragraph and at most [`WINDOW_BYTES`], so the
//! signature's own phone number or a footer address is not taken for it.
//! The sender's own address is never the stand-in.

use once_cell::sync::Lazy;
use regex::Regex;

use crate::understand::StandIn;

/// How far after the cue the stand-in's details may stand.
const WINDOW_BYTES: usize = 320;

/// Hand-over cues, one line per language (regex fragments, lowercase text).
const CUES: &[&str] = &[
    // EN
    r"\b(?:please |kindly )?(?:contact|reach out to|get in touch with|email|e-mail|call|write to|direct (?:all |your )?(?:enquiries|inquiries|questions|requests|emails?) to|forward (?:your|all) \w+ to)\b|\b(?:urgent|in my absence|while i am away|during (?:this time|my absence))\b|\b(?:has taken over|is covering|will be covering|covering for me|my (?:colleague|deputy|backup|replacement|successor))\b",
    // DE
    r"\b(?:wenden sie sich|melden sie sich|kontaktieren sie|schreiben sie|rufen sie)\b|\b(?:vertretung|vertreten|vertritt|dringend(?:en)?|in eiligen fällen|ansprechpartner(?:in)?)\b",
    // FR
    r"\b(?:contactez|veuillez contacter|adressez-vous à|écrivez à|joindre|joignez)\b|\b(?:urgence|urgent|en mon absence|me remplace|remplaçante?)\b",
    // ES
    r"\b(?:contacte con|contacte a|contactar con|póngase en contacto con|escriba a|llame a)\b|\b(?:urgente|urgencias|en mi ausencia|me sustituye|sustituto|sustituta)\b",
    // IT
    r"\b(?:contattare|contatti|scrivere a|rivolgersi a|rivolgetevi a|chiamare)\b|\b(?:urgenze|urgente|in mia assenza|mi sostituisce|sostituto|sostituta)\b",
    // PT
    r"\b(?:entre em contato com|contate|contacte|escreva para|ligue para|fale com)\b|\b(?:urgente|urgências|na minha ausência|me substitui|substituto|substituta)\b",
    // NL
    r"\b(?:neem contact op met|neem dan contact op met|mail naar|bel met|bel naar|wend u tot)\b|\b(?:dringend(?:e)?|spoed|tijdens mijn afwezigheid|vervanger|vervangster|vervangt mij)\b",
    // SV, DA, NO
    r"\b(?:kontakta|vänd dig till|kontakt(?:e)?(?: venligst)?|henvend dig til|ta kontakt med)\b|\b(?:brådskande|akutte|presserende|hastesaker|haster|i min frånvaro|i mit fravær|i mitt fravær|ersättare|stedfortræder|stedfortreder)\b",
    // PL, CS, FI
    r"\b(?:kontaktować się z|proszę o kontakt z|skontaktuj się z|kontaktujte|obraťte se na|ota yhteyttä)\b|\b(?:w pilnych sprawach|pod moją nieobecność|zastępuje mnie|v naléhavých případech|zastupuje mě|kiireellisissä asioissa|sijaiseni|poissaoloni aikana)\b",
    // TR
    r"\b(?:iletişime geçin|iletişime geçebilirsiniz|ulaşabilirsiniz|acil durumlarda|acil)\b",
    // KO, ZH
    r"급한 용무|급한 일|긴급한|긴급|문의는|부재 중에는|请联系|如有急事|如有紧急|紧急事务|紧急情况|我不在期间|可联系",
    // JA
    r"お急ぎの|緊急の|急ぎの|ご用件は|不在中は|代わりに|代理|担当の|今後の(?:ご)?連絡|ご連絡は|お問い合わせは|までご連絡|にご連絡|へご連絡",
];

static CUE: Lazy<Regex> = Lazy::new(|| Regex::new(&CUES.join("|")).expect("stand-in cues"));

static EMAIL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
        .expect("email shape")
});

/// A name written after the cue: "my colleague Sarah Kim", "an Frau Anna Berg".
static NAME_AFTER: Lazy<Regex> = Lazy::new(|| {
    let name = r"\p{Lu}[\p{Ll}'\-]+(?:\s(?:(?:van|von|de|der|den|da|di|du|le|dos|das|del)\s)*\p{Lu}[\p{Ll}'\-]+){0,2}";
    Regex::new(&format!(
        r"(?i:colleague|kollege|kollegin|collègue|colega|collega|frau|herrn?|mr\.?|mrs\.?|ms\.?|mme|m\.|sr\.|sra\.|dhr\.|mevr\.|sig\.(?:ra)?)\s+({name})|(?:^|[\s,:])(\p{{Lu}}[\p{{Ll}}'\-]+\s\p{{Lu}}[\p{{Ll}}'\-]+)\s*[(<\[,]|担当の?([\p{{Han}}\p{{Katakana}}]{{1,4}})"
    ))
    .expect("name shapes")
});

/// A name opening the words right after the cue: "While I am away, Tom Okafor is …".
static NAME_LEAD: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^[\s,:\-–]*(\p{Lu}[\p{Ll}'\-]+(?:\s(?:(?:van|von|de|der|den|da|di|du|le|dos|das|del)\s)*\p{Lu}[\p{Ll}'\-]+){1,2})\s")
        .expect("leading name")
});

/// The colleague to contact meanwhile, when the notice names one.
/// `sender` is the notice's own address, never a stand-in.
pub fn find(text: &str, sender: Option<&str>) -> Option<StandIn> {
    let lower = text.to_lowercase();
    // Lowercasing may change byte lengths (rare: "İ"); then offsets are not
    // shared and the notice is read without a stand-in rather than wrongly.
    if lower.len() != text.len() {
        return None;
    }
    for cue in CUE.find_iter(&lower).take(8) {
        let start = cue.start();
        let end = crate::understand::body::floor_char_boundary(
            text,
            (cue.end() + WINDOW_BYTES).min(text.len()),
        );
        let mut window = &text[start..end];
        // The paragraph the cue is in: stop at a blank line.
        if let Some(p) = window.find("\n\n").or_else(|| window.find("\r\n\r\n")) {
            window = &window[..p];
        }
        let stand_in = read_window(window, cue.end() - start, sender);
        if stand_in.email.is_some() || stand_in.phone.is_some() {
            return Some(stand_in);
        }
    }
    None
}

fn read_window(window: &str, cue_len: usize, sender: Option<&str>) -> StandIn {
    let mut out = StandIn::default();
    let email = EMAIL
        .find_iter(window)
        .find(|m| !sender.is_some_and(|s| s.eq_ignore_ascii_case(m.as_str())));
    if let Some(m) = email {
        out.email = Some(m.as_str().to_lowercase());
        out.name = crate::understand::reply::intent::name_before(&window[..m.start()])
            .filter(|n| n.split_whitespace().count() >= 2 || !n.is_ascii())
            // A department ("営業部") is where to write, not who.
            .filter(|n| !n.ends_with(['部', '課', '室', '係']));
    }
    out.phone = crate::understand::reply::signature::phone_in(window);
    // A name after a title or "colleague", before an address bracket, or
    // opening the words right after the cue ("While I am away, Tom Okafor is …").
    let after_cue = window.get(cue_len..).unwrap_or("");
    if out.name.is_none()
        && let Some(c) = NAME_AFTER
            .captures(window)
            .or_else(|| NAME_LEAD.captures(after_cue))
    {
        out.name = (1..=3)
            .find_map(|i| c.get(i))
            .map(|m| m.as_str().trim().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_colleague_named_with_address_is_the_stand_in() {
        let s = find(
            "I am out of the office until Monday.\n\nFor urgent matters please contact my colleague Sarah Kim (sarah.kim@brightwater.example).\n\nKind regards,\nJordan\n+1 555 0100",
            Some("jordan@brightwater.example"),
        )
        .unwrap();
        assert_eq!(s.name.as_deref(), Some("Sarah Kim"));
        assert_eq!(s.email.as_deref(), Some("sarah.kim@brightwater.example"));
        assert_eq!(s.phone, None, "the signature's phone is not the stand-in's");
    }

    #[test]
    fn german_dutch_and_japanese_stand_ins() {
        let s = find(
            "Ich bin bis 3.12. abwesend. Meine Vertretung ist Frau Anna Berg, Tel. +49 30 1234567, anna.berg@werk.example.",
            None,
        )
        .unwrap();
        assert_eq!(s.name.as_deref(), Some("Anna Berg"));
        assert_eq!(s.phone.as_deref(), Some("+49 30 1234567"));
        assert_eq!(s.email.as_deref(), Some("anna.berg@werk.example"));
        let s = find(
            "Voor dringende zaken kunt u contact opnemen met mijn collega Pieter de Vries via 020 123 4567.",
            None,
        )
        .unwrap();
        assert_eq!(s.phone.as_deref(), Some("020 123 4567"));
        let s = find(
            "不在中は担当の田中（tanaka@fuji.example.jp）までご連絡ください。",
            None,
        )
        .unwrap();
        assert_eq!(s.email.as_deref(), Some("tanaka@fuji.example.jp"));
        assert_eq!(s.name.as_deref(), Some("田中"));
    }

    #[test]
    fn the_interaction_summary_names_return_date_and_stand_in() {
        let auto = crate::understand::AutoReply {
            reason: "subject: Out of Office".into(),
            return_date: Some("2026-12-08".into()),
            stand_in: Some(StandIn {
                name: Some("Sarah Kim".into()),
                email: Some("sarah.kim@brightwater.example".into()),
                phone: None,
            }),
        };
        assert_eq!(
            auto.summary().as_deref(),
            Some("back 2026-12-08; stand-in Sarah Kim <sarah.kim@brightwater.example>")
        );
        assert_eq!(crate::understand::AutoReply::default().summary(), None);
    }

    #[test]
    fn the_senders_own_address_is_no_stand_in() {
        assert_eq!(
            find(
                "I am away until Friday. Please email me at jordan@brightwater.example.",
                Some("jordan@brightwater.example")
            ),
            None
        );
    }
}
