//! `pactum.notification.v1.NotificationService`.

use std::sync::Arc;

use pactum_domain::{CustomerId, Violations, page::PageRequest, text::TextRule};
use pactum_idempotency::{RequestIds, once, reply};
use pactum_platform::{
    status::{Failure, ServiceError, invalid_argument, to_status},
    wire,
};
use pactum_proto::pactum::notification::v1::{self as pb, notification_service_server::NotificationService};
use tonic::{Request, Response, Status};
use uuid::Uuid;

use super::feed::Feed;
use crate::{
    application::{
        contacts::{ContactRepository, Contacts},
        notices::{Announced, NoticeStore, Notices},
    },
    domain::{
        contact::{Contact, ContactError},
        notice::{Channel, Notice, NoticeError, Status as NoticeStatus},
    },
};

pub const SERVICE: &str = "notification";

const MAINTENANCE_TEXT: TextRule = TextRule::free(500);
const TITLE: TextRule = TextRule::line(200);
const BODY: TextRule = TextRule::free(4000);

fn announced_to_proto(a: &Announced) -> pb::Announcement {
    pb::Announcement {
        announcement_id: a.id.to_string(),
        kind: a.kind.key.to_owned(),
        article: a.kind.article.to_owned(),
        customers: i64::try_from(a.customers).unwrap_or(i64::MAX),
    }
}

/// A bounce's reason, as the bounce processor quotes it.
const BOUNCE_REASON: TextRule = TextRule::line(500);
/// RFC 5322 lines are at most 998 characters.
const MESSAGE_ID: TextRule = TextRule::line(998);

#[derive(Debug)]
pub struct NotificationGrpc<R, S> {
    contacts: Arc<Contacts<R>>,
    notices: Arc<Notices<S>>,
    ids: RequestIds,
    feed: Feed,
}

impl<R, S> NotificationGrpc<R, S> {
    pub fn new(contacts: Arc<Contacts<R>>, notices: Arc<Notices<S>>, ids: RequestIds, feed: Feed) -> Self {
        Self { contacts, notices, ids, feed }
    }
}

/// How many notices a watcher's stream holds before the sender waits for the caller.
const WATCH_BUFFER: usize = 64;

impl ServiceError for ContactError {
    fn failure(&self) -> Failure<'_> {
        match self {
            Self::NotFound(id) => Failure::NotFound { resource: "contact", id: id.to_string() },
            Self::Invalid(violations) => Failure::InvalidArgument(violations),
            Self::Reused(reused) => Failure::Conflict { message: reused.to_string() },
            Self::Storage(_) => Failure::Internal,
        }
    }
}

impl ServiceError for NoticeError {
    fn failure(&self) -> Failure<'_> {
        match self {
            Self::Invalid(violations) => Failure::InvalidArgument(violations),
            Self::NotFound(id) => Failure::NotFound { resource: "notice", id: id.clone() },
            Self::Refused(message) => {
                Failure::Refused { article: "14.21", reason: "NOTICE_STATE", message: message.clone() }
            }
            Self::Article { article, reason, message } => {
                Failure::Refused { article, reason, message: message.clone() }
            }
            Self::Reused(reused) => Failure::Conflict { message: reused.to_string() },
            Self::Storage(_) => Failure::Internal,
        }
    }
}

fn status<E: ServiceError + 'static>(error: E) -> Status {
    to_status(SERVICE, &error)
}

fn contact_to_proto(contact: &Contact) -> pb::Contact {
    pb::Contact {
        customer_id: contact.customer_id.to_string(),
        customer_name: contact.customer_name.clone(),
        primary_contact_email: contact.primary_contact_email.to_string(),
        updated_at: Some(wire::timestamp_to_wire(contact.changed_at)),
        source_event_id: contact.source_event_id.to_string(),
        mute_informational_email: contact.mute_informational_email,
        language: contact.language.code().to_owned(),
    }
}

pub fn notice_to_proto(n: &Notice) -> pb::Notice {
    pb::Notice {
        notice_id: n.id.to_string(),
        customer_id: n.customer_id.to_string(),
        kind: n.kind.clone(),
        article: n.article.clone(),
        critical: n.critical,
        channel: match n.channel {
            Channel::Email => pb::NoticeChannel::Email,
            Channel::InApp => pb::NoticeChannel::InApp,
        }
        .into(),
        recipient: n.recipient.clone(),
        language: n.language.code().to_owned(),
        subject: n.subject.clone(),
        body_text: n.body_text.clone(),
        status: match n.status {
            NoticeStatus::Queued => pb::NoticeStatus::Queued,
            NoticeStatus::Sent => pb::NoticeStatus::Sent,
            NoticeStatus::Failed => pb::NoticeStatus::Failed,
            NoticeStatus::Bounced => pb::NoticeStatus::Bounced,
        }
        .into(),
        sent_at: n.sent_at.map(wire::timestamp_to_wire),
        read_at: n.read_at.map(wire::timestamp_to_wire),
        message_id: n.message_id.clone().unwrap_or_default(),
        content_sha256: n.content_sha256.clone().unwrap_or_default(),
        source_event_id: n.source_event_id.to_string(),
        attempts: n
            .attempts
            .iter()
            .map(|a| pb::DeliveryAttempt {
                at: Some(wire::timestamp_to_wire(a.at)),
                reply_code: a.reply_code.map(i32::from).unwrap_or_default(),
                reply_text: a.reply_text.clone(),
            })
            .collect(),
        created_at: Some(wire::timestamp_to_wire(n.created_at)),
        failure: n.failure.clone().unwrap_or_default(),
    }
}

