//! Reading what a JetStream stream holds, for assertions.

use std::time::Duration;

use async_nats::jetstream::{self, consumer::pull::OrderedConfig};
use tokio_stream::StreamExt;

/// How many messages `stream` holds; 0 when it does not exist yet.
pub async fn count(client: &async_nats::Client, stream: &str) -> u64 {
    let js = jetstream::new(client.clone());
    match js.get_stream(stream).await {
        Ok(mut s) => s.info().await.map(|i| i.state.messages).unwrap_or(0),
        Err(_) => 0,
    }
}

/// Every message `stream` holds, in stream order.
pub async fn messages(client: &async_nats::Client, stream: &str) -> Vec<jetstream::Message> {
    let expected = count(client, stream).await;
    if expected == 0 {
        return Vec::new();
    }
    let js = jetstream::new(client.clone());
    let consumer = js
        .get_stream(stream)
        .await
        .expect("stream exists")
        .create_consumer(OrderedConfig::default())
        .await
        .expect("ordered consumer");
    let mut incoming = consumer.messages().await.expect("message stream");
    let mut out = Vec::new();
    while (out.len() as u64) < expected {
        match tokio::time::timeout(Duration::from_secs(5), incoming.next()).await {
            Ok(Some(Ok(message))) => out.push(message),
            other => panic!("reading {stream}: expected {expected} messages, got {} then {other:?}", out.len()),
        }
    }
    out
}
