//! Versions of the general terms and their acceptances (art. 2.2, 4.3 F), and ending an
//! agreement for a materially worse version.

use std::future::Future;

use chrono::NaiveDate;
use pactum_domain::{Clock, ContractId, CustomerId, Violations};

use pactum_idempotency::{Once, Outcome};

use super::contracts::ContractStore;
use crate::domain::{
    contract::{Contract, ContractError},
    terms::{TermsAcceptance, TermsError, TermsVersion},
};

pub trait TermsStore: Send + Sync + 'static {
    /// Stores the version with its `terms.published` event; refused when it exists.
    fn publish(
        &self,
        terms: TermsVersion,
        once: Option<Once<TermsVersion>>,
    ) -> impl Future<Output = Result<Outcome<TermsVersion>, TermsError>> + Send;
    fn get(&self, version: &str) -> impl Future<Output = Result<Option<TermsVersion>, TermsError>> + Send;
    fn list(&self) -> impl Future<Output = Result<Vec<TermsVersion>, TermsError>> + Send;
    /// Logs the acceptance with its `terms.accepted` event. Accepting a version again returns
    /// the first acceptance and emits nothing.
    fn accept(
        &self,
        acceptance: TermsAcceptance,
        once: Option<Once<TermsAcceptance>>,
    ) -> impl Future<Output = Result<Outcome<TermsAcceptance>, TermsError>> + Send;
    fn acceptances(
        &self,
        customer_id: CustomerId,
    ) -> impl Future<Output = Result<Vec<TermsAcceptance>, TermsError>> + Send;
}

#[derive(Debug)]
pub struct Terms<T, C> {
    terms: T,
    contracts: C,
    clock: Clock,
}

impl<T: TermsStore, C: ContractStore> Terms<T, C> {
    pub fn new(terms: T, contracts: C, clock: Clock) -> Self {
        Self { terms, contracts, clock }
    }

    /// Art. 2.2: a version announced today; `publish` makes it from the day of publication.
    pub async fn publish<F>(
        &self,
        publish: F,
        once: Option<Once<TermsVersion>>,
    ) -> Result<Outcome<TermsVersion>, TermsError>
    where
        F: FnOnce(NaiveDate) -> Result<TermsVersion, TermsError>,
    {
        let terms = publish(self.clock.today())?;
        self.terms.publish(terms, once).await
    }

    pub async fn list(&self) -> Result<Vec<TermsVersion>, TermsError> {
        self.terms.list().await
    }

    /// Art. 4.3 F: an acceptance that has happened: not later than now, and not before the
    /// version was published.
    pub async fn accept(
        &self,
        acceptance: TermsAcceptance,
        once: Option<Once<TermsAcceptance>>,
    ) -> Result<Outcome<TermsAcceptance>, TermsError> {
        let now = self.clock.now();
        if acceptance.accepted_at > now {
            return Err(TermsError::Invalid(Violations::single(
                "accepted_at",
                format!("must not be later than now ({now})"),
            )));
        }
        if let Some(terms) = self.terms.get(&acceptance.version).await? {
            let day = pactum_domain::calendar::date_in_amsterdam(acceptance.accepted_at);
            if day < terms.published_on {
                return Err(TermsError::Invalid(Violations::single(
                    "accepted_at",
                    format!(
                        "must not be before terms version {} was published on {}",
                        terms.version, terms.published_on
                    ),
                )));
            }
        }
        self.terms.accept(acceptance, once).await
    }

    pub async fn acceptances(&self, customer_id: CustomerId) -> Result<Vec<TermsAcceptance>, TermsError> {
        self.terms.acceptances(customer_id).await
    }

    /// Art. 2.2.
    pub async fn terminate_for_terms_change(
        &self,
        id: ContractId,
        version: &str,
        notice_date: Option<NaiveDate>,
        once: Option<Once<Contract>>,
    ) -> Result<Outcome<Contract>, ContractError> {
        let notice_date = self.clock.up_to_today("notice_date", notice_date)?;
        let terms = self
            .terms
            .get(version)
            .await
            .map_err(|e| match e {
                TermsError::Storage(s) => ContractError::Storage(s),
                other => ContractError::invalid("version", other.to_string()),
            })?
            .ok_or_else(|| ContractError::invalid("version", format!("terms version {version} is not published")))?;
        self.contracts.update(id, |c| c.terminate_for_terms_change(&terms, notice_date), once).await
    }
}
