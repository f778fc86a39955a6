//! Cases: the one record a specialist owns from intake to closure, and how one is validated and edited.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

use super::DomainError;
use super::events::{CallOutcome, CaseEvent, EventKind};
use super::priority::{Impact, Priority, PriorityMatrix, Urgency};
use super::status::{Move, check_transition};
use super::triage::{Scoping, ScopingRequirements};

/// Longest title we accept; long enough for any real summary, short enough for a queue row.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest account name we accept.
pub const MAX_ACCOUNT_CHARS: usize = 120;

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

/// What the intake form holds, exactly as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCaseInput {
    pub title: String,
    pub account: String,
    pub contact_email: String,
    pub severity: String,
}

/// Which intake field is wrong, and why, in words for the specialist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Intake input that passed validation; only this can become a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidNewCase {
    pub title: String,
    pub account: String,
    pub contact_email: String,
    pub severity: Severity,
}

impl NewCaseInput {
    /// Checks every field and reports all problems at once, so the form can mark each one.
    pub fn validate(&self) -> Result<ValidNewCase, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = validate_title(&self.title).map_err(|e| errors.push(e)).ok();
        let account = self.account.trim();
        if account.is_empty() {
            errors.push(FieldError {
                field: "Account",
                message: "enter the merchant or account name".into(),
            });
        } else if account.chars().count() > MAX_ACCOUNT_CHARS {
            errors.push(FieldError {
                field: "Account",
                message: format!("keep it under {MAX_ACCOUNT_CHARS} characters"),
            });
        }
        let email = self.contact_email.trim();
        if let Err(why) = check_email(email) {
            errors.push(FieldError {
                field: "Contact email",
                message: why,
            });
        }
        let severity = Severity::parse(self.severity.trim());
        if severity.is_none() {
            errors.push(FieldError {
                field: "Severity",
                message: "choose S1, S2, S3 or S4".into(),
            });
        }
        match (title, severity) {
            (Some(title), Some(severity)) if errors.is_empty() => Ok(ValidNewCase {
                title,
                account: account.to_string(),
                contact_email: email.to_string(),
                severity,
            }),
            _ => Err(errors),
        }
    }
}

fn validate_title(raw: &str) -> Result<String, FieldError> {
    let title = raw.trim();
    if title.is_empty() {
        return Err(FieldError {
            field: "Title",
            message: "a case needs a title".into(),
        });
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(FieldError {
            field: "Title",
            message: format!("keep it under {MAX_TITLE_CHARS} characters; put detail in a note"),
        });
    }
    if title.chars().any(|c| c.is_control()) {
        return Err(FieldError {
            field: "Title",
            message: "a title is one line of text".into(),
        });
    }
    Ok(title.to_string())
}

/// A deliberately practical check: one `@`, a non-empty local part, and a dotted domain.
/// It explains what is wrong rather than quoting the RFC.
pub fn check_email(email: &str) -> Result<(), String> {
    if email.is_empty() {
        return Err("enter the user's email address".into());
    }
    if email.chars().any(char::is_whitespace) {
        return Err("an email address has no spaces".into());
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(format!("'{email}' has no @"));
    };
    if local.is_empty() {
        return Err("nothing before the @".into());
    }
    if domain.contains('@') {
        return Err("more than one @".into());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return Err(format!(
            "'{domain}' is not a full domain such as example.com"
        ));
    }
    if email.len() > 254 {
        return Err("longer than any deliverable address".into());
    }
    Ok(())
}

impl Case {
    /// Opens a case from validated intake; returns the case and its `Created` event.
    /// The person who opens a case owns it until they hand it over.
    pub fn open(
        input: ValidNewCase,
        matrix: &PriorityMatrix,
        id: Uuid,
        key: CaseKey,
        event_id: Uuid,
        actor: &str,
        now: DateTime<Utc>,
    ) -> (Case, CaseEvent) {
        let (impact, urgency) = input.severity.axes();
        let priority = matrix.priority(impact, urgency);
        let case = Case {
            id,
            key,
            title: input.title,
            account: Account {
                name: input.account,
                ..Account::default()
            },
            contacts: vec![Contact {
                email: input.contact_email,
                ..Contact::default()
            }],
            channel: Channel::default(),
            product_area: DEFAULT_PRODUCT_AREAS
                .last()
                .copied()
                .unwrap_or_default()
                .to_string(),
            impact,
            urgency,
            priority,
            owner: actor.to_string(),
            tags: Vec::new(),
            watchers: Vec::new(),
            scoping: Scoping::default(),
            status: CaseStatus::New,
            resolution: None,
            problem_id: None,
            created_at: now,
            updated_at: now,
            revision: 1,
        };
        let event = CaseEvent {
            id: event_id,
            case_id: id,
            at: now,
            actor: actor.to_string(),
            kind: EventKind::Created {
                title: case.title.clone(),
                severity: None,
                priority: Some(priority),
            },
        };
        (case, event)
    }

