//! `pactum.billing.v1.BillingService`.

pub mod convert;
mod errors;
mod responses;

use std::sync::Arc;

use pactum_domain::{ContractId, CustomerId, Violations, calendar::CivilPeriod, page::PageRequest};
use pactum_idempotency::{RequestIds, job, once, reply};
use pactum_platform::{
    parsed_or_invalid,
    status::{invalid_argument, to_status},
    wire,
};
use pactum_proto::pactum::billing::v1::{self as pb, billing_service_server::BillingService};
use tonic::{Request, Response, Status};
use uuid::Uuid;

use self::{
    convert::{
        amount_due_to_proto, batch_to_proto, invoice_to_proto, kind_from_proto, mandate_to_proto,
        price_change_to_proto, status_from_proto,
    },
    responses::{
        billing_response, credit_response, dunning_response, hand_over_response, import_response, payment_response,
        rate_response, resolve_response,
    },
};
use crate::{
    adapters::documents::{bank_reports, pain008, pdf, ubl},
    application::{
        InvoiceStore,
        collections::Collections,
        invoicing::{Invoicing, LIABILITY_ARTICLE},
    },
    config::Issuer,
    domain::{
        BillingError, DESCRIPTION, REASON, REFERENCE,
        percent::Percent,
        sepa::{self, CreditorId, Mandate, Scheme},
    },
};

pub const SERVICE: &str = "billing";

fn status(error: BillingError) -> Status {
    to_status(SERVICE, &error)
}

/// Fields of a request, every bad one reported.
#[derive(Debug, Default)]
struct Fields(Violations);

impl Fields {
    fn uuid(&mut self, field: &str, raw: &str) -> Option<Uuid> {
        self.0.check(field, Uuid::try_parse(raw.trim()).map_err(|_| "is not a valid id"))
    }

    fn date(&mut self, field: &str, date: Option<&pactum_proto::google::r#type::Date>) -> Option<chrono::NaiveDate> {
        self.0.check(field, wire::date_from_wire(date))
    }
    /// A date the caller may leave out: `None` when absent or malformed (then recorded).
    fn optional_date(
        &mut self,
        field: &str,
        date: Option<&pactum_proto::google::r#type::Date>,
    ) -> Option<chrono::NaiveDate> {
        self.0.check(field, wire::optional_date_from_wire(date)).flatten()
    }

    fn percent(&mut self, raw: &str) -> Option<Percent> {
        self.0.check("percent", Percent::parse(raw))
    }

    fn done(self) -> Result<(), Status> {
        if self.0.is_empty() { Ok(()) } else { Err(invalid_argument(&self.0)) }
    }
}

#[derive(Debug)]
pub struct BillingGrpc<S> {
    invoicing: Arc<Invoicing<S>>,
    collections: Arc<Collections<S>>,
    issuer: Arc<Issuer>,
    creditor: CreditorId,
    ids: RequestIds,
}

impl<S> BillingGrpc<S> {
    pub fn new(
        invoicing: Arc<Invoicing<S>>,
        collections: Arc<Collections<S>>,
        issuer: Issuer,
        creditor: CreditorId,
        ids: RequestIds,
    ) -> Self {
        Self { invoicing, collections, issuer: Arc::new(issuer), creditor, ids }
    }
}

