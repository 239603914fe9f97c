//! Billing's view of customers and contracts, from the contracts events only.

use chrono::Utc;
use pactum_bus::{ConsumerSpec, Handler, HandlerError, ReceivedEvent};
use pactum_platform::wire;
use pactum_proto::{catalogue::contracts as catalogue, pactum::contracts::v1 as pb};
use sqlx::PgConnection;
use uuid::Uuid;

pub const SPEC: ConsumerSpec = ConsumerSpec {
    service: "billing",
    durable_name: "billing-contracts",
    source_service: "contracts",
    filter_subject: "pactum.contracts.>",
    max_deliver: 8,
};

const CONTRACT_CHANGED: &str = "pactum.contracts.v1.ContractChanged";

#[derive(Debug, Default, Clone, Copy)]
pub struct ContractEvents;

fn permanent(what: impl std::fmt::Display) -> HandlerError {
    HandlerError::Permanent(what.to_string())
}

impl Handler for ContractEvents {
    async fn handle(&self, tx: &mut PgConnection, event: &ReceivedEvent) -> Result<(), HandlerError> {
        if event.event_type == catalogue::CUSTOMER_CREATED.subject {
            let created: pb::CustomerCreated = event.decode()?;
            upsert_customer(tx, created.customer.as_ref(), event).await
        } else if event.event_type == catalogue::CUSTOMER_CONTACT_CHANGED.subject {
            let changed: pb::CustomerContactChanged = event.decode()?;
            upsert_customer(tx, changed.customer.as_ref(), event).await
        } else if event.event_type == catalogue::CUSTOMER_ADDRESS_CHANGED.subject {
            let changed: pb::CustomerAddressChanged = event.decode()?;
            upsert_customer(tx, changed.customer.as_ref(), event).await
        } else if event.data_schema == CONTRACT_CHANGED {
            let changed: pb::ContractChanged = event.decode()?;
            upsert_contract(tx, changed.contract.as_ref().ok_or_else(|| permanent("event has no contract"))?).await
        } else {
            Ok(())
        }
    }
}

async fn upsert_customer(
    tx: &mut PgConnection,
    customer: Option<&pb::Customer>,
    event: &ReceivedEvent,
) -> Result<(), HandlerError> {
    let c = customer.ok_or_else(|| permanent("event has no customer"))?;
    let id = Uuid::try_parse(&c.customer_id).map_err(|e| permanent(format!("customer_id: {e}")))?;
    let address = c.postal_address.as_ref();
    sqlx::query!(
        r#"INSERT INTO billing.customers (customer_id, name, kvk_number, primary_contact_email, street, postal_code, city, country_code, changed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (customer_id) DO UPDATE
              SET name = EXCLUDED.name, kvk_number = EXCLUDED.kvk_number,
                  primary_contact_email = EXCLUDED.primary_contact_email, street = EXCLUDED.street,
                  postal_code = EXCLUDED.postal_code, city = EXCLUDED.city, country_code = EXCLUDED.country_code,
                  changed_at = EXCLUDED.changed_at
            WHERE billing.customers.changed_at <= EXCLUDED.changed_at"#,
        id,
        c.name,
        c.kvk_number,
        c.primary_contact_email,
        address.map(|a| a.street.as_str()),
        address.map(|a| a.postal_code.as_str()),
        address.map(|a| a.city.as_str()),
        address.map(|a| a.country_code.as_str()),
        event.time.unwrap_or_else(Utc::now),
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

fn status_text(status: pb::ContractStatus) -> &'static str {
    match status {
        pb::ContractStatus::Unspecified => "unspecified",
        pb::ContractStatus::Trial => "trial",
        pb::ContractStatus::Active => "active",
        pb::ContractStatus::NoticeGiven => "notice_given",
        pb::ContractStatus::Terminated => "terminated",
        pb::ContractStatus::Dissolved => "dissolved",
        pb::ContractStatus::TrialExpired => "trial_expired",
        pb::ContractStatus::Converted => "converted",
    }
}

/// Trials are free (art. 3.9): only agreements, which have a billing period, are kept. An
/// event older than what billing knows (by the contract's version) changes nothing.
async fn upsert_contract(tx: &mut PgConnection, c: &pb::Contract) -> Result<(), HandlerError> {
    let period = match c.billing_period() {
        pb::BillingPeriod::Monthly => "monthly",
        pb::BillingPeriod::Quarterly => "quarterly",
        pb::BillingPeriod::Yearly => "yearly",
        pb::BillingPeriod::Unspecified => return Ok(()),
    };
    let method = match c.payment_method() {
        pb::PaymentMethod::DirectDebit => Some("direct_debit"),
        pb::PaymentMethod::BankTransfer => Some("bank_transfer"),
        pb::PaymentMethod::Unspecified => None,
    };
    let id = Uuid::try_parse(&c.contract_id).map_err(|e| permanent(format!("contract_id: {e}")))?;
    let customer = Uuid::try_parse(&c.customer_id).map_err(|e| permanent(format!("customer_id: {e}")))?;
    let start = wire::event_date_from_wire(c.start_date.as_ref()).map_err(|e| permanent(format!("start_date {e}")))?;
    let end = c
        .end_date
        .as_ref()
        .map(|d| wire::event_date_from_wire(Some(d)))
        .transpose()
        .map_err(|e| permanent(format!("end_date {e}")))?;
    let codes: Vec<String> = c.lines.iter().map(|l| l.product_code.clone()).collect();
    let quantities: Vec<i32> = c.lines.iter().map(|l| l.quantity).collect();
    let prices: Vec<i64> = c
        .lines
        .iter()
        .map(|l| wire::money_from_wire(l.unit_price.as_ref()).map(pactum_domain::Money::cents))
        .collect::<Result<_, _>>()
        .map_err(|e| permanent(format!("unit_price {e}")))?;
    sqlx::query!(
        r#"INSERT INTO billing.contracts (contract_id, customer_id, status, suspended, start_date, end_date, billing_period,
                                          payment_method, line_product_codes, line_quantities, line_unit_prices_cents, version,
                                          next_period_start)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $5)
           ON CONFLICT (contract_id) DO UPDATE
              SET status = EXCLUDED.status, suspended = EXCLUDED.suspended, end_date = EXCLUDED.end_date,
                  payment_method = EXCLUDED.payment_method, version = EXCLUDED.version
            WHERE billing.contracts.version < EXCLUDED.version"#,
        id,
        customer,
        status_text(c.status()),
        c.suspended,
        start,
        end,
        period,
        method,
        &codes,
        &quantities,
        &prices,
        c.version,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
