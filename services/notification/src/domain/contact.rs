//! Where a customer's notices go (art. 14.19: "by e-mail to the primary contact"; art. 14.20:
//! the customer keeps that address current).

use chrono::{DateTime, Utc};
use pactum_domain::{CustomerId, EmailAddress};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub primary_contact_email: EmailAddress,
    /// The language of its notices (art. 14.19).
    pub language: pactum_domain::language::Language,
    /// Informational notices in the application only (critical ones always by e-mail).
    pub mute_informational_email: bool,
    /// When the contracts service made the change this contact reflects.
    pub changed_at: DateTime<Utc>,
    /// The event notification learned it from.
    pub source_event_id: Uuid,
}

#[derive(Debug, thiserror::Error)]
pub enum ContactError {
    #[error(transparent)]
    Reused(#[from] pactum_idempotency::Reused),
    #[error("no contact known for customer {0}")]
    NotFound(CustomerId),
    #[error("invalid request")]
    Invalid(pactum_domain::Violations),
    #[error("storage failed")]
    Storage(#[from] pactum_domain::StorageError),
}
