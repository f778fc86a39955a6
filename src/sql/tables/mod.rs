//! The SQL console's tables: their documented columns, the example queries, and the rows built from cases, logs and RCAs.
//!
//! Times are UTC text in SQLite's own format (`2026-11-02 09:00:00`), so `date()`, `strftime()`
//! and `julianday()` work on them directly; durations are whole minutes.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::analytics::{CsvCell, to_csv};
use crate::domain::case::Case;
use crate::domain::case::events::{CaseEvent, EventKind};
use crate::domain::rca::{Evidence, EvidenceKind, Rca};
use crate::domain::sla::{ClockMark, ClockState, CompiledSla, case_clocks};

mod codec;
mod schema;

pub use codec::*;
pub use schema::*;

/// A value in a table or a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Cell {
    pub fn display(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Int(n) => n.to_string(),
            Cell::Real(x) => x.to_string(),
            Cell::Text(t) => t.clone(),
        }
    }
}

impl From<&str> for Cell {
    fn from(t: &str) -> Self {
        Cell::Text(t.to_owned())
    }
}

impl From<String> for Cell {
    fn from(t: String) -> Self {
        Cell::Text(t)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}

impl From<bool> for Cell {
    fn from(b: bool) -> Self {
        Cell::Int(i64::from(b))
    }
}

fn time(at: DateTime<Utc>) -> Cell {
    Cell::Text(at.format("%Y-%m-%d %H:%M:%S").to_string())
}

fn maybe_time(at: Option<DateTime<Utc>>) -> Cell {
    at.map_or(Cell::Null, time)
}

/// A query's rows, at most the cap asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// More rows existed than the cap; only the first ones are here.
    pub capped: bool,
}

impl QueryResult {
    /// The result as CSV, numbers as numbers and text guarded like every other CSV export.
    pub fn to_csv(&self) -> String {
        let headers: Vec<&str> = self.columns.iter().map(String::as_str).collect();
        let rows: Vec<Vec<CsvCell>> = self
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|cell| match cell {
                        Cell::Null => CsvCell::Empty,
                        Cell::Int(_) | Cell::Real(_) => CsvCell::Number(cell.display()),
                        Cell::Text(t) => CsvCell::Text(t.clone()),
                    })
                    .collect()
            })
            .collect();
        to_csv(&headers, &rows)
    }

    /// SHA-256 of the CSV, in hex: what an RCA cites so a reader can check a re-run gives the same rows.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(self.to_csv().as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The evidence a saved query's result becomes on an RCA: the query, when it ran, its row count and fingerprint.
pub fn query_evidence(
    number: u32,
    name: &str,
    sql: &str,
    ran_at: DateTime<Utc>,
    result: &QueryResult,
) -> Evidence {
    let rows = result.rows.len();
    let capped = if result.capped { " (capped)" } else { "" };
    Evidence {
        number,
        kind: EvidenceKind::Query,
        title: format!("{name}: {rows} rows{capped}"),
        detail: format!(
            "{sql}\n\nRan {} UTC · {rows} rows{capped} · SHA-256 of the CSV result {}",
            ran_at.format("%Y-%m-%d %H:%M:%S"),
            result.fingerprint()
        ),
    }
}

