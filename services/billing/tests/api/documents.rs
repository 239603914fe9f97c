//! UBL documents: valid against the official UBL 2.1 schemas (`../shared/schemas/ubl-2.1/`,
//! checked with `xmllint`), and a test per Peppol BIS / EN 16931 / NLCIUS business rule we
//! implement. Every rule check is also shown to catch a document that breaks it.

use pactum_proto::pactum::billing::v1 as pb;
use roxmltree::{Document, Node};

use crate::helpers::{date, spawn_billing, validate};

/// An invoice (direct debit), an invoice (bank transfer) and a credit note, as documents.
struct Documents {
    direct_debit: String,
    transfer: String,
    credit_note: String,
}

async fn documents() -> Documents {
    let app = spawn_billing().await;
    let (dd, _) = app.seed_contract("2026-01-01", "monthly", None, &[(3, 1500), (1, 999)]).await;
    let (bt, _) = app.seed_contract("2026-01-01", "yearly", None, &[(1, 120_000)]).await;
    sqlx::query("UPDATE billing.contracts SET payment_method = 'bank_transfer' WHERE customer_id = $1")
        .bind(bt)
        .execute(&app.pool)
        .await
        .unwrap();
    app.run_billing((2026, 1, 1)).await;
    let mut client = app.client.clone();
    let doc = |id: String| {
        let mut client = app.client.clone();
        async move {
            let d = client
                .get_invoice_document(pb::GetInvoiceDocumentRequest {
                    invoice_id: id,
                    format: pb::DocumentFormat::Ubl.into(),
                })
                .await
                .unwrap()
                .into_inner();
            assert_eq!(d.content_type, "application/xml");
            String::from_utf8(d.content).unwrap()
        }
    };
    let dd_invoice = app.invoices_of(dd).await.remove(0);
    let bt_invoice = app.invoices_of(bt).await.remove(0);
    app.service.set_today((2026, 1, 5)).await;
    client
        .dispute_invoice(pb::DisputeInvoiceRequest {
            invoice_id: dd_invoice.invoice_id.clone(),
            disputed_on: date(2026, 1, 5),
            reason: "seats & storage <not> ordered".into(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap();
    let resolved = client
        .resolve_dispute(pb::ResolveDisputeRequest {
            invoice_id: dd_invoice.invoice_id.clone(),
            outcome: pb::DisputeOutcome::Upheld.into(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner();
    Documents {
        direct_debit: doc(dd_invoice.invoice_id).await,
        transfer: doc(bt_invoice.invoice_id).await,
        credit_note: doc(resolved.credit_note.unwrap().invoice_id).await,
    }
}

#[tokio::test]
async fn documents_are_valid_ubl_2_1() {
    let d = documents().await;
    validate(&d.direct_debit, "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd").unwrap();
    validate(&d.transfer, "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd").unwrap();
    validate(&d.credit_note, "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd").unwrap();
    // The schema check itself bites: an element out of order is refused.
    let broken = d.direct_debit.replacen("<cbc:IssueDate>", "<cbc:Note>x</cbc:Note><cbc:IssueDate>", 1);
    assert!(validate(&broken, "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd").is_err());
}

// ---- the business rules, as checks over a parsed document ----

fn children<'a>(node: Node<'a, 'a>, name: &str) -> Vec<Node<'a, 'a>> {
    node.children().filter(|c| c.is_element() && c.tag_name().name() == name).collect()
}

/// Nodes at `path` (local names) below `node`.
fn at<'a>(node: Node<'a, 'a>, path: &[&str]) -> Vec<Node<'a, 'a>> {
    let mut nodes = vec![node];
    for step in path {
        nodes = nodes.into_iter().flat_map(|n| children(n, step)).collect();
    }
    nodes
}

fn text<'a>(node: Node<'a, 'a>, path: &[&str]) -> Option<&'a str> {
    at(node, path).first().and_then(|n| n.text()).map(str::trim).filter(|t| !t.is_empty())
}

fn amount(node: Node<'_, '_>, path: &[&str]) -> Option<i64> {
    let t = text(node, path)?;
    let (units, cents) = t.split_once('.').unwrap_or((t, "00"));
    Some(units.parse::<i64>().ok()? * 100 + cents.parse::<i64>().ok()?)
}

type Rule = fn(Node<'_, '_>) -> Result<(), &'static str>;

fn present(node: Node<'_, '_>, path: &[&str], message: &'static str) -> Result<(), &'static str> {
    text(node, path).map(|_| ()).ok_or(message)
}

fn is_credit(doc: Node<'_, '_>) -> bool {
    doc.tag_name().name() == "CreditNote"
}

fn lines<'a>(doc: Node<'a, 'a>) -> Vec<Node<'a, 'a>> {
    at(doc, &[if is_credit(doc) { "CreditNoteLine" } else { "InvoiceLine" }])
}

const RULES: &[(&str, Rule)] = &[
    ("BR-01", |d| {
        (text(d, &["CustomizationID"])
            == Some("urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"))
        .then_some(())
        .ok_or("specification identifier")
    }),
    ("BR-02", |d| present(d, &["ID"], "invoice number")),
    ("BR-03", |d| present(d, &["IssueDate"], "issue date")),
    ("BR-04", |d| present(d, &[if is_credit(d) { "CreditNoteTypeCode" } else { "InvoiceTypeCode" }], "type code")),
    ("BR-05", |d| (text(d, &["DocumentCurrencyCode"]) == Some("EUR")).then_some(()).ok_or("currency code")),
    ("BR-06", |d| {
        present(d, &["AccountingSupplierParty", "Party", "PartyLegalEntity", "RegistrationName"], "seller name")
    }),
    ("BR-07", |d| {
        present(d, &["AccountingCustomerParty", "Party", "PartyLegalEntity", "RegistrationName"], "buyer name")
    }),
    ("BR-08", |d| {
        (!at(d, &["AccountingSupplierParty", "Party", "PostalAddress"]).is_empty())
            .then_some(())
            .ok_or("seller postal address")
    }),
    ("BR-09", |d| {
        present(
            d,
            &["AccountingSupplierParty", "Party", "PostalAddress", "Country", "IdentificationCode"],
            "seller country",
        )
    }),
    ("BR-10", |d| {
        (!at(d, &["AccountingCustomerParty", "Party", "PostalAddress"]).is_empty())
            .then_some(())
            .ok_or("buyer postal address")
    }),
    ("BR-11", |d| {
        present(
            d,
            &["AccountingCustomerParty", "Party", "PostalAddress", "Country", "IdentificationCode"],
            "buyer country",
        )
    }),
    ("BR-12", |d| {
        let sum: i64 = lines(d).into_iter().filter_map(|l| amount(l, &["LineExtensionAmount"])).sum();
        (amount(d, &["LegalMonetaryTotal", "LineExtensionAmount"]) == Some(sum))
            .then_some(())
            .ok_or("sum of line net amounts")
    }),
    ("BR-13", |d| present(d, &["LegalMonetaryTotal", "TaxExclusiveAmount"], "total without VAT")),
    ("BR-14", |d| {
        let without = amount(d, &["LegalMonetaryTotal", "TaxExclusiveAmount"]).ok_or("total without VAT")?;
        let vat = amount(d, &["TaxTotal", "TaxAmount"]).ok_or("VAT total")?;
        (amount(d, &["LegalMonetaryTotal", "TaxInclusiveAmount"]) == Some(without + vat))
            .then_some(())
            .ok_or("total with VAT")
    }),
    ("BR-15", |d| present(d, &["LegalMonetaryTotal", "PayableAmount"], "amount due")),
    ("BR-16", |d| (!lines(d).is_empty()).then_some(()).ok_or("at least one line")),
    ("BR-CO-25", |d| {
        let due = amount(d, &["LegalMonetaryTotal", "PayableAmount"]).unwrap_or(0);
        let has_date = text(d, &["DueDate"]).is_some() || text(d, &["PaymentMeans", "PaymentDueDate"]).is_some();
        (due <= 0 || has_date || text(d, &["PaymentTerms", "Note"]).is_some())
            .then_some(())
            .ok_or("due date or payment terms")
    }),
    ("NL-R-001", |d| {
        (!is_credit(d) || text(d, &["BillingReference", "InvoiceDocumentReference", "ID"]).is_some())
            .then_some(())
            .ok_or("credit note references its invoice")
    }),
    ("NL-R-003", |d| {
        let ids = at(d, &["AccountingSupplierParty", "Party", "PartyLegalEntity", "CompanyID"]);
        ids.first()
            .and_then(|n| n.attribute("schemeID"))
            .filter(|s| *s == "0106" || *s == "0190")
            .map(|_| ())
            .ok_or("seller legal id is KvK or OIN")
    }),
    ("NL-R-004", |d| {
        let address = &["AccountingCustomerParty", "Party", "PostalAddress"];
        let dutch = text(d, &[address[0], address[1], address[2], "Country", "IdentificationCode"]) == Some("NL");
        let whole = ["StreetName", "CityName", "PostalZone"]
            .iter()
            .all(|f| text(d, &[address[0], address[1], address[2], f]).is_some());
        (!dutch || whole).then_some(()).ok_or("a Dutch buyer's street, city and postcode")
    }),
    ("NL-R-008", |d| {
        let codes = at(d, &["PaymentMeans", "PaymentMeansCode"]);
        codes
            .iter()
            .all(|c| ["30", "48", "49", "57", "58", "59"].contains(&c.text().unwrap_or("").trim()))
            .then_some(())
            .ok_or("payment means code")
    }),
];

fn check(xml: &str, id: &str) -> Result<(), &'static str> {
    let doc = Document::parse(xml).expect("well-formed XML");
    let rule = RULES.iter().find(|(rid, _)| *rid == id).unwrap().1;
    rule(doc.root_element())
}

/// Renames element `tag` to `to`, its opening and closing tags: the `nth` one (0-based), or
/// every one.
fn rename(xml: &str, tag: &str, to: &str, nth: Option<usize>) -> String {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    let mut seen = 0;
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        if !after.starts_with(['>', ' ']) {
            out.push_str(&rest[..at + open.len()]);
            rest = after;
            continue;
        }
        let end = after.find(&close).expect("closed") + close.len();
        let element = &rest[at..at + open.len() + end];
        out.push_str(&rest[..at]);
        if nth.is_none_or(|n| n == seen) {
            out.push_str(&format!("<{to}{}", &element[open.len()..element.len() - close.len()]));
            out.push_str(&format!("</{to}>"));
        } else {
            out.push_str(element);
        }
        seen += 1;
        rest = &rest[at + open.len() + end..];
    }
    out.push_str(rest);
    out
}

/// Breaks `xml` so that rule `id` must fail.
fn broken(xml: &str, id: &str) -> String {
    let first = Some(0);
    let second = Some(1);
    let edit = |from: &str, to: &str| {
        assert!(xml.contains(from), "{id}: {from} not in the document");
        xml.replacen(from, to, 1)
    };
    match id {
        "BR-01" => edit("billing:3.0</cbc:CustomizationID>", "billing:2.0</cbc:CustomizationID>"),
        "BR-02" => rename(xml, "cbc:ID", "cbc:UUID", first),
        "BR-03" => rename(xml, "cbc:IssueDate", "cbc:TaxPointDate", first),
        "BR-04" => rename(xml, "cbc:InvoiceTypeCode", "cbc:AccountingCost", first),
        "BR-05" => edit(">EUR</cbc:DocumentCurrencyCode>", ">USD</cbc:DocumentCurrencyCode>"),
        "BR-06" => rename(xml, "cbc:RegistrationName", "cbc:CompanyLegalForm", first),
        "BR-07" => rename(xml, "cbc:RegistrationName", "cbc:CompanyLegalForm", second),
        "BR-08" => rename(xml, "cac:PostalAddress", "cac:PhysicalLocation", first),
        "BR-10" => rename(xml, "cac:PostalAddress", "cac:PhysicalLocation", second),
        "BR-09" => rename(xml, "cbc:IdentificationCode", "cbc:Name", first),
        "BR-11" => rename(xml, "cbc:IdentificationCode", "cbc:Name", second),
        "BR-12" => {
            edit("<cbc:LineExtensionAmount currencyID=\"EUR\">", "<cbc:LineExtensionAmount currencyID=\"EUR\">1")
        }
        "BR-13" => rename(xml, "cbc:TaxExclusiveAmount", "cbc:AllowanceTotalAmount", first),
        "BR-14" => edit("<cbc:TaxInclusiveAmount currencyID=\"EUR\">", "<cbc:TaxInclusiveAmount currencyID=\"EUR\">9"),
        "BR-15" => rename(xml, "cbc:PayableAmount", "cbc:PrepaidAmount", first),
        "BR-16" => rename(xml, "cac:InvoiceLine", "cac:Removed", None),
        "BR-CO-25" => {
            rename(&rename(xml, "cbc:DueDate", "cbc:TaxPointDate", first), "cac:PaymentTerms", "cac:Removed", None)
        }
        "NL-R-003" => edit("<cbc:CompanyID schemeID=\"0106\">", "<cbc:CompanyID schemeID=\"0208\">"),
        "NL-R-004" => rename(xml, "cbc:StreetName", "cbc:AdditionalStreetName", second),
        "NL-R-008" => edit(">49</cbc:PaymentMeansCode>", ">97</cbc:PaymentMeansCode>"),
        other => panic!("no breaking edit for {other}"),
    }
}

macro_rules! rule_tests {
    ($($name:ident => $id:literal),+ $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let d = documents().await;
            for (what, xml) in [("direct debit", &d.direct_debit), ("transfer", &d.transfer), ("credit note", &d.credit_note)] {
                assert_eq!(check(xml, $id), Ok(()), "{} on the {what} document", $id);
            }
            if $id == "NL-R-001" {
                let unreferenced = rename(&d.credit_note, "cac:BillingReference", "cac:Removed", None);
                assert!(check(&unreferenced, $id).is_err(), "NL-R-001 catches a credit note without its invoice");
            } else {
                assert!(check(&broken(&d.direct_debit, $id), $id).is_err(), "{} catches a document that breaks it", $id);
            }
        }
    )+};
}

