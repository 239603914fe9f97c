//! A request as its id identifies it.

use chrono::{DateTime, Utc};
use pactum_domain::{Clock, Violations};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::RequestLog;

/// The longest form of a UUID (`urn:uuid:` and 36 characters); anything longer is refused
/// before it is parsed.
const MAX_ID_LEN: usize = 45;

/// One write as its request id identifies it: the RPC, the caller's id, a fingerprint of every
/// other field, and when (by the platform's clock) it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestKey {
    method: &'static str,
    id: Uuid,
    fingerprint: [u8; 32],
    at: DateTime<Utc>,
}

impl RequestKey {
    /// The key of `request`, which must no longer hold its `request_id` (the caller took it
    /// out into `raw_id`), so that the fingerprint covers every other field and only those.
    /// An empty id means the caller asked for no idempotency; an id that is not a UUID is a
    /// violation of `request_id`.
    pub fn parse<M: prost::Message>(
        method: &'static str,
        raw_id: &str,
        request: &M,
        at: DateTime<Utc>,
        violations: &mut Violations,
    ) -> Option<Self> {
        if raw_id.is_empty() {
            return None;
        }
        let id = (raw_id.len() <= MAX_ID_LEN).then(|| Uuid::try_parse(raw_id).ok()).flatten();
        let Some(id) = id else {
            violations.add("request_id", "must be a UUID, e.g. 0b9f0c62-5f5e-4a6e-9c55-3c1b2f4d5e6a (AIP-155)");
            return None;
        };
        Some(Self { method, id, fingerprint: fingerprint(method, request), at })
    }

    pub fn method(&self) -> &'static str {
        self.method
    }

    pub fn id(&self) -> Uuid {
        self.id
    }

    pub fn fingerprint(&self) -> &[u8; 32] {
        &self.fingerprint
    }

    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }
}

/// SHA-256 of the method and the request's protobuf encoding. prost writes fields in field
/// order and skips defaults, so equal requests have equal encodings.
fn fingerprint<M: prost::Message>(method: &str, request: &M) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(method.as_bytes());
    hash.update([0]);
    hash.update(request.encode_to_vec());
    hash.finalize().into()
}

/// A service's request ids at its gRPC edge: makes [`RequestKey`]s, stamped by the platform's
/// clock (the time the retention counts from), and holds the service's [`RequestLog`].
#[derive(Debug, Clone)]
pub struct RequestIds {
    clock: Clock,
    log: RequestLog,
}

impl RequestIds {
    pub fn new(clock: Clock, log: RequestLog) -> Self {
        Self { clock, log }
    }

    pub fn log(&self) -> &RequestLog {
        &self.log
    }

    /// The key of `request`, whose `request_id` the caller took out into `raw_id` (see
    /// [`RequestKey::parse`]): `let id = std::mem::take(&mut r.request_id);`.
    pub fn key<M: prost::Message>(
        &self,
        method: &'static str,
        raw_id: &str,
        request: &M,
        violations: &mut Violations,
    ) -> Option<RequestKey> {
        RequestKey::parse(method, raw_id.trim(), request, self.clock.now(), violations)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, PartialEq, prost::Message)]
    struct Req {
        #[prost(string, tag = "1")]
        name: String,
        #[prost(string, tag = "2")]
        request_id: String,
    }

    fn key(method: &'static str, raw: &str, name: &str) -> (Option<RequestKey>, Violations) {
        let mut v = Violations::default();
        let k =
            RequestKey::parse(method, raw, &Req { name: name.into(), request_id: String::new() }, Utc::now(), &mut v);
        (k, v)
    }

    const ID: &str = "0b9f0c62-5f5e-4a6e-9c55-3c1b2f4d5e6a";

    #[test]
    fn an_empty_id_asks_for_nothing() {
        let (k, v) = key("M", "", "a");
        assert!(k.is_none() && v.is_empty());
    }

    #[test]
    fn ids_must_be_uuids_of_bounded_length() {
        for bad in ["not-a-uuid", "0b9f0c62", &"a".repeat(100_000), "0b9f0c62-5f5e-4a6e-9c55-3c1b2f4d5e6\0"] {
            let (k, v) = key("M", bad, "a");
            assert!(k.is_none(), "{bad:.20}");
            assert_eq!(v.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["request_id"]);
        }
    }

    #[test]
    fn the_fingerprint_tells_requests_and_methods_apart() {
        let a = key("M", ID, "a").0.map(|k| k.fingerprint);
        assert_eq!(a, key("M", ID, "a").0.map(|k| k.fingerprint));
        assert_ne!(a, key("M", ID, "b").0.map(|k| k.fingerprint));
        assert_ne!(a, key("N", ID, "a").0.map(|k| k.fingerprint));
    }
}
