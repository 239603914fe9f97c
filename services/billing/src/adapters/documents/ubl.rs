//! A UBL 2.1 invoice or credit note that conforms to Peppol BIS Billing 3.0 and the Dutch
//! rules (NLCIUS): the seller's KvK number as legal id and electronic address (scheme 0106),
//! the buyer reference, one VAT breakdown, payment means 49 (direct debit) or 58 (SEPA credit
//! transfer, with the IBAN), the due date, and for a credit note the invoice it corrects.
//! Element order follows the UBL 2.1 schemas, which enforce it.

use super::xml::Xml;
use crate::{
    config::Issuer,
    domain::{
        contract::PaymentMethod,
        invoice::{Invoice, Kind},
    },
};

pub const CUSTOMIZATION_ID: &str = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
pub const PROFILE_ID: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";
const CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
/// ISO 6523 ICD of the Dutch Chamber of Commerce number.
const KVK_SCHEME: &str = "0106";

/// The UBL document of `invoice`. `credited_number` is the number of the invoice a credit note
/// corrects (NL-R-001).
pub fn document(invoice: &Invoice, issuer: &Issuer, credited_number: Option<&str>) -> String {
    let credit = invoice.kind == Kind::CreditNote;
    let (root, namespace) = if credit {
        ("CreditNote", "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2")
    } else {
        ("Invoice", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2")
    };
    let eur = [("currencyID", "EUR")];
    let mut x = Xml::new(root, &[("", namespace), ("cac", CAC), ("cbc", CBC)]);
    x.leaf("cbc:CustomizationID", CUSTOMIZATION_ID);
    x.leaf("cbc:ProfileID", PROFILE_ID);
    x.leaf("cbc:ID", invoice.number.as_str());
    x.leaf("cbc:IssueDate", &invoice.issue_date.to_string());
    if credit {
        x.leaf("cbc:CreditNoteTypeCode", "381");
    } else {
        x.leaf("cbc:DueDate", &invoice.due_date.to_string());
        x.leaf("cbc:InvoiceTypeCode", "380");
    }
    x.leaf("cbc:Note", &format!("Art. {} algemene voorwaarden", invoice.article));
    x.leaf("cbc:DocumentCurrencyCode", "EUR");
    let buyer_reference = invoice.contract_id.map_or_else(|| invoice.buyer.customer_id.to_string(), |c| c.to_string());
    x.leaf("cbc:BuyerReference", &buyer_reference);
    if let Some(period) = invoice.period {
        x.open("cac:InvoicePeriod")
            .leaf("cbc:StartDate", &period.first().to_string())
            .leaf("cbc:EndDate", &period.last().to_string())
            .close();
    }
    if let Some(number) = credited_number {
        x.open("cac:BillingReference").open("cac:InvoiceDocumentReference").leaf("cbc:ID", number).close().close();
    }

    x.open("cac:AccountingSupplierParty").open("cac:Party");
    x.leaf_with("cbc:EndpointID", &[("schemeID", KVK_SCHEME)], issuer.kvk_number.as_str());
    x.open("cac:PartyName").leaf("cbc:Name", &issuer.name).close();
    x.open("cac:PostalAddress")
        .leaf("cbc:StreetName", &issuer.street)
        .leaf("cbc:CityName", &issuer.city)
        .leaf("cbc:PostalZone", &issuer.postal_code)
        .open("cac:Country")
        .leaf("cbc:IdentificationCode", "NL")
        .close()
        .close();
    x.open("cac:PartyTaxScheme")
        .leaf("cbc:CompanyID", &issuer.vat_number)
        .open("cac:TaxScheme")
        .leaf("cbc:ID", "VAT")
        .close()
        .close();
    x.open("cac:PartyLegalEntity")
        .leaf("cbc:RegistrationName", &issuer.name)
        .leaf_with("cbc:CompanyID", &[("schemeID", KVK_SCHEME)], issuer.kvk_number.as_str())
        .close();
    x.open("cac:Contact").leaf("cbc:ElectronicMail", &issuer.email).close();
    x.close().close();

    x.open("cac:AccountingCustomerParty").open("cac:Party");
    x.leaf_with("cbc:EndpointID", &[("schemeID", KVK_SCHEME)], &invoice.buyer.kvk_number);
    x.open("cac:PartyName").leaf("cbc:Name", &invoice.buyer.name).close();
    x.open("cac:PostalAddress");
    match &invoice.buyer.address {
        Some(a) => {
            x.leaf("cbc:StreetName", a.street()).leaf("cbc:CityName", a.city()).leaf("cbc:PostalZone", a.postal_code());
            x.open("cac:Country").leaf("cbc:IdentificationCode", a.country_code()).close();
        }
        // Not known yet: the country alone (BR-10, BR-11); NLCIUS NL-R-004 then asks for more.
        None => {
            x.open("cac:Country").leaf("cbc:IdentificationCode", "NL").close();
        }
    }
    x.close();
    x.open("cac:PartyLegalEntity")
        .leaf("cbc:RegistrationName", &invoice.buyer.name)
        .leaf_with("cbc:CompanyID", &[("schemeID", KVK_SCHEME)], &invoice.buyer.kvk_number)
        .close();
    x.close().close();

    x.open("cac:PaymentMeans");
    match invoice.payment_method {
        Some(PaymentMethod::DirectDebit) => {
            x.leaf_with("cbc:PaymentMeansCode", &[("name", "Direct debit")], "49");
            if credit {
                x.leaf("cbc:PaymentDueDate", &invoice.due_date.to_string());
            }
            x.leaf("cbc:PaymentID", invoice.number.as_str());
        }
        _ => {
            x.leaf_with("cbc:PaymentMeansCode", &[("name", "SEPA credit transfer")], "58");
            if credit {
                x.leaf("cbc:PaymentDueDate", &invoice.due_date.to_string());
            }
            x.leaf("cbc:PaymentID", invoice.number.as_str());
            x.open("cac:PayeeFinancialAccount")
                .leaf("cbc:ID", issuer.iban.as_str())
                .leaf("cbc:Name", &issuer.name)
                .close();
        }
    }
    x.close();
    let terms = if credit {
        format!("Creditnota op factuur {}", credited_number.unwrap_or(""))
    } else {
        format!("Betaling binnen 14 dagen na factuurdatum, uiterlijk {} (art. 8.6)", invoice.due_date)
    };
    x.open("cac:PaymentTerms").leaf("cbc:Note", &terms).close();

    let subtotal = invoice.subtotal.to_string();
    let vat = invoice.vat.to_string();
    let rate = invoice.vat_percent.to_string();
    x.open("cac:TaxTotal").leaf_with("cbc:TaxAmount", &eur, &vat);
    x.open("cac:TaxSubtotal").leaf_with("cbc:TaxableAmount", &eur, &subtotal).leaf_with("cbc:TaxAmount", &eur, &vat);
    x.open("cac:TaxCategory")
        .leaf("cbc:ID", "S")
        .leaf("cbc:Percent", &rate)
        .open("cac:TaxScheme")
        .leaf("cbc:ID", "VAT")
        .close()
        .close();
    x.close().close();

    x.open("cac:LegalMonetaryTotal")
        .leaf_with("cbc:LineExtensionAmount", &eur, &subtotal)
        .leaf_with("cbc:TaxExclusiveAmount", &eur, &subtotal)
        .leaf_with("cbc:TaxInclusiveAmount", &eur, &invoice.total.to_string())
        .leaf_with("cbc:PayableAmount", &eur, &invoice.total.to_string())
        .close();

    let (line, quantity) = if credit {
        ("cac:CreditNoteLine", "cbc:CreditedQuantity")
    } else {
        ("cac:InvoiceLine", "cbc:InvoicedQuantity")
    };
    for (n, l) in invoice.lines.iter().enumerate() {
        x.open(line);
        x.leaf("cbc:ID", &(n + 1).to_string());
        x.leaf_with(quantity, &[("unitCode", "C62")], &l.quantity.to_string());
        x.leaf_with("cbc:LineExtensionAmount", &eur, &l.amount.to_string());
        x.open("cac:Item").leaf("cbc:Name", &l.description);
        x.open("cac:ClassifiedTaxCategory")
            .leaf("cbc:ID", "S")
            .leaf("cbc:Percent", &rate)
            .open("cac:TaxScheme")
            .leaf("cbc:ID", "VAT")
            .close()
            .close();
        x.close();
        x.open("cac:Price").leaf_with("cbc:PriceAmount", &eur, &l.unit_price.to_string()).close();
        x.close();
    }
    x.finish()
}
