//! Everything that happens to a contract after it starts. Each method checks the terms, changes
//! the contract, and returns the decisions it took (with the article and the contract after).

use chrono::{DateTime, NaiveDate, Utc};
use pactum_domain::calendar::{CivilPeriod, add_months_clamped};

use super::{
    Change, Contract, ContractError, ContractStatus, Decision, DissolutionGround, Party, article, transition_allowed,
};
use crate::domain::terms::TermsVersion;

/// Art. 13.2: notice at least this many days before the end of the term.
pub const NOTICE_DAYS: i64 = 30;
/// Art. 8.9: how long before a suspension for payment default takes effect, after its written
/// announcement (a policy value: the terms ask for an announcement and a weighing of interests).
pub const DEFAULT_SUSPENSION_NOTICE_DAYS: u64 = 14;
/// Art. 11.2: force majeure must have lasted longer than this before it allows termination.
pub const FORCE_MAJEURE_DAYS: i64 = 60;
/// The most terms one catch-up renews, so that no date makes a run allocate or loop without
/// bound (ten years of a monthly contract); a contract further behind is caught up by the
/// runs that follow.
pub const MAX_RENEWALS_PER_RUN: u32 = 120;

impl Contract {
    fn decide(&mut self, change: Change, article: &'static str) -> Decision {
        self.version += 1;
        Decision { change, article, contract: self.clone() }
    }

    fn move_to(&mut self, to: ContractStatus, article: &'static str, action: &str) -> Result<(), ContractError> {
        if !transition_allowed(self.status, to) {
            return Err(ContractError::refused(
                article,
                "ILLEGAL_TRANSITION",
                format!("cannot {action}: the contract is {}", self.status),
            ));
        }
        self.status = to;
        Ok(())
    }

    fn require_running(&self, article: &'static str, action: &str) -> Result<(), ContractError> {
        if self.status.is_running() {
            Ok(())
        } else {
            Err(ContractError::refused(
                article,
                "NOT_RUNNING",
                format!("cannot {action}: the contract is {}", self.status),
            ))
        }
    }

    fn require_not_before_start(&self, field: &str, date: NaiveDate) -> Result<(), ContractError> {
        if date < self.start_date {
            return Err(ContractError::invalid(
                field,
                format!("must not be before the start date {}", self.start_date),
            ));
        }
        Ok(())
    }

    /// Term number `index` of this agreement, counted from its start (art. 13.1).
    pub fn term(&self, index: u32) -> Option<CivilPeriod> {
        CivilPeriod::nth(self.start_date, self.term_months, index)
    }

    /// Art. 13.2: where notice given on `notice_date` ends the agreement. The term containing
    /// the notice date ends it when at least 30 days remain until that term's end, otherwise
    /// the next term does. There is no other end mid-term (art. 13.3).
    pub fn end_by_notice(&self, notice_date: NaiveDate) -> Option<NaiveDate> {
        let mut index = self.term_index;
        let mut term = self.current_term;
        while term.last() < notice_date {
            index += 1;
            term = self.term(index)?;
        }
        if (term.last() - notice_date).num_days() >= NOTICE_DAYS {
            Some(term.last())
        } else {
            Some(self.term(index + 1)?.last())
        }
    }

    /// Art. 13.2: notice, in writing, towards the end of the term.
    pub fn give_notice(
        &mut self,
        party: Party,
        notice_date: NaiveDate,
        reason: String,
    ) -> Result<Vec<Decision>, ContractError> {
        self.require_not_before_start("notice_date", notice_date)?;
        if self.status == ContractStatus::NoticeGiven {
            let end = self.end_date.map(|d| d.to_string()).unwrap_or_default();
            return Err(ContractError::refused(
                article::NOTICE,
                "NOTICE_ALREADY_GIVEN",
                format!("notice was already given; the contract ends on {end}"),
            ));
        }
        let effective_end = self
            .end_by_notice(notice_date)
            .ok_or_else(|| ContractError::invalid("notice_date", "is too far in the future"))?;
        self.move_to(ContractStatus::NoticeGiven, article::NOTICE, "give notice")?;
        self.end_date = Some(effective_end);
        self.end_article = Some(article::NOTICE);
        Ok(vec![self.decide(
            Change::NoticeGiven { party, notice_date, effective_end, reason, terms_version: None },
            article::NOTICE,
        )])
    }

