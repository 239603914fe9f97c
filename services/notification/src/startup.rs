//! Wiring: the notification service's adapters on top of the shared service host.

use std::sync::Arc;

use pactum_bus::{Consumer, Outbox};
use pactum_host::{ServiceHost, Wiring};
use pactum_proto::pactum::notification::v1::notification_service_server::{NotificationServiceServer, SERVICE_NAME};
use sqlx::migrate::Migrator;

use crate::{
    adapters::{
        billing_events::{self, BillingEvents},
        contract_events::{self, ContractEvents},
        feed::Feed,
        grpc::NotificationGrpc,
        notify::Notifier,
        postgres::{PgContacts, PgNotices},
        smtp::SmtpMailer,
        templates::Templates,
    },
    application::{
        contacts::Contacts,
        notices::{Deliveries, Notices},
    },
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

    fn wire(host: &mut ServiceHost, config: &Config) -> Wiring {
        let (pool, clock, outbox) = (host.pool().clone(), host.clock(), Outbox::new(SCHEMA));
        // Start-up: the templates compile (and SMTP_URL was validated with the configuration).
        #[allow(clippy::expect_used)]
        let templates = Arc::new(Templates::new().expect("every notice of the catalogue has its texts"));
        #[allow(clippy::expect_used)]
        let mailer = SmtpMailer::new(&config.smtp_url, config.mail_from.clone())
            .expect("SMTP_URL was validated with the configuration");
        let notifier = Notifier::new(templates.clone(), outbox.clone(), clock.clone());

        let contracts =
            Consumer::new(pool.clone(), host.jetstream(), contract_events::SPEC, ContractEvents::new(notifier.clone()));
        host.spawn_background(|shutdown| contracts.run(shutdown));
        let billing = Consumer::new(pool.clone(), host.jetstream(), billing_events::SPEC, BillingEvents::new(notifier));
        host.spawn_background(|shutdown| billing.run(shutdown));

        let store = PgNotices::new(pool.clone(), outbox);
        let deliveries = Deliveries::new(store.clone(), mailer, clock.clone());
        let interval = config.delivery_interval;
        host.spawn_background(move |shutdown| async move {
            loop {
                match deliveries.deliver_due().await {
                    Ok(tried) if tried > 0 => continue,
                    Ok(_) => {}
                    Err(error) => {
                        let chain: &dyn std::error::Error = &error;
                        tracing::error!(error = chain, "delivering notices failed; retrying");
                    }
                }
                tokio::select! {
                    () = tokio::time::sleep(interval) => {}
                    () = shutdown.cancelled() => return,
                }
            }
        });

        let feed = Feed::default();
        let listening = feed.clone();
        let feed_pool = pool.clone();
        host.spawn_background(move |shutdown| listening.run(feed_pool, shutdown));
        let contacts = Arc::new(Contacts::new(PgContacts::new(pool)));
        let notices = Arc::new(Notices::new(store, templates, clock));
        Wiring {
            routes: tonic::service::Routes::new(NotificationServiceServer::new(NotificationGrpc::new(
                contacts,
                notices,
                host.request_ids(),
                feed,
            ))),
            service_names: vec![SERVICE_NAME],
        }
    }
}
