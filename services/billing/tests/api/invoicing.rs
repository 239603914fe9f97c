use std::{collections::HashSet, time::Duration};

use pactum_proto::pactum::{billing::v1 as pb, contracts::v1 as contracts};
use pactum_testkit::{eventually, streams};
use tonic::Code;
use uuid::Uuid;

use crate::helpers::{article_of, cents, contracts_and_billing, date, spawn_billing};

/// From a contract signed on the contracts service to invoices, through the events only.
#[tokio::test]
async fn a_signed_contract_is_invoiced_in_advance_for_every_started_period() {
    let (_contracts_service, billing, mut c) = contracts_and_billing().await;
    let customer = c
        .create_customer(contracts::CreateCustomerRequest {
            name: "Acme B.V.".into(),
            kvk_number: "12345678".into(),
            primary_contact_email: "finance@acme.nl".into(),
            request_id: String::new(),
            postal_address: Some(contracts::PostalAddress {
                street: "Keizersgracht 1".into(),
                postal_code: "1015 CJ".into(),
                city: "Amsterdam".into(),
                country_code: "NL".into(),
            }),
            language: Default::default(),
        })
        .await
        .unwrap()
        .into_inner();
    let money = |cents: i64| {
        Some(pactum_proto::google::r#type::Money {
            currency_code: "EUR".into(),
            units: cents / 100,
            nanos: i32::try_from(cents % 100).unwrap() * 10_000_000,
        })
    };
    let signed = c
        .sign_contract(contracts::SignContractRequest {
            customer_id: customer.customer_id.clone(),
            start_date: date(2026, 1, 31),
            term_months: 12,
            billing_period: contracts::BillingPeriod::Monthly.into(),
            payment_method: contracts::PaymentMethod::DirectDebit.into(),
            lines: vec![
                contracts::ContractLine { product_code: "SEAT".into(), quantity: 3, unit_price: money(1500) },
                contracts::ContractLine { product_code: "STORAGE".into(), quantity: 1, unit_price: money(999) },
            ],
            terms_version: "2026-01".into(),
            request_id: String::new(),
        })
        .await
        .unwrap()
        .into_inner();

    let known = eventually(Duration::from_secs(10), || async {
        let n: i64 =
            sqlx::query_scalar("SELECT count(*) FROM billing.contracts").fetch_one(&billing.pool).await.ok()?;
        (n == 1).then_some(())
    })
    .await;
    assert!(known.is_some(), "billing learned the contract from its events");

    assert_eq!(billing.run_billing((2026, 3, 31)).await, 3, "31 Jan–28 Feb, 1–30 Mar, 31 Mar–30 Apr");
    assert_eq!(billing.run_billing((2026, 3, 31)).await, 0, "the same day again issues nothing");

    let customer_id = Uuid::parse_str(&customer.customer_id).unwrap();
    let invoices = billing.invoices_of(customer_id).await;
    let numbers: Vec<&str> = invoices.iter().map(|i| i.invoice_number.as_str()).collect();
    assert_eq!(numbers, ["2026-000001", "2026-000002", "2026-000003"]);
    let first = &invoices[0];
    assert_eq!(first.contract_id, signed.contract_id);
    assert_eq!((first.period_start, first.period_end), (date(2026, 1, 31), date(2026, 2, 28)));
    assert_eq!(
        (first.issue_date, first.due_date, first.dispute_deadline),
        (date(2026, 3, 31), date(2026, 4, 14), date(2026, 4, 10))
    );
    assert_eq!(
        (cents(first.subtotal.as_ref()), cents(first.vat_amount.as_ref()), cents(first.total.as_ref())),
        (5499, 1155, 6654)
    );
    assert_eq!(first.vat_rate_percent, "21");
    assert_eq!((first.customer_name.as_str(), first.customer_kvk_number.as_str()), ("Acme B.V.", "12345678"));
    let street: Option<String> =
        sqlx::query_scalar("SELECT customer_street FROM billing.invoices WHERE invoice_id = $1::uuid")
            .bind(&first.invoice_id)
            .fetch_one(&billing.pool)
            .await
            .unwrap();
    assert_eq!(
        street.as_deref(),
        Some("Keizersgracht 1"),
        "the address travelled with the customer events onto the invoice"
    );
    assert_eq!(
        (first.status(), first.payment_method(), first.article.as_str()),
        (pb::InvoiceStatus::Open, pb::PaymentMethod::DirectDebit, "8.7")
    );

    let client = billing.service.nats.client().await;
    eventually(Duration::from_secs(10), || async {
        (streams::count(&client, "PACTUM_BILLING").await == 3).then_some(())
    })
    .await
    .expect("three invoice.issued events");
    let messages = streams::messages(&client, "PACTUM_BILLING").await;
    assert!(messages.iter().all(|m| m.subject.as_str() == "pactum.billing.invoice.issued"));
}

