use std::fmt;

/// An e-mail address notices can be sent to (art. 14.19, 14.20). The check is the practical
/// one mail systems apply (RFC 5321 lengths, a dotted domain of letters, digits and hyphens),
/// not the full RFC 5322 grammar; the domain is kept in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("is required (art. 14.20: the customer keeps a primary contact e-mail)")]
    Missing,
    #[error("is not an e-mail address like name@example.nl")]
    Malformed,
    #[error("is longer than 254 characters")]
    TooLong,
}

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(EmailError::Missing);
        }
        if s.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = s.rsplit_once('@').ok_or(EmailError::Malformed)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels.last().is_some_and(|tld| tld.chars().all(|c| c.is_ascii_alphabetic()));
        if !(local_ok && domain_ok) {
            return Err(EmailError::Malformed);
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
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
        assert_eq!(
            EmailAddress::parse(" Jan.de-Vries+pactum@Example.NL ").map(|e| e.to_string()),
            Ok("Jan.de-Vries+pactum@example.nl".into())
        );
        for bad in [
            "plainaddress",
            "@example.nl",
            "jan@",
            "jan@example",
            "jan@@example.nl",
            "jan@exa mple.nl",
            "jan..x@example.nl",
            ".jan@example.nl",
            "jan@-example.nl",
            "jan@example.n1",
        ] {
            assert_eq!(EmailAddress::parse(bad), Err(EmailError::Malformed), "{bad}");
        }
        assert_eq!(EmailAddress::parse("   "), Err(EmailError::Missing));
        assert_eq!(EmailAddress::parse(&format!("{}@example.nl", "a".repeat(250))), Err(EmailError::TooLong));
    }

    proptest! {
        #[test]
        fn well_formed_addresses_parse(local in "[a-z0-9]{1,20}(\\.[a-z0-9]{1,10})?", domain in "[a-z0-9]{1,20}", tld in "[a-z]{2,6}") {
            let s = format!("{local}@{domain}.{tld}");
            prop_assert_eq!(EmailAddress::parse(&s).map(|e| e.to_string()), Ok(s));
        }

        #[test]
        fn never_panics(s in ".*") {
            let _ = EmailAddress::parse(&s);
        }
    }
}
