//! Wiring: the notification service's adapters on top of the shared service host.

use std::sync::Arc;

use pactum_bus::Consumer;
use pactum_host::{ServiceHost, Wiring};
use pactum_proto::pactum::notification::v1::notification_service_server::{NotificationServiceServer, SERVICE_NAME};
use sqlx::migrate::Migrator;

use crate::{
    adapters::{contract_events, grpc::NotificationGrpc, postgres::PgContacts},
    application::contacts::Contacts,
    config::Config,
};

/// The schema that holds every table of this service.
pub const SCHEMA: &str = "notification";

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The notification service.
#[derive(Debug)]
pub struct Notification;

pub type Application = pactum_host::Application<Notification>;

impl pactum_host::Service for Notification {
    type Config = Config;
    const SCHEMA: &'static str = SCHEMA;

    fn migrator() -> &'static Migrator {
        &MIGRATOR
    }

    fn wire(host: &mut ServiceHost, _config: &Config) -> Wiring {
        let consumer = Consumer::new(
            host.pool().clone(),
            host.jetstream(),
            contract_events::SPEC,
            contract_events::ContractEvents,
        );
        host.spawn_background(|shutdown| consumer.run(shutdown));
        let contacts = Arc::new(Contacts::new(PgContacts::new(host.pool().clone())));
        Wiring {
            routes: tonic::service::Routes::new(NotificationServiceServer::new(NotificationGrpc::new(contacts))),
            service_names: vec![SERVICE_NAME],
        }
    }
}
