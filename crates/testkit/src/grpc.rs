//! gRPC helpers: a channel to a test server, its health and what reflection lists.

use std::time::Duration;

use tonic::transport::Channel;
use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient};
use tonic_reflection::pb::v1::{
    ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
    server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
};

/// A channel to `127.0.0.1:port`, retried until the server accepts it (at most 10 s).
pub async fn channel(port: u16) -> Channel {
    let endpoint =
        Channel::from_shared(format!("http://127.0.0.1:{port}")).expect("valid URI").timeout(Duration::from_secs(10));
    crate::eventually(Duration::from_secs(10), || {
        let endpoint = endpoint.clone();
        async move { endpoint.connect().await.ok() }
    })
    .await
    .unwrap_or_else(|| panic!("no gRPC server on port {port}"))
}

/// The health of `service` ("" for the whole server), or `None` when the server cannot say.
pub async fn health(channel: Channel, service: &str) -> Option<ServingStatus> {
    let response = HealthClient::new(channel).check(HealthCheckRequest { service: service.to_owned() }).await.ok()?;
    ServingStatus::try_from(response.into_inner().status).ok()
}

/// The services reflection (v1) lists.
pub async fn reflected_services(channel: Channel) -> Vec<String> {
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = ServerReflectionClient::new(channel)
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .expect("reflection answers")
        .into_inner();
    match responses.message().await.expect("reflection stream").and_then(|r| r.message_response) {
        Some(MessageResponse::ListServicesResponse(list)) => list.service.into_iter().map(|s| s.name).collect(),
        other => panic!("unexpected reflection answer {other:?}"),
    }
}