    /// Art. 13.4, 13.5: dissolution at once, without notice or court; nothing before it is undone.
    pub fn dissolve(
        &mut self,
        ground: DissolutionGround,
        effective_date: NaiveDate,
    ) -> Result<Vec<Decision>, ContractError> {
        self.require_not_before_start("effective_date", effective_date)?;
        self.move_to(ContractStatus::Dissolved, article::DISSOLUTION, "dissolve")?;
        self.end_date = Some(effective_date);
        self.end_article = Some(article::DISSOLUTION);
        Ok(vec![self.decide(Change::Dissolved { ground, effective_date }, article::DISSOLUTION)])
    }

    /// Art. 8.9: suspension needs a written announcement first, so it cannot take effect before
    /// the day it was announced. It takes effect at once when announced for the same day,
    /// otherwise when `RunRenewals` reaches its effective date.
    pub fn suspend(
        &mut self,
        reason: String,
        announced_on: NaiveDate,
        effective_date: NaiveDate,
    ) -> Result<Vec<Decision>, ContractError> {
        self.require_running(article::SUSPENSION, "suspend")?;
        if effective_date < announced_on {
            return Err(ContractError::refused(
                article::SUSPENSION,
                "SUSPENSION_NOT_ANNOUNCED",
                format!(
                    "a suspension must be announced in writing before it applies: effective {effective_date} is before the announcement of {announced_on}"
                ),
            ));
        }
        if self.suspended || self.suspension_effective_date.is_some() {
            return Err(ContractError::refused(
                article::SUSPENSION,
                "ALREADY_SUSPENDED",
                "a suspension is already announced or in effect",
            ));
        }
        self.suspension_effective_date = Some(effective_date);
        self.suspension_announcement_sent_at = None;
        self.suspension_announcement_failure = None;
        // It takes effect once the announcement was sent (see `record_suspension_announcement`).
        Ok(vec![self.decide(Change::SuspensionAnnounced { reason, announced_on, effective_date }, article::SUSPENSION)])
    }

    /// An announced suspension whose day has come takes effect.
    /// Art. 8.9, 14.21: the announcement of the pending suspension was sent at `sent_at` (or
    /// could not be delivered, `Err(reason)`). Sent, the suspension takes effect from its date
    /// as of `today`; undelivered, it does not take effect and the contract shows why. A report
    /// without a pending suspension, or after the first, changes nothing.
    pub fn record_suspension_announcement(
        &mut self,
        outcome: Result<DateTime<Utc>, String>,
        today: NaiveDate,
    ) -> Vec<Decision> {
        if self.suspended || self.suspension_effective_date.is_none() || self.suspension_announcement_sent_at.is_some()
        {
            return Vec::new();
        }
        match outcome {
            Ok(sent_at) => {
                self.suspension_announcement_sent_at = Some(sent_at);
                self.suspension_announcement_failure = None;
                self.apply_due_suspension(today).into_iter().collect()
            }
            Err(reason) => {
                self.suspension_announcement_failure = Some(reason);
                Vec::new()
            }
        }
    }

    pub fn apply_due_suspension(&mut self, as_of: NaiveDate) -> Option<Decision> {
        let announced = self
            .suspension_announcement_sent_at
            .is_some_and(|sent| pactum_domain::calendar::date_in_amsterdam(sent) <= as_of);
        match self.suspension_effective_date {
            Some(effective_date)
                if announced && !self.suspended && effective_date <= as_of && self.status.is_running() =>
            {
                self.suspended = true;
                Some(self.decide(Change::Suspended { effective_date }, article::SUSPENSION))
            }
            _ => None,
        }
    }

    /// Ends a suspension, or withdraws one announced. Prepaid periods were never voided.
    pub fn resume(&mut self, date: NaiveDate) -> Result<Vec<Decision>, ContractError> {
        if !self.suspended && self.suspension_effective_date.is_none() {
            return Err(ContractError::refused(
                article::SUSPENSION,
                "NOT_SUSPENDED",
                format!("the contract is {} and not suspended", self.status),
            ));
        }
        self.suspended = false;
        self.suspension_effective_date = None;
        self.suspension_announcement_sent_at = None;
        self.suspension_announcement_failure = None;
        Ok(vec![self.decide(Change::Resumed { date }, article::SUSPENSION)])
    }

