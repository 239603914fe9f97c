//! The outer layer: gRPC in, the contracts and billing events in, PostgreSQL and SMTP out.

pub mod billing_events;
pub mod contract_events;
pub mod events;
pub mod feed;
pub mod grpc;
pub mod notify;
pub mod postgres;
pub mod smtp;
pub mod templates;
