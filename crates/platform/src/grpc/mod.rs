//! The gRPC server every service runs: its own services plus `grpc.health.v1` and server
//! reflection, a span per call continuing the caller's trace, and a graceful drain on shutdown.

use std::time::Duration;

use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tokio_util::sync::CancellationToken;
use tonic::service::Routes;
use tonic_health::{ServingStatus, server::HealthReporter};

use crate::propagation;

mod in_flight;

pub use in_flight::InFlight;

/// A service's routes, ready to be served with health and reflection beside them.
#[derive(Debug)]
pub struct GrpcServer {
    routes: Routes,
    service_names: Vec<&'static str>,
    health: HealthReporter,
    request_timeout: Duration,
}

impl GrpcServer {
    /// `routes` holds the service's own gRPC services, named in `service_names` (their
    /// `SERVICE_NAME`) so health reports them.
    pub fn new(routes: Routes, service_names: Vec<&'static str>) -> Result<Self, tonic_reflection::server::Error> {
        let (health, health_service) = tonic_health::server::health_reporter();
        let reflection = || {
            tonic_reflection::server::Builder::configure()
                .register_encoded_file_descriptor_set(pactum_proto::FILE_DESCRIPTOR_SET)
                .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        };
        // v1alpha too: older grpcurl and many IDE clients only speak that one.
        let reflection_v1 = reflection().build_v1()?;
        let reflection_v1alpha = reflection().build_v1alpha()?;
        let routes = routes.add_service(health_service).add_service(reflection_v1).add_service(reflection_v1alpha);
        Ok(Self { routes, service_names, health, request_timeout: Duration::from_secs(30) })
    }

    /// The health reporter, for services that want to report more than "serving".
    pub fn health(&self) -> HealthReporter {
        self.health.clone()
    }

    /// Serves until `shutdown` is cancelled, then reports NOT_SERVING (so load balancers stop
    /// sending), stops accepting, and lets the calls in flight finish, for at most `grace`.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: CancellationToken,
        grace: Duration,
    ) -> Result<(), tonic::transport::Error> {
        let health = self.health.clone();
        let names: Vec<&'static str> = std::iter::once("").chain(self.service_names.iter().copied()).collect();
        for name in &names {
            health.set_service_status(*name, ServingStatus::Serving).await;
        }
        let in_flight = InFlight::default();
        let serving = tonic::transport::Server::builder()
            .timeout(self.request_timeout)
            .trace_fn(call_span)
            .layer(in_flight.clone())
            .add_routes(self.routes)
            .serve_with_incoming_shutdown(TcpListenerStream::new(listener), shutdown.clone().cancelled_owned());
        tokio::pin!(serving);
        let drained = async {
            shutdown.cancelled().await;
            for name in &names {
                health.set_service_status(*name, ServingStatus::NotServing).await;
            }
            tracing::info!(calls_in_flight = in_flight.count(), "gRPC server draining");
            tokio::select! {
                () = in_flight.idle() => tracing::info!("gRPC calls drained"),
                () = tokio::time::sleep(grace) => tracing::warn!(
                    grace_seconds = grace.as_secs(),
                    calls_in_flight = in_flight.count(),
                    "gRPC calls still running after the grace period; stopping anyway"
                ),
            }
        };
        tokio::select! {
            result = &mut serving => result,
            // Dropping the server closes the listener and whatever idle connections are left.
            () = drained => Ok(()),
        }
    }
}

/// One span per call, named by the gRPC method, child of the caller's trace context.
fn call_span(request: &http::Request<()>) -> tracing::Span {
    let span = tracing::info_span!(
        "grpc.request",
        otel.kind = "server",
        rpc.system = "grpc",
        rpc.method = %request.uri().path(),
    );
    propagation::set_parent(&span, propagation::context_from_http(request.headers()));
    span
}
