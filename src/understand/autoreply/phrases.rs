//! The words of automatic answers in EN/JA/DE/FR/ES.
//!
//! Phrases are written in the present or future tense on purpose: "I am out
//! of the office" is a template, "I was out of office last week" is a person.

use once_cell::sync::Lazy;
use regex::Regex;

/// Subjects that only machines write: out-of-office and auto-reply prefixes
/// in five languages, ticket-system acknowledgements.
static SUBJECT: Lazy<Regex> = Lazy::new(|| {
    Regex::new(concat!(
        r"(?i)(?:^|[\s:\[(])(?:",
        r"out of (?:the )?office|ooo\b|automatic reply|auto[- ]?reply|auto[- ]?response|automatic response|autoreply|autoresponse|vacation (?:reply|response|notice|message)|away from (?:the |my )?(?:office|desk)|on (?:annual |parental |maternity |paternity |sick )?leave|on vacation|on holiday|away until|absence notice|no longer (?:with|at|works?)|has left|left the company",
        r"|abwesenheitsnotiz|automatische antwort|abwesend|nicht im büro|außer haus|urlaubsabwesenheit",
        r"|réponse automatique|reponse automatique|absent du bureau|absence du bureau|message d'absence|en congés?",
        r"|respuesta automática|respuesta automatica|fuera de la oficina|ausente de la oficina|de vacaciones|respuesta de ausencia",
        r"|request received|ticket (?:#|no\.?|number )?\s*\d+ (?:has been )?(?:created|received|opened)|(?:we(?:'ve| have)|has been) received your (?:request|message|e-?mail|enquiry|inquiry)|your (?:request|ticket|case) (?:#\s*\d+ )?(?:has been )?(?:received|created|opened|logged)|case (?:#|number )\s*\d+ (?:created|opened)",
        r")",
        r"|不在|自動返信|自動応答|自動送信|休暇|お休み|受付完了|お問い合わせを受け付け",
    ))
    .expect("static regex")
});

/// Body phrases of out-of-office, "has left", no-reply and ticket notices.
static BODY: Lazy<Regex> = Lazy::new(|| {
    Regex::new(concat!(
        r"(?i)(?:",
        // Out of office, English.
        r"\bI(?:'m| am) (?:currently |now )?(?:out of (?:the )?office|away from (?:the |my )?(?:office|desk)|on (?:annual |parental |maternity |paternity |sick |medical )?leave|on (?:vacation|holiday)|travell?ing|away\b|not in the office|off work)",
        r"|\bI(?:'ll| will) be (?:out of (?:the )?office|away (?:from|until|till|through|on)|on (?:annual |parental |maternity |paternity )?leave|on (?:vacation|holiday)|out (?:until|till|through|from|on)\b)",
        r"|\bI(?:'ll| will) (?:be )?(?:back|returning|return)(?: in| to| at)? (?:the |my )?(?:office|desk)\b|\bI(?:'ll| will) (?:be )?(?:back|returning|return) on (?:mon|tue|wed|thu|fri|sat|sun|\d)",
        r"|\bI(?:'ll| will) have (?:limited|no|intermittent) access to (?:my )?e-?mails?",
        r"|\b(?:with|have) (?:limited|no|intermittent) access to (?:my )?e-?mails?",
        r"|\bupon my return\b|\bwhen I return\b|\bduring my absence\b|\bin my absence\b",
        r"|\bthank you for your (?:e-?mail|message)\.? I am (?:currently )?(?:out|away)",
        r"|\bout of (?:the )?office (?:until|till|through|from)\b|\baway from the office until\b",
        r"|\bthis is an auto(?:mated|matic)[- ](?:reply|response|message|answer)|\bthis (?:message|e-?mail|reply) (?:is|was) (?:sent |generated )?automatically\b|\bautomatically generated (?:reply|response)",
        // Left the company.
        r"|\bis no longer (?:with|employed (?:by|at)|working (?:for|at|with)|at)\b|\bno longer works? (?:for|at|with)\b|\bI(?:'ve| have) left\b|\bhas left (?:the company|the organi[sz]ation|the firm|our company|the business)\b|\bI am no longer (?:with|at|working)\b|\bthis (?:e-?mail )?(?:address|account|mailbox) is no longer (?:active|in use|monitored)",
        // No-reply notices.
        r"|\bthis (?:e-?mail |mail)?(?:address|mailbox|inbox) is (?:not|no longer) (?:being )?(?:monitored|attended|checked)|\bunmonitored (?:mailbox|inbox|address)",
        // Ticket systems.
        r"|\bwe(?:'ve| have) received your (?:request|message|e-?mail|enquiry|inquiry|ticket)|\byour (?:request|ticket|case) (?:\(?#?\s*\d+\)? )?has been (?:received|created|opened|logged|submitted)|\bticket (?:#|no\.?|number )\s*\d+ has been (?:created|opened|received)|\ba (?:support )?ticket has been (?:created|opened)|\b(?:a member of )?our (?:support )?team will (?:get back to|respond to|contact) you",
        // German.
        r"|\bich bin (?:derzeit |zurzeit |bis |vom |ab )?.{0,40}?(?:nicht im büro|abwesend|im urlaub|außer haus|in elternzeit)|\bbin (?:ab|am) .{0,40}wieder (?:im büro|erreichbar|da)|\bwieder im büro\b|\bab dem .{0,30} wieder|nicht mehr (?:bei|für) .{0,40}(?:tätig|beschäftigt)|\babwesenheitsnotiz\b|\bautomatische antwort\b|\bhat das unternehmen verlassen\b",
        // French.
        r"|\bje suis (?:actuellement )?(?:absente?|en (?:congés?|vacances|déplacement)|hors du bureau)|\babsente? du bureau\b|\bde retour le\b|\bréponse automatique\b|\bne fait plus partie\b|\bn'est plus (?:en poste|employée?|chez)\b",
        // Spanish.
        r"|\b(?:estoy|estaré|me encuentro) (?:actualmente )?(?:fuera de la oficina|ausente|de vacaciones|de permiso)|\bfuera de la oficina\b|\bestaré de regreso\b|\brespuesta automática\b|\bya no (?:trabaja|forma parte|está) (?:en|con|de)\b",
        r")",
        // Japanese.
        r"|不在(?:にして|のため|です|となり|にしており|にしております)|休暇(?:中|を取得|をいただいて)|出張(?:中|のため)|自動(?:返信|応答|送信)|退職(?:いたしました|しました|致しました)|このメールは自動(?:返信|応答|送信)",
    ))
    .expect("static regex")
});

