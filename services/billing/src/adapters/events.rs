//! The events billing publishes.

use pactum_bus::{EventType, OutboxEvent};
use pactum_proto::{
    catalogue::{Entry, billing as catalogue},
    pactum::billing::v1 as pb,
};

use super::grpc::convert::{
    amount_due_to_proto, batch_to_proto, invoice_to_proto, payment_to_proto, price_change_to_proto,
};
use crate::{
    application::{ExportedBatch, InvoiceChange, RecordedPayment},
    domain::{
        article,
        interest::AmountDue,
        invoice::{Invoice, Kind},
        price_change::PriceChange,
    },
};

fn invoice_event(entry: Entry, invoice: &Invoice, article: &str, reason: String) -> OutboxEvent {
    let payload = pb::InvoiceChanged {
        invoice: Some(invoice_to_proto(invoice)),
        customer_id: invoice.buyer.customer_id.to_string(),
        article: article.to_owned(),
        reason,
    };
    OutboxEvent::new(EventType::from(entry), invoice.id, &payload)
}

/// `invoice.issued` or `credit_note.issued`: the whole document.
pub fn issued(invoice: &Invoice) -> OutboxEvent {
    let entry = match invoice.kind {
        Kind::Invoice => catalogue::INVOICE_ISSUED,
        Kind::CreditNote => catalogue::CREDIT_NOTE_ISSUED,
    };
    invoice_event(entry, invoice, invoice.article, String::new())
}

/// `invoice.disputed` (art. 8.6, with the customer's reasons) or `invoice.dispute_resolved`.
pub fn changed(invoice: &Invoice, change: InvoiceChange) -> OutboxEvent {
    match change {
        InvoiceChange::Disputed => invoice_event(
            catalogue::INVOICE_DISPUTED,
            invoice,
            article::PAYMENT_TERM_AND_DISPUTES,
            invoice.dispute_reason.clone().unwrap_or_default(),
        ),
        InvoiceChange::DisputeResolved => invoice_event(
            catalogue::INVOICE_DISPUTE_RESOLVED,
            invoice,
            article::PAYMENT_TERM_AND_DISPUTES,
            String::new(),
        ),
    }
}

/// `invoice.paid`: nothing is owed any more.
pub fn paid(invoice: &Invoice) -> OutboxEvent {
    invoice_event(catalogue::INVOICE_PAID, invoice, article::PAYMENT_ORDER, String::new())
}

/// `invoice.handed_over` (art. 8.8): collection costs are due on top.
pub fn handed_over(invoice: &Invoice, costs: pactum_domain::Money) -> OutboxEvent {
    invoice_event(catalogue::INVOICE_HANDED_OVER, invoice, article::LATE_PAYMENT, format!("collection costs {costs}"))
}

/// `payment.recorded` (art. 6:44 BW): the payment and what is still owed after it.
pub fn payment_recorded(payment: &RecordedPayment, invoice: &Invoice, due: &AmountDue) -> OutboxEvent {
    let payload = pb::PaymentRecorded {
        payment: Some(payment_to_proto(payment)),
        customer_id: invoice.buyer.customer_id.to_string(),
        amount_due: Some(amount_due_to_proto(invoice.id, due)),
        article: article::PAYMENT_ORDER.to_owned(),
    };
    OutboxEvent::new(EventType::from(catalogue::PAYMENT_RECORDED), payment.id, &payload)
}

