//! The rules of the terms as tables: each article, at its edges.

use chrono::NaiveDate;
use pactum_domain::{ContractId, CustomerId, Money};

use super::*;
use crate::domain::terms::TermsVersion;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn signed(start: NaiveDate, term_months: u32) -> Contract {
    let new = NewContract {
        customer_id: CustomerId::new(),
        start_date: start,
        term_months,
        billing_period: BillingPeriod::Monthly,
        payment_method: PaymentMethod::DirectDebit,
        lines: vec![ContractLine { product_code: "SEAT".into(), quantity: 3, unit_price: Money::from_cents(1500) }],
        terms_version: "2026-01".into(),
    };
    new.sign(ContractId::new(), None).unwrap().0
}

fn refusal(result: Result<Vec<Decision>, ContractError>) -> (&'static str, &'static str, String) {
    match result {
        Err(ContractError::Refused { article, reason, message }) => (article, reason, message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Art. 13.1: the term ends the day before the same day `term_months` later, or on the last day
/// of a month that lacks that day.
#[test]
fn initial_terms() {
    let table = [
        (d(2026, 1, 1), 12, d(2026, 12, 31)),
        (d(2026, 1, 31), 1, d(2026, 2, 28)),
        (d(2028, 1, 31), 1, d(2028, 2, 29)),
        (d(2026, 3, 15), 1, d(2026, 4, 14)),
        (d(2024, 2, 29), 12, d(2025, 2, 28)),
        (d(2026, 8, 31), 3, d(2026, 11, 30)),
    ];
    for (start, months, end) in table {
        let c = signed(start, months);
        assert_eq!((c.current_term.first(), c.current_term.last()), (start, end), "{start} + {months} months");
        assert_eq!(c.status, ContractStatus::Active);
    }
}

/// Art. 8.5: quarterly fees are collected by direct debit only.
#[test]
fn quarterly_needs_direct_debit() {
    let mut new = NewContract {
        customer_id: CustomerId::new(),
        start_date: d(2026, 1, 1),
        term_months: 12,
        billing_period: BillingPeriod::Quarterly,
        payment_method: PaymentMethod::BankTransfer,
        lines: vec![],
        terms_version: "v".into(),
    };
    match new.clone().sign(ContractId::new(), None) {
        Err(ContractError::Refused { article, .. }) => assert_eq!(article, "8.5"),
        other => panic!("{other:?}"),
    }
    new.billing_period = BillingPeriod::Yearly;
    assert!(new.sign(ContractId::new(), None).is_ok(), "yearly may be paid by transfer");
}

/// Art. 13.2: 30 days or more before the term's end → that end; fewer → the end of the next term.
#[test]
fn notice_periods() {
    // Term 2026-01-01 .. 2026-12-31, yearly.
    let table = [
        (d(2026, 12, 1), d(2026, 12, 31)),  // exactly 30 days
        (d(2026, 12, 2), d(2027, 12, 31)),  // 29 days: too late for this term
        (d(2026, 1, 1), d(2026, 12, 31)),   // the first day
        (d(2026, 12, 31), d(2027, 12, 31)), // the last day
        (d(2027, 3, 1), d(2027, 12, 31)),   // given in a later term not yet renewed to
        (d(2027, 12, 5), d(2028, 12, 31)),
    ];
    for (notice, end) in table {
        let mut c = signed(d(2026, 1, 1), 12);
        let decisions = c.give_notice(Party::Customer, notice, "moving on".into()).unwrap();
        assert_eq!(c.end_date, Some(end), "notice on {notice}");
        assert_eq!(c.status, ContractStatus::NoticeGiven);
        assert_eq!(decisions[0].article, "13.2");
        assert!(matches!(decisions[0].change, Change::NoticeGiven { effective_end, .. } if effective_end == end));
    }
    // A leap year: 30 days before 29 February 2028 is 30 January.
    let mut leap = signed(d(2027, 3, 1), 12);
    leap.give_notice(Party::Vendor, d(2028, 1, 30), String::new()).unwrap();
    assert_eq!(leap.end_date, Some(d(2028, 2, 29)));
    let mut late = signed(d(2027, 3, 1), 12);
    late.give_notice(Party::Vendor, d(2028, 1, 31), String::new()).unwrap();
    assert_eq!(late.end_date, Some(d(2029, 2, 28)));
}

#[test]
fn notice_twice_or_before_the_start_is_refused() {
    let mut c = signed(d(2026, 1, 1), 12);
    assert!(matches!(c.give_notice(Party::Customer, d(2025, 12, 31), String::new()), Err(ContractError::Invalid(_))));
    c.give_notice(Party::Customer, d(2026, 6, 1), String::new()).unwrap();
    let (article, reason, _) = refusal(c.give_notice(Party::Customer, d(2026, 6, 2), String::new()));
    assert_eq!((article, reason), ("13.2", "NOTICE_ALREADY_GIVEN"));
}

/// The transition table refuses what the terms do not allow, naming the current status.
#[test]
fn illegal_transitions_name_the_status() {
    let mut c = signed(d(2026, 1, 1), 12);
    c.dissolve(DissolutionGround::Bankruptcy, d(2026, 5, 1)).unwrap();
    assert_eq!(c.end_date, Some(d(2026, 5, 1)));
    let (article, _, message) = refusal(c.give_notice(Party::Customer, d(2026, 6, 1), String::new()));
    assert_eq!(article, "13.2");
    assert!(message.contains("DISSOLVED"), "{message}");
    assert!(!transition_allowed(ContractStatus::Terminated, ContractStatus::Active));
    assert!(!transition_allowed(ContractStatus::Dissolved, ContractStatus::NoticeGiven));
    assert!(transition_allowed(ContractStatus::NoticeGiven, ContractStatus::Dissolved));
}

/// Art. 13.1: tacit renewal, counted from the start so terms never drift; idempotent.
#[test]
fn renewals_do_not_drift_and_run_once() {
    let mut c = signed(d(2026, 1, 31), 1);
    let decisions = c.catch_up(d(2026, 5, 1));
    let terms: Vec<(NaiveDate, NaiveDate)> = decisions
        .iter()
        .filter_map(|x| match x.change {
            Change::Renewed { term } => Some((term.first(), term.last())),
            _ => None,
        })
        .collect();
    assert_eq!(
        terms,
        [(d(2026, 3, 1), d(2026, 3, 30)), (d(2026, 3, 31), d(2026, 4, 30)), (d(2026, 5, 1), d(2026, 5, 30))],
        "31 Jan–28 Feb, 1–30 Mar, 31 Mar–30 Apr, 1–30 May"
    );
    assert_eq!(c.term_index, 3);
    let version = c.version;
    assert!(c.catch_up(d(2026, 5, 1)).is_empty(), "a second run the same day changes nothing");
    assert_eq!(c.version, version);
    // A term that ends on as_of's eve renews; one that ends on as_of does not yet.
    let mut y = signed(d(2026, 1, 1), 12);
    assert!(y.catch_up(d(2026, 12, 31)).is_empty());
    assert_eq!(y.catch_up(d(2027, 1, 1)).len(), 1);
    assert_eq!(y.current_term.last(), d(2027, 12, 31));
}

/// Art. 13.2 and 13.1 together: a notice ends the agreement instead of the next renewal.
#[test]
fn notice_then_end_of_term_terminates() {
    let mut c = signed(d(2026, 1, 1), 12);
    c.give_notice(Party::Customer, d(2026, 12, 15), String::new()).unwrap();
    assert_eq!(c.end_date, Some(d(2027, 12, 31)));
    let renewed = c.catch_up(d(2027, 1, 1));
    assert!(matches!(renewed[..], [Decision { change: Change::Renewed { .. }, .. }]), "late notice: one more term");
    assert!(c.catch_up(d(2027, 12, 31)).is_empty(), "still running on its last day");
    let ended = c.catch_up(d(2028, 1, 1));
    assert!(matches!(ended[..], [Decision { change: Change::Terminated { .. }, article: "13.2", .. }]));
    assert_eq!(c.status, ContractStatus::Terminated);
    assert!(c.catch_up(d(2030, 1, 1)).is_empty());
}

/// Art. 3.9: a trial of `trial_days` ends `trial_days − 1` days after its start and expires after.
#[test]
fn trials() {
    let trial = NewTrial { customer_id: CustomerId::new(), start_date: d(2026, 2, 1), trial_days: 30 };
    let (mut t, decisions) = trial.start(ContractId::new());
    assert_eq!(t.trial_end_date, Some(d(2026, 3, 2)));
    assert_eq!(decisions[0].change, Change::TrialStarted);
    assert!(t.catch_up(d(2026, 3, 2)).is_empty());
    assert_eq!(t.catch_up(d(2026, 3, 3))[0].change, Change::TrialExpired);
    assert_eq!(t.status, ContractStatus::TrialExpired);
    let (mut converted, _) =
        NewTrial { customer_id: CustomerId::new(), start_date: d(2026, 2, 1), trial_days: 1 }.start(ContractId::new());
    assert_eq!(converted.trial_end_date, Some(d(2026, 2, 1)));
    converted.convert_trial(ContractId::new()).unwrap();
    assert_eq!(converted.status, ContractStatus::Converted);
    assert!(converted.catch_up(d(2027, 1, 1)).is_empty(), "a converted trial never expires");
}

/// Art. 8.9, 14.21: announced in writing first; effective on the day it says, and never before
/// the announcement was sent; an announcement that could not be delivered keeps it from effect.
#[test]
fn suspension() {
    let sent = |y, m, day| d(y, m, day).and_hms_opt(10, 0, 0).unwrap().and_utc();
    let mut c = signed(d(2026, 1, 1), 12);
    let (article, reason, _) = refusal(c.suspend("unpaid".into(), d(2026, 3, 10), d(2026, 3, 9)));
    assert_eq!((article, reason), ("8.9", "SUSPENSION_NOT_ANNOUNCED"));
    let decisions = c.suspend("unpaid".into(), d(2026, 3, 10), d(2026, 3, 24)).unwrap();
    assert_eq!(decisions.len(), 1, "announced only");
    assert!(!c.suspended);
    assert!(c.catch_up(d(2026, 3, 24)).is_empty(), "the announcement was not sent yet");
    assert!(c.record_suspension_announcement(Ok(sent(2026, 3, 10)), d(2026, 3, 10)).is_empty(), "not due yet");
    assert!(c.catch_up(d(2026, 3, 23)).is_empty());
    assert!(matches!(c.catch_up(d(2026, 3, 24))[..], [Decision { change: Change::Suspended { .. }, .. }]));
    assert!(c.suspended);
    c.resume(d(2026, 4, 1)).unwrap();
    assert!(!c.suspended && c.suspension_effective_date.is_none() && c.suspension_announcement_sent_at.is_none());

    // Effective today, announced today: it applies as soon as the announcement is sent.
    assert_eq!(c.suspend("unpaid".into(), d(2026, 5, 1), d(2026, 5, 1)).unwrap().len(), 1);
    assert!(!c.suspended);
    let applied = c.record_suspension_announcement(Ok(sent(2026, 5, 1)), d(2026, 5, 1));
    assert!(matches!(applied[..], [Decision { change: Change::Suspended { .. }, .. }]));
    assert!(c.suspended);
    let (article, _, _) = refusal(c.suspend("again".into(), d(2026, 5, 2), d(2026, 5, 2)));
    assert_eq!(article, "8.9");
    c.resume(d(2026, 5, 3)).unwrap();

    // An announcement that bounced: the suspension never takes effect, and the contract says why.
    c.suspend("unpaid".into(), d(2026, 6, 1), d(2026, 6, 15)).unwrap();
    assert!(c.record_suspension_announcement(Err("550 no such user".into()), d(2026, 6, 1)).is_empty());
    assert!(c.catch_up(d(2026, 7, 1)).is_empty() && !c.suspended);
    assert_eq!(c.suspension_announcement_failure.as_deref(), Some("550 no such user"));
}

/// Art. 14.9: unless urgent, the warning comes first.
#[test]
fn access_blocking() {
    let sent = d(2026, 3, 1).and_hms_opt(10, 0, 0).unwrap().and_utc();
    let mut c = signed(d(2026, 1, 1), 12);
    let warned = c.block_access("credential sharing".into(), false).unwrap();
    assert!(matches!(warned[..], [Decision { change: Change::BlockAnnounced { .. }, .. }]));
    assert!(!c.access_blocked, "warned first: blocked once the warning is sent");
    assert_eq!(refusal(c.block_access("again".into(), false)).1, "ALREADY_WARNED");
    assert!(c.record_block_warning(Err("550 no such user".into())).is_empty());
    assert!(!c.access_blocked && c.access_block_warning_failure.is_some());
    let blocked = c.record_block_warning(Ok(sent));
    assert!(matches!(blocked[..], [Decision { change: Change::Blocked { urgent: false, .. }, .. }]));
    assert!(c.access_blocked && c.access_block_warning_sent_at == Some(sent));
    assert!(c.record_block_warning(Ok(sent)).is_empty(), "reported twice, blocked once");
    assert_eq!(refusal(c.block_access("again".into(), true)).1, "ALREADY_BLOCKED");
    c.unblock_access().unwrap();
    let urgent = c.block_access("attack".into(), true).unwrap();
    assert!(matches!(urgent[..], [Decision { change: Change::Blocked { urgent: true, .. }, article: "14.9", .. }]));
    c.unblock_access().unwrap();
    c.block_access("misuse".into(), false).unwrap();
    c.unblock_access().unwrap();
    assert!(c.access_block_pending.is_none(), "a warning can be withdrawn");
}

/// Art. 11.2: termination only after more than 60 days of force majeure.
#[test]
fn force_majeure() {
    let mut c = signed(d(2026, 1, 1), 12);
    assert_eq!(refusal(c.terminate_for_force_majeure(d(2026, 6, 1))).1, "NO_FORCE_MAJEURE");
    c.declare_force_majeure(d(2026, 3, 1)).unwrap();
    let (article, reason, message) = refusal(c.terminate_for_force_majeure(d(2026, 4, 30)));
    assert_eq!((article, reason), ("11.2", "FORCE_MAJEURE_TOO_SHORT"));
    assert!(message.contains("60 days"), "{message}");
    c.terminate_for_force_majeure(d(2026, 5, 1)).unwrap();
    assert_eq!((c.status, c.end_date), (ContractStatus::Terminated, Some(d(2026, 5, 1))));
}

/// Art. 2.2: a month's notice of new terms; termination as of a materially worse version.
#[test]
fn terms_changes() {
    let publish = |published, effective, worse| {
        TermsVersion::publish(
            "2027-01",
            Some(published),
            Some(effective),
            worse,
            "new prices",
            pactum_domain::Violations::default(),
        )
    };
    assert!(matches!(
        publish(d(2026, 1, 31), d(2026, 2, 27), true),
        Err(crate::domain::terms::TermsError::Refused { article: "2.2", .. })
    ));
    let worse = publish(d(2026, 1, 31), d(2026, 2, 28), true).unwrap();
    let better = publish(d(2026, 1, 31), d(2026, 3, 1), false).unwrap();

    let mut c = signed(d(2025, 6, 1), 12);
    assert_eq!(refusal(c.terminate_for_terms_change(&better, d(2026, 2, 1))).1, "TERMS_NOT_MATERIALLY_WORSE");
    assert_eq!(refusal(c.terminate_for_terms_change(&worse, d(2026, 3, 1))).1, "TERMS_ALREADY_EFFECTIVE");
    c.terminate_for_terms_change(&worse, d(2026, 2, 28)).unwrap();
    assert_eq!((c.status, c.end_date), (ContractStatus::NoticeGiven, Some(d(2026, 2, 28))));
    let ended = c.catch_up(d(2026, 3, 1));
    assert!(matches!(ended[..], [Decision { change: Change::Terminated { .. }, article: "2.2", .. }]));
}

/// Every decision carries the contract as it is right after, with the version counter moving.
#[test]
fn decisions_snapshot_the_contract() {
    let mut c = signed(d(2026, 1, 1), 1);
    let decisions = c.catch_up(d(2026, 4, 1));
    assert_eq!(decisions.len(), 3);
    let versions: Vec<i64> = decisions.iter().map(|x| x.contract.version).collect();
    assert_eq!(versions, [2, 3, 4]);
    assert_eq!(decisions[0].contract.current_term.first(), d(2026, 2, 1));
    assert_eq!(decisions[2].contract, c);
}

/// No date makes a catch-up loop without bound: at most `MAX_RENEWALS_PER_RUN` terms per run,
/// the rest in the runs that follow, ending where one long run would have.
#[test]
fn catch_up_is_bounded_per_run() {
    let mut c = signed(d(2000, 1, 1), 1);
    let first = c.catch_up(d(2199, 12, 31));
    assert_eq!(first.len(), lifecycle::MAX_RENEWALS_PER_RUN as usize);
    assert_eq!(c.current_term.first(), d(2010, 1, 1));
    let mut runs = 1;
    while !c.catch_up(d(2199, 12, 31)).is_empty() {
        runs += 1;
    }
    assert_eq!(runs, 20, "2,400 monthly terms at 120 a run");
    assert_eq!(c.current_term.first(), d(2199, 12, 1));
}

/// Every date a contract derives from accepted input is one events can carry (and billing
/// accepts): the longest term begun on the last day a renewal can happen ends before
/// `LATEST_DERIVED_DATE`.
#[test]
fn every_derived_date_is_one_events_carry() {
    use pactum_domain::calendar::{LATEST_DATE, LATEST_DERIVED_DATE, MAX_TERM_MONTHS};
    let mut c = signed(d(2189, 12, 31), MAX_TERM_MONTHS);
    assert_eq!(c.catch_up(LATEST_DATE).len(), 1, "renewed on the last day the clock can show");
    assert!(c.current_term.last() <= LATEST_DERIVED_DATE, "{}", c.current_term.last());
    let mut last = signed(LATEST_DATE, MAX_TERM_MONTHS);
    assert!(last.catch_up(LATEST_DATE).is_empty());
    assert!(last.current_term.last() <= LATEST_DERIVED_DATE);
}
