//! The append-only case event log: every change to a case is one event, never edited afterwards.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::case::Severity;

/// One thing that happened to a case: who, when, and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEvent {
    pub id: Uuid,
    pub case_id: Uuid,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum EventKind {
    Created {
        title: String,
        severity: Severity,
    },
    FieldChanged {
        field: String,
        before: String,
        after: String,
    },
    NoteAdded {
        text: String,
    },
}

impl CaseEvent {
    /// A one-line headline for the timeline; note bodies are shown separately.
    pub fn headline(&self) -> String {
        match &self.kind {
            EventKind::Created { severity, .. } => {
                format!("{} opened the case ({})", self.actor, severity.code())
            }
            EventKind::FieldChanged { field, .. } => format!("{} changed the {field}", self.actor),
            EventKind::NoteAdded { .. } => format!("{} added a note", self.actor),
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
                severity: Severity::S2,
            },
        );
        assert_eq!(created.headline(), "Mei opened the case (S2)");
        let changed = event(
            2,
            1,
            EventKind::FieldChanged {
                field: "title".into(),
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
    fn event_json_is_tagged_so_old_logs_stay_readable() {
        let json = serde_json::to_string(&EventKind::NoteAdded { text: "hi".into() }).unwrap();
        assert_eq!(json, r#"{"type":"NoteAdded","text":"hi"}"#);
    }
}
