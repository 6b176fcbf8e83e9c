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

use super::quote_header::*;
pub use super::signoff::is_signoff_line;
use super::signoff::*;

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
    /// How many runs of new text stand under a quoted line, with text
    /// before them or more quotes after: answers written inline.
    pub inline_answers: usize,
}

/// Lines longer than this are never headers, footers or sign-offs.
pub(super) const MAX_HEADER_LINE: usize = 400;
/// How many lines a wrapped "On … wrote:" may span.
pub(super) const MAX_HEADER_SPAN: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kept {
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
            if !has_text && trimmed != "--" {
                i += 1;
                continue;
            }
            let end = (i + 1..n)
                .find(|&j| header_at(&lines, j).is_some() || is_quote(lines[j]))
                .unwrap_or(n);
            delimited_signature = Some((i + 1, end));
            if !has_text {
                // "-- \nSam Lee" above the quote: a signature, no new text
                // yet; a bottom-posted answer may still follow the quote.
                i = end;
                continue;
            }
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
    let inline_answers = count_inline_answers(&out);
    if !opts.keep_interleaved_quotes {
        out.retain(|(_, k)| *k != Kept::Quote);
    }
    drop_quote_before_signoff(&lines, &mut out);

    let mut signature_lines: Vec<String> = Vec::new();
    if let Some(cut) = signoff_cut(&lines, &out, opts, delimited_signature.is_some()) {
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
        inline_answers,
    }
}

/// Runs of text that follow a quote ("> How many seats?" / "40."): each is
/// an answer to the line quoted above it. Trailing quotes are gone by now,
/// so a lone bottom-posted text under one quote counts once.
fn count_inline_answers(out: &[(usize, Kept)]) -> usize {
    let mut answers = 0;
    let mut after_quote = false;
    for (_, kept) in out {
        match kept {
            Kept::Quote => after_quote = true,
            Kept::Text if after_quote => {
                answers += 1;
                after_quote = false;
            }
            _ => {}
        }
    }
    answers
}

pub(super) fn is_blank(line: &str) -> bool {
    line.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

pub(super) fn is_invisible(c: char) -> bool {
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
pub(super) fn is_delimiter(trimmed: &str) -> bool {
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
pub(super) fn is_footer(trimmed: &str) -> bool {
    static LINK: Lazy<Regex> = Lazy::new(|| Regex::new(r"<[^<>]*>|\[([^\]]*)\]\([^)]*\)").unwrap());
    static GENERIC: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"(?xi)^[\s(<]*(?:
              sent\ (?:from|via|with|using|on)\ (?P<rest>.*)
            | get\ outlook\ for\ .*
            # Outlook mobile's footer as it is localised.
            | outlook\ (?:für|voor)\ (?:ios|android)\ (?:herunterladen|downloaden)
            | (?:télécharger|obtenir|obtener|obter\ o|scarica|baixe\ o|pobierz)\ outlook\ (?:pour|para|per|dla)\ (?:ios|android)
            | küldve\ (?:az\ )?.{1,30}(?:ról|ről)
            | \S{1,30}(?:dan|den)\ gönderildi
            | trimis\ de\ pe\ .{1,40}
            | (?:envoy[ée]|enviado|inviato|verzonden|verstuurd|sendt|skickat|gesendet|wys[łl]ane|wysłano|отправлено)
                \ (?:de(?:puis)?|à\ partir\ de|desde|do|da|dal|met|vanaf|fra|från|von|mit|z|с|из|from)\ .{1,60}
            | von\ meine[mr](?:/meine[mr])?\ .{1,40}\ gesendet\.?
            | odesláno\ z\ .{1,40}
            | (?:στάλθηκε|αποστολή)\ από\ .+
            | أُ?رسلت\ من\ .+
            | (?:مرسل|أرسل)\ من\ .+
            | נשלח\ מ.+
            | lähetetty\ \S+(?:sta|stä)(?:\ .{0,30})?
            | lähetetty\ .+(?:sta|stä)(?:ni)?\.?
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
    // "Samsung Galaxy akıllı telefonumdan gönderildi." (Turkish names the
    // device first): read from the end, so other lines fail at once.
    if let Some(head) = plain
        .strip_suffix('.')
        .unwrap_or(plain)
        .strip_suffix(" gönderildi")
    {
        return head.ends_with("dan") || head.ends_with("den");
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
pub(super) fn sent_from_rest_is_device(rest: &str) -> bool {
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
pub(super) fn is_disclaimer(trimmed: &str) -> bool {
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
            # Mail gateways' external-sender banners.
            | (?:\[?external\]?|caution|warning|attention|notice)\s*[:!\-]?\s*this\ (?:e-?mail|message)\ (?:originated|came|was\ sent|is)\ from\ (?:outside|an\ external)
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
            r"(?i)intended|addressee|recipient|in error|by mistake|per errore|irrtümlich|par erreur|por error|por engano|per abuis|empfänger|destinataire|destinatari|destinatário|indirizzat|geadresseerde|modtage|mottagar|vastaanottaja|adresat|adresát|címzett|alıcı|получател|адресат|收件人|收件者|个人或群组|宛先|受信者|수신인|수신자",
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
