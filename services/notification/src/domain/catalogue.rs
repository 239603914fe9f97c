//! The notices the terms require: one kind per notice, with the article it is given under,
//! who receives it, and whether it is critical (art. 14.19: critical notices go by e-mail to
//! the primary contact and into the inbox, and cannot be muted).

/// Who a kind of notice goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The customer the event is about, at its primary contact (art. 14.19).
    Customer,
    /// Every customer with an active agreement (art. 2.2, 8.4).
    ActiveCustomers,
}

/// One kind of notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoticeKind {
    /// The catalogue key, e.g. `contract.suspension_announced`; also the template's name.
    pub key: &'static str,
    pub article: &'static str,
    pub critical: bool,
    pub audience: Audience,
}

const fn critical(key: &'static str, article: &'static str) -> NoticeKind {
    NoticeKind { key, article, critical: true, audience: Audience::Customer }
}

/// Art. 13.1: the order confirmation when an agreement is signed.
pub const ORDER_CONFIRMATION: NoticeKind = critical("contract.signed", "13.1");
/// Art. 13.2: the notice of termination was received, and when the agreement ends.
pub const NOTICE_RECEIVED: NoticeKind = critical("contract.notice_given", "13.2");
/// Art. 13.4: the agreement is dissolved.
pub const DISSOLVED: NoticeKind = critical("contract.dissolved", "13.4");
/// Art. 8.9: a suspension is announced in writing before it takes effect.
pub const SUSPENSION_ANNOUNCED: NoticeKind = critical("contract.suspension_announced", "8.9");
/// Art. 8.9: the suspension took effect.
pub const SUSPENDED: NoticeKind = critical("contract.suspended", "8.9");
/// Art. 14.9: the customer is warned before access is blocked.
pub const ACCESS_BLOCK_ANNOUNCED: NoticeKind = critical("access.block_announced", "14.9");
/// Art. 14.9: access was blocked.
pub const ACCESS_BLOCKED: NoticeKind = critical("access.blocked", "14.9");
/// Art. 2.2: new terms, to every customer with an active agreement, a month ahead.
pub const TERMS_PUBLISHED: NoticeKind =
    NoticeKind { key: "terms.published", article: "2.2", critical: true, audience: Audience::ActiveCustomers };
/// Art. 8.4: a price change, to every customer with an active agreement, a month ahead.
pub const PRICE_CHANGE: NoticeKind =
    NoticeKind { key: "prices.change_announced", article: "8.4", critical: true, audience: Audience::ActiveCustomers };
/// Art. 8.6: an invoice was issued.
pub const INVOICE_ISSUED: NoticeKind = critical("invoice.issued", "8.6");
/// Art. 8.6: a credit note was issued.
pub const CREDIT_NOTE_ISSUED: NoticeKind = critical("credit_note.issued", "8.6");
/// Art. 8.8: a reminder that an invoice is overdue.
pub const OVERDUE_REMINDER: NoticeKind = critical("invoice.overdue_reminder", "8.8");
/// Art. 8.8: the customer is in default.
pub const IN_DEFAULT: NoticeKind = critical("customer.in_default", "8.8");
/// Art. 8.5: a direct debit failed; the fee is charged.
pub const DIRECT_DEBIT_FAILED: NoticeKind = critical("direct_debit.failed", "8.5");

/// Art. 14.4: planned maintenance, outside office hours unless urgent.
pub const MAINTENANCE: NoticeKind =
    NoticeKind { key: "maintenance.planned", article: "14.4", critical: false, audience: Audience::ActiveCustomers };
/// Art. 14.18: a new feature.
pub const CHANGE: NoticeKind =
    NoticeKind { key: "service.change", article: "14.18", critical: false, audience: Audience::ActiveCustomers };
/// Art. 14.2: a change that materially alters functionality.
pub const MATERIAL_CHANGE: NoticeKind =
    NoticeKind { key: "service.material_change", article: "14.2", critical: true, audience: Audience::ActiveCustomers };

/// Every kind, for templates and documentation.
pub const ALL: [NoticeKind; 17] = [
    ORDER_CONFIRMATION,
    NOTICE_RECEIVED,
    DISSOLVED,
    SUSPENSION_ANNOUNCED,
    SUSPENDED,
    ACCESS_BLOCK_ANNOUNCED,
    ACCESS_BLOCKED,
    TERMS_PUBLISHED,
    PRICE_CHANGE,
    INVOICE_ISSUED,
    CREDIT_NOTE_ISSUED,
    OVERDUE_REMINDER,
    IN_DEFAULT,
    DIRECT_DEBIT_FAILED,
    MAINTENANCE,
    CHANGE,
    MATERIAL_CHANGE,
];

pub use pactum_domain::language::Language;
