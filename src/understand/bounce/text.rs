//! Bounces without a delivery-status part: the human text of qmail, Exim,
//! Sendmail, Exchange, Gmail, Yahoo, Japanese carriers and friends.
//!
//! Every MTA words it differently, but they share a shape: a preamble that says
//! delivery failed, the failed addresses each followed by the remote server's
//! answer, then a copy of the original message. So the text is cut where the
//! copy starts, addresses are read from the part above, and each address owns
//! the text up to the next one (where its status code is).

use once_cell::sync::Lazy;
use regex::Regex;

use crate::understand::body::floor_char_boundary;

/// Part of a bounce text above the copy of the original message.
pub struct Sections<'a> {
    pub report: &'a str,
    pub original: &'a str,
}

/// A line that starts the copy of the original message (or its headers).
static ORIGINAL_START: Lazy<Regex> = Lazy::new(|| {
    Regex::new(concat!(
        r"(?im)^(?:",
        // "--- Below this line is a copy of the message.", "------ This is a copy of the message ...",
        // "----- Original message -----", "--- Original message follows.", "Original message headers:",
        // "----- Unsent message follows -----", "Message headers follow", "------ Returned mail ------"
        r"[\s\-=*_>]*(?:below this line is a copy|this is a copy of|a copy of the (?:original )?message|(?:the )?original message\s*(?:[-=*:.]|follows|headers|$)|unsent message (?:below|follows)|message headers follow|headers of the original|header of the original|returned (?:mail|message)\s*[-=*]|undelivered message headers|the message header|included is a copy|your message (?:reads|follows)|--- the header of the original message)",
        r"|[\s\-=*]*(?:以下|元の)(?:.{0,20})(?:メッセージ|ヘッダ|本文)",
        r"|(?:return-path|received|dkim-signature|arc-seal|authentication-results|x-received):[ \t]",
        r")"
    ))
    .expect("static regex")
});

/// An email address (loose: bounces quote them in every way).
static ADDRESS: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-][A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]*@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+")
        .expect("static regex")
});

/// A line that restates a header of the original message (Exchange's "Your
/// message To: … Subject: … Sent: …" summary) or of a transcript; its
/// addresses are not failed recipients.
static HEADER_LINE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)^\s*(?:>{0,3}\s*)?(?:to|from|cc|bcc|sender|reply-to|return-path|message-id|in-reply-to|references|envelope-from|mail from|smtp\.mailfrom|sent|date|subject|von|de|envoyé|差出人|送信者|件名)\s*:",
    )
    .expect("static regex")
});

/// Local parts of machine addresses that are never the failed recipient.
static MACHINE_LOCAL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^(?:mailer-daemon|mailer_daemon|maildaemon|mail-daemon|post_?master|double-bounce|hostmaster|webmaster|abuse|no-?reply|do-?not-?reply|bounces?)$")
        .expect("static regex")
});

/// Local parts only a mail system sends from (not `noreply`, which
/// newsletters and notices use too).
static DAEMON_LOCAL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^(?:mailer-daemon|mailer_daemon|maildaemon|mail-daemon|mail\.delivery\.system|post_?master|double-bounce)$")
        .expect("static regex")
});

/// Words that say a message was not delivered, in the languages bounces use.
static FAILURE_WORDS: Lazy<Regex> = Lazy::new(|| {
    Regex::new(concat!(
        r"(?i)(?:could ?n[o']t be delivered|(?:were|was)n't able to (?:post|deliver|send)|(?:not|unable) (?:be )?able to (?:post|deliver)|may not exist|not have permission to post|delivery problems?|malformed (?:recipient )?address|incorrectly constructed|account (?:is |has been )?disabled|(?:host|domain) unknown|unknown (?:host|domain)|no valid recipients|was aborted|could not find a (?:gateway|route|host)|invalid user|error (?:has )?occurred while|attempting to deliver|couldn't be delivered|not be delivered|was not delivered|wasn't delivered|undeliver|not deliver|delivery (?:has )?failed|delivery to the following|failed permanently|permanent(?:ly)? (?:fatal )?(?:error|failure)|fatal errors?|unable to deliver|could not deliver|couldn't deliver|failed to deliver|delivery failure|did not reach|user unknown|unknown user|no such (?:user|mailbox|address)|does not exist|doesn't exist|mailbox (?:is )?(?:full|unavailable|not found)|over quota|returned to sender|rejected|refused|failed recipient|following address(?:es)? failed|not found|invalid (?:recipient|address|mailbox)|giving up|given up|delayed|deferred|retry time|temporary (?:failure|error)|has not been delivered|message bounced|failure notice|unzustellbar|nicht zugestellt|konnte nicht|n'a pas (?:pu )?être (?:remis|distribué)|non remis|no (?:se )?(?:pudo|ha podido) (?:ser )?entreg|не может быть доставлено|не доставлено)",
        r"|配信(?:でき|され)(?:ません|なかった)|送信(?:でき|され)(?:ません|なかった)|届け(?:られ)?ませんでした|宛先不明|存在しません|エラー|失敗|不達"
    ))
    .expect("static regex")
});

