//! Art. 8.4: tariffs may rise once a year by indexation; besides that, fees may change twice a
//! year at most; each with at least one month's notice.

use chrono::{Datelike, NaiveDate};
use pactum_domain::calendar::add_months_clamped;
use uuid::Uuid;

use super::{BillingError, article, percent::Percent};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceChangeKind {
    Indexation,
    Change,
}

impl PriceChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Indexation => "indexation",
            Self::Change => "change",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Indexation, Self::Change].into_iter().find(|k| k.as_str() == s)
    }

    /// How many of this kind a calendar year allows.
    pub fn per_year(self) -> usize {
        match self {
            Self::Indexation => 1,
            Self::Change => 2,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceChange {
    pub id: Uuid,
    pub kind: PriceChangeKind,
    pub announced_on: NaiveDate,
    pub effective_date: NaiveDate,
    pub percent: Percent,
    pub reason: String,
}

impl PriceChange {
    /// Checks the change against art. 8.4 and the changes already announced.
    pub fn announce(
        kind: PriceChangeKind,
        announced_on: NaiveDate,
        effective_date: NaiveDate,
        percent: Percent,
        reason: &str,
        existing: &[PriceChange],
    ) -> Result<Self, BillingError> {
        if reason.trim().is_empty() {
            return Err(BillingError::invalid("reason", "is required: the announcement says why (art. 8.4)"));
        }
        if percent.hundredths() <= -10_000 {
            return Err(BillingError::invalid("percent", "must be more than -100"));
        }
        let earliest = add_months_clamped(announced_on, 1).unwrap_or(NaiveDate::MAX);
        if effective_date < earliest {
            return Err(BillingError::refused(
                article::PRICE_CHANGES,
                "PRICE_NOTICE_TOO_SHORT",
                format!(
                    "prices announced on {announced_on} can change on {earliest} at the earliest, not {effective_date}"
                ),
            ));
        }
        let year = effective_date.year();
        let same = existing.iter().filter(|c| c.kind == kind && c.effective_date.year() == year).count();
        if same >= kind.per_year() {
            return Err(BillingError::refused(
                article::PRICE_CHANGES,
                "TOO_MANY_PRICE_CHANGES",
                format!(
                    "{year} already has {same} {} price change(s); at most {} a year",
                    kind.as_str(),
                    kind.per_year()
                ),
            ));
        }
        Ok(Self { id: Uuid::now_v7(), kind, announced_on, effective_date, percent, reason: reason.trim().to_owned() })
    }
}
