//! Quote headers: where quoted mail starts in a reply. "On … wrote:"
//! attributions in many languages (wrapped over lines too), Outlook
//! `From:/Sent:` blocks, "-----Original Message-----" separators, and
//! whether inline answers follow a header (then it does not end new text).
//! Look-ahead is bounded to a few lines of bounded length.

use once_cell::sync::Lazy;
use regex::Regex;

use super::strip::*;

/// If a quote header starts at line `i`, the index of its last line.
pub(super) fn header_at(lines: &[&str], i: usize) -> Option<usize> {
    let line = lines[i];
    if line.len() > MAX_HEADER_LINE {
        return None;
    }
    let t = strip_emphasis(line.trim());
    if t.is_empty() {
        return None;
    }
    if is_separator(t) {
        return Some(i);
    }
    if let Some(end) = header_block_at(lines, i) {
        return Some(end);
    }
    if is_quote(line) {
        return None;
    }
    if is_attribution(t) {
        return Some(attribution_continued(lines, i));
    }
    if let Some(end) = notes_block_at(lines, i) {
        return Some(end);
    }
    if !may_start_attribution(t) {
        return None;
    }
    // A wrapped attribution: join the next few short lines. The longest
    // match wins, so "… <a@b.example>" + "> wrote:" ends at the verb.
    let mut joined = t.to_string();
    let mut found = None;
    for (j, next) in lines
        .iter()
        .enumerate()
        .skip(i + 1)
        .take(MAX_HEADER_SPAN - 1)
    {
        let piece = next.trim().trim_start_matches('>').trim();
        if next.len() > 160 || joined.len() > MAX_HEADER_LINE {
            break;
        }
        if piece.is_empty() {
            continue;
        }
        if found.is_none() && joined.ends_with(['.', '!', '?']) {
            break;
        }
        joined.push(' ');
        joined.push_str(piece);
        if is_attribution(&joined) {
            found = Some(j);
        } else if found.is_some() {
            break;
        }
    }
    found
}

/// "Op di 1 dec. 2026 om 09:00 schreef" + "Dana Reyes <dana@acme.example>:":
/// an attribution that ends with its verb continues on the next line when
/// that line is the author's address closed by a colon.
fn attribution_continued(lines: &[&str], i: usize) -> usize {
    static AUTHOR: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"^[^<>]{0,80}<?[^<>\s]+@[^<>\s]+>?\s*[:：]\s*$").unwrap());
    let ends_open = !lines[i].trim_end().ends_with([':', '：']);
    match lines.get(i + 1) {
        Some(next) if ends_open && next.len() < 160 && AUTHOR.is_match(next.trim()) => i + 1,
        _ => i,
    }
}

/// A Lotus Notes header: the author (`"Name" <a@b>` or `Name/Org@Domain`)
/// on its own line, a date and time right under it, then bare field names
/// ("To", "An", "cc", "Subject", "Thema") each over its value.
fn notes_block_at(lines: &[&str], i: usize) -> Option<usize> {
    static AUTHOR: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r#"^(?:"?[^"<>@]{1,60}"?\s*<[^<>\s]+@[^<>\s]+>|[\p{L} .'\-]{1,40}/[\p{L}/ .\-]{1,60}@[\p{L}\-.]{1,40})\s*$"#)
            .unwrap()
    });
    static DATE_TIME: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\s+\d{1,2}[:.]\d{2}(?:\s*(?:AM|PM|am|pm))?\s*$",
        )
        .unwrap()
    });
    static FIELD: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)^(?:to|an|à|a|para|aan|till|til|do|cc|bcc|kopie|copie|copia|subject|thema|betreff|objet|sujet|asunto|assunto|oggetto|onderwerp|ämne|emne|temat)\s*:?\s*$")
            .unwrap()
    });
    let t = lines[i].trim();
    // Both forms of AUTHOR hold an `@`: most lines are settled without the
    // regex (its Unicode classes keep it off the fast automaton).
    if t.len() > 160 || !t.contains('@') || !AUTHOR.is_match(t) {
        return None;
    }
    let mut j = i + 1;
    while j < lines.len() && j <= i + 2 && is_blank(lines[j]) {
        j += 1;
    }
    if !lines.get(j).is_some_and(|l| DATE_TIME.is_match(l.trim())) {
        return None;
    }
    let mut last = None;
    for (k, line) in lines.iter().enumerate().skip(j + 1).take(10) {
        if FIELD.is_match(line.trim()) {
            last = Some((k + 1).min(lines.len() - 1));
        }
    }
    last
}

