use std::future::Future;

use pactum_domain::CustomerId;

use crate::domain::contact::{Contact, ContactError};

/// Where contacts are read from. Writes happen in the event consumer's transaction.
pub trait ContactRepository: Send + Sync + 'static {
    fn get(&self, customer_id: CustomerId) -> impl Future<Output = Result<Option<Contact>, ContactError>> + Send;
}

#[derive(Debug)]
pub struct Contacts<R> {
    repository: R,
}

impl<R: ContactRepository> Contacts<R> {
    pub fn new(repository: R) -> Self {
        Self { repository }
    }

    pub async fn get(&self, customer_id: CustomerId) -> Result<Contact, ContactError> {
        self.repository.get(customer_id).await?.ok_or(ContactError::NotFound(customer_id))
    }
}
