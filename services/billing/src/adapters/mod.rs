//! The outer layer: gRPC in, the contracts events in, PostgreSQL and the outbox out.

pub mod contract_events;
pub mod documents;
pub mod events;
pub mod grpc;
pub mod postgres;
