//! The contracts service's integration tests: one binary, each test with its own database and
//! its own NATS server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod business_time;
mod contracts;
mod customers;
mod events;
mod grpc_surface;
mod helpers;
mod outbox;
mod retries;
mod terms;