    /// Art. 14.9: access blocked for misuse. Unless urgent, the customer is warned first: the
    /// `access.block_announced` event comes before `access.blocked`.
    pub fn block_access(&mut self, reason: String, urgent: bool) -> Result<Vec<Decision>, ContractError> {
        if !(self.status.is_running() || self.status == ContractStatus::Trial) {
            return Err(ContractError::refused(
                article::BLOCKING,
                "NOT_RUNNING",
                format!("cannot block access: the contract is {}", self.status),
            ));
        }
        if self.access_blocked {
            return Err(ContractError::refused(article::BLOCKING, "ALREADY_BLOCKED", "access is already blocked"));
        }
        if !urgent {
            if self.access_block_pending.is_some() {
                return Err(ContractError::refused(
                    article::BLOCKING,
                    "ALREADY_WARNED",
                    "a block is already warned about; it follows once the warning is sent",
                ));
            }
            // Warned first: the block follows once the warning is sent (`record_block_warning`).
            self.access_block_pending = Some(reason.clone());
            self.access_block_warning_sent_at = None;
            self.access_block_warning_failure = None;
            return Ok(vec![self.decide(Change::BlockAnnounced { reason }, article::BLOCKING)]);
        }
        self.access_block_pending = None;
        self.access_blocked = true;
        Ok(vec![self.decide(Change::Blocked { reason, urgent }, article::BLOCKING)])
    }

    /// Art. 14.9, 14.21: the warning of a pending block was sent at `sent_at` (the block
    /// follows at once), or could not be delivered (`Err(reason)`: the block waits, and the
    /// contract shows why). Without a pending block, nothing changes.
    pub fn record_block_warning(&mut self, outcome: Result<DateTime<Utc>, String>) -> Vec<Decision> {
        let Some(reason) = self.access_block_pending.clone() else { return Vec::new() };
        if self.access_blocked || self.access_block_warning_sent_at.is_some() {
            return Vec::new();
        }
        match outcome {
            Ok(sent_at) => {
                self.access_block_warning_sent_at = Some(sent_at);
                self.access_block_warning_failure = None;
                self.access_block_pending = None;
                self.access_blocked = true;
                vec![self.decide(Change::Blocked { reason, urgent: false }, article::BLOCKING)]
            }
            Err(failure) => {
                self.access_block_warning_failure = Some(failure);
                Vec::new()
            }
        }
    }

    /// Lifts a block, or withdraws one warned about.
    pub fn unblock_access(&mut self) -> Result<Vec<Decision>, ContractError> {
        if !self.access_blocked && self.access_block_pending.is_none() {
            return Err(ContractError::refused(article::BLOCKING, "NOT_BLOCKED", "access is not blocked"));
        }
        self.access_blocked = false;
        self.access_block_pending = None;
        self.access_block_warning_sent_at = None;
        self.access_block_warning_failure = None;
        Ok(vec![self.decide(Change::Unblocked, article::BLOCKING)])
    }

    /// Art. 11.1: force majeure suspends the affected obligations while it lasts.
    pub fn declare_force_majeure(&mut self, started_on: NaiveDate) -> Result<Vec<Decision>, ContractError> {
        self.require_running(article::FORCE_MAJEURE, "declare force majeure")?;
        self.require_not_before_start("started_on", started_on)?;
        if let Some(since) = self.force_majeure_since {
            return Err(ContractError::refused(
                article::FORCE_MAJEURE,
                "FORCE_MAJEURE_ONGOING",
                format!("force majeure is already declared since {since}"),
            ));
        }
        self.force_majeure_since = Some(started_on);
        Ok(vec![self.decide(Change::ForceMajeureDeclared { started_on }, article::FORCE_MAJEURE)])
    }

    pub fn end_force_majeure(&mut self) -> Result<Vec<Decision>, ContractError> {
        if self.force_majeure_since.take().is_none() {
            return Err(ContractError::refused(
                article::FORCE_MAJEURE,
                "NO_FORCE_MAJEURE",
                "no force majeure is declared",
            ));
        }
        Ok(vec![self.decide(Change::ForceMajeureEnded, article::FORCE_MAJEURE)])
    }

    /// Art. 11.2: once force majeure has lasted more than 60 days, either party may terminate.
    pub fn terminate_for_force_majeure(&mut self, date: NaiveDate) -> Result<Vec<Decision>, ContractError> {
        let Some(since) = self.force_majeure_since else {
            return Err(ContractError::refused(
                article::FORCE_MAJEURE_TERMINATION,
                "NO_FORCE_MAJEURE",
                "no force majeure is declared",
            ));
        };
        let lasted = (date - since).num_days();
        if lasted <= FORCE_MAJEURE_DAYS {
            return Err(ContractError::refused(
                article::FORCE_MAJEURE_TERMINATION,
                "FORCE_MAJEURE_TOO_SHORT",
                format!(
                    "force majeure since {since} has lasted {lasted} days on {date}; termination needs more than {FORCE_MAJEURE_DAYS}"
                ),
            ));
        }
        self.move_to(ContractStatus::Terminated, article::FORCE_MAJEURE_TERMINATION, "terminate")?;
        self.end_date = Some(date);
        self.end_article = Some(article::FORCE_MAJEURE_TERMINATION);
        Ok(vec![self.decide(Change::Terminated { terms_version: None }, article::FORCE_MAJEURE_TERMINATION)])
    }

