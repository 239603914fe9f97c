use pactum_domain::Violations;

/// A caller's idempotency key: a retry with the same key gets the first call's result.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestId(String);

impl RequestId {
    /// An empty key means "no idempotency asked for".
    pub fn parse_optional(raw: &str, violations: &mut Violations) -> Option<Self> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return None;
        }
        if trimmed.len() > 128 || !trimmed.chars().all(|c| c.is_ascii_graphic()) {
            violations.add("request_id", "must be at most 128 printable ASCII characters");
            return None;
        }
        Some(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
