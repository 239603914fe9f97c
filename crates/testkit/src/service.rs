//! A service under test, in-process: a fresh database, the given NATS, port 0.

use std::time::Duration;

use pactum_host::{Application, Service};
use pactum_platform::config::ServiceConfig;
use sqlx::PgPool;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

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
    };
    let app = Application::<S>::build(config(common)).await.expect("the service builds");
    let port = app.port();
    let pool = app.pool().clone();
    let shutdown = CancellationToken::new();
    let handle = tokio::spawn(app.run_until_stopped(shutdown.clone()));
    let channel = crate::grpc::channel(port).await;
    TestService { port, channel, pool, nats, database, shutdown, handle: Some(handle) }
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

impl Drop for TestService {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}
