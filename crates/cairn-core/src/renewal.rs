//! Validity and recertification: when a credential may be renewed, by what, and when its
//! holder is reminded that it is about to expire.
//!
//! Pure: the caller passes the clock.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::stacks::{CreditsMilli, format_credits};
use crate::validate::Invalid;

/// Days before expiry at which the holder is reminded, earliest first.
pub const REMINDER_DAYS: [u32; 3] = [90, 60, 30];

/// The renewal window when an achievement does not set one: reminders start then too.
pub const DEFAULT_WINDOW_DAYS: u32 = 90;

/// The longest renewal window: a year before expiry.
pub const WINDOW_MAX_DAYS: u32 = 365;

fn default_window() -> u32 {
    DEFAULT_WINDOW_DAYS
}

/// How a credential for an achievement is renewed without earning it again from scratch:
/// by passing a renewal assessment, by credits earned while it was valid, or either.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Renewal {
    /// Passing this assessment within the window renews.
    #[serde(default)]
    pub assessment_id: Option<Uuid>,
    /// Credits (thousandths of a credit hour) of credentials for `credits_from` issued
    /// since the credential being renewed was issued.
    #[serde(default)]
    pub min_credits: Option<CreditsMilli>,
    #[serde(default)]
    pub credits_from: Vec<Uuid>,
    /// Renewal opens this many days before the credential expires.
    #[serde(default = "default_window")]
    pub window_days: u32,
}

impl Renewal {
    /// At least one way to renew; a credit path names what counts and a positive minimum;
    /// the window is 1 to [`WINDOW_MAX_DAYS`] days.
    pub fn validate(&self, achievement_id: Uuid) -> Result<(), Invalid> {
        const FIELD: &str = "spec.renewal";
        if self.assessment_id.is_none() && self.min_credits.is_none() {
            return Err(Invalid::new(
                FIELD,
                "names no way to renew; give an assessment_id, or min_credits with credits_from",
            ));
        }
        match (self.min_credits, self.credits_from.is_empty()) {
            (Some(0), _) => {
                return Err(Invalid::new(
                    FIELD,
                    "min_credits must be more than 0; leave it out to renew by assessment only",
                ));
            }
            (Some(_), true) => {
                return Err(Invalid::new(
                    FIELD,
                    "min_credits needs credits_from: the achievements whose credits count",
                ));
            }
            (None, false) => {
                return Err(Invalid::new(
                    FIELD,
                    "credits_from is given without min_credits; say how many credits renew",
                ));
            }
            _ => {}
        }
        if self.credits_from.contains(&achievement_id) {
            return Err(Invalid::new(
                FIELD,
                "credits_from names the achievement being renewed; it cannot renew itself",
            ));
        }
        if self.window_days == 0 || self.window_days > WINDOW_MAX_DAYS {
            return Err(Invalid::new(
                FIELD,
                format!(
                    "window_days is {}; it must be 1 to {WINDOW_MAX_DAYS}",
                    self.window_days
                ),
            ));
        }
        Ok(())
    }

    /// Whether a credential valid until `valid_until` may be renewed at `now`: from
    /// `window_days` before it expires until it expires. After that it is earned again.
    pub fn window_open(&self, valid_until: OffsetDateTime, now: OffsetDateTime) -> bool {
        let opens = valid_until - Duration::days(i64::from(self.window_days));
        now >= opens && now < valid_until
    }

    /// The renewal in words, naming achievements and assessments through `names`.
    pub fn describe_with(&self, names: &dyn Fn(Uuid) -> Option<String>) -> String {
        let name = |id: Uuid| names(id).map_or_else(|| id.to_string(), |n| format!("\"{n}\""));
        let mut ways = Vec::new();
        if let Some(a) = self.assessment_id {
            ways.push(format!("pass {}", name(a)));
        }
        if let Some(min) = self.min_credits {
            let from: Vec<String> = self.credits_from.iter().map(|a| name(*a)).collect();
            ways.push(format!(
                "earn {} credits from {} while it is valid",
                format_credits(min),
                from.join(", ")
            ));
        }
        format!(
            "Renew in the {} days before expiry: {}.",
            self.window_days,
            ways.join(", or ")
        )
    }
}

/// A credential counted towards credit-based renewal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Earned {
    pub achievement_id: Uuid,
    pub issued_at: OffsetDateTime,
    pub credits: CreditsMilli,
}

/// Credits from `from` issued at or after `since` (the renewed credential's issue), each
/// achievement counted once however many credentials for it there are (its largest value).
pub fn credits_since(earned: &[Earned], from: &[Uuid], since: OffsetDateTime) -> CreditsMilli {
    let mut best: std::collections::BTreeMap<Uuid, CreditsMilli> =
        std::collections::BTreeMap::new();
    for e in earned
        .iter()
        .filter(|e| e.issued_at >= since && from.contains(&e.achievement_id))
    {
        let slot = best.entry(e.achievement_id).or_insert(0);
        *slot = (*slot).max(e.credits);
    }
    best.values().copied().fold(0, CreditsMilli::saturating_add)
}

