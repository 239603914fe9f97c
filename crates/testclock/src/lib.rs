//! The shared test clock, in the spirit of Kill Bill's test mode and Stripe's test clocks.
//!
//! With `PACTUM_TEST_CLOCK=1` every service reads its business time from the key `now` of one
//! NATS key-value bucket, [`BUCKET`], instead of the system time: a watch on the key moves each
//! service's [`Clock`] within moments of a `SetTime` on any of them, and tells its daily jobs
//! to catch up. The time stands still between two `SetTime` calls; before the first one the
//! services run on the system time. Production configuration never sets the variable.

mod grpc;

use std::{sync::Arc, time::Duration};

use async_nats::jetstream::{
    self,
    kv::{self, Operation},
};
use chrono::{DateTime, Utc};
use futures::StreamExt as _;
use pactum_domain::{
    Clock,
    calendar::{EARLIEST_DATE, LATEST_DATE, date_in_amsterdam},
    clock::{HeldTime, TimeSource as _},
};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

pub use grpc::TestClockGrpc;

/// The key-value bucket every service's test clock follows.
pub const BUCKET: &str = "PACTUM_TEST_CLOCK";
const KEY: &str = "now";
/// How often a racing `SetTime` re-reads the bucket before giving up.
const SET_ATTEMPTS: usize = 16;

/// Why the time could not be set.
#[derive(Debug, thiserror::Error)]
pub enum SetTimeError {
    /// The clock only moves forward once set (scheduled work cannot be undone).
    #[error("the test clock holds {held}; it cannot be set back to {requested}")]
    Backwards { held: DateTime<Utc>, requested: DateTime<Utc> },
    #[error("{0} is outside the dates the platform accepts ({EARLIEST_DATE} to {LATEST_DATE})")]
    OutOfRange(DateTime<Utc>),
    #[error("the test clock bucket is unreachable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("the test clock kept changing under {SET_ATTEMPTS} attempts to set it")]
    Contended,
}

/// One service's view of the shared test clock.
#[derive(Debug)]
pub struct SharedTestClock {
    held: Arc<HeldTime>,
    /// Ticks each time `held` moves (the time itself is read from `held`).
    changes: watch::Sender<()>,
    jetstream: jetstream::Context,
}

impl SharedTestClock {
    pub fn new(jetstream: jetstream::Context) -> Arc<Self> {
        let (changes, _) = watch::channel(());
        Arc::new(Self { held: Arc::new(HeldTime::default()), changes, jetstream })
    }

    /// The clock the service's use cases read.
    pub fn clock(&self) -> Clock {
        Clock::from_source(self.held.clone())
    }

    /// Fires each time the held time moves.
    pub fn changes(&self) -> watch::Receiver<()> {
        self.changes.subscribe()
    }

    fn hold(&self, at: DateTime<Utc>) {
        if self.held.held().is_none_or(|held| held < at) {
            self.held.set(at);
            self.changes.send_replace(());
            tracing::info!(time = %at, today = %date_in_amsterdam(at), "test clock moved");
        }
    }

