//! The events billing publishes.

use pactum_bus::{EventType, OutboxEvent};
use pactum_proto::{
    catalogue::{Entry, billing as catalogue},
    pactum::billing::v1 as pb,
};

use super::grpc::convert::{invoice_to_proto, price_change_to_proto};
use crate::{
    application::InvoiceChange,
    domain::{
        article,
        invoice::{Invoice, Kind},
        price_change::PriceChange,
    },
};

const fn event_type(entry: Entry) -> EventType {
    EventType::new(entry.subject, entry.data_schema)
}

fn invoice_event(entry: Entry, invoice: &Invoice, reason: String) -> OutboxEvent {
    let payload = pb::InvoiceChanged {
        invoice: Some(invoice_to_proto(invoice)),
        customer_id: invoice.buyer.customer_id.to_string(),
        article: invoice.article.to_owned(),
        reason,
    };
    OutboxEvent::new(event_type(entry), invoice.id, &payload)
}

/// `invoice.issued` or `credit_note.issued`: the whole document.
pub fn issued(invoice: &Invoice) -> OutboxEvent {
    let entry = match invoice.kind {
        Kind::Invoice => catalogue::INVOICE_ISSUED,
        Kind::CreditNote => catalogue::CREDIT_NOTE_ISSUED,
    };
    invoice_event(entry, invoice, String::new())
}

/// `invoice.disputed` (art. 8.6, with the customer's reasons) or `invoice.dispute_resolved`.
pub fn changed(invoice: &Invoice, change: InvoiceChange) -> OutboxEvent {
    match change {
        InvoiceChange::Disputed => {
            invoice_event(catalogue::INVOICE_DISPUTED, invoice, invoice.dispute_reason.clone().unwrap_or_default())
        }
        InvoiceChange::DisputeResolved => invoice_event(catalogue::INVOICE_DISPUTE_RESOLVED, invoice, String::new()),
    }
}

/// `prices.change_announced` (art. 8.4): notification tells every customer (art. 14.18).
pub fn price_change_announced(change: &PriceChange) -> OutboxEvent {
    let payload = pb::PriceChangeAnnounced {
        price_change: Some(price_change_to_proto(change)),
        article: article::PRICE_CHANGES.to_owned(),
    };
    OutboxEvent::new(event_type(catalogue::PRICES_CHANGE_ANNOUNCED), change.id, &payload)
}
