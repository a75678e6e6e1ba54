//! A per-key fixed-window limiter kept in memory: sign-in failures and public
//! verifications per client address.
//!
//! Each server keeps its own counts; with several servers the effective limit is at most
//! the per-server limit times the number of servers, and account lockout (stored in the
//! database) still bounds guessing against any one account.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct RateLimiter {
    limit: u32,
    window: Duration,
    seen: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Count one attempt for `key`. `Err(seconds)` says how long until attempts are allowed again.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), u64> {
        let mut seen = match self.seen.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if seen.len() > 100_000 {
            // Bound memory under an address-spraying attack: forget finished windows.
            seen.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = seen.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.limit {
            let left = self.window.saturating_sub(now.duration_since(entry.0));
            return Err(left.as_secs().max(1));
        }
        entry.1 += 1;
        Ok(())
    }

    /// Give back one attempt counted for `key`: for limits on failures only, such as
    /// sign-in, where a whole ward signing in from one address at shift change is not an
    /// attack, while every attempt is still counted before its outcome is known.
    pub fn forgive(&self, key: &str) {
        let mut seen = match self.seen.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(entry) = seen.get_mut(key) {
            entry.1 = entry.1.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_key_and_resets_after_the_window() {
        let l = RateLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(l.check_at("a", t0).is_ok());
        assert!(l.check_at("a", t0).is_ok());
        let wait = l.check_at("a", t0 + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, 50);
        assert!(l.check_at("b", t0).is_ok());
        assert!(l.check_at("a", t0 + Duration::from_secs(61)).is_ok());
    }

    #[test]
    fn a_forgiven_attempt_is_not_counted() {
        let l = RateLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..10 {
            assert!(l.check_at("a", t0).is_ok());
            l.forgive("a");
        }
        assert!(l.check_at("a", t0).is_ok());
        assert!(l.check_at("a", t0).is_ok());
        assert!(
            l.check_at("a", t0).is_err(),
            "unforgiven attempts still count"
        );
        l.forgive("unknown");
    }
}
