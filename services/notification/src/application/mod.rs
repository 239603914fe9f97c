//! Use cases of the notification service.

pub mod contacts;
pub mod notices;
