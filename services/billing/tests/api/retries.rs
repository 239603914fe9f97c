//! Every write of the billing service is retry-safe (AIP-155): sent twice with one
//! `request_id` it answers the same and has one effect (one invoice number, one batch, one
//! booking); the id with another request is `ABORTED` and changes nothing.

use pactum_proto::{google::r#type::Money, pactum::billing::v1 as pb};
use pactum_testkit::request_id;
use uuid::Uuid;

use crate::{
    helpers::{TestApp, date, spawn_billing},
    sepa::pain002,
};

const SCHEMA: &str = "billing";

/// Asserts AIP-155 for one RPC over every table of the schema.
macro_rules! retry_safe {
    ($app:expr, $method:literal, $rpc:ident, $request:expr, $other:expr) => {
        pactum_testkit::assert_rpc_retry_safe!($app.client, &$app.pool, SCHEMA, $method, $rpc, $request, $other)
    };
}

fn eur(units: i64) -> Option<Money> {
    Some(Money { currency_code: "EUR".into(), units, nanos: 0 })
}

async fn invoice_of(app: &TestApp, customer: Uuid) -> pb::Invoice {
    app.invoices_of(customer).await.into_iter().next().expect("an invoice")
}

#[tokio::test]
async fn every_write_answers_a_retry_with_its_first_answer_and_refuses_another_request() {
    let app = spawn_billing().await;
    let (debtor, _) = app.seed_contract("2026-01-01", "monthly", None, &[(1, 10_000)]).await;
    let (disputer, _) = app.seed_contract("2026-01-01", "monthly", None, &[(1, 20_000)]).await;
    let (payer, _) = app.seed_contract("2026-01-01", "monthly", None, &[(1, 30_000)]).await;
    let (late, _) = app.seed_contract("2026-01-01", "monthly", None, &[(1, 40_000)]).await;
    let (_, credited) = app.seed_contract("2026-01-01", "yearly", None, &[(1, 1_000)]).await;
    app.service.set_today((2026, 1, 1)).await;

    retry_safe!(app, "RunBilling", run_billing, pb::RunBillingRequest { as_of: None, request_id: request_id() }, |r| {
        r.as_of = date(2025, 12, 31)
    });
    retry_safe!(
        app,
        "SetStatutoryRate",
        set_statutory_rate,
        pb::SetStatutoryRateRequest { valid_from: date(2026, 1, 1), percent: "10.15".into(), request_id: request_id() },
        |r| r.percent = "9".into()
    );
    retry_safe!(
        app,
        "RegisterMandate",
        register_mandate,
        pb::RegisterMandateRequest {
            customer_id: debtor.to_string(),
            iban: "NL91ABNA0417164300".into(),
            bic: String::new(),
            debtor_name: "Acme B.V.".into(),
            mandate_id: "M-1".into(),
            signed_on: date(2025, 12, 1),
            scheme: pb::SepaScheme::Core.into(),
            request_id: request_id(),
        },
        |r| r.debtor_name = "Other B.V.".into()
    );
    retry_safe!(
        app,
        "ChangePrices",
        change_prices,
        pb::ChangePricesRequest {
            kind: pb::PriceChangeKind::Indexation.into(),
            effective_date: date(2026, 3, 1),
            percent: "3.5".into(),
            reason: "CPI".into(),
            request_id: request_id(),
        },
        |r| r.percent = "4".into()
    );

    app.service.set_today((2026, 1, 15)).await;
    // The same batch again (same message id, same file), never a second batch of the same debits.
    let batch = retry_safe!(
        app,
        "ExportDirectDebits",
        export_direct_debits,
        pb::ExportDirectDebitsRequest { collection_date: date(2026, 1, 15), request_id: request_id() },
        |r| r.collection_date = date(2026, 1, 16)
    );
    assert_eq!(batch.number_of_transactions, 1);
    let debit = sqlx::query_scalar::<_, String>("SELECT end_to_end_id FROM billing.direct_debits")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let report = pain002("REPORT-1", &batch.message_id, &[(debit.as_str(), "ACCP", "")]);
    retry_safe!(
        app,
        "ImportBankReport",
        import_bank_report,
        pb::ImportBankReportRequest { xml: report, request_id: request_id() },
        |r| r.xml = pain002("REPORT-2", &batch.message_id, &[(debit.as_str(), "RJCT", "AM04")])
    );

    let disputed = invoice_of(&app, disputer).await;
    retry_safe!(
        app,
        "DisputeInvoice",
        dispute_invoice,
        pb::DisputeInvoiceRequest {
            invoice_id: disputed.invoice_id.clone(),
            disputed_on: date(2026, 1, 5),
            reason: "wrong seats".into(),
            request_id: request_id(),
        },
        |r| r.reason = "other".into()
    );
    retry_safe!(
        app,
        "ResolveDispute",
        resolve_dispute,
        pb::ResolveDisputeRequest {
            invoice_id: disputed.invoice_id,
            outcome: pb::DisputeOutcome::Upheld.into(),
            request_id: request_id(),
        },
        |r| r.outcome = pb::DisputeOutcome::Rejected.into()
    );
    retry_safe!(
        app,
        "InvoiceExtraWork",
        invoice_extra_work,
        pb::InvoiceExtraWorkRequest {
            customer_id: payer.to_string(),
            description: "Data migration".into(),
            amount: eur(1250),
            ordered_on: None,
            request_id: request_id(),
        },
        |r| r.description = "Other work".into()
    );
    retry_safe!(
        app,
        "CreditReducedAvailability",
        credit_reduced_availability,
        pb::CreditReducedAvailabilityRequest {
            contract_id: credited.to_string(),
            period_start: date(2026, 1, 2),
            period_end: date(2026, 1, 8),
            percent: "50".into(),
            reason: "outage".into(),
            request_id: request_id(),
        },
        |r| r.percent = "100".into()
    );
    let paid = invoice_of(&app, payer).await;
    retry_safe!(
        app,
        "RecordPayment",
        record_payment,
        pb::RecordPaymentRequest {
            invoice_id: paid.invoice_id,
            amount: eur(100),
            paid_on: None,
            reference: "transfer".into(),
            request_id: request_id(),
        },
        |r| r.amount = eur(200)
    );

    app.service.set_today((2026, 3, 1)).await;
    let overdue = invoice_of(&app, late).await;
    retry_safe!(
        app,
        "HandOverForCollection",
        hand_over_for_collection,
        pb::HandOverForCollectionRequest { invoice_id: overdue.invoice_id, date: None, request_id: request_id() },
        |r| r.date = date(2026, 2, 27)
    );
    retry_safe!(
        app,
        "RevokeMandate",
        revoke_mandate,
        pb::RevokeMandateRequest { mandate_id: "M-1".into(), revoked_on: None, request_id: request_id() },
        |r| r.revoked_on = date(2026, 2, 1)
    );
    retry_safe!(app, "RunDunning", run_dunning, pb::RunDunningRequest { as_of: None, request_id: request_id() }, |r| {
        r.as_of = date(2026, 2, 1)
    });
}

#[tokio::test]
async fn a_bank_report_imported_twice_without_request_id_books_nothing_the_second_time() {
    let app = spawn_billing().await;
    let (customer, _) = app.seed_contract("2026-01-01", "monthly", None, &[(1, 10_000)]).await;
    let mut client = app.client.clone();
    client
        .register_mandate(pb::RegisterMandateRequest {
            customer_id: customer.to_string(),
            iban: "NL91ABNA0417164300".into(),
            debtor_name: "Acme B.V.".into(),
            mandate_id: "M-1".into(),
            signed_on: date(2024, 12, 1),
            scheme: pb::SepaScheme::Core.into(),
            ..Default::default()
        })
        .await
        .unwrap();
    app.run_billing((2026, 1, 1)).await;
    app.service.set_today((2026, 1, 15)).await;
    let batch = client
        .export_direct_debits(pb::ExportDirectDebitsRequest {
            collection_date: date(2026, 1, 15),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let debit = sqlx::query_scalar::<_, String>("SELECT end_to_end_id FROM billing.direct_debits")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let report = pain002("REPORT-1", &batch.message_id, &[(debit.as_str(), "RJCT", "AM04")]);
    let import = pb::ImportBankReportRequest { xml: report, request_id: String::new() };
    let first = client.import_bank_report(import.clone()).await.unwrap().into_inner();
    assert_eq!((first.failed, first.duplicate), (1, false));
    let before = pactum_testkit::retries::snapshot(&app.pool, SCHEMA).await;
    let second = client.import_bank_report(import).await.unwrap().into_inner();
    assert_eq!((second.failed, second.duplicate), (0, true), "its message id identifies it");
    assert_eq!(pactum_testkit::retries::snapshot(&app.pool, SCHEMA).await, before, "nothing booked twice");
}
