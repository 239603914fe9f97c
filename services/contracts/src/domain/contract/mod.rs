//! A trial or an agreement (art. 1.1 l, 3.9, 13) and everything that happens to it.

mod error;
mod lifecycle;
mod new;
#[cfg(test)]
mod tests;

use chrono::{DateTime, NaiveDate, Utc};
pub use pactum_domain::{BillingPeriod, PaymentMethod};
use pactum_domain::{ContractId, CustomerId, Money, calendar::CivilPeriod};

pub use error::ContractError;
pub use lifecycle::{DEFAULT_SUSPENSION_NOTICE_DAYS, FORCE_MAJEURE_DAYS, NOTICE_DAYS, earliest_terms_effective_date};
pub use new::{NewContract, NewTrial, RawLine};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContractStatus {
    Trial,
    Active,
    NoticeGiven,
    Terminated,
    Dissolved,
    TrialExpired,
    Converted,
}

impl ContractStatus {
    pub const ALL: [Self; 7] = [
        Self::Trial,
        Self::Active,
        Self::NoticeGiven,
        Self::Terminated,
        Self::Dissolved,
        Self::TrialExpired,
        Self::Converted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trial => "trial",
            Self::Active => "active",
            Self::NoticeGiven => "notice_given",
            Self::Terminated => "terminated",
            Self::Dissolved => "dissolved",
            Self::TrialExpired => "trial_expired",
            Self::Converted => "converted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// An agreement that runs: it renews, and can be suspended, blocked or ended.
    pub fn is_running(self) -> bool {
        matches!(self, Self::Active | Self::NoticeGiven)
    }
}

impl std::fmt::Display for ContractStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_str().to_ascii_uppercase())
    }
}

/// Every status change a contract can make, and nothing else (an explicit table, so an illegal
/// change is refused with the status the contract is in).
const TRANSITIONS: &[(ContractStatus, ContractStatus)] = {
    use ContractStatus::*;
    &[
        (Trial, Converted),
        (Trial, TrialExpired),
        (Active, NoticeGiven),
        (Active, Terminated),
        (Active, Dissolved),
        (NoticeGiven, Terminated),
        (NoticeGiven, Dissolved),
    ]
};

pub fn transition_allowed(from: ContractStatus, to: ContractStatus) -> bool {
    TRANSITIONS.contains(&(from, to))
}

/// Who gives notice (art. 13.2: either party).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Customer,
    Vendor,
}

/// Art. 13.4: the grounds for dissolution without notice or court.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DissolutionGround {
    Bankruptcy,
    SuspensionOfPayments,
    Liquidation,
}

/// One product on an agreement: a monthly price excluding VAT (art. 8.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractLine {
    pub product_code: String,
    pub quantity: u32,
    pub unit_price: Money,
}

/// A trial or an agreement. Fields are public for the adapters; every change goes through the
/// methods in `lifecycle`, which enforce the terms and report what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub id: ContractId,
    pub customer_id: CustomerId,
    pub status: ContractStatus,
    /// Art. 8.9: performance suspended now.
    pub suspended: bool,
    /// Art. 8.9: the day an announced suspension takes (or took) effect.
    pub suspension_effective_date: Option<NaiveDate>,
    /// Art. 8.9, 14.21: when the written announcement of the suspension was sent (the
    /// notification service says so); the suspension takes effect only after it.
    pub suspension_announcement_sent_at: Option<DateTime<Utc>>,
    /// Why the announcement could not be delivered (failed or bounced): the suspension then
    /// does not take effect until it is announced again.
    pub suspension_announcement_failure: Option<String>,
    /// Art. 14.9.
    pub access_blocked: bool,
    /// Art. 14.9: a block warned about and waiting for the warning to be sent, and why.
    pub access_block_pending: Option<String>,
    /// Art. 14.9, 14.21: when the warning was sent; the block follows it.
    pub access_block_warning_sent_at: Option<DateTime<Utc>>,
    /// Why the warning could not be delivered: the block then waits.
    pub access_block_warning_failure: Option<String>,
    pub start_date: NaiveDate,
    /// The initial term (art. 13.1); every renewal is as long. 0 for a trial.
    pub term_months: u32,
    /// Which term runs: 0 is the initial one.
    pub term_index: u32,
    pub current_term: CivilPeriod,
    pub end_date: Option<NaiveDate>,
    /// The article the known end rests on.
    pub end_article: Option<&'static str>,
    pub trial_end_date: Option<NaiveDate>,
    pub billing_period: Option<BillingPeriod>,
    pub payment_method: Option<PaymentMethod>,
    pub lines: Vec<ContractLine>,
    pub terms_version: Option<String>,
    /// Art. 11.1: force majeure since this day, while it lasts.
    pub force_majeure_since: Option<NaiveDate>,
    /// Optimistic-concurrency counter.
    pub version: i64,
}

