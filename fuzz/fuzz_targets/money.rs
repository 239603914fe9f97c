//! Any `google.type.Money` and any decimal string: what is accepted is EUR, whole cents, within
//! the platform's bounds, and goes back on the wire (or into text) unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pactum_domain::Money;
use pactum_platform::wire;
use pactum_proto::google::r#type::Money as WireMoney;

fuzz_target!(|input: (String, i64, i32, String)| {
    let (currency_code, units, nanos, text) = input;
    let sent = WireMoney { currency_code: currency_code.clone(), units, nanos };
    if let Ok(money) = wire::money_from_wire(Some(&sent)) {
        assert_eq!(currency_code, "EUR");
        assert!(money.cents().unsigned_abs() <= Money::MAX_AMOUNT.cents().unsigned_abs());
        assert_eq!(wire::money_to_wire(money), sent);
        assert_eq!(Money::parse(&money.to_string()), Ok(money));
    }
    if let Ok(money) = Money::parse(&text) {
        assert!(money.cents().unsigned_abs() <= Money::MAX_AMOUNT.cents().unsigned_abs());
        assert_eq!(Money::parse(&money.to_string()), Ok(money));
    }
});