    /// The bucket, created on first use. Its stream is created with the key-value layout the
    /// client library uses (`KV_<bucket>`, one value per key, roll-ups, direct gets) rather than
    /// through `create_key_value`, whose account query cannot read nats-server 2.9's answer
    /// (Debian's package); creating an identical stream twice is a no-op, so racing services
    /// agree.
    async fn bucket(&self) -> Result<kv::Store, SetTimeError> {
        let unavailable = |e: Box<dyn std::error::Error + Send + Sync>| SetTimeError::Unavailable(e);
        if let Ok(store) = self.jetstream.get_key_value(BUCKET).await {
            return Ok(store);
        }
        let stream = jetstream::stream::Config {
            name: format!("KV_{BUCKET}"),
            subjects: vec![format!("$KV.{BUCKET}.>")],
            max_messages_per_subject: 1,
            allow_rollup: true,
            deny_delete: true,
            allow_direct: true,
            discard: jetstream::stream::DiscardPolicy::New,
            num_replicas: 1,
            ..Default::default()
        };
        // Services starting together race to create it; the loser finds it on the next look.
        let mut attempts = 0;
        loop {
            let created = self.jetstream.get_or_create_stream(stream.clone()).await;
            match self.jetstream.get_key_value(BUCKET).await {
                Ok(store) => return Ok(store),
                Err(e) if attempts >= 2 => {
                    return Err(match created {
                        Err(created) => unavailable(created.into()),
                        Ok(_) => unavailable(e.into()),
                    });
                }
                Err(_) => attempts += 1,
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Follows the bucket until `shutdown`: the time held there becomes this service's time.
    /// While NATS is away it keeps the time it had and tries again.
    pub async fn follow(self: Arc<Self>, shutdown: CancellationToken) {
        loop {
            let followed = async {
                let bucket = self.bucket().await?;
                let mut watch =
                    bucket.watch_with_history(KEY).await.map_err(|e| SetTimeError::Unavailable(e.into()))?;
                while let Some(entry) = watch.next().await {
                    let entry = entry.map_err(|e| SetTimeError::Unavailable(e.into()))?;
                    if entry.operation == Operation::Put {
                        match decode(&entry.value) {
                            Some(at) => self.hold(at),
                            None => tracing::warn!(value = ?entry.value, "test clock bucket holds no time"),
                        }
                    }
                }
                Ok::<(), SetTimeError>(())
            };
            tokio::select! {
                result = followed => if let Err(error) = result {
                    tracing::warn!(error = %pactum_platform::status::error_chain(&error), "following the test clock failed; retrying");
                },
                () = shutdown.cancelled() => return,
            }
            tokio::select! {
                () = tokio::time::sleep(Duration::from_millis(500)) => {}
                () = shutdown.cancelled() => return,
            }
        }
    }

    /// Sets the shared time: any time the first time, never earlier than the held time after.
    pub async fn set(&self, at: DateTime<Utc>) -> Result<DateTime<Utc>, SetTimeError> {
        let day = date_in_amsterdam(at);
        if day < EARLIEST_DATE || day > LATEST_DATE {
            return Err(SetTimeError::OutOfRange(at));
        }
        let bucket = self.bucket().await?;
        let value = encode(at);
        for _ in 0..SET_ATTEMPTS {
            let written = match current(&bucket).await? {
                None => bucket
                    .create(KEY, value.clone().into())
                    .await
                    .map_err(|e| e.kind() == kv::CreateErrorKind::AlreadyExists),
                Some(entry) => {
                    if let Some(held) = decode(&entry.value).filter(|held| *held > at) {
                        return Err(SetTimeError::Backwards { held, requested: at });
                    }
                    bucket
                        .update(KEY, value.clone().into(), entry.revision)
                        .await
                        .map_err(|e| e.kind() == kv::UpdateErrorKind::WrongLastRevision)
                }
            };
            match written {
                Ok(_) => {
                    self.hold(at);
                    return Ok(at);
                }
                // Another SetTime won the race: judge this one against what it wrote.
                Err(true) => continue,
                Err(false) => {
                    return Err(SetTimeError::Unavailable("the test clock bucket refused the write".into()));
                }
            }
        }
        Err(SetTimeError::Contended)
    }

    /// Holds `at` in the bucket unless it holds a time already (a test's starting point, which
    /// never moves a clock another service already set). Returns what the bucket holds.
    pub async fn initialize(&self, at: DateTime<Utc>) -> Result<DateTime<Utc>, SetTimeError> {
        let bucket = self.bucket().await?;
        match bucket.create(KEY, encode(at).into()).await {
            Ok(_) => Ok(at),
            Err(e) if e.kind() == kv::CreateErrorKind::AlreadyExists => {
                current(&bucket).await?.and_then(|e| decode(&e.value)).ok_or(SetTimeError::Contended)
            }
            Err(e) => Err(SetTimeError::Unavailable(e.into())),
        }
    }

    /// The time this service reads now.
    pub fn now(&self) -> DateTime<Utc> {
        self.held.now()
    }
}

/// The key's current value, if a time was put there (the bucket keeps one value per key).
async fn current(bucket: &kv::Store) -> Result<Option<kv::Entry>, SetTimeError> {
    let entry = bucket.entry(KEY).await.map_err(|e| SetTimeError::Unavailable(e.into()))?;
    Ok(entry.filter(|e| e.operation == Operation::Put))
}

fn encode(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}

fn decode(value: &[u8]) -> Option<DateTime<Utc>> {
    let text = std::str::from_utf8(value).ok()?;
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_round_trip_through_the_bucket() {
        let at = Utc.with_ymd_and_hms(2027, 1, 1, 8, 30, 0).unwrap() + chrono::Duration::nanoseconds(123);
        assert_eq!(decode(encode(at).as_bytes()), Some(at));
        assert_eq!(decode(b"not a time"), None);
    }
}
