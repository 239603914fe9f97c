//! Hosts one Pactum service process. Every service does the same around its own logic: connect
//! to its schema and migrate it, connect to NATS, run its outbox relay and consumers, serve gRPC
//! with health and reflection, and drain all of it on shutdown. That lives here once.

use std::{future::Future, marker::PhantomData, sync::Arc, time::Duration};

use anyhow::Context as _;
use pactum_bus::{NatsClient, Relay};
use pactum_domain::Clock;
use pactum_idempotency::{RequestIds, RequestLog};
use pactum_platform::{config::ServiceConfig, database, grpc::GrpcServer, service::Configured};
use pactum_testclock::{SharedTestClock, TestClockGrpc};
use sqlx::{PgPool, migrate::Migrator};
use tokio::{net::TcpListener, task::JoinSet};
use tokio_util::sync::CancellationToken;

/// What makes a service of a process: its schema, its migrations, and how its adapters are
/// wired onto the host.
pub trait Service: Send + 'static {
    type Config: Configured + Send + 'static;
    /// The PostgreSQL schema that holds every table of the service (and the service's name).
    const SCHEMA: &'static str;
    fn migrator() -> &'static Migrator;
    /// Starts the service's consumers on `host` and returns its gRPC services.
    fn wire(host: &mut ServiceHost, config: &Self::Config) -> Wiring;
}

/// A service's gRPC services, and their names for health.
#[derive(Debug)]
pub struct Wiring {
    pub routes: tonic::service::Routes,
    pub service_names: Vec<&'static str>,
}

/// A service that has connected, migrated and bound its port (`GRPC_ADDR`; port 0 in tests
/// picks a free one). [`Application::run_until_stopped`] serves.
#[derive(Debug)]
pub struct Application<S: Service> {
    host: ServiceHost,
    config: S::Config,
    service: PhantomData<S>,
}

impl<S: Service> Application<S> {
    pub async fn build(config: S::Config) -> anyhow::Result<Self> {
        let host = ServiceHost::start(S::SCHEMA, config.service().clone(), migrations(S::migrator())).await?;
        Ok(Self { host, config, service: PhantomData })
    }

    pub fn port(&self) -> u16 {
        self.host.port()
    }

    pub fn pool(&self) -> &PgPool {
        self.host.pool()
    }

    /// Serves until `shutdown`, then drains (see [`ServiceHost::serve`]).
    pub async fn run_until_stopped(mut self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let wiring = S::wire(&mut self.host, &self.config);
        self.host.serve(wiring.routes, wiring.service_names, shutdown).await
    }
}

/// The service's own migrations and those of the shared crates that keep tables in its schema
/// (the record of request ids), as one history in `<schema>._sqlx_migrations`.
fn migrations(own: &'static Migrator) -> Migrator {
    let mut all: Vec<_> = own.iter().chain(pactum_idempotency::MIGRATOR.iter()).cloned().collect();
    all.sort_by_key(|m| m.version);
    // sqlx has no public constructor from a list of migrations; `migrate!()` fills these fields.
    Migrator { migrations: all.into(), ..Migrator::DEFAULT }
}

/// How long a JetStream publish waits for its ack before the relay retries it.
const PUBLISH_ACK_TIMEOUT: Duration = Duration::from_secs(5);

/// A service process that has connected, migrated and bound its port, and is ready to serve.
#[derive(Debug)]
pub struct ServiceHost {
    schema: &'static str,
    config: ServiceConfig,
    listener: TcpListener,
    pool: PgPool,
    nats: NatsClient,
    /// Set when `PACTUM_TEST_CLOCK` is on: then business time comes from it.
    test_clock: Option<Arc<SharedTestClock>>,
    background: JoinSet<()>,
    shutdown: CancellationToken,
}

impl ServiceHost {
    /// Connects to the service's own `schema`, applies its migrations, configures NATS (which may
    /// still be down: events then wait in the outbox) and binds `GRPC_ADDR` (port 0 picks one).
    pub async fn start(schema: &'static str, config: ServiceConfig, migrator: Migrator) -> anyhow::Result<Self> {
        let pool = database::connect(&config.database_url, schema, config.database_max_connections)
            .await
            .with_context(|| {
                format!("cannot connect to PostgreSQL at DATABASE_URL ({})", database::redact_url(&config.database_url))
            })?;
        migrator.run(&pool).await.with_context(|| format!("migrating the {schema} schema failed"))?;
        let nats = pactum_bus::connect(&config.nats_url, &format!("pactum-{schema}"))
            .await
            .context("cannot configure the NATS client")?;
        let listener = TcpListener::bind(config.grpc_addr)
            .await
            .with_context(|| format!("cannot listen on GRPC_ADDR {}", config.grpc_addr))?;
        let mut host = Self {
            schema,
            listener,
            pool,
            test_clock: None,
            background: JoinSet::new(),
            shutdown: CancellationToken::new(),
            nats,
            config,
        };
        if host.config.test_clock {
            tracing::warn!(
                service = schema,
                bucket = pactum_testclock::BUCKET,
                "PACTUM_TEST_CLOCK is on: business time comes from the shared TEST clock, and anyone who can \
                 call this service can move it. Never run production like this."
            );
            let shared = SharedTestClock::new(host.jetstream());
            let follower = shared.clone();
            host.spawn_background(|shutdown| follower.follow(shutdown));
            host.test_clock = Some(shared);
            if let Some(method) = host.config.test_pause_after_commit.clone() {
                tracing::warn!(service = schema, method, "PACTUM_TEST_PAUSE_AFTER_COMMIT: this write never replies");
                pactum_idempotency::pause_after_commit(method);
            }
        }
        host.spawn_request_id_retention();
        Ok(host)
    }

