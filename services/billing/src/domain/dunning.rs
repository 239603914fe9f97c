//! Reminders and default (art. 8.8, 8.9): reminders on day 1, 14 and 30 past due; from 30 days
//! past due the customer is in default, which lets the vendor announce a suspension (art. 8.9).

use chrono::NaiveDate;

/// Days past due on which a reminder goes out, each once.
pub const REMINDER_STAGES: [i64; 3] = [1, 14, 30];
/// Days past due after which the customer is in default.
pub const DEFAULT_DAYS: i64 = 30;

/// The reminder stages due for an invoice due on `due_date`, on `as_of`.
pub fn stages_due(due_date: NaiveDate, as_of: NaiveDate) -> impl Iterator<Item = i64> {
    let past_due = (as_of - due_date).num_days();
    REMINDER_STAGES.into_iter().filter(move |stage| past_due >= *stage)
}

pub fn in_default(due_date: NaiveDate, as_of: NaiveDate) -> bool {
    (as_of - due_date).num_days() >= DEFAULT_DAYS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn stages() {
        let due = d(2026, 1, 15);
        assert_eq!(stages_due(due, d(2026, 1, 15)).count(), 0);
        assert_eq!(stages_due(due, d(2026, 1, 16)).collect::<Vec<_>>(), [1]);
        assert_eq!(stages_due(due, d(2026, 1, 29)).collect::<Vec<_>>(), [1, 14]);
        assert_eq!(stages_due(due, d(2026, 2, 14)).collect::<Vec<_>>(), [1, 14, 30]);
        assert!(!in_default(due, d(2026, 2, 13)));
        assert!(in_default(due, d(2026, 2, 14)));
    }
}
