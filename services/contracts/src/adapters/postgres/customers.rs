//! Customers.

use chrono::{DateTime, Utc};
use pactum_bus::Outbox;
use pactum_domain::{CustomerId, EmailAddress, KvkNumber, PostalAddress, language::Language};
use pactum_idempotency::{ClaimError, Once, Outcome, finish};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{corrupt, storage};
use crate::{
    adapters::events,
    application::customers::CustomerRepository,
    domain::customer::{Customer, CustomerError, CustomerName},
};

#[derive(Debug, Clone)]
pub struct PgCustomers {
    pool: PgPool,
    outbox: Outbox,
}

impl PgCustomers {
    pub fn new(pool: PgPool, outbox: Outbox) -> Self {
        Self { pool, outbox }
    }
}

fn failed(error: sqlx::Error) -> CustomerError {
    CustomerError::Storage(storage(error))
}

impl From<ClaimError> for CustomerError {
    fn from(error: ClaimError) -> Self {
        match error {
            ClaimError::Reused(reused) => Self::Reused(reused),
            ClaimError::Storage(error) => failed(error),
        }
    }
}

struct CustomerRow {
    customer_id: Uuid,
    name: String,
    kvk_number: String,
    primary_contact_email: String,
    street: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    country_code: Option<String>,
    created_at: DateTime<Utc>,
    contact_undeliverable_at: Option<DateTime<Utc>>,
    contact_undeliverable_reason: Option<String>,
    language: String,
}

impl TryFrom<CustomerRow> for Customer {
    type Error = CustomerError;

    /// Rows were validated on the way in; a row that no longer parses is a storage fault.
    fn try_from(row: CustomerRow) -> Result<Self, Self::Error> {
        let id = row.customer_id;
        let corrupt = |what: &str| CustomerError::Storage(corrupt(format!("customer {id} has an invalid {what}")));
        let postal_address = match (row.street, row.postal_code, row.city, row.country_code) {
            (Some(street), Some(postal_code), Some(city), Some(country)) => Some(
                PostalAddress::parse(&street, &postal_code, &city, &country).map_err(|_| corrupt("postal address"))?,
            ),
            _ => None,
        };
        Ok(Customer {
            id: CustomerId::from_uuid(row.customer_id),
            name: CustomerName::parse(&row.name).map_err(|_| corrupt("name"))?,
            kvk_number: KvkNumber::parse(&row.kvk_number).map_err(|_| corrupt("kvk_number"))?,
            primary_contact_email: EmailAddress::parse(&row.primary_contact_email)
                .map_err(|_| corrupt("primary_contact_email"))?,
            postal_address,
            created_at: row.created_at,
            contact_undeliverable: row.contact_undeliverable_at.zip(row.contact_undeliverable_reason),
            language: Language::parse(&row.language).map_err(|_| corrupt("language"))?,
        })
    }
}

/// Reads and locks one customer.
async fn lock(tx: &mut PgConnection, id: CustomerId) -> Result<Option<Customer>, CustomerError> {
    sqlx::query_as!(
        CustomerRow,
        r#"SELECT customer_id, name, kvk_number, primary_contact_email, street, postal_code, city, country_code, created_at,
                  contact_undeliverable_at, contact_undeliverable_reason, language
           FROM contracts.customers WHERE customer_id = $1 FOR UPDATE"#,
        id.as_uuid(),
    )
    .fetch_optional(&mut *tx)
    .await
    .map_err(failed)?
    .map(Customer::try_from)
    .transpose()
}

