//! What notification knows and decides. No gRPC, no SQL.

pub mod contact;
