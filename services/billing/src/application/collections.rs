//! Payments, statutory interest and collection (art. 8.8; art. 6:44, 6:96, 6:119a BW).

use chrono::{Datelike, NaiveDate};
use pactum_domain::{Clock, Money};
use pactum_idempotency::{Once, Outcome};
use uuid::Uuid;

use super::{Claim, DunningCounts, ExportedBatch, ImportSummary, InvoiceStore, RecordedPayment};
use crate::domain::{
    BillingError, article,
    collection::collection_costs,
    interest::{AmountDue, InterestError, StatutoryRate, amount_due},
    invoice::{Invoice, Kind, Status},
    percent::Percent,
    sepa::{BankReport, Collection, Mandate},
};

/// What is owed on a claim on `as_of`. A credited invoice owes nothing; a credit note is no claim.
pub fn due_on(claim: &Claim, as_of: NaiveDate) -> Result<AmountDue, BillingError> {
    let invoice = &claim.invoice;
    if invoice.kind != Kind::Invoice {
        return Err(BillingError::invalid("invoice_id", "is a credit note, not a claim"));
    }
    let principal = if invoice.status == Status::Credited { Money::ZERO } else { invoice.total };
    amount_due(principal, invoice.due_date, claim.collection_costs, &claim.payments, &claim.rates, as_of).map_err(|e| {
        match e {
            InterestError::NoRate(day) => BillingError::refused(
                article::LATE_PAYMENT,
                "NO_STATUTORY_RATE",
                format!("no statutory commercial interest rate is known for {day}; set it first"),
            ),
        }
    })
}

#[derive(Debug)]
pub struct Collections<S> {
    store: S,
    /// Art. 8.5: what a failed direct debit costs the customer.
    failed_debit_fee: Money,
    clock: Clock,
}

impl<S: InvoiceStore> Collections<S> {
    pub fn new(store: S, failed_debit_fee: Money, clock: Clock) -> Self {
        Self { store, failed_debit_fee, clock }
    }

    /// Now, for the documents this service writes.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Art. 8.5: a mandate the customer has signed (never later than today).
    pub async fn register_mandate(
        &self,
        mandate: Mandate,
        once: Option<Once<Mandate>>,
    ) -> Result<Outcome<Mandate>, BillingError> {
        self.clock.up_to_today("signed_on", Some(mandate.signed_on))?;
        self.store.register_mandate(mandate, once).await
    }

    /// Revoked on `on` (today when left out; never later).
    pub async fn revoke_mandate(
        &self,
        mandate_id: &str,
        on: Option<NaiveDate>,
        once: Option<Once<Mandate>>,
    ) -> Result<Outcome<Mandate>, BillingError> {
        let on = self.clock.up_to_today("revoked_on", on)?;
        self.store.revoke_mandate(mandate_id, on, once).await
    }

    /// Reminders, defaults and cures up to `as_of` (today when left out; never later; art. 8.8,
    /// 8.9).
    pub async fn run_dunning(&self, as_of: Option<NaiveDate>) -> Result<DunningCounts, BillingError> {
        let as_of = self.clock.up_to_today("as_of", as_of)?;
        self.store.run_dunning(as_of).await
    }

    /// Art. 8.5: the batch of direct debits for `collection_date` (today or later), written by
    /// `render`.
    pub async fn export_direct_debits<R>(
        &self,
        collection_date: NaiveDate,
        render: R,
        once: Option<Once<ExportedBatch>>,
    ) -> Result<Outcome<ExportedBatch>, BillingError>
    where
        R: FnOnce(&str, &[Collection]) -> String + Send,
    {
        let today = self.clock.today();
        if collection_date < today {
            return Err(BillingError::invalid(
                "collection_date",
                format!("must not be before today ({today}): a bank collects on a day to come"),
            ));
        }
        self.store.export_direct_debits(collection_date, render, once).await
    }

    /// Art. 8.5: accepted collections pay their invoices; returns and rejects fail them, charge
    /// the failed-debit fee and leave the due date as it was. A report counts once.
    pub async fn import_bank_report(
        &self,
        report: BankReport,
        once: Option<Once<ImportSummary>>,
    ) -> Result<Outcome<ImportSummary>, BillingError> {
        self.store.import_report(report, self.failed_debit_fee, due_on, once).await
    }

