//! Proto ↔ domain, for the contracts API and its events. The only place the two meet.

use pactum_domain::{ContractId, CustomerId, Violations};
use pactum_platform::wire;
use pactum_proto::pactum::contracts::v1 as pb;

use crate::domain::{
    contract::{BillingPeriod, Contract, ContractStatus, DissolutionGround, Party, PaymentMethod},
    customer::Customer,
    terms::{TermsAcceptance, TermsVersion},
};

pub fn customer_to_proto(customer: &Customer) -> pb::Customer {
    pb::Customer {
        customer_id: customer.id.to_string(),
        name: customer.name.as_str().to_owned(),
        kvk_number: customer.kvk_number.to_string(),
        primary_contact_email: customer.primary_contact_email.to_string(),
        created_at: Some(wire::timestamp_to_wire(customer.created_at)),
        postal_address: customer.postal_address.as_ref().map(address_to_proto),
        language: customer.language.code().to_owned(),
        primary_contact_undeliverable: customer
            .contact_undeliverable
            .as_ref()
            .map(|(_, why)| why.clone())
            .unwrap_or_default(),
        primary_contact_undeliverable_at: customer
            .contact_undeliverable
            .as_ref()
            .map(|(at, _)| wire::timestamp_to_wire(*at)),
    }
}

pub fn address_to_proto(a: &pactum_domain::PostalAddress) -> pb::PostalAddress {
    pb::PostalAddress {
        street: a.street().to_owned(),
        postal_code: a.postal_code().to_owned(),
        city: a.city().to_owned(),
        country_code: a.country_code().to_owned(),
    }
}

/// `None` when no address was sent.
pub fn address_from_proto(
    a: Option<&pb::PostalAddress>,
) -> Option<Result<pactum_domain::PostalAddress, pactum_domain::AddressError>> {
    a.map(|a| pactum_domain::PostalAddress::parse(&a.street, &a.postal_code, &a.city, &a.country_code))
}

pub fn status_to_proto(status: ContractStatus) -> pb::ContractStatus {
    match status {
        ContractStatus::Trial => pb::ContractStatus::Trial,
        ContractStatus::Active => pb::ContractStatus::Active,
        ContractStatus::NoticeGiven => pb::ContractStatus::NoticeGiven,
        ContractStatus::Terminated => pb::ContractStatus::Terminated,
        ContractStatus::Dissolved => pb::ContractStatus::Dissolved,
        ContractStatus::TrialExpired => pb::ContractStatus::TrialExpired,
        ContractStatus::Converted => pb::ContractStatus::Converted,
    }
}

/// `None` for UNSPECIFIED (no filter); a violation for a number no enum value has.
pub fn status_from_proto(value: i32, violations: &mut Violations) -> Option<ContractStatus> {
    match pb::ContractStatus::try_from(value) {
        Ok(pb::ContractStatus::Unspecified) => None,
        Ok(s) => ContractStatus::ALL.into_iter().find(|d| status_to_proto(*d) == s),
        Err(_) => {
            violations.add("status", format!("{value} is not a ContractStatus"));
            None
        }
    }
}

pub fn billing_period_to_proto(period: Option<BillingPeriod>) -> pb::BillingPeriod {
    match period {
        None => pb::BillingPeriod::Unspecified,
        Some(BillingPeriod::Monthly) => pb::BillingPeriod::Monthly,
        Some(BillingPeriod::Quarterly) => pb::BillingPeriod::Quarterly,
        Some(BillingPeriod::Yearly) => pb::BillingPeriod::Yearly,
    }
}

pub fn billing_period_from_proto(value: i32) -> Option<BillingPeriod> {
    match pb::BillingPeriod::try_from(value).ok()? {
        pb::BillingPeriod::Unspecified => None,
        pb::BillingPeriod::Monthly => Some(BillingPeriod::Monthly),
        pb::BillingPeriod::Quarterly => Some(BillingPeriod::Quarterly),
        pb::BillingPeriod::Yearly => Some(BillingPeriod::Yearly),
    }
}

pub fn payment_method_to_proto(method: Option<PaymentMethod>) -> pb::PaymentMethod {
    match method {
        None => pb::PaymentMethod::Unspecified,
        Some(PaymentMethod::DirectDebit) => pb::PaymentMethod::DirectDebit,
        Some(PaymentMethod::BankTransfer) => pb::PaymentMethod::BankTransfer,
    }
}

pub fn payment_method_from_proto(value: i32) -> Option<PaymentMethod> {
    match pb::PaymentMethod::try_from(value).ok()? {
        pb::PaymentMethod::Unspecified => None,
        pb::PaymentMethod::DirectDebit => Some(PaymentMethod::DirectDebit),
        pb::PaymentMethod::BankTransfer => Some(PaymentMethod::BankTransfer),
    }
}

pub fn party_to_proto(party: Party) -> pb::Party {
    match party {
        Party::Customer => pb::Party::Customer,
        Party::Vendor => pb::Party::Vendor,
    }
}

pub fn party_from_proto(value: i32, violations: &mut Violations) -> Option<Party> {
    match pb::Party::try_from(value) {
        Ok(pb::Party::Customer) => Some(Party::Customer),
        Ok(pb::Party::Vendor) => Some(Party::Vendor),
        _ => {
            violations.add("party", "is required: PARTY_CUSTOMER or PARTY_VENDOR");
            None
        }
    }
}

