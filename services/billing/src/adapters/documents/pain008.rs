//! SEPA direct debit initiation, `pain.008.001.02` (the version Dutch banks publish their
//! guidelines for): one PmtInf per scheme and sequence type, CtrlSum and NbOfTxs consistent,
//! EndToEndId = the invoice number, the creditor scheme id from configuration.

use chrono::{DateTime, NaiveDate, Utc};
use pactum_domain::Money;

use super::xml::Xml;
use crate::{
    config::Issuer,
    domain::sepa::{Collection, CreditorId},
};

const NAMESPACE: &str = "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02";

/// The batch document. `collections` may come in any order; they are grouped here.
pub fn document(
    message_id: &str,
    created: DateTime<Utc>,
    collection_date: NaiveDate,
    collections: &[Collection],
    issuer: &Issuer,
    creditor: &CreditorId,
) -> String {
    let mut groups: Vec<(&str, &str, Vec<&Collection>)> = Vec::new();
    for c in collections {
        let key = (c.mandate.scheme.code(), c.sequence.code());
        match groups.iter_mut().find(|g| (g.0, g.1) == key) {
            Some(group) => group.2.push(c),
            None => groups.push((key.0, key.1, vec![c])),
        }
    }
    groups.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let sum = |cs: &[&Collection]| cs.iter().fold(Money::ZERO, |s, c| Money::from_cents(s.cents() + c.amount.cents()));
    let all: Vec<&Collection> = collections.iter().collect();

    let mut x = Xml::new("Document", &[("", NAMESPACE)]);
    x.open("CstmrDrctDbtInitn");
    x.open("GrpHdr")
        .leaf("MsgId", message_id)
        .leaf("CreDtTm", &created.format("%Y-%m-%dT%H:%M:%S").to_string())
        .leaf("NbOfTxs", &all.len().to_string())
        .leaf("CtrlSum", &sum(&all).to_string())
        .open("InitgPty")
        .leaf("Nm", &issuer.name)
        .close()
        .close();
    for (n, (scheme, sequence, txs)) in groups.iter().enumerate() {
        x.open("PmtInf");
        x.leaf("PmtInfId", &format!("{message_id}-{}", n + 1));
        x.leaf("PmtMtd", "DD");
        x.leaf("NbOfTxs", &txs.len().to_string());
        x.leaf("CtrlSum", &sum(txs).to_string());
        x.open("PmtTpInf")
            .open("SvcLvl")
            .leaf("Cd", "SEPA")
            .close()
            .open("LclInstrm")
            .leaf("Cd", scheme)
            .close()
            .leaf("SeqTp", sequence)
            .close();
        x.leaf("ReqdColltnDt", &collection_date.to_string());
        x.open("Cdtr").leaf("Nm", &issuer.name).close();
        x.open("CdtrAcct").open("Id").leaf("IBAN", issuer.iban.as_str()).close().close();
        x.open("CdtrAgt").open("FinInstnId").open("Othr").leaf("Id", "NOTPROVIDED").close().close().close();
        x.leaf("ChrgBr", "SLEV");
        x.open("CdtrSchmeId").open("Id").open("PrvtId").open("Othr");
        x.leaf("Id", creditor.as_str()).open("SchmeNm").leaf("Prtry", "SEPA").close();
        x.close().close().close().close();
        for c in txs {
            x.open("DrctDbtTxInf");
            x.open("PmtId").leaf("EndToEndId", &c.invoice_number).close();
            x.leaf_with("InstdAmt", &[("Ccy", "EUR")], &c.amount.to_string());
            x.open("DrctDbtTx")
                .open("MndtRltdInf")
                .leaf("MndtId", &c.mandate.id)
                .leaf("DtOfSgntr", &c.mandate.signed_on.to_string())
                .close()
                .close();
            x.open("DbtrAgt").open("FinInstnId");
            match &c.mandate.bic {
                Some(bic) => {
                    x.leaf("BIC", bic);
                }
                None => {
                    x.open("Othr").leaf("Id", "NOTPROVIDED").close();
                }
            }
            x.close().close();
            x.open("Dbtr").leaf("Nm", &c.mandate.debtor_name).close();
            x.open("DbtrAcct").open("Id").leaf("IBAN", c.mandate.iban.as_str()).close().close();
            x.open("RmtInf").leaf("Ustrd", &format!("Factuur {}", c.invoice_number)).close();
            x.close();
        }
        x.close();
    }
    x.finish()
}
