//! How to call Pactum.
//!
//! Every write takes a `request_id` (AIP-155), so a write sent again after `UNAVAILABLE` (a
//! replica gone, a rollout, a reply lost after the commit) gets the first answer and never
//! does its work twice. Pactum therefore publishes a gRPC service config, [`SERVICE_CONFIG`],
//! that retries `UNAVAILABLE` with bounded attempts and exponential backoff with full jitter;
//! gRPC clients that read service configs (grpc-go, grpc-java, grpc-core) use it as it is.
//! [`RetryPolicy`] is the same policy for Rust callers (tonic reads no service config): the
//! project's own tools and tests call through it.
//!
//! A write retried must carry the same `request_id` on every attempt: choose it once, before
//! the first attempt.

use std::{
    collections::hash_map::RandomState,
    future::Future,
    hash::{BuildHasher, Hasher},
    time::Duration,
};

use tonic::{Code, Status};

/// The gRPC service config Pactum publishes for its four services.
pub const SERVICE_CONFIG: &str = include_str!("service-config.json");

/// Retry on `UNAVAILABLE`: at most `max_attempts` calls in all, the n-th retry after a random
/// wait of up to `min(initial_backoff * multiplier^(n-1), max_backoff)` (gRPC A6 retries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    pub multiplier: u32,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceConfig {
    method_config: Vec<MethodConfig>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct MethodConfig {
    retry_policy: Option<RawPolicy>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPolicy {
    max_attempts: u32,
    initial_backoff: String,
    max_backoff: String,
    backoff_multiplier: u32,
    retryable_status_codes: Vec<String>,
}

/// A protobuf JSON duration with whole milliseconds at most, e.g. "0.1s" or "5s".
fn duration(raw: &str) -> Result<Duration, String> {
    let seconds = raw.strip_suffix('s').ok_or_else(|| format!("{raw:?} is not a duration like \"0.5s\""))?;
    let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, ""));
    if fraction.len() > 3 || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("{raw:?}: at most three decimals"));
    }
    let whole: u64 = whole.parse().map_err(|_| format!("{raw:?} is not a duration"))?;
    let millis: u64 = format!("{fraction:0<3}").parse().map_err(|_| format!("{raw:?} is not a duration"))?;
    Ok(Duration::from_secs(whole) + Duration::from_millis(millis))
}

impl RetryPolicy {
    /// The policy of [`SERVICE_CONFIG`].
    pub fn published() -> Self {
        #[allow(clippy::expect_used)]
        Self::from_service_config(SERVICE_CONFIG).expect("the published service config is valid (tested)")
    }

    /// The retry policy of the first method config that has one; only `UNAVAILABLE` may be
    /// retried (a write without a request id is safe to retry on nothing else).
    pub fn from_service_config(json: &str) -> Result<Self, String> {
        let config: ServiceConfig = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let raw = config
            .method_config
            .into_iter()
            .find_map(|m| m.retry_policy)
            .ok_or("the service config has no retryPolicy")?;
        if raw.retryable_status_codes != ["UNAVAILABLE"] {
            return Err("only UNAVAILABLE is retried".into());
        }
        if !(2..=5).contains(&raw.max_attempts) || raw.backoff_multiplier == 0 {
            return Err("maxAttempts must be 2 to 5 (gRPC caps it at 5), backoffMultiplier positive".into());
        }
        Ok(Self {
            max_attempts: raw.max_attempts,
            initial_backoff: duration(&raw.initial_backoff)?,
            max_backoff: duration(&raw.max_backoff)?,
            multiplier: raw.backoff_multiplier,
        })
    }

    /// The most a caller waits before retry `retry` (1 for the first retry).
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = self.multiplier.saturating_pow(retry.saturating_sub(1));
        self.initial_backoff.saturating_mul(factor).min(self.max_backoff)
    }

    /// Calls `call(attempt)` (attempt 0, 1, …) until it succeeds, fails with anything but
    /// `UNAVAILABLE`, or the attempts run out; waits a random part of [`Self::ceiling`] between.
    /// A caller with several replicas may pick one per attempt.
    pub async fn run<T, F, Fut>(&self, mut call: F) -> Result<T, Status>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, Status>>,
    {
        let mut attempt = 0;
        loop {
            match call(attempt).await {
                Err(status) if unavailable(&status) && attempt + 1 < self.max_attempts => {
                    attempt += 1;
                    let wait = jitter(self.ceiling(attempt));
                    tracing::debug!(attempt, wait_ms = wait.as_millis(), %status, "retrying an UNAVAILABLE call");
                    tokio::time::sleep(wait).await;
                }
                other => return other,
            }
        }
    }
}

/// `UNAVAILABLE`, or a connection lost during the call: gRPC's own clients report that as
/// `UNAVAILABLE`, tonic as `UNKNOWN` with the transport error as its source.
fn unavailable(status: &Status) -> bool {
    use std::error::Error as _;
    status.code() == Code::Unavailable
        || (status.code() == Code::Unknown
            && status.source().is_some_and(|source| source.is::<tonic::transport::Error>()))
}

/// A uniformly random duration up to `ceiling` ("full jitter"), from the standard library's
/// randomly keyed hasher: spreading retries needs no cryptographic randomness.
fn jitter(ceiling: Duration) -> Duration {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(0);
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(hasher.finish() % nanos.saturating_add(1))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[test]
    fn the_published_config_parses_and_bounds_the_waits() {
        let policy = RetryPolicy::published();
        assert_eq!(policy.max_attempts, 5);
        assert_eq!(policy.ceiling(1), Duration::from_millis(100));
        assert_eq!(policy.ceiling(3), Duration::from_millis(400));
        assert_eq!(policy.ceiling(30), Duration::from_secs(5));
        assert!((0..100).all(|_| jitter(policy.ceiling(2)) <= Duration::from_millis(200)));
    }

    #[test]
    fn configs_that_retry_more_than_unavailable_are_refused() {
        let unsafe_codes = SERVICE_CONFIG.replace("[\"UNAVAILABLE\"]", "[\"UNAVAILABLE\", \"INTERNAL\"]");
        assert!(RetryPolicy::from_service_config(&unsafe_codes).is_err());
        assert!(duration("1.5s").is_ok_and(|d| d == Duration::from_millis(1500)));
        assert!(duration("1.5").is_err() && duration("0.0001s").is_err());
    }

    #[tokio::test]
    async fn unavailable_is_retried_until_the_attempts_run_out_and_nothing_else_is() {
        let policy = RetryPolicy { initial_backoff: Duration::from_millis(1), ..RetryPolicy::published() };
        let calls = AtomicU32::new(0);
        let result: Result<(), Status> = policy
            .run(|_| {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Err(Status::unavailable("down")) }
            })
            .await;
        assert_eq!((result.unwrap_err().code(), calls.load(Ordering::SeqCst)), (Code::Unavailable, 5));

        let calls = AtomicU32::new(0);
        let result: Result<(), Status> = policy
            .run(|_| {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Err(Status::failed_precondition("no")) }
            })
            .await;
        assert_eq!((result.unwrap_err().code(), calls.load(Ordering::SeqCst)), (Code::FailedPrecondition, 1));

        let answer = policy
            .run(|attempt| async move { if attempt < 2 { Err(Status::unavailable("down")) } else { Ok(attempt) } })
            .await;
        assert_eq!(answer.unwrap(), 2);
    }
}
