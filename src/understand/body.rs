//! Body text: the one readable text of a message, whatever its MIME shape —
//! `text/plain` when there is one, else HTML turned into text. Bounded in size.

use mail_parser::Message;

use super::MAX_TEXT_BYTES;

/// The message's main text, CRLF normalised to LF, at most [`MAX_TEXT_BYTES`].
pub fn best_text(message: &Message<'_>) -> String {
    let text = match message.body_text(0) {
        Some(t) if !t.trim().is_empty() && !looks_like_html_dump(&t) => t.into_owned(),
        _ => match message.body_html(0) {
            Some(h) => html_to_text(&h),
            None => String::new(),
        },
    };
    bounded(text.replace("\r\n", "\n"))
}

/// The HTML body when the message has one (for extractors that read tables).
pub fn html(message: &Message<'_>) -> Option<String> {
    message
        .html_body
        .first()
        .and_then(|_| message.body_html(0))
        .map(|h| bounded(h.into_owned()))
}

/// HTML to readable text; tables become lines.
pub fn html_to_text(html: &str) -> String {
    let html = &html[..floor_char_boundary(html, MAX_TEXT_BYTES * 4)];
    html2text::from_read(html.as_bytes(), 10_000).unwrap_or_default()
}

fn looks_like_html_dump(t: &str) -> bool {
    let head = &t[..floor_char_boundary(t, 512)];
    let lower = head.to_ascii_lowercase();
    lower.trim_start().starts_with("<!doctype html") || lower.trim_start().starts_with("<html")
}

fn bounded(mut s: String) -> String {
    if s.len() > MAX_TEXT_BYTES {
        let cut = floor_char_boundary(&s, MAX_TEXT_BYTES);
        s.truncate(cut);
    }
    s
}

/// Largest index ≤ `i` on a char boundary of `s`.
pub fn floor_char_boundary(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    let mut i = i;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
