//! A readable A4 PDF of an invoice or credit note, in Dutch, with every field art. 35a Wet OB
//! (the Dutch VAT act) requires: date and sequential number, the vendor's VAT number, names of
//! vendor and customer (with KvK numbers) and the vendor's address, what was supplied and for
//! which period, the amount excluding VAT per rate, the rate and the VAT, and for a credit note
//! the invoice it corrects. One page with the standard Helvetica font, WinAnsi-encoded.

// Page coordinates are points on paper, not money: the float ban does not apply to them.
#![allow(clippy::float_arithmetic)]

use pactum_domain::Money;

use crate::{
    config::Issuer,
    domain::{
        contract::PaymentMethod,
        invoice::{Invoice, Kind},
    },
};

/// A4 in points.
const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;

/// "€ 1.234,56": Dutch grouping and decimal comma.
pub fn euro(amount: Money) -> String {
    let cents = amount.cents();
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let units = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!("{sign}€ {grouped},{:02}", abs % 100)
}

fn nl_date(date: chrono::NaiveDate) -> String {
    date.format("%d-%m-%Y").to_string()
}

struct Page {
    ops: String,
    y: f32,
}

impl Page {
    fn text(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        let font = if bold { "F2" } else { "F1" };
        self.ops.push_str(&format!("BT /{font} {size} Tf {x:.1} {:.1} Td ({}) Tj ET\n", self.y, escape(text)));
    }

    fn line(&mut self, size: f32, bold: bool, text: &str) {
        self.text(MARGIN, size, bold, text);
        self.y -= size + 5.0;
    }

    fn right(&mut self, right_edge: f32, size: f32, bold: bool, text: &str) {
        // Helvetica digits are 0.556 em wide; a close enough measure for right-aligned amounts.
        #[allow(clippy::cast_precision_loss)]
        let width = text.chars().count() as f32 * size * 0.556;
        self.text(right_edge - width, size, bold, text);
    }

    fn rule(&mut self) {
        self.ops.push_str(&format!(
            "0.5 w {MARGIN:.1} {:.1} m {:.1} {:.1} l S\n",
            self.y + 8.0,
            WIDTH - MARGIN,
            self.y + 8.0
        ));
        self.y -= 6.0;
    }

    fn gap(&mut self, points: f32) {
        self.y -= points;
    }
}

/// PDF string escaping, with text encoded in WinAnsi (Latin-1 plus €).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '€' => out.push_str("\\200"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c if (c as u32) >= 0xA0 && (c as u32) <= 0xFF => out.push_str(&format!("\\{:03o}", c as u32)),
            _ => out.push('?'),
        }
    }
    out
}

