//! Quote and signature stripping: what the prospect newly wrote.
//!
//! The body is read line by line. Each line is a quote (`> …`), a quote
//! header ("On … wrote:", an Outlook `From:/Sent:` block, "-----Original
//! Message-----" …), a signature delimiter (`-- `, `____`), a device footer
//! ("Sent from my iPhone") or text. New text ends at the first quote header
//! that is not followed by inline answers, at a delimiter or at a footer;
//! then trailing quotes go, and a sign-off with its signature block.
//!
//! Two conventions exist and both are served by [`StripOptions`]:
//! DESIGN.md's `reply_text` (drop every quote and the sign-off that carries
//! the sender's name) and the public reply-trimmer corpora, which keep quotes
//! interleaved with new text and a bare "Thanks,\nSam".
//!
//! Every step is linear in the number of lines; header look-ahead is bounded
//! to a few lines of bounded length, so hostile bodies stay cheap.

use once_cell::sync::Lazy;
use regex::Regex;

/// How much of a reply counts as "new text".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StripOptions {
    /// Drop the sign-off line that carries the sender's name ("Best, Sam",
    /// "Thanks,\nSam", "-Sam") and an undelimited trailing signature block
    /// (name, title, phone lines). A sign-off followed by a multi-line
    /// signature block is dropped either way.
    pub drop_signoff: bool,
    /// Keep `>` quotes that sit before or between new lines (inline answers).
    /// Trailing quotes are always dropped.
    pub keep_interleaved_quotes: bool,
}

impl StripOptions {
    /// DESIGN.md's `reply_text` convention.
    pub const DESIGN: StripOptions = StripOptions {
        drop_signoff: true,
        keep_interleaved_quotes: false,
    };
    /// The convention of the public trimmer corpora (discourse, crisp, github).
    pub const CORPUS: StripOptions = StripOptions {
        drop_signoff: false,
        keep_interleaved_quotes: true,
    };
}

/// A reply split into its new text and its signature.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stripped {
    /// The new text, trimmed; empty when the prospect wrote nothing new.
    pub text: String,
    /// The signature block that was removed (delimited or after a sign-off).
    pub signature: Option<String>,
    /// True when anything quoted (a quote header or `>` lines) was found.
    pub had_quote: bool,
}

/// Lines longer than this are never headers, footers or sign-offs.
const MAX_HEADER_LINE: usize = 400;
/// How many lines a wrapped "On … wrote:" may span.
const MAX_HEADER_SPAN: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kept {
    Text,
    Quote,
    Empty,
}

