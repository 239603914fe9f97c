//! Registering and reading customers.

use std::future::Future;

use chrono::SubsecRound;
use pactum_domain::{AddressError, Clock, CustomerId, EmailAddress, PostalAddress, Violations};

use crate::domain::customer::{Customer, CustomerError, NewCustomer};
use pactum_domain::page::{Page, PageRequest};
use pactum_idempotency::{Once, Outcome};

/// Where customers are kept. Each change is stored with its event and the answer to its
/// request id ([`Once`]) in one transaction.
pub trait CustomerRepository: Send + Sync + 'static {
    /// Stores the customer with its `customer.created` event.
    fn insert(
        &self,
        customer: &Customer,
        once: Option<Once<Customer>>,
    ) -> impl Future<Output = Result<Outcome<Customer>, CustomerError>> + Send;
    /// Changes the postal address, with a `customer.address_changed` event when it changed.
    fn update_address(
        &self,
        id: CustomerId,
        address: &PostalAddress,
        once: Option<Once<Customer>>,
    ) -> impl Future<Output = Result<Outcome<Customer>, CustomerError>> + Send;
    /// Changes the primary contact, with a `customer.contact_changed` event when it really
    /// changed.
    fn update_contact(
        &self,
        id: CustomerId,
        email: &EmailAddress,
        once: Option<Once<Customer>>,
    ) -> impl Future<Output = Result<Outcome<Customer>, CustomerError>> + Send;
    fn get(&self, id: CustomerId) -> impl Future<Output = Result<Option<Customer>, CustomerError>> + Send;
    /// Customers in id (= creation) order, after `after`.
    fn list(
        &self,
        after: Option<CustomerId>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Customer>, CustomerError>> + Send;
}

/// The raw input of a registration, as a caller sent it.
#[derive(Debug, Clone, Default)]
pub struct RegisterCustomer {
    pub name: String,
    pub kvk_number: String,
    pub primary_contact_email: String,
    /// `nl`, `en`, or empty (Dutch).
    pub language: String,
    /// As parsed by the adapter; `None` when not given.
    pub postal_address: Option<Result<PostalAddress, AddressError>>,
}

#[derive(Debug)]
pub struct Customers<R> {
    repository: R,
    clock: Clock,
}

impl<R: CustomerRepository> Customers<R> {
    pub fn new(repository: R, clock: Clock) -> Self {
        Self { repository, clock }
    }

    /// Registers a customer (art. 3.8, 14.20). Nothing is stored when any field is bad.
    /// `violations` holds what the edge found wrong already.
    pub async fn register(
        &self,
        input: RegisterCustomer,
        mut violations: Violations,
        once: Option<Once<Customer>>,
    ) -> Result<Outcome<Customer>, CustomerError> {
        let new = NewCustomer::parse(
            &input.name,
            &input.kvk_number,
            &input.primary_contact_email,
            &input.language,
            &mut violations,
        );
        let address = input
            .postal_address
            .and_then(|a| a.map_err(|e| violations.add(format!("postal_address.{}", e.field()), e.to_string())).ok());
        let new = new.map(|n| NewCustomer { postal_address: address, ..n });
        let Some(new) = new.filter(|_| violations.is_empty()) else {
            return Err(CustomerError::Invalid(violations));
        };
        // PostgreSQL keeps microseconds: the answer must equal what a later read returns.
        let customer = new.register(CustomerId::new(), self.clock.now().trunc_subsecs(6));
        self.repository.insert(&customer, once).await
    }

    /// The address invoices are sent to (art. 35a Wet OB).
    pub async fn update_postal_address(
        &self,
        id: CustomerId,
        address: Result<PostalAddress, AddressError>,
        once: Option<Once<Customer>>,
    ) -> Result<Outcome<Customer>, CustomerError> {
        let address = address.map_err(|e| {
            CustomerError::Invalid(Violations::single(format!("postal_address.{}", e.field()), e.to_string()))
        })?;
        self.repository.update_address(id, &address, once).await
    }

    /// Art. 14.20: the customer keeps a current primary contact.
    pub async fn update_primary_contact(
        &self,
        id: CustomerId,
        email: &str,
        once: Option<Once<Customer>>,
    ) -> Result<Outcome<Customer>, CustomerError> {
        let email = EmailAddress::parse(email)
            .map_err(|e| CustomerError::Invalid(Violations::single("primary_contact_email", e.to_string())))?;
        self.repository.update_contact(id, &email, once).await
    }

    pub async fn get(&self, id: CustomerId) -> Result<Customer, CustomerError> {
        self.repository.get(id).await?.ok_or(CustomerError::NotFound(id))
    }

    pub async fn list(&self, page: PageRequest<CustomerId>) -> Result<Page<Customer, CustomerId>, CustomerError> {
        let rows = self.repository.list(page.after, page.fetch()).await?;
        Ok(Page::from_rows(rows, &page, |c| c.id))
    }
}
