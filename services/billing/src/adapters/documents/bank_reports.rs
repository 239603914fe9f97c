//! Bank reports on direct debits: `pain.002.001.03` (payment status report) and
//! `camt.054.001.02` (debit/credit notification). Anything else, or anything malformed, is
//! refused whole.

use chrono::NaiveDate;
use roxmltree::{Document, Node};

pub use crate::domain::sepa::{BankReport, Outcome, ReportKind};

const PAIN_002: &str = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03";
const CAMT_054: &str = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("is not well-formed XML: {0}")]
    NotXml(String),
    #[error("is not a pain.002.001.03 or camt.054.001.02 document (namespace {0:?})")]
    Unknown(String),
    #[error("lacks {0}")]
    Missing(&'static str),
}

fn child<'a>(node: Node<'a, 'a>, name: &str) -> Option<Node<'a, 'a>> {
    node.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

fn children<'a>(node: Node<'a, 'a>, name: &'a str) -> impl Iterator<Item = Node<'a, 'a>> + 'a {
    node.children().filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn path<'a>(node: Node<'a, 'a>, names: &[&str]) -> Option<Node<'a, 'a>> {
    names.iter().try_fold(node, |n, name| child(n, name))
}

fn text(node: Node<'_, '_>, names: &[&str]) -> Option<String> {
    path(node, names).and_then(|n| n.text()).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

/// Reads a report. Limits the input so a hostile document cannot exhaust memory.
pub fn parse(xml: &str) -> Result<BankReport, ReportError> {
    if xml.len() > 20 * 1024 * 1024 {
        return Err(ReportError::NotXml("larger than 20 MiB".to_owned()));
    }
    let doc = Document::parse(xml).map_err(|e| ReportError::NotXml(e.to_string()))?;
    let root = doc.root_element();
    let namespace = root.tag_name().namespace().unwrap_or("").to_owned();
    if root.tag_name().name() != "Document" {
        return Err(ReportError::Unknown(namespace));
    }
    match namespace.as_str() {
        PAIN_002 => pain002(root),
        CAMT_054 => camt054(root),
        _ => Err(ReportError::Unknown(namespace)),
    }
}

const ACCEPTED: [&str; 5] = ["ACCP", "ACSC", "ACSP", "ACCC", "ACWC"];

fn pain002(root: Node<'_, '_>) -> Result<BankReport, ReportError> {
    let report = child(root, "CstmrPmtStsRpt").ok_or(ReportError::Missing("CstmrPmtStsRpt"))?;
    let message_id = text(report, &["GrpHdr", "MsgId"]).ok_or(ReportError::Missing("GrpHdr/MsgId"))?;
    let mut outcomes = Vec::new();
    let group = child(report, "OrgnlGrpInfAndSts").ok_or(ReportError::Missing("OrgnlGrpInfAndSts"))?;
    let transactions: Vec<Node<'_, '_>> =
        children(report, "OrgnlPmtInfAndSts").flat_map(|p| children(p, "TxInfAndSts")).collect();
    if text(group, &["GrpSts"]).as_deref() == Some("RJCT") && transactions.is_empty() {
        let original = text(group, &["OrgnlMsgId"]).ok_or(ReportError::Missing("OrgnlGrpInfAndSts/OrgnlMsgId"))?;
        let reason = text(group, &["StsRsnInf", "Rsn", "Cd"]).unwrap_or_else(|| "NARR".to_owned());
        outcomes.push(Outcome::BatchRejected { original_message_id: original, reason });
    }
    for tx in transactions {
        let end_to_end_id =
            text(tx, &["OrgnlEndToEndId"]).ok_or(ReportError::Missing("TxInfAndSts/OrgnlEndToEndId"))?;
        let status = text(tx, &["TxSts"]).ok_or(ReportError::Missing("TxInfAndSts/TxSts"))?;
        if status == "RJCT" {
            let reason = text(tx, &["StsRsnInf", "Rsn", "Cd"]).unwrap_or_else(|| "NARR".to_owned());
            outcomes.push(Outcome::Failed { end_to_end_id, reason });
        } else if ACCEPTED.contains(&status.as_str()) {
            outcomes.push(Outcome::Collected { end_to_end_id, booked_on: None });
        }
    }
    Ok(BankReport { message_id, kind: ReportKind::Pain002, outcomes })
}

fn camt054(root: Node<'_, '_>) -> Result<BankReport, ReportError> {
    let report = child(root, "BkToCstmrDbtCdtNtfctn").ok_or(ReportError::Missing("BkToCstmrDbtCdtNtfctn"))?;
    let message_id = text(report, &["GrpHdr", "MsgId"]).ok_or(ReportError::Missing("GrpHdr/MsgId"))?;
    let mut outcomes = Vec::new();
    for entry in children(report, "Ntfctn").flat_map(|n| children(n, "Ntry")) {
        if text(entry, &["Sts"]).as_deref() != Some("BOOK") {
            continue;
        }
        let booked_on = text(entry, &["BookgDt", "Dt"]).and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
        let credit = text(entry, &["CdtDbtInd"]).as_deref() == Some("CRDT");
        let reversal = text(entry, &["RvslInd"]).as_deref() == Some("true");
        for tx in children(entry, "NtryDtls").flat_map(|d| children(d, "TxDtls")) {
            let Some(end_to_end_id) = text(tx, &["Refs", "EndToEndId"]) else { continue };
            match text(tx, &["RtrInf", "Rsn", "Cd"]) {
                Some(reason) => outcomes.push(Outcome::Failed { end_to_end_id, reason }),
                None if credit && !reversal => outcomes.push(Outcome::Collected { end_to_end_id, booked_on }),
                None => outcomes.push(Outcome::Failed { end_to_end_id, reason: "NARR".to_owned() }),
            }
        }
    }
    Ok(BankReport { message_id, kind: ReportKind::Camt054, outcomes })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn refuses_what_it_does_not_know() {
        assert!(matches!(parse("not xml"), Err(ReportError::NotXml(_))));
        assert!(matches!(parse("<Document xmlns=\"urn:x\"/>"), Err(ReportError::Unknown(_))));
        let no_id = format!("<Document xmlns=\"{PAIN_002}\"><CstmrPmtStsRpt><GrpHdr/></CstmrPmtStsRpt></Document>");
        assert_eq!(parse(&no_id), Err(ReportError::Missing("GrpHdr/MsgId")));
    }

    proptest! {
        /// A fuzzing property: no input makes the reader panic.
        #[test]
        fn never_panics_on_any_text(s in ".{0,400}") {
            let _ = parse(&s);
        }

        /// Nor on a valid report with any slice cut out of it.
        #[test]
        fn never_panics_on_damaged_reports(start in 0usize..600, len in 0usize..80) {
            let valid = format!("<Document xmlns=\"{CAMT_054}\"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M1</MsgId></GrpHdr><Ntfctn><Ntry><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-02-03</Dt></BookgDt><NtryDtls><TxDtls><Refs><EndToEndId>2026-000001</EndToEndId></Refs><RtrInf><Rsn><Cd>AM04</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>");
            let start = start.min(valid.len());
            let end = (start + len).min(valid.len());
            if valid.is_char_boundary(start) && valid.is_char_boundary(end) {
                let damaged = format!("{}{}", &valid[..start], &valid[end..]);
                let _ = parse(&damaged);
            }
        }
    }
}
