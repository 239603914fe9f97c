//! A customer (art. 1.1 c, "Klant").

use chrono::{DateTime, Utc};
use pactum_domain::{CustomerId, EmailAddress, KvkNumber, PostalAddress, Violations};
use pactum_domain::{language::Language, text::TextRule};

use super::storage::StorageError;

/// The customer's legal name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustomerNameError {
    #[error("is required")]
    Missing,
    #[error(transparent)]
    Text(#[from] pactum_domain::text::TextError),
}

/// A customer's legal name.
pub const CUSTOMER_NAME: TextRule = TextRule::line(200);

impl CustomerName {
    pub fn parse(input: &str) -> Result<Self, CustomerNameError> {
        let name = CUSTOMER_NAME.check(input)?;
        if name.is_empty() {
            return Err(CustomerNameError::Missing);
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A registered customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: CustomerId,
    pub name: CustomerName,
    /// Art. 3.8.
    pub kvk_number: KvkNumber,
    /// Art. 14.20: where notices of particular importance go (art. 14.19).
    pub primary_contact_email: EmailAddress,
    /// Where invoices are addressed (art. 35a Wet OB); `None` until given.
    pub postal_address: Option<PostalAddress>,
    pub created_at: DateTime<Utc>,
    /// The language of its notices (art. 14.19).
    pub language: Language,
    /// Art. 14.20: the last notice to the primary contact failed or bounced (when, why); the
    /// customer must keep that address current. Cleared by a notice that gets through, or a
    /// new address.
    pub contact_undeliverable: Option<(DateTime<Utc>, String)>,
}

/// What a new customer is registered with, every field validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCustomer {
    pub name: CustomerName,
    pub kvk_number: KvkNumber,
    pub primary_contact_email: EmailAddress,
    pub postal_address: Option<PostalAddress>,
    pub language: Language,
}

impl NewCustomer {
    /// Validates every field and reports all bad ones at once.
    pub fn parse(
        name: &str,
        kvk_number: &str,
        primary_contact_email: &str,
        language: &str,
        violations: &mut Violations,
    ) -> Option<Self> {
        let name = violations.check("name", CustomerName::parse(name));
        let kvk_number = violations.check("kvk_number", KvkNumber::parse(kvk_number));
        let primary_contact_email =
            violations.check("primary_contact_email", EmailAddress::parse(primary_contact_email));
        let language = violations.check("language", Language::parse(language));
        Some(Self {
            language: language?,
            name: name?,
            kvk_number: kvk_number?,
            primary_contact_email: primary_contact_email?,
            postal_address: None,
        })
    }

    pub fn register(self, id: CustomerId, at: DateTime<Utc>) -> Customer {
        Customer {
            id,
            name: self.name,
            kvk_number: self.kvk_number,
            primary_contact_email: self.primary_contact_email,
            postal_address: self.postal_address,
            created_at: at,
            language: self.language,
            contact_undeliverable: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CustomerError {
    #[error("invalid customer")]
    Invalid(Violations),
    #[error("customer {0} not found")]
    NotFound(CustomerId),
    #[error(transparent)]
    Reused(#[from] pactum_idempotency::Reused),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use pactum_domain::text::TextError;

    #[test]
    fn reports_every_bad_field() {
        let mut v = Violations::default();
        assert!(NewCustomer::parse("  ", "1234567", "not-an-email", "", &mut v).is_none());
        let fields: Vec<&str> = v.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["name", "kvk_number", "primary_contact_email"]);
    }

    #[test]
    fn accepts_a_good_customer() {
        let mut v = Violations::default();
        let c = NewCustomer::parse(" Acme B.V. ", "12345678", "finance@acme.nl", "en", &mut v).unwrap();
        assert!(v.is_empty());
        assert_eq!(c.name.as_str(), "Acme B.V.");
    }

    #[test]
    fn names() {
        assert_eq!(CustomerName::parse(&"x".repeat(201)), Err(CustomerNameError::Text(TextError::TooLong(200))));
        assert_eq!(CustomerName::parse("a\u{0}b"), Err(CustomerNameError::Text(TextError::Control)));
        assert!(CustomerName::parse(&"é".repeat(200)).is_ok());
    }
}
