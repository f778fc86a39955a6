//! What leaves a worksheet page: its Markdown with names filled in from this device, and the status badge's class.

use leptos::prelude::*;

use crate::app::state::AppState;
use crate::browser::format_time;
use crate::domain::rca::{ExportNames, Rca, RcaStatus, to_markdown};

/// The Markdown export with names filled in from this device.
pub fn export_markdown(state: AppState, rca: &Rca) -> String {
    let zone = state.zone();
    let time = move |t: chrono::DateTime<chrono::Utc>| format_time(t, &zone);
    let cases = state.cases.with_untracked(|all| {
        rca.content
            .case_ids
            .iter()
            .map(|id| match all.iter().find(|c| c.id == *id) {
                Some(c) => format!("{} {}", c.key, c.title),
                None => format!("case {id} (not on this device)"),
            })
            .collect()
    });
    let problem = rca.content.problem_id.map(|id| {
        state
            .problems
            .with_untracked(|all| match all.iter().find(|p| p.id == id) {
                Some(p) => format!("{} {}", p.key, p.title),
                None => format!("problem {id} (not on this device)"),
            })
    });
    to_markdown(
        rca,
        &ExportNames {
            cases,
            problem,
            time: &time,
        },
        state.today(),
    )
}

/// The badge class of a status, e.g. `rca-status rca-inreview`.
pub fn status_class(status: RcaStatus) -> String {
    format!("rca-status rca-{status:?}").to_lowercase()
}
