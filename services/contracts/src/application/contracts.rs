//! Trials and agreements: the use cases, written against the [`ContractStore`] port.

use std::future::Future;

use chrono::NaiveDate;
use pactum_domain::{Clock, ContractId, CustomerId};

use crate::domain::{
    contract::{Contract, ContractError, ContractStatus, Decision, DissolutionGround, NewContract, NewTrial, Party},
    request_id::RequestId,
};
use pactum_domain::page::{Page, PageRequest};

/// What a create found: what it made, or what an earlier call with the same request id made.
#[derive(Debug)]
pub enum Created {
    New(Contract),
    Existing(Contract),
}

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

/// Where contracts live. Every method that changes a contract stores the change and the events
/// of its decisions in one transaction.
pub trait ContractStore: Send + Sync + 'static {
    /// Stores a new trial; refused when the customer has an open trial (art. 3.9).
    fn create_trial(
        &self,
        trial: NewTrial,
        request_id: Option<RequestId>,
    ) -> impl Future<Output = Result<Created, ContractError>> + Send;

    /// Stores a signed agreement: the customer must exist and the terms version must be
    /// published; the customer's open trial, if any, is converted in the same transaction.
    fn sign(
        &self,
        new: NewContract,
        request_id: Option<RequestId>,
    ) -> impl Future<Output = Result<Created, ContractError>> + Send;

    /// Applies `change` to the contract under a row lock (so racing changes are serialized and
    /// the loser sees the winner's state), then stores it with its events.
    fn update<F>(
        &self,
        id: ContractId,
        change: F,
    ) -> impl Future<Output = Result<(Contract, Vec<Decision>), ContractError>> + Send
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

fn created(c: Created) -> Contract {
    match c {
        Created::New(contract) | Created::Existing(contract) => contract,
    }
}

impl<S: ContractStore> Contracts<S> {
    pub fn new(store: S, clock: Clock) -> Self {
        Self { store, clock }
    }

    /// Art. 3.9.
    pub async fn start_trial(&self, trial: NewTrial, request_id: Option<RequestId>) -> Result<Contract, ContractError> {
        let start = trial.start_date;
        match self.store.create_trial(trial, request_id).await? {
            Created::Existing(existing) if existing.start_date != start => Err(ContractError::RequestIdReused),
            other => Ok(created(other)),
        }
    }

    /// Art. 13.1, 8.5.
    pub async fn sign(&self, new: NewContract, request_id: Option<RequestId>) -> Result<Contract, ContractError> {
        let (customer, start) = (new.customer_id, new.start_date);
        match self.store.sign(new, request_id).await? {
            Created::Existing(existing) if existing.customer_id != customer || existing.start_date != start => {
                Err(ContractError::RequestIdReused)
            }
            other => Ok(created(other)),
        }
    }

    /// Art. 13.2: returns the contract and the day it ends. The notice was received on
    /// `notice_date` (today when left out).
    pub async fn give_notice(
        &self,
        id: ContractId,
        party: Party,
        notice_date: Option<NaiveDate>,
        reason: String,
    ) -> Result<(Contract, NaiveDate), ContractError> {
        let notice_date = self.clock.up_to_today("notice_date", notice_date)?;
        let (contract, _) = self.store.update(id, |c| c.give_notice(party, notice_date, reason)).await?;
        let end = contract.end_date.unwrap_or(notice_date);
        Ok((contract, end))
    }

    pub async fn dissolve(
        &self,
        id: ContractId,
        ground: DissolutionGround,
        effective_date: Option<NaiveDate>,
    ) -> Result<Contract, ContractError> {
        let effective_date = self.clock.up_to_today("effective_date", effective_date)?;
        Ok(self.store.update(id, |c| c.dissolve(ground, effective_date)).await?.0)
    }

    /// Art. 8.9: announced now (the notification service sends the written announcement),
    /// effective on `effective_date`, today or later.
    pub async fn suspend(
        &self,
        id: ContractId,
        reason: String,
        effective_date: NaiveDate,
    ) -> Result<Contract, ContractError> {
        let announced_on = self.clock.today();
        if reason.trim().is_empty() {
            return Err(ContractError::invalid("reason", "is required: the announcement must say why (art. 8.9)"));
        }
        Ok(self.store.update(id, |c| c.suspend(reason, announced_on, effective_date)).await?.0)
    }

    pub async fn resume(&self, id: ContractId, date: Option<NaiveDate>) -> Result<Contract, ContractError> {
        let date = self.clock.up_to_today("date", date)?;
        Ok(self.store.update(id, |c| c.resume(date)).await?.0)
    }

    pub async fn block_access(&self, id: ContractId, reason: String, urgent: bool) -> Result<Contract, ContractError> {
        if reason.trim().is_empty() {
            return Err(ContractError::invalid("reason", "is required: the unauthorised use or misuse (art. 14.9)"));
        }
        Ok(self.store.update(id, |c| c.block_access(reason, urgent)).await?.0)
    }

    pub async fn unblock_access(&self, id: ContractId) -> Result<Contract, ContractError> {
        Ok(self.store.update(id, Contract::unblock_access).await?.0)
    }

    pub async fn declare_force_majeure(
        &self,
        id: ContractId,
        started_on: Option<NaiveDate>,
    ) -> Result<Contract, ContractError> {
        let started_on = self.clock.up_to_today("started_on", started_on)?;
        Ok(self.store.update(id, |c| c.declare_force_majeure(started_on)).await?.0)
    }

    pub async fn end_force_majeure(&self, id: ContractId) -> Result<Contract, ContractError> {
        Ok(self.store.update(id, Contract::end_force_majeure).await?.0)
    }

    pub async fn terminate_for_force_majeure(
        &self,
        id: ContractId,
        date: Option<NaiveDate>,
    ) -> Result<Contract, ContractError> {
        let date = self.clock.up_to_today("date", date)?;
        Ok(self.store.update(id, |c| c.terminate_for_force_majeure(date)).await?.0)
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
