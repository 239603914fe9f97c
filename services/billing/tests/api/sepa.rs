//! SEPA direct debit (art. 8.5): mandates, the pain.008 export, and the bank's pain.002 and
//! camt.054 reports, on real PostgreSQL; documents checked against the official ISO schemas.

use pactum_proto::pactum::billing::v1 as pb;
use roxmltree::Document;
use tonic::Code;
use tonic_types::StatusExt;
use uuid::Uuid;

use crate::helpers::{TestApp, article_of, cents, date, spawn_billing, validate};

fn mandate(customer: Uuid, id: &str, iban: &str) -> pb::RegisterMandateRequest {
    pb::RegisterMandateRequest {
        customer_id: customer.to_string(),
        iban: iban.into(),
        bic: String::new(),
        debtor_name: "Acme B.V.".into(),
        mandate_id: id.into(),
        signed_on: date(2025, 1, 1),
        scheme: pb::SepaScheme::Core.into(),
        request_id: pactum_testkit::request_id(),
    }
}

async fn export(app: &TestApp, day: (i32, i32, i32)) -> pb::DirectDebitBatch {
    app.client
        .clone()
        .export_direct_debits(pb::ExportDirectDebitsRequest {
            collection_date: date(day.0, day.1, day.2),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner()
}

async fn import(app: &TestApp, xml: &str) -> Result<pb::ImportBankReportResponse, tonic::Status> {
    app.client
        .clone()
        .import_bank_report(pb::ImportBankReportRequest { xml: xml.into(), request_id: pactum_testkit::request_id() })
        .await
        .map(tonic::Response::into_inner)
}

/// A pain.002.001.03 report on `original`: (EndToEndId, TxSts, reason).
pub(crate) fn pain002(id: &str, original: &str, txs: &[(&str, &str, &str)]) -> String {
    let txs: String = txs
        .iter()
        .map(|(e2e, status, reason)| {
            let reason = if reason.is_empty() {
                String::new()
            } else {
                format!("<StsRsnInf><Rsn><Cd>{reason}</Cd></Rsn></StsRsnInf>")
            };
            format!(
                "<TxInfAndSts><OrgnlEndToEndId>{e2e}</OrgnlEndToEndId><TxSts>{status}</TxSts>{reason}</TxInfAndSts>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03\"><CstmrPmtStsRpt>\
         <GrpHdr><MsgId>{id}</MsgId><CreDtTm>2026-01-16T08:00:00</CreDtTm></GrpHdr>\
         <OrgnlGrpInfAndSts><OrgnlMsgId>{original}</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.02</OrgnlMsgNmId><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>\
         <OrgnlPmtInfAndSts><OrgnlPmtInfId>{original}-1</OrgnlPmtInfId>{txs}</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"
    )
}

/// A camt.054.001.02 notification: (EndToEndId, CRDT or DBIT, booking date, return reason).
fn camt054(id: &str, entries: &[(&str, &str, &str, &str)]) -> String {
    let entries: String = entries
        .iter()
        .map(|(e2e, direction, booked, reason)| {
            let ret = if reason.is_empty() { String::new() } else { format!("<RtrInf><Rsn><Cd>{reason}</Cd></Rsn></RtrInf>") };
            format!(
                "<Ntry><Amt Ccy=\"EUR\">121.00</Amt><CdtDbtInd>{direction}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{booked}</Dt></BookgDt><BkTxCd/>\
                 <NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>{ret}</TxDtls></NtryDtls></Ntry>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.02\"><BkToCstmrDbtCdtNtfctn>\
         <GrpHdr><MsgId>{id}</MsgId><CreDtTm>2026-02-03T08:00:00</CreDtTm></GrpHdr>\
         <Ntfctn><Id>N-{id}</Id><CreDtTm>2026-02-03T08:00:00</CreDtTm><Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>{entries}</Ntfctn>\
         </BkToCstmrDbtCdtNtfctn></Document>"
    )
}

#[tokio::test]
async fn mandates_need_a_valid_iban_and_one_at_a_time() {
    let app = spawn_billing().await;
    let (customer, _) = app.seed_contract("2026-01-01", "monthly", None, &[(1, 10_000)]).await;
    let mut client = app.client.clone();
    let bad = client.register_mandate(mandate(customer, "M-1", "NL91ABNA0417164301")).await.unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);
    assert_eq!(bad.get_details_bad_request().unwrap().field_violations[0].field, "iban");
    let ok = client.register_mandate(mandate(customer, "M-1", "NL91 ABNA 0417 1643 00")).await.unwrap().into_inner();
    assert_eq!((ok.iban.as_str(), ok.status.as_str()), ("NL91ABNA0417164300", "active"));
    assert_eq!(
        client.register_mandate(mandate(customer, "M-1", "NL91ABNA0417164300")).await.unwrap().into_inner(),
        ok,
        "a retry returns it"
    );
    assert_eq!(
        article_of(&client.register_mandate(mandate(customer, "M-2", "NL91ABNA0417164300")).await.unwrap_err()),
        "8.5"
    );
    let future = client
        .revoke_mandate(pb::RevokeMandateRequest {
            mandate_id: "M-1".into(),
            revoked_on: date(2026, 1, 2),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap_err();
    assert_eq!(future.get_details_bad_request().unwrap().field_violations[0].field, "revoked_on");
    app.service.set_today((2026, 1, 2)).await;
    let revoked = client
        .revoke_mandate(pb::RevokeMandateRequest {
            mandate_id: "M-1".into(),
            revoked_on: date(2026, 1, 2),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(revoked.status, "revoked");
    client.register_mandate(mandate(customer, "M-2", "NL91ABNA0417164300")).await.unwrap();
}

#[tokio::test]
async fn export_collects_pre_notified_invoices_once_as_valid_pain_008() {
    let app = spawn_billing().await;
    let (first, _) = app.seed_contract("2026-01-01", "monthly", None, &[(1, 10_000)]).await;
    let (recurring, _) = app.seed_contract("2026-01-01", "quarterly", None, &[(2, 5_000)]).await;
    let (no_mandate, _) = app.seed_contract("2026-01-01", "monthly", None, &[(1, 1_000)]).await;
    let mut client = app.client.clone();
    client.register_mandate(mandate(first, "M-FIRST", "NL91ABNA0417164300")).await.unwrap();
    client.register_mandate(mandate(recurring, "M-RCUR", "DE89370400440532013000")).await.unwrap();
    sqlx::query("UPDATE billing.mandates SET first_collected_on = '2025-12-15', last_collected_on = '2025-12-15' WHERE mandate_id = 'M-RCUR'").execute(&app.pool).await.unwrap();
    app.run_billing((2026, 1, 1)).await;

    let early = export(&app, (2026, 1, 14)).await;
    assert_eq!(
        (early.number_of_transactions, early.batch_id.as_str()),
        (0, ""),
        "13 days after the invoice: not pre-notified long enough"
    );

    let batch = export(&app, (2026, 1, 15)).await;
    assert_eq!(batch.number_of_transactions, 2);
    assert_eq!(cents(batch.control_sum.as_ref()), 12_100 + 36_300);
    assert_eq!(batch.invoices_without_mandate.len(), 1, "the customer without a mandate waits");
    let xml = String::from_utf8(batch.document.clone()).unwrap();
    validate(&xml, "iso20022/pain.008.001.02.xsd").expect("valid pain.008.001.02");

    let doc = Document::parse(&xml).unwrap();
    let text = |name: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name(name))
            .map(|n| n.text().unwrap_or("").to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(text("NbOfTxs"), ["2", "1", "1"]);
    assert_eq!(text("CtrlSum"), ["484.00", "121.00", "363.00"]);
    assert_eq!(text("SeqTp"), ["FRST", "RCUR"]);
    assert_eq!(text("LclInstrm").len(), 2);
    assert!(text("MsgId")[0].len() <= 35 && text("PmtInfId").iter().all(|id| id.len() <= 35));
    let e2e = text("EndToEndId");
    let invoice_numbers: Vec<String> = sqlx::query_scalar(
        "SELECT invoice_number FROM billing.invoices WHERE customer_id <> $1 ORDER BY invoice_number",
    )
    .bind(no_mandate)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut sorted = e2e.clone();
    sorted.sort();
    assert_eq!(sorted, invoice_numbers, "EndToEndId is the invoice number");
    let ids: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("CdtrSchmeId"))
        .flat_map(|n| {
            n.descendants()
                .filter(|d| d.has_tag_name("Id") && d.text().is_some())
                .map(|d| d.text().unwrap().to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(ids.iter().all(|id| id.starts_with("NL") && id.contains("ZZZ123456780000")), "{ids:?}");

    let again = export(&app, (2026, 1, 16)).await;
    assert_eq!(again.number_of_transactions, 0, "never in two open batches");
    let asked: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM billing.outbox WHERE event_type = 'pactum.billing.direct_debit.mandate_required'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(asked, 1, "the mandate is asked for once");
}

#[tokio::test]
async fn bank_reports_pay_or_fail_collections_once() {
    let app = spawn_billing().await;
    let (a, _) = app.seed_contract("2026-01-01", "monthly", None, &[(1, 10_000)]).await;
    let (b, _) = app.seed_contract("2026-01-01", "monthly", None, &[(1, 10_000)]).await;
    let mut client = app.client.clone();
    client.register_mandate(mandate(a, "M-A", "NL91ABNA0417164300")).await.unwrap();
    client.register_mandate(mandate(b, "M-B", "DE89370400440532013000")).await.unwrap();
    app.run_billing((2026, 1, 1)).await;
    let batch = export(&app, (2026, 1, 15)).await;
    let inv_a = app.invoices_of(a).await.remove(0);
    let inv_b = app.invoices_of(b).await.remove(0);

    let report = pain002(
        "RPT-1",
        &batch.message_id,
        &[(&inv_a.invoice_number, "RJCT", "AM04"), (&inv_b.invoice_number, "ACSC", "")],
    );
    validate(&report, "iso20022/pain.002.001.03.xsd").expect("the sample is a valid pain.002.001.03");
    let imported = import(&app, &report).await.unwrap();
    assert_eq!(
        (imported.kind.as_str(), imported.collected, imported.failed, imported.duplicate),
        ("pain.002", 1, 1, false)
    );
    assert!(import(&app, &report).await.unwrap().duplicate, "the same report twice: no second effect");

    let a_now = app.invoices_of(a).await.remove(0);
    assert_eq!(
        (a_now.status(), a_now.due_date),
        (pb::InvoiceStatus::Open, inv_a.due_date),
        "failed: open, due date as it was"
    );
    assert_eq!(app.invoices_of(b).await.remove(0).status(), pb::InvoiceStatus::Paid);
    let fees: Vec<i64> =
        sqlx::query_scalar("SELECT amount_cents FROM billing.charges").fetch_all(&app.pool).await.unwrap();
    assert_eq!(fees, [750], "the failed-debit fee, once");
    let failed: Vec<Vec<u8>> = sqlx::query_scalar(
        "SELECT payload FROM billing.outbox WHERE event_type = 'pactum.billing.direct_debit.failed'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(failed.len(), 1);
    let event: pb::DirectDebitChanged = prost::Message::decode(failed[0].as_slice()).unwrap();
    assert_eq!(
        (event.reason_code.as_str(), event.sequence_type.as_str(), cents(event.failed_debit_fee.as_ref())),
        ("AM04", "FRST", 750)
    );
    // The failed FRST does not count: the next collection is FRST again.
    assert_eq!(export(&app, (2026, 2, 1)).await.number_of_transactions, 1);

    let malformed = import(&app, "<Document>").await.unwrap_err();
    assert_eq!(malformed.get_details_bad_request().unwrap().field_violations[0].field, "xml");
    let unknown =
        import(&app, "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\"/>").await.unwrap_err();
    assert_eq!(unknown.code(), Code::InvalidArgument);
}

/// The story: signed quarterly contract → invoice → mandate → export → return AM04 →
/// fee → bank transfer → paid.
#[tokio::test]
async fn a_returned_collection_is_paid_by_transfer() {
    let app = spawn_billing().await;
    let (customer, _) = app.seed_contract("2026-01-01", "quarterly", None, &[(2, 5_000)]).await;
    app.run_billing((2026, 1, 1)).await;
    let invoice = app.invoices_of(customer).await.remove(0);
    assert_eq!(cents(invoice.total.as_ref()), 36_300);
    let mut client = app.client.clone();
    client.register_mandate(mandate(customer, "M-Q", "NL91ABNA0417164300")).await.unwrap();
    let batch = export(&app, (2026, 1, 15)).await;
    assert_eq!(batch.number_of_transactions, 1);

    let returned = camt054("CAMT-1", &[(&invoice.invoice_number, "DBIT", "2026-01-20", "AM04")]);
    validate(&returned, "iso20022/camt.054.001.02.xsd").expect("the sample is a valid camt.054.001.02");
    assert_eq!(import(&app, &returned).await.unwrap().failed, 1);
    let fee: i64 = sqlx::query_scalar("SELECT amount_cents FROM billing.charges WHERE customer_id = $1")
        .bind(customer)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(fee, 750);

    // Paid a week after the due date: the statutory interest is owed too (art. 8.8).
    app.service.set_today((2026, 1, 22)).await;
    let owed = client
        .get_amount_due(pb::GetAmountDueRequest { invoice_id: invoice.invoice_id.clone(), as_of: date(2026, 1, 22) })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(cents(owed.interest.as_ref()), (36_300 * 1015 * 7 + 1_825_000) / 3_650_000);
    let paid = client
        .record_payment(pb::RecordPaymentRequest {
            invoice_id: invoice.invoice_id.clone(),
            amount: owed.total,
            paid_on: date(2026, 1, 22),
            reference: "transfer after return".into(),
            request_id: "00000000-0000-4000-8000-000000000021".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(paid.invoice.unwrap().status(), pb::InvoiceStatus::Paid);
    let events: Vec<String> =
        sqlx::query_scalar("SELECT event_type FROM billing.outbox ORDER BY seq").fetch_all(&app.pool).await.unwrap();
    assert_eq!(
        events,
        [
            "pactum.billing.invoice.issued",
            "pactum.billing.direct_debit.batch_exported",
            "pactum.billing.direct_debit.failed",
            "pactum.billing.payment.recorded",
            "pactum.billing.invoice.paid"
        ]
    );
}
