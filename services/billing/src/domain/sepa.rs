//! SEPA direct debit (art. 8.5): mandates, the creditor identifier, and which invoices a
//! collection may take.

use chrono::{Days, NaiveDate};
use pactum_domain::text::TextRule;
use pactum_domain::{CustomerId, Iban, Money, Violations, calendar::add_months_clamped, iban_check_digits};
use uuid::Uuid;

/// A mandate lapses when unused for this many months (SEPA rulebook).
pub const LAPSE_MONTHS: u32 = 36;
/// The invoice is the pre-notification: it must reach the customer this many days before the
/// collection.
pub const PRE_NOTIFICATION_DAYS: u64 = 14;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Core,
    B2b,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Core => "core",
            Self::B2b => "b2b",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Core, Self::B2b].into_iter().find(|k| k.as_str() == s)
    }

    /// The pain.008 local instrument code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Core => "CORE",
            Self::B2b => "B2B",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MandateStatus {
    Active,
    Revoked,
    Lapsed,
}

impl MandateStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Revoked => "revoked",
            Self::Lapsed => "lapsed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Active, Self::Revoked, Self::Lapsed].into_iter().find(|k| k.as_str() == s)
    }
}

/// FRST for a mandate's first collection, RCUR after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SequenceType {
    First,
    Recurring,
}

impl SequenceType {
    pub fn code(self) -> &'static str {
        match self {
            Self::First => "FRST",
            Self::Recurring => "RCUR",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::First, Self::Recurring].into_iter().find(|k| k.code() == s)
    }
}

/// The characters SEPA allows in identifiers (EPC Latin subset).
/// A mandate reference (SEPA MndtId): 1 to 35 SEPA characters.
pub fn mandate_id(raw: &str) -> Result<String, &'static str> {
    let id = raw.trim();
    if id.is_empty() || id.len() > 35 || !sepa_text(id) {
        return Err("is required: at most 35 SEPA characters (letters, digits, / - ? : ( ) . , ' + and space)");
    }
    Ok(id.to_owned())
}

fn sepa_text(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_alphanumeric() || " /-?:().,'+".contains(c))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mandate {
    pub id: String,
    pub customer_id: CustomerId,
    pub iban: Iban,
    pub bic: Option<String>,
    pub debtor_name: String,
    pub signed_on: NaiveDate,
    pub scheme: Scheme,
    pub status: MandateStatus,
    pub first_collected_on: Option<NaiveDate>,
    pub last_collected_on: Option<NaiveDate>,
}

impl Mandate {
    /// Validates every field at once; the IBAN passes ISO 13616 mod-97 and its country's length.
    #[allow(clippy::too_many_arguments)]
    pub fn register(
        id: &str,
        customer_id: Option<CustomerId>,
        iban: &str,
        bic: &str,
        debtor_name: &str,
        signed_on: Option<NaiveDate>,
        scheme: Option<Scheme>,
        mut violations: Violations,
    ) -> Result<Self, Violations> {
        let id = id.trim();
        if id.is_empty() || id.len() > 35 || !sepa_text(id) {
            violations.add(
                "mandate_id",
                "is required: at most 35 SEPA characters (letters, digits, / - ? : ( ) . , ' + and space)",
            );
        }
        let iban = violations.check("iban", Iban::parse(iban));
        let bic = bic.trim().to_ascii_uppercase();
        if !bic.is_empty() && !((bic.len() == 8 || bic.len() == 11) && bic.chars().all(|c| c.is_ascii_alphanumeric())) {
            violations.add("bic", "must be 8 or 11 letters and digits, or empty");
        }
        let name = TextRule::line(70).check(debtor_name).unwrap_or_default();
        if name.is_empty() {
            violations.add("debtor_name", "is required: at most 70 characters, no control characters");
        }
        if scheme.is_none() {
            violations.add("scheme", "is required: SEPA_SCHEME_CORE or SEPA_SCHEME_B2B");
        }
        match (customer_id, iban, signed_on, scheme) {
            (Some(customer_id), Some(iban), Some(signed_on), Some(scheme)) if violations.is_empty() => Ok(Self {
                id: id.to_owned(),
                customer_id,
                iban,
                bic: (!bic.is_empty()).then_some(bic),
                debtor_name: name,
                signed_on,
                scheme,
                status: MandateStatus::Active,
                first_collected_on: None,
                last_collected_on: None,
            }),
            _ => Err(violations),
        }
    }

    /// Art. 8.5: registering a mandate that exists is answered with the mandate when it is the
    /// same customer's for the same account; a mandate id is the customer's, not reusable.
    pub fn registered_again(&self, again: &Self) -> Result<(), crate::domain::BillingError> {
        if self.customer_id == again.customer_id && self.iban == again.iban {
            return Ok(());
        }
        Err(crate::domain::BillingError::refused(
            crate::domain::article::DIRECT_DEBIT,
            "MANDATE_ID_TAKEN",
            format!("mandate {} belongs to another customer or account", again.id),
        ))
    }

