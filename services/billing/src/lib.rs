//! The billing service: invoicing, payments and collections (art. 8, 10).
//!
//! It starts, migrates its own schema, runs its outbox relay and serves health, reflection and
//! `pactum.billing.v1.BillingService`, whose RPCs arrive with the billing issues.

pub mod adapters;
pub mod config;
pub mod startup;
