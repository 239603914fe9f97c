//! W3C trace context (`traceparent`, `tracestate`) across process boundaries: gRPC metadata
//! and HTTP headers here; NATS headers in `pactum-bus`, through the same two functions.

use opentelemetry::{
    Context, global,
    propagation::{Extractor, Injector},
};
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The current span's trace context as `(header, value)` pairs.
pub fn current_context_headers() -> Vec<(String, String)> {
    let context = tracing::Span::current().context();
    let mut pairs = Pairs(Vec::new());
    global::get_text_map_propagator(|p| p.inject_context(&context, &mut pairs));
    pairs.0
}

/// The trace context carried by `headers`, looked up by `get`.
pub fn context_from<'a>(get: impl Fn(&str) -> Option<&'a str>, keys: Vec<&'a str>) -> Context {
    let source = Lookup { get, keys };
    global::get_text_map_propagator(|p| p.extract(&source))
}

/// Makes `span` a child of the trace context in `parent`, when there is one.
pub fn set_parent(span: &tracing::Span, parent: Context) {
    if let Err(error) = span.set_parent(parent) {
        tracing::debug!(%error, "span parent not set");
    }
}

/// The trace context of incoming HTTP/2 (gRPC) request headers.
pub fn context_from_http(headers: &http::HeaderMap) -> Context {
    context_from(
        |k| headers.get(k).and_then(|v| v.to_str().ok()),
        headers.keys().map(http::HeaderName::as_str).collect(),
    )
}

struct Pairs(Vec<(String, String)>);

impl Injector for Pairs {
    fn set(&mut self, key: &str, value: String) {
        self.0.push((key.to_owned(), value));
    }
}

struct Lookup<'a, F> {
    get: F,
    keys: Vec<&'a str>,
}

impl<'a, F: Fn(&str) -> Option<&'a str>> Extractor for Lookup<'a, F> {
    fn get(&self, key: &str) -> Option<&str> {
        (self.get)(key)
    }

    fn keys(&self) -> Vec<&str> {
        self.keys.clone()
    }
}

/// A tonic client interceptor that sends the current trace context in the request metadata,
/// so the server's span continues the caller's trace.
#[derive(Debug, Clone, Copy, Default)]
pub struct TraceContextInterceptor;

impl tonic::service::Interceptor for TraceContextInterceptor {
    fn call(&mut self, mut request: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        for (key, value) in current_context_headers() {
            if let (Ok(key), Ok(value)) = (
                tonic::metadata::MetadataKey::from_bytes(key.as_bytes()),
                tonic::metadata::MetadataValue::try_from(value.as_str()),
            ) {
                request.metadata_mut().insert(key, value);
            }
        }
        Ok(request)
    }
}
