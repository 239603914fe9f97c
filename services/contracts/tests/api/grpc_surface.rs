use std::time::Duration;

use pactum_testkit::grpc::{health, reflected_services};
use tonic_health::pb::health_check_response::ServingStatus;

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_reports_serving_and_reflection_lists_the_service() {
    let app = spawn_app().await;
    assert_eq!(health(app.channel.clone(), "").await, Some(ServingStatus::Serving));
    assert_eq!(health(app.channel.clone(), "pactum.contracts.v1.ContractService").await, Some(ServingStatus::Serving));
    let services = reflected_services(app.channel.clone()).await;
    assert!(services.contains(&"pactum.contracts.v1.ContractService".to_owned()), "{services:?}");
    assert!(services.contains(&"grpc.health.v1.Health".to_owned()), "{services:?}");
}

#[tokio::test]
async fn shutdown_drains_and_stops_serving() {
    let app = spawn_app().await;
    let port = app.port;
    tokio::time::timeout(Duration::from_secs(10), app.stop())
        .await
        .expect("the drain finishes within the grace period")
        .expect("a clean stop");
    let refused = tonic::transport::Channel::from_shared(format!("http://127.0.0.1:{port}")).unwrap().connect().await;
    assert!(refused.is_err(), "the port is closed after shutdown");
}
