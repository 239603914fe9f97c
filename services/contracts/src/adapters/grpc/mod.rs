//! `pactum.contracts.v1.ContractService`: proto in, domain out, and back.

pub mod convert;
mod errors;

use std::sync::Arc;

use pactum_domain::page::PageRequest;
use pactum_idempotency::{RequestIds, job, once, reply};
use pactum_platform::{
    parsed_or_invalid,
    status::{invalid_argument, to_status},
    wire,
};
use pactum_proto::pactum::contracts::v1::{self as pb, contract_service_server::ContractService};
use tonic::{Request, Response, Status};

use self::convert::{
    Fields, acceptance_to_proto, address_from_proto, billing_period_from_proto, contract_to_proto, customer_to_proto,
    give_notice_response, ground_from_proto, party_from_proto, payment_method_from_proto, renewals_response,
    status_from_proto, terms_to_proto,
};
use crate::{
    application::{
        contracts::{ContractStore, Contracts},
        customers::{CustomerRepository, Customers, RegisterCustomer},
        terms::{Terms, TermsStore},
    },
    domain::{
        contract::{NewContract, NewTrial, REASON, RawLine},
        terms::{TermsAcceptance, TermsVersion, parse_version},
    },
};

pub const SERVICE: &str = "contracts";

fn status<E: pactum_platform::status::ServiceError + 'static>(error: E) -> Status {
    to_status(SERVICE, &error)
}

/// Refuses the request when any field was bad.
fn check(fields: &Fields) -> Result<(), Status> {
    if fields.violations.is_empty() { Ok(()) } else { Err(invalid_argument(&fields.violations)) }
}

/// The use cases the service exposes, over their stores.
#[derive(Debug)]
pub struct ContractGrpc<Cu, Co, Te> {
    customers: Arc<Customers<Cu>>,
    contracts: Arc<Contracts<Co>>,
    terms: Arc<Terms<Te, Co>>,
    ids: RequestIds,
}

impl<Cu, Co, Te> ContractGrpc<Cu, Co, Te> {
    pub fn new(
        customers: Arc<Customers<Cu>>,
        contracts: Arc<Contracts<Co>>,
        terms: Arc<Terms<Te, Co>>,
        ids: RequestIds,
    ) -> Self {
        Self { customers, contracts, terms, ids }
    }
}

fn page_size(raw: i32, fields: &mut Fields) -> Option<u32> {
    fields.violations.check("page_size", u32::try_from(raw).map_err(|_| "must not be negative"))
}

