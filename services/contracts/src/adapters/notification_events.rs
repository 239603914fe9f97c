//! The contracts service's consumer of the notification events: a suspension takes effect only
//! after its written announcement was sent (art. 8.9), a block warned about follows only once
//! the warning was sent (14.9) — art. 14.21: a notice counts as given when it is sent — and
//! one that could not be delivered keeps the step from effect.

use pactum_bus::{ConsumerSpec, Handler, HandlerError, ReceivedEvent};
use pactum_domain::{Clock, ContractId};
use pactum_proto::{catalogue::notification as catalogue, pactum::notification::v1 as pb};
use sqlx::PgConnection;

use super::postgres::PgContracts;

pub const SPEC: ConsumerSpec = ConsumerSpec {
    service: "contracts",
    durable_name: "contracts-notification",
    source_service: "notification",
    filter_subject: "pactum.notification.notice.>",
    max_deliver: 8,
};

/// The notices the steps wait for, by the channel that counts (art. 14.19: e-mail).
const SUSPENSION_ANNOUNCED: &str = "contract.suspension_announced";
const BLOCK_ANNOUNCED: &str = "access.block_announced";

#[derive(Debug, Clone)]
pub struct NotificationEvents {
    contracts: PgContracts,
    clock: Clock,
}

impl NotificationEvents {
    pub fn new(contracts: PgContracts, clock: Clock) -> Self {
        Self { contracts, clock }
    }
}

impl NotificationEvents {
    /// Art. 14.20: whether e-mail reaches the customer's primary contact, shown on the customer.
    async fn contact_delivery(
        &self,
        tx: &mut PgConnection,
        notice: &pb::Notice,
        event_type: &str,
    ) -> Result<(), HandlerError> {
        let customer = uuid::Uuid::try_parse(&notice.customer_id)
            .map_err(|e| HandlerError::Permanent(format!("customer_id {e}")))?;
        let undeliverable = if event_type == catalogue::NOTICE_SENT.subject {
            None
        } else {
            let at = self.clock.now();
            Some((at, format!("{}: {}", notice.kind, notice.failure)))
        };
        let undeliverable = undeliverable.as_ref().map(|(at, why)| (*at, why.as_str()));
        super::postgres::record_contact_delivery(tx, customer, &notice.recipient, undeliverable).await?;
        Ok(())
    }
}

impl Handler for NotificationEvents {
    async fn handle(&self, tx: &mut PgConnection, event: &ReceivedEvent) -> Result<(), HandlerError> {
        let changed: pb::NoticeChanged = event.decode()?;
        let notice = changed.notice.unwrap_or_default();
        if notice.channel == pb::NoticeChannel::Email as i32 {
            self.contact_delivery(tx, &notice, &event.event_type).await?;
        }
        let waited_for = notice.kind == SUSPENSION_ANNOUNCED || notice.kind == BLOCK_ANNOUNCED;
        if !waited_for || notice.channel != pb::NoticeChannel::Email as i32 {
            return Ok(());
        }
        let contract = ContractId::parse(&changed.source_subject)
            .map_err(|e| HandlerError::Permanent(format!("source_subject is not a contract id: {e}")))?;
        let outcome = if event.event_type == catalogue::NOTICE_SENT.subject {
            let sent_at = pactum_platform::wire::timestamp_from_wire(notice.sent_at.as_ref())
                .ok_or_else(|| HandlerError::Permanent("a sent notice without sent_at".to_owned()))?;
            Ok(sent_at)
        } else {
            Err(format!("the announcement was not delivered to {}: {}", notice.recipient, notice.failure))
        };
        let recorded = if notice.kind == SUSPENSION_ANNOUNCED {
            self.contracts.record_suspension_announcement(tx, contract, outcome, self.clock.today()).await
        } else {
            self.contracts.record_block_warning(tx, contract, outcome).await
        };
        recorded.map_err(|e| HandlerError::Transient(Box::new(e)))
    }
}
