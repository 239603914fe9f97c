//! Billing's tables in PostgreSQL (schema `billing`). Invoice numbers are taken from the
//! per-year sequence row in the transaction that stores the invoices, as one block: runs in
//! parallel queue on that row, so numbers are gapless and increase in commit order.

use chrono::NaiveDate;
use pactum_bus::Outbox;
use pactum_domain::{ContractId, CustomerId, Money, PostalAddress, calendar::CivilPeriod};
use pactum_idempotency::{ClaimError, Once, Outcome as Answer, finish};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::events;
use crate::{
    application::{
        BillingBatch, Claim, DunningCounts, ExportedBatch, ImportSummary, InvoiceChange, InvoiceStore, RecordedPayment,
    },
    domain::{
        BillingError, StorageError, article,
        contract::{BillableContract, BillingPeriod, ContractLine, PaymentMethod},
        dunning,
        interest::{AmountDue, Payment, StatutoryRate},
        invoice::{self, Buyer, Draft, Invoice, InvoiceLine, InvoiceNumber, Kind, Status},
        percent::Percent,
        price_change::{PriceChange, PriceChangeKind},
        sepa::{self, BankReport, Collection, Mandate, MandateStatus, Outcome, Scheme},
    },
};

#[derive(Debug, Clone)]
pub struct PgInvoices {
    pool: PgPool,
    outbox: Outbox,
}

impl PgInvoices {
    pub fn new(pool: PgPool, outbox: Outbox) -> Self {
        Self { pool, outbox }
    }
}

impl From<ClaimError> for BillingError {
    fn from(error: ClaimError) -> Self {
        match error {
            ClaimError::Reused(reused) => Self::Reused(reused),
            ClaimError::Storage(error) => failed(error),
        }
    }
}

fn failed(error: sqlx::Error) -> BillingError {
    BillingError::Storage(StorageError::new(error))
}

fn corrupt(what: String) -> BillingError {
    BillingError::Storage(StorageError::new(std::io::Error::other(format!("stored data is invalid: {what}"))))
}

struct InvoiceRow {
    invoice_id: Uuid,
    invoice_number: String,
    kind: String,
    customer_id: Uuid,
    contract_id: Option<Uuid>,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    dispute_deadline: NaiveDate,
    period_start: Option<NaiveDate>,
    period_end: Option<NaiveDate>,
    line_descriptions: Vec<String>,
    line_quantities: Vec<i64>,
    line_unit_prices: Vec<i64>,
    line_amounts: Vec<i64>,
    subtotal_cents: i64,
    vat_rate_percent: i32,
    vat_cents: i64,
    total_cents: i64,
    status: String,
    payment_method: Option<String>,
    amount_paid_cents: i64,
    credited_invoice_id: Option<Uuid>,
    customer_name: String,
    customer_kvk_number: String,
    customer_street: Option<String>,
    customer_postal_code: Option<String>,
    customer_city: Option<String>,
    customer_country_code: Option<String>,
    article: String,
    disputed_on: Option<NaiveDate>,
    dispute_reason: Option<String>,
}

impl TryFrom<InvoiceRow> for Invoice {
    type Error = BillingError;

    fn try_from(r: InvoiceRow) -> Result<Self, BillingError> {
        let id = r.invoice_id;
        let bad = |what: &str| corrupt(format!("invoice {id} has an invalid {what}"));
        let lines = r
            .line_descriptions
            .into_iter()
            .zip(r.line_quantities)
            .zip(r.line_unit_prices.into_iter().zip(r.line_amounts))
            .map(|((description, quantity), (unit, amount))| InvoiceLine {
                description,
                quantity,
                unit_price: Money::from_cents(unit),
                amount: Money::from_cents(amount),
            })
            .collect();
        let period = match (r.period_start, r.period_end) {
            (Some(first), Some(last)) => Some(CivilPeriod::new(first, last).ok_or_else(|| bad("period"))?),
            _ => None,
        };
        Ok(Invoice {
            id,
            number: InvoiceNumber::from_stored(r.invoice_number),
            kind: Kind::parse(&r.kind).ok_or_else(|| bad("kind"))?,
            buyer: Buyer {
                customer_id: CustomerId::from_uuid(r.customer_id),
                name: r.customer_name,
                kvk_number: r.customer_kvk_number,
                address: address(r.customer_street, r.customer_postal_code, r.customer_city, r.customer_country_code),
            },
            contract_id: r.contract_id.map(ContractId::from_uuid),
            issue_date: r.issue_date,
            due_date: r.due_date,
            dispute_deadline: r.dispute_deadline,
            period,
            lines,
            subtotal: Money::from_cents(r.subtotal_cents),
            vat_percent: i64::from(r.vat_rate_percent),
            vat: Money::from_cents(r.vat_cents),
            total: Money::from_cents(r.total_cents),
            status: Status::parse(&r.status).ok_or_else(|| bad("status"))?,
            payment_method: r
                .payment_method
                .as_deref()
                .map(|m| PaymentMethod::parse(m).ok_or_else(|| bad("payment_method")))
                .transpose()?,
            amount_paid: Money::from_cents(r.amount_paid_cents),
            credited_invoice_id: r.credited_invoice_id,
            article: article::parse(&r.article).ok_or_else(|| bad("article"))?,
            disputed_on: r.disputed_on,
            dispute_reason: r.dispute_reason,
        })
    }
}

struct MandateRow {
    mandate_id: String,
    customer_id: Uuid,
    iban: String,
    bic: Option<String>,
    debtor_name: String,
    signed_on: NaiveDate,
    scheme: String,
    status: String,
    first_collected_on: Option<NaiveDate>,
    last_collected_on: Option<NaiveDate>,
}

impl TryFrom<MandateRow> for Mandate {
    type Error = BillingError;

    fn try_from(r: MandateRow) -> Result<Self, BillingError> {
        let bad = |what: &str| corrupt(format!("mandate {} has an invalid {what}", r.mandate_id));
        Ok(Mandate {
            iban: pactum_domain::Iban::parse(&r.iban).map_err(|_| bad("iban"))?,
            scheme: Scheme::parse(&r.scheme).ok_or_else(|| bad("scheme"))?,
            status: MandateStatus::parse(&r.status).ok_or_else(|| bad("status"))?,
            customer_id: CustomerId::from_uuid(r.customer_id),
            bic: r.bic,
            debtor_name: r.debtor_name,
            signed_on: r.signed_on,
            first_collected_on: r.first_collected_on,
            last_collected_on: r.last_collected_on,
            id: r.mandate_id,
        })
    }
}

