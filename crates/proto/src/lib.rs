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
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/pactum_descriptor.bin"));

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

        const fn contract(subject: &'static str) -> Entry {
            Entry { subject, data_schema: "pactum.contracts.v1.ContractChanged" }
        }

        pub const CUSTOMER_CREATED: Entry =
            Entry { subject: "pactum.contracts.customer.created", data_schema: "pactum.contracts.v1.CustomerCreated" };
        pub const CUSTOMER_CONTACT_CHANGED: Entry = Entry {
            subject: "pactum.contracts.customer.contact_changed",
            data_schema: "pactum.contracts.v1.CustomerContactChanged",
        };
        pub const CUSTOMER_ADDRESS_CHANGED: Entry = Entry {
            subject: "pactum.contracts.customer.address_changed",
            data_schema: "pactum.contracts.v1.CustomerAddressChanged",
        };
        pub const TRIAL_STARTED: Entry = contract("pactum.contracts.trial.started");
        pub const TRIAL_EXPIRED: Entry = contract("pactum.contracts.trial.expired");
        pub const TRIAL_CONVERTED: Entry = contract("pactum.contracts.trial.converted");
        pub const CONTRACT_SIGNED: Entry = contract("pactum.contracts.contract.signed");
        pub const CONTRACT_NOTICE_GIVEN: Entry = contract("pactum.contracts.contract.notice_given");
        pub const CONTRACT_RENEWED: Entry = contract("pactum.contracts.contract.renewed");
        pub const CONTRACT_TERMINATED: Entry = contract("pactum.contracts.contract.terminated");
        pub const CONTRACT_DISSOLVED: Entry = contract("pactum.contracts.contract.dissolved");
        pub const CONTRACT_SUSPENSION_ANNOUNCED: Entry = contract("pactum.contracts.contract.suspension_announced");
        pub const CONTRACT_SUSPENDED: Entry = contract("pactum.contracts.contract.suspended");
        pub const CONTRACT_RESUMED: Entry = contract("pactum.contracts.contract.resumed");
        pub const CONTRACT_FORCE_MAJEURE_DECLARED: Entry = contract("pactum.contracts.contract.force_majeure_declared");
        pub const CONTRACT_FORCE_MAJEURE_ENDED: Entry = contract("pactum.contracts.contract.force_majeure_ended");
        pub const ACCESS_BLOCK_ANNOUNCED: Entry = contract("pactum.contracts.access.block_announced");
        pub const ACCESS_BLOCKED: Entry = contract("pactum.contracts.access.blocked");
        pub const ACCESS_UNBLOCKED: Entry = contract("pactum.contracts.access.unblocked");
        pub const TERMS_PUBLISHED: Entry =
            Entry { subject: "pactum.contracts.terms.published", data_schema: "pactum.contracts.v1.TermsPublished" };
        pub const TERMS_ACCEPTED: Entry =
            Entry { subject: "pactum.contracts.terms.accepted", data_schema: "pactum.contracts.v1.TermsAccepted" };
    }

    pub mod billing {
        use super::Entry;

        const fn invoice(subject: &'static str) -> Entry {
            Entry { subject, data_schema: "pactum.billing.v1.InvoiceChanged" }
        }

        pub const INVOICE_ISSUED: Entry = invoice("pactum.billing.invoice.issued");
        pub const INVOICE_DISPUTED: Entry = invoice("pactum.billing.invoice.disputed");
        pub const INVOICE_DISPUTE_RESOLVED: Entry = invoice("pactum.billing.invoice.dispute_resolved");
        pub const CREDIT_NOTE_ISSUED: Entry = invoice("pactum.billing.credit_note.issued");
        pub const INVOICE_PAID: Entry = invoice("pactum.billing.invoice.paid");
        pub const INVOICE_HANDED_OVER: Entry = invoice("pactum.billing.invoice.handed_over");
        const fn debit(subject: &'static str) -> Entry {
            Entry { subject, data_schema: "pactum.billing.v1.DirectDebitChanged" }
        }

        pub const DIRECT_DEBIT_COLLECTED: Entry = debit("pactum.billing.direct_debit.collected");
        pub const DIRECT_DEBIT_FAILED: Entry = debit("pactum.billing.direct_debit.failed");
        pub const DIRECT_DEBIT_BATCH_EXPORTED: Entry = Entry {
            subject: "pactum.billing.direct_debit.batch_exported",
            data_schema: "pactum.billing.v1.DirectDebitBatchExported",
        };
        pub const DIRECT_DEBIT_MANDATE_REQUIRED: Entry = Entry {
            subject: "pactum.billing.direct_debit.mandate_required",
            data_schema: "pactum.billing.v1.MandateRequired",
        };
        pub const INVOICE_OVERDUE_REMINDER: Entry = Entry {
            subject: "pactum.billing.invoice.overdue_reminder",
            data_schema: "pactum.billing.v1.OverdueReminder",
        };
        pub const CUSTOMER_IN_DEFAULT: Entry =
            Entry { subject: "pactum.billing.customer.in_default", data_schema: "pactum.billing.v1.CustomerDefault" };
        pub const CUSTOMER_DEFAULT_CURED: Entry = Entry {
            subject: "pactum.billing.customer.default_cured",
            data_schema: "pactum.billing.v1.CustomerDefault",
        };
        pub const PAYMENT_RECORDED: Entry =
            Entry { subject: "pactum.billing.payment.recorded", data_schema: "pactum.billing.v1.PaymentRecorded" };
        pub const PRICES_CHANGE_ANNOUNCED: Entry = Entry {
            subject: "pactum.billing.prices.change_announced",
            data_schema: "pactum.billing.v1.PriceChangeAnnounced",
        };
    }

    /// The notification service's events: a notice sent (art. 14.21: given), failed or bounced.
    pub mod notification {
        use super::Entry;

        const fn notice(subject: &'static str) -> Entry {
            Entry { subject, data_schema: "pactum.notification.v1.NoticeChanged" }
        }

        pub const NOTICE_SENT: Entry = notice("pactum.notification.notice.sent");
        pub const NOTICE_FAILED: Entry = notice("pactum.notification.notice.failed");
        pub const NOTICE_BOUNCED: Entry = notice("pactum.notification.notice.bounced");
    }
}