/// Subjects of bounce notices.
static BOUNCE_SUBJECT: Lazy<Regex> = Lazy::new(|| {
    Regex::new(concat!(
        r"(?i)undeliver|undelivered|delivery (?:status notification|failure|failed|notification|problem|report)|failure notice|returned mail|return(?:ed)? to sender|mail delivery (?:failed|failure|subsystem|system)|non[- ]?delivery|could not send|mail system error|mail failure|message not delivered|not delivered|delivery has failed|delayed mail|warning: message|mail could not be delivered|permanent (?:delivery )?failure|nicht zustellbar|unzustellbar|non remis|non distribu|no se puede entregar|no entregado",
        r"|不達|配信(?:エラー|不能|失敗)|エラー通知|送信エラー|メールエラー|届きません|返送"
    ))
    .expect("static regex")
});

/// Cuts the text where the copy of the original message starts. A marker in
/// the very first lines is skipped (some notices open with "Returned mail").
pub fn sections(text: &str) -> Sections<'_> {
    let mut from = 0;
    for m in ORIGINAL_START.find_iter(text) {
        // Require some report text above the cut; a marker at the very top is
        // the notice's own title.
        if text[..m.start()].trim().len() >= 40 {
            from = m.start();
            break;
        }
    }
    if from == 0 {
        return Sections {
            report: text,
            original: "",
        };
    }
    Sections {
        report: &text[..from],
        original: &text[from..],
    }
}

/// True when the words of `s` say a delivery failed or is delayed.
pub fn has_failure_words(s: &str) -> bool {
    FAILURE_WORDS.is_match(s)
}

/// True when a subject reads like a bounce notice.
pub fn is_bounce_subject(subject: &str) -> bool {
    BOUNCE_SUBJECT.is_match(subject)
}

/// True for machine addresses (`MAILER-DAEMON@…`, `postmaster@…`).
pub fn is_machine_address(address: &str) -> bool {
    address
        .split('@')
        .next()
        .is_some_and(|local| MACHINE_LOCAL.is_match(local))
}

/// True for mailer-daemon and postmaster addresses.
pub fn is_daemon_address(address: &str) -> bool {
    address
        .split('@')
        .next()
        .is_some_and(|local| DAEMON_LOCAL.is_match(local))
}

/// Most recipients one notice is read for: bounded work on hostile input.
pub const MAX_RECIPIENTS: usize = 100;

/// A failed recipient found in the report text, with where it first appears.
pub struct Found {
    pub address: String,
    /// Byte offset of the start of the line that first names it.
    pub at: usize,
}

