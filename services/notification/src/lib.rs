//! The notification service: the notices the terms require, by e-mail to the primary contact
//! and in the application (art. 14.18–14.21).
//!
//! Layers point inward: [`adapters`] (gRPC, PostgreSQL, NATS consumers) → [`application`] →
//! [`domain`] (no gRPC, no SQL).

pub mod adapters;
pub mod application;
pub mod config;
pub mod domain;
pub mod startup;
