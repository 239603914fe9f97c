//! Every contracts RPC against real PostgreSQL.

use pactum_proto::pactum::contracts::v1 as pb;
use tonic::Code;
use tonic_types::StatusExt;

use crate::helpers::{article_of, date, eur, spawn_app};

#[tokio::test]
async fn a_signed_contract_starts_its_first_term() {
    let app = spawn_app().await;
    let c = app.signed((2026, 1, 31), 1).await;
    assert_eq!(c.status(), pb::ContractStatus::Active);
    assert_eq!((c.current_term_start, c.current_term_end), (date(2026, 1, 31), date(2026, 2, 28)));
    assert_eq!(c.term_months, 1);
    assert_eq!(c.lines[0].unit_price, eur(1500));
    assert_eq!(c.version, 1);
    assert_eq!(app.contract(&c.contract_id).await, c);

    let yearly = app.signed((2026, 1, 1), 0).await;
    assert_eq!(
        (yearly.term_months, yearly.current_term_end),
        (12, date(2026, 12, 31)),
        "0 means the 1-year default (art. 13.1)"
    );
}

#[tokio::test]
async fn signing_checks_every_field_and_the_terms() {
    let app = spawn_app().await;
    let customer = app.customer().await;
    let mut bad = app.sign_request(&customer, (2026, 2, 30), -1);
    bad.billing_period = 0;
    bad.lines = vec![pb::ContractLine { product_code: String::new(), quantity: 0, unit_price: eur(-5) }];
    let status = app.client.clone().sign_contract(bad).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let mut fields: Vec<String> =
        status.get_details_bad_request().unwrap().field_violations.into_iter().map(|v| v.field).collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "billing_period",
            "lines[0].product_code",
            "lines[0].quantity",
            "lines[0].unit_price",
            "start_date",
            "term_months"
        ]
    );

    // Art. 8.5: quarterly fees by direct debit only.
    app.publish_terms("2026-01", (2025, 1, 1), (2025, 2, 1), false).await.unwrap();
    let mut quarterly = app.sign_request(&customer, (2026, 1, 1), 12);
    quarterly.billing_period = pb::BillingPeriod::Quarterly.into();
    quarterly.payment_method = pb::PaymentMethod::BankTransfer.into();
    let refused = app.client.clone().sign_contract(quarterly).await.unwrap_err();
    assert_eq!(article_of(&refused), "8.5");

    let mut unpublished = app.sign_request(&customer, (2026, 1, 1), 12);
    unpublished.terms_version = "1999".into();
    let refused = app.client.clone().sign_contract(unpublished).await.unwrap_err();
    assert_eq!(article_of(&refused), "2.2");

    let mut stranger = app.sign_request(&pactum_domain::CustomerId::new().to_string(), (2026, 1, 1), 12);
    stranger.request_id = String::new();
    assert_eq!(app.client.clone().sign_contract(stranger).await.unwrap_err().code(), Code::NotFound);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM contracts.contracts").fetch_one(&app.pool).await.unwrap();
    assert_eq!(count, 0, "no refused request stored anything");
}