pub(super) fn strip_emphasis(t: &str) -> &str {
    t.trim_matches(|c| c == '*' || c == '_').trim()
}

/// "-----Original Message-----", "Begin forwarded message:" and kin.
pub(super) fn is_separator(t: &str) -> bool {
    static DASHED: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"(?xi)^[-=_\s]{2,}\s*(?:
              original\ message | message\ d'origine | ursprüngliche\ nachricht | mensaje\ original
            | mensagem\ original | messaggio\ originale | oorspronkelijk\ bericht | oprindelig\ (?:besked|meddelelse)
            | opprinnelig\ melding | ursprungligt\ meddelande | alkuperäinen\ viesti | oryginalna\ wiadomość
            | исходное\ сообщение | 元のメッセージ | 原始邮件 | 原始郵件 | forwarded\ message | weitergeleitete\ nachricht
            | message\ transféré | mensaje\ reenviado | 転送メッセージ | reply\ message | original\ email
            | vidarebefordrat\ meddelande | videresendt\ (?:meddelelse|besked|melding) | doorgestuurd\ bericht
            | messaggio\ inoltrato | mensagem\ encaminhada | välitetty\ viesti | przekazana\ wiadomość
            | пересылаемое\ сообщение | 转发的邮件 | 轉寄的郵件 | 전달된\ 메시지 | 원본\ 메시지
            | message\ original | original-nachricht | originalnachricht | origineel\ bericht
            | původní\ zpráva | přeposlaná\ zpráva | eredeti\ üzenet | továbbított\ üzenet
            | orijinal\ mesaj | özgün\ ileti | iletilen\ ileti | исходное\ письмо | 원본\ 메일 | 전달된\ 메일
            )\s*[-=_\s]{2,}$",
        )
        .unwrap()
    });
    static PLAIN: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"(?xi)^(?:
              begin\ forwarded\ message | anfang\ der\ weitergeleiteten\ nachricht | début\ du\ message\ réexpédié
            | inicio\ del\ mensaje\ reenviado | inizio\ messaggio\ inoltrato | 転送されたメッセージ
            | forwarded\ message | mensagem\ encaminhada | doorgestuurd\ bericht
            | original\ message | -+\ ?original\ message\ ?-+
            | begin\ doorgestuurd\ bericht | início\ da\ mensagem\ (?:reencaminhada|encaminhada)
            | début\ du\ message\ transféré | začátek\ přeposlané\ zprávy | välitetty\ viesti\ alkaa
            | vidarebefordrat\ (?:brev|mejl|meddelande) | videresendt\ (?:besked|melding|meddelelse)
            | początek\ przekazywanej\ wiadomości | начало\ переадресованного\ сообщения
            | yönlendirilmiş\ ileti\ başlangıcı | továbbított\ levél\ kezdete | 전달된\ 메(?:일|시지)
            | 以下是转发的邮件 | 以下為轉寄的郵件
            )\s*[:：]?$",
        )
        .unwrap()
    });
    t.len() < 120 && (DASHED.is_match(t) || PLAIN.is_match(t))
}

