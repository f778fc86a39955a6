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
use crate::domain::events::{CaseEvent, EventKind};
use crate::domain::rca::{Evidence, EvidenceKind, Rca};
use crate::domain::sla::{ClockMark, ClockState, CompiledSla, case_clocks};

pub struct Column {
    pub name: &'static str,
    /// `TEXT` or `INTEGER`.
    pub kind: &'static str,
    pub doc: &'static str,
}

pub struct Table {
    pub name: &'static str,
    pub doc: &'static str,
    pub columns: &'static [Column],
}

const fn text(name: &'static str, doc: &'static str) -> Column {
    Column {
        name,
        kind: "TEXT",
        doc,
    }
}

const fn int(name: &'static str, doc: &'static str) -> Column {
    Column {
        name,
        kind: "INTEGER",
        doc,
    }
}

pub const TABLES: &[Table] = &[
    Table {
        name: "cases",
        doc: "One row per case.",
        columns: &[
            text("key", "ESC-1001"),
            text("id", "The case's UUID"),
            text("title", "One-line summary"),
            text("account", "Merchant or account name"),
            text("account_id", "The platform's account id"),
            text("tier", "Standard or Enterprise"),
            text("product_area", "Payouts, Disputes, …"),
            text("priority", "P1 (highest) to P4"),
            text(
                "status",
                "New, Triaged, In progress, Waiting on user, Waiting on partner, Resolved, Closed",
            ),
            text("owner", "The specialist who owns it"),
            text("channel", "Where it came in"),
            text("tags", "Comma-separated"),
            text("created_at", "Opened, UTC"),
            text("updated_at", "Last change, UTC"),
            text(
                "first_response_at",
                "First email sent or call that reached the user, UTC",
            ),
            text("resolved_at", "First resolution, UTC"),
            int("reopened", "1 if it was reopened after a resolution"),
            int("revision", "Bumped by every saved change"),
        ],
    },
    Table {
        name: "events",
        doc: "Every timeline entry of every case, oldest first.",
        columns: &[
            text("id", "The event's UUID"),
            text("case_key", "ESC-1001"),
            text("at", "When, UTC"),
            text("actor", "Who"),
            text(
                "kind",
                "Created, StatusChanged, NoteAdded, EmailSent, CallLogged, HandedOff, SlaBreached, …",
            ),
            text("summary", "The timeline's one-line headline"),
            text("body", "Note, email or call text, where the event has one"),
        ],
    },
    Table {
        name: "sla_clocks",
        doc: "Each case's service-level clocks: as recorded at resolution, or live now.",
        columns: &[
            text("case_key", "ESC-1001"),
            text("target", "FR, NU, RES or OLA"),
            text("team", "The partner team, for OLA clocks"),
            text("state", "running, paused, stopped or settled"),
            text("due_at", "Deadline, UTC"),
            int("target_minutes", "The agreed working minutes"),
            int("elapsed_minutes", "Working minutes used"),
            int("breached", "1 if missed"),
        ],
    },
    Table {
        name: "handoffs",
        doc: "Parts of cases handed to partner teams.",
        columns: &[
            text("id", "The hand-off's UUID"),
            text("case_key", "ESC-1001"),
            text("team", "Partner team"),
            text("ask", "The question asked"),
            text("ticket", "The partner's own ticket"),
            text("asked_at", "UTC"),
            text("answered_at", "UTC; empty while waiting"),
            int(
                "ola_minutes",
                "The team's OLA pinned at hand-off; empty uses the policy's",
            ),
            text("answer", "Their answer"),
        ],
    },
    Table {
        name: "playbook_runs",
        doc: "Playbooks applied to cases, with step progress.",
        columns: &[
            text("id", "The run's UUID"),
            text("case_key", "ESC-1001"),
            text("playbook_id", "The playbook's UUID"),
            text("title", "Playbook title at the version applied"),
            int("version", "Version applied"),
            text("started_at", "UTC"),
            int("steps", "Steps in the checklist"),
            int("done", "Steps ticked"),
            int("skipped", "Steps skipped"),
        ],
    },
    Table {
        name: "rcas",
        doc: "Root-cause analysis worksheets.",
        columns: &[
            text("key", "RCA-1"),
            text("id", "The worksheet's UUID"),
            text("title", "Title"),
            text("status", "Draft, In review, Validated, Published"),
            text("owner", "Owner"),
            text("category", "Root-cause category"),
            int("cases", "Cases it covers"),
            int("users_affected", "Users affected, if known"),
            text("created_at", "UTC"),
            text("updated_at", "UTC"),
        ],
    },
    Table {
        name: "rca_actions",
        doc: "Corrective and preventive actions from RCAs.",
        columns: &[
            text("id", "The action's UUID"),
            text("rca_key", "RCA-1"),
            text("kind", "Corrective, Preventive, Detection, Mitigation"),
            text("title", "What will be done"),
            text("owner", "Who"),
            text("team", "Which team"),
            text("due", "Due date, YYYY-MM-DD"),
            text("status", "Open, Done, Not doing"),
            text("ticket", "Tracking ticket"),
            int("overdue", "1 if open and past due today"),
        ],
    },
];

