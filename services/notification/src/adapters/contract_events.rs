//! Notification's consumer of the contracts events: it keeps its own copy of every customer's
//! primary contact and of which agreements are active, and gives the notices the contracts
//! rules require (art. 13.1, 13.2, 13.4, 8.9, 14.9, 2.2).

use chrono::Utc;
use pactum_bus::{ConsumerSpec, Handler, HandlerError, ReceivedEvent};
use pactum_domain::{CustomerId, EmailAddress};
use pactum_proto::{catalogue::contracts as catalogue, pactum::contracts::v1 as pb};
use sqlx::PgConnection;
use uuid::Uuid;

use super::{
    notify::{Notifier, date},
    postgres,
};
use crate::{
    application::notices::Facts,
    domain::{catalogue as notices, contact::Contact},
};

pub const SPEC: ConsumerSpec = ConsumerSpec {
    service: "notification",
    durable_name: "notification-contracts",
    source_service: "contracts",
    filter_subject: "pactum.contracts.>",
    max_deliver: 8,
};

#[derive(Debug, Clone)]
pub struct ContractEvents {
    notifier: Notifier,
}

impl ContractEvents {
    pub fn new(notifier: Notifier) -> Self {
        Self { notifier }
    }
}

impl Handler for ContractEvents {
    async fn handle(&self, tx: &mut PgConnection, event: &ReceivedEvent) -> Result<(), HandlerError> {
        let t = event.event_type.as_str();
        if t == catalogue::CUSTOMER_CREATED.subject {
            let created: pb::CustomerCreated = event.decode()?;
            let contact = contact_of(created.customer.as_ref(), event)?;
            postgres::upsert_contact(tx, &contact).await?;
        } else if t == catalogue::CUSTOMER_CONTACT_CHANGED.subject {
            // Art. 14.20: notices go to the new address from now on.
            let changed: pb::CustomerContactChanged = event.decode()?;
            let contact = contact_of(changed.customer.as_ref(), event)?;
            postgres::upsert_contact(tx, &contact).await?;
        } else if t == catalogue::TERMS_PUBLISHED.subject {
            let published: pb::TermsPublished = event.decode()?;
            let terms = published.terms.unwrap_or_default();
            let facts = Facts::from([
                ("version", terms.version),
                ("effective_date", date(terms.effective_date.as_ref())),
                ("summary", terms.summary),
            ]);
            self.notifier.notify(tx, &notices::TERMS_PUBLISHED, None, facts, event).await?;
        } else if let Some(kind) = contract_notice(t) {
            let changed: pb::ContractChanged = event.decode()?;
            self.agreement(tx, t, &changed, event).await?;
            if let Some(kind) = kind {
                let customer = Uuid::try_parse(&changed.customer_id)
                    .map_err(|e| HandlerError::Permanent(format!("customer_id {e}")))?;
                self.notifier.notify(tx, &kind, Some(customer), facts_of(&changed), event).await?;
            }
        } else {
            tracing::debug!(event.r#type = %event.event_type, "event not used by notification");
        }
        Ok(())
    }
}

impl ContractEvents {
    /// Keeps which agreements are active: they receive the announcements (art. 2.2, 8.4).
    async fn agreement(
        &self,
        tx: &mut PgConnection,
        t: &str,
        changed: &pb::ContractChanged,
        event: &ReceivedEvent,
    ) -> Result<(), HandlerError> {
        let active = if t == catalogue::CONTRACT_SIGNED.subject || t == catalogue::TRIAL_CONVERTED.subject {
            true
        } else if t == catalogue::CONTRACT_TERMINATED.subject || t == catalogue::CONTRACT_DISSOLVED.subject {
            false
        } else {
            return Ok(());
        };
        let contract = changed.contract.as_ref().ok_or_else(|| HandlerError::Permanent("no contract".to_owned()))?;
        let (Ok(contract_id), Ok(customer_id)) =
            (Uuid::try_parse(&contract.contract_id), Uuid::try_parse(&changed.customer_id))
        else {
            return Err(HandlerError::Permanent("contract or customer id is not a UUID".to_owned()));
        };
        let at = event.time.unwrap_or_else(|| self.notifier.now());
        postgres::set_agreement(tx, contract_id, customer_id, active, at).await?;
        Ok(())
    }
}

/// Whether a contract event concerns notification: `Some(Some(kind))` when it requires a
/// notice, `Some(None)` when it only changes which agreements are active.
fn contract_notice(t: &str) -> Option<Option<notices::NoticeKind>> {
    let kinds = [
        (catalogue::CONTRACT_SIGNED, Some(notices::ORDER_CONFIRMATION)),
        (catalogue::CONTRACT_NOTICE_GIVEN, Some(notices::NOTICE_RECEIVED)),
        (catalogue::CONTRACT_DISSOLVED, Some(notices::DISSOLVED)),
        (catalogue::CONTRACT_SUSPENSION_ANNOUNCED, Some(notices::SUSPENSION_ANNOUNCED)),
        (catalogue::CONTRACT_SUSPENDED, Some(notices::SUSPENDED)),
        (catalogue::ACCESS_BLOCK_ANNOUNCED, Some(notices::ACCESS_BLOCK_ANNOUNCED)),
        (catalogue::ACCESS_BLOCKED, Some(notices::ACCESS_BLOCKED)),
        (catalogue::TRIAL_CONVERTED, None),
        (catalogue::CONTRACT_TERMINATED, None),
    ];
    kinds.into_iter().find(|(entry, _)| entry.subject == t).map(|(_, kind)| kind)
}

/// The facts every contract notice may state.
fn facts_of(changed: &pb::ContractChanged) -> Facts {
    let contract = changed.contract.clone().unwrap_or_default();
    let details = changed.details.clone().unwrap_or_default();
    let end = details.effective_end_date.as_ref().or(contract.end_date.as_ref()).or(contract.current_term_end.as_ref());
    Facts::from([
        ("contract_id", contract.contract_id.clone()),
        ("start_date", date(contract.start_date.as_ref())),
        ("end_date", date(end)),
        (
            "effective_date",
            date(
                details
                    .effective_date
                    .as_ref()
                    .or(contract.suspension_effective_date.as_ref())
                    .or(contract.end_date.as_ref()),
            ),
        ),
        ("announced_on", date(details.announced_on.as_ref())),
        ("reason", details.reason),
    ])
}

/// A customer whose contact does not parse can never become a notice recipient: permanent.
fn contact_of(customer: Option<&pb::Customer>, event: &ReceivedEvent) -> Result<Contact, HandlerError> {
    let customer = customer.ok_or_else(|| HandlerError::Permanent("event has no customer".to_owned()))?;
    let customer_id =
        CustomerId::parse(&customer.customer_id).map_err(|e| HandlerError::Permanent(format!("customer_id {e}")))?;
    let email = EmailAddress::parse(&customer.primary_contact_email)
        .map_err(|e| HandlerError::Permanent(format!("primary_contact_email {e}")))?;
    Ok(Contact {
        customer_id,
        customer_name: customer.name.clone(),
        primary_contact_email: email,
        // An unknown code (a newer producer) falls back to the default rather than losing the
        // customer's notices.
        language: pactum_domain::language::Language::parse(&customer.language).unwrap_or_default(),
        // The customer's own choice, kept by the upsert (the events never carry it).
        mute_informational_email: false,
        changed_at: event.time.unwrap_or_else(Utc::now),
        source_event_id: event.id,
    })
}
