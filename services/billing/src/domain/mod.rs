//! The invoicing rules of the terms (art. 8.1, 8.2, 8.4, 8.6, 8.7, 8.10, 10.1). No gRPC, no SQL.

pub mod collection;
pub mod contract;
pub mod dunning;
pub mod interest;
pub mod invoice;
pub mod percent;
pub mod price_change;
pub mod sepa;

/// Articles, named once.
pub mod article {
    pub const TARIFFS: &str = "8.2";
    pub const DIRECT_DEBIT: &str = "8.5";
    pub const PRICE_CHANGES: &str = "8.4";
    pub const PAYMENT_TERM_AND_DISPUTES: &str = "8.6";
    pub const IN_ADVANCE: &str = "8.7";
    pub const LATE_PAYMENT: &str = "8.8";
    pub const PAYMENT_ORDER: &str = "6:44 BW";
    pub const EXTRA_WORK: &str = "8.10";
    pub const LIABILITY_CAP: &str = "10.1";

    /// The article constant spelled `s`, for reading a stored article back.
    pub fn parse(s: &str) -> Option<&'static str> {
        [
            TARIFFS,
            PRICE_CHANGES,
            PAYMENT_TERM_AND_DISPUTES,
            IN_ADVANCE,
            LATE_PAYMENT,
            PAYMENT_ORDER,
            EXTRA_WORK,
            LIABILITY_CAP,
        ]
        .into_iter()
        .find(|a| *a == s)
    }
}

pub use pactum_domain::StorageError;
use pactum_domain::text::TextRule;

/// Why: a dispute's reasons (art. 8.6), a price change's (8.4), a credit's (8.7).
pub const REASON: TextRule = TextRule::free(500);
/// What extra work was ordered (art. 8.10), as the invoice line says it.
pub const DESCRIPTION: TextRule = TextRule::line(500);
/// A payment's reference, as a bank statement carries it (SEPA remittance information).
pub const REFERENCE: TextRule = TextRule::line(140);

#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    #[error("invalid request")]
    Invalid(#[from] pactum_domain::Violations),
    #[error("{resource} {id} not found")]
    NotFound { resource: &'static str, id: String },
    #[error("{message} (art. {article})")]
    Refused { article: &'static str, reason: &'static str, message: String },
    #[error(transparent)]
    Reused(#[from] pactum_idempotency::Reused),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl BillingError {
    pub fn refused(article: &'static str, reason: &'static str, message: impl Into<String>) -> Self {
        Self::Refused { article, reason, message: message.into() }
    }

    pub fn invalid(field: &str, description: impl Into<String>) -> Self {
        Self::Invalid(pactum_domain::Violations::single(field, description))
    }
}

#[cfg(test)]
mod interest_tests;
#[cfg(test)]
mod tests;
