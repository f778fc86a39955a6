//! The SLA board: one summary per case (health, next deadline) for the queue to sort, filter and badge, cached so a tick recomputes only what time can have changed.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::{CaseSla, Clock, ClockMark, ClockState, CompiledSla, Health, SlaTarget, case_clocks};
use crate::domain::{Case, CaseEvent, EventKind};

/// What the queue needs from one case's clocks (kept, with the first rows, in the queue's preview).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    pub health: Health,
    /// The soonest live deadline and the clock it belongs to.
    pub due: Option<(DateTime<Utc>, SlaTarget)>,
    /// For a paused case with no deadline: working minutes left on the paused clock.
    pub paused_left: Option<i64>,
}

impl Summary {
    pub const NONE: Summary = Summary {
        health: Health::Idle,
        due: None,
        paused_left: None,
    };

    fn of(sla: &CaseSla) -> Summary {
        let due = sla.next_due().map(|(d, c)| (d, c.target));
        let paused_left = sla
            .live()
            .filter(|c| c.state == ClockState::Paused && c.due.is_none())
            .map(|c| c.remaining().num_minutes())
            .min();
        Summary {
            health: sla.health(),
            due,
            paused_left,
        }
    }
}

/// Every case's summary, in the same order as the cases it was computed from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Board {
    pub rows: Vec<Summary>,
    /// Breaches the log does not hold yet, to be appended as events.
    pub unlogged: Vec<CaseEvent>,
}

/// One case's last computed result and what it was computed from.
struct Cached {
    id: Uuid,
    revision: u64,
    marks: usize,
    summary: Summary,
    /// Until this instant (exclusive), time alone cannot change the summary.
    valid_until: Option<DateTime<Utc>>,
    unlogged: Vec<CaseEvent>,
}

/// What a board is computed from: the cases in list order, their clock marks, the compiled
/// settings with their identity (a new identity drops every cached result), and the time.
#[derive(Clone, Copy)]
pub struct BoardInputs<'a> {
    pub cases: &'a [Case],
    pub marks: &'a HashMap<Uuid, Vec<ClockMark>>,
    pub engine: &'a CompiledSla,
    pub engine_id: usize,
    pub now: DateTime<Utc>,
}

/// Results by position in the case list, which keeps its order (edits replace in place, new
/// cases go last), so a lookup is an index and an id check.
#[derive(Default)]
pub struct BoardCache {
    /// The settings the entries were computed with, compared by identity.
    engine: usize,
    /// `None` where `warm` has not reached a case yet.
    entries: Vec<Option<Cached>>,
}

impl BoardCache {
    /// Every case's clock summary. A case is recomputed only when it changed (revision,
    /// marks), the settings changed (`engine_id`), or `now` reached the instant its health
    /// could turn; so an edit recomputes one case and a 30-second tick only the few whose
    /// deadlines or warnings fell due.
    pub fn compute(&mut self, inputs: &BoardInputs<'_>) -> Board {
        self.refresh(inputs, 0..inputs.cases.len())
    }

    /// Brings the cases in `range` up to date and keeps what is cached for the others, so a
    /// change to every case at once (start-up's clock marks arriving) can be computed a slice
    /// per task, and the `compute` that follows finds every case cached.
    pub fn warm(&mut self, inputs: &BoardInputs<'_>, range: std::ops::Range<usize>) {
        self.refresh(inputs, range);
    }

