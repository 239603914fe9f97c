use std::fmt;

/// An International Bank Account Number (ISO 13616), checked for its country's length and the
/// mod-97 check digits. Kept in electronic form: upper case, no spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Iban(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IbanError {
    #[error("is required")]
    Missing,
    #[error("may contain only letters and digits")]
    Characters,
    #[error("has no known SEPA country code {0:?}")]
    Country(String),
    #[error("must be {expected} characters for {country}, got {actual}")]
    Length { country: String, expected: usize, actual: usize },
    #[error("fails the ISO 13616 mod-97 check; a digit is probably mistyped")]
    CheckDigits,
}

/// IBAN lengths of the SEPA countries and territories (EPC409-09, the SEPA scheme countries).
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AT", 20),
    ("BE", 16),
    ("BG", 22),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FR", 27),
    ("GB", 22),
    ("GI", 23),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IS", 26),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("VA", 22),
];

impl Iban {
    /// Accepts the printed form with spaces ("NL91 ABNA 0417 1643 00") and lower case.
    pub fn parse(input: &str) -> Result<Self, IbanError> {
        // 34 characters at most, in groups of four with spaces between: 42.
        if input.trim().len() > 42 {
            return Err(IbanError::Characters);
        }
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
        if compact.is_empty() {
            return Err(IbanError::Missing);
        }
        if !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(IbanError::Characters);
        }
        let country = compact.get(..2).unwrap_or(&compact).to_owned();
        let expected = LENGTHS
            .iter()
            .find(|(code, _)| *code == country)
            .map(|(_, len)| *len)
            .ok_or_else(|| IbanError::Country(country.clone()))?;
        if compact.len() != expected {
            return Err(IbanError::Length { country, expected, actual: compact.len() });
        }
        if !compact[2..4].chars().all(|c| c.is_ascii_digit()) || mod97(&compact) != 1 {
            return Err(IbanError::CheckDigits);
        }
        Ok(Self(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn country_code(&self) -> &str {
        &self.0[..2]
    }
}

/// The ISO 7064 MOD 97-10 remainder of an IBAN: the first four characters moved to the end,
/// letters read as 10..35, computed piecewise so it never overflows.
fn mod97(iban: &str) -> u32 {
    iban[4..].chars().chain(iban[..4].chars()).fold(0u32, |acc, c| {
        let value = c.to_digit(36).unwrap_or(0);
        if value >= 10 { (acc * 100 + value) % 97 } else { (acc * 10 + value) % 97 }
    })
}

/// The two check digits that make `country` + `bban` a valid IBAN (for building test data and
/// creditor identifiers).
pub fn check_digits(country: &str, bban: &str) -> String {
    let provisional = format!("{country}00{bban}");
    format!("{:02}", 98 - mod97(&provisional))
}

impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_ibans() {
        for good in [
            "NL91ABNA0417164300",
            "nl91 abna 0417 1643 00",
            "DE89370400440532013000",
            "GB82WEST12345698765432",
            "BE68539007547034",
            "NO9386011117947",
            "MT84MALT011000012345MTLCAST001S",
        ] {
            assert!(Iban::parse(good).is_ok(), "{good}");
        }
        assert_eq!(Iban::parse("NL92ABNA0417164300"), Err(IbanError::CheckDigits));
        assert_eq!(
            Iban::parse("NL91ABNA041716430"),
            Err(IbanError::Length { country: "NL".into(), expected: 18, actual: 17 })
        );
        assert_eq!(Iban::parse("XX91ABNA0417164300"), Err(IbanError::Country("XX".into())));
        assert_eq!(Iban::parse("NL91-ABNA-0417164300"), Err(IbanError::Characters));
        assert_eq!(Iban::parse(""), Err(IbanError::Missing));
    }

    fn dutch_iban() -> impl Strategy<Value = String> {
        ("[A-Z]{4}", "[0-9]{10}").prop_map(|(bank, account)| {
            let bban = format!("{bank}{account}");
            format!("NL{}{bban}", check_digits("NL", &bban))
        })
    }

    proptest! {
        #[test]
        fn generated_check_digits_validate(iban in dutch_iban()) {
            prop_assert_eq!(Iban::parse(&iban).map(|i| i.to_string()), Ok(iban));
        }

        /// Mod 97 catches every single-character substitution.
        #[test]
        fn any_single_digit_change_is_caught(iban in dutch_iban(), position in 8usize..18, delta in 1u32..10) {
            let mut chars: Vec<char> = iban.chars().collect();
            let digit = chars[position].to_digit(10).unwrap_or(0);
            chars[position] = char::from_digit((digit + delta) % 10, 10).unwrap_or('0');
            let changed: String = chars.into_iter().collect();
            prop_assert_eq!(Iban::parse(&changed), Err(IbanError::CheckDigits));
        }

        /// Mod 97 catches every swap of two different adjacent characters.
        #[test]
        fn adjacent_transpositions_are_caught(iban in dutch_iban(), position in 8usize..17) {
            let mut chars: Vec<char> = iban.chars().collect();
            prop_assume!(chars[position] != chars[position + 1]);
            chars.swap(position, position + 1);
            let changed: String = chars.into_iter().collect();
            prop_assert_eq!(Iban::parse(&changed), Err(IbanError::CheckDigits));
        }
    }
}
