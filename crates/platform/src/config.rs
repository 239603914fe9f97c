//! Configuration comes from environment variables, read and validated before the async runtime
//! starts, so a bad value stops the process at once with a message naming the variable.

use std::{net::SocketAddr, str::FromStr, time::Duration};

/// A configuration value that is missing or does not parse.
#[derive(Debug, thiserror::Error)]
#[error("environment variable {name}: {problem}")]
pub struct ConfigError {
    pub name: &'static str,
    pub problem: String,
}

/// Reads `name`, falling back to `default` when it is unset or empty, and parses it.
pub fn var_or<T>(name: &'static str, default: &str) -> Result<T, ConfigError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let raw = std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let value = raw.as_deref().unwrap_or(default);
    value.trim().parse().map_err(|e: T::Err| ConfigError { name, problem: format!("{value:?} is not valid: {e}") })
}

/// Reads a duration given in whole seconds.
pub fn seconds_or(name: &'static str, default: u64) -> Result<Duration, ConfigError> {
    var_or::<u64>(name, &default.to_string()).map(Duration::from_secs)
}

/// Reads a duration given in milliseconds.
pub fn millis_or(name: &'static str, default: u64) -> Result<Duration, ConfigError> {
    var_or::<u64>(name, &default.to_string()).map(Duration::from_millis)
}

/// Reads an on/off setting: `1`/`true` or `0`/`false` (unset is off).
pub fn flag(name: &'static str) -> Result<bool, ConfigError> {
    let raw: String = var_or(name, "0")?;
    match raw.to_ascii_lowercase().as_str() {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(ConfigError { name, problem: format!("{raw:?} is not 1, 0, true or false") }),
    }
}

/// What every service reads. A service with more settings wraps this in its own config.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// `DATABASE_URL`: one database may hold all services; each keeps its own schema.
    pub database_url: String,
    /// `DATABASE_MAX_CONNECTIONS` [10].
    pub database_max_connections: u32,
    /// `NATS_URL`.
    pub nats_url: String,
    /// `GRPC_ADDR`: where the gRPC server listens.
    pub grpc_addr: SocketAddr,
    /// `SHUTDOWN_GRACE_SECONDS` [20]: how long in-flight work may take after SIGTERM.
    pub shutdown_grace: Duration,
    /// `OUTBOX_POLL_MILLIS` [500]: how often the outbox relay looks for events it was not told of.
    pub outbox_poll_interval: Duration,
    /// `PACTUM_TEST_CLOCK` [0]: 1 makes business time come from the shared test clock (NATS
    /// bucket `PACTUM_TEST_CLOCK`) and serves `pactum.testing.v1.TestClock`. Tests and demos only.
    pub test_clock: bool,
    /// `REQUEST_ID_RETENTION_DAYS` [30, at least 30]: how long a write's `request_id` and its
    /// answer are kept, so that a retry within that time gets the first answer (AIP-155).
    pub request_id_retention_days: u32,
    /// `PACTUM_TEST_PAUSE_AFTER_COMMIT` [unset]: the name of a write (e.g. `GiveNotice`) whose
    /// calls with a request id stop after their commit and never reply, so that a fault test
    /// can kill the process between the commit and the reply. Only with `PACTUM_TEST_CLOCK=1`.
    pub test_pause_after_commit: Option<String>,
}

/// Callers may retry a write for this long at least; a shorter retention is refused.
pub const MIN_REQUEST_ID_RETENTION_DAYS: u32 = 30;

pub const DEFAULT_DATABASE_URL: &str = "postgres:///pactum";
pub const DEFAULT_NATS_URL: &str = "nats://127.0.0.1:4222";

impl ServiceConfig {
    /// `default_grpc_addr` is the service's own port (contracts 50051 … notification 50054).
    pub fn from_env(default_grpc_addr: &str) -> Result<Self, ConfigError> {
        let database_url: String = var_or("DATABASE_URL", DEFAULT_DATABASE_URL)?;
        if !(database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
            return Err(ConfigError {
                name: "DATABASE_URL",
                problem: "must start with postgres:// or postgresql://".into(),
            });
        }
        let nats_url: String = var_or("NATS_URL", DEFAULT_NATS_URL)?;
        if !(nats_url.starts_with("nats://") || nats_url.starts_with("tls://") || !nats_url.contains("://")) {
            return Err(ConfigError { name: "NATS_URL", problem: format!("{nats_url:?} must be a nats:// URL") });
        }
        let database_max_connections = var_or("DATABASE_MAX_CONNECTIONS", "10")?;
        if database_max_connections == 0 {
            return Err(ConfigError { name: "DATABASE_MAX_CONNECTIONS", problem: "must be at least 1".into() });
        }
        let request_id_retention_days = var_or("REQUEST_ID_RETENTION_DAYS", "30")?;
        if !(MIN_REQUEST_ID_RETENTION_DAYS..=3650).contains(&request_id_retention_days) {
            return Err(ConfigError {
                name: "REQUEST_ID_RETENTION_DAYS",
                problem: format!("must be from {MIN_REQUEST_ID_RETENTION_DAYS} to 3650 days"),
            });
        }
        let test_clock = flag("PACTUM_TEST_CLOCK")?;
        let test_pause_after_commit =
            std::env::var("PACTUM_TEST_PAUSE_AFTER_COMMIT").ok().map(|m| m.trim().to_owned()).filter(|m| !m.is_empty());
        if test_pause_after_commit.is_some() && !test_clock {
            return Err(ConfigError {
                name: "PACTUM_TEST_PAUSE_AFTER_COMMIT",
                problem: "is a test fault point; it needs PACTUM_TEST_CLOCK=1".into(),
            });
        }
        Ok(Self {
            request_id_retention_days,
            test_pause_after_commit,
            database_url,
            database_max_connections,
            nats_url,
            grpc_addr: var_or("GRPC_ADDR", default_grpc_addr)?,
            shutdown_grace: seconds_or("SHUTDOWN_GRACE_SECONDS", 20)?,
            outbox_poll_interval: millis_or("OUTBOX_POLL_MILLIS", 500)?,
            test_clock,
        })
    }
}