async fn lock_mandate(tx: &mut PgConnection, id: &str) -> Result<Option<Mandate>, BillingError> {
    sqlx::query_as!(
        MandateRow,
        "SELECT mandate_id, customer_id, iban, bic, debtor_name, signed_on, scheme, status, first_collected_on, last_collected_on
         FROM billing.mandates WHERE mandate_id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(failed)?
    .map(Mandate::try_from)
    .transpose()
}

async fn active_mandate(tx: &mut PgConnection, customer_id: Uuid) -> Result<Option<Mandate>, BillingError> {
    sqlx::query_as!(
        MandateRow,
        "SELECT mandate_id, customer_id, iban, bic, debtor_name, signed_on, scheme, status, first_collected_on, last_collected_on
         FROM billing.mandates WHERE customer_id = $1 AND status = 'active' FOR UPDATE",
        customer_id
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(failed)?
    .map(Mandate::try_from)
    .transpose()
}

/// A stored address: whole, or none (a part missing or no longer valid reads as none).
fn address(
    street: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    country: Option<String>,
) -> Option<PostalAddress> {
    PostalAddress::parse(&street?, &postal_code?, &city?, &country?).ok()
}

/// Takes `count` numbers from `year`'s sequence; returns the first.
async fn take_numbers(tx: &mut PgConnection, year: i32, count: i64) -> Result<i64, BillingError> {
    sqlx::query!(
        "INSERT INTO billing.invoice_sequences (year, last_number) VALUES ($1, 0) ON CONFLICT (year) DO NOTHING",
        year
    )
    .execute(&mut *tx)
    .await
    .map_err(failed)?;
    let last = sqlx::query_scalar!(
        "UPDATE billing.invoice_sequences SET last_number = last_number + $2 WHERE year = $1 RETURNING last_number",
        year,
        i32::try_from(count).unwrap_or(i32::MAX),
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(failed)?;
    Ok(i64::from(last) - count + 1)
}

/// Stores `invoices` and their lines: two statements, whatever their number.
async fn insert_invoices(tx: &mut PgConnection, invoices: &[Invoice]) -> Result<(), sqlx::Error> {
    let ids: Vec<Uuid> = invoices.iter().map(|i| i.id).collect();
    let numbers: Vec<&str> = invoices.iter().map(|i| i.number.as_str()).collect();
    let kinds: Vec<&str> = invoices.iter().map(|i| i.kind.as_str()).collect();
    let customers: Vec<Uuid> = invoices.iter().map(|i| i.buyer.customer_id.as_uuid()).collect();
    let contracts: Vec<Option<Uuid>> = invoices.iter().map(|i| i.contract_id.map(|c| c.as_uuid())).collect();
    let issued: Vec<NaiveDate> = invoices.iter().map(|i| i.issue_date).collect();
    let due: Vec<NaiveDate> = invoices.iter().map(|i| i.due_date).collect();
    let deadlines: Vec<NaiveDate> = invoices.iter().map(|i| i.dispute_deadline).collect();
    let starts: Vec<Option<NaiveDate>> = invoices.iter().map(|i| i.period.map(|p| p.first())).collect();
    let ends: Vec<Option<NaiveDate>> = invoices.iter().map(|i| i.period.map(|p| p.last())).collect();
    let subtotals: Vec<i64> = invoices.iter().map(|i| i.subtotal.cents()).collect();
    let rates: Vec<i32> = invoices.iter().map(|i| i32::try_from(i.vat_percent).unwrap_or(0)).collect();
    let vats: Vec<i64> = invoices.iter().map(|i| i.vat.cents()).collect();
    let totals: Vec<i64> = invoices.iter().map(|i| i.total.cents()).collect();
    let statuses: Vec<&str> = invoices.iter().map(|i| i.status.as_str()).collect();
    let methods: Vec<Option<&str>> = invoices.iter().map(|i| i.payment_method.map(PaymentMethod::as_str)).collect();
    let paid: Vec<i64> = invoices.iter().map(|i| i.amount_paid.cents()).collect();
    let credited: Vec<Option<Uuid>> = invoices.iter().map(|i| i.credited_invoice_id).collect();
    let names: Vec<&str> = invoices.iter().map(|i| i.buyer.name.as_str()).collect();
    let kvks: Vec<&str> = invoices.iter().map(|i| i.buyer.kvk_number.as_str()).collect();
    let articles: Vec<&str> = invoices.iter().map(|i| i.article).collect();
    let addresses: Vec<Option<&PostalAddress>> = invoices.iter().map(|i| i.buyer.address.as_ref()).collect();
    let streets: Vec<Option<&str>> = addresses.iter().map(|a| a.map(PostalAddress::street)).collect();
    let postal_codes: Vec<Option<&str>> = addresses.iter().map(|a| a.map(PostalAddress::postal_code)).collect();
    let cities: Vec<Option<&str>> = addresses.iter().map(|a| a.map(PostalAddress::city)).collect();
    let countries: Vec<Option<&str>> = addresses.iter().map(|a| a.map(PostalAddress::country_code)).collect();
    sqlx::query!(
        r#"INSERT INTO billing.invoices (
               invoice_id, invoice_number, kind, customer_id, contract_id, issue_date, due_date, dispute_deadline,
               period_start, period_end, subtotal_cents, vat_rate_percent, vat_cents, total_cents, status, payment_method,
               amount_paid_cents, credited_invoice_id, customer_name, customer_kvk_number, article,
               customer_street, customer_postal_code, customer_city, customer_country_code)
           SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::date[], $7::date[], $8::date[],
                                $9::date[], $10::date[], $11::bigint[], $12::int[], $13::bigint[], $14::bigint[], $15::text[],
                                $16::text[], $17::bigint[], $18::uuid[], $19::text[], $20::text[], $21::text[],
                                $22::text[], $23::text[], $24::text[], $25::text[])"#,
        &ids,
        &numbers as &[&str],
        &kinds as &[&str],
        &customers,
        &contracts as &[Option<Uuid>],
        &issued,
        &due,
        &deadlines,
        &starts as &[Option<NaiveDate>],
        &ends as &[Option<NaiveDate>],
        &subtotals,
        &rates,
        &vats,
        &totals,
        &statuses as &[&str],
        &methods as &[Option<&str>],
        &paid,
        &credited as &[Option<Uuid>],
        &names as &[&str],
        &kvks as &[&str],
        &articles as &[&str],
        &streets as &[Option<&str>],
        &postal_codes as &[Option<&str>],
        &cities as &[Option<&str>],
        &countries as &[Option<&str>],
    )
    .execute(&mut *tx)
    .await?;

    let lines: Vec<(Uuid, i32, &InvoiceLine)> = invoices
        .iter()
        .flat_map(|i| i.lines.iter().enumerate().map(move |(n, l)| (i.id, i32::try_from(n + 1).unwrap_or(i32::MAX), l)))
        .collect();
    let line_invoices: Vec<Uuid> = lines.iter().map(|l| l.0).collect();
    let line_numbers: Vec<i32> = lines.iter().map(|l| l.1).collect();
    let descriptions: Vec<&str> = lines.iter().map(|l| l.2.description.as_str()).collect();
    let quantities: Vec<i64> = lines.iter().map(|l| l.2.quantity).collect();
    let units: Vec<i64> = lines.iter().map(|l| l.2.unit_price.cents()).collect();
    let amounts: Vec<i64> = lines.iter().map(|l| l.2.amount.cents()).collect();
    sqlx::query!(
        r#"INSERT INTO billing.invoice_lines (invoice_id, line_no, description, quantity, unit_price_cents, amount_cents)
           SELECT * FROM UNNEST($1::uuid[], $2::int[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[])"#,
        &line_invoices,
        &line_numbers,
        &descriptions as &[&str],
        &quantities,
        &units,
        &amounts,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

impl PgInvoices {
    /// Numbers, stores and announces `drafts` in the transaction `tx` belongs to.
    async fn issue_all(&self, tx: &mut PgConnection, drafts: Vec<Draft>) -> Result<Vec<Invoice>, BillingError> {
        let mut years: Vec<i32> = drafts.iter().map(Draft::year).collect();
        years.sort_unstable();
        years.dedup();
        let mut next = std::collections::HashMap::new();
        // Years in order, so two transactions never wait on each other's sequence rows.
        for year in years {
            let count = drafts.iter().filter(|d| d.year() == year).count();
            next.insert(year, take_numbers(tx, year, i64::try_from(count).unwrap_or(i64::MAX)).await?);
        }
        let mut issued = Vec::with_capacity(drafts.len());
        for draft in drafts {
            let year = draft.year();
            let number = next.get_mut(&year).ok_or_else(|| corrupt(format!("no numbers taken for {year}")))?;
            issued.push(draft.finalize(Uuid::now_v7(), InvoiceNumber::new(year, *number))?);
            *number += 1;
        }
        if issued.is_empty() {
            return Ok(issued);
        }
        insert_invoices(tx, &issued).await.map_err(failed)?;
        let outbox: Vec<_> = issued.iter().map(events::issued).collect();
        self.outbox.enqueue_many(tx, &outbox).await.map_err(failed)?;
        Ok(issued)
    }

    async fn price_changes(tx: &mut PgConnection) -> Result<Vec<PriceChange>, BillingError> {
        let rows = sqlx::query!(
            "SELECT price_change_id, kind, announced_on, effective_date, basis_points, reason FROM billing.price_changes ORDER BY effective_date, announced_on"
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(failed)?;
        rows.into_iter()
            .map(|r| {
                Ok(PriceChange {
                    id: r.price_change_id,
                    kind: PriceChangeKind::parse(&r.kind)
                        .ok_or_else(|| corrupt(format!("price change {} kind", r.price_change_id)))?,
                    announced_on: r.announced_on,
                    effective_date: r.effective_date,
                    percent: Percent::from_hundredths(i64::from(r.basis_points)),
                    reason: r.reason,
                })
            })
            .collect()
    }

    async fn lock_invoice(tx: &mut PgConnection, id: Uuid) -> Result<Option<Invoice>, BillingError> {
        let row = sqlx::query_as!(
            InvoiceRow,
            r#"SELECT invoice_id, invoice_number, kind, customer_id, contract_id, issue_date, due_date, dispute_deadline,
                      period_start, period_end,
                      ARRAY(SELECT description FROM billing.invoice_lines l WHERE l.invoice_id = i.invoice_id ORDER BY line_no) AS "line_descriptions!",
                      ARRAY(SELECT quantity FROM billing.invoice_lines l WHERE l.invoice_id = i.invoice_id ORDER BY line_no) AS "line_quantities!",
                      ARRAY(SELECT unit_price_cents FROM billing.invoice_lines l WHERE l.invoice_id = i.invoice_id ORDER BY line_no) AS "line_unit_prices!",
                      ARRAY(SELECT amount_cents FROM billing.invoice_lines l WHERE l.invoice_id = i.invoice_id ORDER BY line_no) AS "line_amounts!",
                      subtotal_cents, vat_rate_percent, vat_cents, total_cents, status, payment_method, amount_paid_cents,
                      credited_invoice_id, customer_name, customer_kvk_number, customer_street, customer_postal_code, customer_city,
                      customer_country_code, article, disputed_on, dispute_reason
               FROM billing.invoices i WHERE invoice_id = $1 FOR UPDATE"#,
            id,
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(failed)?;
        row.map(Invoice::try_from).transpose()
    }

    async fn list_where(
        &self,
        id: Option<Uuid>,
        customer: Option<CustomerId>,
        status: Option<Status>,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<Invoice>, BillingError> {
        let rows = sqlx::query_as!(
            InvoiceRow,
            r#"SELECT invoice_id, invoice_number, kind, customer_id, contract_id, issue_date, due_date, dispute_deadline,
                      period_start, period_end,
                      ARRAY(SELECT description FROM billing.invoice_lines l WHERE l.invoice_id = i.invoice_id ORDER BY line_no) AS "line_descriptions!",
                      ARRAY(SELECT quantity FROM billing.invoice_lines l WHERE l.invoice_id = i.invoice_id ORDER BY line_no) AS "line_quantities!",
                      ARRAY(SELECT unit_price_cents FROM billing.invoice_lines l WHERE l.invoice_id = i.invoice_id ORDER BY line_no) AS "line_unit_prices!",
                      ARRAY(SELECT amount_cents FROM billing.invoice_lines l WHERE l.invoice_id = i.invoice_id ORDER BY line_no) AS "line_amounts!",
                      subtotal_cents, vat_rate_percent, vat_cents, total_cents, status, payment_method, amount_paid_cents,
                      credited_invoice_id, customer_name, customer_kvk_number, customer_street, customer_postal_code, customer_city,
                      customer_country_code, article, disputed_on, dispute_reason
               FROM billing.invoices i
               WHERE ($1::uuid IS NULL OR invoice_id = $1)
                 AND ($2::uuid IS NULL OR customer_id = $2)
                 AND ($3::text IS NULL OR status = $3)
                 AND ($4::uuid IS NULL OR invoice_id > $4)
               ORDER BY invoice_id
               LIMIT $5"#,
            id,
            customer.map(|c| c.as_uuid()),
            status.map(Status::as_str),
            after,
            i64::from(limit),
        )
        .fetch_all(&self.pool)
        .await
        .map_err(failed)?;
        rows.into_iter().map(Invoice::try_from).collect()
    }
}

impl PgInvoices {
    /// Books `payment` on the locked `invoice` in `tx` (art. 6:44 BW through `due`): paid in
    /// full, the invoice is PAID; paid beyond, the rest goes to the customer's credit balance.
    async fn apply_payment<F>(
        &self,
        tx: &mut PgConnection,
        invoice: Invoice,
        payment: &RecordedPayment,
        due: &F,
    ) -> Result<(Invoice, AmountDue), BillingError>
    where
        F: Fn(&Claim) -> Result<AmountDue, BillingError> + Send + Sync,
    {
        let id = invoice.id;
        if invoice.kind != Kind::Invoice || invoice.status == Status::Credited {
            return Err(BillingError::refused(
                article::PAYMENT_ORDER,
                "NOT_PAYABLE",
                format!("the invoice is {}; nothing can be paid on it", invoice.status),
            ));
        }
        let before = due(&Self::claim_in(tx, invoice.clone()).await?)?;
        sqlx::query!(
            "INSERT INTO billing.payments (payment_id, invoice_id, amount_cents, paid_on, reference) VALUES ($1, $2, $3, $4, $5)",
            payment.id,
            id,
            payment.amount.cents(),
            payment.paid_on,
            payment.reference,
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
        let mut claim = Self::claim_in(tx, invoice).await?;
        let after = due(&claim)?;
        let invoice = &mut claim.invoice;
        invoice.amount_paid = invoice
            .amount_paid
            .checked_add(payment.amount)
            .map_err(|e| BillingError::invalid("amount", e.to_string()))?;
        let paid_now = after.total.cents() == 0 && invoice.status != Status::Paid;
        if paid_now {
            invoice.status = Status::Paid;
        }
        sqlx::query!(
            "UPDATE billing.invoices SET amount_paid_cents = $2, status = $3 WHERE invoice_id = $1",
            id,
            invoice.amount_paid.cents(),
            invoice.status.as_str()
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
        let extra = after.overpaid.cents() - before.overpaid.cents();
        if extra > 0 {
            sqlx::query!(
                "INSERT INTO billing.credit_balances (customer_id, balance_cents) VALUES ($1, $2)
                 ON CONFLICT (customer_id) DO UPDATE SET balance_cents = billing.credit_balances.balance_cents + EXCLUDED.balance_cents",
                invoice.buyer.customer_id.as_uuid(),
                extra,
            )
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        }
        let mut outbox = vec![events::payment_recorded(payment, invoice, &after)];
        if paid_now {
            outbox.push(events::paid(invoice));
        }
        self.outbox.enqueue_many(tx, &outbox).await.map_err(failed)?;
        Ok((claim.invoice, after))
    }

    /// The claim on a locked (or read) invoice, in the same transaction.
    async fn claim_in(tx: &mut PgConnection, invoice: Invoice) -> Result<Claim, BillingError> {
        let payments = sqlx::query!(
            "SELECT paid_on, amount_cents FROM billing.payments WHERE invoice_id = $1 ORDER BY paid_on, created_at",
            invoice.id
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(failed)?
        .into_iter()
        .map(|p| Payment { booked_on: p.paid_on, amount: Money::from_cents(p.amount_cents) })
        .collect();
        let collection = sqlx::query!(
            "SELECT handed_over_on, costs_cents FROM billing.collections WHERE invoice_id = $1",
            invoice.id
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(failed)?;
        let rates = sqlx::query!("SELECT valid_from, basis_points FROM billing.statutory_rates ORDER BY valid_from")
            .fetch_all(&mut *tx)
            .await
            .map_err(failed)?
            .into_iter()
            .map(|r| StatutoryRate {
                valid_from: r.valid_from,
                percent: Percent::from_hundredths(i64::from(r.basis_points)),
            })
            .collect();
        Ok(Claim {
            payments,
            collection_costs: collection.as_ref().map_or(Money::ZERO, |c| Money::from_cents(c.costs_cents)),
            handed_over_on: collection.map(|c| c.handed_over_on),
            rates,
            invoice,
        })
    }
}

impl InvoiceStore for PgInvoices {
    #[tracing::instrument(skip_all, fields(valid_from = %rate.valid_from))]
    async fn set_statutory_rate(
        &self,
        rate: StatutoryRate,
        once: Option<Once<StatutoryRate>>,
    ) -> Result<Answer<StatutoryRate>, BillingError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        sqlx::query!(
            "INSERT INTO billing.statutory_rates (valid_from, basis_points) VALUES ($1, $2)
             ON CONFLICT (valid_from) DO UPDATE SET basis_points = EXCLUDED.basis_points",
            rate.valid_from,
            i32::try_from(rate.percent.hundredths()).unwrap_or(i32::MAX),
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
        finish(tx, once, rate).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(invoice.id = %invoice_id))]
    async fn claim(&self, invoice_id: Uuid) -> Result<Option<Claim>, BillingError> {
        let Some(invoice) = self.list_where(Some(invoice_id), None, None, None, 1).await?.pop() else {
            return Ok(None);
        };
        // One connection at a time: acquired after the read above has given its own back.
        let mut conn = self.pool.acquire().await.map_err(failed)?;
        Ok(Some(Self::claim_in(&mut conn, invoice).await?))
    }

    #[tracing::instrument(skip_all, fields(invoice.id = %invoice_id))]
    async fn hand_over<F>(
        &self,
        invoice_id: Uuid,
        on: NaiveDate,
        f: F,
        once: Option<Once<(Invoice, Money)>>,
    ) -> Result<Answer<(Invoice, Money)>, BillingError>
    where
        F: FnOnce(&Claim) -> Result<Money, BillingError> + Send,
    {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        let invoice = Self::lock_invoice(&mut tx, invoice_id)
            .await?
            .ok_or_else(|| BillingError::NotFound { resource: "invoice", id: invoice_id.to_string() })?;
        let claim = Self::claim_in(&mut tx, invoice).await?;
        let costs = f(&claim)?;
        sqlx::query!(
            "INSERT INTO billing.collections (invoice_id, handed_over_on, costs_cents) VALUES ($1, $2, $3)",
            invoice_id,
            on,
            costs.cents()
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
        self.outbox.enqueue(&mut tx, &events::handed_over(&claim.invoice, costs)).await.map_err(failed)?;
        finish(tx, once, (claim.invoice, costs)).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(invoice.id = %payment.invoice_id))]
    async fn record_payment<F>(
        &self,
        payment: RecordedPayment,
        f: F,
        once: Option<Once<(RecordedPayment, Invoice, AmountDue)>>,
    ) -> Result<Answer<(RecordedPayment, Invoice, AmountDue)>, BillingError>
    where
        F: Fn(&Claim) -> Result<AmountDue, BillingError> + Send + Sync,
    {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        let id = payment.invoice_id;
        let invoice = Self::lock_invoice(&mut tx, id)
            .await?
            .ok_or_else(|| BillingError::NotFound { resource: "invoice", id: id.to_string() })?;
        let (invoice, due) = self.apply_payment(&mut tx, invoice, &payment, &f).await?;
        finish(tx, once, (payment, invoice, due)).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(%as_of, %issued_on, limit))]
    async fn bill_batch(
        &self,
        as_of: NaiveDate,
        issued_on: NaiveDate,
        after: Option<ContractId>,
        limit: u32,
    ) -> Result<BillingBatch, BillingError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        let changes = Self::price_changes(&mut tx).await?;
        let rows = sqlx::query!(
            r#"SELECT c.contract_id, c.customer_id, c.start_date, c.end_date, c.billing_period AS "billing_period!", c.payment_method,
                      c.line_product_codes, c.line_quantities, c.line_unit_prices_cents, c.next_period_index,
                      cu.name, cu.kvk_number, cu.street, cu.postal_code, cu.city, cu.country_code
               FROM billing.contracts c JOIN billing.customers cu ON cu.customer_id = c.customer_id
               WHERE c.status IN ('active', 'notice_given')
                 AND c.next_period_start <= $1
                 AND (c.end_date IS NULL OR c.next_period_start <= c.end_date)
                 AND ($3::uuid IS NULL OR c.contract_id > $3)
               ORDER BY c.contract_id
               LIMIT $2
               FOR UPDATE OF c SKIP LOCKED"#,
            as_of,
            i64::from(limit),
            after.map(|a| a.as_uuid()),
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(failed)?;
        let contracts = rows.len() as u64;
        let mut drafts = Vec::new();
        let (mut ids, mut indexes, mut starts) = (Vec::new(), Vec::new(), Vec::new());
        for r in rows {
            let bad = |what: &str| corrupt(format!("contract {} has an invalid {what}", r.contract_id));
            let contract = BillableContract {
                id: ContractId::from_uuid(r.contract_id),
                customer_id: CustomerId::from_uuid(r.customer_id),
                start_date: r.start_date,
                end_date: r.end_date,
                billing_period: BillingPeriod::parse(&r.billing_period).ok_or_else(|| bad("billing_period"))?,
                payment_method: r.payment_method.as_deref().and_then(PaymentMethod::parse),
                lines: r
                    .line_product_codes
                    .iter()
                    .zip(&r.line_quantities)
                    .zip(&r.line_unit_prices_cents)
                    .map(|((code, qty), cents)| ContractLine {
                        product_code: code.clone(),
                        quantity: u32::try_from(*qty).unwrap_or(0),
                        monthly_price: Money::from_cents(*cents),
                    })
                    .collect(),
                next_period_index: u32::try_from(r.next_period_index).map_err(|_| bad("next_period_index"))?,
            };
            let buyer = Buyer {
                customer_id: contract.customer_id,
                name: r.name,
                kvk_number: r.kvk_number,
                address: address(r.street, r.postal_code, r.city, r.country_code),
            };
            let due = contract.due_periods(as_of);
            for period in &due {
                drafts.push(invoice::period_invoice(&contract, &buyer, period, issued_on, &changes)?);
            }
            let next_index = contract.next_period_index + u32::try_from(due.len()).unwrap_or(0);
            let next_start = CivilPeriod::nth(contract.start_date, contract.billing_period.months(), next_index)
                .map_or(NaiveDate::MAX, |p| p.first());
            ids.push(r.contract_id);
            indexes.push(i32::try_from(next_index).unwrap_or(i32::MAX));
            starts.push(next_start);
        }
        let issued = self.issue_all(&mut tx, drafts).await?.len() as u64;
        sqlx::query!(
            r#"UPDATE billing.contracts AS c SET next_period_index = u.idx, next_period_start = u.start
               FROM UNNEST($1::uuid[], $2::int[], $3::date[]) AS u(contract_id, idx, start)
               WHERE c.contract_id = u.contract_id"#,
            &ids,
            &indexes,
            &starts,
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(BillingBatch { contracts, invoices: issued, last: ids.last().copied().map(ContractId::from_uuid) })
    }

    #[tracing::instrument(skip_all, fields(customer.id = %draft.buyer.customer_id))]
    async fn issue(&self, draft: Draft, once: Option<Once<Invoice>>) -> Result<Answer<Invoice>, BillingError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        let issued =
            self.issue_all(&mut tx, vec![draft]).await?.pop().ok_or_else(|| corrupt("nothing issued".to_owned()))?;
        finish(tx, once, issued).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(invoice.id = %id))]
    async fn update<F>(
        &self,
        id: Uuid,
        change: InvoiceChange,
        f: F,
        once: Option<Once<(Invoice, Option<Invoice>)>>,
    ) -> Result<Answer<(Invoice, Option<Invoice>)>, BillingError>
    where
        F: FnOnce(&mut Invoice) -> Result<Option<Draft>, BillingError> + Send,
    {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        let mut invoice = Self::lock_invoice(&mut tx, id)
            .await?
            .ok_or_else(|| BillingError::NotFound { resource: "invoice", id: id.to_string() })?;
        let credit = f(&mut invoice)?;
        sqlx::query!(
            "UPDATE billing.invoices SET status = $2, disputed_on = $3, dispute_reason = $4 WHERE invoice_id = $1",
            id,
            invoice.status.as_str(),
            invoice.disputed_on,
            invoice.dispute_reason,
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
        self.outbox.enqueue(&mut tx, &events::changed(&invoice, change)).await.map_err(failed)?;
        let credit_note = match credit {
            Some(draft) => self.issue_all(&mut tx, vec![draft]).await?.pop(),
            None => None,
        };
        finish(tx, once, (invoice, credit_note)).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(contract.id = %contract_id))]
    async fn credit<F>(
        &self,
        contract_id: ContractId,
        mut f: F,
        once: Option<Once<Vec<Invoice>>>,
    ) -> Result<Answer<Vec<Invoice>>, BillingError>
    where
        F: FnMut(&Invoice, Money) -> Result<Option<Draft>, BillingError> + Send,
    {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        let ids = sqlx::query_scalar!(
            "SELECT invoice_id FROM billing.invoices WHERE contract_id = $1 AND kind = 'invoice' AND status <> 'credited' ORDER BY invoice_id FOR UPDATE",
            contract_id.as_uuid()
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(failed)?;
        let mut drafts = Vec::new();
        for id in ids {
            let Some(invoice) = Self::lock_invoice(&mut tx, id).await? else { continue };
            let credited = sqlx::query_scalar!(
                r#"SELECT COALESCE(SUM(subtotal_cents), 0)::bigint AS "sum!" FROM billing.invoices WHERE credited_invoice_id = $1"#,
                id
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(failed)?;
            if let Some(draft) = f(&invoice, Money::from_cents(credited))? {
                drafts.push(draft);
            }
        }
        let issued = self.issue_all(&mut tx, drafts).await?;
        finish(tx, once, issued).await.map_err(failed)
    }

    #[tracing::instrument(skip_all)]
    async fn announce_price_change<F>(
        &self,
        f: F,
        once: Option<Once<PriceChange>>,
    ) -> Result<Answer<PriceChange>, BillingError>
    where
        F: FnOnce(&[PriceChange]) -> Result<PriceChange, BillingError> + Send,
    {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        // One announcement at a time, so two cannot both pass the yearly limit.
        sqlx::query!("LOCK TABLE billing.price_changes IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        let existing = Self::price_changes(&mut tx).await?;
        let change = f(&existing)?;
        sqlx::query!(
            "INSERT INTO billing.price_changes (price_change_id, kind, announced_on, effective_date, basis_points, reason) VALUES ($1, $2, $3, $4, $5, $6)",
            change.id,
            change.kind.as_str(),
            change.announced_on,
            change.effective_date,
            i32::try_from(change.percent.hundredths()).unwrap_or(i32::MAX),
            change.reason,
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
        self.outbox.enqueue(&mut tx, &events::price_change_announced(&change)).await.map_err(failed)?;
        finish(tx, once, change).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(mandate.id = %mandate.id))]
    async fn register_mandate(
        &self,
        mandate: Mandate,
        once: Option<Once<Mandate>>,
    ) -> Result<Answer<Mandate>, BillingError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        if let Some(existing) = lock_mandate(&mut tx, &mandate.id).await? {
            existing.registered_again(&mandate)?;
            return finish(tx, once, existing).await.map_err(failed);
        }
        let known = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM billing.customers WHERE customer_id = $1) AS "exists!""#,
            mandate.customer_id.as_uuid()
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(failed)?;
        if !known {
            return Err(BillingError::NotFound { resource: "customer", id: mandate.customer_id.to_string() });
        }
        let inserted = sqlx::query!(
            "INSERT INTO billing.mandates (mandate_id, customer_id, iban, bic, debtor_name, signed_on, scheme, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'active')",
            mandate.id,
            mandate.customer_id.as_uuid(),
            mandate.iban.as_str(),
            mandate.bic,
            mandate.debtor_name,
            mandate.signed_on,
            mandate.scheme.as_str(),
        )
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(e)
                if e.as_database_error()
                    .is_some_and(|d| d.constraint() == Some("mandates_one_active_per_customer")) =>
            {
                return Err(BillingError::refused(
                    article::DIRECT_DEBIT,
                    "MANDATE_ACTIVE",
                    "the customer has an active mandate; revoke it first",
                ));
            }
            other => other.map_err(failed)?,
        };
        finish(tx, once, mandate).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(mandate.id = %mandate_id))]
    async fn revoke_mandate(
        &self,
        mandate_id: &str,
        on: NaiveDate,
        once: Option<Once<Mandate>>,
    ) -> Result<Answer<Mandate>, BillingError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        let mut mandate = lock_mandate(&mut tx, mandate_id)
            .await?
            .ok_or_else(|| BillingError::NotFound { resource: "mandate", id: mandate_id.to_owned() })?;
        if mandate.status != MandateStatus::Active {
            return Err(BillingError::refused(
                article::DIRECT_DEBIT,
                "MANDATE_NOT_ACTIVE",
                format!("the mandate is {}", mandate.status.as_str()),
            ));
        }
        mandate.status = MandateStatus::Revoked;
        sqlx::query!(
            "UPDATE billing.mandates SET status = 'revoked', ended_on = $2 WHERE mandate_id = $1",
            mandate_id,
            on
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
        finish(tx, once, mandate).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(%collection_date))]
    async fn export_direct_debits<R>(
        &self,
        collection_date: NaiveDate,
        render: R,
        once: Option<Once<ExportedBatch>>,
    ) -> Result<Answer<ExportedBatch>, BillingError>
    where
        R: FnOnce(&str, &[Collection]) -> String + Send,
    {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        // One export at a time: the same invoice never lands in two batches being made.
        sqlx::query!("SELECT pg_advisory_xact_lock(hashtextextended('billing.direct_debit_export', 0))")
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        let candidates = sqlx::query!(
            r#"SELECT i.invoice_id, i.invoice_number, i.customer_id, i.total_cents - i.amount_paid_cents AS "open!", i.issue_date
               FROM billing.invoices i
               WHERE i.kind = 'invoice' AND i.status = 'open' AND i.payment_method = 'direct_debit'
                 AND i.total_cents > i.amount_paid_cents
                 AND NOT EXISTS (SELECT 1 FROM billing.direct_debits d WHERE d.invoice_id = i.invoice_id AND d.status IN ('pending', 'collected'))
               ORDER BY i.invoice_number"#
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(failed)?;
        let mut mandates: std::collections::HashMap<Uuid, Option<Mandate>> = std::collections::HashMap::new();
        let mut collections = Vec::new();
        let mut without_mandate = Vec::new();
        for c in candidates {
            if !sepa::pre_notified(c.issue_date, collection_date) {
                continue;
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = mandates.entry(c.customer_id) {
                let mandate = active_mandate(&mut tx, c.customer_id).await?;
                let mandate = match mandate {
                    Some(m) if m.lapsed_on(collection_date) => {
                        sqlx::query!(
                            "UPDATE billing.mandates SET status = 'lapsed', ended_on = $2 WHERE mandate_id = $1",
                            m.id,
                            collection_date
                        )
                        .execute(&mut *tx)
                        .await
                        .map_err(failed)?;
                        None
                    }
                    other => other,
                };
                slot.insert(mandate);
            }
            match mandates.get(&c.customer_id).cloned().flatten() {
                Some(mandate) => collections.push(Collection {
                    invoice_id: c.invoice_id,
                    invoice_number: c.invoice_number,
                    amount: Money::from_cents(c.open),
                    sequence: mandate.sequence_type(),
                    mandate,
                }),
                None => without_mandate.push((c.invoice_id, c.customer_id)),
            }
        }
        let mut outbox = Vec::new();
        for (invoice_id, customer_id) in &without_mandate {
            let asked = sqlx::query!(
                "INSERT INTO billing.mandate_requests (invoice_id, requested_on) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                invoice_id,
                collection_date
            )
            .execute(&mut *tx)
            .await
            .map_err(failed)?
            .rows_affected();
            if asked == 1 {
                outbox.push(events::mandate_required(*invoice_id, *customer_id));
            }
        }
        // ISO 20022 identifiers are at most 35 characters: 31 here, and PmtInfId adds "-n".
        let message_id = format!("PCT{}", &Uuid::now_v7().simple().to_string()[..28]);
        let mut batch_id = None;
        let mut document = String::new();
        if !collections.is_empty() {
            document = render(&message_id, &collections);
            let id = Uuid::now_v7();
            batch_id = Some(id);
            sqlx::query!(
                "INSERT INTO billing.direct_debit_batches (batch_id, message_id, collection_date, document) VALUES ($1, $2, $3, $4)",
                id,
                message_id,
                collection_date,
                document
            )
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
            for c in &collections {
                sqlx::query!(
                    "INSERT INTO billing.direct_debits (batch_id, invoice_id, mandate_id, sequence_type, amount_cents, end_to_end_id, status)
                     VALUES ($1, $2, $3, $4, $5, $6, 'pending')",
                    id,
                    c.invoice_id,
                    c.mandate.id,
                    c.sequence.code(),
                    c.amount.cents(),
                    c.invoice_number,
                )
                .execute(&mut *tx)
                .await
                .map_err(failed)?;
                sqlx::query!(
                    "UPDATE billing.mandates SET first_collected_on = COALESCE(first_collected_on, $2), last_collected_on = $2 WHERE mandate_id = $1",
                    c.mandate.id,
                    collection_date
                )
                .execute(&mut *tx)
                .await
                .map_err(failed)?;
            }
        }
        let batch = ExportedBatch {
            batch_id,
            message_id,
            collections,
            document,
            without_mandate: without_mandate.iter().map(|w| w.0).collect(),
        };
        if batch.batch_id.is_some() {
            outbox.push(events::batch_exported(&batch, collection_date));
        }
        self.outbox.enqueue_many(&mut tx, &outbox).await.map_err(failed)?;
        finish(tx, once, batch).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(report.id = %report.message_id))]
    async fn import_report<F>(
        &self,
        report: BankReport,
        fee: Money,
        due: F,
        once: Option<Once<ImportSummary>>,
    ) -> Result<Answer<ImportSummary>, BillingError>
    where
        F: Fn(&Claim, NaiveDate) -> Result<AmountDue, BillingError> + Send + Sync,
    {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        let first_time = sqlx::query!(
            "INSERT INTO billing.bank_reports (message_id, kind) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            report.message_id,
            report.kind.as_str()
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?
        .rows_affected()
            == 1;
        if !first_time {
            return finish(tx, once, ImportSummary { duplicate: true, ..ImportSummary::default() })
                .await
                .map_err(failed);
        }
        let mut summary = ImportSummary::default();
        let mut outbox = Vec::new();
        // Expand whole rejected batches into their collections.
        let mut outcomes = Vec::new();
        for outcome in report.outcomes {
            match outcome {
                Outcome::BatchRejected { original_message_id, reason } => {
                    let ids = sqlx::query_scalar!(
                        "SELECT d.end_to_end_id FROM billing.direct_debits d JOIN billing.direct_debit_batches b USING (batch_id)
                         WHERE b.message_id = $1 AND d.status = 'pending'",
                        original_message_id
                    )
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(failed)?;
                    outcomes.extend(
                        ids.into_iter().map(|end_to_end_id| Outcome::Failed { end_to_end_id, reason: reason.clone() }),
                    );
                }
                other => outcomes.push(other),
            }
        }
        for outcome in outcomes {
            let (end_to_end_id, collected) = match &outcome {
                Outcome::Collected { end_to_end_id, .. } => (end_to_end_id, true),
                Outcome::Failed { end_to_end_id, .. } => (end_to_end_id, false),
                Outcome::BatchRejected { .. } => continue,
            };
            let debit = sqlx::query!(
                r#"SELECT d.batch_id, d.invoice_id, d.mandate_id, d.sequence_type, d.amount_cents, b.collection_date
                   FROM billing.direct_debits d JOIN billing.direct_debit_batches b USING (batch_id)
                   WHERE d.end_to_end_id = $1 AND d.status = 'pending'
                   FOR UPDATE OF d"#,
                end_to_end_id
            )
            .fetch_optional(&mut *tx)
            .await
            .map_err(failed)?;
            let Some(debit) = debit else {
                summary.unknown += 1;
                continue;
            };
            let invoice = Self::lock_invoice(&mut tx, debit.invoice_id)
                .await?
                .ok_or_else(|| corrupt(format!("invoice {} vanished", debit.invoice_id)))?;
            let amount = Money::from_cents(debit.amount_cents);
            if collected {
                let booked_on = match &outcome {
                    Outcome::Collected { booked_on: Some(d), .. } => *d,
                    _ => debit.collection_date,
                };
                sqlx::query!(
                    "UPDATE billing.direct_debits SET status = 'collected' WHERE batch_id = $1 AND invoice_id = $2",
                    debit.batch_id,
                    debit.invoice_id
                )
                .execute(&mut *tx)
                .await
                .map_err(failed)?;
                let payment = RecordedPayment {
                    id: Uuid::now_v7(),
                    invoice_id: debit.invoice_id,
                    amount,
                    paid_on: booked_on,
                    reference: format!("SEPA {end_to_end_id}"),
                };
                outbox.push(events::direct_debit(&invoice, &debit.mandate_id, &debit.sequence_type, amount, None));
                self.apply_payment(&mut tx, invoice, &payment, &|claim: &Claim| due(claim, booked_on)).await?;
                summary.collected += 1;
            } else {
                let reason = match &outcome {
                    Outcome::Failed { reason, .. } => reason.clone(),
                    _ => String::new(),
                };
                sqlx::query!(
                    "UPDATE billing.direct_debits SET status = 'failed', reason_code = $3 WHERE batch_id = $1 AND invoice_id = $2",
                    debit.batch_id,
                    debit.invoice_id,
                    reason
                )
                .execute(&mut *tx)
                .await
                .map_err(failed)?;
                if debit.sequence_type == "FRST" {
                    // The first collection did not happen: the next one is FRST again.
                    sqlx::query!(
                        "UPDATE billing.mandates SET first_collected_on = NULL WHERE mandate_id = $1",
                        debit.mandate_id
                    )
                    .execute(&mut *tx)
                    .await
                    .map_err(failed)?;
                }
                sqlx::query!(
                    "INSERT INTO billing.charges (charge_id, customer_id, invoice_id, amount_cents, reason, charged_on) VALUES ($1, $2, $3, $4, $5, $6)",
                    Uuid::now_v7(),
                    invoice.buyer.customer_id.as_uuid(),
                    invoice.id,
                    fee.cents(),
                    format!("failed direct debit {end_to_end_id}: {reason} (art. 8.5)"),
                    debit.collection_date,
                )
                .execute(&mut *tx)
                .await
                .map_err(failed)?;
                outbox.push(events::direct_debit(
                    &invoice,
                    &debit.mandate_id,
                    &debit.sequence_type,
                    amount,
                    Some((reason.as_str(), fee)),
                ));
                summary.failed += 1;
            }
        }
        self.outbox.enqueue_many(&mut tx, &outbox).await.map_err(failed)?;
        finish(tx, once, summary).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(%as_of))]
    async fn run_dunning(&self, as_of: NaiveDate) -> Result<DunningCounts, BillingError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        // One run at a time, so a reminder or a default is never announced twice.
        sqlx::query!("SELECT pg_advisory_xact_lock(hashtextextended('billing.dunning', 0))")
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        let overdue = sqlx::query!(
            "SELECT invoice_id, customer_id, due_date FROM billing.invoices
             WHERE kind = 'invoice' AND status IN ('open', 'disputed') AND due_date < $1
             ORDER BY customer_id, due_date",
            as_of
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(failed)?;
        let mut counts = DunningCounts::default();
        let mut outbox = Vec::new();
        let mut defaulting: std::collections::BTreeMap<Uuid, Vec<Uuid>> = std::collections::BTreeMap::new();
        for row in overdue {
            let id = row.invoice_id;
            // The whole invoice is read only for a reminder actually sent: on most days, for most
            // overdue invoices, no stage is new.
            let mut invoice: Option<Invoice> = None;
            for stage in dunning::stages_due(row.due_date, as_of) {
                let sent = sqlx::query!(
                    "INSERT INTO billing.reminders (invoice_id, stage, sent_on) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    id,
                    i32::try_from(stage).unwrap_or(i32::MAX),
                    as_of
                )
                .execute(&mut *tx)
                .await
                .map_err(failed)?
                .rows_affected();
                if sent == 1 {
                    if invoice.is_none() {
                        invoice = Self::lock_invoice(&mut tx, id).await?;
                    }
                    let Some(invoice) = &invoice else { continue };
                    let outstanding = Money::from_cents(invoice.total.cents() - invoice.amount_paid.cents());
                    outbox.push(events::overdue_reminder(invoice, stage, outstanding));
                    counts.reminders += 1;
                }
            }
            if dunning::in_default(row.due_date, as_of) {
                defaulting.entry(row.customer_id).or_default().push(id);
            }
        }
        for (customer, invoices) in &defaulting {
            let new = sqlx::query!(
                "INSERT INTO billing.defaults (customer_id, since) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                customer,
                as_of
            )
            .execute(&mut *tx)
            .await
            .map_err(failed)?
            .rows_affected();
            if new == 1 {
                outbox.push(events::customer_default(*customer, as_of, invoices, true));
                counts.defaults += 1;
            }
        }
        let cured = sqlx::query!(
            "DELETE FROM billing.defaults d
             WHERE NOT EXISTS (SELECT 1 FROM billing.invoices i
                               WHERE i.customer_id = d.customer_id AND i.kind = 'invoice'
                                 AND i.status IN ('open', 'disputed') AND i.due_date < $1)
             RETURNING customer_id",
            as_of
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(failed)?;
        for row in cured {
            outbox.push(events::customer_default(row.customer_id, as_of, &[], false));
            counts.cured += 1;
        }
        self.outbox.enqueue_many(&mut tx, &outbox).await.map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(counts)
    }

    async fn get(&self, id: Uuid) -> Result<Option<Invoice>, BillingError> {
        Ok(self.list_where(Some(id), None, None, None, 1).await?.pop())
    }

    async fn list(
        &self,
        customer_id: Option<CustomerId>,
        status: Option<Status>,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<Invoice>, BillingError> {
        self.list_where(None, customer_id, status, after, limit).await
    }

    async fn net_fees(&self, contract_id: ContractId, from: NaiveDate, to: NaiveDate) -> Result<Money, BillingError> {
        let net = sqlx::query_scalar!(
            r#"SELECT COALESCE(SUM(CASE WHEN kind = 'invoice' THEN subtotal_cents ELSE -subtotal_cents END), 0)::bigint AS "net!"
               FROM billing.invoices WHERE contract_id = $1 AND issue_date BETWEEN $2 AND $3"#,
            contract_id.as_uuid(),
            from,
            to,
        )
        .fetch_one(&self.pool)
        .await
        .map_err(failed)?;
        Ok(Money::from_cents(net))
    }

    async fn buyer(&self, customer_id: CustomerId) -> Result<Option<Buyer>, BillingError> {
        let row = sqlx::query!(
            "SELECT name, kvk_number, street, postal_code, city, country_code FROM billing.customers WHERE customer_id = $1",
            customer_id.as_uuid()
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(failed)?;
        Ok(row.map(|r| Buyer {
            customer_id,
            name: r.name,
            kvk_number: r.kvk_number,
            address: address(r.street, r.postal_code, r.city, r.country_code),
        }))
    }

    async fn contract_exists(&self, contract_id: ContractId) -> Result<bool, BillingError> {
        sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM billing.contracts WHERE contract_id = $1) AS "exists!""#,
            contract_id.as_uuid()
        )
        .fetch_one(&self.pool)
        .await
        .map_err(failed)
    }
}
