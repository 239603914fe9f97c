//! Wire shapes of the shared value types: `google.type.Date`, `google.type.Money` and
//! `google.protobuf.Timestamp`. Every service's gRPC adapter converts through these, so a
//! date or an amount means the same on every API.

use chrono::{DateTime, NaiveDate, Utc};
use pactum_domain::{
    Money, MoneyError,
    calendar::{self, EARLIEST_DATE, LATEST_DATE, LATEST_DERIVED_DATE},
};
use pactum_proto::google::r#type as gtype;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("is required (year, month and day)")]
    Missing,
    #[error("{0}-{1}-{2} is not a date on the calendar")]
    NotADate(i32, i32, i32),
    #[error("{0} is outside the dates the platform accepts ({EARLIEST_DATE} to {LATEST_DATE})")]
    OutOfRange(NaiveDate),
    #[error("{0} is outside the dates an event can carry ({EARLIEST_DATE} to {LATEST_DERIVED_DATE})")]
    NotDerivable(NaiveDate),
}

/// A full civil date in a request. Partial dates (a zero month or day) are refused, and so is
/// a date outside [`calendar::accepted`].
pub fn date_from_wire(date: Option<&gtype::Date>) -> Result<NaiveDate, DateError> {
    let date = calendar_date(date)?;
    if calendar::accepted(date) { Ok(date) } else { Err(DateError::OutOfRange(date)) }
}

/// A full civil date in an event: any date a rule can derive from accepted input
/// ([`calendar::derivable`]), which is wider than what a request may send.
pub fn event_date_from_wire(date: Option<&gtype::Date>) -> Result<NaiveDate, DateError> {
    let date = calendar_date(date)?;
    if calendar::derivable(date) { Ok(date) } else { Err(DateError::NotDerivable(date)) }
}

fn calendar_date(date: Option<&gtype::Date>) -> Result<NaiveDate, DateError> {
    let d = date.ok_or(DateError::Missing)?;
    if d.year == 0 && d.month == 0 && d.day == 0 {
        return Err(DateError::Missing);
    }
    let (Ok(month), Ok(day)) = (u32::try_from(d.month), u32::try_from(d.day)) else {
        return Err(DateError::NotADate(d.year, d.month, d.day));
    };
    NaiveDate::from_ymd_opt(d.year, month, day).ok_or(DateError::NotADate(d.year, d.month, d.day))
}

/// A date the caller may leave out (unset, or all zeros): `None` then.
pub fn optional_date_from_wire(date: Option<&gtype::Date>) -> Result<Option<NaiveDate>, DateError> {
    match date_from_wire(date) {
        Err(DateError::Missing) => Ok(None),
        other => other.map(Some),
    }
}

pub fn date_to_wire(date: NaiveDate) -> gtype::Date {
    use chrono::Datelike;
    // Month and day are at most 12 and 31.
    #[allow(clippy::cast_possible_wrap)]
    gtype::Date { year: date.year(), month: date.month() as i32, day: date.day() as i32 }
}

pub fn money_from_wire(money: Option<&gtype::Money>) -> Result<Money, MoneyError> {
    let m = money.ok_or(MoneyError::Malformed)?;
    Money::from_units_nanos(&m.currency_code, m.units, m.nanos)
}

pub fn money_to_wire(money: Money) -> gtype::Money {
    let (units, nanos) = money.units_nanos();
    gtype::Money { currency_code: "EUR".to_owned(), units, nanos }
}

pub fn timestamp_to_wire(instant: DateTime<Utc>) -> prost_types::Timestamp {
    // Sub-second nanos are below 2e9 and fit an i32.
    #[allow(clippy::cast_possible_wrap)]
    prost_types::Timestamp { seconds: instant.timestamp(), nanos: instant.timestamp_subsec_nanos() as i32 }
}

pub fn timestamp_from_wire(ts: Option<&prost_types::Timestamp>) -> Option<DateTime<Utc>> {
    let ts = ts?;
    DateTime::from_timestamp(ts.seconds, u32::try_from(ts.nanos).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let wire = gtype::Date { year: 2024, month: 2, day: 29 };
        let date = date_from_wire(Some(&wire)).unwrap();
        assert_eq!(date_to_wire(date), wire);
        assert_eq!(
            date_from_wire(Some(&gtype::Date { year: 2026, month: 2, day: 29 })),
            Err(DateError::NotADate(2026, 2, 29))
        );
        assert_eq!(
            date_from_wire(Some(&gtype::Date { year: 2026, month: 0, day: 1 })),
            Err(DateError::NotADate(2026, 0, 1))
        );
        assert_eq!(date_from_wire(Some(&gtype::Date::default())), Err(DateError::Missing));
        let far = gtype::Date { year: 9999, month: 12, day: 31 };
        assert!(matches!(date_from_wire(Some(&far)), Err(DateError::OutOfRange(_))));
        let early = gtype::Date { year: 1999, month: 12, day: 31 };
        assert!(matches!(date_from_wire(Some(&early)), Err(DateError::OutOfRange(_))));
        assert!(date_from_wire(Some(&gtype::Date { year: 2199, month: 12, day: 31 })).is_ok());
        assert_eq!(date_from_wire(None), Err(DateError::Missing));
    }
}
