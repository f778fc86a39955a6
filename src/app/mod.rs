//! The application layer: the one in-memory model every view derives from, and one function per thing a person does that writes.
//!
//! A page never reaches storage itself. It calls a function here, which reads what it needs,
//! applies the domain's rules, writes one transaction and then publishes the change: to this
//! tab's model (so every view, the open case's timeline and Insights included, agrees without
//! a reload) and, through the tab channel, to other tabs. A rule written here holds on every
//! path that leads to it.

pub mod board;
pub mod carry;
pub mod cases;
pub mod db;
pub mod drafts;
pub mod email;
pub mod exchange;
pub mod files;
pub mod first_screen;
pub mod leaving;
pub mod library;
pub mod on_demand;
pub mod problems;
pub mod rcas;
pub mod state;
pub mod sync;

pub use state::{AppState, app_state};

/// What pages name from the layers below: storage's error (inside `AppError`, and for the
/// stale-preview and full-disk messages) and the saved SQL queries kept in preferences.
pub use crate::storage::StorageError;
pub use crate::storage::prefs::SavedQuery;

use crate::domain::Case;

/// Why something a person asked for was not done, worded for them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Storage(#[from] StorageError),
    /// A rule said no: the message says which and why.
    #[error("{0}")]
    Refused(String),
    /// Another tab changed the same field meanwhile; nothing was saved. `theirs` is their case.
    #[error("{message}")]
    Clash { message: String, theirs: Box<Case> },
    #[error("the case is no longer on this device")]
    Gone,
    /// Code used only on first use (the sample desk's generator) could not be fetched.
    #[error("{0}")]
    NotFetched(#[from] on_demand::CodeNotFetched),
}