    /// Unused for 36 months on `as_of` (counted from its last collection, or its signature).
    pub fn lapsed_on(&self, as_of: NaiveDate) -> bool {
        let last_use = self.last_collected_on.unwrap_or(self.signed_on);
        add_months_clamped(last_use, LAPSE_MONTHS).is_some_and(|limit| as_of > limit)
    }

    pub fn sequence_type(&self) -> SequenceType {
        if self.first_collected_on.is_some() { SequenceType::Recurring } else { SequenceType::First }
    }
}

/// The SEPA creditor identifier of a Dutch creditor: `NL` + check digits + `ZZZ` + KvK number +
/// `0000`. The check digits are ISO 7064 mod 97-10 over the national part (the business code
/// is left out), as for an IBAN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditorId(String);

impl CreditorId {
    pub fn for_kvk(kvk: &str) -> Self {
        let national = format!("{kvk}0000");
        Self(format!("NL{}ZZZ{national}", iban_check_digits("NL", &national)))
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim().to_ascii_uppercase();
        if s.len() < 8 || !s.is_ascii() || !s[..2].chars().all(|c| c.is_ascii_uppercase()) {
            return Err(format!("{s:?} is not a SEPA creditor identifier like NL20ZZZ123456780000"));
        }
        let national = &s[7..];
        if s[2..4] != iban_check_digits(&s[..2], national) {
            return Err(format!("{s:?} fails its mod-97 check digits"));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One invoice to collect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    pub invoice_id: Uuid,
    pub invoice_number: String,
    pub amount: Money,
    pub mandate: Mandate,
    pub sequence: SequenceType,
}

/// The invoice counts as the pre-notification: issued at least 14 days before collection.
pub fn pre_notified(issue_date: NaiveDate, collection_date: NaiveDate) -> bool {
    issue_date.checked_add_days(Days::new(PRE_NOTIFICATION_DAYS)).is_some_and(|d| d <= collection_date)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    Pain002,
    Camt054,
}

impl ReportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pain002 => "pain.002",
            Self::Camt054 => "camt.054",
        }
    }
}

/// What a bank report says about one collection, by its EndToEndId.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Collected; booked on the date when the report gives one.
    Collected { end_to_end_id: String, booked_on: Option<NaiveDate> },
    /// Rejected or returned, with the ISO reason code (AM04, AC04, MD01, MS02, MS03 …).
    Failed { end_to_end_id: String, reason: String },
    /// A whole original batch rejected (pain.002 group status RJCT without transactions).
    BatchRejected { original_message_id: String, reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankReport {
    pub message_id: String,
    pub kind: ReportKind,
    pub outcomes: Vec<Outcome>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn creditor_ids() {
        let id = CreditorId::for_kvk("12345678");
        assert_eq!(CreditorId::parse(id.as_str()), Ok(id.clone()));
        assert!(id.as_str().starts_with("NL") && id.as_str().contains("ZZZ123456780000"));
        let mut wrong = id.as_str().to_owned();
        wrong.replace_range(2..4, if &wrong[2..4] == "00" { "01" } else { "00" });
        assert!(CreditorId::parse(&wrong).is_err());
        // The Bundesbank's published test creditor identifier, checked by the same rule.
        assert!(CreditorId::parse("DE98ZZZ09999999999").is_ok());
        assert!(CreditorId::parse("DE97ZZZ09999999999").is_err());
    }

    #[test]
    fn mandates_validate_every_field() {
        let bad = Mandate::register(
            "",
            Some(CustomerId::new()),
            "NL91ABNA0417164301",
            "ABC",
            "",
            Some(d(2026, 1, 1)),
            None,
            Violations::default(),
        )
        .unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["mandate_id", "iban", "bic", "debtor_name", "scheme"]);
        let good = Mandate::register(
            "MNDT-1",
            Some(CustomerId::new()),
            "nl91 abna 0417 1643 00",
            "abnanl2a",
            "Acme B.V.",
            Some(d(2026, 1, 1)),
            Some(Scheme::Core),
            Violations::default(),
        )
        .unwrap();
        assert_eq!(
            (good.iban.as_str(), good.bic.as_deref(), good.sequence_type()),
            ("NL91ABNA0417164300", Some("ABNANL2A"), SequenceType::First)
        );
    }

    #[test]
    fn lapse_and_pre_notification() {
        let mut m = Mandate::register(
            "M",
            Some(CustomerId::new()),
            "NL91ABNA0417164300",
            "",
            "Acme",
            Some(d(2023, 1, 31)),
            Some(Scheme::B2b),
            Violations::default(),
        )
        .unwrap();
        assert!(!m.lapsed_on(d(2026, 1, 31)));
        assert!(m.lapsed_on(d(2026, 2, 1)), "36 months unused");
        m.last_collected_on = Some(d(2025, 6, 1));
        assert!(!m.lapsed_on(d(2026, 2, 1)));
        assert!(pre_notified(d(2026, 1, 1), d(2026, 1, 15)));
        assert!(!pre_notified(d(2026, 1, 1), d(2026, 1, 14)), "13 days is too short");
    }
}
