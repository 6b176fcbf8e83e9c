//! Phone-only leads: a phone system's notice of a call or a text
//! (voicemail-to-email, SMS-to-email, call tracking, missed-call alerts).
//! Such a notice names no email of the person, only their number: in the
//! subject (`New voice message from (720) 555-0143`), else first in the
//! body. A transcription may carry the caller's own introduction (`this is
//! Greg Paulson`), a caller-ID line the name as a directory writes it
//! (`MORENO LISA`, family name first).
//!
//! The event words and introductions are data in the language tables
//! ([`labels::Language::phone_events`], [`labels::Language::self_intros`]).

use once_cell::sync::Lazy;
use regex::Regex;

use super::{contact, labels, shape};
use crate::understand::body;

/// Most of the body a phone notice is read in: the event, the caller and a
/// transcription sit at the top.
const HEAD_BYTES: usize = 4_000;

/// A call or a text: the caller's number and, when said, their name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Call {
    pub(super) phone: String,
    pub(super) phone_from: &'static str,
    pub(super) name: Option<String>,
}

/// True when the subject or the opening tells of a call or a text.
pub(super) fn is_event(subject: &str, text: &str) -> bool {
    static EVENTS: Lazy<Regex> = Lazy::new(|| labels::words_regex(|l| l.phone_events));
    let opening = &text[..body::floor_char_boundary(text, text.len().min(400))];
    EVENTS.is_match(subject) || EVENTS.is_match(opening)
}

/// The caller of a phone notice; `None` when it is none or names no outside
/// number (an internal extension).
pub(super) fn read(subject: &str, text: &str) -> Option<Call> {
    if !is_event(subject, text) {
        return None;
    }
    let head = &text[..body::floor_char_boundary(text, text.len().min(HEAD_BYTES))];
    let usable = |p: &String| !shape::is_service_number(p);
    let (phone, phone_from) = match shape::phones(subject).into_iter().find(|(_, p)| usable(p)) {
        Some((_, p)) => (p, "call: the number in the subject"),
        None => (
            shape::phones(head).into_iter().find(|(_, p)| usable(p))?.1,
            "call: the first number of the notice",
        ),
    };
    Some(Call {
        phone,
        phone_from,
        name: introduced_name(head),
    })
}

/// A caller's name after their introduction (`this is Greg Paulson`, `soy
/// Marta Ruiz`), or before a CJK one (`山田と申します`).
fn introduced_name(text: &str) -> Option<String> {
    static LATIN: Lazy<Regex> = Lazy::new(|| {
        let intros: Vec<String> = labels::all_words(|l| l.self_intros)
            .filter(|w| !contact::is_cjk(w))
            .map(|w| regex::escape(w).replace(' ', r"\s+"))
            .collect();
        Regex::new(&format!(
            r"(?:^|[^\p{{L}}])(?i:{})\s+(\p{{Lu}}[\p{{L}}'’\-]+(?:\s+(?:\p{{Lu}}[\p{{L}}'’\-]+|de|da|van|von|del|di|le|la)){{0,3}})",
            intros.join("|")
        ))
        .expect("regex built from the language tables")
    });
    static CJK: Lazy<Regex> = Lazy::new(|| {
        let intros: Vec<String> = labels::all_words(|l| l.self_intros)
            .filter(|w| contact::is_cjk(w))
            .map(regex::escape)
            .collect();
        Regex::new(&format!(r"([^\s\p{{P}}]{{2,5}})(?:{})", intros.join("|")))
            .expect("regex built from the language tables")
    });
    LATIN
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str().trim())
        .find_map(|n| {
            // "This is Greg Paulson calling": the name stops at a lowercase word.
            shape::is_name(n)
                .then(|| contact::normalize_name(n))
                .flatten()
        })
        .or_else(|| {
            CJK.captures_iter(text)
                .filter_map(|c| c.get(1))
                .map(|m| m.as_str())
                .find(|n| shape::is_name(n))
                .map(str::to_string)
        })
}

/// A caller-ID name as a directory writes it, `MORENO LISA` (upper case,
/// family name first), as a person writes it: `Lisa Moreno`. Other names
/// pass unchanged.
pub(super) fn caller_id_name(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let shouting = words.len() == 2
        && words
            .iter()
            .all(|w| w.chars().count() > 1 && w.chars().all(|c| c.is_uppercase() || c == '-'));
    if !shouting {
        return name.to_string();
    }
    let title = |w: &str| {
        let lower = w.to_lowercase();
        let mut chars = lower.chars();
        chars.next().map_or_else(String::new, |c| {
            c.to_uppercase().chain(chars).collect::<String>()
        })
    };
    format!("{} {}", title(words[1]), title(words[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caller_of_a_voicemail() {
        let call = read(
            "New Voice Message from WIRELESS CALLER (720) 555-0143",
            "Transcription:\nHi, this is Greg Paulson, I'm calling about a furnace.\n",
        )
        .unwrap();
        assert_eq!(call.phone, "(720) 555-0143");
        assert_eq!(call.name.as_deref(), Some("Greg Paulson"));
        let call = read(
            "SMS recibido",
            "Remitente: +34 655 12 34 87\nMensaje: presupuesto. Soy Marta Ruiz. Gracias",
        )
        .unwrap();
        assert_eq!(call.phone, "+34 655 12 34 87");
        assert_eq!(call.name.as_deref(), Some("Marta Ruiz"));
        // An internal extension is no caller to answer.
        assert_eq!(
            read("Missed call from Extension 204", "Caller: Reception"),
            None
        );
        assert_eq!(read("Your bill is ready", "Number: 0171 5552388"), None);
    }

    #[test]
    fn caller_id_names_turn_around() {
        assert_eq!(caller_id_name("MORENO LISA"), "Lisa Moreno");
        assert_eq!(caller_id_name("Lisa Moreno"), "Lisa Moreno");
        assert_eq!(caller_id_name("WIRELESS"), "WIRELESS");
    }
}