/// The verbs of "On … wrote:" in many languages, at the end of the line.
pub(super) fn is_attribution(t: &str) -> bool {
    static WROTE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"(?xi)(?:
              \b(?:wrote|writes|schrieb|escribió|escribio|escreveu|scrisse|schreef|skrev|kirjoitti|írta|yazdı)
            | \ba\ (?:é|e)crit | \bha\ scritto | \bhat\ geschrieben | geschreven | \bnapisał(?:\(a\)|a)?
            | написал(?:а|\(а\))? | написав | \ כתב(?:/ה|ה)? | пише | 写道 | 寫道 | が書きました | 書きました | đã\ viết | \bnapsal(?:a|\(a\))? | \bkirjoitti | 님이\ 작성 | >\ 작성
            | \bpisze | \bpisał(?:a)? | \bmenulis | έγραψε | \ba\ scris
            )
            (?:\ am\ [^:]{3,60}|\ on\ .{3,60}?|\ (?:the\ following|folgendes))?
            (?:\s*\([^()]{3,80}\))?
            \s*(?::|：|-{2,})?\s*$",
        )
        .unwrap()
    });
    static DATED: Lazy<Regex> = Lazy::new(|| {
        // "2013/7/20 sam <s@x.org>", "30.09.2017, 18.30, "J" <j@x.com>:",
        // "2026年11月20日(金) 10:00 山本 <y@x.jp>:"
        Regex::new(r"(?x)<\s*[^<>\s]+@[^<>\s]+>\s*[:：]?\s*$|\S+@\S+\s*[:：]\s*$").unwrap()
    });
    static DATE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?x)\b(?:19|20)\d\d\b|\d{1,2}[:.]\d{2}|\d{4}年|\d{1,2}月\d{1,2}日|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b").unwrap()
    });
    static WROTE_THEN_DATE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"(?i)(?:\b(?:wrote|schrieb|skrev|kirjoitti|napsal|napisał(?:\(a\)|a)?|escribió|escreveu|scrisse|schreef|menulis)|έγραψε|\ba scris)\s[^<>@]{0,40}\d[^<>@]{0,30}[:：]\s*$",
        )
        .unwrap()
    });
    static VERB_THEN_NAME: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"(?i)\b(?:schrieb|wrote|skrev|schreef|escribió|escreveu|scrisse|kirjoitti|napsal|napisał(?:\(a\)|a)?)\s+[^\s:.,!?][^:!?]{0,60}[:：]\s*$",
        )
        .unwrap()
    });
    static VERB_FIRST: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"(?i)^wiadomość napisana przez\s.{3,200}[:：]\s*$").unwrap());
    static GMT: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}\s+\d{1,2}:\d{2}\s+GMT[+-]\d{1,2}:?\d{2}\b")
            .unwrap()
    });
    if t.len() > MAX_HEADER_LINE {
        return false;
    }
    if WROTE.is_match(t) {
        return t.contains('@')
            || t.chars().any(|c| c.is_ascii_digit())
            || starts_like_attribution(t)
            || short_name_wrote(t);
    }
    if GMT.is_match(t) {
        return true;
    }
    // "Wiadomość napisana przez Dana <d@x> w dniu 01.12.2026, o godz.
    // 09:00:" (Polish iOS Mail): the verb opens the line, the date ends it.
    if VERB_FIRST.is_match(t) && (t.contains('@') || t.chars().any(|c| c.is_ascii_digit())) {
        return true;
    }
    // "… kirjoitti ma 1.12.2026 klo 9.00:", "… a scris în Lun, 1 dec. 2026
    // la 09:00:": the verb, then the date, then the colon.
    if WROTE_THEN_DATE.is_match(t)
        && (t.contains('@') || starts_like_attribution(t) || t.contains('('))
    {
        return true;
    }
    // "Am 01.12.2026 um 09:00 schrieb Dana Reyes:" (Thunderbird): opener,
    // date, the verb, then the author's name and the colon.
    if VERB_THEN_NAME.is_match(t)
        && starts_like_attribution(t)
        && t.chars().any(|c| c.is_ascii_digit())
    {
        return true;
    }
    // "On 11-Apr-2011, at 6:54 PM, Roman <r@x.com> sent:" (some clients).
    if t.len() < 250
        && starts_like_attribution(t)
        && t.to_lowercase().trim_end().ends_with("sent:")
        && (t.contains('@') || t.chars().any(|c| c.is_ascii_digit()))
    {
        return true;
    }
    DATED.is_match(t) && DATE.is_match(t) && t.chars().count() < 250
}

/// "richard_clark wrote:" but not "As you wrote:" / "Here is what Sam wrote:".
pub(super) fn short_name_wrote(t: &str) -> bool {
    static SENTENCE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)^(?:as|here|this|that|what|you|he|she|they|we|i|like|just|and|but|so|which|who|someone)\b").unwrap()
    });
    t.split_whitespace().count() <= 5 && !SENTENCE.is_match(t)
}

pub(super) fn starts_like_attribution(t: &str) -> bool {
    static START: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)^[\u{200e}\u{200f}\u{202a}-\u{202e}]*(?:(?:on|le|am|el|em|il|op|den|dnia|w dniu|in data|at|pe|ti|ma|ke|to|la|su|vào|dne|ср|пн|вт|чт|пт|сб|вс)\b|στις\s|في\s|בתאריך\s|ב-?\d)")
            .unwrap()
    });
    START.is_match(t)
}