/// Strips quotes and signatures from a plain-text reply body.
pub fn strip(text: &str, opts: StripOptions) -> Stripped {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = normalized.split('\n').collect();
    let n = lines.len();

    let mut out: Vec<(usize, Kept)> = Vec::with_capacity(n.min(4096));
    let mut has_text = false;
    let mut had_quote = false;
    let mut in_code = false;
    let mut delimited_signature: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < n {
        let line = lines[i];
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_code = !in_code;
            out.push((i, Kept::Text));
            has_text = true;
            i += 1;
            continue;
        }
        if in_code {
            out.push((
                i,
                if trimmed.is_empty() {
                    Kept::Empty
                } else {
                    Kept::Text
                },
            ));
            i += 1;
            continue;
        }
        if is_blank(line) {
            out.push((i, Kept::Empty));
            i += 1;
            continue;
        }
        if let Some(end) = header_at(&lines, i) {
            had_quote = true;
            if !has_text {
                // Bottom-posting: the quote under a header at the top is the
                // original; the new text comes after it.
                i = end + 1;
                while i < n && (is_quote(lines[i]) || is_blank(lines[i])) {
                    i += 1;
                }
                continue;
            }
            if inline_answers_follow(&lines, end + 1) {
                i = end + 1;
                continue;
            }
            break;
        }
        if is_quote(line) || is_wrapped_quote(&lines, i) {
            had_quote = true;
            out.push((i, Kept::Quote));
            i += 1;
            continue;
        }
        if is_delimiter(trimmed) {
            if !has_text {
                i += 1;
                continue;
            }
            let end = (i + 1..n)
                .find(|&j| header_at(&lines, j).is_some() || is_quote(lines[j]))
                .unwrap_or(n);
            delimited_signature = Some((i + 1, end));
            break;
        }
        if is_footer(trimmed) || is_disclaimer(trimmed) {
            if !has_text {
                i += 1;
                continue;
            }
            break;
        }
        out.push((i, Kept::Text));
        has_text = true;
        i += 1;
    }

    // Trailing quotes and blank lines never belong to the new text.
    while matches!(out.last(), Some((_, Kept::Empty | Kept::Quote))) {
        out.pop();
    }
    let only_quotes = !out.iter().any(|(_, k)| *k == Kept::Text);
    if only_quotes {
        out.clear();
    }
    let quotes_an_original = lines.iter().find(|l| !is_blank(l)).is_some_and(|l| {
        is_quote(l) && is_attribution(l.trim_start().trim_start_matches(['>', ' ']))
    });
    if only_quotes && opts.keep_interleaved_quotes && !quotes_an_original {
        // A message that is nothing but a quote: keep it as written.
        out = (0..n)
            .filter(|&j| is_quote(lines[j]) || is_blank(lines[j]))
            .map(|j| (j, Kept::Quote))
            .collect();
    }
    if !opts.keep_interleaved_quotes {
        out.retain(|(_, k)| *k != Kept::Quote);
    }
    drop_quote_before_signoff(&lines, &mut out);

    let mut signature_lines: Vec<String> = Vec::new();
    if let Some(cut) = signoff_cut(&lines, &out, opts) {
        signature_lines.extend(out[cut..].iter().map(|(j, _)| lines[*j].to_string()));
        out.truncate(cut);
    } else if opts.drop_signoff
        && let Some(cut) = trailing_signature_block(&lines, &out)
    {
        signature_lines.extend(out[cut..].iter().map(|(j, _)| lines[*j].to_string()));
        out.truncate(cut);
    }
    if let Some((from, to)) = delimited_signature {
        signature_lines.extend(lines[from..to].iter().map(|l| l.to_string()));
    }
    while matches!(out.last(), Some((_, Kept::Empty)))
        || (!only_quotes && matches!(out.last(), Some((_, Kept::Quote))))
    {
        out.pop();
    }

    let text: Vec<&str> = out.iter().map(|(j, _)| lines[*j]).collect();
    let text = text.join("\n").trim().to_string();
    let signature = signature_lines.join("\n").trim().to_string();
    Stripped {
        text,
        signature: (!signature.is_empty()).then_some(signature),
        had_quote,
    }
}

fn is_blank(line: &str) -> bool {
    line.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '\u{a0}' | '\u{1427}'
    )
}

/// `> text`, `>text`, and the `Name> text` style of some old clients.
pub(crate) fn is_quote(line: &str) -> bool {
    static NAMED: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"^[ \t]*[A-Za-z]{1,10}>(?:[ \t>]|$)").unwrap());
    let t = line.trim_start();
    t.starts_with('>') || (line.len() < MAX_HEADER_LINE && NAMED.is_match(line))
}

/// A line that is only a rule: `--`, `-- `, `____`, `====`, `***` …
fn is_delimiter(trimmed: &str) -> bool {
    if trimmed == "--" || trimmed == "\u{1427}" {
        return true;
    }
    let mut chars = trimmed.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !"-_=*#~+─━＿―".contains(first) {
        return false;
    }
    let count = trimmed.chars().count();
    let min = if first == '_' { 2 } else { 3 };
    count >= min && count <= 200 && trimmed.chars().all(|c| c == first)
}

