//! Runs `RunRenewals` for today, in Europe/Amsterdam, at start-up and then every interval.

use std::{sync::Arc, time::Duration};

use pactum_domain::calendar;
use tokio_util::sync::CancellationToken;

use crate::application::contracts::{ContractStore, Contracts};

#[derive(Debug)]
pub struct RenewalScheduler<S> {
    contracts: Arc<Contracts<S>>,
    interval: Duration,
}

impl<S: ContractStore> RenewalScheduler<S> {
    pub fn new(contracts: Arc<Contracts<S>>, interval: Duration) -> Self {
        Self { contracts, interval }
    }

    pub async fn run(self, shutdown: CancellationToken) {
        if self.interval.is_zero() {
            return;
        }
        loop {
            let today = calendar::today();
            match self.contracts.run_renewals(today).await {
                Ok(counts) => {
                    tracing::info!(%today, renewed = counts.renewed, terminated = counts.terminated, trials_expired = counts.trials_expired, "scheduled renewals ran")
                }
                Err(error) => {
                    tracing::error!(%today, error = %pactum_platform::status::error_chain(&error), "scheduled renewals failed; retrying next interval")
                }
            }
            tokio::select! {
                () = tokio::time::sleep(self.interval) => {}
                () = shutdown.cancelled() => return,
            }
        }
    }
}
