//! What notification knows and decides. No gRPC, no SQL.

pub mod announcement;
pub mod catalogue;
pub mod contact;
pub mod notice;