/// Every table's rows in the worker's transfer format (`encode_rows`), and how many rows in all.
pub struct Extract {
    pub tables: Vec<(&'static str, String)>,
    pub rows: usize,
}

/// The rows of every table. `sla` is `None` when the stored SLA settings cannot be compiled; the
/// clocks table is then empty rather than wrong.
pub fn extract(
    cases: &[Case],
    events: &HashMap<Uuid, Vec<CaseEvent>>,
    rcas: &[Rca],
    sla: Option<&CompiledSla>,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Extract {
    let no_events = Vec::new();
    let mut case_rows = Vec::with_capacity(cases.len());
    let mut event_rows = Vec::new();
    let mut clock_rows = Vec::new();
    let mut handoff_rows: Vec<Vec<Cell>> = Vec::new();
    let mut run_rows: Vec<Vec<Cell>> = Vec::new();
    let mut attachment_rows: Vec<Vec<Cell>> = Vec::new();
    for case in cases {
        let key = case.key.to_string();
        let stored = events.get(&case.id).unwrap_or(&no_events);
        let mut log: Vec<&CaseEvent> = stored.iter().collect();
        log.sort_by(|a, b| crate::domain::case::events::timeline_order(a, b));
        let marks: Vec<ClockMark> = log.iter().filter_map(|e| ClockMark::of(e)).collect();
        let facts = crate::domain::analytics::facts(&marks);
        let mut handoffs: HashMap<Uuid, usize> = HashMap::new();
        let mut runs: HashMap<Uuid, usize> = HashMap::new();
        for event in &log {
            event_rows.push(vec![
                event.id.to_string().into(),
                key.as_str().into(),
                time(event.at),
                event.actor.as_str().into(),
                kind_name(&event.kind).into(),
                event.headline().into(),
                body(&event.kind),
            ]);
            match &event.kind {
                EventKind::HandedOff {
                    handoff,
                    team,
                    ask,
                    ticket,
                    ola_minutes,
                } => {
                    handoffs.insert(*handoff, handoff_rows.len());
                    handoff_rows.push(vec![
                        handoff.to_string().into(),
                        key.as_str().into(),
                        team.as_str().into(),
                        ask.as_str().into(),
                        ticket.as_str().into(),
                        time(event.at),
                        Cell::Null,
                        ola_minutes.map_or(Cell::Null, |m| Cell::Int(i64::from(m))),
                        Cell::Null,
                    ]);
                }
                EventKind::PartnerAnswered { handoff, summary } => {
                    // Columns 6 and 8 of a hand-off row: answered_at and answer (see `HANDOFFS`).
                    if let Some(row) = handoffs.get(handoff).and_then(|i| handoff_rows.get_mut(*i))
                        && row.get(6) == Some(&Cell::Null)
                    {
                        set_cell(row, 6, time(event.at));
                        set_cell(row, 8, summary.as_str().into());
                    }
                }
                EventKind::PlaybookApplied {
                    run,
                    playbook,
                    version,
                    title,
                    steps,
                } => {
                    runs.insert(*run, run_rows.len());
                    run_rows.push(vec![
                        run.to_string().into(),
                        key.as_str().into(),
                        playbook.to_string().into(),
                        title.as_str().into(),
                        Cell::Int(i64::from(*version)),
                        time(event.at),
                        Cell::Int(i64::try_from(steps.len()).unwrap_or(i64::MAX)),
                        Cell::Int(0),
                        Cell::Int(0),
                    ]);
                }
                _ => {}
            }
        }
        if log
            .iter()
            .any(|e| matches!(e.kind, EventKind::FileAttached { .. }))
        {
            for held in crate::domain::attachment::files_on_case(stored) {
                attachment_rows.push(vec![
                    key.as_str().into(),
                    held.file.name.into(),
                    held.file.media_type.into(),
                    Cell::Int(i64::try_from(held.file.size).unwrap_or(i64::MAX)),
                    held.file.sha256.into(),
                    time(held.at),
                    held.actor.into(),
                ]);
            }
        }
        if !runs.is_empty() {
            // `checklists` puts the log in timeline order itself; no copy is needed.
            for list in crate::domain::playbooks::checklists(stored) {
                if let Some(row) = runs.get(&list.run).and_then(|i| run_rows.get_mut(*i)) {
                    let (done, skipped, _) = list.progress();
                    set_cell(row, 7, Cell::Int(i64::try_from(done).unwrap_or(0)));
                    set_cell(row, 8, Cell::Int(i64::try_from(skipped).unwrap_or(0)));
                }
            }
        }
        if let Some(sla) = sla {
            let clocks = case_clocks(case, &marks, sla, now);
            if let Some(settled) = &clocks.settled {
                for clock in &settled.clocks {
                    clock_rows.push(vec![
                        key.as_str().into(),
                        clock.target.code().into(),
                        Cell::Null,
                        "settled".into(),
                        maybe_time(clock.due),
                        Cell::Int(i64::from(clock.target_minutes)),
                        Cell::Int(clock.elapsed_minutes),
                        clock.breached.into(),
                    ]);
                }
            } else {
                for clock in &clocks.clocks {
                    let state = match clock.state {
                        ClockState::Running => "running",
                        ClockState::Paused => "paused",
                        ClockState::Stopped { .. } => "stopped",
                    };
                    clock_rows.push(vec![
                        key.as_str().into(),
                        clock.target.code().into(),
                        clock.team.as_deref().map_or(Cell::Null, Cell::from),
                        state.into(),
                        maybe_time(clock.due),
                        Cell::Int(i64::from(clock.target_minutes)),
                        Cell::Int(clock.elapsed.num_minutes()),
                        clock.breached.into(),
                    ]);
                }
            }
        }
        case_rows.push(vec![
            key.as_str().into(),
            case.id.to_string().into(),
            case.title.as_str().into(),
            case.account.name.as_str().into(),
            case.account.account_id.as_str().into(),
            case.account.tier.label().into(),
            case.product_area.as_str().into(),
            case.priority.code().into(),
            case.status.label().into(),
            case.owner.as_str().into(),
            case.channel.label().into(),
            case.tags.join(",").into(),
            time(case.created_at),
            time(case.updated_at),
            maybe_time(facts.first_response),
            maybe_time(facts.first_resolved),
            facts.reopened.into(),
            Cell::Int(i64::try_from(case.revision).unwrap_or(i64::MAX)),
        ]);
    }
    let mut rca_rows = Vec::with_capacity(rcas.len());
    let mut action_rows = Vec::new();
    for rca in rcas {
        let key = rca.key.to_string();
        rca_rows.push(vec![
            key.as_str().into(),
            rca.id.to_string().into(),
            rca.content.title.as_str().into(),
            rca.status.label().into(),
            rca.content.owner.as_str().into(),
            rca.content.category.as_str().into(),
            Cell::Int(i64::try_from(rca.content.case_ids.len()).unwrap_or(0)),
            rca.content.users_affected.map_or(Cell::Null, |n| {
                Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
            }),
            time(rca.created_at),
            time(rca.updated_at),
        ]);
        for action in &rca.content.actions {
            action_rows.push(vec![
                action.id.to_string().into(),
                key.as_str().into(),
                action.kind.label().into(),
                action.title.as_str().into(),
                action.owner.as_str().into(),
                action.team.as_str().into(),
                action
                    .due
                    .map_or(Cell::Null, |d| Cell::Text(d.format("%Y-%m-%d").to_string())),
                action.status.label().into(),
                action.ticket.as_str().into(),
                action.is_overdue(today).into(),
            ]);
        }
    }
    let all = [
        ("cases", case_rows),
        ("events", event_rows),
        ("sla_clocks", clock_rows),
        ("handoffs", handoff_rows),
        ("playbook_runs", run_rows),
        ("rcas", rca_rows),
        ("rca_actions", action_rows),
        ("attachments", attachment_rows),
    ];
    let rows = all.iter().map(|(_, r)| r.len()).sum();
    let tables = all
        .into_iter()
        // Serialising plain cells into a String cannot fail.
        .map(|(name, rows)| (name, encode_rows(&rows)))
        .collect();
    Extract { tables, rows }
}

fn kind_name(kind: &EventKind) -> &'static str {
    match kind {
        EventKind::Created { .. } => "Created",
        EventKind::FieldChanged { .. } => "FieldChanged",
        EventKind::StatusChanged { .. } => "StatusChanged",
        EventKind::NoteAdded { .. } => "NoteAdded",
        EventKind::EmailSent { .. } => "EmailSent",
        EventKind::EmailReceived { .. } => "EmailReceived",
        EventKind::CallLogged { .. } => "CallLogged",
        EventKind::UpdatePromised { .. } => "UpdatePromised",
        EventKind::HandedOff { .. } => "HandedOff",
        EventKind::PartnerAnswered { .. } => "PartnerAnswered",
        EventKind::ReminderSet { .. } => "ReminderSet",
        EventKind::PlaybookApplied { .. } => "PlaybookApplied",
        EventKind::StepTicked { .. } => "StepTicked",
        EventKind::StepSkipped { .. } => "StepSkipped",
        EventKind::StepReopened { .. } => "StepReopened",
        EventKind::SlaBreached { .. } => "SlaBreached",
        EventKind::SlaSettled { .. } => "SlaSettled",
        EventKind::FileAttached { .. } => "FileAttached",
        EventKind::FileRemoved { .. } => "FileRemoved",
    }
}

fn body(kind: &EventKind) -> Cell {
    match kind {
        EventKind::NoteAdded { text } => text.as_str().into(),
        EventKind::EmailSent { body, .. } | EventKind::EmailReceived { body, .. } => {
            body.as_str().into()
        }
        EventKind::CallLogged { notes, .. } => notes.as_str().into(),
        EventKind::StatusChanged {
            resolution: Some(r),
            ..
        } => r.as_str().into(),
        _ => Cell::Null,
    }
}

/// Replaces one cell of a row being built; a row is always as wide as its table, and a
/// column beyond it would be a bug in this file, so it is ignored rather than trusted.
fn set_cell(row: &mut [Cell], column: usize, value: Cell) {
    if let Some(cell) = row.get_mut(column) {
        *cell = value;
    }
}

#[cfg(test)]
mod tests;
