//! SLA clocks in the UI: the per-case summary the queue sorts and filters by, badges, and breach logging.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;

use crate::domain::sla::{
    CaseSla, Clock, ClockMark, ClockState, CompiledSla, Health, SlaTarget, case_clocks,
};
use crate::domain::{Case, CaseEvent, EventKind};
use crate::ui::state::{AppState, database};

/// Validated settings, compared by identity: a new value is a new compile.
#[derive(Clone)]
pub struct Engine(pub Arc<CompiledSla>);

impl PartialEq for Engine {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// What the queue needs from one case's clocks.
#[derive(Debug, Clone, PartialEq)]
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

/// Every case's summary, in the same order as `state.cases`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Board {
    pub rows: Vec<Summary>,
    /// Breaches the log does not hold yet, to be appended as events.
    pub unlogged: Vec<CaseEvent>,
}

/// Computes every case's clocks. Runs on each case change, settings change, and once a minute.
pub fn compute_board(
    cases: &[Case],
    marks: &std::collections::HashMap<uuid::Uuid, Vec<ClockMark>>,
    engine: &CompiledSla,
    now: DateTime<Utc>,
) -> Board {
    let started = crate::ui::browser::performance_now();
    let empty = Vec::new();
    let mut unlogged = Vec::new();
    let rows = cases
        .iter()
        .map(|case| {
            let case_marks = marks.get(&case.id).unwrap_or(&empty);
            let sla = case_clocks(case, case_marks, engine, now);
            for clock in sla.unlogged_breaches(case_marks) {
                unlogged.push(breach_event(case, clock));
            }
            Summary::of(&sla)
        })
        .collect();
    crate::ui::browser::measure("sla-compute", started);
    Board { rows, unlogged }
}

/// The event that records a breach. Its id is derived from the clock, so two tabs logging the
/// same breach write the same record.
pub fn breach_event(case: &Case, clock: &Clock) -> CaseEvent {
    let due = clock.due.unwrap_or(clock.cycle);
    let name = format!("breach:{}:{}", clock.target.code(), clock.cycle.timestamp());
    CaseEvent {
        id: uuid::Uuid::new_v5(&case.id, name.as_bytes()),
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

/// Breach events per transaction: big enough that a backlog (a large import) is logged in a few
/// writes, small enough that each stays well under a second.
const BREACH_BATCH: usize = 2_000;

thread_local! {
    // Ids of breach events already stored by this tab. Folding them into `marks` would recompute
    // every clock once per batch; the board already shows them breached, so only the log needs them.
    static LOGGED: std::cell::RefCell<std::collections::HashSet<uuid::Uuid>> = Default::default();
}

/// Appends breach events the board found, in batches, skipping any this tab already stored.
pub fn log_breaches(state: AppState, events: Vec<CaseEvent>) {
    let fresh: Vec<CaseEvent> = LOGGED.with(|logged| {
        let logged = logged.borrow();
        events
            .into_iter()
            .filter(|e| !logged.contains(&e.id))
            .collect()
    });
    if fresh.is_empty() || state.logging_breaches.get_untracked() {
        return;
    }
    state.logging_breaches.set(true);
    leptos::task::spawn_local(async move {
        let mut stored = false;
        for batch in fresh.chunks(BREACH_BATCH) {
            let result = async {
                let db = database()?;
                crate::storage::cases::append_events(&db, batch).await
            }
            .await;
            match result {
                Ok(()) => {
                    LOGGED.with(|logged| logged.borrow_mut().extend(batch.iter().map(|e| e.id)));
                    stored = true;
                }
                Err(e) => {
                    // Left unlogged, so the next tick tries again; the badge shows the breach meanwhile.
                    web_sys::console::warn_1(
                        &format!("Could not log SLA breaches; will retry: {e}").into(),
                    );
                    break;
                }
            }
        }
        if stored {
            crate::ui::state::announce_change();
        }
        let _ = state.logging_breaches.try_set(false);
    });
}

/// "2h 05m", "3d 4h", "45m": short enough for a queue cell.
pub fn short_duration(span: Duration) -> String {
    let minutes = span.num_minutes().abs();
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {mins:02}m")
    } else {
        format!("{mins}m")
    }
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
                short_duration(Duration::minutes(summary.paused_left.unwrap_or(0).max(0)))
            ),
            "sla sla-paused",
        )),
    }
}
