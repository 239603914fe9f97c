//! The contracts service's consumer of billing events: a customer in default (30 days past due)
//! gets a suspension announced on its running contracts (art. 8.9: in writing, first).

use pactum_bus::{ConsumerSpec, Handler, HandlerError, ReceivedEvent};
use pactum_domain::{Clock, CustomerId};
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
    clock: Clock,
}

impl BillingEvents {
    pub fn new(contracts: PgContracts, clock: Clock) -> Self {
        Self { contracts, clock }
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
        // Art. 8.9, 14.21: the announcement is made, and dated, when this service makes it.
        self.contracts
            .announce_default_suspensions(tx, customer, self.clock.today())
            .await
            .map_err(|e| HandlerError::Transient(Box::new(e)))
    }
}
