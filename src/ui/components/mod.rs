//! Reusable pieces shared by pages.

pub mod changed_elsewhere;
pub mod charts;
pub mod drafts;
pub mod form_status;
pub mod intake;
pub mod keys;
pub mod logged_form;
pub mod palette;
pub mod set_aside;
pub mod shortcuts;
pub mod still_waiting;
pub mod timeline;
pub mod undo_toast;
pub mod virtual_rows;
