//! The event backbone: CloudEvents in binary mode over NATS JetStream.
//!
//! - [`outbox`]: a service writes its state change and its event in one PostgreSQL
//!   transaction; [`relay::Relay`] publishes the committed events to JetStream in order and
//!   marks them sent only after JetStream acknowledged them. An event is never lost while NATS
//!   is down and never published for a change that rolled back; a re-send after a crash is
//!   dropped by JetStream's de-duplication on `Nats-Msg-Id` (= the event id).
//! - [`consumer`]: durable pull consumers that record each processed event id in the service's
//!   inbox table in the same transaction as the effect, so a redelivery has no second effect.
//!   Failures retry with growing delays; after the last try the event goes to the dead-letter
//!   subject, never dropped.
//!
//! One stream per producing service (`PACTUM_CONTRACTS` holds `pactum.contracts.>`).

pub mod connect;
pub mod consumer;
pub mod event;
pub mod outbox;
pub mod relay;
pub mod stream;

pub use connect::{NatsClient, connect};
pub use consumer::{Consumer, ConsumerSpec, Handler, HandlerError};
pub use event::{EventType, OutboxEvent, ReceivedEvent};
pub use outbox::Outbox;
pub use relay::Relay;
