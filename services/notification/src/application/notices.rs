//! Notices: made from the events that require them, delivered by e-mail and in the inbox, and
//! read back with their evidence.

use std::{collections::BTreeMap, future::Future};

use chrono::{DateTime, Utc};
use pactum_domain::{Clock, CustomerId, page::PageRequest};
use pactum_idempotency::{Once, Outcome};
use uuid::Uuid;

use crate::domain::{
    catalogue::{Language, NoticeKind},
    contact::Contact,
    notice::{Channel, Delivery, Notice, NoticeError, Rendered},
};

/// The facts a notice states (dates, amounts, numbers), by name, for its template.
pub type Facts = BTreeMap<&'static str, String>;

/// Renders a kind of notice in a language from its facts.
pub trait Renderer: Send + Sync + 'static {
    fn render(&self, kind: &NoticeKind, language: Language, facts: &Facts) -> Result<Rendered, String>;
}

/// Hands an e-mail notice to the mail server: what happened, and the evidence of what was
/// handed over (its Message-ID and the SHA-256 of its exact bytes).
pub trait Mailer: Send + Sync + 'static {
    fn send(&self, notice: &Notice) -> impl Future<Output = Sent> + Send;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub delivery: Delivery,
    pub message_id: String,
    pub content_sha256: String,
}

/// Where notices are kept. Notices are made in the event consumer's transaction (see
/// [`notices_for`]); these are the rest.
pub trait NoticeStore: Send + Sync + 'static {
    fn get(&self, id: Uuid) -> impl Future<Output = Result<Option<Notice>, NoticeError>> + Send;

    /// The customer's notices, newest first, and the count of its unread in-app notices.
    fn list(
        &self,
        customer_id: CustomerId,
        channel: Option<Channel>,
        unread_only: bool,
        page: PageRequest<Uuid>,
    ) -> impl Future<Output = Result<(Vec<Notice>, i64), NoticeError>> + Send;

    /// Applies `change` to the notice under a row lock and stores it (with the event the
    /// change calls for).
    fn update<F>(
        &self,
        find: NoticeRef,
        change: F,
        once: Option<Once<Notice>>,
    ) -> impl Future<Output = Result<Outcome<Notice>, NoticeError>> + Send
    where
        F: FnOnce(&mut Notice) -> Result<(), NoticeError> + Send;

    /// Gives notice of `kind` to every customer with an active agreement, each copy rendered
    /// by `render`, in one transaction (with the request id's answer).
    fn announce(
        &self,
        kind: NoticeKind,
        render: &RenderFor<'_>,
        at: DateTime<Utc>,
        once: Option<Once<Announced>>,
    ) -> impl Future<Output = Result<Outcome<Announced>, NoticeError>> + Send;

    /// Takes up to `limit` e-mail notices due at `now` for one worker: nobody else sends them
    /// until `lease_until`.
    fn claim_due(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Notice>, NoticeError>> + Send;

    /// Stores what an attempt did: the notice as it is now, when to try again, and the
    /// Message-ID and hash of what was handed over.
    fn record_attempt(
        &self,
        notice: &Notice,
        retry_at: Option<DateTime<Utc>>,
    ) -> impl Future<Output = Result<(), NoticeError>> + Send;
}

/// An announcement made to every customer with an active agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announced {
    pub id: Uuid,
    pub kind: NoticeKind,
    pub customers: u64,
}

/// Renders one customer's copy of an announcement.
pub type RenderFor<'a> = dyn Fn(&Contact) -> Result<Rendered, String> + Send + Sync + 'a;

/// How a change finds its notice.
#[derive(Debug, Clone)]
pub enum NoticeRef {
    Id(Uuid),
    MessageId(String),
}

/// The notices an event calls for, to one customer: by e-mail to the primary contact and in the
/// inbox (critical notices always both; art. 14.19).
pub fn notices_for(
    kind: &NoticeKind,
    contact: &Contact,
    rendered: &Rendered,
    (source_event_id, source_subject): (Uuid, &str),
    now: DateTime<Utc>,
) -> Vec<Notice> {
    let language = contact.language;
    let email = Notice::new(
        kind,
        contact.customer_id,
        Channel::Email,
        contact.primary_contact_email.to_string(),
        language,
        rendered.clone(),
        (source_event_id, source_subject.to_owned()),
        now,
    );
    let in_app = Notice::new(
        kind,
        contact.customer_id,
        Channel::InApp,
        contact.customer_id.to_string(),
        language,
        rendered.clone(),
        (source_event_id, source_subject.to_owned()),
        now,
    );
    // Art. 14.19: critical notices always by e-mail; informational ones unless muted.
    if !kind.critical && contact.mute_informational_email { vec![in_app] } else { vec![email, in_app] }
}

pub struct Notices<S> {
    store: S,
    renderer: std::sync::Arc<dyn Renderer>,
    clock: Clock,
}

