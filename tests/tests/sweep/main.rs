//! The hostile-input sweep, over the four real binaries: every field of every RPC (two levels
//! deep), generated from the services' descriptors so that a new RPC or field is swept without
//! changing this test, is replaced by the hostile values of its type. Every answer must be a
//! clean client error or an accepted value: never `INTERNAL`, `UNKNOWN` or a deadline, no
//! internal text in any message, every service still serving after each RPC's cases, and no row
//! changed by any refused call. The counts are printed; the services' memory is measured.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "../support/mod.rs"]
mod support;

mod raw;
mod values;

use std::{collections::BTreeMap, time::Duration};

use pactum_proto::{
    FILE_DESCRIPTOR_SET,
    google::r#type::{Date, Money},
    pactum::{
        billing::v1::{self as billing, billing_service_client::BillingServiceClient},
        contracts::v1::{self as contracts, contract_service_client::ContractServiceClient},
        testing::v1::{GetTimeRequest, SetTimeRequest, test_clock_client::TestClockClient},
    },
};
use pactum_testkit::{TestDatabase, TestNats, eventually, grpc::channel, noon, request_id, retries::SchemaDigest};
use prost::Message as _;
use prost_reflect::{DescriptorPool, DynamicMessage, FieldDescriptor, Kind, MessageDescriptor, Value};
use sqlx::PgPool;
use support::{Process, SERVICES, start_all};
use tonic::{Code, transport::Channel};
use values::{Seed, base_message, base_value, hostile};

/// Words of internal errors that must never reach a caller.
const INTERNAL_TEXT: [&str; 9] =
    ["sqlx", "postgres", "SQLSTATE", "violates", "panicked", "database", "backtrace", "src/", "invalid byte sequence"];

/// Codes that mean a service failed rather than refused.
const FAILURES: [Code; 5] = [Code::Internal, Code::Unknown, Code::DeadlineExceeded, Code::Unavailable, Code::DataLoss];

/// Sets the shared test clock to noon of `day` and waits until every service follows.
async fn set_today(channels: &[Channel], day: (i32, u32, u32)) {
    let at = noon(day.0, day.1, day.2);
    let time = Some(prost_types::Timestamp { seconds: at.timestamp(), nanos: 0 });
    TestClockClient::new(channels[0].clone()).set_time(SetTimeRequest { time }).await.unwrap();
    for channel in channels {
        let followed = eventually(Duration::from_secs(5), || {
            let mut clock = TestClockClient::new(channel.clone());
            async move {
                (clock.get_time(GetTimeRequest {}).await.ok()?.into_inner().time?.seconds == at.timestamp())
                    .then_some(())
            }
        })
        .await;
        assert!(followed.is_some(), "every service follows the clock");
    }
}

