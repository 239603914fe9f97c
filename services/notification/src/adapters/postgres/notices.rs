//! Notices, their attempts, and the agreements that make a customer receive announcements.

use chrono::{DateTime, Utc};
use pactum_bus::Outbox;
use pactum_domain::{CustomerId, StorageError, page::PageRequest};
use pactum_idempotency::{ClaimError, Once, Outcome, finish};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::{
    adapters::{events, feed},
    application::notices::{Announced, NoticeRef, NoticeStore, RenderFor, notices_for},
    domain::{
        catalogue::{Language, NoticeKind},
        notice::{Attempt, Channel, Notice, NoticeError, Status},
    },
};

#[derive(Debug, Clone)]
pub struct PgNotices {
    pool: PgPool,
    outbox: Outbox,
}

impl PgNotices {
    pub fn new(pool: PgPool, outbox: Outbox) -> Self {
        Self { pool, outbox }
    }
}

fn failed(error: sqlx::Error) -> NoticeError {
    NoticeError::Storage(StorageError::new(error))
}

impl From<ClaimError> for NoticeError {
    fn from(error: ClaimError) -> Self {
        match error {
            ClaimError::Reused(reused) => Self::Reused(reused),
            ClaimError::Storage(error) => failed(error),
        }
    }
}

fn corrupt(what: String) -> NoticeError {
    NoticeError::Storage(StorageError::new(std::io::Error::other(format!("stored notice is invalid: {what}"))))
}

struct NoticeRow {
    notice_id: Uuid,
    customer_id: Uuid,
    kind: String,
    article: String,
    critical: bool,
    channel: String,
    recipient: String,
    language: String,
    subject: String,
    body_text: String,
    body_html: String,
    status: String,
    created_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
    read_at: Option<DateTime<Utc>>,
    message_id: Option<String>,
    content_sha256: Option<String>,
    source_event_id: Uuid,
    source_subject: String,
    failure: Option<String>,
}

impl NoticeRow {
    fn into_notice(self, attempts: Vec<Attempt>) -> Result<Notice, NoticeError> {
        Ok(Notice {
            id: self.notice_id,
            customer_id: CustomerId::from_uuid(self.customer_id),
            channel: Channel::parse(&self.channel).ok_or_else(|| corrupt(format!("channel {}", self.channel)))?,
            language: Language::parse(&self.language).map_err(|_| corrupt(format!("language {}", self.language)))?,
            status: Status::parse(&self.status).ok_or_else(|| corrupt(format!("status {}", self.status)))?,
            kind: self.kind,
            article: self.article,
            critical: self.critical,
            recipient: self.recipient,
            subject: self.subject,
            body_text: self.body_text,
            body_html: self.body_html,
            created_at: self.created_at,
            sent_at: self.sent_at,
            read_at: self.read_at,
            message_id: self.message_id,
            content_sha256: self.content_sha256,
            source_event_id: self.source_event_id,
            source_subject: self.source_subject,
            attempts,
            failure: self.failure,
        })
    }
}

async fn attempts_of(conn: &mut PgConnection, id: Uuid) -> Result<Vec<Attempt>, NoticeError> {
    let rows = sqlx::query!(
        "SELECT at, reply_code, reply_text FROM notification.notice_attempts WHERE notice_id = $1 ORDER BY attempt",
        id
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(failed)?;
    Ok(rows
        .into_iter()
        .map(|r| Attempt {
            at: r.at,
            reply_code: r.reply_code.and_then(|c| u16::try_from(c).ok()),
            reply_text: r.reply_text,
        })
        .collect())
}

/// Reads a notice, locked for change when `lock` (in a transaction).
async fn load(conn: &mut PgConnection, find: &NoticeRef, lock: bool) -> Result<Option<Notice>, NoticeError> {
    let (id, message_id) = match find {
        NoticeRef::Id(id) => (Some(*id), None),
        NoticeRef::MessageId(m) => (None, Some(m.as_str())),
    };
    let row = if lock {
        sqlx::query_as!(
            NoticeRow,
            r#"SELECT notice_id, customer_id, kind, article, critical, channel, recipient, language, subject, body_text,
                      body_html, status, created_at, sent_at, read_at, message_id, content_sha256, source_event_id, source_subject, failure
               FROM notification.notices WHERE notice_id = $1 OR message_id = $2 FOR UPDATE"#,
            id,
            message_id,
        )
        .fetch_optional(&mut *conn)
        .await
    } else {
        sqlx::query_as!(
            NoticeRow,
            r#"SELECT notice_id, customer_id, kind, article, critical, channel, recipient, language, subject, body_text,
                      body_html, status, created_at, sent_at, read_at, message_id, content_sha256, source_event_id, source_subject, failure
               FROM notification.notices WHERE notice_id = $1 OR message_id = $2"#,
            id,
            message_id,
        )
        .fetch_optional(&mut *conn)
        .await
    }
    .map_err(failed)?;
    match row {
        Some(row) => {
            let attempts = attempts_of(conn, row.notice_id).await?;
            Ok(Some(row.into_notice(attempts)?))
        }
        None => Ok(None),
    }
}

/// Stores a notice an event calls for, in the consumer's transaction; whether it is new (a
/// notice already made for the same event, recipient and channel is kept, not made again).
pub async fn insert_notice(tx: &mut PgConnection, n: &Notice) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query!(
            r#"INSERT INTO notification.notices (notice_id, customer_id, kind, article, critical, channel, recipient, language,
                   subject, body_text, body_html, status, created_at, sent_at, content_sha256, source_event_id, source_subject,
                   next_attempt_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $13)
               ON CONFLICT ON CONSTRAINT notices_once DO NOTHING"#,
            n.id,
            n.customer_id.as_uuid(),
            n.kind,
            n.article,
            n.critical,
            n.channel.as_str(),
            n.recipient,
            n.language.code(),
            n.subject,
            n.body_text,
            n.body_html,
            n.status.as_str(),
            n.created_at,
            n.sent_at,
            n.content_sha256,
            n.source_event_id,
            n.source_subject,
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
    Ok(inserted == 1)
}

