//! A notice and the evidence that it was given (art. 14.21: a notice counts as given when it is
//! sent). What was sent is never edited: a notice only moves on in status.

use chrono::{DateTime, Duration, Utc};
use pactum_domain::{CustomerId, Violations};
use uuid::Uuid;

use super::catalogue::{Language, NoticeKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    InApp,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::InApp => "in_app",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "email" => Some(Self::Email),
            "in_app" => Some(Self::InApp),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Queued,
    Sent,
    Failed,
    Bounced,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Bounced => "bounced",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "queued" => Some(Self::Queued),
            "sent" => Some(Self::Sent),
            "failed" => Some(Self::Failed),
            "bounced" => Some(Self::Bounced),
            _ => None,
        }
    }
}

/// One try to hand an e-mail to the mail server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    /// The SMTP reply code; `None` when there was no reply (refused, timed out).
    pub reply_code: Option<u16>,
    pub reply_text: String,
}

/// A rendered message, ready for a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub id: Uuid,
    pub customer_id: CustomerId,
    pub kind: String,
    pub article: String,
    pub critical: bool,
    pub channel: Channel,
    pub recipient: String,
    pub language: Language,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub read_at: Option<DateTime<Utc>>,
    pub message_id: Option<String>,
    pub content_sha256: Option<String>,
    pub source_event_id: Uuid,
    /// The subject of that event (a contract's events: the contract id).
    pub source_subject: String,
    pub attempts: Vec<Attempt>,
    pub failure: Option<String>,
}

/// How an attempt to send ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The server accepted the message.
    Accepted { reply_code: u16, reply_text: String },
    /// Try again later: a 4xx reply, a refused connection, a timeout.
    Transient { reply_code: Option<u16>, reply_text: String },
    /// Never: a 5xx reply.
    Permanent { reply_code: u16, reply_text: String },
}

/// The waits between attempts: a transient failure is retried after each of these, and the
/// notice FAILS after the last (six attempts over about seven hours).
pub const RETRY_DELAYS_SECONDS: [i64; 5] = [30, 120, 600, 3600, 6 * 3600];

