//! SLA clocks, computed on read from the case's event log, and the words that explain each deadline.
//!
//! Nothing here is a stored counter. A clock is the working time between events, minus pauses,
//! measured with the policy and calendar in force, so an edit to either recomputes every open case.
//! Two things are kept, on purpose: a logged breach stays a breach, and a resolved case keeps the
//! results recorded when it was resolved.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::policy::{AtRiskRule, CompiledSla, SlaTarget};
use super::worktime::WorkIndex;
use crate::domain::case::events::{CaseEvent, EventKind};
/// Defined beside the events that pin them.
pub use crate::domain::case::pinned::{SettledClock, SettledSla};
use crate::domain::case::{Case, CaseStatus};

mod build;
mod explain;
mod marks;

pub use explain::explain;
pub use marks::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockState {
    /// Counting working time now.
    Running,
    /// Waiting on the user: not counting until the case moves on.
    Paused,
    /// Stopped: answered, updated, resolved or handed back.
    Stopped { at: DateTime<Utc> },
}

/// One clock of one case, as of `now`.
#[derive(Debug, Clone, PartialEq)]
pub struct Clock {
    pub target: SlaTarget,
    /// The partner team, for a partner OLA clock.
    pub team: Option<String>,
    /// Shared with the compiled settings: computing 50k cases' clocks allocates no names.
    pub policy: Arc<str>,
    pub calendar_id: Arc<str>,
    pub target_minutes: u32,
    /// When this clock (or this next-update cycle) started.
    pub cycle: DateTime<Utc>,
    pub state: ClockState,
    /// When it is or was due. `None` while paused with no promise: the deadline moves on resume.
    pub due: Option<DateTime<Utc>>,
    /// The policy deadline before any promise is applied.
    pub policy_due: Option<DateTime<Utc>>,
    pub promised: Option<DateTime<Utc>>,
    pub elapsed: Duration,
    pub paused: Duration,
    pub breached: bool,
    /// Breached only because a breach was logged earlier; today's settings would not breach it.
    pub breach_is_sticky: bool,
    pub at_risk: bool,
    /// Whether it is the live clock of its kind (the current next-update cycle, an open hand-off).
    pub current: bool,
    /// The next instant at which, with no new event, this clock turns at risk or breached;
    /// until then a computed result stays true and need not be recomputed.
    pub changes_at: Option<DateTime<Utc>>,
    /// Working periods that do not count (pauses, resolved spans), for the explanation.
    excluded: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
}

impl Clock {
    /// "First response", or "Partner OLA · Risk" for a hand-off.
    pub fn label(&self) -> String {
        match &self.team {
            Some(team) => format!("{} · {team}", self.target.label()),
            None => self.target.label().to_string(),
        }
    }

    pub fn is_live(&self) -> bool {
        self.current && !matches!(self.state, ClockState::Stopped { .. })
    }

    /// Working time left against the policy target; negative once over it.
    pub fn remaining(&self) -> Duration {
        Duration::minutes(i64::from(self.target_minutes)) - self.elapsed
    }
}

/// The worst thing about a case's live clocks, for badges, filters and sorting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Health {
    Breached,
    AtRisk,
    OnTrack,
    Paused,
    /// No live clock: resolved, or no policy applies.
    Idle,
}

/// Every clock of one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseSla {
    /// The policy that applied; `None` when no policy matches the case.
    pub policy: Option<Arc<str>>,
    pub clocks: Vec<Clock>,
    /// Results recorded at resolution, shown instead of recomputing for resolved cases.
    pub settled: Option<SettledSla>,
    /// Kept for reports when a reopened case is resolved again.
    pub first_resolved: Option<DateTime<Utc>>,
}

impl CaseSla {
    pub fn live(&self) -> impl Iterator<Item = &Clock> {
        self.clocks.iter().filter(|c| c.is_live())
    }

    /// The soonest deadline among live clocks that are counting (overdue ones first).
    pub fn next_due(&self) -> Option<(DateTime<Utc>, &Clock)> {
        self.live()
            .filter_map(|c| c.due.map(|d| (d, c)))
            .min_by_key(|(d, _)| *d)
    }

    /// When time alone could next change this case's health: the earliest of its live clocks'.
    pub fn changes_at(&self) -> Option<DateTime<Utc>> {
        self.live().filter_map(|c| c.changes_at).min()
    }

    pub fn health(&self) -> Health {
        self.live()
            .map(|c| {
                if c.breached {
                    Health::Breached
                } else if c.at_risk {
                    Health::AtRisk
                } else if c.state == ClockState::Paused {
                    Health::Paused
                } else {
                    Health::OnTrack
                }
            })
            .min()
            .unwrap_or(Health::Idle)
    }

