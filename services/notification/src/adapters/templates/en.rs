//! The texts in English: subject and plain text per kind.

pub const TEXTS: &[super::Texts] = &[
    (
        "contract.signed",
        "Order confirmation: your agreement starts on {{ start_date }}",
        "Dear {{ customer_name }},\n\nWe confirm your agreement {{ contract_id }}. It starts on {{ start_date }} and runs \
         until {{ end_date }}; it then renews tacitly.\n\nThis confirmation follows from article {{ article }} of our \
         General Terms and Conditions.",
    ),
    (
        "contract.notice_given",
        "Your notice was received: the agreement ends on {{ end_date }}",
        "Dear {{ customer_name }},\n\nWe received the notice of termination of agreement {{ contract_id }}. The agreement \
         ends on {{ end_date }}.\n\nThis follows from article {{ article }} of our General Terms and Conditions.",
    ),
    (
        "contract.dissolved",
        "Your agreement is dissolved as of {{ effective_date }}",
        "Dear {{ customer_name }},\n\nAgreement {{ contract_id }} is dissolved with immediate effect as of \
         {{ effective_date }}.\n\nThis is done under article {{ article }} of our General Terms and Conditions.",
    ),
    (
        "contract.suspension_announced",
        "Announcement: your agreement is suspended as of {{ effective_date }}",
        "Dear {{ customer_name }},\n\nWe hereby announce in writing that we suspend the performance of agreement \
         {{ contract_id }} as of {{ effective_date }}.\n\nReason: {{ reason }}\n\nThis announcement was made on \
         {{ announced_on }} under article {{ article }} of our General Terms and Conditions.",
    ),
    (
        "contract.suspended",
        "The performance of your agreement is suspended",
        "Dear {{ customer_name }},\n\nThe performance of agreement {{ contract_id }} is suspended as of \
         {{ effective_date }}, as announced.\n\nThis is done under article {{ article }} of our General Terms and Conditions.",
    ),
    (
        "access.block_announced",
        "Warning: access to your account will be blocked",
        "Dear {{ customer_name }},\n\nWe warn you that we block access under agreement {{ contract_id }}.\n\n\
         Reason: {{ reason }}\n\nThis warning follows from article {{ article }} of our General Terms and Conditions.",
    ),
    (
        "access.blocked",
        "Access to your account is blocked",
        "Dear {{ customer_name }},\n\nAccess under agreement {{ contract_id }} is blocked.\n\nReason: {{ reason }}\n\n\
         This is done under article {{ article }} of our General Terms and Conditions.",
    ),
    (
        "terms.published",
        "New General Terms and Conditions ({{ version }}) as of {{ effective_date }}",
        "Dear {{ customer_name }},\n\nWe change our General Terms and Conditions. Version {{ version }} applies from \
         {{ effective_date }}.\n\nWhat changes: {{ summary }}\n\nThis announcement follows from article {{ article }} \
         of our General Terms and Conditions.",
    ),
    (
        "prices.change_announced",
        "Our prices change by {{ percent }}% as of {{ effective_date }}",
        "Dear {{ customer_name }},\n\nWe change our prices by {{ percent }}% as of {{ effective_date }}.\n\n\
         Reason: {{ reason }}\n\nThis announcement follows from article {{ article }} of our General Terms and Conditions.",
    ),
    (
        "invoice.issued",
        "Invoice {{ invoice_number }} of {{ total }}",
        "Dear {{ customer_name }},\n\nPlease find invoice {{ invoice_number }} of {{ total }}, due on {{ due_date }}. \
         Objections are made in writing, with reasons, within ten days of the invoice date.\n\n\
         This follows from article {{ article }} of our General Terms and Conditions.",
    ),
    (
        "credit_note.issued",
        "Credit note {{ invoice_number }} of {{ total }}",
        "Dear {{ customer_name }},\n\nPlease find credit note {{ invoice_number }} of {{ total }}.\n\n\
         This follows from article {{ article }} of our General Terms and Conditions.",
    ),
    (
        "invoice.overdue_reminder",
        "Reminder: invoice {{ invoice_number }} is overdue",
        "Dear {{ customer_name }},\n\nInvoice {{ invoice_number }} of {{ total }} was due on {{ due_date }}. Statutory \
         commercial interest is owed from the day after.\n\nThis follows from article {{ article }} of our General Terms \
         and Conditions.",
    ),
    (
        "customer.in_default",
        "You are in default",
        "Dear {{ customer_name }},\n\nAn invoice is unpaid more than thirty days after its due date. You are therefore in \
         default; we may suspend the performance of the agreement.\n\nThis follows from article {{ article }} of our \
         General Terms and Conditions.",
    ),
    (
        "direct_debit.failed",
        "The direct debit of invoice {{ invoice_number }} failed",
        "Dear {{ customer_name }},\n\nThe direct debit of invoice {{ invoice_number }} failed ({{ reason }}). We charge \
         the cost of the failed debit; please pay the invoice another way.\n\nThis follows from article {{ article }} of \
         our General Terms and Conditions.",
    ),
    (
        "maintenance.planned",
        "Planned maintenance from {{ starts_at }} to {{ ends_at }}",
        "Dear {{ customer_name }},\n\nWe carry out maintenance from {{ starts_at }} to {{ ends_at }} (Dutch time).\n\n{{ description }}{% if reason %}\n\nThis cannot wait until outside office hours: {{ reason }}{% endif %}\n\nThis announcement follows from article {{ article }} of our General Terms and Conditions.",
    ),
    (
        "service.change",
        "New: {{ title }}",
        "Dear {{ customer_name }},\n\n{{ body }}\n\nThis notice follows from article {{ article }} of our General Terms and Conditions.",
    ),
    (
        "service.material_change",
        "Important change: {{ title }}",
        "Dear {{ customer_name }},\n\nWe change the service in a way that materially alters its functionality.\n\n{{ body }}\n\nThis announcement follows from article {{ article }} of our General Terms and Conditions.",
    ),
];
