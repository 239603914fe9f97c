//! Shared with every service: see `pactum_domain::StorageError`.

pub use pactum_domain::StorageError;