    /// The first contact's email: where acknowledgements go.
    pub fn contact_email(&self) -> &str {
        self.contacts
            .first()
            .map(|c| c.email.as_str())
            .unwrap_or("")
    }

    /// Renames the case, returning the new state and the event that records before and after.
    pub fn retitle(
        &self,
        new_title: &str,
        event_id: Uuid,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(Case, CaseEvent), DomainError> {
        let title = validate_title(new_title).map_err(DomainError::Invalid)?;
        if title == self.title {
            return Err(DomainError::NoChange);
        }
        let mut next = self.clone();
        next.title = title.clone();
        next.touch(now);
        let event = self.event(
            event_id,
            actor,
            now,
            EventKind::changed("title", &self.title, &title),
        );
        Ok((next, event))
    }

    /// Applies one edit; returns the new case and the events that explain it, or why it is refused.
    /// `next_id` supplies event ids, so the caller (and tests) decide where ids come from.
    pub fn apply(
        &self,
        edit: CaseEdit,
        ctx: &EditContext<'_>,
        mut next_id: impl FnMut() -> Uuid,
    ) -> Result<(Case, Vec<CaseEvent>), DomainError> {
        let mut next = self.clone();
        let mut kinds = Vec::new();
        let invalid = |field: &'static str, message: String| {
            DomainError::Invalid(FieldError { field, message })
        };
        match edit {
            CaseEdit::Title(title) => {
                let title = validate_title(&title).map_err(DomainError::Invalid)?;
                kinds.push(EventKind::changed("title", &self.title, &title));
                next.title = title;
            }
            CaseEdit::Status { to, resolution } => {
                let step = check_transition(self.status, to).map_err(DomainError::Transition)?;
                if to == CaseStatus::Triaged {
                    let missing = self.scoping.missing(ctx.requirements);
                    if !missing.is_empty() {
                        let names: Vec<&str> = missing.iter().map(|f| f.label()).collect();
                        return Err(DomainError::NotTriaged(names.join(", ")));
                    }
                }
                let resolution = resolution.trim();
                match step {
                    Move::Resolve if resolution.is_empty() => {
                        return Err(invalid(
                            "Resolution summary",
                            "say how the case was resolved".into(),
                        ));
                    }
                    Move::Resolve => next.resolution = Some(resolution.to_string()),
                    _ => {}
                }
                kinds.push(EventKind::StatusChanged {
                    from: self.status,
                    to,
                    resolution: (step == Move::Resolve).then(|| resolution.to_string()),
                });
                next.status = to;
            }
            CaseEdit::Axes { impact, urgency } => {
                next.impact = impact;
                next.urgency = urgency;
                next.priority = ctx.matrix.priority(impact, urgency);
                if impact != self.impact {
                    kinds.push(EventKind::changed(
                        "impact",
                        self.impact.label(),
                        impact.label(),
                    ));
                }
                if urgency != self.urgency {
                    kinds.push(EventKind::changed(
                        "urgency",
                        self.urgency.label(),
                        urgency.label(),
                    ));
                }
                if next.priority != self.priority {
                    kinds.push(EventKind::changed(
                        "priority",
                        self.priority.code(),
                        next.priority.code(),
                    ));
                }
            }
            CaseEdit::Priority(priority) => {
                kinds.push(EventKind::changed(
                    "priority",
                    self.priority.code(),
                    priority.code(),
                ));
                next.priority = priority;
            }
            CaseEdit::Owner(owner) => {
                let owner = owner.trim().to_string();
                if owner.is_empty() {
                    return Err(invalid("Owner", "every case has an owner; pick one".into()));
                }
                kinds.push(EventKind::changed("owner", &self.owner, &owner));
                next.owner = owner;
            }
            CaseEdit::Tags(tags) => {
                let tags = normalise_tags(&tags);
                kinds.push(EventKind::changed(
                    "tags",
                    &self.tags.join(", "),
                    &tags.join(", "),
                ));
                next.tags = tags;
            }
            CaseEdit::Watchers(watchers) => {
                let mut watchers: Vec<String> = watchers
                    .iter()
                    .map(|w| w.trim().to_string())
                    .filter(|w| !w.is_empty())
                    .collect();
                watchers.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
                kinds.push(EventKind::changed(
                    "watchers",
                    &self.watchers.join(", "),
                    &watchers.join(", "),
                ));
                next.watchers = watchers;
            }
            CaseEdit::AddTag(tag) => {
                if tag.trim().is_empty() {
                    return Err(invalid("Tag", "type the tag to add".into()));
                }
                let tags = normalise_tags(&[self.tags.clone(), vec![tag]].concat());
                kinds.push(EventKind::changed(
                    "tags",
                    &self.tags.join(", "),
                    &tags.join(", "),
                ));
                next.tags = tags;
            }
            CaseEdit::ProductArea(area) => {
                let area = area.trim().to_string();
                if area.is_empty() {
                    return Err(invalid("Product area", "choose a product area".into()));
                }
                kinds.push(EventKind::changed(
                    "product area",
                    &self.product_area,
                    &area,
                ));
                next.product_area = area;
            }
            CaseEdit::Channel(channel) => {
                kinds.push(EventKind::changed(
                    "channel",
                    self.channel.label(),
                    channel.label(),
                ));
                next.channel = channel;
            }
            CaseEdit::Account(account) => {
                let name = account.name.trim();
                if name.is_empty() {
                    return Err(invalid(
                        "Account",
                        "enter the merchant or account name".into(),
                    ));
                }
                let account = Account {
                    name: name.to_string(),
                    account_id: account.account_id.trim().to_string(),
                    ..account
                };
                if account.name != self.account.name {
                    kinds.push(EventKind::changed(
                        "account",
                        &self.account.name,
                        &account.name,
                    ));
                }
                if account.account_id != self.account.account_id {
                    kinds.push(EventKind::changed(
                        "account id",
                        &self.account.account_id,
                        &account.account_id,
                    ));
                }
                if account.tier != self.account.tier {
                    kinds.push(EventKind::changed(
                        "tier",
                        self.account.tier.label(),
                        account.tier.label(),
                    ));
                }
                next.account = account;
            }
            CaseEdit::Contacts(contacts) => {
                let contacts = validate_contacts(contacts)?;
                let show =
                    |list: &[Contact]| list.iter().map(contact_line).collect::<Vec<_>>().join("; ");
                kinds.push(EventKind::changed(
                    "contacts",
                    &show(&self.contacts),
                    &show(&contacts),
                ));
                next.contacts = contacts;
            }
            CaseEdit::Scoping(scoping) => {
                for field in super::triage::ScopingField::ALL {
                    let (before, after) = (self.scoping.display(field), scoping.display(field));
                    if before != after {
                        kinds.push(EventKind::changed(
                            &field.label().to_lowercase(),
                            &before,
                            &after,
                        ));
                    }
                }
                next.scoping = scoping;
            }
            CaseEdit::Problem(problem) => {
                let show = |p: Option<Uuid>| p.map(|id| id.to_string()).unwrap_or_default();
                kinds.push(EventKind::changed(
                    "problem",
                    &show(self.problem_id),
                    &show(problem),
                ));
                next.problem_id = problem;
            }
        }
        kinds.retain(|k| !k.is_no_op());
        if kinds.is_empty() {
            return Err(DomainError::NoChange);
        }
        next.touch(ctx.now);
        let events = kinds
            .into_iter()
            .map(|kind| self.event(next_id(), ctx.actor, ctx.now, kind))
            .collect();
        Ok((next, events))
    }