/// What a change was, with the details subscribers need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    TrialStarted,
    TrialExpired,
    TrialConverted {
        into: ContractId,
    },
    Signed {
        converted_trial: Option<ContractId>,
    },
    NoticeGiven {
        party: Party,
        notice_date: NaiveDate,
        effective_end: NaiveDate,
        reason: String,
        terms_version: Option<String>,
    },
    Renewed {
        term: CivilPeriod,
    },
    Terminated {
        terms_version: Option<String>,
    },
    Dissolved {
        ground: DissolutionGround,
        effective_date: NaiveDate,
    },
    SuspensionAnnounced {
        reason: String,
        announced_on: NaiveDate,
        effective_date: NaiveDate,
    },
    Suspended {
        effective_date: NaiveDate,
    },
    Resumed {
        date: NaiveDate,
    },
    ForceMajeureDeclared {
        started_on: NaiveDate,
    },
    ForceMajeureEnded,
    BlockAnnounced {
        reason: String,
    },
    Blocked {
        reason: String,
        urgent: bool,
    },
    Unblocked,
}

/// One change, the article of the terms it applied, and the whole contract right after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub change: Change,
    pub article: &'static str,
    pub contract: Contract,
}

/// Articles, named once.
/// Why a notice is given, a suspension announced or access blocked (art. 13.2, 8.9, 14.9).
pub const REASON: pactum_domain::text::TextRule = pactum_domain::text::TextRule::free(500);

pub mod article {
    pub const TERMS_CHANGE: &str = "2.2";
    pub const TRIAL: &str = "3.9";
    pub const TERMS_ACCEPTANCE: &str = "4.3 F";
    pub const DIRECT_DEBIT: &str = "8.5";
    pub const SUSPENSION: &str = "8.9";
    pub const FORCE_MAJEURE: &str = "11.1";
    pub const FORCE_MAJEURE_TERMINATION: &str = "11.2";
    pub const TERM_AND_RENEWAL: &str = "13.1";
    pub const NOTICE: &str = "13.2";
    pub const NO_MID_TERM_TERMINATION: &str = "13.3";
    pub const DISSOLUTION: &str = "13.4";
    pub const BLOCKING: &str = "14.9";
    pub const PRIMARY_CONTACT: &str = "14.20";

    /// The article constant spelled `s`, for reading a stored article back.
    pub fn parse(s: &str) -> Option<&'static str> {
        [
            TERMS_CHANGE,
            TRIAL,
            TERMS_ACCEPTANCE,
            DIRECT_DEBIT,
            SUSPENSION,
            FORCE_MAJEURE,
            FORCE_MAJEURE_TERMINATION,
            TERM_AND_RENEWAL,
            NOTICE,
            NO_MID_TERM_TERMINATION,
            DISSOLUTION,
            BLOCKING,
            PRIMARY_CONTACT,
        ]
        .into_iter()
        .find(|a| *a == s)
    }
}
