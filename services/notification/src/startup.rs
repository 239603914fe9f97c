//! Wiring: the notification service's adapters on top of the shared service host.

use std::sync::Arc;

use pactum_bus::Consumer;
use pactum_host::ServiceHost;
use pactum_proto::pactum::notification::v1::notification_service_server::{
    NotificationServiceServer, SERVICE_NAME,
};
use sqlx::{PgPool, migrate::Migrator};
use tokio_util::sync::CancellationToken;

use crate::{
    adapters::{contract_events, grpc::NotificationGrpc, postgres::PgContacts},
    application::contacts::Contacts,
    config::Config,
};

/// The schema that holds every table of this service.
pub const SCHEMA: &str = "notification";

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// A notification service that has connected, migrated and bound its port.
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

    pub async fn run_until_stopped(mut self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let consumer = Consumer::new(
            self.host.pool().clone(),
            self.host.jetstream(),
            contract_events::SPEC,
            contract_events::ContractEvents,
        );
        self.host.spawn_background(|token| consumer.run(token));
        let contacts = Arc::new(Contacts::new(PgContacts::new(self.host.pool().clone())));
        let routes = tonic::service::Routes::new(NotificationServiceServer::new(
            NotificationGrpc::new(contacts),
        ));
        self.host.serve(routes, vec![SERVICE_NAME], shutdown).await
    }
}
