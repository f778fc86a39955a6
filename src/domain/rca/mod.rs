//! Root-cause analysis worksheets: content, checks, status rules, partner sign-offs bound to a content hash, and CAPA actions.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use uuid::Uuid;

use super::money::Money;

mod export;
mod rules;

pub use export::*;
pub use rules::rebase;

/// The human key of a worksheet, e.g. `RCA-4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RcaKey(pub u32);

impl fmt::Display for RcaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RCA-{}", self.0)
    }
}

impl RcaKey {
    pub fn parse(text: &str) -> Option<RcaKey> {
        let text = text.trim();
        let number = text
            .strip_prefix("RCA-")
            .or_else(|| text.strip_prefix("rca-"))?;
        number.parse().ok().filter(|n| *n > 0).map(RcaKey)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RcaStatus {
    Draft,
    InReview,
    Validated,
    Published,
    Rejected,
}

impl RcaStatus {
    pub const ALL: [RcaStatus; 5] = [
        RcaStatus::Draft,
        RcaStatus::InReview,
        RcaStatus::Validated,
        RcaStatus::Published,
        RcaStatus::Rejected,
    ];

    pub fn label(self) -> &'static str {
        match self {
            RcaStatus::Draft => "Draft",
            RcaStatus::InReview => "In review",
            RcaStatus::Validated => "Validated",
            RcaStatus::Published => "Published",
            RcaStatus::Rejected => "Rejected",
        }
    }

    /// The moves a person may ask for from here; whether one is allowed right now is `Rca::move_to`'s call.
    pub fn next(self) -> &'static [RcaStatus] {
        match self {
            RcaStatus::Draft => &[RcaStatus::InReview, RcaStatus::Rejected],
            RcaStatus::InReview => &[RcaStatus::Validated, RcaStatus::Draft, RcaStatus::Rejected],
            RcaStatus::Validated => &[
                RcaStatus::Published,
                RcaStatus::InReview,
                RcaStatus::Rejected,
            ],
            RcaStatus::Published => &[RcaStatus::Draft],
            RcaStatus::Rejected => &[RcaStatus::Draft],
        }
    }
}

/// The six fishbone (Ishikawa) categories, with payments wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FishboneCategory {
    People,
    Process,
    Product,
    Partner,
    Data,
    Communication,
}

impl FishboneCategory {
    pub const ALL: [FishboneCategory; 6] = [
        FishboneCategory::People,
        FishboneCategory::Process,
        FishboneCategory::Product,
        FishboneCategory::Partner,
        FishboneCategory::Data,
        FishboneCategory::Communication,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FishboneCategory::People => "People",
            FishboneCategory::Process => "Process / policy",
            FishboneCategory::Product => "Product / platform",
            FishboneCategory::Partner => "Partner / third party (banks, card networks)",
            FishboneCategory::Data => "Data / measurement",
            FishboneCategory::Communication => "Communication",
        }
    }
}

/// Causes per fishbone category, one per line as typed (kept as text so typing a new line never loses it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Fishbone {
    pub people: String,
    pub process: String,
    pub product: String,
    pub partner: String,
    pub data: String,
    pub communication: String,
}

impl Fishbone {
    pub fn get(&self, category: FishboneCategory) -> &str {
        match category {
            FishboneCategory::People => &self.people,
            FishboneCategory::Process => &self.process,
            FishboneCategory::Product => &self.product,
            FishboneCategory::Partner => &self.partner,
            FishboneCategory::Data => &self.data,
            FishboneCategory::Communication => &self.communication,
        }
    }

    pub fn set(&mut self, category: FishboneCategory, text: String) {
        *match category {
            FishboneCategory::People => &mut self.people,
            FishboneCategory::Process => &mut self.process,
            FishboneCategory::Product => &mut self.product,
            FishboneCategory::Partner => &mut self.partner,
            FishboneCategory::Data => &mut self.data,
            FishboneCategory::Communication => &mut self.communication,
        } = text;
    }

    pub fn causes(&self, category: FishboneCategory) -> Vec<&str> {
        self.get(category)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EvidenceKind {
    Link,
    Note,
    /// A saved SQL result: the query in `detail`, the figures in `title` or pasted below it.
    Query,
    /// A file attached to one of the worksheet's cases: its SHA-256 in `detail`, so the
    /// worksheet points at exactly those bytes (renaming or re-attaching cannot change them).
    Attachment,
}

impl EvidenceKind {
    pub const ALL: [EvidenceKind; 4] = [
        EvidenceKind::Link,
        EvidenceKind::Note,
        EvidenceKind::Query,
        EvidenceKind::Attachment,
    ];

    pub fn label(self) -> &'static str {
        match self {
            EvidenceKind::Link => "Link",
            EvidenceKind::Note => "Note",
            EvidenceKind::Query => "SQL result",
            EvidenceKind::Attachment => "Case file",
        }
    }
}

/// Something a claim can cite: `E1`, `E2`… Numbers are never reused within a worksheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub number: u32,
    pub kind: EvidenceKind,
    pub title: String,
    /// The address of a link, the text of a note, the query and result of a SQL result, or
    /// the SHA-256 of a case file.
    pub detail: String,
}