/// Stores a notice in the transaction `tx` belongs to, once (see [`insert_notice`]); a new
/// in-app notice is delivered by being stored, so its `notice.sent` event and its push to the
/// watchers go with it. Whether it is new.
pub async fn store_notice(tx: &mut PgConnection, outbox: &Outbox, notice: &Notice) -> Result<bool, sqlx::Error> {
    let new = insert_notice(tx, notice).await?;
    if new && notice.channel == Channel::InApp {
        outbox.enqueue(tx, &events::notice_changed(notice)).await?;
        feed::announce(tx, notice.customer_id.as_uuid(), notice.id).await?;
    }
    Ok(new)
}

/// Records whether an agreement is active, unless a later change is known.
pub async fn set_agreement(
    tx: &mut PgConnection,
    contract_id: Uuid,
    customer_id: Uuid,
    active: bool,
    changed_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"INSERT INTO notification.agreements (contract_id, customer_id, active, changed_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (contract_id) DO UPDATE SET active = EXCLUDED.active, changed_at = EXCLUDED.changed_at
           WHERE notification.agreements.changed_at <= EXCLUDED.changed_at"#,
        contract_id,
        customer_id,
        active,
        changed_at,
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// The customers with an active agreement.
pub async fn active_customers(tx: &mut PgConnection) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("SELECT DISTINCT customer_id FROM notification.agreements WHERE active ORDER BY customer_id")
        .fetch_all(tx)
        .await
}

impl NoticeStore for PgNotices {
    #[tracing::instrument(skip_all, fields(notice.id = %id))]
    async fn get(&self, id: Uuid) -> Result<Option<Notice>, NoticeError> {
        let mut conn = self.pool.acquire().await.map_err(failed)?;
        load(&mut conn, &NoticeRef::Id(id), false).await
    }

    #[tracing::instrument(skip_all, fields(customer.id = %customer_id))]
    async fn list(
        &self,
        customer_id: CustomerId,
        channel: Option<Channel>,
        unread_only: bool,
        page: PageRequest<Uuid>,
    ) -> Result<(Vec<Notice>, i64), NoticeError> {
        let mut conn = self.pool.acquire().await.map_err(failed)?;
        let rows = sqlx::query_as!(
            NoticeRow,
            r#"SELECT notice_id, customer_id, kind, article, critical, channel, recipient, language, subject, body_text,
                      body_html, status, created_at, sent_at, read_at, message_id, content_sha256, source_event_id, source_subject, failure
               FROM notification.notices
               WHERE customer_id = $1 AND ($2::text IS NULL OR channel = $2)
                 AND (NOT $3 OR (channel = 'in_app' AND read_at IS NULL))
                 AND ($4::uuid IS NULL OR notice_id < $4)
               ORDER BY notice_id DESC LIMIT $5"#,
            customer_id.as_uuid(),
            channel.map(Channel::as_str),
            unread_only,
            page.after,
            i64::from(page.fetch()),
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(failed)?;
        let mut notices = Vec::with_capacity(rows.len());
        for row in rows {
            let attempts = attempts_of(&mut conn, row.notice_id).await?;
            notices.push(row.into_notice(attempts)?);
        }
        let unread = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM notification.notices WHERE customer_id = $1 AND channel = 'in_app' AND read_at IS NULL"#,
            customer_id.as_uuid()
        )
        .fetch_one(&mut *conn)
        .await
        .map_err(failed)?;
        Ok((notices, unread))
    }

