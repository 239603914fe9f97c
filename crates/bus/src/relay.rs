//! Publishes committed outbox rows to JetStream, in commit order, and marks them sent only
//! after JetStream acknowledged them.

use std::time::Duration;

use async_nats::jetstream::{self, message::PublishMessage};
use chrono::{DateTime, Utc};
use sqlx::{PgPool, postgres::PgListener};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use pactum_platform::status::error_chain;

use crate::{event, outbox::notify_channel, stream};

/// Why a batch was not (wholly) published. The rows stay in the outbox and are tried again.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("outbox database error")]
    Database(#[from] sqlx::Error),
    #[error("JetStream publish failed")]
    Publish(#[from] jetstream::context::PublishError),
    #[error("JetStream stream unavailable")]
    Stream(#[from] jetstream::context::CreateStreamError),
}

#[derive(Debug, sqlx::FromRow)]
struct Pending {
    seq: i64,
    event_id: Uuid,
    event_type: String,
    source: String,
    subject: String,
    data_schema: String,
    occurred_at: DateTime<Utc>,
    payload: Vec<u8>,
    trace_context: Vec<String>,
}

/// The relay of one service's outbox.
#[derive(Debug, Clone)]
pub struct Relay {
    pool: PgPool,
    js: jetstream::Context,
    service: String,
    batch_size: i64,
    poll_interval: Duration,
    select_sql: String,
    mark_sql: String,
    purge_sql: String,
    lock_key: i64,
}

/// Published rows are kept this long for inspection, then purged.
const KEEP_PUBLISHED: &str = "7 days";

impl Relay {
    /// `service` is both the schema holding the outbox and the stream's service name.
    pub fn new(pool: PgPool, js: jetstream::Context, service: &str) -> Self {
        let table = format!("{}.outbox", pactum_platform::database::quote_identifier(service));
        Self {
            pool,
            js,
            service: service.to_owned(),
            batch_size: 500,
            poll_interval: Duration::from_millis(500),
            select_sql: format!(
                "SELECT seq, event_id, event_type, source, subject, data_schema, occurred_at, payload, trace_context \
                 FROM {table} WHERE published_at IS NULL ORDER BY seq LIMIT $1"
            ),
            mark_sql: format!("UPDATE {table} SET published_at = now() WHERE seq = ANY($1)"),
            purge_sql: format!("DELETE FROM {table} WHERE published_at < now() - interval '{KEEP_PUBLISHED}'"),
            // One publisher per service at a time keeps the stream in commit order even with
            // several replicas: they share this advisory lock.
            lock_key: lock_key(service),
        }
    }

    /// How often to look for events when no commit notification arrives (a safety net).
    #[must_use]
    pub fn with_poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    #[must_use]
    pub fn with_batch_size(mut self, size: i64) -> Self {
        self.batch_size = size.max(1);
        self
    }

    /// Publishes until `shutdown`, waking on every commit that wrote an event and every poll
    /// interval. While NATS or PostgreSQL is away it retries with growing delays (up to 30 s);
    /// nothing is lost meanwhile, the events wait in the outbox.
    pub async fn run(self, shutdown: CancellationToken) {
        let mut listener = self.listen().await;
        let mut stream_ready = false;
        let mut delay = Duration::from_millis(100);
        let mut last_purge = tokio::time::Instant::now();
        while !shutdown.is_cancelled() {
            if !stream_ready {
                match stream::ensure(&self.js, stream::service_stream(&self.service)).await {
                    Ok(_) => stream_ready = true,
                    Err(error) => {
                        tracing::warn!(%error, retry_in_ms = delay.as_millis(), "event stream not available; events wait in the outbox");
                        sleep_or_cancel(delay, &shutdown).await;
                        delay = (delay * 2).min(Duration::from_secs(30));
                        continue;
                    }
                }
            }
            match self.publish_batch().await {
                Ok(n) => {
                    delay = Duration::from_millis(100);
                    if i64::try_from(n).unwrap_or(i64::MAX) >= self.batch_size {
                        continue;
                    }
                }
                Err(error) => {
                    tracing::warn!(error = %error_chain(&error), retry_in_ms = delay.as_millis(), "outbox relay failed; events wait in the outbox");
                    stream_ready = !matches!(error, RelayError::Publish(_));
                    sleep_or_cancel(delay, &shutdown).await;
                    delay = (delay * 2).min(Duration::from_secs(30));
                    continue;
                }
            }
            if last_purge.elapsed() > Duration::from_secs(3600) {
                last_purge = tokio::time::Instant::now();
                if let Err(error) = sqlx::query(&self.purge_sql).execute(&self.pool).await {
                    tracing::warn!(%error, "purging published outbox rows failed");
                }
            }
            self.wait_for_work(&mut listener, &shutdown).await;
        }
        tracing::info!(service = %self.service, "outbox relay stopped");
    }

    async fn listen(&self) -> Option<PgListener> {
        let mut listener = PgListener::connect_with(&self.pool).await.ok()?;
        listener.listen(&notify_channel(&self.service)).await.ok()?;
        Some(listener)
    }

    async fn wait_for_work(&self, listener: &mut Option<PgListener>, shutdown: &CancellationToken) {
        let notified = async {
            match listener.as_mut() {
                Some(l) => {
                    if l.recv().await.is_err() {
                        // The listener reconnects by itself; until then the poll interval rules.
                        std::future::pending::<()>().await;
                    }
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = notified => {}
            () = tokio::time::sleep(self.poll_interval) => {}
            () = shutdown.cancelled() => {}
        }
    }

    /// Publishes up to one batch of pending events; returns how many were acknowledged.
    ///
    /// Publishes are pipelined and their acks awaited in order; only the acknowledged prefix is
    /// marked sent. A row published but not marked (a crash, a lost ack) is sent again later,
    /// and JetStream drops the copy by its `Nats-Msg-Id`.
    #[tracing::instrument(skip_all, fields(service = %self.service, published))]
    pub async fn publish_batch(&self) -> Result<usize, RelayError> {
        let mut tx = self.pool.begin().await?;
        let locked: bool =
            sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)").bind(self.lock_key).fetch_one(&mut *tx).await?;
        if !locked {
            return Ok(0);
        }
        let rows: Vec<Pending> = sqlx::query_as(&self.select_sql).bind(self.batch_size).fetch_all(&mut *tx).await?;
        if rows.is_empty() {
            return Ok(0);
        }

        let mut failure: Option<jetstream::context::PublishError> = None;
        let mut in_flight = Vec::with_capacity(rows.len());
        for row in &rows {
            let trace: Vec<(String, String)> = row
                .trace_context
                .iter()
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            let headers = event::headers(
                row.event_id,
                &row.event_type,
                &row.source,
                &row.subject,
                row.occurred_at,
                &row.data_schema,
                &trace,
            );
            let publish = PublishMessage::build().headers(headers).payload(row.payload.clone().into());
            match self.js.send_publish(row.event_type.clone(), publish).await {
                Ok(ack) => in_flight.push((row.seq, ack)),
                Err(error) => {
                    failure = Some(error);
                    break;
                }
            }
        }
        let mut published = Vec::with_capacity(in_flight.len());
        let mut duplicates = 0usize;
        for (seq, ack) in in_flight {
            match ack.await {
                Ok(ack) => {
                    duplicates += usize::from(ack.duplicate);
                    published.push(seq);
                }
                Err(error) => {
                    failure.get_or_insert(error);
                    break;
                }
            }
        }
        if !published.is_empty() {
            sqlx::query(&self.mark_sql).bind(&published).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        tracing::Span::current().record("published", published.len());
        if duplicates > 0 {
            tracing::info!(duplicates, "JetStream dropped re-sent events it already had");
        }
        match failure {
            Some(error) if published.is_empty() => Err(error.into()),
            Some(error) => {
                tracing::warn!(%error, published = published.len(), "batch partly published; the rest is retried");
                Ok(published.len())
            }
            None => Ok(published.len()),
        }
    }
}

fn lock_key(service: &str) -> i64 {
    // FNV-1a: stable across builds and platforms, unlike `DefaultHasher`.
    let hash =
        service.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    i64::from_ne_bytes(hash.to_ne_bytes())
}

async fn sleep_or_cancel(delay: Duration, shutdown: &CancellationToken) {
    tokio::select! {
        () = tokio::time::sleep(delay) => {}
        () = shutdown.cancelled() => {}
    }
}
