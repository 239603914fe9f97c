//! The billing service's integration tests, on a database and NATS server of their own.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use pactum_billing::{config::Config, startup::Application};
use pactum_platform::config::ServiceConfig;
use pactum_testkit::{
    TestDatabase, TestNats,
    grpc::{channel, health, reflected_services},
};
use tokio_util::sync::CancellationToken;
use tonic_health::pb::health_check_response::ServingStatus;

#[tokio::test]
async fn starts_migrates_serves_health_and_reflection_and_drains() {
    pactum_platform::telemetry::init_for_tests();
    let nats = TestNats::start().await;
    let db = TestDatabase::create().await;
    let config = Config {
        service: ServiceConfig {
            database_url: db.url.clone(),
            database_max_connections: 2,
            nats_url: nats.url(),
            grpc_addr: "127.0.0.1:0".parse().unwrap(),
            shutdown_grace: Duration::from_secs(5),
            outbox_poll_interval: Duration::from_millis(100),
        },
    };
    let app = Application::build(config).await.unwrap();
    let port = app.port();
    let tables: Vec<String> = sqlx::query_scalar("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'billing' ORDER BY 1")
        .fetch_all(app.pool())
        .await
        .unwrap();
    assert_eq!(
        tables,
        ["_sqlx_migrations", "inbox", "outbox"],
        "its own schema, its own migration history"
    );

    let shutdown = CancellationToken::new();
    let running = tokio::spawn(app.run_until_stopped(shutdown.clone()));
    let channel = channel(port).await;
    assert_eq!(
        health(channel.clone(), "").await,
        Some(ServingStatus::Serving)
    );
    assert_eq!(
        health(channel.clone(), "pactum.billing.v1.BillingService").await,
        Some(ServingStatus::Serving)
    );
    let services = reflected_services(channel).await;
    assert!(
        services.contains(&"pactum.billing.v1.BillingService".to_owned()),
        "{services:?}"
    );

    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(10), running)
        .await
        .expect("drains within the grace period")
        .unwrap()
        .unwrap();
}