pub fn ground_to_proto(ground: DissolutionGround) -> pb::DissolutionGround {
    match ground {
        DissolutionGround::Bankruptcy => pb::DissolutionGround::Bankruptcy,
        DissolutionGround::SuspensionOfPayments => pb::DissolutionGround::SuspensionOfPayments,
        DissolutionGround::Liquidation => pb::DissolutionGround::Liquidation,
    }
}

pub fn ground_from_proto(value: i32, violations: &mut Violations) -> Option<DissolutionGround> {
    match pb::DissolutionGround::try_from(value) {
        Ok(pb::DissolutionGround::Bankruptcy) => Some(DissolutionGround::Bankruptcy),
        Ok(pb::DissolutionGround::SuspensionOfPayments) => Some(DissolutionGround::SuspensionOfPayments),
        Ok(pb::DissolutionGround::Liquidation) => Some(DissolutionGround::Liquidation),
        _ => {
            violations.add("ground", "is required: bankruptcy, suspension of payments or liquidation (art. 13.4)");
            None
        }
    }
}

pub fn contract_to_proto(c: &Contract) -> pb::Contract {
    pb::Contract {
        contract_id: c.id.to_string(),
        customer_id: c.customer_id.to_string(),
        status: status_to_proto(c.status).into(),
        suspended: c.suspended,
        access_blocked: c.access_blocked,
        start_date: Some(wire::date_to_wire(c.start_date)),
        term_months: i32::try_from(c.term_months).unwrap_or(i32::MAX),
        current_term_start: Some(wire::date_to_wire(c.current_term.first())),
        current_term_end: Some(wire::date_to_wire(c.current_term.last())),
        end_date: c.end_date.map(wire::date_to_wire),
        trial_end_date: c.trial_end_date.map(wire::date_to_wire),
        billing_period: billing_period_to_proto(c.billing_period).into(),
        payment_method: payment_method_to_proto(c.payment_method).into(),
        lines: c
            .lines
            .iter()
            .map(|l| pb::ContractLine {
                product_code: l.product_code.clone(),
                quantity: i32::try_from(l.quantity).unwrap_or(i32::MAX),
                unit_price: Some(wire::money_to_wire(l.unit_price)),
            })
            .collect(),
        terms_version: c.terms_version.clone().unwrap_or_default(),
        version: c.version,
        force_majeure_since: c.force_majeure_since.map(wire::date_to_wire),
        suspension_effective_date: c.suspension_effective_date.map(wire::date_to_wire),
        suspension_announcement_sent_at: c.suspension_announcement_sent_at.map(wire::timestamp_to_wire),
        suspension_announcement_failure: c.suspension_announcement_failure.clone().unwrap_or_default(),
        access_block_pending: c.access_block_pending.clone().unwrap_or_default(),
        access_block_warning_sent_at: c.access_block_warning_sent_at.map(wire::timestamp_to_wire),
        access_block_warning_failure: c.access_block_warning_failure.clone().unwrap_or_default(),
    }
}

pub fn terms_to_proto(t: &TermsVersion) -> pb::TermsVersion {
    pb::TermsVersion {
        version: t.version.clone(),
        published_on: Some(wire::date_to_wire(t.published_on)),
        effective_date: Some(wire::date_to_wire(t.effective_date)),
        materially_worse: t.materially_worse,
        summary: t.summary.clone(),
    }
}

pub fn acceptance_to_proto(a: &TermsAcceptance) -> pb::TermsAcceptance {
    pb::TermsAcceptance {
        customer_id: a.customer_id.to_string(),
        version: a.version.clone(),
        accepted_at: Some(wire::timestamp_to_wire(a.accepted_at)),
        accepted_by: a.accepted_by.clone(),
        ip_address: a.ip_address.clone(),
    }
}

/// Ids and dates of a request, collected with every bad field reported.
#[derive(Debug, Default)]
pub struct Fields {
    pub violations: Violations,
}

impl Fields {
    pub fn contract_id(&mut self, raw: &str) -> Option<ContractId> {
        self.violations.check("contract_id", ContractId::parse(raw))
    }

    pub fn customer_id(&mut self, raw: &str) -> Option<CustomerId> {
        self.violations.check("customer_id", CustomerId::parse(raw))
    }

    pub fn date(
        &mut self,
        field: &str,
        date: Option<&pactum_proto::google::r#type::Date>,
    ) -> Option<chrono::NaiveDate> {
        self.violations.check(field, wire::date_from_wire(date))
    }

    /// A date the caller may leave out: `None` when absent or malformed (then recorded).
    pub fn optional_date(
        &mut self,
        field: &str,
        date: Option<&pactum_proto::google::r#type::Date>,
    ) -> Option<chrono::NaiveDate> {
        self.violations.check(field, wire::optional_date_from_wire(date)).flatten()
    }
}

pub fn give_notice_response((contract, end): &(Contract, chrono::NaiveDate)) -> pb::GiveNoticeResponse {
    pb::GiveNoticeResponse {
        contract: Some(contract_to_proto(contract)),
        effective_end_date: Some(wire::date_to_wire(*end)),
        article: crate::domain::contract::article::NOTICE.to_owned(),
    }
}

pub fn renewals_response(counts: &crate::application::contracts::RenewalCounts) -> pb::RunRenewalsResponse {
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    pb::RunRenewalsResponse {
        renewed: n(counts.renewed),
        terminated: n(counts.terminated),
        trials_expired: n(counts.trials_expired),
        suspensions_effective: n(counts.suspensions_effective),
    }
}
