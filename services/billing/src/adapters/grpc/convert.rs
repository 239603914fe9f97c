//! Proto ↔ domain for the billing API and its events.

use pactum_platform::wire;
use pactum_proto::pactum::billing::v1 as pb;

use crate::domain::{
    contract::PaymentMethod,
    invoice::{Invoice, Kind, Status},
    price_change::{PriceChange, PriceChangeKind},
};

pub fn status_to_proto(status: Status) -> pb::InvoiceStatus {
    match status {
        Status::Open => pb::InvoiceStatus::Open,
        Status::Paid => pb::InvoiceStatus::Paid,
        Status::Disputed => pb::InvoiceStatus::Disputed,
        Status::Credited => pb::InvoiceStatus::Credited,
    }
}

pub fn status_from_proto(value: i32) -> Result<Option<Status>, String> {
    match pb::InvoiceStatus::try_from(value) {
        Ok(pb::InvoiceStatus::Unspecified) => Ok(None),
        Ok(s) => Ok(Status::ALL.into_iter().find(|d| status_to_proto(*d) == s)),
        Err(_) => Err(format!("{value} is not an InvoiceStatus")),
    }
}

pub fn kind_from_proto(value: i32) -> Option<PriceChangeKind> {
    match pb::PriceChangeKind::try_from(value).ok()? {
        pb::PriceChangeKind::Indexation => Some(PriceChangeKind::Indexation),
        pb::PriceChangeKind::Change => Some(PriceChangeKind::Change),
        pb::PriceChangeKind::Unspecified => None,
    }
}

pub fn invoice_to_proto(i: &Invoice) -> pb::Invoice {
    pb::Invoice {
        invoice_id: i.id.to_string(),
        invoice_number: i.number.as_str().to_owned(),
        kind: match i.kind {
            Kind::Invoice => pb::InvoiceKind::Invoice,
            Kind::CreditNote => pb::InvoiceKind::CreditNote,
        }
        .into(),
        customer_id: i.buyer.customer_id.to_string(),
        contract_id: i.contract_id.map(|c| c.to_string()).unwrap_or_default(),
        issue_date: Some(wire::date_to_wire(i.issue_date)),
        due_date: Some(wire::date_to_wire(i.due_date)),
        dispute_deadline: Some(wire::date_to_wire(i.dispute_deadline)),
        period_start: i.period.map(|p| wire::date_to_wire(p.first())),
        period_end: i.period.map(|p| wire::date_to_wire(p.last())),
        lines: i
            .lines
            .iter()
            .map(|l| pb::InvoiceLine {
                description: l.description.clone(),
                quantity: l.quantity,
                unit_price: Some(wire::money_to_wire(l.unit_price)),
                amount: Some(wire::money_to_wire(l.amount)),
            })
            .collect(),
        subtotal: Some(wire::money_to_wire(i.subtotal)),
        vat_rate_percent: i.vat_percent.to_string(),
        vat_amount: Some(wire::money_to_wire(i.vat)),
        total: Some(wire::money_to_wire(i.total)),
        status: status_to_proto(i.status).into(),
        payment_method: match i.payment_method {
            None => pb::PaymentMethod::Unspecified,
            Some(PaymentMethod::DirectDebit) => pb::PaymentMethod::DirectDebit,
            Some(PaymentMethod::BankTransfer) => pb::PaymentMethod::BankTransfer,
        }
        .into(),
        amount_paid: Some(wire::money_to_wire(i.amount_paid)),
        credited_invoice_id: i.credited_invoice_id.map(|c| c.to_string()).unwrap_or_default(),
        customer_name: i.buyer.name.clone(),
        customer_kvk_number: i.buyer.kvk_number.clone(),
        article: i.article.to_owned(),
    }
}

pub fn price_change_to_proto(c: &PriceChange) -> pb::PriceChange {
    pb::PriceChange {
        price_change_id: c.id.to_string(),
        kind: match c.kind {
            PriceChangeKind::Indexation => pb::PriceChangeKind::Indexation,
            PriceChangeKind::Change => pb::PriceChangeKind::Change,
        }
        .into(),
        announced_on: Some(wire::date_to_wire(c.announced_on)),
        effective_date: Some(wire::date_to_wire(c.effective_date)),
        percent: c.percent.to_string(),
        reason: c.reason.clone(),
        article: crate::domain::article::PRICE_CHANGES.to_owned(),
    }
}

pub fn amount_due_to_proto(invoice_id: uuid::Uuid, due: &crate::domain::interest::AmountDue) -> pb::AmountDue {
    pb::AmountDue {
        invoice_id: invoice_id.to_string(),
        as_of: None,
        principal: Some(wire::money_to_wire(due.principal)),
        interest: Some(wire::money_to_wire(due.interest)),
        collection_costs: Some(wire::money_to_wire(due.collection_costs)),
        total: Some(wire::money_to_wire(due.total)),
        overpaid: Some(wire::money_to_wire(due.overpaid)),
        breakdown: due
            .breakdown
            .iter()
            .map(|b| pb::InterestPeriod {
                from: Some(wire::date_to_wire(b.from)),
                to: Some(wire::date_to_wire(b.to)),
                percent: b.percent.to_string(),
                days: b.days,
                interest: Some(wire::money_to_wire(b.interest)),
            })
            .collect(),
        article: crate::domain::article::LATE_PAYMENT.to_owned(),
    }
}

pub fn payment_to_proto(p: &crate::application::RecordedPayment) -> pb::Payment {
    pb::Payment {
        payment_id: p.id.to_string(),
        invoice_id: p.invoice_id.to_string(),
        amount: Some(wire::money_to_wire(p.amount)),
        paid_on: Some(wire::date_to_wire(p.paid_on)),
        reference: p.reference.clone(),
    }
}

/// The batch's numbers, and its document unless only the summary is wanted (events).
pub fn batch_to_proto(
    b: &crate::application::ExportedBatch,
    collection_date: chrono::NaiveDate,
    with_document: bool,
) -> pb::DirectDebitBatch {
    let sum = b.collections.iter().map(|c| c.amount.cents()).sum::<i64>();
    pb::DirectDebitBatch {
        batch_id: b.batch_id.map(|id| id.to_string()).unwrap_or_default(),
        message_id: if b.batch_id.is_some() { b.message_id.clone() } else { String::new() },
        collection_date: Some(wire::date_to_wire(collection_date)),
        number_of_transactions: i64::try_from(b.collections.len()).unwrap_or(i64::MAX),
        control_sum: Some(wire::money_to_wire(pactum_domain::Money::from_cents(sum))),
        document: if with_document { b.document.clone().into_bytes() } else { Vec::new() },
        invoices_without_mandate: b.without_mandate.iter().map(ToString::to_string).collect(),
    }
}

pub fn mandate_to_proto(m: &crate::domain::sepa::Mandate) -> pb::Mandate {
    pb::Mandate {
        mandate_id: m.id.clone(),
        customer_id: m.customer_id.to_string(),
        iban: m.iban.to_string(),
        bic: m.bic.clone().unwrap_or_default(),
        debtor_name: m.debtor_name.clone(),
        signed_on: Some(wire::date_to_wire(m.signed_on)),
        scheme: match m.scheme {
            crate::domain::sepa::Scheme::Core => pb::SepaScheme::Core,
            crate::domain::sepa::Scheme::B2b => pb::SepaScheme::B2b,
        }
        .into(),
        status: m.status.as_str().to_owned(),
    }
}
