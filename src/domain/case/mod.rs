//! Cases: the one record a specialist owns from intake to closure, its keys and vocabularies, and the queue's base order.
//!
//! Intake validation lives in `intake`, every edit (and the events that explain it) in `edit`,
//! what a field is called in the log in `field`, and rebasing a form's edits over another tab's
//! save in `rebase`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

use super::priority::{Impact, Priority, PriorityMatrix, Urgency};
use super::triage::{Scoping, ScopingRequirements};

mod edit;
pub mod events;
mod field;
mod intake;
pub mod pinned;
mod rebase;
pub mod status;

pub use field::{CaseField, ChangedField};
pub use intake::{
    FieldError, MAX_ACCOUNT_CHARS, MAX_TITLE_CHARS, NewCaseInput, ValidNewCase, check_email,
    check_phone, normalise_tags,
};
pub use rebase::rebase_edits;

/// The human key shown everywhere, e.g. `ESC-1042`. Numbers are allocated by storage.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseKey(u32);

impl CaseKey {
    pub const PREFIX: &'static str = "ESC-";
    /// Numbering starts here so that keys always have four digits in a new team's first year.
    pub const FIRST_NUMBER: u32 = 1001;

    pub fn from_number(number: u32) -> Self {
        Self(number)
    }

    pub fn number(&self) -> u32 {
        self.0
    }

    pub fn parse(text: &str) -> Option<Self> {
        let digits = text.trim().strip_prefix(Self::PREFIX)?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().map(Self)
    }
}

impl fmt::Display for CaseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", Self::PREFIX, self.0)
    }
}

impl TryFrom<String> for CaseKey {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text).ok_or_else(|| format!("'{text}' is not a case key like ESC-1042"))
    }
}

impl From<CaseKey> for String {
    fn from(key: CaseKey) -> Self {
        key.to_string()
    }
}

/// Severity as the walking skeleton knows it; the impact × urgency matrix replaces it later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    S1,
    S2,
    S3,
    S4,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::S1, Severity::S2, Severity::S3, Severity::S4];

    pub fn label(self) -> &'static str {
        match self {
            Severity::S1 => "S1 — critical",
            Severity::S2 => "S2 — high",
            Severity::S3 => "S3 — medium",
            Severity::S4 => "S4 — low",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Severity::S1 => "S1",
            Severity::S2 => "S2",
            Severity::S3 => "S3",
            Severity::S4 => "S4",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Intake's one-pick shortcut onto the two triage axes; with the default matrix S1 lands on P1.
    pub fn axes(self) -> (Impact, Urgency) {
        match self {
            Severity::S1 => (Impact::Extensive, Urgency::Critical),
            Severity::S2 => (Impact::Significant, Urgency::High),
            Severity::S3 => (Impact::Moderate, Urgency::Medium),
            Severity::S4 => (Impact::Minor, Urgency::Low),
        }
    }
}

/// Where a case is in its life. The transition rules arrive with the full workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CaseStatus {
    New,
    Triaged,
    InProgress,
    WaitingOnUser,
    WaitingOnPartner,
    Resolved,
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 7] = [
        CaseStatus::New,
        CaseStatus::Triaged,
        CaseStatus::InProgress,
        CaseStatus::WaitingOnUser,
        CaseStatus::WaitingOnPartner,
        CaseStatus::Resolved,
        CaseStatus::Closed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::New => "New",
            CaseStatus::Triaged => "Triaged",
            CaseStatus::InProgress => "In progress",
            CaseStatus::WaitingOnUser => "Waiting on user",
            CaseStatus::WaitingOnPartner => "Waiting on partner",
            CaseStatus::Resolved => "Resolved",
            CaseStatus::Closed => "Closed",
        }
    }

    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Resolved | CaseStatus::Closed)
    }
}

/// Standard accounts follow the standard SLA; enterprise accounts have contracted ones.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum Tier {
    #[default]
    Standard,
    Enterprise,
}

