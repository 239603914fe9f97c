use std::time::Duration;

use async_nats::jetstream;
use pactum_contracts::{config::Config, startup::Application};
use pactum_platform::config::ServiceConfig;
use pactum_proto::pactum::contracts::v1::{
    self as pb, contract_service_client::ContractServiceClient,
};
use pactum_testkit::{TestDatabase, TestNats};
use sqlx::PgPool;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

pub struct TestApp {
    pub port: u16,
    pub channel: Channel,
    pub client: ContractServiceClient<Channel>,
    pub pool: PgPool,
    pub nats: TestNats,
    shutdown: CancellationToken,
    handle: JoinHandle<anyhow::Result<()>>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(TestNats::start().await).await
}

/// Starts the service on a fresh database, with `nats`, which may not be running yet.
pub async fn spawn_app_with(nats: TestNats) -> TestApp {
    pactum_platform::telemetry::init_for_tests();
    let db = TestDatabase::create().await;
    let config = Config {
        service: ServiceConfig {
            database_url: db.url.clone(),
            database_max_connections: 5,
            nats_url: nats.url(),
            grpc_addr: "127.0.0.1:0".parse().unwrap(),
            shutdown_grace: Duration::from_secs(5),
            outbox_poll_interval: Duration::from_millis(100),
        },
    };
    let app = Application::build(config)
        .await
        .expect("the service builds");
    let port = app.port();
    let pool = app.pool().clone();
    let shutdown = CancellationToken::new();
    let handle = tokio::spawn(app.run_until_stopped(shutdown.clone()));
    let channel = pactum_testkit::grpc::channel(port).await;
    TestApp {
        port,
        client: ContractServiceClient::new(channel.clone()),
        channel,
        pool,
        nats,
        shutdown,
        handle,
    }
}

impl TestApp {
    pub async fn create_customer(
        &self,
        name: &str,
        kvk: &str,
        email: &str,
        request_id: &str,
    ) -> Result<pb::Customer, tonic::Status> {
        let request = pb::CreateCustomerRequest {
            name: name.to_owned(),
            kvk_number: kvk.to_owned(),
            primary_contact_email: email.to_owned(),
            request_id: request_id.to_owned(),
        };
        self.client
            .clone()
            .create_customer(request)
            .await
            .map(tonic::Response::into_inner)
    }

    pub async fn customer_count(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM contracts.customers")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    pub async fn pending_events(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM contracts.outbox WHERE published_at IS NULL")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    pub async fn outbox_events(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM contracts.outbox")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// Every message on the contracts stream, in stream order.
    pub async fn stream_messages(&self) -> Vec<jetstream::Message> {
        pactum_testkit::streams::messages(&self.nats.client().await, "PACTUM_CONTRACTS").await
    }

    /// How many messages the contracts stream holds; 0 when it does not exist yet.
    pub async fn stream_count(&self) -> u64 {
        pactum_testkit::streams::count(&self.nats.client().await, "PACTUM_CONTRACTS").await
    }

    /// Stops the service as SIGTERM would, and waits for its drain.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        self.handle.await.expect("the service task does not panic")
    }
}