/// Eight runs at once: every period invoiced exactly once, numbers without a gap.
#[tokio::test]
async fn parallel_runs_issue_nothing_twice_and_leave_no_gap() {
    let app = spawn_billing().await;
    for i in 0..40 {
        let start = format!("2026-01-{:02}", (i % 28) + 1);
        app.seed_contract(&start, if i % 2 == 0 { "monthly" } else { "quarterly" }, None, &[(2, 1000), (1, 250)]).await;
    }
    let runs = (0..8).map(|_| app.run_billing((2026, 6, 30)));
    let issued: i64 = futures::future::join_all(runs).await.into_iter().sum();
    // Monthly from January: 6 periods by 30 June (the 20 starting on or before the 30th);
    // quarterly: 2 periods (January and April).
    let expected: i64 = 20 * 6 + 20 * 2;
    assert_eq!(issued, expected);
    let numbers = app.numbers().await;
    let want: Vec<String> = (1..=expected).map(|n| format!("2026-{n:06}")).collect();
    assert_eq!(numbers, want, "gapless and strictly increasing");
    let pairs: HashSet<(Uuid, chrono::NaiveDate)> =
        sqlx::query_as("SELECT contract_id, period_start FROM billing.invoices")
            .fetch_all(&app.pool)
            .await
            .unwrap()
            .into_iter()
            .collect();
    assert_eq!(pairs.len() as i64, expected, "no contract and period twice");
    assert_eq!(app.run_billing((2026, 6, 30)).await, 0);
}

