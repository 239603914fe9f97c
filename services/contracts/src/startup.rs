//! Wiring: the contracts service's adapters on top of the shared service host.

use std::sync::Arc;

use pactum_bus::{Consumer, Outbox};
use pactum_host::{ServiceHost, Wiring};
use pactum_platform::status::error_chain;
use pactum_proto::pactum::contracts::v1::contract_service_server::{ContractServiceServer, SERVICE_NAME};
use sqlx::migrate::Migrator;

use crate::{
    adapters::{
        billing_events::{self, BillingEvents},
        grpc::ContractGrpc,
        notification_events::{self, NotificationEvents},
        postgres::{PgContracts, PgCustomers, PgTerms},
    },
    application::{contracts::Contracts, customers::Customers, terms::Terms},
    config::Config,
};

/// The schema that holds every table of this service.
pub const SCHEMA: &str = "contracts";

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The contracts service.
#[derive(Debug)]
pub struct ContractsService;

pub type Application = pactum_host::Application<ContractsService>;

impl pactum_host::Service for ContractsService {
    type Config = Config;
    const SCHEMA: &'static str = SCHEMA;

    fn migrator() -> &'static Migrator {
        &MIGRATOR
    }

    fn wire(host: &mut ServiceHost, config: &Config) -> Wiring {
        let pool = host.pool().clone();
        let outbox = Outbox::new(SCHEMA);
        let clock = host.clock();
        let customers = Arc::new(Customers::new(PgCustomers::new(pool.clone(), outbox.clone()), clock.clone()));
        let store = PgContracts::new(pool.clone(), outbox.clone());
        let defaults = Consumer::new(
            pool.clone(),
            host.jetstream(),
            billing_events::SPEC,
            BillingEvents::new(store.clone(), clock.clone()),
        );
        host.spawn_background(|shutdown| defaults.run(shutdown));
        let announcements = Consumer::new(
            pool.clone(),
            host.jetstream(),
            notification_events::SPEC,
            NotificationEvents::new(store.clone(), clock.clone()),
        );
        host.spawn_background(|shutdown| announcements.run(shutdown));
        let contracts = Arc::new(Contracts::new(store.clone(), clock.clone()));
        let terms = Arc::new(Terms::new(PgTerms::new(pool, outbox), store, clock));
        let renewals = contracts.clone();
        host.spawn_daily("renewals", config.renewals_interval, move |today| {
            let renewals = renewals.clone();
            async move {
                let counts = renewals.run_renewals(Some(today)).await.map_err(|e| error_chain(&e))?;
                Ok(format!(
                    "renewed {}, terminated {}, trials expired {}",
                    counts.renewed, counts.terminated, counts.trials_expired
                ))
            }
        });
        Wiring {
            routes: tonic::service::Routes::new(ContractServiceServer::new(ContractGrpc::new(
                customers,
                contracts,
                terms,
                host.request_ids(),
            ))),
            service_names: vec![SERVICE_NAME],
        }
    }
}
