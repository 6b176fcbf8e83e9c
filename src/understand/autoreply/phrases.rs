//! The words of automatic answers in EN/JA/DE/FR/ES/IT/PT/NL, the
//! Scandinavian languages, PL/CS/FI/TR and KO/ZH.
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
        r"|risposta automatica|fuori (?:sede|ufficio)|resposta automática|resposta automatica|fora do escritório|ausente do escritório|automatisch antwoord|afwezigheidsbericht|afwezig|niet op kantoor",
        r"|frånvaro|automatiskt svar|autosvar|fraværende|fravær|automatisk svar|automatyczna odpowiedź|poza biurem|automatická odpověď|mimo kancelář|automaattinen vastaus|poissa|otomatik yanıt|otomatik cevap|ofis dışında",
        r"|request received|ticket (?:#|no\.?|number )?\s*\d+ (?:has been )?(?:created|received|opened)|(?:we(?:'ve| have)|has been) received your (?:request|message|e-?mail|enquiry|inquiry)|your (?:request|ticket|case) (?:#\s*\d+ )?(?:has been )?(?:received|created|opened|logged)|case (?:#|number )\s*\d+ (?:created|opened)",
        r")",
        // `不在着信` is a missed call (a phone notice), not an absence.
        r"|不在(?:[^着]|$)|自動返信|自動応答|自動送信|休暇|お休み|受付完了|お問い合わせを受け付け",
        r"|자동\s?회신|자동\s?응답|부재\s?중|自动回复|自動回覆|自动答复|休假中",
    ))
    .expect("static regex")
});

