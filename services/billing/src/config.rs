use pactum_domain::{Iban, KvkNumber, Money};

use crate::domain::sepa::CreditorId;
use pactum_platform::config::{ConfigError, ServiceConfig, var_or};

/// The billing service's configuration, from the environment.
#[derive(Debug, Clone)]
pub struct Config {
    pub service: ServiceConfig,
    /// The vendor as it appears on every invoice (art. 35a Wet OB).
    pub issuer: Issuer,
    /// `ISSUER_CREDITOR_ID` [derived from ISSUER_KVK]: the SEPA creditor identifier, check
    /// digits verified.
    pub creditor_id: CreditorId,
    /// `FAILED_DEBIT_FEE` [7.50]: charged to the customer for a failed direct debit (art. 8.5).
    pub failed_debit_fee: Money,
    /// `BILLING_INTERVAL_SECONDS` [3600]: how often `RunBilling` and `RunDunning` run for today;
    /// 0 turns the schedule off (operators drive them over gRPC).
    pub schedule_interval: std::time::Duration,
}

/// The issuing company. The defaults are the Dutch tax authority's and banks' published example
/// numbers, for local runs only: production sets every `ISSUER_*` variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    /// `ISSUER_NAME`.
    pub name: String,
    /// `ISSUER_STREET`, `ISSUER_POSTAL_CODE`, `ISSUER_CITY`; the country is NL.
    pub street: String,
    pub postal_code: String,
    pub city: String,
    /// `ISSUER_KVK`: Chamber of Commerce number, the seller's legal id (scheme 0106).
    pub kvk_number: KvkNumber,
    /// `ISSUER_VAT_NUMBER`: NL + 9 digits + B + 2 digits.
    pub vat_number: String,
    /// `ISSUER_IBAN`: where transfers go.
    pub iban: Iban,
    /// `ISSUER_EMAIL`.
    pub email: String,
}

pub const DEFAULT_GRPC_ADDR: &str = "127.0.0.1:50052";

impl Issuer {
    pub fn from_env() -> Result<Self, ConfigError> {
        let text =
            |name: &'static str, default: &str| -> Result<String, ConfigError> { var_or::<String>(name, default) };
        let kvk: String = text("ISSUER_KVK", "12345678")?;
        let iban: String = text("ISSUER_IBAN", "NL91ABNA0417164300")?;
        let vat_number = text("ISSUER_VAT_NUMBER", "NL000099998B57")?.replace(' ', "").to_ascii_uppercase();
        let vat_ok = vat_number.len() == 14
            && vat_number.starts_with("NL")
            && vat_number[2..11].bytes().all(|b| b.is_ascii_digit())
            && &vat_number[11..12] == "B"
            && vat_number[12..].bytes().all(|b| b.is_ascii_digit());
        if !vat_ok {
            return Err(ConfigError {
                name: "ISSUER_VAT_NUMBER",
                problem: format!("{vat_number:?} is not a Dutch VAT number like NL000099998B57"),
            });
        }
        Ok(Self {
            name: text("ISSUER_NAME", "Pactum Example B.V.")?,
            street: text("ISSUER_STREET", "Voorbeeldstraat 1")?,
            postal_code: text("ISSUER_POSTAL_CODE", "1011 AB")?,
            city: text("ISSUER_CITY", "Amsterdam")?,
            kvk_number: KvkNumber::parse(&kvk)
                .map_err(|e| ConfigError { name: "ISSUER_KVK", problem: e.to_string() })?,
            vat_number,
            iban: Iban::parse(&iban).map_err(|e| ConfigError { name: "ISSUER_IBAN", problem: e.to_string() })?,
            email: text("ISSUER_EMAIL", "billing@example.nl")?,
        })
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let issuer = Issuer::from_env()?;
        let creditor =
            var_or::<String>("ISSUER_CREDITOR_ID", CreditorId::for_kvk(issuer.kvk_number.as_str()).as_str())?;
        let creditor_id =
            CreditorId::parse(&creditor).map_err(|problem| ConfigError { name: "ISSUER_CREDITOR_ID", problem })?;
        let fee: String = var_or("FAILED_DEBIT_FEE", "7.50")?;
        let failed_debit_fee = Money::parse(&fee).ok().filter(|m| !m.is_negative()).ok_or_else(|| ConfigError {
            name: "FAILED_DEBIT_FEE",
            problem: format!("{fee:?} is not an amount of euros like 7.50"),
        })?;
        Ok(Self {
            service: ServiceConfig::from_env(DEFAULT_GRPC_ADDR)?,
            issuer,
            creditor_id,
            failed_debit_fee,
            schedule_interval: pactum_platform::config::seconds_or("BILLING_INTERVAL_SECONDS", 3600)?,
        })
    }
}

impl pactum_platform::service::Configured for Config {
    fn service(&self) -> &ServiceConfig {
        &self.service
    }
}
