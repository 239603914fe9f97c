use std::fmt;

/// An exact amount of euros, kept in whole cents. Never a float (art. 8.1: tariffs in euros).
///
/// Arithmetic is checked: an overflow is an error, never a wrap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money {
    cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("is not an amount of euros like 12.34")]
    Malformed,
    #[error("has more than two decimals; amounts are exact to the cent")]
    SubCent,
    #[error("is too large")]
    Overflow,
    #[error("must be in EUR, not {0:?}")]
    Currency(String),
    #[error("must not be negative")]
    Negative,
    #[error("must be at most EUR 100,000,000.00 either way")]
    OutOfBounds,
}

const NANOS_PER_CENT: i32 = 10_000_000;

impl Money {
    pub const ZERO: Self = Self { cents: 0 };
    /// The largest amount a caller may send, either way: EUR 100 million. Far above any fee,
    /// and low enough that a line (× quantity × months) and every sum of them stay exact in
    /// 64 bits.
    pub const MAX_AMOUNT: Self = Self { cents: 10_000_000_000 };

    pub const fn from_cents(cents: i64) -> Self {
        Self { cents }
    }

    pub const fn cents(self) -> i64 {
        self.cents
    }

    pub const fn is_negative(self) -> bool {
        self.cents < 0
    }

    /// Parses a decimal amount of euros: `12`, `12.3`, `-0.05`. At most two decimals.
    pub fn parse(input: &str) -> Result<Self, MoneyError> {
        let s = input.trim();
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let is_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !is_digits(whole) || !is_digits(fraction) {
            return Err(MoneyError::Malformed);
        }
        if digits.contains('.') && fraction.is_empty() {
            return Err(MoneyError::Malformed);
        }
        if fraction.len() > 2 {
            return Err(MoneyError::SubCent);
        }
        let euros: i64 = whole.parse().map_err(|_| MoneyError::Overflow)?;
        let mut cents_part: i64 =
            if fraction.is_empty() { 0 } else { fraction.parse().map_err(|_| MoneyError::Malformed)? };
        if fraction.len() == 1 {
            cents_part *= 10;
        }
        let cents = euros.checked_mul(100).and_then(|c| c.checked_add(cents_part)).ok_or(MoneyError::OutOfBounds)?;
        Self { cents: if negative { -cents } else { cents } }.within_bounds()
    }

    /// From the wire shape of `google.type.Money`: EUR only, whole cents only, and `units` and
    /// `nanos` of the same sign.
    pub fn from_units_nanos(currency_code: &str, units: i64, nanos: i32) -> Result<Self, MoneyError> {
        if currency_code != "EUR" {
            return Err(MoneyError::Currency(currency_code.to_owned()));
        }
        if !(-999_999_999..=999_999_999).contains(&nanos) || (units > 0 && nanos < 0) || (units < 0 && nanos > 0) {
            return Err(MoneyError::Malformed);
        }
        if nanos % NANOS_PER_CENT != 0 {
            return Err(MoneyError::SubCent);
        }
        let money = units
            .checked_mul(100)
            .and_then(|c| c.checked_add(i64::from(nanos / NANOS_PER_CENT)))
            .map(Self::from_cents)
            .ok_or(MoneyError::OutOfBounds)?;
        money.within_bounds()
    }

    /// Refuses an amount beyond [`Self::MAX_AMOUNT`] either way.
    pub fn within_bounds(self) -> Result<Self, MoneyError> {
        if self.cents.unsigned_abs() > Self::MAX_AMOUNT.cents.unsigned_abs() {
            Err(MoneyError::OutOfBounds)
        } else {
            Ok(self)
        }
    }

    /// The wire shape of `google.type.Money`: whole euros and the cents as nanos, same sign.
    pub const fn units_nanos(self) -> (i64, i32) {
        let units = self.cents / 100;
        // |cents % 100| < 100, so the product fits an i32.
        #[allow(clippy::cast_possible_truncation)]
        let nanos = (self.cents % 100) as i32 * NANOS_PER_CENT;
        (units, nanos)
    }

