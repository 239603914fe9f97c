//! The privacy service: the processor agreement (Bijlage 1).
//!
//! It starts, migrates its own schema, runs its outbox relay and serves health, reflection and
//! `pactum.privacy.v1.PrivacyService`, whose RPCs arrive with the privacy issues.

pub mod adapters;
pub mod config;
pub mod startup;
