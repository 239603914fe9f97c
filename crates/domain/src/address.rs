use std::fmt;

/// A postal address for invoices (art. 35a Wet OB: the customer's name and address) and
/// e-invoices (NLCIUS NL-R-004: street, city and postcode for Dutch parties).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PostalAddress {
    street: String,
    postal_code: String,
    city: String,
    country_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("{0} is required")]
    Missing(&'static str),
    #[error("{0} {1}")]
    Text(&'static str, crate::text::TextError),
    #[error("country_code must be an ISO 3166-1 alpha-2 code like NL")]
    Country,
    #[error("postal_code {0:?} is not a Dutch postcode like 1011 AB")]
    DutchPostcode(String),
}

impl AddressError {
    /// The field of the address that is wrong, as a request names it (`postal_address.<field>`).
    pub fn field(&self) -> &'static str {
        match self {
            Self::Missing(field) | Self::Text(field, _) => field,
            Self::Country => "country_code",
            Self::DutchPostcode(_) => "postal_code",
        }
    }
}

/// Each line of an address: street, postal code, city.
pub const ADDRESS_LINE: crate::text::TextRule = crate::text::TextRule::line(200);

impl PostalAddress {
    /// Dutch postcodes are kept as `1234 AB`.
    pub fn parse(street: &str, postal_code: &str, city: &str, country_code: &str) -> Result<Self, AddressError> {
        let field = |name: &'static str, value: &str| -> Result<String, AddressError> {
            let v = ADDRESS_LINE.check(value).map_err(|e| AddressError::Text(name, e))?;
            if v.is_empty() {
                return Err(AddressError::Missing(name));
            }
            Ok(v)
        };
        let country = country_code.trim().to_ascii_uppercase();
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(AddressError::Country);
        }
        let mut postal_code = field("postal_code", postal_code)?;
        if country == "NL" {
            let compact: String =
                postal_code.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
            let ok = compact.len() == 6
                && compact[..4].bytes().all(|b| b.is_ascii_digit())
                && !compact.starts_with('0')
                && compact[4..].bytes().all(|b| b.is_ascii_uppercase());
            if !ok {
                return Err(AddressError::DutchPostcode(postal_code));
            }
            postal_code = format!("{} {}", &compact[..4], &compact[4..]);
        }
        Ok(Self { street: field("street", street)?, postal_code, city: field("city", city)?, country_code: country })
    }

    pub fn street(&self) -> &str {
        &self.street
    }

    pub fn postal_code(&self) -> &str {
        &self.postal_code
    }

    pub fn city(&self) -> &str {
        &self.city
    }

    pub fn country_code(&self) -> &str {
        &self.country_code
    }
}

impl fmt::Display for PostalAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {} {}", self.street, self.postal_code, self.city)?;
        if self.country_code != "NL" {
            write!(f, ", {}", self.country_code)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let a = PostalAddress::parse(" Keizersgracht 1 ", "1015cj", "Amsterdam", "nl").unwrap();
        assert_eq!(a.to_string(), "Keizersgracht 1, 1015 CJ Amsterdam");
        assert_eq!(PostalAddress::parse("x", "0123 AB", "y", "NL"), Err(AddressError::DutchPostcode("0123 AB".into())));
        assert_eq!(PostalAddress::parse("x", "1234", "y", "NL"), Err(AddressError::DutchPostcode("1234".into())));
        assert_eq!(PostalAddress::parse("", "1234 AB", "y", "NL"), Err(AddressError::Missing("street")));
        assert_eq!(PostalAddress::parse("x", "1234 AB", "y", "Nederland"), Err(AddressError::Country));
        assert_eq!(
            PostalAddress::parse("Rue 1", "75001", "Paris", "FR").map(|a| a.to_string()),
            Ok("Rue 1, 75001 Paris, FR".into())
        );
    }
}
