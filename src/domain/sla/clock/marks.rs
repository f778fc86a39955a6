//! What the clocks remember between reads: a breach logged once, a result settled at resolution, a reminder, each as a mark on the case.

use super::*;

/// The part of one event that a clock needs. A case's marks are its event log with the text
/// dropped, small enough to keep for every case in memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockMark {
    // Unix milliseconds, not RFC 3339: every case's marks are decoded at start, and parsing
    // numbers is several times cheaper than parsing dates.
    #[serde(with = "chrono::serde::ts_milliseconds")]
    pub at: DateTime<Utc>,
    pub kind: MarkKind,
}

/// Externally tagged (`{"Status":{"to":"New"}}`, `"Response"`): serde decodes that form
/// directly, where an internal tag makes it buffer every mark first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MarkKind {
    Status {
        to: CaseStatus,
    },
    /// A public outbound: an email sent or a call that reached the user.
    Response,
    Promise {
        #[serde(with = "chrono::serde::ts_milliseconds")]
        by: DateTime<Utc>,
    },
    HandOff {
        id: Uuid,
        team: String,
        /// The directory's OLA pinned at hand-off; `None` (and every older log) uses the policy's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        minutes: Option<u32>,
    },
    PartnerAnswer {
        id: Uuid,
    },
    Breach {
        target: SlaTarget,
        #[serde(with = "chrono::serde::ts_milliseconds")]
        cycle: DateTime<Utc>,
    },
    Settled {
        record: SettledSla,
    },
    /// A checklist started: the queue shows its progress, the playbook page its use.
    Checklist {
        run: Uuid,
        playbook: Uuid,
        steps: u16,
    },
    Step {
        run: Uuid,
        step: String,
        state: crate::domain::case::pinned::StepMark,
    },
    /// Not a clock, but read at start for every case like one: the queue raises due reminders.
    Reminder {
        #[serde(with = "chrono::serde::ts_milliseconds_option")]
        at: Option<DateTime<Utc>>,
        #[serde(default)]
        snooze: bool,
    },
}

impl ClockMark {
    /// The mark an event leaves, if it matters to any clock.
    pub fn of(event: &CaseEvent) -> Option<ClockMark> {
        let kind = match &event.kind {
            EventKind::StatusChanged { to, .. } => MarkKind::Status { to: *to },
            EventKind::EmailSent { .. } => MarkKind::Response,
            EventKind::CallLogged { outcome, .. } if outcome.is_response() => MarkKind::Response,
            EventKind::UpdatePromised { by } => MarkKind::Promise { by: to_millis(*by) },
            EventKind::HandedOff {
                handoff,
                team,
                ola_minutes,
                ..
            } => MarkKind::HandOff {
                id: *handoff,
                team: team.clone(),
                minutes: *ola_minutes,
            },
            EventKind::PlaybookApplied {
                run,
                playbook,
                steps,
                ..
            } => MarkKind::Checklist {
                run: *run,
                playbook: *playbook,
                steps: u16::try_from(steps.len()).unwrap_or(u16::MAX),
            },
            EventKind::StepTicked { run, step, .. } => MarkKind::Step {
                run: *run,
                step: step.clone(),
                state: crate::domain::case::pinned::StepMark::Done,
            },
            EventKind::StepSkipped { run, step, .. } => MarkKind::Step {
                run: *run,
                step: step.clone(),
                state: crate::domain::case::pinned::StepMark::Skipped,
            },
            EventKind::StepReopened { run, step, .. } => MarkKind::Step {
                run: *run,
                step: step.clone(),
                state: crate::domain::case::pinned::StepMark::Open,
            },
            EventKind::ReminderSet { at, snooze, .. } => MarkKind::Reminder {
                at: at.map(to_millis),
                snooze: *snooze,
            },
            EventKind::PartnerAnswered { handoff, .. } => MarkKind::PartnerAnswer { id: *handoff },
            EventKind::SlaBreached { target, cycle, .. } => MarkKind::Breach {
                target: *target,
                cycle: to_millis(*cycle),
            },
            EventKind::SlaSettled { record } => MarkKind::Settled {
                record: record.clone(),
            },
            EventKind::Created { .. }
            | EventKind::FieldChanged { .. }
            | EventKind::NoteAdded { .. }
            | EventKind::EmailReceived { .. }
            | EventKind::CallLogged { .. }
            | EventKind::FileAttached { .. }
            | EventKind::FileRemoved { .. } => return None,
        };
        Some(ClockMark {
            at: to_millis(event.at),
            kind,
        })
    }

    /// A log's marks in timeline order.
    pub fn from_events(events: &[CaseEvent]) -> Vec<ClockMark> {
        let mut sorted: Vec<&CaseEvent> = events.iter().collect();
        sorted.sort_by(|a, b| crate::domain::case::events::timeline_order(a, b));
        sorted.into_iter().filter_map(ClockMark::of).collect()
    }
}
