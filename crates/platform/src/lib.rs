//! What every Pactum service binary needs and nothing a single service decides: configuration
//! from the environment, telemetry, trace-context propagation, the gRPC server with health and
//! reflection, graceful shutdown, the mapping of service errors to `tonic::Status`, and the wire
//! conversions of the shared value types.

pub mod config;
pub mod database;
pub mod grpc;
pub mod propagation;
pub mod service;
pub mod shutdown;
pub mod status;
pub mod telemetry;
pub mod wire;
