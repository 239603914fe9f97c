//! Civil dates in Europe/Amsterdam, and the month arithmetic the terms count in.
//!
//! Every date in Pactum is a civil date (a day on the Dutch calendar, no time, no zone).
//! An instant becomes a date only by reading it in Europe/Amsterdam.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use chrono_tz::Europe::Amsterdam;

/// The civil date in Amsterdam at `instant`. 23:30 UTC on 31 December is already 1 January there.
pub fn date_in_amsterdam(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&Amsterdam).date_naive()
}

/// The first and the last date the platform accepts anywhere: on its API, in its events and in
/// its jobs. Far enough for any agreement, near enough that no request can make a job count
/// terms or periods for millennia.
pub const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
pub const LATEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2199, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// The longest term (and so the longest billing period) an agreement may have: ten years.
pub const MAX_TERM_MONTHS: u32 = 120;

/// The latest date a rule can derive from accepted dates: the end of a term of
/// [`MAX_TERM_MONTHS`] begun the day after [`LATEST_DATE`] (renewals stop at today, which the
/// clock keeps within [`LATEST_DATE`]). Events carry dates up to here, and their consumers
/// accept exactly this range, so no consumer refuses what a producer was allowed to publish.
pub const LATEST_DERIVED_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2210, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// Whether `date` lies within [`EARLIEST_DATE`] ..= [`LATEST_DERIVED_DATE`]: a date an event
/// may carry.
pub fn derivable(date: NaiveDate) -> bool {
    (EARLIEST_DATE..=LATEST_DERIVED_DATE).contains(&date)
}

/// Whether `date` lies within [`EARLIEST_DATE`] ..= [`LATEST_DATE`].
pub fn accepted(date: NaiveDate) -> bool {
    (EARLIEST_DATE..=LATEST_DATE).contains(&date)
}

/// The last day of the month `date` falls in.
pub fn last_day_of_month(date: NaiveDate) -> NaiveDate {
    let first = date.with_day(1).unwrap_or(date);
    first.checked_add_months(Months::new(1)).and_then(|next| next.pred_opt()).unwrap_or(NaiveDate::MAX)
}

/// `date` plus `months`, clamped to the end of a shorter month: 31 January + 1 month is
/// 28 (or 29) February. `None` past the end of the calendar.
pub fn add_months_clamped(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(months))
}

/// Where the period that begins `months` months after `start` begins, by the terms' month rule
/// (art. 13.1 terms, and the billing periods counted the same way): the same day of the month
/// `months` later; where that month has no such day, the first day of the month after it.
///
/// So periods of 1 month from 31 January run 31 Jan–28 Feb, 1–30 Mar, 31 Mar–30 Apr: every
/// boundary is counted from the original `start`, never from the previous boundary, so a
/// short month never drags the later periods along.
pub fn period_boundary(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    let clamped = add_months_clamped(start, months)?;
    if clamped.day() == start.day() { Some(clamped) } else { clamped.checked_add_days(Days::new(1)) }
}

/// A run of whole days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilPeriod {
    first: NaiveDate,
    last: NaiveDate,
}

impl CivilPeriod {
    /// `None` when `last` is before `first`.
    pub fn new(first: NaiveDate, last: NaiveDate) -> Option<Self> {
        (first <= last).then_some(Self { first, last })
    }

    /// A single day.
    pub const fn day(date: NaiveDate) -> Self {
        Self { first: date, last: date }
    }

    /// Period number `index` (0-based) of `months` months each, counted from `start` by the
    /// month rule of [`period_boundary`].
    pub fn nth(start: NaiveDate, months: u32, index: u32) -> Option<Self> {
        let first = period_boundary(start, months.checked_mul(index)?)?;
        let last = period_boundary(start, months.checked_mul(index.checked_add(1)?)?)?.pred_opt()?;
        Self::new(first, last)
    }

    pub const fn first(&self) -> NaiveDate {
        self.first
    }

    /// The last day, inclusive.
    pub const fn last(&self) -> NaiveDate {
        self.last
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }

    /// The number of days, both ends counted.
    pub fn days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn amsterdam_dates() {
        // CET (UTC+1) in winter, CEST (UTC+2) in summer.
        assert_eq!(date_in_amsterdam(Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap()), d(2027, 1, 1));
        assert_eq!(date_in_amsterdam(Utc.with_ymd_and_hms(2026, 12, 31, 22, 59, 59).unwrap()), d(2026, 12, 31));
        assert_eq!(date_in_amsterdam(Utc.with_ymd_and_hms(2026, 6, 30, 22, 0, 0).unwrap()), d(2026, 7, 1));
        assert_eq!(date_in_amsterdam(Utc.with_ymd_and_hms(2026, 6, 30, 21, 59, 59).unwrap()), d(2026, 6, 30));
    }