/// Device and client footers ("Sent from my iPhone", "iPhoneから送信").
fn is_footer(trimmed: &str) -> bool {
    static LINK: Lazy<Regex> = Lazy::new(|| Regex::new(r"<[^<>]*>|\[([^\]]*)\]\([^)]*\)").unwrap());
    static GENERIC: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"(?xi)^[\s(<]*(?:
              sent\ (?:from|via|with|using|on)\ (?P<rest>.*)
            | get\ outlook\ for\ .*
            | (?:envoy[ée]|enviado|inviato|verzonden|verstuurd|sendt|skickat|gesendet|wys[łl]ane|отправлено)
                \ (?:de(?:puis)?|à\ partir\ de|desde|do|da|dal|met|vanaf|fra|från|von|mit|z|с|from)\ .{1,60}
            | von\ meine[mr]\ .{1,40}\ gesendet\.?
            | odesláno\ z\ .{1,40}
            | lähetetty\ \S+(?:sta|stä)(?:\ .{0,30})?
            | diese\ nachricht\ wurde\ von\ meinem\ .{1,80}\ gesendet\.?
            | sent\ by\ .{1,30}
            | \S.{0,40}\ from\ (?:mobile|my\ phone)
            | from\ my\ (?:iphone|ipad|android|mobile|phone|samsung|galaxy|blackberry).{0,20}
            )[\s)>]*$",
        )
        .unwrap()
    });
    static CJK: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"^(?:傳送自.{1,30}|发送自.{1,30}|.{1,30}から送信|.{1,30}에서\s?보냄|[從从发發]自?我的.{1,30}(?:傳送|发送|發送)?|发自我的.{1,30})$",
        )
        .unwrap()
    });
    if trimmed.is_empty() || trimmed.len() > 160 {
        return false;
    }
    let plain = LINK.replace_all(trimmed, "$1");
    let plain = plain.trim();
    if CJK.is_match(plain) {
        return true;
    }
    let Some(caps) = GENERIC.captures(plain) else {
        return false;
    };
    let Some(rest) = caps.name("rest") else {
        return true;
    };
    sent_from_rest_is_device(rest.as_str())
}

/// "Sent from my desk, is much easier then my mobile phone." is a sentence;
/// "Sent from my cell, please excuse any typos." is a footer.
fn sent_from_rest_is_device(rest: &str) -> bool {
    let rest = rest
        .trim()
        .trim_start_matches("my ")
        .trim_start_matches("My ");
    let (head, tail) = match rest.find([',', '.', ';', '!', '-']) {
        Some(p) => (
            &rest[..p],
            rest[p..].trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace()),
        ),
        None => (rest, ""),
    };
    let words = head.split_whitespace().count();
    if words == 0 || words > 6 {
        return false;
    }
    let tail = tail.to_lowercase();
    tail.is_empty()
        || [
            "excuse",
            "typo",
            "brevity",
            "brief",
            "autocorrect",
            "pardon",
        ]
        .iter()
        .any(|w| tail.contains(w))
}

/// The start of a legal disclaimer or confidentiality notice.
fn is_disclaimer(trimmed: &str) -> bool {
    static RE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"(?xi)^(?:
              (?:this|the)\ (?:e-?mail|message|communication)(?:\ and|\ \(and|\ \(including|\ including|\ together\ with|\ may|\ is|\ contains|,).{0,60}(?:confidential|privileged|intended)
            | the\ (?:information|content)s?\ (?:contained\ )?in\ this\ (?:e-?mail|message|communication)
            | confidentiality\ notice | disclaimer\s*: | important\ notice\s*:
            | diese\ (?:e-?mail|nachricht)\ (?:enthält|ist|kann).{0,40}vertraulich
            | ce\ (?:message|courriel|e-?mail)\ (?:et|est|ainsi).{0,80}(?:confidenti|destin)
            | este\ (?:mensaje|correo)\ (?:y|es|electrónico|contiene).{0,80}(?:confidencial|destinatario)
            | (?:この|本)(?:メール|電子メール).{0,40}(?:機密|秘密|宛先|誤って)
            )",
        )
        .unwrap()
    });
    static CONFIDENTIAL: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"(?i)confidential|privileged|vertraulich|confidentiel|confidenci|riservat|vertrouwelijk|fortrolig|konfidentiell|luottamuksellinen|poufn|důvěrn|bizalmas|gizli|конфиденциальн|保密|機密|机密|秘密|기밀",
        )
        .unwrap()
    });
    static RECIPIENT: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"(?i)intended|addressee|recipient|empfänger|destinataire|destinatari|destinatário|geadresseerde|modtage|mottagar|vastaanottaja|adresat|adresát|címzett|alıcı|получател|адресат|收件人|收件者|个人或群组|宛先|受信者|수신인|수신자",
        )
        .unwrap()
    });
    if trimmed.len() >= 2000 {
        return false;
    }
    if RE.is_match(trimmed) {
        return true;
    }
    // Any language: a long line naming both confidentiality and the
    // intended recipient is a notice, not something the prospect wrote.
    trimmed.chars().count() >= 40
        && (trimmed.split_whitespace().count() >= 8 || !trimmed.is_ascii())
        && CONFIDENTIAL.is_match(trimmed)
        && RECIPIENT.is_match(trimmed)
}

