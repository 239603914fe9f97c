//! The events the contracts service publishes, encoded as their protobuf payloads.

use pactum_bus::{EventType, OutboxEvent};
use pactum_proto::{catalogue::contracts as catalogue, pactum::contracts::v1 as pb};

use super::grpc::customer_to_proto;
use crate::domain::customer::Customer;

const fn event_type(entry: pactum_proto::catalogue::Entry) -> EventType {
    EventType::new(entry.subject, entry.data_schema)
}

/// `pactum.contracts.customer.created`: a customer was registered (art. 3.8).
pub fn customer_created(customer: &Customer) -> OutboxEvent {
    let payload = pb::CustomerCreated {
        customer: Some(customer_to_proto(customer)),
        article: "3.8".to_owned(),
    };
    OutboxEvent::new(
        event_type(catalogue::CUSTOMER_CREATED),
        customer.id,
        &payload,
    )
}
