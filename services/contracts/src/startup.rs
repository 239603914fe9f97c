//! Wiring: the contracts service's adapters on top of the shared service host.

use std::sync::Arc;

use pactum_bus::Outbox;
use pactum_host::ServiceHost;
use pactum_proto::pactum::contracts::v1::contract_service_server::{
    ContractServiceServer, SERVICE_NAME,
};
use sqlx::{PgPool, migrate::Migrator};
use tokio_util::sync::CancellationToken;

use crate::{
    adapters::{grpc::ContractGrpc, postgres::PgCustomers},
    application::customers::Customers,
    config::Config,
};

/// The schema that holds every table of this service.
pub const SCHEMA: &str = "contracts";

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// A contracts service that has connected, migrated and bound its port (`GRPC_ADDR`; port 0 in
/// tests picks a free one). [`Application::run_until_stopped`] serves.
#[derive(Debug)]
pub struct Application {
    host: ServiceHost,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Ok(Self {
            host: ServiceHost::start(SCHEMA, config.service, &MIGRATOR).await?,
        })
    }

    pub fn port(&self) -> u16 {
        self.host.port()
    }

    pub fn pool(&self) -> &PgPool {
        self.host.pool()
    }

    pub async fn run_until_stopped(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let customers = Arc::new(Customers::new(PgCustomers::new(
            self.host.pool().clone(),
            Outbox::new(SCHEMA),
        )));
        let routes =
            tonic::service::Routes::new(ContractServiceServer::new(ContractGrpc::new(customers)));
        self.host.serve(routes, vec![SERVICE_NAME], shutdown).await
    }
}