/// If a quote header starts at line `i`, the index of its last line.
fn header_at(lines: &[&str], i: usize) -> Option<usize> {
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
        return Some(i);
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

fn strip_emphasis(t: &str) -> &str {
    t.trim_matches(|c| c == '*' || c == '_').trim()
}

/// "-----Original Message-----", "Begin forwarded message:" and kin.
fn is_separator(t: &str) -> bool {
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
            )\s*:?$",
        )
        .unwrap()
    });
    t.len() < 120 && (DASHED.is_match(t) || PLAIN.is_match(t))
}

/// The verbs of "On … wrote:" in many languages, at the end of the line.
fn is_attribution(t: &str) -> bool {
    static WROTE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"(?xi)(?:
              \b(?:wrote|writes|schrieb|escribió|escribio|escreveu|scrisse|schreef|skrev|kirjoitti|írta|yazdı)
            | \ba\ (?:é|e)crit | \bha\ scritto | \bhat\ geschrieben | geschreven | \bnapisał(?:\(a\)|a)?
            | написал(?:а)? | написав | пише | 写道 | 寫道 | が書きました | 書きました | đã\ viết | \bnapsal(?:a)? | \bkirjoitti | 님이\ 작성 | >\ 작성
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
        Regex::new(r"(?x)<[^<>\s]+@[^<>\s]+>\s*[:：]?\s*$|\S+@\S+\s*[:：]\s*$").unwrap()
    });
    static DATE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?x)\b(?:19|20)\d\d\b|\d{1,2}[:.]\d{2}|\d{4}年|\d{1,2}月\d{1,2}日|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b").unwrap()
    });
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
fn short_name_wrote(t: &str) -> bool {
    static SENTENCE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)^(?:as|here|this|that|what|you|he|she|they|we|i|like|just|and|but|so|which|who|someone)\b").unwrap()
    });
    t.split_whitespace().count() <= 5 && !SENTENCE.is_match(t)
}

fn starts_like_attribution(t: &str) -> bool {
    static START: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)^(?:on|le|am|el|em|il|op|den|dnia|w dniu|in data|at|pe|ti|ma|ke|to|la|su|vào|dne|ср|пн|вт|чт|пт|сб|вс)\b")
            .unwrap()
    });
    START.is_match(t)
}

/// Could this line be the first line of a wrapped attribution? It starts
/// like one ("On", "Le", "Am", a date) or names an address (`Name <a@b>`).
fn may_start_attribution(t: &str) -> bool {
    static ADDRESS: Lazy<Regex> = Lazy::new(|| Regex::new(r"<[^<>\s]*@|<\s*$|\(\s*$").unwrap());
    if t.ends_with(['.', '?', '!']) || t.len() > 300 {
        return false;
    }
    starts_like_attribution(t) || t.starts_with(|c: char| c.is_ascii_digit()) || ADDRESS.is_match(t)
}

