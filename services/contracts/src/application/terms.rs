//! Versions of the general terms and their acceptances (art. 2.2, 4.3 F), and ending an
//! agreement for a materially worse version.

use std::future::Future;

use chrono::NaiveDate;
use pactum_domain::{ContractId, CustomerId};

use super::contracts::ContractStore;
use crate::domain::{
    contract::{Contract, ContractError},
    terms::{TermsAcceptance, TermsError, TermsVersion},
};

pub trait TermsStore: Send + Sync + 'static {
    /// Stores the version with its `terms.published` event; refused when it exists.
    fn publish(&self, terms: &TermsVersion) -> impl Future<Output = Result<(), TermsError>> + Send;
    fn get(&self, version: &str) -> impl Future<Output = Result<Option<TermsVersion>, TermsError>> + Send;
    fn list(&self) -> impl Future<Output = Result<Vec<TermsVersion>, TermsError>> + Send;
    /// Logs the acceptance with its `terms.accepted` event. Accepting a version again returns
    /// the first acceptance and emits nothing.
    fn accept(&self, acceptance: &TermsAcceptance) -> impl Future<Output = Result<TermsAcceptance, TermsError>> + Send;
    fn acceptances(
        &self,
        customer_id: CustomerId,
    ) -> impl Future<Output = Result<Vec<TermsAcceptance>, TermsError>> + Send;
}

#[derive(Debug)]
pub struct Terms<T, C> {
    terms: T,
    contracts: C,
}

impl<T: TermsStore, C: ContractStore> Terms<T, C> {
    pub fn new(terms: T, contracts: C) -> Self {
        Self { terms, contracts }
    }

    pub async fn publish(&self, terms: TermsVersion) -> Result<TermsVersion, TermsError> {
        self.terms.publish(&terms).await?;
        Ok(terms)
    }

    pub async fn list(&self) -> Result<Vec<TermsVersion>, TermsError> {
        self.terms.list().await
    }

    pub async fn accept(&self, acceptance: TermsAcceptance) -> Result<TermsAcceptance, TermsError> {
        self.terms.accept(&acceptance).await
    }

    pub async fn acceptances(&self, customer_id: CustomerId) -> Result<Vec<TermsAcceptance>, TermsError> {
        self.terms.acceptances(customer_id).await
    }

    /// Art. 2.2.
    pub async fn terminate_for_terms_change(
        &self,
        id: ContractId,
        version: &str,
        notice_date: NaiveDate,
    ) -> Result<Contract, ContractError> {
        let terms = self
            .terms
            .get(version)
            .await
            .map_err(|e| match e {
                TermsError::Storage(s) => ContractError::Storage(s),
                other => ContractError::invalid("version", other.to_string()),
            })?
            .ok_or_else(|| ContractError::invalid("version", format!("terms version {version} is not published")))?;
        Ok(self.contracts.update(id, |c| c.terminate_for_terms_change(&terms, notice_date)).await?.0)
    }
}
