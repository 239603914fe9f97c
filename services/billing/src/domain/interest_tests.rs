//! Interest tables, computed independently here with exact rationals (i128 numerators over a
//! common denominator) where no compounding is involved, and from closed forms where it is.

use chrono::NaiveDate;
use pactum_domain::Money;

use super::{
    interest::{Payment, StatutoryRate, amount_due, seeded_rates},
    percent::Percent,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The same rate every half year, 2000–2030.
fn flat(hundredths: i64) -> Vec<StatutoryRate> {
    (2000..2031)
        .flat_map(|y| [d(y, 1, 1), d(y, 7, 1)])
        .map(|valid_from| StatutoryRate { valid_from, percent: Percent::from_hundredths(hundredths) })
        .collect()
}

fn eur(cents: i64) -> Money {
    Money::from_cents(cents)
}

/// Σ principal × rate(day) / 3,650,000 over the days, exactly, rounded half up once.
fn exact(principal_cents: i64, from: NaiveDate, to: NaiveDate, rates: &[StatutoryRate]) -> i64 {
    let mut numerator: i128 = 0;
    let mut day = from;
    while day <= to {
        let rate =
            rates.iter().filter(|r| r.valid_from <= day).max_by_key(|r| r.valid_from).unwrap().percent.hundredths();
        numerator += i128::from(principal_cents) * i128::from(rate);
        day = day.succ_opt().unwrap();
    }
    i64::try_from((numerator + 3_650_000 / 2) / 3_650_000).unwrap()
}

#[test]
fn nothing_accrues_until_the_day_after_the_due_date() {
    let due = amount_due(eur(100_000), d(2026, 3, 15), Money::ZERO, &[], &seeded_rates(), d(2026, 3, 15)).unwrap();
    assert_eq!((due.interest, due.total), (Money::ZERO, eur(100_000)));
    let one_day = amount_due(eur(100_000), d(2026, 3, 15), Money::ZERO, &[], &seeded_rates(), d(2026, 3, 16)).unwrap();
    assert_eq!(one_day.interest, eur(28), "1,000.00 × 10.15 % / 365 = 0.2781 → 0.28");
}

/// Crossing 1 July and 1 January: each day at the rate in force that day.
#[test]
fn rates_change_on_1_january_and_1_july() {
    let rates = seeded_rates();
    let cases = [(d(2024, 6, 1), d(2024, 7, 31)), (d(2024, 12, 1), d(2025, 1, 31)), (d(2024, 5, 20), d(2025, 2, 10))];
    for (due_date, as_of) in cases {
        let got = amount_due(eur(1_234_567), due_date, Money::ZERO, &[], &rates, as_of).unwrap();
        let want = exact(1_234_567, due_date.succ_opt().unwrap(), as_of, &rates);
        assert_eq!(got.interest.cents(), want, "{due_date} → {as_of}");
        let days: i64 = got.breakdown.iter().map(|b| b.days).sum();
        assert_eq!(days, (as_of - due_date).num_days());
    }
    let split = amount_due(eur(100_000), d(2024, 6, 20), Money::ZERO, &[], &rates, d(2024, 7, 10)).unwrap();
    let periods: Vec<(NaiveDate, NaiveDate, i64, i64)> =
        split.breakdown.iter().map(|b| (b.from, b.to, b.percent.hundredths(), b.days)).collect();
    assert_eq!(periods, [(d(2024, 6, 21), d(2024, 6, 30), 1250, 10), (d(2024, 7, 1), d(2024, 7, 10), 1225, 10)]);
}

/// After each full year the year's interest joins the principal: 1,000 at a flat 8 % is 80.00
/// after one year and 80.00 + 86.40 after two (the second year on 1,080.00).
#[test]
fn a_year_of_interest_compounds() {
    let flat = flat(800);
    let one = amount_due(eur(100_000), d(2021, 12, 31), Money::ZERO, &[], &flat, d(2022, 12, 31)).unwrap();
    assert_eq!((one.principal, one.interest), (eur(108_000), Money::ZERO), "capitalized at the end of the year");
    let two = amount_due(eur(100_000), d(2021, 12, 31), Money::ZERO, &[], &flat, d(2023, 12, 31)).unwrap();
    assert_eq!(two.principal, eur(116_640));
    assert_eq!(two.total, eur(116_640));
    // Mid second year: 1,080.00 × 8 % × 181/365 = 42.8449… → 42.84 on top.
    let mid = amount_due(eur(100_000), d(2021, 12, 31), Money::ZERO, &[], &flat, d(2023, 6, 30)).unwrap();
    assert_eq!((mid.principal, mid.interest), (eur(108_000), eur(4_284)));
    // Across a year boundary with real rates: year one exactly, then year two on the new principal.
    let rates = seeded_rates();
    let real = amount_due(eur(500_000), d(2023, 3, 31), Money::ZERO, &[], &rates, d(2024, 5, 31)).unwrap();
    let year_one = exact(500_000, d(2023, 4, 1), d(2024, 3, 31), &rates);
    assert_eq!(real.principal.cents(), 500_000 + year_one, "the first year's interest, exactly, joined the principal");
    assert!(real.interest.cents() > 0);
}

/// Art. 6:44 BW: costs, then interest, then principal; the principal drops the day after.
#[test]
fn payments_go_to_costs_then_interest_then_principal() {
    let flat = flat(1000);
    // 3,650.00 at 10 % accrues exactly 1.00 a day.
    let before = amount_due(eur(365_000), d(2026, 1, 31), eur(4_000), &[], &flat, d(2026, 2, 10)).unwrap();
    assert_eq!((before.principal, before.interest, before.collection_costs), (eur(365_000), eur(1_000), eur(4_000)));
    let paid = [Payment { booked_on: d(2026, 2, 10), amount: eur(10_000) }];
    let after = amount_due(eur(365_000), d(2026, 1, 31), eur(4_000), &paid, &flat, d(2026, 2, 10)).unwrap();
    assert_eq!(
        (after.collection_costs, after.interest, after.principal),
        (Money::ZERO, Money::ZERO, eur(360_000)),
        "40 costs, 10 interest, 50 principal"
    );
    // From the next day the interest runs on 3,600.00: 0.9863… a day.
    let next = amount_due(eur(365_000), d(2026, 1, 31), eur(4_000), &paid, &flat, d(2026, 2, 11)).unwrap();
    assert_eq!(next.interest, eur(99));
    // A partial payment leaves the rest open; an overpayment is a credit, never dropped.
    let over = [Payment { booked_on: d(2026, 1, 20), amount: eur(400_000) }];
    let credit = amount_due(eur(365_000), d(2026, 1, 31), Money::ZERO, &over, &flat, d(2026, 3, 1)).unwrap();
    assert_eq!((credit.total, credit.overpaid), (Money::ZERO, eur(35_000)));
}

/// Rates are set per half year: a day past the last known half year has no rate, rather than a
/// stale one.
#[test]
fn no_interest_on_a_rate_not_yet_known() {
    let err = amount_due(eur(100_000), d(2026, 6, 1), Money::ZERO, &[], &seeded_rates(), d(2026, 7, 1)).unwrap_err();
    assert_eq!(err.to_string(), "no statutory interest rate is known for 2026-07-01");
    assert!(amount_due(eur(100_000), d(2026, 6, 1), Money::ZERO, &[], &seeded_rates(), d(2026, 6, 30)).is_ok());
}

#[test]
fn no_rate_no_answer() {
    let err = amount_due(eur(100), d(2019, 1, 1), Money::ZERO, &[], &seeded_rates(), d(2019, 2, 1)).unwrap_err();
    assert_eq!(err.to_string(), "no statutory interest rate is known for 2019-01-02");
}
