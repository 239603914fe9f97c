//! Use cases of the contracts service, written against repository ports.

pub mod contracts;
pub mod customers;
pub mod terms;