#[tonic::async_trait]
impl<Cu, Co, Te> ContractService for ContractGrpc<Cu, Co, Te>
where
    Cu: CustomerRepository,
    Co: ContractStore,
    Te: TermsStore,
{
    #[tracing::instrument(skip_all, fields(customer.id))]
    async fn create_customer(
        &self,
        request: Request<pb::CreateCustomerRequest>,
    ) -> Result<Response<pb::Customer>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("CreateCustomer", &id, &r, &mut f.violations);
        let input = RegisterCustomer {
            postal_address: address_from_proto(r.postal_address.as_ref()),
            name: r.name,
            kvk_number: r.kvk_number,
            primary_contact_email: r.primary_contact_email,
            language: r.language,
        };
        let outcome =
            self.customers.register(input, f.violations, once(key, customer_to_proto)).await.map_err(status)?;
        if let Some(customer) = outcome.as_done() {
            tracing::Span::current().record("customer.id", tracing::field::display(customer.id));
        }
        reply(outcome, customer_to_proto)
    }

    #[tracing::instrument(skip_all, fields(customer.id = %request.get_ref().customer_id))]
    async fn get_customer(&self, request: Request<pb::GetCustomerRequest>) -> Result<Response<pb::Customer>, Status> {
        let mut f = Fields::default();
        let id = f.customer_id(&request.get_ref().customer_id);
        let (id,) = parsed_or_invalid!(f.violations; id);
        let customer = self.customers.get(id).await.map_err(status)?;
        Ok(Response::new(customer_to_proto(&customer)))
    }

    #[tracing::instrument(skip_all, fields(page_size = request.get_ref().page_size))]
    async fn list_customers(
        &self,
        request: Request<pb::ListCustomersRequest>,
    ) -> Result<Response<pb::ListCustomersResponse>, Status> {
        let r = request.into_inner();
        let mut f = Fields::default();
        let size = page_size(r.page_size, &mut f);
        let after = if r.page_token.is_empty() {
            None
        } else {
            f.violations.check(
                "page_token",
                pactum_domain::CustomerId::parse(&r.page_token).map_err(|_| "is not a token this API returned"),
            )
        };
        check(&f)?;
        let page = self.customers.list(PageRequest::new(size.unwrap_or(0), after)).await.map_err(status)?;
        Ok(Response::new(pb::ListCustomersResponse {
            customers: page.items.iter().map(customer_to_proto).collect(),
            next_page_token: page.next_after.map(|id| id.to_string()).unwrap_or_default(),
        }))
    }

    #[tracing::instrument(skip_all, fields(customer.id = %request.get_ref().customer_id))]
    async fn update_primary_contact(
        &self,
        request: Request<pb::UpdatePrimaryContactRequest>,
    ) -> Result<Response<pb::Customer>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("UpdatePrimaryContact", &request_id, &r, &mut f.violations);
        let id = f.customer_id(&r.customer_id);
        let (id,) = parsed_or_invalid!(f.violations; id);
        let once = once(key, customer_to_proto);
        let outcome =
            self.customers.update_primary_contact(id, &r.primary_contact_email, once).await.map_err(status)?;
        reply(outcome, customer_to_proto)
    }

    #[tracing::instrument(skip_all, fields(customer.id = %request.get_ref().customer_id))]
    async fn update_postal_address(
        &self,
        request: Request<pb::UpdatePostalAddressRequest>,
    ) -> Result<Response<pb::Customer>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("UpdatePostalAddress", &request_id, &r, &mut f.violations);
        let id = f.customer_id(&r.customer_id);
        let address = address_from_proto(r.postal_address.as_ref());
        if address.is_none() {
            f.violations.add("postal_address", "is required");
        }
        let (id, address) = parsed_or_invalid!(f.violations; id, address);
        let outcome =
            self.customers.update_postal_address(id, address, once(key, customer_to_proto)).await.map_err(status)?;
        reply(outcome, customer_to_proto)
    }

    #[tracing::instrument(skip_all, fields(customer.id = %request.get_ref().customer_id))]
    async fn start_trial(&self, request: Request<pb::StartTrialRequest>) -> Result<Response<pb::Contract>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("StartTrial", &request_id, &r, &mut f.violations);
        let customer = f.customer_id(&r.customer_id);
        let start = f.date("start_date", r.start_date.as_ref());
        let trial = NewTrial::parse(start, r.trial_days, &mut f.violations, customer);
        let (trial,) = parsed_or_invalid!(f.violations; trial);
        reply(self.contracts.start_trial(trial, once(key, contract_to_proto)).await.map_err(status)?, contract_to_proto)
    }

    #[tracing::instrument(skip_all, fields(customer.id = %request.get_ref().customer_id, contract.id))]
    async fn sign_contract(&self, request: Request<pb::SignContractRequest>) -> Result<Response<pb::Contract>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("SignContract", &request_id, &r, &mut f.violations);
        let customer = f.customer_id(&r.customer_id);
        let start = f.date("start_date", r.start_date.as_ref());
        let lines = r
            .lines
            .into_iter()
            .map(|l| RawLine {
                product_code: l.product_code,
                quantity: l.quantity,
                unit_price: wire::money_from_wire(l.unit_price.as_ref()).map_err(|e| e.to_string()),
            })
            .collect();
        let new = NewContract::parse(
            customer,
            start,
            r.term_months,
            billing_period_from_proto(r.billing_period),
            payment_method_from_proto(r.payment_method),
            lines,
            &r.terms_version,
            &mut f.violations,
        );
        let (new,) = parsed_or_invalid!(f.violations; new);
        let outcome = self.contracts.sign(new, once(key, contract_to_proto)).await.map_err(status)?;
        if let Some(contract) = outcome.as_done() {
            tracing::Span::current().record("contract.id", tracing::field::display(contract.id));
        }
        reply(outcome, contract_to_proto)
    }

    #[tracing::instrument(skip_all, fields(contract.id = %request.get_ref().contract_id))]
    async fn give_notice(
        &self,
        request: Request<pb::GiveNoticeRequest>,
    ) -> Result<Response<pb::GiveNoticeResponse>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("GiveNotice", &request_id, &r, &mut f.violations);
        let id = f.contract_id(&r.contract_id);
        let party = party_from_proto(r.party, &mut f.violations);
        let date = f.optional_date("notice_date", r.notice_date.as_ref());
        let reason = f.violations.check("reason", REASON.check(&r.reason));
        let (id, party, reason) = parsed_or_invalid!(f.violations; id, party, reason);
        let once = once(key, give_notice_response);
        reply(self.contracts.give_notice(id, party, date, reason, once).await.map_err(status)?, give_notice_response)
    }

    #[tracing::instrument(skip_all, fields(contract.id = %request.get_ref().contract_id))]
    async fn dissolve(&self, request: Request<pb::DissolveRequest>) -> Result<Response<pb::Contract>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("Dissolve", &request_id, &r, &mut f.violations);
        let id = f.contract_id(&r.contract_id);
        let ground = ground_from_proto(r.ground, &mut f.violations);
        let date = f.optional_date("effective_date", r.effective_date.as_ref());
        let (id, ground) = parsed_or_invalid!(f.violations; id, ground);
        let outcome = self.contracts.dissolve(id, ground, date, once(key, contract_to_proto)).await.map_err(status)?;
        reply(outcome, contract_to_proto)
    }

    #[tracing::instrument(skip_all, fields(contract.id = %request.get_ref().contract_id))]
    async fn suspend(&self, request: Request<pb::SuspendRequest>) -> Result<Response<pb::Contract>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("Suspend", &request_id, &r, &mut f.violations);
        let id = f.contract_id(&r.contract_id);
        let effective = f.date("effective_date", r.effective_date.as_ref());
        let reason = f.violations.check("reason", REASON.check(&r.reason));
        let (id, effective, reason) = parsed_or_invalid!(f.violations; id, effective, reason);
        let outcome =
            self.contracts.suspend(id, reason, effective, once(key, contract_to_proto)).await.map_err(status)?;
        reply(outcome, contract_to_proto)
    }

    #[tracing::instrument(skip_all, fields(contract.id = %request.get_ref().contract_id))]
    async fn resume(&self, request: Request<pb::ResumeRequest>) -> Result<Response<pb::Contract>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("Resume", &request_id, &r, &mut f.violations);
        let id = f.contract_id(&r.contract_id);
        let date = f.optional_date("date", r.date.as_ref());
        let (id,) = parsed_or_invalid!(f.violations; id);
        let outcome = self.contracts.resume(id, date, once(key, contract_to_proto)).await.map_err(status)?;
        reply(outcome, contract_to_proto)
    }

    #[tracing::instrument(skip_all, fields(contract.id = %request.get_ref().contract_id, urgent = request.get_ref().urgent))]
    async fn block_access(&self, request: Request<pb::BlockAccessRequest>) -> Result<Response<pb::Contract>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("BlockAccess", &request_id, &r, &mut f.violations);
        let id = f.contract_id(&r.contract_id);
        let reason = f.violations.check("reason", REASON.check(&r.reason));
        let (id, reason) = parsed_or_invalid!(f.violations; id, reason);
        let outcome =
            self.contracts.block_access(id, reason, r.urgent, once(key, contract_to_proto)).await.map_err(status)?;
        reply(outcome, contract_to_proto)
    }

    #[tracing::instrument(skip_all, fields(contract.id = %request.get_ref().contract_id))]
    async fn unblock_access(
        &self,
        request: Request<pb::UnblockAccessRequest>,
    ) -> Result<Response<pb::Contract>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("UnblockAccess", &request_id, &r, &mut f.violations);
        let id = f.contract_id(&r.contract_id);
        let (id,) = parsed_or_invalid!(f.violations; id);
        let outcome = self.contracts.unblock_access(id, once(key, contract_to_proto)).await.map_err(status)?;
        reply(outcome, contract_to_proto)
    }

    #[tracing::instrument(skip_all, fields(contract.id = %request.get_ref().contract_id))]
    async fn declare_force_majeure(
        &self,
        request: Request<pb::DeclareForceMajeureRequest>,
    ) -> Result<Response<pb::Contract>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("DeclareForceMajeure", &request_id, &r, &mut f.violations);
        let id = f.contract_id(&r.contract_id);
        let started = f.optional_date("started_on", r.started_on.as_ref());
        let (id,) = parsed_or_invalid!(f.violations; id);
        let outcome =
            self.contracts.declare_force_majeure(id, started, once(key, contract_to_proto)).await.map_err(status)?;
        reply(outcome, contract_to_proto)
    }

    #[tracing::instrument(skip_all, fields(contract.id = %request.get_ref().contract_id))]
    async fn end_force_majeure(
        &self,
        request: Request<pb::EndForceMajeureRequest>,
    ) -> Result<Response<pb::Contract>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("EndForceMajeure", &request_id, &r, &mut f.violations);
        let id = f.contract_id(&r.contract_id);
        let (id,) = parsed_or_invalid!(f.violations; id);
        let outcome = self.contracts.end_force_majeure(id, once(key, contract_to_proto)).await.map_err(status)?;
        reply(outcome, contract_to_proto)
    }

    #[tracing::instrument(skip_all, fields(contract.id = %request.get_ref().contract_id))]
    async fn terminate_for_force_majeure(
        &self,
        request: Request<pb::TerminateForForceMajeureRequest>,
    ) -> Result<Response<pb::Contract>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("TerminateForForceMajeure", &request_id, &r, &mut f.violations);
        let id = f.contract_id(&r.contract_id);
        let date = f.optional_date("date", r.date.as_ref());
        let (id,) = parsed_or_invalid!(f.violations; id);
        let outcome =
            self.contracts.terminate_for_force_majeure(id, date, once(key, contract_to_proto)).await.map_err(status)?;
        reply(outcome, contract_to_proto)
    }

    #[tracing::instrument(skip_all)]
    async fn run_renewals(
        &self,
        request: Request<pb::RunRenewalsRequest>,
    ) -> Result<Response<pb::RunRenewalsResponse>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("RunRenewals", &request_id, &r, &mut f.violations);
        let as_of = f.optional_date("as_of", r.as_of.as_ref());
        check(&f)?;
        let run = async { self.contracts.run_renewals(as_of).await.map_err(status) };
        job(self.ids.log(), key, run, renewals_response).await
    }

    #[tracing::instrument(skip_all, fields(contract.id = %request.get_ref().contract_id))]
    async fn get_contract(&self, request: Request<pb::GetContractRequest>) -> Result<Response<pb::Contract>, Status> {
        let mut f = Fields::default();
        let id = f.contract_id(&request.get_ref().contract_id);
        let (id,) = parsed_or_invalid!(f.violations; id);
        Ok(Response::new(contract_to_proto(&self.contracts.get(id).await.map_err(status)?)))
    }

    #[tracing::instrument(skip_all, fields(page_size = request.get_ref().page_size))]
    async fn list_contracts(
        &self,
        request: Request<pb::ListContractsRequest>,
    ) -> Result<Response<pb::ListContractsResponse>, Status> {
        let r = request.into_inner();
        let mut f = Fields::default();
        let customer = if r.customer_id.is_empty() { None } else { f.customer_id(&r.customer_id) };
        let state = status_from_proto(r.status, &mut f.violations);
        let size = page_size(r.page_size, &mut f);
        let after = if r.page_token.is_empty() {
            None
        } else {
            f.violations.check(
                "page_token",
                pactum_domain::ContractId::parse(&r.page_token).map_err(|_| "is not a token this API returned"),
            )
        };
        check(&f)?;
        let page =
            self.contracts.list(customer, state, PageRequest::new(size.unwrap_or(0), after)).await.map_err(status)?;
        Ok(Response::new(pb::ListContractsResponse {
            contracts: page.items.iter().map(contract_to_proto).collect(),
            next_page_token: page.next_after.map(|id| id.to_string()).unwrap_or_default(),
        }))
    }

    #[tracing::instrument(skip_all, fields(terms.version = %request.get_ref().version))]
    async fn publish_terms(
        &self,
        request: Request<pb::PublishTermsRequest>,
    ) -> Result<Response<pb::TermsVersion>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("PublishTerms", &request_id, &r, &mut f.violations);
        let effective = f.date("effective_date", r.effective_date.as_ref());
        let publish = |today| {
            TermsVersion::publish(&r.version, Some(today), effective, r.materially_worse, &r.summary, f.violations)
        };
        reply(self.terms.publish(publish, once(key, terms_to_proto)).await.map_err(status)?, terms_to_proto)
    }

    #[tracing::instrument(skip_all)]
    async fn list_terms(
        &self,
        _request: Request<pb::ListTermsRequest>,
    ) -> Result<Response<pb::ListTermsResponse>, Status> {
        let terms = self.terms.list().await.map_err(status)?;
        Ok(Response::new(pb::ListTermsResponse { terms: terms.iter().map(terms_to_proto).collect() }))
    }

    #[tracing::instrument(skip_all, fields(customer.id = %request.get_ref().customer_id, terms.version = %request.get_ref().version))]
    async fn accept_terms(
        &self,
        request: Request<pb::AcceptTermsRequest>,
    ) -> Result<Response<pb::TermsAcceptance>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("AcceptTerms", &request_id, &r, &mut f.violations);
        let customer = f.customer_id(&r.customer_id);
        let accepted_at = wire::timestamp_from_wire(r.accepted_at.as_ref());
        let acceptance =
            TermsAcceptance::parse(customer, &r.version, accepted_at, &r.accepted_by, &r.ip_address, f.violations)
                .map_err(status)?;
        let outcome = self.terms.accept(acceptance, once(key, acceptance_to_proto)).await.map_err(status)?;
        reply(outcome, acceptance_to_proto)
    }

    #[tracing::instrument(skip_all, fields(customer.id = %request.get_ref().customer_id))]
    async fn list_terms_acceptances(
        &self,
        request: Request<pb::ListTermsAcceptancesRequest>,
    ) -> Result<Response<pb::ListTermsAcceptancesResponse>, Status> {
        let mut f = Fields::default();
        let customer = f.customer_id(&request.get_ref().customer_id);
        let (customer,) = parsed_or_invalid!(f.violations; customer);
        let acceptances = self.terms.acceptances(customer).await.map_err(status)?;
        Ok(Response::new(pb::ListTermsAcceptancesResponse {
            acceptances: acceptances.iter().map(acceptance_to_proto).collect(),
        }))
    }

    #[tracing::instrument(skip_all, fields(contract.id = %request.get_ref().contract_id, terms.version = %request.get_ref().version))]
    async fn terminate_for_terms_change(
        &self,
        request: Request<pb::TerminateForTermsChangeRequest>,
    ) -> Result<Response<pb::Contract>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("TerminateForTermsChange", &request_id, &r, &mut f.violations);
        let id = f.contract_id(&r.contract_id);
        let date = f.optional_date("notice_date", r.notice_date.as_ref());
        let version = parse_version("version", &r.version, &mut f.violations);
        let (id, version) = parsed_or_invalid!(f.violations; id, version);
        let outcome = self
            .terms
            .terminate_for_terms_change(id, &version, date, once(key, contract_to_proto))
            .await
            .map_err(status)?;
        reply(outcome, contract_to_proto)
    }
}