    #[test]
    fn month_ends() {
        assert_eq!(last_day_of_month(d(2024, 2, 10)), d(2024, 2, 29));
        assert_eq!(last_day_of_month(d(2026, 2, 1)), d(2026, 2, 28));
        assert_eq!(last_day_of_month(d(2026, 12, 31)), d(2026, 12, 31));
        assert_eq!(add_months_clamped(d(2026, 1, 31), 1), Some(d(2026, 2, 28)));
        assert_eq!(add_months_clamped(d(2024, 1, 31), 1), Some(d(2024, 2, 29)));
        assert_eq!(add_months_clamped(d(2024, 2, 29), 12), Some(d(2025, 2, 28)));
    }

    /// The examples the contracts issue gives for terms.
    #[test]
    fn term_examples() {
        let year = CivilPeriod::nth(d(2026, 1, 1), 12, 0).unwrap();
        assert_eq!((year.first(), year.last()), (d(2026, 1, 1), d(2026, 12, 31)));
        let feb = CivilPeriod::nth(d(2026, 1, 31), 1, 0).unwrap();
        assert_eq!((feb.first(), feb.last()), (d(2026, 1, 31), d(2026, 2, 28)));
        let mar = CivilPeriod::nth(d(2026, 1, 31), 1, 1).unwrap();
        assert_eq!((mar.first(), mar.last()), (d(2026, 3, 1), d(2026, 3, 30)));
        let apr = CivilPeriod::nth(d(2026, 1, 31), 1, 2).unwrap();
        assert_eq!((apr.first(), apr.last()), (d(2026, 3, 31), d(2026, 4, 30)));
        let may = CivilPeriod::nth(d(2026, 1, 31), 1, 3).unwrap();
        assert_eq!((may.first(), may.last()), (d(2026, 5, 1), d(2026, 5, 30)));
        let april = CivilPeriod::nth(d(2026, 3, 15), 1, 0).unwrap();
        assert_eq!((april.first(), april.last()), (d(2026, 3, 15), d(2026, 4, 14)));
        // A leap day start: yearly terms end on 28 February and restart on 1 March.
        let leap = CivilPeriod::nth(d(2024, 2, 29), 12, 0).unwrap();
        assert_eq!((leap.first(), leap.last()), (d(2024, 2, 29), d(2025, 2, 28)));
        let after = CivilPeriod::nth(d(2024, 2, 29), 12, 1).unwrap();
        assert_eq!((after.first(), after.last()), (d(2025, 3, 1), d(2026, 2, 28)));
        let back = CivilPeriod::nth(d(2024, 2, 29), 12, 4).unwrap();
        assert_eq!((back.first(), back.last()), (d(2028, 2, 29), d(2029, 2, 28)));
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1990i32..2200, 1u32..=12, 1u32..=31).prop_map(|(y, m, day)| {
            let last = last_day_of_month(d(y, m, 1)).day();
            d(y, m, day.min(last))
        })
    }

    proptest! {
        #[test]
        fn clamped_months_keep_the_day_or_end_the_month(date in any_date(), months in 0u32..600) {
            let got = add_months_clamped(date, months).unwrap();
            let month_index = |x: NaiveDate| i64::from(x.year()) * 12 + i64::from(x.month0());
            prop_assert_eq!(month_index(got) - month_index(date), i64::from(months));
            if got.day() != date.day() {
                prop_assert!(got.day() < date.day());
                prop_assert_eq!(got, last_day_of_month(got));
            }
        }

        /// Consecutive periods tile the calendar: no gap, no overlap, none empty.
        #[test]
        fn periods_tile_without_gaps(start in any_date(), months in prop::sample::select(vec![1u32, 3, 12, 24]), index in 0u32..60) {
            let this = CivilPeriod::nth(start, months, index).unwrap();
            let next = CivilPeriod::nth(start, months, index + 1).unwrap();
            prop_assert_eq!(this.last().succ_opt().unwrap(), next.first());
            prop_assert!(this.days() >= 28 * i64::from(months) - 3);
            prop_assert!(this.days() <= 31 * i64::from(months) + 1);
        }

        /// Counting from the start means a period begins on the start's day whenever the month has it.
        #[test]
        fn periods_do_not_drift(start in any_date(), months in prop::sample::select(vec![1u32, 3, 12]), index in 0u32..120) {
            let period = CivilPeriod::nth(start, months, index).unwrap();
            let same_day = add_months_clamped(start, months * index).unwrap();
            if same_day.day() == start.day() {
                prop_assert_eq!(period.first(), same_day);
            } else {
                prop_assert_eq!(period.first(), same_day.succ_opt().unwrap());
                prop_assert_eq!(period.first().day(), 1);
            }
        }
    }
}
