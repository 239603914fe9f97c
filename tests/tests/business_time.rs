//! Business time end to end: the four binaries with the shared test clock, a year lived through
//! a quarter at a time. Nobody sends `as_of`: the daily jobs of every service notice the clock
//! move and catch up, and every invoice is dated the day it was issued.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use pactum_proto::{
    google::r#type::{Date, Money},
    pactum::{
        billing::v1::{self as billing, billing_service_client::BillingServiceClient},
        contracts::v1::{self as contracts, contract_service_client::ContractServiceClient},
        testing::v1::{GetTimeRequest, SetTimeRequest, test_clock_client::TestClockClient},
    },
};
use pactum_testkit::{TestDatabase, TestNats, TestSmtp, eventually, grpc::channel, noon};
use support::start_all;
use tonic::transport::Channel;

fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    Some(Date { year, month, day })
}

fn timestamp(at: chrono::DateTime<chrono::Utc>) -> Option<prost_types::Timestamp> {
    Some(prost_types::Timestamp { seconds: at.timestamp(), nanos: 0 })
}

/// Sets the clock on `via` and waits until all four services read the new day.
async fn move_to(via: &Channel, all: &[Channel], (y, m, d): (i32, u32, u32)) {
    let set = TestClockClient::new(via.clone())
        .set_time(SetTimeRequest { time: timestamp(noon(y, m, d)) })
        .await
        .unwrap()
        .into_inner();
    let today = date(y, i32::try_from(m).unwrap(), i32::try_from(d).unwrap());
    assert_eq!(set.today, today);
    for channel in all {
        let followed = eventually(Duration::from_secs(2), || {
            let mut clock = TestClockClient::new(channel.clone());
            async move { (clock.get_time(GetTimeRequest {}).await.ok()?.into_inner().today == today).then_some(()) }
        })
        .await;
        assert!(followed.is_some(), "every service follows the clock within a second or two");
    }
}

