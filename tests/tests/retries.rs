//! Retries across replicas, with the real binaries: two contracts processes on one database,
//! callers that retry on the other replica, and a replica killed between its commit and its
//! reply. Every time: the first answer, one effect.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use pactum_client::RetryPolicy;
use pactum_proto::{
    google::r#type::{Date, Money},
    pactum::{
        contracts::v1::{self as pb, contract_service_client::ContractServiceClient},
        testing::v1::{GetTimeRequest, SetTimeRequest, test_clock_client::TestClockClient},
    },
};
use pactum_testkit::{TestDatabase, TestNats, eventually, grpc::channel, request_id};
use sqlx::PgPool;
use support::{Process, wait_serving};
use tonic::transport::Channel;

const SERVICE: &str = "pactum.contracts.v1.ContractService";

async fn replica(
    db: &TestDatabase,
    nats: &TestNats,
    env: &[(&str, &str)],
) -> (Process, ContractServiceClient<Channel>) {
    let mut env = env.to_vec();
    env.push(("PACTUM_TEST_CLOCK", "1"));
    let process = Process::start_with("contracts", &db.url, &nats.url(), &env);
    wait_serving(&process, SERVICE).await;
    let client = ContractServiceClient::new(channel(process.port).await);
    (process, client)
}

async fn pool(db: &TestDatabase) -> PgPool {
    PgPool::connect(&db.url).await.unwrap()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Sets the shared test clock to 1 January 2025 and waits until every replica follows it.
async fn start_the_clock(replicas: &[&Process]) {
    let epoch = pactum_testkit::noon(2025, 1, 1);
    let time = Some(prost_types::Timestamp { seconds: epoch.timestamp(), nanos: 0 });
    let first = channel(replicas[0].port).await;
    TestClockClient::new(first).set_time(SetTimeRequest { time }).await.unwrap();
    for replica in replicas {
        let channel = channel(replica.port).await;
        let followed = eventually(Duration::from_secs(5), || {
            let mut clock = TestClockClient::new(channel.clone());
            async move {
                let now = clock.get_time(GetTimeRequest {}).await.ok()?.into_inner().time?;
                (now.seconds == epoch.timestamp()).then_some(())
            }
        })
        .await;
        assert!(followed.is_some(), "every replica follows the clock");
    }
}

/// A customer with a signed agreement, made through `client`.
async fn signed(client: &mut ContractServiceClient<Channel>) -> pb::Contract {
    client
        .publish_terms(pb::PublishTermsRequest {
            version: "2025-01".into(),
            effective_date: Some(Date { year: 2025, month: 2, day: 1 }),
            summary: "first".into(),
            request_id: request_id(),
            ..Default::default()
        })
        .await
        .unwrap();
    let customer = client
        .create_customer(pb::CreateCustomerRequest {
            name: "Acme B.V.".into(),
            kvk_number: "12345678".into(),
            primary_contact_email: "finance@acme.nl".into(),
            request_id: request_id(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    client
        .sign_contract(pb::SignContractRequest {
            customer_id: customer.customer_id,
            start_date: Some(Date { year: 2025, month: 1, day: 1 }),
            term_months: 12,
            billing_period: pb::BillingPeriod::Monthly.into(),
            payment_method: pb::PaymentMethod::DirectDebit.into(),
            lines: vec![pb::ContractLine {
                product_code: "SEAT".into(),
                quantity: 1,
                unit_price: Some(Money { currency_code: "EUR".into(), units: 10, nanos: 0 }),
            }],
            terms_version: "2025-01".into(),
            request_id: request_id(),
        })
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_calls_with_one_id_over_two_replicas_do_the_work_once() {
    let (db, nats) = (TestDatabase::create().await, TestNats::start().await);
    let (_a, mut a) = replica(&db, &nats, &[]).await;
    let (b_process, b) = replica(&db, &nats, &[]).await;
    start_the_clock(&[&_a, &b_process]).await;
    let contract = signed(&mut a).await;
    let pool = pool(&db).await;
    let events_before = count(&pool, "SELECT count(*) FROM contracts.outbox").await;

    let notice = pb::GiveNoticeRequest {
        contract_id: contract.contract_id.clone(),
        party: pb::Party::Customer.into(),
        reason: "moving on".into(),
        request_id: request_id(),
        ..Default::default()
    };
    let calls = (0..8).map(|i| {
        let mut client = if i % 2 == 0 { a.clone() } else { b.clone() };
        let notice = notice.clone();
        async move { client.give_notice(notice).await.map(tonic::Response::into_inner) }
    });
    let answers: Vec<pb::GiveNoticeResponse> =
        futures::future::join_all(calls).await.into_iter().map(Result::unwrap).collect();
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "all eight callers get the one answer");
    assert_eq!(count(&pool, "SELECT count(*) FROM contracts.outbox").await, events_before + 1, "one notice, one event");
    assert_eq!(
        count(&pool, "SELECT count(*) FROM contracts.request_ids").await,
        4,
        "three setup writes and the notice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_between_commit_and_reply_loses_nothing_and_doubles_nothing() {
    let (db, nats) = (TestDatabase::create().await, TestNats::start().await);
    let (mut doomed, doomed_client) =
        replica(&db, &nats, &[("PACTUM_TEST_PAUSE_AFTER_COMMIT", "CreateCustomer")]).await;
    let (_survivor, mut survivor) = replica(&db, &nats, &[]).await;
    let pool = pool(&db).await;

    let create = pb::CreateCustomerRequest {
        name: "Acme B.V.".into(),
        kvk_number: "12345678".into(),
        primary_contact_email: "finance@acme.nl".into(),
        request_id: request_id(),
        ..Default::default()
    };
    // The caller follows the published retry policy: its first attempt goes to the doomed
    // replica, its retries (same request id) to the one that is left.
    let caller = tokio::spawn({
        let (doomed, survivor, create) = (doomed_client.clone(), survivor.clone(), create.clone());
        async move {
            RetryPolicy::published()
                .run(|attempt| {
                    let mut client = if attempt == 0 { doomed.clone() } else { survivor.clone() };
                    let create = create.clone();
                    async move { client.create_customer(create).await.map(tonic::Response::into_inner) }
                })
                .await
        }
    });
    // The write commits (its record is there), then the replica pauses before replying.
    let committed = eventually(Duration::from_secs(10), || {
        let pool = pool.clone();
        async move { (count(&pool, "SELECT count(*) FROM contracts.request_ids").await == 1).then_some(()) }
    })
    .await;
    assert!(committed.is_some(), "the first attempt commits");
    doomed.kill();
    let retried = caller.await.unwrap().expect("the lost reply is UNAVAILABLE, and the retry succeeds");
    assert_eq!(count(&pool, "SELECT count(*) FROM contracts.customers").await, 1, "one customer");
    assert_eq!(count(&pool, "SELECT count(*) FROM contracts.outbox").await, 1, "one customer.created event");
    let stored = survivor
        .get_customer(pb::GetCustomerRequest { customer_id: retried.customer_id.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(retried, stored, "the first attempt's customer, as it was created");
    let again = survivor.create_customer(create).await.unwrap().into_inner();
    assert_eq!(again, retried);
}
