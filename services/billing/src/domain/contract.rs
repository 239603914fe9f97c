//! Billing's view of an agreement, and which billing periods are due (art. 8.7).

use chrono::NaiveDate;
use pactum_domain::{
    ContractId, CustomerId, Money,
    calendar::{CivilPeriod, period_boundary},
};

use super::price_change::PriceChange;

// Shared with the contracts service; see `pactum_domain::billing_terms`.
pub use pactum_domain::{BillingPeriod, PaymentMethod};

/// A product on the agreement: a monthly price excluding VAT (art. 8.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractLine {
    pub product_code: String,
    pub quantity: u32,
    pub monthly_price: Money,
}

/// An agreement as billing knows it, from the contracts events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillableContract {
    pub id: ContractId,
    pub customer_id: CustomerId,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub billing_period: BillingPeriod,
    pub payment_method: Option<PaymentMethod>,
    pub lines: Vec<ContractLine>,
    /// The next billing period to invoice.
    pub next_period_index: u32,
}

/// How much of a month-based fee a period carries: whole months, plus days of a month that is
/// only partly in it (only the last period of an ending contract has those).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Charge {
    pub months: u32,
    /// Days of the partial month, and how many days that month-long period has.
    pub days: Option<(i64, i64)>,
}

impl Charge {
    /// The fee for one unit at `monthly`: whole months exactly, a partial month pro rata to its
    /// days, rounded half up once.
    pub fn of(&self, monthly: Money) -> Result<Money, pactum_domain::MoneyError> {
        let whole = monthly.checked_mul(i64::from(self.months))?;
        match self.days {
            Some((days, of)) => whole.checked_add(monthly.mul_ratio(days, of)?),
            None => Ok(whole),
        }
    }
}

/// A billing period that is due, with its position and its charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuePeriod {
    pub index: u32,
    pub period: CivilPeriod,
    pub charge: Charge,
}

/// The most billing periods one run invoices for a contract (ten years of monthly periods), so
/// that no date makes a run allocate or loop without bound.
pub const MAX_PERIODS_PER_RUN: usize = 120;

impl BillableContract {
    /// The charge of billing period `index` cut short at `last`: the whole months it still has,
    /// counted on the contract's own month boundaries (from the start date), and the days of the
    /// month it has only partly.
    fn cut_charge(&self, index: u32, last: NaiveDate) -> Charge {
        let base = index * self.billing_period.months();
        let boundary = |m: u32| period_boundary(self.start_date, base + m).unwrap_or(NaiveDate::MAX);
        let mut months = 0;
        while months < self.billing_period.months() && boundary(months + 1).pred_opt().is_some_and(|end| end <= last) {
            months += 1;
        }
        let rest = boundary(months);
        if rest > last {
            return Charge { months, days: None };
        }
        let days = (last - rest).num_days() + 1;
        let of = (boundary(months + 1) - rest).num_days();
        Charge { months, days: Some((days, of)) }
    }

    /// Art. 8.7: fees are due in advance, so every billing period that starts on or before
    /// `as_of` and was not invoiced is due. Periods follow the month rule from the start date
    /// (1, 3 or 12 months) and never run past the end date: the last one is cut there and
    /// charged for the months it has, and by days for what is shorter than a month.
    /// At most [`MAX_PERIODS_PER_RUN`] at a time: a contract further behind is billed by the
    /// runs that follow.
    pub fn due_periods(&self, as_of: NaiveDate) -> Vec<DuePeriod> {
        let months = self.billing_period.months();
        let mut due = Vec::new();
        let mut index = self.next_period_index;
        while due.len() < MAX_PERIODS_PER_RUN
            && let Some(full) = CivilPeriod::nth(self.start_date, months, index)
        {
            if full.first() > as_of || self.end_date.is_some_and(|end| full.first() > end) {
                break;
            }
            let last = self.end_date.map_or(full.last(), |end| end.min(full.last()));
            let Some(period) = CivilPeriod::new(full.first(), last) else { break };
            let charge = if last == full.last() { Charge { months, days: None } } else { self.cut_charge(index, last) };
            due.push(DuePeriod { index, period, charge });
            index += 1;
        }
        due
    }
}

/// The monthly price in force for a period starting on `period_start` (art. 8.4): every change
/// effective on or before that day applies, oldest first, each rounded half up to the cent.
pub fn price_for(
    monthly: Money,
    period_start: NaiveDate,
    changes: &[PriceChange],
) -> Result<Money, pactum_domain::MoneyError> {
    let mut applicable: Vec<&PriceChange> = changes.iter().filter(|c| c.effective_date <= period_start).collect();
    applicable.sort_by_key(|c| (c.effective_date, c.announced_on));
    applicable.iter().try_fold(monthly, |price, change| price.mul_ratio(10_000 + change.percent.hundredths(), 10_000))
}