    /// Breaches the log does not record yet: one `SlaBreached` event each should be appended.
    pub fn unlogged_breaches(&self, marks: &[ClockMark]) -> Vec<&Clock> {
        self.clocks
            .iter()
            .filter(|c| c.breached && !breach_logged(marks, c.target, c.cycle))
            .collect()
    }

    /// What to record when the case is resolved now, naming the policy and calendar as they
    /// are called today, since either may be renamed or removed later.
    pub fn settle(&self, sla: &CompiledSla) -> Option<SettledSla> {
        let policy = self.policy.as_deref()?.to_string();
        let calendar = self
            .clocks
            .first()
            .map(|c| sla.calendar_name(&c.calendar_id))?;
        Some(SettledSla {
            policy,
            calendar,
            clocks: self
                .clocks
                .iter()
                .map(|c| SettledClock {
                    target: c.target,
                    label: c.label(),
                    target_minutes: c.target_minutes,
                    elapsed_minutes: c.elapsed.num_minutes(),
                    // A deadline computed past the records' window (a calendar with almost no
                    // working time, or "never") is kept as no deadline: the record must be
                    // storable, or the case could not be resolved (found by the whole-path fuzzer).
                    due: c
                        .due
                        .filter(|d| d.timestamp() < crate::domain::timestamp::LATEST_SECONDS),
                    breached: c.breached,
                })
                .collect(),
        })
    }
}

/// An instant as a clock log stores it, in whole milliseconds. Marks made from events are cut
/// to the same precision, so a mark read back equals the one made from its event (an imported
/// event stamped to the nanosecond once logged its mark twice: found by the whole-path fuzzer).
fn to_millis(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(at.timestamp_millis()).unwrap_or(at)
}

fn breach_logged(marks: &[ClockMark], target: SlaTarget, cycle: DateTime<Utc>) -> bool {
    // Marks hold milliseconds; a cycle begun by an imported, nanosecond-stamped creation must
    // still find its logged breach, or the breach would be logged again on every tick.
    let cycle = to_millis(cycle);
    marks.iter().any(
        |m| matches!(m.kind, MarkKind::Breach { target: t, cycle: c } if t == target && c == cycle),
    )
}

/// Spans of time: `None` as an end means "still going".
type Span = (DateTime<Utc>, Option<DateTime<Utc>>);

/// The status history as spans, from the case's creation (status New) onwards.
fn status_spans(received: DateTime<Utc>, marks: &[ClockMark]) -> Vec<(CaseStatus, Span)> {
    let mut spans = Vec::new();
    let mut current = (CaseStatus::New, received);
    for mark in marks {
        if let MarkKind::Status { to } = mark.kind {
            let at = mark.at.max(current.1);
            spans.push((current.0, (current.1, Some(at))));
            current = (to, at);
        }
    }
    spans.push((current.0, (current.1, None)));
    spans
}

fn is_done(status: CaseStatus) -> bool {
    matches!(status, CaseStatus::Resolved | CaseStatus::Closed)
}