impl Evidence {
    pub fn label(&self) -> String {
        format!("E{}", self.number)
    }
}

/// A causal claim (a why, or a contributing factor) and the evidence it cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub id: Uuid,
    pub text: String,
    #[serde(default)]
    pub evidence: Vec<u32>,
}

/// Where a timeline entry was picked from, so it can be traced back to the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSource {
    pub case_id: Uuid,
    pub event_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub text: String,
    /// What the people handling it knew at that moment, which hindsight tends to rewrite.
    #[serde(default)]
    pub knew_then: String,
    #[serde(default)]
    pub source: Option<EventSource>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActionKind {
    Corrective,
    Preventive,
    Detection,
    Mitigation,
}

impl ActionKind {
    pub const ALL: [ActionKind; 4] = [
        ActionKind::Corrective,
        ActionKind::Preventive,
        ActionKind::Detection,
        ActionKind::Mitigation,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ActionKind::Corrective => "Corrective",
            ActionKind::Preventive => "Preventive",
            ActionKind::Detection => "Detection",
            ActionKind::Mitigation => "Mitigation",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActionStatus {
    Open,
    Done,
    NotDoing,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 3] = [
        ActionStatus::Open,
        ActionStatus::Done,
        ActionStatus::NotDoing,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ActionStatus::Open => "Open",
            ActionStatus::Done => "Done",
            ActionStatus::NotDoing => "Not doing",
        }
    }
}

/// How the team will know the action worked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Verification {
    pub method: String,
    pub verifier: String,
    pub date: Option<NaiveDate>,
    pub result: String,
}

/// A corrective or preventive action (CAPA).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub id: Uuid,
    pub kind: ActionKind,
    pub title: String,
    pub owner: String,
    pub team: String,
    pub due: Option<NaiveDate>,
    /// The partner's tracker reference, e.g. `RISK-4411`.
    pub ticket: String,
    pub status: ActionStatus,
    #[serde(default)]
    pub verification: Verification,
}

impl Action {
    pub fn new(id: Uuid, kind: ActionKind) -> Action {
        Action {
            id,
            kind,
            title: String::new(),
            owner: String::new(),
            team: String::new(),
            due: None,
            ticket: String::new(),
            status: ActionStatus::Open,
            verification: Verification::default(),
        }
    }

    /// Open and past its due date. Done or dropped actions are never overdue.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status == ActionStatus::Open && self.due.is_some_and(|due| due < today)
    }
}

/// Everything a partner team validates. The sign-off hash covers exactly this, so status,
/// sign-offs and bookkeeping (revision, times) can change without making a sign-off stale.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RcaContent {
    pub title: String,
    pub owner: String,
    pub authors: Vec<String>,
    pub case_ids: Vec<Uuid>,
    pub problem_id: Option<Uuid>,
    pub partner_teams: Vec<String>,
    pub summary: String,
    pub users_affected: Option<u64>,
    pub money_affected: Option<Money>,
    pub products: Vec<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub detection: String,
    pub detected_at: Option<DateTime<Utc>>,
    pub timeline: Vec<TimelineEntry>,
    pub evidence: Vec<Evidence>,
    pub whys: Vec<Claim>,
    pub fishbone: Fishbone,
    pub factors: Vec<Claim>,
    pub category: String,
    pub went_well: String,
    pub went_wrong: String,
    pub got_lucky: String,
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Agree,
    AgreeWithChanges,
    Disagree,
}

impl Decision {
    pub const ALL: [Decision; 3] = [
        Decision::Agree,
        Decision::AgreeWithChanges,
        Decision::Disagree,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Decision::Agree => "Agree",
            Decision::AgreeWithChanges => "Agree with changes",
            Decision::Disagree => "Disagree",
        }
    }
}

/// One partner team's validation of the content whose hash it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOff {
    pub team: String,
    pub validator: String,
    pub decision: Decision,
    pub comments: String,
    pub at: DateTime<Utc>,
    pub content_hash: String,
}

/// Where a team's sign-off stands against the content as it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignOffState<'a> {
    Missing,
    /// Signed, but the worksheet changed afterwards.
    Stale(&'a SignOff),
    Current(&'a SignOff),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub from: RcaStatus,
    pub to: RcaStatus,
    pub at: DateTime<Utc>,
    pub actor: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rca {
    pub id: Uuid,
    pub key: RcaKey,
    pub status: RcaStatus,
    pub content: RcaContent,
    #[serde(default)]
    pub signoffs: Vec<SignOff>,
    #[serde(default)]
    pub status_log: Vec<StatusChange>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub revision: u64,
}

/// Why an RCA change was refused; each message says where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RcaError {
    /// The content has problems; every one is listed so a single save shows them all.
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
    #[error("nothing changed since the last save")]
    NoChange,
    #[error("{} is published; reopen it as a draft to change it", .0)]
    Published(RcaKey),
    #[error("cannot move from {} to {}", .from.label(), .to.label())]
    NotAllowed { from: RcaStatus, to: RcaStatus },
    /// Validation or publishing blocked by sign-offs; each entry names a team and what is wrong.
    #[error("{}", .0.join("; "))]
    SignOffs(Vec<String>),
}

#[cfg(test)]
mod tests;
