//! The general terms themselves: versions (art. 2.2) and acceptances (art. 4.3 F).

use chrono::{DateTime, NaiveDate, Utc};
use pactum_domain::text::TextRule;
use pactum_domain::{CustomerId, Violations};

use super::{
    contract::{article, earliest_terms_effective_date},
    storage::StorageError,
};

/// A published version of the general terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermsVersion {
    pub version: String,
    pub published_on: NaiveDate,
    pub effective_date: NaiveDate,
    /// Art. 2.2: whether it materially worsens the customer's position (which allows
    /// termination as of the effective date).
    pub materially_worse: bool,
    pub summary: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TermsError {
    #[error("invalid terms request")]
    Invalid(Violations),
    #[error("{message} (art. {article})")]
    Refused { article: &'static str, reason: &'static str, message: String },
    #[error("terms version {0} not found")]
    NotFound(String),
    #[error("customer {0} not found")]
    CustomerNotFound(CustomerId),
    #[error("terms version {0} is already published")]
    AlreadyPublished(String),
    #[error(transparent)]
    Reused(#[from] pactum_idempotency::Reused),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// A terms version names itself in at most 64 printable ASCII characters, e.g. `2027-01`;
/// `field` is where the request holds it.
pub fn parse_version(field: &str, raw: &str, violations: &mut Violations) -> Option<String> {
    let version = raw.trim();
    if version.is_empty() || version.len() > 64 || !version.chars().all(|c| c.is_ascii_graphic()) {
        violations.add(field, "is required: at most 64 printable ASCII characters, e.g. 2027-01");
        return None;
    }
    Some(version.to_owned())
}

/// Who accepted the terms (art. 4.3 F).
pub const ACCEPTED_BY: TextRule = TextRule::line(200);
/// What a new version changes, for the announcement (art. 2.2).
pub const SUMMARY: TextRule = TextRule::free(2000);

impl TermsVersion {
    /// Art. 2.2: the vendor may change the terms with at least one month's notice.
    pub fn publish(
        version: &str,
        published_on: Option<NaiveDate>,
        effective_date: Option<NaiveDate>,
        materially_worse: bool,
        summary: &str,
        mut violations: Violations,
    ) -> Result<Self, TermsError> {
        let version = parse_version("version", version, &mut violations);
        let summary = violations.check("summary", SUMMARY.check(summary)).unwrap_or_default();
        if summary.is_empty() && violations.iter().all(|v| v.field != "summary") {
            violations.add("summary", "is required: what changes, for the announcement (art. 2.2)");
        }
        let (Some(version), Some(published_on), Some(effective_date)) = (version, published_on, effective_date) else {
            return Err(TermsError::Invalid(violations));
        };
        if !violations.is_empty() {
            return Err(TermsError::Invalid(violations));
        }
        let earliest = earliest_terms_effective_date(published_on).unwrap_or(NaiveDate::MAX);
        if effective_date < earliest {
            return Err(TermsError::Refused {
                article: article::TERMS_CHANGE,
                reason: "TERMS_NOTICE_TOO_SHORT",
                message: format!(
                    "terms published on {published_on} can take effect on {earliest} at the earliest, not {effective_date}"
                ),
            });
        }
        Ok(Self { version, published_on, effective_date, materially_worse, summary })
    }
}

/// Art. 4.3 F: which version a customer accepted, when and by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermsAcceptance {
    pub customer_id: CustomerId,
    pub version: String,
    pub accepted_at: DateTime<Utc>,
    pub accepted_by: String,
    pub ip_address: String,
}

impl TermsAcceptance {
    pub fn parse(
        customer_id: Option<CustomerId>,
        version: &str,
        accepted_at: Option<DateTime<Utc>>,
        accepted_by: &str,
        ip_address: &str,
        mut violations: Violations,
    ) -> Result<Self, TermsError> {
        let version = parse_version("version", version, &mut violations);
        if accepted_at.is_none() {
            violations.add("accepted_at", "is required");
        }
        let accepted_by = violations.check("accepted_by", ACCEPTED_BY.check(accepted_by)).unwrap_or_default();
        if accepted_by.is_empty() && violations.iter().all(|v| v.field != "accepted_by") {
            violations.add("accepted_by", "is required: who accepted");
        }
        let ip = ip_address.trim();
        if ip.parse::<std::net::IpAddr>().is_err() {
            violations.add("ip_address", "must be an IPv4 or IPv6 address");
        }
        match (customer_id, version, accepted_at) {
            (Some(customer_id), Some(version), Some(accepted_at)) if violations.is_empty() => {
                Ok(Self { customer_id, version, accepted_at, accepted_by, ip_address: ip.to_owned() })
            }
            _ => Err(TermsError::Invalid(violations)),
        }
    }
}
