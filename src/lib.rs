//! Escalation Desk: an offline-first desk for payments escalation specialists.
//!
//! `domain` and `bundle` are pure and compile natively; `storage` and `ui`
//! exist only in the browser build. See ARCHITECTURE.md for the map.

pub mod bundle;
pub mod domain;

pub mod sql;
pub mod storage;
#[cfg(target_arch = "wasm32")]
pub mod ui;