    async fn claim(&self, id: Uuid) -> Result<Claim, BillingError> {
        self.store.claim(id).await?.ok_or_else(|| BillingError::NotFound { resource: "invoice", id: id.to_string() })
    }

    pub async fn set_statutory_rate(
        &self,
        valid_from: NaiveDate,
        percent: Percent,
        once: Option<Once<StatutoryRate>>,
    ) -> Result<Outcome<StatutoryRate>, BillingError> {
        if percent.hundredths() < 0 || percent > Percent::HUNDRED {
            return Err(BillingError::invalid("percent", "must be between 0 and 100"));
        }
        // The statutory commercial rate changes on 1 January and 1 July only (art. 6:120 BW).
        if !matches!((valid_from.month(), valid_from.day()), (1 | 7, 1)) {
            return Err(BillingError::invalid(
                "valid_from",
                "must be 1 January or 1 July: the statutory rate is set per half year",
            ));
        }
        self.store.set_statutory_rate(StatutoryRate { valid_from, percent }, once).await
    }

    /// Art. 8.8: interest from the day after the due date, without notice of default, up to
    /// `as_of` (today when left out; never later). Returns the day it was computed for.
    pub async fn amount_due(&self, id: Uuid, as_of: Option<NaiveDate>) -> Result<(NaiveDate, AmountDue), BillingError> {
        let as_of = self.clock.up_to_today("as_of", as_of)?;
        Ok((as_of, due_on(&self.claim(id).await?, as_of)?))
    }

    /// Art. 8.8: only a claim past due is handed over; the costs follow the BIK scale on the
    /// principal still open that day (today when left out; never later).
    pub async fn hand_over(
        &self,
        id: Uuid,
        on: Option<NaiveDate>,
        once: Option<Once<(Invoice, Money)>>,
    ) -> Result<Outcome<(Invoice, Money)>, BillingError> {
        let on = self.clock.up_to_today("date", on)?;
        let collect = |claim: &Claim| {
            let invoice = &claim.invoice;
            if let Some(earlier) = claim.handed_over_on {
                return Err(BillingError::refused(
                    article::LATE_PAYMENT,
                    "ALREADY_HANDED_OVER",
                    format!("the claim was handed over on {earlier}"),
                ));
            }
            if matches!(invoice.status, Status::Paid | Status::Credited) || invoice.kind != Kind::Invoice {
                return Err(BillingError::refused(
                    article::LATE_PAYMENT,
                    "NOTHING_TO_COLLECT",
                    format!("the invoice is {}", invoice.status),
                ));
            }
            if on <= invoice.due_date {
                return Err(BillingError::refused(
                    article::LATE_PAYMENT,
                    "NOT_PAST_DUE",
                    format!("the invoice is due on {}; it can be handed over from the day after", invoice.due_date),
                ));
            }
            let open = due_on(claim, on)?.principal;
            if open.cents() == 0 {
                return Err(BillingError::refused(
                    article::LATE_PAYMENT,
                    "NOTHING_TO_COLLECT",
                    "the principal is paid",
                ));
            }
            Ok(collection_costs(open))
        };
        self.store.hand_over(id, on, collect, once).await
    }

    /// A payment (art. 6:44 BW order). Paid in full, the invoice is PAID;
    /// paid beyond, the rest is the customer's credit. Its value date `paid_on` (today when
    /// left out) is never later than today, nor before the invoice was issued.
    pub async fn record_payment(
        &self,
        invoice_id: Uuid,
        amount: Money,
        paid_on: Option<NaiveDate>,
        reference: String,
        once: Option<Once<(RecordedPayment, Invoice, AmountDue)>>,
    ) -> Result<Outcome<(RecordedPayment, Invoice, AmountDue)>, BillingError> {
        if amount.cents() <= 0 {
            return Err(BillingError::invalid("amount", "must be more than 0"));
        }
        let paid_on = self.clock.up_to_today("paid_on", paid_on)?;
        let payment =
            RecordedPayment { id: Uuid::now_v7(), invoice_id, amount, paid_on, reference: reference.trim().to_owned() };
        let due = move |claim: &Claim| {
            if paid_on < claim.invoice.issue_date {
                return Err(BillingError::invalid(
                    "paid_on",
                    format!("must not be before the invoice date {}", claim.invoice.issue_date),
                ));
            }
            due_on(claim, paid_on)
        };
        self.store.record_payment(payment, due, once).await
    }
}
