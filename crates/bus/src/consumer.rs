//! Durable, idempotent event consumers.
//!
//! Each processed event id is recorded in the consuming service's `<schema>.inbox` table in the
//! same transaction as the handler's effect: a redelivered event finds its id there and has no
//! second effect. A failing event is retried with growing delays; after `max_deliver` tries, or
//! at once when it can never succeed (a payload that does not decode), it is published to
//! `pactum.deadletter.<service>.<consumer>` and only then acknowledged.

use std::{future::Future, time::Duration};

use async_nats::jetstream::{self, AckKind, consumer::pull};
use futures::StreamExt;
use pactum_platform::{propagation, status::error_chain};
use pactum_proto::pactum::events::v1 as events;
use prost::Message as _;
use sqlx::{PgConnection, PgPool};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::{event::ReceivedEvent, stream};

/// What a handler does with one event, inside the transaction that records it as processed.
pub trait Handler: Send + Sync + 'static {
    fn handle<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a ReceivedEvent,
    ) -> impl Future<Output = Result<(), HandlerError>> + Send + 'a;
}

#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// The event can never be processed (it does not decode, it breaks an invariant): it goes
    /// to the dead-letter subject at once.
    #[error("event can never be processed: {0}")]
    Permanent(String),
    /// Worth another try later (the database was away, a lock timed out).
    #[error("event processing failed")]
    Transient(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<sqlx::Error> for HandlerError {
    fn from(error: sqlx::Error) -> Self {
        Self::Transient(Box::new(error))
    }
}

impl From<prost::DecodeError> for HandlerError {
    fn from(error: prost::DecodeError) -> Self {
        Self::Permanent(format!("payload does not decode: {error}"))
    }
}

/// Which events a consumer takes and how hard it tries.
#[derive(Debug, Clone)]
pub struct ConsumerSpec {
    /// The consuming service; its schema holds the inbox.
    pub service: &'static str,
    /// The durable consumer name, e.g. `notification-contacts`.
    pub durable_name: &'static str,
    /// The producing service whose stream is read, e.g. `contracts`.
    pub source_service: &'static str,
    /// e.g. `pactum.contracts.>`.
    pub filter_subject: &'static str,
    /// Deliveries before an event is dead-lettered.
    pub max_deliver: i64,
}

/// How one message ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Processed,
    /// Seen before: acknowledged with no second effect.
    Duplicate,
    /// Will be redelivered after a delay.
    Retrying,
    DeadLettered,
}

#[derive(Debug)]
pub struct Consumer<H> {
    pool: PgPool,
    js: jetstream::Context,
    spec: ConsumerSpec,
    handler: H,
    inbox_sql: String,
}

impl<H: Handler> Consumer<H> {
    pub fn new(pool: PgPool, js: jetstream::Context, spec: ConsumerSpec, handler: H) -> Self {
        let table = format!("{}.inbox", pactum_platform::database::quote_identifier(spec.service));
        let inbox_sql = format!(
            "INSERT INTO {table} (consumer, event_id, event_type) VALUES ($1, $2, $3) ON CONFLICT (consumer, event_id) DO NOTHING"
        );
        Self { pool, js, spec, handler, inbox_sql }
    }

    /// Consumes until `shutdown`; the message in hand is finished first (drain). Reconnects
    /// with growing delays while NATS is away.
    pub async fn run(self, shutdown: CancellationToken) {
        let mut delay = Duration::from_millis(200);
        while !shutdown.is_cancelled() {
            match self.consume(&shutdown).await {
                Ok(()) => break,
                Err(error) => {
                    tracing::warn!(consumer = self.spec.durable_name, error = %error_chain(error.as_ref()), retry_in_ms = delay.as_millis(), "consumer interrupted");
                    tokio::select! {
                        () = tokio::time::sleep(delay) => {}
                        () = shutdown.cancelled() => {}
                    }
                    delay = (delay * 2).min(Duration::from_secs(30));
                }
            }
        }
        tracing::info!(consumer = self.spec.durable_name, "consumer stopped");
    }

