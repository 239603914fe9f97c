use pactum_proto::pactum::contracts::v1 as pb;
use tonic::Code;
use tonic_types::StatusExt;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_created_customer_can_be_read_back() {
    let app = spawn_app().await;
    let created = app.create_customer("Acme B.V.", "1234 5678", "Finance@Acme.NL", "").await.unwrap();
    assert_eq!(created.name, "Acme B.V.");
    assert_eq!(created.kvk_number, "12345678");
    assert_eq!(created.primary_contact_email, "Finance@acme.nl");
    assert!(created.created_at.is_some());

    let got = app
        .client
        .clone()
        .get_customer(pb::GetCustomerRequest { customer_id: created.customer_id.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got, created);
}

#[tokio::test]
async fn bad_input_gets_a_violation_per_field_and_stores_nothing() {
    let app = spawn_app().await;
    let status = app.create_customer("", "1234567", "not-an-email", "").await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let bad_request = status.get_details_bad_request().expect("a BadRequest detail");
    let fields: Vec<&str> = bad_request.field_violations.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(fields, ["name", "kvk_number", "primary_contact_email"]);
    assert!(bad_request.field_violations[1].description.contains("art. 3.8"), "{:?}", bad_request.field_violations[1]);
    assert_eq!(app.customer_count().await, 0);
    assert_eq!(app.outbox_events().await, 0);

    // One bad field alone is reported alone.
    let status = app.create_customer("Acme", "12345678", "finance@acme", "").await.unwrap_err();
    let fields: Vec<String> =
        status.get_details_bad_request().unwrap().field_violations.into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["primary_contact_email"]);
}

#[tokio::test]
async fn a_retry_with_the_same_request_id_returns_the_first_customer() {
    let app = spawn_app().await;
    let first = app
        .create_customer("Acme B.V.", "12345678", "finance@acme.nl", "00000000-0000-4000-8000-000000000001")
        .await
        .unwrap();
    let again = app
        .create_customer("Acme B.V.", "12345678", "finance@acme.nl", "00000000-0000-4000-8000-000000000001")
        .await
        .unwrap();
    assert_eq!(first, again);
    assert_eq!(app.customer_count().await, 1);
    assert_eq!(app.outbox_events().await, 1, "a retry emits no second event");

    let status = app
        .create_customer("Other B.V.", "87654321", "x@other.nl", "00000000-0000-4000-8000-000000000001")
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Aborted);
    assert_eq!(app.customer_count().await, 1);

    let other = app
        .create_customer("Acme B.V.", "12345678", "finance@acme.nl", "00000000-0000-4000-8000-000000000002")
        .await
        .unwrap();
    assert_ne!(other.customer_id, first.customer_id);
}

#[tokio::test]
async fn concurrent_retries_create_one_customer() {
    let app = spawn_app().await;
    let calls = (0..8).map(|_| {
        app.create_customer("Acme B.V.", "12345678", "finance@acme.nl", "00000000-0000-4000-8000-000000000003")
    });
    let results = futures::future::join_all(calls).await;
    let ids: std::collections::HashSet<String> = results.into_iter().map(|r| r.unwrap().customer_id).collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(app.customer_count().await, 1);
    assert_eq!(app.outbox_events().await, 1);
}

#[tokio::test]
async fn unknown_and_malformed_ids() {
    let app = spawn_app().await;
    let missing = app.client.clone().get_customer(pb::GetCustomerRequest { customer_id: uuid_v7() }).await.unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    let malformed =
        app.client.clone().get_customer(pb::GetCustomerRequest { customer_id: "nope".into() }).await.unwrap_err();
    assert_eq!(malformed.code(), Code::InvalidArgument);
    assert_eq!(malformed.get_details_bad_request().unwrap().field_violations[0].field, "customer_id");
}

#[tokio::test]
async fn customers_are_listed_in_pages() {
    let app = spawn_app().await;
    let mut created = Vec::new();
    for i in 0..5 {
        created
            .push(app.create_customer(&format!("Customer {i}"), "12345678", "a@b.nl", "").await.unwrap().customer_id);
    }
    let mut seen = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let page = app
            .client
            .clone()
            .list_customers(pb::ListCustomersRequest { page_size: 2, page_token: token.clone() })
            .await
            .unwrap()
            .into_inner();
        pages += 1;
        seen.extend(page.customers.into_iter().map(|c| c.customer_id));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, created, "every customer once, oldest first");

    let bad = app
        .client
        .clone()
        .list_customers(pb::ListCustomersRequest { page_size: -1, page_token: "garbage".into() })
        .await
        .unwrap_err();
    let fields: Vec<String> =
        bad.get_details_bad_request().unwrap().field_violations.into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["page_size", "page_token"]);
}

#[tokio::test]
async fn internal_errors_do_not_leak_their_cause() {
    let app = spawn_app().await;
    // The table vanishing is a fault no caller can fix: they get INTERNAL, without SQL in it.
    sqlx::query("ALTER TABLE contracts.customers RENAME TO customers_gone").execute(&app.pool).await.unwrap();
    let status = app.create_customer("Acme B.V.", "12345678", "finance@acme.nl", "").await.unwrap_err();
    assert_eq!(status.code(), Code::Internal);
    assert_eq!(status.message(), "internal error");
}

fn uuid_v7() -> String {
    pactum_domain::CustomerId::new().to_string()
}

/// Art. 14.20: a notice that bounced at the primary contact shows on the customer until one
/// gets through or the address changes.
#[tokio::test]
async fn an_undeliverable_primary_contact_shows_on_the_customer() {
    let app = spawn_app().await;
    let contract = app.signed((2026, 1, 1), 12).await;
    app.set_today((2026, 3, 10)).await;
    let announced = app
        .client
        .clone()
        .suspend(pb::SuspendRequest {
            contract_id: contract.contract_id.clone(),
            reason: "unpaid".into(),
            effective_date: crate::helpers::date(2026, 3, 20),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    app.announcement(&announced, Err("bounced")).await;
    let customer = app
        .client
        .clone()
        .get_customer(pb::GetCustomerRequest { customer_id: contract.customer_id.clone() })
        .await
        .unwrap()
        .into_inner();
    assert!(customer.primary_contact_undeliverable.contains("no such user"), "{customer:?}");
    assert!(customer.primary_contact_undeliverable_at.is_some());

    let changed = app
        .client
        .clone()
        .update_primary_contact(pb::UpdatePrimaryContactRequest {
            customer_id: contract.customer_id.clone(),
            primary_contact_email: "new@acme.nl".into(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(changed.primary_contact_undeliverable.is_empty(), "a new address starts clean");
}

/// Art. 14.19: notices are in Dutch unless the customer chose English; nothing else is accepted.
#[tokio::test]
async fn a_customer_chooses_the_language_of_its_notices() {
    let app = spawn_app().await;
    let request = |language: &str| pb::CreateCustomerRequest {
        name: "Acme Ltd".into(),
        kvk_number: "12345678".into(),
        primary_contact_email: "finance@acme.co.uk".into(),
        language: language.into(),
        ..Default::default()
    };
    let mut client = app.client.clone();
    assert_eq!(client.create_customer(request("")).await.unwrap().into_inner().language, "nl");
    assert_eq!(client.create_customer(request("en")).await.unwrap().into_inner().language, "en");
    let refused = client.create_customer(request("fr")).await.unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(refused.get_details_bad_request().unwrap().field_violations[0].field, "language");
    assert_eq!(app.customer_count().await, 2);
}
