//! The transactional outbox: events are rows in the service's own `<schema>.outbox` table,
//! written in the same transaction as the state change they announce.

use std::sync::Arc;

use sqlx::PgConnection;

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
        let table = format!(
            "{}.outbox",
            pactum_platform::database::quote_identifier(schema)
        );
        Self {
            insert_sql: format!(
                "INSERT INTO {table} (event_id, event_type, source, subject, data_schema, occurred_at, payload, trace_context) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            )
            .into(),
            channel: notify_channel(schema).into(),
        }
    }

    /// Adds `event` to the transaction `tx` belongs to. The relay hears of it only when that
    /// transaction commits (`pg_notify` is transactional), and never when it rolls back.
    #[tracing::instrument(skip_all, fields(event.id = %event.id, event.type = event.event_type.name))]
    pub async fn enqueue(
        &self,
        tx: &mut PgConnection,
        event: &OutboxEvent,
    ) -> Result<(), sqlx::Error> {
        // The trace the change happened in travels with the event, so consumers continue it.
        let trace: Vec<String> = pactum_platform::propagation::current_context_headers()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        sqlx::query(&self.insert_sql)
            .bind(event.id)
            .bind(event.event_type.name)
            .bind(event.event_type.source())
            .bind(&event.subject)
            .bind(event.event_type.data_schema)
            .bind(event.time)
            .bind(&event.payload)
            .bind(&trace)
            .execute(&mut *tx)
            .await?;
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(&*self.channel)
            .execute(&mut *tx)
            .await?;
        Ok(())
    }
}

/// The `LISTEN` channel a service's relay is woken on.
pub fn notify_channel(schema: &str) -> String {
    format!("pactum_{schema}_outbox")
}