    /// The platform's clock: business time for every use case of the service.
    pub fn clock(&self) -> Clock {
        self.test_clock.as_ref().map_or_else(Clock::system, |shared| shared.clock())
    }

    /// The service's request ids (AIP-155), stamped by its clock and recorded in its schema.
    pub fn request_ids(&self) -> RequestIds {
        RequestIds::new(self.clock(), RequestLog::new(self.pool.clone()))
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// A JetStream context for consumers and publishers of this service.
    pub fn jetstream(&self) -> pactum_bus::connect::JetStream {
        pactum_bus::connect::jetstream(self.nats.clone(), PUBLISH_ACK_TIMEOUT)
    }

    /// Runs `task` beside the server until shutdown; the drain waits for it.
    pub fn spawn_background<F, Fut>(&mut self, task: F)
    where
        F: FnOnce(CancellationToken) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.background.spawn(task(self.shutdown.clone()));
    }

    /// Runs `job` for today (Europe/Amsterdam, by the service's clock) at start-up, then every
    /// `interval`, and at once whenever the test clock moves, until shutdown; a zero interval runs
    /// it never. Jobs are the idempotent daily runs of the terms (renewals, billing, dunning):
    /// running one more often only catches up sooner after downtime. A failure is logged and
    /// retried at the next interval.
    pub fn spawn_daily<F, Fut>(&mut self, name: &'static str, interval: Duration, job: F)
    where
        F: Fn(chrono::NaiveDate) -> Fut + Send + 'static,
        Fut: Future<Output = Result<String, String>> + Send + 'static,
    {
        if interval.is_zero() {
            return;
        }
        let clock = self.clock();
        let mut moved = self.test_clock.as_ref().map(|c| c.changes());
        self.spawn_background(move |shutdown| async move {
            loop {
                let today = clock.today();
                match job(today).await {
                    Ok(summary) => tracing::info!(job = name, %today, summary, "scheduled run done"),
                    Err(error) => {
                        tracing::error!(job = name, %today, error, "scheduled run failed; retrying next interval")
                    }
                }
                let clock_moved = async {
                    let changed = match moved.as_mut() {
                        Some(moved) => moved.changed().await.is_ok(),
                        None => false,
                    };
                    if !changed {
                        std::future::pending::<()>().await;
                    }
                };
                tokio::select! {
                    () = tokio::time::sleep(interval) => {}
                    () = clock_moved => {}
                    () = shutdown.cancelled() => return,
                }
            }
        });
    }

    /// Deletes, once a day and whenever the test clock moves, the records of request ids older
    /// than `REQUEST_ID_RETENTION_DAYS` by the platform's clock.
    fn spawn_request_id_retention(&mut self) {
        let log = RequestLog::new(self.pool.clone());
        let clock = self.clock();
        let keep = chrono::Duration::days(i64::from(self.config.request_id_retention_days));
        self.spawn_daily("request id retention", Duration::from_secs(24 * 60 * 60), move |_| {
            let (log, cutoff) = (log.clone(), clock.now() - keep);
            async move {
                let deleted = log.forget_before(cutoff).await.map_err(|e| format!("{:#}", anyhow::Error::new(e)))?;
                Ok(format!("{deleted} request ids recorded before {cutoff} deleted"))
            }
        });
    }

    /// Serves `routes` (the service's gRPC services, named by `service_names` for health) and
    /// the outbox relay until `shutdown`. Then drains: health turns NOT_SERVING, the server
    /// finishes calls in flight, the relay and consumers finish the event in hand, NATS is
    /// flushed and the pool closed, all within `SHUTDOWN_GRACE_SECONDS`.
    pub async fn serve(
        mut self,
        routes: tonic::service::Routes,
        service_names: Vec<&'static str>,
        shutdown: CancellationToken,
    ) -> anyhow::Result<()> {
        let relay = Relay::new(self.pool.clone(), self.jetstream(), self.schema)
            .with_poll_interval(self.config.outbox_poll_interval);
        self.spawn_background(|token| relay.run(token));

        // Our own token follows the caller's, and is also cancelled if the server dies by itself.
        let ours = self.shutdown.clone();
        let forward = shutdown.clone();
        tokio::spawn(async move {
            forward.cancelled().await;
            ours.cancel();
        });

        let (routes, service_names) = match &self.test_clock {
            Some(clock) => {
                let mut names = service_names;
                names.push(pactum_proto::pactum::testing::v1::test_clock_server::SERVICE_NAME);
                (routes.add_service(TestClockGrpc::new(clock.clone())), names)
            }
            None => (routes, service_names),
        };
        let server = GrpcServer::new(routes, service_names).context("cannot build the gRPC server")?;
        tracing::info!(service = self.schema, addr = %self.listener.local_addr()?, "serving gRPC");
        let served = server.serve(self.listener, self.shutdown.clone(), self.config.shutdown_grace).await;

        self.shutdown.cancel();
        let grace = self.config.shutdown_grace;
        let drained = tokio::time::timeout(grace, async { while self.background.join_next().await.is_some() {} }).await;
        if drained.is_err() {
            tracing::warn!(
                grace_seconds = grace.as_secs(),
                "background tasks still running after the grace period; stopping them"
            );
            self.background.abort_all();
        }
        if let Err(error) = self.nats.flush().await {
            tracing::debug!(%error, "NATS flush at shutdown failed");
        }
        self.pool.close().await;
        tracing::info!(service = self.schema, "stopped");
        served.context("gRPC server failed")
    }
}
