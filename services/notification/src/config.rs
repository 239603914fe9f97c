use pactum_platform::config::{ConfigError, ServiceConfig};

/// The notification service's configuration, from the environment.
#[derive(Debug, Clone)]
pub struct Config {
    pub service: ServiceConfig,
}

pub const DEFAULT_GRPC_ADDR: &str = "127.0.0.1:50054";

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self { service: ServiceConfig::from_env(DEFAULT_GRPC_ADDR)? })
    }
}

impl pactum_platform::service::Configured for Config {
    fn service(&self) -> &ServiceConfig {
        &self.service
    }
}