async fn invoices(billing: &mut BillingServiceClient<Channel>, customer: &str) -> Vec<billing::Invoice> {
    billing
        .list_invoices(billing::ListInvoicesRequest {
            customer_id: customer.into(),
            page_size: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .invoices
}

/// Waits until the customer has `n` invoices (the billing job runs when the clock moves).
async fn wait_for_invoices(billing: &BillingServiceClient<Channel>, customer: &str, n: usize) -> Vec<billing::Invoice> {
    eventually(Duration::from_secs(10), || {
        let mut billing = billing.clone();
        async move {
            let found = invoices(&mut billing, customer).await;
            (found.len() >= n).then_some(found)
        }
    })
    .await
    .unwrap_or_else(|| panic!("{n} invoices within 10 s of the clock moving"))
}

#[tokio::test]
async fn a_year_in_quarters_on_the_shared_test_clock() {
    let db = TestDatabase::create().await;
    let nats = TestNats::start().await;
    // The notices go to a real SMTP server: a suspension takes effect only once announced.
    let smtp = TestSmtp::start().await;
    let smtp_url = smtp.url();
    // Jobs run hourly by the wall clock: anything sooner than that comes from the test clock.
    let env = [
        ("SMTP_URL", smtp_url.as_str()),
        ("DELIVERY_INTERVAL_MILLIS", "50"),
        ("PACTUM_TEST_CLOCK", "1"),
        ("RENEWALS_INTERVAL_SECONDS", "3600"),
        ("BILLING_INTERVAL_SECONDS", "3600"),
        ("OUTBOX_POLL_MILLIS", "100"),
    ];
    let processes = start_all(&db.url, &nats.url(), &env).await;
    let mut channels = Vec::new();
    for process in &processes {
        channels.push(channel(process.port).await);
    }
    let (contracts_ch, billing_ch) = (channels[0].clone(), channels[1].clone());

    move_to(&channels[2], &channels, (2027, 1, 1)).await;
    let back = TestClockClient::new(contracts_ch.clone())
        .set_time(SetTimeRequest { time: timestamp(noon(2026, 12, 31)) })
        .await
        .unwrap_err();
    assert_eq!(back.code(), tonic::Code::FailedPrecondition, "the clock never goes back once set");

    let mut contracts = ContractServiceClient::new(contracts_ch.clone());
    let terms = contracts
        .publish_terms(contracts::PublishTermsRequest {
            version: "2027-01".into(),
            effective_date: date(2027, 2, 1),
            materially_worse: false,
            summary: "first version".into(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(terms.published_on, date(2027, 1, 1), "published today, by the clock");
    let customer = contracts
        .create_customer(contracts::CreateCustomerRequest {
            name: "Acme B.V.".into(),
            kvk_number: "12345678".into(),
            primary_contact_email: "finance@acme.nl".into(),
            request_id: "00000000-0000-4000-8000-000000000032".into(),
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
    let signed = contracts
        .sign_contract(contracts::SignContractRequest {
            customer_id: customer.customer_id.clone(),
            start_date: date(2027, 1, 1),
            term_months: 12,
            billing_period: contracts::BillingPeriod::Quarterly.into(),
            payment_method: contracts::PaymentMethod::DirectDebit.into(),
            lines: vec![contracts::ContractLine {
                product_code: "SEAT".into(),
                quantity: 10,
                unit_price: Some(Money { currency_code: "EUR".into(), units: 20, nanos: 0 }),
            }],
            terms_version: "2027-01".into(),
            request_id: "00000000-0000-4000-8000-000000000033".into(),
        })
        .await
        .unwrap()
        .into_inner();

    // Billing learns of the agreement from the contracts events.
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let known = eventually(Duration::from_secs(10), || async {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM billing.contracts").fetch_one(&pool).await.ok()?;
        (n == 1).then_some(())
    })
    .await;
    assert!(known.is_some(), "billing knows the contract");

    let mut billing = BillingServiceClient::new(billing_ch.clone());
    let id = customer.customer_id.as_str();
    // Q1: invoiced in advance on the first day the jobs run after signing.
    move_to(&contracts_ch, &channels, (2027, 1, 2)).await;
    let first = wait_for_invoices(&billing, id, 1).await.remove(0);
    assert_eq!(
        (first.issue_date, first.period_start, first.due_date),
        (date(2027, 1, 2), date(2027, 1, 1), date(2027, 1, 16))
    );
    // Paid on time (no paid_on: today).
    move_to(&contracts_ch, &channels, (2027, 1, 10)).await;
    billing
        .record_payment(billing::RecordPaymentRequest {
            invoice_id: first.invoice_id.clone(),
            amount: first.total,
            paid_on: None,
            reference: "transfer".into(),
            request_id: "00000000-0000-4000-8000-000000000034".into(),
        })
        .await
        .unwrap();
    let future = billing
        .run_billing(billing::RunBillingRequest { as_of: date(2031, 1, 1), request_id: pactum_testkit::request_id() })
        .await
        .unwrap_err();
    assert_eq!(future.code(), tonic::Code::InvalidArgument, "no business date from the future");

    // Q2, Q3, Q4: one invoice each, dated the day the clock reached. Q2 is left unpaid.
    for (n, day) in [(2, (2027, 4, 2)), (3, (2027, 7, 2)), (4, (2027, 10, 2))] {
        move_to(&billing_ch, &channels, day).await;
        let all = wait_for_invoices(&billing, id, n).await;
        let newest = all.iter().max_by_key(|i| i.invoice_number.clone()).unwrap();
        let (y, m, d) = day;
        assert_eq!(newest.issue_date, date(y, i32::try_from(m).unwrap(), i32::try_from(d).unwrap()));
    }

    // Dunning ran without as_of: Q2's invoice (due 16 April) was 30 days past due by July, so the
    // customer went into default and contracts announced a suspension, dated by its clock on
    // 2 July and effective 14 days later; by October the renewals job applied it.
    let contract = eventually(Duration::from_secs(10), || {
        let mut contracts = contracts.clone();
        let contract_id = signed.contract_id.clone();
        async move {
            let c = contracts.get_contract(contracts::GetContractRequest { contract_id }).await.ok()?.into_inner();
            c.suspended.then_some(c)
        }
    })
    .await
    .expect("the announced suspension took effect");
    assert_eq!(contract.suspension_effective_date, date(2027, 7, 16));
    // Art. 8.9, 14.21: it took effect after its written announcement was sent, which is in the
    // mailbox of the customer's primary contact.
    let sent_at = contract.suspension_announcement_sent_at.expect("the announcement was sent");
    assert!(sent_at.seconds >= noon(2027, 7, 2).timestamp() - 86_400, "sent when announced, or later");
    let mails: Vec<String> = smtp.messages().iter().map(|m| String::from_utf8_lossy(m).into_owned()).collect();
    assert!(
        mails.iter().any(|m| m.contains("Subject: Aankondiging opschorting") && m.contains("2027-07-16")),
        "the announcement is in the mailbox ({} mails)",
        mails.len()
    );
    let reminders: i64 = sqlx::query_scalar("SELECT count(*) FROM billing.reminders").fetch_one(&pool).await.unwrap();
    assert!(reminders >= 3, "reminders on day 1, 14 and 30 of Q2's invoice: {reminders}");

    // A new year: the agreement renews tacitly (art. 13.1) and Q1 2028 is invoiced in 2028's sequence.
    move_to(&contracts_ch, &channels, (2028, 1, 2)).await;
    let all = wait_for_invoices(&billing, id, 5).await;
    let mut numbered: Vec<(String, Option<Date>)> =
        all.iter().map(|i| (i.invoice_number.clone(), i.issue_date)).collect();
    numbered.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        numbered,
        [
            ("2027-000001".to_owned(), date(2027, 1, 2)),
            ("2027-000002".to_owned(), date(2027, 4, 2)),
            ("2027-000003".to_owned(), date(2027, 7, 2)),
            ("2027-000004".to_owned(), date(2027, 10, 2)),
            ("2028-000001".to_owned(), date(2028, 1, 2)),
        ]
    );
    let renewed = eventually(Duration::from_secs(10), || {
        let mut contracts = contracts.clone();
        let contract_id = signed.contract_id.clone();
        async move {
            let c = contracts.get_contract(contracts::GetContractRequest { contract_id }).await.ok()?.into_inner();
            (c.current_term_start == date(2028, 1, 1)).then_some(c)
        }
    })
    .await
    .expect("the renewals job renewed the agreement for 2028");
    assert_eq!(renewed.current_term_end, date(2028, 12, 31));
    drop(processes);
}
