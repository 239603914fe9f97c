use std::time::Duration;

use async_nats::jetstream;
use pactum_bus::event;
use pactum_notification::{config::Config, startup::Notification};
use pactum_proto::pactum::{
    contracts::v1 as contracts,
    notification::v1::{self as pb, notification_service_client::NotificationServiceClient},
};
use pactum_testkit::{TestNats, TestService, TestSmtp};
use prost::Message as _;
use tonic::transport::Channel;
use uuid::Uuid;

/// The notification service under test, a client for it and the SMTP server it sends to;
/// derefs to the [`TestService`].
pub struct TestApp {
    pub client: NotificationServiceClient<Channel>,
    pub smtp: TestSmtp,
    service: TestService,
}

impl std::ops::Deref for TestApp {
    type Target = TestService;

    fn deref(&self) -> &TestService {
        &self.service
    }
}

pub async fn spawn_app() -> TestApp {
    let smtp = TestSmtp::start().await;
    let url = smtp.url();
    let service = pactum_testkit::spawn::<Notification>(TestNats::start().await, |service| Config {
        service,
        smtp_url: url,
        mail_from: "Pactum <notices@pactum.example>".parse().unwrap(),
        delivery_interval: Duration::from_millis(50),
    })
    .await;
    TestApp { client: NotificationServiceClient::new(service.channel.clone()), smtp, service }
}

/// A `customer.created` event as the contracts service would publish it.
pub struct CustomerCreatedEvent {
    pub id: Uuid,
    pub customer_id: String,
    pub payload: Vec<u8>,
}

impl CustomerCreatedEvent {
    pub fn new(name: &str, email: &str) -> Self {
        Self::for_customer(&pactum_domain::CustomerId::new().to_string(), name, email)
    }

    /// A `customer.contact_changed` for the same customer, with a new address.
    pub fn contact_changed(&self, email: &str) -> Self {
        let customer = contracts::Customer {
            customer_id: self.customer_id.clone(),
            name: "Acme B.V.".to_owned(),
            kvk_number: "12345678".to_owned(),
            primary_contact_email: email.to_owned(),
            created_at: None,
            postal_address: None,
            ..Default::default()
        };
        let payload = contracts::CustomerContactChanged {
            customer: Some(customer),
            previous_primary_contact_email: String::new(),
            article: "14.20".to_owned(),
        }
        .encode_to_vec();
        Self { id: Uuid::now_v7(), customer_id: self.customer_id.clone(), payload }
    }

    /// A customer who reads its notices in English.
    pub fn english(name: &str, email: &str) -> Self {
        let mut created = Self::new(name, email);
        let mut payload = contracts::CustomerCreated::decode(created.payload.as_slice()).unwrap();
        if let Some(customer) = payload.customer.as_mut() {
            customer.language = "en".into();
        }
        created.payload = payload.encode_to_vec();
        created
    }

    pub fn for_customer(customer_id: &str, name: &str, email: &str) -> Self {
        let customer_id = customer_id.to_owned();
        let customer = contracts::Customer {
            customer_id: customer_id.clone(),
            name: name.to_owned(),
            kvk_number: "12345678".to_owned(),
            primary_contact_email: email.to_owned(),
            created_at: None,
            postal_address: None,
            ..Default::default()
        };
        let payload =
            contracts::CustomerCreated { customer: Some(customer), article: "3.8".to_owned() }.encode_to_vec();
        Self { id: Uuid::now_v7(), customer_id, payload }
    }
}

impl TestApp {
    /// Publishes `event` on the contracts stream. `copy` varies the JetStream message id, so the
    /// same event can be delivered again, as after a producer retry outside the duplicate window.
    pub async fn publish(&self, event: &CustomerCreatedEvent, copy: u32) {
        self.publish_as(event, "pactum.contracts.customer.created", "pactum.contracts.v1.CustomerCreated", copy).await;
    }

    /// Publishes `event`'s payload under another event type.
    pub async fn publish_as(&self, event: &CustomerCreatedEvent, event_type: &str, data_schema: &str, copy: u32) {
        let js = jetstream::new(self.nats.client().await);
        js.get_or_create_stream(pactum_bus::stream::service_stream("contracts")).await.unwrap();
        let mut headers = event::headers(
            event.id,
            event_type,
            "/pactum/contracts",
            &event.customer_id,
            chrono::Utc::now(),
            data_schema,
            &[],
        );
        headers.insert(event::header::MSG_ID, format!("{}-{copy}", event.id).as_str());
        js.publish_with_headers("pactum.contracts.customer.created", headers, event.payload.clone().into())
            .await
            .unwrap()
            .await
            .unwrap();
    }

    pub async fn contact(&self, customer_id: &str) -> Result<pb::Contact, tonic::Status> {
        self.client
            .clone()
            .get_contact(pb::GetContactRequest { customer_id: customer_id.to_owned() })
            .await
            .map(tonic::Response::into_inner)
    }

    /// Waits until the notification consumer has settled every message on the stream.
    pub async fn consumer_settled(&self) {
        let js = jetstream::new(self.nats.client().await);
        let settled = pactum_testkit::eventually(Duration::from_secs(20), || {
            let js = js.clone();
            async move {
                let mut stream = js.get_stream("PACTUM_CONTRACTS").await.ok()?;
                let last = stream.info().await.ok()?.state.last_sequence;
                let mut consumer: jetstream::consumer::PullConsumer =
                    stream.get_consumer("notification-contracts").await.ok()?;
                let info = consumer.info().await.ok()?;
                (info.ack_floor.stream_sequence >= last && info.num_ack_pending == 0).then_some(())
            }
        })
        .await;
        settled.expect("the consumer acknowledged everything on the stream");
    }

    pub async fn inbox_rows(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM notification.inbox").fetch_one(&self.pool).await.unwrap()
    }
}

impl TestApp {
    /// Publishes any event as `service` would (its stream, its headers); `copy` varies the
    /// JetStream message id so the same event can be delivered again.
    pub async fn publish_event(
        &self,
        service: &str,
        event_type: &str,
        data_schema: &str,
        id: Uuid,
        payload: Vec<u8>,
        copy: u32,
    ) {
        let js = jetstream::new(self.nats.client().await);
        js.get_or_create_stream(pactum_bus::stream::service_stream(service)).await.unwrap();
        let mut headers = event::headers(
            id,
            event_type,
            &format!("/pactum/{service}"),
            "subject",
            chrono::Utc::now(),
            data_schema,
            &[],
        );
        headers.insert(event::header::MSG_ID, format!("{id}-{copy}").as_str());
        js.publish_with_headers(event_type.to_owned(), headers, payload.into()).await.unwrap().await.unwrap();
    }

    /// The customer's notices, newest first.
    pub async fn notices(&self, customer_id: &str) -> pb::ListNoticesResponse {
        self.client
            .clone()
            .list_notices(pb::ListNoticesRequest {
                customer_id: customer_id.to_owned(),
                page_size: 100,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner()
    }

    /// Waits until the customer has `count` notices and none is still queued.
    pub async fn settled_notices(&self, customer_id: &str, count: usize) -> Vec<pb::Notice> {
        let found = pactum_testkit::eventually(Duration::from_secs(20), || async move {
            let notices = self.notices(customer_id).await.notices;
            let queued = notices.iter().any(|n| n.status == pb::NoticeStatus::Queued as i32);
            (notices.len() == count && !queued).then_some(notices)
        })
        .await;
        found.unwrap_or_else(|| panic!("{count} settled notices expected for {customer_id}"))
    }
}