    /// Puts back the editable fields of `snapshot` (an Undo), logging each restored field.
    /// Undo is not bound by the workflow: it returns the case exactly to where it was.
    pub fn restore(
        &self,
        snapshot: &Case,
        actor: &str,
        now: DateTime<Utc>,
        mut next_id: impl FnMut() -> Uuid,
    ) -> Result<(Case, Vec<CaseEvent>), DomainError> {
        let mut kinds = Vec::new();
        if self.status != snapshot.status {
            kinds.push(EventKind::StatusChanged {
                from: self.status,
                to: snapshot.status,
                resolution: None,
            });
        }
        let text_fields: [(&str, String, String); 6] = [
            ("title", self.title.clone(), snapshot.title.clone()),
            ("owner", self.owner.clone(), snapshot.owner.clone()),
            (
                "priority",
                self.priority.code().into(),
                snapshot.priority.code().into(),
            ),
            ("tags", self.tags.join(", "), snapshot.tags.join(", ")),
            (
                "product area",
                self.product_area.clone(),
                snapshot.product_area.clone(),
            ),
            (
                "resolution",
                self.resolution.clone().unwrap_or_default(),
                snapshot.resolution.clone().unwrap_or_default(),
            ),
        ];
        kinds.extend(
            text_fields
                .iter()
                .map(|(field, before, after)| EventKind::changed(field, before, after)),
        );
        kinds.retain(|k| !k.is_no_op());
        if kinds.is_empty() {
            return Err(DomainError::NoChange);
        }
        let mut next = Case {
            revision: self.revision,
            updated_at: self.updated_at,
            ..snapshot.clone()
        };
        next.touch(now);
        let events = kinds
            .into_iter()
            .map(|kind| self.event(next_id(), actor, now, kind))
            .collect();
        Ok((next, events))
    }

    fn event(&self, id: Uuid, actor: &str, at: DateTime<Utc>, kind: EventKind) -> CaseEvent {
        CaseEvent {
            id,
            case_id: self.id,
            at,
            actor: actor.to_string(),
            kind,
        }
    }

