//! Durations: "in six weeks", "within 6 months", "2-4 weeks", "12+ months",
//! "3ヶ月以内", "6개월 이내", "半年内". A range goes by its middle, "within N"
//! to the bucket ending at N, a point to the bucket holding it.

use regex::Captures;

use super::matchers::M;
use super::words::{Post, Prep};
use super::{Timeline, bucket_at, bucket_ending};

fn number(word: &str) -> Option<f64> {
    let w = word.trim();
    if let Ok(n) = w.replace(',', ".").parse::<f64>() {
        return Some(n);
    }
    M.numbers.get(w).copied()
}

/// How a duration with its words around it reads.
struct Duration {
    /// Months of the first (or only) number.
    a: f64,
    /// Months of the range's far end, if a range.
    b: Option<f64>,
    pre: Option<Prep>,
    post: Option<Post>,
    plus: bool,
}

impl Duration {
    /// The bucket, or `None` when the words say it is not a timeline.
    fn bucket(&self, field: bool) -> Option<Timeline> {
        if matches!(self.pre, Some(Prep::Past)) || matches!(self.post, Some(Post::Past)) {
            return None;
        }
        // Free text needs a sign it speaks of timing: a forward word, a range or a post word.
        let forward = matches!(
            self.pre,
            Some(Prep::Within | Prep::In | Prep::Beyond | Prep::Between)
        );
        if !field && !forward && self.b.is_none() && self.post.is_none() && !self.plus {
            return None;
        }
        if let Some(b) = self.b {
            return Some(bucket_at((self.a + b) / 2.0));
        }
        let beyond = self.plus
            || matches!(self.pre, Some(Prep::Beyond | Prep::After))
            || matches!(self.post, Some(Post::Beyond));
        Some(if beyond {
            bucket_at(self.a.max(0.25))
        } else if matches!(self.pre, Some(Prep::Within)) || matches!(self.post, Some(Post::Within))
        {
            bucket_ending(self.a)
        } else {
            bucket_at(self.a)
        })
    }
}

/// The first duration in text written with spaces between words.
pub(super) fn window(s: &str, field: bool) -> Option<Timeline> {
    let captures = M
        .windows
        .iter()
        .filter(|(script, _)| script.present_in(s))
        .flat_map(|(_, re)| re.captures_iter(s));
    for c in captures {
        let Some(d) = duration(&c) else { continue };
        // "for over 2 years", "seit über 2 Jahren": the past.
        let before = c.get(0).map_or("", |m| &s[..m.start()]);
        let previous = before.split_whitespace().next_back().unwrap_or("");
        if M.pre.get(previous) == Some(&Prep::Past) {
            continue;
        }
        if let Some(t) = d.bucket(field) {
            return Some(t);
        }
    }
    None
}

/// The first unit said without a number ("в течение месяца", "خلال شهر",
/// "before Friday"): one of it, read only with a word before or after.
pub(super) fn lone_window(s: &str, field: bool) -> Option<Timeline> {
    // Cheap exact prefilter: no lone unit, no regex pass.
    if !M.lone_words.is_match(s) {
        return None;
    }
    for c in M.lone_window.captures_iter(s) {
        if c.name("pre").is_none() && c.name("post").is_none() {
            continue;
        }
        if let Some(t) = duration(&c).and_then(|d| d.bucket(field)) {
            return Some(t);
        }
    }
    None
}

/// A duration from a window match; a lone unit (no `a`) counts one.
fn duration(c: &Captures) -> Option<Duration> {
    let unit = M.units.get(c.name("unit")?.as_str()).copied()?;
    let a = c.name("a").map_or(Some(1.0), |a| number(a.as_str()))?;
    // "2026 years" is a year, not a duration.
    if a > 240.0 {
        return None;
    }
    let b = c.name("b").and_then(|b| number(b.as_str()));
    Some(Duration {
        a: a * unit,
        b: b.filter(|b| *b <= 240.0 && *b >= a).map(|b| b * unit),
        pre: c.name("pre").and_then(|p| M.pre.get(p.as_str()).copied()),
        post: c.name("post").and_then(|p| M.post.get(p.as_str()).copied()),
        plus: c.name("plus").is_some() || c.name("plus2").is_some(),
    })
}

/// The first duration in Japanese, Korean or Chinese ("3ヶ月以内", "6개월 이내", "半年内").
pub(super) fn cjk_window(s: &str, field: bool) -> Option<Timeline> {
    for c in M.cjk_window.captures_iter(s) {
        let Some(d) = duration(&c) else { continue };
        // "3日" alone is a date, "2025年" a year: a day needs a post word.
        let day = d.a < 0.2 && d.b.is_none();
        if day && d.post.is_none() {
            continue;
        }
        if !field && d.pre.is_none() && d.post.is_none() && d.b.is_none() {
            continue;
        }
        if let Some(t) = d.bucket(true) {
            return Some(t);
        }
    }
    None
}
