//! The append-only case event log: every change to a case is one event, never edited afterwards.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::pinned::{ChecklistStep, SettledSla, SlaTarget};
use super::{CaseStatus, ChangedField, Severity};
use crate::domain::priority::Priority;

/// One thing that happened to a case: who, when, and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEvent {
    pub id: Uuid,
    pub case_id: Uuid,
    #[serde(with = "crate::domain::timestamp")]
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum EventKind {
    /// `severity` is set on cases opened before priorities existed; newer ones carry `priority`.
    Created {
        title: String,
        #[serde(default)]
        severity: Option<Severity>,
        #[serde(default)]
        priority: Option<Priority>,
    },
    FieldChanged {
        /// Typed, stored as the word the log has always used (`ChangedField`).
        field: ChangedField,
        before: String,
        after: String,
    },
    /// Typed, not a `FieldChanged`, because SLA clocks are computed from the status history.
    StatusChanged {
        from: CaseStatus,
        to: CaseStatus,
        resolution: Option<String>,
    },
    NoteAdded {
        text: String,
    },
    /// A public email to the user, sent from the specialist's own mail client.
    /// It answers the first-response clock and restarts next-update.
    EmailSent {
        to: String,
        #[serde(default)]
        cc: String,
        subject: String,
        body: String,
    },
    /// An email from the user, pasted in so the timeline has both sides.
    EmailReceived {
        from: String,
        subject: String,
        body: String,
    },
    /// A phone call to the user. Reaching them or leaving a voicemail is a response; a call
    /// nobody picked up is logged but answers no clock, because the user heard nothing.
    CallLogged {
        outcome: CallOutcome,
        duration_seconds: u32,
        notes: String,
        #[serde(default)]
        next_steps: String,
    },
    /// "Next update by 15:00": a deadline that pauses never move.
    UpdatePromised {
        by: DateTime<Utc>,
    },
    /// Part of the case handed to a partner team; starts that team's OLA clock.
    HandedOff {
        handoff: Uuid,
        team: String,
        ask: String,
        /// The partner's own ticket, e.g. `RISK-8812`; empty until they open one.
        #[serde(default)]
        ticket: String,
        /// The team's OLA from the partner directory when the hand-off was made. Pinned here so
        /// a later directory edit never moves a deadline in flight; `None` uses the SLA policy's.
        #[serde(default)]
        ola_minutes: Option<u32>,
    },
    PartnerAnswered {
        handoff: Uuid,
        summary: String,
    },
    /// "Come back to this at …": `None` clears it. A snoozed case leaves the open queue until
    /// then; either way, once due it rises to the top of the queue.
    ReminderSet {
        at: Option<DateTime<Utc>>,
        #[serde(default)]
        snooze: bool,
        #[serde(default)]
        note: String,
    },
    /// A playbook's steps, copied from the version applied, so later edits never change them.
    PlaybookApplied {
        run: Uuid,
        playbook: Uuid,
        version: u32,
        title: String,
        steps: Vec<ChecklistStep>,
    },
    /// `title` is the step's pinned title, so the timeline reads without the checklist.
    StepTicked {
        run: Uuid,
        step: String,
        title: String,
        #[serde(default)]
        evidence: String,
    },
    StepSkipped {
        run: Uuid,
        step: String,
        title: String,
        reason: String,
    },
    /// A ticked or skipped step opened again.
    StepReopened {
        run: Uuid,
        step: String,
        title: String,
    },
    /// A service level was missed. Logged once per clock cycle, and it stays: a later policy edit
    /// or a back-dated event can never quietly un-breach a case.
    SlaBreached {
        target: SlaTarget,
        /// When the breached clock (cycle) started; identifies it among next-update cycles.
        cycle: DateTime<Utc>,
        due: DateTime<Utc>,
    },
    /// The clocks' results when the case was resolved, with the policy and calendar used,
    /// so later settings edits never rewrite a closed case's record.
    SlaSettled {
        record: SettledSla,
    },
    /// An evidence file put on the case; its bytes are kept apart, by `file.sha256`.
    FileAttached {
        file: super::pinned::AttachedFile,
    },
    /// An evidence file taken off the case. `name` is the name it was attached under, so the
    /// timeline reads without looking back.
    FileRemoved {
        sha256: String,
        name: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CallOutcome {
    Reached,
    Voicemail,
    NoAnswer,
}

impl CallOutcome {
    pub const ALL: [CallOutcome; 3] = [
        CallOutcome::Reached,
        CallOutcome::Voicemail,
        CallOutcome::NoAnswer,
    ];
    pub fn label(self) -> &'static str {
        match self {
            CallOutcome::Reached => "Reached",
            CallOutcome::Voicemail => "Left voicemail",
            CallOutcome::NoAnswer => "No answer",
        }
    }
    /// Whether the user heard from us, which is what a response clock measures.
    pub fn is_response(self) -> bool {
        !matches!(self, CallOutcome::NoAnswer)
    }
}

impl EventKind {
    pub fn changed(field: ChangedField, before: &str, after: &str) -> EventKind {
        EventKind::FieldChanged {
            field,
            before: before.to_string(),
            after: after.to_string(),
        }
    }

    /// A change whose before and after are equal records nothing and is dropped.
    pub fn is_no_op(&self) -> bool {
        matches!(self, EventKind::FieldChanged { before, after, .. } if before == after)
    }
}

impl CaseEvent {
    /// A one-line headline for the timeline; note bodies are shown separately.
    pub fn headline(&self) -> String {
        match &self.kind {
            EventKind::Created {
                priority: Some(p), ..
            } => format!("{} opened the case ({})", self.actor, p.code()),
            EventKind::Created {
                severity: Some(s), ..
            } => format!("{} opened the case ({})", self.actor, s.code()),
            EventKind::Created { .. } => format!("{} opened the case", self.actor),
            EventKind::FieldChanged { field, .. } => format!("{} changed the {field}", self.actor),
            EventKind::StatusChanged {
                from: CaseStatus::Resolved | CaseStatus::Closed,
                to: CaseStatus::InProgress,
                ..
            } => {
                format!("{} reopened the case", self.actor)
            }
            EventKind::StatusChanged { to, .. } => {
                format!("{} moved the case to {}", self.actor, to.label())
            }
            EventKind::NoteAdded { .. } => format!("{} added a note", self.actor),
            EventKind::EmailSent { to, .. } => format!("{} emailed {to}", self.actor),
            EventKind::EmailReceived { from, .. } => {
                format!("Email from {from}, logged by {}", self.actor)
            }
            EventKind::CallLogged {
                outcome,
                duration_seconds,
                ..
            } => format!(
                "{} called the user: {} ({} min)",
                self.actor,
                outcome.label().to_lowercase(),
                duration_seconds.div_ceil(60)
            ),
            EventKind::UpdatePromised { .. } => format!("{} promised the next update", self.actor),
            EventKind::HandedOff { team, .. } => {
                format!("{} handed part of the case to {team}", self.actor)
            }
            EventKind::PartnerAnswered { .. } => {
                format!("{} logged the partner team's answer", self.actor)
            }
            EventKind::ReminderSet { at: None, .. } => {
                format!("{} cleared the reminder", self.actor)
            }
            EventKind::ReminderSet { snooze: true, .. } => {
                format!("{} snoozed the case", self.actor)
            }
            EventKind::ReminderSet { .. } => format!("{} set a reminder", self.actor),
            EventKind::PlaybookApplied { title, version, .. } => {
                format!("{} applied the playbook '{title}' (v{version})", self.actor)
            }
            EventKind::StepTicked { title, .. } => format!("{} ticked '{title}'", self.actor),
            EventKind::StepSkipped { title, .. } => format!("{} skipped '{title}'", self.actor),
            EventKind::StepReopened { title, .. } => format!("{} reopened '{title}'", self.actor),
            EventKind::SlaBreached { target, .. } => format!("{} target breached", target.label()),
            EventKind::SlaSettled { record } => {
                format!("SLA results recorded under '{}'", record.policy)
            }
            EventKind::FileAttached { file } => format!(
                "{} attached {} ({})",
                self.actor,
                file.name,
                super::pinned::size_label(file.size)
            ),
            EventKind::FileRemoved { name, .. } => format!("{} removed {name}", self.actor),
        }
    }
}

/// Timeline order: oldest first; ties (same millisecond) broken by id so every tab agrees.
pub fn timeline_order(a: &CaseEvent, b: &CaseEvent) -> std::cmp::Ordering {
    a.at.cmp(&b.at).then(a.id.cmp(&b.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event(id: u128, minute: u32, kind: EventKind) -> CaseEvent {
        CaseEvent {
            id: Uuid::from_u128(id),
            case_id: Uuid::from_u128(99),
            at: Utc.with_ymd_and_hms(2026, 11, 25, 9, minute, 0).unwrap(),
            actor: "Mei".into(),
            kind,
        }
    }

    #[test]
    fn headlines_say_who_did_what() {
        let created = event(
            1,
            0,
            EventKind::Created {
                title: "t".into(),
                severity: Some(Severity::S2),
                priority: None,
            },
        );
        assert_eq!(created.headline(), "Mei opened the case (S2)");
        let changed = event(
            2,
            1,
            EventKind::FieldChanged {
                field: crate::domain::case::ChangedField::Title,
                before: "a".into(),
                after: "b".into(),
            },
        );
        assert_eq!(changed.headline(), "Mei changed the title");
        assert_eq!(
            event(3, 2, EventKind::NoteAdded { text: "x".into() }).headline(),
            "Mei added a note"
        );
    }

    #[test]
    fn timeline_is_chronological_with_a_stable_tie_break() {
        let mut events = [
            event(5, 2, EventKind::NoteAdded { text: "c".into() }),
            event(9, 1, EventKind::NoteAdded { text: "b2".into() }),
            event(3, 1, EventKind::NoteAdded { text: "b1".into() }),
            event(7, 0, EventKind::NoteAdded { text: "a".into() }),
        ];
        events.sort_by(timeline_order);
        let ids: Vec<u128> = events.iter().map(|e| e.id.as_u128()).collect();
        assert_eq!(ids, [7, 3, 9, 5]);
    }

    #[test]
    fn created_events_from_the_first_schema_still_read() {
        let old: EventKind =
            serde_json::from_str(r#"{"type":"Created","title":"t","severity":"S1"}"#).unwrap();
        assert_eq!(
            old,
            EventKind::Created {
                title: "t".into(),
                severity: Some(Severity::S1),
                priority: None
            }
        );
    }

    #[test]
    fn event_json_is_tagged_so_old_logs_stay_readable() {
        let json = serde_json::to_string(&EventKind::NoteAdded { text: "hi".into() }).unwrap();
        assert_eq!(json, r#"{"type":"NoteAdded","text":"hi"}"#);
    }

    #[test]
    fn a_hand_off_logged_before_tickets_and_pinned_olas_still_reads() {
        let old = r#"{"type":"HandedOff","handoff":"00000000-0000-0000-0000-000000000007","team":"Risk","ask":"Why held?"}"#;
        let kind: EventKind = serde_json::from_str(old).unwrap();
        assert_eq!(
            kind,
            EventKind::HandedOff {
                handoff: Uuid::from_u128(7),
                team: "Risk".into(),
                ask: "Why held?".into(),
                ticket: String::new(),
                ola_minutes: None,
            }
        );
    }
}
