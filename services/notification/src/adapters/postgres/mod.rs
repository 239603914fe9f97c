//! Notification's tables in PostgreSQL (schema `notification`).

mod contacts;
mod notices;

pub use contacts::{PgContacts, contact_in, upsert_contact};
pub use notices::{PgNotices, active_customers, insert_notice, set_agreement, store_notice};
