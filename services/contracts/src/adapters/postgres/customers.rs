//! Customers.

use chrono::{DateTime, Utc};
use pactum_bus::Outbox;
use pactum_domain::{CustomerId, EmailAddress, KvkNumber, PostalAddress};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{corrupt, storage};
use crate::{
    adapters::events,
    application::customers::{CustomerRepository, Inserted},
    domain::{
        customer::{Customer, CustomerError, CustomerName},
        request_id::RequestId,
    },
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
        })
    }
}

/// Reads and locks one customer.
async fn lock(tx: &mut PgConnection, id: CustomerId) -> Result<Option<Customer>, CustomerError> {
    sqlx::query_as!(
        CustomerRow,
        r#"SELECT customer_id, name, kvk_number, primary_contact_email, street, postal_code, city, country_code, created_at
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
    #[tracing::instrument(skip_all, fields(customer.id = %customer.id, idempotent = request_id.is_some()))]
    async fn insert(&self, customer: &Customer, request_id: Option<&RequestId>) -> Result<Inserted, CustomerError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        let address = customer.postal_address.as_ref();
        let inserted = sqlx::query_scalar!(
            r#"INSERT INTO contracts.customers (customer_id, name, kvk_number, primary_contact_email, street, postal_code, city,
                                               country_code, created_at, request_id)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
               ON CONFLICT (request_id) DO NOTHING
               RETURNING customer_id"#,
            customer.id.as_uuid(),
            customer.name.as_str(),
            customer.kvk_number.as_str(),
            customer.primary_contact_email.as_str(),
            address.map(PostalAddress::street),
            address.map(PostalAddress::postal_code),
            address.map(PostalAddress::city),
            address.map(PostalAddress::country_code),
            customer.created_at,
            request_id.map(RequestId::as_str),
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(failed)?;

        if inserted.is_none() {
            // The request id was used before: answer with what that call created, emit nothing.
            let existing = sqlx::query_scalar!(
                "SELECT customer_id FROM contracts.customers WHERE request_id = $1",
                request_id.map(RequestId::as_str)
            )
            .fetch_one(&mut *tx)
            .await
            .map_err(failed)?;
            let customer = lock(&mut tx, CustomerId::from_uuid(existing)).await?;
            return customer.map(Inserted::Existing).ok_or(CustomerError::NotFound(CustomerId::from_uuid(existing)));
        }

        self.outbox.enqueue(&mut tx, &events::customer_created(customer)).await.map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(Inserted::Created(customer.clone()))
    }

    #[tracing::instrument(skip_all, fields(customer.id = %id))]
    async fn update_contact(&self, id: CustomerId, email: &EmailAddress) -> Result<Option<Customer>, CustomerError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        let Some(mut customer) = lock(&mut tx, id).await? else { return Ok(None) };
        if customer.primary_contact_email == *email {
            return Ok(Some(customer));
        }
        let previous = std::mem::replace(&mut customer.primary_contact_email, email.clone());
        sqlx::query!(
            "UPDATE contracts.customers SET primary_contact_email = $2 WHERE customer_id = $1",
            id.as_uuid(),
            email.as_str()
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
        self.outbox.enqueue(&mut tx, &events::customer_contact_changed(&customer, &previous)).await.map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(Some(customer))
    }

    #[tracing::instrument(skip_all, fields(customer.id = %id))]
    async fn update_address(&self, id: CustomerId, address: &PostalAddress) -> Result<Option<Customer>, CustomerError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        let Some(mut customer) = lock(&mut tx, id).await? else { return Ok(None) };
        if customer.postal_address.as_ref() == Some(address) {
            return Ok(Some(customer));
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
        tx.commit().await.map_err(failed)?;
        Ok(Some(customer))
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
            r#"SELECT customer_id, name, kvk_number, primary_contact_email, street, postal_code, city, country_code, created_at
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
