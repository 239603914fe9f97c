//! The generated code for every Pactum protobuf package, and the encoded descriptor set that
//! gRPC server reflection serves.
//!
//! Conversions between these messages and domain types live in each service's gRPC adapter
//! (and, for the shared value types, in `pactum-platform::wire`), never here.

#![allow(
    missing_docs,
    unused_qualifications,
    clippy::all,
    clippy::pedantic,
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    rust_2018_idioms
)]

include!(concat!(env!("OUT_DIR"), "/pactum_protos.rs"));

/// Every Pactum package with its imports, for `grpc.reflection`.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/pactum_descriptor.bin"));

/// The event catalogue: every event's type, which is also its NATS subject, and the protobuf
/// message of its payload (`ce-dataschema`). Producers and subscribers share these names.
pub mod catalogue {
    /// An event type and its payload message.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Entry {
        pub subject: &'static str,
        pub data_schema: &'static str,
    }

    pub mod contracts {
        use super::Entry;

        pub const CUSTOMER_CREATED: Entry = Entry {
            subject: "pactum.contracts.customer.created",
            data_schema: "pactum.contracts.v1.CustomerCreated",
        };
    }
}
