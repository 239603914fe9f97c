//! Trials and agreements. A change locks its row, so racing changes to one contract are
//! serialized and the later one is judged on the earlier one's result.

use chrono::NaiveDate;
use pactum_bus::{Outbox, OutboxEvent};
use pactum_domain::{ContractId, CustomerId, Money, calendar::CivilPeriod};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{corrupt, storage, violates};
use crate::{
    adapters::events,
    application::contracts::{ContractStore, RenewalCounts},
    domain::contract::{
        BillingPeriod, Change, Contract, ContractError, ContractLine, ContractStatus, Decision, NewContract, NewTrial,
        PaymentMethod, article,
    },
};
use pactum_idempotency::{ClaimError, Once, Outcome, finish};

#[derive(Debug, Clone)]
pub struct PgContracts {
    pool: PgPool,
    outbox: Outbox,
}

impl PgContracts {
    pub fn new(pool: PgPool, outbox: Outbox) -> Self {
        Self { pool, outbox }
    }

    pub(super) async fn enqueue(&self, tx: &mut PgConnection, decisions: &[Decision]) -> Result<(), ContractError> {
        let events: Vec<OutboxEvent> = decisions.iter().map(events::contract_changed).collect();
        self.outbox.enqueue_many(tx, &events).await.map_err(failed)
    }
}

impl From<ClaimError> for ContractError {
    fn from(error: ClaimError) -> Self {
        match error {
            ClaimError::Reused(reused) => Self::Reused(reused),
            ClaimError::Storage(error) => failed(error),
        }
    }
}

pub(super) fn failed(error: sqlx::Error) -> ContractError {
    ContractError::Storage(storage(error))
}

/// A `contracts.contracts` row.
struct ContractRow {
    contract_id: Uuid,
    customer_id: Uuid,
    status: String,
    suspended: bool,
    suspension_effective_date: Option<NaiveDate>,
    suspension_announcement_sent_at: Option<chrono::DateTime<chrono::Utc>>,
    suspension_announcement_failure: Option<String>,
    access_block_pending: Option<String>,
    access_block_warning_sent_at: Option<chrono::DateTime<chrono::Utc>>,
    access_block_warning_failure: Option<String>,
    access_blocked: bool,
    start_date: NaiveDate,
    term_months: i32,
    term_index: i32,
    current_term_start: NaiveDate,
    current_term_end: NaiveDate,
    end_date: Option<NaiveDate>,
    end_article: Option<String>,
    trial_end_date: Option<NaiveDate>,
    billing_period: Option<String>,
    payment_method: Option<String>,
    line_product_codes: Vec<String>,
    line_quantities: Vec<i32>,
    line_unit_prices_cents: Vec<i64>,
    terms_version: Option<String>,
    force_majeure_since: Option<NaiveDate>,
    version: i64,
}

impl TryFrom<ContractRow> for Contract {
    type Error = ContractError;

    fn try_from(r: ContractRow) -> Result<Self, ContractError> {
        let id = r.contract_id;
        let bad = |what: &str| ContractError::Storage(corrupt(format!("contract {id} has an invalid {what}")));
        let lines = r
            .line_product_codes
            .into_iter()
            .zip(r.line_quantities)
            .zip(r.line_unit_prices_cents)
            .map(|((product_code, quantity), cents)| {
                Ok(ContractLine {
                    product_code,
                    quantity: u32::try_from(quantity).map_err(|_| bad("quantity"))?,
                    unit_price: Money::from_cents(cents),
                })
            })
            .collect::<Result<Vec<_>, ContractError>>()?;
        Ok(Contract {
            id: ContractId::from_uuid(r.contract_id),
            customer_id: CustomerId::from_uuid(r.customer_id),
            status: ContractStatus::parse(&r.status).ok_or_else(|| bad("status"))?,
            suspended: r.suspended,
            suspension_effective_date: r.suspension_effective_date,
            suspension_announcement_sent_at: r.suspension_announcement_sent_at,
            suspension_announcement_failure: r.suspension_announcement_failure,
            access_block_pending: r.access_block_pending,
            access_block_warning_sent_at: r.access_block_warning_sent_at,
            access_block_warning_failure: r.access_block_warning_failure,
            access_blocked: r.access_blocked,
            start_date: r.start_date,
            term_months: u32::try_from(r.term_months).map_err(|_| bad("term_months"))?,
            term_index: u32::try_from(r.term_index).map_err(|_| bad("term_index"))?,
            current_term: CivilPeriod::new(r.current_term_start, r.current_term_end)
                .ok_or_else(|| bad("current term"))?,
            end_date: r.end_date,
            end_article: r
                .end_article
                .as_deref()
                .map(|a| article::parse(a).ok_or_else(|| bad("end_article")))
                .transpose()?,
            trial_end_date: r.trial_end_date,
            billing_period: r
                .billing_period
                .as_deref()
                .map(|p| BillingPeriod::parse(p).ok_or_else(|| bad("billing_period")))
                .transpose()?,
            payment_method: r
                .payment_method
                .as_deref()
                .map(|p| PaymentMethod::parse(p).ok_or_else(|| bad("payment_method")))
                .transpose()?,
            lines,
            terms_version: r.terms_version,
            force_majeure_since: r.force_majeure_since,
            version: r.version,
        })
    }
}

