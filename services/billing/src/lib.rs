//! The billing service: invoicing in advance with Dutch VAT and gapless numbers, disputes,
//! price changes, credits and the liability cap (art. 8, 10.1).
//!
//! Layers point inward: [`adapters`] (gRPC, PostgreSQL, the contracts events) →
//! [`application`] → [`domain`] (no gRPC, no SQL).

pub mod adapters;
pub mod application;
pub mod config;
pub mod domain;
pub mod startup;
