//! Invoicing: the runs, disputes, extra work, price changes, credits and the liability cap.

use chrono::{Months, NaiveDate};
use pactum_domain::{
    Clock, ContractId, CustomerId, Money,
    calendar::CivilPeriod,
    page::{Page, PageRequest},
};
use pactum_idempotency::{Once, Outcome};
use uuid::Uuid;

use super::{InvoiceChange, InvoiceStore};
use crate::domain::{
    BillingError, article,
    invoice::{self, Invoice, LIABILITY_MAXIMUM, Status},
    percent::Percent,
    price_change::{PriceChange, PriceChangeKind},
};

/// How many contracts one billing transaction handles.
pub const BILLING_BATCH: u32 = 500;

#[derive(Debug)]
pub struct Invoicing<S> {
    store: S,
    clock: Clock,
}

/// Art. 10.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiabilityCap {
    pub fees_last_12_months: Money,
    pub maximum: Money,
    pub cap: Money,
}

impl<S: InvoiceStore> Invoicing<S> {
    pub fn new(store: S, clock: Clock) -> Self {
        Self { store, clock }
    }

    /// Art. 8.7: every billing period due by `as_of` (today when left out; never later) of
    /// every running contract, batch by batch. A VAT invoice is dated the day it is issued:
    /// today.
    ///
    /// A contract another run holds is skipped here and billed by that run; one left behind by
    /// a run that failed is billed by the next run (runs are idempotent).
    pub async fn run_billing(&self, as_of: Option<NaiveDate>) -> Result<u64, BillingError> {
        let as_of = self.clock.up_to_today("as_of", as_of)?;
        let today = self.clock.today();
        let mut issued = 0;
        let mut after = None;
        loop {
            let batch = self.store.bill_batch(as_of, today, after, BILLING_BATCH).await?;
            issued += batch.invoices;
            if batch.contracts < u64::from(BILLING_BATCH) {
                return Ok(issued);
            }
            after = batch.last;
        }
    }

    pub async fn get(&self, id: Uuid) -> Result<Invoice, BillingError> {
        self.store.get(id).await?.ok_or_else(|| BillingError::NotFound { resource: "invoice", id: id.to_string() })
    }

    pub async fn list(
        &self,
        customer: Option<CustomerId>,
        status: Option<Status>,
        page: PageRequest<Uuid>,
    ) -> Result<Page<Invoice, Uuid>, BillingError> {
        let rows = self.store.list(customer, status, page.after, page.fetch()).await?;
        Ok(Page::from_rows(rows, &page, |i| i.id))
    }

    /// Art. 8.6: the dispute letter came in on `disputed_on` (today when left out; never later).
    pub async fn dispute(
        &self,
        id: Uuid,
        disputed_on: Option<NaiveDate>,
        reason: String,
        once: Option<Once<Invoice>>,
    ) -> Result<Outcome<Invoice>, BillingError> {
        let disputed_on = self.clock.up_to_today("disputed_on", disputed_on)?;
        let once = once.map(|o| o.adapt(|(invoice, _): &(Invoice, Option<Invoice>)| invoice.clone()));
        let dispute = |i: &mut Invoice| i.dispute(disputed_on, &reason).map(|()| None);
        Ok(self.store.update(id, InvoiceChange::Disputed, dispute, once).await?.map(|(invoice, _)| invoice))
    }

    pub async fn resolve_dispute(
        &self,
        id: Uuid,
        upheld: bool,
        once: Option<Once<(Invoice, Option<Invoice>)>>,
    ) -> Result<Outcome<(Invoice, Option<Invoice>)>, BillingError> {
        // Decided today: a credit note is dated the day it is issued.
        let resolved_on = self.clock.today();
        self.store.update(id, InvoiceChange::DisputeResolved, |i| i.resolve_dispute(upheld, resolved_on), once).await
    }

    /// Art. 8.10: ordered on `ordered_on` (today when left out; never later), invoiced today.
    pub async fn invoice_extra_work(
        &self,
        customer_id: CustomerId,
        description: &str,
        amount: Money,
        ordered_on: Option<NaiveDate>,
        once: Option<Once<Invoice>>,
    ) -> Result<Outcome<Invoice>, BillingError> {
        self.clock.up_to_today("ordered_on", ordered_on)?;
        let buyer = self
            .store
            .buyer(customer_id)
            .await?
            .ok_or_else(|| BillingError::NotFound { resource: "customer", id: customer_id.to_string() })?;
        let draft = invoice::extra_work(buyer, description, amount, self.clock.today())?;
        self.store.issue(draft, once).await
    }

    /// Art. 8.4: announced today (the notification service sends the announcement).
    pub async fn change_prices(
        &self,
        kind: PriceChangeKind,
        effective_date: NaiveDate,
        percent: Percent,
        reason: String,
        once: Option<Once<PriceChange>>,
    ) -> Result<Outcome<PriceChange>, BillingError> {
        let announced_on = self.clock.today();
        self.store
            .announce_price_change(
                |existing| PriceChange::announce(kind, announced_on, effective_date, percent, &reason, existing),
                once,
            )
            .await
    }

    /// Art. 8.7: the only remedy for reduced availability.
    pub async fn credit_reduced_availability(
        &self,
        contract_id: ContractId,
        affected: CivilPeriod,
        percent: Percent,
        reason: String,
        once: Option<Once<Vec<Invoice>>>,
    ) -> Result<Outcome<Vec<Invoice>>, BillingError> {
        // Availability that was reduced: the days have passed. The credit notes are dated today.
        self.clock.up_to_today("period_end", Some(affected.last()))?;
        let issue_date = self.clock.today();
        if percent.hundredths() <= 0 || percent > Percent::HUNDRED {
            return Err(BillingError::invalid("percent", "must be more than 0 and at most 100"));
        }
        if reason.trim().is_empty() {
            return Err(BillingError::invalid("reason", "is required: why availability was reduced"));
        }
        if !self.store.contract_exists(contract_id).await? {
            return Err(BillingError::NotFound { resource: "contract", id: contract_id.to_string() });
        }
        self.store
            .credit(
                contract_id,
                |invoice, credited| {
                    invoice::availability_credit(invoice, credited, affected, percent, issue_date, &reason)
                },
                once,
            )
            .await
    }

    /// Art. 10.1: the fees (excl. VAT, net of credit notes) invoiced in the 12 months before
    /// `as_of` (today when left out; never later), never more than EUR 100,000.
    pub async fn liability_cap(
        &self,
        contract_id: ContractId,
        as_of: Option<NaiveDate>,
    ) -> Result<LiabilityCap, BillingError> {
        let as_of = self.clock.up_to_today("as_of", as_of)?;
        if !self.store.contract_exists(contract_id).await? {
            return Err(BillingError::NotFound { resource: "contract", id: contract_id.to_string() });
        }
        let from = as_of.checked_sub_months(Months::new(12)).and_then(|d| d.succ_opt()).unwrap_or(NaiveDate::MIN);
        let fees = self.store.net_fees(contract_id, from, as_of).await?.max(Money::ZERO);
        Ok(LiabilityCap { fees_last_12_months: fees, maximum: LIABILITY_MAXIMUM, cap: fees.min(LIABILITY_MAXIMUM) })
    }
}

pub const LIABILITY_ARTICLE: &str = article::LIABILITY_CAP;
