//! Any text a caller may send: what a rule accepts is trimmed, within its length, and free of
//! control characters (but tab and line breaks in free text) and bidirectional overrides.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pactum_domain::text::TextRule;

fuzz_target!(|input: (String, u8)| {
    let (text, max) = input;
    let max = usize::from(max);
    for (rule, multiline) in [(TextRule::line(max), false), (TextRule::free(max), true)] {
        if let Ok(accepted) = rule.check(&text) {
            assert_eq!(accepted, text.trim());
            assert!(accepted.chars().count() <= max);
            assert!(accepted.chars().all(|c| !c.is_control() || (multiline && matches!(c, '\t' | '\n' | '\r'))));
            assert!(!accepted.chars().any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')));
        }
    }
});
