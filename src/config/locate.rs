//! Where in the TOML text a problem is: the line of a key, of a table
//! header, of a byte offset. serde spans do not cover every problem, and a
//! `file:line: message` is what `carousel check` promises.

/// The line where `key` is assigned (`key =`, `"key" =`, inside an inline
/// table too); 1 when it is not found.
pub(super) fn line_of_key(text: &str, key: &str) -> usize {
    for (i, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(pos) = line[from..].find(key) {
            let at = from + pos;
            let before = line[..at].trim_end_matches(['"', '\'']).trim_end();
            let after = line[at + key.len()..]
                .trim_start_matches(['"', '\''])
                .trim_start();
            if (before.is_empty() || before.ends_with(['{', ','])) && after.starts_with('=') {
                return i + 1;
            }
            from = at + key.len();
        }
    }
    1
}

/// Byte offsets of the header lines `[name]` and `[[name]]`, in file order.
pub(super) fn header_offsets<'a>(text: &'a str, name: &'a str) -> impl Iterator<Item = usize> + 'a {
    let mut offset = 0;
    text.split_inclusive('\n').filter_map(move |line| {
        let at = offset;
        offset += line.len();
        let header = line.trim().split('#').next().unwrap_or("").trim();
        let inner = header
            .strip_prefix("[[")
            .and_then(|h| h.strip_suffix("]]"))
            .or_else(|| header.strip_prefix('[').and_then(|h| h.strip_suffix(']')));
        (inner.map(str::trim) == Some(name)).then_some(at)
    })
}

pub(super) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
