//! One module per route.

pub mod case_page;
mod case_sla;
pub mod problems;
pub mod queue;
pub mod settings;
mod sla_settings;
