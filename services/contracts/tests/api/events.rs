//! A whole lifecycle, read back from JetStream: order and payloads.

use std::time::Duration;

use pactum_proto::pactum::contracts::v1 as pb;
use pactum_testkit::eventually;
use prost::Message as _;

use crate::helpers::{date, spawn_app};

#[tokio::test]
async fn a_lifecycle_publishes_its_events_in_order_with_whole_contracts() {
    let app = spawn_app().await;
    let customer = app.customer().await;
    app.publish_terms("2026-01", (2025, 1, 1), (2025, 2, 1), false).await.unwrap();
    let mut client = app.client.clone();
    let trial = client
        .start_trial(pb::StartTrialRequest {
            customer_id: customer.clone(),
            start_date: date(2026, 1, 1),
            trial_days: 14,
            request_id: "00000000-0000-4000-8000-000000000012".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let contract = client.sign_contract(app.sign_request(&customer, (2026, 1, 10), 1)).await.unwrap().into_inner();
    let renewals = app.run_renewals((2026, 3, 15)).await;
    assert_eq!(renewals.renewed, 2);
    // The notice came in on 10 March; it is recorded on the 15th.
    let notice = client
        .give_notice(pb::GiveNoticeRequest {
            contract_id: contract.contract_id.clone(),
            party: pb::Party::Customer.into(),
            notice_date: date(2026, 3, 10),
            reason: "moving".into(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(notice.effective_end_date, date(2026, 4, 9), "exactly 30 days before the term's end");
    assert_eq!(app.run_renewals((2026, 4, 10)).await.terminated, 1);

    let expected = [
        "pactum.contracts.customer.created",
        "pactum.contracts.terms.published",
        "pactum.contracts.trial.started",
        "pactum.contracts.contract.signed",
        "pactum.contracts.trial.converted",
        "pactum.contracts.contract.renewed",
        "pactum.contracts.contract.renewed",
        "pactum.contracts.contract.notice_given",
        "pactum.contracts.contract.terminated",
    ];
    eventually(Duration::from_secs(10), || async { (app.stream_count().await == expected.len() as u64).then_some(()) })
        .await
        .expect("every event reaches JetStream");
    let messages = app.stream_messages().await;
    let subjects: Vec<&str> = messages.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(subjects, expected);

    let changes: Vec<pb::ContractChanged> =
        messages[2..].iter().map(|m| pb::ContractChanged::decode(m.payload.clone()).unwrap()).collect();
    let articles: Vec<&str> = changes.iter().map(|c| c.article.as_str()).collect();
    assert_eq!(articles, ["3.9", "13.1", "3.9", "13.1", "13.1", "13.2", "13.2"]);
    assert!(changes.iter().all(|c| c.customer_id == customer));
    for m in &messages[2..] {
        assert_eq!(
            m.headers.as_ref().unwrap().get("ce-dataschema").unwrap().as_str(),
            "pactum.contracts.v1.ContractChanged"
        );
    }

    let trial_started = changes[0].contract.as_ref().unwrap();
    assert_eq!(
        (trial_started.contract_id.as_str(), trial_started.status()),
        (trial.contract_id.as_str(), pb::ContractStatus::Trial)
    );
    let converted = &changes[2];
    assert_eq!(converted.contract.as_ref().unwrap().status(), pb::ContractStatus::Converted);
    assert_eq!(converted.details.as_ref().unwrap().converted_trial_id, contract.contract_id);
    assert_eq!(changes[1].details.as_ref().unwrap().converted_trial_id, trial.contract_id);

    let renewed: Vec<_> = changes[3..5]
        .iter()
        .map(|c| (c.details.clone().unwrap().renewed_term_start, c.details.clone().unwrap().renewed_term_end))
        .collect();
    assert_eq!(renewed, [(date(2026, 2, 10), date(2026, 3, 9)), (date(2026, 3, 10), date(2026, 4, 9))]);
    assert_eq!(
        changes[4].contract.as_ref().unwrap().current_term_end,
        date(2026, 4, 9),
        "the whole contract after the change"
    );

    let notice_event = &changes[5];
    assert_eq!(notice_event.contract.as_ref().unwrap().status(), pb::ContractStatus::NoticeGiven);
    assert_eq!(notice_event.details.as_ref().unwrap().effective_end_date, date(2026, 4, 9));
    assert_eq!(notice_event.details.as_ref().unwrap().party(), pb::Party::Customer);
    let terminated = changes[6].contract.as_ref().unwrap();
    assert_eq!((terminated.status(), terminated.end_date), (pb::ContractStatus::Terminated, date(2026, 4, 9)));

    let versions: Vec<i64> = changes[3..].iter().map(|c| c.contract.as_ref().unwrap().version).collect();
    assert_eq!(versions, [2, 3, 4, 5], "every change moves the version counter");
}