    /// Records a note. The text is kept byte for byte: call notes are evidence.
    pub fn note(
        &self,
        text: &str,
        event_id: Uuid,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(Case, CaseEvent), DomainError> {
        if text.trim().is_empty() {
            return Err(DomainError::EmptyNote("the note is empty"));
        }
        let kind = EventKind::NoteAdded {
            text: text.to_string(),
        };
        Ok(self.with_event(kind, event_id, actor, now))
    }

    /// The case one revision on, and the event that says why.
    fn with_event(
        &self,
        kind: EventKind,
        event_id: Uuid,
        actor: &str,
        now: DateTime<Utc>,
    ) -> (Case, CaseEvent) {
        let mut next = self.clone();
        next.touch(now);
        let event = CaseEvent {
            id: event_id,
            case_id: self.id,
            at: now,
            actor: actor.to_string(),
            kind,
        };
        (next, event)
    }

    /// Logs a conversation or hand-off event (an email, a call, a promise, a partner's answer),
    /// refusing one that is missing what makes it useful later.
    pub fn record(
        &self,
        kind: EventKind,
        event_id: Uuid,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(Case, CaseEvent), DomainError> {
        let refuse = |why: &str| Err(DomainError::Contact(why.to_string()));
        match &kind {
            EventKind::EmailSent {
                to, subject, body, ..
            } => {
                if to.trim().is_empty() {
                    return refuse("say who the email went to");
                }
                for address in to
                    .split([',', ';'])
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                {
                    if let Err(e) = check_email(address) {
                        return Err(DomainError::Contact(format!("'{address}': {e}")));
                    }
                }
                if subject.trim().is_empty() || body.trim().is_empty() {
                    return refuse("an email needs a subject and a body");
                }
            }
            EventKind::EmailReceived { from, body, .. } => {
                if from.trim().is_empty() || body.trim().is_empty() {
                    return refuse("paste the email's sender and its text");
                }
            }
            EventKind::CallLogged { outcome, notes, .. } => {
                if *outcome == CallOutcome::Reached && notes.trim().is_empty() {
                    return refuse("write what was said on the call");
                }
            }
            EventKind::UpdatePromised { by } => {
                if *by <= now {
                    return refuse("a promised update must be in the future");
                }
            }
            EventKind::HandedOff { team, ask, .. } => {
                if team.trim().is_empty() || ask.trim().is_empty() {
                    return refuse("name the partner team and what you asked them");
                }
            }
            EventKind::PartnerAnswered { summary, .. } => {
                if summary.trim().is_empty() {
                    return refuse("summarise the partner team's answer");
                }
            }
            // Checked against the checklist by `playbooks::Checklist`, which builds these.
            EventKind::PlaybookApplied { steps, .. } if steps.is_empty() => {
                return refuse("a playbook needs at least one step");
            }
            EventKind::PlaybookApplied { .. }
            | EventKind::StepTicked { .. }
            | EventKind::StepReopened { .. } => {}
            EventKind::StepSkipped { reason, .. } if reason.trim().is_empty() => {
                return refuse("say why the step is skipped");
            }
            EventKind::StepSkipped { .. } => {}
            EventKind::ReminderSet { at, snooze, .. } => match at {
                Some(at) if *at <= now => return refuse("a reminder must be in the future"),
                None if *snooze => return refuse("say until when to snooze the case"),
                _ => {}
            },
            _ => return refuse("this kind of event is not logged by hand"),
        }
        Ok(self.with_event(kind, event_id, actor, now))
    }

    fn touch(&mut self, now: DateTime<Utc>) {
        // A clock that steps backwards must not make a later edit look older.
        self.updated_at = self.updated_at.max(now);
        self.revision += 1;
    }
}

/// Tags are folded to lower case, trimmed, de-duplicated and sorted, so "Payroll" and "payroll " are one tag.
pub fn normalise_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = tags
        .iter()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A phone number a dialer can use: digits with optional +, spaces, dashes, dots and brackets,
/// and 7 to 15 digits (the E.164 maximum).
pub fn check_phone(phone: &str) -> Result<(), String> {
    let phone = phone.trim();
    if let Some(bad) = phone
        .chars()
        .find(|c| !(c.is_ascii_digit() || " +-.()".contains(*c)))
    {
        return Err(format!("'{bad}' does not belong in a phone number"));
    }
    if phone.chars().skip(1).any(|c| c == '+') {
        return Err("a + may only start the number".into());
    }
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !(7..=15).contains(&digits) {
        return Err(format!("{digits} digits; a phone number has 7 to 15"));
    }
    Ok(())
}

fn validate_contacts(contacts: Vec<Contact>) -> Result<Vec<Contact>, DomainError> {
    let mut valid = Vec::new();
    for contact in contacts {
        let contact = Contact {
            name: contact.name.trim().to_string(),
            email: contact.email.trim().to_string(),
            phone: contact.phone.trim().to_string(),
        };
        if contact.name.is_empty() && contact.email.is_empty() && contact.phone.is_empty() {
            continue;
        }
        check_email(&contact.email).map_err(|message| {
            DomainError::Invalid(FieldError {
                field: "Contact email",
                message,
            })
        })?;
        if !contact.phone.is_empty() {
            check_phone(&contact.phone).map_err(|message| {
                DomainError::Invalid(FieldError {
                    field: "Contact phone",
                    message,
                })
            })?;
        }
        valid.push(contact);
    }
    if valid.is_empty() {
        return Err(DomainError::Invalid(FieldError {
            field: "Contact email",
            message: "a case needs at least one contact".into(),
        }));
    }
    Ok(valid)
}

fn contact_line(contact: &Contact) -> String {
    [
        contact.name.as_str(),
        contact.email.as_str(),
        contact.phone.as_str(),
    ]
    .into_iter()
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join(" ")
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
mod tests {
    use super::*;
    use crate::domain::priority::{Impact, Priority, PriorityMatrix, Urgency};
    use crate::domain::triage::{Scoping, ScopingRequirements};
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, h, m, 0).unwrap()
    }

    fn input(title: &str, account: &str, email: &str, severity: &str) -> NewCaseInput {
        NewCaseInput {
            title: title.into(),
            account: account.into(),
            contact_email: email.into(),
            severity: severity.into(),
        }
    }

    fn sample_case() -> Case {
        let valid = input("Payouts held", "Kopi Co", "ops@kopi.sg", "S2")
            .validate()
            .unwrap();
        Case::open(
            valid,
            &PriorityMatrix::default(),
            Uuid::from_u128(1),
            CaseKey::from_number(1001),
            Uuid::from_u128(2),
            "Mei",
            at(9, 0),
        )
        .0
    }

    #[test]
    fn case_keys_round_trip_and_reject_lookalikes() {
        for (text, expected) in [
            ("ESC-1001", Some(1001)),
            (" ESC-42 ", Some(42)),
            ("ESC-", None),
            ("esc-1001", None),
            ("ESC-10a1", None),
            ("ESC--1", None),
            ("ESC-99999999999", None),
        ] {
            assert_eq!(CaseKey::parse(text).map(|k| k.number()), expected, "{text}");
        }
        assert_eq!(CaseKey::from_number(1042).to_string(), "ESC-1042");
    }

    #[test]
    fn intake_accepts_a_complete_case_and_trims_it() {
        let valid = input(
            "  Payouts held for payroll ",
            " Kopi Co ",
            " ops@kopi.sg ",
            "S1",
        )
        .validate()
        .unwrap();
        assert_eq!(valid.title, "Payouts held for payroll");
        assert_eq!(valid.account, "Kopi Co");
        assert_eq!(valid.contact_email, "ops@kopi.sg");
        assert_eq!(valid.severity, Severity::S1);
    }

    #[test]
    fn intake_reports_every_bad_field_at_once() {
        let errors = input("   ", "", "not-an-email", "S9")
            .validate()
            .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["Title", "Account", "Contact email", "Severity"]);
        assert!(
            errors[2].message.contains("has no @"),
            "{}",
            errors[2].message
        );
    }

