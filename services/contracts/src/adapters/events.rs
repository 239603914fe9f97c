//! The events the contracts service publishes, encoded as their protobuf payloads.

use pactum_bus::{EventType, OutboxEvent};
use pactum_platform::wire::date_to_wire;
use pactum_proto::{catalogue::contracts as catalogue, pactum::contracts::v1 as pb};

use super::grpc::convert::{
    acceptance_to_proto, contract_to_proto, customer_to_proto, ground_to_proto, party_to_proto, terms_to_proto,
};
use crate::domain::{
    contract::{Change, Decision, article},
    customer::Customer,
    terms::{TermsAcceptance, TermsVersion},
};

/// `customer.created`: a customer was registered (art. 3.8).
pub fn customer_created(customer: &Customer) -> OutboxEvent {
    let payload = pb::CustomerCreated { customer: Some(customer_to_proto(customer)), article: "3.8".to_owned() };
    OutboxEvent::new(EventType::from(catalogue::CUSTOMER_CREATED), customer.id, &payload)
}

/// `customer.address_changed`: invoices go to a new postal address from now on.
pub fn customer_address_changed(customer: &Customer) -> OutboxEvent {
    let payload = pb::CustomerAddressChanged { customer: Some(customer_to_proto(customer)) };
    OutboxEvent::new(EventType::from(catalogue::CUSTOMER_ADDRESS_CHANGED), customer.id, &payload)
}

/// `customer.contact_changed`: notices go to a new address from now on (art. 14.20).
pub fn customer_contact_changed(customer: &Customer, previous: &pactum_domain::EmailAddress) -> OutboxEvent {
    let payload = pb::CustomerContactChanged {
        customer: Some(customer_to_proto(customer)),
        previous_primary_contact_email: previous.to_string(),
        article: article::PRIMARY_CONTACT.to_owned(),
    };
    OutboxEvent::new(EventType::from(catalogue::CUSTOMER_CONTACT_CHANGED), customer.id, &payload)
}

/// Every trial, contract and access event: the whole contract after the change.
pub fn contract_changed(decision: &Decision) -> OutboxEvent {
    let mut details = pb::ChangeDetails::default();
    let entry = match &decision.change {
        Change::TrialStarted => catalogue::TRIAL_STARTED,
        Change::TrialExpired => catalogue::TRIAL_EXPIRED,
        Change::TrialConverted { into } => {
            details.converted_trial_id = into.to_string();
            catalogue::TRIAL_CONVERTED
        }
        Change::Signed { converted_trial } => {
            details.converted_trial_id = converted_trial.map(|t| t.to_string()).unwrap_or_default();
            catalogue::CONTRACT_SIGNED
        }
        Change::NoticeGiven { party, notice_date, effective_end, reason, terms_version } => {
            details.party = party_to_proto(*party).into();
            details.notice_date = Some(date_to_wire(*notice_date));
            details.effective_end_date = Some(date_to_wire(*effective_end));
            details.reason.clone_from(reason);
            details.terms_version = terms_version.clone().unwrap_or_default();
            catalogue::CONTRACT_NOTICE_GIVEN
        }
        Change::Renewed { term } => {
            details.renewed_term_start = Some(date_to_wire(term.first()));
            details.renewed_term_end = Some(date_to_wire(term.last()));
            catalogue::CONTRACT_RENEWED
        }
        Change::Terminated { terms_version } => {
            details.terms_version = terms_version.clone().unwrap_or_default();
            details.effective_end_date = decision.contract.end_date.map(date_to_wire);
            catalogue::CONTRACT_TERMINATED
        }
        Change::Dissolved { ground, effective_date } => {
            details.ground = ground_to_proto(*ground).into();
            details.effective_date = Some(date_to_wire(*effective_date));
            catalogue::CONTRACT_DISSOLVED
        }
        Change::SuspensionAnnounced { reason, announced_on, effective_date } => {
            details.reason.clone_from(reason);
            details.announced_on = Some(date_to_wire(*announced_on));
            details.effective_date = Some(date_to_wire(*effective_date));
            catalogue::CONTRACT_SUSPENSION_ANNOUNCED
        }
        Change::Suspended { effective_date } => {
            details.effective_date = Some(date_to_wire(*effective_date));
            catalogue::CONTRACT_SUSPENDED
        }
        Change::Resumed { date } => {
            details.effective_date = Some(date_to_wire(*date));
            catalogue::CONTRACT_RESUMED
        }
        Change::ForceMajeureDeclared { started_on } => {
            details.effective_date = Some(date_to_wire(*started_on));
            catalogue::CONTRACT_FORCE_MAJEURE_DECLARED
        }
        Change::ForceMajeureEnded => catalogue::CONTRACT_FORCE_MAJEURE_ENDED,
        Change::BlockAnnounced { reason } => {
            details.reason.clone_from(reason);
            catalogue::ACCESS_BLOCK_ANNOUNCED
        }
        Change::Blocked { reason, urgent } => {
            details.reason.clone_from(reason);
            details.urgent = *urgent;
            catalogue::ACCESS_BLOCKED
        }
        Change::Unblocked => catalogue::ACCESS_UNBLOCKED,
    };
    let contract = &decision.contract;
    let payload = pb::ContractChanged {
        contract: Some(contract_to_proto(contract)),
        customer_id: contract.customer_id.to_string(),
        article: decision.article.to_owned(),
        details: Some(details),
    };
    OutboxEvent::new(EventType::from(entry), contract.id, &payload)
}

/// `terms.published` (art. 2.2): notification announces it to every customer.
pub fn terms_published(terms: &TermsVersion) -> OutboxEvent {
    let payload = pb::TermsPublished { terms: Some(terms_to_proto(terms)), article: article::TERMS_CHANGE.to_owned() };
    OutboxEvent::new(EventType::from(catalogue::TERMS_PUBLISHED), &terms.version, &payload)
}

/// `terms.accepted` (art. 4.3 F).
pub fn terms_accepted(acceptance: &TermsAcceptance) -> OutboxEvent {
    let payload = pb::TermsAccepted {
        acceptance: Some(acceptance_to_proto(acceptance)),
        article: article::TERMS_ACCEPTANCE.to_owned(),
    };
    OutboxEvent::new(EventType::from(catalogue::TERMS_ACCEPTED), acceptance.customer_id, &payload)
}
