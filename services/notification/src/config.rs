use std::time::Duration;

use lettre::message::Mailbox;
use pactum_platform::config::{ConfigError, ServiceConfig, millis_or, var_or};

/// The notification service's configuration, from the environment.
#[derive(Debug, Clone)]
pub struct Config {
    pub service: ServiceConfig,
    /// `SMTP_URL` [`smtp://127.0.0.1:2525`]: where e-mail notices are handed over, as lettre
    /// reads it (`smtps://user:pass@host:465`, `smtp://host:587?tls=required`).
    pub smtp_url: String,
    /// `MAIL_FROM` [`Pactum <notices@pactum.example>`]: the sender of every notice.
    pub mail_from: Mailbox,
    /// `DELIVERY_INTERVAL_MILLIS` [500]: how often due e-mails are looked for.
    pub delivery_interval: Duration,
}

pub const DEFAULT_GRPC_ADDR: &str = "127.0.0.1:50054";

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let smtp_url: String = var_or("SMTP_URL", "smtp://127.0.0.1:2525")?;
        if !(smtp_url.starts_with("smtp://") || smtp_url.starts_with("smtps://")) {
            return Err(ConfigError { name: "SMTP_URL", problem: "must start with smtp:// or smtps://".into() });
        }
        // Parsed as the transport will read it, so a bad URL stops the start, not the service.
        lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(&smtp_url)
            .map_err(|e| ConfigError { name: "SMTP_URL", problem: e.to_string() })?;
        Ok(Self {
            service: ServiceConfig::from_env(DEFAULT_GRPC_ADDR)?,
            smtp_url,
            mail_from: var_or("MAIL_FROM", "Pactum <notices@pactum.example>")?,
            delivery_interval: millis_or("DELIVERY_INTERVAL_MILLIS", 500)?,
        })
    }
}

impl pactum_platform::service::Configured for Config {
    fn service(&self) -> &ServiceConfig {
        &self.service
    }
}
