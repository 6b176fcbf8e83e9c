//! Durations as the config writes them (`90s`, `15m`, `2h`, `3d`, `1w`): a
//! leaf, since nurture delays and the outbox's `give_up_after` read the same
//! form.

/// Parses `90`, `90s`, `15m`, `2h`, `3d`, `1w` into seconds.
pub fn parse_delay(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (number, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = number
        .parse()
        .map_err(|_| format!("delay {text:?}: expected a number and a unit, like \"3d\""))?;
    let scale = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        other => {
            return Err(format!(
                "delay {text:?}: unknown unit {other:?} (use s, m, h, d or w)"
            ));
        }
    };
    n.checked_mul(scale)
        .ok_or_else(|| format!("delay {text:?} is too long"))
}
