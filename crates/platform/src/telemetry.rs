//! Structured logs and traces.
//!
//! Logs are JSON lines on stdout (`LOG_FORMAT=text` for people), filtered by `RUST_LOG`. Spans
//! always get OpenTelemetry trace ids, so trace context flows through gRPC and NATS even when no
//! collector is configured; setting the standard `OTEL_EXPORTER_OTLP_ENDPOINT` also exports them
//! by OTLP/gRPC (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES` and the other `OTEL_*`
//! variables are read by the SDK as usual).

use anyhow::Context as _;
use opentelemetry::{global, trace::TracerProvider as _};
use opentelemetry_sdk::{Resource, propagation::TraceContextPropagator, trace::SdkTracerProvider};
use tracing_subscriber::{EnvFilter, Layer, layer::SubscriberExt, util::SubscriberInitExt};

/// Keeps the tracer provider alive; [`Telemetry::shutdown`] flushes what is still buffered.
#[derive(Debug)]
pub struct Telemetry {
    provider: SdkTracerProvider,
}

/// Installs the global subscriber and propagator. Call once, in `main`, before anything logs.
pub fn init(service_name: &'static str) -> anyhow::Result<Telemetry> {
    global::set_text_map_propagator(TraceContextPropagator::new());

    let resource = Resource::builder().with_service_name(service_name).build();
    let mut provider = SdkTracerProvider::builder().with_resource(resource);
    let exporting = std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT").is_ok_and(|v| !v.trim().is_empty())
        || std::env::var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").is_ok_and(|v| !v.trim().is_empty());
    if exporting {
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_tonic()
            .build()
            .context("cannot build the OTLP span exporter from OTEL_EXPORTER_OTLP_*")?;
        provider = provider.with_batch_exporter(exporter);
    }
    let provider = provider.build();
    global::set_tracer_provider(provider.clone());
    let tracer = provider.tracer(service_name);

    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let text = std::env::var("LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("text"));
    let logs = if text {
        tracing_subscriber::fmt::layer().with_target(false).boxed()
    } else {
        tracing_subscriber::fmt::layer().json().with_current_span(true).with_span_list(false).boxed()
    };
    tracing_subscriber::registry()
        .with(filter)
        .with(logs)
        .with(tracing_opentelemetry::layer().with_tracer(tracer))
        .try_init()
        .context("a tracing subscriber was already installed")?;
    tracing::info!(service = service_name, otlp_export = exporting, "telemetry ready");
    Ok(Telemetry { provider })
}

/// `RUST_LOG` filters the logs only. Spans are recorded whatever it says, so that trace context
/// keeps flowing through gRPC and NATS when logs are quiet.
fn log_filter(default: &str) -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default))
}

fn trace_layer<S>(tracer: opentelemetry_sdk::trace::Tracer) -> impl Layer<S>
where
    S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
{
    tracing_opentelemetry::layer().with_tracer(tracer).with_filter(tracing_subscriber::filter::LevelFilter::INFO)
}

/// For tests: the same propagation and spans as [`init`], logs to the test harness's captured
/// output (`RUST_LOG`, default `warn`), nothing exported. Safe to call from every test.
pub fn init_for_tests() {
    static PROVIDER: std::sync::OnceLock<SdkTracerProvider> = std::sync::OnceLock::new();
    PROVIDER.get_or_init(|| {
        global::set_text_map_propagator(TraceContextPropagator::new());
        let provider = SdkTracerProvider::builder().build();
        global::set_tracer_provider(provider.clone());
        let logs = tracing_subscriber::fmt::layer().with_test_writer().with_filter(log_filter("warn"));
        let _already_installed =
            tracing_subscriber::registry().with(logs).with(trace_layer(provider.tracer("pactum-tests"))).try_init();
        provider
    });
}

impl Telemetry {
    /// Flushes buffered spans. Errors are logged, not returned: shutdown goes on regardless.
    pub fn shutdown(self) {
        if let Err(error) = self.provider.shutdown() {
            tracing::warn!(%error, "flushing telemetry failed");
        }
    }
}
