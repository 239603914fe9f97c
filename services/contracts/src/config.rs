use pactum_platform::config::{ConfigError, ServiceConfig};

/// The contracts service's configuration, from the environment.
#[derive(Debug, Clone)]
pub struct Config {
    pub service: ServiceConfig,
    /// `RENEWALS_INTERVAL_SECONDS` [3600]: how often the scheduler runs `RunRenewals` for today
    /// (Europe/Amsterdam). It is idempotent, so running it more than daily only catches up
    /// sooner after downtime. 0 turns the scheduler off (operators drive it over gRPC).
    pub renewals_interval: std::time::Duration,
}

pub const DEFAULT_GRPC_ADDR: &str = "127.0.0.1:50051";

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            service: ServiceConfig::from_env(DEFAULT_GRPC_ADDR)?,
            renewals_interval: pactum_platform::config::seconds_or("RENEWALS_INTERVAL_SECONDS", 3600)?,
        })
    }
}

impl pactum_platform::service::Configured for Config {
    fn service(&self) -> &ServiceConfig {
        &self.service
    }
}
