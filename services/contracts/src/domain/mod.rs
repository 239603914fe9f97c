//! The rules of the terms that the contracts service owns. No gRPC, no SQL.

pub mod contract;
pub mod customer;
pub mod storage;
pub mod terms;
