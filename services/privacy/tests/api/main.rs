//! The privacy service's integration tests, on a database and NATS server of their own.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use pactum_privacy::{config::Config, startup::Privacy};
use pactum_testkit::{
    TestNats,
    grpc::{health, reflected_services},
};
use tonic_health::pb::health_check_response::ServingStatus;

#[tokio::test]
async fn starts_migrates_serves_health_and_reflection_and_drains() {
    let app = pactum_testkit::spawn::<Privacy>(TestNats::start().await, |service| Config { service }).await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'privacy' ORDER BY 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        tables,
        ["_sqlx_migrations", "inbox", "outbox", "request_ids"],
        "its own schema, its own migration history"
    );

    assert_eq!(health(app.channel.clone(), "").await, Some(ServingStatus::Serving));
    assert_eq!(health(app.channel.clone(), "pactum.privacy.v1.PrivacyService").await, Some(ServingStatus::Serving));
    let services = reflected_services(app.channel.clone()).await;
    assert!(services.contains(&"pactum.privacy.v1.PrivacyService".to_owned()), "{services:?}");

    tokio::time::timeout(Duration::from_secs(10), app.stop()).await.expect("drains within the grace period").unwrap();
}
