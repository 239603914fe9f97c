use std::future::Future;

use pactum_domain::CustomerId;
use pactum_idempotency::{Once, Outcome};

use crate::domain::contact::{Contact, ContactError};

/// Where contacts are read from. Writes happen in the event consumer's transaction.
pub trait ContactRepository: Send + Sync + 'static {
    fn get(&self, customer_id: CustomerId) -> impl Future<Output = Result<Option<Contact>, ContactError>> + Send;

    /// Sets whether informational notices skip e-mail, with the answer to the request id.
    fn set_mute(
        &self,
        customer_id: CustomerId,
        mute: bool,
        once: Option<Once<Contact>>,
    ) -> impl Future<Output = Result<Outcome<Contact>, ContactError>> + Send;
}

#[derive(Debug)]
pub struct Contacts<R> {
    repository: R,
}

impl<R: ContactRepository> Contacts<R> {
    pub fn new(repository: R) -> Self {
        Self { repository }
    }

    /// Art. 14.18, 14.19: informational notices in the application only, or by e-mail too.
    pub async fn set_mute(
        &self,
        customer_id: CustomerId,
        mute: bool,
        once: Option<Once<Contact>>,
    ) -> Result<Outcome<Contact>, ContactError> {
        self.repository.set_mute(customer_id, mute, once).await
    }

    pub async fn get(&self, customer_id: CustomerId) -> Result<Contact, ContactError> {
        self.repository.get(customer_id).await?.ok_or(ContactError::NotFound(customer_id))
    }
}
