//! One module per route.

pub mod case_page;
pub mod queue;
pub mod settings;