/// An unquoted line wrapped out of a quote by a careless client:
/// `> … pharetra d` / `ignissim odio?` / `> …`.
fn is_wrapped_quote(lines: &[&str], i: usize) -> bool {
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
fn header_block_at(lines: &[&str], i: usize) -> Option<usize> {
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

/// How many other header keys ("Sent:", "To:", "Subject:" …) stand inside
/// a line after its first key.
fn inline_header_keys(line: &str) -> usize {
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

/// "Date: Wed, 16 May 2012 00:15:02 -0600": a time and a year, not prose.
fn header_value_is_date(line: &str) -> bool {
    static DATE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"\b(?:19|20)\d\d\b.*\d{1,2}:\d{2}|\d{1,2}:\d{2}.*\b(?:19|20)\d\d\b").unwrap()
    });
    line.len() < 200 && DATE.is_match(line)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeaderKey {
    From,
    Date,
    To,
    Subject,
    Other,
}

fn header_key(line: &str) -> Option<HeaderKey> {
    static KEY: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"(?xi)^[\s>]*[*_]{0,2}\s*(?P<key>
              from|de|von|van|da|från|fra|od|от|差出人|发件人|寄件者|送信者
            | sent|date|gesendet|datum|envoyé(?:\ le)?|enviado|fecha|data|inviato|verzonden|skickat|sendt|dato
            | 送信日時|日付|发送时间|寄件日期|message\ du
            | to|an|à|a|para|aan|till|til|до|宛先|收件人|收件者
            | subject|betreff|objet|sujet|asunto|assunto|oggetto|onderwerp|ämne|emne|temat|тема|件名|主题|主旨
            | cc|kopie|copie\ à|cco|bcc|reply-to|antwort\ an|risposta
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
        | "发件人" | "寄件者" | "送信者" => HeaderKey::From,
        "sent" | "date" | "gesendet" | "datum" | "envoyé" | "envoyé le" | "enviado" | "fecha"
        | "data" | "inviato" | "verzonden" | "skickat" | "sendt" | "dato" | "送信日時" | "日付"
        | "发送时间" | "寄件日期" | "message du" => HeaderKey::Date,
        "to" | "an" | "à" | "a" | "para" | "aan" | "till" | "til" | "до" | "宛先" | "收件人"
        | "收件者" => HeaderKey::To,
        "subject" | "betreff" | "objet" | "sujet" | "asunto" | "assunto" | "oggetto"
        | "onderwerp" | "ämne" | "emne" | "temat" | "тема" | "件名" | "主题" | "主旨" => {
            HeaderKey::Subject
        }
        _ => HeaderKey::Other,
    })
}

/// After an attribution: a quote block followed by more new text means the
/// prospect answered inline; keep reading instead of cutting.
fn inline_answers_follow(lines: &[&str], from: usize) -> bool {
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

/// Sign-off lines: "Best,", "Thanks, Sam", "Mit freundlichen Grüßen",
/// "よろしくお願いいたします。". Returns the name written on the same line.
fn signoff(trimmed: &str) -> Option<Option<String>> {
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
fn is_name_signoff(trimmed: &str) -> bool {
    static RE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"^(?:-|–|—|//|~)\s?\p{Lu}[\p{L}.'\-]*(?: \p{Lu}[\p{L}.'\-]*){0,2}$").unwrap()
    });
    trimmed.len() < 50 && RE.is_match(trimmed)
}

/// Short lines that fit a signature: a name, a title, a phone, a company.
fn is_signature_like(trimmed: &str) -> bool {
    let words = trimmed.split_whitespace().count();
    trimmed.chars().count() <= 90
        && words <= 10
        && !trimmed.ends_with('?')
        && !(words > 6 && trimmed.ends_with('.'))
}

