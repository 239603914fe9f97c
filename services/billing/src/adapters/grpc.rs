//! `pactum.billing.v1.BillingService`.

use pactum_proto::pactum::billing::v1::billing_service_server::BillingService;

#[derive(Debug, Default)]
pub struct BillingGrpc;

impl BillingService for BillingGrpc {}