    pub fn checked_add(self, other: Self) -> Result<Self, MoneyError> {
        self.cents.checked_add(other.cents).map(Self::from_cents).ok_or(MoneyError::Overflow)
    }

    pub fn checked_sub(self, other: Self) -> Result<Self, MoneyError> {
        self.cents.checked_sub(other.cents).map(Self::from_cents).ok_or(MoneyError::Overflow)
    }

    pub fn checked_mul(self, factor: i64) -> Result<Self, MoneyError> {
        self.cents.checked_mul(factor).map(Self::from_cents).ok_or(MoneyError::Overflow)
    }

    /// `self × numerator / denominator`, rounded half away from zero to the cent ("half up" as
    /// Dutch invoices and the tax authority mean it: 0.005 → 0.01, −0.005 → −0.01). The
    /// intermediate product is exact (i128), so only the final division rounds.
    pub fn mul_ratio(self, numerator: i64, denominator: i64) -> Result<Self, MoneyError> {
        if denominator == 0 {
            return Err(MoneyError::Overflow);
        }
        let product = i128::from(self.cents) * i128::from(numerator);
        let rounded = div_round_half_away(product, i128::from(denominator));
        i64::try_from(rounded).map(Self::from_cents).map_err(|_| MoneyError::Overflow)
    }

    /// Refuses a negative amount (prices, quantities of money that cannot be below zero).
    pub fn non_negative(self) -> Result<Self, MoneyError> {
        if self.is_negative() { Err(MoneyError::Negative) } else { Ok(self) }
    }
}

/// Integer division rounding half away from zero.
fn div_round_half_away(numerator: i128, denominator: i128) -> i128 {
    let (n, d) = if denominator < 0 { (-numerator, -denominator) } else { (numerator, denominator) };
    let quotient = n / d;
    let remainder = n % d;
    if 2 * remainder.abs() >= d { quotient + n.signum() } else { quotient }
}

impl fmt::Display for Money {
    /// `12.34`, `-0.05`: euros with exactly two decimals, a dot as separator.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.cents < 0 { "-" } else { "" };
        let abs = self.cents.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_refuses() {
        assert_eq!(Money::parse("12.34"), Ok(Money::from_cents(1234)));
        assert_eq!(Money::parse("12.3"), Ok(Money::from_cents(1230)));
        assert_eq!(Money::parse("-0.05"), Ok(Money::from_cents(-5)));
        assert_eq!(Money::parse("7"), Ok(Money::from_cents(700)));
        assert_eq!(Money::parse("1.234"), Err(MoneyError::SubCent));
        assert_eq!(Money::parse("1."), Err(MoneyError::Malformed));
        assert_eq!(Money::parse(".5"), Err(MoneyError::Malformed));
        assert_eq!(Money::parse("1,50"), Err(MoneyError::Malformed));
        assert_eq!(Money::parse("99999999999999999999"), Err(MoneyError::Overflow));
    }

    #[test]
    fn rounds_half_away_from_zero() {
        // 21% VAT on 0.10 is 0.021 → 0.02; on 0.50 is 0.105 → 0.11; on −0.50 → −0.11.
        assert_eq!(Money::from_cents(10).mul_ratio(21, 100), Ok(Money::from_cents(2)));
        assert_eq!(Money::from_cents(50).mul_ratio(21, 100), Ok(Money::from_cents(11)));
        assert_eq!(Money::from_cents(-50).mul_ratio(21, 100), Ok(Money::from_cents(-11)));
        assert_eq!(Money::from_cents(1).mul_ratio(1, 2), Ok(Money::from_cents(1)));
        assert_eq!(Money::from_cents(1).mul_ratio(1, 3), Ok(Money::from_cents(0)));
        assert_eq!(Money::from_cents(1).mul_ratio(1, 0), Err(MoneyError::Overflow));
    }

