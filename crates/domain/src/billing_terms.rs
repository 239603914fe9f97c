//! How an agreement is paid: shared by the contracts service (which agrees it) and billing
//! (which invoices and collects by it).

/// How often fees are invoiced, in advance (art. 8.5, 8.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BillingPeriod {
    Monthly,
    Quarterly,
    Yearly,
}

impl BillingPeriod {
    pub const ALL: [Self; 3] = [Self::Monthly, Self::Quarterly, Self::Yearly];

    pub fn months(self) -> u32 {
        match self {
            Self::Monthly => 1,
            Self::Quarterly => 3,
            Self::Yearly => 12,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Monthly => "monthly",
            Self::Quarterly => "quarterly",
            Self::Yearly => "yearly",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// How fees are paid (art. 8.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentMethod {
    DirectDebit,
    BankTransfer,
}

impl PaymentMethod {
    pub const ALL: [Self; 2] = [Self::DirectDebit, Self::BankTransfer];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DirectDebit => "direct_debit",
            Self::BankTransfer => "bank_transfer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip() {
        for p in BillingPeriod::ALL {
            assert_eq!(BillingPeriod::parse(p.as_str()), Some(p));
        }
        for m in PaymentMethod::ALL {
            assert_eq!(PaymentMethod::parse(m.as_str()), Some(m));
        }
        assert_eq!([1, 3, 12], BillingPeriod::ALL.map(BillingPeriod::months));
        assert_eq!(BillingPeriod::parse("weekly"), None);
    }
}
