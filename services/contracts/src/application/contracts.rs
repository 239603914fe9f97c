//! Trials and agreements: the use cases, written against the [`ContractStore`] port.

use std::future::Future;

use chrono::NaiveDate;
use pactum_domain::{Clock, ContractId, CustomerId};

use crate::domain::contract::{
    Contract, ContractError, ContractStatus, Decision, DissolutionGround, NewContract, NewTrial, Party,
};
use pactum_domain::page::{Page, PageRequest};
use pactum_idempotency::{Once, Outcome};

/// Counts of one `RunRenewals` (or one batch of it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenewalCounts {
    /// The last contract a batch looked at, where the next batch continues.
    pub last: Option<ContractId>,
    pub contracts: u64,
    pub renewed: u64,
    pub terminated: u64,
    pub trials_expired: u64,
    pub suspensions_effective: u64,
}

impl RenewalCounts {
    pub fn add(&mut self, other: Self) {
        self.last = other.last.or(self.last);
        self.contracts += other.contracts;
        self.renewed += other.renewed;
        self.terminated += other.terminated;
        self.trials_expired += other.trials_expired;
        self.suspensions_effective += other.suspensions_effective;
    }
}

/// Where contracts live. Every method that changes a contract stores the change, the events
/// of its decisions and the answer to its request id ([`Once`]) in one transaction; a retry of
/// a request that succeeded gets [`Outcome::Replayed`] and changes nothing.
pub trait ContractStore: Send + Sync + 'static {
    /// Stores a new trial; refused when the customer has an open trial (art. 3.9).
    fn create_trial(
        &self,
        trial: NewTrial,
        once: Option<Once<Contract>>,
    ) -> impl Future<Output = Result<Outcome<Contract>, ContractError>> + Send;

    /// Stores a signed agreement: the customer must exist and the terms version must be
    /// published; the customer's open trial, if any, is converted in the same transaction.
    fn sign(
        &self,
        new: NewContract,
        once: Option<Once<Contract>>,
    ) -> impl Future<Output = Result<Outcome<Contract>, ContractError>> + Send;

    /// Applies `change` to the contract under a row lock (so racing changes are serialized and
    /// the loser sees the winner's state), then stores it with its events.
    fn update<F>(
        &self,
        id: ContractId,
        change: F,
        once: Option<Once<Contract>>,
    ) -> impl Future<Output = Result<Outcome<Contract>, ContractError>> + Send
    where
        F: FnOnce(&mut Contract) -> Result<Vec<Decision>, ContractError> + Send;

    /// Catches up to `as_of` at most `limit` contracts that need it (see [`Contract::catch_up`]),
    /// in id order after `after` (a run never rescans what it passed), skipping those another
    /// run holds. The counts carry the last contract id seen.
    fn catch_up_batch(
        &self,
        as_of: NaiveDate,
        after: Option<ContractId>,
        limit: u32,
    ) -> impl Future<Output = Result<RenewalCounts, ContractError>> + Send;

    fn get(&self, id: ContractId) -> impl Future<Output = Result<Option<Contract>, ContractError>> + Send;

    fn list(
        &self,
        customer_id: Option<CustomerId>,
        status: Option<ContractStatus>,
        after: Option<ContractId>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Contract>, ContractError>> + Send;
}

/// How many contracts one renewal transaction handles.
pub const RENEWAL_BATCH: u32 = 1000;

#[derive(Debug)]
pub struct Contracts<S> {
    store: S,
    clock: Clock,
}

impl<S: ContractStore> Contracts<S> {
    pub fn new(store: S, clock: Clock) -> Self {
        Self { store, clock }
    }

    /// Art. 3.9.
    pub async fn start_trial(
        &self,
        trial: NewTrial,
        once: Option<Once<Contract>>,
    ) -> Result<Outcome<Contract>, ContractError> {
        self.store.create_trial(trial, once).await
    }

    /// Art. 13.1, 8.5.
    pub async fn sign(
        &self,
        new: NewContract,
        once: Option<Once<Contract>>,
    ) -> Result<Outcome<Contract>, ContractError> {
        self.store.sign(new, once).await
    }

    /// Art. 13.2: returns the contract and the day it ends. The notice was received on
    /// `notice_date` (today when left out).
    pub async fn give_notice(
        &self,
        id: ContractId,
        party: Party,
        notice_date: Option<NaiveDate>,
        reason: String,
        once: Option<Once<(Contract, NaiveDate)>>,
    ) -> Result<Outcome<(Contract, NaiveDate)>, ContractError> {
        let notice_date = self.clock.up_to_today("notice_date", notice_date)?;
        let ends = move |c: &Contract| (c.clone(), c.end_date.unwrap_or(notice_date));
        let once = once.map(|o| o.adapt(ends));
        let outcome = self.store.update(id, |c| c.give_notice(party, notice_date, reason), once).await?;
        Ok(outcome.map(|c| ends(&c)))
    }

