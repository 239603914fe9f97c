//! Every write of the contracts service is retry-safe (AIP-155): sent twice with one
//! `request_id` it answers the same and has one effect; the id with another request is
//! `ABORTED` and changes nothing; only success is remembered; records expire.

use pactum_proto::pactum::contracts::v1 as pb;
use pactum_testkit::request_id;
use prost_types::Timestamp;
use tonic::Code;
use tonic_types::StatusExt;

use crate::helpers::{TestApp, date, spawn_app};

const SCHEMA: &str = "contracts";

fn address(street: &str) -> Option<pb::PostalAddress> {
    Some(pb::PostalAddress {
        street: street.into(),
        postal_code: "1234 AB".into(),
        city: "Amsterdam".into(),
        country_code: "NL".into(),
    })
}

/// Asserts AIP-155 for one RPC over every table of the schema.
macro_rules! retry_safe {
    ($app:expr, $method:literal, $rpc:ident, $request:expr, $other:expr) => {
        pactum_testkit::assert_rpc_retry_safe!($app.client, &$app.pool, SCHEMA, $method, $rpc, $request, $other)
    };
}

fn contract_id(contract: &pb::Contract) -> String {
    contract.contract_id.clone()
}

async fn signed(app: &TestApp, customer: &str) -> String {
    let mut request = app.sign_request(customer, (2026, 1, 1), 12);
    request.request_id = request_id();
    contract_id(&app.client.clone().sign_contract(request).await.unwrap().into_inner())
}

