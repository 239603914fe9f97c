//! The contracts service's consumer of billing events: a customer in default (30 days past due)
//! gets a suspension announced on its running contracts (art. 8.9: in writing, first).

use pactum_bus::{ConsumerSpec, Handler, HandlerError, ReceivedEvent};
use pactum_domain::CustomerId;
use pactum_platform::wire;
use pactum_proto::{catalogue::billing as catalogue, pactum::billing::v1 as pb};
use sqlx::PgConnection;

use super::postgres::PgContracts;

pub const SPEC: ConsumerSpec = ConsumerSpec {
    service: "contracts",
    durable_name: "contracts-billing",
    source_service: "billing",
    filter_subject: "pactum.billing.customer.>",
    max_deliver: 8,
};

#[derive(Debug, Clone)]
pub struct BillingEvents {
    contracts: PgContracts,
}

impl BillingEvents {
    pub fn new(contracts: PgContracts) -> Self {
        Self { contracts }
    }
}

impl Handler for BillingEvents {
    async fn handle(&self, tx: &mut PgConnection, event: &ReceivedEvent) -> Result<(), HandlerError> {
        if event.event_type != catalogue::CUSTOMER_IN_DEFAULT.subject {
            return Ok(());
        }
        let default: pb::CustomerDefault = event.decode()?;
        let customer =
            CustomerId::parse(&default.customer_id).map_err(|e| HandlerError::Permanent(format!("customer_id {e}")))?;
        let since =
            wire::date_from_wire(default.since.as_ref()).map_err(|e| HandlerError::Permanent(format!("since {e}")))?;
        self.contracts
            .announce_default_suspensions(tx, customer, since)
            .await
            .map_err(|e| HandlerError::Transient(Box::new(e)))
    }
}
