use std::time::Duration;

pub use async_nats::{Client as NatsClient, jetstream::Context as JetStream};

/// Connects to NATS without waiting for it: when the server is down the client keeps trying in
/// the background, the service starts anyway, and the outbox holds events until it is back.
pub async fn connect(url: &str, name: &str) -> Result<async_nats::Client, async_nats::ConnectError> {
    async_nats::ConnectOptions::new()
        .name(name)
        .retry_on_initial_connect()
        .connection_timeout(Duration::from_secs(5))
        .event_callback(|event| async move {
            tracing::info!(%event, "nats connection event");
        })
        .connect(url)
        .await
}

/// A JetStream context whose acknowledgements time out after `ack_timeout`, so a publish while
/// NATS is away fails (and is retried from the outbox) instead of hanging.
pub fn jetstream(client: async_nats::Client, ack_timeout: Duration) -> async_nats::jetstream::Context {
    let mut context = async_nats::jetstream::new(client);
    context.set_timeout(ack_timeout);
    context
}