/// The reminder due at `now` for a credential valid until `valid_until`: the smallest of
/// [`REMINDER_DAYS`] whose moment has passed, none once it expired or while more than 90
/// days remain. A holder first seen 20 days before expiry gets the 30-day reminder only.
pub fn reminder_due(valid_until: OffsetDateTime, now: OffsetDateTime) -> Option<u32> {
    if now >= valid_until {
        return None;
    }
    REMINDER_DAYS
        .iter()
        .rev()
        .copied()
        .find(|d| now >= valid_until - Duration::days(i64::from(*d)))
}

/// Whole days left before `valid_until`, rounded up (0 once expired).
pub fn days_left(valid_until: OffsetDateTime, now: OffsetDateTime) -> i64 {
    let secs = (valid_until - now).whole_seconds();
    if secs <= 0 {
        0
    } else {
        (secs + 86_399) / 86_400
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u8) -> Uuid {
        Uuid::from_bytes([n; 16])
    }

    fn t(days: i64) -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + Duration::days(20_000 + days)
    }

    fn by_assessment() -> Renewal {
        Renewal {
            assessment_id: Some(id(9)),
            min_credits: None,
            credits_from: vec![],
            window_days: 90,
        }
    }

    #[test]
    fn a_renewal_needs_a_way_and_a_sane_window() {
        assert!(by_assessment().validate(id(1)).is_ok());
        let none = Renewal {
            assessment_id: None,
            ..by_assessment()
        };
        assert!(none.validate(id(1)).unwrap_err().message.contains("no way"));
        let credits_without_from = Renewal {
            min_credits: Some(2000),
            ..by_assessment()
        };
        assert!(
            credits_without_from
                .validate(id(1))
                .unwrap_err()
                .message
                .contains("credits_from")
        );
        let zero = Renewal {
            min_credits: Some(0),
            credits_from: vec![id(2)],
            ..by_assessment()
        };
        assert!(zero.validate(id(1)).is_err());
        let itself = Renewal {
            min_credits: Some(1000),
            credits_from: vec![id(1)],
            ..by_assessment()
        };
        assert!(
            itself
                .validate(id(1))
                .unwrap_err()
                .message
                .contains("itself")
        );
        let wide = Renewal {
            window_days: 400,
            ..by_assessment()
        };
        assert!(wide.validate(id(1)).is_err());
    }

    #[test]
    fn the_window_opens_before_expiry_and_closes_at_it() {
        let r = by_assessment();
        assert!(!r.window_open(t(100), t(9)));
        assert!(r.window_open(t(100), t(10)));
        assert!(r.window_open(t(100), t(99)));
        assert!(!r.window_open(t(100), t(100)));
    }

    #[test]
    fn reminders_at_90_60_30_days() {
        let until = t(100);
        assert_eq!(reminder_due(until, t(0)), None);
        assert_eq!(reminder_due(until, t(10)), Some(90));
        assert_eq!(reminder_due(until, t(39)), Some(90));
        assert_eq!(reminder_due(until, t(40)), Some(60));
        assert_eq!(reminder_due(until, t(70)), Some(30));
        assert_eq!(reminder_due(until, t(99)), Some(30));
        assert_eq!(reminder_due(until, t(100)), None);
    }

    #[test]
    fn only_credits_from_the_named_achievements_since_issue_count() {
        let earned = [
            Earned {
                achievement_id: id(2),
                issued_at: t(5),
                credits: 1500,
            },
            Earned {
                achievement_id: id(2),
                issued_at: t(-1),
                credits: 4000,
            },
            Earned {
                achievement_id: id(3),
                issued_at: t(6),
                credits: 500,
            },
            Earned {
                achievement_id: id(4),
                issued_at: t(6),
                credits: 9000,
            },
        ];
        assert_eq!(credits_since(&earned, &[id(2), id(3)], t(0)), 2000);
        // The same achievement twice counts once.
        let twice = [
            earned[0],
            Earned {
                issued_at: t(7),
                ..earned[0]
            },
        ];
        assert_eq!(credits_since(&twice, &[id(2)], t(0)), 1500);
    }

    #[test]
    fn days_left_rounds_up() {
        assert_eq!(days_left(t(10), t(10)), 0);
        assert_eq!(days_left(t(10), t(9) + Duration::hours(1)), 1);
        assert_eq!(days_left(t(10), t(0)), 10);
    }

    proptest! {
        /// A reminder is due exactly in the 90 days before expiry, and it never names a
        /// threshold further away than the time actually left.
        #[test]
        fn reminder_matches_the_days_left(offset_hours in 0i64..(200 * 24)) {
            let until = t(200);
            let now = t(0) + Duration::hours(offset_hours);
            let left = days_left(until, now);
            match reminder_due(until, now) {
                None => prop_assert!(left > 90 || left == 0),
                Some(d) => {
                    prop_assert!(left <= i64::from(d));
                    prop_assert!(left > 0);
                    let tighter = REMINDER_DAYS.iter().filter(|x| **x < d).max();
                    if let Some(x) = tighter {
                        prop_assert!(now < until - Duration::days(i64::from(*x)));
                    }
                }
            }
        }
    }
}
