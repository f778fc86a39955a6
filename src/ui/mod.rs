//! The Leptos front end: thin components over the domain and storage, holding plain data in signals.

mod app;
pub mod browser;
mod components;
pub mod crypto;
mod mounted;
mod pages;
mod safe_mode;
pub mod sla;
pub mod sql_client;
pub mod state;

pub use app::App;
pub use safe_mode::SafeMode;
