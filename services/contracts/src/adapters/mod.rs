//! The outer layer: gRPC in, PostgreSQL and the outbox out, and the event encoding between.

pub mod billing_events;
pub mod events;
pub mod grpc;
pub mod notification_events;
pub mod postgres;
