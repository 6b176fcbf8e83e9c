//! Leads that did not come by email (an HTTP post, a CSV row) become a raw
//! message too, so they pass through the same understanding and store
//! transaction as mail.

/// A raw message carrying the posted lead. Headers are fixed text plus the
/// provider name reduced to safe characters; the data goes only in the body.
pub fn synthesize(provider: &str, body: &str) -> Vec<u8> {
    let safe: String = provider
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_'))
        .take(64)
        .collect();
    let date = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%a, %d %b %Y %H:%M:%S +0000")
        .to_string();
    let mut raw = format!(
        "From: \"{safe} (HTTP intake)\" <intake@carousel.invalid>\r\nTo: leads@carousel.invalid\r\nSubject: New lead from {safe}\r\nDate: {date}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\nX-Carousel-Intake: http\r\n\r\n"
    )
    .into_bytes();
    for line in body.lines() {
        raw.extend_from_slice(line.as_bytes());
        raw.extend_from_slice(b"\r\n");
    }
    raw
}
