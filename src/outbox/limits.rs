//! Per-domain send rate limits: a token bucket per recipient domain, so a
//! 5,000-recipient step does not hammer one provider (`gmail.com`) into
//! throttling us. Limits live in memory: after a restart every bucket starts
//! full, which is at most one bucket's worth early.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

/// A per-minute budget for each domain.
pub struct DomainLimits {
    default_per_minute: Option<u32>,
    overrides: BTreeMap<String, u32>,
    buckets: HashMap<String, Bucket>,
}

struct Bucket {
    tokens: f64,
    last: Instant,
}

impl DomainLimits {
    /// `default_per_minute` applies to every domain without an override;
    /// `None` (and no override) means unlimited.
    pub fn new(default_per_minute: Option<u32>, overrides: BTreeMap<String, u32>) -> DomainLimits {
        DomainLimits {
            default_per_minute,
            overrides: overrides
                .into_iter()
                .map(|(d, n)| (d.to_ascii_lowercase(), n))
                .collect(),
            buckets: HashMap::new(),
        }
    }

    fn per_minute(&self, domain: &str) -> Option<u32> {
        self.overrides
            .get(domain)
            .copied()
            .or(self.default_per_minute)
    }

    /// Takes one send for the domain of `address`; false = wait.
    pub fn try_take(&mut self, address: &str) -> bool {
        let domain = address
            .rsplit_once('@')
            .map_or("", |(_, d)| d)
            .to_ascii_lowercase();
        let Some(per_minute) = self.per_minute(&domain) else {
            return true;
        };
        let rate = f64::from(per_minute) / 60.0;
        // A quarter of a minute's budget may go at once.
        let capacity = (f64::from(per_minute) / 4.0).max(1.0);
        let now = Instant::now();
        let bucket = self.buckets.entry(domain).or_insert(Bucket {
            tokens: capacity,
            last: now,
        });
        bucket.tokens =
            (bucket.tokens + now.duration_since(bucket.last).as_secs_f64() * rate).min(capacity);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limited_domain_waits_while_others_go() {
        let mut limits = DomainLimits::new(None, BTreeMap::from([("Slow.example".to_string(), 8)]));
        assert!(limits.try_take("a@slow.example"));
        assert!(limits.try_take("b@SLOW.example"));
        assert!(!limits.try_take("c@slow.example"), "capacity is 8/4 = 2");
        for _ in 0..100 {
            assert!(limits.try_take("x@fast.example"));
        }
    }
}