#[tonic::async_trait]
impl<S: InvoiceStore> BillingService for BillingGrpc<S> {
    #[tracing::instrument(skip_all)]
    async fn run_billing(
        &self,
        request: Request<pb::RunBillingRequest>,
    ) -> Result<Response<pb::RunBillingResponse>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("RunBilling", &request_id, &r, &mut f.0);
        let as_of = f.optional_date("as_of", r.as_of.as_ref());
        f.done()?;
        let run = async { self.invoicing.run_billing(as_of).await.map_err(status) };
        job(self.ids.log(), key, run, billing_response).await
    }

    #[tracing::instrument(skip_all, fields(invoice.id = %request.get_ref().invoice_id))]
    async fn get_invoice(&self, request: Request<pb::GetInvoiceRequest>) -> Result<Response<pb::Invoice>, Status> {
        let mut f = Fields::default();
        let id = f.uuid("invoice_id", &request.get_ref().invoice_id);
        let (id,) = parsed_or_invalid!(f.0; id);
        Ok(Response::new(invoice_to_proto(&self.invoicing.get(id).await.map_err(status)?)))
    }

    #[tracing::instrument(skip_all)]
    async fn list_invoices(
        &self,
        request: Request<pb::ListInvoicesRequest>,
    ) -> Result<Response<pb::ListInvoicesResponse>, Status> {
        let r = request.into_inner();
        let mut f = Fields::default();
        let customer =
            if r.customer_id.is_empty() { None } else { f.0.check("customer_id", CustomerId::parse(&r.customer_id)) };
        let state = f.0.check("status", status_from_proto(r.status)).flatten();
        let size = f.0.check("page_size", u32::try_from(r.page_size).map_err(|_| "must not be negative"));
        let after = if r.page_token.is_empty() { None } else { f.uuid("page_token", &r.page_token) };
        f.done()?;
        let page =
            self.invoicing.list(customer, state, PageRequest::new(size.unwrap_or(0), after)).await.map_err(status)?;
        Ok(Response::new(pb::ListInvoicesResponse {
            invoices: page.items.iter().map(invoice_to_proto).collect(),
            next_page_token: page.next_after.map(|id| id.to_string()).unwrap_or_default(),
        }))
    }

    #[tracing::instrument(skip_all, fields(invoice.id = %request.get_ref().invoice_id))]
    async fn dispute_invoice(
        &self,
        request: Request<pb::DisputeInvoiceRequest>,
    ) -> Result<Response<pb::Invoice>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("DisputeInvoice", &request_id, &r, &mut f.0);
        let id = f.uuid("invoice_id", &r.invoice_id);
        let on = f.optional_date("disputed_on", r.disputed_on.as_ref());
        let reason = f.0.check("reason", REASON.check(&r.reason));
        let (id, reason) = parsed_or_invalid!(f.0; id, reason);
        let outcome = self.invoicing.dispute(id, on, reason, once(key, invoice_to_proto)).await.map_err(status)?;
        reply(outcome, invoice_to_proto)
    }

    #[tracing::instrument(skip_all, fields(invoice.id = %request.get_ref().invoice_id))]
    async fn resolve_dispute(
        &self,
        request: Request<pb::ResolveDisputeRequest>,
    ) -> Result<Response<pb::ResolveDisputeResponse>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("ResolveDispute", &request_id, &r, &mut f.0);
        let id = f.uuid("invoice_id", &r.invoice_id);
        let upheld = match pb::DisputeOutcome::try_from(r.outcome) {
            Ok(pb::DisputeOutcome::Upheld) => Some(true),
            Ok(pb::DisputeOutcome::Rejected) => Some(false),
            _ => {
                f.0.add("outcome", "is required: UPHELD or REJECTED");
                None
            }
        };
        let (id, upheld) = parsed_or_invalid!(f.0; id, upheld);
        let outcome = self.invoicing.resolve_dispute(id, upheld, once(key, resolve_response)).await.map_err(status)?;
        reply(outcome, resolve_response)
    }

    #[tracing::instrument(skip_all, fields(customer.id = %request.get_ref().customer_id))]
    async fn invoice_extra_work(
        &self,
        request: Request<pb::InvoiceExtraWorkRequest>,
    ) -> Result<Response<pb::Invoice>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("InvoiceExtraWork", &request_id, &r, &mut f.0);
        let customer = f.0.check("customer_id", CustomerId::parse(&r.customer_id));
        let amount = f.0.check("amount", wire::money_from_wire(r.amount.as_ref()));
        let on = f.optional_date("ordered_on", r.ordered_on.as_ref());
        let description = f.0.check("description", DESCRIPTION.check(&r.description));
        let (customer, amount, description) = parsed_or_invalid!(f.0; customer, amount, description);
        let once = once(key, invoice_to_proto);
        let outcome =
            self.invoicing.invoice_extra_work(customer, &description, amount, on, once).await.map_err(status)?;
        reply(outcome, invoice_to_proto)
    }

    #[tracing::instrument(skip_all)]
    async fn change_prices(
        &self,
        request: Request<pb::ChangePricesRequest>,
    ) -> Result<Response<pb::PriceChange>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("ChangePrices", &request_id, &r, &mut f.0);
        let kind = kind_from_proto(r.kind);
        if kind.is_none() {
            f.0.add("kind", "is required: INDEXATION or CHANGE");
        }
        let effective = f.date("effective_date", r.effective_date.as_ref());
        let percent = f.percent(&r.percent);
        let reason = f.0.check("reason", REASON.check(&r.reason));
        let (kind, effective, percent, reason) = parsed_or_invalid!(f.0; kind, effective, percent, reason);
        let once = once(key, price_change_to_proto);
        let outcome = self.invoicing.change_prices(kind, effective, percent, reason, once).await.map_err(status)?;
        reply(outcome, price_change_to_proto)
    }

    #[tracing::instrument(skip_all, fields(contract.id = %request.get_ref().contract_id))]
    async fn credit_reduced_availability(
        &self,
        request: Request<pb::CreditReducedAvailabilityRequest>,
    ) -> Result<Response<pb::CreditReducedAvailabilityResponse>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("CreditReducedAvailability", &request_id, &r, &mut f.0);
        let contract = f.0.check("contract_id", ContractId::parse(&r.contract_id));
        let start = f.date("period_start", r.period_start.as_ref());
        let end = f.date("period_end", r.period_end.as_ref());
        let percent = f.percent(&r.percent);
        let period = match (start, end) {
            (Some(s), Some(e)) => CivilPeriod::new(s, e).or_else(|| {
                f.0.add("period_end", "must not be before period_start");
                None
            }),
            _ => None,
        };
        let reason = f.0.check("reason", REASON.check(&r.reason));
        let (contract, period, percent, reason) = parsed_or_invalid!(f.0; contract, period, percent, reason);
        let once = once(key, credit_response);
        let outcome = self
            .invoicing
            .credit_reduced_availability(contract, period, percent, reason, once)
            .await
            .map_err(status)?;
        reply(outcome, credit_response)
    }

    #[tracing::instrument(skip_all, fields(contract.id = %request.get_ref().contract_id))]
    async fn get_liability_cap(
        &self,
        request: Request<pb::GetLiabilityCapRequest>,
    ) -> Result<Response<pb::LiabilityCap>, Status> {
        let r = request.into_inner();
        let mut f = Fields::default();
        let contract = f.0.check("contract_id", ContractId::parse(&r.contract_id));
        let as_of = f.optional_date("as_of", r.as_of.as_ref());
        let (contract,) = parsed_or_invalid!(f.0; contract);
        let cap = self.invoicing.liability_cap(contract, as_of).await.map_err(status)?;
        Ok(Response::new(pb::LiabilityCap {
            fees_last_12_months: Some(wire::money_to_wire(cap.fees_last_12_months)),
            maximum: Some(wire::money_to_wire(cap.maximum)),
            cap: Some(wire::money_to_wire(cap.cap)),
            article: LIABILITY_ARTICLE.to_owned(),
        }))
    }

    #[tracing::instrument(skip_all, fields(invoice.id = %request.get_ref().invoice_id))]
    async fn get_invoice_document(
        &self,
        request: Request<pb::GetInvoiceDocumentRequest>,
    ) -> Result<Response<pb::InvoiceDocument>, Status> {
        let r = request.into_inner();
        let mut f = Fields::default();
        let id = f.uuid("invoice_id", &r.invoice_id);
        let format = match pb::DocumentFormat::try_from(r.format) {
            Ok(format @ (pb::DocumentFormat::Ubl | pb::DocumentFormat::Pdf)) => Some(format),
            _ => {
                f.0.add("format", "is required: DOCUMENT_FORMAT_UBL or DOCUMENT_FORMAT_PDF");
                None
            }
        };
        let (id, format) = parsed_or_invalid!(f.0; id, format);
        let invoice = self.invoicing.get(id).await.map_err(status)?;
        let credited = match invoice.credited_invoice_id {
            Some(credited) => Some(self.invoicing.get(credited).await.map_err(status)?.number),
            None => None,
        };
        let credited = credited.as_ref().map(|n| n.as_str());
        let (content, content_type, extension) = match format {
            pb::DocumentFormat::Pdf => (pdf::document(&invoice, &self.issuer, credited), "application/pdf", "pdf"),
            _ => (ubl::document(&invoice, &self.issuer, credited).into_bytes(), "application/xml", "xml"),
        };
        Ok(Response::new(pb::InvoiceDocument {
            invoice_id: invoice.id.to_string(),
            format: format.into(),
            content_type: content_type.to_owned(),
            filename: format!("{}.{extension}", invoice.number.as_str()),
            content,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn set_statutory_rate(
        &self,
        request: Request<pb::SetStatutoryRateRequest>,
    ) -> Result<Response<pb::StatutoryRate>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("SetStatutoryRate", &request_id, &r, &mut f.0);
        let from = f.date("valid_from", r.valid_from.as_ref());
        let percent = f.percent(&r.percent);
        let (from, percent) = parsed_or_invalid!(f.0; from, percent);
        let outcome =
            self.collections.set_statutory_rate(from, percent, once(key, rate_response)).await.map_err(status)?;
        reply(outcome, rate_response)
    }

    #[tracing::instrument(skip_all, fields(invoice.id = %request.get_ref().invoice_id))]
    async fn get_amount_due(
        &self,
        request: Request<pb::GetAmountDueRequest>,
    ) -> Result<Response<pb::AmountDue>, Status> {
        let r = request.into_inner();
        let mut f = Fields::default();
        let id = f.uuid("invoice_id", &r.invoice_id);
        let as_of = f.optional_date("as_of", r.as_of.as_ref());
        let (id,) = parsed_or_invalid!(f.0; id);
        let (as_of, due) = self.collections.amount_due(id, as_of).await.map_err(status)?;
        Ok(Response::new(pb::AmountDue { as_of: Some(wire::date_to_wire(as_of)), ..amount_due_to_proto(id, &due) }))
    }

    #[tracing::instrument(skip_all, fields(invoice.id = %request.get_ref().invoice_id))]
    async fn hand_over_for_collection(
        &self,
        request: Request<pb::HandOverForCollectionRequest>,
    ) -> Result<Response<pb::HandOverForCollectionResponse>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("HandOverForCollection", &request_id, &r, &mut f.0);
        let id = f.uuid("invoice_id", &r.invoice_id);
        let on = f.optional_date("date", r.date.as_ref());
        let (id,) = parsed_or_invalid!(f.0; id);
        let outcome = self.collections.hand_over(id, on, once(key, hand_over_response)).await.map_err(status)?;
        reply(outcome, hand_over_response)
    }

    #[tracing::instrument(skip_all, fields(invoice.id = %request.get_ref().invoice_id))]
    async fn record_payment(
        &self,
        request: Request<pb::RecordPaymentRequest>,
    ) -> Result<Response<pb::RecordPaymentResponse>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("RecordPayment", &request_id, &r, &mut f.0);
        let id = f.uuid("invoice_id", &r.invoice_id);
        let amount = f.0.check("amount", wire::money_from_wire(r.amount.as_ref()));
        let on = f.optional_date("paid_on", r.paid_on.as_ref());
        let reference = f.0.check("reference", REFERENCE.check(&r.reference));
        let (id, amount, reference) = parsed_or_invalid!(f.0; id, amount, reference);
        let once = once(key, payment_response);
        let outcome = self.collections.record_payment(id, amount, on, reference, once).await.map_err(status)?;
        reply(outcome, payment_response)
    }

    #[tracing::instrument(skip_all, fields(mandate.id = %request.get_ref().mandate_id))]
    async fn register_mandate(
        &self,
        request: Request<pb::RegisterMandateRequest>,
    ) -> Result<Response<pb::Mandate>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("RegisterMandate", &request_id, &r, &mut f.0);
        let customer = f.0.check("customer_id", CustomerId::parse(&r.customer_id));
        let signed = f.date("signed_on", r.signed_on.as_ref());
        let scheme = match pb::SepaScheme::try_from(r.scheme) {
            Ok(pb::SepaScheme::Core) => Some(Scheme::Core),
            Ok(pb::SepaScheme::B2b) => Some(Scheme::B2b),
            _ => None,
        };
        let mandate = Mandate::register(&r.mandate_id, customer, &r.iban, &r.bic, &r.debtor_name, signed, scheme, f.0)
            .map_err(|v| invalid_argument(&v))?;
        let outcome = self.collections.register_mandate(mandate, once(key, mandate_to_proto)).await.map_err(status)?;
        reply(outcome, mandate_to_proto)
    }

    #[tracing::instrument(skip_all, fields(mandate.id = %request.get_ref().mandate_id))]
    async fn revoke_mandate(
        &self,
        request: Request<pb::RevokeMandateRequest>,
    ) -> Result<Response<pb::Mandate>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("RevokeMandate", &request_id, &r, &mut f.0);
        let on = f.optional_date("revoked_on", r.revoked_on.as_ref());
        let mandate_id = f.0.check("mandate_id", sepa::mandate_id(&r.mandate_id));
        let (mandate_id,) = parsed_or_invalid!(f.0; mandate_id);
        let once = once(key, mandate_to_proto);
        let outcome = self.collections.revoke_mandate(&mandate_id, on, once).await.map_err(status)?;
        reply(outcome, mandate_to_proto)
    }

    #[tracing::instrument(skip_all)]
    async fn export_direct_debits(
        &self,
        request: Request<pb::ExportDirectDebitsRequest>,
    ) -> Result<Response<pb::DirectDebitBatch>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("ExportDirectDebits", &request_id, &r, &mut f.0);
        let date = f.date("collection_date", r.collection_date.as_ref());
        let (date,) = parsed_or_invalid!(f.0; date);
        let issuer = self.issuer.clone();
        let creditor = self.creditor.clone();
        let created_at = self.collections.now();
        let render = move |message_id: &str, collections: &[_]| {
            pain008::document(message_id, created_at, date, collections, &issuer, &creditor)
        };
        let to = move |batch: &_| batch_to_proto(batch, date, true);
        let outcome = self.collections.export_direct_debits(date, render, once(key, to)).await.map_err(status)?;
        reply(outcome, to)
    }

    #[tracing::instrument(skip_all)]
    async fn import_bank_report(
        &self,
        request: Request<pb::ImportBankReportRequest>,
    ) -> Result<Response<pb::ImportBankReportResponse>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("ImportBankReport", &request_id, &r, &mut f.0);
        f.done()?;
        let report =
            bank_reports::parse(&r.xml).map_err(|e| invalid_argument(&Violations::single("xml", e.to_string())))?;
        let (message_id, kind) = (report.message_id.clone(), report.kind);
        let to = move |summary: &_| import_response(&message_id, kind, summary);
        let outcome = self.collections.import_bank_report(report, once(key, to.clone())).await.map_err(status)?;
        reply(outcome, to)
    }

    #[tracing::instrument(skip_all)]
    async fn run_dunning(
        &self,
        request: Request<pb::RunDunningRequest>,
    ) -> Result<Response<pb::RunDunningResponse>, Status> {
        let mut r = request.into_inner();
        let mut f = Fields::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("RunDunning", &request_id, &r, &mut f.0);
        let as_of = f.optional_date("as_of", r.as_of.as_ref());
        f.done()?;
        let run = async { self.collections.run_dunning(as_of).await.map_err(status) };
        job(self.ids.log(), key, run, dunning_response).await
    }
}
