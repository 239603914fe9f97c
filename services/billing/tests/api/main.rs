//! The billing service's integration tests, each on databases and a NATS server of their own.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod business_time;
mod documents;
mod helpers;
mod invoicing;
mod payments;
mod retries;
mod sepa;
mod surface;