    #[test]
    fn wire_shape() {
        assert_eq!(Money::from_cents(-1234).units_nanos(), (-12, -340_000_000));
        assert_eq!(Money::from_units_nanos("EUR", 0, -50_000_000), Ok(Money::from_cents(-5)));
        assert_eq!(Money::from_units_nanos("EUR", 1, 5), Err(MoneyError::SubCent));
        assert_eq!(Money::from_units_nanos("EUR", 1, -10_000_000), Err(MoneyError::Malformed));
        assert_eq!(Money::from_units_nanos("USD", 1, 0), Err(MoneyError::Currency("USD".into())));
    }

    proptest! {
        #[test]
        fn display_then_parse_is_identity(cents in -10_000_000_000i64..=10_000_000_000) {
            let m = Money::from_cents(cents);
            prop_assert_eq!(Money::parse(&m.to_string()), Ok(m));
        }

        #[test]
        fn wire_shape_round_trips(cents in -10_000_000_000i64..=10_000_000_000) {
            let m = Money::from_cents(cents);
            let (units, nanos) = m.units_nanos();
            prop_assert_eq!(Money::from_units_nanos("EUR", units, nanos), Ok(m));
        }

        /// Beyond EUR 100 million either way nothing parses, whatever the shape.
        #[test]
        fn amounts_beyond_the_bounds_are_refused(cents in any::<i64>().prop_filter("beyond", |c| c.unsigned_abs() > 10_000_000_000)) {
            let m = Money::from_cents(cents);
            let (units, nanos) = m.units_nanos();
            prop_assert_eq!(Money::from_units_nanos("EUR", units, nanos), Err(MoneyError::OutOfBounds));
            if cents != i64::MIN {
                prop_assert_eq!(Money::parse(&m.to_string()), Err(MoneyError::OutOfBounds));
            }
        }

        #[test]
        fn addition_is_exact_and_reversible(a in -1_000_000_000_000i64..1_000_000_000_000, b in -1_000_000_000_000i64..1_000_000_000_000) {
            let sum = Money::from_cents(a).checked_add(Money::from_cents(b))?;
            prop_assert_eq!(sum.cents(), a + b);
            prop_assert_eq!(sum.checked_sub(Money::from_cents(b))?, Money::from_cents(a));
        }

        #[test]
        fn overflow_is_an_error_not_a_wrap(a in (i64::MAX / 2 + 1)..=i64::MAX) {
            prop_assert_eq!(Money::from_cents(a).checked_add(Money::from_cents(a)), Err(MoneyError::Overflow));
        }

        /// The rounded result is the exact ratio within half a cent, and a tie goes away from zero.
        #[test]
        fn mul_ratio_is_nearest_cent(cents in -10_000_000_000i64..10_000_000_000, num in -10_000i64..10_000, den in 1i64..10_000) {
            let got = i128::from(Money::from_cents(cents).mul_ratio(num, den)?.cents());
            let exact_times_den = i128::from(cents) * i128::from(num);
            let error_times_2den = 2 * (got * i128::from(den) - exact_times_den);
            prop_assert!(error_times_2den.abs() <= i128::from(den));
            if error_times_2den.abs() == i128::from(den) {
                // A tie: rounding moved away from zero.
                prop_assert!(got.abs() * i128::from(den) > exact_times_den.abs());
            }
        }

        /// Splitting a percentage over parts never loses more than a cent per part.
        #[test]
        fn vat_of_parts_is_close_to_vat_of_sum(parts in proptest::collection::vec(0i64..1_000_000, 1..20)) {
            let total: i64 = parts.iter().sum();
            let vat_of_total = Money::from_cents(total).mul_ratio(21, 100)?.cents();
            let sum_of_vats: i64 = parts.iter().map(|p| Money::from_cents(*p).mul_ratio(21, 100).map(Money::cents)).sum::<Result<i64, _>>()?;
            let n = i64::try_from(parts.len()).unwrap_or(i64::MAX);
            prop_assert!((vat_of_total - sum_of_vats).abs() <= n);
        }
    }
}