fn int(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// Reads and locks one contract.
pub(super) async fn lock(tx: &mut PgConnection, id: ContractId) -> Result<Option<Contract>, ContractError> {
    sqlx::query_as!(
        ContractRow,
        r#"SELECT contract_id, customer_id, status, suspended, suspension_effective_date, suspension_announcement_sent_at,
                  suspension_announcement_failure, access_blocked, access_block_pending, access_block_warning_sent_at,
                  access_block_warning_failure, start_date,
                  term_months, term_index, current_term_start, current_term_end, end_date, end_article, trial_end_date,
                  billing_period, payment_method, line_product_codes, line_quantities, line_unit_prices_cents,
                  terms_version, force_majeure_since, version
           FROM contracts.contracts WHERE contract_id = $1 FOR UPDATE"#,
        id.as_uuid(),
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(failed)?
    .map(Contract::try_from)
    .transpose()
}

/// The customer's open trial, locked.
async fn lock_open_trial(tx: &mut PgConnection, customer_id: CustomerId) -> Result<Option<Contract>, ContractError> {
    let id = sqlx::query_scalar!(
        "SELECT contract_id FROM contracts.contracts WHERE customer_id = $1 AND status = 'trial' FOR UPDATE",
        customer_id.as_uuid()
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(failed)?;
    match id {
        Some(id) => lock(tx, ContractId::from_uuid(id)).await,
        None => Ok(None),
    }
}

async fn require_customer(tx: &mut PgConnection, customer_id: CustomerId) -> Result<(), ContractError> {
    let exists = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM contracts.customers WHERE customer_id = $1) AS "exists!""#,
        customer_id.as_uuid()
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(failed)?;
    if exists { Ok(()) } else { Err(ContractError::CustomerNotFound(customer_id)) }
}

async fn insert(tx: &mut PgConnection, c: &Contract) -> Result<(), sqlx::Error> {
    let codes: Vec<String> = c.lines.iter().map(|l| l.product_code.clone()).collect();
    let quantities: Vec<i32> = c.lines.iter().map(|l| int(l.quantity)).collect();
    let prices: Vec<i64> = c.lines.iter().map(|l| l.unit_price.cents()).collect();
    sqlx::query!(
        r#"INSERT INTO contracts.contracts (
               contract_id, customer_id, status, suspended, suspension_effective_date, access_blocked, start_date,
               term_months, term_index, current_term_start, current_term_end, end_date, end_article, trial_end_date,
               billing_period, payment_method, line_product_codes, line_quantities, line_unit_prices_cents,
               terms_version, force_majeure_since, version)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)"#,
        c.id.as_uuid(),
        c.customer_id.as_uuid(),
        c.status.as_str(),
        c.suspended,
        c.suspension_effective_date,
        c.access_blocked,
        c.start_date,
        int(c.term_months),
        int(c.term_index),
        c.current_term.first(),
        c.current_term.last(),
        c.end_date,
        c.end_article,
        c.trial_end_date,
        c.billing_period.map(BillingPeriod::as_str),
        c.payment_method.map(PaymentMethod::as_str),
        &codes,
        &quantities,
        &prices,
        c.terms_version.as_deref(),
        c.force_majeure_since,
        c.version,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Writes what the lifecycle can change. Customer, start, term length and lines never change.
pub(super) async fn save(tx: &mut PgConnection, c: &Contract) -> Result<(), ContractError> {
    sqlx::query!(
        r#"UPDATE contracts.contracts
           SET status = $2, suspended = $3, suspension_effective_date = $4, access_blocked = $5, term_index = $6,
               current_term_start = $7, current_term_end = $8, end_date = $9, end_article = $10,
               force_majeure_since = $11, version = $12, suspension_announcement_sent_at = $13,
               suspension_announcement_failure = $14, access_block_pending = $15, access_block_warning_sent_at = $16,
               access_block_warning_failure = $17, updated_at = now()
           WHERE contract_id = $1"#,
        c.id.as_uuid(),
        c.status.as_str(),
        c.suspended,
        c.suspension_effective_date,
        c.access_blocked,
        int(c.term_index),
        c.current_term.first(),
        c.current_term.last(),
        c.end_date,
        c.end_article,
        c.force_majeure_since,
        c.version,
        c.suspension_announcement_sent_at,
        c.suspension_announcement_failure,
        c.access_block_pending,
        c.access_block_warning_sent_at,
        c.access_block_warning_failure,
    )
    .execute(&mut *tx)
    .await
    .map_err(failed)?;
    Ok(())
}

impl ContractStore for PgContracts {
    #[tracing::instrument(skip_all, fields(customer.id = %trial.customer_id))]
    async fn create_trial(
        &self,
        trial: NewTrial,
        once: Option<Once<Contract>>,
    ) -> Result<Outcome<Contract>, ContractError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        require_customer(&mut tx, trial.customer_id).await?;
        let (contract, decisions) = trial.start(ContractId::new());
        match insert(&mut tx, &contract).await {
            Err(e) if violates(&e, "contracts_one_open_trial") => {
                return Err(ContractError::refused(
                    article::TRIAL,
                    "TRIAL_ALREADY_OPEN",
                    "the customer already has an open trial",
                ));
            }
            other => other.map_err(failed)?,
        }
        self.enqueue(&mut tx, &decisions).await?;
        finish(tx, once, contract).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(customer.id = %new.customer_id))]
    async fn sign(&self, new: NewContract, once: Option<Once<Contract>>) -> Result<Outcome<Contract>, ContractError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        require_customer(&mut tx, new.customer_id).await?;
        let published = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM contracts.terms_versions WHERE version = $1) AS "exists!""#,
            new.terms_version
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(failed)?;
        if !published {
            return Err(ContractError::refused(
                article::TERMS_CHANGE,
                "TERMS_VERSION_NOT_PUBLISHED",
                format!("terms version {} is not published", new.terms_version),
            ));
        }
        let trial = lock_open_trial(&mut tx, new.customer_id).await?;
        let id = ContractId::new();
        let (contract, mut decisions) = new.sign(id, trial.as_ref().map(|t| t.id))?;
        insert(&mut tx, &contract).await.map_err(failed)?;
        if let Some(mut trial) = trial {
            decisions.extend(trial.convert_trial(id)?);
            save(&mut tx, &trial).await?;
        }
        self.enqueue(&mut tx, &decisions).await?;
        finish(tx, once, contract).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(contract.id = %id))]
    async fn update<F>(
        &self,
        id: ContractId,
        change: F,
        once: Option<Once<Contract>>,
    ) -> Result<Outcome<Contract>, ContractError>
    where
        F: FnOnce(&mut Contract) -> Result<Vec<Decision>, ContractError> + Send,
    {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        let mut contract = lock(&mut tx, id).await?.ok_or(ContractError::NotFound(id))?;
        let decisions = change(&mut contract)?;
        if !decisions.is_empty() {
            save(&mut tx, &contract).await?;
            self.enqueue(&mut tx, &decisions).await?;
        }
        finish(tx, once, contract).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(%as_of, limit))]
    async fn catch_up_batch(
        &self,
        as_of: NaiveDate,
        after: Option<ContractId>,
        limit: u32,
    ) -> Result<RenewalCounts, ContractError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        let rows = sqlx::query_as!(
            ContractRow,
            r#"SELECT contract_id, customer_id, status, suspended, suspension_effective_date, suspension_announcement_sent_at,
                  suspension_announcement_failure, access_blocked, access_block_pending, access_block_warning_sent_at,
                  access_block_warning_failure, start_date,
                      term_months, term_index, current_term_start, current_term_end, end_date, end_article, trial_end_date,
                      billing_period, payment_method, line_product_codes, line_quantities, line_unit_prices_cents,
                      terms_version, force_majeure_since, version
               FROM contracts.contracts
               WHERE ($3::uuid IS NULL OR contract_id > $3)
                 AND ((status IN ('active', 'notice_given')
                       AND (current_term_end < $1 OR end_date < $1
                            OR (NOT suspended AND suspension_effective_date <= $1 AND suspension_announcement_sent_at IS NOT NULL)))
                      OR (status = 'trial' AND trial_end_date < $1))
               ORDER BY contract_id
               LIMIT $2
               FOR UPDATE SKIP LOCKED"#,
            as_of,
            i64::from(limit),
            after.map(|a| a.as_uuid()),
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(failed)?;

        let mut counts = RenewalCounts {
            contracts: rows.len() as u64,
            last: rows.last().map(|r| ContractId::from_uuid(r.contract_id)),
            ..RenewalCounts::default()
        };
        let mut changed = Vec::with_capacity(rows.len());
        let mut events = Vec::with_capacity(rows.len());
        for row in rows {
            let mut contract = Contract::try_from(row)?;
            let decisions = contract.catch_up(as_of);
            for d in &decisions {
                match d.change {
                    Change::Renewed { .. } => counts.renewed += 1,
                    Change::Terminated { .. } => counts.terminated += 1,
                    Change::TrialExpired => counts.trials_expired += 1,
                    Change::Suspended { .. } => counts.suspensions_effective += 1,
                    _ => {}
                }
                events.push(events::contract_changed(d));
            }
            if !decisions.is_empty() {
                changed.push(contract);
            }
        }
        if !changed.is_empty() {
            let ids: Vec<Uuid> = changed.iter().map(|c| c.id.as_uuid()).collect();
            let statuses: Vec<&str> = changed.iter().map(|c| c.status.as_str()).collect();
            let suspended: Vec<bool> = changed.iter().map(|c| c.suspended).collect();
            let term_index: Vec<i32> = changed.iter().map(|c| int(c.term_index)).collect();
            let starts: Vec<NaiveDate> = changed.iter().map(|c| c.current_term.first()).collect();
            let ends: Vec<NaiveDate> = changed.iter().map(|c| c.current_term.last()).collect();
            let versions: Vec<i64> = changed.iter().map(|c| c.version).collect();
            sqlx::query!(
                r#"UPDATE contracts.contracts AS c
                   SET status = u.status, suspended = u.suspended, term_index = u.term_index,
                       current_term_start = u.term_start, current_term_end = u.term_end, version = u.version, updated_at = now()
                   FROM UNNEST($1::uuid[], $2::text[], $3::bool[], $4::int[], $5::date[], $6::date[], $7::bigint[])
                        AS u(contract_id, status, suspended, term_index, term_start, term_end, version)
                   WHERE c.contract_id = u.contract_id"#,
                &ids,
                &statuses as &[&str],
                &suspended,
                &term_index,
                &starts,
                &ends,
                &versions,
            )
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
            self.outbox.enqueue_many(&mut tx, &events).await.map_err(failed)?;
        }
        tx.commit().await.map_err(failed)?;
        Ok(counts)
    }

    #[tracing::instrument(skip_all, fields(contract.id = %id))]
    async fn get(&self, id: ContractId) -> Result<Option<Contract>, ContractError> {
        Ok(self.list_where(Some(id), None, None, None, 1).await?.pop())
    }

    #[tracing::instrument(skip_all, fields(limit))]
    async fn list(
        &self,
        customer_id: Option<CustomerId>,
        status: Option<ContractStatus>,
        after: Option<ContractId>,
        limit: u32,
    ) -> Result<Vec<Contract>, ContractError> {
        self.list_where(None, customer_id, status, after, limit).await
    }
}

