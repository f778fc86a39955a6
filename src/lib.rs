//! Escalation Desk: an offline-first desk for payments escalation specialists.
//!
//! `domain` and `bundle` are pure and compile natively, as do `sql` and the stored record and
//! page formats of `storage`; the rest of `storage`, and all of `app`, `browser` and `ui`, exist
//! only in the browser build. See ARCHITECTURE.md for the map.

pub mod bundle;
pub mod domain;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod browser;
pub mod sql;
pub mod storage;
#[cfg(target_arch = "wasm32")]
pub mod ui;
