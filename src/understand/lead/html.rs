//! HTML-only notifications: turns tables (`<tr><th>Label</th><td>value</td>`),
//! definition lists (`<dt>`/`<dd>`) and `<b>Label:</b> value` runs into
//! `Label: value` lines that [`super::form::pairs`] reads.
//!
//! A small tag scanner instead of a DOM: one pass, no recursion, so deeply
//! nested or broken markup costs linear time and never panics.

/// Cell separator inside a row; never appears in decoded text.
const CELL: char = '\u{1f}';

/// The form-shaped text of an HTML body.
pub fn form_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut skip_until: Option<&'static str> = None;
    // Where the current <b>/<strong> run started in `out`, if at a line start.
    let mut bold_start: Option<usize> = None;
    // Inside a cell spanning several rows (`<td rowspan="3">Customer</td>`):
    // a group heading beside the label cells, not a label itself.
    let mut in_group_cell = false;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut out, rest, skip_until.is_some() || in_group_cell);
            break;
        };
        push_text(&mut out, &rest[..lt], skip_until.is_some() || in_group_cell);
        rest = &rest[lt..];
        // Comments end at `-->`, tags at `>`.
        if rest.starts_with("<!--") {
            rest = rest.find("-->").map_or("", |e| &rest[e + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if let Some(end) = skip_until {
            if closing && name == end {
                skip_until = None;
            }
            continue;
        }
        match (name.as_str(), closing) {
            ("style", false) => skip_until = Some("style"),
            ("script", false) => skip_until = Some("script"),
            ("head", false) => skip_until = Some("head"),
            ("title", false) => skip_until = Some("title"),
            ("tr", _)
            | ("br", _)
            | ("p", _)
            | ("div", _)
            | ("li", _)
            | ("ul", _)
            | ("ol", _)
            | ("table", _) => out.push('\n'),
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", _) => out.push('\n'),
            ("td" | "th", false) if spans_rows(tag) => in_group_cell = true,
            ("td" | "th", true) if in_group_cell => in_group_cell = false,
            ("td" | "th", true) => out.push(CELL),
            ("dt", false) | ("dd", true) => out.push('\n'),
            ("dt", true) => out.push_str(": "),
            ("b" | "strong", false) => {
                let at_line_start =
                    out.trim_end_matches(' ').ends_with(['\n', CELL]) || out.trim().is_empty();
                bold_start = at_line_start.then_some(out.len());
            }
            ("b" | "strong", true) => {
                // `<b>When do you want to start?</b> soon` reads as a label.
                if let Some(start) = bold_start.take() {
                    let label = out.get(start..).unwrap_or("").trim();
                    let asks = label.ends_with('?')
                        || label.ends_with('？')
                        || super::labels::classify(label).is_some();
                    if !label.is_empty()
                        && !label.ends_with([':', '：'])
                        && label.chars().count() <= 60
                        && asks
                    {
                        out.push_str(": ");
                    }
                }
            }
            _ => {}
        }
    }
    rows_to_pairs(&out)
}

/// True when a cell's opening tag spans more than one row.
fn spans_rows(tag: &str) -> bool {
    let lower = tag.to_ascii_lowercase();
    lower.find("rowspan").is_some_and(|at| {
        let digits: String = lower[at + 7..]
            .trim_start_matches(['=', '"', '\'', ' '])
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse::<u32>().is_ok_and(|n| n > 1)
    })
}

/// Appends decoded text, whitespace collapsed (HTML ignores newlines in text).
fn push_text(out: &mut String, text: &str, skipping: bool) {
    if skipping || text.is_empty() {
        return;
    }
    let decoded = decode_entities(text);
    let mut last_space = out.ends_with([' ', '\n', CELL]);
    for c in decoded.chars() {
        let c = if c == '\u{a0}' { ' ' } else { c };
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.push(c);
            last_space = false;
        }
    }
}

