use std::time::Duration;

use pactum_bus::{EventType, Outbox, OutboxEvent, event::header};
use pactum_proto::pactum::contracts::v1 as pb;
use pactum_testkit::{TestNats, eventually};
use prost::Message as _;

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn a_created_customer_is_published_as_a_cloud_event() {
    let app = spawn_app().await;
    let customer = app.create_customer("Acme B.V.", "12345678", "finance@acme.nl", "").await.unwrap();

    eventually(Duration::from_secs(10), || async { (app.stream_count().await == 1).then_some(()) })
        .await
        .expect("the event reaches JetStream");
    let messages = app.stream_messages().await;
    let message = &messages[0];
    assert_eq!(message.subject.as_str(), "pactum.contracts.customer.created");
    let headers = message.headers.as_ref().unwrap();
    let h = |name: &str| headers.get(name).map(|v| v.as_str().to_owned());
    assert_eq!(h(header::SPEC_VERSION).as_deref(), Some("1.0"));
    assert_eq!(h(header::TYPE).as_deref(), Some("pactum.contracts.customer.created"));
    assert_eq!(h(header::SOURCE).as_deref(), Some("/pactum/contracts"));
    assert_eq!(h(header::SUBJECT), Some(customer.customer_id.clone()));
    assert_eq!(h(header::DATA_SCHEMA).as_deref(), Some("pactum.contracts.v1.CustomerCreated"));
    assert_eq!(h(header::ID), h(header::MSG_ID), "the JetStream message id is the event id");
    assert!(h("traceparent").is_some(), "the trace the change happened in travels with the event");

    let payload = pb::CustomerCreated::decode(message.payload.clone()).unwrap();
    assert_eq!(payload.customer, Some(customer));
    assert_eq!(payload.article, "3.8");
    // The relay marks the row sent right after JetStream acknowledged it.
    eventually(Duration::from_secs(10), || async { (app.pending_events().await == 0).then_some(()) })
        .await
        .expect("the outbox row is marked sent");
}

#[tokio::test]
async fn with_nats_down_customers_are_created_and_every_event_is_published_once_when_it_returns() {
    let app = spawn_app_with(TestNats::not_started()).await;
    for i in 0..20 {
        app.create_customer(&format!("Customer {i}"), "12345678", "a@b.nl", "")
            .await
            .expect("creating works while NATS is down");
    }
    assert_eq!(app.customer_count().await, 20);
    assert_eq!(app.pending_events().await, 20, "the events wait in the outbox");

    let mut app = app;
    app.nats.resume().await;
    eventually(Duration::from_secs(45), || async { (app.pending_events().await == 0).then_some(()) })
        .await
        .expect("the relay publishes the backlog once NATS is back");
    assert_eq!(app.stream_count().await, 20);

    // NATS goes away again, with more changes meanwhile; then comes back.
    app.nats.stop();
    for i in 20..25 {
        app.create_customer(&format!("Customer {i}"), "12345678", "a@b.nl", "").await.unwrap();
    }
    app.nats.resume().await;
    eventually(Duration::from_secs(45), || async { (app.pending_events().await == 0).then_some(()) })
        .await
        .expect("the second backlog is published");

    // Exactly once, and in commit order.
    let messages = app.stream_messages().await;
    assert_eq!(messages.len(), 25);
    let names: Vec<String> = messages
        .iter()
        .map(|m| pb::CustomerCreated::decode(m.payload.clone()).unwrap().customer.unwrap().name)
        .collect();
    let expected: Vec<String> = (0..25).map(|i| format!("Customer {i}")).collect();
    assert_eq!(names, expected);
}

#[tokio::test]
async fn a_relay_that_published_but_did_not_mark_sent_does_not_double_events() {
    let app = spawn_app().await;
    for i in 0..5 {
        app.create_customer(&format!("Customer {i}"), "12345678", "a@b.nl", "").await.unwrap();
    }
    eventually(Duration::from_secs(10), || async { (app.pending_events().await == 0).then_some(()) }).await.unwrap();
    assert_eq!(app.stream_count().await, 5);

    // As if the relay crashed after JetStream's ack but before its commit: all five go again.
    sqlx::query("UPDATE contracts.outbox SET published_at = NULL").execute(&app.pool).await.unwrap();
    eventually(Duration::from_secs(10), || async { (app.pending_events().await == 0).then_some(()) }).await.unwrap();
    assert_eq!(app.stream_count().await, 5, "JetStream dropped the re-sent events by their Nats-Msg-Id");
}

#[tokio::test]
async fn a_rolled_back_change_publishes_nothing() {
    let app = spawn_app().await;
    let outbox = Outbox::new("contracts");
    let event_type = EventType::new("pactum.contracts.customer.created", "pactum.contracts.v1.CustomerCreated");
    let event = OutboxEvent::new(event_type, "rolled-back", &pb::CustomerCreated::default());

    let mut tx = app.pool.begin().await.unwrap();
    outbox.enqueue(&mut tx, &event).await.unwrap();
    tx.rollback().await.unwrap();

    // Something that does commit afterwards, to know the relay has run past that point.
    app.create_customer("Acme B.V.", "12345678", "finance@acme.nl", "").await.unwrap();
    eventually(Duration::from_secs(10), || async { (app.stream_count().await == 1).then_some(()) }).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;

    assert_eq!(app.outbox_events().await, 1);
    let messages = app.stream_messages().await;
    assert_eq!(messages.len(), 1);
    let id = messages[0].headers.as_ref().unwrap().get(header::ID).unwrap().as_str().to_owned();
    assert_ne!(id, event.id.to_string());
}
