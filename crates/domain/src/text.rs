//! Text as callers may send it. Every text field of every request passes one of these rules
//! before it becomes a domain value, so that no control character reaches a document, a log or
//! PostgreSQL (which refuses NUL), no bidirectional override can make a reason or a name read
//! otherwise than it is stored (CVE-2021-42574, "Trojan Source"), and no field is longer than
//! its `.proto` comment says.

/// What a text field may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRule {
    max_chars: usize,
    multiline: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("must not contain control characters (only tab and line breaks in free text)")]
    Control,
    #[error("must not contain bidirectional formatting characters")]
    Bidi,
}

impl TextRule {
    /// One line: a name, a reference, an identifier.
    pub const fn line(max_chars: usize) -> Self {
        Self { max_chars, multiline: false }
    }

    /// Free text: a reason, a summary, a description; tabs and line breaks allowed.
    pub const fn free(max_chars: usize) -> Self {
        Self { max_chars, multiline: true }
    }

    pub const fn max_chars(&self) -> usize {
        self.max_chars
    }

    /// `raw` without surrounding whitespace, or what is wrong with it. Empty text passes:
    /// whether a field is required is its parser's business. The length is checked on the
    /// bytes first, so a huge value is refused without reading it.
    pub fn check(&self, raw: &str) -> Result<String, TextError> {
        // A char is at most four bytes.
        if raw.len() > self.max_chars.saturating_mul(4) {
            return Err(TextError::TooLong(self.max_chars));
        }
        let text = raw.trim();
        let mut chars = 0;
        for c in text.chars() {
            chars += 1;
            if is_bidi_control(c) {
                return Err(TextError::Bidi);
            }
            let allowed_space = self.multiline && matches!(c, '\t' | '\n' | '\r');
            if c.is_control() && !allowed_space {
                return Err(TextError::Control);
            }
        }
        if chars > self.max_chars {
            return Err(TextError::TooLong(self.max_chars));
        }
        Ok(text.to_owned())
    }
}

/// The Unicode bidirectional embeddings, overrides and isolates (and the implicit marks'
/// cousins that reorder text: ALM). Marks (LRM, RLM) are harmless and allowed.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_refuse_every_control_character_and_bidi_override() {
        let line = TextRule::line(10);
        assert_eq!(line.check("  Acme  "), Ok("Acme".to_owned()));
        assert_eq!(line.check(""), Ok(String::new()));
        for bad in ["a\0b", "a\u{7}b", "a\nb", "a\u{1b}[2J", "a\u{85}b", "a\u{7f}"] {
            assert_eq!(line.check(bad), Err(TextError::Control), "{bad:?}");
        }
        assert_eq!(line.check("\u{202e}fdp.exe"), Err(TextError::Bidi));
        assert_eq!(line.check("ééééééééééé"), Err(TextError::TooLong(10)), "counted in characters");
        assert_eq!(line.check("éééééééééé"), Ok("éééééééééé".to_owned()));
        assert_eq!(line.check(&"x".repeat(100_000)), Err(TextError::TooLong(10)));
    }

    #[test]
    fn free_text_allows_tabs_and_line_breaks_only() {
        let free = TextRule::free(100);
        assert_eq!(free.check("first line\r\n\tsecond"), Ok("first line\r\n\tsecond".to_owned()));
        assert_eq!(free.check("a\0b"), Err(TextError::Control));
        assert_eq!(free.check("a\u{2066}b"), Err(TextError::Bidi));
        assert_eq!(free.check("😀 Ünïcødé"), Ok("😀 Ünïcødé".to_owned()));
    }
}