#[tokio::test]
async fn every_write_answers_a_retry_with_its_first_answer_and_refuses_another_request() {
    let app = spawn_app().await;
    app.publish_terms("2026-01", (2025, 1, 1), (2025, 2, 1), false).await.unwrap();
    app.set_today((2026, 3, 2)).await;

    let customer = retry_safe!(
        app,
        "CreateCustomer",
        create_customer,
        pb::CreateCustomerRequest {
            name: "Acme B.V.".into(),
            kvk_number: "12345678".into(),
            primary_contact_email: "finance@acme.nl".into(),
            postal_address: address("Damrak 1"),
            request_id: request_id(),
            language: Default::default()
        },
        |r| r.name = "Other B.V.".into()
    )
    .customer_id;
    retry_safe!(
        app,
        "UpdatePrimaryContact",
        update_primary_contact,
        pb::UpdatePrimaryContactRequest {
            customer_id: customer.clone(),
            primary_contact_email: "ap@acme.nl".into(),
            request_id: request_id()
        },
        |r| r.primary_contact_email = "other@acme.nl".into()
    );
    retry_safe!(
        app,
        "UpdatePostalAddress",
        update_postal_address,
        pb::UpdatePostalAddressRequest {
            customer_id: customer.clone(),
            postal_address: address("Rokin 2"),
            request_id: request_id()
        },
        |r| r.postal_address = address("Rokin 3")
    );
    retry_safe!(
        app,
        "PublishTerms",
        publish_terms,
        pb::PublishTermsRequest {
            version: "2026-04".into(),
            effective_date: date(2026, 4, 15),
            materially_worse: true,
            summary: "higher fees".into(),
            request_id: request_id(),
        },
        |r| r.summary = "other".into()
    );
    retry_safe!(
        app,
        "AcceptTerms",
        accept_terms,
        pb::AcceptTermsRequest {
            customer_id: customer.clone(),
            version: "2026-01".into(),
            accepted_at: Some(Timestamp { seconds: 1_772_000_000, nanos: 0 }),
            accepted_by: "J. Jansen".into(),
            ip_address: "192.0.2.1".into(),
            request_id: request_id(),
        },
        |r| r.accepted_by = "P. Pietersen".into()
    );
    let other_customer = app.customer().await;
    retry_safe!(
        app,
        "StartTrial",
        start_trial,
        pb::StartTrialRequest {
            customer_id: other_customer.clone(),
            start_date: date(2026, 3, 1),
            trial_days: 14,
            request_id: request_id()
        },
        |r| r.trial_days = 30
    );
    let mut sign = app.sign_request(&customer, (2026, 1, 1), 12);
    sign.request_id = request_id();
    let contract = contract_id(&retry_safe!(app, "SignContract", sign_contract, sign, |r| {
        r.billing_period = pb::BillingPeriod::Yearly.into()
    }));

    retry_safe!(
        app,
        "Suspend",
        suspend,
        pb::SuspendRequest {
            contract_id: contract.clone(),
            reason: "unpaid invoices".into(),
            effective_date: date(2026, 3, 20),
            request_id: request_id()
        },
        |r| r.reason = "other".into()
    );
    retry_safe!(
        app,
        "Resume",
        resume,
        pb::ResumeRequest { contract_id: contract.clone(), date: None, request_id: request_id() },
        |r| r.date = date(2026, 3, 1)
    );
    retry_safe!(
        app,
        "BlockAccess",
        block_access,
        pb::BlockAccessRequest {
            contract_id: contract.clone(),
            reason: "misuse".into(),
            urgent: true,
            request_id: request_id()
        },
        |r| r.urgent = false
    );
    retry_safe!(
        app,
        "UnblockAccess",
        unblock_access,
        pb::UnblockAccessRequest { contract_id: contract.clone(), request_id: request_id() },
        |r| r.contract_id = pactum_domain::ContractId::new().to_string()
    );
    retry_safe!(
        app,
        "DeclareForceMajeure",
        declare_force_majeure,
        pb::DeclareForceMajeureRequest {
            contract_id: contract.clone(),
            started_on: date(2026, 2, 27),
            request_id: request_id()
        },
        |r| r.started_on = date(2026, 2, 28)
    );
    retry_safe!(
        app,
        "EndForceMajeure",
        end_force_majeure,
        pb::EndForceMajeureRequest { contract_id: contract.clone(), request_id: request_id() },
        |r| r.contract_id = pactum_domain::ContractId::new().to_string()
    );
    // The notice a caller retries after a lost reply: without the record the retry would be
    // refused ("notice was already given"); with it, the first answer comes back.
    retry_safe!(
        app,
        "GiveNotice",
        give_notice,
        pb::GiveNoticeRequest {
            contract_id: contract.clone(),
            party: pb::Party::Customer.into(),
            notice_date: None,
            reason: "moving on".into(),
            request_id: request_id(),
        },
        |r| r.reason = "other".into()
    );

    let worse = signed(&app, &customer).await;
    retry_safe!(
        app,
        "TerminateForTermsChange",
        terminate_for_terms_change,
        pb::TerminateForTermsChangeRequest {
            contract_id: worse,
            version: "2026-04".into(),
            notice_date: None,
            request_id: request_id()
        },
        |r| r.notice_date = date(2026, 3, 1)
    );
    let dissolved = signed(&app, &customer).await;
    retry_safe!(
        app,
        "Dissolve",
        dissolve,
        pb::DissolveRequest {
            contract_id: dissolved,
            ground: pb::DissolutionGround::Bankruptcy.into(),
            effective_date: None,
            request_id: request_id(),
        },
        |r| r.ground = pb::DissolutionGround::Liquidation.into()
    );
    let stuck = signed(&app, &customer).await;
    app.set_today((2026, 3, 20)).await;
    app.client
        .clone()
        .declare_force_majeure(pb::DeclareForceMajeureRequest {
            contract_id: stuck.clone(),
            started_on: date(2026, 1, 2),
            request_id: request_id(),
        })
        .await
        .unwrap();
    retry_safe!(
        app,
        "TerminateForForceMajeure",
        terminate_for_force_majeure,
        pb::TerminateForForceMajeureRequest { contract_id: stuck, date: None, request_id: request_id() },
        |r| r.date = date(2026, 3, 1)
    );
    retry_safe!(
        app,
        "RunRenewals",
        run_renewals,
        pb::RunRenewalsRequest { as_of: None, request_id: request_id() },
        |r| r.as_of = date(2026, 3, 1)
    );
}