/// Lines that show a quoted conversation: a person replying quotes the email
/// they answer, a machine does not.
static QUOTE_MARKER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(concat!(
        r"(?im)^\s*>|^-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine|mensaje original)|",
        r"^on .{4,120} wrote:\s*$|^am .{4,80} schrieb .{0,80}:\s*$|^le .{4,80} a écrit\s*:\s*$|^el .{4,80} escribió:\s*$|^from:\s.+\n(?:.*\n)?\s*(?:sent|date):",
    ))
    .expect("static regex")
});

/// A line of a filled-in form: "Name: …", "【お名前】…".
static FORM_LINE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?m)^\s*(?:【[^】\n]{1,20}】|[\p{L}][\p{L} ]{1,30}\s*[:：])\s*\S")
        .expect("static regex")
});

/// True when `text` carries a filled-in form (three labelled lines or more):
/// a lead notification, whatever acknowledgement wording it opens with.
pub fn looks_like_form(text: &str) -> bool {
    FORM_LINE.find_iter(text).take(3).count() >= 3
}

/// True when a subject reads like a machine's answer.
pub fn subject_says_auto(subject: &str) -> Option<String> {
    SUBJECT.find(subject).map(|m| {
        m.as_str()
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '#')
            .to_string()
    })
}

/// The first out-of-office / left / no-reply / ticket phrase in `text`, with
/// its byte offset.
pub fn body_phrase(text: &str) -> Option<(usize, &str)> {
    BODY.find(text).map(|m| (m.start(), m.as_str()))
}

/// True when `text` quotes an earlier message.
pub fn quotes_conversation(text: &str) -> bool {
    QUOTE_MARKER.is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_tense_is_a_person_not_a_template() {
        assert!(body_phrase("I was out of office last week, now interested. Call me?").is_none());
        assert!(body_phrase("I am out of the office until Monday.").is_some());
        assert!(body_phrase("Ich bin bis zum 03.12.2026 nicht im Büro.").is_some());
        assert!(body_phrase("12月3日まで不在にしております。").is_some());
    }

    #[test]
    fn subjects_in_five_languages() {
        for s in [
            "Automatic reply: Your quote",
            "Out of Office: pricing",
            "Abwesenheitsnotiz: Angebot",
            "Réponse automatique : devis",
            "Respuesta automática: presupuesto",
            "【自動返信】お問い合わせ",
            "[Request received] Pricing",
            "Ticket #12345 has been created",
        ] {
            assert!(subject_says_auto(s).is_some(), "{s}");
        }
        assert!(subject_says_auto("Re: your offer").is_none());
    }
}
