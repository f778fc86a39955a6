//! The pure core: case model, events and sample data, with no I/O and no clock of its own.
//!
//! Nothing here imports a browser or UI crate, and nothing reads the time or
//! generates ids by itself: `now` and ids are always arguments, so every rule
//! can be tested natively and deterministically.

pub mod analytics;
pub mod attachment;
pub mod case;
pub mod device;
pub mod email_file;
pub mod fuzzy;
pub mod mailto;
pub mod markdown;
pub mod merge;
pub mod money;
pub mod partners;
pub mod playbook_pack;
pub mod playbooks;
pub mod priority;
pub mod problem;
pub mod queue;
pub mod queue_preview;
pub mod rca;
pub mod sample;
pub mod sample_desk;
mod sample_timing;
pub mod search;
pub mod settings;
pub mod sla;
pub mod templates;
pub mod timestamp;
pub mod triage;
pub mod validate;

pub use case::events::{CaseEvent, EventKind};
pub use case::{
    Account, Case, CaseEdit, CaseKey, CaseStatus, Channel, Contact, EditContext, FieldError,
    NewCaseInput, Severity, Tier, ValidNewCase,
};

/// A domain rule was broken; the message is written for the person at the keyboard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("{0}")]
    Invalid(FieldError),
    #[error("nothing changed")]
    NoChange,
    #[error("{0}")]
    Transition(#[from] case::status::TransitionError),
    #[error("cannot mark the case triaged yet: fill in {0}")]
    NotTriaged(String),
    #[error("{0}")]
    EmptyNote(&'static str),
    #[error("{0}")]
    Contact(String),
    /// An evidence file refused: its name, size or a copy already on the case.
    #[error("{0}")]
    File(String),
}
