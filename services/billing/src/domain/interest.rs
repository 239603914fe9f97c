//! Statutory commercial interest (art. 8.8; art. 6:119a BW) and the order payments are applied
//! in (art. 6:44 BW).
//!
//! From the day after the due date, without any notice of default, interest accrues daily on
//! the unpaid principal: principal × rate(day) / 365 / 100, at the rate in force that day.
//! After each full year of accrual the year's interest is added to the principal (art. 6:119a
//! lid 3 with 6:119 lid 2). A payment goes to collection costs first, then to interest, then to
//! the principal (art. 6:44 BW), and reduces the principal from the day after it is booked.
//! Amounts are carried in units of 10⁻²⁰ cent and rounded half up to the cent only at the end.

use chrono::{Days, NaiveDate};
use pactum_domain::{Money, calendar::add_months_clamped};

use super::percent::Percent;

/// One cent in the engine's units.
const UNIT: i128 = 100_000_000_000_000_000_000;
/// Daily interest is principal × hundredths-of-a-percent / (365 days × 100 % × 100).
const DAILY_DIVISOR: i128 = 365 * 100 * 100;

/// A statutory rate, in force from `valid_from` until the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatutoryRate {
    pub valid_from: NaiveDate,
    pub percent: Percent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payment {
    pub booked_on: NaiveDate,
    pub amount: Money,
}

/// Interest accrued at one rate, for the breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatePeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub percent: Percent,
    pub days: i64,
    pub interest: Money,
}

/// What is owed on `as_of`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmountDue {
    pub principal: Money,
    pub interest: Money,
    pub collection_costs: Money,
    pub total: Money,
    /// Paid beyond everything owed: a credit for the customer, never dropped.
    pub overpaid: Money,
    pub breakdown: Vec<RatePeriod>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InterestError {
    #[error("no statutory interest rate is known for {0}")]
    NoRate(NaiveDate),
}

fn units(m: Money) -> i128 {
    i128::from(m.cents()) * UNIT
}

/// Rounds half up (away from zero) to whole cents.
fn to_money(u: i128) -> Money {
    let cents = if u >= 0 { (u + UNIT / 2) / UNIT } else { (u - UNIT / 2) / UNIT };
    Money::from_cents(i64::try_from(cents).unwrap_or(if u >= 0 { i64::MAX } else { i64::MIN }))
}

/// The running account of one claim.
struct Claim {
    principal: i128,
    interest: i128,
    costs: i128,
    overpaid: i128,
}

impl Claim {
    /// Art. 6:44 BW: costs, then interest, then principal; the rest is overpaid.
    fn pay(&mut self, amount: Money) {
        let mut left = units(amount);
        for owed in [&mut self.costs, &mut self.interest, &mut self.principal] {
            let take = left.min((*owed).max(0));
            *owed -= take;
            left -= take;
        }
        self.overpaid += left;
    }
}

/// The amount due on `as_of` for a claim of `principal` due on `due_date`, with `costs` of
/// collection added, `payments` booked, and the statutory `rates` (any order).
pub fn amount_due(
    principal: Money,
    due_date: NaiveDate,
    costs: Money,
    payments: &[Payment],
    rates: &[StatutoryRate],
    as_of: NaiveDate,
) -> Result<AmountDue, InterestError> {
    let mut rates = rates.to_vec();
    rates.sort_by_key(|r| r.valid_from);
    let mut payments = payments.to_vec();
    payments.sort_by_key(|p| p.booked_on);
    let mut claim = Claim { principal: units(principal), interest: 0, costs: units(costs), overpaid: 0 };
    let mut next_payment = 0;
    let first_day = due_date.checked_add_days(Days::new(1)).unwrap_or(NaiveDate::MAX);
    // Payments up to the due date reduce the claim before any interest.
    while next_payment < payments.len() && payments[next_payment].booked_on < first_day {
        claim.pay(payments[next_payment].amount);
        next_payment += 1;
    }
    let mut breakdown: Vec<(NaiveDate, NaiveDate, Percent, i64, i128)> = Vec::new();
    let mut year = 0u32;
    let mut year_end = add_months_clamped(first_day, 12).and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX);
    let mut day = first_day;
    while day <= as_of {
        // A payment booked yesterday counts from today.
        while next_payment < payments.len() && payments[next_payment].booked_on < day {
            claim.pay(payments[next_payment].amount);
            next_payment += 1;
        }
        let rate = rate_on(&rates, day)?;
        let today = claim.principal.max(0) * i128::from(rate.hundredths()) / DAILY_DIVISOR;
        claim.interest += today;
        match breakdown.last_mut() {
            Some(last) if last.2 == rate => {
                last.1 = day;
                last.3 += 1;
                last.4 += today;
            }
            _ => breakdown.push((day, day, rate, 1, today)),
        }
        if day == year_end {
            // A full year of accrual: its unpaid interest joins the principal.
            claim.principal += claim.interest;
            claim.interest = 0;
            year += 1;
            year_end =
                add_months_clamped(first_day, 12 * (year + 1)).and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX);
        }
        day = day.succ_opt().unwrap_or(NaiveDate::MAX);
        if day == NaiveDate::MAX {
            break;
        }
    }
    for payment in &payments[next_payment..] {
        if payment.booked_on <= as_of {
            claim.pay(payment.amount);
        }
    }
    let principal = to_money(claim.principal.max(0));
    let interest = to_money(claim.interest.max(0));
    let collection_costs = to_money(claim.costs.max(0));
    let total = Money::from_cents(principal.cents() + interest.cents() + collection_costs.cents());
    Ok(AmountDue {
        principal,
        interest,
        collection_costs,
        total,
        overpaid: to_money(claim.overpaid),
        breakdown: breakdown
            .into_iter()
            .map(|(from, to, percent, days, interest)| RatePeriod {
                from,
                to,
                percent,
                days,
                interest: to_money(interest),
            })
            .collect(),
    })
}

/// The rate in force on `day`. A statutory rate is set for a half year (from 1 January or
/// 1 July); a day past the half year of the latest known rate has no rate yet, and interest is
/// never computed with a stale one.
fn rate_on(rates: &[StatutoryRate], day: NaiveDate) -> Result<Percent, InterestError> {
    let rate = rates.iter().rev().find(|r| r.valid_from <= day).ok_or(InterestError::NoRate(day))?;
    if day >= half_year_end(rate.valid_from) {
        return Err(InterestError::NoRate(day));
    }
    Ok(rate.percent)
}

/// The first day of the half year after the one `date` falls in.
fn half_year_end(date: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    let next = if date.month() <= 6 {
        NaiveDate::from_ymd_opt(date.year(), 7, 1)
    } else {
        NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
    };
    next.unwrap_or(NaiveDate::MAX)
}

/// The statutory commercial rates the terms list, from the official publications.
pub fn seeded_rates() -> Vec<StatutoryRate> {
    [
        ((2020, 1, 1), 800),
        ((2023, 1, 1), 1050),
        ((2023, 7, 1), 1200),
        ((2024, 1, 1), 1250),
        ((2024, 7, 1), 1225),
        ((2025, 1, 1), 1115),
        ((2025, 7, 1), 1015),
        ((2026, 1, 1), 1015),
    ]
    .into_iter()
    .filter_map(|((y, m, d), h)| {
        Some(StatutoryRate { valid_from: NaiveDate::from_ymd_opt(y, m, d)?, percent: Percent::from_hundredths(h) })
    })
    .collect()
}
