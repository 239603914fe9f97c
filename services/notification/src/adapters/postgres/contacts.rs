//! Contacts: where notices go.

use chrono::{DateTime, Utc};
use pactum_domain::{CustomerId, EmailAddress, StorageError};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::{
    application::contacts::ContactRepository,
    domain::contact::{Contact, ContactError},
};

#[derive(Debug, Clone)]
pub struct PgContacts {
    pool: PgPool,
}

impl PgContacts {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

fn storage(error: sqlx::Error) -> ContactError {
    ContactError::Storage(StorageError::new(error))
}

/// Records `contact`, unless a later change is already known (events may arrive out of order).
#[tracing::instrument(skip_all, fields(customer.id = %contact.customer_id))]
pub async fn upsert_contact(tx: &mut PgConnection, contact: &Contact) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO notification.contacts (customer_id, customer_name, primary_contact_email, changed_at, source_event_id,
                                                language)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (customer_id) DO UPDATE
              SET customer_name = EXCLUDED.customer_name,
                  primary_contact_email = EXCLUDED.primary_contact_email,
                  language = EXCLUDED.language,
                  changed_at = EXCLUDED.changed_at,
                  source_event_id = EXCLUDED.source_event_id,
                  updated_at = now()
            WHERE notification.contacts.changed_at <= EXCLUDED.changed_at"#,
        contact.customer_id.as_uuid(),
        contact.customer_name,
        contact.primary_contact_email.as_str(),
        contact.changed_at,
        contact.source_event_id,
        contact.language.code(),
    )
    .execute(tx)
    .await?;
    Ok(())
}

struct ContactRow {
    customer_id: Uuid,
    customer_name: String,
    primary_contact_email: String,
    changed_at: DateTime<Utc>,
    source_event_id: Uuid,
    language: String,
    mute_informational_email: bool,
}

/// The contact of `customer_id`, read in the transaction `conn` belongs to.
pub async fn contact_in(conn: &mut PgConnection, customer_id: Uuid) -> Result<Option<Contact>, ContactError> {
    let row = sqlx::query_as!(
        ContactRow,
        r#"SELECT customer_id, customer_name, primary_contact_email, changed_at, source_event_id, language,
                  mute_informational_email
           FROM notification.contacts WHERE customer_id = $1"#,
        customer_id,
    )
    .fetch_optional(conn)
    .await
    .map_err(storage)?;
    row.map(contact_of_row).transpose()
}

fn contact_of_row(r: ContactRow) -> Result<Contact, ContactError> {
    let email = EmailAddress::parse(&r.primary_contact_email).map_err(|e| {
        ContactError::Storage(StorageError::new(std::io::Error::other(format!(
            "stored contact of {} has an invalid e-mail: {e}",
            r.customer_id
        ))))
    })?;
    Ok(Contact {
        customer_id: CustomerId::from_uuid(r.customer_id),
        customer_name: r.customer_name,
        primary_contact_email: email,
        changed_at: r.changed_at,
        source_event_id: r.source_event_id,
        language: pactum_domain::language::Language::parse(&r.language).unwrap_or_default(),
        mute_informational_email: r.mute_informational_email,
    })
}

impl From<pactum_idempotency::ClaimError> for ContactError {
    fn from(error: pactum_idempotency::ClaimError) -> Self {
        match error {
            pactum_idempotency::ClaimError::Reused(reused) => Self::Reused(reused),
            pactum_idempotency::ClaimError::Storage(error) => storage(error),
        }
    }
}

impl ContactRepository for PgContacts {
    #[tracing::instrument(skip_all, fields(customer.id = %customer_id))]
    async fn set_mute(
        &self,
        customer_id: CustomerId,
        mute: bool,
        once: Option<pactum_idempotency::Once<Contact>>,
    ) -> Result<pactum_idempotency::Outcome<Contact>, ContactError> {
        let mut tx = self.pool.begin().await.map_err(storage)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        sqlx::query!(
            "UPDATE notification.contacts SET mute_informational_email = $2 WHERE customer_id = $1",
            customer_id.as_uuid(),
            mute
        )
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        let contact = contact_in(&mut tx, customer_id.as_uuid()).await?.ok_or(ContactError::NotFound(customer_id))?;
        pactum_idempotency::finish(tx, once, contact).await.map_err(storage)
    }

    #[tracing::instrument(skip_all, fields(customer.id = %customer_id))]
    async fn get(&self, customer_id: CustomerId) -> Result<Option<Contact>, ContactError> {
        let row = sqlx::query_as!(
            ContactRow,
            r#"SELECT customer_id, customer_name, primary_contact_email, changed_at, source_event_id, language,
                  mute_informational_email
               FROM notification.contacts WHERE customer_id = $1"#,
            customer_id.as_uuid(),
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(storage)?;
        row.map(contact_of_row).transpose()
    }
}