/// Computes every clock of `case` from its marks as of `now`.
pub fn case_clocks(
    case: &Case,
    marks: &[ClockMark],
    sla: &CompiledSla,
    now: DateTime<Utc>,
) -> CaseSla {
    let spans = status_spans(case.created_at, marks);
    let first_resolved = marks
        .iter()
        .find(|m| {
            matches!(
                m.kind,
                MarkKind::Status {
                    to: CaseStatus::Resolved
                }
            )
        })
        .map(|m| m.at);
    // A resolved case keeps what was recorded at its resolution, whatever the settings say now.
    if is_done(case.status) {
        let last_done = spans
            .iter()
            .rev()
            .find(|(s, _)| !is_done(*s))
            .and_then(|(_, (_, end))| *end);
        let settled = marks.iter().rev().find_map(|m| match &m.kind {
            MarkKind::Settled { record } if Some(m.at) >= last_done => Some(record.clone()),
            _ => None,
        });
        if let Some(record) = settled {
            return CaseSla {
                policy: Some(Arc::from(record.policy.as_str())),
                clocks: Vec::new(),
                settled: Some(record),
                first_resolved,
            };
        }
    }
    // Validated settings always name a known calendar; either way, no policy means no clocks.
    let Some(((policy, names), index)) = sla
        .policy_for(case)
        .and_then(|found| Some((found, sla.indexes.get(&found.0.calendar)?)))
    else {
        return CaseSla {
            policy: None,
            clocks: Vec::new(),
            settled: None,
            first_resolved,
        };
    };
    let pauses: Vec<Span> = spans
        .iter()
        .filter(|(s, _)| *s == CaseStatus::WaitingOnUser)
        .map(|(_, span)| *span)
        .collect();
    let done: Vec<Span> = spans
        .iter()
        .filter(|(s, _)| is_done(*s))
        .map(|(_, span)| *span)
        .collect();
    let responses: Vec<DateTime<Utc>> = marks
        .iter()
        .filter(|m| m.kind == MarkKind::Response)
        .map(|m| m.at)
        .collect();
    let builder = ClockBuilder {
        index,
        now,
        rule: sla.settings.at_risk,
        policy: &names.0,
        calendar_id: &names.1,
        marks,
    };
    let mut clocks = Vec::new();
    if let Some(minutes) = policy.targets.first_response {
        // Answered by the first response; a case resolved without one stops waiting too.
        let stop = responses
            .first()
            .copied()
            .into_iter()
            .chain(done.first().map(|(a, _)| *a))
            .min();
        clocks.push(builder.build(Plan {
            target: SlaTarget::FirstResponse,
            team: None,
            minutes,
            start: case.created_at,
            stop,
            excluded: Vec::new(),
            promised: None,
            current: true,
        }));
    }
    if let Some(minutes) = policy.targets.next_update {
        // A cycle starts at each public response, and at each reopen: the user is owed news again.
        let reopens = spans
            .iter()
            .zip(spans.iter().skip(1))
            .filter(|(before, after)| is_done(before.0) && !is_done(after.0))
            .map(|(_, after)| after.1.0);
        let mut starts: Vec<DateTime<Utc>> = responses.iter().copied().chain(reopens).collect();
        starts.sort();
        starts.dedup();
        for (i, &start) in starts.iter().enumerate() {
            let next_start = starts.get(i + 1).copied();
            let resolved = done.iter().find(|(a, _)| *a >= start).map(|(a, _)| *a);
            let stop = [next_start, resolved].into_iter().flatten().min();
            // A promise made in this cycle (including with the response that opened it).
            let promised = marks
                .iter()
                .filter(|m| m.at >= start && stop.is_none_or(|s| m.at < s))
                .filter_map(|m| match m.kind {
                    MarkKind::Promise { by } => Some(by),
                    _ => None,
                })
                .next_back();
            // Resolution ends the cycle; only still-open cycles (not stopped by resolving) show as current.
            let current = next_start.is_none() && resolved.is_none();
            clocks.push(builder.build(Plan {
                target: SlaTarget::NextUpdate,
                team: None,
                minutes,
                start,
                stop,
                excluded: pauses.clone(),
                promised,
                current,
            }));
        }
    }
    if let Some(minutes) = policy.targets.resolution {
        let stopped_now = done
            .last()
            .filter(|(_, end)| end.is_none())
            .map(|(a, _)| *a);
        // Resolved spans before a reopen do not count: the clock resumes, it does not restart.
        let excluded: Vec<Span> = pauses
            .iter()
            .copied()
            .chain(done.iter().copied().filter(|(_, end)| end.is_some()))
            .collect();
        clocks.push(builder.build(Plan {
            target: SlaTarget::Resolution,
            team: None,
            minutes,
            start: case.created_at,
            stop: stopped_now,
            excluded,
            promised: None,
            current: true,
        }));
    }
    for mark in marks {
        if let MarkKind::HandOff {
            id,
            team,
            minutes: pinned,
        } = &mark.kind
            && let Some(minutes) = pinned.or(policy.targets.partner_ola)
        {
            let answered = marks
                .iter()
                .find(|m| matches!(&m.kind, MarkKind::PartnerAnswer { id: a } if a == id))
                .map(|m| m.at);
            let resolved = done.iter().find(|(a, _)| *a >= mark.at).map(|(a, _)| *a);
            let stop = [answered, resolved].into_iter().flatten().min();
            clocks.push(builder.build(Plan {
                target: SlaTarget::PartnerOla,
                team: Some(team.clone()),
                minutes,
                start: mark.at,
                stop,
                excluded: Vec::new(),
                promised: None,
                current: true,
            }));
        }
    }
    CaseSla {
        policy: Some(names.0.clone()),
        clocks,
        settled: None,
        first_resolved,
    }
}

struct Plan {
    target: SlaTarget,
    team: Option<String>,
    minutes: u32,
    start: DateTime<Utc>,
    stop: Option<DateTime<Utc>>,
    /// Spans that do not count; sorted or not, they may overlap each other.
    excluded: Vec<Span>,
    promised: Option<DateTime<Utc>>,
    current: bool,
}

struct ClockBuilder<'a> {
    index: &'a WorkIndex,
    now: DateTime<Utc>,
    rule: AtRiskRule,
    policy: &'a Arc<str>,
    calendar_id: &'a Arc<str>,
    marks: &'a [ClockMark],
}

// proptest is native-only, so the whole table lives behind the same gate.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
