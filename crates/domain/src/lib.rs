//! Value types every Pactum service shares. Each one parses and validates on the way in and has
//! private fields, so a value that exists is a valid one. Rules that belong to one service live
//! in that service, not here.

mod address;
mod billing_terms;
pub mod calendar;
pub mod clock;
mod email;
mod iban;
mod ids;
mod kvk;
pub mod language;
mod money;
pub mod page;
mod storage;
pub mod text;
mod violations;

pub use address::{AddressError, PostalAddress};
pub use billing_terms::{BillingPeriod, PaymentMethod};
pub use clock::Clock;
pub use email::{EmailAddress, EmailError};
pub use iban::{Iban, IbanError, check_digits as iban_check_digits};
pub use ids::{ContractId, CustomerId, IdError};
pub use kvk::{KvkError, KvkNumber};
pub use money::{Money, MoneyError};
pub use storage::StorageError;
pub use violations::{FieldViolation, Violations};
