//! Starting a trial (art. 3.9) and signing an agreement (art. 13.1, 8.5).

use chrono::{Days, NaiveDate};
use pactum_domain::{ContractId, CustomerId, Violations, calendar::CivilPeriod};

use super::{
    BillingPeriod, Change, Contract, ContractError, ContractLine, ContractStatus, Decision, PaymentMethod, article,
};

/// A product on a contract line, as the vendor codes it.
pub const PRODUCT_CODE: pactum_domain::text::TextRule = pactum_domain::text::TextRule::line(64);

/// The most units of a product one line may hold (with `Money::MAX_AMOUNT` and ten years of
/// months, a line's fees stay exact in 64 bits).
pub const MAX_QUANTITY: u32 = 1_000_000;

/// Art. 13.1: the term when none was agreed.
pub const DEFAULT_TERM_MONTHS: u32 = 12;
/// Art. 3.9: the vendor sets the trial period; this is ours when the request says 0.
pub const DEFAULT_TRIAL_DAYS: u32 = 30;
pub const MAX_TRIAL_DAYS: u32 = 366;
/// Art. 13.1: ten years at most, so that every date a term gives is one events can carry.
pub const MAX_TERM_MONTHS: u32 = pactum_domain::calendar::MAX_TERM_MONTHS;

/// A validated request for a trial.
#[derive(Debug, Clone)]
pub struct NewTrial {
    pub customer_id: CustomerId,
    pub start_date: NaiveDate,
    pub trial_days: u32,
}

impl NewTrial {
    pub fn parse(
        start_date: Option<NaiveDate>,
        trial_days: i32,
        violations: &mut Violations,
        customer_id: Option<CustomerId>,
    ) -> Option<Self> {
        let days = match u32::try_from(trial_days) {
            Ok(0) => Some(DEFAULT_TRIAL_DAYS),
            Ok(d) if d <= MAX_TRIAL_DAYS => Some(d),
            _ => {
                violations.add("trial_days", format!("must be 0 (meaning {DEFAULT_TRIAL_DAYS}) to {MAX_TRIAL_DAYS}"));
                None
            }
        };
        Some(Self { customer_id: customer_id?, start_date: start_date?, trial_days: days? })
    }

    /// The trial, TRIAL from `start_date` through `start_date + trial_days − 1`.
    pub fn start(self, id: ContractId) -> (Contract, Vec<Decision>) {
        let last =
            self.start_date.checked_add_days(Days::new(u64::from(self.trial_days) - 1)).unwrap_or(NaiveDate::MAX);
        let period = CivilPeriod::new(self.start_date, last).unwrap_or(CivilPeriod::day(self.start_date));
        let contract = Contract {
            id,
            customer_id: self.customer_id,
            status: ContractStatus::Trial,
            suspended: false,
            suspension_effective_date: None,
            suspension_announcement_sent_at: None,
            suspension_announcement_failure: None,
            access_blocked: false,
            access_block_pending: None,
            access_block_warning_sent_at: None,
            access_block_warning_failure: None,
            start_date: self.start_date,
            term_months: 0,
            term_index: 0,
            current_term: period,
            end_date: None,
            end_article: None,
            trial_end_date: Some(last),
            billing_period: None,
            payment_method: None,
            lines: Vec::new(),
            terms_version: None,
            force_majeure_since: None,
            version: 1,
        };
        let decision = Decision { change: Change::TrialStarted, article: article::TRIAL, contract: contract.clone() };
        (contract, vec![decision])
    }
}

/// A validated request for an agreement.
#[derive(Debug, Clone)]
pub struct NewContract {
    pub customer_id: CustomerId,
    pub start_date: NaiveDate,
    pub term_months: u32,
    pub billing_period: BillingPeriod,
    pub payment_method: PaymentMethod,
    pub lines: Vec<ContractLine>,
    pub terms_version: String,
}

/// A line as a caller sent it, before validation.
#[derive(Debug, Clone)]
pub struct RawLine {
    pub product_code: String,
    pub quantity: i32,
    pub unit_price: Result<pactum_domain::Money, String>,
}

