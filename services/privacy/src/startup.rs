//! Wiring: the privacy service's adapters on top of the shared service host.

use pactum_host::{ServiceHost, Wiring};
use pactum_proto::pactum::privacy::v1::privacy_service_server::{PrivacyServiceServer, SERVICE_NAME};
use sqlx::migrate::Migrator;

use crate::{adapters::grpc::PrivacyGrpc, config::Config};

/// The schema that holds every table of this service.
pub const SCHEMA: &str = "privacy";

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The privacy service.
#[derive(Debug)]
pub struct Privacy;

pub type Application = pactum_host::Application<Privacy>;

impl pactum_host::Service for Privacy {
    type Config = Config;
    const SCHEMA: &'static str = SCHEMA;

    fn migrator() -> &'static Migrator {
        &MIGRATOR
    }

    fn wire(_host: &mut ServiceHost, _config: &Config) -> Wiring {
        Wiring {
            routes: tonic::service::Routes::new(PrivacyServiceServer::new(PrivacyGrpc)),
            service_names: vec![SERVICE_NAME],
        }
    }
}