#[derive(Debug, thiserror::Error)]
pub enum NoticeError {
    #[error("invalid request")]
    Invalid(#[from] Violations),
    #[error("notice {0} not found")]
    NotFound(String),
    #[error("{0}")]
    Refused(String),
    /// A rule of the terms refuses it now.
    #[error("{message} (art. {article})")]
    Article { article: &'static str, reason: &'static str, message: String },
    #[error(transparent)]
    Reused(#[from] pactum_idempotency::Reused),
    #[error(transparent)]
    Storage(#[from] pactum_domain::StorageError),
}

impl Notice {
    /// A notice of `kind` for `customer_id` on `channel`, rendered; an in-app notice is
    /// delivered (sent) the moment it is stored, an e-mail waits for the mail server.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        kind: &NoticeKind,
        customer_id: CustomerId,
        channel: Channel,
        recipient: String,
        language: Language,
        rendered: Rendered,
        (source_event_id, source_subject): (Uuid, String),
        now: DateTime<Utc>,
    ) -> Self {
        let in_app = channel == Channel::InApp;
        Self {
            id: Uuid::now_v7(),
            customer_id,
            kind: kind.key.to_owned(),
            article: kind.article.to_owned(),
            critical: kind.critical,
            channel,
            recipient,
            language,
            content_sha256: in_app.then(|| sha256_hex(rendered.text.as_bytes())),
            subject: rendered.subject,
            body_text: rendered.text,
            body_html: rendered.html,
            status: if in_app { Status::Sent } else { Status::Queued },
            created_at: now,
            sent_at: in_app.then_some(now),
            read_at: None,
            message_id: None,
            source_event_id,
            source_subject,
            attempts: Vec::new(),
            failure: None,
        }
    }

    /// Records an attempt to send: sent, queued again for `retry_at`, or failed for good.
    /// Returns when to try again, if at all.
    pub fn record(&mut self, delivery: Delivery, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let (code, text) = match &delivery {
            Delivery::Accepted { reply_code, reply_text } | Delivery::Permanent { reply_code, reply_text } => {
                (Some(*reply_code), reply_text.clone())
            }
            Delivery::Transient { reply_code, reply_text } => (*reply_code, reply_text.clone()),
        };
        self.attempts.push(Attempt { at, reply_code: code, reply_text: text.clone() });
        match delivery {
            Delivery::Accepted { .. } => {
                self.status = Status::Sent;
                self.sent_at = Some(at);
                None
            }
            Delivery::Permanent { .. } => {
                self.status = Status::Failed;
                self.failure = Some(text);
                None
            }
            Delivery::Transient { .. } => match RETRY_DELAYS_SECONDS.get(self.attempts.len() - 1) {
                Some(delay) => Some(at + Duration::seconds(*delay)),
                None => {
                    self.status = Status::Failed;
                    self.failure = Some(format!("still failing after {} attempts: {text}", self.attempts.len()));
                    None
                }
            },
        }
    }

    /// A bounce reported for a sent e-mail.
    pub fn bounce(&mut self, reason: String) -> Result<(), NoticeError> {
        if self.channel != Channel::Email || !matches!(self.status, Status::Sent | Status::Bounced) {
            return Err(NoticeError::Refused(format!(
                "only a sent e-mail can bounce; this notice is {} by {}",
                self.status.as_str(),
                self.channel.as_str()
            )));
        }
        self.status = Status::Bounced;
        self.failure = Some(reason);
        Ok(())
    }

    /// The customer read it (in-app); reading again keeps the first time.
    pub fn mark_read(&mut self, at: DateTime<Utc>) -> Result<(), NoticeError> {
        if self.channel != Channel::InApp {
            return Err(NoticeError::Refused("only an in-app notice is read in the application".to_owned()));
        }
        self.read_at.get_or_insert(at);
        Ok(())
    }
}

/// SHA-256 in lower-case hex: the fingerprint of what was sent.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalogue::ORDER_CONFIRMATION;

    fn email() -> Notice {
        let rendered = Rendered { subject: "s".into(), text: "t".into(), html: "<p>t</p>".into() };
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let customer = CustomerId::new();
        Notice::new(
            &ORDER_CONFIRMATION,
            customer,
            Channel::Email,
            "a@b.nl".into(),
            Language::Dutch,
            rendered,
            (Uuid::nil(), String::new()),
            now,
        )
    }

    #[test]
    fn transient_failures_are_retried_with_growing_delays_then_fail() {
        let mut notice = email();
        let at = notice.created_at;
        let mut waits = Vec::new();
        while let Some(next) =
            notice.record(Delivery::Transient { reply_code: Some(451), reply_text: "later".into() }, at)
        {
            waits.push((next - at).num_seconds());
        }
        assert_eq!(waits, RETRY_DELAYS_SECONDS);
        assert_eq!((notice.status, notice.attempts.len()), (Status::Failed, 6));
    }

    #[test]
    fn a_permanent_failure_fails_at_once_and_acceptance_sends() {
        let mut failed = email();
        assert_eq!(
            failed
                .record(Delivery::Permanent { reply_code: 550, reply_text: "no such user".into() }, failed.created_at),
            None
        );
        assert_eq!((failed.status, failed.failure.as_deref()), (Status::Failed, Some("no such user")));
        let mut sent = email();
        sent.record(Delivery::Transient { reply_code: Some(451), reply_text: "later".into() }, sent.created_at);
        sent.record(Delivery::Accepted { reply_code: 250, reply_text: "OK".into() }, sent.created_at);
        assert_eq!((sent.status, sent.attempts.len()), (Status::Sent, 2));
        assert!(sent.bounce("mailbox full".into()).is_ok());
        assert_eq!(sent.status, Status::Bounced);
        assert!(email().bounce("x".into()).is_err(), "a queued notice cannot bounce");
    }
}