impl NewContract {
    /// Checks the shape of the request; the rules of the terms come in [`NewContract::sign`].
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        customer_id: Option<CustomerId>,
        start_date: Option<NaiveDate>,
        term_months: i32,
        billing_period: Option<BillingPeriod>,
        payment_method: Option<PaymentMethod>,
        lines: Vec<RawLine>,
        terms_version: &str,
        violations: &mut Violations,
    ) -> Option<Self> {
        let term_months = match u32::try_from(term_months) {
            Ok(0) => Some(DEFAULT_TERM_MONTHS),
            Ok(m) if m <= MAX_TERM_MONTHS => Some(m),
            _ => {
                violations.add(
                    "term_months",
                    format!("must be 0 (meaning {DEFAULT_TERM_MONTHS}, art. 13.1) to {MAX_TERM_MONTHS}"),
                );
                None
            }
        };
        if billing_period.is_none() {
            violations.add("billing_period", "is required: MONTHLY, QUARTERLY or YEARLY");
        }
        if payment_method.is_none() {
            violations.add("payment_method", "is required: DIRECT_DEBIT or BANK_TRANSFER");
        }
        if lines.is_empty() {
            violations.add("lines", "at least one line is required");
        }
        let mut parsed = Vec::with_capacity(lines.len());
        for (i, line) in lines.into_iter().enumerate() {
            let code = PRODUCT_CODE.check(&line.product_code).unwrap_or_default();
            if code.is_empty() {
                violations.add(
                    format!("lines[{i}].product_code"),
                    "is required: at most 64 characters, no control characters",
                );
            }
            let quantity = u32::try_from(line.quantity).ok().filter(|q| (1..=MAX_QUANTITY).contains(q));
            if quantity.is_none() {
                violations.add(format!("lines[{i}].quantity"), format!("must be 1 to {MAX_QUANTITY}"));
            }
            let price = match line.unit_price {
                Ok(p) if !p.is_negative() => Some(p),
                Ok(_) => {
                    violations.add(format!("lines[{i}].unit_price"), "must not be negative");
                    None
                }
                Err(e) => {
                    violations.add(format!("lines[{i}].unit_price"), e);
                    None
                }
            };
            if let (Some(quantity), Some(unit_price)) = (quantity, price) {
                parsed.push(ContractLine { product_code: code, quantity, unit_price });
            }
        }
        let version = crate::domain::terms::parse_version("terms_version", terms_version, violations);
        if !violations.is_empty() {
            return None;
        }
        Some(Self {
            customer_id: customer_id?,
            start_date: start_date?,
            term_months: term_months?,
            billing_period: billing_period?,
            payment_method: payment_method?,
            lines: parsed,
            terms_version: version?,
        })
    }

    /// The agreement, ACTIVE, in its initial term (art. 13.1). Art. 8.5: quarterly fees are
    /// paid by direct debit, so QUARTERLY with BANK_TRANSFER is refused.
    pub fn sign(
        self,
        id: ContractId,
        converted_trial: Option<ContractId>,
    ) -> Result<(Contract, Vec<Decision>), ContractError> {
        if self.billing_period == BillingPeriod::Quarterly && self.payment_method == PaymentMethod::BankTransfer {
            return Err(ContractError::refused(
                article::DIRECT_DEBIT,
                "QUARTERLY_NEEDS_DIRECT_DEBIT",
                "quarterly fees are paid by SEPA direct debit; bank transfer is possible for yearly fees only",
            ));
        }
        let term = CivilPeriod::nth(self.start_date, self.term_months, 0)
            .ok_or_else(|| ContractError::invalid("start_date", "is too far in the future"))?;
        let contract = Contract {
            id,
            customer_id: self.customer_id,
            status: ContractStatus::Active,
            suspended: false,
            suspension_effective_date: None,
            suspension_announcement_sent_at: None,
            suspension_announcement_failure: None,
            access_blocked: false,
            access_block_pending: None,
            access_block_warning_sent_at: None,
            access_block_warning_failure: None,
            start_date: self.start_date,
            term_months: self.term_months,
            term_index: 0,
            current_term: term,
            end_date: None,
            end_article: None,
            trial_end_date: None,
            billing_period: Some(self.billing_period),
            payment_method: Some(self.payment_method),
            lines: self.lines,
            terms_version: Some(self.terms_version),
            force_majeure_since: None,
            version: 1,
        };
        let decision = Decision {
            change: Change::Signed { converted_trial },
            article: article::TERM_AND_RENEWAL,
            contract: contract.clone(),
        };
        Ok((contract, vec![decision]))
    }
}
