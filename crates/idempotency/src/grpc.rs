//! The gRPC edge of a retry-safe write.

use std::future::Future;

use prost::Message;
use tonic::{Response, Status};

use crate::{ClaimError, Once, Outcome, RequestKey, RequestLog};

/// The [`Once`] of a write whose response `to` makes from the result `T`, when the caller sent
/// a request id.
pub fn once<T, R, F>(key: Option<RequestKey>, to: F) -> Option<Once<T>>
where
    T: 'static,
    R: Message,
    F: FnOnce(&T) -> R + Send + 'static,
{
    key.map(|key| Once::new(key, move |value: &T| to(value).encode_to_vec()))
}

/// The response to a write: made by `to` when the work was done now, the recorded answer when
/// it was a retry.
pub fn reply<T, R, F>(outcome: Outcome<T>, to: F) -> Result<Response<R>, Status>
where
    R: Message + Default,
    F: FnOnce(&T) -> R,
{
    match outcome {
        Outcome::Done(value) => Ok(Response::new(to(&value))),
        Outcome::Replayed(answer) => decode(&answer),
    }
}

fn decode<R: Message + Default>(answer: &[u8]) -> Result<Response<R>, Status> {
    R::decode(answer).map(Response::new).map_err(|error| {
        tracing::error!(%error, "a recorded answer does not decode as this method's response");
        Status::internal("internal error")
    })
}

fn claim_status(error: ClaimError) -> Status {
    match error {
        ClaimError::Reused(reused) => Status::aborted(reused.to_string()),
        ClaimError::Storage(error) => {
            let chain: &dyn std::error::Error = &error;
            tracing::error!(error = chain, "the record of request ids failed");
            Status::unavailable("temporarily unavailable; retry")
        }
    }
}

/// Runs a job whose work spans many transactions and is idempotent by itself (a second run
/// finds nothing left to do) once per request id: a retry gets the first run's answer, even
/// while the first still runs elsewhere it gets at worst an answer of its own; `to` makes the
/// response from the job's result.
pub async fn job<T, R, F, Fut>(
    log: &RequestLog,
    key: Option<RequestKey>,
    run: Fut,
    to: F,
) -> Result<Response<R>, Status>
where
    T: 'static,
    R: Message + Default + 'static,
    F: Fn(&T) -> R + Send + Clone + 'static,
    Fut: Future<Output = Result<T, Status>>,
{
    if let Some(key) = &key
        && let Some(answer) = log.answered(key).await.map_err(claim_status)?
    {
        return decode(&answer);
    }
    let value = run.await?;
    if let Some(once) = once(key, to.clone())
        && let Some(first) = log.record(once, &value).await.map_err(claim_status)?
    {
        return decode(&first);
    }
    Ok(Response::new(to(&value)))
}
