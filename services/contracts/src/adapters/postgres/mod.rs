//! The contracts service's tables in PostgreSQL (schema `contracts`). Every change is committed
//! together with its outbox events.

mod consumed;
mod contracts;
mod customers;
mod terms;

pub use contracts::PgContracts;
pub use customers::{PgCustomers, record_contact_delivery};
pub use terms::PgTerms;

use crate::domain::storage::StorageError;

pub(crate) fn storage(error: impl std::error::Error + Send + Sync + 'static) -> StorageError {
    StorageError::new(error)
}

/// Whether `error` is a unique violation of `constraint`.
pub(crate) fn violates(error: &sqlx::Error, constraint: &str) -> bool {
    error.as_database_error().is_some_and(|e| e.is_unique_violation() && e.constraint() == Some(constraint))
}

/// A stored row that no longer reads as a valid domain value: a storage fault.
pub(crate) fn corrupt(what: impl std::fmt::Display) -> StorageError {
    StorageError::new(std::io::Error::other(format!("stored data is invalid: {what}")))
}
