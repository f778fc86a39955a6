//! One module per route.

pub mod call;
mod case_checklist;
mod case_files;
mod case_outreach;
pub mod case_page;
mod case_sla;
pub mod data;
pub mod insights;
mod partners;
pub mod playbooks;
pub mod problems;
pub mod queue;
mod rca_sheet;
pub mod rcas;
pub mod settings;
mod sla_settings;
pub mod sql_console;
pub mod sync_reviews;
pub mod sync_set_aside;
pub mod team_sync;
pub mod templates;