fn uuid(field: &str, raw: &str, violations: &mut Violations) -> Option<Uuid> {
    violations.check(field, Uuid::try_parse(raw.trim()).map_err(|_| "must be a UUID"))
}

#[tonic::async_trait]
impl<R: ContactRepository, S: NoticeStore> NotificationService for NotificationGrpc<R, S> {
    type WatchNoticesStream = tokio_stream::wrappers::ReceiverStream<Result<pb::Notice, Status>>;

    #[tracing::instrument(skip_all, fields(customer.id = %request.get_ref().customer_id))]
    async fn watch_notices(
        &self,
        request: Request<pb::WatchNoticesRequest>,
    ) -> Result<Response<Self::WatchNoticesStream>, Status> {
        let customer = CustomerId::parse(&request.get_ref().customer_id)
            .map_err(|e| invalid_argument(&Violations::single("customer_id", e.to_string())))?;
        let mut feed = self.feed.subscribe();
        let (sender, receiver) = tokio::sync::mpsc::channel(WATCH_BUFFER);
        let notices = self.notices.clone();
        tokio::spawn(async move {
            loop {
                let new = tokio::select! {
                    new = feed.recv() => new,
                    () = sender.closed() => return,
                };
                match new {
                    Ok(new) if new.customer_id == customer.as_uuid() => {
                        let notice = notices.get(new.notice_id).await.map(|n| notice_to_proto(&n)).map_err(status);
                        if sender.send(notice).await.is_err() {
                            return;
                        }
                    }
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "a watcher fell behind; it reads the rest with ListNotices");
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        });
        Ok(Response::new(tokio_stream::wrappers::ReceiverStream::new(receiver)))
    }

    #[tracing::instrument(skip_all, fields(customer.id = %request.get_ref().customer_id))]
    async fn get_contact(&self, request: Request<pb::GetContactRequest>) -> Result<Response<pb::Contact>, Status> {
        let id = CustomerId::parse(&request.get_ref().customer_id)
            .map_err(|e| invalid_argument(&Violations::single("customer_id", e.to_string())))?;
        let contact = self.contacts.get(id).await.map_err(status)?;
        Ok(Response::new(contact_to_proto(&contact)))
    }

    #[tracing::instrument(skip_all, fields(customer.id = %request.get_ref().customer_id))]
    async fn set_notice_preferences(
        &self,
        request: Request<pb::SetNoticePreferencesRequest>,
    ) -> Result<Response<pb::Contact>, Status> {
        let mut r = request.into_inner();
        let mut v = Violations::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("SetNoticePreferences", &request_id, &r, &mut v);
        let customer = v.check("customer_id", CustomerId::parse(&r.customer_id));
        let (Some(customer), true) = (customer, v.is_empty()) else { return Err(invalid_argument(&v)) };
        let once = once(key, contact_to_proto);
        reply(
            self.contacts.set_mute(customer, r.mute_informational_email, once).await.map_err(status)?,
            contact_to_proto,
        )
    }

    #[tracing::instrument(skip_all, fields(customer.id = %request.get_ref().customer_id))]
    async fn list_notices(
        &self,
        request: Request<pb::ListNoticesRequest>,
    ) -> Result<Response<pb::ListNoticesResponse>, Status> {
        let r = request.into_inner();
        let mut v = Violations::default();
        let customer = v.check("customer_id", CustomerId::parse(&r.customer_id));
        let channel = match pb::NoticeChannel::try_from(r.channel) {
            Ok(pb::NoticeChannel::Unspecified) => None,
            Ok(pb::NoticeChannel::Email) => Some(Channel::Email),
            Ok(pb::NoticeChannel::InApp) => Some(Channel::InApp),
            Err(_) => {
                v.add("channel", "must be NOTICE_CHANNEL_EMAIL, NOTICE_CHANNEL_IN_APP or left out");
                None
            }
        };
        let size = v.check("page_size", u32::try_from(r.page_size).map_err(|_| "must not be negative"));
        let after = if r.page_token.is_empty() { None } else { uuid("page_token", &r.page_token, &mut v) };
        let (Some(customer), Some(size), true) = (customer, size, v.is_empty()) else {
            return Err(invalid_argument(&v));
        };
        let page = PageRequest::new(size, after);
        let (notices, unread) = self.notices.list(customer, channel, r.unread_only, page).await.map_err(status)?;
        let page = pactum_domain::page::Page::from_rows(notices, &page, |n| n.id);
        Ok(Response::new(pb::ListNoticesResponse {
            notices: page.items.iter().map(notice_to_proto).collect(),
            unread_count: unread,
            next_page_token: page.next_after.map(|id| id.to_string()).unwrap_or_default(),
        }))
    }

    #[tracing::instrument(skip_all, fields(notice.id = %request.get_ref().notice_id))]
    async fn get_notice(&self, request: Request<pb::GetNoticeRequest>) -> Result<Response<pb::Notice>, Status> {
        let mut v = Violations::default();
        let Some(id) = uuid("notice_id", &request.get_ref().notice_id, &mut v) else {
            return Err(invalid_argument(&v));
        };
        Ok(Response::new(notice_to_proto(&self.notices.get(id).await.map_err(status)?)))
    }

    #[tracing::instrument(skip_all, fields(notice.id = %request.get_ref().notice_id))]
    async fn mark_notice_read(
        &self,
        request: Request<pb::MarkNoticeReadRequest>,
    ) -> Result<Response<pb::Notice>, Status> {
        let mut r = request.into_inner();
        let mut v = Violations::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("MarkNoticeRead", &request_id, &r, &mut v);
        let id = uuid("notice_id", &r.notice_id, &mut v);
        let (Some(id), true) = (id, v.is_empty()) else { return Err(invalid_argument(&v)) };
        reply(self.notices.mark_read(id, once(key, notice_to_proto)).await.map_err(status)?, notice_to_proto)
    }

    #[tracing::instrument(skip_all)]
    async fn report_bounce(&self, request: Request<pb::ReportBounceRequest>) -> Result<Response<pb::Notice>, Status> {
        let mut r = request.into_inner();
        let mut v = Violations::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("ReportBounce", &request_id, &r, &mut v);
        let message_id = v.check("message_id", MESSAGE_ID.check(&r.message_id)).filter(|m| !m.is_empty());
        if message_id.is_none() && v.is_empty() {
            v.add("message_id", "is required: the Message-ID of the sent e-mail");
        }
        let reason = v.check("reason", BOUNCE_REASON.check(&r.reason));
        let (Some(message_id), Some(reason), true) = (message_id, reason, v.is_empty()) else {
            return Err(invalid_argument(&v));
        };
        let outcome =
            self.notices.report_bounce(message_id, reason, once(key, notice_to_proto)).await.map_err(status)?;
        reply(outcome, notice_to_proto)
    }

    #[tracing::instrument(skip_all, fields(urgent = request.get_ref().urgent))]
    async fn announce_maintenance(
        &self,
        request: Request<pb::AnnounceMaintenanceRequest>,
    ) -> Result<Response<pb::Announcement>, Status> {
        let mut r = request.into_inner();
        let mut v = Violations::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("AnnounceMaintenance", &request_id, &r, &mut v);
        let starts = wire::timestamp_from_wire(r.starts_at.as_ref());
        let ends = wire::timestamp_from_wire(r.ends_at.as_ref());
        for (field, missing) in [("starts_at", starts.is_none()), ("ends_at", ends.is_none())] {
            if missing {
                v.add(field, "is required: a valid instant");
            }
        }
        let description = v.check("description", MAINTENANCE_TEXT.check(&r.description)).filter(|d| !d.is_empty());
        if description.is_none() && v.iter().all(|f| f.field != "description") {
            v.add("description", "is required: what is maintained and what customers will notice");
        }
        let reason = v.check("reason", MAINTENANCE_TEXT.check(&r.reason));
        let (Some(starts), Some(ends), Some(description), Some(reason), true) =
            (starts, ends, description, reason, v.is_empty())
        else {
            return Err(invalid_argument(&v));
        };
        let once = once(key, announced_to_proto);
        let outcome = self
            .notices
            .announce_maintenance(starts, ends, description, r.urgent, reason, once)
            .await
            .map_err(status)?;
        reply(outcome, announced_to_proto)
    }

    #[tracing::instrument(skip_all, fields(material = request.get_ref().material))]
    async fn announce_change(
        &self,
        request: Request<pb::AnnounceChangeRequest>,
    ) -> Result<Response<pb::Announcement>, Status> {
        let mut r = request.into_inner();
        let mut v = Violations::default();
        let request_id = std::mem::take(&mut r.request_id);
        let key = self.ids.key("AnnounceChange", &request_id, &r, &mut v);
        let title = v.check("title", TITLE.check(&r.title)).filter(|t| !t.is_empty());
        let body = v.check("body", BODY.check(&r.body)).filter(|b| !b.is_empty());
        for (field, missing) in [("title", title.is_none()), ("body", body.is_none())] {
            if missing && v.iter().all(|f| f.field != field) {
                v.add(field, "is required");
            }
        }
        let (Some(title), Some(body), true) = (title, body, v.is_empty()) else {
            return Err(invalid_argument(&v));
        };
        let outcome = self
            .notices
            .announce_change(title, body, r.material, once(key, announced_to_proto))
            .await
            .map_err(status)?;
        reply(outcome, announced_to_proto)
    }
}
