use std::{path::PathBuf, process::Command};

use pactum_billing::{config::Config, startup::Billing};
use pactum_proto::pactum::billing::v1::{self as pb, billing_service_client::BillingServiceClient};
use pactum_testkit::{TestNats, TestService};
use sqlx::PgPool;
use tonic::transport::Channel;
use uuid::Uuid;

pub struct TestApp {
    pub client: BillingServiceClient<Channel>,
    pub channel: Channel,
    pub pool: PgPool,
    pub service: TestService,
}

pub async fn spawn_billing() -> TestApp {
    spawn_billing_on(TestNats::start().await).await
}

pub async fn spawn_billing_on(nats: TestNats) -> TestApp {
    let service = pactum_testkit::spawn::<Billing>(nats, |service| Config {
        service,
        schedule_interval: std::time::Duration::ZERO,
        ..Config::from_env().unwrap()
    })
    .await;
    TestApp {
        client: BillingServiceClient::new(service.channel.clone()),
        channel: service.channel.clone(),
        pool: service.pool.clone(),
        service,
    }
}

pub fn date(y: i32, m: i32, d: i32) -> Option<pactum_proto::google::r#type::Date> {
    Some(pactum_proto::google::r#type::Date { year: y, month: m, day: d })
}

pub fn cents(m: Option<&pactum_proto::google::r#type::Money>) -> i64 {
    let m = m.expect("an amount");
    m.units * 100 + i64::from(m.nanos / 10_000_000)
}

impl TestApp {
    /// A customer and an active contract in billing's own view, as the contracts events would
    /// leave them: `lines` are (quantity, monthly cents).
    pub async fn seed_contract(
        &self,
        start: &str,
        period: &str,
        end: Option<&str>,
        lines: &[(i32, i64)],
    ) -> (Uuid, Uuid) {
        let customer = Uuid::now_v7();
        let contract = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO billing.customers (customer_id, name, kvk_number, primary_contact_email, street, postal_code, city, country_code, changed_at) \
             VALUES ($1, 'Acme B.V.', '12345678', 'finance@acme.nl', 'Keizersgracht 1', '1015 CJ', 'Amsterdam', 'NL', now())",
        )
            .bind(customer)
            .execute(&self.pool)
            .await
            .unwrap();
        let codes: Vec<String> = (0..lines.len()).map(|i| format!("P{i}")).collect();
        let quantities: Vec<i32> = lines.iter().map(|l| l.0).collect();
        let prices: Vec<i64> = lines.iter().map(|l| l.1).collect();
        sqlx::query(
            "INSERT INTO billing.contracts (contract_id, customer_id, status, suspended, start_date, end_date, billing_period, payment_method, \
             line_product_codes, line_quantities, line_unit_prices_cents, version, next_period_start) \
             VALUES ($1, $2, 'active', false, $3::date, $4::date, $5, 'direct_debit', $6, $7, $8, 1, $3::date)",
        )
        .bind(contract)
        .bind(customer)
        .bind(start)
        .bind(end)
        .bind(period)
        .bind(&codes)
        .bind(&quantities)
        .bind(&prices)
        .execute(&self.pool)
        .await
        .unwrap();
        (customer, contract)
    }

    /// Moves the shared clock to `as_of` (never back) and bills the periods due by then; the
    /// invoices are dated the day the clock shows.
    pub async fn run_billing(&self, as_of: (i32, i32, i32)) -> i64 {
        self.service.advance_to(as_of).await;
        self.client
            .clone()
            .run_billing(pb::RunBillingRequest {
                as_of: date(as_of.0, as_of.1, as_of.2),
                request_id: pactum_testkit::request_id(),
            })
            .await
            .unwrap()
            .into_inner()
            .invoices_issued
    }

    pub async fn invoices_of(&self, customer: Uuid) -> Vec<pb::Invoice> {
        let mut all = Vec::new();
        let mut token = String::new();
        loop {
            let page = self
                .client
                .clone()
                .list_invoices(pb::ListInvoicesRequest {
                    customer_id: customer.to_string(),
                    page_size: 100,
                    page_token: token,
                    ..Default::default()
                })
                .await
                .unwrap()
                .into_inner();
            all.extend(page.invoices);
            if page.next_page_token.is_empty() {
                return all;
            }
            token = page.next_page_token;
        }
    }

    pub async fn numbers(&self) -> Vec<String> {
        sqlx::query_scalar("SELECT invoice_number FROM billing.invoices ORDER BY invoice_number")
            .fetch_all(&self.pool)
            .await
            .unwrap()
    }
}

/// The `article` of a refusal's ErrorInfo.
pub fn article_of(status: &tonic::Status) -> String {
    use tonic_types::StatusExt;
    assert_eq!(status.code(), tonic::Code::FailedPrecondition, "{status:?}");
    status.get_details_error_info().and_then(|i| i.metadata.get("article").cloned()).unwrap_or_default()
}

/// Official schemas, read where they are shipped (never copied into the repository).
pub fn schemas() -> PathBuf {
    let dir = std::env::var("PACTUM_SCHEMAS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/schemas"));
    assert!(dir.join("ubl-2.1/maindoc/UBL-Invoice-2.1.xsd").exists(), "UBL schemas not found under {}", dir.display());
    dir
}

/// `xmllint --schema`: 0 is valid, 3 fails validation.
pub fn validate(xml: &str, schema: &str) -> Result<(), String> {
    let file = std::env::temp_dir().join(format!("pactum-doc-{}.xml", Uuid::now_v7()));
    std::fs::write(&file, xml).unwrap();
    let output = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(schemas().join(schema))
        .arg(&file)
        .output()
        .expect("xmllint runs (Debian's libxml2-utils; the test command installs it)");
    let _ = std::fs::remove_file(&file);
    if output.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&output.stderr).into_owned()) }
}

/// The real contracts service and billing on one NATS server (each on its own database), with
/// the general terms `2026-01` published on contracts.
pub async fn contracts_and_billing()
-> (TestService, TestApp, pactum_proto::pactum::contracts::v1::contract_service_client::ContractServiceClient<Channel>)
{
    use pactum_proto::pactum::contracts::v1 as contracts;
    let nats = TestNats::start().await;
    let shared = nats.share();
    let contracts_svc = pactum_testkit::spawn::<pactum_contracts::startup::ContractsService>(nats, |service| {
        pactum_contracts::config::Config { service, renewals_interval: std::time::Duration::ZERO }
    })
    .await;
    let billing = spawn_billing_on(shared).await;
    // Both follow one test clock: the terms are published on 1 January 2025.
    billing.service.set_today((2025, 1, 1)).await;
    let mut client = contracts::contract_service_client::ContractServiceClient::new(contracts_svc.channel.clone());
    client
        .publish_terms(contracts::PublishTermsRequest {
            version: "2026-01".into(),
            effective_date: date(2025, 2, 1),
            materially_worse: false,
            summary: "s".into(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap();
    (contracts_svc, billing, client)
}
