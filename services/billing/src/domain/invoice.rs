//! Invoices and credit notes (art. 8.2, 8.6, 8.7, 8.10).

use chrono::{Datelike, Days, NaiveDate};
use pactum_domain::{ContractId, CustomerId, Money, PostalAddress, calendar::CivilPeriod};
use uuid::Uuid;

use super::{
    BillingError, article,
    contract::{BillableContract, DuePeriod, PaymentMethod, price_for},
    price_change::PriceChange,
};

/// Art. 8.2: the standard Dutch VAT rate on every invoice.
pub const VAT_PERCENT: i64 = 21;
/// Art. 8.6: payment within 14 days of the invoice date.
pub const PAYMENT_DAYS: u64 = 14;
/// Art. 8.6: objections in writing within 10 days of the invoice date.
pub const DISPUTE_DAYS: u64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Invoice,
    CreditNote,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invoice => "invoice",
            Self::CreditNote => "credit_note",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Invoice, Self::CreditNote].into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Paid,
    Disputed,
    Credited,
}

impl Status {
    pub const ALL: [Self; 4] = [Self::Open, Self::Paid, Self::Disputed, Self::Credited];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Paid => "paid",
            Self::Disputed => "disputed",
            Self::Credited => "credited",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_str().to_ascii_uppercase())
    }
}

/// `YYYY-NNNNNN`: gapless and strictly increasing within the year of the issue date.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InvoiceNumber(String);

impl InvoiceNumber {
    pub fn new(year: i32, number: i64) -> Self {
        Self(format!("{year:04}-{number:06}"))
    }

    pub fn from_stored(s: String) -> Self {
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    pub description: String,
    pub quantity: i64,
    pub unit_price: Money,
    pub amount: Money,
}

/// The customer as named on the invoice (art. 35a Wet OB: name and KvK of the buyer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Buyer {
    pub customer_id: CustomerId,
    pub name: String,
    pub kvk_number: String,
    /// `None` while the customer has not given one; the invoice then lacks it.
    pub address: Option<PostalAddress>,
}

/// An invoice or credit note before it gets its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub kind: Kind,
    pub buyer: Buyer,
    pub contract_id: Option<ContractId>,
    pub issue_date: NaiveDate,
    pub period: Option<CivilPeriod>,
    pub lines: Vec<InvoiceLine>,
    pub payment_method: Option<PaymentMethod>,
    pub credited_invoice_id: Option<Uuid>,
    pub article: &'static str,
}

/// A final invoice or credit note. Credit notes hold positive amounts; they subtract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub id: Uuid,
    pub number: InvoiceNumber,
    pub kind: Kind,
    pub buyer: Buyer,
    pub contract_id: Option<ContractId>,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub dispute_deadline: NaiveDate,
    pub period: Option<CivilPeriod>,
    pub lines: Vec<InvoiceLine>,
    pub subtotal: Money,
    pub vat_percent: i64,
    pub vat: Money,
    pub total: Money,
    pub status: Status,
    pub payment_method: Option<PaymentMethod>,
    pub amount_paid: Money,
    pub credited_invoice_id: Option<Uuid>,
    pub article: &'static str,
    pub disputed_on: Option<NaiveDate>,
    pub dispute_reason: Option<String>,
}

fn money(e: pactum_domain::MoneyError) -> BillingError {
    BillingError::invalid("amount", e.to_string())
}

impl Draft {
    /// The VAT (art. 8.2) of the whole subtotal, rounded half up once per invoice.
    pub fn totals(&self) -> Result<(Money, Money, Money), BillingError> {
        let subtotal =
            self.lines.iter().try_fold(Money::ZERO, |sum, line| sum.checked_add(line.amount)).map_err(money)?;
        let vat = subtotal.mul_ratio(VAT_PERCENT, 100).map_err(money)?;
        Ok((subtotal, vat, subtotal.checked_add(vat).map_err(money)?))
    }

