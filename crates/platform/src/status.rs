//! The one mapping from a service's errors to `tonic::Status`.
//!
//! Each aggregate's error enum says what kind of failure it is ([`Failure`]); [`to_status`]
//! turns that into a status with `google.rpc` details. Callers see field violations and the
//! article of the terms a refusal rests on; they never see database or internal error text,
//! which is logged with its whole cause chain instead.

use std::collections::HashMap;

use pactum_domain::Violations;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// What kind of failure an error is, as far as a caller is concerned.
#[derive(Debug)]
pub enum Failure<'a> {
    /// Malformed input: `INVALID_ARGUMENT` with a `BadRequest` listing every bad field.
    InvalidArgument(&'a Violations),
    /// The request is well-formed but a rule of the terms refuses it now:
    /// `FAILED_PRECONDITION` with an `ErrorInfo` whose metadata `article` names the article.
    Refused { article: &'static str, reason: &'static str, message: String },
    /// `NOT_FOUND`.
    NotFound { resource: &'static str, id: String },
    /// `ALREADY_EXISTS`: the thing to create is there already.
    AlreadyExists { resource: &'static str, id: String },
    /// Lost a race with a concurrent change (optimistic concurrency): `ABORTED`, retry.
    Conflict { message: String },
    /// A dependency is down for now: `UNAVAILABLE`, retry later.
    Unavailable,
    /// Anything else: `INTERNAL`, with no detail for the caller.
    Internal,
}

/// An error that knows what kind of [`Failure`] it is.
pub trait ServiceError: std::error::Error {
    fn failure(&self) -> Failure<'_>;
}

/// The domain named in `ErrorInfo`, e.g. "contracts.pactum".
fn error_domain(service: &str) -> String {
    format!("{service}.pactum")
}

/// Maps `error` to the status a caller gets; `service` names the `ErrorInfo` domain.
pub fn to_status<E: ServiceError + 'static>(service: &str, error: &E) -> Status {
    match error.failure() {
        Failure::InvalidArgument(violations) => invalid_argument(violations),
        Failure::Refused { article, reason, message } => {
            let metadata = HashMap::from([("article".to_owned(), article.to_owned())]);
            let details = ErrorDetails::with_error_info(reason, error_domain(service), metadata);
            Status::with_error_details(Code::FailedPrecondition, format!("{message} (art. {article})"), details)
        }
        Failure::NotFound { resource, id } => {
            let details = ErrorDetails::with_resource_info(resource, id.clone(), "", "");
            Status::with_error_details(Code::NotFound, format!("{resource} {id} not found"), details)
        }
        Failure::AlreadyExists { resource, id } => {
            let details = ErrorDetails::with_resource_info(resource, id.clone(), "", "");
            Status::with_error_details(Code::AlreadyExists, format!("{resource} {id} already exists"), details)
        }
        Failure::Conflict { message } => Status::aborted(message),
        Failure::Unavailable => {
            log_cause_chain(error);
            Status::unavailable("temporarily unavailable; retry")
        }
        Failure::Internal => {
            log_cause_chain(error);
            Status::internal("internal error")
        }
    }
}

/// `INVALID_ARGUMENT` with one `BadRequest` field violation per bad field.
pub fn invalid_argument(violations: &Violations) -> Status {
    let mut details = ErrorDetails::new();
    for v in violations.iter() {
        details.add_bad_request_violation(v.field.clone(), v.description.clone());
    }
    let fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
    Status::with_error_details(Code::InvalidArgument, format!("invalid fields: {}", fields.join(", ")), details)
}

/// Logs an error with every cause under it; the caller gets only a generic message.
pub fn log_cause_chain(error: &(dyn std::error::Error + 'static)) {
    tracing::error!(error = %error_chain(error), "request failed");
}

/// An error and every cause under it, joined by ": ".
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut chain = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push(cause.to_string());
        source = cause.source();
    }
    chain.join(": ")
}

/// The values of a request's parsed fields, or (returning from the handler) `INVALID_ARGUMENT`
/// with every violation. Each value is an `Option` that is `Some` exactly when its field parsed;
/// a failed parse recorded its violation.
///
/// `let (id, date) = parsed_or_invalid!(violations; id, date);`
#[macro_export]
macro_rules! parsed_or_invalid {
    ($violations:expr; $($value:ident),+ $(,)?) => {
        match ($($value,)+) {
            ($(Some($value),)+) if $violations.is_empty() => ($($value,)+),
            _ => return Err($crate::status::invalid_argument(&$violations)),
        }
    };
}
