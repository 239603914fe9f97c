//! Wiring: the billing service's adapters on top of the shared service host.

use pactum_host::ServiceHost;
use pactum_proto::pactum::billing::v1::billing_service_server::{
    BillingServiceServer, SERVICE_NAME,
};
use sqlx::{PgPool, migrate::Migrator};
use tokio_util::sync::CancellationToken;

use crate::{adapters::grpc::BillingGrpc, config::Config};

/// The schema that holds every table of this service.
pub const SCHEMA: &str = "billing";

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// A billing service that has connected, migrated and bound its port.
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
        let routes = tonic::service::Routes::new(BillingServiceServer::new(BillingGrpc));
        self.host.serve(routes, vec![SERVICE_NAME], shutdown).await
    }
}