#[tokio::test]
async fn an_id_used_for_one_method_is_refused_for_another_naming_the_first() {
    let app = spawn_app().await;
    let contract = app.signed((2025, 1, 1), 12).await;
    let id = request_id();
    let mut client = app.client.clone();
    client
        .block_access(pb::BlockAccessRequest {
            contract_id: contract.contract_id.clone(),
            reason: "misuse".into(),
            urgent: true,
            request_id: id.clone(),
        })
        .await
        .unwrap();
    let refused = client
        .unblock_access(pb::UnblockAccessRequest { contract_id: contract.contract_id.clone(), request_id: id })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::Aborted);
    assert!(refused.message().contains("BlockAccess"), "{}", refused.message());
    assert!(app.contract(&contract.contract_id).await.access_blocked, "nothing changed");
}

#[tokio::test]
async fn only_success_is_remembered() {
    let app = spawn_app().await;
    let customer = app.customer().await;
    let mut sign = app.sign_request(&customer, (2026, 1, 1), 12);
    sign.request_id = request_id();
    let refused = app.client.clone().sign_contract(sign.clone()).await.unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition, "terms 2026-01 are not published yet");

    app.publish_terms("2026-01", (2025, 1, 1), (2025, 2, 1), false).await.unwrap();
    let signed = app.client.clone().sign_contract(sign.clone()).await.expect("the retry is judged afresh");
    let again = app.client.clone().sign_contract(sign).await.unwrap();
    assert_eq!(signed.into_inner(), again.into_inner());
}

#[tokio::test]
async fn a_malformed_request_id_is_an_invalid_argument_and_changes_nothing() {
    let app = spawn_app().await;
    for bad in ["not-a-uuid", "1234", &"a".repeat(100_000), "0b9f0c62-5f5e-4a6e-9c55-3c1b2f4d5e6\u{0}"] {
        let status = app.create_customer("Acme B.V.", "12345678", "finance@acme.nl", bad).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        let fields: Vec<String> =
            status.get_details_bad_request().unwrap().field_violations.into_iter().map(|v| v.field).collect();
        assert_eq!(fields, ["request_id"]);
    }
    assert_eq!(app.customer_count().await, 0);
}

#[tokio::test]
async fn concurrent_calls_with_one_id_do_the_work_once() {
    let app = spawn_app().await;
    let contract = app.signed((2025, 1, 1), 12).await;
    let request = pb::GiveNoticeRequest {
        contract_id: contract.contract_id.clone(),
        party: pb::Party::Customer.into(),
        notice_date: None,
        reason: "moving on".into(),
        request_id: request_id(),
    };
    let before = app.outbox_events().await;
    let calls = (0..8).map(|_| {
        let (mut client, request) = (app.client.clone(), request.clone());
        async move { client.give_notice(request).await.map(tonic::Response::into_inner) }
    });
    let answers: Vec<_> = futures::future::join_all(calls).await.into_iter().map(Result::unwrap).collect();
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "every caller gets the one answer");
    assert_eq!(app.outbox_events().await, before + 1, "one notice, one event");
}

#[tokio::test]
async fn records_older_than_the_retention_are_deleted_by_the_daily_job() {
    let app = spawn_app().await;
    let id = request_id();
    let first = app.create_customer("Acme B.V.", "12345678", "finance@acme.nl", &id).await.unwrap();
    assert_eq!(records(&app).await, 1);
    // 29 days on the record is kept; past 30 days the job (woken by the clock) deletes it.
    app.set_time(app.time().await + chrono::Duration::days(29)).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(records(&app).await, 1);
    let replayed = app.create_customer("Acme B.V.", "12345678", "finance@acme.nl", &id).await.unwrap();
    assert_eq!(replayed, first);
    app.set_time(app.time().await + chrono::Duration::days(2)).await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while records(&app).await > 0 {
        assert!(std::time::Instant::now() < deadline, "the retention job deletes the record");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // An id past its retention is new again.
    let second = app.create_customer("Acme B.V.", "12345678", "finance@acme.nl", &id).await.unwrap();
    assert_ne!(second.customer_id, first.customer_id);
}

async fn records(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM contracts.request_ids").fetch_one(&app.pool).await.unwrap()
}
