//! Requests made from the services' descriptors: a plausible base for every field (by its name
//! and type, from the seeded data), and the hostile values of each field's type.

use std::collections::HashMap;

use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, MessageDescriptor, Value};

/// What the base requests refer to: ids of seeded rows, by field name.
#[derive(Debug, Clone, Default)]
pub struct Seed {
    pub strings: HashMap<&'static str, String>,
    pub today: (i32, i32, i32),
    pub now_seconds: i64,
}

fn date(desc: &MessageDescriptor, (y, m, d): (i32, i32, i32)) -> DynamicMessage {
    let mut date = DynamicMessage::new(desc.clone());
    date.set_field_by_name("year", Value::I32(y));
    date.set_field_by_name("month", Value::I32(m));
    date.set_field_by_name("day", Value::I32(d));
    date
}

fn money(desc: &MessageDescriptor, currency: &str, units: i64, nanos: i32) -> DynamicMessage {
    let mut money = DynamicMessage::new(desc.clone());
    money.set_field_by_name("currency_code", Value::String(currency.into()));
    money.set_field_by_name("units", Value::I64(units));
    money.set_field_by_name("nanos", Value::I32(nanos));
    money
}

fn timestamp(desc: &MessageDescriptor, seconds: i64, nanos: i32) -> DynamicMessage {
    let mut at = DynamicMessage::new(desc.clone());
    at.set_field_by_name("seconds", Value::I64(seconds));
    at.set_field_by_name("nanos", Value::I32(nanos));
    at
}

/// A plausible value for a text field, by its name.
fn text(name: &str, seed: &Seed) -> String {
    if let Some(value) = seed.strings.get(name) {
        return value.clone();
    }
    let value = match name {
        "request_id" => return uuid::Uuid::new_v4().to_string(),
        "name" | "debtor_name" => "Acme B.V.",
        "kvk_number" => "12345678",
        n if n.contains("email") => "finance@acme.nl",
        "iban" => "NL91ABNA0417164300",
        "percent" => "1",
        "street" => "Damrak 1",
        "postal_code" => "1012 LG",
        "city" => "Amsterdam",
        "country_code" => "NL",
        "product_code" => "SEAT",
        "ip_address" => "192.0.2.1",
        "language" => "nl",
        "bic" | "page_token" | "xml" => "",
        _ => "sweep",
    };
    value.to_owned()
}

/// The base value of one field.
pub fn base_value(field: &FieldDescriptor, seed: &Seed) -> Value {
    let single = match field.kind() {
        Kind::String => Value::String(text(field.name(), seed)),
        Kind::Int32 => Value::I32(1),
        Kind::Int64 => Value::I64(1),
        Kind::Bool => Value::Bool(false),
        Kind::Enum(_) => Value::EnumNumber(1),
        Kind::Bytes => Value::Bytes(bytes::Bytes::new()),
        Kind::Message(desc) => Value::Message(base_message(&desc, seed)),
        _ => field.default_value(),
    };
    if field.is_list() { Value::List(vec![single]) } else { single }
}

/// A message with every field at its base value.
pub fn base_message(desc: &MessageDescriptor, seed: &Seed) -> DynamicMessage {
    match desc.full_name() {
        "google.type.Date" => return date(desc, seed.today),
        "google.type.Money" => return money(desc, "EUR", 10, 0),
        "google.protobuf.Timestamp" => return timestamp(desc, seed.now_seconds - 3600, 0),
        _ => {}
    }
    let mut message = DynamicMessage::new(desc.clone());
    for field in desc.fields() {
        message.set_field(&field, base_value(&field, seed));
    }
    message
}

/// The field's comments in its `.proto` (leading and trailing).
pub fn comment(field: &FieldDescriptor) -> String {
    let file = field.parent_file();
    let file = file.file_descriptor_proto();
    let location =
        file.source_code_info.as_ref().and_then(|info| info.location.iter().find(|l| l.path == field.path()));
    location.map(|l| format!("{} {}", l.leading_comments(), l.trailing_comments())).unwrap_or_default()
}

