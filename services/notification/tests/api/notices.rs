//! Notices end to end inside the service: events in, e-mail to a real SMTP server and the
//! in-app inbox out, with the evidence kept.

use pactum_proto::{
    google::r#type::{Date, Money},
    pactum::{billing::v1 as billing, contracts::v1 as contracts, notification::v1 as pb},
};
use prost::Message as _;
use sha2::Digest;
use uuid::Uuid;

use crate::helpers::{CustomerCreatedEvent, TestApp, spawn_app};

fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    Some(Date { year, month, day })
}

fn contract_changed(customer_id: &str, contract_id: Uuid, details: contracts::ChangeDetails, article: &str) -> Vec<u8> {
    contracts::ContractChanged {
        contract: Some(contracts::Contract {
            contract_id: contract_id.to_string(),
            customer_id: customer_id.to_owned(),
            start_date: date(2026, 1, 1),
            current_term_end: date(2026, 12, 31),
            ..Default::default()
        }),
        customer_id: customer_id.to_owned(),
        article: article.to_owned(),
        details: Some(details),
    }
    .encode_to_vec()
}

/// A customer known to notification, with the given primary contact.
async fn customer(app: &TestApp, email: &str) -> CustomerCreatedEvent {
    let created = CustomerCreatedEvent::new("Acme B.V.", email);
    app.publish(&created, 0).await;
    created
}

async fn signed(app: &TestApp, customer_id: &str, event_id: Uuid, copy: u32) {
    let payload = contract_changed(customer_id, Uuid::now_v7(), contracts::ChangeDetails::default(), "13.1");
    app.publish_event(
        "contracts",
        "pactum.contracts.contract.signed",
        "pactum.contracts.v1.ContractChanged",
        event_id,
        payload,
        copy,
    )
    .await;
}

