//! The `main` of every service binary: read and validate configuration before any runtime
//! exists, then start telemetry, run the service until SIGTERM/SIGINT, and flush telemetry.
//!
//! `pactum-<service> healthcheck` instead asks the running service at `GRPC_ADDR` for its
//! `grpc.health.v1` status and exits 0 only when it is SERVING (for scripts and exec probes).

use std::{future::Future, process::ExitCode};

use tokio_util::sync::CancellationToken;

use crate::{
    config::{ConfigError, ServiceConfig},
    shutdown, telemetry,
};

/// A service's configuration, which holds the settings every service has.
pub trait Configured {
    fn service(&self) -> &ServiceConfig;
}

/// Runs a service binary. `config` is read before the runtime starts: a bad variable exits with
/// code 2 and a message naming it. `run` gets the configuration and a token cancelled on the
/// first shutdown signal; an error from it exits with code 1 after logging the cause chain.
pub fn main<C, F, Fut>(name: &'static str, config: impl FnOnce() -> Result<C, ConfigError>, run: F) -> ExitCode
where
    C: Configured,
    F: FnOnce(C, CancellationToken) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let healthcheck = std::env::args().nth(1).is_some_and(|a| a == "healthcheck");
    let config = match config() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("{name}: configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("{name}: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    if healthcheck {
        return runtime.block_on(check_health(name, config.service().grpc_addr));
    }
    runtime.block_on(async move {
        let telemetry = match telemetry::init(name) {
            Ok(telemetry) => telemetry,
            Err(error) => {
                eprintln!("{name}: cannot start telemetry: {error:#}");
                return ExitCode::FAILURE;
            }
        };
        let result = run(config, shutdown::on_signal()).await;
        let code = match &result {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                tracing::error!(error = format!("{error:#}"), "{name} stopped with an error");
                ExitCode::FAILURE
            }
        };
        telemetry.shutdown();
        code
    })
}

async fn check_health(name: &str, mut addr: std::net::SocketAddr) -> ExitCode {
    use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient};

    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let endpoint = match tonic::transport::Endpoint::from_shared(format!("http://{addr}")) {
        Ok(endpoint) => {
            endpoint.connect_timeout(std::time::Duration::from_secs(2)).timeout(std::time::Duration::from_secs(2))
        }
        Err(error) => {
            eprintln!("{name}: bad GRPC_ADDR: {error}");
            return ExitCode::FAILURE;
        }
    };
    let status = match endpoint.connect().await {
        Ok(channel) => HealthClient::new(channel)
            .check(HealthCheckRequest { service: String::new() })
            .await
            .map(|r| r.into_inner().status),
        Err(error) => {
            eprintln!("{name}: not reachable at {addr}: {error}");
            return ExitCode::FAILURE;
        }
    };
    match status {
        Ok(s) if s == ServingStatus::Serving as i32 => ExitCode::SUCCESS,
        Ok(s) => {
            eprintln!("{name}: health status {s} at {addr}");
            ExitCode::FAILURE
        }
        Err(status) => {
            eprintln!("{name}: health check failed: {}", status.message());
            ExitCode::FAILURE
        }
    }
}
