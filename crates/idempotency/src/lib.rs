//! Retry-safe writes (Google AIP-155) for every service.
//!
//! A caller names each write with a `request_id` (a UUID). The first call that succeeds records,
//! **in the transaction of its own effect**, the id, the method, a fingerprint of every other
//! field and the answer it gave; a retry with the same id and the same request gets that answer
//! back and does nothing, a retry with the same id and another request is refused (`ABORTED`).
//! Only success is recorded: a call that fails leaves nothing, and its retry is judged afresh.
//! Concurrent calls with one id are serialized by the record's primary key, so the work is done
//! once whichever replica they reach.
//!
//! The pieces, from the edge inwards:
//! - [`RequestIds`] turns a request's `request_id` into a [`RequestKey`] at the gRPC edge
//!   (a malformed id is a field violation);
//! - [`Once`] carries the key with the way to encode the answer down to the store, which
//!   [`claim`]s the id first in its transaction and [`remember`]s the answer before it commits;
//! - [`Outcome`] comes back up: the work [`Outcome::Done`], or the first answer
//!   [`Outcome::Replayed`], which [`reply`] turns into the gRPC response either way;
//! - [`RequestLog`] serves the jobs whose work spans many transactions and is idempotent by
//!   itself (renewals, billing, dunning), and deletes records past their retention.
//!
//! The table lives in each service's own schema: [`MIGRATOR`] is merged into the service's
//! migrations by the host.

mod grpc;
mod key;
mod once;
mod postgres;

pub use grpc::{job, once, reply};
pub use key::{RequestIds, RequestKey};
pub use once::{Once, Outcome};
pub use postgres::{ClaimError, MIGRATOR, RequestLog, Reused, claim, finish, pause_after_commit, remember};

/// [`claim`]s the request id of `once` (an `Option<Once<_>>`) in the transaction `tx`, and returns from the enclosing store
/// method with [`Outcome::Replayed`] when the same request was answered before. Errors go
/// through `?`, so the method's error type must convert from [`ClaimError`].
#[macro_export]
macro_rules! replay_if_answered {
    ($tx:expr, $once:expr) => {
        if let Some(answer) = $crate::claim(&mut $tx, $once.as_ref().map($crate::Once::key)).await? {
            return Ok($crate::Outcome::Replayed(answer));
        }
    };
}