rule_tests! {
    br_01_specification_identifier => "BR-01",
    br_02_invoice_number => "BR-02",
    br_03_issue_date => "BR-03",
    br_04_type_code => "BR-04",
    br_05_currency => "BR-05",
    br_06_seller_name => "BR-06",
    br_07_buyer_name => "BR-07",
    br_08_seller_address => "BR-08",
    br_09_seller_country => "BR-09",
    br_10_buyer_address => "BR-10",
    br_11_buyer_country => "BR-11",
    br_12_sum_of_lines => "BR-12",
    br_13_total_without_vat => "BR-13",
    br_14_total_with_vat => "BR-14",
    br_15_amount_due => "BR-15",
    br_16_at_least_one_line => "BR-16",
    br_co_25_due_date_or_terms => "BR-CO-25",
    nl_r_001_credit_note_references_invoice => "NL-R-001",
    nl_r_003_seller_legal_id_is_kvk => "NL-R-003",
    nl_r_004_dutch_buyer_address => "NL-R-004",
    nl_r_008_dutch_payment_means => "NL-R-008",
}

#[tokio::test]
async fn payment_means_follow_the_payment_method() {
    let d = documents().await;
    let dd = Document::parse(&d.direct_debit).unwrap();
    assert_eq!(text(dd.root_element(), &["PaymentMeans", "PaymentMeansCode"]), Some("49"));
    let bt = Document::parse(&d.transfer).unwrap();
    let root = bt.root_element();
    assert_eq!(text(root, &["PaymentMeans", "PaymentMeansCode"]), Some("58"));
    assert_eq!(text(root, &["PaymentMeans", "PayeeFinancialAccount", "ID"]), Some("NL91ABNA0417164300"));
    assert_eq!(text(root, &["ProfileID"]), Some("urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"));
    assert_eq!(at(root, &["AccountingSupplierParty", "Party", "EndpointID"])[0].attribute("schemeID"), Some("0106"));
    assert!(text(root, &["BuyerReference"]).is_some());
    let cn = Document::parse(&d.credit_note).unwrap();
    assert!(
        d.credit_note.contains("seats &amp; storage") || !d.credit_note.contains("seats & storage"),
        "text is escaped"
    );
    assert_eq!(text(cn.root_element(), &["CreditNoteTypeCode"]), Some("381"));
}

