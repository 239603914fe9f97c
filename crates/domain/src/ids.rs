use std::fmt;

use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("is not a valid id (a UUID such as 0192f0c1-2b8a-7cc1-9a59-3f1d6c2a4e10)")]
pub struct IdError;

/// Identifiers are UUIDv7: time-ordered, so new rows land at the end of an index and ordering by
/// id is ordering by creation.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Uuid);

        impl $name {
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn parse(input: &str) -> Result<Self, IdError> {
                Uuid::try_parse(input.trim()).map(Self).map_err(|_| IdError)
            }

            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A customer (art. 1.1 c, "Klant").
    CustomerId
);
id_type!(
    /// An agreement between the vendor and a customer (art. 1.1, "Overeenkomst").
    ContractId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_its_own_display() {
        let id = CustomerId::new();
        assert_eq!(CustomerId::parse(&id.to_string()), Ok(id));
        assert_eq!(ContractId::parse("not-a-uuid"), Err(IdError));
        assert_eq!(ContractId::parse(""), Err(IdError));
    }

    #[test]
    fn new_ids_are_time_ordered() {
        let a = ContractId::new();
        let b = ContractId::new();
        assert!(a < b);
    }
}
