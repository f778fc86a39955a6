//! What an event pins from the playbooks and the SLA at the moment it happens (a checklist step, a target, a settled result), kept here so the event log depends on nothing above it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A step as pinned on a case when the playbook was applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistStep {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub evidence_required: bool,
}

/// How a step ended up, as kept on the clock log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepMark {
    Done,
    Skipped,
    Open,
}

/// The service levels a case is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SlaTarget {
    FirstResponse,
    NextUpdate,
    Resolution,
    PartnerOla,
}

impl SlaTarget {
    pub const ALL: [SlaTarget; 4] = [
        SlaTarget::FirstResponse,
        SlaTarget::NextUpdate,
        SlaTarget::Resolution,
        SlaTarget::PartnerOla,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SlaTarget::FirstResponse => "FR",
            SlaTarget::NextUpdate => "NU",
            SlaTarget::Resolution => "RES",
            SlaTarget::PartnerOla => "OLA",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SlaTarget::FirstResponse => "First response",
            SlaTarget::NextUpdate => "Next update",
            SlaTarget::Resolution => "Resolution",
            SlaTarget::PartnerOla => "Partner OLA",
        }
    }
}

/// What a resolved case's clocks came to, recorded at resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettledSla {
    pub policy: String,
    pub calendar: String,
    pub clocks: Vec<SettledClock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettledClock {
    pub target: SlaTarget,
    pub label: String,
    pub target_minutes: u32,
    pub elapsed_minutes: i64,
    pub due: Option<DateTime<Utc>>,
    pub breached: bool,
}
