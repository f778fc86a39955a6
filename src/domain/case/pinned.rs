//! What an event pins from the playbooks, the SLA and evidence files at the moment it happens (a checklist step, a target, a settled result, an attached file), kept here so the event log depends on nothing above it.

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

/// What the log records about one attached file. The bytes are found by `sha256`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedFile {
    /// Lowercase hex SHA-256 of the bytes: 64 characters.
    pub sha256: String,
    /// The name it arrived with, cleaned by `attachment::clean_name`.
    pub name: String,
    pub size: u64,
    /// The type the browser declared, shown as a hint only.
    pub media_type: String,
}

/// "812 bytes", "14.2 KB", "3.1 MB", "25 MB", "10.2 GB": one decimal, dropped when it is 0.
pub fn size_label(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    const GB: u64 = 1024 * 1024 * 1024;
    let (value, unit) = match bytes {
        b if b < KB => return format!("{b} bytes"),
        b if b < MB => (b as f64 / KB as f64, "KB"),
        b if b < GB => (b as f64 / MB as f64, "MB"),
        b => (b as f64 / GB as f64, "GB"),
    };
    let text = format!("{value:.1}");
    format!("{} {unit}", text.strip_suffix(".0").unwrap_or(&text))
}