#[tokio::test]
async fn signing_is_idempotent_on_request_id() {
    let app = spawn_app().await;
    app.publish_terms("2026-01", (2025, 1, 1), (2025, 2, 1), false).await.unwrap();
    let customer = app.customer().await;
    let mut request = app.sign_request(&customer, (2026, 1, 1), 12);
    request.request_id = "00000000-0000-4000-8000-000000000011".into();
    let first = app.client.clone().sign_contract(request.clone()).await.unwrap().into_inner();
    let again = app.client.clone().sign_contract(request.clone()).await.unwrap().into_inner();
    assert_eq!(first, again);
    request.start_date = date(2026, 2, 1);
    assert_eq!(app.client.clone().sign_contract(request).await.unwrap_err().code(), Code::Aborted);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM contracts.contracts").fetch_one(&app.pool).await.unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn a_trial_converts_when_the_customer_signs() {
    let app = spawn_app().await;
    app.publish_terms("2026-01", (2025, 1, 1), (2025, 2, 1), false).await.unwrap();
    let customer = app.customer().await;
    let trial = app
        .client
        .clone()
        .start_trial(pb::StartTrialRequest {
            customer_id: customer.clone(),
            start_date: date(2026, 2, 1),
            trial_days: 0,
            request_id: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(trial.status(), pb::ContractStatus::Trial);
    assert_eq!(trial.trial_end_date, date(2026, 3, 2), "30 days by default (art. 3.9)");

    let second = app
        .client
        .clone()
        .start_trial(pb::StartTrialRequest {
            customer_id: customer.clone(),
            start_date: date(2026, 2, 5),
            trial_days: 10,
            request_id: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(article_of(&second), "3.9");

    let contract =
        app.client.clone().sign_contract(app.sign_request(&customer, (2026, 2, 20), 12)).await.unwrap().into_inner();
    assert_eq!(app.contract(&trial.contract_id).await.status(), pb::ContractStatus::Converted);
    assert_eq!(contract.status(), pb::ContractStatus::Active);
}

#[tokio::test]
async fn notice_follows_article_13_2_and_racing_notices_do_not_both_win() {
    let app = spawn_app().await;
    let c = app.signed((2026, 1, 1), 12).await;
    let notice = |day: i32| pb::GiveNoticeRequest {
        contract_id: c.contract_id.clone(),
        party: pb::Party::Customer.into(),
        notice_date: date(2026, 12, day),
        reason: "budget".into(),
        request_id: pactum_testkit::request_id(),
    };
    app.advance_to((2026, 12, 2)).await;

    let calls = (0..6).map(|i| {
        let mut client = app.client.clone();
        let request = notice(if i % 2 == 0 { 1 } else { 2 });
        async move { client.give_notice(request).await }
    });
    let results = futures::future::join_all(calls).await;
    let winners: Vec<&pb::GiveNoticeResponse> =
        results.iter().filter_map(|r| r.as_ref().ok().map(tonic::Response::get_ref)).collect();
    assert_eq!(winners.len(), 1, "exactly one notice wins");
    for loser in results.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(article_of(loser), "13.2");
        assert!(loser.message().contains("already given"), "{}", loser.message());
    }
    let won = winners[0];
    assert_eq!(won.article, "13.2");
    let expected = if won.contract.as_ref().unwrap().end_date == date(2026, 12, 31) {
        date(2026, 12, 31)
    } else {
        date(2027, 12, 31)
    };
    assert_eq!(won.effective_end_date, expected);
    let stored = app.contract(&c.contract_id).await;
    assert_eq!(stored.status(), pb::ContractStatus::NoticeGiven);
    assert_eq!(stored.version, 2);

    let on_time = app.signed((2026, 1, 1), 12).await;
    let answer = app
        .client
        .clone()
        .give_notice(pb::GiveNoticeRequest {
            contract_id: on_time.contract_id,
            party: pb::Party::Vendor.into(),
            notice_date: date(2026, 12, 1),
            reason: String::new(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(answer.effective_end_date, date(2026, 12, 31), "exactly 30 days: this term");
}

#[tokio::test]
async fn dissolution_suspension_blocking_and_force_majeure() {
    let app = spawn_app().await;
    let c = app.signed((2026, 1, 1), 12).await;
    let id = || c.contract_id.clone();
    let mut client = app.client.clone();

    app.set_today((2026, 3, 10)).await;
    let early = client
        .suspend(pb::SuspendRequest {
            contract_id: id(),
            reason: "unpaid".into(),
            effective_date: date(2026, 3, 1),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap_err();
    assert_eq!(article_of(&early), "8.9");
    let announced = client
        .suspend(pb::SuspendRequest {
            contract_id: id(),
            reason: "unpaid".into(),
            effective_date: date(2026, 3, 24),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!announced.suspended);
    // Art. 8.9, 14.21: not before the written announcement was sent.
    assert_eq!(app.run_renewals((2026, 3, 11)).await.suspensions_effective, 0);
    app.announcement(&announced, Ok(pactum_testkit::noon(2026, 3, 10))).await;
    assert!(!app.contract(&id()).await.suspended, "sent, but not due yet");
    assert_eq!(app.run_renewals((2026, 3, 24)).await.suspensions_effective, 1);
    assert!(app.contract(&id()).await.suspended);
    app.set_today((2026, 4, 1)).await;
    assert!(
        !client
            .resume(pb::ResumeRequest {
                contract_id: id(),
                date: date(2026, 4, 1),
                request_id: pactum_testkit::request_id()
            })
            .await
            .unwrap()
            .into_inner()
            .suspended
    );

    let blocked = client
        .block_access(pb::BlockAccessRequest {
            contract_id: id(),
            reason: "shared credentials".into(),
            urgent: false,
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    // Art. 14.9: warned first; blocked once the warning is sent.
    assert!(!blocked.access_blocked && blocked.access_block_pending == "shared credentials");
    app.block_warning(&blocked, Ok(pactum_testkit::noon(2026, 4, 1))).await;
    let now = app.contract(&id()).await;
    assert!(now.access_blocked && now.access_block_warning_sent_at.is_some() && now.access_block_pending.is_empty());
    assert!(
        !client
            .unblock_access(pb::UnblockAccessRequest { contract_id: id(), request_id: pactum_testkit::request_id() })
            .await
            .unwrap()
            .into_inner()
            .access_blocked
    );

    app.set_today((2026, 5, 1)).await;
    client
        .declare_force_majeure(pb::DeclareForceMajeureRequest {
            contract_id: id(),
            started_on: None,
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap();
    app.set_today((2026, 6, 30)).await;
    let too_soon = client
        .terminate_for_force_majeure(pb::TerminateForForceMajeureRequest {
            contract_id: id(),
            date: date(2026, 6, 30),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap_err();
    assert_eq!(article_of(&too_soon), "11.2");
    client
        .end_force_majeure(pb::EndForceMajeureRequest { contract_id: id(), request_id: pactum_testkit::request_id() })
        .await
        .unwrap();
    app.set_today((2026, 8, 1)).await;
    let no_longer = client
        .terminate_for_force_majeure(pb::TerminateForForceMajeureRequest {
            contract_id: id(),
            date: date(2026, 8, 1),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap_err();
    assert_eq!(article_of(&no_longer), "11.2", "force majeure that ended allows no termination");

    let other = app.signed((2026, 1, 1), 12).await;
    client
        .declare_force_majeure(pb::DeclareForceMajeureRequest {
            contract_id: other.contract_id.clone(),
            started_on: date(2026, 5, 1),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap();
    let ended = client
        .terminate_for_force_majeure(pb::TerminateForForceMajeureRequest {
            contract_id: other.contract_id.clone(),
            date: date(2026, 7, 1),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((ended.status(), ended.end_date), (pb::ContractStatus::Terminated, date(2026, 7, 1)), "61 days");

    let dissolved = client
        .dissolve(pb::DissolveRequest {
            contract_id: id(),
            ground: pb::DissolutionGround::Bankruptcy.into(),
            effective_date: date(2026, 7, 15),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((dissolved.status(), dissolved.end_date), (pb::ContractStatus::Dissolved, date(2026, 7, 15)));
    let after = client
        .give_notice(pb::GiveNoticeRequest {
            contract_id: id(),
            party: pb::Party::Customer.into(),
            notice_date: date(2026, 8, 1),
            reason: String::new(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap_err();
    assert!(after.message().contains("DISSOLVED"), "{}", after.message());

    let missing = client
        .dissolve(pb::DissolveRequest {
            contract_id: id(),
            ground: 0,
            effective_date: None,
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap_err();
    let fields: Vec<String> =
        missing.get_details_bad_request().unwrap().field_violations.into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["ground"], "the effective date may be left out: today");

    let future = client
        .dissolve(pb::DissolveRequest {
            contract_id: other.contract_id.clone(),
            ground: pb::DissolutionGround::Liquidation.into(),
            effective_date: date(2026, 8, 2),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap_err();
    assert_eq!(future.code(), Code::InvalidArgument);
    let fields: Vec<String> =
        future.get_details_bad_request().unwrap().field_violations.into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["effective_date"], "a dissolution cannot be dated tomorrow");
}

#[tokio::test]
async fn renewals_run_once_per_day_and_end_what_was_noticed() {
    let app = spawn_app().await;
    let a = app.signed((2026, 1, 1), 12).await;
    let b = app.signed((2026, 1, 31), 1).await;
    app.set_today((2026, 11, 1)).await;
    app.client
        .clone()
        .give_notice(pb::GiveNoticeRequest {
            contract_id: a.contract_id.clone(),
            party: pb::Party::Customer.into(),
            notice_date: None,
            reason: String::new(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap();
    let first = app.run_renewals((2027, 1, 1)).await;
    assert_eq!((first.renewed, first.terminated), (11, 1), "b renews 11 times to cover 1 January; a ends");
    assert_eq!(
        app.run_renewals((2027, 1, 1)).await,
        pb::RunRenewalsResponse::default(),
        "the same day again changes nothing"
    );
    assert_eq!(app.contract(&a.contract_id).await.status(), pb::ContractStatus::Terminated);
    let b = app.contract(&b.contract_id).await;
    assert_eq!((b.current_term_start, b.current_term_end), (date(2026, 12, 31), date(2027, 1, 30)));
}

#[tokio::test]
async fn contracts_are_listed_by_customer_and_status() {
    let app = spawn_app().await;
    let one = app.signed((2026, 1, 1), 12).await;
    app.signed((2026, 1, 1), 12).await;
    let mut client = app.client.clone();
    app.advance_to((2026, 2, 1)).await;
    client
        .give_notice(pb::GiveNoticeRequest {
            contract_id: one.contract_id.clone(),
            party: pb::Party::Customer.into(),
            notice_date: date(2026, 2, 1),
            reason: String::new(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap();
    let by_customer = client
        .list_contracts(pb::ListContractsRequest { customer_id: one.customer_id.clone(), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(by_customer.contracts.len(), 1);
    let active = client
        .list_contracts(pb::ListContractsRequest { status: pb::ContractStatus::Active.into(), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(active.contracts.len(), 1);
    let page = client
        .list_contracts(pb::ListContractsRequest { page_size: 1, ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.contracts.len(), 1);
    let rest = client
        .list_contracts(pb::ListContractsRequest {
            page_size: 1,
            page_token: page.next_page_token,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(rest.contracts.len(), 1);
    assert!(rest.next_page_token.is_empty());
    assert_ne!(page.contracts[0].contract_id, rest.contracts[0].contract_id);
}

/// Art. 8.9, 14.21: an announcement that could not be delivered keeps the suspension from
/// taking effect, and the contract shows why.
#[tokio::test]
async fn a_bounced_announcement_keeps_the_suspension_from_effect() {
    let app = spawn_app().await;
    let contract = app.signed((2026, 1, 1), 12).await;
    app.set_today((2026, 3, 10)).await;
    let announced = app
        .client
        .clone()
        .suspend(pb::SuspendRequest {
            contract_id: contract.contract_id.clone(),
            reason: "unpaid".into(),
            effective_date: date(2026, 3, 10),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!announced.suspended, "effective today, but not announced yet");
    app.announcement(&announced, Err("bounced")).await;
    assert_eq!(app.run_renewals((2026, 4, 1)).await.suspensions_effective, 0);
    let now = app.contract(&contract.contract_id).await;
    assert!(!now.suspended);
    assert!(now.suspension_announcement_failure.contains("no such user"), "{}", now.suspension_announcement_failure);
}
