//! CloudEvents v1.0 in binary mode over NATS: the attributes are `ce-*` headers, the payload is
//! the event's protobuf message, named by `ce-dataschema`.

use async_nats::HeaderMap;
use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use uuid::Uuid;

pub const SPEC_VERSION: &str = "1.0";
/// Protobuf payloads; `ce-dataschema` names the message.
pub const CONTENT_TYPE: &str = "application/protobuf";

/// Header names of the CloudEvents NATS binding, binary mode.
pub mod header {
    pub const ID: &str = "ce-id";
    pub const SOURCE: &str = "ce-source";
    pub const SPEC_VERSION: &str = "ce-specversion";
    pub const TYPE: &str = "ce-type";
    pub const TIME: &str = "ce-time";
    pub const SUBJECT: &str = "ce-subject";
    pub const DATA_SCHEMA: &str = "ce-dataschema";
    pub const CONTENT_TYPE: &str = "content-type";
    /// JetStream drops a message whose id it saw within the duplicate window.
    pub const MSG_ID: &str = "Nats-Msg-Id";
}

/// A kind of event: its type, which is also its NATS subject (`pactum.<service>.<entity>.<event>`),
/// and the protobuf message of its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventType {
    pub name: &'static str,
    pub data_schema: &'static str,
}

impl EventType {
    pub const fn new(name: &'static str, data_schema: &'static str) -> Self {
        Self { name, data_schema }
    }

    /// `ce-source`: `/pactum/<service>`.
    pub fn source(&self) -> String {
        let service = self.name.split('.').nth(1).unwrap_or("unknown");
        format!("/pactum/{service}")
    }
}

impl From<pactum_proto::catalogue::Entry> for EventType {
    fn from(entry: pactum_proto::catalogue::Entry) -> Self {
        Self::new(entry.subject, entry.data_schema)
    }
}

/// An event on its way into the outbox.
#[derive(Debug, Clone)]
pub struct OutboxEvent {
    pub id: Uuid,
    pub event_type: EventType,
    /// `ce-subject`: the id of the entity the event is about.
    pub subject: String,
    pub time: DateTime<Utc>,
    pub payload: Vec<u8>,
}

impl OutboxEvent {
    pub fn new(event_type: EventType, subject: impl ToString, message: &impl prost::Message) -> Self {
        Self {
            id: Uuid::now_v7(),
            event_type,
            subject: subject.to_string(),
            time: Utc::now(),
            payload: message.encode_to_vec(),
        }
    }
}

/// The NATS headers of an event: the CloudEvents attributes, the JetStream message id, and the
/// W3C trace context it was produced in.
pub fn headers(
    id: Uuid,
    event_type: &str,
    source: &str,
    subject: &str,
    time: DateTime<Utc>,
    data_schema: &str,
    trace: &[(String, String)],
) -> HeaderMap {
    let mut h = HeaderMap::new();
    let id = id.to_string();
    h.insert(header::MSG_ID, id.as_str());
    h.insert(header::ID, id.as_str());
    h.insert(header::SOURCE, source);
    h.insert(header::SPEC_VERSION, SPEC_VERSION);
    h.insert(header::TYPE, event_type);
    h.insert(header::TIME, time.to_rfc3339_opts(SecondsFormat::Micros, true).as_str());
    h.insert(header::SUBJECT, subject);
    h.insert(header::DATA_SCHEMA, data_schema);
    h.insert(header::CONTENT_TYPE, CONTENT_TYPE);
    for (key, value) in trace {
        h.insert(key.as_str(), value.as_str());
    }
    h
}

/// An event as a consumer receives it.
#[derive(Debug, Clone)]
pub struct ReceivedEvent {
    pub id: Uuid,
    pub event_type: String,
    pub source: String,
    pub subject: String,
    pub time: Option<DateTime<Utc>>,
    pub data_schema: String,
    pub payload: Bytes,
}

/// A message that is not a Pactum CloudEvent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("no headers")]
    NoHeaders,
    #[error("header {0} is missing")]
    Missing(&'static str),
    #[error("header ce-id is not a UUID")]
    BadId,
    #[error("unsupported CloudEvents specversion {0:?}")]
    SpecVersion(String),
}

impl ReceivedEvent {
    pub fn from_message(headers: Option<&HeaderMap>, payload: Bytes) -> Result<Self, EventError> {
        let h = headers.ok_or(EventError::NoHeaders)?;
        let get = |name: &'static str| h.get(name).map(|v| v.as_str().to_owned()).ok_or(EventError::Missing(name));
        let spec = get(header::SPEC_VERSION)?;
        if spec != SPEC_VERSION {
            return Err(EventError::SpecVersion(spec));
        }
        Ok(Self {
            id: Uuid::try_parse(&get(header::ID)?).map_err(|_| EventError::BadId)?,
            event_type: get(header::TYPE)?,
            source: get(header::SOURCE)?,
            subject: get(header::SUBJECT).unwrap_or_default(),
            time: get(header::TIME)
                .ok()
                .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                .map(|t| t.with_timezone(&Utc)),
            data_schema: get(header::DATA_SCHEMA)?,
            payload,
        })
    }

    /// Decodes the payload as `M`.
    pub fn decode<M: prost::Message + Default>(&self) -> Result<M, prost::DecodeError> {
        M::decode(self.payload.clone())
    }

    pub fn is(&self, event_type: EventType) -> bool {
        self.event_type == event_type.name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip() {
        let id = Uuid::now_v7();
        let t = EventType::new("pactum.contracts.customer.created", "pactum.contracts.v1.CustomerCreated");
        let time = Utc::now();
        let trace =
            vec![("traceparent".to_owned(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned())];
        let h = headers(id, t.name, &t.source(), "abc", time, t.data_schema, &trace);
        assert_eq!(h.get(header::MSG_ID).map(|v| v.as_str().to_owned()), Some(id.to_string()));
        assert_eq!(h.get("traceparent").map(|v| v.as_str().to_owned()), Some(trace[0].1.clone()));
        let got = ReceivedEvent::from_message(Some(&h), Bytes::from_static(b"x")).unwrap();
        assert_eq!(got.id, id);
        assert_eq!(got.source, "/pactum/contracts");
        assert!(got.is(t));
        assert_eq!(got.subject, "abc");
        assert_eq!(got.time.map(|x| x.timestamp_micros()), Some(time.timestamp_micros()));
    }

    #[test]
    fn refuses_foreign_messages() {
        assert_eq!(ReceivedEvent::from_message(None, Bytes::new()).unwrap_err(), EventError::NoHeaders);
        let mut h = HeaderMap::new();
        h.insert(header::SPEC_VERSION, "0.3");
        assert_eq!(
            ReceivedEvent::from_message(Some(&h), Bytes::new()).unwrap_err(),
            EventError::SpecVersion("0.3".into())
        );
    }
}
