//! Per-domain send rate limits: a token bucket per recipient domain, so a
//! 5,000-recipient step does not hammer one provider (`gmail.com`) into
//! throttling us. Limits live in memory: after a restart every bucket starts
//! full, which is at most one bucket's worth early.
//!
//! Several instances on one shared store each send the outbox items of
//! their slot (item hash mod live instances), so each sees about its share
//! of every domain's mail: each takes that share of the domain's budget
//! ([`DomainLimits::share_among`]), and together they stay within it, up to
//! one token per instance at once when a budget divides below one.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

/// A per-minute budget for each domain.
pub struct DomainLimits {
    default_per_minute: Option<u32>,
    overrides: BTreeMap<String, u32>,
    buckets: HashMap<String, Bucket>,
    /// Live instances sharing the budgets (1 without a shared store).
    instances: u32,
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
            instances: 1,
        }
    }

    /// This instance is one of `instances` live ones sending the same
    /// outbox: from now on it takes 1/`instances` of each budget.
    pub fn share_among(&mut self, instances: usize) {
        self.instances = u32::try_from(instances.max(1)).unwrap_or(u32::MAX);
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
        let share = f64::from(per_minute) / f64::from(self.instances);
        let rate = share / 60.0;
        // A quarter of a minute's budget may go at once.
        let capacity = (share / 4.0).max(1.0);
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

    #[test]
    fn each_of_several_instances_takes_its_share_of_a_budget() {
        let limits = || DomainLimits::new(Some(40), BTreeMap::new());
        let taken = |limits: &mut DomainLimits| {
            (0..100)
                .filter(|_| limits.try_take("x@busy.example"))
                .count()
        };
        assert_eq!(taken(&mut limits()), 10, "alone: 40/4 at once");
        let mut one_of_two = limits();
        one_of_two.share_among(2);
        assert_eq!(taken(&mut one_of_two), 5, "one of two: 20/4 at once");
        let mut one_of_hundred = limits();
        one_of_hundred.share_among(100);
        assert_eq!(taken(&mut one_of_hundred), 1, "never below one token");
    }
}