    /// Realigns the cache with `cases` and computes what is stale in `range`; the board holds
    /// the cases in `range` only.
    fn refresh(&mut self, inputs: &BoardInputs<'_>, range: std::ops::Range<usize>) -> Board {
        let BoardInputs {
            cases,
            marks,
            engine,
            engine_id,
            now,
        } = *inputs;
        if self.engine != engine_id {
            self.engine = engine_id;
            self.entries.clear();
        }
        let empty = Vec::new();
        let mut old = std::mem::take(&mut self.entries);
        // Built only if the order changed (a full reload reads cases in key order).
        let mut by_id: Option<HashMap<Uuid, usize>> = None;
        let mut entries = Vec::with_capacity(cases.len());
        let mut unlogged = Vec::new();
        let mut rows = Vec::with_capacity(range.len());
        for (i, case) in cases.iter().enumerate() {
            let aligned = old
                .get(i)
                .and_then(|e| e.as_ref())
                .is_some_and(|e| e.id == case.id);
            let position = if aligned {
                Some(i)
            } else {
                by_id
                    .get_or_insert_with(|| {
                        old.iter()
                            .enumerate()
                            .filter_map(|(at, e)| e.as_ref().map(|e| (e.id, at)))
                            .collect()
                    })
                    .get(&case.id)
                    .copied()
            };
            let previous = position.and_then(|at| old.get_mut(at).and_then(Option::take));
            if !range.contains(&i) {
                entries.push(previous);
                continue;
            }
            let case_marks = marks.get(&case.id).unwrap_or(&empty);
            let reusable = previous.filter(|hit| {
                hit.revision == case.revision
                    && hit.marks == case_marks.len()
                    && hit.valid_until.is_none_or(|t| now < t)
            });
            let entry = reusable.unwrap_or_else(|| compute_one(case, case_marks, engine, now));
            rows.push(entry.summary);
            unlogged.extend(entry.unlogged.iter().cloned());
            entries.push(Some(entry));
        }
        self.entries = entries;
        Board { rows, unlogged }
    }
}

/// The board computed from scratch, for callers with no cache to keep (tests, fuzzing).
pub fn board(
    cases: &[Case],
    marks: &HashMap<Uuid, Vec<ClockMark>>,
    engine: &CompiledSla,
    now: DateTime<Utc>,
) -> Board {
    BoardCache::default().compute(&BoardInputs {
        cases,
        marks,
        engine,
        engine_id: 1,
        now,
    })
}

fn compute_one(
    case: &Case,
    marks: &[ClockMark],
    engine: &CompiledSla,
    now: DateTime<Utc>,
) -> Cached {
    let fresh = |summary, valid_until, unlogged| Cached {
        id: case.id,
        revision: case.revision,
        marks: marks.len(),
        summary,
        valid_until,
        unlogged,
    };
    // A resolved or closed case has no live clock; its record changes only with an event.
    if !case.status.is_open() {
        return fresh(Summary::NONE, None, Vec::new());
    }
    let sla = case_clocks(case, marks, engine, now);
    let unlogged = sla
        .unlogged_breaches(marks)
        .into_iter()
        .map(|clock| breach_event(case, clock))
        .collect();
    fresh(Summary::of(&sla), sla.changes_at(), unlogged)
}

/// The event that records a breach. Its id is derived from the clock, so two tabs logging the
/// same breach write the same record.
pub fn breach_event(case: &Case, clock: &Clock) -> CaseEvent {
    let due = clock.due.unwrap_or(clock.cycle);
    let name = format!("breach:{}:{}", clock.target.code(), clock.cycle.timestamp());
    CaseEvent {
        id: Uuid::new_v5(&case.id, name.as_bytes()),
        case_id: case.id,
        at: due,
        actor: "SLA clock".into(),
        kind: EventKind::SlaBreached {
            target: clock.target,
            cycle: clock.cycle,
            due,
        },
    }
}

/// "2h 05m", "3d 4h", "45m": short enough for a queue cell.
pub fn short_duration(span: Duration) -> String {
    crate::domain::rca::duration_text(span.num_minutes().saturating_abs())
}

/// The badge text and class for a summary at `now`: colour plus words, never colour alone.
pub fn badge(summary: &Summary, now: DateTime<Utc>) -> Option<(String, &'static str)> {
    match (summary.health, summary.due) {
        (Health::Idle, _) => None,
        (health, Some((due, target))) => {
            let class = match health {
                Health::Breached => "sla sla-breached",
                Health::AtRisk => "sla sla-risk",
                Health::Paused => "sla sla-paused",
                _ => "sla sla-ok",
            };
            let text = if due <= now {
                format!("{} overdue by {}", target.code(), short_duration(now - due))
            } else {
                format!("{} due in {}", target.code(), short_duration(due - now))
            };
            Some((text, class))
        }
        (Health::Breached, None) => Some(("Breached".into(), "sla sla-breached")),
        (_, None) => Some((
            format!(
                "Paused · {} left",
                short_duration(Duration::minutes(
                    summary
                        .paused_left
                        .unwrap_or(0)
                        .clamp(0, i64::from(i32::MAX))
                ))
            ),
            "sla sla-paused",
        )),
    }
}

#[cfg(test)]
#[path = "board_tests.rs"]
mod tests;