/// The PDF: a well-formed file (every xref offset points at its object) with each field art. 35a
/// Wet OB requires, in Dutch.
#[tokio::test]
async fn pdf_invoices_carry_what_dutch_law_requires() {
    let app = spawn_billing().await;
    let (customer, contract) = app.seed_contract("2026-01-01", "monthly", None, &[(3, 1500), (1, 999)]).await;
    app.run_billing((2026, 1, 1)).await;
    let invoice = app.invoices_of(customer).await.remove(0);
    let mut client = app.client.clone();
    let pdf = client
        .get_invoice_document(pb::GetInvoiceDocumentRequest {
            invoice_id: invoice.invoice_id.clone(),
            format: pb::DocumentFormat::Pdf.into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((pdf.content_type.as_str(), pdf.filename.as_str()), ("application/pdf", "2026-000001.pdf"));
    let bytes = pdf.content;
    // For a person to look at: PACTUM_KEEP_PDF=/tmp/invoice.pdf keeps the document.
    if let Ok(path) = std::env::var("PACTUM_KEEP_PDF") {
        std::fs::write(path, &bytes).unwrap();
    }
    assert!(bytes.starts_with(b"%PDF-1.4\n") && bytes.ends_with(b"%%EOF\n"));

    // Offsets are byte positions: check them on the bytes (line 2 holds binary marker bytes).
    let find = |needle: &[u8]| bytes.windows(needle.len()).rposition(|w| w == needle);
    let tail = &bytes[find(b"startxref\n").unwrap() + 10..];
    let startxref: usize = std::str::from_utf8(tail).unwrap().lines().next().unwrap().parse().unwrap();
    assert!(bytes[startxref..].starts_with(b"xref\n0 7\n"), "startxref points at the table");
    let table = std::str::from_utf8(&bytes[startxref..]).unwrap();
    for (n, entry) in table.lines().skip(3).take(6).enumerate() {
        let offset: usize = entry[..10].parse().unwrap();
        assert!(bytes[offset..].starts_with(format!("{} 0 obj", n + 1).as_bytes()), "object {} at {offset}", n + 1);
    }
    let text = String::from_utf8_lossy(&bytes);
    for required in [
        "(FACTUUR)",
        "Factuurnummer: 2026-000001",
        "Datum: 01-01-2026",
        "Btw-nr. NL000099998B57",
        "KvK 12345678",
        "Voorbeeldstraat 1, 1011 AB Amsterdam",
        "(Acme B.V.)",
        "(Keizersgracht 1, 1015 CJ Amsterdam)",
        "Periode: 01-01-2026 t/m 31-01-2026",
        &format!("Overeenkomst: {contract}"),
        "(Btw 21% over \\200 54,99)",
        "(\\200 11,55)",
        "(\\200 66,54)",
        "Vervaldatum: 15-01-2026",
        "uiterlijk 11-01-2026 \\(art. 8.6\\)",
    ] {
        assert!(text.contains(required), "the PDF shows {required}");
    }

    app.service.set_today((2026, 1, 3)).await;
    client
        .dispute_invoice(pb::DisputeInvoiceRequest {
            invoice_id: invoice.invoice_id.clone(),
            disputed_on: date(2026, 1, 2),
            reason: "not ordered".into(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap();
    let note = client
        .resolve_dispute(pb::ResolveDisputeRequest {
            invoice_id: invoice.invoice_id.clone(),
            outcome: pb::DisputeOutcome::Upheld.into(),
            request_id: pactum_testkit::request_id(),
        })
        .await
        .unwrap()
        .into_inner()
        .credit_note
        .unwrap();
    let credit = client
        .get_invoice_document(pb::GetInvoiceDocumentRequest {
            invoice_id: note.invoice_id,
            format: pb::DocumentFormat::Pdf.into(),
        })
        .await
        .unwrap()
        .into_inner();
    let credit = String::from_utf8_lossy(&credit.content).into_owned();
    assert!(credit.contains("(CREDITNOTA)") && credit.contains("Creditering van factuur 2026-000001"));

    let missing = client
        .get_invoice_document(pb::GetInvoiceDocumentRequest { invoice_id: invoice.invoice_id, format: 0 })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), tonic::Code::InvalidArgument);
}