    #[tracing::instrument(skip_all)]
    async fn update<F>(
        &self,
        find: NoticeRef,
        change: F,
        once: Option<Once<Notice>>,
    ) -> Result<Outcome<Notice>, NoticeError>
    where
        F: FnOnce(&mut Notice) -> Result<(), NoticeError> + Send,
    {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        let mut notice = load(&mut tx, &find, true).await?.ok_or_else(|| {
            NoticeError::NotFound(match &find {
                NoticeRef::Id(id) => id.to_string(),
                NoticeRef::MessageId(m) => m.clone(),
            })
        })?;
        let before = notice.status;
        change(&mut notice)?;
        sqlx::query!(
            "UPDATE notification.notices SET status = $2, read_at = $3, failure = $4 WHERE notice_id = $1",
            notice.id,
            notice.status.as_str(),
            notice.read_at,
            notice.failure,
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
        if before != notice.status && notice.status == Status::Bounced {
            self.outbox.enqueue(&mut tx, &events::notice_changed(&notice)).await.map_err(failed)?;
        }
        finish(tx, once, notice).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(kind = kind.key))]
    async fn announce(
        &self,
        kind: NoticeKind,
        render: &RenderFor<'_>,
        at: DateTime<Utc>,
        once: Option<Once<Announced>>,
    ) -> Result<Outcome<Announced>, NoticeError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        pactum_idempotency::replay_if_answered!(tx, once);
        let id = Uuid::now_v7();
        let mut customers = 0;
        for customer_id in active_customers(&mut tx).await.map_err(failed)? {
            let Some(contact) = super::contact_in(&mut tx, customer_id).await.map_err(|e| match e {
                crate::domain::contact::ContactError::Storage(s) => NoticeError::Storage(s),
                other => corrupt(other.to_string()),
            })?
            else {
                continue;
            };
            let rendered = render(&contact).map_err(corrupt)?;
            for notice in notices_for(&kind, &contact, &rendered, (id, "announcement"), at) {
                store_notice(&mut tx, &self.outbox, &notice).await.map_err(failed)?;
            }
            customers += 1;
        }
        finish(tx, once, Announced { id, kind, customers }).await.map_err(failed)
    }

    #[tracing::instrument(skip_all, fields(limit))]
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Notice>, NoticeError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        let ids = sqlx::query_scalar!(
            r#"UPDATE notification.notices SET leased_until = $2
               WHERE notice_id IN (
                   SELECT notice_id FROM notification.notices
                   WHERE status = 'queued' AND channel = 'email' AND next_attempt_at <= $1
                     AND (leased_until IS NULL OR leased_until < $1)
                   ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
               RETURNING notice_id"#,
            now,
            lease_until,
            i64::from(limit),
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(failed)?;
        let mut notices = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(notice) = load(&mut tx, &NoticeRef::Id(id), false).await? {
                notices.push(notice);
            }
        }
        tx.commit().await.map_err(failed)?;
        Ok(notices)
    }

    #[tracing::instrument(skip_all, fields(notice.id = %notice.id))]
    async fn record_attempt(&self, notice: &Notice, retry_at: Option<DateTime<Utc>>) -> Result<(), NoticeError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        let attempt = notice.attempts.last().ok_or_else(|| corrupt("an attempt without a try".to_owned()))?;
        let number = i32::try_from(notice.attempts.len()).unwrap_or(i32::MAX);
        sqlx::query!(
            "INSERT INTO notification.notice_attempts (notice_id, attempt, at, reply_code, reply_text) VALUES ($1, $2, $3, $4, $5)",
            notice.id,
            number,
            attempt.at,
            attempt.reply_code.map(i32::from),
            attempt.reply_text,
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
        sqlx::query!(
            r#"UPDATE notification.notices
               SET status = $2, sent_at = $3, message_id = $4, content_sha256 = $5, failure = $6,
                   next_attempt_at = $7, leased_until = NULL
               WHERE notice_id = $1"#,
            notice.id,
            notice.status.as_str(),
            notice.sent_at,
            notice.message_id,
            notice.content_sha256,
            notice.failure,
            retry_at,
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
        if notice.status != Status::Queued {
            self.outbox.enqueue(&mut tx, &events::notice_changed(notice)).await.map_err(failed)?;
        }
        tx.commit().await.map_err(failed)
    }
}