    /// Art. 2.2: a customer may terminate as of the day a materially worse version of the terms
    /// takes effect, with notice given on or before that day.
    pub fn terminate_for_terms_change(
        &mut self,
        terms: &TermsVersion,
        notice_date: NaiveDate,
    ) -> Result<Vec<Decision>, ContractError> {
        self.require_running(article::TERMS_CHANGE, "terminate for a terms change")?;
        if !terms.materially_worse {
            return Err(ContractError::refused(
                article::TERMS_CHANGE,
                "TERMS_NOT_MATERIALLY_WORSE",
                format!("terms version {} does not materially worsen the customer's position", terms.version),
            ));
        }
        if notice_date > terms.effective_date {
            return Err(ContractError::refused(
                article::TERMS_CHANGE,
                "TERMS_ALREADY_EFFECTIVE",
                format!(
                    "notice on {notice_date} comes after terms version {} took effect on {}",
                    terms.version, terms.effective_date
                ),
            ));
        }
        let effective_end = terms.effective_date;
        if let Some(end) = self.end_date.filter(|end| *end <= effective_end) {
            return Err(ContractError::refused(
                article::TERMS_CHANGE,
                "ENDS_EARLIER",
                format!("the contract already ends on {end}"),
            ));
        }
        if self.status == ContractStatus::Active {
            self.move_to(ContractStatus::NoticeGiven, article::TERMS_CHANGE, "terminate for a terms change")?;
        }
        self.end_date = Some(effective_end);
        self.end_article = Some(article::TERMS_CHANGE);
        let change = Change::NoticeGiven {
            party: Party::Customer,
            notice_date,
            effective_end,
            reason: format!("terms version {} materially worsens the customer's position", terms.version),
            terms_version: Some(terms.version.clone()),
        };
        Ok(vec![self.decide(change, article::TERMS_CHANGE)])
    }

    /// The trial becomes the agreement signed for the customer (art. 3.9).
    pub fn convert_trial(&mut self, into: pactum_domain::ContractId) -> Result<Vec<Decision>, ContractError> {
        self.move_to(ContractStatus::Converted, article::TRIAL, "convert the trial")?;
        Ok(vec![self.decide(Change::TrialConverted { into }, article::TRIAL)])
    }

    /// Brings the contract up to `as_of` (art. 13.1, 13.2, 3.9, 8.9): an agreement whose end has
    /// passed ends; a term that has passed renews tacitly for a period equal to the initial
    /// term, counted from the start date, as often as needed; a trial past its end expires; an
    /// announced suspension whose day has come applies. Running it again changes nothing.
    pub fn catch_up(&mut self, as_of: NaiveDate) -> Vec<Decision> {
        let mut decisions = Vec::new();
        if self.status == ContractStatus::Trial {
            if self.trial_end_date.is_some_and(|end| end < as_of)
                && self.move_to(ContractStatus::TrialExpired, article::TRIAL, "expire").is_ok()
            {
                decisions.push(self.decide(Change::TrialExpired, article::TRIAL));
            }
            return decisions;
        }
        let mut renewals = 0;
        while self.status.is_running() && renewals < MAX_RENEWALS_PER_RUN {
            if let Some(end) = self.end_date.filter(|end| *end < as_of) {
                let article = self.end_article.unwrap_or(article::NOTICE);
                if self.move_to(ContractStatus::Terminated, article, "terminate").is_ok() {
                    self.end_date = Some(end);
                    decisions.push(self.decide(Change::Terminated { terms_version: None }, article));
                }
                break;
            }
            if self.current_term.last() >= as_of {
                break;
            }
            let Some(next) = self.term(self.term_index + 1) else { break };
            self.term_index += 1;
            self.current_term = next;
            renewals += 1;
            decisions.push(self.decide(Change::Renewed { term: next }, article::TERM_AND_RENEWAL));
        }
        decisions.extend(self.apply_due_suspension(as_of));
        decisions
    }
}

/// Art. 2.2: a new version takes effect at least one calendar month after it is announced.
pub fn earliest_terms_effective_date(published_on: NaiveDate) -> Option<NaiveDate> {
    add_months_clamped(published_on, 1)
}
