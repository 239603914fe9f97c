//! The language a customer reads its notices in (art. 14.19): Dutch unless it chose English.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    Dutch,
    English,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be nl or en (or left out: nl)")]
pub struct LanguageError;

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Self::Dutch => "nl",
            Self::English => "en",
        }
    }

    /// `nl` or `en`; empty means the default, Dutch.
    pub fn parse(code: &str) -> Result<Self, LanguageError> {
        match code.trim() {
            "" | "nl" => Ok(Self::Dutch),
            "en" => Ok(Self::English),
            _ => Err(LanguageError),
        }
    }
}
