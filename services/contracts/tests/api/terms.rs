//! The general terms: versions, acceptances, termination for a worse version, primary contact.

use pactum_proto::pactum::contracts::v1 as pb;
use tonic::Code;

use crate::helpers::{article_of, date, spawn_app};

#[tokio::test]
async fn terms_need_a_month_and_are_listed() {
    let app = spawn_app().await;
    let short = app.publish_terms("2027-01", (2026, 11, 23), (2026, 12, 22), false).await.unwrap_err();
    assert_eq!(article_of(&short), "2.2");
    let published = app.publish_terms("2027-01", (2026, 11, 23), (2026, 12, 23), true).await.unwrap();
    assert!(published.materially_worse);
    assert_eq!(
        app.publish_terms("2027-01", (2026, 11, 23), (2027, 1, 1), true).await.unwrap_err().code(),
        Code::AlreadyExists
    );
    let listed = app.client.clone().list_terms(pb::ListTermsRequest {}).await.unwrap().into_inner();
    assert_eq!(listed.terms, [published]);
}

#[tokio::test]
async fn acceptances_are_logged_once() {
    let app = spawn_app().await;
    app.publish_terms("2027-01", (2026, 11, 1), (2026, 12, 1), false).await.unwrap();
    let customer = app.customer().await;
    let accept = |version: &str, by: &str| pb::AcceptTermsRequest {
        customer_id: customer.clone(),
        version: version.into(),
        accepted_at: Some(prost_types::Timestamp { seconds: 1_795_000_000, nanos: 0 }),
        accepted_by: by.into(),
        ip_address: "192.0.2.10".into(),
        request_id: pactum_testkit::request_id(),
    };
    let mut client = app.client.clone();
    let early = client.accept_terms(accept("2027-01", "Jan de Vries")).await.unwrap_err();
    assert_eq!(early.code(), Code::InvalidArgument, "accepted_at is later than the clock: {early:?}");
    app.set_today((2026, 11, 20)).await;
    let first = client.accept_terms(accept("2027-01", "Jan de Vries")).await.unwrap().into_inner();
    let again = client.accept_terms(accept("2027-01", "Someone else")).await.unwrap().into_inner();
    assert_eq!(first, again, "the log keeps the first acceptance");
    assert_eq!(client.accept_terms(accept("1999", "x")).await.unwrap_err().code(), Code::NotFound);
    let mut bad = accept("2027-01", "");
    bad.ip_address = "not-an-ip".into();
    assert_eq!(client.accept_terms(bad).await.unwrap_err().code(), Code::InvalidArgument);
    let listed = client
        .list_terms_acceptances(pb::ListTermsAcceptancesRequest { customer_id: customer.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.acceptances, [first]);
}

#[tokio::test]
async fn a_materially_worse_version_lets_the_customer_leave_on_its_effective_date() {
    let app = spawn_app().await;
    let c = app.signed((2026, 1, 1), 12).await;
    app.publish_terms("2026-07", (2026, 5, 1), (2026, 7, 1), true).await.unwrap();
    app.publish_terms("2026-08", (2026, 5, 1), (2026, 8, 1), false).await.unwrap();
    let mut client = app.client.clone();
    app.set_today((2026, 7, 2)).await;
    let request = |version: &str, day: (i32, i32, i32)| pb::TerminateForTermsChangeRequest {
        contract_id: c.contract_id.clone(),
        version: version.into(),
        notice_date: date(day.0, day.1, day.2),
        request_id: pactum_testkit::request_id(),
    };
    assert_eq!(
        article_of(&client.terminate_for_terms_change(request("2026-08", (2026, 6, 1))).await.unwrap_err()),
        "2.2"
    );
    assert_eq!(
        article_of(&client.terminate_for_terms_change(request("2026-07", (2026, 7, 2))).await.unwrap_err()),
        "2.2"
    );
    let ending = client.terminate_for_terms_change(request("2026-07", (2026, 6, 15))).await.unwrap().into_inner();
    assert_eq!((ending.status(), ending.end_date), (pb::ContractStatus::NoticeGiven, date(2026, 7, 1)));
    assert_eq!(app.run_renewals((2026, 7, 2)).await.terminated, 1);
    assert_eq!(app.contract(&c.contract_id).await.status(), pb::ContractStatus::Terminated);
}

#[tokio::test]
async fn the_primary_contact_can_be_updated() {
    let app = spawn_app().await;
    let customer = app.customer().await;
    let mut client = app.client.clone();
    let updated = client
        .update_primary_contact(pb::UpdatePrimaryContactRequest {
            customer_id: customer.clone(),
            primary_contact_email: "new@acme.nl".into(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.primary_contact_email, "new@acme.nl");
    let bad = client
        .update_primary_contact(pb::UpdatePrimaryContactRequest {
            customer_id: customer,
            primary_contact_email: "nope".into(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn the_postal_address_is_validated_and_announced() {
    let app = spawn_app().await;
    let mut client = app.client.clone();
    let address = |postcode: &str| {
        Some(pb::PostalAddress {
            street: "Keizersgracht 1".into(),
            postal_code: postcode.into(),
            city: "Amsterdam".into(),
            country_code: "nl".into(),
        })
    };
    let request = |postcode: &str| pb::CreateCustomerRequest {
        name: "Acme B.V.".into(),
        kvk_number: "12345678".into(),
        primary_contact_email: "finance@acme.nl".into(),
        request_id: String::new(),
        postal_address: address(postcode),
        language: Default::default(),
    };
    let bad = client.create_customer(request("12345")).await.unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);
    let created = client.create_customer(request("1015cj")).await.unwrap().into_inner();
    assert_eq!(created.postal_address.as_ref().unwrap().postal_code, "1015 CJ");
    assert_eq!(created.postal_address.as_ref().unwrap().country_code, "NL");

    let moved = client
        .update_postal_address(pb::UpdatePostalAddressRequest {
            customer_id: created.customer_id.clone(),
            postal_address: address("3511 AA").map(|a| pb::PostalAddress { city: "Utrecht".into(), ..a }),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(moved.postal_address.unwrap().city, "Utrecht");
    let fetched = client
        .get_customer(pb::GetCustomerRequest { customer_id: created.customer_id.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(fetched.postal_address.unwrap().postal_code, "3511 AA");
    let events: Vec<String> =
        sqlx::query_scalar("SELECT event_type FROM contracts.outbox ORDER BY seq").fetch_all(&app.pool).await.unwrap();
    assert_eq!(events, ["pactum.contracts.customer.created", "pactum.contracts.customer.address_changed"]);
}
