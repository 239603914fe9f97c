//! What each error of the contracts service means to a caller.

use pactum_platform::status::{Failure, ServiceError};

use crate::domain::{contract::ContractError, customer::CustomerError, terms::TermsError};

impl ServiceError for CustomerError {
    fn failure(&self) -> Failure<'_> {
        match self {
            Self::Invalid(violations) => Failure::InvalidArgument(violations),
            Self::NotFound(id) => Failure::NotFound { resource: "customer", id: id.to_string() },
            Self::Reused(reused) => Failure::Conflict { message: reused.to_string() },
            Self::Storage(_) => Failure::Internal,
        }
    }
}

impl ServiceError for ContractError {
    fn failure(&self) -> Failure<'_> {
        match self {
            Self::Invalid(violations) => Failure::InvalidArgument(violations),
            Self::NotFound(id) => Failure::NotFound { resource: "contract", id: id.to_string() },
            Self::CustomerNotFound(id) => Failure::NotFound { resource: "customer", id: id.to_string() },
            Self::Refused { article, reason, message } => {
                Failure::Refused { article, reason, message: message.clone() }
            }
            Self::Reused(reused) => Failure::Conflict { message: reused.to_string() },
            Self::Storage(_) => Failure::Internal,
        }
    }
}

impl ServiceError for TermsError {
    fn failure(&self) -> Failure<'_> {
        match self {
            Self::Invalid(violations) => Failure::InvalidArgument(violations),
            Self::Refused { article, reason, message } => {
                Failure::Refused { article, reason, message: message.clone() }
            }
            Self::NotFound(version) => Failure::NotFound { resource: "terms version", id: version.clone() },
            Self::CustomerNotFound(id) => Failure::NotFound { resource: "customer", id: id.to_string() },
            Self::AlreadyPublished(version) => {
                Failure::AlreadyExists { resource: "terms version", id: version.clone() }
            }
            Self::Reused(reused) => Failure::Conflict { message: reused.to_string() },
            Self::Storage(_) => Failure::Internal,
        }
    }
}
