//! Wiring: the contracts service's adapters on top of the shared service host.

use std::sync::Arc;

use pactum_bus::Outbox;
use pactum_host::{ServiceHost, Wiring};
use pactum_proto::pactum::contracts::v1::contract_service_server::{
    ContractServiceServer, SERVICE_NAME,
};
use sqlx::migrate::Migrator;

use crate::{
    adapters::{grpc::ContractGrpc, postgres::PgCustomers},
    application::customers::Customers,
    config::Config,
};

/// The schema that holds every table of this service.
pub const SCHEMA: &str = "contracts";

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The contracts service.
#[derive(Debug)]
pub struct Contracts;

pub type Application = pactum_host::Application<Contracts>;

impl pactum_host::Service for Contracts {
    type Config = Config;
    const SCHEMA: &'static str = SCHEMA;

    fn migrator() -> &'static Migrator {
        &MIGRATOR
    }

    fn wire(host: &mut ServiceHost, _config: &Config) -> Wiring {
        let customers = Arc::new(Customers::new(PgCustomers::new(
            host.pool().clone(),
            Outbox::new(SCHEMA),
        )));
        Wiring {
            routes: tonic::service::Routes::new(ContractServiceServer::new(ContractGrpc::new(
                customers,
            ))),
            service_names: vec![SERVICE_NAME],
        }
    }
}
