//! Any bytes a bank (or an attacker) might send: the reader answers or refuses, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(xml) = std::str::from_utf8(data) {
        let _ = pactum_billing::adapters::documents::bank_reports::parse(xml);
    }
});
