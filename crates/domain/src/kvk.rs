use std::fmt;

/// A Dutch Chamber of Commerce (Kamer van Koophandel) registration number: exactly 8 digits.
/// Art. 3.8: a customer must be registered with the KvK.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KvkNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KvkError {
    #[error("is required (art. 3.8: a customer must be registered with the Chamber of Commerce)")]
    Missing,
    #[error("must be exactly 8 digits (art. 3.8), got {0}")]
    Length(usize),
    #[error("must contain digits only (art. 3.8)")]
    NotDigits,
}

impl KvkNumber {
    /// Accepts the number with the spaces people type in it ("1234 5678").
    pub fn parse(input: &str) -> Result<Self, KvkError> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Err(KvkError::Missing);
        }
        if !compact.chars().all(|c| c.is_ascii_digit()) {
            return Err(KvkError::NotDigits);
        }
        if compact.len() != 8 {
            return Err(KvkError::Length(compact.len()));
        }
        Ok(Self(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KvkNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table() {
        assert_eq!(KvkNumber::parse("12345678").map(|k| k.to_string()), Ok("12345678".into()));
        assert_eq!(KvkNumber::parse(" 1234 5678 ").map(|k| k.to_string()), Ok("12345678".into()));
        assert_eq!(KvkNumber::parse("1234567"), Err(KvkError::Length(7)));
        assert_eq!(KvkNumber::parse("123456789"), Err(KvkError::Length(9)));
        assert_eq!(KvkNumber::parse("1234567a"), Err(KvkError::NotDigits));
        assert_eq!(KvkNumber::parse("１２３４５６７８"), Err(KvkError::NotDigits));
        assert_eq!(KvkNumber::parse(""), Err(KvkError::Missing));
    }

    proptest! {
        #[test]
        fn any_eight_digits_parse(n in 0u32..100_000_000) {
            let s = format!("{n:08}");
            prop_assert_eq!(KvkNumber::parse(&s).map(|k| k.to_string()), Ok(s));
        }

        #[test]
        fn other_lengths_are_refused(s in "[0-9]{0,7}|[0-9]{9,12}") {
            prop_assert!(KvkNumber::parse(&s).is_err());
        }
    }
}