    /// The final document: numbered, with its terms of payment and dispute (art. 8.6).
    pub fn finalize(self, id: Uuid, number: InvoiceNumber) -> Result<Invoice, BillingError> {
        let (subtotal, vat, total) = self.totals()?;
        let day = |n: u64| self.issue_date.checked_add_days(Days::new(n)).unwrap_or(NaiveDate::MAX);
        Ok(Invoice {
            id,
            number,
            kind: self.kind,
            due_date: day(PAYMENT_DAYS),
            dispute_deadline: day(DISPUTE_DAYS),
            buyer: self.buyer,
            contract_id: self.contract_id,
            issue_date: self.issue_date,
            period: self.period,
            lines: self.lines,
            subtotal,
            vat_percent: VAT_PERCENT,
            vat,
            total,
            status: Status::Open,
            payment_method: self.payment_method,
            amount_paid: Money::ZERO,
            credited_invoice_id: self.credited_invoice_id,
            article: self.article,
            disputed_on: None,
            dispute_reason: None,
        })
    }

    /// The year whose number sequence the document takes a number from.
    pub fn year(&self) -> i32 {
        self.issue_date.year()
    }
}

/// Art. 8.7: the invoice for one due billing period, in advance, at the prices in force when
/// the period starts (art. 8.4).
pub fn period_invoice(
    contract: &BillableContract,
    buyer: &Buyer,
    due: &DuePeriod,
    issue_date: NaiveDate,
    price_changes: &[PriceChange],
) -> Result<Draft, BillingError> {
    let period = due.period;
    let lines = contract
        .lines
        .iter()
        .map(|line| {
            let monthly = price_for(line.monthly_price, period.first(), price_changes).map_err(money)?;
            let unit_price = due.charge.of(monthly).map_err(money)?;
            let quantity = i64::from(line.quantity);
            Ok(InvoiceLine {
                description: format!("{}, {} t/m {}", line.product_code, period.first(), period.last()),
                quantity,
                unit_price,
                amount: unit_price.checked_mul(quantity).map_err(money)?,
            })
        })
        .collect::<Result<Vec<_>, BillingError>>()?;
    Ok(Draft {
        kind: Kind::Invoice,
        buyer: buyer.clone(),
        contract_id: Some(contract.id),
        issue_date,
        period: Some(period),
        lines,
        payment_method: contract.payment_method,
        credited_invoice_id: None,
        article: article::IN_ADVANCE,
    })
}

/// Art. 8.10: extra work ordered in writing, invoiced at once.
pub fn extra_work(
    buyer: Buyer,
    description: &str,
    amount: Money,
    ordered_on: NaiveDate,
) -> Result<Draft, BillingError> {
    let description = description.trim();
    let mut violations = pactum_domain::Violations::default();
    if description.is_empty() || description.len() > 500 {
        violations.add("description", "is required: what was ordered, at most 500 characters");
    }
    if amount.cents() <= 0 {
        violations.add("amount", "must be more than 0");
    }
    if !violations.is_empty() {
        return Err(BillingError::Invalid(violations));
    }
    Ok(Draft {
        kind: Kind::Invoice,
        buyer,
        contract_id: None,
        issue_date: ordered_on,
        period: None,
        lines: vec![InvoiceLine { description: description.to_owned(), quantity: 1, unit_price: amount, amount }],
        payment_method: None,
        credited_invoice_id: None,
        article: article::EXTRA_WORK,
    })
}