/// `direct_debit.collected`, or `direct_debit.failed` with the reason code and fee (art. 8.5).
pub fn direct_debit(
    invoice: &Invoice,
    mandate_id: &str,
    sequence_type: &str,
    amount: pactum_domain::Money,
    failure: Option<(&str, pactum_domain::Money)>,
) -> OutboxEvent {
    let payload = pb::DirectDebitChanged {
        invoice_id: invoice.id.to_string(),
        invoice_number: invoice.number.as_str().to_owned(),
        customer_id: invoice.buyer.customer_id.to_string(),
        mandate_id: mandate_id.to_owned(),
        sequence_type: sequence_type.to_owned(),
        amount: Some(pactum_platform::wire::money_to_wire(amount)),
        reason_code: failure.map(|f| f.0.to_owned()).unwrap_or_default(),
        failed_debit_fee: failure.map(|f| pactum_platform::wire::money_to_wire(f.1)),
        article: article::DIRECT_DEBIT.to_owned(),
    };
    let entry = if failure.is_some() { catalogue::DIRECT_DEBIT_FAILED } else { catalogue::DIRECT_DEBIT_COLLECTED };
    OutboxEvent::new(EventType::from(entry), invoice.id, &payload)
}

/// `direct_debit.batch_exported`.
pub fn batch_exported(batch: &ExportedBatch, collection_date: chrono::NaiveDate) -> OutboxEvent {
    let payload = pb::DirectDebitBatchExported { batch: Some(batch_to_proto(batch, collection_date, false)) };
    OutboxEvent::new(
        EventType::from(catalogue::DIRECT_DEBIT_BATCH_EXPORTED),
        batch.batch_id.map(|b| b.to_string()).unwrap_or_default(),
        &payload,
    )
}

/// `direct_debit.mandate_required`: the invoice waits for a mandate (art. 8.5).
pub fn mandate_required(invoice_id: uuid::Uuid, customer_id: uuid::Uuid) -> OutboxEvent {
    let payload = pb::MandateRequired {
        invoice_id: invoice_id.to_string(),
        customer_id: customer_id.to_string(),
        article: article::DIRECT_DEBIT.to_owned(),
    };
    OutboxEvent::new(EventType::from(catalogue::DIRECT_DEBIT_MANDATE_REQUIRED), invoice_id, &payload)
}

/// `invoice.overdue_reminder` on day 1, 14 or 30 past due: notification e-mails it.
pub fn overdue_reminder(invoice: &Invoice, stage: i64, outstanding: pactum_domain::Money) -> OutboxEvent {
    let payload = pb::OverdueReminder {
        invoice: Some(invoice_to_proto(invoice)),
        customer_id: invoice.buyer.customer_id.to_string(),
        stage: i32::try_from(stage).unwrap_or(i32::MAX),
        outstanding: Some(pactum_platform::wire::money_to_wire(outstanding)),
        article: article::LATE_PAYMENT.to_owned(),
    };
    OutboxEvent::new(EventType::from(catalogue::INVOICE_OVERDUE_REMINDER), invoice.id, &payload)
}

/// `customer.in_default` (30 days past due; art. 8.9 lets the vendor announce a suspension) or
/// `customer.default_cured`.
pub fn customer_default(
    customer: uuid::Uuid,
    since: chrono::NaiveDate,
    invoices: &[uuid::Uuid],
    in_default: bool,
) -> OutboxEvent {
    let payload = pb::CustomerDefault {
        customer_id: customer.to_string(),
        since: Some(pactum_platform::wire::date_to_wire(since)),
        invoice_ids: invoices.iter().map(ToString::to_string).collect(),
        article: "8.9".to_owned(),
    };
    let entry = if in_default { catalogue::CUSTOMER_IN_DEFAULT } else { catalogue::CUSTOMER_DEFAULT_CURED };
    OutboxEvent::new(EventType::from(entry), customer, &payload)
}

/// `prices.change_announced` (art. 8.4): notification tells every customer (art. 14.18).
pub fn price_change_announced(change: &PriceChange) -> OutboxEvent {
    let payload = pb::PriceChangeAnnounced {
        price_change: Some(price_change_to_proto(change)),
        article: article::PRICE_CHANGES.to_owned(),
    };
    OutboxEvent::new(EventType::from(catalogue::PRICES_CHANGE_ANNOUNCED), change.id, &payload)
}
