//! Use cases of the billing service, written against the [`InvoiceStore`] port.

use std::future::Future;

use chrono::NaiveDate;
use pactum_domain::{ContractId, CustomerId, Money};
use pactum_idempotency::{Once, Outcome};
use uuid::Uuid;

use crate::domain::{
    BillingError,
    interest::{AmountDue, StatutoryRate},
    invoice::{Draft, Invoice, Status},
    price_change::PriceChange,
    sepa::{BankReport, Collection, Mandate},
};

/// What one billing batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BillingBatch {
    pub contracts: u64,
    pub invoices: u64,
    pub last: Option<ContractId>,
}

/// What a change to an invoice was, for its event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceChange {
    Disputed,
    DisputeResolved,
}

/// Where invoices live. Every method that writes stores its events and the answer to its
/// request id ([`Once`]) in the same transaction, and takes invoice numbers in it (so a rollback
/// leaves no gap); a retry of a request that succeeded gets [`Outcome::Replayed`].
pub trait InvoiceStore: Send + Sync + 'static {
    /// Invoices the periods due by `as_of` of at most `limit` contracts that need it, dated
    /// `issued_on`, in id order after `after` (so a run never rescans what it already passed);
    /// returns how many contracts it handled, how many invoices it issued, and the last
    /// contract id it saw.
    fn bill_batch(
        &self,
        as_of: NaiveDate,
        issued_on: NaiveDate,
        after: Option<ContractId>,
        limit: u32,
    ) -> impl Future<Output = Result<BillingBatch, BillingError>> + Send;

    /// Issues `draft` (extra work).
    fn issue(
        &self,
        draft: Draft,
        once: Option<Once<Invoice>>,
    ) -> impl Future<Output = Result<Outcome<Invoice>, BillingError>> + Send;

    /// Changes an invoice under a row lock; a credit note the change asks for is issued with it.
    fn update<F>(
        &self,
        id: Uuid,
        change: InvoiceChange,
        f: F,
        once: Option<Once<(Invoice, Option<Invoice>)>>,
    ) -> impl Future<Output = Result<Outcome<(Invoice, Option<Invoice>)>, BillingError>> + Send
    where
        F: FnOnce(&mut Invoice) -> Result<Option<Draft>, BillingError> + Send;

    /// Issues the credit notes `f` decides for the contract's invoices, each given with what
    /// was credited on it before.
    fn credit<F>(
        &self,
        contract_id: ContractId,
        f: F,
        once: Option<Once<Vec<Invoice>>>,
    ) -> impl Future<Output = Result<Outcome<Vec<Invoice>>, BillingError>> + Send
    where
        F: FnMut(&Invoice, Money) -> Result<Option<Draft>, BillingError> + Send;

    /// Adds a price change that `f` makes from the ones announced before, serialized with
    /// other announcements.
    fn announce_price_change<F>(
        &self,
        f: F,
        once: Option<Once<PriceChange>>,
    ) -> impl Future<Output = Result<Outcome<PriceChange>, BillingError>> + Send
    where
        F: FnOnce(&[PriceChange]) -> Result<PriceChange, BillingError> + Send;

    fn get(&self, id: Uuid) -> impl Future<Output = Result<Option<Invoice>, BillingError>> + Send;

    fn list(
        &self,
        customer_id: Option<CustomerId>,
        status: Option<Status>,
        after: Option<Uuid>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Invoice>, BillingError>> + Send;

    /// Subtotals invoiced minus credited for the contract, issued from `from` to `to`.
    fn net_fees(
        &self,
        contract_id: ContractId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Future<Output = Result<Money, BillingError>> + Send;

    /// The customer as billing knows it, for documents it issues without a contract.
    fn buyer(
        &self,
        customer_id: CustomerId,
    ) -> impl Future<Output = Result<Option<crate::domain::invoice::Buyer>, BillingError>> + Send;

    fn contract_exists(&self, contract_id: ContractId) -> impl Future<Output = Result<bool, BillingError>> + Send;

    /// Sets the statutory rate in force from its date (replacing one for the same date).
    fn set_statutory_rate(
        &self,
        rate: StatutoryRate,
        once: Option<Once<StatutoryRate>>,
    ) -> impl Future<Output = Result<Outcome<StatutoryRate>, BillingError>> + Send;

    fn claim(&self, invoice_id: Uuid) -> impl Future<Output = Result<Option<Claim>, BillingError>> + Send;

    /// Hands the claim over for collection with the costs `f` sets, under a row lock, with the
    /// `invoice.handed_over` event.
    fn hand_over<F>(
        &self,
        invoice_id: Uuid,
        on: NaiveDate,
        f: F,
        once: Option<Once<(Invoice, Money)>>,
    ) -> impl Future<Output = Result<Outcome<(Invoice, Money)>, BillingError>> + Send
    where
        F: FnOnce(&Claim) -> Result<Money, BillingError> + Send;

    /// Stores a mandate; registering the same mandate again returns it (see
    /// [`Mandate::registered_again`]). A customer has one active mandate at a time.
    fn register_mandate(
        &self,
        mandate: Mandate,
        once: Option<Once<Mandate>>,
    ) -> impl Future<Output = Result<Outcome<Mandate>, BillingError>> + Send;

    fn revoke_mandate(
        &self,
        mandate_id: &str,
        on: NaiveDate,
        once: Option<Once<Mandate>>,
    ) -> impl Future<Output = Result<Outcome<Mandate>, BillingError>> + Send;

    /// Collects every open direct-debit invoice pre-notified in time whose customer has a valid
    /// mandate (lapsing those unused for 36 months), records the batch `render` writes, and
    /// asks once for the mandates that are missing.
    fn export_direct_debits<R>(
        &self,
        collection_date: NaiveDate,
        render: R,
        once: Option<Once<ExportedBatch>>,
    ) -> impl Future<Output = Result<Outcome<ExportedBatch>, BillingError>> + Send
    where
        R: FnOnce(&str, &[Collection]) -> String + Send;

    /// Applies a bank report once: collections paid (through `due`), failures charged `fee`.
    fn import_report<F>(
        &self,
        report: BankReport,
        fee: Money,
        due: F,
        once: Option<Once<ImportSummary>>,
    ) -> impl Future<Output = Result<Outcome<ImportSummary>, BillingError>> + Send
    where
        F: Fn(&Claim, NaiveDate) -> Result<AmountDue, BillingError> + Send + Sync;

    /// Sends each due reminder once, puts customers 30 days past due in default once, and cures
    /// defaults with nothing past due left open.
    fn run_dunning(&self, as_of: NaiveDate) -> impl Future<Output = Result<DunningCounts, BillingError>> + Send;

    /// Records a payment under a row lock; `f` says what is due after it, which decides
    /// whether the invoice is paid and what was paid beyond it.
    fn record_payment<F>(
        &self,
        payment: RecordedPayment,
        f: F,
        once: Option<Once<(RecordedPayment, Invoice, AmountDue)>>,
    ) -> impl Future<Output = Result<Outcome<(RecordedPayment, Invoice, AmountDue)>, BillingError>> + Send
    where
        F: Fn(&Claim) -> Result<AmountDue, BillingError> + Send + Sync;
}

pub mod collections;
pub mod invoicing;

/// An invoice as a claim: what was paid on it, what collection added, and the statutory rates.
#[derive(Debug, Clone)]
pub struct Claim {
    pub invoice: Invoice,
    pub payments: Vec<crate::domain::interest::Payment>,
    pub collection_costs: Money,
    pub handed_over_on: Option<NaiveDate>,
    pub rates: Vec<StatutoryRate>,
}

/// A direct-debit batch as exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedBatch {
    pub batch_id: Option<Uuid>,
    pub message_id: String,
    pub collections: Vec<Collection>,
    pub document: String,
    pub without_mandate: Vec<Uuid>,
}

/// What a dunning run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DunningCounts {
    pub reminders: u64,
    pub defaults: u64,
    pub cured: u64,
}

/// What importing a bank report did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportSummary {
    pub duplicate: bool,
    pub collected: u64,
    pub failed: u64,
    pub unknown: u64,
}

/// A payment as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedPayment {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub amount: Money,
    pub paid_on: NaiveDate,
    pub reference: String,
}