    pub async fn dissolve(
        &self,
        id: ContractId,
        ground: DissolutionGround,
        effective_date: Option<NaiveDate>,
        once: Option<Once<Contract>>,
    ) -> Result<Outcome<Contract>, ContractError> {
        let effective_date = self.clock.up_to_today("effective_date", effective_date)?;
        self.store.update(id, |c| c.dissolve(ground, effective_date), once).await
    }

    /// Art. 8.9: announced now (the notification service sends the written announcement),
    /// effective on `effective_date`, today or later.
    pub async fn suspend(
        &self,
        id: ContractId,
        reason: String,
        effective_date: NaiveDate,
        once: Option<Once<Contract>>,
    ) -> Result<Outcome<Contract>, ContractError> {
        let announced_on = self.clock.today();
        if reason.trim().is_empty() {
            return Err(ContractError::invalid("reason", "is required: the announcement must say why (art. 8.9)"));
        }
        self.store.update(id, |c| c.suspend(reason, announced_on, effective_date), once).await
    }

    pub async fn resume(
        &self,
        id: ContractId,
        date: Option<NaiveDate>,
        once: Option<Once<Contract>>,
    ) -> Result<Outcome<Contract>, ContractError> {
        let date = self.clock.up_to_today("date", date)?;
        self.store.update(id, |c| c.resume(date), once).await
    }

    pub async fn block_access(
        &self,
        id: ContractId,
        reason: String,
        urgent: bool,
        once: Option<Once<Contract>>,
    ) -> Result<Outcome<Contract>, ContractError> {
        if reason.trim().is_empty() {
            return Err(ContractError::invalid("reason", "is required: the unauthorised use or misuse (art. 14.9)"));
        }
        self.store.update(id, |c| c.block_access(reason, urgent), once).await
    }

    pub async fn unblock_access(
        &self,
        id: ContractId,
        once: Option<Once<Contract>>,
    ) -> Result<Outcome<Contract>, ContractError> {
        self.store.update(id, Contract::unblock_access, once).await
    }

    pub async fn declare_force_majeure(
        &self,
        id: ContractId,
        started_on: Option<NaiveDate>,
        once: Option<Once<Contract>>,
    ) -> Result<Outcome<Contract>, ContractError> {
        let started_on = self.clock.up_to_today("started_on", started_on)?;
        self.store.update(id, |c| c.declare_force_majeure(started_on), once).await
    }

    pub async fn end_force_majeure(
        &self,
        id: ContractId,
        once: Option<Once<Contract>>,
    ) -> Result<Outcome<Contract>, ContractError> {
        self.store.update(id, Contract::end_force_majeure, once).await
    }

    pub async fn terminate_for_force_majeure(
        &self,
        id: ContractId,
        date: Option<NaiveDate>,
        once: Option<Once<Contract>>,
    ) -> Result<Outcome<Contract>, ContractError> {
        let date = self.clock.up_to_today("date", date)?;
        self.store.update(id, |c| c.terminate_for_force_majeure(date), once).await
    }

    /// Art. 13.1, 13.2, 3.9, 8.9, for every contract that needs it, batch by batch, up to
    /// `as_of` (today when left out; never later).
    pub async fn run_renewals(&self, as_of: Option<NaiveDate>) -> Result<RenewalCounts, ContractError> {
        let as_of = self.clock.up_to_today("as_of", as_of)?;
        let mut total = RenewalCounts::default();
        loop {
            let batch = self.store.catch_up_batch(as_of, total.last, RENEWAL_BATCH).await?;
            total.add(batch);
            if batch.contracts < u64::from(RENEWAL_BATCH) {
                return Ok(total);
            }
        }
    }

    pub async fn get(&self, id: ContractId) -> Result<Contract, ContractError> {
        self.store.get(id).await?.ok_or(ContractError::NotFound(id))
    }

    pub async fn list(
        &self,
        customer_id: Option<CustomerId>,
        status: Option<ContractStatus>,
        page: PageRequest<ContractId>,
    ) -> Result<Page<Contract, ContractId>, ContractError> {
        let rows = self.store.list(customer_id, status, page.after, page.fetch()).await?;
        Ok(Page::from_rows(rows, &page, |c| c.id))
    }
}
