//! The notification service's integration tests: one binary, each test with its own database
//! and its own NATS server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod contacts;
mod helpers;
mod notices;