/// Could this line be the first line of a wrapped attribution? It starts
/// like one ("On", "Le", "Am", a date) or names an address (`Name <a@b>`).
pub(super) fn may_start_attribution(t: &str) -> bool {
    static ADDRESS: Lazy<Regex> = Lazy::new(|| Regex::new(r"<[^<>\s]*@|<\s*$|\(\s*$").unwrap());
    if t.ends_with(['.', '?', '!']) || t.len() > 300 {
        return false;
    }
    starts_like_attribution(t) || t.starts_with(|c: char| c.is_ascii_digit()) || ADDRESS.is_match(t)
}

/// An unquoted line wrapped out of a quote by a careless client:
/// `> … pharetra d` / `ignissim odio?` / `> …`.
pub(super) fn is_wrapped_quote(lines: &[&str], i: usize) -> bool {
    let (Some(prev), Some(next)) = (
        i.checked_sub(1).and_then(|p| lines.get(p)),
        lines.get(i + 1),
    ) else {
        return false;
    };
    let prev_body = prev.trim_start().trim_start_matches('>').trim();
    is_quote(prev)
        && is_quote(next)
        && !prev_body.is_empty()
        && !prev_body.ends_with(['.', '?', '!', ':', '"'])
        && {
            let t = lines[i].trim();
            // A lowercase continuation, or a wrapped URL tail ("_nonce=3dd518)").
            t.starts_with(|c: char| c.is_lowercase())
                || (!t.contains(' ')
                    && t.len() < 80
                    && !t.starts_with(|c: char| c.is_alphanumeric()))
        }
}

/// An Outlook-style header block: a `From:` line and at least one more
/// header line (`Sent:`, `To:`, `Subject:` … in several languages) close by.
pub(super) fn header_block_at(lines: &[&str], i: usize) -> Option<usize> {
    let first = header_key(lines[i])?;
    if first == HeaderKey::From && inline_header_keys(lines[i]) >= 2 {
        // "From: Dana <d@x> Sent: Thursday … To: Sam Subject: Roof" on one
        // line (Outlook on the web pasted as text).
        return Some(i);
    }
    let mut keys = vec![first];
    let mut last = i;
    let mut from_like = first == HeaderKey::From;
    for (j, line) in lines.iter().enumerate().skip(i + 1).take(7) {
        if let Some(k) = header_key(line) {
            if !keys.contains(&k) {
                keys.push(k);
            }
            from_like |= k == HeaderKey::From;
            last = j;
        }
    }
    let other = keys.iter().filter(|k| **k != HeaderKey::From).count();
    let dated_block =
        first == HeaderKey::Date && keys.contains(&HeaderKey::To) && header_value_is_date(lines[i]);
    ((from_like
        && other >= 1
        && keys.len() >= 2
        && (first == HeaderKey::From || first == HeaderKey::Date || keys.len() >= 3))
        || dated_block)
        .then_some(last)
}

/// "Date: Wed, 16 May 2012 00:15:02 -0600": a time and a year, not prose.
pub(super) fn header_value_is_date(line: &str) -> bool {
    static DATE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"\b(?:19|20)\d\d\b.*\d{1,2}:\d{2}|\d{1,2}:\d{2}.*\b(?:19|20)\d\d\b").unwrap()
    });
    line.len() < 200 && DATE.is_match(line)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HeaderKey {
    From,
    Date,
    To,
    Subject,
    Other,
}

