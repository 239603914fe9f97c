//! End to end: the four service binaries as real processes, on one fresh database and a NATS
//! server of their own. The test command builds the binaries first (`cargo build --bins`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::{process::Command, time::Duration};

use pactum_proto::pactum::testing::v1::{SetTimeRequest, test_clock_client::TestClockClient};
use pactum_proto::pactum::{
    contracts::v1::{CreateCustomerRequest, contract_service_client::ContractServiceClient},
    notification::v1::{GetContactRequest, notification_service_client::NotificationServiceClient},
};
use pactum_testkit::{TestDatabase, TestNats, eventually, grpc::channel};
use support::{SERVICES, binary, start_all};

#[tokio::test]
async fn a_customer_created_on_contracts_reaches_notification() {
    let db = TestDatabase::create().await;
    let nats = TestNats::start().await;
    let mut processes = start_all(&db.url, &nats.url(), &[]).await;

    // Without PACTUM_TEST_CLOCK no service even registers the test clock.
    for process in &processes {
        let refused = TestClockClient::new(channel(process.port).await)
            .set_time(SetTimeRequest { time: Some(prost_types::Timestamp { seconds: 4_000_000_000, nanos: 0 }) })
            .await
            .unwrap_err();
        assert_eq!(refused.code(), tonic::Code::Unimplemented, "{}", process.name);
    }

    let mut contracts = ContractServiceClient::new(channel(processes[0].port).await);
    let customer = contracts
        .create_customer(CreateCustomerRequest {
            name: "Acme B.V.".into(),
            kvk_number: "12345678".into(),
            primary_contact_email: "finance@acme.nl".into(),
            request_id: "00000000-0000-4000-8000-000000000031".into(),
            postal_address: None,
            language: Default::default(),
        })
        .await
        .unwrap()
        .into_inner();

    let notification = NotificationServiceClient::new(channel(processes[3].port).await);
    let contact = eventually(Duration::from_secs(5), || {
        let mut client = notification.clone();
        let customer_id = customer.customer_id.clone();
        async move { client.get_contact(GetContactRequest { customer_id }).await.ok().map(tonic::Response::into_inner) }
    })
    .await
    .expect("the contact reaches notification within 5 s");
    assert_eq!(contact.primary_contact_email, "finance@acme.nl");
    assert_eq!(contact.customer_name, "Acme B.V.");

    for process in &mut processes {
        // Well inside the 10 s grace: the drain waits for calls in flight, not idle connections.
        let status = process.terminate(Duration::from_secs(5));
        assert!(status.success(), "{} exited with {status} after SIGTERM", process.name);
    }
}

#[test]
fn a_bad_environment_variable_stops_the_binary_before_it_starts() {
    for (name, _) in SERVICES {
        let output = Command::new(binary(name)).env("GRPC_ADDR", "not-an-address").output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("GRPC_ADDR"), "{name}: {stderr}");
    }
}