impl Tier {
    pub const ALL: [Tier; 2] = [Tier::Standard, Tier::Enterprise];
    pub fn label(self) -> &'static str {
        match self {
            Tier::Standard => "Standard",
            Tier::Enterprise => "Enterprise",
        }
    }
}

/// The merchant or platform the case is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub name: String,
    /// The platform's own id for the account, e.g. `acct_1Nx…`; free text, may be empty at intake.
    #[serde(default)]
    pub account_id: String,
    #[serde(default)]
    pub tier: Tier,
}

/// A person at the account the specialist talks to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    #[serde(default)]
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

/// How the escalation reached the team.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum Channel {
    #[default]
    Email,
    Phone,
    Chat,
    InternalReferral,
    Social,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Email,
        Channel::Phone,
        Channel::Chat,
        Channel::InternalReferral,
        Channel::Social,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Channel::Email => "Email",
            Channel::Phone => "Phone",
            Channel::Chat => "Chat",
            Channel::InternalReferral => "Internal referral",
            Channel::Social => "Social",
        }
    }
}

/// The product areas a new team starts with; settings can change the list.
pub const DEFAULT_PRODUCT_AREAS: [&str; 8] = [
    "Payments",
    "Payouts",
    "Disputes",
    "Billing",
    "Connect",
    "Risk/verification",
    "API/integration",
    "Other",
];

/// One escalation as stored and shown. Plain data: the UI wraps it in signals, never the reverse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: Uuid,
    pub key: CaseKey,
    pub title: String,
    pub account: Account,
    pub contacts: Vec<Contact>,
    pub channel: Channel,
    pub product_area: String,
    pub impact: Impact,
    pub urgency: Urgency,
    /// Looked up in the matrix when impact or urgency is set, and kept: a later matrix edit
    /// does not silently reprioritise work in flight.
    pub priority: Priority,
    pub owner: String,
    pub tags: Vec<String>,
    pub watchers: Vec<String>,
    pub scoping: Scoping,
    pub status: CaseStatus,
    /// The summary written when the case was last resolved.
    pub resolution: Option<String>,
    /// The problem record this case shares a cause with, if any.
    pub problem_id: Option<Uuid>,
    #[serde(with = "crate::domain::timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::domain::timestamp")]
    pub updated_at: DateTime<Utc>,
    /// Bumped on every change, so concurrent writers and bundle merges can detect each other.
    pub revision: u64,
}

/// One change a specialist makes to a case. Each becomes one or more timeline events.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseEdit {
    Title(String),
    /// `resolution` is required when moving to Resolved and ignored otherwise.
    Status {
        to: CaseStatus,
        resolution: String,
    },
    Axes {
        impact: Impact,
        urgency: Urgency,
    },
    Priority(Priority),
    Owner(String),
    Tags(Vec<String>),
    /// Adds one tag and keeps the others, so a bulk action can tag cases with different tag sets.
    AddTag(String),
    /// People who follow the case without owning it.
    Watchers(Vec<String>),
    ProductArea(String),
    Channel(Channel),
    Account(Account),
    Contacts(Vec<Contact>),
    Scoping(Scoping),
    Problem(Option<Uuid>),
}

/// The settings and the who/when that every edit is judged against.
pub struct EditContext<'a> {
    pub matrix: &'a PriorityMatrix,
    pub requirements: &'a ScopingRequirements,
    pub actor: &'a str,
    pub now: DateTime<Utc>,
}

/// The queue order until SLA deadlines exist: open before closed, then priority, then oldest first.
pub fn queue_order(a: &Case, b: &Case) -> std::cmp::Ordering {
    b.status
        .is_open()
        .cmp(&a.status.is_open())
        .then(a.priority.cmp(&b.priority))
        .then(a.created_at.cmp(&b.created_at))
        .then(a.key.cmp(&b.key))
}

#[cfg(test)]
mod tests;
