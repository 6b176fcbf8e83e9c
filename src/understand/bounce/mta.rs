//! Which mail system wrote a bounce, told by its headers, and the words that
//! system (or the remote host it quotes) itself uses for a recipient that
//! does not exist.
//!
//! Generic "user unknown" words prove little on their own: filters and
//! gateways answer "no such user" after the DATA command to refuse a message,
//! not an address. sisimai therefore reads such words as `filtered` unless
//! the notice names the RCPT stage, *except* where the module for the mail
//! system that wrote the notice knows that this system words an unknown
//! address that way (its `Sisimai::Lhost::*` / `Sisimai::Rhost::*`
//! `MessagesOf` tables, BSD-2-Clause, © azumakuniyuki). Those tables are kept
//! here as data: [`SYSTEMS`] tells a system by one header, [`USER_UNKNOWN`]
//! lists its words, and words listed for every system are unmistakable on
//! their own (a Domino directory lookup, an Exchange 2003 error code, …).

use mail_parser::Message;
use once_cell::sync::Lazy;
use regex::Regex;

/// Mail systems told by a header: (system, header name, lowercase text the
/// header's value contains).
const SYSTEMS: &[(&str, &str, &str)] = &[
    ("mcafee", "x-nai-header", "modified by mcafee"),
    ("messagelabs", "from", "messagelabs.com"),
    ("imailserver", "x-mailer", "<smtp32 v"),
    ("interscanmss", "from", "interscan"),
    ("outlook", "from", "@hotmail.com"),
    ("outlook", "from", "@outlook.com"),
    ("googlegroups", "x-failed-recipients", "@googlegroups.com"),
];

/// Google Groups' refusal of a post lists four possible causes (no such
/// group, no permission to post, …) as `* ` bullets, in any language; a
/// notice about a group address with that shape is `rejected`.
const GROUP_REFUSAL_BULLETS: usize = 4;

/// Words meaning "no such recipient" per system (`*` = any system), lowercase.
const USER_UNKNOWN: &[(&str, &[&str])] = &[
    (
        "*",
        &[
            // HCL Domino / Notes directory lookups.
            "not listed in domino directory",
            "not listed in public name & address book",
            "non répertorié dans l'annuaire domino",
            "no se encuentra en el directorio de domino",
            "domino ディレクトリには見つかりません",
            "ディレクトリのリストにありません",
            // Exchange 2003 "Unknown Recipient" error code.
            "(000c05a6)",
            // Microsoft 365 / Exchange directory lookups.
            "resolver.adr.recipientnotfound",
            "resolver.adr.recipnotfound",
            "resolver.adr.exrecipnotfound",
            "not found by smtp address lookup",
            // qmail's answer for a local part it does not host.
            "no mailbox here by that name",
            // IMail.
            "invalid final delivery userid",
            // KDDI (au, ezweb): "550 <addr>: User unknown".
            ">: user unknown",
            // Yahoo's answer for an address it does not host.
            "this user doesn't have a yahoo.com account",
        ],
    ),
    (
        "mcafee",
        &[
            " user not exist",
            " unknown.",
            "550 unknown user ",
            "no such user",
        ],
    ),
    ("messagelabs", &["542 ", " rejected", "no such user"]),
    (
        "imailserver",
        &["unknown user", "invalid final delivery userid"],
    ),
    ("interscanmss", &["unable to deliver"]),
    (
        "outlook",
        &["requested action not taken: mailbox unavailable"],
    ),
];

/// Orange / La Poste answer codes ("Invalid recipient. LPN007_416",
/// "Mail rejete. OFR_506"): the last three digits name the reason
/// (`Sisimai::Rhost::FrancePTT`). Codes meaning "try later" are left out.
const ORANGE_CODES: &[(&str, &str)] = &[
    ("102", "blocked"),
    ("103", "blocked"),
    ("104", "toomanyconn"),
    ("305", "securityerror"),
    ("401", "authfailure"),
    ("402", "securityerror"),
    ("403", "rejected"),
    ("405", "rejected"),
    ("415", "rejected"),
    ("416", "userunknown"),
    ("417", "mailboxfull"),
    ("420", "suspend"),
    ("421", "rejected"),
    ("426", "suspend"),
    ("505", "systemerror"),
    ("506", "spamdetected"),
    ("510", "blocked"),
    ("514", "mesgtoobig"),
    ("517", "authfailure"),
    ("630", "policyviolation"),
    ("999", "blocked"),
];

/// The reason a remote host's own answer code states (Orange / La Poste),
/// read on lowercased text.
pub fn remote_code_reason(text: &str) -> Option<&'static str> {
    static CODE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"\b(?:lpn|lpnaaa|ofr|ouk)(?:_|\d{3}[-_])(\d{3})\b").expect("static regex")
    });
    if !(text.contains("lpn") || text.contains("ofr") || text.contains("ouk")) {
        return None;
    }
    let code = CODE.captures(text)?.get(1)?.as_str();
    ORANGE_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, reason)| *reason)
}