/// Body phrases of out-of-office, "has left", no-reply and ticket notices.
// Word boundaries are ASCII (`(?-u:\b)`): with Unicode `\b` the regex engine
// cannot use its DFA and this one search was over half of all understanding
// time. Every phrase starts and ends with an ASCII letter where it has a `\b`.
static BODY: Lazy<Regex> = Lazy::new(|| {
    Regex::new(concat!(
        r"(?i)(?:",
        // Out of office, English.
        r"(?-u:\b)I(?:'m| am) (?:currently |now )?(?:out of (?:the )?office|away from (?:the |my )?(?:office|desk)|on (?:annual |parental |maternity |paternity |sick |medical )?leave|on (?:vacation|holiday)|travell?ing|away(?-u:\b)|not in the office|off work)",
        r"|(?-u:\b)I(?:'ll| will) be (?:out of (?:the )?office|away (?:from|until|till|through|on)|on (?:annual |parental |maternity |paternity )?leave|on (?:vacation|holiday)|out (?:until|till|through|from|on)(?-u:\b))",
        r"|(?-u:\b)I(?:'ll| will) (?:be )?(?:back|returning|return)(?: in| to| at)? (?:the |my )?(?:office|desk)(?-u:\b)|(?-u:\b)I(?:'ll| will) (?:be )?(?:back|returning|return) on (?:mon|tue|wed|thu|fri|sat|sun|\d)",
        r"|(?-u:\b)I(?:'ll| will) have (?:limited|no|intermittent) access to (?:my )?e-?mails?",
        r"|(?-u:\b)(?:with|have) (?:limited|no|intermittent) access to (?:my )?e-?mails?",
        r"|(?-u:\b)upon my return(?-u:\b)|(?-u:\b)when I return(?-u:\b)|(?-u:\b)during my absence(?-u:\b)|(?-u:\b)in my absence(?-u:\b)",
        r"|(?-u:\b)thank you for your (?:e-?mail|message)\.? I am (?:currently )?(?:out|away)",
        r"|(?-u:\b)out of (?:the )?office (?:until|till|through|from)(?-u:\b)|(?-u:\b)away from the office until(?-u:\b)",
        r"|(?-u:\b)this is an auto(?:mated|matic)[- ](?:reply|response|message|answer)|(?-u:\b)this (?:message|e-?mail|reply) (?:is|was) (?:sent |generated )?automatically(?-u:\b)|(?-u:\b)automatically generated (?:reply|response)",
        // Left the company.
        r"|(?-u:\b)is no longer (?:with|employed (?:by|at)|working (?:for|at|with)|at)(?-u:\b)|(?-u:\b)no longer works? (?:for|at|with)(?-u:\b)|(?-u:\b)I(?:'ve| have) left(?-u:\b)|(?-u:\b)has left (?:the company|the organi[sz]ation|the firm|our company|the business)(?-u:\b)|(?-u:\b)I am no longer (?:with|at|working)(?-u:\b)|(?-u:\b)this (?:e-?mail )?(?:address|account|mailbox) is no longer (?:active|in use|monitored)",
        // No-reply notices.
        r"|(?-u:\b)this (?:e-?mail |mail)?(?:address|mailbox|inbox) is (?:not|no longer) (?:being )?(?:monitored|attended|checked)|(?-u:\b)unmonitored (?:mailbox|inbox|address)",
        // Ticket systems.
        r"|(?-u:\b)we(?:'ve| have) received your (?:request|message|e-?mail|enquiry|inquiry|ticket)|(?-u:\b)your (?:request|ticket|case) (?:\(?#?\s*\d+\)? )?has been (?:received|created|opened|logged|submitted)|(?-u:\b)ticket (?:#|no\.?|number )\s*\d+ has been (?:created|opened|received)|(?-u:\b)a (?:support )?ticket has been (?:created|opened)|(?-u:\b)(?:a member of )?our (?:support )?team will (?:get back to|respond to|contact) you",
        // German.
        r"|(?-u:\b)ich bin (?:derzeit |zurzeit |bis |vom |ab )?.{0,40}?(?:nicht im büro|abwesend|im urlaub|außer haus|in elternzeit)|(?-u:\b)bin (?:ab|am) .{0,40}wieder (?:im büro|erreichbar|da)|(?-u:\b)wieder im büro(?-u:\b)|(?-u:\b)ab dem .{0,30} wieder|nicht mehr (?:bei|für) .{0,40}(?:tätig|beschäftigt)|(?-u:\b)abwesenheitsnotiz(?-u:\b)|(?-u:\b)automatische antwort(?-u:\b)|(?-u:\b)hat das unternehmen verlassen(?-u:\b)",
        // French.
        r"|(?-u:\b)je suis (?:actuellement )?(?:absente?|en (?:congés?|vacances|déplacement)|hors du bureau)|(?-u:\b)absente? du bureau(?-u:\b)|(?-u:\b)de retour le(?-u:\b)|(?-u:\b)réponse automatique(?-u:\b)|(?-u:\b)ne fait plus partie(?-u:\b)|(?-u:\b)n'est plus (?:en poste|employée?|chez)(?-u:\b)",
        // Spanish.
        r"|(?-u:\b)(?:estoy|estaré|me encuentro) (?:actualmente )?(?:fuera de la oficina|ausente|de vacaciones|de permiso)|(?-u:\b)fuera de la oficina(?-u:\b)|(?-u:\b)estaré de regreso(?-u:\b)|(?-u:\b)respuesta automática(?-u:\b)|(?-u:\b)ya no (?:trabaja|forma parte|está) (?:en|con|de)(?-u:\b)",
        // Italian, Portuguese, Dutch.
        r"|(?-u:\b)(?:sono|sarò) (?:attualmente )?(?:fuori (?:sede|ufficio)|assente|in ferie)|(?-u:\b)(?:estou|estarei) (?:atualmente )?(?:fora do escritório|ausente|de férias)",
        r"|(?-u:\b)ik ben (?:momenteel |op dit moment )?(?:afwezig|niet op kantoor|met vakantie)",
        // Scandinavian, Polish, Czech, Finnish, Turkish.
        r"|(?-u:\b)jag är (?:för närvarande )?(?:på semester|ledig|tjänstledig|borta|inte på kontoret|frånvarande)|(?-u:\b)jeg er (?:på ferie|fraværende|borte|ikke på kontoret|på barsel)",
        r"|(?-u:\b)(?:jestem|przebywam) (?:obecnie )?(?:na urlopie|poza biurem|nieobecn[ya])|(?-u:\b)przebywam na urlopie|(?-u:\b)jsem (?:mimo kancelář|na dovolené|nepřítomen|nepřítomna)|(?-u:\b)olen (?:lomalla|poissa|matkoilla)|izindeyim|tatildeyim|ofis dışındayım",
        r")",
        // Korean, Chinese.
        r"|휴가\s?중입니다|부재\s?중입니다|자리를 비웁니다|문의(?:하신 내용)?(?:가|이) (?:정상적으로 )?접수\s?되었습니다|我(?:目前|现在)?(?:正在休假|不在办公室|休假中)|休假期间|(?:将于|会于)[0-9年月日号\s]{1,16}(?:返回|回到)(?:办公室|公司)",
        // Japanese.
        r"|不在(?:にして|のため|です|となり|にしており|にしております)|休暇(?:中|を取得|をいただいて)|出張(?:中|のため)|自動(?:返信|応答|送信)|退職(?:いたしました|しました|致しました)|このメールは自動(?:返信|応答|送信)",
    ))
    .expect("static regex")
});

/// Ticket systems put a line above which the customer's answer goes
/// (Zendesk's "##- Please type your reply above this line -##", translated
/// into the customer's language): the `##- … -##` frame is the same in every
/// language, so the frame decides, and the English wording without it.
static REPLY_MARKER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?mi)^[ \t]*##-[^\n]{2,120}-##[ \t]*$|(?-u:\b)(?:please )?(?:type|write|enter) your (?:reply|response) above this line|(?-u:\b)(?:do not|don't) (?:reply|write) below this line",
    )
    .expect("static regex")
});

