//! Invoice documents: UBL 2.1 for e-invoicing (Peppol BIS Billing 3.0, NLCIUS), and PDF.

pub mod bank_reports;
pub mod pain008;
pub mod pdf;
pub mod ubl;
mod xml;
