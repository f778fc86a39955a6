//! Root-cause analysis worksheets: content, checks, status rules, partner sign-offs bound to a content hash, and CAPA actions.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use uuid::Uuid;

use super::money::Money;

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
}

impl EvidenceKind {
    pub const ALL: [EvidenceKind; 3] =
        [EvidenceKind::Link, EvidenceKind::Note, EvidenceKind::Query];

    pub fn label(self) -> &'static str {
        match self {
            EvidenceKind::Link => "Link",
            EvidenceKind::Note => "Note",
            EvidenceKind::Query => "SQL result",
        }
    }
}

/// Something a claim can cite: `E1`, `E2`… Numbers are never reused within a worksheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub number: u32,
    pub kind: EvidenceKind,
    pub title: String,
    /// The address of a link, the text of a note, or the query and result of a SQL result.
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

/// The first 12 characters of a content hash, as people compare them by eye. A hash is 64 hex
/// characters once past the boundary; anything shorter is shown whole rather than cut.
pub fn short_hash(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// SHA-256 (hex) of the content in canonical JSON: object keys sorted at every depth, no
/// whitespace. The same content always hashes the same, whatever order its fields arrived in.
pub fn content_hash(content: &RcaContent) -> String {
    // Proof: content is derived Serialize over strings, numbers, dates and lists, which
    // serde_json turns into a Value without error.
    #[allow(clippy::expect_used)]
    let value = serde_json::to_value(content).expect("RCA content always serialises");
    let mut canonical = String::new();
    write_canonical(&value, &mut canonical);
    let digest = Sha256::digest(canonical.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compact JSON with sorted keys. Written out here because serde_json keeps insertion order
/// when any crate in the build turns on its `preserve_order` feature.
pub fn write_canonical(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn is_web_address(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

fn quoted(text: &str) -> String {
    let short: String = text.trim().chars().take(40).collect();
    if short.is_empty() {
        String::new()
    } else if short.len() < text.trim().len() {
        format!(" ('{short}…')")
    } else {
        format!(" ('{short}')")
    }
}

impl RcaContent {
    /// Every problem that would stop this content being saved, each naming where it is.
    pub fn problems(&self) -> Vec<String> {
        let mut found = Vec::new();
        if self.title.trim().is_empty() {
            found.push("Title: name what went wrong, e.g. \"Payouts held for 2 days after a risk rule change\"".into());
        }
        if let (Some(start), Some(end)) = (self.started_at, self.ended_at)
            && end < start
        {
            found.push(format!(
                "Impact: the end ({}) is before the start ({})",
                end.format("%Y-%m-%d %H:%M UTC"),
                start.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        if let (Some(start), Some(detected)) = (self.started_at, self.detected_at)
            && detected < start
        {
            found.push(format!(
                "Detection: it was detected ({}) before it started ({})",
                detected.format("%Y-%m-%d %H:%M UTC"),
                start.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        for (i, entry) in self.timeline.iter().enumerate() {
            if entry.text.trim().is_empty() {
                found.push(format!("Timeline entry {}: say what happened", i + 1));
            }
        }
        let mut numbers = std::collections::HashSet::new();
        for item in &self.evidence {
            if !numbers.insert(item.number) {
                found.push(format!(
                    "Evidence {}: the number is used twice",
                    item.label()
                ));
            }
            if item.title.trim().is_empty() && item.detail.trim().is_empty() {
                found.push(format!(
                    "Evidence {}: it is empty; describe it or remove it",
                    item.label()
                ));
            }
            if item.kind == EvidenceKind::Link && !is_web_address(&item.detail) {
                found.push(format!(
                    "Evidence {}: a link needs a web address starting with https:// or http://",
                    item.label()
                ));
            }
        }
        let mut claims = |list: &[Claim], name: &str, empty_hint: &str| {
            for (i, claim) in list.iter().enumerate() {
                if claim.text.trim().is_empty() {
                    found.push(format!(
                        "{name} {} has no text: {empty_hint}, or remove it",
                        i + 1
                    ));
                }
                for cited in &claim.evidence {
                    if !numbers.contains(cited) {
                        found.push(format!(
                            "{name} {} cites E{cited}, which is not in the evidence list",
                            i + 1
                        ));
                    }
                }
            }
        };
        claims(&self.whys, "Why", "say why the step above it happened");
        claims(
            &self.factors,
            "Contributing factor",
            "say what made it worse or likelier",
        );
        for (i, action) in self.actions.iter().enumerate() {
            let name = format!("Action {}{}", i + 1, quoted(&action.title));
            if action.title.trim().is_empty() {
                found.push(format!("{name}: say what will be done"));
            }
            if action.owner.trim().is_empty() {
                found.push(format!(
                    "{name} has no owner: name the person who will do it"
                ));
            }
            if let (Some(due), Some(start)) = (action.due, self.started_at)
                && due < start.date_naive()
            {
                found.push(format!(
                    "{name} is due {due}, before the incident started ({})",
                    start.date_naive()
                ));
            }
        }
        found
    }

    /// Minutes from the start of impact to its detection, when both are known.
    pub fn minutes_to_detect(&self) -> Option<i64> {
        Some((self.detected_at? - self.started_at?).num_minutes())
    }

    /// The next free evidence number.
    pub fn next_evidence_number(&self) -> u32 {
        self.evidence.iter().map(|e| e.number).max().unwrap_or(0) + 1
    }
}

impl Rca {
    /// A new draft. The title is the only thing required to start one.
    pub fn create(
        id: Uuid,
        key: RcaKey,
        content: RcaContent,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Rca, RcaError> {
        let problems = content.problems();
        if !problems.is_empty() {
            return Err(RcaError::Invalid(problems));
        }
        Ok(Rca {
            id,
            key,
            status: RcaStatus::Draft,
            content,
            signoffs: Vec::new(),
            status_log: Vec::new(),
            created_by: actor.to_string(),
            created_at: now,
            updated_at: now,
            revision: 1,
        })
    }

    pub fn hash(&self) -> String {
        content_hash(&self.content)
    }

    /// Saves new content. A validated worksheet that changes goes back to review: its sign-offs
    /// no longer cover what it says.
    pub fn edit(
        &self,
        content: RcaContent,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Rca, RcaError> {
        if self.status == RcaStatus::Published {
            return Err(RcaError::Published(self.key));
        }
        if content == self.content {
            return Err(RcaError::NoChange);
        }
        let problems = content.problems();
        if !problems.is_empty() {
            return Err(RcaError::Invalid(problems));
        }
        let mut next = Rca {
            content,
            updated_at: now.max(self.updated_at),
            revision: self.revision + 1,
            ..self.clone()
        };
        if self.status == RcaStatus::Validated && next.hash() != self.hash() {
            next.log_status(RcaStatus::InReview, actor, now);
        }
        Ok(next)
    }

    fn log_status(&mut self, to: RcaStatus, actor: &str, now: DateTime<Utc>) {
        self.status_log.push(StatusChange {
            from: self.status,
            to,
            at: now,
            actor: actor.to_string(),
        });
        self.status = to;
    }

    /// The newest sign-off of each partner team, judged against the content as it is now.
    pub fn signoff_state(&self, team: &str) -> SignOffState<'_> {
        self.signoff_state_against(team, &self.hash())
    }

    /// `signoff_state` against a hash already computed, so a page listing every team hashes once.
    fn signoff_state_against(&self, team: &str, hash: &str) -> SignOffState<'_> {
        match self
            .signoffs
            .iter()
            .rev()
            .find(|s| s.team.eq_ignore_ascii_case(team))
        {
            None => SignOffState::Missing,
            Some(s) if s.content_hash == hash => SignOffState::Current(s),
            Some(s) => SignOffState::Stale(s),
        }
    }

    /// Every partner team with where its sign-off stands, hashing the content once.
    pub fn signoff_states(&self) -> Vec<(&str, SignOffState<'_>)> {
        let hash = self.hash();
        self.content
            .partner_teams
            .iter()
            .map(|team| (team.as_str(), self.signoff_state_against(team, &hash)))
            .collect()
    }

    /// What stands between this worksheet and validation: one line per partner team that has
    /// not agreed to the content as it is now.
    pub fn missing_validations(&self) -> Vec<String> {
        if self.content.partner_teams.is_empty() {
            return vec!["no partner team is named: add the teams who must validate it".into()];
        }
        self.signoff_states()
            .into_iter()
            .filter_map(|(team, state)| match state {
                SignOffState::Missing => Some(format!("{team}: no sign-off yet")),
                SignOffState::Stale(s) => Some(format!(
                    "{team}: {}'s sign-off of {} is stale (the worksheet changed after it)",
                    s.validator,
                    s.at.format("%Y-%m-%d %H:%M UTC")
                )),
                SignOffState::Current(s) if s.decision == Decision::Disagree => Some(format!(
                    "{team}: {} disagreed{}",
                    s.validator,
                    if s.comments.trim().is_empty() {
                        String::new()
                    } else {
                        format!(" (\"{}\")", s.comments.trim())
                    }
                )),
                SignOffState::Current(_) => None,
            })
            .collect()
    }

    /// Moves the worksheet to `to` if the rules allow it now.
    pub fn move_to(&self, to: RcaStatus, actor: &str, now: DateTime<Utc>) -> Result<Rca, RcaError> {
        if !self.status.next().contains(&to) {
            return Err(RcaError::NotAllowed {
                from: self.status,
                to,
            });
        }
        match to {
            RcaStatus::InReview if self.status == RcaStatus::Draft => {
                let mut missing = self.content.problems();
                if self.content.whys.is_empty() {
                    missing.push("Analysis: add at least one why".into());
                }
                if self.content.partner_teams.is_empty() {
                    missing.push("Header: name the partner teams who must validate it".into());
                }
                if !missing.is_empty() {
                    return Err(RcaError::Invalid(missing));
                }
            }
            RcaStatus::Validated | RcaStatus::Published => {
                let missing = self.missing_validations();
                if !missing.is_empty() {
                    return Err(RcaError::SignOffs(missing));
                }
            }
            _ => {}
        }
        let mut next = Rca {
            updated_at: now.max(self.updated_at),
            revision: self.revision + 1,
            ..self.clone()
        };
        next.log_status(to, actor, now);
        Ok(next)
    }

    /// Records one partner team's validation of the content as it is now. When every team has
    /// agreed to this content, a worksheet in review becomes validated.
    pub fn sign(
        &self,
        team: &str,
        validator: &str,
        decision: Decision,
        comments: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Rca, RcaError> {
        let mut problems = Vec::new();
        if !matches!(self.status, RcaStatus::InReview | RcaStatus::Validated) {
            problems.push(format!(
                "it is {}; sign-offs are recorded while it is in review",
                self.status.label()
            ));
        }
        let Some(team) = self
            .content
            .partner_teams
            .iter()
            .find(|t| t.eq_ignore_ascii_case(team.trim()))
        else {
            problems.push(format!(
                "'{}' is not one of this worksheet's partner teams ({})",
                team.trim(),
                self.content.partner_teams.join(", ")
            ));
            return Err(RcaError::Invalid(problems));
        };
        if validator.trim().is_empty() {
            problems.push("Validator: name the person who validated it".into());
        }
        if decision != Decision::Agree && comments.trim().is_empty() {
            problems.push(format!(
                "Comments: say what {} would change or why they disagree",
                team
            ));
        }
        if !problems.is_empty() {
            return Err(RcaError::Invalid(problems));
        }
        let mut next = Rca {
            updated_at: now.max(self.updated_at),
            revision: self.revision + 1,
            ..self.clone()
        };
        next.signoffs.push(SignOff {
            team: team.clone(),
            validator: validator.trim().to_string(),
            decision,
            comments: comments.trim().to_string(),
            at: now,
            content_hash: self.hash(),
        });
        if next.status == RcaStatus::InReview && next.missing_validations().is_empty() {
            next.log_status(RcaStatus::Validated, actor, now);
        }
        Ok(next)
    }

    pub fn overdue_actions(&self, today: NaiveDate) -> Vec<&Action> {
        self.content
            .actions
            .iter()
            .filter(|a| a.is_overdue(today))
            .collect()
    }
}

/// Replays the edits made from `base` to `mine` onto `theirs` (what another tab saved meanwhile),
/// field by field: a field only one side changed takes that side's value. A field both changed
/// differently keeps `mine` and is named in the returned list, so the specialist can look at it
/// before saving again. Lists (whys, actions…) count as one field each.
pub fn rebase(
    base: &RcaContent,
    mine: &RcaContent,
    theirs: &RcaContent,
) -> (RcaContent, Vec<String>) {
    use serde_json::Value;
    let as_map = |c: &RcaContent| match serde_json::to_value(c) {
        Ok(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let (base, mine, mut merged) = (as_map(base), as_map(mine), as_map(theirs));
    let mut both = Vec::new();
    for (field, my_value) in &mine {
        let base_value = base.get(field).unwrap_or(&Value::Null);
        let their_value = merged.get(field).cloned().unwrap_or(Value::Null);
        if my_value == base_value || *my_value == their_value {
            continue;
        }
        if their_value != *base_value {
            both.push(field.replace('_', " "));
        }
        merged.insert(field.clone(), my_value.clone());
    }
    let content = serde_json::from_value(Value::Object(merged)).unwrap_or_else(|_| theirs.clone());
    (content, both)
}

/// The starting root-cause taxonomy; teams edit theirs in Settings.
pub const DEFAULT_ROOT_CAUSE_CATEGORIES: [&str; 9] = [
    "Product defect",
    "Configuration or rule change",
    "Process or policy gap",
    "Partner or third party (bank, network)",
    "Data or measurement error",
    "Communication gap",
    "Capacity or staffing",
    "Human error",
    "Fraud or abuse",
];

/// How many worksheets fall in each root-cause category, most first; rejected ones are left
/// out because their analysis was not accepted.
pub fn category_counts(rcas: &[Rca]) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for rca in rcas.iter().filter(|r| r.status != RcaStatus::Rejected) {
        let category = match rca.content.category.trim() {
            "" => "Not categorised yet",
            c => c,
        };
        match counts.iter_mut().find(|(c, _)| c == category) {
            Some((_, n)) => *n += 1,
            None => counts.push((category.to_string(), 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts
}

/// "45m", "2h 05m", "3d 4h": a span as people say it (a time to detect, an SLA countdown).
pub fn duration_text(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let minutes = minutes.saturating_abs();
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    if days > 0 {
        format!("{sign}{days}d {hours}h")
    } else if hours > 0 {
        format!("{sign}{hours}h {mins:02}m")
    } else {
        format!("{sign}{mins}m")
    }
}

/// Names the Markdown export needs from outside the worksheet.
pub struct ExportNames<'a> {
    /// Linked cases as "ESC-12 Payouts held", in the worksheet's order.
    pub cases: Vec<String>,
    pub problem: Option<String>,
    /// Formats an instant in the reader's zone.
    pub time: &'a dyn Fn(DateTime<Utc>) -> String,
}

/// Escapes what Markdown would read as structure, so typed text prints as typed.
pub fn md_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.trim().lines() {
        if !out.is_empty() {
            out.push_str("  \n");
        }
        let mut start = true;
        for c in line.chars() {
            if matches!(
                c,
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#'
            ) || (start && matches!(c, '-' | '+' | '='))
            {
                out.push('\\');
            }
            start = start && c.is_whitespace();
            out.push(c);
        }
    }
    out
}

fn cited(evidence: &[u32]) -> String {
    if evidence.is_empty() {
        String::new()
    } else {
        let labels: Vec<String> = evidence.iter().map(|n| format!("E{n}")).collect();
        format!(" (evidence: {})", labels.join(", "))
    }
}

/// The worksheet as Markdown for a document or a ticket.
pub fn to_markdown(rca: &Rca, names: &ExportNames<'_>, today: NaiveDate) -> String {
    use std::fmt::Write;
    let c = &rca.content;
    let time = names.time;
    let dash = |s: &str| {
        if s.trim().is_empty() {
            "—".to_string()
        } else {
            md_text(s)
        }
    };
    let mut md = String::new();
    let _ = writeln!(md, "# {}: {}\n", rca.key, md_text(&c.title));
    let _ = writeln!(md, "- **Status:** {}", rca.status.label());
    let _ = writeln!(md, "- **Owner:** {}", dash(&c.owner));
    let _ = writeln!(md, "- **Authors:** {}", dash(&c.authors.join(", ")));
    let _ = writeln!(md, "- **Cases:** {}", dash(&names.cases.join("; ")));
    if let Some(problem) = &names.problem {
        let _ = writeln!(md, "- **Problem:** {}", md_text(problem));
    }
    let _ = writeln!(
        md,
        "- **Partner teams:** {}",
        dash(&c.partner_teams.join(", "))
    );
    let _ = writeln!(md, "- **Root-cause category:** {}", dash(&c.category));
    let _ = writeln!(md, "- **Content hash (SHA-256):** `{}`", rca.hash());

    let _ = writeln!(md, "\n## Summary and impact\n\n{}\n", dash(&c.summary));
    let _ = writeln!(
        md,
        "- **Users affected:** {}",
        c.users_affected.map_or("—".into(), |n| n.to_string())
    );
    let _ = writeln!(
        md,
        "- **Money affected:** {}",
        c.money_affected.map_or("—".into(), |m| format!(
            "{} {}",
            m.currency.code(),
            m.amount_text()
        ))
    );
    let _ = writeln!(md, "- **Products:** {}", dash(&c.products.join(", ")));
    let _ = writeln!(md, "- **Start:** {}", c.started_at.map_or("—".into(), time));
    let _ = writeln!(md, "- **End:** {}", c.ended_at.map_or("—".into(), time));

    let _ = writeln!(md, "\n## Detection\n\n{}\n", dash(&c.detection));
    let _ = writeln!(
        md,
        "- **Detected:** {}",
        c.detected_at.map_or("—".into(), time)
    );
    let _ = writeln!(
        md,
        "- **Time to detect:** {}",
        c.minutes_to_detect().map_or("—".into(), duration_text)
    );

    let _ = writeln!(md, "\n## Timeline\n");
    if c.timeline.is_empty() {
        let _ = writeln!(md, "No entries.");
    }
    let mut timeline: Vec<&TimelineEntry> = c.timeline.iter().collect();
    timeline.sort_by_key(|e| e.at);
    for entry in timeline {
        let _ = write!(md, "- **{}** {}", time(entry.at), md_text(&entry.text));
        if !entry.knew_then.trim().is_empty() {
            let _ = write!(md, " — *what we knew then:* {}", md_text(&entry.knew_then));
        }
        let _ = writeln!(md);
    }

    let _ = writeln!(md, "\n## Evidence\n");
    if c.evidence.is_empty() {
        let _ = writeln!(md, "No evidence items.");
    }
    for item in &c.evidence {
        let _ = writeln!(
            md,
            "- **{}** ({}) {}: {}",
            item.label(),
            item.kind.label(),
            dash(&item.title),
            md_text(&item.detail)
        );
    }

    let _ = writeln!(md, "\n## Five whys\n");
    if c.whys.is_empty() {
        let _ = writeln!(md, "No whys yet.");
    }
    for (i, why) in c.whys.iter().enumerate() {
        let _ = writeln!(
            md,
            "{}. {}{}",
            i + 1,
            md_text(&why.text),
            cited(&why.evidence)
        );
    }

    let _ = writeln!(md, "\n## Fishbone\n");
    for category in FishboneCategory::ALL {
        let causes = c.fishbone.causes(category);
        if causes.is_empty() {
            continue;
        }
        let _ = writeln!(md, "- **{}:**", category.label());
        for cause in causes {
            let _ = writeln!(md, "  - {}", md_text(cause));
        }
    }

    let _ = writeln!(md, "\n## Contributing factors\n");
    if c.factors.is_empty() {
        let _ = writeln!(md, "None recorded.");
    }
    for factor in &c.factors {
        let _ = writeln!(md, "- {}{}", md_text(&factor.text), cited(&factor.evidence));
    }

    let _ = writeln!(md, "\n## What went well\n\n{}", dash(&c.went_well));
    let _ = writeln!(md, "\n## What went wrong\n\n{}", dash(&c.went_wrong));
    let _ = writeln!(md, "\n## Where we got lucky\n\n{}", dash(&c.got_lucky));

    let _ = writeln!(md, "\n## Actions\n");
    if c.actions.is_empty() {
        let _ = writeln!(md, "No actions.");
    }
    for (i, action) in c.actions.iter().enumerate() {
        let overdue = if action.is_overdue(today) {
            " **OVERDUE**"
        } else {
            ""
        };
        let _ = writeln!(
            md,
            "{}. **{}** {} — owner {}, team {}, due {}, ticket {}, {}{overdue}",
            i + 1,
            action.kind.label(),
            md_text(&action.title),
            dash(&action.owner),
            dash(&action.team),
            action.due.map_or("—".into(), |d| d.to_string()),
            dash(&action.ticket),
            action.status.label()
        );
        let v = &action.verification;
        if !(v.method.trim().is_empty()
            && v.verifier.trim().is_empty()
            && v.result.trim().is_empty()
            && v.date.is_none())
        {
            let _ = writeln!(
                md,
                "   - Verification: {} by {}, {}: {}",
                dash(&v.method),
                dash(&v.verifier),
                v.date.map_or("—".into(), |d| d.to_string()),
                dash(&v.result)
            );
        }
    }

    let _ = writeln!(md, "\n## Partner validation\n");
    if c.partner_teams.is_empty() {
        let _ = writeln!(md, "No partner teams named.");
    }
    for (team, state) in rca.signoff_states() {
        let line = match state {
            SignOffState::Missing => "not signed yet".to_string(),
            SignOffState::Current(s) | SignOffState::Stale(s) => format!(
                "{} by {} on {}{}{}",
                s.decision.label(),
                md_text(&s.validator),
                time(s.at),
                if s.comments.trim().is_empty() {
                    String::new()
                } else {
                    format!(": {}", md_text(&s.comments))
                },
                if s.content_hash == rca.hash() {
                    String::new()
                } else {
                    format!(
                        " — **STALE**: signed content `{}`",
                        short_hash(&s.content_hash)
                    )
                }
            ),
        };
        let _ = writeln!(md, "- **{}:** {line}", md_text(team));
    }
    md
}

#[cfg(test)]
#[path = "rca_tests.rs"]
mod tests;