/// The document as PDF bytes.
pub fn document(invoice: &Invoice, issuer: &Issuer, credited_number: Option<&str>) -> Vec<u8> {
    let credit = invoice.kind == Kind::CreditNote;
    let mut p = Page { ops: String::new(), y: HEIGHT - MARGIN };
    p.line(20.0, true, if credit { "CREDITNOTA" } else { "FACTUUR" });
    p.gap(6.0);
    p.line(11.0, true, &issuer.name);
    p.line(10.0, false, &format!("{}, {} {}", issuer.street, issuer.postal_code, issuer.city));
    p.line(10.0, false, &format!("KvK {}   Btw-nr. {}   IBAN {}", issuer.kvk_number, issuer.vat_number, issuer.iban));
    p.line(10.0, false, &issuer.email);
    p.gap(10.0);
    p.line(10.0, true, "Aan");
    p.line(10.0, false, &invoice.buyer.name);
    if let Some(address) = &invoice.buyer.address {
        p.line(10.0, false, &address.to_string());
    }
    p.line(10.0, false, &format!("KvK {}", invoice.buyer.kvk_number));
    p.gap(10.0);
    p.line(
        10.0,
        false,
        &format!("{}: {}", if credit { "Creditnotanummer" } else { "Factuurnummer" }, invoice.number.as_str()),
    );
    p.line(10.0, false, &format!("Datum: {}", nl_date(invoice.issue_date)));
    if let Some(number) = credited_number {
        p.line(10.0, false, &format!("Creditering van factuur {number}"));
    }
    if let Some(period) = invoice.period {
        p.line(10.0, false, &format!("Periode: {} t/m {}", nl_date(period.first()), nl_date(period.last())));
    }
    if let Some(contract) = invoice.contract_id {
        p.line(10.0, false, &format!("Overeenkomst: {contract}"));
    }
    p.gap(12.0);

    let (qty_x, price_x, amount_x) = (360.0, 450.0, WIDTH - MARGIN);
    p.text(MARGIN, 10.0, true, "Omschrijving");
    p.right(qty_x, 10.0, true, "Aantal");
    p.right(price_x, 10.0, true, "Prijs");
    p.right(amount_x, 10.0, true, "Bedrag");
    p.gap(14.0);
    p.rule();
    for line in &invoice.lines {
        let description: String = line.description.chars().take(52).collect();
        p.text(MARGIN, 9.5, false, &description);
        p.right(qty_x, 9.5, false, &line.quantity.to_string());
        p.right(price_x, 9.5, false, &euro(line.unit_price));
        p.right(amount_x, 9.5, false, &euro(line.amount));
        p.gap(14.0);
    }
    p.rule();
    for (label, value, bold) in [
        ("Subtotaal excl. btw".to_owned(), invoice.subtotal, false),
        (format!("Btw {}% over {}", invoice.vat_percent, euro(invoice.subtotal)), invoice.vat, false),
        ("Totaal incl. btw".to_owned(), invoice.total, true),
    ] {
        p.text(300.0, 10.0, bold, &label);
        p.right(amount_x, 10.0, bold, &euro(value));
        p.gap(15.0);
    }
    p.gap(14.0);
    if credit {
        p.line(9.5, false, "Het bedrag wordt verrekend of teruggestort.");
    } else {
        match invoice.payment_method {
            Some(PaymentMethod::DirectDebit) => {
                p.line(9.5, false, "Het bedrag wordt automatisch geïncasseerd (art. 8.5).");
                p.line(9.5, false, &format!("Vervaldatum: {}.", nl_date(invoice.due_date)));
            }
            _ => p.line(
                9.5,
                false,
                &format!(
                    "Graag uiterlijk {} overmaken op {} o.v.v. {}.",
                    nl_date(invoice.due_date),
                    issuer.iban,
                    invoice.number.as_str()
                ),
            ),
        }
        p.line(
            9.5,
            false,
            &format!(
                "Bezwaar schriftelijk en met redenen binnen 10 dagen na de factuurdatum, uiterlijk {} (art. 8.6).",
                nl_date(invoice.dispute_deadline)
            ),
        );
        p.line(9.5, false, "Bezwaar schort de betalingsverplichting niet op; verrekening is uitgesloten.");
    }
    assemble(&p.ops)
}

/// Objects, cross-reference table and trailer around one page's content stream.
fn assemble(content: &str) -> Vec<u8> {
    let content = content.as_bytes();
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH} {HEIGHT}] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>").into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".to_vec(),
        [format!("<< /Length {} >>\nstream\n", content.len()).as_bytes(), content, b"\nendstream"].concat(),
    ];
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (n, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", n + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_amounts() {
        assert_eq!(euro(Money::from_cents(123_456_789)), "€ 1.234.567,89");
        assert_eq!(euro(Money::from_cents(5)), "€ 0,05");
        assert_eq!(euro(Money::from_cents(-100_000)), "-€ 1.000,00");
    }

    #[test]
    fn escapes_and_encodes() {
        assert_eq!(escape("(a) \\ € é"), "\\(a\\) \\\\ \\200 \\351");
    }
}
