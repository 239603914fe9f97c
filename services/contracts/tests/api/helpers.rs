use async_nats::jetstream;
use pactum_contracts::{config::Config, startup::ContractsService};
use pactum_proto::pactum::contracts::v1::{self as pb, contract_service_client::ContractServiceClient};
use pactum_testkit::{TestNats, TestService};
use tonic::transport::Channel;

/// The contracts service under test and a client for it; derefs to the [`TestService`]
/// (`pool`, `nats`, `channel`, `port`).
pub struct TestApp {
    pub client: ContractServiceClient<Channel>,
    service: TestService,
}

impl std::ops::Deref for TestApp {
    type Target = TestService;

    fn deref(&self) -> &TestService {
        &self.service
    }
}

impl std::ops::DerefMut for TestApp {
    fn deref_mut(&mut self) -> &mut TestService {
        &mut self.service
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(TestNats::start().await).await
}

/// Starts the service on a fresh database, with `nats`, which may not be running yet.
pub async fn spawn_app_with(nats: TestNats) -> TestApp {
    let service = pactum_testkit::spawn::<ContractsService>(nats, |service| Config {
        service,
        renewals_interval: std::time::Duration::ZERO,
    })
    .await;
    TestApp { client: ContractServiceClient::new(service.channel.clone()), service }
}

impl TestApp {
    pub async fn create_customer(
        &self,
        name: &str,
        kvk: &str,
        email: &str,
        request_id: &str,
    ) -> Result<pb::Customer, tonic::Status> {
        let request = pb::CreateCustomerRequest {
            name: name.to_owned(),
            kvk_number: kvk.to_owned(),
            primary_contact_email: email.to_owned(),
            request_id: request_id.to_owned(),
            postal_address: None,
            language: Default::default(),
        };
        self.client.clone().create_customer(request).await.map(tonic::Response::into_inner)
    }

    pub async fn customer_count(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM contracts.customers").fetch_one(&self.pool).await.unwrap()
    }

    pub async fn pending_events(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM contracts.outbox WHERE published_at IS NULL")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    pub async fn outbox_events(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM contracts.outbox").fetch_one(&self.pool).await.unwrap()
    }

    /// Every message on the contracts stream, in stream order.
    pub async fn stream_messages(&self) -> Vec<jetstream::Message> {
        pactum_testkit::streams::messages(&self.nats.client().await, "PACTUM_CONTRACTS").await
    }

    /// How many messages the contracts stream holds; 0 when it does not exist yet.
    pub async fn stream_count(&self) -> u64 {
        pactum_testkit::streams::count(&self.nats.client().await, "PACTUM_CONTRACTS").await
    }

    /// Stops the service as SIGTERM would, and waits for its drain.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.service.stop().await
    }
}

pub fn date(y: i32, m: i32, d: i32) -> Option<pactum_proto::google::r#type::Date> {
    Some(pactum_proto::google::r#type::Date { year: y, month: m, day: d })
}

pub fn eur(cents: i64) -> Option<pactum_proto::google::r#type::Money> {
    Some(pactum_proto::google::r#type::Money {
        currency_code: "EUR".into(),
        units: cents / 100,
        nanos: i32::try_from(cents % 100).unwrap() * 10_000_000,
    })
}

impl TestApp {
    pub async fn customer(&self) -> String {
        self.create_customer("Acme B.V.", "12345678", "finance@acme.nl", &pactum_testkit::request_id())
            .await
            .unwrap()
            .customer_id
    }

    pub async fn publish_terms(
        &self,
        version: &str,
        published: (i32, i32, i32),
        effective: (i32, i32, i32),
        worse: bool,
    ) -> Result<pb::TermsVersion, tonic::Status> {
        // Published on the day the clock shows: move it there first (never back).
        self.advance_to(published).await;
        self.client
            .clone()
            .publish_terms(pb::PublishTermsRequest {
                version: version.into(),
                effective_date: date(effective.0, effective.1, effective.2),
                materially_worse: worse,
                summary: "what changes".into(),
                request_id: pactum_testkit::request_id(),
            })
            .await
            .map(tonic::Response::into_inner)
    }

    pub fn sign_request(&self, customer_id: &str, start: (i32, i32, i32), term_months: i32) -> pb::SignContractRequest {
        pb::SignContractRequest {
            customer_id: customer_id.into(),
            start_date: date(start.0, start.1, start.2),
            term_months,
            billing_period: pb::BillingPeriod::Monthly.into(),
            payment_method: pb::PaymentMethod::DirectDebit.into(),
            lines: vec![pb::ContractLine { product_code: "SEAT".into(), quantity: 3, unit_price: eur(1500) }],
            terms_version: "2026-01".into(),
            request_id: pactum_testkit::request_id(),
        }
    }

