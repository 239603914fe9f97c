//! Extrajudicial collection costs (art. 8.8; Besluit vergoeding voor buitengerechtelijke
//! incassokosten, art. 2): a sliding scale over the principal, at least EUR 40 and at most
//! EUR 6,775; at least EUR 40 per invoice in any case (art. 6:96 lid 4 BW).

use pactum_domain::Money;

/// (upper bound of the bracket in cents, per mille charged within it).
const SCALE: [(i64, i64); 5] = [(250_000, 150), (500_000, 100), (1_000_000, 50), (20_000_000, 10), (i64::MAX, 5)];
pub const MINIMUM: Money = Money::from_cents(4_000);
pub const MAXIMUM: Money = Money::from_cents(677_500);

/// The collection costs on an outstanding principal, rounded half up to the cent.
pub fn collection_costs(principal: Money) -> Money {
    let p = principal.cents().max(0);
    let mut lower = 0;
    // In tenths of a cent per mille: exact, rounded once at the end.
    let mut thousandths_of_cents: i128 = 0;
    for (upper, per_mille) in SCALE {
        if p <= lower {
            break;
        }
        let in_bracket = p.min(upper) - lower;
        thousandths_of_cents += i128::from(in_bracket) * i128::from(per_mille);
        lower = upper;
    }
    let cents = i64::try_from((thousandths_of_cents + 500) / 1000).unwrap_or(i64::MAX);
    Money::from_cents(cents).max(MINIMUM).min(MAXIMUM)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(euros: i64) -> Money {
        Money::from_cents(euros * 100)
    }

    /// Every bracket edge, the minimum and the maximum.
    #[test]
    fn the_scale() {
        let table = [
            (0, 4_000),           // nothing outstanding: still the minimum per invoice
            (100, 4_000),         // 15 % of 100 = 15: the minimum
            (266, 4_000),         // 39.90 → 40
            (267, 4_005),         // 40.05
            (2_500, 37_500),      // 15 % of 2,500
            (5_000, 62_500),      // + 10 % of 2,500
            (10_000, 87_500),     // + 5 % of 5,000
            (200_000, 277_500),   // + 1 % of 190,000
            (400_000, 377_500),   // + 0.5 % of 200,000
            (1_000_000, 677_500), // 677,500 cents is the maximum
            (5_000_000, 677_500), // never more
        ];
        for (euros, cents) in table {
            assert_eq!(collection_costs(c(euros)), Money::from_cents(cents), "EUR {euros}");
        }
        assert_eq!(
            collection_costs(Money::from_cents(250_001)),
            Money::from_cents(37_500),
            "one cent into the 10 % bracket"
        );
        assert_eq!(collection_costs(Money::from_cents(250_005)), Money::from_cents(37_501), "0.5 cent rounds up");
    }
}