/// Rows of cells become `first: rest`; other lines pass through.
fn rows_to_pairs(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for line in raw.lines() {
        let cells: Vec<&str> = line
            .split(CELL)
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        match cells.as_slice() {
            [] => out.push('\n'),
            [one] => {
                out.push_str(one);
                out.push('\n');
            }
            [label, rest @ ..] => {
                out.push_str(label.trim_end_matches([':', '：']).trim());
                out.push_str(": ");
                out.push_str(&rest.join(" "));
                out.push('\n');
            }
        }
    }
    // Blank-line runs from layout markup carry no meaning.
    let mut tidy = String::with_capacity(out.len());
    let mut blanks = 0;
    for line in out.lines() {
        let l = line.trim();
        if l.is_empty() {
            blanks += 1;
            if blanks > 1 {
                continue;
            }
        } else {
            blanks = 0;
        }
        tidy.push_str(l);
        tidy.push('\n');
    }
    tidy
}

/// Decodes the entities notification HTML uses; unknown ones stay as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        let Some(end) = end else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            // Latin letters that European form mailers spell as entities.
            _ if latin_entity(entity).is_some() => latin_entity(entity),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `&auml;`, `&eacute;`, `&ntilde;` …: the named Latin-1 letters.
fn latin_entity(name: &str) -> Option<char> {
    const LETTERS: &[(&str, char)] = &[
        ("auml", 'ä'),
        ("ouml", 'ö'),
        ("uuml", 'ü'),
        ("iuml", 'ï'),
        ("euml", 'ë'),
        ("Auml", 'Ä'),
        ("Ouml", 'Ö'),
        ("Uuml", 'Ü'),
        ("szlig", 'ß'),
        ("aacute", 'á'),
        ("eacute", 'é'),
        ("iacute", 'í'),
        ("oacute", 'ó'),
        ("uacute", 'ú'),
        ("Eacute", 'É'),
        ("agrave", 'à'),
        ("egrave", 'è'),
        ("igrave", 'ì'),
        ("ograve", 'ò'),
        ("ugrave", 'ù'),
        ("acirc", 'â'),
        ("ecirc", 'ê'),
        ("icirc", 'î'),
        ("ocirc", 'ô'),
        ("ucirc", 'û'),
        ("atilde", 'ã'),
        ("otilde", 'õ'),
        ("ntilde", 'ñ'),
        ("Ntilde", 'Ñ'),
        ("ccedil", 'ç'),
        ("Ccedil", 'Ç'),
        ("aring", 'å'),
        ("oslash", 'ø'),
        ("aelig", 'æ'),
        ("euro", '€'),
        ("ndash", '–'),
        ("mdash", '—'),
        ("rsquo", '’'),
        ("lsquo", '‘'),
        ("ldquo", '“'),
        ("rdquo", '”'),
        ("hellip", '…'),
    ];
    LETTERS.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_lists_and_bold_labels() {
        let t = form_text(
            "<html><head><style>td{}</style></head><table><tr><th>Name</th><td>Jane &amp; Co</td></tr>\
             <tr><td><b>Email:</b></td><td><a href='mailto:j@x.io'>j@x.io</a></td></tr></table>\
             <dl><dt>Phone</dt><dd>+1 555 0100</dd></dl><p><b>Company:</b> Brightwater<br><strong>Zip:</strong> 02139</p>",
        );
        assert!(t.contains("Name: Jane & Co\n"), "{t}");
        assert!(t.contains("Email: j@x.io\n"), "{t}");
        assert!(t.contains("Phone: +1 555 0100\n"), "{t}");
        assert!(t.contains("Company: Brightwater\n"), "{t}");
        assert!(t.contains("Zip: 02139"), "{t}");
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for s in [
            "<",
            "<<>>",
            "&#xFFFFFFFF;",
            "<td>é</td",
            "<!-- x",
            "&amp",
            "<tr><td>ü",
        ] {
            let _ = form_text(s);
        }
    }
}