/// PowerMTA's per-recipient bounce categories and the reasons they state.
const CATEGORIES: &[(&str, &str)] = &[
    ("bad-domain", "hostunknown"),
    ("bad-mailbox", "userunknown"),
    ("message-expired", "expired"),
    ("no-answer-from-host", "networkerror"),
    ("policy-related", "policyviolation"),
    ("quota-issues", "mailboxfull"),
    ("routing-errors", "systemerror"),
    ("spam-related", "spamdetected"),
];

/// The mail systems a bounce's headers name (usually none or one), and the
/// reason the system states outright for one recipient, if it does.
#[derive(Debug, Default, Clone)]
pub struct Writer {
    systems: Vec<&'static str>,
    /// A reason stated as a field of the recipient's report.
    pub stated: Option<&'static str>,
}

impl Writer {
    /// A writer nothing is known about (an ESP's JSON notice, a test).
    pub const UNKNOWN: Writer = Writer {
        systems: Vec::new(),
        stated: None,
    };

    /// This writer, for a recipient whose report states `category`.
    pub fn for_category(&self, category: Option<&str>) -> Writer {
        let stated = category
            .and_then(|c| {
                CATEGORIES
                    .iter()
                    .find(|(name, _)| *name == c)
                    .map(|(_, reason)| *reason)
            })
            .or(self.stated);
        Writer {
            systems: self.systems.clone(),
            stated,
        }
    }

    /// The systems whose header signature `message` carries; `notice` is
    /// its human-readable text.
    pub fn of(message: &Message<'_>, notice: &str) -> Writer {
        let mut systems = Vec::new();
        for &(system, header, needle) in SYSTEMS {
            let found = message
                .header_raw(header)
                .is_some_and(|v| v.to_lowercase().contains(needle));
            if found && !systems.contains(&system) {
                systems.push(system);
            }
        }
        let stated = (systems.contains(&"googlegroups")
            && bullet_lines(notice) == GROUP_REFUSAL_BULLETS)
            .then_some("rejected");
        Writer { systems, stated }
    }

    /// True when `text` (lowercased, whitespace-collapsed) carries words this
    /// writer — or every writer — uses for a recipient that does not exist.
    pub fn says_user_unknown(&self, text: &str) -> bool {
        USER_UNKNOWN
            .iter()
            .filter(|(system, _)| *system == "*" || self.systems.contains(system))
            .flat_map(|(_, phrases)| phrases.iter())
            .any(|p| text.contains(p))
    }
}

/// Lines of `text` that are `* ` bullets (a few hundred lines at most).
fn bullet_lines(text: &str) -> usize {
    text.lines()
        .take(400)
        .filter(|l| {
            let l = l.strip_prefix(' ').unwrap_or(l);
            l.starts_with("* ") || l == "*"
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmistakable_words_count_for_any_writer() {
        let w = Writer::UNKNOWN;
        assert!(w.says_user_unknown("user kitty (k@example.jp) not listed in domino directory"));
        assert!(w.says_user_unknown("550 <k@example.jp>: user unknown"));
        assert!(!w.says_user_unknown("550 : user unknown"));
        assert!(!w.says_user_unknown("550 k@example.com... no such user"));
    }

    #[test]
    fn orange_answer_codes_name_the_reason() {
        assert_eq!(
            remote_code_reason("550 5.5.0 invalid recipient. lpn007_416"),
            Some("userunknown")
        );
        assert_eq!(
            remote_code_reason("550 5.2.0 mail rejete. mail rejected. ofr_506 [506]"),
            Some("spamdetected")
        );
        assert_eq!(
            remote_code_reason("too many connections. lpn105-104"),
            Some("toomanyconn")
        );
        assert_eq!(
            remote_code_reason("veuillez essayer plus tard. lpn105_423"),
            None
        );
        assert_eq!(remote_code_reason("550 user unknown"), None);
    }

    #[test]
    fn a_systems_own_words_count_only_for_that_system() {
        let raw = b"From: Mail Delivery System <MAILER-DAEMON@messagelabs.com>\r\nSubject: Mail Delivery Failure\r\n\r\nbody\r\n";
        let message = mail_parser::MessageParser::default().parse(raw).unwrap();
        let w = Writer::of(&message, "");
        assert!(w.says_user_unknown("550 k@example.com... no such user"));
        let raw = b"From: postmaster@example.com\r\nX-NAI-Header: Modified by McAfee Email Gateway\r\n\r\nbody\r\n";
        let message = mail_parser::MessageParser::default().parse(raw).unwrap();
        assert!(Writer::of(&message, "").says_user_unknown("550 unknown user k@example.com"));
        assert!(!Writer::UNKNOWN.says_user_unknown("550 unknown user k@example.com"));
    }
}