impl<S: std::fmt::Debug> std::fmt::Debug for Notices<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notices").field("store", &self.store).finish_non_exhaustive()
    }
}

impl<S: NoticeStore> Notices<S> {
    pub fn new(store: S, renderer: std::sync::Arc<dyn Renderer>, clock: Clock) -> Self {
        Self { store, renderer, clock }
    }

    /// Art. 14.4: planned maintenance, to every customer with an active agreement; outside
    /// office hours unless urgent, with its reason.
    pub async fn announce_maintenance(
        &self,
        starts: DateTime<Utc>,
        ends: DateTime<Utc>,
        description: String,
        urgent: bool,
        reason: String,
        once: Option<Once<Announced>>,
    ) -> Result<Outcome<Announced>, NoticeError> {
        crate::domain::announcement::check_maintenance(starts, ends, urgent, &reason)?;
        let time =
            |t: DateTime<Utc>| t.with_timezone(&chrono_tz::Europe::Amsterdam).format("%Y-%m-%d %H:%M").to_string();
        let facts = Facts::from([
            ("starts_at", time(starts)),
            ("ends_at", time(ends)),
            ("description", description),
            ("reason", if urgent { reason } else { String::new() }),
        ]);
        self.announce(crate::domain::catalogue::MAINTENANCE, facts, once).await
    }

    /// Art. 14.18 (a new feature) or 14.2 (a change that materially alters functionality).
    pub async fn announce_change(
        &self,
        title: String,
        body: String,
        material: bool,
        once: Option<Once<Announced>>,
    ) -> Result<Outcome<Announced>, NoticeError> {
        use crate::domain::catalogue::{CHANGE, MATERIAL_CHANGE};
        let kind = if material { MATERIAL_CHANGE } else { CHANGE };
        self.announce(kind, Facts::from([("title", title), ("body", body)]), once).await
    }

    async fn announce(
        &self,
        kind: NoticeKind,
        facts: Facts,
        once: Option<Once<Announced>>,
    ) -> Result<Outcome<Announced>, NoticeError> {
        let renderer = self.renderer.clone();
        let render = move |contact: &Contact| {
            let mut facts = facts.clone();
            facts.insert("customer_name", contact.customer_name.clone());
            renderer.render(&kind, contact.language, &facts)
        };
        self.store.announce(kind, &render, self.clock.now(), once).await
    }

    pub async fn get(&self, id: Uuid) -> Result<Notice, NoticeError> {
        self.store.get(id).await?.ok_or_else(|| NoticeError::NotFound(id.to_string()))
    }

    pub async fn list(
        &self,
        customer_id: CustomerId,
        channel: Option<Channel>,
        unread_only: bool,
        page: PageRequest<Uuid>,
    ) -> Result<(Vec<Notice>, i64), NoticeError> {
        self.store.list(customer_id, channel, unread_only, page).await
    }

    pub async fn mark_read(&self, id: Uuid, once: Option<Once<Notice>>) -> Result<Outcome<Notice>, NoticeError> {
        let now = self.clock.now();
        self.store.update(NoticeRef::Id(id), |n| n.mark_read(now), once).await
    }

    pub async fn report_bounce(
        &self,
        message_id: String,
        reason: String,
        once: Option<Once<Notice>>,
    ) -> Result<Outcome<Notice>, NoticeError> {
        self.store.update(NoticeRef::MessageId(message_id), |n| n.bounce(reason), once).await
    }
}

/// Sends the e-mail notices that are due, a few at a time.
#[derive(Debug)]
pub struct Deliveries<S, M> {
    store: S,
    mailer: M,
    clock: Clock,
}

/// How many notices one worker sends per round, and how long it holds them.
pub const DELIVERY_BATCH: u32 = 16;
pub const DELIVERY_LEASE_SECONDS: i64 = 120;

impl<S: NoticeStore, M: Mailer> Deliveries<S, M> {
    pub fn new(store: S, mailer: M, clock: Clock) -> Self {
        Self { store, mailer, clock }
    }

    /// One round: returns how many notices it tried.
    #[tracing::instrument(skip_all)]
    pub async fn deliver_due(&self) -> Result<usize, NoticeError> {
        let now = self.clock.now();
        let lease = now + chrono::Duration::seconds(DELIVERY_LEASE_SECONDS);
        let due = self.store.claim_due(now, lease, DELIVERY_BATCH).await?;
        let tried = due.len();
        for mut notice in due {
            let sent = self.mailer.send(&notice).await;
            notice.message_id = Some(sent.message_id);
            notice.content_sha256 = Some(sent.content_sha256);
            let retry_at = notice.record(sent.delivery, self.clock.now());
            tracing::info!(notice.id = %notice.id, kind = %notice.kind, status = notice.status.as_str(), "e-mail attempt");
            self.store.record_attempt(&notice, retry_at).await?;
        }
        Ok(tried)
    }
}