#[tokio::test]
async fn disputes_within_ten_days_and_credit_notes_share_the_sequence() {
    let app = spawn_billing().await;
    let (customer, _) = app.seed_contract("2026-03-01", "monthly", None, &[(1, 10_000)]).await;
    assert_eq!(app.run_billing((2026, 4, 1)).await, 2);
    let invoices = app.invoices_of(customer).await;
    let mut client = app.client.clone();
    let dispute = |id: &str, day: i32| pb::DisputeInvoiceRequest {
        invoice_id: id.into(),
        disputed_on: date(2026, 4, day),
        reason: "we cancelled that seat".into(),
        request_id: pactum_testkit::request_id(),
    };

    app.service.set_today((2026, 4, 12)).await;
    let late = client.dispute_invoice(dispute(&invoices[0].invoice_id, 12)).await.unwrap_err();
    assert_eq!(article_of(&late), "8.6", "day 11 after the invoice date: accepted");
    let disputed = client.dispute_invoice(dispute(&invoices[0].invoice_id, 11)).await.unwrap().into_inner();
    assert_eq!(
        (disputed.status(), disputed.due_date),
        (pb::InvoiceStatus::Disputed, date(2026, 4, 15)),
        "day 10 allowed; the due date stays"
    );

    let upheld = client
        .resolve_dispute(pb::ResolveDisputeRequest {
            invoice_id: invoices[0].invoice_id.clone(),
            outcome: pb::DisputeOutcome::Upheld.into(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(upheld.invoice.unwrap().status(), pb::InvoiceStatus::Credited);
    let note = upheld.credit_note.unwrap();
    assert_eq!(
        (note.kind(), note.invoice_number.as_str(), note.credited_invoice_id.as_str()),
        (pb::InvoiceKind::CreditNote, "2026-000003", invoices[0].invoice_id.as_str())
    );
    assert_eq!(note.issue_date, date(2026, 4, 12), "a credit note is dated the day it is issued");
    assert_eq!(cents(note.total.as_ref()), cents(invoices[0].total.as_ref()));

    client.dispute_invoice(dispute(&invoices[1].invoice_id, 2)).await.unwrap();
    let rejected = client
        .resolve_dispute(pb::ResolveDisputeRequest {
            invoice_id: invoices[1].invoice_id.clone(),
            outcome: pb::DisputeOutcome::Rejected.into(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(rejected.invoice.unwrap().status(), pb::InvoiceStatus::Open);
    assert!(rejected.credit_note.is_none());
}

#[tokio::test]
async fn extra_work_is_invoiced_at_once_and_once() {
    let app = spawn_billing().await;
    let (customer, _) = app.seed_contract("2026-01-01", "yearly", None, &[(1, 100)]).await;
    let request = |id: &str| pb::InvoiceExtraWorkRequest {
        customer_id: customer.to_string(),
        description: "Migration of legacy data".into(),
        amount: Some(pactum_proto::google::r#type::Money { currency_code: "EUR".into(), units: 1250, nanos: 0 }),
        ordered_on: date(2026, 5, 4),
        request_id: id.into(),
    };
    let mut client = app.client.clone();
    app.service.set_today((2026, 5, 6)).await;
    let first = client.invoice_extra_work(request("00000000-0000-4000-8000-000000000026")).await.unwrap().into_inner();
    assert_eq!(first.issue_date, date(2026, 5, 6), "ordered on the 4th, invoiced today");
    assert_eq!(
        client.invoice_extra_work(request("00000000-0000-4000-8000-000000000026")).await.unwrap().into_inner(),
        first,
        "a retry returns the same invoice"
    );
    assert_eq!(
        (first.article.as_str(), first.contract_id.as_str(), cents(first.total.as_ref())),
        ("8.10", "", 151_250)
    );
    let mut stranger = request("00000000-0000-4000-8000-000000000027");
    stranger.customer_id = Uuid::now_v7().to_string();
    assert_eq!(client.invoice_extra_work(stranger).await.unwrap_err().code(), Code::NotFound);
    assert_eq!(app.numbers().await.len(), 1);
}

#[tokio::test]
async fn price_changes_follow_article_8_4_and_apply_from_the_next_period() {
    let app = spawn_billing().await;
    let (customer, _) = app.seed_contract("2026-01-01", "monthly", None, &[(1, 10_000)]).await;
    let mut client = app.client.clone();
    let change = |kind: pb::PriceChangeKind, effective: (i32, i32, i32), pct: &str| pb::ChangePricesRequest {
        kind: kind.into(),
        effective_date: date(effective.0, effective.1, effective.2),
        percent: pct.into(),
        reason: "index".into(),
        request_id: String::new(),
    };
    app.service.set_today((2026, 1, 15)).await;
    let short = client.change_prices(change(pb::PriceChangeKind::Indexation, (2026, 2, 14), "3")).await.unwrap_err();
    assert_eq!(article_of(&short), "8.4");
    let announced =
        client.change_prices(change(pb::PriceChangeKind::Indexation, (2026, 2, 15), "3")).await.unwrap().into_inner();
    assert_eq!(announced.announced_on, date(2026, 1, 15), "announced today, by the platform's clock");
    app.service.set_today((2026, 5, 1)).await;
    let twice = client.change_prices(change(pb::PriceChangeKind::Indexation, (2026, 7, 1), "1")).await.unwrap_err();
    assert_eq!(article_of(&twice), "8.4");
    let bad = client.change_prices(change(pb::PriceChangeKind::Unspecified, (2026, 7, 1), "1.234")).await.unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);

    app.run_billing((2026, 3, 1)).await;
    let units: Vec<i64> =
        app.invoices_of(customer).await.iter().map(|i| cents(i.lines[0].unit_price.as_ref())).collect();
    assert_eq!(units, [10_000, 10_000, 10_300], "March is the first period starting after 15 February");
}

#[tokio::test]
async fn reduced_availability_is_credited_pro_rata_and_the_liability_cap_nets_it() {
    let app = spawn_billing().await;
    let (_, contract) = app.seed_contract("2026-01-01", "monthly", None, &[(1, 31_000)]).await;
    app.run_billing((2026, 2, 1)).await;
    let mut client = app.client.clone();
    app.service.set_today((2026, 2, 10)).await;
    let credited = client
        .credit_reduced_availability(pb::CreditReducedAvailabilityRequest {
            contract_id: contract.to_string(),
            period_start: date(2026, 1, 20),
            period_end: date(2026, 2, 3),
            percent: "50".into(),
            reason: "datacenter outage".into(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    let amounts: Vec<i64> = credited.credit_notes.iter().map(|n| cents(n.subtotal.as_ref())).collect();
    assert_eq!(
        amounts,
        [31_000 * 12 / 31 / 2, 31_000 * 3 / 28 / 2 + 1],
        "12 January days, 3 February days, half each (half up)"
    );
    assert!(credited.credit_notes.iter().all(|n| n.issue_date == date(2026, 2, 10)), "dated today");
    app.service.set_today((2026, 12, 31)).await;

    let cap = client
        .get_liability_cap(pb::GetLiabilityCapRequest { contract_id: contract.to_string(), as_of: date(2026, 12, 31) })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(cents(cap.fees_last_12_months.as_ref()), 62_000 - amounts.iter().sum::<i64>());
    assert_eq!((cents(cap.maximum.as_ref()), cap.article.as_str()), (10_000_000, "10.1"));
    assert_eq!(cap.cap, cap.fees_last_12_months);

    let (_, big) = app.seed_contract("2026-01-01", "yearly", None, &[(100, 1_000_000)]).await;
    app.run_billing((2026, 1, 1)).await;
    let capped = client
        .get_liability_cap(pb::GetLiabilityCapRequest { contract_id: big.to_string(), as_of: None })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(cents(capped.cap.as_ref()), 10_000_000, "never more than EUR 100,000");
}

/// Billing's `customer.in_default` reaches the contracts service, which announces a suspension
/// in writing before it applies (art. 8.9).
#[tokio::test]
async fn a_customer_in_default_gets_a_suspension_announced() {
    let (_contracts_service, billing, mut c) = contracts_and_billing().await;
    let customer = c
        .create_customer(contracts::CreateCustomerRequest {
            name: "Acme B.V.".into(),
            kvk_number: "12345678".into(),
            primary_contact_email: "finance@acme.nl".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let money = Some(pactum_proto::google::r#type::Money { currency_code: "EUR".into(), units: 100, nanos: 0 });
    let signed = c
        .sign_contract(contracts::SignContractRequest {
            customer_id: customer.customer_id.clone(),
            start_date: date(2026, 1, 1),
            term_months: 12,
            billing_period: contracts::BillingPeriod::Monthly.into(),
            payment_method: contracts::PaymentMethod::BankTransfer.into(),
            lines: vec![contracts::ContractLine { product_code: "SEAT".into(), quantity: 1, unit_price: money }],
            terms_version: "2026-01".into(),
            request_id: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    eventually(Duration::from_secs(10), || async {
        let n: i64 =
            sqlx::query_scalar("SELECT count(*) FROM billing.contracts").fetch_one(&billing.pool).await.ok()?;
        (n == 1).then_some(())
    })
    .await
    .expect("billing learned the contract");
    billing.run_billing((2026, 1, 1)).await;
    billing.service.set_today((2026, 2, 14)).await;
    let dunned = billing
        .client
        .clone()
        .run_dunning(pb::RunDunningRequest { as_of: None, request_id: pactum_testkit::request_id() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(dunned.customers_in_default, 1);

    let announced = eventually(Duration::from_secs(10), || {
        let mut c = c.clone();
        let id = signed.contract_id.clone();
        async move {
            let contract = c.get_contract(contracts::GetContractRequest { contract_id: id }).await.ok()?.into_inner();
            contract.suspension_effective_date.is_some().then_some(contract)
        }
    })
    .await
    .expect("the contracts service announced a suspension");
    assert_eq!(announced.suspension_effective_date, date(2026, 2, 28), "in writing first: 14 days later");
    assert!(!announced.suspended);
}
