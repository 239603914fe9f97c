//! The events notification publishes: a notice sent (art. 14.21: given), failed or bounced.

use pactum_bus::{EventType, OutboxEvent};
use pactum_proto::{catalogue::notification as catalogue, pactum::notification::v1 as pb};

use super::grpc::notice_to_proto;
use crate::domain::notice::{Notice, Status};

/// The event of a notice that was sent, failed or bounced.
pub fn notice_changed(notice: &Notice) -> OutboxEvent {
    let entry = match notice.status {
        Status::Sent | Status::Queued => catalogue::NOTICE_SENT,
        Status::Failed => catalogue::NOTICE_FAILED,
        Status::Bounced => catalogue::NOTICE_BOUNCED,
    };
    let payload = pb::NoticeChanged {
        notice: Some(notice_to_proto(notice)),
        article: notice.article.clone(),
        source_event_id: notice.source_event_id.to_string(),
        source_subject: notice.source_subject.clone(),
    };
    OutboxEvent::new(EventType::from(entry), notice.customer_id, &payload)
}