    async fn consume(&self, shutdown: &CancellationToken) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let source = stream::ensure(&self.js, stream::service_stream(self.spec.source_service)).await?;
        stream::ensure(&self.js, stream::dead_letter_stream()).await?;
        let consumer = source
            .get_or_create_consumer(
                self.spec.durable_name,
                pull::Config {
                    durable_name: Some(self.spec.durable_name.to_owned()),
                    filter_subject: self.spec.filter_subject.to_owned(),
                    ack_policy: jetstream::consumer::AckPolicy::Explicit,
                    ack_wait: Duration::from_secs(30),
                    max_deliver: self.spec.max_deliver + 1,
                    ..Default::default()
                },
            )
            .await?;
        let mut messages = consumer.messages().await?;
        tracing::info!(consumer = self.spec.durable_name, subject = self.spec.filter_subject, "consuming");
        loop {
            let next = tokio::select! {
                next = messages.next() => next,
                () = shutdown.cancelled() => return Ok(()),
            };
            match next {
                Some(Ok(message)) => {
                    self.process(&message).await?;
                }
                Some(Err(error)) => return Err(error.into()),
                None => return Err("message stream ended".into()),
            }
        }
    }

    /// Processes one message to its end: acked, nak'ed with a delay, or dead-lettered.
    pub async fn process(
        &self,
        message: &jetstream::Message,
    ) -> Result<Outcome, Box<dyn std::error::Error + Send + Sync>> {
        let delivered = message.info().map(|i| i.delivered).unwrap_or(1);
        let event = match ReceivedEvent::from_message(message.headers.as_ref(), message.payload.clone()) {
            Ok(event) => event,
            Err(error) => {
                self.dead_letter(message, None, delivered, &format!("not a Pactum CloudEvent: {error}")).await?;
                return Ok(Outcome::DeadLettered);
            }
        };
        let span = tracing::info_span!(
            "event.consume",
            otel.kind = "consumer",
            messaging.system = "nats",
            messaging.destination = %message.subject,
            consumer = self.spec.durable_name,
            event.id = %event.id,
            event.r#type = %event.event_type,
            delivered,
        );
        if let Some(headers) = message.headers.as_ref() {
            let keys: Vec<&str> = headers.iter().map(|(k, _)| k.as_ref()).collect();
            propagation::set_parent(&span, propagation::context_from(|k| headers.get(k).map(|v| v.as_str()), keys));
        }
        self.process_event(message, &event, delivered).instrument(span).await
    }

    async fn process_event(
        &self,
        message: &jetstream::Message,
        event: &ReceivedEvent,
        delivered: i64,
    ) -> Result<Outcome, Box<dyn std::error::Error + Send + Sync>> {
        let result = async {
            let mut tx = self.pool.begin().await?;
            let first_time = sqlx::query(&self.inbox_sql)
                .bind(self.spec.durable_name)
                .bind(event.id)
                .bind(&event.event_type)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if !first_time {
                return Ok(false);
            }
            self.handler.handle(&mut tx, event).await?;
            tx.commit().await?;
            Ok::<bool, HandlerError>(true)
        }
        .await;

        match result {
            Ok(true) => {
                message.ack().await?;
                Ok(Outcome::Processed)
            }
            Ok(false) => {
                tracing::info!("event already processed; acknowledged without effect");
                message.ack().await?;
                Ok(Outcome::Duplicate)
            }
            Err(HandlerError::Permanent(reason)) => {
                tracing::error!(%reason, "event can never be processed; dead-lettering");
                self.dead_letter(message, Some(event), delivered, &reason).await?;
                Ok(Outcome::DeadLettered)
            }
            Err(error) if delivered >= self.spec.max_deliver => {
                let reason = error_chain(&error);
                tracing::error!(%reason, delivered, "event failed on its last delivery; dead-lettering");
                self.dead_letter(message, Some(event), delivered, &reason).await?;
                Ok(Outcome::DeadLettered)
            }
            Err(error) => {
                let delay = retry_delay(delivered);
                tracing::warn!(error = %error_chain(&error), delivered, retry_in_ms = delay.as_millis(), "event failed; will retry");
                message.ack_with(AckKind::Nak(Some(delay))).await?;
                Ok(Outcome::Retrying)
            }
        }
    }

    async fn dead_letter(
        &self,
        message: &jetstream::Message,
        event: Option<&ReceivedEvent>,
        delivered: i64,
        reason: &str,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let envelope = event.map(|e| events::Envelope {
            id: e.id.to_string(),
            source: e.source.clone(),
            spec_version: crate::event::SPEC_VERSION.to_owned(),
            r#type: e.event_type.clone(),
            subject: e.subject.clone(),
            time: e.time.map(pactum_platform::wire::timestamp_to_wire),
            data_schema: e.data_schema.clone(),
            data: e.payload.to_vec(),
        });
        let letter = events::DeadLetter {
            event: Some(
                envelope.unwrap_or_else(|| events::Envelope { data: message.payload.to_vec(), ..Default::default() }),
            ),
            consumer: self.spec.durable_name.to_owned(),
            deliveries: u64::try_from(delivered).unwrap_or(0),
            reason: reason.to_owned(),
            dead_lettered_at: Some(pactum_platform::wire::timestamp_to_wire(chrono::Utc::now())),
        };
        let subject = format!("pactum.deadletter.{}.{}", self.spec.service, self.spec.durable_name);
        let msg_id = match event {
            Some(e) => format!("{}:{}", self.spec.durable_name, e.id),
            None => format!(
                "{}:{}:{}",
                self.spec.durable_name,
                message.subject,
                message.info().map(|i| i.stream_sequence).unwrap_or(0)
            ),
        };
        let mut headers = async_nats::HeaderMap::new();
        headers.insert(crate::event::header::MSG_ID, msg_id.as_str());
        headers.insert(crate::event::header::CONTENT_TYPE, "application/protobuf");
        // The dead letter is safe in its stream before the original is let go.
        self.js.publish_with_headers(subject, headers, letter.encode_to_vec().into()).await?.await?;
        message.ack_with(AckKind::Term).await?;
        Ok(())
    }
}

/// 1 s, 2 s, 4 s … capped at 60 s.
fn retry_delay(delivered: i64) -> Duration {
    let exponent = u32::try_from(delivered.clamp(1, 7) - 1).unwrap_or(0);
    Duration::from_secs(2u64.pow(exponent)).min(Duration::from_secs(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_grow_and_cap() {
        assert_eq!(retry_delay(1), Duration::from_secs(1));
        assert_eq!(retry_delay(2), Duration::from_secs(2));
        assert_eq!(retry_delay(4), Duration::from_secs(8));
        assert_eq!(retry_delay(100), Duration::from_secs(60));
    }
}
