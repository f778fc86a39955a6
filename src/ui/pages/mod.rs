//! One module per route.

pub mod case_page;
pub mod problems;
pub mod queue;
pub mod settings;