/// Waits until every outbox row is published and no inbox grows for half a second, so that
/// the events of earlier calls do not change a schema while its service is swept.
async fn quiet(pool: &PgPool) {
    let sql = "SELECT (SELECT count(*) FROM contracts.outbox WHERE published_at IS NULL) \
               + (SELECT count(*) FROM billing.outbox WHERE published_at IS NULL) \
               + (SELECT count(*) FROM notification.outbox WHERE published_at IS NULL), \
               (SELECT count(*) FROM contracts.inbox) + (SELECT count(*) FROM billing.inbox) + (SELECT count(*) FROM notification.inbox)";
    let mut last = (-1, -1);
    for _ in 0..120 {
        let now: (i64, i64) = sqlx::query_as(sql).fetch_one(pool).await.unwrap();
        if now.0 == 0 && now.1 == last.1 {
            return;
        }
        last = now;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("the events never settled");
}

fn eur(units: i64) -> Option<Money> {
    Some(Money { currency_code: "EUR".into(), units, nanos: 0 })
}

/// A customer with a monthly direct-debit agreement from 1 January 2026.
async fn signed(client: &mut ContractServiceClient<Channel>) -> (String, String) {
    let customer = client
        .create_customer(contracts::CreateCustomerRequest {
            name: "Acme B.V.".into(),
            kvk_number: "12345678".into(),
            primary_contact_email: "finance@acme.nl".into(),
            request_id: request_id(),
            postal_address: Some(contracts::PostalAddress {
                street: "Damrak 1".into(),
                postal_code: "1012 LG".into(),
                city: "Amsterdam".into(),
                country_code: "NL".into(),
            }),
            language: Default::default(),
        })
        .await
        .unwrap()
        .into_inner()
        .customer_id;
    let contract = client
        .sign_contract(contracts::SignContractRequest {
            customer_id: customer.clone(),
            start_date: Some(Date { year: 2026, month: 1, day: 1 }),
            term_months: 12,
            billing_period: contracts::BillingPeriod::Monthly.into(),
            payment_method: contracts::PaymentMethod::DirectDebit.into(),
            lines: vec![contracts::ContractLine { product_code: "SEAT".into(), quantity: 1, unit_price: eur(100) }],
            terms_version: "2026-01".into(),
            request_id: request_id(),
        })
        .await
        .unwrap()
        .into_inner()
        .contract_id;
    (customer, contract)
}

/// The first invoice of `customer`, once billing has the contract and has billed it.
async fn invoice_of(client: &BillingServiceClient<Channel>, customer: &str) -> String {
    let found = eventually(Duration::from_secs(20), || {
        let mut client = client.clone();
        let customer = customer.to_owned();
        async move {
            client.run_billing(billing::RunBillingRequest { as_of: None, request_id: request_id() }).await.ok()?;
            let page = client
                .list_invoices(billing::ListInvoicesRequest {
                    customer_id: customer,
                    page_size: 1,
                    ..Default::default()
                })
                .await
                .ok()?
                .into_inner();
            page.invoices.first().map(|i| i.invoice_id.clone())
        }
    })
    .await;
    found.expect("billing invoices the seeded contract")
}

/// Whether `status` is `INVALID_ARGUMENT` with a field violation naming `path` (list indices
/// aside: `lines[0].product_code` names `lines.product_code`).
fn names_field(status: &tonic::Status, path: &str) -> bool {
    use tonic_types::StatusExt;
    status.code() == Code::InvalidArgument
        && status.get_details_bad_request().is_some_and(|bad| {
            bad.field_violations.iter().any(|v| {
                let mut plain = String::new();
                let mut skipping = false;
                for c in v.field.chars() {
                    match c {
                        '[' => skipping = true,
                        ']' => skipping = false,
                        c if !skipping => plain.push(c),
                        _ => {}
                    }
                }
                plain == path
            })
        })
}

/// Hostile text a text field must refuse, whatever it is: control characters and
/// bidirectional overrides always, more than its comment allows, 100,000 characters unless the
/// comment allows that many.
fn must_refuse(field: &FieldDescriptor, label: &str) -> bool {
    if matches!(field.kind(), Kind::Enum(_)) {
        // An enum number the API does not define.
        return matches!(label, "unknown number" | "negative number");
    }
    if !matches!(field.kind(), Kind::String) {
        return false;
    }
    match label.trim_start_matches("element ") {
        "NUL" | "control character" | "right-to-left override" | "one character too many" => true,
        "100,000 characters" => values::max_chars(field).is_none_or(|n| n < 100_000),
        _ => false,
    }
}

/// Every text field of every request says how long it may be, in its `.proto` comment ("At
/// most N characters"), unless its format bounds it (ids, page tokens).
fn undeclared_text(input: &MessageDescriptor) -> Vec<String> {
    let mut missing = Vec::new();
    for field in input.fields() {
        match field.kind() {
            Kind::String if !values::is_identifier(&field) && values::max_chars(&field).is_none() => {
                missing.push(format!("{}.{}", input.full_name(), field.name()));
            }
            Kind::Message(inner) if !inner.full_name().starts_with("google.") => {
                missing.extend(undeclared_text(&inner));
            }
            _ => {}
        }
    }
    missing
}

/// Every case of one method: (field path, label, request, whether it must be refused).
fn cases(input: &MessageDescriptor, seed: &Seed) -> Vec<(String, String, DynamicMessage, bool)> {
    let base = base_message(input, seed);
    let mut cases = Vec::new();
    for field in input.fields() {
        for (label, value) in hostile(&field, seed) {
            let mut request = base.clone();
            request.set_field(&field, value);
            let refuse = must_refuse(&field, &label);
            cases.push((field.name().to_owned(), label, request, refuse));
        }
        // The second level: each field of a message of our own (an address, a line).
        let Kind::Message(inner) = field.kind() else { continue };
        if inner.full_name().starts_with("google.") {
            continue;
        }
        for sub in inner.fields() {
            for (label, value) in hostile(&sub, seed) {
                let mut element = base_message(&inner, seed);
                element.set_field(&sub, value);
                let mut request = base.clone();
                let value = Value::Message(element);
                request.set_field(&field, if field.is_list() { Value::List(vec![value]) } else { value });
                let refuse = must_refuse(&sub, &label);
                cases.push((format!("{}.{}", field.name(), sub.name()), label, request, refuse));
            }
        }
    }
    // Each case is a new request: a fresh request id unless the id itself is the case.
    for (path, _, request, _) in &mut cases {
        if path != "request_id"
            && let Some(id) = input.get_field_by_name("request_id")
        {
            request.set_field(&id, base_value(&id, seed));
        }
    }
    cases
}

fn rss_kib(process: &Process) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", process.pid())).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[derive(Default)]
struct Tally {
    rpcs: usize,
    cases: usize,
    accepted: usize,
    refused: BTreeMap<String, usize>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_field_of_every_rpc_refuses_hostile_values_cleanly() {
    let (db, nats) = (TestDatabase::create().await, TestNats::start().await);
    // No background work changes a row behind a refused call's back: no scheduled runs, no
    // mail server and no delivery round during the sweep (so no step waiting for a sent notice
    // moves, and no attempt is recorded).
    let env = [
        ("PACTUM_TEST_CLOCK", "1"),
        ("RENEWALS_INTERVAL_SECONDS", "0"),
        ("BILLING_INTERVAL_SECONDS", "0"),
        ("SMTP_URL", "smtp://127.0.0.1:9"),
        ("DELIVERY_INTERVAL_MILLIS", "3600000"),
    ];
    let processes = start_all(&db.url, &nats.url(), &env).await;
    let mut channels = Vec::new();
    for process in &processes {
        channels.push(channel(process.port).await);
    }
    let pool = PgPool::connect(&db.url).await.unwrap();
    let mut contracts_client = ContractServiceClient::new(channels[0].clone());
    let billing_client = BillingServiceClient::new(channels[1].clone());

    set_today(&channels, (2025, 1, 1)).await;
    contracts_client
        .publish_terms(contracts::PublishTermsRequest {
            version: "2026-01".into(),
            effective_date: Some(Date { year: 2025, month: 2, day: 1 }),
            summary: "the terms".into(),
            request_id: request_id(),
            ..Default::default()
        })
        .await
        .unwrap();
    set_today(&channels, (2026, 3, 2)).await;
    let now_seconds = noon(2026, 3, 2).timestamp();

    let descriptors = DescriptorPool::decode(FILE_DESCRIPTOR_SET).unwrap();
    let before: Vec<u64> = processes.iter().map(rss_kib).collect();
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut slowest_refusal = (Duration::ZERO, String::new());

    for ((name, service_name), (process, channel)) in SERVICES.iter().zip(processes.iter().zip(&channels)) {
        let service = descriptors.get_service_by_name(service_name).expect("the service is described");
        let digest = SchemaDigest::of(&pool, name).await;
        let tally = tallies.entry(name).or_default();
        for method in service.methods() {
            // Fresh rows for each method, so that one method's accepted cases (a notice given,
            // an invoice disputed) do not make another's refuse before it looks at its fields.
            let (customer, contract) = signed(&mut contracts_client).await;
            let mut seed = Seed { today: (2026, 3, 2), now_seconds, ..Seed::default() };
            if *name == "billing" {
                let invoice = invoice_of(&billing_client, &customer).await;
                seed.strings.insert("invoice_id", invoice);
                seed.strings.insert("mandate_id", format!("M-{}", &contract[..8]));
            }
            seed.strings.insert("customer_id", customer);
            seed.strings.insert("contract_id", contract);
            seed.strings.insert("version", "2026-01".into());
            seed.strings.insert("terms_version", "2026-01".into());
            quiet(&pool).await;

            let path = format!("/{}/{}", service.full_name(), method.name());
            let mut baseline = digest.take(&pool).await;
            tally.rpcs += 1;
            failures.extend(
                undeclared_text(&method.input())
                    .into_iter()
                    .map(|f| format!("{f}: no \"At most N characters\" in its comment")),
            );
            for (field, label, request, refuse) in cases(&method.input(), &seed) {
                tally.cases += 1;
                let what = format!("{} {field} = {label}", method.name());
                let started = std::time::Instant::now();
                let answer = if method.is_server_streaming() {
                    raw::open_stream(channel, &path, request.encode_to_vec()).await.map(|()| bytes::Bytes::new())
                } else {
                    raw::call(channel, &path, request.encode_to_vec()).await
                };
                let took = started.elapsed();
                if answer.is_err() && took > slowest_refusal.0 {
                    slowest_refusal = (took, what.clone());
                }
                match answer {
                    Ok(_) => {
                        tally.accepted += 1;
                        if refuse {
                            failures.push(format!("{what}: accepted"));
                        }
                        baseline = digest.take(&pool).await;
                    }
                    Err(status) => {
                        *tally.refused.entry(format!("{:?}", status.code())).or_default() += 1;
                        if refuse && !names_field(&status, &field) {
                            failures.push(format!(
                                "{what}: refused without naming the field: {:?} {}",
                                status.code(),
                                status.message()
                            ));
                        }
                        if FAILURES.contains(&status.code()) {
                            failures.push(format!("{what}: {:?} {}", status.code(), status.message()));
                        }
                        let lower = status.message().to_lowercase();
                        if let Some(word) = INTERNAL_TEXT.iter().find(|w| lower.contains(&w.to_lowercase())) {
                            failures.push(format!(
                                "{what}: the message shows internal text ({word}): {}",
                                status.message()
                            ));
                        }
                        if digest.take(&pool).await != baseline {
                            failures.push(format!("{what}: refused ({:?}) but rows changed", status.code()));
                            baseline = digest.take(&pool).await;
                        }
                    }
                }
            }
            for (other, (_, other_service)) in channels.iter().zip(SERVICES) {
                let serving = pactum_testkit::grpc::health(other.clone(), other_service).await;
                assert_eq!(
                    serving,
                    Some(tonic_health::pb::health_check_response::ServingStatus::Serving),
                    "{other_service} still serves after the cases of {path}"
                );
            }
        }
        assert!(process.is_running(), "{name} is still up");
    }

    let after: Vec<u64> = processes.iter().map(rss_kib).collect();
    println!("\nhostile-input sweep ({} services, real binaries):", SERVICES.len());
    println!("{:<14} {:>5} {:>6} {:>9}  refused by code", "service", "RPCs", "cases", "accepted");
    let mut total = Tally::default();
    for (name, tally) in &tallies {
        println!("{name:<14} {:>5} {:>6} {:>9}  {:?}", tally.rpcs, tally.cases, tally.accepted, tally.refused);
        total.rpcs += tally.rpcs;
        total.cases += tally.cases;
        total.accepted += tally.accepted;
        for (code, n) in &tally.refused {
            *total.refused.entry(code.clone()).or_default() += n;
        }
    }
    println!("{:<14} {:>5} {:>6} {:>9}  {:?}", "all", total.rpcs, total.cases, total.accepted, total.refused);
    println!("slowest refusal: {:?} ({})", slowest_refusal.0, slowest_refusal.1);
    println!("resident memory (KiB) before → after:");
    for ((process, before), after) in processes.iter().zip(&before).zip(&after) {
        println!("  {:<14} {before:>8} → {after:>8}", process.name);
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), total.cases, failures.join("\n"));
    for ((process, before), after) in processes.iter().zip(&before).zip(&after) {
        assert!(after.saturating_sub(*before) < 64 * 1024, "{} grew from {before} KiB to {after} KiB", process.name);
    }
}
