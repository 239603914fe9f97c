//! Business time. Every service reads "now" and "today" from a [`Clock`] and from nothing else,
//! so no caller can choose the day an invoice is dated or a deadline is counted from.
//!
//! Production runs on the system time. Tests and demos may run on a held time instead (the
//! shared test clock sets it): a [`HeldTime`] stands still at what it was set to, like Stripe's
//! test clocks, until it is set again.

use std::{
    fmt,
    sync::{Arc, RwLock},
};

use chrono::{DateTime, NaiveDate, Utc};

use crate::{Violations, calendar::date_in_amsterdam};

/// Where a [`Clock`] gets the time from.
pub trait TimeSource: Send + Sync + fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The system's time.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemTime;

impl TimeSource for SystemTime {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A time that stands still where it was set; the system time until it is first set.
#[derive(Debug, Default)]
pub struct HeldTime(RwLock<Option<DateTime<Utc>>>);

impl HeldTime {
    pub fn new(at: Option<DateTime<Utc>>) -> Self {
        Self(RwLock::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        // A poisoned lock only means a writer panicked mid-assignment of a Copy value.
        *self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(at);
    }

    /// What it was set to, if it was.
    pub fn held(&self) -> Option<DateTime<Utc>> {
        *self.0.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl TimeSource for HeldTime {
    fn now(&self) -> DateTime<Utc> {
        self.held().unwrap_or_else(Utc::now)
    }
}

/// The platform's clock: the instant now, and today as a civil date in Europe/Amsterdam.
#[derive(Clone)]
pub struct Clock(Arc<dyn TimeSource>);

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Clock").field(&self.0).finish()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl Clock {
    pub fn system() -> Self {
        Self(Arc::new(SystemTime))
    }

    pub fn from_source(source: Arc<dyn TimeSource>) -> Self {
        Self(source)
    }

    /// A clock held at `at` (for unit tests), with the handle that moves it.
    pub fn held_at(at: DateTime<Utc>) -> (Self, Arc<HeldTime>) {
        let held = Arc::new(HeldTime::new(Some(at)));
        (Self(held.clone()), held)
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.0.now()
    }

    /// Today in Amsterdam.
    pub fn today(&self) -> NaiveDate {
        date_in_amsterdam(self.now())
    }

    /// A business date as the caller states it — the day a run is for, or the date of a fact
    /// that has happened (a payment's value date, the day a letter came in) — today when left
    /// out; refused under `field` when later than today (no run, balance or deadline is
    /// computed for a day that has not come).
    pub fn up_to_today(&self, field: &str, date: Option<NaiveDate>) -> Result<NaiveDate, Violations> {
        let today = self.today();
        match date {
            None => Ok(today),
            Some(date) if date > today => Err(Violations::single(
                field,
                format!("must not be later than today ({today}); {date} has not come yet"),
            )),
            Some(date) => Ok(date),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Europe/Amsterdam around midnight UTC and across both daylight-saving changes.
    #[test]
    fn today_is_the_amsterdam_date() {
        let cases = [
            // Winter (CET, UTC+1): 23:00 UTC is already tomorrow.
            (Utc.with_ymd_and_hms(2026, 1, 15, 22, 59, 59).unwrap(), d(2026, 1, 15)),
            (Utc.with_ymd_and_hms(2026, 1, 15, 23, 0, 0).unwrap(), d(2026, 1, 16)),
            (Utc.with_ymd_and_hms(2026, 1, 16, 0, 0, 0).unwrap(), d(2026, 1, 16)),
            // Summer (CEST, UTC+2): 22:00 UTC is already tomorrow.
            (Utc.with_ymd_and_hms(2026, 7, 15, 21, 59, 59).unwrap(), d(2026, 7, 15)),
            (Utc.with_ymd_and_hms(2026, 7, 15, 22, 0, 0).unwrap(), d(2026, 7, 16)),
            // Spring forward on 29 March 2026 at 01:00 UTC (02:00 → 03:00 local).
            (Utc.with_ymd_and_hms(2026, 3, 28, 22, 59, 59).unwrap(), d(2026, 3, 28)),
            (Utc.with_ymd_and_hms(2026, 3, 28, 23, 0, 0).unwrap(), d(2026, 3, 29)),
            (Utc.with_ymd_and_hms(2026, 3, 29, 21, 59, 59).unwrap(), d(2026, 3, 29)),
            (Utc.with_ymd_and_hms(2026, 3, 29, 22, 0, 0).unwrap(), d(2026, 3, 30)),
            // Fall back on 25 October 2026 at 01:00 UTC (03:00 → 02:00 local).
            (Utc.with_ymd_and_hms(2026, 10, 24, 21, 59, 59).unwrap(), d(2026, 10, 24)),
            (Utc.with_ymd_and_hms(2026, 10, 24, 22, 0, 0).unwrap(), d(2026, 10, 25)),
            (Utc.with_ymd_and_hms(2026, 10, 25, 22, 59, 59).unwrap(), d(2026, 10, 25)),
            (Utc.with_ymd_and_hms(2026, 10, 25, 23, 0, 0).unwrap(), d(2026, 10, 26)),
            // New year's eve.
            (Utc.with_ymd_and_hms(2026, 12, 31, 23, 0, 0).unwrap(), d(2027, 1, 1)),
        ];
        for (instant, want) in cases {
            let (clock, _) = Clock::held_at(instant);
            assert_eq!(clock.today(), want, "{instant}");
        }
    }

    #[test]
    fn held_time_stands_still_until_set() {
        let start = Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap();
        let (clock, held) = Clock::held_at(start);
        assert_eq!(clock.now(), start);
        assert_eq!(clock.now(), start);
        let later = Utc.with_ymd_and_hms(2027, 6, 1, 9, 0, 0).unwrap();
        held.set(later);
        assert_eq!(clock.today(), d(2027, 6, 1));
        let unset = Clock::from_source(Arc::new(HeldTime::default()));
        assert!((unset.now() - Utc::now()).num_seconds().abs() < 5);
    }

    #[test]
    fn business_dates_never_come_from_the_future() {
        let (clock, _) = Clock::held_at(Utc.with_ymd_and_hms(2027, 3, 1, 12, 0, 0).unwrap());
        assert_eq!(clock.up_to_today("as_of", None), Ok(d(2027, 3, 1)));
        assert_eq!(clock.up_to_today("as_of", Some(d(2027, 2, 1))), Ok(d(2027, 2, 1)));
        assert_eq!(clock.up_to_today("as_of", Some(d(2027, 3, 1))), Ok(d(2027, 3, 1)));
        let refused = clock.up_to_today("as_of", Some(d(2027, 3, 2))).unwrap_err();
        assert_eq!(refused.iter().next().map(|v| v.field.as_str()), Some("as_of"));
        assert!(clock.up_to_today("paid_on", Some(d(2031, 1, 1))).is_err());
        assert!(clock.up_to_today("paid_on", Some(d(2027, 3, 1))).is_ok());
    }
}
