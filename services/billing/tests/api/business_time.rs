//! Business time comes from the platform's clock: invoices and credit notes are dated today,
//! and every date a caller states for a fact that has happened is refused when it lies after
//! today, field by field, changing nothing.

use pactum_proto::{google::r#type::Money, pactum::billing::v1 as pb};
use tonic::Code;
use tonic_types::StatusExt;

use crate::helpers::{TestApp, date, spawn_billing};

/// Every invoice, payment, mandate and event of the service, to compare before and after.
async fn snapshot(app: &TestApp) -> Vec<String> {
    let mut rows = Vec::new();
    for table in ["invoices", "payments", "mandates", "price_changes", "reminders", "outbox"] {
        let query = format!("SELECT coalesce(json_agg(t ORDER BY t)::text, '') FROM billing.{table} t");
        rows.push(sqlx::query_scalar::<_, String>(&query).fetch_one(&app.pool).await.unwrap());
    }
    rows
}

fn refused_field(status: &tonic::Status) -> String {
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    let violations = status.get_details_bad_request().expect("field violations").field_violations;
    assert_eq!(violations.len(), 1, "{violations:?}");
    violations[0].field.clone()
}

#[tokio::test]
async fn no_date_from_the_future_is_accepted_and_a_refusal_changes_nothing() {
    let app = spawn_billing().await;
    let (customer, contract) = app.seed_contract("2026-01-01", "monthly", None, &[(1, 10_000)]).await;
    app.run_billing((2026, 3, 1)).await;
    let invoice = app.invoices_of(customer).await.remove(0);
    let tomorrow = date(2026, 3, 2);
    let far = date(2031, 1, 1);
    let mut client = app.client.clone();
    let eur = Some(Money { currency_code: "EUR".into(), units: 10, nanos: 0 });
    let before = snapshot(&app).await;

    let mut refused = Vec::new();
    let e = client
        .run_billing(pb::RunBillingRequest { as_of: far, request_id: pactum_testkit::request_id() })
        .await
        .unwrap_err();
    refused.push(refused_field(&e));
    let e = client
        .run_dunning(pb::RunDunningRequest { as_of: far, request_id: pactum_testkit::request_id() })
        .await
        .unwrap_err();
    refused.push(refused_field(&e));
    let id = || invoice.invoice_id.clone();
    let e = client.get_amount_due(pb::GetAmountDueRequest { invoice_id: id(), as_of: tomorrow }).await.unwrap_err();
    refused.push(refused_field(&e));
    let e = client
        .get_liability_cap(pb::GetLiabilityCapRequest { contract_id: contract.to_string(), as_of: tomorrow })
        .await
        .unwrap_err();
    refused.push(refused_field(&e));
    let dispute = pb::DisputeInvoiceRequest {
        invoice_id: id(),
        disputed_on: tomorrow,
        reason: "no".into(),
        request_id: pactum_testkit::request_id(),
    };
    refused.push(refused_field(&client.dispute_invoice(dispute).await.unwrap_err()));
    let payment = pb::RecordPaymentRequest {
        invoice_id: id(),
        amount: eur.clone(),
        paid_on: tomorrow,
        reference: String::new(),
        request_id: "00000000-0000-4000-8000-000000000022".into(),
    };
    refused.push(refused_field(&client.record_payment(payment).await.unwrap_err()));
    let early = pb::RecordPaymentRequest {
        invoice_id: id(),
        amount: eur.clone(),
        paid_on: date(2025, 12, 31),
        reference: String::new(),
        request_id: "00000000-0000-4000-8000-000000000023".into(),
    };
    refused.push(refused_field(&client.record_payment(early).await.unwrap_err()));
    let hand_over =
        pb::HandOverForCollectionRequest { invoice_id: id(), date: tomorrow, request_id: pactum_testkit::request_id() };
    refused.push(refused_field(&client.hand_over_for_collection(hand_over).await.unwrap_err()));
    let work = pb::InvoiceExtraWorkRequest {
        customer_id: customer.to_string(),
        description: "work".into(),
        amount: eur.clone(),
        ordered_on: tomorrow,
        request_id: String::new(),
    };
    refused.push(refused_field(&client.invoice_extra_work(work).await.unwrap_err()));
    let credit = pb::CreditReducedAvailabilityRequest {
        contract_id: contract.to_string(),
        period_start: date(2026, 2, 20),
        period_end: tomorrow,
        percent: "10".into(),
        reason: "outage".into(),
        request_id: pactum_testkit::request_id(),
    };
    refused.push(refused_field(&client.credit_reduced_availability(credit).await.unwrap_err()));
    let mandate = pb::RegisterMandateRequest {
        customer_id: customer.to_string(),
        iban: "NL91ABNA0417164300".into(),
        bic: String::new(),
        debtor_name: "Acme B.V.".into(),
        mandate_id: "M-FUTURE".into(),
        signed_on: tomorrow,
        scheme: pb::SepaScheme::Core.into(),
        request_id: pactum_testkit::request_id(),
    };
    refused.push(refused_field(&client.register_mandate(mandate).await.unwrap_err()));
    let revoke = pb::RevokeMandateRequest {
        mandate_id: "M-FUTURE".into(),
        revoked_on: tomorrow,
        request_id: pactum_testkit::request_id(),
    };
    refused.push(refused_field(&client.revoke_mandate(revoke).await.unwrap_err()));
    let export =
        pb::ExportDirectDebitsRequest { collection_date: date(2026, 2, 28), request_id: pactum_testkit::request_id() };
    refused.push(refused_field(&client.export_direct_debits(export).await.unwrap_err()));
    assert_eq!(
        refused,
        [
            "as_of",
            "as_of",
            "as_of",
            "as_of",
            "disputed_on",
            "paid_on",
            "paid_on",
            "date",
            "ordered_on",
            "period_end",
            "signed_on",
            "revoked_on",
            "collection_date"
        ]
    );
    let year_9999 = client
        .run_billing(pb::RunBillingRequest { as_of: date(9999, 1, 1), request_id: pactum_testkit::request_id() })
        .await
        .unwrap_err();
    assert_eq!(year_9999.code(), Code::InvalidArgument, "outside the calendar the platform accepts");
    assert_eq!(snapshot(&app).await, before, "no refused call changed a row or wrote an event");
}

#[tokio::test]
async fn invoices_are_dated_the_day_they_are_issued_whatever_as_of_says() {
    let app = spawn_billing().await;
    let (customer, _) = app.seed_contract("2026-01-01", "monthly", None, &[(1, 10_000)]).await;
    app.service.set_today((2026, 2, 10)).await;
    let issued = app
        .client
        .clone()
        .run_billing(pb::RunBillingRequest { as_of: date(2026, 1, 15), request_id: pactum_testkit::request_id() })
        .await
        .unwrap()
        .into_inner()
        .invoices_issued;
    assert_eq!(issued, 1, "only January starts by 15 January");
    let invoice = app.invoices_of(customer).await.remove(0);
    assert_eq!(
        (invoice.issue_date, invoice.period_start, invoice.due_date),
        (date(2026, 2, 10), date(2026, 1, 1), date(2026, 2, 24))
    );
    // Without as_of: today.
    let rest = app
        .client
        .clone()
        .run_billing(pb::RunBillingRequest { as_of: None, request_id: pactum_testkit::request_id() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(rest.invoices_issued, 1, "February");
}