pub struct Example {
    pub name: &'static str,
    pub sql: &'static str,
}

pub const EXAMPLES: &[Example] = &[
    Example {
        name: "Breaches by product area",
        sql: "SELECT c.product_area, count(*) AS breaches\nFROM sla_clocks s JOIN cases c ON c.key = s.case_key\nWHERE s.breached = 1\nGROUP BY c.product_area\nORDER BY breaches DESC, c.product_area;",
    },
    Example {
        name: "Median first response by week",
        sql: "WITH r AS (\n  SELECT strftime('%Y-%W', created_at) AS week,\n         round((julianday(first_response_at) - julianday(created_at)) * 1440) AS minutes\n  FROM cases WHERE first_response_at IS NOT NULL\n), ranked AS (\n  SELECT week, minutes,\n         row_number() OVER (PARTITION BY week ORDER BY minutes) AS n,\n         count(*) OVER (PARTITION BY week) AS total\n  FROM r\n)\nSELECT week, minutes AS median_minutes, total AS cases\nFROM ranked WHERE n = (total + 1) / 2\nORDER BY week;",
    },
    Example {
        name: "Top accounts by escalations",
        sql: "SELECT account, count(*) AS escalations,\n       sum(status NOT IN ('Resolved', 'Closed')) AS open\nFROM cases\nGROUP BY account\nORDER BY escalations DESC, account\nLIMIT 10;",
    },
];

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
    for case in cases {
        let key = case.key.to_string();
        let stored = events.get(&case.id).unwrap_or(&no_events);
        let mut log: Vec<&CaseEvent> = stored.iter().collect();
        log.sort_by(|a, b| crate::domain::events::timeline_order(a, b));
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

/// The DDL that creates every table, for the engine and for the schema sidebar.
pub fn create_statements() -> Vec<String> {
    TABLES
        .iter()
        .map(|t| {
            let columns: Vec<String> = t
                .columns
                .iter()
                .map(|c| format!("{} {}", c.name, c.kind))
                .collect();
            format!("CREATE TABLE {} ({})", t.name, columns.join(", "))
        })
        .collect()
}

/// One table's rows as one string: every cell in column order, `n` for NULL, `i<integer>;`,
/// `r<real>;` or `t<byte length>:<text>`. Parsing it is a walk with no allocation per cell,
/// where JSON (SQLite's reader or serde's) took most of the load time.
pub fn encode_rows(rows: &[Vec<Cell>]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for row in rows {
        for cell in row {
            // Writing into a String cannot fail.
            let _ = match cell {
                Cell::Null => write!(out, "n"),
                Cell::Int(n) => write!(out, "i{n};"),
                Cell::Real(x) => write!(out, "r{x};"),
                Cell::Text(t) => write!(out, "t{}:{t}", t.len()),
            };
        }
    }
    out
}

/// A cell borrowed from an encoded table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellRef<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
}

/// Replaces one cell of a row being built; a row is always as wide as its table, and a
/// column beyond it would be a bug in this file, so it is ignored rather than trusted.
fn set_cell(row: &mut [Cell], column: usize, value: Cell) {
    if let Some(cell) = row.get_mut(column) {
        *cell = value;
    }
}

/// `text[from..to]`, or the place where the transfer text is damaged.
fn slice<E: From<String>>(text: &str, from: usize, to: usize) -> Result<&str, E> {
    text.get(from..to)
        .ok_or_else(|| E::from(format!("byte {from}: a value splits a character")))
}

/// Calls `row` with each row of `width` cells from `encode_rows` text; returns the row count,
/// or where the text is damaged.
pub fn decode_rows<'a, E: From<String>>(
    text: &'a str,
    width: usize,
    mut row: impl FnMut(&[CellRef<'a>]) -> Result<(), E>,
) -> Result<usize, E> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut cells: Vec<CellRef<'a>> = Vec::with_capacity(width);
    let mut rows = 0;
    let damaged = |at: usize, why: &str| E::from(format!("byte {at}: {why}"));
    while let Some(&tag) = bytes.get(at) {
        at += 1;
        let until = |stop: u8, at: usize| {
            bytes
                .get(at..)
                .unwrap_or_default()
                .iter()
                .position(|b| *b == stop)
                .map(|i| at + i)
                .ok_or_else(|| damaged(at, "a number is not terminated"))
        };
        let cell = match tag {
            b'n' => CellRef::Null,
            b'i' => {
                let end = until(b';', at)?;
                let n = slice(text, at, end)?
                    .parse()
                    .map_err(|_| damaged(at, "not an integer"))?;
                at = end + 1;
                CellRef::Int(n)
            }
            b'r' => {
                let end = until(b';', at)?;
                let x = slice(text, at, end)?
                    .parse()
                    .map_err(|_| damaged(at, "not a number"))?;
                at = end + 1;
                CellRef::Real(x)
            }
            b't' => {
                let colon = until(b':', at)?;
                let len: usize = slice(text, at, colon)?
                    .parse()
                    .map_err(|_| damaged(at, "not a length"))?;
                let start = colon + 1;
                let value = text.get(start..start + len).ok_or_else(|| {
                    damaged(start, "text runs past the end or splits a character")
                })?;
                at = start + len;
                CellRef::Text(value)
            }
            _ => return Err(damaged(at - 1, "unknown cell type")),
        };
        cells.push(cell);
        if cells.len() == width {
            row(&cells)?;
            cells.clear();
            rows += 1;
        }
    }
    if !cells.is_empty() {
        return Err(damaged(at, "the last row is short"));
    }
    Ok(rows)
}

