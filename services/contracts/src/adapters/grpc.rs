//! `pactum.contracts.v1.ContractService`: proto in, domain out, and back. The only place
//! that converts between the two.

use std::sync::Arc;

use pactum_domain::{CustomerId, Violations};
use pactum_platform::{
    status::{Failure, ServiceError, to_status},
    wire,
};
use pactum_proto::pactum::contracts::v1::{self as pb, contract_service_server::ContractService};
use tonic::{Request, Response, Status};

use crate::{
    application::{
        customers::{CustomerRepository, Customers, RegisterCustomer},
        page::PageRequest,
    },
    domain::customer::{Customer, CustomerError},
};

pub const SERVICE: &str = "contracts";

#[derive(Debug)]
pub struct ContractGrpc<R> {
    customers: Arc<Customers<R>>,
}

impl<R> ContractGrpc<R> {
    pub fn new(customers: Arc<Customers<R>>) -> Self {
        Self { customers }
    }
}

impl ServiceError for CustomerError {
    fn failure(&self) -> Failure<'_> {
        match self {
            Self::Invalid(violations) => Failure::InvalidArgument(violations),
            Self::NotFound(id) => Failure::NotFound {
                resource: "customer",
                id: id.to_string(),
            },
            Self::RequestIdReused => Failure::Conflict {
                message: "request_id was already used for a different customer".to_owned(),
            },
            Self::Storage(_) => Failure::Internal,
        }
    }
}

fn status(error: &CustomerError) -> Status {
    to_status(SERVICE, error)
}

pub fn customer_to_proto(customer: &Customer) -> pb::Customer {
    pb::Customer {
        customer_id: customer.id.to_string(),
        name: customer.name.as_str().to_owned(),
        kvk_number: customer.kvk_number.to_string(),
        primary_contact_email: customer.primary_contact_email.to_string(),
        created_at: Some(wire::timestamp_to_wire(customer.created_at)),
    }
}

fn customer_id(field: &str, raw: &str) -> Result<CustomerId, Status> {
    CustomerId::parse(raw).map_err(|e| {
        pactum_platform::status::invalid_argument(&Violations::single(field, e.to_string()))
    })
}

#[tonic::async_trait]
impl<R: CustomerRepository> ContractService for ContractGrpc<R> {
    #[tracing::instrument(skip_all, fields(customer.id))]
    async fn create_customer(
        &self,
        request: Request<pb::CreateCustomerRequest>,
    ) -> Result<Response<pb::Customer>, Status> {
        let r = request.into_inner();
        let input = RegisterCustomer {
            name: r.name,
            kvk_number: r.kvk_number,
            primary_contact_email: r.primary_contact_email,
            request_id: r.request_id,
        };
        let customer = self
            .customers
            .register(input)
            .await
            .map_err(|e| status(&e))?;
        tracing::Span::current().record("customer.id", tracing::field::display(customer.id));
        Ok(Response::new(customer_to_proto(&customer)))
    }

    #[tracing::instrument(skip_all, fields(customer.id = %request.get_ref().customer_id))]
    async fn get_customer(
        &self,
        request: Request<pb::GetCustomerRequest>,
    ) -> Result<Response<pb::Customer>, Status> {
        let id = customer_id("customer_id", &request.get_ref().customer_id)?;
        let customer = self.customers.get(id).await.map_err(|e| status(&e))?;
        Ok(Response::new(customer_to_proto(&customer)))
    }

    #[tracing::instrument(skip_all, fields(page_size = request.get_ref().page_size))]
    async fn list_customers(
        &self,
        request: Request<pb::ListCustomersRequest>,
    ) -> Result<Response<pb::ListCustomersResponse>, Status> {
        let r = request.into_inner();
        let mut violations = Violations::default();
        let size = violations.check(
            "page_size",
            u32::try_from(r.page_size).map_err(|_| "must not be negative"),
        );
        let after = if r.page_token.is_empty() {
            None
        } else {
            violations.check(
                "page_token",
                CustomerId::parse(&r.page_token).map_err(|_| "is not a token this API returned"),
            )
        };
        let Some(size) = size.filter(|_| violations.is_empty()) else {
            return Err(pactum_platform::status::invalid_argument(&violations));
        };
        let page = self
            .customers
            .list(PageRequest::new(size, after))
            .await
            .map_err(|e| status(&e))?;
        Ok(Response::new(pb::ListCustomersResponse {
            customers: page.items.iter().map(customer_to_proto).collect(),
            next_page_token: page.next_after.map(|id| id.to_string()).unwrap_or_default(),
        }))
    }
}