impl CustomerRepository for PgCustomers {
    #[tracing::instrument(skip_all, fields(customer.id = %customer.id, idempotent = once.is_some()))]
    async fn insert(
        &self,
        customer: &Customer,
        once: Option<Once<Customer>>,
    ) -> Result<Outcome<Customer>, CustomerError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        let address = customer.postal_address.as_ref();
        sqlx::query!(
            r#"INSERT INTO contracts.customers (customer_id, name, kvk_number, primary_contact_email, street, postal_code, city,
                                               country_code, created_at, language)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"#,
            customer.id.as_uuid(),
            customer.name.as_str(),
            customer.kvk_number.as_str(),
            customer.primary_contact_email.as_str(),
            address.map(PostalAddress::street),
            address.map(PostalAddress::postal_code),
            address.map(PostalAddress::city),
            address.map(PostalAddress::country_code),
            customer.created_at,
            customer.language.code(),
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
        self.outbox.enqueue(&mut tx, &events::customer_created(customer)).await.map_err(failed)?;
        finish(tx, once, customer.clone()).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(customer.id = %id))]
    async fn update_contact(
        &self,
        id: CustomerId,
        email: &EmailAddress,
        once: Option<Once<Customer>>,
    ) -> Result<Outcome<Customer>, CustomerError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        let mut customer = lock(&mut tx, id).await?.ok_or(CustomerError::NotFound(id))?;
        if customer.primary_contact_email == *email {
            return finish(tx, once, customer).await.map_err(failed);
        }
        let previous = std::mem::replace(&mut customer.primary_contact_email, email.clone());
        customer.contact_undeliverable = None;
        sqlx::query!(
            "UPDATE contracts.customers SET primary_contact_email = $2, contact_undeliverable_at = NULL,
                    contact_undeliverable_reason = NULL WHERE customer_id = $1",
            id.as_uuid(),
            email.as_str()
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
        self.outbox.enqueue(&mut tx, &events::customer_contact_changed(&customer, &previous)).await.map_err(failed)?;
        finish(tx, once, customer).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(customer.id = %id))]
    async fn update_address(
        &self,
        id: CustomerId,
        address: &PostalAddress,
        once: Option<Once<Customer>>,
    ) -> Result<Outcome<Customer>, CustomerError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        let mut customer = lock(&mut tx, id).await?.ok_or(CustomerError::NotFound(id))?;
        if customer.postal_address.as_ref() == Some(address) {
            return finish(tx, once, customer).await.map_err(failed);
        }
        customer.postal_address = Some(address.clone());
        sqlx::query!(
            "UPDATE contracts.customers SET street = $2, postal_code = $3, city = $4, country_code = $5 WHERE customer_id = $1",
            id.as_uuid(),
            address.street(),
            address.postal_code(),
            address.city(),
            address.country_code(),
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
        self.outbox.enqueue(&mut tx, &events::customer_address_changed(&customer)).await.map_err(failed)?;
        finish(tx, once, customer).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(customer.id = %id))]
    async fn get(&self, id: CustomerId) -> Result<Option<Customer>, CustomerError> {
        Ok(self.list_where(Some(id), None, 1).await?.pop())
    }

    #[tracing::instrument(skip_all, fields(limit))]
    async fn list(&self, after: Option<CustomerId>, limit: u32) -> Result<Vec<Customer>, CustomerError> {
        self.list_where(None, after, limit).await
    }
}

impl PgCustomers {
    async fn list_where(
        &self,
        id: Option<CustomerId>,
        after: Option<CustomerId>,
        limit: u32,
    ) -> Result<Vec<Customer>, CustomerError> {
        let rows = sqlx::query_as!(
            CustomerRow,
            r#"SELECT customer_id, name, kvk_number, primary_contact_email, street, postal_code, city, country_code, created_at,
                  contact_undeliverable_at, contact_undeliverable_reason, language
               FROM contracts.customers
               WHERE ($1::uuid IS NULL OR customer_id = $1) AND ($2::uuid IS NULL OR customer_id > $2)
               ORDER BY customer_id
               LIMIT $3"#,
            id.map(|i| i.as_uuid()),
            after.map(|a| a.as_uuid()),
            i64::from(limit),
        )
        .fetch_all(&self.pool)
        .await
        .map_err(failed)?;
        rows.into_iter().map(Customer::try_from).collect()
    }
}

/// Art. 14.20: what the notification service reports of an e-mail notice to `recipient`:
/// undeliverable (when, why) or delivered (`None`). Only while `recipient` is still the
/// customer's primary contact; in the consumer's transaction.
pub async fn record_contact_delivery(
    tx: &mut PgConnection,
    customer_id: Uuid,
    recipient: &str,
    undeliverable: Option<(DateTime<Utc>, &str)>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"UPDATE contracts.customers SET contact_undeliverable_at = $3, contact_undeliverable_reason = $4
           WHERE customer_id = $1 AND primary_contact_email = $2
             AND (contact_undeliverable_reason IS DISTINCT FROM $4 OR contact_undeliverable_at IS DISTINCT FROM $3)"#,
        customer_id,
        recipient,
        undeliverable.map(|(at, _)| at),
        undeliverable.map(|(_, reason)| reason),
    )
    .execute(tx)
    .await?;
    Ok(())
}
