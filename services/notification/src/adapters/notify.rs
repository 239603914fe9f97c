//! Turning an event into the notices it requires, in the consumer's transaction (so a notice
//! exists exactly when its event was processed): the recipients' contacts, the texts, the
//! notices by e-mail and in the inbox (`postgres::store_notice`).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use pactum_bus::{HandlerError, Outbox, ReceivedEvent};
use pactum_domain::Clock;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{postgres, templates::Templates};
use crate::{
    application::notices::{Facts, Renderer, notices_for},
    domain::catalogue::{Audience, NoticeKind},
};

/// What the consumers need to give notices.
#[derive(Debug, Clone)]
pub struct Notifier {
    templates: Arc<Templates>,
    outbox: Outbox,
    clock: Clock,
}

fn transient(error: impl std::error::Error + Send + Sync + 'static) -> HandlerError {
    HandlerError::Transient(Box::new(error))
}

impl Notifier {
    pub fn new(templates: Arc<Templates>, outbox: Outbox, clock: Clock) -> Self {
        Self { templates, outbox, clock }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Gives notice of `kind` for `event`: to `customer` (an audience of one), or to every
    /// customer with an active agreement. A customer whose contact is not known yet makes the
    /// event wait and come again (its contact is on the way on the contracts stream).
    pub async fn notify(
        &self,
        tx: &mut PgConnection,
        kind: &NoticeKind,
        customer: Option<Uuid>,
        facts: Facts,
        event: &ReceivedEvent,
    ) -> Result<usize, HandlerError> {
        let customers = match kind.audience {
            Audience::ActiveCustomers => postgres::active_customers(tx).await.map_err(transient)?,
            Audience::Customer => customer.into_iter().collect(),
        };
        let now = self.clock.now();
        let mut made = 0;
        for customer_id in customers {
            let Some(contact) = postgres::contact_in(tx, customer_id).await.map_err(transient)? else {
                if kind.audience == Audience::Customer {
                    // The customer's events come on another stream, in their own order: wait for
                    // its contact (redelivered with growing delays) rather than lose the notice.
                    return Err(HandlerError::Transient(
                        format!("no contact known yet for customer {customer_id}; the {} notice waits", kind.key)
                            .into(),
                    ));
                }
                tracing::warn!(customer.id = %customer_id, kind = kind.key, "no contact known; no announcement given");
                continue;
            };
            let mut facts = facts.clone();
            facts.insert("customer_name", contact.customer_name.clone());
            let rendered = self
                .templates
                .render(kind, contact.language, &facts)
                .map_err(|e| HandlerError::Permanent(format!("the {} notice does not render: {e}", kind.key)))?;
            for notice in notices_for(kind, &contact, &rendered, (event.id, &event.subject), now) {
                if postgres::store_notice(tx, &self.outbox, &notice).await.map_err(transient)? {
                    made += 1;
                }
            }
        }
        Ok(made)
    }
}

/// A date from an event as text, for a template.
pub fn date(date: Option<&pactum_proto::google::r#type::Date>) -> String {
    date.map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)).unwrap_or_default()
}

/// An amount from an event as text, for a template: `EUR 121.00`.
pub fn money(money: Option<&pactum_proto::google::r#type::Money>) -> String {
    pactum_platform::wire::money_from_wire(money).map(|m| format!("EUR {m}")).unwrap_or_default()
}
