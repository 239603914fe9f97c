//! Announcements the vendor makes to every customer with an active agreement: planned
//! maintenance (art. 14.4) and changes to the service (14.18, 14.2).

use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc, Weekday};
use chrono_tz::Europe::Amsterdam;

use super::notice::NoticeError;

/// The longest maintenance window one announcement may hold.
pub const MAX_WINDOW_DAYS: i64 = 14;

/// Art. 14.4: office hours, Monday to Friday 08:00–18:00 in Europe/Amsterdam.
const OFFICE_OPENS: NaiveTime = match NaiveTime::from_hms_opt(8, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};
const OFFICE_CLOSES: NaiveTime = match NaiveTime::from_hms_opt(18, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// Whether `[starts, ends)` overlaps office hours on any working day it touches.
pub fn touches_office_hours(starts: DateTime<Utc>, ends: DateTime<Utc>) -> bool {
    let (first, last) = (starts.with_timezone(&Amsterdam).date_naive(), ends.with_timezone(&Amsterdam).date_naive());
    let mut day = first;
    while day <= last {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            let open = day.and_time(OFFICE_OPENS).and_local_timezone(Amsterdam).earliest();
            let close = day.and_time(OFFICE_CLOSES).and_local_timezone(Amsterdam).earliest();
            if let (Some(open), Some(close)) = (open, close)
                && starts < close.with_timezone(&Utc)
                && ends > open.with_timezone(&Utc)
            {
                return true;
            }
        }
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    false
}

/// Art. 14.4: a maintenance window that may be announced. An urgent one gives its reason.
pub fn check_maintenance(
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    urgent: bool,
    reason: &str,
) -> Result<(), NoticeError> {
    if ends <= starts || ends - starts > Duration::days(MAX_WINDOW_DAYS) {
        return Err(NoticeError::Invalid(pactum_domain::Violations::single(
            "ends_at",
            format!("must be after starts_at, at most {MAX_WINDOW_DAYS} days later"),
        )));
    }
    if urgent && reason.is_empty() {
        return Err(NoticeError::Invalid(pactum_domain::Violations::single(
            "reason",
            "is required for urgent maintenance: why it cannot wait (art. 14.4)",
        )));
    }
    if !urgent && touches_office_hours(starts, ends) {
        return Err(NoticeError::Article {
            article: "14.4",
            reason: "OFFICE_HOURS",
            message: "maintenance is planned outside office hours (Monday to Friday 08:00–18:00 Europe/Amsterdam) \
                      unless it is urgent"
                .to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        chrono::NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, 0, 0))
            .and_then(|t| t.and_local_timezone(Amsterdam).earliest())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn office_hours_are_weekdays_eight_to_six_in_amsterdam() {
        // Tuesday 2 March 2027.
        assert!(!touches_office_hours(at(2027, 3, 2, 18), at(2027, 3, 2, 23)), "evening");
        assert!(!touches_office_hours(at(2027, 3, 2, 1), at(2027, 3, 2, 8)), "ends at opening");
        assert!(touches_office_hours(at(2027, 3, 2, 17), at(2027, 3, 2, 19)), "overlaps closing");
        assert!(!touches_office_hours(at(2027, 3, 6, 9), at(2027, 3, 7, 17)), "a weekend");
        assert!(touches_office_hours(at(2027, 3, 5, 20), at(2027, 3, 8, 9)), "into Monday morning");
        assert!(!touches_office_hours(at(2027, 3, 27, 22), at(2027, 3, 28, 6)), "across the DST change");
    }

    #[test]
    fn urgent_maintenance_gives_its_reason_and_windows_are_bounded() {
        let (starts, ends) = (at(2027, 3, 2, 10), at(2027, 3, 2, 11));
        assert!(matches!(
            check_maintenance(starts, ends, false, ""),
            Err(NoticeError::Article { article: "14.4", .. })
        ));
        assert!(matches!(check_maintenance(starts, ends, true, ""), Err(NoticeError::Invalid(_))));
        assert!(check_maintenance(starts, ends, true, "security fix").is_ok());
        assert!(matches!(check_maintenance(ends, starts, true, "x"), Err(NoticeError::Invalid(_))));
        assert!(matches!(
            check_maintenance(starts, starts + Duration::days(15), true, "x"),
            Err(NoticeError::Invalid(_))
        ));
    }
}
