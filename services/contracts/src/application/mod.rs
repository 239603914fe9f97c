//! Use cases of the contracts service, written against repository ports.

pub mod customers;
pub mod page;
