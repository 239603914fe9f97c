//! Notification's consumer of the contracts events: it keeps its own copy of every customer's
//! primary contact.

use chrono::Utc;
use pactum_bus::{ConsumerSpec, Handler, HandlerError, ReceivedEvent};
use pactum_domain::{CustomerId, EmailAddress};
use pactum_proto::{catalogue::contracts as catalogue, pactum::contracts::v1 as pb};
use sqlx::PgConnection;

use super::postgres;
use crate::domain::contact::Contact;

pub const SPEC: ConsumerSpec = ConsumerSpec {
    service: "notification",
    durable_name: "notification-contracts",
    source_service: "contracts",
    filter_subject: "pactum.contracts.>",
    max_deliver: 8,
};

#[derive(Debug, Default, Clone, Copy)]
pub struct ContractEvents;

impl Handler for ContractEvents {
    async fn handle(&self, tx: &mut PgConnection, event: &ReceivedEvent) -> Result<(), HandlerError> {
        if event.event_type == catalogue::CUSTOMER_CREATED.subject {
            let created: pb::CustomerCreated = event.decode()?;
            let contact = contact_of(created.customer.as_ref(), event)?;
            postgres::upsert_contact(tx, &contact).await?;
        } else if event.event_type == catalogue::CUSTOMER_CONTACT_CHANGED.subject {
            // Art. 14.20: notices go to the new address from now on.
            let changed: pb::CustomerContactChanged = event.decode()?;
            let contact = contact_of(changed.customer.as_ref(), event)?;
            postgres::upsert_contact(tx, &contact).await?;
        } else {
            // Recorded in the inbox and acknowledged: later issues give these a meaning here.
            tracing::debug!(event.r#type = %event.event_type, "event not used by notification");
        }
        Ok(())
    }
}

/// A customer whose contact does not parse can never become a notice recipient: permanent.
fn contact_of(customer: Option<&pb::Customer>, event: &ReceivedEvent) -> Result<Contact, HandlerError> {
    let customer = customer.ok_or_else(|| HandlerError::Permanent("event has no customer".to_owned()))?;
    let customer_id =
        CustomerId::parse(&customer.customer_id).map_err(|e| HandlerError::Permanent(format!("customer_id {e}")))?;
    let email = EmailAddress::parse(&customer.primary_contact_email)
        .map_err(|e| HandlerError::Permanent(format!("primary_contact_email {e}")))?;
    Ok(Contact {
        customer_id,
        customer_name: customer.name.clone(),
        primary_contact_email: email,
        changed_at: event.time.unwrap_or_else(Utc::now),
        source_event_id: event.id,
    })
}
