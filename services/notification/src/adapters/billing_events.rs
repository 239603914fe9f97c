//! Notification's consumer of the billing events: the notices the billing rules require
//! (art. 8.4, 8.5, 8.6, 8.8).

use pactum_bus::{ConsumerSpec, Handler, HandlerError, ReceivedEvent};
use pactum_proto::{catalogue::billing as catalogue, pactum::billing::v1 as pb};
use sqlx::PgConnection;
use uuid::Uuid;

use super::notify::{Notifier, date, money};
use crate::{application::notices::Facts, domain::catalogue as notices};

pub const SPEC: ConsumerSpec = ConsumerSpec {
    service: "notification",
    durable_name: "notification-billing",
    source_service: "billing",
    filter_subject: "pactum.billing.>",
    max_deliver: 8,
};

#[derive(Debug, Clone)]
pub struct BillingEvents {
    notifier: Notifier,
}

impl BillingEvents {
    pub fn new(notifier: Notifier) -> Self {
        Self { notifier }
    }
}

fn customer(id: &str) -> Result<Uuid, HandlerError> {
    Uuid::try_parse(id).map_err(|e| HandlerError::Permanent(format!("customer_id {e}")))
}

fn invoice_facts(invoice: &pb::Invoice) -> Facts {
    Facts::from([
        ("invoice_number", invoice.invoice_number.clone()),
        ("total", money(invoice.total.as_ref())),
        ("due_date", date(invoice.due_date.as_ref())),
    ])
}

impl Handler for BillingEvents {
    async fn handle(&self, tx: &mut PgConnection, event: &ReceivedEvent) -> Result<(), HandlerError> {
        let t = event.event_type.as_str();
        let (kind, customer_id, facts) =
            if t == catalogue::INVOICE_ISSUED.subject || t == catalogue::CREDIT_NOTE_ISSUED.subject {
                let changed: pb::InvoiceChanged = event.decode()?;
                let invoice = changed.invoice.unwrap_or_default();
                let kind = if t == catalogue::INVOICE_ISSUED.subject {
                    notices::INVOICE_ISSUED
                } else {
                    notices::CREDIT_NOTE_ISSUED
                };
                (kind, Some(customer(&changed.customer_id)?), invoice_facts(&invoice))
            } else if t == catalogue::INVOICE_OVERDUE_REMINDER.subject {
                let reminder: pb::OverdueReminder = event.decode()?;
                let invoice = reminder.invoice.unwrap_or_default();
                (notices::OVERDUE_REMINDER, Some(customer(&reminder.customer_id)?), invoice_facts(&invoice))
            } else if t == catalogue::CUSTOMER_IN_DEFAULT.subject {
                let default: pb::CustomerDefault = event.decode()?;
                (notices::IN_DEFAULT, Some(customer(&default.customer_id)?), Facts::new())
            } else if t == catalogue::DIRECT_DEBIT_FAILED.subject {
                let debit: pb::DirectDebitChanged = event.decode()?;
                let facts = Facts::from([
                    ("invoice_number", debit.invoice_number.clone()),
                    ("total", money(debit.amount.as_ref())),
                    ("reason", debit.reason_code.clone()),
                ]);
                (notices::DIRECT_DEBIT_FAILED, Some(customer(&debit.customer_id)?), facts)
            } else if t == catalogue::PRICES_CHANGE_ANNOUNCED.subject {
                let announced: pb::PriceChangeAnnounced = event.decode()?;
                let change = announced.price_change.unwrap_or_default();
                let facts = Facts::from([
                    ("percent", change.percent),
                    ("effective_date", date(change.effective_date.as_ref())),
                    ("reason", change.reason),
                ]);
                (notices::PRICE_CHANGE, None, facts)
            } else {
                tracing::debug!(event.r#type = %event.event_type, "event not used by notification");
                return Ok(());
            };
        self.notifier.notify(tx, &kind, customer_id, facts, event).await?;
        Ok(())
    }
}
