//! The Leptos front end: thin components over the domain and storage, holding plain data in signals.

pub mod components;
pub mod crypto;
mod mounted;
mod on_demand;
mod pages;
mod safe_mode;
mod shell;
pub mod sql_client;

pub use safe_mode::SafeMode;
pub use shell::App;
