//! What notification knows and decides. No gRPC, no SQL.

pub mod catalogue;
pub mod contact;
pub mod notice;
