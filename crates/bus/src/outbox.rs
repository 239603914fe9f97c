//! The transactional outbox: events are rows in the service's own `<schema>.outbox` table,
//! written in the same transaction as the state change they announce.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::event::OutboxEvent;

/// Writes events into one service's outbox. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Outbox {
    insert_sql: Arc<str>,
    channel: Arc<str>,
}

impl Outbox {
    /// `schema` is the service's own PostgreSQL schema, which holds its `outbox` table.
    pub fn new(schema: &str) -> Self {
        let table = format!("{}.outbox", pactum_platform::database::quote_identifier(schema));
        Self {
            // WITH ORDINALITY and ORDER BY keep the events' order in their sequence numbers.
            insert_sql: format!(
                "INSERT INTO {table} (event_id, event_type, source, subject, data_schema, occurred_at, payload, trace_context) \
                 SELECT e.id, e.etype, e.src, e.subj, e.dschema, e.ts, e.payload, $8 \
                 FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::bytea[]) \
                 WITH ORDINALITY AS e(id, etype, src, subj, dschema, ts, payload, n) ORDER BY e.n"
            )
            .into(),
            channel: notify_channel(schema).into(),
        }
    }

    /// Adds `event` to the transaction `tx` belongs to. The relay hears of it only when that
    /// transaction commits (`pg_notify` is transactional), and never when it rolls back.
    pub async fn enqueue(&self, tx: &mut PgConnection, event: &OutboxEvent) -> Result<(), sqlx::Error> {
        self.enqueue_many(tx, std::slice::from_ref(event)).await
    }

    /// Adds `events`, in this order, with one statement.
    #[tracing::instrument(skip_all, fields(events = events.len()))]
    pub async fn enqueue_many(&self, tx: &mut PgConnection, events: &[OutboxEvent]) -> Result<(), sqlx::Error> {
        if events.is_empty() {
            return Ok(());
        }
        // The trace the change happened in travels with the events, so consumers continue it.
        let trace: Vec<String> = pactum_platform::propagation::current_context_headers()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let ids: Vec<Uuid> = events.iter().map(|e| e.id).collect();
        let types: Vec<&str> = events.iter().map(|e| e.event_type.name).collect();
        let sources: Vec<String> = events.iter().map(|e| e.event_type.source()).collect();
        let subjects: Vec<&str> = events.iter().map(|e| e.subject.as_str()).collect();
        let schemas: Vec<&str> = events.iter().map(|e| e.event_type.data_schema).collect();
        let times: Vec<DateTime<Utc>> = events.iter().map(|e| e.time).collect();
        let payloads: Vec<&[u8]> = events.iter().map(|e| e.payload.as_slice()).collect();
        sqlx::query(&self.insert_sql)
            .bind(&ids)
            .bind(&types)
            .bind(&sources)
            .bind(&subjects)
            .bind(&schemas)
            .bind(&times)
            .bind(&payloads)
            .bind(&trace)
            .execute(&mut *tx)
            .await?;
        sqlx::query("SELECT pg_notify($1, '')").bind(&*self.channel).execute(&mut *tx).await?;
        Ok(())
    }
}

/// The `LISTEN` channel a service's relay is woken on.
pub fn notify_channel(schema: &str) -> String {
    format!("pactum_{schema}_outbox")
}