/// Billing's `invoice.issued` for an invoice of `units` euros, due 15 January 2026.
async fn invoice_issued(app: &TestApp, customer_id: &str, number: &str, units: i64) {
    let issued = billing::InvoiceChanged {
        invoice: Some(billing::Invoice {
            invoice_number: number.into(),
            total: Some(Money { currency_code: "EUR".into(), units, nanos: 0 }),
            due_date: date(2026, 1, 15),
            ..Default::default()
        }),
        customer_id: customer_id.to_owned(),
        article: "8.6".into(),
        reason: String::new(),
    };
    let (event_type, schema) = ("pactum.billing.invoice.issued", "pactum.billing.v1.InvoiceChanged");
    app.publish_event("billing", event_type, schema, Uuid::now_v7(), issued.encode_to_vec(), 0).await;
}

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn a_signed_agreement_is_confirmed_by_mail_and_in_the_inbox_with_its_evidence() {
    let app = spawn_app().await;
    let created = customer(&app, "finance@acme.nl").await;
    signed(&app, &created.customer_id, Uuid::now_v7(), 0).await;

    let notices = app.settled_notices(&created.customer_id, 2).await;
    let email = notices.iter().find(|n| n.channel == pb::NoticeChannel::Email as i32).unwrap();
    let in_app = notices.iter().find(|n| n.channel == pb::NoticeChannel::InApp as i32).unwrap();
    assert_eq!((email.kind.as_str(), email.article.as_str(), email.critical), ("contract.signed", "13.1", true));
    assert_eq!(email.status, pb::NoticeStatus::Sent as i32);
    assert_eq!(email.recipient, "finance@acme.nl");
    assert!(email.subject.starts_with("Orderbevestiging"), "{}", email.subject);
    assert!(email.body_text.contains("2026-01-01") && email.body_text.contains("artikel 13.1"), "{}", email.body_text);
    assert_eq!(email.attempts.len(), 1);
    assert_eq!(email.attempts[0].reply_code, 250);
    assert!(email.sent_at.is_some() && email.message_id.ends_with("@pactum.example>"));

    // The evidence: the hash is of the exact bytes the mail server received (the server keeps
    // the CRLF that opens the end-of-data mark `<CRLF>.<CRLF>`; it is not the message's).
    let mails = app.smtp.messages();
    assert_eq!(mails.len(), 1);
    let received = mails[0].strip_suffix(b"\r\n").unwrap();
    assert_eq!(email.content_sha256, sha256_hex(received));
    let mail = String::from_utf8_lossy(&mails[0]);
    assert!(mail.contains(&format!("Message-ID: {}", email.message_id)), "{mail}");

    assert_eq!(in_app.status, pb::NoticeStatus::Sent as i32);
    assert_eq!(in_app.content_sha256, sha256_hex(in_app.body_text.as_bytes()));
    assert_eq!(app.notices(&created.customer_id).await.unread_count, 1);
    let read = app
        .client
        .clone()
        .mark_notice_read(pb::MarkNoticeReadRequest {
            notice_id: in_app.notice_id.clone(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(read.read_at.is_some());
    assert_eq!(app.notices(&created.customer_id).await.unread_count, 0);
    let fetched = app
        .client
        .clone()
        .get_notice(pb::GetNoticeRequest { notice_id: email.notice_id.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(&fetched, email, "GetNotice returns the evidence unchanged");
}

#[tokio::test]
async fn the_same_event_delivered_twice_sends_one_mail() {
    let app = spawn_app().await;
    let created = customer(&app, "finance@acme.nl").await;
    let event = Uuid::now_v7();
    signed(&app, &created.customer_id, event, 0).await;
    signed(&app, &created.customer_id, event, 1).await;
    app.settled_notices(&created.customer_id, 2).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.smtp.messages().len(), 1);
    assert_eq!(app.notices(&created.customer_id).await.notices.len(), 2);
}

#[tokio::test]
async fn a_451_is_retried_and_a_550_fails_the_notice() {
    let app = spawn_app().await;
    let later = customer(&app, "later+451@acme.nl").await;
    let never = customer(&app, "nobody+550@acme.nl").await;
    signed(&app, &later.customer_id, Uuid::now_v7(), 0).await;
    signed(&app, &never.customer_id, Uuid::now_v7(), 0).await;

    // The retry waits 30 s by the platform's clock: move it on once the first attempt failed.
    let first_failed = pactum_testkit::eventually(std::time::Duration::from_secs(20), || async {
        let notices = app.notices(&later.customer_id).await.notices;
        notices.iter().any(|n| n.attempts.len() == 1 && n.status == pb::NoticeStatus::Queued as i32).then_some(())
    })
    .await;
    assert!(first_failed.is_some(), "the 451 is recorded and the notice stays queued");
    app.set_time(app.time().await + chrono::Duration::seconds(31)).await.unwrap();

    let notices = app.settled_notices(&later.customer_id, 2).await;
    let email = notices.iter().find(|n| n.channel == pb::NoticeChannel::Email as i32).unwrap();
    assert_eq!(email.status, pb::NoticeStatus::Sent as i32);
    assert_eq!(email.attempts.iter().map(|a| a.reply_code).collect::<Vec<_>>(), [451, 250]);

    let notices = app.settled_notices(&never.customer_id, 2).await;
    let email = notices.iter().find(|n| n.channel == pb::NoticeChannel::Email as i32).unwrap();
    assert_eq!(email.status, pb::NoticeStatus::Failed as i32);
    assert_eq!(email.attempts.iter().map(|a| a.reply_code).collect::<Vec<_>>(), [550]);
    assert!(email.failure.contains("no such user"), "{}", email.failure);
    let failed_events: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notification.outbox WHERE event_type = 'pactum.notification.notice.failed'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(failed_events, 1);
}

#[tokio::test]
async fn a_bounce_marks_a_sent_mail_bounced() {
    let app = spawn_app().await;
    let created = customer(&app, "finance@acme.nl").await;
    signed(&app, &created.customer_id, Uuid::now_v7(), 0).await;
    let notices = app.settled_notices(&created.customer_id, 2).await;
    let email = notices.iter().find(|n| n.channel == pb::NoticeChannel::Email as i32).unwrap();
    let bounced = app
        .client
        .clone()
        .report_bounce(pb::ReportBounceRequest {
            message_id: email.message_id.clone(),
            reason: "mailbox full".into(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((bounced.status, bounced.failure.as_str()), (pb::NoticeStatus::Bounced as i32, "mailbox full"));
    assert_eq!(bounced.content_sha256, email.content_sha256, "the evidence is never edited");
    let unknown = app
        .client
        .clone()
        .report_bounce(pb::ReportBounceRequest {
            message_id: "<nope@x>".into(),
            reason: "x".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), tonic::Code::NotFound);
}

#[tokio::test]
async fn terms_and_price_changes_go_to_every_customer_with_an_active_agreement() {
    let app = spawn_app().await;
    let active = customer(&app, "a@acme.nl").await;
    let other = customer(&app, "b@acme.nl").await;
    let without = customer(&app, "c@acme.nl").await;
    signed(&app, &active.customer_id, Uuid::now_v7(), 0).await;
    signed(&app, &other.customer_id, Uuid::now_v7(), 0).await;
    app.settled_notices(&other.customer_id, 2).await;

    let terms = contracts::TermsPublished {
        terms: Some(contracts::TermsVersion {
            version: "2027-01".into(),
            effective_date: date(2027, 1, 1),
            summary: "New prices".into(),
            ..Default::default()
        }),
        article: "2.2".into(),
    };
    app.publish_event(
        "contracts",
        "pactum.contracts.terms.published",
        "pactum.contracts.v1.TermsPublished",
        Uuid::now_v7(),
        terms.encode_to_vec(),
        0,
    )
    .await;
    let change = billing::PriceChangeAnnounced {
        price_change: Some(billing::PriceChange {
            percent: "3.5".into(),
            effective_date: date(2027, 2, 1),
            reason: "CPI".into(),
            ..Default::default()
        }),
        article: "8.4".into(),
    };
    app.publish_event(
        "billing",
        "pactum.billing.prices.change_announced",
        "pactum.billing.v1.PriceChangeAnnounced",
        Uuid::now_v7(),
        change.encode_to_vec(),
        0,
    )
    .await;
    let notices = app.settled_notices(&active.customer_id, 6).await;
    assert!(notices.iter().any(|n| n.kind == "terms.published" && n.body_text.contains("2027-01")));
    assert!(notices.iter().any(|n| n.kind == "prices.change_announced" && n.subject.contains("3.5%")));
    app.settled_notices(&other.customer_id, 6).await;
    assert!(app.notices(&without.customer_id).await.notices.is_empty(), "no agreement, no announcement");
}

#[tokio::test]
async fn an_invoice_is_announced_with_its_number_amount_and_due_date() {
    let app = spawn_app().await;
    let created = customer(&app, "finance@acme.nl").await;
    invoice_issued(&app, &created.customer_id, "2026-000042", 121).await;
    let notices = app.settled_notices(&created.customer_id, 2).await;
    let email = notices.iter().find(|n| n.channel == pb::NoticeChannel::Email as i32).unwrap();
    assert_eq!(email.subject, "Factuur 2026-000042 van EUR 121.00");
    assert!(email.body_text.contains("2026-01-15"));
}

#[tokio::test]
async fn bad_requests_are_refused_clearly() {
    let app = spawn_app().await;
    let mut client = app.client.clone();
    let missing = client.get_notice(pb::GetNoticeRequest { notice_id: Uuid::now_v7().to_string() }).await.unwrap_err();
    assert_eq!(missing.code(), tonic::Code::NotFound);
    let malformed = client.get_notice(pb::GetNoticeRequest { notice_id: "nope".into() }).await.unwrap_err();
    assert_eq!(malformed.code(), tonic::Code::InvalidArgument);
    let list = client
        .list_notices(pb::ListNoticesRequest { customer_id: "nope".into(), channel: 9, ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(list.code(), tonic::Code::InvalidArgument);
}

fn at(y: i32, m: u32, d: u32, h: u32) -> Option<prost_types::Timestamp> {
    let local = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, 0, 0).unwrap();
    let utc = local.and_local_timezone(chrono_tz::Europe::Amsterdam).unwrap().with_timezone(&chrono::Utc);
    Some(prost_types::Timestamp { seconds: utc.timestamp(), nanos: 0 })
}

#[tokio::test]
async fn maintenance_in_office_hours_is_refused_unless_urgent_and_announcements_reach_active_customers() {
    let app = spawn_app().await;
    let active = customer(&app, "a@acme.nl").await;
    signed(&app, &active.customer_id, Uuid::now_v7(), 0).await;
    app.settled_notices(&active.customer_id, 2).await;
    let mut client = app.client.clone();

    // Tuesday 2 March 2027, 10:00–11:00 in Amsterdam: office hours.
    let during = pb::AnnounceMaintenanceRequest {
        starts_at: at(2027, 3, 2, 10),
        ends_at: at(2027, 3, 2, 11),
        description: "Database upgrade".into(),
        request_id: pactum_testkit::request_id(),
        ..Default::default()
    };
    let refused = client.announce_maintenance(during.clone()).await.unwrap_err();
    assert_eq!(refused.code(), tonic::Code::FailedPrecondition);
    assert!(refused.message().contains("art. 14.4"), "{}", refused.message());
    assert_eq!(app.notices(&active.customer_id).await.notices.len(), 2, "nothing announced");

    let urgent_without_reason = pb::AnnounceMaintenanceRequest { urgent: true, ..during.clone() };
    assert_eq!(
        client.announce_maintenance(urgent_without_reason).await.unwrap_err().code(),
        tonic::Code::InvalidArgument
    );
    let urgent = pb::AnnounceMaintenanceRequest {
        urgent: true,
        reason: "security fix".into(),
        request_id: pactum_testkit::request_id(),
        ..during
    };
    let announced = client.announce_maintenance(urgent).await.unwrap().into_inner();
    assert_eq!(
        (announced.kind.as_str(), announced.article.as_str(), announced.customers),
        ("maintenance.planned", "14.4", 1)
    );

    let evening = pb::AnnounceMaintenanceRequest {
        starts_at: at(2027, 3, 2, 20),
        ends_at: at(2027, 3, 2, 23),
        description: "Backups".into(),
        request_id: pactum_testkit::request_id(),
        ..Default::default()
    };
    client.announce_maintenance(evening).await.unwrap();
    let change = pb::AnnounceChangeRequest {
        title: "Exports".into(),
        body: "The CSV export changes its columns.".into(),
        material: true,
        request_id: pactum_testkit::request_id(),
    };
    let material = client.announce_change(change).await.unwrap().into_inner();
    assert_eq!((material.kind.as_str(), material.article.as_str()), ("service.material_change", "14.2"));

    let notices = app.settled_notices(&active.customer_id, 8).await;
    let urgent_mail = notices.iter().find(|n| n.kind == "maintenance.planned" && n.body_text.contains("security fix"));
    assert!(urgent_mail.is_some_and(|n| n.body_text.contains("2027-03-02 10:00") && !n.critical));
    assert!(notices.iter().any(|n| n.kind == "service.material_change" && n.critical && n.subject.contains("Exports")));
}

#[tokio::test]
async fn watch_notices_receives_a_notice_pushed_while_it_listens() {
    use futures::StreamExt as _;
    let app = spawn_app().await;
    let created = customer(&app, "finance@acme.nl").await;
    let other = customer(&app, "other@acme.nl").await;
    app.consumer_settled().await;
    let mut stream = app
        .client
        .clone()
        .watch_notices(pb::WatchNoticesRequest { customer_id: created.customer_id.clone() })
        .await
        .unwrap()
        .into_inner();
    signed(&app, &other.customer_id, Uuid::now_v7(), 0).await;
    signed(&app, &created.customer_id, Uuid::now_v7(), 0).await;
    let pushed = tokio::time::timeout(std::time::Duration::from_secs(20), stream.next())
        .await
        .expect("a notice arrives while watching")
        .expect("the stream is open")
        .unwrap();
    assert_eq!(pushed.customer_id, created.customer_id, "only the watched customer's notices");
    assert_eq!((pushed.kind.as_str(), pushed.channel), ("contract.signed", pb::NoticeChannel::InApp as i32));
    let malformed = app.client.clone().watch_notices(pb::WatchNoticesRequest { customer_id: "x".into() }).await;
    assert_eq!(malformed.unwrap_err().code(), tonic::Code::InvalidArgument);
}

/// The billing and contracts streams are not ordered with each other: an invoice that arrives
/// before its customer's contact waits for it, and is not lost.
#[tokio::test]
async fn a_notice_whose_contact_arrives_later_waits_for_it() {
    let app = spawn_app().await;
    let created = CustomerCreatedEvent::new("Acme B.V.", "finance@acme.nl");
    invoice_issued(&app, &created.customer_id, "2026-000007", 10).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    app.publish(&created, 0).await;
    let notices = app.settled_notices(&created.customer_id, 2).await;
    assert!(notices.iter().all(|n| n.kind == "invoice.issued"));
    assert_eq!(app.smtp.messages().len(), 1);
}

/// Art. 14.19: a customer who chose English reads its notices in English.
#[tokio::test]
async fn an_english_customer_gets_english_notices() {
    let app = spawn_app().await;
    let created = CustomerCreatedEvent::english("Acme Ltd", "finance@acme.co.uk");
    app.publish(&created, 0).await;
    invoice_issued(&app, &created.customer_id, "2026-000099", 50).await;
    let notices = app.settled_notices(&created.customer_id, 2).await;
    assert!(
        notices.iter().all(|n| n.language == "en" && n.subject == "Invoice 2026-000099 of EUR 50.00"),
        "{notices:#?}"
    );
    assert!(notices[0].body_text.starts_with("Dear Acme Ltd,"));
}

/// Art. 14.18, 14.19: a customer may take informational notices in the application only;
/// critical ones still go by e-mail.
#[tokio::test]
async fn informational_e_mail_can_be_muted_but_critical_notices_still_go_by_e_mail() {
    let app = spawn_app().await;
    let created = customer(&app, "finance@acme.nl").await;
    signed(&app, &created.customer_id, Uuid::now_v7(), 0).await;
    app.settled_notices(&created.customer_id, 2).await;
    let contact = app
        .client
        .clone()
        .set_notice_preferences(pb::SetNoticePreferencesRequest {
            customer_id: created.customer_id.clone(),
            mute_informational_email: true,
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(contact.mute_informational_email);
    let mut client = app.client.clone();
    for material in [false, true] {
        client
            .announce_change(pb::AnnounceChangeRequest {
                title: "Exports".into(),
                body: "CSV exports".into(),
                material,
                request_id: pactum_testkit::request_id(),
            })
            .await
            .unwrap();
    }
    // 2 for the order confirmation, 1 (in-app only) for the feature, 2 for the material change.
    let notices = app.settled_notices(&created.customer_id, 5).await;
    let channels = |kind: &str| notices.iter().filter(|n| n.kind == kind).map(|n| n.channel).collect::<Vec<_>>();
    assert_eq!(channels("service.change"), [pb::NoticeChannel::InApp as i32]);
    assert_eq!(channels("service.material_change").len(), 2);
    let unknown = client
        .set_notice_preferences(pb::SetNoticePreferencesRequest {
            customer_id: pactum_domain::CustomerId::new().to_string(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), tonic::Code::NotFound);
}