/// The statement that inserts one row of `table`.
pub fn insert_statement(table: &Table) -> String {
    let marks: Vec<&str> = table.columns.iter().map(|_| "?").collect();
    format!("INSERT INTO {} VALUES ({})", table.name, marks.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_becomes_csv_and_evidence_with_a_stable_fingerprint() {
        let result = QueryResult {
            columns: vec!["area".into(), "n".into()],
            rows: vec![
                vec!["Payouts".into(), Cell::Int(2)],
                vec![Cell::Null, Cell::Real(1.5)],
            ],
            capped: false,
        };
        assert_eq!(result.to_csv(), "area,n\nPayouts,2\n,1.5\n");
        let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 20, 9, 0, 0).unwrap();
        let evidence = query_evidence(3, "Breaches", "SELECT 1", at, &result);
        assert_eq!(evidence.number, 3);
        assert_eq!(evidence.kind, EvidenceKind::Query);
        assert_eq!(evidence.title, "Breaches: 2 rows");
        assert!(
            evidence
                .detail
                .starts_with("SELECT 1\n\nRan 2026-11-20 09:00:00 UTC · 2 rows · SHA-256")
        );
        assert!(evidence.detail.ends_with(&result.fingerprint()));
        assert_eq!(result.fingerprint().len(), 64);
        let mut changed = result.clone();
        changed.rows[0][1] = Cell::Int(3);
        assert_ne!(changed.fingerprint(), result.fingerprint());
    }

    #[test]
    fn every_row_has_one_cell_per_documented_column() {
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 20, 9, 0, 0).unwrap();
        let sample = crate::domain::sample::generate(3, 40, 1001, now);
        let cases: Vec<Case> = sample.iter().map(|s| s.case.clone()).collect();
        let events: HashMap<Uuid, Vec<CaseEvent>> =
            sample.into_iter().map(|s| (s.case.id, s.events)).collect();
        let sla = CompiledSla::new(crate::domain::sla::SlaSettings::default(), now).unwrap();
        let extract = extract(&cases, &events, &[], Some(&sla), now, now.date_naive());
        assert_eq!(extract.tables.len(), TABLES.len());
        for ((name, text), table) in extract.tables.iter().zip(TABLES) {
            assert_eq!(*name, table.name);
            let rows = decode_rows::<String>(text, table.columns.len(), |_| Ok(())).unwrap();
            if *name == "cases" {
                assert_eq!(rows, 40);
            }
            if *name == "events" || *name == "sla_clocks" {
                assert!(rows > 40, "{name}: {rows}");
            }
        }
    }

    #[test]
    fn the_transfer_format_round_trips_any_cell_and_reports_damage() {
        let rows = vec![
            vec![
                Cell::Null,
                Cell::Int(-42),
                Cell::Real(2.5),
                Cell::Text("a:b;c\nnt3:é€".into()),
            ],
            vec![
                Cell::Text(String::new()),
                Cell::Int(i64::MAX),
                Cell::Real(-0.125),
                Cell::Null,
            ],
        ];
        let text = encode_rows(&rows);
        let mut back = Vec::new();
        let count = decode_rows::<String>(&text, 4, |cells| {
            back.push(
                cells
                    .iter()
                    .map(|c| match c {
                        CellRef::Null => Cell::Null,
                        CellRef::Int(n) => Cell::Int(*n),
                        CellRef::Real(x) => Cell::Real(*x),
                        CellRef::Text(t) => Cell::Text((*t).to_owned()),
                    })
                    .collect::<Vec<_>>(),
            );
            Ok(())
        })
        .unwrap();
        assert_eq!((count, back), (2, rows));
        assert_eq!(
            decode_rows::<String>(&text, 3, |_| Ok(())).unwrap_err(),
            format!("byte {}: the last row is short", text.len())
        );
        assert!(
            decode_rows::<String>("t9:abc", 1, |_| Ok(()))
                .unwrap_err()
                .contains("runs past the end")
        );
        assert!(
            decode_rows::<String>("x", 1, |_| Ok(()))
                .unwrap_err()
                .contains("byte 0: unknown cell type")
        );
        assert!(
            decode_rows::<String>("i12", 1, |_| Ok(()))
                .unwrap_err()
                .contains("not terminated")
        );
        // A length that would split a multi-byte character is damage, not a panic.
        assert!(decode_rows::<String>("t1:é", 1, |_| Ok(())).is_err());
    }
}
