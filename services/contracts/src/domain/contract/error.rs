use pactum_domain::{ContractId, CustomerId, Violations};

use crate::domain::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    #[error("invalid contract request")]
    Invalid(#[from] Violations),
    #[error("contract {0} not found")]
    NotFound(ContractId),
    #[error("customer {0} not found")]
    CustomerNotFound(CustomerId),
    /// A rule of the terms refuses the request now.
    #[error("{message} (art. {article})")]
    Refused { article: &'static str, reason: &'static str, message: String },
    #[error(transparent)]
    Reused(#[from] pactum_idempotency::Reused),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl ContractError {
    pub fn refused(article: &'static str, reason: &'static str, message: impl Into<String>) -> Self {
        Self::Refused { article, reason, message: message.into() }
    }

    pub fn invalid(field: &str, description: impl Into<String>) -> Self {
        Self::Invalid(Violations::single(field, description))
    }
}
