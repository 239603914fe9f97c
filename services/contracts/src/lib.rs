//! The contracts service: customers, trials, agreements and the general terms.
//!
//! Layers point inward: [`adapters`] (gRPC, PostgreSQL, events) → [`application`] (use cases
//! against repository ports) → [`domain`] (the rules of the terms; no gRPC, no SQL).

pub mod adapters;
pub mod application;
pub mod config;
pub mod domain;
pub mod startup;
