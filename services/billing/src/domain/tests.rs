//! The invoicing rules as tables.

use chrono::NaiveDate;
use pactum_domain::{ContractId, CustomerId, Money, calendar::CivilPeriod};
use uuid::Uuid;

use super::{
    BillingError,
    contract::{BillableContract, BillingPeriod, Charge, ContractLine, PaymentMethod},
    invoice::{self, Buyer, InvoiceNumber, Status},
    percent::Percent,
    price_change::{PriceChange, PriceChangeKind},
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn contract(start: NaiveDate, period: BillingPeriod, end: Option<NaiveDate>) -> BillableContract {
    BillableContract {
        id: ContractId::new(),
        customer_id: CustomerId::new(),
        start_date: start,
        end_date: end,
        billing_period: period,
        payment_method: Some(PaymentMethod::DirectDebit),
        lines: vec![
            ContractLine { product_code: "SEAT".into(), quantity: 3, monthly_price: Money::from_cents(1500) },
            ContractLine { product_code: "STORAGE".into(), quantity: 1, monthly_price: Money::from_cents(999) },
        ],
        next_period_index: 0,
    }
}

fn buyer() -> Buyer {
    Buyer { customer_id: CustomerId::new(), name: "Acme B.V.".into(), kvk_number: "12345678".into(), address: None }
}

fn periods(c: &BillableContract, as_of: NaiveDate) -> Vec<(NaiveDate, NaiveDate, Charge)> {
    c.due_periods(as_of).into_iter().map(|p| (p.period.first(), p.period.last(), p.charge)).collect()
}

const MONTH: Charge = Charge { months: 1, days: None };

/// Art. 8.7: in advance, every period that has started; the month rule from the start date.
#[test]
fn billing_periods() {
    let monthly = contract(d(2026, 1, 31), BillingPeriod::Monthly, None);
    assert_eq!(
        periods(&monthly, d(2026, 3, 31)),
        [
            (d(2026, 1, 31), d(2026, 2, 28), MONTH),
            (d(2026, 3, 1), d(2026, 3, 30), MONTH),
            (d(2026, 3, 31), d(2026, 4, 30), MONTH)
        ]
    );
    let quarterly = contract(d(2024, 11, 30), BillingPeriod::Quarterly, None);
    assert_eq!(
        periods(&quarterly, d(2025, 3, 1)),
        [
            (d(2024, 11, 30), d(2025, 2, 28), Charge { months: 3, days: None }),
            (d(2025, 3, 1), d(2025, 5, 29), Charge { months: 3, days: None })
        ],
        "a leap-less February ends the quarter; the next starts on 1 March"
    );
    let yearly = contract(d(2024, 2, 29), BillingPeriod::Yearly, None);
    assert_eq!(periods(&yearly, d(2025, 2, 28)).len(), 1);
    assert_eq!(periods(&yearly, d(2025, 3, 1))[1].0, d(2025, 3, 1));
    assert!(
        periods(&contract(d(2026, 5, 1), BillingPeriod::Monthly, None), d(2026, 4, 30)).is_empty(),
        "nothing before the start"
    );
}

/// An ending contract: never past its end date; whole months, days only for less than a month.
#[test]
fn the_last_period_of_an_ending_contract() {
    let ending = contract(d(2026, 1, 1), BillingPeriod::Quarterly, Some(d(2026, 5, 15)));
    let got = periods(&ending, d(2026, 12, 31));
    assert_eq!(got.len(), 2);
    assert_eq!(got[1], (d(2026, 4, 1), d(2026, 5, 15), Charge { months: 1, days: Some((15, 31)) }));
    let short = contract(d(2026, 1, 1), BillingPeriod::Monthly, Some(d(2026, 2, 10)));
    assert_eq!(
        periods(&short, d(2026, 3, 1))[1],
        (d(2026, 2, 1), d(2026, 2, 10), Charge { months: 0, days: Some((10, 28)) })
    );
    let on_term_end = contract(d(2026, 1, 1), BillingPeriod::Quarterly, Some(d(2026, 12, 31)));
    assert!(periods(&on_term_end, d(2027, 6, 1)).iter().all(|p| p.2 == Charge { months: 3, days: None }));
    assert_eq!(periods(&on_term_end, d(2027, 6, 1)).len(), 4, "nothing after the end");
}

/// Amount per line = quantity × monthly price × months; VAT 21 % once, half up.
#[test]
fn amounts_and_vat() {
    let c = contract(d(2026, 1, 1), BillingPeriod::Quarterly, None);
    let due = c.due_periods(d(2026, 1, 1));
    let draft = invoice::period_invoice(&c, &buyer(), &due[0], d(2026, 1, 1), &[]).unwrap();
    let amounts: Vec<i64> = draft.lines.iter().map(|l| l.amount.cents()).collect();
    assert_eq!(amounts, [3 * 1500 * 3, 999 * 3]);
    let invoice = draft.finalize(Uuid::now_v7(), InvoiceNumber::new(2026, 1)).unwrap();
    assert_eq!(invoice.subtotal, Money::from_cents(16_497));
    assert_eq!(invoice.vat, Money::from_cents(3_464), "21 % of 164.97 = 34.6437 → 34.64");
    assert_eq!(invoice.total, Money::from_cents(19_961));
    assert_eq!((invoice.due_date, invoice.dispute_deadline), (d(2026, 1, 15), d(2026, 1, 11)));
    assert_eq!(invoice.number.as_str(), "2026-000001");

    // Half up at exactly half a cent: 21 % of 0.50 = 0.105 → 0.11.
    let tiny = invoice::extra_work(buyer(), "advice", Money::from_cents(50), d(2026, 1, 1)).unwrap();
    assert_eq!(tiny.totals().unwrap(), (Money::from_cents(50), Money::from_cents(11), Money::from_cents(61)));
    // Once per invoice, not per line: 3 × 0.10 → VAT of 0.30 = 0.063 → 0.06 (per line it would be 3 × 0.02).
    let mut three = invoice::extra_work(buyer(), "x", Money::from_cents(10), d(2026, 1, 1)).unwrap();
    three.lines = vec![three.lines[0].clone(), three.lines[0].clone(), three.lines[0].clone()];
    assert_eq!(three.totals().unwrap().1, Money::from_cents(6));
}

/// Art. 8.6: day 10 allowed, day 11 refused; reasons required; the due date stays.
#[test]
fn dispute_deadline() {
    let draft = invoice::extra_work(buyer(), "work", Money::from_cents(10_000), d(2026, 3, 1)).unwrap();
    let mut on_time = draft.clone().finalize(Uuid::now_v7(), InvoiceNumber::new(2026, 1)).unwrap();
    assert!(matches!(on_time.dispute(d(2026, 3, 11), " "), Err(BillingError::Invalid(_))));
    on_time.dispute(d(2026, 3, 11), "not ordered").unwrap();
    assert_eq!((on_time.status, on_time.due_date), (Status::Disputed, d(2026, 3, 15)));
    let mut late = draft.finalize(Uuid::now_v7(), InvoiceNumber::new(2026, 2)).unwrap();
    match late.dispute(d(2026, 3, 12), "too late") {
        Err(BillingError::Refused { article, reason, .. }) => {
            assert_eq!((article, reason), ("8.6", "DISPUTE_TOO_LATE"))
        }
        other => panic!("{other:?}"),
    }
    // Upheld: a credit note for the whole invoice; rejected: open again.
    let credit = on_time.resolve_dispute(true, d(2026, 3, 20)).unwrap().unwrap();
    assert_eq!(on_time.status, Status::Credited);
    assert_eq!((credit.credited_invoice_id, credit.totals().unwrap().2), (Some(on_time.id), on_time.total));
}

/// Art. 8.4: a month ahead; indexation once, other changes twice per calendar year.
#[test]
fn price_change_limits() {
    let announce = |kind, announced, effective, existing: &[PriceChange]| {
        PriceChange::announce(kind, announced, effective, Percent::parse("3.5").unwrap(), "costs", existing)
    };
    let refused = |r: Result<PriceChange, BillingError>| match r {
        Err(BillingError::Refused { article, reason, .. }) => (article, reason),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        refused(announce(PriceChangeKind::Change, d(2026, 1, 31), d(2026, 2, 27), &[])),
        ("8.4", "PRICE_NOTICE_TOO_SHORT")
    );
    let first = announce(PriceChangeKind::Indexation, d(2026, 1, 31), d(2026, 2, 28), &[]).unwrap();
    assert_eq!(
        refused(announce(PriceChangeKind::Indexation, d(2026, 5, 1), d(2026, 7, 1), std::slice::from_ref(&first))).1,
        "TOO_MANY_PRICE_CHANGES"
    );
    assert!(
        announce(PriceChangeKind::Indexation, d(2026, 11, 1), d(2027, 1, 1), std::slice::from_ref(&first)).is_ok(),
        "next calendar year"
    );
    let c1 = announce(PriceChangeKind::Change, d(2026, 1, 1), d(2026, 3, 1), std::slice::from_ref(&first)).unwrap();
    let c2 = announce(PriceChangeKind::Change, d(2026, 5, 1), d(2026, 6, 1), &[first.clone(), c1.clone()]).unwrap();
    assert_eq!(
        refused(announce(PriceChangeKind::Change, d(2026, 8, 1), d(2026, 9, 1), &[first, c1, c2])).1,
        "TOO_MANY_PRICE_CHANGES"
    );
}

/// New prices apply from the first period starting on or after the effective date.
#[test]
fn new_prices_apply_to_the_next_period() {
    let change = PriceChange::announce(
        PriceChangeKind::Change,
        d(2026, 1, 1),
        d(2026, 2, 15),
        Percent::parse("10").unwrap(),
        "costs",
        &[],
    )
    .unwrap();
    let c = contract(d(2026, 1, 1), BillingPeriod::Monthly, None);
    let due = c.due_periods(d(2026, 3, 1));
    let unit = |i: usize| {
        invoice::period_invoice(&c, &buyer(), &due[i], d(2026, 3, 1), std::slice::from_ref(&change)).unwrap().lines[0]
            .unit_price
    };
    assert_eq!(
        [unit(0), unit(1), unit(2)],
        [Money::from_cents(1500), Money::from_cents(1500), Money::from_cents(1650)]
    );
}

/// Art. 8.7: a credit pro rata to days, never more than is left on the invoice.
#[test]
fn availability_credits() {
    let c = contract(d(2026, 1, 1), BillingPeriod::Monthly, None);
    let due = c.due_periods(d(2026, 1, 1));
    let invoice = invoice::period_invoice(&c, &buyer(), &due[0], d(2026, 1, 1), &[])
        .unwrap()
        .finalize(Uuid::now_v7(), InvoiceNumber::new(2026, 1))
        .unwrap();
    assert_eq!(invoice.subtotal, Money::from_cents(5499));
    let ten_days = CivilPeriod::new(d(2026, 1, 5), d(2026, 1, 14)).unwrap();
    let credit = invoice::availability_credit(
        &invoice,
        Money::ZERO,
        ten_days,
        Percent::parse("50").unwrap(),
        d(2026, 2, 1),
        "outage",
    )
    .unwrap()
    .unwrap();
    assert_eq!(credit.totals().unwrap().0, Money::from_cents(887), "54.99 × 10/31 = 17.74 × 50 % = 8.87");
    let all = CivilPeriod::new(d(2026, 1, 1), d(2026, 1, 31)).unwrap();
    let capped =
        invoice::availability_credit(&invoice, Money::from_cents(5000), all, Percent::HUNDRED, d(2026, 2, 1), "x")
            .unwrap()
            .unwrap();
    assert_eq!(capped.totals().unwrap().0, Money::from_cents(499), "never more than was invoiced");
    let outside = CivilPeriod::new(d(2026, 3, 1), d(2026, 3, 5)).unwrap();
    assert!(
        invoice::availability_credit(&invoice, Money::ZERO, outside, Percent::HUNDRED, d(2026, 4, 1), "x")
            .unwrap()
            .is_none()
    );
}

/// No date makes a billing run loop without bound: at most `MAX_PERIODS_PER_RUN` periods of a
/// contract per run; the next run goes on from there.
#[test]
fn due_periods_are_bounded_per_run() {
    let mut c = contract(d(2000, 1, 1), BillingPeriod::Monthly, None);
    let due = c.due_periods(d(2199, 12, 31));
    assert_eq!(due.len(), super::contract::MAX_PERIODS_PER_RUN);
    c.next_period_index = due.last().unwrap().index + 1;
    assert_eq!(c.due_periods(d(2199, 12, 31))[0].period.first(), d(2010, 1, 1));
}
