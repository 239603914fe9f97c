//! Use cases of the notification service.

pub mod contacts;