/// "At most N characters" from a text field's comment.
pub fn max_chars(field: &FieldDescriptor) -> Option<usize> {
    let comment = comment(field).replace('\n', " ");
    let rest = &comment[comment.find("At most ")? + "At most ".len()..];
    let digits: String =
        rest.chars().take_while(|c| c.is_ascii_digit() || *c == ',').filter(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Text fields whose length their format bounds: ids and page tokens.
pub fn is_identifier(field: &FieldDescriptor) -> bool {
    field.name().ends_with("_id") || field.name() == "page_token"
}

/// The hostile values of a field's type, each with a label. Values a service should refuse
/// come first, so that one it accepts (and that changes the state) does not hide the rest.
pub fn hostile(field: &FieldDescriptor, seed: &Seed) -> Vec<(String, Value)> {
    let mut values: Vec<(String, Value)> = match field.kind() {
        Kind::String => [
            ("NUL", "a\u{0}b".to_owned()),
            ("control character", "a\u{7}b\u{1b}[2J".to_owned()),
            ("right-to-left override", "\u{202e}fdp.exe".to_owned()),
            ("100,000 characters", "x".repeat(100_000)),
            ("malformed id", "not-a-uuid".to_owned()),
            ("empty", String::new()),
            ("injection", "'; DROP TABLE customers; --".to_owned()),
            ("emoji", "😀 Ünïcødé".to_owned()),
        ]
        .into_iter()
        .map(|(label, value)| (label.to_owned(), Value::String(value)))
        .chain(
            // One character more than the field's comment allows.
            max_chars(field)
                .filter(|n| *n < 1_000_000)
                .map(|n| ("one character too many".to_owned(), Value::String("x".repeat(n + 1)))),
        )
        .collect(),
        Kind::Int32 => [("negative", -1), ("zero", 0), ("maximal", i32::MAX), ("minimal", i32::MIN)]
            .into_iter()
            .map(|(label, value)| (label.to_owned(), Value::I32(value)))
            .collect(),
        Kind::Int64 => [("negative", -1), ("maximal", i64::MAX), ("minimal", i64::MIN)]
            .into_iter()
            .map(|(label, value)| (label.to_owned(), Value::I64(value)))
            .collect(),
        Kind::Bool => vec![("true".to_owned(), Value::Bool(true))],
        Kind::Enum(_) => [("unknown number", 99), ("negative number", -1), ("unspecified", 0)]
            .into_iter()
            .map(|(label, value)| (label.to_owned(), Value::EnumNumber(value)))
            .collect(),
        Kind::Bytes => vec![("100,000 bytes".to_owned(), Value::Bytes(vec![0u8; 100_000].into()))],
        Kind::Message(desc) => hostile_message(&desc, seed),
        _ => Vec::new(),
    };
    if field.is_list() {
        let element = base_value(field, seed);
        let Value::List(one) = element else { return values };
        values =
            values.into_iter().map(|(label, value)| (format!("element {label}"), Value::List(vec![value]))).collect();
        values.push(("empty list".to_owned(), Value::List(Vec::new())));
        values.push(("10,000 elements".to_owned(), Value::List(one.iter().cycle().take(10_000).cloned().collect())));
    }
    values
}

/// Hostile values of the well-known message types; other messages are swept field by field.
fn hostile_message(desc: &MessageDescriptor, seed: &Seed) -> Vec<(String, Value)> {
    let mut values = vec![("empty message".to_owned(), DynamicMessage::new(desc.clone()))];
    match desc.full_name() {
        "google.type.Date" => values.extend([
            ("13th month".to_owned(), date(desc, (2026, 13, 1))),
            ("30 February".to_owned(), date(desc, (2026, 2, 30))),
            ("year 0".to_owned(), date(desc, (0, 1, 1))),
            ("year 9999".to_owned(), date(desc, (9999, 12, 31))),
            ("negative day".to_owned(), date(desc, (2026, 1, -1))),
        ]),
        "google.type.Money" => values.extend([
            ("nanos out of range".to_owned(), money(desc, "EUR", 1, 1_000_000_000)),
            ("mixed signs".to_owned(), money(desc, "EUR", 1, -500_000_000)),
            ("another currency".to_owned(), money(desc, "USD", 10, 0)),
            ("maximal units".to_owned(), money(desc, "EUR", i64::MAX, 999_999_999)),
            ("negative".to_owned(), money(desc, "EUR", -10, 0)),
            ("fraction of a cent".to_owned(), money(desc, "EUR", 1, 1)),
        ]),
        "google.protobuf.Timestamp" => values.extend([
            ("far future".to_owned(), timestamp(desc, 253_402_300_800 * 10, 0)),
            ("negative nanos".to_owned(), timestamp(desc, seed.now_seconds, -1)),
            ("before year 1".to_owned(), timestamp(desc, -62_135_596_801, 0)),
        ]),
        _ => {}
    }
    values.into_iter().map(|(label, message)| (label, Value::Message(message))).collect()
}
