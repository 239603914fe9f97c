use std::time::Duration;

use pactum_testkit::grpc::{health, reflected_services};
use tonic_health::pb::health_check_response::ServingStatus;

use crate::helpers::spawn_billing;

#[tokio::test]
async fn starts_migrates_serves_health_and_reflection_and_drains() {
    let app = spawn_billing().await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'billing' ORDER BY 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        tables,
        [
            "_sqlx_migrations",
            "bank_reports",
            "charges",
            "collections",
            "contracts",
            "credit_balances",
            "customers",
            "defaults",
            "direct_debit_batches",
            "direct_debits",
            "inbox",
            "invoice_lines",
            "invoice_sequences",
            "invoices",
            "mandate_requests",
            "mandates",
            "outbox",
            "payments",
            "price_changes",
            "reminders",
            "request_ids",
            "statutory_rates"
        ],
        "its own schema"
    );
    assert_eq!(health(app.channel.clone(), "pactum.billing.v1.BillingService").await, Some(ServingStatus::Serving));
    assert!(reflected_services(app.channel.clone()).await.contains(&"pactum.billing.v1.BillingService".to_owned()));
    tokio::time::timeout(Duration::from_secs(10), app.service.stop())
        .await
        .expect("drains within the grace period")
        .unwrap();
}
