//! Business time comes from the platform's clock: every date a caller states for a fact that
//! has happened is refused when it lies after today, field by field, and changes nothing.

use pactum_proto::pactum::contracts::v1 as pb;
use tonic::Code;
use tonic_types::StatusExt;

use crate::helpers::{TestApp, date, spawn_app};

/// Every row and event of the service, to compare before and after a refused call.
async fn snapshot(app: &TestApp) -> (Vec<String>, i64) {
    let contracts: Vec<String> =
        sqlx::query_scalar("SELECT row_to_json(c)::text FROM contracts.contracts c ORDER BY contract_id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    (contracts, app.outbox_events().await)
}

fn refused_field(status: &tonic::Status) -> String {
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    let violations = status.get_details_bad_request().expect("field violations").field_violations;
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(violations[0].description.contains("must not be later than"), "{}", violations[0].description);
    violations[0].field.clone()
}

#[tokio::test]
async fn no_date_from_the_future_is_accepted_and_a_refusal_changes_nothing() {
    let app = spawn_app().await;
    let c = app.signed((2026, 1, 1), 12).await;
    let trial_customer = app.customer().await;
    app.publish_terms("2026-07", (2026, 5, 1), (2026, 7, 1), true).await.unwrap();
    app.set_today((2026, 6, 1)).await;
    let tomorrow = date(2026, 6, 2);
    let id = || c.contract_id.clone();
    let mut client = app.client.clone();
    let before = snapshot(&app).await;

    let mut refused = Vec::new();
    let notice = pb::GiveNoticeRequest {
        contract_id: id(),
        party: pb::Party::Customer.into(),
        notice_date: tomorrow,
        reason: String::new(),
        request_id: pactum_testkit::request_id(),
    };
    refused.push(refused_field(&client.give_notice(notice).await.unwrap_err()));
    let dissolve = pb::DissolveRequest {
        contract_id: id(),
        ground: pb::DissolutionGround::Bankruptcy.into(),
        effective_date: tomorrow,
        request_id: pactum_testkit::request_id(),
    };
    refused.push(refused_field(&client.dissolve(dissolve).await.unwrap_err()));
    let fm = pb::DeclareForceMajeureRequest {
        contract_id: id(),
        started_on: tomorrow,
        request_id: pactum_testkit::request_id(),
    };
    refused.push(refused_field(&client.declare_force_majeure(fm).await.unwrap_err()));
    let fm_end = pb::TerminateForForceMajeureRequest {
        contract_id: id(),
        date: tomorrow,
        request_id: pactum_testkit::request_id(),
    };
    refused.push(refused_field(&client.terminate_for_force_majeure(fm_end).await.unwrap_err()));
    let resume = pb::ResumeRequest { contract_id: id(), date: tomorrow, request_id: pactum_testkit::request_id() };
    refused.push(refused_field(&client.resume(resume).await.unwrap_err()));
    let renewals = pb::RunRenewalsRequest { as_of: date(2031, 1, 1), request_id: pactum_testkit::request_id() };
    refused.push(refused_field(&client.run_renewals(renewals).await.unwrap_err()));
    let terms = pb::TerminateForTermsChangeRequest {
        contract_id: id(),
        version: "2026-07".into(),
        notice_date: tomorrow,
        request_id: pactum_testkit::request_id(),
    };
    refused.push(refused_field(&client.terminate_for_terms_change(terms).await.unwrap_err()));
    let accepted_at = prost_types::Timestamp { seconds: pactum_testkit::noon(2026, 6, 2).timestamp(), nanos: 0 };
    let accept = pb::AcceptTermsRequest {
        customer_id: trial_customer.clone(),
        version: "2026-07".into(),
        accepted_at: Some(accepted_at),
        accepted_by: "Jan".into(),
        ip_address: "192.0.2.1".into(),
        request_id: pactum_testkit::request_id(),
    };
    refused.push(refused_field(&client.accept_terms(accept).await.unwrap_err()));
    assert_eq!(
        refused,
        ["notice_date", "effective_date", "started_on", "date", "date", "as_of", "notice_date", "accepted_at"]
    );
    // Far beyond the calendar the platform accepts: refused at the edge, in milliseconds.
    let far = client
        .run_renewals(pb::RunRenewalsRequest { as_of: date(9999, 12, 31), request_id: pactum_testkit::request_id() })
        .await
        .unwrap_err();
    assert_eq!(far.code(), Code::InvalidArgument);
    assert_eq!(snapshot(&app).await, before, "no refused call changed a row or wrote an event");

    // Today is accepted, and announcements are dated today by the clock.
    let suspended = client
        .suspend(pb::SuspendRequest {
            contract_id: id(),
            reason: "unpaid".into(),
            effective_date: date(2026, 6, 15),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(suspended.suspension_effective_date, date(2026, 6, 15));
    let announced: Vec<u8> = sqlx::query_scalar(
        "SELECT payload FROM contracts.outbox WHERE event_type = 'pactum.contracts.contract.suspension_announced'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let event: pb::ContractChanged = prost::Message::decode(announced.as_slice()).unwrap();
    assert_eq!(event.details.unwrap().announced_on, date(2026, 6, 1));
    let published = app.publish_terms("2026-08", (2026, 6, 1), (2026, 7, 1), false).await.unwrap();
    assert_eq!(published.published_on, date(2026, 6, 1));
}

#[tokio::test]
async fn the_test_clock_moves_forward_only() {
    let app = spawn_app().await;
    app.set_today((2027, 3, 1)).await;
    let back = app.set_time(pactum_testkit::noon(2027, 2, 28)).await.unwrap_err();
    assert_eq!(back.code(), Code::FailedPrecondition);
    assert_eq!(app.time().await, pactum_testkit::noon(2027, 3, 1));
    let same = app.set_time(pactum_testkit::noon(2027, 3, 1)).await.unwrap();
    assert_eq!(same.today, date(2027, 3, 1));
    let far = app.set_time(pactum_testkit::noon(2300, 1, 1)).await.unwrap_err();
    assert_eq!(far.code(), Code::InvalidArgument);
}
