//! The streams: one per producing service, and one for dead letters. Producer and consumers
//! both declare the stream they use with the same configuration, so start-up order does not
//! matter.

use std::time::Duration;

use async_nats::jetstream::{self, stream};

/// How long JetStream remembers message ids to drop duplicates. It bounds how long a relay may
/// be stuck between publishing and marking sent and still never double an event.
pub const DUPLICATE_WINDOW: Duration = Duration::from_secs(30 * 60);

/// Events are kept for subscribers that replay (new projections, audits).
pub const RETENTION: Duration = Duration::from_secs(365 * 24 * 3600);

/// The stream of a producing service: `PACTUM_CONTRACTS` for `pactum.contracts.>`.
pub fn service_stream(service: &str) -> stream::Config {
    stream::Config {
        name: stream_name(service),
        subjects: vec![format!("pactum.{service}.>")],
        description: Some(format!(
            "Events of the Pactum {service} service (CloudEvents, binary mode, protobuf payloads)"
        )),
        storage: stream::StorageType::File,
        retention: stream::RetentionPolicy::Limits,
        duplicate_window: DUPLICATE_WINDOW,
        max_age: RETENTION,
        ..Default::default()
    }
}

pub fn stream_name(service: &str) -> String {
    format!("PACTUM_{}", service.to_ascii_uppercase())
}

/// Where consumers put what they gave up on: `pactum.deadletter.<service>.<consumer>`.
pub fn dead_letter_stream() -> stream::Config {
    stream::Config {
        name: "PACTUM_DEADLETTER".to_owned(),
        subjects: vec!["pactum.deadletter.>".to_owned()],
        description: Some("Events a consumer could not process, wrapped in pactum.events.v1.DeadLetter".to_owned()),
        storage: stream::StorageType::File,
        retention: stream::RetentionPolicy::Limits,
        duplicate_window: DUPLICATE_WINDOW,
        max_age: RETENTION,
        ..Default::default()
    }
}

/// Creates the stream when it does not exist yet.
pub async fn ensure(
    js: &jetstream::Context,
    config: stream::Config,
) -> Result<stream::Stream, jetstream::context::CreateStreamError> {
    js.get_or_create_stream(config).await
}