    #[test]
    fn email_check_names_the_problem() {
        for (email, fragment) in [
            ("", "enter"),
            ("a b@x.com", "no spaces"),
            ("ab.x.com", "no @"),
            ("@x.com", "before the @"),
            ("a@b@x.com", "more than one"),
            ("a@localhost", "full domain"),
            ("a@x..com", "full domain"),
            ("a@x.", "full domain"),
        ] {
            let why = check_email(email).unwrap_err();
            assert!(why.contains(fragment), "{email:?}: {why}");
        }
        for ok in ["a@x.co", "first.last+tag@sub.example.com.sg", "ünï@例え.jp"] {
            assert_eq!(check_email(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn titles_are_one_line_and_bounded() {
        assert!(validate_title("line one\nline two").is_err());
        assert!(validate_title(&"x".repeat(MAX_TITLE_CHARS)).is_ok());
        assert!(validate_title(&"x".repeat(MAX_TITLE_CHARS + 1)).is_err());
    }

    #[test]
    fn opening_a_case_records_who_and_when() {
        let valid = input("Refunds fail in JPY", "Sakura Mart", "pay@sakura.jp", "S3")
            .validate()
            .unwrap();
        let (case, event) = Case::open(
            valid,
            &PriorityMatrix::default(),
            Uuid::from_u128(7),
            CaseKey::from_number(1001),
            Uuid::from_u128(8),
            "Mei",
            at(9, 0),
        );
        assert_eq!(case.status, CaseStatus::New);
        assert_eq!(case.revision, 1);
        assert_eq!(event.case_id, case.id);
        assert_eq!(event.actor, "Mei");
        assert_eq!(event.at, at(9, 0));
        assert!(matches!(event.kind, EventKind::Created { .. }));
    }

    #[test]
    fn retitle_records_before_and_after_and_bumps_revision() {
        let case = sample_case();
        let (next, event) = case
            .retitle(
                "Payouts held — payroll Friday",
                Uuid::from_u128(3),
                "Raj",
                at(10, 0),
            )
            .unwrap();
        assert_eq!(next.title, "Payouts held — payroll Friday");
        assert_eq!(next.revision, 2);
        assert_eq!(next.updated_at, at(10, 0));
        assert_eq!(
            event.kind,
            EventKind::FieldChanged {
                field: "title".into(),
                before: "Payouts held".into(),
                after: "Payouts held — payroll Friday".into()
            }
        );
        assert_eq!(
            case.retitle("  Payouts held ", Uuid::from_u128(4), "Raj", at(10, 0)),
            Err(DomainError::NoChange)
        );
        assert!(matches!(
            case.retitle("", Uuid::from_u128(4), "Raj", at(10, 0)),
            Err(DomainError::Invalid(_))
        ));
    }

    #[test]
    fn notes_are_kept_byte_for_byte_and_empty_ones_refused() {
        let case = sample_case();
        let text = "  Called Wei: payroll is Friday.\n\tBank ref 123  ";
        let (next, event) = case
            .note(text, Uuid::from_u128(5), "Mei", at(11, 0))
            .unwrap();
        assert_eq!(event.kind, EventKind::NoteAdded { text: text.into() });
        assert_eq!(next.revision, case.revision + 1);
        assert!(
            case.note(" \n ", Uuid::from_u128(6), "Mei", at(11, 0))
                .is_err()
        );
    }

    #[test]
    fn a_clock_stepping_back_never_makes_updated_at_older() {
        let case = sample_case();
        let (next, _) = case.note("x", Uuid::from_u128(5), "Mei", at(8, 0)).unwrap();
        assert_eq!(next.updated_at, at(9, 0));
    }

    #[test]
    fn queue_puts_open_severe_old_cases_first() {
        let base = sample_case();
        let mk = |n: u32, sev: Priority, status: CaseStatus, h: u32| Case {
            key: CaseKey::from_number(n),
            priority: sev,
            status,
            created_at: at(h, 0),
            ..base.clone()
        };
        let mut cases = [
            mk(1, Priority::P1, CaseStatus::Closed, 1),
            mk(2, Priority::P3, CaseStatus::New, 1),
            mk(3, Priority::P1, CaseStatus::InProgress, 5),
            mk(4, Priority::P1, CaseStatus::New, 2),
        ];
        cases.sort_by(queue_order);
        let keys: Vec<u32> = cases.iter().map(|c| c.key.number()).collect();
        assert_eq!(keys, [4, 3, 2, 1]);
    }

    fn ctx<'a>(
        matrix: &'a PriorityMatrix,
        requirements: &'a ScopingRequirements,
    ) -> EditContext<'a> {
        EditContext {
            matrix,
            requirements,
            actor: "Raj",
            now: at(12, 0),
        }
    }

    fn ids() -> impl FnMut() -> Uuid {
        let mut n = 100;
        move || {
            n += 1;
            Uuid::from_u128(n)
        }
    }

    fn scoped(case: &Case) -> Case {
        let mut case = case.clone();
        case.scoping = Scoping {
            affected: "Payouts to DBS".into(),
            since: Some(at(1, 0)),
            money_at_risk: Some(crate::domain::money::Money::new(
                100,
                crate::domain::money::Currency::parse("SGD").unwrap(),
            )),
            ..Scoping::default()
        };
        case
    }

    #[test]
    fn intake_severity_maps_onto_the_matrix() {
        let case = sample_case();
        assert_eq!(
            (case.impact, case.urgency, case.priority),
            (Impact::Significant, Urgency::High, Priority::P2)
        );
        assert_eq!(case.owner, "Mei");
        assert_eq!(case.contact_email(), "ops@kopi.sg");
    }

    #[test]
    fn triage_needs_the_required_scoping_fields() {
        let (matrix, requirements) = (PriorityMatrix::default(), ScopingRequirements::default());
        let to_triaged = || CaseEdit::Status {
            to: CaseStatus::Triaged,
            resolution: String::new(),
        };
        let error = sample_case()
            .apply(to_triaged(), &ctx(&matrix, &requirements), ids())
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot mark the case triaged yet: fill in What is affected, Since when, Money at risk"
        );
        let (triaged, events) = scoped(&sample_case())
            .apply(to_triaged(), &ctx(&matrix, &requirements), ids())
            .unwrap();
        assert_eq!(triaged.status, CaseStatus::Triaged);
        assert_eq!(
            events[0].kind,
            EventKind::StatusChanged {
                from: CaseStatus::New,
                to: CaseStatus::Triaged,
                resolution: None
            }
        );
        assert_eq!(events[0].actor, "Raj");
        assert_eq!(events[0].at, at(12, 0));
    }

    #[test]
    fn illegal_moves_are_refused_with_the_reason() {
        let (matrix, requirements) = (PriorityMatrix::default(), ScopingRequirements::default());
        let error = sample_case()
            .apply(
                CaseEdit::Status {
                    to: CaseStatus::Closed,
                    resolution: String::new(),
                },
                &ctx(&matrix, &requirements),
                ids(),
            )
            .unwrap_err();
        assert!(
            error.to_string().contains("triage the case first"),
            "{error}"
        );
    }

    #[test]
    fn resolving_needs_a_summary_and_reopening_keeps_history() {
        let (matrix, requirements) = (PriorityMatrix::default(), ScopingRequirements::default());
        let c = ctx(&matrix, &requirements);
        let mut case = scoped(&sample_case());
        case.status = CaseStatus::InProgress;
        let resolve = |summary: &str| CaseEdit::Status {
            to: CaseStatus::Resolved,
            resolution: summary.into(),
        };
        let error = case.apply(resolve("  "), &c, ids()).unwrap_err();
        assert!(
            error.to_string().contains("say how the case was resolved"),
            "{error}"
        );
        let (resolved, events) = case
            .apply(resolve("Hold released by Risk"), &c, ids())
            .unwrap();
        assert_eq!(
            resolved.resolution.as_deref(),
            Some("Hold released by Risk")
        );
        assert!(
            matches!(&events[0].kind, EventKind::StatusChanged { resolution: Some(r), .. } if r == "Hold released by Risk")
        );
        let (reopened, events) = resolved
            .apply(
                CaseEdit::Status {
                    to: CaseStatus::InProgress,
                    resolution: String::new(),
                },
                &c,
                ids(),
            )
            .unwrap();
        assert_eq!(reopened.status, CaseStatus::InProgress);
        assert_eq!(events[0].headline(), "Raj reopened the case");
        assert_eq!(reopened.revision, case.revision + 2);
    }

    #[test]
    fn axes_set_priority_through_the_matrix_and_log_each_change() {
        let requirements = ScopingRequirements::default();
        let matrix =
            PriorityMatrix::default().with_cell(Impact::Minor, Urgency::Critical, Priority::P1);
        let (next, events) = sample_case()
            .apply(
                CaseEdit::Axes {
                    impact: Impact::Minor,
                    urgency: Urgency::Critical,
                },
                &ctx(&matrix, &requirements),
                ids(),
            )
            .unwrap();
        assert_eq!(next.priority, Priority::P1);
        let fields: Vec<String> = events
            .iter()
            .map(|e| match &e.kind {
                EventKind::FieldChanged {
                    field,
                    before,
                    after,
                } => format!("{field}: {before} -> {after}"),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            fields,
            [
                "impact: Significant -> Minor",
                "urgency: High -> Critical",
                "priority: P2 -> P1"
            ]
        );
        assert_eq!(
            events.iter().map(|e| e.id.as_u128()).collect::<Vec<_>>(),
            [101, 102, 103]
        );
    }

    #[test]
    fn owners_tags_and_contacts_are_validated_and_normalised() {
        let (matrix, requirements) = (PriorityMatrix::default(), ScopingRequirements::default());
        let c = ctx(&matrix, &requirements);
        let case = sample_case();
        assert!(case.apply(CaseEdit::Owner("  ".into()), &c, ids()).is_err());
        let (tagged, _) = case
            .apply(
                CaseEdit::Tags(vec![
                    "Payroll ".into(),
                    "payroll".into(),
                    "".into(),
                    "DBS".into(),
                ]),
                &c,
                ids(),
            )
            .unwrap();
        assert_eq!(tagged.tags, ["dbs", "payroll"]);
        let (more, _) = tagged
            .apply(CaseEdit::AddTag(" Escalated ".into()), &c, ids())
            .unwrap();
        assert_eq!(more.tags, ["dbs", "escalated", "payroll"]);
        assert_eq!(
            more.apply(CaseEdit::AddTag("DBS".into()), &c, ids()),
            Err(DomainError::NoChange)
        );
        assert!(more.apply(CaseEdit::AddTag(" ".into()), &c, ids()).is_err());
        let contact = |email: &str, phone: &str| Contact {
            name: "Wei".into(),
            email: email.into(),
            phone: phone.into(),
        };
        let bad_phone = case.apply(
            CaseEdit::Contacts(vec![contact("wei@kopi.sg", "+65 6123 45x7")]),
            &c,
            ids(),
        );
        assert!(
            bad_phone
                .unwrap_err()
                .to_string()
                .contains("'x' does not belong")
        );
        let bad_email = case.apply(
            CaseEdit::Contacts(vec![contact("wei.kopi.sg", "")]),
            &c,
            ids(),
        );
        assert!(bad_email.unwrap_err().to_string().contains("has no @"));
        assert!(
            case.apply(CaseEdit::Contacts(vec![contact("", "")]), &c, ids())
                .is_err(),
            "no contact left"
        );
        let (next, events) = case
            .apply(
                CaseEdit::Contacts(vec![contact("wei@kopi.sg", "+65 6123 4567")]),
                &c,
                ids(),
            )
            .unwrap();
        assert_eq!(next.contacts[0].phone, "+65 6123 4567");
        assert_eq!(events.len(), 1);
    }

    #[test]
    fn phone_check_table() {
        for ok in [
            "+65 6123 4567",
            "(02) 9876-5432",
            "6512345678",
            "+1.415.555.0100",
        ] {
            assert_eq!(check_phone(ok), Ok(()), "{ok}");
        }
        for (bad, fragment) in [
            ("12345", "5 digits"),
            ("+65 61+23 4567", "only start"),
            ("call me", "does not belong"),
            ("1234567890123456", "16 digits"),
        ] {
            let why = check_phone(bad).unwrap_err();
            assert!(why.contains(fragment), "{bad}: {why}");
        }
    }

    #[test]
    fn scoping_edits_log_one_event_per_changed_field_and_no_op_edits_are_refused() {
        let (matrix, requirements) = (PriorityMatrix::default(), ScopingRequirements::default());
        let c = ctx(&matrix, &requirements);
        let case = sample_case();
        let scoping = Scoping {
            affected: "Payouts to DBS".into(),
            users_affected: Some(12),
            ..Scoping::default()
        };
        let (next, events) = case
            .apply(CaseEdit::Scoping(scoping.clone()), &c, ids())
            .unwrap();
        assert_eq!(next.scoping, scoping);
        assert_eq!(events.len(), 2);
        assert_eq!(
            next.apply(CaseEdit::Scoping(scoping), &c, ids()),
            Err(DomainError::NoChange)
        );
        assert_eq!(
            case.apply(CaseEdit::Title(case.title.clone()), &c, ids()),
            Err(DomainError::NoChange)
        );
    }

    #[test]
    fn restore_undoes_a_change_even_against_the_workflow_and_logs_it() {
        let (matrix, requirements) = (PriorityMatrix::default(), ScopingRequirements::default());
        let c = ctx(&matrix, &requirements);
        let before = scoped(&sample_case());
        let (triaged, _) = before
            .apply(
                CaseEdit::Status {
                    to: CaseStatus::Triaged,
                    resolution: String::new(),
                },
                &c,
                ids(),
            )
            .unwrap();
        let (owned, _) = triaged
            .apply(CaseEdit::Owner("Aisha".into()), &c, ids())
            .unwrap();
        let (restored, events) = owned.restore(&before, "Raj", at(13, 0), ids()).unwrap();
        assert_eq!(
            restored.status,
            CaseStatus::New,
            "Triaged -> New is refused as a move but allowed as an undo"
        );
        assert_eq!(restored.owner, before.owner);
        assert_eq!(restored.revision, owned.revision + 1);
        assert_eq!(events.len(), 2);
        assert!(matches!(
            events[0].kind,
            EventKind::StatusChanged {
                from: CaseStatus::Triaged,
                to: CaseStatus::New,
                ..
            }
        ));
        assert_eq!(
            restored.restore(&restored.clone(), "Raj", at(13, 0), ids()),
            Err(DomainError::NoChange)
        );
    }

    #[test]
    fn logged_conversations_need_what_makes_them_useful() {
        let case = sample_case();
        let now = case.created_at + chrono::Duration::hours(1);
        let record = |kind| case.record(kind, Uuid::from_u128(9), "Mei", now);
        let sent = |to: &str| EventKind::EmailSent {
            to: to.into(),
            cc: String::new(),
            subject: "Your payout".into(),
            body: "We are on it.".into(),
        };
        let (next, event) = record(sent("ops@kopi.example, cfo@kopi.example")).unwrap();
        assert_eq!(next.revision, case.revision + 1);
        assert_eq!(event.at, now);
        let err = record(sent("ops at kopi")).unwrap_err().to_string();
        assert!(err.starts_with("'ops at kopi':"), "{err}");
        assert!(record(sent("")).is_err());
        assert!(record(EventKind::UpdatePromised { by: now }).is_err());
        assert!(
            record(EventKind::UpdatePromised {
                by: now + chrono::Duration::minutes(30)
            })
            .is_ok()
        );
        assert!(
            record(EventKind::CallLogged {
                outcome: CallOutcome::Reached,
                duration_seconds: 60,
                notes: " ".into(),
                next_steps: String::new()
            })
            .is_err()
        );
        assert!(
            record(EventKind::CallLogged {
                outcome: CallOutcome::NoAnswer,
                duration_seconds: 20,
                notes: String::new(),
                next_steps: String::new()
            })
            .is_ok()
        );
        assert!(record(EventKind::NoteAdded { text: "x".into() }).is_err());
    }

    #[test]
    fn reminders_must_be_in_the_future_and_a_snooze_needs_a_time() {
        let case = sample_case();
        let remind = |at: Option<DateTime<Utc>>, snooze| EventKind::ReminderSet {
            at,
            snooze,
            note: String::new(),
        };
        let now = at(10, 0);
        let refused = |kind| {
            case.record(kind, Uuid::from_u128(9), "Mei", now)
                .unwrap_err()
        };
        assert_eq!(
            refused(remind(Some(now), false)).to_string(),
            "a reminder must be in the future"
        );
        assert_eq!(
            refused(remind(None, true)).to_string(),
            "say until when to snooze the case"
        );
        let (next, event) = case
            .record(
                remind(Some(at(11, 0)), true),
                Uuid::from_u128(9),
                "Mei",
                now,
            )
            .unwrap();
        assert_eq!(next.revision, case.revision + 1);
        assert_eq!(event.headline(), "Mei snoozed the case");
        // Clearing needs no time.
        assert!(
            case.record(remind(None, false), Uuid::from_u128(9), "Mei", now)
                .is_ok()
        );
    }
}
