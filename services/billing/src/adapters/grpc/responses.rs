//! The responses of billing's writes, made from what the use cases return. Each is made
//! twice from one function: once to record it as the answer to the request id, once to send.

use pactum_domain::Money;
use pactum_platform::wire;
use pactum_proto::pactum::billing::v1 as pb;

use super::convert::{amount_due_to_proto, invoice_to_proto, payment_to_proto};
use crate::{
    application::{DunningCounts, ImportSummary, RecordedPayment},
    domain::{
        article,
        interest::{AmountDue, StatutoryRate},
        invoice::Invoice,
        sepa::ReportKind,
    },
};

fn count(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

pub fn billing_response(issued: &u64) -> pb::RunBillingResponse {
    pb::RunBillingResponse { invoices_issued: count(*issued) }
}

pub fn dunning_response(counts: &DunningCounts) -> pb::RunDunningResponse {
    pb::RunDunningResponse {
        reminders: count(counts.reminders),
        customers_in_default: count(counts.defaults),
        defaults_cured: count(counts.cured),
    }
}

pub fn resolve_response((invoice, credit): &(Invoice, Option<Invoice>)) -> pb::ResolveDisputeResponse {
    pb::ResolveDisputeResponse {
        invoice: Some(invoice_to_proto(invoice)),
        credit_note: credit.as_ref().map(invoice_to_proto),
    }
}

// `&Vec`: an answer is made from the use case's result as it is (`Once<Vec<Invoice>>`).
#[allow(clippy::ptr_arg)]
pub fn credit_response(notes: &Vec<Invoice>) -> pb::CreditReducedAvailabilityResponse {
    pb::CreditReducedAvailabilityResponse { credit_notes: notes.iter().map(invoice_to_proto).collect() }
}

pub fn rate_response(rate: &StatutoryRate) -> pb::StatutoryRate {
    pb::StatutoryRate { valid_from: Some(wire::date_to_wire(rate.valid_from)), percent: rate.percent.to_string() }
}

pub fn hand_over_response((invoice, costs): &(Invoice, Money)) -> pb::HandOverForCollectionResponse {
    pb::HandOverForCollectionResponse {
        invoice: Some(invoice_to_proto(invoice)),
        collection_costs: Some(wire::money_to_wire(*costs)),
        article: article::LATE_PAYMENT.to_owned(),
    }
}

pub fn payment_response((payment, invoice, due): &(RecordedPayment, Invoice, AmountDue)) -> pb::RecordPaymentResponse {
    pb::RecordPaymentResponse {
        payment: Some(payment_to_proto(payment)),
        invoice: Some(invoice_to_proto(invoice)),
        amount_due: Some(pb::AmountDue {
            as_of: Some(wire::date_to_wire(payment.paid_on)),
            ..amount_due_to_proto(payment.invoice_id, due)
        }),
    }
}

pub fn import_response(message_id: &str, kind: ReportKind, summary: &ImportSummary) -> pb::ImportBankReportResponse {
    pb::ImportBankReportResponse {
        message_id: message_id.to_owned(),
        kind: kind.as_str().to_owned(),
        duplicate: summary.duplicate,
        collected: count(summary.collected),
        failed: count(summary.failed),
        unknown: count(summary.unknown),
    }
}
