//! What each billing error means to a caller.

use pactum_platform::status::{Failure, ServiceError};

use crate::domain::BillingError;

impl ServiceError for BillingError {
    fn failure(&self) -> Failure<'_> {
        match self {
            Self::Invalid(violations) => Failure::InvalidArgument(violations),
            Self::NotFound { resource, id } => Failure::NotFound { resource, id: id.clone() },
            Self::Refused { article, reason, message } => {
                Failure::Refused { article, reason, message: message.clone() }
            }
            Self::Reused(reused) => Failure::Conflict { message: reused.to_string() },
            Self::Storage(_) => Failure::Internal,
        }
    }
}
