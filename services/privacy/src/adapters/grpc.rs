//! `pactum.privacy.v1.PrivacyService`.

use pactum_proto::pactum::privacy::v1::privacy_service_server::PrivacyService;

#[derive(Debug, Default)]
pub struct PrivacyGrpc;

impl PrivacyService for PrivacyGrpc {}