    /// A customer with a signed agreement under published terms `2026-01`.
    pub async fn signed(&self, start: (i32, i32, i32), term_months: i32) -> pb::Contract {
        let _ = self.publish_terms("2026-01", (2025, 1, 1), (2025, 2, 1), false).await;
        let customer = self.customer().await;
        self.client.clone().sign_contract(self.sign_request(&customer, start, term_months)).await.unwrap().into_inner()
    }

    pub async fn contract(&self, id: &str) -> pb::Contract {
        self.client.clone().get_contract(pb::GetContractRequest { contract_id: id.into() }).await.unwrap().into_inner()
    }

    /// Moves the clock to `today` (never back) and runs the renewals for it, as the scheduler
    /// would: without `as_of`.
    pub async fn run_renewals(&self, today: (i32, i32, i32)) -> pb::RunRenewalsResponse {
        self.advance_to(today).await;
        self.client
            .clone()
            .run_renewals(pb::RunRenewalsRequest { as_of: None, request_id: pactum_testkit::request_id() })
            .await
            .unwrap()
            .into_inner()
    }
}

/// The `article` of a refusal's ErrorInfo.
pub fn article_of(status: &tonic::Status) -> String {
    use tonic_types::StatusExt;
    assert_eq!(status.code(), tonic::Code::FailedPrecondition, "{status:?}");
    status.get_details_error_info().and_then(|i| i.metadata.get("article").cloned()).unwrap_or_default()
}

impl TestApp {
    /// What the notification service would report of a suspension's announcement to the
    /// contract's customer: sent at `outcome`'s time, or `Err(status)` with `failed`/`bounced`.
    /// Waits until contracts has taken it in.
    pub async fn announcement(&self, contract: &pb::Contract, outcome: Result<chrono::DateTime<chrono::Utc>, &str>) {
        self.notice_outcome(contract, "contract.suspension_announced", outcome).await;
    }

    /// The same for the warning of a block (art. 14.9).
    pub async fn block_warning(&self, contract: &pb::Contract, outcome: Result<chrono::DateTime<chrono::Utc>, &str>) {
        self.notice_outcome(contract, "access.block_announced", outcome).await;
    }

    async fn notice_outcome(
        &self,
        contract: &pb::Contract,
        kind: &str,
        outcome: Result<chrono::DateTime<chrono::Utc>, &str>,
    ) {
        use pactum_proto::pactum::notification::v1 as notification;
        use prost::Message as _;
        let (event_type, status, sent_at, failure) = match outcome {
            Ok(at) => ("pactum.notification.notice.sent", notification::NoticeStatus::Sent, Some(at), String::new()),
            Err(kind) => (
                if kind == "bounced" {
                    "pactum.notification.notice.bounced"
                } else {
                    "pactum.notification.notice.failed"
                },
                if kind == "bounced" {
                    notification::NoticeStatus::Bounced
                } else {
                    notification::NoticeStatus::Failed
                },
                None,
                "550 5.1.1 no such user".to_owned(),
            ),
        };
        let payload = notification::NoticeChanged {
            notice: Some(notification::Notice {
                kind: kind.into(),
                customer_id: contract.customer_id.clone(),
                channel: notification::NoticeChannel::Email.into(),
                status: status.into(),
                recipient: "finance@acme.nl".into(),
                sent_at: sent_at.map(pactum_platform::wire::timestamp_to_wire),
                failure,
                ..Default::default()
            }),
            article: "8.9".into(),
            source_event_id: uuid::Uuid::now_v7().to_string(),
            source_subject: contract.contract_id.clone(),
        };
        let js = jetstream::new(self.nats.client().await);
        js.get_or_create_stream(pactum_bus::stream::service_stream("notification")).await.unwrap();
        let id = uuid::Uuid::now_v7();
        let headers = pactum_bus::event::headers(
            id,
            event_type,
            "/pactum/notification",
            &contract.customer_id,
            chrono::Utc::now(),
            "pactum.notification.v1.NoticeChanged",
            &[],
        );
        js.publish_with_headers(event_type, headers, payload.encode_to_vec().into()).await.unwrap().await.unwrap();
        let taken = pactum_testkit::eventually(std::time::Duration::from_secs(20), || async {
            let now = self.contract(&contract.contract_id).await;
            let taken = if kind == "access.block_announced" {
                now.access_blocked || !now.access_block_warning_failure.is_empty()
            } else {
                now.suspension_announcement_sent_at.is_some() || !now.suspension_announcement_failure.is_empty()
            };
            taken.then_some(())
        })
        .await;
        taken.expect("contracts takes in the announcement's outcome");
    }
}
