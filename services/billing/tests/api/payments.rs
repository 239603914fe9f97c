//! Payments, statutory interest and collection, over gRPC on real PostgreSQL.

use pactum_proto::{google::r#type::Money as WireMoney, pactum::billing::v1 as pb};
use tonic::Code;

use crate::helpers::{TestApp, article_of, cents, date, spawn_billing};

fn eur(cents: i64) -> Option<WireMoney> {
    Some(WireMoney {
        currency_code: "EUR".into(),
        units: cents / 100,
        nanos: i32::try_from(cents % 100).unwrap() * 10_000_000,
    })
}

/// An invoice of 100.00 + 21.00 VAT, issued 1 January 2026 and due 15 January.
async fn invoice(app: &TestApp) -> pb::Invoice {
    let (customer, _) = app.seed_contract("2026-01-01", "monthly", None, &[(1, 10_000)]).await;
    app.run_billing((2026, 1, 1)).await;
    let invoice = app.invoices_of(customer).await.remove(0);
    assert_eq!((cents(invoice.total.as_ref()), invoice.due_date), (12_100, date(2026, 1, 15)));
    invoice
}

async fn due(app: &TestApp, invoice: &pb::Invoice, as_of: (i32, i32, i32)) -> pb::AmountDue {
    app.service.advance_to(as_of).await;
    app.client
        .clone()
        .get_amount_due(pb::GetAmountDueRequest {
            invoice_id: invoice.invoice_id.clone(),
            as_of: date(as_of.0, as_of.1, as_of.2),
        })
        .await
        .unwrap()
        .into_inner()
}

fn pay(invoice: &pb::Invoice, amount: i64, on: (i32, i32, i32), request_id: &str) -> pb::RecordPaymentRequest {
    pb::RecordPaymentRequest {
        invoice_id: invoice.invoice_id.clone(),
        amount: eur(amount),
        paid_on: date(on.0, on.1, on.2),
        reference: "NL12 transfer".into(),
        request_id: request_id.into(),
    }
}

#[tokio::test]
async fn interest_runs_from_the_day_after_the_due_date_at_the_statutory_rate() {
    let app = spawn_billing().await;
    let invoice = invoice(&app).await;
    assert_eq!(cents(due(&app, &invoice, (2026, 1, 15)).await.interest.as_ref()), 0);
    let thirty = due(&app, &invoice, (2026, 2, 14)).await;
    // 121.00 × 10.15 % × 30 / 365, computed here: 12100 × 1015 × 30 / 3,650,000 = 1.0094… → 1.01.
    let want = (12_100 * 1015 * 30 + 1_825_000) / 3_650_000;
    assert_eq!(cents(thirty.interest.as_ref()), want);
    assert_eq!(
        (cents(thirty.principal.as_ref()), cents(thirty.total.as_ref()), thirty.article.as_str()),
        (12_100, 12_100 + want, "8.8")
    );
    assert_eq!(thirty.breakdown.len(), 1);
    assert_eq!((thirty.breakdown[0].percent.as_str(), thirty.breakdown[0].days), ("10.15", 30));

    // July has no verified rate yet: no interest is computed with a stale one.
    let mut client = app.client.clone();
    app.service.set_today((2026, 7, 10)).await;
    let unknown = client
        .get_amount_due(pb::GetAmountDueRequest { invoice_id: invoice.invoice_id.clone(), as_of: date(2026, 7, 10) })
        .await
        .unwrap_err();
    assert_eq!(article_of(&unknown), "8.8");
    assert!(unknown.message().contains("2026-07-01"), "{}", unknown.message());
    client
        .set_statutory_rate(pb::SetStatutoryRateRequest {
            valid_from: date(2026, 7, 1),
            percent: "8".into(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap();
    let split = due(&app, &invoice, (2026, 7, 10)).await;
    let periods: Vec<(String, i64)> = split.breakdown.iter().map(|b| (b.percent.clone(), b.days)).collect();
    assert_eq!(periods, [("10.15".to_owned(), 166), ("8".to_owned(), 10)]);
    let want = (12_100 * (1015 * 166 + 800 * 10) + 1_825_000) / 3_650_000;
    assert_eq!(cents(split.interest.as_ref()), want);
    let mid_year = client
        .set_statutory_rate(pb::SetStatutoryRateRequest {
            valid_from: date(2026, 2, 1),
            percent: "8".into(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap_err();
    assert_eq!(mid_year.code(), Code::InvalidArgument, "rates change on 1 January and 1 July only");
    let bad = client
        .set_statutory_rate(pb::SetStatutoryRateRequest {
            valid_from: date(2026, 7, 1),
            percent: "8.155".into(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn payments_are_applied_in_the_order_of_art_6_44_and_kept_once() {
    let app = spawn_billing().await;
    let invoice = invoice(&app).await;
    let mut client = app.client.clone();
    let early = client
        .record_payment(pay(&invoice, 5_000, (2026, 1, 10), "00000000-0000-4000-8000-000000000024"))
        .await
        .unwrap_err();
    assert_eq!(early.code(), Code::InvalidArgument, "paid on a day that has not come: {early:?}");
    app.service.set_today((2026, 1, 14)).await;
    let partial = client
        .record_payment(pay(&invoice, 5_000, (2026, 1, 10), "00000000-0000-4000-8000-000000000024"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(partial.invoice.as_ref().unwrap().status(), pb::InvoiceStatus::Open, "a partial payment leaves it open");
    assert_eq!(cents(partial.amount_due.as_ref().unwrap().total.as_ref()), 7_100);
    let again = client
        .record_payment(pay(&invoice, 5_000, (2026, 1, 10), "00000000-0000-4000-8000-000000000024"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(again.payment, partial.payment, "a retry records nothing new");
    assert_eq!(cents(again.amount_due.as_ref().unwrap().total.as_ref()), 7_100);

    // Paid in full on time: PAID; 10.00 more is the customer's credit, not lost.
    let rest = client
        .record_payment(pay(&invoice, 8_100, (2026, 1, 14), "00000000-0000-4000-8000-000000000025"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(rest.invoice.as_ref().unwrap().status(), pb::InvoiceStatus::Paid);
    assert_eq!(cents(rest.amount_due.as_ref().unwrap().overpaid.as_ref()), 1_000);
    assert_eq!(cents(rest.invoice.as_ref().unwrap().amount_paid.as_ref()), 13_100);
    let credit: i64 =
        sqlx::query_scalar("SELECT balance_cents FROM billing.credit_balances").fetch_one(&app.pool).await.unwrap();
    assert_eq!(credit, 1_000);
    let events: Vec<String> =
        sqlx::query_scalar("SELECT event_type FROM billing.outbox WHERE event_type NOT LIKE '%issued' ORDER BY seq")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        events,
        ["pactum.billing.payment.recorded", "pactum.billing.payment.recorded", "pactum.billing.invoice.paid"]
    );

    let zero = client.record_payment(pay(&invoice, 0, (2026, 1, 14), "")).await.unwrap_err();
    assert_eq!(zero.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn a_claim_past_due_is_handed_over_with_collection_costs_paid_first() {
    let app = spawn_billing().await;
    let invoice = invoice(&app).await;
    let mut client = app.client.clone();
    app.service.set_today((2026, 2, 20)).await;
    let hand_over = |day: (i32, i32, i32)| pb::HandOverForCollectionRequest {
        invoice_id: invoice.invoice_id.clone(),
        date: date(day.0, day.1, day.2),
        request_id: pactum_testkit::request_id(),
    };
    assert_eq!(
        article_of(&client.hand_over_for_collection(hand_over((2026, 1, 15))).await.unwrap_err()),
        "8.8",
        "not before it is past due"
    );
    let handed = client.hand_over_for_collection(hand_over((2026, 2, 16))).await.unwrap().into_inner();
    assert_eq!(
        (cents(handed.collection_costs.as_ref()), handed.article.as_str()),
        (4_000, "8.8"),
        "15 % of 121.00 is 18.15: the EUR 40 minimum"
    );
    assert_eq!(
        article_of(&client.hand_over_for_collection(hand_over((2026, 2, 20))).await.unwrap_err()),
        "8.8",
        "once"
    );

    let before = due(&app, &invoice, (2026, 2, 16)).await;
    assert_eq!(cents(before.collection_costs.as_ref()), 4_000);
    // 50.00 paid: 40.00 costs, then all interest, then the principal.
    let interest = cents(before.interest.as_ref());
    let after =
        client.record_payment(pay(&invoice, 5_000, (2026, 2, 16), "")).await.unwrap().into_inner().amount_due.unwrap();
    assert_eq!((cents(after.collection_costs.as_ref()), cents(after.interest.as_ref())), (0, 0));
    assert_eq!(cents(after.principal.as_ref()), 12_100 - (5_000 - 4_000 - interest));
}

async fn dun(app: &TestApp, day: (i32, i32, i32)) -> pb::RunDunningResponse {
    app.service.advance_to(day).await;
    app.client
        .clone()
        .run_dunning(pb::RunDunningRequest {
            as_of: date(day.0, day.1, day.2),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test]
async fn dunning_reminds_once_per_stage_puts_in_default_and_cures() {
    let app = spawn_billing().await;
    let invoice = invoice(&app).await;
    // A dispute does not stop the due date (art. 8.6): the disputed invoice is dunned too.
    app.service.set_today((2026, 1, 5)).await;
    app.client
        .clone()
        .dispute_invoice(pb::DisputeInvoiceRequest {
            invoice_id: invoice.invoice_id.clone(),
            disputed_on: date(2026, 1, 5),
            reason: "too many seats".into(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap();
    assert_eq!(dun(&app, (2026, 1, 15)).await, pb::RunDunningResponse::default(), "not yet past due");
    assert_eq!(dun(&app, (2026, 1, 16)).await.reminders, 1);
    assert_eq!(dun(&app, (2026, 1, 16)).await, pb::RunDunningResponse::default(), "each reminder once");
    assert_eq!(dun(&app, (2026, 1, 29)).await.reminders, 1);
    let thirty = dun(&app, (2026, 2, 14)).await;
    assert_eq!((thirty.reminders, thirty.customers_in_default), (1, 1));
    assert_eq!(dun(&app, (2026, 2, 20)).await, pb::RunDunningResponse::default(), "in default once");

    let stages: Vec<i32> =
        sqlx::query_scalar("SELECT stage FROM billing.reminders ORDER BY stage").fetch_all(&app.pool).await.unwrap();
    assert_eq!(stages, [1, 14, 30]);
    let owed = due(&app, &invoice, (2026, 2, 20)).await;
    app.client.clone().record_payment(pay(&invoice, cents(owed.total.as_ref()), (2026, 2, 20), "")).await.unwrap();
    assert_eq!(dun(&app, (2026, 2, 21)).await.defaults_cured, 1);
    let events: Vec<String> = sqlx::query_scalar(
        "SELECT event_type FROM billing.outbox WHERE event_type LIKE 'pactum.billing.customer.%' ORDER BY seq",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(events, ["pactum.billing.customer.in_default", "pactum.billing.customer.default_cured"]);
}
