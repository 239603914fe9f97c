//! The outer layer: gRPC in, the contracts events in, PostgreSQL out.

pub mod contract_events;
pub mod grpc;
pub mod postgres;
