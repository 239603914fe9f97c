use async_nats::jetstream;
use pactum_contracts::{config::Config, startup::ContractsService};
use pactum_proto::pactum::contracts::v1::{self as pb, contract_service_client::ContractServiceClient};
use pactum_testkit::{TestNats, TestService};
use tonic::transport::Channel;

/// The contracts service under test and a client for it; derefs to the [`TestService`]
/// (`pool`, `nats`, `channel`, `port`).
pub struct TestApp {
    pub client: ContractServiceClient<Channel>,
    service: TestService,
}

impl std::ops::Deref for TestApp {
    type Target = TestService;

    fn deref(&self) -> &TestService {
        &self.service
    }
}

impl std::ops::DerefMut for TestApp {
    fn deref_mut(&mut self) -> &mut TestService {
        &mut self.service
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(TestNats::start().await).await
}

/// Starts the service on a fresh database, with `nats`, which may not be running yet.
pub async fn spawn_app_with(nats: TestNats) -> TestApp {
    let service = pactum_testkit::spawn::<ContractsService>(nats, |service| Config {
        service,
        renewals_interval: std::time::Duration::ZERO,
    })
    .await;
    TestApp { client: ContractServiceClient::new(service.channel.clone()), service }
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
        self.client.clone().create_customer(request).await.map(tonic::Response::into_inner)
    }

    pub async fn customer_count(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM contracts.customers").fetch_one(&self.pool).await.unwrap()
    }

    pub async fn pending_events(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM contracts.outbox WHERE published_at IS NULL")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    pub async fn outbox_events(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM contracts.outbox").fetch_one(&self.pool).await.unwrap()
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
        self.service.stop().await
    }
}
