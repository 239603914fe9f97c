use std::fmt;

/// A percentage exact to two decimals, kept in hundredths of a percent ("3.5" is 350).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Percent(i64);

impl Percent {
    pub const HUNDRED: Self = Self(10_000);

    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim();
        if s.len() > 10 {
            return Err("must be at most 10 characters, like 3.5".to_owned());
        }
        let (negative, digits) = s.strip_prefix('-').map_or((false, s), |rest| (true, rest));
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let ok = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !ok(whole)
            || !ok(fraction)
            || fraction.len() > 2
            || (digits.contains('.') && fraction.is_empty())
        {
            return Err(format!("{input:?} is not a percentage with at most two decimals, like 3.5"));
        }
        let whole: i64 = whole.parse().map_err(|_| "is too large".to_owned())?;
        let fraction: i64 = if fraction.is_empty() {
            0
        } else {
            fraction.parse::<i64>().unwrap_or(0) * if fraction.len() == 1 { 10 } else { 1 }
        };
        let value = whole.checked_mul(100).and_then(|w| w.checked_add(fraction)).ok_or("is too large")?;
        Ok(Self(if negative { -value } else { value }))
    }

    pub const fn from_hundredths(hundredths: i64) -> Self {
        Self(hundredths)
    }

    pub const fn hundredths(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        match abs % 100 {
            0 => write!(f, "{sign}{}", abs / 100),
            r if r % 10 == 0 => write!(f, "{sign}{}.{}", abs / 100, r / 10),
            r => write!(f, "{sign}{}.{r:02}", abs / 100),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        for (s, h, back) in [
            ("3.5", 350, "3.5"),
            ("-2", -200, "-2"),
            ("0.05", 5, "0.05"),
            ("100", 10_000, "100"),
            ("12.25", 1225, "12.25"),
        ] {
            assert_eq!(Percent::parse(s), Ok(Percent(h)));
            assert_eq!(Percent(h).to_string(), back);
        }
        for bad in ["", "3.", ".5", "1.234", "3,5", "abc"] {
            assert!(Percent::parse(bad).is_err(), "{bad}");
        }
    }
}
