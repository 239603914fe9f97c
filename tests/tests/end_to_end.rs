//! End to end: the four service binaries as real processes, on one fresh database and a NATS
//! server of their own. The test command builds the binaries first (`cargo build --bins`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    path::PathBuf,
    process::{Child, Command, ExitStatus, Stdio},
    time::{Duration, Instant},
};

use pactum_proto::pactum::{
    contracts::v1::{CreateCustomerRequest, contract_service_client::ContractServiceClient},
    notification::v1::{GetContactRequest, notification_service_client::NotificationServiceClient},
};
use pactum_testkit::{
    TestDatabase, TestNats, eventually, free_port,
    grpc::{channel, health},
};
use tonic_health::pb::health_check_response::ServingStatus;

const SERVICES: [(&str, &str); 4] = [
    ("contracts", "pactum.contracts.v1.ContractService"),
    ("billing", "pactum.billing.v1.BillingService"),
    ("privacy", "pactum.privacy.v1.PrivacyService"),
    ("notification", "pactum.notification.v1.NotificationService"),
];

/// `target/<profile>/pactum-<service>`, beside the directory of this test binary.
fn binary(service: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path = dir.join(format!("pactum-{service}"));
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --workspace --bins` first (the README's test command does)",
        path.display()
    );
    path
}

struct Process {
    name: &'static str,
    port: u16,
    child: Child,
}

impl Process {
    fn start(name: &'static str, database_url: &str, nats_url: &str) -> Self {
        let port = free_port();
        let child = Command::new(binary(name))
            .env("DATABASE_URL", database_url)
            .env("NATS_URL", nats_url)
            .env("GRPC_ADDR", format!("127.0.0.1:{port}"))
            .env("SHUTDOWN_GRACE_SECONDS", "10")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        Self { name, port, child }
    }

    /// SIGTERM, then the exit status (at most `within`).
    fn terminate(&mut self, within: Duration) -> ExitStatus {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(status.success(), "kill -TERM {}", self.name);
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "{} did not stop within {within:?} of SIGTERM", self.name);
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn a_customer_created_on_contracts_reaches_notification() {
    let db = TestDatabase::create().await;
    let nats = TestNats::start().await;
    let mut processes: Vec<Process> =
        SERVICES.iter().map(|(name, _)| Process::start(name, &db.url, &nats.url())).collect();

    for (process, (_, service)) in processes.iter().zip(SERVICES) {
        let channel = channel(process.port).await;
        let serving = eventually(Duration::from_secs(30), || {
            let channel = channel.clone();
            async move { (health(channel, service).await == Some(ServingStatus::Serving)).then_some(()) }
        })
        .await;
        assert!(serving.is_some(), "{} never reported SERVING", process.name);
    }

    let mut contracts = ContractServiceClient::new(channel(processes[0].port).await);
    let customer = contracts
        .create_customer(CreateCustomerRequest {
            name: "Acme B.V.".into(),
            kvk_number: "12345678".into(),
            primary_contact_email: "finance@acme.nl".into(),
            request_id: "e2e-1".into(),
            postal_address: None,
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
