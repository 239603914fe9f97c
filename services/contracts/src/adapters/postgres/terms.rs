//! Versions of the general terms and their acceptances.

use chrono::{DateTime, NaiveDate, Utc};
use pactum_bus::Outbox;
use pactum_domain::CustomerId;
use pactum_idempotency::{ClaimError, Once, Outcome, finish};
use sqlx::PgPool;
use uuid::Uuid;

use super::storage;
use crate::{
    adapters::events,
    application::terms::TermsStore,
    domain::terms::{TermsAcceptance, TermsError, TermsVersion},
};

#[derive(Debug, Clone)]
pub struct PgTerms {
    pool: PgPool,
    outbox: Outbox,
}

impl PgTerms {
    pub fn new(pool: PgPool, outbox: Outbox) -> Self {
        Self { pool, outbox }
    }
}

fn failed(error: sqlx::Error) -> TermsError {
    TermsError::Storage(storage(error))
}

impl From<ClaimError> for TermsError {
    fn from(error: ClaimError) -> Self {
        match error {
            ClaimError::Reused(reused) => Self::Reused(reused),
            ClaimError::Storage(error) => failed(error),
        }
    }
}

struct TermsRow {
    version: String,
    published_on: NaiveDate,
    effective_date: NaiveDate,
    materially_worse: bool,
    summary: String,
}

impl From<TermsRow> for TermsVersion {
    fn from(r: TermsRow) -> Self {
        Self {
            version: r.version,
            published_on: r.published_on,
            effective_date: r.effective_date,
            materially_worse: r.materially_worse,
            summary: r.summary,
        }
    }
}

struct AcceptanceRow {
    customer_id: Uuid,
    version: String,
    accepted_at: DateTime<Utc>,
    accepted_by: String,
    ip_address: String,
}

impl From<AcceptanceRow> for TermsAcceptance {
    fn from(r: AcceptanceRow) -> Self {
        Self {
            customer_id: CustomerId::from_uuid(r.customer_id),
            version: r.version,
            accepted_at: r.accepted_at,
            accepted_by: r.accepted_by,
            ip_address: r.ip_address,
        }
    }
}

impl TermsStore for PgTerms {
    #[tracing::instrument(skip_all, fields(terms.version = %terms.version))]
    async fn publish(
        &self,
        terms: TermsVersion,
        once: Option<Once<TermsVersion>>,
    ) -> Result<Outcome<TermsVersion>, TermsError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        let inserted = sqlx::query!(
            r#"INSERT INTO contracts.terms_versions (version, published_on, effective_date, materially_worse, summary)
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT (version) DO NOTHING"#,
            terms.version,
            terms.published_on,
            terms.effective_date,
            terms.materially_worse,
            terms.summary,
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?
        .rows_affected();
        if inserted == 0 {
            return Err(TermsError::AlreadyPublished(terms.version.clone()));
        }
        self.outbox.enqueue(&mut tx, &events::terms_published(&terms)).await.map_err(failed)?;
        finish(tx, once, terms).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(terms.version = %version))]
    async fn get(&self, version: &str) -> Result<Option<TermsVersion>, TermsError> {
        let row = sqlx::query_as!(
            TermsRow,
            "SELECT version, published_on, effective_date, materially_worse, summary FROM contracts.terms_versions WHERE version = $1",
            version
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(failed)?;
        Ok(row.map(TermsVersion::from))
    }

    #[tracing::instrument(skip_all)]
    async fn list(&self) -> Result<Vec<TermsVersion>, TermsError> {
        let rows = sqlx::query_as!(
            TermsRow,
            "SELECT version, published_on, effective_date, materially_worse, summary FROM contracts.terms_versions ORDER BY effective_date, version"
        )
        .fetch_all(&self.pool)
        .await
        .map_err(failed)?;
        Ok(rows.into_iter().map(TermsVersion::from).collect())
    }

    #[tracing::instrument(skip_all, fields(customer.id = %acceptance.customer_id, terms.version = %acceptance.version))]
    async fn accept(
        &self,
        acceptance: TermsAcceptance,
        once: Option<Once<TermsAcceptance>>,
    ) -> Result<Outcome<TermsAcceptance>, TermsError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        let customer = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM contracts.customers WHERE customer_id = $1) AS "exists!""#,
            acceptance.customer_id.as_uuid()
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(failed)?;
        if !customer {
            return Err(TermsError::CustomerNotFound(acceptance.customer_id));
        }
        let version = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM contracts.terms_versions WHERE version = $1) AS "exists!""#,
            acceptance.version
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(failed)?;
        if !version {
            return Err(TermsError::NotFound(acceptance.version.clone()));
        }
        let inserted = sqlx::query!(
            r#"INSERT INTO contracts.terms_acceptances (customer_id, version, accepted_at, accepted_by, ip_address)
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT (customer_id, version) DO NOTHING"#,
            acceptance.customer_id.as_uuid(),
            acceptance.version,
            acceptance.accepted_at,
            acceptance.accepted_by,
            acceptance.ip_address,
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?
        .rows_affected();
        if inserted == 0 {
            // Accepted before: the log keeps the first acceptance.
            let first = sqlx::query_as!(
                AcceptanceRow,
                r#"SELECT customer_id, version, accepted_at, accepted_by, ip_address
                   FROM contracts.terms_acceptances WHERE customer_id = $1 AND version = $2"#,
                acceptance.customer_id.as_uuid(),
                acceptance.version,
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(failed)?;
            return finish(tx, once, first.into()).await.map_err(failed);
        }
        self.outbox.enqueue(&mut tx, &events::terms_accepted(&acceptance)).await.map_err(failed)?;
        finish(tx, once, acceptance).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(customer.id = %customer_id))]
    async fn acceptances(&self, customer_id: CustomerId) -> Result<Vec<TermsAcceptance>, TermsError> {
        let rows = sqlx::query_as!(
            AcceptanceRow,
            r#"SELECT customer_id, version, accepted_at, accepted_by, ip_address
               FROM contracts.terms_acceptances WHERE customer_id = $1 ORDER BY accepted_at, version"#,
            customer_id.as_uuid(),
        )
        .fetch_all(&self.pool)
        .await
        .map_err(failed)?;
        Ok(rows.into_iter().map(TermsAcceptance::from).collect())
    }
}
