//! Wiring: the billing service's adapters on top of the shared service host.

use pactum_host::{ServiceHost, Wiring};
use pactum_proto::pactum::billing::v1::billing_service_server::{BillingServiceServer, SERVICE_NAME};
use sqlx::migrate::Migrator;

use crate::{adapters::grpc::BillingGrpc, config::Config};

/// The schema that holds every table of this service.
pub const SCHEMA: &str = "billing";

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The billing service.
#[derive(Debug)]
pub struct Billing;

pub type Application = pactum_host::Application<Billing>;

impl pactum_host::Service for Billing {
    type Config = Config;
    const SCHEMA: &'static str = SCHEMA;

    fn migrator() -> &'static Migrator {
        &MIGRATOR
    }

    fn wire(_host: &mut ServiceHost, _config: &Config) -> Wiring {
        Wiring {
            routes: tonic::service::Routes::new(BillingServiceServer::new(BillingGrpc)),
            service_names: vec![SERVICE_NAME],
        }
    }
}