impl Invoice {
    /// Art. 8.6: a customer who disagrees says so in writing, with reasons, within 10 days of
    /// the invoice date; after that the invoice counts as accepted. The due date stays.
    pub fn dispute(&mut self, disputed_on: NaiveDate, reason: &str) -> Result<(), BillingError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(BillingError::invalid("reason", "is required: a dispute must give its reasons (art. 8.6)"));
        }
        if disputed_on < self.issue_date {
            return Err(BillingError::invalid(
                "disputed_on",
                format!("must not be before the invoice date {}", self.issue_date),
            ));
        }
        if self.kind != Kind::Invoice || self.status != Status::Open {
            return Err(BillingError::refused(
                article::PAYMENT_TERM_AND_DISPUTES,
                "NOT_DISPUTABLE",
                format!("the invoice is {} and cannot be disputed", self.status),
            ));
        }
        if disputed_on > self.dispute_deadline {
            return Err(BillingError::refused(
                article::PAYMENT_TERM_AND_DISPUTES,
                "DISPUTE_TOO_LATE",
                format!(
                    "the invoice of {} counts as accepted since {}; a dispute on {disputed_on} is too late",
                    self.issue_date, self.dispute_deadline
                ),
            ));
        }
        self.status = Status::Disputed;
        self.disputed_on = Some(disputed_on);
        self.dispute_reason = Some(reason.to_owned());
        Ok(())
    }

    /// Ends a dispute: upheld, the invoice is credited in full by a credit note dated
    /// `resolved_on`; rejected, the invoice is open again (its due date never moved).
    pub fn resolve_dispute(&mut self, upheld: bool, resolved_on: NaiveDate) -> Result<Option<Draft>, BillingError> {
        if self.status != Status::Disputed {
            return Err(BillingError::refused(
                article::PAYMENT_TERM_AND_DISPUTES,
                "NOT_DISPUTED",
                format!("the invoice is {}, not disputed", self.status),
            ));
        }
        if !upheld {
            self.status = Status::Open;
            return Ok(None);
        }
        self.status = Status::Credited;
        Ok(Some(Draft {
            kind: Kind::CreditNote,
            buyer: self.buyer.clone(),
            contract_id: self.contract_id,
            issue_date: resolved_on.max(self.issue_date),
            period: self.period,
            lines: self.lines.clone(),
            payment_method: self.payment_method,
            credited_invoice_id: Some(self.id),
            article: article::PAYMENT_TERM_AND_DISPUTES,
        }))
    }
}

/// Art. 8.7: when availability was substantially reduced for reasons attributable solely to
/// the vendor, a credit of `percent` of the fees for the affected days, pro rata to the days of
/// each invoiced period, never more than is still uncredited on that invoice.
pub fn availability_credit(
    invoice: &Invoice,
    already_credited: Money,
    affected: CivilPeriod,
    percent: super::percent::Percent,
    issue_date: NaiveDate,
    reason: &str,
) -> Result<Option<Draft>, BillingError> {
    let Some(period) = invoice.period else { return Ok(None) };
    let first = period.first().max(affected.first());
    let last = period.last().min(affected.last());
    let Some(overlap) = CivilPeriod::new(first, last) else { return Ok(None) };
    let share = invoice.subtotal.mul_ratio(overlap.days(), period.days()).map_err(money)?;
    let wanted = share.mul_ratio(percent.hundredths(), 10_000).map_err(money)?;
    let room = invoice.subtotal.checked_sub(already_credited).map_err(money)?;
    let amount = wanted.min(room);
    if amount.cents() <= 0 {
        return Ok(None);
    }
    Ok(Some(Draft {
        kind: Kind::CreditNote,
        buyer: invoice.buyer.clone(),
        contract_id: invoice.contract_id,
        issue_date,
        period: Some(overlap),
        lines: vec![InvoiceLine {
            description: format!(
                "Creditering {percent}% verminderde beschikbaarheid {first} t/m {last}: {}",
                reason.trim()
            ),
            quantity: 1,
            unit_price: amount,
            amount,
        }],
        payment_method: invoice.payment_method,
        credited_invoice_id: Some(invoice.id),
        article: article::IN_ADVANCE,
    }))
}

/// Art. 10.1: the cap is the fees of the last 12 months, never more than this.
pub const LIABILITY_MAXIMUM: Money = Money::from_cents(10_000_000);
