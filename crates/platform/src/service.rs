//! The `main` of every service binary: read and validate configuration before any runtime
//! exists, then start telemetry, run the service until SIGTERM/SIGINT, and flush telemetry.

use std::{future::Future, process::ExitCode};

use tokio_util::sync::CancellationToken;

use crate::{config::ConfigError, shutdown, telemetry};

/// Runs a service binary. `config` is read before the runtime starts: a bad variable exits with
/// code 2 and a message naming it. `run` gets the configuration and a token cancelled on the
/// first shutdown signal; an error from it exits with code 1 after logging the cause chain.
pub fn main<C, F, Fut>(
    name: &'static str,
    config: impl FnOnce() -> Result<C, ConfigError>,
    run: F,
) -> ExitCode
where
    F: FnOnce(C, CancellationToken) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let config = match config() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("{name}: configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("{name}: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
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