/// "Test reply / > quote / Regards, Roman": a quote followed by nothing but
/// a sign-off was not answered inline; it goes, the sign-off stays.
fn drop_quote_before_signoff(lines: &[&str], out: &mut Vec<(usize, Kept)>) {
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
fn signoff_cut(lines: &[&str], out: &[(usize, Kept)], opts: StripOptions) -> Option<usize> {
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
fn trailing_signature_block(lines: &[&str], out: &[(usize, Kept)]) -> Option<usize> {
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

/// Undoes RFC 3676 `format=flowed`: a line ending in a space continues on the
/// next line of the same quote depth. `delsp` removes that space.
pub fn unflow(text: &str, delsp: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending: Option<(usize, String)> = None;
    for raw in text.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let depth = raw.chars().take_while(|&c| c == '>').count();
        let mut body = &raw[depth..];
        if let Some(stuffed) = body.strip_prefix(' ') {
            body = stuffed;
        }
        let soft = body.ends_with(' ') && body != "-- ";
        let piece = if soft && delsp {
            &body[..body.len() - 1]
        } else {
            body
        };
        match pending.take() {
            Some((d, mut acc)) if d == depth => {
                acc.push_str(piece);
                if soft {
                    pending = Some((d, acc));
                } else {
                    push_line(&mut out, d, &acc);
                }
            }
            other => {
                if let Some((d, acc)) = other {
                    push_line(&mut out, d, &acc);
                }
                if soft {
                    pending = Some((depth, piece.to_string()));
                } else {
                    push_line(&mut out, depth, piece);
                }
            }
        }
    }
    if let Some((d, acc)) = pending {
        push_line(&mut out, d, &acc);
    }
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

fn push_line(out: &mut String, depth: usize, body: &str) {
    for _ in 0..depth {
        out.push('>');
    }
    if depth > 0 && !body.is_empty() {
        out.push(' ');
    }
    out.push_str(body);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn design(text: &str) -> String {
        strip(text, StripOptions::DESIGN).text
    }

    #[test]
    fn gmail_attribution_wrapped_over_two_lines_is_cut() {
        let t = "Sounds good.\n\nOn Mon, Aug 26, 2019 at 4:37 PM Dana <\ndana@acme.example> wrote:\n\n> hi\n";
        assert_eq!(design(t), "Sounds good.");
    }

    #[test]
    fn signoffs_and_headers_of_many_languages_are_cut() {
        let quote = "> Hi,\n> Thanks for your interest.\n> Dana\n";
        for (new, signoff, header) in [
            (
                "Hej Dana,\n\nVi er interesserede.",
                "Med venlig hilsen\nAnders Andersen",
                "Den tor. 19. nov. 2026 kl. 09.02 skrev Dana <dana@acme.example>:",
            ),
            (
                "Hej,\n\nVi återkommer.",
                "Med vänliga hälsningar\nErik Lund",
                "Från: Dana <dana@acme.example>\nSkickat: den 19 november 2026 09:02\nTill: Erik\nÄmne: Tak",
            ),
            (
                "Dzień dobry,\n\nProszę o ofertę.",
                "Z poważaniem\nJan Kowalski",
                "W dniu czw., 19.11.2026 o 09:02 Dana <dana@acme.example> napisał(a):",
            ),
            (
                "Dobrý den,\n\nmáme zájem.",
                "S pozdravem\nJan Novák",
                "Od: Dana <dana@acme.example>\nOdesláno: 19. listopadu 2026 9:02\nKomu: Jan\nPředmět: Střecha",
            ),
            (
                "Hei,\n\nOlemme kiinnostuneita.",
                "Ystävällisin terveisin\nMatti Virtanen",
                "to 19. marrask. 2026 klo 9.02 Dana (dana@acme.example) kirjoitti:",
            ),
            (
                "Kedves Dana!\n\nÉrdekel minket.",
                "Üdvözlettel\nKovács Péter",
                "Dana <dana@acme.example> ezt írta (időpont: 2026. nov. 19., Cs, 9:02):",
            ),
            (
                "Merhaba,\n\nİlgileniyoruz.",
                "Saygılarımla\nAhmet Yılmaz",
                "Kimden: Dana <dana@acme.example>\nGönderildi: 19 Kasım 2026 09:02\nKime: Ahmet\nKonu: Çatı",
            ),
            (
                "Добрый день,\n\nНам интересно.",
                "С уважением,\nИван Петров",
                "От: Dana <dana@acme.example>\nОтправлено: 19 ноября 2026 г. 9:02\nКому: Иван\nТема: Крыша",
            ),
            (
                "안녕하세요,\n\n견적서를 보내 주세요.",
                "감사합니다.\n김지훈 드림",
                "2026. 11. 19. 오전 9:02, Dana <dana@acme.example> 작성:",
            ),
            (
                "您好，\n\n请发一份报价给我们。",
                "谢谢！\n王芳",
                "Dana <dana@acme.example> 于2026年11月19日周四 09:02写道：",
            ),
            (
                "We are interested.",
                "",
                "Dana <dana@acme.example> wrote on 19.11.2026 09:02:",
            ),
            (
                "관심 있습니다.",
                "iPhone에서 보냄",
                "2026. 11. 19. 오전 9:02, Dana <dana@acme.example> 작성:",
            ),
        ] {
            let body = format!("{new}\n\n{signoff}\n\n{header}\n{quote}");
            assert_eq!(design(&body), new, "{body}");
        }
    }

    #[test]
    fn footers_disclaimers_and_flat_headers_of_many_clients_are_cut() {
        let new = "Yes, Tuesday at 10 works for us.";
        let tail = "On Thu, Nov 19, 2026 at 9:02 AM Dana <dana@acme.example> wrote:\n> Hi\n";
        for footer in [
            "Odesláno z iPhonu",
            "Lähetetty iPhonesta",
            "傳送自 iPhone",
            "Thanks,\nAnders\n\nDenne e-mail kan indeholde fortrolige oplysninger og er kun beregnet til modtageren.",
            "Thanks,\nAnders\n\nEsta mensagem e seus anexos são confidenciais e destinados exclusivamente ao destinatário.",
            "Thanks,\nAnders\n\n본 메일은 기밀 정보를 포함하고 있으며 수신인 외에는 사용할 수 없습니다.",
            "Thanks,\nAnders\n\nCONFIDENTIALITY: This email and any attachments are confidential and intended solely for the addressee.",
        ] {
            let body = format!("{new}\n\n{footer}\n\n{tail}");
            assert_eq!(design(&body), new, "{body}");
        }
        let flat = format!(
            "{new}\n\nFrom: Dana <dana@acme.example> Sent: Thursday, November 19, 2026 9:02 AM To: Anders <a@x.example> Subject: Roof\n\nHi Anders,\nThanks.\n"
        );
        assert_eq!(design(&flat), new);
        // A prospect's own sentence about confidentiality stays.
        let own = "Please keep this confidential for now.\n\nThanks";
        assert_eq!(
            design(own),
            "Please keep this confidential for now.\n\nThanks"
        );
    }

    #[test]
    fn inline_answers_keep_new_lines_in_order() {
        let t = "Hi Dana,\n\nOn Tue, Nov 3, 2026 at 9:00 AM Dana <d@acme.example> wrote:\n> Do you have a roof?\nYes, flat.\n> When?\nIn spring.\n\n> Dana\n";
        assert_eq!(design(t), "Hi Dana,\n\nYes, flat.\nIn spring.");
    }

    #[test]
    fn signoff_with_name_and_signature_is_dropped() {
        let t = "Hello,\n\nPlease send the price list.\n\nBest, Sam\nSam Lee | Head of Ops\n+1 555 0100\n";
        let s = strip(t, StripOptions::DESIGN);
        assert_eq!(s.text, "Hello,\n\nPlease send the price list.");
        assert!(s.signature.unwrap().contains("+1 555 0100"));
    }

    #[test]
    fn outlook_german_block_is_cut() {
        let t = "Danke, passt.\n\nVon: Dana <d@acme.example>\nGesendet: Montag, 2. November 2026 10:00\nAn: x@y.de\nBetreff: Angebot\n\nHallo\n";
        assert_eq!(design(t), "Danke, passt.");
    }

    #[test]
    fn flowed_lines_are_joined() {
        assert_eq!(unflow("one \ntwo\n> a \n> b\n", false), "one two\n> a b\n");
        assert_eq!(unflow("one \ntwo", true), "onetwo");
    }

    #[test]
    fn pathological_inputs_do_not_panic() {
        let t = format!("x\n{}\n{}", ">".repeat(100_000), "On ".repeat(10_000));
        let _ = strip(&t, StripOptions::DESIGN);
        let _ = strip("", StripOptions::CORPUS);
        let _ = strip("\u{feff}\r\r\n", StripOptions::CORPUS);
    }
}
