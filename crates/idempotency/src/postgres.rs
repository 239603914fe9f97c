//! The record of request ids in the service's own schema.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool, migrate::Migrator};
use uuid::Uuid;

use crate::{Once, RequestKey};

/// The `request_ids` table, created in the schema of the service whose migrations it joins.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// A request id used before for another request: another method, or other fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "request_id {id} was already used for another request ({method} at {at}); use a new request_id for a new request"
)]
pub struct Reused {
    pub id: Uuid,
    pub method: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    #[error(transparent)]
    Reused(#[from] Reused),
    #[error("cannot read or write the record of request ids")]
    Storage(#[source] sqlx::Error),
}

impl From<sqlx::Error> for ClaimError {
    fn from(error: sqlx::Error) -> Self {
        Self::Storage(error)
    }
}

/// Claims the request's id in the transaction `tx` belongs to, before the write reads anything.
/// `Ok(None)`: the request is new (or has no id): do the work, then [`remember`] its answer.
/// `Ok(Some(answer))`: the same request succeeded before; answer this, do nothing.
///
/// A concurrent call with the same id waits here, on the record's primary key, until the first
/// commits (and then replays its answer) or rolls back (and then does the work itself).
pub async fn claim(tx: &mut PgConnection, key: Option<&RequestKey>) -> Result<Option<Vec<u8>>, ClaimError> {
    let Some(key) = key else { return Ok(None) };
    // A record deleted by retention between the insert and the read is claimed again.
    for _ in 0..2 {
        let inserted = sqlx::query(
            "INSERT INTO request_ids (request_id, method, fingerprint, answer, recorded_at) \
             VALUES ($1, $2, $3, '', $4) ON CONFLICT (request_id) DO NOTHING",
        )
        .bind(key.id())
        .bind(key.method())
        .bind(&key.fingerprint()[..])
        .bind(key.at())
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(None);
        }
        if let Some(answer) = earlier(tx, key).await? {
            return Ok(Some(answer));
        }
    }
    Err(ClaimError::Storage(sqlx::Error::RowNotFound))
}

#[derive(sqlx::FromRow)]
struct Recorded {
    method: String,
    fingerprint: Vec<u8>,
    answer: Vec<u8>,
    recorded_at: DateTime<Utc>,
}

/// The answer recorded for `key`'s id: `Ok(None)` when there is no record, [`Reused`] when the
/// record is of another request.
async fn earlier(conn: &mut PgConnection, key: &RequestKey) -> Result<Option<Vec<u8>>, ClaimError> {
    let row: Option<Recorded> =
        sqlx::query_as("SELECT method, fingerprint, answer, recorded_at FROM request_ids WHERE request_id = $1")
            .bind(key.id())
            .fetch_optional(&mut *conn)
            .await?;
    match row {
        None => Ok(None),
        Some(r) if r.method == key.method() && r.fingerprint == key.fingerprint() => Ok(Some(r.answer)),
        Some(r) => Err(Reused { id: key.id(), method: r.method, at: r.recorded_at }.into()),
    }
}

/// Records the answer to `value` for the id [`claim`] took, in the same transaction.
pub async fn remember<T>(tx: &mut PgConnection, once: Option<Once<T>>, value: &T) -> Result<(), sqlx::Error> {
    let Some(once) = once else { return Ok(()) };
    let (key, answer) = once.answer(value);
    sqlx::query("UPDATE request_ids SET answer = $2 WHERE request_id = $1")
        .bind(key.id())
        .bind(answer)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The record as a whole: for the jobs whose work spans many transactions, and for retention.
#[derive(Debug, Clone)]
pub struct RequestLog {
    pool: PgPool,
}

impl RequestLog {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// The answer recorded for `key`'s id, if any ([`Reused`] when it is of another request).
    pub async fn answered(&self, key: &RequestKey) -> Result<Option<Vec<u8>>, ClaimError> {
        let mut conn = self.pool.acquire().await?;
        earlier(&mut conn, key).await
    }

    /// Records the answer of a job that is done, in a transaction of its own. A job is
    /// idempotent by its state (a second run finds nothing left to do), so the record only
    /// keeps the answer; if a concurrent run with the same id recorded first, its answer is
    /// returned and this one is dropped.
    pub async fn record<T: 'static>(&self, once: Once<T>, value: &T) -> Result<Option<Vec<u8>>, ClaimError> {
        let mut tx = self.pool.begin().await?;
        if let Some(answer) = claim(&mut tx, Some(once.key())).await? {
            return Ok(Some(answer));
        }
        remember(&mut tx, Some(once), value).await?;
        tx.commit().await?;
        Ok(None)
    }

    /// Deletes the records made before `cutoff`; returns how many.
    pub async fn forget_before(&self, cutoff: DateTime<Utc>) -> Result<u64, sqlx::Error> {
        let deleted =
            sqlx::query("DELETE FROM request_ids WHERE recorded_at < $1").bind(cutoff).execute(&self.pool).await?;
        Ok(deleted.rows_affected())
    }
}

/// Ends a write: [`remember`]s the answer to `value` and commits, in that order.
pub async fn finish<T>(
    mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
    once: Option<Once<T>>,
    value: T,
) -> Result<crate::Outcome<T>, sqlx::Error> {
    let method = once.as_ref().map(|o| o.key().method());
    remember(&mut tx, once, &value).await?;
    tx.commit().await?;
    if let Some(method) = method
        && PAUSE_AFTER_COMMIT.get().is_some_and(|paused| paused == method)
    {
        tracing::warn!(method, "test fault point: committed, and never replying");
        std::future::pending::<()>().await;
    }
    Ok(crate::Outcome::Done(value))
}

static PAUSE_AFTER_COMMIT: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// A test-only fault point: from now on, writes of `method` that carry a request id stop after
/// their commit and never reply (`PACTUM_TEST_PAUSE_AFTER_COMMIT`, with the test clock only),
/// so a fault test can kill the process between the commit and the reply.
pub fn pause_after_commit(method: String) {
    let _ = PAUSE_AFTER_COMMIT.set(method);
}