/// The failed recipients named in the report text, in order of first
/// appearance, skipping `exclude` (the bounce's own sender and addressee:
/// the original sender is quoted in most notices) and machine addresses.
pub fn recipients(report: &str, exclude: &[String]) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    let mut machine: Vec<Found> = Vec::new();
    // Addresses the notice offers for help, wherever it repeats them (the
    // Japanese half of a bilingual notice names the same one).
    let offers_help = ["ontact", "ssistance", "elp", "uestion", "rite to"]
        .iter()
        .any(|w| report.contains(w));
    let help: Vec<String> = if offers_help {
        report
            .lines()
            .flat_map(|line| {
                ADDRESS
                    .find_iter(line)
                    .filter(|m| is_help_address(&line[..m.start()]))
                    .map(|m| m.as_str().trim_end_matches('.').to_ascii_lowercase())
                    .collect::<Vec<_>>()
            })
            .take(8)
            .collect()
    } else {
        Vec::new()
    };
    let mut offset = 0;
    for line in report.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if HEADER_LINE.is_match(line) {
            continue;
        }
        for m in ADDRESS.find_iter(line) {
            let address = m.as_str().trim_end_matches('.').to_ascii_lowercase();
            // An address that opens its line ("<a@b>:", "a@b", qmail and
            // Exim style) is the notice's own list of failed recipients: it
            // counts even when it is the sender's (a test sent to oneself)
            // or a postmaster's.
            let listed = line[..m.start()]
                .trim_start_matches(|c: char| {
                    c.is_whitespace() || matches!(c, '<' | '"' | '*' | '-' | '\'')
                })
                .is_empty();
            if looks_like_message_id(line, m.start())
                || (!listed && exclude.contains(&address))
                || (!listed && help.contains(&address))
            {
                continue;
            }
            if found
                .iter()
                .chain(machine.iter())
                .any(|f| f.address == address)
            {
                continue;
            }
            let entry = Found { address, at: start };
            if !listed && is_machine_address(&entry.address) {
                if machine.len() < MAX_RECIPIENTS {
                    machine.push(entry);
                }
            } else {
                found.push(entry);
            }
            if found.len() >= MAX_RECIPIENTS {
                return found;
            }
        }
    }
    // A machine address is a recipient only when nobody else is named.
    if found.is_empty() { machine } else { found }
}

/// "For further assistance, please contact <support@…>": an address the
/// notice offers for help, not one that failed. `before` is its line up to it.
fn is_help_address(before: &str) -> bool {
    static HELP: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r#"(?i)(?:please\s+contact|for\s+(?:further\s+)?(?:assistance|help|questions)[^<]{0,40}|questions?\s+to|write\s+to\s+(?:us|the\s+postmaster)\s+at)\s*[<("]*$"#)
            .expect("static regex")
    });
    let tail = &before
        [crate::understand::body::floor_char_boundary(before, before.len().saturating_sub(120))..];
    HELP.is_match(tail)
}

/// Message-IDs look like addresses; they follow "Message-ID" or "id".
fn looks_like_message_id(line: &str, at: usize) -> bool {
    let before = &line[..floor_char_boundary(line, at)];
    let tail: String = before
        .chars()
        .rev()
        .take(16)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let tail = tail.to_ascii_lowercase();
    tail.contains("message-id")
        || tail.contains("msgid")
        || tail.trim_end().ends_with("id <")
        || tail.trim_end().ends_with("id:")
}

/// Addresses of a header-like `To:` line of an original message copy (the
/// fallback when a notice names nobody, e.g. a Google Groups rejection).
pub fn original_to(original: &str) -> Vec<String> {
    static TO: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"(?im)^to:[ \t]*(.*(?:\n[ \t]+.*)*)").expect("static regex"));
    TO.captures(original)
        .and_then(|c| c.get(1))
        .map(|m| {
            ADDRESS
                .find_iter(m.as_str())
                .map(|a| a.as_str().to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default()
}

/// All addresses in `s`, lowercased, in order.
pub fn addresses(s: &str) -> Vec<String> {
    ADDRESS
        .find_iter(s)
        .map(|a| a.as_str().trim_end_matches('.').to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_offered_for_help_is_no_failed_recipient() {
        let report = "For further assistance, please contact <support@isp.example>\n\
                      上記で解決できない場合は、<support@isp.example>へご連絡ください。\n\
                      <sam@customer.example>: host mx.customer.example said: 550 User unknown\n";
        let found: Vec<String> = recipients(report, &[])
            .into_iter()
            .map(|f| f.address)
            .collect();
        assert_eq!(found, vec!["sam@customer.example".to_string()]);
        // Listed at the start of its line, it is a recipient all the same.
        let listed = recipients("<support@isp.example>: 550 User unknown\n", &[]);
        assert_eq!(listed.len(), 1);
    }
}
