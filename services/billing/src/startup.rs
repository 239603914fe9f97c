//! Wiring: the billing service's adapters on top of the shared service host.

use pactum_host::{ServiceHost, Wiring};
use pactum_platform::status::error_chain;
use pactum_proto::pactum::billing::v1::billing_service_server::{BillingServiceServer, SERVICE_NAME};
use sqlx::migrate::Migrator;

use std::sync::Arc;

use pactum_bus::{Consumer, Outbox};

use crate::{
    adapters::{contract_events, grpc::BillingGrpc, postgres::PgInvoices},
    application::{collections::Collections, invoicing::Invoicing},
    config::Config,
};

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

    fn wire(host: &mut ServiceHost, config: &Config) -> Wiring {
        let consumer = Consumer::new(
            host.pool().clone(),
            host.jetstream(),
            contract_events::SPEC,
            contract_events::ContractEvents,
        );
        host.spawn_background(|shutdown| consumer.run(shutdown));
        let store = PgInvoices::new(host.pool().clone(), Outbox::new(SCHEMA));
        let clock = host.clock();
        let invoicing = Arc::new(Invoicing::new(store.clone(), clock.clone()));
        let collections = Arc::new(Collections::new(store, config.failed_debit_fee, clock));
        let (daily_invoicing, daily_collections) = (invoicing.clone(), collections.clone());
        host.spawn_daily("billing", config.schedule_interval, move |today| {
            let (invoicing, collections) = (daily_invoicing.clone(), daily_collections.clone());
            async move {
                let issued = invoicing.run_billing(Some(today)).await.map_err(|e| error_chain(&e))?;
                let dunning = collections.run_dunning(Some(today)).await.map_err(|e| error_chain(&e))?;
                Ok(format!(
                    "invoices issued {issued}, reminders {}, in default {}, cured {}",
                    dunning.reminders, dunning.defaults, dunning.cured
                ))
            }
        });
        Wiring {
            routes: tonic::service::Routes::new(BillingServiceServer::new(BillingGrpc::new(
                invoicing,
                collections,
                config.issuer.clone(),
                config.creditor_id.clone(),
                host.request_ids(),
            ))),
            service_names: vec![SERVICE_NAME],
        }
    }
}