pub(super) fn header_key(line: &str) -> Option<HeaderKey> {
    static KEY: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"(?xi)^[\s>\u{200e}\u{200f}\u{202a}-\u{202e}]*[*_]{0,2}\s*(?P<key>
              from|de|von|van|da|från|fra|od|от|差出人|发件人|寄件者|送信者
            | από|من|מאת
            | lähettäjä|kimden|feladó|보낸\ 사람
            | sent|date|gesendet|datum|envoyé(?:\ le)?|enviad[oa](?:\ (?:el|em))?|fecha|data|inviato|verzonden|skickat|sendt|dato
            | 送信日時|日付|发送时间|寄件日期|message\ du
            | wysłano|odesláno|lähetetty|päivämäärä|отправлено|дата|gönderildi|gönderilme\ tarihi|tarih
            | elküldve|dátum|보낸\ 날짜|날짜|日期|时间
            | στάλθηκε|ημερομηνία|تم\ الإرسال|التاريخ|נשלח|תאריך
            | to|an|à|a|para|aan|till|til|до|宛先|收件人|收件者
            | do|komu|vastaanottaja|кому|kime|címzett|받는\ 사람|προς|إلى|אל
            | subject|betreff|objet|sujet|asunto|assunto|oggetto|onderwerp|ämne|emne|temat|тема|件名|主题|主旨
            | předmět|aihe|konu|tárgy|제목|θέμα|الموضوع|נושא
            | cc|kopie|copie\ à|cco|bcc|reply-to|antwort\ an|risposta|dw|kopio|копия|bilgi|másolat|참조|抄送|κοιν|نسخة|עותק
            )\s*[*_]{0,2}\s*[:：]\s*[*_]{0,2}",
        )
        .unwrap()
    });
    if line.len() > MAX_HEADER_LINE * 2 {
        return None;
    }
    let caps = KEY.captures(line)?;
    let key = caps.name("key")?.as_str().to_lowercase();
    Some(match key.as_str() {
        "from" | "de" | "von" | "van" | "da" | "från" | "fra" | "od" | "от" | "差出人"
        | "发件人" | "寄件者" | "送信者" | "lähettäjä" | "kimden" | "feladó" | "보낸 사람"
        | "από" | "من" | "מאת" => HeaderKey::From,
        "sent"
        | "date"
        | "gesendet"
        | "datum"
        | "envoyé"
        | "envoyé le"
        | "enviado"
        | "enviada"
        | "enviado el"
        | "enviado em"
        | "enviada el"
        | "enviada em"
        | "fecha"
        | "data"
        | "inviato"
        | "verzonden"
        | "skickat"
        | "sendt"
        | "dato"
        | "送信日時"
        | "日付"
        | "发送时间"
        | "寄件日期"
        | "message du"
        | "wysłano"
        | "odesláno"
        | "lähetetty"
        | "päivämäärä"
        | "отправлено"
        | "дата"
        | "gönderildi"
        | "gönderilme tarihi"
        | "tarih"
        | "elküldve"
        | "dátum"
        | "보낸 날짜"
        | "날짜"
        | "日期"
        | "时间"
        | "στάλθηκε"
        | "ημερομηνία"
        | "تم الإرسال"
        | "التاريخ"
        | "נשלח"
        | "תאריך" => HeaderKey::Date,
        "to" | "an" | "à" | "a" | "para" | "aan" | "till" | "til" | "до" | "宛先" | "收件人"
        | "收件者" | "do" | "komu" | "vastaanottaja" | "кому" | "kime" | "címzett"
        | "받는 사람" | "προς" | "إلى" | "אל" => HeaderKey::To,
        "subject" | "betreff" | "objet" | "sujet" | "asunto" | "assunto" | "oggetto"
        | "onderwerp" | "ämne" | "emne" | "temat" | "тема" | "件名" | "主题" | "主旨"
        | "předmět" | "aihe" | "konu" | "tárgy" | "제목" | "θέμα" | "الموضوع" | "נושא" => {
            HeaderKey::Subject
        }
        _ => HeaderKey::Other,
    })
}

/// After an attribution: a quote block followed by more new text means the
/// prospect answered inline; keep reading instead of cutting.
pub(super) fn inline_answers_follow(lines: &[&str], from: usize) -> bool {
    let mut j = from;
    while j < lines.len() && is_blank(lines[j]) {
        j += 1;
    }
    if j >= lines.len() || !is_quote(lines[j]) {
        return false;
    }
    while j < lines.len()
        && (is_quote(lines[j]) || is_blank(lines[j]) || is_wrapped_quote(lines, j))
    {
        j += 1;
    }
    if j >= lines.len() {
        return false;
    }
    let t = lines[j].trim();
    !(is_delimiter(t) || is_footer(t) || is_disclaimer(t) || header_at(lines, j).is_some())
}

/// How many other header keys ("Sent:", "To:", "Subject:" …) stand inside
/// a line after its first key.
pub(super) fn inline_header_keys(line: &str) -> usize {
    static INLINE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"(?i)\s(sent|date|to|subject|cc|gesendet|datum|an|betreff|envoyé|à|objet|enviado|fecha|para|asunto|inviato|oggetto|verzonden|aan|onderwerp|skickat|till|ämne|sendt|til|emne)\s?:\s",
        )
        .unwrap()
    });
    if line.len() > MAX_HEADER_LINE * 2 {
        return 0;
    }
    let mut seen: Vec<String> = Vec::new();
    for c in INLINE.captures_iter(line) {
        let k = c[1].to_lowercase();
        if !seen.contains(&k) {
            seen.push(k);
        }
    }
    seen.len()
}
