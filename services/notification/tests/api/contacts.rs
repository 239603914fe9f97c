use std::time::Duration;

use pactum_proto::pactum::events::v1::DeadLetter;
use pactum_testkit::{
    eventually,
    grpc::{health, reflected_services},
    streams,
};
use prost::Message as _;
use tonic::Code;
use tonic_health::pb::health_check_response::ServingStatus;

use crate::helpers::{CustomerCreatedEvent, spawn_app};

#[tokio::test]
async fn a_created_customer_becomes_a_contact() {
    let app = spawn_app().await;
    let event = CustomerCreatedEvent::new("Acme B.V.", "finance@acme.nl");
    app.publish(&event, 0).await;

    let contact = eventually(Duration::from_secs(10), || async { app.contact(&event.customer_id).await.ok() })
        .await
        .expect("the contact appears");
    assert_eq!(contact.customer_name, "Acme B.V.");
    assert_eq!(contact.primary_contact_email, "finance@acme.nl");
    assert_eq!(contact.source_event_id, event.id.to_string());
}

#[tokio::test]
async fn the_same_event_delivered_twice_has_one_effect() {
    let app = spawn_app().await;
    let event = CustomerCreatedEvent::new("Acme B.V.", "finance@acme.nl");
    app.publish(&event, 0).await;
    app.consumer_settled().await;
    assert!(app.contact(&event.customer_id).await.is_ok());

    // Remove the effect, then deliver the very same event again: if the second delivery had an
    // effect, the contact would come back.
    sqlx::query("DELETE FROM notification.contacts").execute(&app.pool).await.unwrap();
    app.publish(&event, 1).await;
    app.consumer_settled().await;

    assert_eq!(app.contact(&event.customer_id).await.unwrap_err().code(), Code::NotFound);
    assert_eq!(app.inbox_rows().await, 1);
}

#[tokio::test]
async fn an_event_that_can_never_be_processed_goes_to_the_dead_letter_subject() {
    let app = spawn_app().await;
    let mut broken = CustomerCreatedEvent::new("Broken", "x@y.nl");
    broken.payload = vec![0xff, 0xff, 0xff];
    app.publish(&broken, 0).await;

    let client = app.nats.client().await;
    eventually(Duration::from_secs(10), || async {
        (streams::count(&client, "PACTUM_DEADLETTER").await == 1).then_some(())
    })
    .await
    .expect("the event is dead-lettered");
    let letters = streams::messages(&client, "PACTUM_DEADLETTER").await;
    assert_eq!(letters[0].subject.as_str(), "pactum.deadletter.notification.notification-contracts");
    let letter = DeadLetter::decode(letters[0].payload.clone()).unwrap();
    assert_eq!(letter.consumer, "notification-contracts");
    assert!(letter.reason.contains("does not decode"), "{}", letter.reason);
    let original = letter.event.unwrap();
    assert_eq!(original.id, broken.id.to_string());
    assert_eq!(original.data, broken.payload);

    // The consumer moves on: the next good event is processed.
    let good = CustomerCreatedEvent::new("Acme B.V.", "finance@acme.nl");
    app.publish(&good, 0).await;
    eventually(Duration::from_secs(10), || async { app.contact(&good.customer_id).await.ok() })
        .await
        .expect("later events still flow");
    assert_eq!(app.contact(&broken.customer_id).await.unwrap_err().code(), Code::NotFound);
}

#[tokio::test]
async fn contacts_are_asked_for_by_a_valid_customer_id() {
    let app = spawn_app().await;
    let status = app.contact("not-a-uuid").await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let unknown = app.contact(&pactum_domain::CustomerId::new().to_string()).await.unwrap_err();
    assert_eq!(unknown.code(), Code::NotFound);
}

#[tokio::test]
async fn health_reports_serving_and_reflection_lists_the_service() {
    let app = spawn_app().await;
    assert_eq!(
        health(app.channel.clone(), "pactum.notification.v1.NotificationService").await,
        Some(ServingStatus::Serving)
    );
    let services = reflected_services(app.channel.clone()).await;
    assert!(services.contains(&"pactum.notification.v1.NotificationService".to_owned()), "{services:?}");
}

#[tokio::test]
async fn a_changed_primary_contact_replaces_the_old_one() {
    let app = spawn_app().await;
    let created = CustomerCreatedEvent::new("Acme B.V.", "old@acme.nl");
    app.publish(&created, 0).await;
    let changed = created.contact_changed("new@acme.nl");
    app.publish_as(
        &changed,
        "pactum.contracts.customer.contact_changed",
        "pactum.contracts.v1.CustomerContactChanged",
        0,
    )
    .await;
    app.consumer_settled().await;
    let contact = app.contact(&created.customer_id).await.unwrap();
    assert_eq!(contact.primary_contact_email, "new@acme.nl");
    assert_eq!(contact.source_event_id, changed.id.to_string());
}
