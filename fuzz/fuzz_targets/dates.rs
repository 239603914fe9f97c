//! Any `google.type.Date` a caller or an event may carry: a request date is a real calendar
//! date inside the platform's window or refused; an event date inside the wider derivable
//! range; whatever is accepted goes back on the wire unchanged; month arithmetic from any
//! accepted date never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pactum_domain::calendar;
use pactum_platform::wire;
use pactum_proto::google::r#type::Date;

fuzz_target!(|input: (i32, i32, i32, u32)| {
    let (year, month, day, months) = input;
    let sent = Date { year, month, day };
    if let Ok(date) = wire::date_from_wire(Some(&sent)) {
        assert!(calendar::accepted(date));
        assert_eq!(wire::date_to_wire(date), sent);
        assert_eq!(wire::event_date_from_wire(Some(&sent)), Ok(date), "a request date is an event date");
    }
    if let Ok(date) = wire::event_date_from_wire(Some(&sent)) {
        assert!(calendar::derivable(date));
        assert_eq!(wire::date_to_wire(date), sent);
        let _ = calendar::add_months_clamped(date, months % (calendar::MAX_TERM_MONTHS * 10));
    }
});
