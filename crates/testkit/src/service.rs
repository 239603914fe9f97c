//! A service under test, in-process: a fresh database, the given NATS, port 0.

use std::time::Duration;

use pactum_host::{Application, Service};
use pactum_platform::config::ServiceConfig;
use sqlx::PgPool;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

use pactum_proto::pactum::testing::v1::{self as pb, test_clock_client::TestClockClient};

use crate::{TestDatabase, TestNats};

/// A running service; stopped (drained) on [`TestService::stop`] or when dropped.
#[derive(Debug)]
pub struct TestService {
    pub port: u16,
    pub channel: Channel,
    pub pool: PgPool,
    pub nats: TestNats,
    pub database: TestDatabase,
    shutdown: CancellationToken,
    handle: Option<JoinHandle<anyhow::Result<()>>>,
}

/// Starts service `S` on a fresh database with `nats` (which may not be running yet), telling
/// `config` how to make the service's configuration from the common part.
pub async fn spawn<S: Service>(nats: TestNats, config: impl FnOnce(ServiceConfig) -> S::Config) -> TestService {
    pactum_platform::telemetry::init_for_tests();
    let database = TestDatabase::create().await;
    let common = ServiceConfig {
        database_url: database.url.clone(),
        database_max_connections: 5,
        nats_url: nats.url(),
        grpc_addr: "127.0.0.1:0".parse().expect("a socket address"),
        shutdown_grace: Duration::from_secs(5),
        outbox_poll_interval: Duration::from_millis(100),
        // Business time comes from the test's own clock (its NATS has its own bucket).
        test_clock: true,
        request_id_retention_days: pactum_platform::config::MIN_REQUEST_ID_RETENTION_DAYS,
        test_pause_after_commit: None,
    };
    let app = Application::<S>::build(config(common)).await.expect("the service builds");
    let port = app.port();
    let pool = app.pool().clone();
    let shutdown = CancellationToken::new();
    let handle = tokio::spawn(app.run_until_stopped(shutdown.clone()));
    let channel = crate::grpc::channel(port).await;
    let service = TestService { port, channel, pool, nats, database, shutdown, handle: Some(handle) };
    if service.nats.is_running() {
        service.start_clock().await;
    }
    service
}

/// Where every test's business time starts (unless the test or another service on its NATS
/// set it already): a fixed day, so no test depends on the day it runs.
pub const TEST_EPOCH: (i32, i32, i32) = (2025, 1, 1);

impl TestService {
    /// Starts the shared test clock at [`TEST_EPOCH`] (if nothing set it yet) and waits until
    /// this service follows the bucket.
    async fn start_clock(&self) {
        let jetstream = async_nats::jetstream::new(self.nats.client().await);
        let shared = pactum_testclock::SharedTestClock::new(jetstream);
        let held = shared.initialize(crate::noon_of(TEST_EPOCH)).await.expect("the test clock bucket is reachable");
        let followed =
            crate::eventually(Duration::from_secs(10), || async { (self.time().await == held).then_some(()) }).await;
        assert!(followed.is_some(), "the service follows the test clock");
    }
}

impl TestService {
    /// Stops the service as SIGTERM would, and waits for its drain.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        match self.handle.take() {
            Some(handle) => handle.await?,
            None => Ok(()),
        }
    }
}

impl TestService {
    /// Moves the shared test clock (every service on this test's NATS follows it).
    pub async fn set_time(&self, at: chrono::DateTime<chrono::Utc>) -> Result<pb::TestTime, tonic::Status> {
        TestClockClient::new(self.channel.clone())
            .set_time(pb::SetTimeRequest { time: Some(pactum_platform::wire::timestamp_to_wire(at)) })
            .await
            .map(tonic::Response::into_inner)
    }

    /// Moves the shared test clock to noon (Amsterdam) of `(year, month, day)`.
    pub async fn set_today(&self, day: (i32, i32, i32)) {
        self.set_time(crate::noon_of(day)).await.expect("the test clock moves forward");
    }

    /// The time the shared test clock holds (the system time before it was first set).
    pub async fn time(&self) -> chrono::DateTime<chrono::Utc> {
        let time = TestClockClient::new(self.channel.clone())
            .get_time(pb::GetTimeRequest {})
            .await
            .expect("the test clock answers")
            .into_inner()
            .time;
        pactum_platform::wire::timestamp_from_wire(time.as_ref()).expect("a valid time")
    }

    /// Moves the shared test clock to noon of `day` unless it is already at or past `day`'s noon.
    pub async fn advance_to(&self, day: (i32, i32, i32)) {
        if crate::noon_of(day) > self.time().await {
            self.set_today(day).await;
        }
    }
}

impl Drop for TestService {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}