impl PgContracts {
    async fn list_where(
        &self,
        id: Option<ContractId>,
        customer_id: Option<CustomerId>,
        status: Option<ContractStatus>,
        after: Option<ContractId>,
        limit: u32,
    ) -> Result<Vec<Contract>, ContractError> {
        sqlx::query_as!(
            ContractRow,
            r#"SELECT contract_id, customer_id, status, suspended, suspension_effective_date, suspension_announcement_sent_at,
                  suspension_announcement_failure, access_blocked, access_block_pending, access_block_warning_sent_at,
                  access_block_warning_failure, start_date,
                      term_months, term_index, current_term_start, current_term_end, end_date, end_article, trial_end_date,
                      billing_period, payment_method, line_product_codes, line_quantities, line_unit_prices_cents,
                      terms_version, force_majeure_since, version
               FROM contracts.contracts
               WHERE ($1::uuid IS NULL OR contract_id = $1)
                 AND ($2::uuid IS NULL OR customer_id = $2)
                 AND ($3::text IS NULL OR status = $3)
                 AND ($4::uuid IS NULL OR contract_id > $4)
               ORDER BY contract_id
               LIMIT $5"#,
            id.map(|i| i.as_uuid()),
            customer_id.map(|c| c.as_uuid()),
            status.map(ContractStatus::as_str),
            after.map(|a| a.as_uuid()),
            i64::from(limit),
        )
        .fetch_all(&self.pool)
        .await
        .map_err(failed)?
        .into_iter()
        .map(Contract::try_from)
        .collect()
    }
}
