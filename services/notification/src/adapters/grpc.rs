//! `pactum.notification.v1.NotificationService`.

use std::sync::Arc;

use pactum_domain::{CustomerId, Violations};
use pactum_platform::{
    status::{Failure, ServiceError, invalid_argument, to_status},
    wire,
};
use pactum_proto::pactum::notification::v1::{self as pb, notification_service_server::NotificationService};
use tonic::{Request, Response, Status};

use crate::{
    application::contacts::{ContactRepository, Contacts},
    domain::contact::{Contact, ContactError},
};

pub const SERVICE: &str = "notification";

#[derive(Debug)]
pub struct NotificationGrpc<R> {
    contacts: Arc<Contacts<R>>,
}

impl<R> NotificationGrpc<R> {
    pub fn new(contacts: Arc<Contacts<R>>) -> Self {
        Self { contacts }
    }
}

impl ServiceError for ContactError {
    fn failure(&self) -> Failure<'_> {
        match self {
            Self::NotFound(id) => Failure::NotFound { resource: "contact", id: id.to_string() },
            Self::Invalid(violations) => Failure::InvalidArgument(violations),
            Self::Storage(_) => Failure::Internal,
        }
    }
}

fn contact_to_proto(contact: &Contact) -> pb::Contact {
    pb::Contact {
        customer_id: contact.customer_id.to_string(),
        customer_name: contact.customer_name.clone(),
        primary_contact_email: contact.primary_contact_email.to_string(),
        updated_at: Some(wire::timestamp_to_wire(contact.changed_at)),
        source_event_id: contact.source_event_id.to_string(),
    }
}

#[tonic::async_trait]
impl<R: ContactRepository> NotificationService for NotificationGrpc<R> {
    #[tracing::instrument(skip_all, fields(customer.id = %request.get_ref().customer_id))]
    async fn get_contact(&self, request: Request<pb::GetContactRequest>) -> Result<Response<pb::Contact>, Status> {
        let id = CustomerId::parse(&request.get_ref().customer_id)
            .map_err(|e| invalid_argument(&Violations::single("customer_id", e.to_string())))?;
        let contact = self.contacts.get(id).await.map_err(|e| to_status(SERVICE, &e))?;
        Ok(Response::new(contact_to_proto(&contact)))
    }
}