/// A ticket, case or request number in a subject, in the helpdesks' usual
/// shapes: "[Ticket #48213]", "[#48213]", "[티켓 #48213]", "Case 00123456",
/// "工单编号：48213", "Anfrage Nr. 48213".
static SUBJECT_TICKET: Lazy<Regex> = Lazy::new(|| {
    Regex::new(concat!(
        r"(?i)\[\s*#\s*\d{3,}\s*\]",
        r"|(?:ticket|case|request|incident|req|sr|support|티켓|문의|접수\s?번호|문의\s?번호|工单|工單|案件|チケット|問い合わせ番号|お問い合わせ番号|anfrage|ticketnummer|vorgang|demande|solicitud|caso|chamado|richiesta|zgłoszenie|požadavek|talep|destek)",
        r"\s*(?:#|no\.?|nr\.?|n[º°o]\.?|number|id|번호|编号|編號|番号)?\s*[:：]?\s*#?\s*\d{3,}",
    ))
    .expect("static regex")
});

/// A helpdesk acknowledging receipt, in the languages of the tables.
static TICKET_RECEIPT: Lazy<Regex> = Lazy::new(|| {
    Regex::new(concat!(
        // A receipt of *your request*, not of a payment or an order.
        r"(?i)(?-u:\b)we(?:'ve| have)? (?:successfully )?received your (?:request|message|e-?mail|enquiry|inquiry|ticket|case|support request)",
        r"|(?-u:\b)(?:request|ticket|case|message|enquiry|inquiry) (?:has|have|was) been (?:received|created|opened|logged)",
        r"|접수\s?되었습니다|접수되었으며|접수하였습니다|접수 완료|受け付けました|受付いたしました|受け付けいたしました|受付完了|已收到|已受理|已經收到",
        r"|(?:anfrage|nachricht|e-mail) (?:ist )?(?:bei uns )?eingegangen|haben ihre (?:anfrage|nachricht|e-mail) erhalten",
        r"|avons bien reçu|a bien été (?:reçue|enregistrée)|hemos recibido|ha sido (?:recibida|registrada)|abbiamo ricevuto|recebemos (?:a )?sua|foi (?:recebida|registrada)",
        r"|otrzymaliśmy|obdrželi jsme|aldık|получили ваш|отримали ваш",
    ))
    .expect("static regex")
});

/// True when the text carries a ticket system's reply-above-this-line marker.
pub fn reply_marker(text: &str) -> Option<&str> {
    REPLY_MARKER.find(text).map(|m| m.as_str().trim())
}

/// A helpdesk's acknowledgement: a ticket system (a ticket number in the
/// subject, or its reply-above-this-line marker) and a receipt in the first
/// lines of the body. An agent's answer through the same system carries the
/// marker and the number but no receipt: it is a person's reply.
pub fn ticket_acknowledgement(subject: &str, text: &str) -> Option<String> {
    let head = &text[..super::super::body::floor_char_boundary(text, 1500)];
    let system = SUBJECT_TICKET
        .find(subject)
        .map(|m| m.as_str())
        .or_else(|| reply_marker(head))?;
    TICKET_RECEIPT
        .is_match(head)
        .then(|| system.trim().to_string())
}

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

    #[test]
    fn ticket_acknowledgements_by_structure() {
        assert!(reply_marker("##- 이 줄 위에 회신을 입력해 주세요 -##\n\n안녕하세요").is_some());
        assert!(
            reply_marker("##- Bitte geben Sie Ihre Antwort über dieser Zeile ein. -##").is_some()
        );
        assert!(reply_marker("Please type your reply above this line").is_some());
        assert!(reply_marker("I will reply above, see the line below.").is_none());
        for (subject, body) in [
            (
                "[티켓 #48213] 문의 접수 안내",
                "고객님의 문의가 접수되었습니다.",
            ),
            (
                "[#48213] Your request",
                "We have received your request and will reply soon.",
            ),
            (
                "Anfrage Nr. 20261202 – Eingangsbestätigung",
                "Ihre Anfrage ist bei uns eingegangen.",
            ),
            ("工单编号：48213", "您好，我们已收到您的来信。"),
        ] {
            assert!(ticket_acknowledgement(subject, body).is_some(), "{subject}");
        }
        // A person answering about a ticket writes no receipt.
        assert!(ticket_acknowledgement("Re: Ticket 48213", "Sure, call me tomorrow.").is_none());
        assert!(ticket_acknowledgement("Re: Solar", "We have received your quote.").is_none());
        assert!(
            ticket_acknowledgement("Order 48213 confirmed", "Your payment was received.").is_none()
        );
        // The marker over a receipt, whatever the subject; over an agent's
        // answer, no acknowledgement.
        assert!(
            ticket_acknowledgement(
                "Re: Solar",
                "##- 이 줄 위에 회신을 입력해 주세요 -##\n문의가 접수되었습니다."
            )
            .is_some()
        );
        assert!(
            ticket_acknowledgement(
                "Re: Solar",
                "##- Please type your reply above this line -##\nHi Dana, yes, call me."
            )
            .is_none()
        );
    }
}
